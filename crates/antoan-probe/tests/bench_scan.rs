//! The scanner against the loopback bench (127.0.0.2-9). Only 127/8 is used.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use antoan_probe::ports::parse_ports;
use antoan_probe::targets::{build, TargetRequest};
use antoan_probe::testbench::Bench;
use antoan_probe::{build_report, scan, Cancel, Fingerprints, ScanConfig, ScanResult};

fn no_dns(_: &str) -> Result<Vec<std::net::IpAddr>, String> {
    Err("no resolver in tests".into())
}

fn run(bench: &Bench, specs: &[&str], cfg: ScanConfig, cancel: Cancel) -> ScanResult {
    let targets = build(
        &TargetRequest {
            specs: specs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        },
        &no_dns,
    )
    .unwrap();
    let _ = bench;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(scan(
        &targets,
        &cfg,
        &Fingerprints::embedded(),
        &cancel,
        None,
    ))
}

fn config(bench: &Bench) -> ScanConfig {
    ScanConfig {
        ports: parse_ports(&bench.ports_arg()).unwrap(),
        ..Default::default()
    }
}

fn by_addr(r: &ScanResult) -> BTreeMap<SocketAddr, &antoan_probe::Service> {
    r.services
        .iter()
        .map(|s| (SocketAddr::new(s.ip, s.port), s))
        .collect()
}

