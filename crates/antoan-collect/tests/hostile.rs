//! Hostile roots: truncated and binary files, symlink loops and escapes,
//! include loops. Collection never panics, never hangs, never reads outside
//! the root, and says what went wrong with the file and line.

use antoan_collect::{collect_linux, Source};
use antoan_model::{CollectRequest, CollectorStatus, Inventory};
use antoan_testkit as tk;

fn collect(f: &tk::Fixture, req: &CollectRequest) -> Inventory {
    collect_linux(&Source::Root(f.root().to_path_buf()), req)
        .expect("collect")
        .1
}

#[test]
fn truncated_dpkg_status() {
    let f = tk::Fixture::hostile_truncated_dpkg();
    let inv = collect(&f, &CollectRequest::default());
    let n = inv.note("packages.dpkg").unwrap();
    assert_eq!(n.status, CollectorStatus::Ok, "{n:?}");
    assert!(
        n.reason.contains("/var/lib/dpkg/status:") && n.reason.contains("truncated"),
        "{}",
        n.reason
    );
    // Every package before the cut is there; the cut one (zlib1g, last in order) is not.
    assert!(inv.packages.iter().any(|p| p.name == "util-linux"));
    assert!(!inv.packages.iter().any(|p| p.name == "zlib1g"));
}

#[test]
fn binary_garbage_in_passwd() {
    let f = tk::Fixture::hostile_binary_passwd();
    let inv = collect(&f, &CollectRequest::default());
    let n = inv.note("accounts").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(
        n.reason.contains("/etc/passwd:3: binary data"),
        "{}",
        n.reason
    );
    assert!(n.reason.contains("/etc/passwd:4"), "{}", n.reason);
    // The good lines are kept.
    assert!(inv.accounts.iter().any(|a| a.name == "root"));
    assert!(inv.accounts.iter().any(|a| a.name == "quantri"));
}

#[test]
fn binary_garbage_in_dpkg_status() {
    let f = tk::Fixture::debian("12");
    let mut status = std::fs::read(f.path("/var/lib/dpkg/status")).unwrap();
    status.splice(
        0..0,
        b"Package: evil\nStatus: install ok installed\nVersion: 1\n\x00\x01\x02\xff\n\n"
            .iter()
            .copied(),
    );
    let f = f.file("/var/lib/dpkg/status", status, 0o644);
    let inv = collect(&f, &CollectRequest::default());
    let n = inv.note("packages.dpkg").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(
        n.reason.contains("/var/lib/dpkg/status:4: binary data"),
        "{}",
        n.reason
    );
    assert!(!inv.packages.iter().any(|p| p.name == "evil"));
    assert!(inv.packages.iter().any(|p| p.name == "bash"));
}

#[test]
fn symlink_loops_and_escapes() {
    let f = tk::Fixture::hostile_symlink_loop();
    let mut req = CollectRequest::default();
    req.files.insert("/etc/escape".into());
    req.files.insert("/etc/sysctl.d/x/y".into());
    req.config_files.insert("/etc/escape".into());
    req.config_files.insert("/etc/ssh/loop".into());
    let (host, inv) = collect_linux(&Source::Root(f.root().to_path_buf()), &req).expect("collect");
    // sshd_config is a loop: an error note naming the loop, not a hang.
    let n = inv.note("sshd").unwrap();
    assert_eq!(n.status, CollectorStatus::Error, "{n:?}");
    assert!(n.reason.contains("symlink loop"), "{}", n.reason);
    // The escaping link resolves inside the root: the root's own shadow, never the host's.
    assert_eq!(inv.files["/etc/escape"].file_type, "symlink");
    let escaped = &inv.config["/etc/escape"];
    assert!(escaped.is_empty() || escaped.keys().any(|k| k.starts_with("root:")));
    let host_shadow = std::fs::read_to_string("/etc/shadow").unwrap_or_default();
    if let Some(first) = host_shadow.lines().next() {
        // Keys of the parsed file come from the fixture, never from the host.
        let fixture_shadow = std::fs::read_to_string(f.path("/etc/shadow")).unwrap();
        assert!(
            escaped.keys().all(|k| fixture_shadow.contains(k.as_str())),
            "{first}"
        );
    }
    assert!(inv.note("config").unwrap().reason.contains("loop"));
    // /etc/sysctl.d loops on itself.
    let n = inv.note("sysctl").unwrap();
    assert!(n.reason.contains("/etc/sysctl.d"), "{n:?}");
    // /etc/hostname → /proc/self/environ inside the root: absent, so no hostname.
    assert_eq!(host.hostname, "");
    // The other collectors did their work.
    assert_eq!(inv.note("accounts").unwrap().status, CollectorStatus::Ok);
    assert!(inv.packages.len() > 30);
}

