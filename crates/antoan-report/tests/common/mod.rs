//! A realistic report of a Debian 10 document-management server, built by
//! hand: findings of every severity, an end-of-life verdict, not-assessed
//! checks, Vietnamese text. No secret appears anywhere in it.

#![allow(dead_code)]

use std::collections::BTreeMap;

use antoan_model::*;

pub const HOST_KEY: &str = "machine:0123456789abcdef0123456789abcdef";

pub struct F {
    pub check: &'static str,
    pub kind: FindingKind,
    pub severity: Severity,
    pub subject: &'static str,
    pub title: (&'static str, &'static str),
    pub remediation: (&'static str, &'static str),
    pub evidence: &'static [(&'static str, &'static str)],
    pub controls: &'static [&'static str],
}

pub fn finding(f: F) -> Finding {
    Finding {
        id: Finding::stable_id(HOST_KEY, f.check, f.subject),
        check: f.check.into(),
        kind: f.kind,
        severity: f.severity,
        status: FindingStatus::Open,
        subject: f.subject.into(),
        title: Text::new(f.title.0, f.title.1),
        remediation: Text::new(f.remediation.0, f.remediation.1),
        evidence: f
            .evidence
            .iter()
            .map(|(s, o)| Evidence::new(*s, *o))
            .collect(),
        controls: f.controls.iter().map(|c| c.to_string()).collect(),
        reason: None,
        attributes: BTreeMap::new(),
        references: Vec::new(),
    }
}

pub fn check(id: &str, outcome: CheckOutcome, severity: Severity, category: &str) -> CheckResult {
    CheckResult {
        check: id.into(),
        outcome,
        severity,
        category: category.into(),
    }
}

fn account(name: &str, uid: u32, shell: &str, password: PasswordState, system: bool) -> Account {
    Account {
        name: name.into(),
        uid,
        gid: uid,
        home: if uid == 0 {
            "/root".into()
        } else {
            format!("/home/{name}")
        },
        shell: shell.into(),
        interactive: !shell.ends_with("nologin") && !shell.ends_with("false"),
        password,
        hash_scheme: if password == PasswordState::Set {
            "sha512crypt".into()
        } else {
            String::new()
        },
        last_change_days: Some(19_000),
        max_days: Some(99_999),
        min_days: Some(0),
        warn_days: Some(7),
        inactive_days: None,
        expire_days: None,
        groups: Vec::new(),
        system,
    }
}

fn pkg(name: &str, version: &str) -> Package {
    Package {
        name: name.into(),
        version: version.into(),
        arch: "amd64".into(),
        source_name: String::new(),
        source_version: String::new(),
        manager: PackageManager::Dpkg,
        vendor: String::new(),
    }
}

