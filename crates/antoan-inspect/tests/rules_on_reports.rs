//! The device-handover and state-secret rules on real reports: the
//! Windows 7 fixture audited by the real pipeline, and variations of it.

use std::path::Path;

use antoan_inspect::handover::{evaluate_handover, Handover, HandoverException, HandoverStatus};
use antoan_inspect::secret::{evaluate_state_secret, state_secret_findings, Outcome};
use antoan_inspect::Rules;
use antoan_model::{Antivirus, CheckOutcome, FindingStatus, Report, Severity};

fn windows7_report() -> Report {
    windows_report("win7-office2010")
}

fn windows_report(machine: &str) -> Report {
    let export = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../antoan-wincollect/tests/fixtures")
        .join(machine)
        .join("hive");
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let opts = antoan_audit::AuditOptions {
        source: antoan_audit::source_for(None),
        windows_export: Some(export),
        baseline: true,
        policies: Vec::new(),
        now: time::macros::datetime!(2026-11-19 09:00 UTC),
        vuln_store: None,
    };
    antoan_audit::run(&opts, &kb).unwrap()
}

fn handover(date: &str) -> Handover {
    Handover {
        id: "BG-01".into(),
        host: "ketoan-pc".into(),
        date: date.into(),
        reason: "Chuyển cho kế toán mới".into(),
        exception: None,
    }
}

#[test]
fn handover_stays_open_until_reinstalled_with_current_antivirus() {
    let rules = Rules::embedded();
    let r = windows7_report();
    assert_eq!(r.host.hostname, "KETOAN-PC");
    let install = r
        .inventory
        .windows
        .as_ref()
        .unwrap()
        .install_date
        .clone()
        .unwrap();
    assert_eq!(install, "2014-03-05");

    // Handed over in June 2026; the November report shows the 2014 install and no antivirus.
    let h = handover("2026-06-01");
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&h, std::slice::from_ref(&r), &rules.handover)
    else {
        panic!("must stay open")
    };
    let en: Vec<&str> = reasons.iter().map(|t| t.en.as_str()).collect();
    assert!(
        en.iter()
            .any(|m| m.contains("installed on 2014-03-05, not after the handover")),
        "{en:?}"
    );
    assert!(en.iter().any(|m| m.contains("No anti-malware")), "{en:?}");
    assert!(reasons.iter().all(|t| !t.vi.is_empty()));

    // No report after the handover at all.
    let late = handover("2026-12-01");
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&late, std::slice::from_ref(&r), &rules.handover)
    else {
        panic!()
    };
    assert!(reasons[0].en.contains("No report of host"), "{reasons:?}");

    // The machine reinstalled after the handover, with current Defender signatures: closed.
    let mut fresh = r.clone();
    fresh.inventory.windows.as_mut().unwrap().install_date = Some("2026-06-03".into());
    fresh.inventory.antivirus = vec![Antivirus {
        name: "Microsoft Defender".into(),
        source: "registry".into(),
        realtime: Some(true),
        signature_date: Some("2026-11-18".into()),
    }];
    match evaluate_handover(&h, &[r.clone(), fresh.clone()], &rules.handover) {
        HandoverStatus::Closed {
            install_date,
            antivirus,
            signature_date,
            ..
        } => {
            assert_eq!(
                (
                    install_date.as_str(),
                    antivirus.as_str(),
                    signature_date.as_str()
                ),
                ("2026-06-03", "Microsoft Defender", "2026-11-18")
            );
        }
        other => panic!("{other:?}"),
    }
    // Stale signatures keep it open.
    let mut stale = fresh.clone();
    stale.inventory.antivirus[0].signature_date = Some("2026-10-01".into());
    let HandoverStatus::Open { reasons } = evaluate_handover(&h, &[stale], &rules.handover) else {
        panic!()
    };
    assert!(
        reasons.iter().any(|t| t.en.contains("out of date")),
        "{reasons:?}"
    );

    // A Linux host from an older agent: no install date, so it cannot close (not assessed).
    let mut linux = fresh.clone();
    linux.host.os.family = antoan_model::OsFamily::Linux;
    linux.inventory.windows = None;
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&h, std::slice::from_ref(&linux), &rules.handover)
    else {
        panic!()
    };
    assert!(
        reasons.iter().any(|t| t.en.starts_with("Not assessed")),
        "{reasons:?}"
    );
    // The collector ran but found no installation trace: said so.
    linux
        .inventory
        .collection
        .push(antoan_model::CollectorNote {
            collector: "os-install".into(),
            status: antoan_model::CollectorStatus::Absent,
            reason: "no installation trace".into(),
        });
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&h, std::slice::from_ref(&linux), &rules.handover)
    else {
        panic!()
    };
    assert!(
        reasons.iter().any(|t| t
            .en
            .contains("could not be determined: no installation trace")),
        "{reasons:?}"
    );
    // Linux installed before the handover (installer log): open, naming the source.
    linux.inventory.os_install = Some(antoan_model::OsInstall {
        date: "2023-01-09".into(),
        source: "/var/log/installer/syslog".into(),
    });
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&h, std::slice::from_ref(&linux), &rules.handover)
    else {
        panic!()
    };
    assert!(
        reasons.iter().any(|t| t
            .en
            .contains("installed on 2023-01-09, not after the handover")
            && t.en.contains("/var/log/installer/syslog")),
        "{reasons:?}"
    );
    // Reinstalled after the handover: closed.
    linux.inventory.os_install.as_mut().unwrap().date = "2026-06-04".into();
    match evaluate_handover(&h, &[linux], &rules.handover) {
        HandoverStatus::Closed { install_date, .. } => assert_eq!(install_date, "2026-06-04"),
        other => panic!("{other:?}"),
    }

    // An inspector's exception closes it.
    let mut ex = h.clone();
    ex.exception = Some(HandoverException {
        inspector: "Lê Minh Cường".into(),
        date: "2026-11-20".into(),
        reason: "Máy đã thanh lý".into(),
    });
    assert!(matches!(
        evaluate_handover(&ex, &[r], &rules.handover),
        HandoverStatus::ClosedByException { .. }
    ));
}