#[test]
fn every_bench_service_is_identified_and_findings_follow() {
    let bench = Bench::start();
    let t0 = Instant::now();
    let r = run(
        &bench,
        &["127.0.0.2-127.0.0.8"],
        config(&bench),
        Cancel::default(),
    );
    let took = t0.elapsed();
    let s = by_addr(&r);

    let rec = s[&bench.recorder];
    assert_eq!(rec.name, "http");
    let h = rec.http.as_ref().unwrap();
    assert_eq!(
        h.status, 401,
        "redirect to the login page is followed on the same origin"
    );
    assert_eq!(h.auth[0].scheme, "basic");
    assert_eq!(h.auth[0].realm.as_deref(), Some("DS-7608NI-K2"));
    assert_eq!(rec.device.as_ref().unwrap().id, "hikvision");

    let web = s[&bench.web];
    assert_eq!(web.name, "http");
    assert_eq!(
        web.http.as_ref().unwrap().title.as_deref(),
        Some("Tenda | Đăng nhập")
    );
    assert_eq!(web.device.as_ref().unwrap().id, "tenda");
    assert_eq!(
        web.favicon_mmh3,
        Some(antoan_probe::favicon::favicon_hash(
            antoan_probe::testbench::BENCH_FAVICON.as_bytes()
        )),
        "Shodan-style favicon hash of the router page's icon"
    );
    assert_eq!(rec.favicon_mmh3, None, "the recorder has no icon");

    assert_eq!(s[&bench.ftp].name, "ftp");
    assert_eq!(s[&bench.ftp].ftp_anonymous, Some(true));
    assert_eq!(s[&bench.telnet].name, "telnet");
    assert!(s[&bench.telnet]
        .banner
        .as_deref()
        .unwrap()
        .contains("DVR login:"));
    assert_eq!(s[&bench.ssh].name, "ssh");
    assert_eq!(s[&bench.ssh].product.as_deref(), Some("OpenSSH_8.4p1"));
    assert_eq!(s[&bench.rtsp].name, "rtsp");
    assert_eq!(
        s[&bench.rtsp].rtsp.as_ref().unwrap().auth[0].scheme,
        "digest"
    );
    assert_eq!(s[&bench.mysql].name, "mysql");
    let tls = s[&bench.tls];
    assert_eq!(tls.name, "https");
    let cert = tls.tls.as_ref().unwrap();
    assert!(cert.self_signed);
    assert!(cert.subject.contains("NVR admin"));
    assert_eq!(
        tls.http.as_ref().unwrap().title.as_deref(),
        Some("NVR Web Service")
    );

    assert_eq!(s[&bench.rdp_no_nla].name, "rdp");
    assert_eq!(s[&bench.rdp_no_nla].rdp_nla_required, Some(false));
    assert_eq!(s[&bench.rdp_nla].rdp_nla_required, Some(true));

    // SMB: one server accepts SMB1 "NT LM 0.12", the other drops SMB1 and speaks 3.0.2.
    let v1 = s[&bench.smb1];
    assert_eq!(v1.name, "smb");
    assert_eq!(v1.smb1, Some(true));
    assert_eq!(v1.smb2_dialect.as_deref(), Some("2.1"));
    assert!(!v1.by_port_only);
    let v2 = s[&bench.smb2_only];
    assert_eq!(v2.name, "smb");
    assert_eq!(v2.smb1, Some(false));
    assert_eq!(v2.smb2_dialect.as_deref(), Some("3.0.2"));

    // The tarpit that accepts is open but unidentified; the one that never
    // accepts is not open; neither stalls the scan.
    assert_eq!(s[&bench.tarpit_silent].name, "unknown");
    assert!(!s.contains_key(&bench.tarpit_no_accept));
    assert!(took < Duration::from_secs(9), "scan took {took:?}");

    // Redirects to an unnamed address or a host name are not followed.
    assert!(s[&bench.redirect]
        .redirect_not_followed
        .as_deref()
        .unwrap()
        .starts_with("http://127.0.0.9:"));
    assert_eq!(
        s[&bench.redirect_name].redirect_not_followed.as_deref(),
        Some("http://nvr-cloud.example/login")
    );
    assert_eq!(
        bench.unnamed_accepts(),
        0,
        "127.0.0.9 was not named and must not be contacted"
    );
    assert_eq!(r.unnamed_refused, 0);

    let now = time::macros::datetime!(2026-11-24 0:00 UTC);
    let report = build_report(&r, "127.0.0.2-127.0.0.8", now);
    let checks: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.check != "net.service")
        .map(|f| (f.check.clone(), f.subject.clone()))
        .collect();
    let want = [
        (
            "net.http-admin-cleartext",
            format!("{}/http", bench.recorder),
        ),
        ("net.http-admin-cleartext", format!("{}/http", bench.web)),
        ("net.ftp-anonymous", format!("{}/ftp", bench.ftp)),
        ("net.telnet-open", format!("{}/telnet", bench.telnet)),
        ("net.tls-cert-expired", format!("{}/https", bench.tls)),
        ("net.tls-cert-self-signed", format!("{}/https", bench.tls)),
        ("net.database-exposed", format!("{}/mysql", bench.mysql)),
        ("net.rdp-no-nla", format!("{}/rdp", bench.rdp_no_nla)),
        ("net.rdp-exposed", format!("{}/rdp", bench.rdp_nla)),
        ("net.smb1-accepted", format!("{}/smb", bench.smb1)),
        ("net.smb-exposed", format!("{}/smb", bench.smb2_only)),
    ];
    for (c, subj) in &want {
        assert!(
            checks.contains(&(c.to_string(), subj.clone())),
            "missing {c} {subj}: {checks:?}"
        );
    }
    let admin = report
        .findings
        .iter()
        .find(|f| {
            f.subject == format!("{}/http", bench.recorder) && f.check == "net.http-admin-cleartext"
        })
        .unwrap();
    assert_eq!(
        admin.severity,
        antoan_model::Severity::High,
        "Basic auth over plain HTTP"
    );
    assert!(report.findings.iter().all(|f| f.subject.contains(':')));
    let smb2_subject = format!("{}/smb", bench.smb2_only);
    assert!(!report
        .findings
        .iter()
        .any(|f| f.check == "net.smb1-accepted" && f.subject == smb2_subject));
    let nla_subject = format!("{}/rdp", bench.rdp_nla);
    assert!(!report
        .findings
        .iter()
        .any(|f| f.check == "net.rdp-no-nla" && f.subject == nla_subject));
}

#[test]
fn unnamed_listener_gets_nothing_even_in_a_sweep_of_its_neighbours() {
    let bench = Bench::start();
    let r = run(
        &bench,
        &["127.0.0.2-8", "127.0.0.10"],
        config(&bench),
        Cancel::default(),
    );
    assert!(!r.services.is_empty());
    assert!(r.services.iter().all(|s| s.ip.to_string() != "127.0.0.9"));
    assert_eq!(bench.unnamed_accepts(), 0);
}

