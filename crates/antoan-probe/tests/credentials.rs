//! Default-credential checks against the loopback login servers
//! (feature `testbench`). Only 127.0.0.0/8 is contacted, through the gate.

use std::time::Duration;

use antoan_probe::authbench::{AuthKind, AuthServer};
use antoan_probe::credcheck::{self, CredCheckOptions, CredOutcome};
use antoan_probe::credentials::{CredService, CredentialList};
use antoan_probe::pacing::{Pacer, PacingPolicy};
use antoan_probe::targets::{build, TargetRequest};
use antoan_probe::{scan, Cancel, Fingerprints, Gate, ScanConfig};

fn no_dns(_: &str) -> Result<Vec<std::net::IpAddr>, String> {
    Err("no dns in tests".into())
}

/// Scans `servers` (identification included), then checks credentials.
fn run(servers: &[&AuthServer], list: &CredentialList, pacer: &Pacer) -> CredOutcome {
    let mut specs: Vec<String> = servers.iter().map(|s| s.addr.ip().to_string()).collect();
    specs.sort();
    specs.dedup();
    let targets = build(
        &TargetRequest {
            specs,
            ..Default::default()
        },
        &no_dns,
    )
    .unwrap();
    let mut ports: Vec<u16> = servers.iter().map(|s| s.addr.port()).collect();
    ports.sort_unstable();
    ports.dedup();
    let cfg = ScanConfig {
        ports,
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let result = scan(
            &targets,
            &cfg,
            &Fingerprints::embedded(),
            &Cancel::default(),
            None,
        )
        .await;
        // Keep only the services of the servers under test (same IP may host others).
        let services: Vec<_> = result
            .services
            .into_iter()
            .filter(|s| {
                servers
                    .iter()
                    .any(|x| x.addr.ip() == s.ip && x.addr.port() == s.port)
            })
            .collect();
        let gate = Gate::new(&targets);
        credcheck::check(
            &gate,
            &services,
            list,
            "test-list",
            pacer,
            &CredCheckOptions::default(),
        )
        .await
    })
}

fn list(entries: &[(&str, &str, &str)]) -> CredentialList {
    let mut t = String::new();
    for (service, user, pass) in entries {
        t.push_str(&format!(
            "[[credential]]\nvendor = \"Test vendor\"\nservice = \"{service}\"\nusername = \"{user}\"\npassword = \"{pass}\"\nsource = \"test fixture\"\n"
        ));
    }
    CredentialList::parse(&t, "test.toml").unwrap()
}

#[test]
fn embedded_defaults_are_found_on_basic_digest_ftp_and_telnet() {
    let basic = AuthServer::start("127.0.0.2", 0, AuthKind::Basic, &[("admin", "12345")]);
    let digest = AuthServer::start("127.0.0.3", 0, AuthKind::Digest, &[("admin", "admin")]);
    let ftp = AuthServer::start("127.0.0.4", 0, AuthKind::Ftp, &[("admin", "admin")]);
    let strong = AuthServer::start(
        "127.0.0.3",
        0,
        AuthKind::Basic,
        &[("admin", "x9!Strong-Pass")],
    );
    let telnet = AuthServer::start("127.0.0.4", 0, AuthKind::Telnet, &[("root", "vizxv")]);
    let pacer = Pacer::new(PacingPolicy {
        max_rate: Some(200.0),
        ..Default::default()
    });
    let out = run(
        &[&basic, &digest, &ftp, &strong, &telnet],
        &CredentialList::embedded(),
        &pacer,
    );
    let hits: Vec<(u16, CredService, String)> = out
        .found
        .iter()
        .map(|w| (w.port, w.service, w.username.clone()))
        .collect();
    assert!(
        hits.contains(&(basic.addr.port(), CredService::HttpBasic, "admin".into())),
        "{out:?}"
    );
    assert!(
        hits.contains(&(digest.addr.port(), CredService::HttpDigest, "admin".into())),
        "{out:?}"
    );
    assert!(
        hits.contains(&(ftp.addr.port(), CredService::Ftp, "admin".into())),
        "{out:?}"
    );
    assert!(
        hits.contains(&(telnet.addr.port(), CredService::Telnet, "root".into())),
        "{out:?}"
    );
    assert!(
        !out.found.iter().any(|w| w.port == strong.addr.port()),
        "{out:?}"
    );
    assert!(
        strong.total_attempts() > 0,
        "the strong server was not tried"
    );
    for s in [&basic, &digest, &ftp, &strong, &telnet] {
        assert!(s.max_attempts_per_account() <= 3);
    }

    let findings = credcheck::findings(&out);
    assert_eq!(findings.len(), 4);
    let json = serde_json::to_string(&findings).unwrap();
    for f in &findings {
        assert_eq!(f.kind.as_str(), "weak-credential");
        assert_eq!(f.controls, vec!["T3.1".to_string()]);
        assert!(
            f.subject.contains(':') && f.subject.contains('/'),
            "{}",
            f.subject
        );
        assert!(
            f.evidence[0].observed.starts_with("factory default for "),
            "{:?}",
            f.evidence
        );
    }
    assert!(
        !json.contains("12345") && !json.contains("vizxv"),
        "a password leaked into findings: {json}"
    );
}