#[test]
fn a_state_secret_host_with_remote_tools_and_usb_is_critical() {
    let rules = Rules::embedded();
    let r = windows7_report();
    let checks = evaluate_state_secret(&r, &rules.state_secret);
    let by = |id: &str| checks.iter().find(|c| c.id == id).unwrap();
    assert_eq!(by("secret.remote-control").outcome, Outcome::Deviation);
    assert!(
        by("secret.remote-control").detail.en.contains("TeamViewer"),
        "{:?}",
        by("secret.remote-control")
    );
    assert_eq!(by("secret.usb").outcome, Outcome::Deviation);
    assert_eq!(by("secret.network").outcome, Outcome::NotAssessed);
    assert_eq!(by("secret.wireless").outcome, Outcome::NotAssessed);
    let f = state_secret_findings(&r, &checks);
    assert_eq!(f.len(), 4);
    assert!(f.iter().all(|x| x.severity == Severity::Critical));
    assert_eq!(
        f.iter().filter(|x| x.status == FindingStatus::Open).count(),
        2
    );
    assert!(f
        .iter()
        .filter(|x| x.status == FindingStatus::NotAssessed)
        .all(|x| x
            .reason
            .as_ref()
            .is_some_and(|t| t.en.starts_with("Not assessed: collector network")
                && t.en.contains("Interfaces key"))));

    // USB blocked and no remote tool: those two pass.
    let mut clean = r.clone();
    for c in clean.checks.iter_mut().filter(|c| c.check == "WIN-USB-001") {
        c.outcome = CheckOutcome::Pass;
    }
    clean.findings.retain(|f| !f.check.starts_with("WIN-RMT-"));
    clean.inventory.packages.retain(|p| {
        let n = p.name.to_lowercase();
        !(n.starts_with("teamviewer") || n.starts_with("ultraviewer"))
    });
    if let Some(w) = clean.inventory.windows.as_mut() {
        w.programs.retain(|p| {
            let n = p.name.to_lowercase();
            !(n.starts_with("teamviewer") || n.starts_with("ultraviewer"))
        });
    }
    let checks = evaluate_state_secret(&clean, &rules.state_secret);
    assert_eq!(
        checks
            .iter()
            .find(|c| c.id == "secret.usb")
            .unwrap()
            .outcome,
        Outcome::Ok
    );
    assert_eq!(
        checks
            .iter()
            .find(|c| c.id == "secret.remote-control")
            .unwrap()
            .outcome,
        Outcome::Ok
    );
    assert_eq!(
        state_secret_findings(&clean, &checks)
            .iter()
            .filter(|x| x.status == FindingStatus::Open)
            .count(),
        0
    );
}

