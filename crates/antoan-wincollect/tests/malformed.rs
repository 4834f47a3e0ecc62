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

/// Marks a hive dirty (primary sequence number ahead of the secondary) with
/// a valid base-block checksum, as Windows leaves a hive after a crash.
fn make_dirty(mut hive: Vec<u8>) -> Vec<u8> {
    let seq = u32::from_le_bytes(hive[4..8].try_into().unwrap());
    hive[4..8].copy_from_slice(&(seq + 1).to_le_bytes());
    let sum = match hive[..508].chunks_exact(4).fold(0u32, |a, c| a ^ u32::from_le_bytes(c.try_into().unwrap())) {
        0 => 1,
        u32::MAX => u32::MAX - 1,
        x => x,
    };
    hive[508..512].copy_from_slice(&sum.to_le_bytes());
    hive
}

#[test]
fn dirty_hive_without_logs_is_an_error_note_and_still_read() {
    for logs in [false, true] {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("SOFTWARE"), make_dirty(fixture("win10-office2016", "SOFTWARE"))).unwrap();
        if logs {
            std::fs::write(d.path().join("SOFTWARE.LOG1"), b"garbage, not a log").unwrap();
            std::fs::write(d.path().join("SOFTWARE.LOG2"), []).unwrap();
        }
        let src = antoan_wincollect::open_export_dir(d.path()).unwrap();
        let (_, inv) = antoan_wincollect::collect(&src, &CollectRequest::default());
        let n = inv
            .collection
            .iter()
            .find(|n| n.collector == "registry:HKLM\\SOFTWARE.warning")
            .unwrap_or_else(|| panic!("logs {logs}: no dirty-hive note in {:?}", inv.collection));
        assert_eq!(n.status, CollectorStatus::Error);
        assert!(n.reason.contains("dirty hive") && n.reason.contains("SOFTWARE"), "{}", n.reason);
        // What the hive holds is still used, and the hive counts as read.
        assert_eq!(inv.windows.as_ref().unwrap().build, 19045);
        assert!(inv.collection.iter().any(|n| n.collector == "registry:HKLM\\SOFTWARE" && n.status == CollectorStatus::Ok));
    }
}

#[test]
fn task_files_are_read_from_a_windows_volume_and_bad_ones_are_noted() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("Windows/System32/config");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("SOFTWARE"), fixture("win7-office2010", "SOFTWARE")).unwrap();
    let tasks = d.path().join("Windows/System32/Tasks/Nhóm");
    std::fs::create_dir_all(&tasks).unwrap();
    let xml = "<Task><RegistrationInfo><Author>Bkav</Author></RegistrationInfo><Actions><Exec><Command>C:\\Temp\\a.exe</Command></Exec></Actions></Task>";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(xml.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(tasks.join("Cập nhật"), utf16).unwrap();
    std::fs::write(tasks.join("truncated"), &xml.as_bytes()[..40]).unwrap();
    let src = antoan_wincollect::open_windows_root(d.path()).unwrap();
    let (_, inv) = antoan_wincollect::collect(&src, &CollectRequest::default());
    let w = inv.windows.as_ref().unwrap();
    let t = w.autoruns.iter().find(|a| a.name == "\\Nhóm\\Cập nhật").unwrap_or_else(|| panic!("{:?}", w.autoruns));
    assert_eq!((t.kind.as_str(), t.command.as_str(), t.author.as_str()), ("scheduled-task", "C:\\Temp\\a.exe", "Bkav"));
    let n = inv.collection.iter().find(|n| n.collector == "scheduled.task-files").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(n.reason.contains("truncated"), "{}", n.reason);
}

#[test]
fn volume_user_hives_skip_profile_templates() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("Windows/System32/config");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("SOFTWARE"), fixture("win10-office2016", "SOFTWARE")).unwrap();
    for profile in ["lan", "Default", "Public"] {
        let p = d.path().join("Users").join(profile);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("NTUSER.DAT"), fixture("win10-office2016", "NTUSER-nguyenvana.DAT")).unwrap();
    }
    let src = antoan_wincollect::open_windows_root(d.path()).unwrap();
    let mut req = CollectRequest::default();
    req.registry_values.insert("HKCU\\Control Panel\\Desktop\\ScreenSaverIsSecure".into());
    let (_, inv) = antoan_wincollect::collect(&src, &req);
    let w = inv.windows.as_ref().unwrap();
    assert_eq!(w.user_hives, ["lan"]);
    assert_eq!(w.registry.get("HKU\\lan\\Control Panel\\Desktop\\ScreenSaverIsSecure").map(String::as_str), Some("0"));
    assert!(w.programs.iter().any(|p| p.name == "Zalo" && p.scope == "user:lan"));
}
