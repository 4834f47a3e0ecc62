//! Collects each testkit fixture and checks the key inventory facts.

use antoan_collect::{collect_linux, detect_family, CollectError, Source};
use antoan_model::{
    CollectRequest, CollectorStatus, HostInfo, Inventory, OsFamily, PasswordState, ServiceState,
};
use antoan_testkit as tk;

fn collect(f: &tk::Fixture) -> (HostInfo, Inventory) {
    collect_root(f, &CollectRequest::default())
}

fn collect_root(f: &tk::Fixture, req: &CollectRequest) -> (HostInfo, Inventory) {
    collect_linux(&Source::Root(f.root().to_path_buf()), req).expect("collect")
}

fn status(inv: &Inventory, c: &str) -> CollectorStatus {
    inv.note(c)
        .unwrap_or_else(|| panic!("no note for {c}"))
        .status
}

fn pkg<'a>(inv: &'a Inventory, name: &str) -> Option<&'a antoan_model::Package> {
    inv.packages.iter().find(|p| p.name == name)
}

fn svc(inv: &Inventory, name: &str) -> Option<ServiceState> {
    inv.services
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.state)
}

fn running_as_root() -> bool {
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(d.path()).unwrap()) == 0
}

const ALL: [&str; 25] = [
    "os",
    "kernel",
    "packages.dpkg",
    "packages.rpm",
    "accounts",
    "sudo",
    "sshd",
    "services",
    "listening",
    "firewall",
    "updates",
    "antivirus",
    "time-sync",
    "sysctl",
    "files",
    "config",
    "pam",
    "kernel-modules",
    "unsafe-files",
    "scheduled",
    "mounts",
    "boot",
    "network",
    "network.wifi",
    "os-install",
];

fn every_collector_noted(inv: &Inventory) {
    for c in ALL {
        assert!(inv.note(c).is_some(), "collector {c} left no note");
    }
    assert_eq!(inv.collection.len(), ALL.len(), "{:?}", inv.collection);
}