#[test]
fn excluded_address_is_not_contacted() {
    let bench = Bench::start();
    let targets = build(
        &TargetRequest {
            specs: vec!["127.0.0.2-9".into()],
            exclude: vec!["127.0.0.9".into()],
            ..Default::default()
        },
        &no_dns,
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cfg = ScanConfig {
        ports: vec![bench.unnamed.port(), bench.ssh.port()],
        ..Default::default()
    };
    let r = rt.block_on(scan(
        &targets,
        &cfg,
        &Fingerprints::embedded(),
        &Cancel::default(),
        None,
    ));
    assert!(r.services.iter().any(|s| s.name == "ssh"));
    assert_eq!(bench.unnamed_accepts(), 0);
}

#[test]
fn tarpits_alone_finish_within_the_budget() {
    let bench = Bench::start();
    let cfg = ScanConfig {
        ports: vec![bench.tarpit_silent.port(), bench.tarpit_no_accept.port()],
        ..Default::default()
    };
    let t0 = Instant::now();
    let r = run(&bench, &["127.0.0.8"], cfg.clone(), Cancel::default());
    let took = t0.elapsed();
    // Connect timeout + identification budget, with margin.
    assert!(
        took < cfg.sweep.connect_timeout + cfg.identify.budget + Duration::from_secs(2),
        "{took:?}"
    );
    assert_eq!(r.services.len(), 1);
    assert_eq!(r.sweep.timed_out, 1);
}

#[test]
fn cancel_keeps_what_was_found() {
    let bench = Bench::start();
    let cancel = Cancel::default();
    let c2 = cancel.clone();
    let targets = build(
        &TargetRequest {
            specs: vec!["127.0.0.6".into(), "127.0.0.8".into()],
            ..Default::default()
        },
        &no_dns,
    )
    .unwrap();
    let cfg = ScanConfig {
        ports: vec![bench.ssh.port(), bench.tarpit_silent.port()],
        ..Default::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let t0 = Instant::now();
    let r = rt.block_on(async move {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            c2.cancel();
        });
        scan(&targets, &cfg, &Fingerprints::embedded(), &cancel, None).await
    });
    assert!(t0.elapsed() < Duration::from_secs(3), "cancel is prompt");
    assert!(r.cancelled);
    // SSH was identified before the cancel; the tarpit port is still listed.
    assert!(r.services.iter().any(|s| s.name == "ssh"));
    assert!(r
        .services
        .iter()
        .any(|s| s.port == bench.tarpit_silent.port()));
    let report = build_report(&r, "x", time::OffsetDateTime::UNIX_EPOCH);
    assert!(report.inventory.collection[0]
        .reason
        .contains("interrupted"));
}

#[test]
fn report_validates_against_the_schema() {
    let bench = Bench::start();
    let cfg = ScanConfig {
        ports: vec![bench.tls.port(), bench.ftp.port()],
        ..Default::default()
    };
    let r = run(&bench, &["127.0.0.4", "127.0.0.7"], cfg, Cancel::default());
    let report = build_report(&r, "127.0.0.4, 127.0.0.7", time::OffsetDateTime::UNIX_EPOCH);
    let json = serde_json::to_value(&report).unwrap();
    let schema: serde_json::Value = serde_json::from_str(antoan_report::REPORT_SCHEMA).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn ports_only_skips_identification() {
    let bench = Bench::start();
    let cfg = ScanConfig {
        ports: vec![bench.ssh.port(), bench.tarpit_silent.port()],
        identify_services: false,
        ..Default::default()
    };
    let t0 = Instant::now();
    let r = run(&bench, &["127.0.0.6", "127.0.0.8"], cfg, Cancel::default());
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "no identification, no banner waits"
    );
    let s = by_addr(&r);
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[&bench.ssh].name, "unknown",
        "ephemeral port, not identified"
    );
    assert!(s[&bench.ssh].banner.is_none());
}
