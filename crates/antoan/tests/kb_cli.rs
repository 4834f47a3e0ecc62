//! `antoan kb import` / `antoan kb status` end to end.

use std::path::PathBuf;
use std::process::Command;

fn antoan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_antoan"))
}

fn fixtures() -> Vec<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../antoan-vuln/tests/fixtures/distro");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn import_then_status_then_refused_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("sub/vuln.sqlite");
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "import",
            "--now",
            "2026-11-24",
            "--store",
        ])
        .arg(&store)
        .args(fixtures())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("(generation 1): 8 new or updated, 0 unchanged, 1 withdrawn"),
        "{stdout}"
    );

    // Status in Vietnamese, fresh data: no warning.
    let out = antoan()
        .args([
            "--lang",
            "vi",
            "kb",
            "status",
            "--now",
            "2026-11-30",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("Tri thức nhúng sẵn:"), "{stdout}");
    assert!(
        stdout.contains("phiên bản 1, nạp ngày 2026-11-24 (6 ngày tuổi), 8 bản ghi"),
        "{stdout}"
    );
    assert!(stdout.contains("  Debian:12: 8 mục"), "{stdout}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Old data: a warning naming the age.
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "status",
            "--now",
            "2027-03-01",
            "--max-age-days",
            "60",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is 97 days old (more than 60 days)"),
        "{stderr}"
    );

    // A truncated file is refused (exit 2, file and line named), the store is untouched.
    let before = std::fs::read(&store).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[{\"id\": \"DSA-1-1\",\n\"affected\": [").unwrap();
    let out = antoan()
        .args(["--lang", "en", "kb", "import", "--store"])
        .arg(&store)
        .arg(fixtures()[0].clone())
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2: EOF while parsing", bad.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

#[test]
fn status_without_a_store_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "status",
            "--now",
            "2026-11-30",
            "--store",
        ])
        .arg(dir.path().join("none.sqlite"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(": none (nothing imported"));
}

/// `antoan audit --vuln-store`: a Debian 12 fixture host whose glibc and
/// openssl carry Debian's backported fixes, against the fixture advisories.
#[test]
fn audit_matches_the_store_and_stays_valid() {
    let host = antoan_testkit::debian_12_clean();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("vuln.sqlite");
    let audit = |store: &std::path::Path| {
        let out = antoan()
            .args([
                "--lang",
                "en",
                "audit",
                "--format",
                "json",
                "--now",
                "2026-11-24",
                "--root",
            ])
            .arg(host.root())
            .arg("--vuln-store")
            .arg(store)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if let Err(errors) = antoan_report::schema::validate_json(&v) {
            panic!("report does not validate:\n{}", errors.join("\n"));
        }
        v
    };
    let vuln_findings = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "vulnerability")
            .cloned()
            .collect()
    };
    let vuln_check = |v: &serde_json::Value| -> Option<String> {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "vuln.osv")
            .map(|c| c["outcome"].as_str().unwrap().to_string())
    };

    // No store: no vulnerability check at all, no error.
    let v = audit(&store);
    assert!(vuln_findings(&v).is_empty());
    assert_eq!(vuln_check(&v), None);

    // The fixture advisories: glibc 2.36-9+deb12u4 and openssl 3.0.11-1~deb12u2 are fixed
    // (DSA-5514-1 at +deb12u3, DSA-5532-1 at ~deb12u2, although upstream fixed 3.0.12).
    let out = antoan()
        .args(["kb", "import", "--now", "2026-11-24", "--store"])
        .arg(&store)
        .args(fixtures())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = audit(&store);
    assert!(vuln_findings(&v).is_empty(), "{:#?}", vuln_findings(&v));
    assert_eq!(vuln_check(&v).as_deref(), Some("pass"));

    // A later glibc advisory the host lacks.
    let later = dir.path().join("DSA-9999-1.json");
    std::fs::write(
        &later,
        r#"{"id":"DSA-9999-1","modified":"2026-10-01T00:00:00Z","aliases":["CVE-2026-0001"],
        "affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.36-9+deb12u7"}]}]}]}"#,
    )
    .unwrap();
    let out = antoan()
        .args(["kb", "import", "--now", "2026-11-24", "--store"])
        .arg(&store)
        .arg(&later)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = audit(&store);
    let f = vuln_findings(&v);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["subject"], "glibc 2.36-9+deb12u4");
    assert_eq!(f[0]["attributes"]["fixed_version"], "2.36-9+deb12u7");
    assert_eq!(f[0]["attributes"]["cve"], "CVE-2026-0001");
    assert_eq!(vuln_check(&v).as_deref(), Some("fail"));

    // Old data: the audit warns, and says how old.
    let out = antoan()
        .args([
            "--lang",
            "en",
            "audit",
            "--format",
            "json",
            "--now",
            "2027-02-01",
            "--kb-max-age-days",
            "60",
            "--root",
        ])
        .arg(host.root())
        .arg("--vuln-store")
        .arg(&store)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is 69 days old (more than 60 days)"),
        "{stderr}"
    );

    // A corrupt store: the check is not-assessed with the reason, the audit still runs.
    std::fs::write(&store, b"garbage, not a database").unwrap();
    let v = audit(&store);
    let f = vuln_findings(&v);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["status"], "not-assessed");
    assert!(
        f[0]["reason"]["en"]
            .as_str()
            .unwrap()
            .contains("vuln.sqlite"),
        "{}",
        f[0]["reason"]
    );
    assert_eq!(vuln_check(&v).as_deref(), Some("not-assessed"));
}