#[test]
fn debian_12_clean() {
    let f = tk::debian_12_clean();
    let mut req = CollectRequest::default();
    for p in [
        "/etc/shadow",
        "/etc/passwd",
        "/etc/ssh/sshd_config",
        "/etc/crontab",
        "/etc/os-release",
        "/etc/nope",
    ] {
        req.files.insert(p.to_string());
    }
    for p in [
        "/etc/login.defs",
        "/etc/security/pwquality.conf",
        "/etc/missing.conf",
    ] {
        req.config_files.insert(p.to_string());
    }
    let (host, inv) = collect_root(&f, &req);
    every_collector_noted(&inv);
    assert_eq!(
        detect_family(&Source::Root(f.root().into())),
        OsFamily::Linux
    );
    assert_eq!(host.os.family, OsFamily::Linux);
    assert_eq!(host.os.name, "Debian GNU/Linux");
    assert_eq!(host.os.version, "12");
    assert_eq!(host.os.id, "debian");
    assert_eq!(host.os.codename, "bookworm");
    assert_eq!(host.hostname, "srv-debian12");
    assert_eq!(host.machine_id.len(), 32);
    assert_eq!(host.architecture, "x86_64");
    assert_eq!(host.source, f.root().display().to_string());
    assert_eq!(host.os.build, "6.1.0-18-amd64");

    for c in [
        "os",
        "kernel",
        "packages.dpkg",
        "accounts",
        "sudo",
        "sshd",
        "services",
        "firewall",
        "pam",
        "sysctl",
        "unsafe-files",
    ] {
        assert_eq!(
            status(&inv, c),
            CollectorStatus::Ok,
            "{c}: {:?}",
            inv.note(c)
        );
    }
    assert_eq!(status(&inv, "packages.rpm"), CollectorStatus::Absent);
    assert_eq!(status(&inv, "listening"), CollectorStatus::Skipped);
    assert!(inv.listening.is_none());

    // Packages
    let ssl = pkg(&inv, "libssl3").unwrap();
    assert_eq!(ssl.source_name, "openssl");
    assert_eq!(ssl.source_version, "3.0.11-1~deb12u2");
    let bash = pkg(&inv, "bash").unwrap();
    assert_eq!(
        (bash.version.as_str(), bash.source_version.as_str()),
        ("5.2.15-2+b2", "5.2.15-2")
    );
    assert!(pkg(&inv, "nano").is_none(), "deinstalled package listed");
    assert!(pkg(&inv, "telnetd").is_none());
    assert!(inv.packages.len() > 40);
    assert_eq!(
        inv.kernel.as_ref().unwrap().installed,
        vec!["6.1.0-18-amd64"]
    );
    assert_eq!(inv.boot.kernel_update_pending, None);
    assert!(!inv.boot.reboot_required);

    // Accounts: no hash kept, states right.
    let json = serde_json::to_string(&inv).unwrap();
    assert!(
        !json.contains("$y$j9T$"),
        "a hash leaked into the inventory"
    );
    let root = inv.accounts.iter().find(|a| a.name == "root").unwrap();
    assert_eq!(root.password, PasswordState::Locked);
    assert!(root.system && root.interactive);
    let admin = inv.accounts.iter().find(|a| a.name == "quantri").unwrap();
    assert_eq!(admin.password, PasswordState::Set);
    assert_eq!(admin.hash_scheme, "yescrypt");
    assert_eq!(admin.max_days, Some(90));
    assert!(!admin.system);
    assert_eq!(admin.groups, vec!["sudo"]);
    assert!(inv.accounts.iter().filter(|a| a.uid == 0).count() == 1);
    assert!(inv
        .accounts
        .iter()
        .all(|a| a.password != PasswordState::Empty));
    let sshd_acc = inv.accounts.iter().find(|a| a.name == "sshd").unwrap();
    assert!(!sshd_acc.interactive);

    // sudo
    assert!(inv.sudo.iter().any(|r| r.principal == "quantri"
        && r.source == "group:sudo"
        && r.all_commands
        && !r.nopasswd));
    assert!(
        inv.sudo
            .iter()
            .any(|r| r.principal == "root" && r.source == "/etc/sudoers:21"),
        "{:?}",
        inv.sudo
    );
    assert!(inv.sudo.iter().all(|r| !r.nopasswd));

    // sshd: drop-in wins over the main file.
    let ssh = inv.ssh.as_ref().unwrap();
    assert!(ssh.installed);
    assert_eq!(ssh.get("permitrootlogin"), Some("no"));
    assert_eq!(ssh.get("passwordauthentication"), Some("no"));
    assert_eq!(
        ssh.origins["passwordauthentication"],
        "/etc/ssh/sshd_config.d/10-hardening.conf:3"
    );
    assert_eq!(ssh.get("x11forwarding"), Some("no"));
    assert_eq!(ssh.get("usepam"), Some("yes"));
    assert_eq!(ssh.get("maxauthtries"), Some("4"));
    assert_eq!(ssh.get("pubkeyauthentication"), Some("yes"));
    assert!(!ssh.origins.contains_key("pubkeyauthentication"));
    assert_eq!(
        ssh.settings["macs"],
        vec![
            "hmac-sha2-512-etm@openssh.com",
            "hmac-sha2-256-etm@openssh.com"
        ]
    );

    // Services
    assert_eq!(svc(&inv, "ssh"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "sshd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "nftables"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "chrony"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "auditd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "systemd-journald"), Some(ServiceState::Static));
    assert_eq!(svc(&inv, "getty@tty1"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "ssh.socket"), Some(ServiceState::Disabled));
    assert_eq!(svc(&inv, "systemd-timesyncd"), Some(ServiceState::Disabled));

    // Firewall, updates, antivirus, time
    assert!(inv.firewall.active);
    let nft = inv
        .firewall
        .frontends
        .iter()
        .find(|f| f.name == "nftables")
        .unwrap();
    assert_eq!(
        (nft.enabled, nft.rules, nft.default_input.as_str()),
        (true, 6, "drop")
    );
    assert_eq!(inv.updates.mechanism, "unattended-upgrades");
    assert!(inv.updates.enabled);
    assert_eq!(inv.updates.source, "/etc/apt/apt.conf.d/20auto-upgrades");
    let clam = inv.antivirus.iter().find(|a| a.name == "ClamAV").unwrap();
    assert_eq!(
        clam.signature_date.as_deref(),
        Some(tk::CLEAN_SIGNATURE_DATE)
    );
    assert_eq!(clam.realtime, Some(true));
    assert_eq!(inv.time_sync.service, "chrony");
    assert!(inv.time_sync.enabled);
    assert_eq!(
        inv.time_sync.servers,
        vec!["ntp.gov.vn", "2.debian.pool.ntp.org"]
    );

    // sysctl: 99-hardening overrides the systemd default
    assert_eq!(inv.sysctl["kernel.sysrq"], "0");
    assert_eq!(inv.sysctl["net.ipv4.ip_forward"], "0");
    assert_eq!(inv.sysctl["kernel.randomize_va_space"], "2");

    // files and config
    let shadow = &inv.files["/etc/shadow"];
    assert!(shadow.exists);
    assert_eq!(shadow.file_type, "file");
    assert_eq!(shadow.mode, 0o640);
    assert_eq!(inv.files["/etc/crontab"].mode, 0o600);
    assert_eq!(inv.files["/etc/os-release"].file_type, "symlink");
    assert!(!inv.files["/etc/nope"].exists);
    if running_as_root() {
        assert_eq!(shadow.gid, 42);
    }
    assert_eq!(inv.config["/etc/login.defs"]["PASS_MAX_DAYS"], "90");
    assert_eq!(inv.config["/etc/login.defs"]["UMASK"], "027");
    assert_eq!(inv.config["/etc/security/pwquality.conf"]["minlen"], "14");
    assert!(!inv.config.contains_key("/etc/missing.conf"));

    // PAM, modules, mounts
    let pw = &inv.pam["common-password"];
    assert!(pw
        .iter()
        .any(|e| e.module == "pam_pwquality.so" && e.args.contains(&"minlen=14".to_string())));
    assert!(inv.pam["common-auth"]
        .iter()
        .any(|e| e.module == "pam_faillock.so"));
    assert!(inv.pam["sshd"]
        .iter()
        .any(|e| e.kind == "@include" && e.module == "common-auth"));
    for m in [
        "cramfs",
        "freevxfs",
        "jffs2",
        "hfs",
        "hfsplus",
        "udf",
        "usb_storage",
        "dccp",
        "sctp",
        "rds",
        "tipc",
    ] {
        assert!(
            inv.kernel_modules.disabled.contains(&m.to_string()),
            "{m} not disabled"
        );
    }
    assert!(inv.kernel_modules.loaded.is_none());
    let tmp = inv.mounts.iter().find(|m| m.mountpoint == "/tmp").unwrap();
    assert_eq!(tmp.source, "fstab");
    for o in ["nodev", "nosuid", "noexec"] {
        assert!(tmp.options.contains(&o.to_string()));
    }

    // Nothing unsafe
    assert!(
        inv.unsafe_files.world_writable.is_empty(),
        "{:?}",
        inv.unsafe_files
    );
    assert!(
        inv.unsafe_files.world_writable_dirs.is_empty(),
        "{:?}",
        inv.unsafe_files
    );
    if running_as_root() {
        assert!(
            inv.unsafe_files.ownerless.is_empty(),
            "{:?}",
            inv.unsafe_files.ownerless
        );
    }
    assert!(!inv.unsafe_files.truncated);

    // Scheduled
    assert!(inv
        .scheduled
        .iter()
        .any(|s| s.kind == "cron" && s.source == "/etc/crontab:19" && s.user == "root"));
    assert!(inv.scheduled.iter().any(
        |s| s.kind == "systemd-timer" && s.command == "/usr/lib/apt/apt.systemd.daily install"
    ));
    assert!(inv.scheduled.iter().any(|s| s.kind == "profile.d"));
    assert!(!inv.scheduled.iter().any(|s| s.kind == "rc.local"));
}

