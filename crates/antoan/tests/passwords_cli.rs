//! End-to-end tests of `antoan passwords` and `antoan audit --passwords`:
//! the real binary on shadow files hashed by the system's crypt (mkpasswd,
//! Debian package `whois`), pwdump files and SAM+SYSTEM hives built here
//! with known passwords. Every output (JSON, terminal, HTML, `-o` file,
//! stderr) is scanned for the planted passwords and hashes.

#[path = "../../antoan-passwords/tests/samgen/mod.rs"]
mod samgen;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use antoan_passwords::nt::{lm_hash, nt_hash};
use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
    c.env_remove("LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("ANTOAN_LANG");
    c.env("NO_COLOR", "1");
    // Never the machine's own knowledge store (its imported word lists would be tried).
    c.env("ANTOAN_VULN_STORE", std::env::temp_dir().join(format!("antoan-pw-no-store-{}", std::process::id())));
    c
}

fn run(args: &[&str], dir: &Path) -> Output {
    let o = bin().current_dir(dir).args(args).output().expect("run antoan");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "antoan panicked:\n{err}");
    assert_ne!(o.status.code(), Some(101), "antoan panicked:\n{err}");
    o
}

fn json(o: &Output) -> Value {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("report does not match the schema:\n{}", errors.join("\n"));
    }
    v
}

/// `(check, subject, severity)` of every finding, sorted.
fn digest(v: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn subjects(v: &Value, check: &str) -> Vec<String> {
    let mut s: Vec<String> = digest(v).into_iter().filter(|d| d.0 == check).map(|d| d.1).collect();
    s.sort();
    s
}

/// Secrets that must never appear in any output.
struct Secrets(Vec<String>);

impl Secrets {
    fn assert_absent(&self, what: &str, text: &[u8]) {
        let t = String::from_utf8_lossy(text);
        let lower = t.to_lowercase();
        for s in &self.0 {
            assert!(
                !t.contains(s.as_str()) && !lower.contains(&s.to_lowercase()),
                "{what} leaks a planted secret ({} chars)",
                s.len()
            );
        }
    }

    /// Runs the command in every format (and with `-o`), scanning all outputs.
    fn scan_all_outputs(&self, args: &[&str], dir: &Path) -> Vec<Output> {
        let mut outs = Vec::new();
        for fmt in ["json", "terminal", "html"] {
            for lang in ["vi", "en"] {
                let mut a: Vec<&str> = args.to_vec();
                a.extend(["--format", fmt, "--lang", lang]);
                let o = run(&a, dir);
                self.assert_absent(&format!("{fmt}/{lang} stdout"), &o.stdout);
                self.assert_absent(&format!("{fmt}/{lang} stderr"), &o.stderr);
                outs.push(o);
            }
        }
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--format", "html", "-o", "report.html"]);
        let o = run(&a, dir);
        self.assert_absent("-o stderr", &o.stderr);
        self.assert_absent("-o file", &std::fs::read(dir.join("report.html")).expect("report written"));
        outs
    }
}

fn hex(h: &[u8; 16]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn mkpasswd(method: &str, password: &str, extra: &[&str]) -> Option<String> {
    use std::io::Write;
    let mut c = Command::new("mkpasswd")
        .args(["-m", method])
        .args(extra)
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    c.stdin.take()?.write_all(password.as_bytes()).ok()?;
    let o = c.wait_with_output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

// ------------------------------------------------------------------ shadow

#[test]
fn shadow_with_system_crypt_flags_exactly_the_weak_accounts() {
    if mkpasswd("sha512crypt", "x", &[]).is_none() {
        eprintln!("SKIPPED: mkpasswd not found (Debian package whois)");
        return;
    }
    // (account, method, password, extra args, weak?)
    let plan: &[(&str, &str, &str, &[&str], bool)] = &[
        // Weak ones the rules build from names (distinctive strings, so the
        // leak scan can look for them; common words like "password" also
        // occur in report text).
        ("root", "sha512crypt", "Admin@123", &[], true),
        ("ketoan", "yescrypt", "ketoan2024", &[], true),
        ("vanthu", "sha256crypt", "Vanthu@123", &[], true),
        ("hanhchinh", "bcrypt", "hanhchinh123", &["-R", "5"], true),
        ("luutru", "md5crypt", "luutru123", &[], true),
        // DES crypt keeps 8 characters: "olddes12" is what is checked.
        ("olddes", "descrypt", "olddes123", &[], true),
        ("nguyenvana", "yescrypt", "Vq7#mPz!9vLr@2kW", &[], false),
        ("tranthib", "sha512crypt", "kR4$wN8!qZ2@xT6m", &[], false),
        ("lec", "bcrypt", "Hs9!pL3#vB7@nQ1z", &["-R", "5"], false),
        ("phamd", "md5crypt", "Tg5#yU8!mK2@wE4r", &[], false),
        ("hoange", "descrypt", "Zq8#kLm2", &[], false),
    ];
    let mut lines = Vec::new();
    let mut secrets = Vec::new();
    for (name, method, pw, extra, _) in plan {
        let h = mkpasswd(method, pw, extra).unwrap_or_else(|| panic!("mkpasswd -m {method}"));
        lines.push(format!("{name}:{h}:19000:0:99999:7:::"));
        secrets.push(pw.to_string());
        secrets.push(h);
    }
    lines.push("guest::19000:0:99999:7:::".into());
    lines.push("bin:*:19000:0:99999:7:::".into());
    lines.push("daemon:!:19000:0:99999:7:::".into());
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("shadow"), lines.join("\n") + "\n").unwrap();
    let s = Secrets(secrets);

    let o = run(&["passwords", "shadow", "--format", "json", "--time-budget", "25", "--now", "2026-11-24"], d.path());
    s.assert_absent("json", &o.stdout);
    s.assert_absent("stderr", &o.stderr);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    let want_weak: Vec<String> = {
        let mut w: Vec<String> = plan.iter().filter(|p| p.4).map(|p| p.0.to_string()).collect();
        w.sort();
        w
    };
    assert_eq!(subjects(&v, "passwords.weak"), want_weak);
    assert_eq!(subjects(&v, "passwords.empty"), vec!["guest".to_string()]);
    assert_eq!(
        subjects(&v, "passwords.weak-algorithm"),
        vec!["hoange", "luutru", "olddes", "phamd"].into_iter().map(String::from).collect::<Vec<_>>()
    );
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["kind"].as_str().unwrap() == "weak-credential", f["check"] != "passwords.weak-algorithm");
    }
    let guest = v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "passwords.empty").unwrap();
    assert_eq!(guest["severity"], "critical");
    let root = v["findings"].as_array().unwrap().iter().find(|f| f["subject"] == "root" && f["check"] == "passwords.weak").unwrap();
    assert_eq!(root["attributes"]["hash_type"], "sha512crypt");
    assert_eq!(v["host"]["os"]["family"], "linux");
    // The coverage is reported.
    assert!(subjects(&v, "passwords.coverage") == vec!["coverage".to_string()]);
}