/// keygen → bundle → verify → import; a tampered bundle or a missing key is refused.
#[test]
fn signed_bundles_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("donvi");
    let run = |args: &[&std::ffi::OsStr]| {
        antoan()
            .arg("--lang")
            .arg("en")
            .args(args)
            .output()
            .unwrap()
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let out = run(&[
        os("kb").as_os_str(),
        os("keygen").as_os_str(),
        prefix.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = prefix.with_extension("key");
    let public = prefix.with_extension("pub");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The private key is never printed.
    let secret = std::fs::read_to_string(&key).unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret.trim()));

    let bundle = dir.path().join("kb.zip");
    let mut cmd = antoan();
    cmd.args([
        "--lang",
        "en",
        "kb",
        "bundle",
        "--now",
        "2026-11-24",
        "--source",
        "fixtures",
        "--licence",
        "Apache-2.0",
        "--key",
    ])
    .arg(&key)
    .arg("-o")
    .arg(&bundle)
    .args(fixtures());
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = antoan()
        .args(["--lang", "en", "kb", "verify", "--pubkey"])
        .arg(&public)
        .arg(&bundle)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("signature valid, made 2026-11-24"),
        "{stdout}"
    );

    let store = dir.path().join("vuln.sqlite");
    // No key: refused.
    let out = antoan()
        .args(["--lang", "en", "kb", "import", "--store"])
        .arg(&store)
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --pubkey"));
    assert!(!store.exists());
    // With the key: imported.
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "import",
            "--now",
            "2026-11-24",
            "--store",
        ])
        .arg(&store)
        .arg("--pubkey")
        .arg(&public)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read(&store).unwrap();

    // Flip a byte inside the bundle: verify and import both refuse, the store is untouched.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let n = bytes.len() / 2;
    bytes[n] ^= 0x01;
    let bad = dir.path().join("bad.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let out = antoan()
        .args(["--lang", "en", "kb", "verify", "--pubkey"])
        .arg(&public)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = antoan()
        .args(["--lang", "en", "kb", "import", "--store"])
        .arg(&store)
        .arg("--pubkey")
        .arg(&public)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&store).unwrap(), before);
    // Another unit's key: refused.
    let other = dir.path().join("other");
    assert!(run(&[
        os("kb").as_os_str(),
        os("keygen").as_os_str(),
        other.as_os_str()
    ])
    .status
    .success());
    let out = antoan()
        .args(["--lang", "en", "kb", "verify", "--pubkey"])
        .arg(other.with_extension("pub"))
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signed by another key"));
}

fn kb_import(store: &std::path::Path, files: &[PathBuf]) -> std::process::Output {
    antoan()
        .args(["--lang", "en", "kb", "import", "--now", "2026-11-24", "--store"])
        .arg(store)
        .args(files)
        .output()
        .unwrap()
}

fn audit_json(store: &std::path::Path, target: &[&std::ffi::OsStr]) -> serde_json::Value {
    let out = antoan()
        .args(["--lang", "en", "audit", "--format", "json", "--now", "2026-11-24"])
        .args(target)
        .arg("--vuln-store")
        .arg(store)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("report does not validate:\n{}", errors.join("\n"));
    }
    v
}

fn nvd_fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../antoan-vuln/tests/fixtures/nvd");
    ["CVE-2017-0144.json", "CVE-2023-38831.json", "CVE-2022-29072.json"]
        .iter()
        .map(|n| dir.join(n))
        .collect()
}

fn export(machine: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../antoan-wincollect/tests/fixtures")
        .join(machine)
        .join("reg")
}