#[test]
fn paced_mode_never_exceeds_the_per_account_limit_and_never_locks() {
    // Locks an account on the 4th failure in a row.
    let lockout = AuthServer::start(
        "127.0.0.5",
        0,
        AuthKind::Lockout { lock_after: 3 },
        &[("admin", "Unguessable-Lock-7731")],
    );
    let wrong: Vec<(&str, &str, &str)> = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"]
        .iter()
        .flat_map(|p| [("http-basic", "admin", *p), ("http-basic", "root", *p)])
        .collect();
    let l = list(&wrong);
    let pacer = Pacer::new(PacingPolicy {
        max_rate: Some(100.0),
        ..Default::default()
    });
    let out = run(&[&lockout], &l, &pacer);
    // A second pass in the same window gets no new attempts.
    let again = run(&[&lockout], &l, &pacer);
    assert!(out.found.is_empty() && again.found.is_empty());
    let c = lockout.counters.lock().unwrap();
    assert_eq!(c.attempts.get("admin"), Some(&3), "{:?}", c.attempts);
    assert_eq!(c.attempts.get("root"), Some(&3), "{:?}", c.attempts);
    assert!(
        c.locked.is_empty(),
        "the lockout server locked {:?}",
        c.locked
    );
    assert!(
        out.skipped_budget >= 10 && again.attempts == 0,
        "{out:?} {again:?}"
    );
}

#[test]
fn the_lockout_server_really_locks_and_the_check_stops_on_423() {
    // With a looser budget the server does lock: the test above can fail.
    let lockout = AuthServer::start(
        "127.0.0.5",
        0,
        AuthKind::Lockout { lock_after: 3 },
        &[("admin", "Unguessable-Lock-7731")],
    );
    let wrong: Vec<(&str, &str, &str)> = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"]
        .iter()
        .map(|p| ("http-basic", "admin", *p))
        .chain([("http-basic", "root", "p1")])
        .collect();
    let pacer = Pacer::new(PacingPolicy {
        per_account: 100,
        max_rate: None,
        window: Duration::from_secs(60),
        ..Default::default()
    });
    let out = run(&[&lockout], &list(&wrong), &pacer);
    assert_eq!(lockout.locked(), 1);
    // The 423 stopped the service: 4 attempts on admin, none after.
    assert_eq!(lockout.total_attempts(), 4, "{out:?}");
    assert_eq!(out.stopped.len(), 1);
}