pub fn findings() -> Vec<Finding> {
    let mut eol = finding(F {
        check: "os.eol",
        kind: FindingKind::Eol,
        severity: Severity::Critical,
        subject: "Debian GNU/Linux 10",
        title: (
            "Hệ điều hành Debian GNU/Linux 10 đã hết hỗ trợ từ ngày 30/06/2024",
            "Debian GNU/Linux 10 reached end of life on 2024-06-30",
        ),
        remediation: (
            "Nâng cấp lên Debian 12 (bookworm) hoặc mới hơn; trong thời gian chờ nâng cấp, tách máy khỏi Internet và hạn chế truy cập vào các dịch vụ của máy.",
            "Upgrade to Debian 12 (bookworm) or later; until then, keep the host off the Internet and restrict access to its services.",
        ),
        evidence: &[("/etc/os-release", "VERSION_ID=\"10\"\nVERSION_CODENAME=buster"), ("/etc/debian_version", "10.13")],
        controls: &["M5.1", "T2.3"],
    });
    eol.attributes.insert("cycle".into(), "10".into());
    eol.attributes
        .insert("eol_date".into(), "2024-06-30".into());
    eol.references.push("https://endoflife.date/debian".into());

    let mut na = finding(F {
        check: "av.signatures-current",
        kind: FindingKind::Malware,
        severity: Severity::High,
        subject: "ClamAV",
        title: (
            "Mẫu nhận diện mã độc còn mới",
            "Malware signatures are current",
        ),
        remediation: (
            "Cấp quyền đọc /var/lib/clamav cho người chạy kiểm tra rồi chạy lại.",
            "Let the auditing user read /var/lib/clamav and run the audit again.",
        ),
        evidence: &[],
        controls: &["T2.4"],
    });
    na.status = FindingStatus::NotAssessed;
    na.reason = Some(Text::new(
        "không đọc được /var/lib/clamav/daily.cld: không có quyền truy cập",
        "could not read /var/lib/clamav/daily.cld: permission denied",
    ));

    let mut v = vec![
        eol,
        finding(F {
            check: "accounts.empty-password",
            kind: FindingKind::Account,
            severity: Severity::Critical,
            subject: "ketoan",
            title: ("Tài khoản ketoan đăng nhập được mà không cần mật khẩu", "Account ketoan can log in without a password"),
            remediation: (
                "Đặt mật khẩu mạnh cho tài khoản (passwd ketoan) hoặc khoá tài khoản nếu không còn dùng (usermod -L ketoan).",
                "Set a strong password (passwd ketoan), or lock the account if it is no longer used (usermod -L ketoan).",
            ),
            evidence: &[("/etc/shadow:27", "password field is empty")],
            controls: &["T3.1", "T3.2"],
        }),
        finding(F {
            check: "ssh.permit-root-login",
            kind: FindingKind::Config,
            severity: Severity::High,
            subject: "sshd PermitRootLogin",
            title: ("SSH cho phép đăng nhập trực tiếp bằng root", "SSH allows direct root login"),
            remediation: (
                "Đặt \"PermitRootLogin no\" trong /etc/ssh/sshd_config rồi khởi động lại dịch vụ ssh; quản trị bằng tài khoản riêng và sudo.",
                "Set \"PermitRootLogin no\" in /etc/ssh/sshd_config and restart ssh; administer through personal accounts and sudo.",
            ),
            evidence: &[("/etc/ssh/sshd_config:32", "PermitRootLogin yes")],
            controls: &["T2.1", "T3.6"],
        }),
        finding(F {
            check: "firewall.inbound",
            kind: FindingKind::Config,
            severity: Severity::High,
            subject: "firewall",
            title: ("Không có tường lửa lọc kết nối vào máy", "No firewall filters inbound connections"),
            remediation: (
                "Bật tường lửa của máy (nftables hoặc ufw) với chính sách mặc định chặn kết nối vào, chỉ mở các cổng dịch vụ cần thiết.",
                "Enable a host firewall (nftables or ufw) with a default-deny inbound policy and open only the service ports needed.",
            ),
            evidence: &[("/etc/nftables.conf", "no filter rule; nftables.service disabled")],
            controls: &["T1.2"],
        }),
        finding(F {
            check: "services.telnet",
            kind: FindingKind::Exposure,
            severity: Severity::High,
            subject: "0.0.0.0:23",
            title: ("Dịch vụ Telnet (không mã hoá) đang mở", "Telnet (unencrypted) is listening"),
            remediation: (
                "Gỡ bỏ telnetd (`apt purge telnetd`) và dùng SSH thay thế.",
                "Remove telnetd (`apt purge telnetd`) and use SSH instead.",
            ),
            evidence: &[("ss -ltn", "LISTEN 0 128 0.0.0.0:23 users:((\"inetd\",pid=611))")],
            controls: &["T2.2"],
        }),
        finding(F {
            check: "accounts.password-max-days",
            kind: FindingKind::Config,
            severity: Severity::Medium,
            subject: "/etc/login.defs PASS_MAX_DAYS",
            title: ("Mật khẩu không bao giờ hết hạn", "Passwords never expire"),
            remediation: (
                "Đặt PASS_MAX_DAYS 90 trong /etc/login.defs và áp dụng cho tài khoản hiện có bằng chage -M 90 <tài khoản>.",
                "Set PASS_MAX_DAYS 90 in /etc/login.defs and apply it to existing accounts with chage -M 90 <account>.",
            ),
            evidence: &[("/etc/login.defs:160", "PASS_MAX_DAYS 99999")],
            controls: &["T3.2"],
        }),
        finding(F {
            check: "updates.automatic",
            kind: FindingKind::Config,
            severity: Severity::Medium,
            subject: "unattended-upgrades",
            title: ("Không tự động cài bản vá bảo mật", "Security updates are not installed automatically"),
            remediation: (
                "Cài và bật unattended-upgrades (apt install unattended-upgrades; dpkg-reconfigure -plow unattended-upgrades), hoặc lập lịch vá hằng tháng.",
                "Install and enable unattended-upgrades (apt install unattended-upgrades; dpkg-reconfigure -plow unattended-upgrades), or schedule monthly patching.",
            ),
            evidence: &[("/etc/apt/apt.conf.d", "no APT::Periodic::Unattended-Upgrade \"1\"")],
            controls: &["T2.3"],
        }),
        finding(F {
            check: "sysctl.dmesg-restrict",
            kind: FindingKind::Config,
            severity: Severity::Low,
            subject: "kernel.dmesg_restrict",
            title: ("Người dùng thường đọc được nhật ký nhân (dmesg)", "Unprivileged users can read the kernel log (dmesg)"),
            remediation: (
                "Thêm \"kernel.dmesg_restrict = 1\" vào /etc/sysctl.d/60-antoan.conf rồi chạy sysctl --system.",
                "Add \"kernel.dmesg_restrict = 1\" to /etc/sysctl.d/60-antoan.conf and run sysctl --system.",
            ),
            evidence: &[("/proc/sys/kernel/dmesg_restrict", "0")],
            controls: &["T2.1"],
        }),
        finding(F {
            check: "boot.reboot-required",
            kind: FindingKind::Process,
            severity: Severity::Info,
            subject: "kernel 4.19.0-27-amd64",
            title: ("Đã cài nhân mới nhưng máy chưa khởi động lại", "A newer kernel is installed but the host has not been rebooted"),
            remediation: (
                "Khởi động lại máy trong khung giờ bảo trì để dùng nhân đã vá.",
                "Reboot in a maintenance window to run the patched kernel.",
            ),
            evidence: &[("/var/run/reboot-required", "exists")],
            controls: &["T2.3"],
        }),
        na,
    ];
    // The order the audit pipeline uses: most severe first, then status, check, subject.
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.status.cmp(&b.status))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    v
}