// ------------------------------------------------------------------ pwdump

fn pwdump_fixture(dir: &Path) -> Secrets {
    let weak = "Admin@123";
    let strong = "Xq7#mPz!9vLr@2kW";
    let lmpw = "ketoan2024";
    let empty_lm = "aad3b435b51404eeaad3b435b51404ee";
    let lines = [
        format!("Administrator:500:{empty_lm}:{}:::", hex(&nt_hash(weak).0)),
        format!("Guest:501:{empty_lm}:{}:::", hex(&nt_hash("").0)),
        format!("nguyenvana:1001:{empty_lm}:{}:::", hex(&nt_hash(strong).0)),
        format!("ketoan:1002:{}:{}:::", hex(&lm_hash(lmpw.as_bytes()).unwrap().0), hex(&nt_hash(lmpw).0)),
        format!("vanthu:1003:{empty_lm}:{}:::", hex(&nt_hash(strong).0)),
    ];
    std::fs::write(dir.join("hashes.txt"), lines.join("\r\n") + "\r\n").unwrap();
    Secrets(vec![
        weak.into(),
        strong.into(),
        lmpw.into(),
        hex(&nt_hash(weak).0),
        hex(&nt_hash(strong).0),
        hex(&nt_hash(lmpw).0),
        hex(&lm_hash(lmpw.as_bytes()).unwrap().0),
    ])
}