#[test]
fn a_stand_alone_state_secret_host_passes_every_rule() {
    let rules = Rules::embedded();
    let r = windows_report("win11-secret-clean");
    let checks = evaluate_state_secret(&r, &rules.state_secret);
    for c in &checks {
        assert_eq!(c.outcome, Outcome::Ok, "{c:?}");
    }
    let net = checks.iter().find(|c| c.id == "secret.network").unwrap();
    assert!(
        net.detail
            .en
            .contains("Intel(R) Ethernet Connection (7) I219-LM"),
        "the idle adapter is named: {net:?}"
    );
    assert!(state_secret_findings(&r, &checks).is_empty());
}

#[test]
fn a_gateway_and_a_saved_wifi_network_are_critical_deviations() {
    let rules = Rules::embedded();
    let r = windows_report("win11-wifi-gateway");
    let checks = evaluate_state_secret(&r, &rules.state_secret);
    let by = |id: &str| checks.iter().find(|c| c.id == id).unwrap();
    let net = by("secret.network");
    assert_eq!(net.outcome, Outcome::Deviation);
    assert!(
        net.detail
            .en
            .contains("Intel(R) Ethernet Connection (7) I219-LM (192.168.10.23/24)")
            && net
                .detail
                .en
                .contains("0.0.0.0/0 → 192.168.10.1 [Intel(R) Ethernet Connection (7) I219-LM]"),
        "{net:?}"
    );
    assert!(net.detail.vi.starts_with("Máy có kết nối mạng"), "{net:?}");
    let w = by("secret.wireless");
    assert_eq!(w.outcome, Outcome::Deviation);
    assert!(
        w.detail.en.contains("UBND-Khach") && w.detail.en.contains("Intel(R) Wi-Fi 6 AX201 160MHz"),
        "{w:?}"
    );
    assert_eq!(by("secret.remote-control").outcome, Outcome::Ok);
    assert_eq!(by("secret.usb").outcome, Outcome::Ok);
    let f = state_secret_findings(&r, &checks);
    assert_eq!(f.len(), 2);
    assert!(f
        .iter()
        .all(|x| x.severity == Severity::Critical && x.status == FindingStatus::Open));
    assert!(
        f.iter()
            .any(|x| x.evidence[0].observed.contains("UBND-Khach")),
        "{f:?}"
    );

    // A Linux host read live with only the loopback up, then the same host with an Ethernet link.
    let mut linux = r.clone();
    linux.host.os.family = antoan_model::OsFamily::Linux;
    linux.inventory.windows = None;
    let lo = antoan_model::NetInterface {
        name: "lo".into(),
        kind: antoan_model::InterfaceKind::Loopback,
        up: true,
        addresses: vec!["127.0.0.1/8".into(), "::1/128".into()],
        dhcp: false,
        hardware_address: None,
        source: "/sys/class/net/lo".into(),
    };
    let eth = antoan_model::NetInterface {
        name: "enp3s0".into(),
        kind: antoan_model::InterfaceKind::Ethernet,
        up: false,
        addresses: Vec::new(),
        dhcp: false,
        hardware_address: Some("52:54:00:12:34:56".into()),
        source: "/sys/class/net/enp3s0".into(),
    };
    linux.inventory.network = Some(antoan_model::Network {
        interfaces: vec![eth.clone(), lo.clone()],
        routes: vec![antoan_model::Route {
            destination: "127.0.0.0/8".into(),
            gateway: None,
            interface: "lo".into(),
        }],
        wifi_profiles: Vec::new(),
        live: true,
        wireless_service: None,
    });
    let checks = evaluate_state_secret(&linux, &rules.state_secret);
    assert_eq!(checks[0].outcome, Outcome::Ok, "{:?}", checks[0]);
    assert_eq!(checks[1].outcome, Outcome::Ok, "{:?}", checks[1]);
    let n = linux.inventory.network.as_mut().unwrap();
    n.interfaces[0].up = true;
    n.interfaces[0].addresses = vec!["fe80::5054:ff:fe12:3456/64".into()];
    let checks = evaluate_state_secret(&linux, &rules.state_secret);
    assert_eq!(checks[0].outcome, Outcome::Deviation);
    assert!(
        checks[0]
            .detail
            .en
            .contains("enp3s0 (fe80::5054:ff:fe12:3456/64)"),
        "{:?}",
        checks[0]
    );
    // The wifi collector failed: wireless is not assessed, with the reason.
    for n in linux
        .inventory
        .collection
        .iter_mut()
        .filter(|n| n.collector == "network.wifi")
    {
        n.status = antoan_model::CollectorStatus::Error;
        n.reason =
            "/etc/NetworkManager/system-connections/a.nmconnection: Permission denied".into();
    }
    let checks = evaluate_state_secret(&linux, &rules.state_secret);
    assert_eq!(checks[1].outcome, Outcome::NotAssessed);
    assert!(
        checks[1].detail.en.contains("Permission denied"),
        "{:?}",
        checks[1]
    );
}