pub fn checks() -> Vec<CheckResult> {
    use CheckOutcome::*;
    let mut c = vec![
        check(
            "accounts.empty-password",
            Fail,
            Severity::Critical,
            "accounts",
        ),
        check(
            "accounts.password-max-days",
            Fail,
            Severity::Medium,
            "accounts",
        ),
        check(
            "accounts.uid0-only-root",
            Pass,
            Severity::Critical,
            "accounts",
        ),
        check("av.installed", Pass, Severity::High, "antivirus"),
        check(
            "av.signatures-current",
            NotAssessed,
            Severity::High,
            "antivirus",
        ),
        check("boot.reboot-required", Fail, Severity::Info, "patching"),
        check("files.shadow-permissions", Pass, Severity::High, "files"),
        check("firewall.inbound", Fail, Severity::High, "firewall"),
        check(
            "net.listening-review",
            NotAssessed,
            Severity::Low,
            "network",
        ),
        check("os.eol", Fail, Severity::Critical, "lifecycle"),
        check("rpm.gpgcheck", NotApplicable, Severity::High, "packages"),
        check("services.telnet", Fail, Severity::High, "services"),
        check("ssh.empty-passwords", Pass, Severity::Critical, "ssh"),
        check("ssh.permit-root-login", Fail, Severity::High, "ssh"),
        check("ssh.protocol", Pass, Severity::High, "ssh"),
        check("sysctl.dmesg-restrict", Fail, Severity::Low, "kernel"),
        check("sysctl.syncookies", Pass, Severity::Medium, "kernel"),
        check("time.sync", Pass, Severity::Medium, "logging"),
        check("updates.automatic", Fail, Severity::Medium, "patching"),
    ];
    c.sort_by(|a, b| a.check.cmp(&b.check));
    c
}