#[test]
fn pwdump_findings_exit_codes_and_no_leaks() {
    let d = tempfile::tempdir().unwrap();
    let s = pwdump_fixture(d.path());
    let o = run(&["passwords", "hashes.txt", "--format", "json"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(subjects(&v, "passwords.weak"), vec!["Administrator", "ketoan"]);
    assert_eq!(subjects(&v, "passwords.empty"), vec!["Guest"]);
    assert_eq!(subjects(&v, "passwords.lm-hash"), vec!["ketoan"]);
    assert_eq!(subjects(&v, "passwords.reuse"), vec!["nguyenvana", "vanthu"]);
    assert_eq!(v["host"]["os"]["family"], "windows");
    // The why names the kind of weakness, not a rank.
    let admin = v["findings"].as_array().unwrap().iter().find(|f| f["subject"] == "Administrator" && f["check"] == "passwords.weak").unwrap();
    let why = admin["attributes"]["why"].as_str().unwrap();
    assert!(!why.contains("rank"), "{why}");
    // Critical (Guest's empty password) is at or above every threshold.
    assert_eq!(run(&["passwords", "hashes.txt", "--format", "json", "--fail-on", "critical"], d.path()).status.code(), Some(1));
    s.scan_all_outputs(&["passwords", "hashes.txt"], d.path());
}

#[test]
fn strong_only_exits_0_and_user_wordlist_is_named_not_shown() {
    let d = tempfile::tempdir().unwrap();
    let strong = "Xq7#mPz!9vLr@2kW";
    let custom = "Sở-Nội-vụ#Lạng-Sơn!77";
    std::fs::write(
        d.path().join("hashes.txt"),
        format!(
            "a:1001:aad3b435b51404eeaad3b435b51404ee:{}:::\nb:1002:aad3b435b51404eeaad3b435b51404ee:{}:::\n",
            hex(&nt_hash(strong).0),
            hex(&nt_hash(custom).0)
        ),
    )
    .unwrap();
    let o = run(&["passwords", "hashes.txt", "--format", "json"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(subjects(&json(&o), "passwords.weak").is_empty());
    // The caller's list finds b; the report names the list, never the word.
    std::fs::write(d.path().join("donvi.txt"), format!("khong-phai\n{custom}\n")).unwrap();
    let s = Secrets(vec![strong.into(), custom.into(), hex(&nt_hash(strong).0), hex(&nt_hash(custom).0)]);
    let outs = s.scan_all_outputs(&["passwords", "hashes.txt", "--wordlist", "donvi.txt"], d.path());
    let v = json(&outs[0]);
    assert_eq!(outs[0].status.code(), Some(1));
    assert_eq!(subjects(&v, "passwords.weak"), vec!["b"]);
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "passwords.weak").unwrap();
    assert_eq!(f["attributes"]["why"], "in list donvi.txt");
    // Only the caller's list: same verdicts, and the coverage counts its 2 lines.
    let o = run(&["passwords", "hashes.txt", "--wordlist", "donvi.txt", "--no-builtin", "--format", "json"], d.path());
    let v = json(&o);
    assert_eq!(subjects(&v, "passwords.weak"), vec!["b"]);
    let cov = v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "passwords.coverage").unwrap();
    assert_eq!(cov["attributes"]["fast_candidates_total"], "2");
    s.assert_absent("--no-builtin", &o.stdout);
}

// ------------------------------------------------------------- SAM + SYSTEM

fn sam_users() -> Vec<samgen::User> {
    vec![
        samgen::User::new(500, "Administrator", "Admin@123"),
        samgen::User::blank(501, "Guest").disabled(),
        samgen::User::new(1001, "nguyenvana", "Vq7#mPz!9vLr@2kW"),
        samgen::User::new(1002, "vanthu", "Admin@123").disabled(),
    ]
}

#[test]
fn sam_system_folder_both_revisions() {
    for rev in [samgen::Rev::Rc4, samgen::Rev::Aes] {
        let d = tempfile::tempdir().unwrap();
        let hives = d.path().join("hives");
        std::fs::create_dir(&hives).unwrap();
        let m = samgen::Machine::new(rev, sam_users());
        m.write(&hives);
        let s = Secrets(vec![
            "Admin@123".into(),
            "Vq7#mPz!9vLr@2kW".into(),
            hex(&nt_hash("Admin@123").0),
            hex(&nt_hash("Vq7#mPz!9vLr@2kW").0),
            hex(&m.boot_key),
            hex(&m.hashed_boot_key),
        ]);
        let outs = s.scan_all_outputs(&["passwords", "hives", "--now", "2026-11-24"], d.path());
        let v = json(&outs[0]);
        assert_eq!(outs[0].status.code(), Some(1));
        assert_eq!(v["host"]["hostname"], "UBND-LANGSON-PC01");
        assert_eq!(v["host"]["os"]["family"], "windows");
        let dg = digest(&v);
        assert!(dg.contains(&("passwords.weak".into(), "Administrator".into(), "high".into())), "{dg:?}");
        // Disabled accounts: still reported, at medium.
        assert!(dg.contains(&("passwords.weak".into(), "vanthu".into(), "medium".into())), "{dg:?}");
        assert!(dg.contains(&("passwords.empty".into(), "Guest".into(), "medium".into())), "{dg:?}");
        assert_eq!(subjects(&v, "passwords.reuse"), vec!["Administrator", "vanthu"]);
        assert!(!dg.iter().any(|d| d.1 == "nguyenvana" && d.0 != "passwords.reuse"), "{dg:?}");
    }
}

// ------------------------------------------------------- errors, exit code 2

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("garbage.bin"), [0u8, 159, 146, 150, 255, 0, 1, 2, 3, 0x1b, b'[']).unwrap();
    std::fs::write(p.join("empty"), b"").unwrap();
    std::fs::write(
        p.join("trunc.txt"),
        format!(
            "a:1001:aad3b435b51404eeaad3b435b51404ee:{}:::\nAdministrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c\n",
            hex(&nt_hash("Xq7#mPz!9vLr@2kW").0)
        ),
    )
    .unwrap();
    std::fs::create_dir(p.join("nohives")).unwrap();
    // SAM of one machine, SYSTEM of another: wrong boot key.
    let wrong = p.join("wrong");
    std::fs::create_dir(&wrong).unwrap();
    let m = samgen::Machine::new(samgen::Rev::Aes, sam_users());
    let mut other = m.clone();
    other.boot_key[0] ^= 1;
    std::fs::write(wrong.join("SAM"), m.sam_hive()).unwrap();
    std::fs::write(wrong.join("SYSTEM"), other.system_hive()).unwrap();
    // A broken hive pair.
    let broken = p.join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("SAM"), &m.sam_hive()[..5000]).unwrap();
    std::fs::write(broken.join("SYSTEM"), m.system_hive()).unwrap();

    let cases: &[(&[&str], &str)] = &[
        (&["passwords", "missing.txt"], "missing.txt"),
        (&["passwords", "garbage.bin"], "garbage.bin"),
        (&["passwords", "nohives"], "no SAM and SYSTEM"),
        (&["passwords", "wrong"], "boot key does not open the SAM"),
        (&["passwords", "broken"], "SAM"),
        (&["passwords", "trunc.txt", "--wordlist", "nope.txt"], "nope.txt"),
        (&["passwords", "trunc.txt", "--time-budget", "0"], "seconds"),
        (&["passwords"], "FILE"),
        (&["passwords", "trunc.txt", "--no-builtin"], "--wordlist"),
    ];
    for (args, needle) in cases {
        let mut a = args.to_vec();
        a.extend(["--lang", "en"]);
        let o = run(&a, p);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // A truncated pwdump line is reported with its line, the rest still audited.
    let o = run(&["passwords", "trunc.txt", "--format", "json", "--lang", "en"], p);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("trunc.txt:2"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("31d6cfe0d16ae931b73c"), "the error echoes the hash: {err}");
    // Vietnamese messages by default.
    let o = run(&["passwords", "wrong"], p);
    assert!(String::from_utf8_lossy(&o.stderr).contains("boot key không mở được SAM"));
}