/// A Linux disk audited with `--root`: the real collectors read its network
/// configuration and installer log, and both rules use them.
#[test]
fn a_linux_disk_with_a_gateway_wifi_and_a_fresh_install() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |p: &str, text: &str| {
        let path = root.join(p.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    write("/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
    write("/etc/debian_version", "12.7\n");
    write("/etc/hostname", "vanthu-linux\n");
    write("/etc/network/interfaces", "auto lo\niface lo inet loopback\n\nauto enp2s0\niface enp2s0 inet static\n    address 10.10.5.20/24\n    gateway 10.10.5.1\n");
    // The passphrase is made at run time and must not reach the report.
    let psk = format!("p{}", 7_919 * u64::from(std::process::id()));
    write(
        "/etc/NetworkManager/system-connections/VanThu.nmconnection",
        &format!("[connection]\nid=VanThu\ntype=wifi\n[wifi]\nssid=Văn thư 2.4G\n[wifi-security]\nkey-mgmt=wpa-psk\npsk={psk}\n"),
    );
    let log = write(
        "/var/log/installer/syslog",
        "Jun 10 08:00:00 debian-installer: finish-install\n",
    );
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_781_049_600); // 2026-06-10
    std::fs::File::options()
        .write(true)
        .open(&log)
        .unwrap()
        .set_times(std::fs::FileTimes::new().set_modified(t))
        .unwrap();

    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let opts = antoan_audit::AuditOptions {
        source: antoan_audit::source_for(Some(root.to_path_buf())),
        windows_export: None,
        baseline: true,
        policies: Vec::new(),
        now: time::macros::datetime!(2026-11-19 09:00 UTC),
        vuln_store: None,
    };
    let r = antoan_audit::run(&opts, &kb).unwrap();
    assert!(
        !serde_json::to_string(&r).unwrap().contains(&psk),
        "a Wi-Fi passphrase reached the report"
    );
    assert_eq!(
        r.inventory.os_install.as_ref().map(|i| i.date.as_str()),
        Some("2026-06-10")
    );

    let rules = Rules::embedded();
    let checks = evaluate_state_secret(&r, &rules.state_secret);
    let by = |id: &str| checks.iter().find(|c| c.id == id).unwrap();
    let net = by("secret.network");
    assert_eq!(net.outcome, Outcome::Deviation, "{net:?}");
    assert!(
        net.detail.en.contains("enp2s0 (10.10.5.20/24)")
            && net.detail.en.contains("0.0.0.0/0 → 10.10.5.1 [enp2s0]")
            && net.detail.en.contains("(configuration)"),
        "{net:?}"
    );
    let w = by("secret.wireless");
    assert_eq!(w.outcome, Outcome::Deviation);
    assert!(w.detail.vi.contains("Văn thư 2.4G"), "{w:?}");

    // Handed over on 2026-06-01: reinstalled after it (installer log), but
    // no anti-malware — still open, and only for that reason.
    let h = Handover {
        host: "vanthu-linux".into(),
        ..handover("2026-06-01")
    };
    let HandoverStatus::Open { reasons } =
        evaluate_handover(&h, std::slice::from_ref(&r), &rules.handover)
    else {
        panic!("no anti-malware: stays open")
    };
    assert!(
        reasons.iter().all(|t| !t.en.contains("installed on")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().all(|t| !t.en.contains("installation date")),
        "{reasons:?}"
    );
}
