//! Damaged input: clear errors naming the file, notes that make checks
//! not-assessed, never a panic.

use std::path::Path;

use antoan_model::{CollectRequest, CollectorStatus};

fn fixture(m: &str, f: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(m).join("hive").join(f)).unwrap()
}

#[test]
fn truncated_software_hive_is_a_note_and_system_still_reads() {
    let d = tempfile::tempdir().unwrap();
    let sw = fixture("win10-office2016", "SOFTWARE");
    std::fs::write(d.path().join("SOFTWARE"), &sw[..sw.len() / 3]).unwrap();
    std::fs::write(d.path().join("SYSTEM"), fixture("win10-office2016", "SYSTEM")).unwrap();
    let src = antoan_wincollect::open_export_dir(d.path()).unwrap();
    let (host, inv) = antoan_wincollect::collect(&src, &CollectRequest::default());
    assert_eq!(host.hostname, "PHONG-TCHC-01");
    let n = inv.collection.iter().find(|n| n.collector == "registry:HKLM\\SOFTWARE" && n.status == CollectorStatus::Error).unwrap();
    assert!(n.reason.contains("SOFTWARE"), "{}", n.reason);
    assert!(inv.collection.iter().any(|n| n.collector == "packages.windows" && n.status == CollectorStatus::Absent));
}

#[test]
fn garbage_everywhere_is_an_error_naming_the_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("SOFTWARE"), b"regf\x00\x01garbage").unwrap();
    std::fs::write(d.path().join("export.reg"), b"\xff\xfe\x00\xd8garbage").unwrap();
    std::fs::write(d.path().join("net-accounts.txt"), b"\x00\x00\x00").unwrap();
    let e = antoan_wincollect::open_export_dir(d.path()).err().unwrap();
    assert!(e.0.en.contains("SOFTWARE"), "{}", e.0.en);
    assert!(e.0.en.contains("export.reg"), "{}", e.0.en);
    assert!(!e.0.vi.is_empty());
}

#[test]
fn bad_text_outputs_are_notes() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("SYSTEM"), fixture("win7-office2010", "SYSTEM")).unwrap();
    std::fs::write(d.path().join("net-accounts.txt"), "nonsense\n").unwrap();
    std::fs::write(d.path().join("secedit.inf"), "[Other]\nx=1\n").unwrap();
    let src = antoan_wincollect::open_export_dir(d.path()).unwrap();
    let (_, inv) = antoan_wincollect::collect(&src, &CollectRequest::default());
    for c in ["account-policy.net-accounts", "account-policy.secedit"] {
        let n = inv.collection.iter().find(|n| n.collector == c).unwrap();
        assert_eq!(n.status, CollectorStatus::Error, "{c}");
    }
    assert!(inv.collection.iter().any(|n| n.collector == "account-policy" && n.status == CollectorStatus::Absent));
}

#[test]
fn not_a_windows_root() {
    let d = tempfile::tempdir().unwrap();
    let e = antoan_wincollect::open_windows_root(d.path()).err().unwrap();
    assert!(e.0.en.contains("Windows/System32/config"), "{}", e.0.en);
}

#[test]
fn windows_root_with_mixed_case_names() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("WINDOWS/system32/CONFIG");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("software"), fixture("win11-m365", "SOFTWARE")).unwrap();
    std::fs::write(cfg.join("System"), fixture("win11-m365", "SYSTEM")).unwrap();
    let src = antoan_wincollect::open_windows_root(d.path()).unwrap();
    let (host, inv) = antoan_wincollect::collect(&src, &CollectRequest::default());
    assert_eq!(host.os.name, "Windows 11 Enterprise");
    assert_eq!(host.os.build, "26100.6899");
    assert!(inv.collection.iter().any(|n| n.collector == "windows-accounts" && n.status == CollectorStatus::Absent));
}
