//! The five fixture machines (tests/fixtures, built by make.sh): each is
//! read from real hive files (written by hivex) and from `.reg` exports
//! (re-encoded here as UTF-16LE with BOM, like `reg export`), both must give
//! the same inventory and findings, and those are pinned by golden files.

use std::path::{Path, PathBuf};

use antoan_check::{evaluate_with, EvalOptions, Policy};
use antoan_model::{CheckResult, Finding, HostInfo, Inventory, Severity};
use serde::Serialize;

const MACHINES: [&str; 7] = [
    "win7-office2010",
    "win10-office2016",
    "win11-m365",
    "server2012r2-dc",
    "server2022-member",
    "win11-secret-clean",
    "win11-wifi-gateway",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The .reg sources re-encoded as `reg export` writes them (UTF-16LE, BOM).
fn utf16_export(machine: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(fixtures().join(machine).join("reg")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &dir.path().join(p.file_name().unwrap()));
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let out = if p.extension().is_some_and(|x| x == "reg") {
            let text = String::from_utf8(bytes).unwrap();
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            b
        } else {
            bytes
        };
        std::fs::write(dir.path().join(p.file_name().unwrap()), out).unwrap();
    }
    dir
}

/// Task files are copied as they are (already UTF-16LE, like Windows writes them).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[derive(Serialize)]
struct Golden {
    host: HostInfo,
    inventory: Inventory,
    findings: Vec<Finding>,
    checks: Vec<CheckResult>,
}

fn audit(dir: &Path, machine: &str) -> Golden {
    let src = antoan_wincollect::open_export_dir(dir).unwrap();
    let policy = Policy::windows_baseline();
    let (mut host, mut inv) = antoan_wincollect::collect(&src, &policy.request());
    host.source = machine.to_string();
    for n in &mut inv.collection {
        if n.reason.starts_with("read from ") {
            n.reason = "read".into();
        }
        n.reason = n.reason.replace(&dir.display().to_string(), "<export>");
    }
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let today = time::macros::date!(2026 - 11 - 24);
    let mut ev = evaluate_with(&host, &inv, &[policy], &EvalOptions { today: Some("2026-11-24".into()) });
    let (f, c) = antoan_kb::windows_verdicts(&host, &inv, &kb.lifecycle, &kb.patches, today);
    ev.findings.extend(f);
    ev.checks.extend(c);
    ev.findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.status.cmp(&b.status)).then(a.check.cmp(&b.check)).then(a.subject.cmp(&b.subject)));
    ev.checks.sort_by(|a, b| a.check.cmp(&b.check));
    Golden { host, inventory: inv, findings: ev.findings, checks: ev.checks }
}

fn summary(g: &Golden) -> Vec<String> {
    g.findings
        .iter()
        .map(|f| format!("{:?} {:?} {} {} | {}", f.severity, f.status, f.check, f.subject, f.title.en))
        .collect()
}

#[test]
fn hives_and_reg_exports_agree_and_match_golden_files() {
    for m in MACHINES {
        let from_hive = audit(&fixtures().join(m).join("hive"), m);
        let export = utf16_export(m);
        let from_reg = audit(export.path(), m);
        let a = serde_json::to_string_pretty(&from_hive).unwrap();
        let b = serde_json::to_string_pretty(&from_reg).unwrap();
        if a != b {
            let _ = std::fs::write(format!("/tmp/{m}-hive.json"), &a);
            let _ = std::fs::write(format!("/tmp/{m}-reg.json"), &b);
        }
        assert!(a == b, "{m}: hive and .reg export differ (see /tmp/{m}-hive.json and -reg.json)");
        insta::assert_json_snapshot!(format!("{m}-summary"), summary(&from_hive));
        insta::assert_json_snapshot!(m, from_hive);
    }
}

#[test]
fn windows7_with_office2010_has_two_critical_eol_findings_with_dates() {
    let g = audit(&fixtures().join("win7-office2010/hive"), "win7");
    let eol: Vec<&Finding> = g.findings.iter().filter(|f| f.check.starts_with("eol.") && f.severity == Severity::Critical).collect();
    let os = eol.iter().find(|f| f.check == "eol.os").expect("OS eol finding");
    assert_eq!(os.attributes["eol_date"], "2020-01-14");
    assert!(os.title.en.contains("2020-01-14"), "{}", os.title.en);
    let office = eol.iter().find(|f| f.check == "eol.office").expect("Office eol finding");
    assert_eq!(office.attributes["eol_date"], "2020-10-13");
    assert!(office.title.en.contains("Office 2010"), "{}", office.title.en);
}

#[test]
fn no_secret_reaches_the_inventory() {
    for m in MACHINES {
        let g = audit(&fixtures().join(m).join("hive"), m);
        let json = serde_json::to_string(&g).unwrap();
        assert!(!json.contains("xxxxxxxxx"), "{m}: the Winlogon DefaultPassword leaked");
    }
}