pub fn inventory() -> Inventory {
    let mut inv = Inventory {
        kernel: Some(KernelInfo {
            running: "4.19.0-26-amd64".into(),
            installed: vec!["4.19.0-26-amd64".into(), "4.19.0-27-amd64".into()],
        }),
        packages: vec![
            pkg("apache2", "2.4.38-3+deb10u10"),
            pkg("base-files", "10.3+deb10u13"),
            pkg("clamav", "0.103.10+dfsg-0+deb10u1"),
            pkg("libc6", "2.28-10+deb10u2"),
            pkg("linux-image-4.19.0-26-amd64", "4.19.304-1"),
            pkg("linux-image-4.19.0-27-amd64", "4.19.316-1"),
            pkg("openssh-server", "1:7.9p1-10+deb10u4"),
            pkg("openssl", "1.1.1n-0+deb10u6"),
            pkg("postgresql-11", "11.22-0+deb10u2"),
            pkg("telnetd", "0.17-41.2"),
        ],
        accounts: vec![
            account("root", 0, "/bin/bash", PasswordState::Set, true),
            account(
                "daemon",
                1,
                "/usr/sbin/nologin",
                PasswordState::Locked,
                true,
            ),
            account(
                "www-data",
                33,
                "/usr/sbin/nologin",
                PasswordState::Locked,
                true,
            ),
            account("postgres", 108, "/bin/bash", PasswordState::Locked, true),
            account("quantri", 1000, "/bin/bash", PasswordState::Set, false),
            account("ketoan", 1001, "/bin/bash", PasswordState::Empty, false),
        ],
        groups: vec![Group {
            name: "sudo".into(),
            gid: 27,
            members: vec!["quantri".into()],
        }],
        sudo: vec![SudoRule {
            principal: "%sudo".into(),
            source: "/etc/sudoers:20".into(),
            nopasswd: false,
            all_commands: true,
        }],
        ssh: None,
        services: vec![
            Service {
                name: "apache2".into(),
                state: ServiceState::Enabled,
                unit_file: "/lib/systemd/system/apache2.service".into(),
            },
            Service {
                name: "clamav-freshclam".into(),
                state: ServiceState::Enabled,
                unit_file: String::new(),
            },
            Service {
                name: "inetd".into(),
                state: ServiceState::Enabled,
                unit_file: String::new(),
            },
            Service {
                name: "nftables".into(),
                state: ServiceState::Disabled,
                unit_file: String::new(),
            },
            Service {
                name: "postgresql".into(),
                state: ServiceState::Enabled,
                unit_file: String::new(),
            },
            Service {
                name: "ssh".into(),
                state: ServiceState::Enabled,
                unit_file: String::new(),
            },
            Service {
                name: "systemd-timesyncd".into(),
                state: ServiceState::Enabled,
                unit_file: String::new(),
            },
        ],
        listening: Some(vec![
            Socket {
                proto: "tcp".into(),
                address: "0.0.0.0".into(),
                port: 22,
                process: "sshd".into(),
            },
            Socket {
                proto: "tcp".into(),
                address: "0.0.0.0".into(),
                port: 23,
                process: "inetd".into(),
            },
            Socket {
                proto: "tcp6".into(),
                address: "::".into(),
                port: 80,
                process: "apache2".into(),
            },
            Socket {
                proto: "tcp".into(),
                address: "127.0.0.1".into(),
                port: 5432,
                process: "postgres".into(),
            },
        ]),
        firewall: Firewall {
            active: false,
            frontends: vec![FirewallFrontend {
                name: "nftables".into(),
                enabled: false,
                rules: 0,
                default_input: "accept".into(),
                source: "/etc/nftables.conf".into(),
            }],
        },
        updates: AutoUpdates {
            mechanism: String::new(),
            enabled: false,
            source: String::new(),
        },
        antivirus: vec![Antivirus {
            name: "ClamAV".into(),
            source: "clamav-daemon".into(),
            realtime: Some(false),
            signature_date: None,
        }],
        time_sync: TimeSync {
            service: "systemd-timesyncd".into(),
            enabled: true,
            servers: vec!["ntp.soyte.example.vn".into()],
        },
        ..Inventory::default()
    };
    inv.boot.reboot_required = true;
    inv.collection = vec![
        CollectorNote {
            collector: "accounts".into(),
            status: CollectorStatus::Ok,
            reason: String::new(),
        },
        CollectorNote {
            collector: "antivirus".into(),
            status: CollectorStatus::Error,
            reason: "/var/lib/clamav/daily.cld: permission denied".into(),
        },
        CollectorNote {
            collector: "packages.dpkg".into(),
            status: CollectorStatus::Ok,
            reason: String::new(),
        },
        CollectorNote {
            collector: "packages.rpm".into(),
            status: CollectorStatus::Absent,
            reason: String::new(),
        },
    ];
    inv
}

pub fn host() -> HostInfo {
    HostInfo {
        hostname: "mc-vanban01.soyte.example.vn".into(),
        os: OsInfo {
            family: OsFamily::Linux,
            name: "Debian GNU/Linux".into(),
            version: "10".into(),
            build: "4.19.0-26-amd64".into(),
            edition: String::new(),
            id: "debian".into(),
            id_like: Vec::new(),
            codename: "buster".into(),
        },
        architecture: "x86_64".into(),
        machine_id: "0123456789abcdef0123456789abcdef".into(),
        source: "live".into(),
    }
}

/// The sample report, with summary and score computed by this crate.
pub fn report() -> Report {
    let findings = findings();
    let checks = checks();
    Report {
        schema_version: SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-09-01T08:00:00Z".into(),
        host: host(),
        inventory: inventory(),
        summary: antoan_report::summarize(&checks, &findings),
        score: antoan_report::score(&checks, &findings),
        findings,
        checks,
        knowledge: vec![
            KnowledgeSource {
                name: "endoflife.date/debian".into(),
                version: "a70eca33".into(),
                date: "2026-08-22".into(),
                sha256: "0123456789abcdef".repeat(4),
            },
            KnowledgeSource {
                name: "endoflife.date/windows".into(),
                version: "a70eca33".into(),
                date: "2026-08-22".into(),
                sha256: String::new(),
            },
            KnowledgeSource {
                name: "distro-info-data".into(),
                version: "0.66".into(),
                date: "2026-08-01".into(),
                sha256: String::new(),
            },
        ],
    }
}