#[test]
fn unpaced_parallel_mode_tries_every_entry_once_and_finds_the_last() {
    let basic = AuthServer::start(
        "127.0.0.6",
        0,
        AuthKind::Basic,
        &[("admin", "Last-One-3390")],
    );
    let mut entries: Vec<(String, String, String)> = (0..300)
        .map(|i| ("http-basic".into(), "admin".into(), format!("wrong-{i}")))
        .collect();
    entries.push(("http-basic".into(), "admin".into(), "Last-One-3390".into()));
    let refs: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let pacer = Pacer::new(PacingPolicy {
        per_account: 1_000_000,
        max_rate: None,
        ..Default::default()
    });
    let targets = build(
        &TargetRequest {
            specs: vec!["127.0.0.6".into()],
            ..Default::default()
        },
        &no_dns,
    )
    .unwrap();
    let cfg = ScanConfig {
        ports: vec![basic.addr.port()],
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let out = rt.block_on(async {
        let r = scan(
            &targets,
            &cfg,
            &Fingerprints::embedded(),
            &Cancel::default(),
            None,
        )
        .await;
        let opts = CredCheckOptions {
            parallel_per_service: 16,
            ..Default::default()
        };
        credcheck::check(
            &Gate::new(&targets),
            &r.services,
            &list(&refs),
            "l",
            &pacer,
            &opts,
        )
        .await
    });
    assert_eq!(out.found.len(), 1, "{out:?}");
    assert_eq!(basic.total_attempts(), 301);
    assert_eq!(out.attempts, 301);
}

#[test]
fn https_rtsp_hikvision_dahua_and_ssh_logins_are_found() {
    let https_basic = AuthServer::start("127.0.0.2", 0, AuthKind::BasicTls, &[("admin", "12345")]);
    let https_digest =
        AuthServer::start("127.0.0.2", 0, AuthKind::DigestTls, &[("admin", "admin")]);
    let rtsp = AuthServer::start("127.0.0.3", 0, AuthKind::Rtsp, &[("admin", "12345")]);
    let hik = AuthServer::start("127.0.0.3", 0, AuthKind::Hikvision, &[("admin", "12345")]);
    let dahua = AuthServer::start(
        "127.0.0.4",
        0,
        AuthKind::Dahua,
        &[("admin", "Strong-Dahua-77"), ("888888", "888888")],
    );
    let ssh = AuthServer::start("127.0.0.4", 0, AuthKind::Ssh, &[("ubnt", "ubnt")]);
    let ssh_weak = AuthServer::start("127.0.0.5", 0, AuthKind::Ssh, &[("admin", "123456")]);
    let ssh_strong = AuthServer::start(
        "127.0.0.5",
        0,
        AuthKind::Ssh,
        &[("admin", "v3ry-Strong-SSH")],
    );
    let pacer = Pacer::new(PacingPolicy {
        max_rate: Some(200.0),
        ..Default::default()
    });
    let all = [
        &https_basic,
        &https_digest,
        &rtsp,
        &hik,
        &dahua,
        &ssh,
        &ssh_weak,
        &ssh_strong,
    ];
    let out = run(&all, &CredentialList::embedded(), &pacer);
    let hits: Vec<(u16, CredService, String)> = out
        .found
        .iter()
        .map(|w| (w.port, w.service, w.username.clone()))
        .collect();
    for (s, svc, user) in [
        (&https_basic, CredService::HttpBasic, "admin"),
        (&https_digest, CredService::HttpDigest, "admin"),
        (&rtsp, CredService::Rtsp, "admin"),
        (&hik, CredService::HikvisionIsapi, "admin"),
        (&dahua, CredService::DahuaRpc2, "888888"),
        (&ssh, CredService::Ssh, "ubnt"),
        (&ssh_weak, CredService::Ssh, "admin"),
    ] {
        assert!(
            hits.contains(&(s.addr.port(), svc, user.to_string())),
            "{svc:?} {user} at {} not found: {out:?}",
            s.addr
        );
    }
    assert_eq!(hits.len(), 7, "{out:?}");
    for s in [&dahua, &ssh_strong] {
        assert!(s.total_attempts() > 0, "{} was not tried", s.addr);
    }
    for s in all {
        assert!(s.max_attempts_per_account() <= 3, "{}", s.addr);
    }
    let findings = credcheck::findings(&out);
    let weak = findings
        .iter()
        .find(|f| f.subject == format!("{}/ssh", ssh_weak.addr))
        .expect("weak ssh finding");
    assert!(
        weak.evidence[0]
            .observed
            .starts_with("common weak password ("),
        "{:?}",
        weak.evidence
    );
    assert!(weak.title.en.contains("weak password"), "{}", weak.title.en);
    let json = serde_json::to_string(&findings).unwrap();
    // Passwords that are not also usernames never appear.
    assert!(!json.contains("12345"), "a password leaked: {json}");
}

#[test]
fn hikvision_retry_count_stops_before_the_device_locks() {
    // A device that has 1 try left reports it; the check stops there.
    let (ok, locked) = credcheck::hikvision_user_check(
        Some(401),
        "<userCheck><statusValue>401</statusValue><lockStatus>unlock</lockStatus><retryLoginTime>1</retryLoginTime></userCheck>",
    );
    assert!(!ok && locked);
    let (ok, locked) = credcheck::hikvision_user_check(
        Some(200),
        "<userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString></userCheck>",
    );
    assert!(
        !ok && !locked,
        "older firmware: 200 with statusValue 401 is a failure"
    );
    let (ok, locked) = credcheck::hikvision_user_check(
        Some(200),
        "<userCheck><statusValue>200</statusValue></userCheck>",
    );
    assert!(ok && !locked);
    let (_, locked) = credcheck::hikvision_user_check(
        Some(401),
        "<userCheck><lockStatus>lock</lockStatus><unlockTime>1800</unlockTime></userCheck>",
    );
    assert!(locked);
}