#[test]
fn debian_10_misconfigured() {
    let f = tk::debian_10_misconfigured();
    let mut req = CollectRequest::default();
    req.files.insert("/etc/shadow".into());
    req.config_files.insert("/etc/login.defs".into());
    let (host, inv) = collect_root(&f, &req);
    every_collector_noted(&inv);
    assert_eq!(host.os.version, "10");
    assert_eq!(host.os.codename, "buster");
    for p in ["telnetd", "vsftpd", "rsh-server"] {
        assert!(pkg(&inv, p).is_some(), "{p}");
    }
    assert_eq!(
        inv.kernel.as_ref().unwrap().installed,
        vec!["4.19.0-21-amd64", "4.19.0-26-amd64"]
    );
    assert!(inv.boot.reboot_required);
    // Accounts
    let empty: Vec<_> = inv
        .accounts
        .iter()
        .filter(|a| a.password == PasswordState::Empty)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(empty, vec!["guest"]);
    let uid0: Vec<_> = inv
        .accounts
        .iter()
        .filter(|a| a.uid == 0)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(uid0, vec!["root", "toor"]);
    assert_eq!(
        inv.accounts
            .iter()
            .find(|a| a.name == "toor")
            .unwrap()
            .hash_scheme,
        "des"
    );
    assert_eq!(
        inv.accounts
            .iter()
            .find(|a| a.name == "root")
            .unwrap()
            .hash_scheme,
        "md5crypt"
    );
    assert_eq!(
        inv.accounts
            .iter()
            .find(|a| a.name == "quantri")
            .unwrap()
            .max_days,
        Some(99999)
    );
    // sudo
    let q = inv
        .sudo
        .iter()
        .find(|r| r.principal == "quantri" && r.source.starts_with("/etc/sudoers.d/90-quantri"))
        .unwrap();
    assert!(q.nopasswd && q.all_commands);
    assert_eq!(q.source, "/etc/sudoers.d/90-quantri:2");
    let k = inv.sudo.iter().find(|r| r.principal == "ketoan").unwrap();
    assert!(k.nopasswd && !k.all_commands);
    // sshd (no Include on Debian 10)
    let ssh = inv.ssh.as_ref().unwrap();
    assert_eq!(ssh.get("permitrootlogin"), Some("yes"));
    assert_eq!(ssh.get("permitemptypasswords"), Some("yes"));
    assert_eq!(ssh.get("x11forwarding"), Some("yes"));
    assert!(ssh.settings["ciphers"].contains(&"3des-cbc".to_string()));
    assert!(ssh.settings["ciphers"].contains(&"aes128-ctr".to_string()));
    // Services
    assert_eq!(svc(&inv, "inetd"), Some(ServiceState::Enabled));
    assert_eq!(
        svc(&inv, "openbsd-inetd"),
        None.or(svc(&inv, "openbsd-inetd"))
    );
    assert_eq!(svc(&inv, "vsftpd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "systemd-timesyncd"), Some(ServiceState::Masked));
    // No firewall, no updates, no AV, no time sync
    assert!(!inv.firewall.active);
    assert!(inv.firewall.frontends.is_empty());
    assert_eq!(inv.updates.mechanism, "");
    assert!(!inv.updates.enabled);
    assert!(inv.antivirus.is_empty());
    assert!(!inv.time_sync.enabled);
    assert_eq!(inv.sysctl["net.ipv4.ip_forward"], "1");
    assert_eq!(inv.sysctl["kernel.randomize_va_space"], "0");
    assert_eq!(inv.files["/etc/shadow"].mode, 0o644);
    assert_eq!(inv.config["/etc/login.defs"]["PASS_MAX_DAYS"], "99999");
    assert!(inv.kernel_modules.disabled.iter().all(|m| m != "cramfs"));
    assert!(!inv.mounts.iter().any(|m| m.mountpoint == "/tmp"));
    // Unsafe files
    assert!(
        inv.unsafe_files
            .world_writable
            .contains(&"/etc/backup.sh".to_string()),
        "{:?}",
        inv.unsafe_files
    );
    assert!(inv
        .unsafe_files
        .world_writable
        .contains(&"/etc/passwd".to_string()));
    assert!(inv
        .unsafe_files
        .world_writable_dirs
        .contains(&"/etc/shared-config".to_string()));
    if running_as_root() {
        assert_eq!(
            inv.unsafe_files.ownerless,
            vec!["/usr/local/bin/update-helper"]
        );
    }
    // Scheduled persistence
    assert!(inv
        .scheduled
        .iter()
        .any(|s| s.kind == "rc.local" && s.command.contains("update-helper")));
    assert!(inv.scheduled.iter().any(|s| s.kind == "cron"
        && s.user == "www-data"
        && s.command.contains("/tmp/.x/kworker")));
    assert!(inv
        .scheduled
        .iter()
        .any(|s| s.source == "/etc/cron.d/backup:3"));
}

#[test]
fn ubuntu_24_04_clean() {
    let f = tk::ubuntu_24_04_clean();
    let (host, inv) = collect(&f);
    every_collector_noted(&inv);
    assert_eq!(host.os.name, "Ubuntu");
    assert_eq!(host.os.version, "24.04");
    assert_eq!(host.os.id_like, vec!["debian"]);
    assert_eq!(host.os.codename, "noble");
    assert_eq!(svc(&inv, "ssh.socket"), Some(ServiceState::Enabled));
    let ufw = inv
        .firewall
        .frontends
        .iter()
        .find(|f| f.name == "ufw")
        .unwrap();
    assert!(ufw.enabled);
    assert_eq!(ufw.default_input, "drop");
    assert_eq!(ufw.rules, 1);
    assert!(inv.firewall.active);
    assert!(inv.updates.enabled);
    assert_eq!(inv.time_sync.service, "chrony");
    assert!(inv.time_sync.enabled);
    assert_eq!(inv.ssh.as_ref().unwrap().get("permitrootlogin"), Some("no"));
    assert_eq!(pkg(&inv, "libssl3t64").unwrap().source_name, "openssl");
}

#[test]
fn ubuntu_18_04_misconfigured() {
    let f = tk::ubuntu_18_04_misconfigured();
    let (host, inv) = collect(&f);
    every_collector_noted(&inv);
    assert_eq!(host.os.version, "18.04");
    assert_eq!(host.os.codename, "bionic");
    let ufw = inv
        .firewall
        .frontends
        .iter()
        .find(|f| f.name == "ufw")
        .unwrap();
    assert!(!ufw.enabled);
    assert!(!inv.firewall.active);
    assert!(pkg(&inv, "telnetd").is_some());
    // timesyncd is installed with systemd but masked here.
    assert!(!inv.time_sync.enabled);
    assert_eq!(
        inv.ssh.as_ref().unwrap().get("permitrootlogin"),
        Some("yes")
    );
}

#[test]
fn rocky_9_clean() {
    let f = tk::rocky_9_clean();
    let (host, inv) = collect(&f);
    every_collector_noted(&inv);
    assert_eq!(host.os.name, "Rocky Linux");
    assert_eq!(host.os.version, "9.3");
    assert_eq!(host.os.id, "rocky");
    assert_eq!(host.os.id_like, vec!["rhel", "centos", "fedora"]);
    assert_eq!(host.architecture, "x86_64");
    assert_eq!(
        status(&inv, "packages.rpm"),
        CollectorStatus::Ok,
        "{:?}",
        inv.note("packages.rpm")
    );
    assert_eq!(status(&inv, "packages.dpkg"), CollectorStatus::Absent);
    let ssl = pkg(&inv, "openssl-libs").unwrap();
    assert_eq!(ssl.version, "1:3.0.7-25.el9_3");
    assert_eq!(ssl.source_name, "openssl");
    assert_eq!(ssl.source_version, "1:3.0.7-25.el9_3");
    assert_eq!(ssl.vendor, "Rocky Enterprise Software Foundation");
    assert_eq!(ssl.arch, "x86_64");
    assert!(pkg(&inv, "gpg-pubkey").is_none());
    assert_eq!(pkg(&inv, "clamav").unwrap().vendor, "Fedora Project");
    assert_eq!(
        inv.kernel.as_ref().unwrap().installed,
        vec!["5.14.0-362.24.1.el9_3.x86_64"]
    );
    assert_eq!(host.os.build, "5.14.0-362.24.1.el9_3.x86_64");
    let ssh = inv.ssh.as_ref().unwrap();
    assert_eq!(ssh.get("permitrootlogin"), Some("no"));
    // 10-hardening.conf sorts before 50-redhat.conf: its Ciphers win over the crypto policy.
    assert_eq!(
        ssh.origins["ciphers"],
        "/etc/ssh/sshd_config.d/10-hardening.conf:15"
    );
    assert_eq!(ssh.get("x11forwarding"), Some("no"));
    assert_eq!(ssh.get("usepam"), Some("yes"));
    assert_eq!(svc(&inv, "sshd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "clamd@scan"), Some(ServiceState::Enabled));
    let fw = inv
        .firewall
        .frontends
        .iter()
        .find(|f| f.name == "firewalld")
        .unwrap();
    assert!(fw.enabled);
    assert_eq!(fw.default_input, "reject");
    assert_eq!(fw.rules, 1);
    assert!(inv.firewall.active);
    assert_eq!(inv.updates.mechanism, "dnf-automatic");
    assert!(inv.updates.enabled);
    assert_eq!(inv.time_sync.service, "chrony");
    assert!(inv.time_sync.enabled);
    assert_eq!(
        inv.time_sync.servers,
        vec!["ntp.gov.vn", "2.rocky.pool.ntp.org"]
    );
    assert!(inv
        .sudo
        .iter()
        .any(|r| r.principal == "quantri" && r.source == "group:wheel" && r.all_commands));
    assert_eq!(
        inv.accounts
            .iter()
            .find(|a| a.name == "quantri")
            .unwrap()
            .hash_scheme,
        "sha512crypt"
    );
    assert!(inv.pam["system-auth"]
        .iter()
        .any(|e| e.module == "pam_faillock.so"));
    let clam = inv.antivirus.iter().find(|a| a.name == "ClamAV").unwrap();
    assert_eq!(
        clam.signature_date.as_deref(),
        Some(tk::CLEAN_SIGNATURE_DATE)
    );
    assert!(inv
        .scheduled
        .iter()
        .any(|s| s.kind == "systemd-timer" && s.command.contains("dnf-automatic")));
}

#[test]
fn centos_7_misconfigured() {
    let f = tk::centos_7_misconfigured();
    let (host, inv) = collect(&f);
    every_collector_noted(&inv);
    assert_eq!(host.os.name, "CentOS Linux");
    assert_eq!(host.os.version, "7");
    assert_eq!(host.os.id, "centos");
    let n = inv.note("packages.rpm").unwrap();
    assert_eq!(n.status, CollectorStatus::Error);
    assert!(
        n.reason
            .contains("rpmdb format bdb (Berkeley DB) not supported, only sqlite"),
        "{}",
        n.reason
    );
    assert!(n.reason.contains("/var/lib/rpm/Packages"));
    assert!(inv.packages.is_empty());
    // Kernels from /boot still known.
    assert_eq!(
        inv.kernel.as_ref().unwrap().installed,
        vec!["3.10.0-1160.el7.x86_64", "3.10.0-1160.119.1.el7.x86_64"]
    );
    assert_eq!(svc(&inv, "telnet.socket"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "vsftpd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "agent-x"), Some(ServiceState::Enabled));
    assert!(inv
        .scheduled
        .iter()
        .any(|s| s.kind == "init.d" && s.command == "/etc/rc.d/init.d/agent-x"));
    let ipt = inv
        .firewall
        .frontends
        .iter()
        .find(|f| f.name == "iptables")
        .unwrap();
    assert!(!ipt.enabled);
    assert_eq!(ipt.default_input, "accept");
    assert!(!inv.firewall.active);
    let ssh = inv.ssh.as_ref().unwrap();
    assert_eq!(ssh.get("permitrootlogin"), Some("yes"));
    assert_eq!(ssh.get("passwordauthentication"), Some("yes"));
    assert!(inv
        .sudo
        .iter()
        .any(|r| r.principal == "quantri" && r.nopasswd && r.all_commands));
}

#[test]
fn fixture_modifiers() {
    let f = tk::Fixture::debian("12")
        .sshd_config("PermitRootLogin yes\nMatch User x\nPermitRootLogin no\n")
        .package("telnetd", "0.17-41.2", "netkit-telnet")
        .service_enabled("inetd")
        .service_masked("cron")
        .account("kiemtra", 1005, 1005, "/bin/bash", tk::Password::Empty)
        .file("/etc/ww.conf", "x=1\n", 0o666)
        .symlink("/etc/link-out", "/../../../etc/shadow")
        .file("/var/run/reboot-required", "", 0o644);
    let (_, inv) = collect(&f);
    assert_eq!(
        inv.ssh.as_ref().unwrap().get("permitrootlogin"),
        Some("yes")
    );
    assert_eq!(pkg(&inv, "telnetd").unwrap().source_name, "netkit-telnet");
    assert_eq!(svc(&inv, "inetd"), Some(ServiceState::Enabled));
    assert_eq!(svc(&inv, "cron"), Some(ServiceState::Masked));
    assert_eq!(
        inv.accounts
            .iter()
            .find(|a| a.name == "kiemtra")
            .unwrap()
            .password,
        PasswordState::Empty
    );
    assert!(inv
        .unsafe_files
        .world_writable
        .contains(&"/etc/ww.conf".to_string()));
    assert!(inv.boot.reboot_required);
}

#[test]
fn fixture_rocky_with_extra_package() {
    let f = tk::Fixture::rocky("9").package("telnet-server", "1:0.17-85.el9", "telnet");
    let (_, inv) = collect(&f);
    let t = pkg(&inv, "telnet-server").unwrap();
    assert_eq!(t.version, "1:0.17-85.el9");
    assert_eq!(t.source_name, "telnet");
    let f = tk::Fixture::centos("7").rpmdb_format(tk::RpmDbFormat::Sqlite);
    let (_, inv) = collect(&f);
    assert_eq!(status(&inv, "packages.rpm"), CollectorStatus::Ok);
    assert!(pkg(&inv, "telnet-server").is_some());
    assert_eq!(
        inv.kernel.as_ref().unwrap().installed,
        vec!["3.10.0-1160.el7.x86_64", "3.10.0-1160.119.1.el7.x86_64"]
    );
}

#[test]
fn same_root_same_inventory() {
    let f = tk::debian_10_misconfigured();
    let a = serde_json::to_string(&collect(&f)).unwrap();
    let b = serde_json::to_string(&collect(&f)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn unusable_roots_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("nope");
    let e = collect_linux(&Source::Root(missing.clone()), &CollectRequest::default()).unwrap_err();
    assert!(matches!(e, CollectError::RootMissing(_)));
    assert!(e.to_string().contains("does not exist"));
    let file = d.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let e = collect_linux(&Source::Root(file), &CollectRequest::default()).unwrap_err();
    assert!(matches!(e, CollectError::NotADirectory(_)), "{e}");
    let e = collect_linux(&Source::Root(d.path().into()), &CollectRequest::default()).unwrap_err();
    assert!(matches!(e, CollectError::NotLinux(_)), "{e}");
    assert_eq!(
        detect_family(&Source::Root(d.path().into())),
        OsFamily::Unknown
    );
    std::fs::create_dir_all(d.path().join("WINDOWS/system32/Config")).unwrap();
    assert_eq!(
        detect_family(&Source::Root(d.path().into())),
        OsFamily::Windows
    );
    let e = collect_linux(&Source::Root(d.path().into()), &CollectRequest::default()).unwrap_err();
    assert!(matches!(e, CollectError::IsWindows(_)), "{e}");
}

#[test]
fn network_and_install_date_from_a_mounted_disk() {
    use antoan_model::InterfaceKind;
    // A Debian desk computer with a gateway and a saved Wi-Fi network.
    let f = tk::debian_12_clean()
        .installed_on("2023-06-10")
        .static_network("enp3s0", "192.168.1.20/24", "192.168.1.1")
        .wifi_profile("Phòng Kế toán");
    let (_, inv) = collect(&f);
    every_collector_noted(&inv);
    let net = inv.network.as_ref().unwrap();
    assert!(!net.live);
    let n = inv.note("network").unwrap();
    assert_eq!(n.status, CollectorStatus::Ok);
    assert!(n.reason.contains("live interface state"), "{n:?}");
    let e = net.interfaces.iter().find(|i| i.name == "enp3s0").unwrap();
    assert_eq!((e.kind, e.up), (InterfaceKind::Ethernet, true));
    assert_eq!(e.addresses, vec!["192.168.1.20/24"]);
    assert_eq!(net.routes[0].gateway.as_deref(), Some("192.168.1.1"));
    assert_eq!(status(&inv, "network.wifi"), CollectorStatus::Ok);
    assert_eq!(net.wifi_profiles.len(), 1);
    assert_eq!(net.wifi_profiles[0].ssid, "Phòng Kế toán");
    let json = serde_json::to_string(&inv).unwrap();
    assert!(
        !json.contains("wifi-"),
        "a passphrase reached the inventory"
    );
    let install = inv.os_install.as_ref().unwrap();
    assert_eq!(
        (install.date.as_str(), install.source.as_str()),
        ("2023-06-10", "/var/log/installer/syslog")
    );

    // A Rocky stand-alone host: loopback only, no Wi-Fi, installed by Anaconda.
    let f = tk::rocky_9_clean()
        .loopback_only()
        .installed_on("2024-02-01");
    let (_, inv) = collect(&f);
    let net = inv.network.as_ref().unwrap();
    assert!(
        net.interfaces
            .iter()
            .all(|i| i.kind == InterfaceKind::Loopback),
        "{net:?}"
    );
    assert!(net.routes.is_empty() && net.wifi_profiles.is_empty());
    assert_eq!(
        inv.os_install.as_ref().unwrap().source,
        "/root/anaconda-ks.cfg"
    );

    // No network configuration at all: unknown, not "loopback only".
    let (_, inv) = collect(&tk::debian_12_clean());
    assert_eq!(status(&inv, "network"), CollectorStatus::Absent);
    assert!(inv.network.is_none());

    // NetworkManager enabled with no profile: any wired adapter comes up by DHCP.
    let (_, inv) = collect(&tk::debian_12_clean().service_enabled("NetworkManager"));
    assert_eq!(status(&inv, "network"), CollectorStatus::Ok);
    let nm = &inv.network.as_ref().unwrap().interfaces;
    assert!(nm.iter().any(|i| i.dhcp && i.up && i.name.contains("NetworkManager")), "{nm:?}");

    // No installer trace and a copied (not mounted) root: no date, said so.
    let (_, inv) = collect(&tk::ubuntu_24_04_clean());
    assert!(inv.os_install.is_none());
    assert_eq!(status(&inv, "os-install"), CollectorStatus::Absent);
}

#[test]
fn hostile_network_configuration_is_noted_not_fatal() {
    let f = tk::debian_12_clean()
        .file(
            "/etc/netplan/01-bad.yaml",
            b"network:\n  ethernets: [\x00\xff",
            0o644,
        )
        .file("/etc/network/interfaces", b"\x00\x01\x02iface\n", 0o644)
        .file(
            "/etc/NetworkManager/system-connections/x.nmconnection",
            b"\xff\xfe[connection]\ntype=wifi\n",
            0o600,
        );
    let (_, inv) = collect(&f);
    let n = inv.note("network").unwrap();
    assert_eq!(n.status, CollectorStatus::Error, "{n:?}");
    assert!(n.reason.contains("/etc/netplan/01-bad.yaml"), "{n:?}");
}