/// A Windows Server 2012 R2 domain controller with every field of the
/// Windows inventory set (no `..Default::default()`: a field added to the
/// model must be added here). No secret appears in it: the auto-logon
/// password is recorded the way the collector records it, as its length.
pub fn windows_inventory() -> WindowsInventory {
    let mut account_policy = BTreeMap::new();
    account_policy.insert("MinimumPasswordLength".to_string(), "7".to_string());
    account_policy.insert("LockoutBadCount".to_string(), "0".to_string());
    let mut account_policy_sources = BTreeMap::new();
    account_policy_sources.insert(
        "MinimumPasswordLength".to_string(),
        "secedit.inf:4".to_string(),
    );
    account_policy_sources.insert(
        "LockoutBadCount".to_string(),
        "HKLM\\SAM\\SAM\\Domains\\Account (F)".to_string(),
    );
    let mut registry = BTreeMap::new();
    registry.insert(
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel".to_string(),
        "3".to_string(),
    );
    registry.insert(
        "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\DefaultPassword"
            .to_string(),
        "(set)".to_string(),
    );
    WindowsInventory {
        product_name: "Windows Server 2012 R2 Standard".into(),
        edition_id: "ServerStandard".into(),
        installation_type: "Server".into(),
        display_version: String::new(),
        current_version: "6.3".into(),
        build: 9600,
        ubr: Some(20_144),
        service_pack: "Service Pack 1".into(),
        install_date: Some("2014-03-05".into()),
        architecture: "x64".into(),
        role: WindowsRole::DomainController,
        product_type: "LanmanNT".into(),
        domain: "sotnmt.tinh.gov.vn".into(),
        programs: vec![WindowsProgram {
            name: "Microsoft SQL Server 2008 R2 (64-bit)".into(),
            version: "10.53.6000.34".into(),
            publisher: "Microsoft Corporation".into(),
            scope: "machine".into(),
            key: "Microsoft SQL Server 10_50".into(),
            install_date: "20140305".into(),
        }],
        office: vec![OfficeInstall {
            kind: "c2r".into(),
            release: "365".into(),
            version: "16.0.17928.20114".into(),
            channel: "monthly-enterprise".into(),
            product_ids: vec!["O365ProPlusRetail".into()],
            platform: "x64".into(),
        }],
        updates: vec!["KB2919355".into(), "KB5034171".into()],
        sql_instances: vec![SqlInstance {
            name: "MSSQLSERVER".into(),
            version: "10.53.6000.34".into(),
            patch_level: "10.53.6000.34".into(),
            edition: "Standard Edition".into(),
            service_pack: Some(3),
        }],
        exchange: Some("15.1.2507.6".into()),
        iis: Some("8.5".into()),
        internet_explorer: Some("11.0.9600.20671".into()),
        dotnet: Some(DotNet {
            release: 528_049,
            version: "4.8".into(),
        }),
        services: vec![WindowsService {
            name: "MSSQLSERVER".into(),
            display_name: "SQL Server (MSSQLSERVER)".into(),
            start: "auto".into(),
            image_path: "\"C:\\Program Files\\Microsoft SQL Server\\sqlservr.exe\" -sMSSQLSERVER"
                .into(),
            account: "NT AUTHORITY\\NetworkService".into(),
        }],
        accounts: vec![WindowsAccount {
            name: "Administrator".into(),
            rid: 500,
            full_name: "Quản trị viên".into(),
            enabled: true,
            password_never_expires: true,
            password_not_required: false,
            password_blank: Some(false),
            locked: false,
            last_logon: Some("2026-11-23".into()),
            password_last_set: Some("2014-03-05".into()),
            logon_count: 1_204,
            groups: vec!["Administrators".into()],
        }],
        groups: vec![WindowsGroup {
            name: "Administrators".into(),
            rid: 544,
            members: vec!["Administrator".into(), "S-1-5-21-1-2-3-512".into()],
        }],
        autoruns: vec![Autorun {
            kind: "run".into(),
            location: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run".into(),
            name: "Updater".into(),
            command: "C:\\ProgramData\\upd\\upd.exe /silent".into(),
            author: "PC01\\ketoan".into(),
            run_as: "S-1-5-18".into(),
        }],
        account_policy,
        account_policy_sources,
        registry,
        user_hives: vec!["ketoan".into()],
    }
}