// ------------------------------------------------------ audit --passwords

#[test]
fn audit_passwords_on_a_linux_root() {
    let Some(weak) = mkpasswd("sha512crypt", "123456", &[]) else {
        eprintln!("SKIPPED: mkpasswd not found (Debian package whois)");
        return;
    };
    let strong = mkpasswd("yescrypt", "Vq7#mPz!9vLr@2kW", &[]).unwrap();
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n").unwrap();
    std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/bash\nketoan:x:1000:1000::/home/ketoan:/bin/bash\ntrong:x:1001:1001::/home/trong:/bin/bash\n").unwrap();
    std::fs::write(
        root.join("etc/shadow"),
        format!("root:{weak}:19000:0:99999:7:::\nketoan::19000:0:99999:7:::\ntrong:{strong}:19000:0:99999:7:::\n"),
    )
    .unwrap();
    let s = Secrets(vec!["123456".into(), "Vq7#mPz!9vLr@2kW".into(), weak.clone(), strong.clone()]);
    let o = run(
        &["audit", "--root", "root", "--now", "2026-11-24", "--passwords", "--passwords-time-budget", "10", "--format", "json"],
        d.path(),
    );
    s.assert_absent("audit json", &o.stdout);
    s.assert_absent("audit stderr", &o.stderr);
    let v = json(&o);
    assert_eq!(subjects(&v, "passwords.weak"), vec!["root"]);
    // Blank passwords stay the baseline's finding, not reported twice.
    assert!(subjects(&v, "passwords.empty").is_empty());
    assert!(digest(&v).iter().any(|d| d.1 == "ketoan" && d.0.starts_with("LNX-ACC")), "{:?}", digest(&v));
    // Without --passwords: no password findings, blank still reported.
    let o = run(&["audit", "--root", "root", "--now", "2026-11-24", "--format", "json"], d.path());
    let v = json(&o);
    assert!(subjects(&v, "passwords.weak").is_empty());
    assert!(digest(&v).iter().any(|d| d.1 == "ketoan" && d.0.starts_with("LNX-ACC")));
}