/// NVD records imported, then a Windows audit: the Windows release and the
/// installed programs are matched (7-Zip 19.00 on the Windows 10 fixture,
/// MS17-010 on the Windows 7 SP1 fixture).
#[test]
fn nvd_import_status_and_windows_audit() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("vuln.sqlite");
    let out = kb_import(&store, &nvd_fixtures());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("3 new or updated"), "{stdout}");
    let out = antoan()
        .args(["--lang", "en", "kb", "status", "--now", "2026-11-25", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("NVD: 3 CVE records"), "{stdout}");
    assert!(stdout.contains("CVE-2017-0144.json (sha256"), "{stdout}");

    let vulns = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "vulnerability" && f["check"].as_str().unwrap().starts_with("vuln.nvd"))
            .cloned()
            .collect()
    };
    let v = audit_json(&store, &["--windows-export".as_ref(), export("win10-office2016").as_os_str()]);
    let f = vulns(&v);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["check"], "vuln.nvd");
    assert_eq!(f[0]["severity"], "high");
    assert!(f[0]["subject"].as_str().unwrap().starts_with("7-Zip 19.00"));
    assert_eq!(f[0]["attributes"]["cve"], "CVE-2022-29072");
    assert_eq!(f[0]["attributes"]["installed_version"], "19.00");
    assert_eq!(f[0]["attributes"]["source"], "NVD (CVE-2022-29072.json)");
    let check = v["checks"].as_array().unwrap().iter().find(|c| c["check"] == "vuln.nvd").unwrap();
    assert_eq!(check["outcome"], "fail");

    let v = audit_json(&store, &["--windows-export".as_ref(), export("win7-office2010").as_os_str()]);
    let f = vulns(&v);
    let ms17 = f
        .iter()
        .find(|x| x["attributes"]["cve"].as_str().unwrap_or("").contains("CVE-2017-0144"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(ms17["severity"], "critical");
    assert_eq!(ms17["attributes"]["known_exploited"], "CVE-2017-0144");
    assert!(ms17["attributes"]["cpe"].as_str().unwrap().contains(":windows_7:"));
}

/// Lifecycle data, distro-info, a program map and lists imported; a newer
/// debian.md replaces the embedded one in the audit; a credential list the
/// scanner's reader refuses is refused.
#[test]
fn lifecycle_and_lists_import_and_override() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("vuln.sqlite");
    let md = std::fs::read_to_string(repo.join("knowledge/endoflife/debian.md")).unwrap();
    // Newer data (a later point release) in which bookworm's LTS ended early, on 2026-10-01.
    let newer = md
        .replacen("    eol: 2026-07-11\n    eoes: 2028-06-30", "    eol: 2026-07-11\n    eoes: 2026-10-01", 1)
        .replacen("    latest: \"12.15\"\n    latestReleaseDate: 2026-07-11", "    latest: \"12.16\"\n    latestReleaseDate: 2026-11-01", 1);
    assert_ne!(newer, md);
    let newer_path = dir.path().join("debian.md");
    std::fs::write(&newer_path, &newer).unwrap();
    let host = antoan_testkit::debian_12_clean();
    let before = audit_json(&store, &["--root".as_ref(), host.root().as_os_str()]);
    let eol_os = |v: &serde_json::Value| -> serde_json::Value {
        v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "eol.os").cloned().unwrap_or_default()
    };

    let out = kb_import(
        &store,
        &[
            newer_path.clone(),
            repo.join("knowledge/distro-info/debian.csv"),
            repo.join("crates/antoan-probe/data/credentials.toml"),
            repo.join("knowledge/passwords/vietnamese-words.txt"),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = antoan()
        .args(["--lang", "vi", "kb", "status", "--now", "2026-11-25", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for want in [
        "lifecycle debian.md",
        "dữ liệu đến 2026-11-01",
        "distro-info debian.csv",
        "credentials credentials.toml",
        "wordlist vietnamese-words.txt",
    ] {
        assert!(stdout.contains(want), "{want}: {stdout}");
    }

    let after = audit_json(&store, &["--root".as_ref(), host.root().as_os_str()]);
    let sources: Vec<&str> = after["knowledge"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert!(sources.contains(&"debian.md (imported)"), "{sources:?}");
    let (b, f) = (eol_os(&before), eol_os(&after));
    assert!(serde_json::to_string(&b).unwrap().contains("2028-06-30"), "embedded LTS end: {b:#}");
    assert_ne!(b, f, "the imported end of LTS changes the verdict");
    assert!(serde_json::to_string(&f).unwrap().contains("2026-10-01"), "{f:#}");

    // The scanner's reader refuses an unknown service; the store stays as it was.
    let bytes = std::fs::read(&store).unwrap();
    let bad = dir.path().join("creds.toml");
    std::fs::write(
        &bad,
        "[[credential]]\nvendor = \"X\"\nservice = \"gopher\"\nusername = \"a\"\npassword = \"b\"\nsource = \"manual\"\n",
    )
    .unwrap();
    let out = kb_import(&store, &[bad]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid credential list") && stderr.contains("creds.toml"), "{stderr}");
    assert_eq!(std::fs::read(&store).unwrap(), bytes);
}
