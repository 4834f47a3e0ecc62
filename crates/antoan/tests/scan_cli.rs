//! `antoan scan` end to end against the loopback bench (127.0.0.2-9 only).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use antoan_probe::testbench::Bench;
use serde_json::Value;

fn antoan(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
    // Credential checks keep a ledger under XDG_STATE_HOME: never the user's own.
    let state = std::env::temp_dir().join(format!("antoan-scan-state-{}", std::process::id()));
    c.args(args)
        .env("XDG_STATE_HOME", state)
        // Never the machine's own knowledge store (imported credential lists are tried).
        .env(
            "ANTOAN_VULN_STORE",
            std::env::temp_dir().join(format!("antoan-scan-no-store-{}", std::process::id())),
        )
        .env("ANTOAN_LANG", "en")
        .env_remove("LC_ALL")
        .env_remove("LANG");
    c.output().expect("run antoan")
}

fn json_of(out: &Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("scan report does not validate:\n{}", errors.join("\n"));
    }
    v
}

fn findings(v: &Value) -> Vec<(String, String, Value)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f.clone(),
            )
        })
        .collect()
}

#[test]
fn scan_of_the_bench_identifies_every_service_and_reports_exposures() {
    let bench = Bench::start();
    let ports = bench.ports_arg();
    let t0 = Instant::now();
    let out = antoan(&[
        "scan",
        "127.0.0.2-127.0.0.8",
        "--ports",
        &ports,
        "--format",
        "json",
        "--now",
        "2026-11-24",
    ]);
    let took = t0.elapsed();
    assert_eq!(
        out.status.code(),
        Some(1),
        "high findings → exit 1; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    let f = findings(&v);
    let service = |addr: std::net::SocketAddr| -> Value {
        f.iter()
            .find(|(c, s, _)| c == "net.service" && s.starts_with(&format!("{addr}/")))
            .unwrap_or_else(|| panic!("no service at {addr}: {f:?}"))
            .2["attributes"]
            .clone()
    };
    assert_eq!(service(bench.recorder)["service"], "http");
    assert_eq!(service(bench.recorder)["http_auth"], "basic");
    assert_eq!(service(bench.recorder)["device_vendor"], "Hikvision");
    assert_eq!(service(bench.web)["device_vendor"], "Tenda");
    assert_eq!(service(bench.ftp)["service"], "ftp");
    assert_eq!(service(bench.ftp)["ftp_anonymous"], "true");
    assert_eq!(service(bench.telnet)["service"], "telnet");
    assert_eq!(service(bench.ssh)["product"], "OpenSSH_8.4p1");
    assert_eq!(service(bench.rtsp)["service"], "rtsp");
    assert_eq!(service(bench.mysql)["service"], "mysql");
    assert_eq!(service(bench.tls)["service"], "https");
    assert_eq!(service(bench.tls)["tls_self_signed"], "true");
    assert_eq!(service(bench.tls)["tls_not_after"], "2020-01-01");
    assert_eq!(service(bench.tarpit_silent)["service"], "unknown");
    assert!(!f
        .iter()
        .any(|(_, s, _)| s.starts_with(&format!("{}/", bench.tarpit_no_accept))));

    for (check, addr, svc) in [
        ("net.http-admin-cleartext", bench.recorder, "http"),
        ("net.http-admin-cleartext", bench.web, "http"),
        ("net.ftp-anonymous", bench.ftp, "ftp"),
        ("net.telnet-open", bench.telnet, "telnet"),
        ("net.tls-cert-expired", bench.tls, "https"),
        ("net.tls-cert-self-signed", bench.tls, "https"),
        ("net.database-exposed", bench.mysql, "mysql"),
        ("net.rdp-no-nla", bench.rdp_no_nla, "rdp"),
    ] {
        let subject = format!("{addr}/{svc}");
        let (_, _, fv) = f
            .iter()
            .find(|(c, s, _)| c == check && *s == subject)
            .unwrap_or_else(|| panic!("missing {check} {subject}"));
        assert_eq!(fv["kind"], "exposure");
        assert!(!fv["controls"].as_array().unwrap().is_empty());
        assert!(!fv["title"]["vi"].as_str().unwrap().is_empty());
    }
    assert!(
        took < Duration::from_secs(10),
        "tarpits must not stall the scan: {took:?}"
    );
    assert_eq!(bench.unnamed_accepts(), 0);
}

#[test]
fn unnamed_address_never_receives_a_connection() {
    let bench = Bench::start();
    let ports = bench.ports_arg();
    // The redirect server points at 127.0.0.9, which is not named.
    let out = antoan(&[
        "scan",
        "127.0.0.2-8",
        "--ports",
        &ports,
        "--format",
        "json",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let redirect = findings(&v)
        .into_iter()
        .find(|(c, s, _)| c == "net.service" && s.starts_with(&format!("{}/", bench.redirect)))
        .unwrap();
    assert!(redirect.2["attributes"]["redirect_not_followed"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.9:"));
    // Also with 127.0.0.9 in a range but excluded.
    let out = antoan(&[
        "scan",
        "127.0.0.2-127.0.0.9",
        "--exclude",
        "127.0.0.9",
        "--ports",
        &ports,
        "--format",
        "json",
    ]);
    assert!(out.status.code() == Some(1));
    assert_eq!(bench.unnamed_accepts(), 0, "127.0.0.9 was contacted");
}

#[test]
fn usage_errors_exit_2_with_clear_messages() {
    for (args, want) in [
        (vec!["scan", "127.0.0.9-2"], "ends before it starts"),
        (vec!["scan", "10.0.0.0/23"], "--yes"),
        (vec!["scan", "127.0.0.2", "--ports", "0"], "invalid port"),
        (vec!["scan"], "no target given"),
        (
            vec!["scan", "127.0.0.2", "--exclude", "127.0.0.0/24"],
            "no address left",
        ),
        (
            vec!["scan", "--targets-file", "/nonexistent/targets.txt"],
            "cannot read targets file",
        ),
    ] {
        let out = antoan(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_antoan"))
        .args(["scan", "127.0.0.9-2"])
        .env("ANTOAN_LANG", "vi")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("không hợp lệ"));
}

#[test]
fn targets_file_terminal_and_html_output() {
    let bench = Bench::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("targets.txt");
    std::fs::write(&file, "# camera recorder\n127.0.0.2\n127.0.0.4 # ftp\n").unwrap();
    let ports = format!("{},{}", bench.recorder.port(), bench.ftp.port());
    let html = dir.path().join("scan.html");
    let out = antoan(&[
        "scan",
        "--targets-file",
        file.to_str().unwrap(),
        "--ports",
        &ports,
        "--format",
        "html",
        "-o",
        html.to_str().unwrap(),
        "--lang",
        "vi",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Máy chủ FTP cho đăng nhập ẩn danh"));
    let out = antoan(&[
        "scan",
        "--targets-file",
        file.to_str().unwrap(),
        "--ports",
        &ports,
        "--color",
        "never",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FTP server allows anonymous login"), "{text}");
    assert!(text.contains(&format!("{}/ftp", bench.ftp)));
}

#[test]
fn host_name_is_resolved_once_and_shown() {
    // `localhost` resolves to loopback addresses only.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let out = antoan(&[
        "scan",
        "localhost",
        "--ports",
        &port,
        "--format",
        "json",
        "--fail-on",
        "critical",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("localhost resolves to") && err.contains("127.0.0.1"),
        "{err}"
    );
    let v = json_of(&out);
    assert!(findings(&v)
        .iter()
        .any(|(_, s, _)| s.starts_with(&format!("127.0.0.1:{port}/"))));
}

#[test]
fn check_credentials_finds_defaults_never_locks_and_never_prints_a_password() {
    use antoan_probe::authbench::{AuthKind, AuthServer};
    const PLANTED_BASIC: &str = "Planted-Rec0rder-4417";
    const PLANTED_DIGEST: &str = "Planted-Digest-5521";
    let basic = AuthServer::start("127.0.0.2", 0, AuthKind::Basic, &[("admin", PLANTED_BASIC)]);
    let digest = AuthServer::start(
        "127.0.0.3",
        0,
        AuthKind::Digest,
        &[("admin", PLANTED_DIGEST)],
    );
    let factory = AuthServer::start("127.0.0.4", 0, AuthKind::Basic, &[("admin", "12345")]);
    let lockout = AuthServer::start(
        "127.0.0.5",
        0,
        AuthKind::Lockout { lock_after: 3 },
        &[("admin", "Unguessable-Lock-9902")],
    );
    let dir = std::env::temp_dir().join(format!("antoan-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("site.toml");
    let entry = |svc: &str, pass: &str| {
        format!("[[credential]]\nvendor = \"Site installer\"\nservice = \"{svc}\"\nusername = \"admin\"\npassword = \"{pass}\"\nsource = \"installer handover sheet\"\n")
    };
    std::fs::write(
        &list,
        entry("http-basic", PLANTED_BASIC) + &entry("http-digest", PLANTED_DIGEST),
    )
    .unwrap();
    let servers = [&basic, &digest, &factory, &lockout];
    let ports = servers
        .iter()
        .map(|s| s.addr.port().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let list_arg = list.to_str().unwrap();
    let state = dir.join("ledger.json");
    let state_arg = state.to_str().unwrap();
    let common = [
        "scan",
        "127.0.0.2-5",
        "--ports",
        &ports,
        "--check-credentials",
        "--credentials",
        list_arg,
        "--max-rate",
        "50",
        "--no-progress",
        "--fail-on",
        "critical",
        "--state-file",
        state_arg,
    ];
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--format", "json"]);
    let out = antoan(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    let weak: Vec<(String, String, Value)> = findings(&v)
        .into_iter()
        .filter(|(_, _, f)| f["kind"] == "weak-credential")
        .collect();
    let subjects: Vec<&str> = weak.iter().map(|(_, s, _)| s.as_str()).collect();
    for (s, svc) in [
        (&basic, "http-basic"),
        (&digest, "http-digest"),
        (&factory, "http-basic"),
    ] {
        let want = format!("{}/{svc}", s.addr);
        assert!(
            subjects.contains(&want.as_str()),
            "{want} not in {subjects:?}"
        );
    }
    assert_eq!(weak.len(), 3, "{subjects:?}");
    let notes = v["inventory"]["collection"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["collector"] == "credential-check"
            && n["reason"].as_str().unwrap().contains("login attempts")),
        "{notes:?}"
    );
    for (_, _, f) in &weak {
        assert_eq!(f["controls"], serde_json::json!(["T3.1"]));
        let ev = f["evidence"][0]["observed"].as_str().unwrap();
        assert!(ev.starts_with("factory default for "), "{ev}");
        assert!(!f["title"]["vi"].as_str().unwrap().is_empty());
    }
    {
        let c = lockout.counters.lock().unwrap();
        assert!(
            c.locked.is_empty(),
            "the lockout server locked {:?}",
            c.locked
        );
        assert_eq!(c.attempts.get("admin"), Some(&3), "{:?}", c.attempts);
    }
    let mut outputs = vec![out];
    // The ledger holds usernames and times, never a password.
    let ledger = std::fs::read_to_string(&state).unwrap();
    assert!(ledger.contains("\"admin\""), "{ledger}");
    for p in [PLANTED_BASIC, PLANTED_DIGEST, "12345"] {
        assert!(
            !ledger.contains(p),
            "the password {p} appears in the ledger"
        );
    }
    // Terminal and HTML, each with a fresh ledger (the lockout server is left out).
    for format in ["terminal", "html"] {
        let state = dir.join(format!("ledger-{format}.json"));
        let ports = [&basic, &digest, &factory]
            .iter()
            .map(|s| s.addr.port().to_string())
            .collect::<Vec<_>>()
            .join(",");
        let out = antoan(&[
            "scan",
            "127.0.0.2-4",
            "--ports",
            &ports,
            "--check-credentials",
            "--credentials",
            list_arg,
            "--max-rate",
            "50",
            "--no-progress",
            "--format",
            format,
            "--color",
            "never",
            "--state-file",
            state.to_str().unwrap(),
        ]);
        assert!(
            out.status.code() == Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(out);
    }
    for out in &outputs {
        for text in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(text);
            for p in [PLANTED_BASIC, PLANTED_DIGEST] {
                assert!(!text.contains(p), "the password {p} appears in the output");
            }
        }
    }
    assert!(String::from_utf8_lossy(&outputs[1].stdout).contains("admin"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_runs_share_the_per_account_limit_through_the_state_file() {
    use antoan_probe::authbench::{AuthKind, AuthServer};
    let lockout = AuthServer::start(
        "127.0.0.6",
        0,
        AuthKind::Lockout { lock_after: 3 },
        &[("admin", "Unguessable-Lock-7731")],
    );
    let dir = std::env::temp_dir().join(format!("antoan-ledger-runs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state").join("ledger.json");
    let port = lockout.addr.port().to_string();
    let run = || {
        antoan(&[
            "scan",
            "127.0.0.6",
            "--ports",
            &port,
            "--check-credentials",
            "--max-rate",
            "0",
            "--no-progress",
            "--format",
            "json",
            "--state-file",
            state.to_str().unwrap(),
            "--fail-on",
            "critical",
        ])
    };
    let first = run();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let attempts_after_first = lockout.total_attempts();
    assert!(attempts_after_first >= 1, "the first run tried nothing");
    let second = run();
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let third = run();
    assert_eq!(third.status.code(), Some(0));
    {
        let c = lockout.counters.lock().unwrap();
        assert!(
            c.locked.is_empty(),
            "the lockout server locked {:?}",
            c.locked
        );
        for (user, n) in &c.attempts {
            assert!(
                *n <= 3,
                "{n} attempts on {user} across three runs (limit 3 per 15 min)"
            );
        }
        assert_eq!(c.attempts.get("admin"), Some(&3), "{:?}", c.attempts);
    }
    // The later runs say they skipped attempts because of the limit.
    let v = json_of(&third);
    let note = v["inventory"]["collection"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["collector"] == "credential-check")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(note.starts_with("0 login attempts"), "{note}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "ledger mode {mode:o}");
    }

    // A corrupt ledger stops the run with a message naming the file ...
    std::fs::write(
        &state,
        b"{\"format\": \"antoan-credential-ledger/1\", \"accounts\": [",
    )
    .unwrap();
    let out = run();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(state.to_str().unwrap()) && err.contains("corrupt"),
        "{err}"
    );
    assert!(err.contains("--replace-corrupt-state"), "{err}");
    assert_eq!(
        lockout.total_attempts(),
        3,
        "a run with a corrupt ledger must not try logins"
    );
    // ... and starts fresh only when asked (the old file is kept).
    let out = antoan(&[
        "scan",
        "127.0.0.6",
        "--ports",
        &port,
        "--no-progress",
        "--format",
        "json",
        "--check-credentials",
        "--state-file",
        state.to_str().unwrap(),
        "--replace-corrupt-state",
        "--max-attempts-per-account",
        "0",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut kept = state.as_os_str().to_owned();
    kept.push(".corrupt");
    assert!(std::path::Path::new(&kept).exists());
    assert!(antoan_probe::ledger::Ledger::load(&state)
        .unwrap()
        .is_some());
    assert_eq!(lockout.locked(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A credential list imported with `antoan kb import` is tried by `scan
/// --check-credentials` without naming it again; its password never shows.
#[test]
fn imported_credential_list_is_tried() {
    use antoan_probe::authbench::{AuthKind, AuthServer};
    const PLANTED: &str = "Imported-Nvr-8830";
    let server = AuthServer::start("127.0.0.6", 0, AuthKind::Basic, &[("admin", PLANTED)]);
    let dir = std::env::temp_dir().join(format!("antoan-kbcreds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("don-vi-credentials.toml");
    std::fs::write(
        &list,
        format!("[[credential]]\nvendor = \"Nhà thầu lắp đặt\"\nservice = \"http-basic\"\nusername = \"admin\"\npassword = \"{PLANTED}\"\nsource = \"biên bản bàn giao\"\n"),
    )
    .unwrap();
    let store = dir.join("kb.sqlite");
    let import = Command::new(env!("CARGO_BIN_EXE_antoan"))
        .args([
            "kb",
            "import",
            "--store",
            store.to_str().unwrap(),
            list.to_str().unwrap(),
        ])
        .env("ANTOAN_LANG", "en")
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let port = server.addr.port().to_string();
    let state = dir.join("ledger.json");
    let scan = |store: &std::path::Path| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
        c.args([
            "scan",
            "127.0.0.6",
            "--ports",
            &port,
            "--check-credentials",
            "--max-rate",
            "50",
            "--no-progress",
            "--format",
            "json",
            "--fail-on",
            "critical",
            "--state-file",
            state.to_str().unwrap(),
        ])
        .env("ANTOAN_VULN_STORE", store)
        .env("ANTOAN_LANG", "en");
        c.output().unwrap()
    };
    let out = scan(&store);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    let want = format!("{}/http-basic", server.addr);
    let weak: Vec<Value> = findings(&v)
        .into_iter()
        .filter(|(_, s, f)| f["kind"] == "weak-credential" && *s == want)
        .map(|(_, _, f)| f)
        .collect();
    assert_eq!(weak.len(), 1, "{v}");
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(text).contains(PLANTED),
            "the imported password appears in the output"
        );
    }
    // A broken store stops the scan with a message naming it (exit 2), not a silent skip.
    let broken = dir.join("broken.sqlite");
    std::fs::write(&broken, b"not a database at all").unwrap();
    let out = scan(&broken);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.sqlite"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