#[test]
fn audit_passwords_on_a_windows_volume() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("win/Windows/System32/config");
    std::fs::create_dir_all(&cfg).unwrap();
    let mut users = sam_users();
    users.push(samgen::User::blank(1004, "tamthoi"));
    let m = samgen::Machine::new(samgen::Rev::Aes, users);
    m.write(&cfg);
    let s = Secrets(vec![
        "Admin@123".into(),
        "Vq7#mPz!9vLr@2kW".into(),
        hex(&nt_hash("Admin@123").0),
        hex(&nt_hash("Vq7#mPz!9vLr@2kW").0),
    ]);
    let o = run(
        &["audit", "--root", "win", "--now", "2026-11-24", "--passwords", "--format", "json"],
        d.path(),
    );
    s.assert_absent("audit json", &o.stdout);
    s.assert_absent("audit stderr", &o.stderr);
    let v = json(&o);
    let dg = digest(&v);
    assert!(dg.contains(&("passwords.weak".into(), "Administrator".into(), "high".into())), "{dg:?}");
    // Blank passwords are reported once: by the baseline where it assessed
    // the accounts, else by the password audit (this bare volume has no
    // SOFTWARE hive, so the baseline's account checks are not assessed).
    let by_baseline = dg.iter().any(|x| x.1 == "tamthoi" && x.0 == "WIN-ACC-004");
    let by_passwords = dg.iter().any(|x| x.1 == "tamthoi" && x.0 == "passwords.empty");
    assert!(by_baseline ^ by_passwords, "{dg:?}");
    assert!(dg.contains(&("passwords.empty".into(), "Guest".into(), "medium".into())), "{dg:?}");
}

/// A word list imported with `antoan kb import` is tried by `antoan
/// passwords` without naming it again; the report names the list, not the word.
#[test]
fn imported_wordlist_is_tried_and_named() {
    let d = tempfile::tempdir().unwrap();
    let custom = "Phuong-Chi-Lang@2026!";
    std::fs::write(
        d.path().join("hashes.txt"),
        format!("b:1002:aad3b435b51404eeaad3b435b51404ee:{}:::\n", hex(&nt_hash(custom).0)),
    )
    .unwrap();
    std::fs::write(d.path().join("mat-khau-don-vi.lst"), format!("mot-tu-khac\n{custom}\n")).unwrap();
    let store = d.path().join("kb.sqlite");
    let store_arg = store.to_str().unwrap();
    let o = run(&["kb", "import", "--store", store_arg, "mat-khau-don-vi.lst"], d.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(d.path().join("mat-khau-don-vi.lst")).unwrap();
    // Without the store: not found.
    let o = run(&["passwords", "hashes.txt", "--format", "json", "--kb-store", "absent.sqlite"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // With it: found, and named by the imported list.
    let o = run(&["passwords", "hashes.txt", "--format", "json", "--kb-store", store_arg], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(subjects(&v, "passwords.weak"), vec!["b"]);
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "passwords.weak").unwrap();
    assert_eq!(f["attributes"]["why"], "in list mat-khau-don-vi.lst");
    for text in [&o.stdout, &o.stderr] {
        assert!(!String::from_utf8_lossy(text).contains(custom), "the password appears in the output");
    }
}
