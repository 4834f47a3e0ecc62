//! `antoan scan` end to end against the loopback bench (127.0.0.2-9 only).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use antoan_probe::testbench::Bench;
use serde_json::Value;

fn antoan(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
    c.args(args)
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