#[test]
fn network_adapters_gateways_and_wifi_profiles() {
    use antoan_model::{CollectorStatus, InterfaceKind};
    let g = audit(&fixtures().join("win11-wifi-gateway/hive"), "wifi");
    let net = g.inventory.network.as_ref().expect("network section");
    assert!(!net.live);
    assert_eq!(g.inventory.note("network").unwrap().status, CollectorStatus::Ok);
    let eth = net.interfaces.iter().find(|i| i.kind == InterfaceKind::Ethernet).unwrap();
    assert_eq!(eth.name, "Intel(R) Ethernet Connection (7) I219-LM");
    assert_eq!(eth.addresses, vec!["192.168.10.23/24"]);
    assert!(eth.up && eth.dhcp);
    let wifi = net.interfaces.iter().find(|i| i.kind == InterfaceKind::Wireless).unwrap();
    assert_eq!(wifi.name, "Intel(R) Wi-Fi 6 AX201 160MHz");
    assert!(wifi.addresses.is_empty());
    assert_eq!(net.routes.len(), 1);
    assert_eq!(net.routes[0].gateway.as_deref(), Some("192.168.10.1"));
    assert_eq!(net.routes[0].interface, eth.name);
    let ssids: Vec<&str> = net.wifi_profiles.iter().map(|p| p.ssid.as_str()).collect();
    assert_eq!(ssids, vec!["UBND-Khach"], "a wired NetworkList profile is not Wi-Fi");
    assert_eq!(net.wireless_service, Some(true));

    let g = audit(&fixtures().join("win11-secret-clean/hive"), "clean");
    let net = g.inventory.network.as_ref().unwrap();
    assert_eq!(net.interfaces.len(), 1);
    assert!(!net.interfaces[0].up && net.interfaces[0].addresses.is_empty(), "{net:?}");
    assert!(net.routes.is_empty() && net.wifi_profiles.is_empty());
    assert_eq!(net.wireless_service, Some(false));
}

/// A mounted Windows volume: the WLAN profile files give their SSID, never the key.
#[test]
fn wlan_profile_files_of_a_volume() {
    let vol = tempfile::tempdir().unwrap();
    let config = vol.path().join("Windows/System32/config");
    std::fs::create_dir_all(&config).unwrap();
    for h in ["SOFTWARE", "SYSTEM", "SAM"] {
        std::fs::copy(fixtures().join("win11-secret-clean/hive").join(h), config.join(h)).unwrap();
    }
    let dir = vol.path().join("ProgramData/Microsoft/Wlansvc/Profiles/Interfaces/{4D36E972-0000-4000-8000-00000000F002}");
    std::fs::create_dir_all(&dir).unwrap();
    // Made at run time: never a committed key.
    let key = format!("k{}x{}", std::process::id(), 7919 * std::process::id() as u64);
    let xml = format!("<?xml version=\"1.0\"?>\n<WLANProfile xmlns=\"http://www.microsoft.com/networking/WLAN/profile/v1\">\n\t<name>Sở TT&amp;TT</name>\n\t<SSIDConfig>\n\t\t<SSID>\n\t\t\t<name>Sở TT&amp;TT</name>\n\t\t</SSID>\n\t</SSIDConfig>\n\t<MSM>\n\t\t<security>\n\t\t\t<sharedKey>\n\t\t\t\t<keyType>passPhrase</keyType>\n\t\t\t\t<protected>false</protected>\n\t\t\t\t<keyMaterial>{key}</keyMaterial>\n\t\t\t</sharedKey>\n\t\t</security>\n\t</MSM>\n</WLANProfile>\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in xml.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.join("{AAAA0000-0000-4000-8000-000000000001}.xml"), &utf16).unwrap();
    std::fs::write(dir.join("{AAAA0000-0000-4000-8000-000000000002}.xml"), b"\x00\x01 not xml").unwrap();
    let src = antoan_wincollect::open_windows_root(vol.path()).unwrap();
    let (_, inv) = antoan_wincollect::collect(&src, &Default::default());
    let net = inv.network.as_ref().unwrap();
    assert_eq!(net.wifi_profiles.len(), 1, "{net:?}");
    assert_eq!(net.wifi_profiles[0].ssid, "Sở TT&TT");
    assert!(net.wifi_profiles[0].source.starts_with("ProgramData\\Microsoft\\Wlansvc"));
    let n = inv.note("network.wifi").unwrap();
    assert_eq!(n.status, antoan_model::CollectorStatus::Error, "the damaged file is said: {n:?}");
    assert!(n.reason.contains("{AAAA0000-0000-4000-8000-000000000002}.xml"), "{n:?}");
    let json = serde_json::to_string(&inv).unwrap();
    assert!(!json.contains(&key), "the key material leaked");
}

/// `netsh wlan export profile` files in an export folder count too; other XML files are ignored.
#[test]
fn netsh_wlan_exports_in_an_export_folder() {
    let export = utf16_export("win11-secret-clean");
    let key = format!("n{}", 104_729 * u64::from(std::process::id()));
    let xml = format!("<?xml version=\"1.0\"?>\n<WLANProfile xmlns=\"http://www.microsoft.com/networking/WLAN/profile/v1\"><name>Phong-Hop</name><SSIDConfig><SSID><hex>50686F6E672D486F70</hex><name>Phong-Hop</name></SSID></SSIDConfig><MSM><security><sharedKey><keyMaterial>{key}</keyMaterial></sharedKey></security></MSM></WLANProfile>");
    std::fs::write(export.path().join("Wi-Fi-Phong-Hop.xml"), xml).unwrap();
    std::fs::write(export.path().join("other.xml"), "<Task/>").unwrap();
    let src = antoan_wincollect::open_export_dir(export.path()).unwrap();
    let (_, inv) = antoan_wincollect::collect(&src, &Default::default());
    let net = inv.network.as_ref().unwrap();
    assert_eq!(net.wifi_profiles.len(), 1, "{net:?}");
    assert_eq!((net.wifi_profiles[0].ssid.as_str(), net.wifi_profiles[0].source.as_str()), ("Phong-Hop", "Wi-Fi-Phong-Hop.xml"));
    assert_eq!(inv.note("network.wifi").unwrap().status, antoan_model::CollectorStatus::Ok);
    assert!(!serde_json::to_string(&inv).unwrap().contains(&key));
}