#[test]
fn sshd_include_loop() {
    let f = tk::Fixture::hostile_sshd_include_loop();
    let inv = collect(&f, &CollectRequest::default());
    let n = inv.note("sshd").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(n.reason.contains("Include loop"), "{}", n.reason);
    assert!(
        n.reason.contains("/etc/ssh/sshd_config.d/a.conf:1"),
        "{}",
        n.reason
    );
    let ssh = inv.ssh.as_ref().unwrap();
    // What could be read is kept, with the first-value-wins rule.
    assert_eq!(ssh.get("passwordauthentication"), Some("no"));
    assert_eq!(ssh.get("permitrootlogin"), Some("no"));
}

#[test]
fn garbage_everywhere_does_not_panic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut f = tk::Fixture::rocky("9");
    for p in [
        "/etc/os-release",
        "/etc/shadow",
        "/etc/group",
        "/etc/login.defs",
        "/etc/sudoers",
        "/etc/ssh/sshd_config",
        "/etc/fstab",
        "/etc/crontab",
        "/etc/pam.d/system-auth",
        "/etc/sysctl.conf",
        "/etc/modprobe.d/x.conf",
        "/etc/chrony.conf",
        "/etc/firewalld/firewalld.conf",
        "/etc/dnf/automatic.conf",
        "/var/lib/clamav/daily.cvd",
        "/etc/machine-id",
        "/etc/hostname",
        "/usr/lib/systemd/system/sshd.service",
    ] {
        f = f.file(p, &garbage, 0o644);
    }
    f = f.file("/var/lib/rpm/rpmdb.sqlite", &garbage, 0o644);
    let mut req = CollectRequest::default();
    req.config_files.insert("/etc/login.defs".into());
    let (_, inv) = collect_linux(&Source::Root(f.root().to_path_buf()), &req).expect("collect");
    assert_eq!(
        inv.note("packages.rpm").unwrap().status,
        CollectorStatus::Error
    );
    assert!(inv
        .note("packages.rpm")
        .unwrap()
        .reason
        .contains("rpmdb.sqlite"));
    assert_eq!(inv.note("config").unwrap().status, CollectorStatus::Error);
}

#[test]
fn corrupt_rpm_header_in_sqlite() {
    let f = tk::Fixture::rocky("9");
    let db = f.path("/var/lib/rpm/rpmdb.sqlite");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute(
            "INSERT INTO Packages (blob) VALUES (?1)",
            [vec![0u8, 0, 0, 5, 0xff, 0xff, 0xff, 0xff]],
        )
        .unwrap();
        c.execute(
            "INSERT INTO Packages (blob) VALUES (?1)",
            [vec![
                0u8, 0, 0, 1, 0, 0, 0, 2, 0, 0, 3, 232, 0, 0, 0, 6, 0, 0, 0, 9, 0, 0, 0, 1, b'x',
                b'y',
            ]],
        )
        .unwrap();
    }
    let inv = collect(&f, &CollectRequest::default());
    let n = inv.note("packages.rpm").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(n.reason.contains("package #"), "{}", n.reason);
    assert!(inv.packages.iter().any(|p| p.name == "openssl-libs"));
    // Opened immutable: nothing written next to the database.
    assert!(!f.path("/var/lib/rpm/rpmdb.sqlite-wal").exists());
    assert!(!f.path("/var/lib/rpm/rpmdb.sqlite-journal").exists());
}

#[test]
fn huge_file_is_not_read() {
    let f = tk::Fixture::debian("12");
    let big = std::fs::File::create(f.path("/etc/login.defs")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let mut req = CollectRequest::default();
    req.config_files.insert("/etc/login.defs".into());
    let inv = collect(&f, &req);
    let n = inv.note("config").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(n.reason.contains("larger than"), "{}", n.reason);
}

#[test]
fn vietnamese_and_latin1_text() {
    let f = tk::Fixture::debian("12")
        .file("/etc/hostname", "máy-chủ-1\n", 0o644)
        .file(
            "/etc/cron.d/vn",
            "# Sao lưu dữ liệu hằng đêm\n0 1 * * * root /opt/sao-lưu.sh\n",
            0o644,
        )
        .file(
            "/etc/cron.d/latin1",
            b"# caf\xe9\n0 1 * * * root /opt/caf\xe9.sh\n",
            0o644,
        );
    let (host, inv) = collect_linux(
        &Source::Root(f.root().to_path_buf()),
        &CollectRequest::default(),
    )
    .unwrap();
    assert_eq!(host.hostname, "máy-chủ-1");
    assert!(inv.scheduled.iter().any(|s| s.command == "/opt/sao-lưu.sh"));
    // The Latin-1 line is garbage to a UTF-8 reader: skipped with its line.
    assert!(inv
        .note("scheduled")
        .unwrap()
        .reason
        .contains("/etc/cron.d/latin1:2"));
}
