//! Each probe, evaluated against inventories built by hand: fail, pass,
//! not-assessed (collector missing or failed), not-applicable.

use antoan_check::{evaluate, evaluate_with, EvalOptions, Evaluation, Policy};
use antoan_model::*;

fn host() -> HostInfo {
    HostInfo {
        hostname: "srv01".into(),
        os: OsInfo {
            family: OsFamily::Linux,
            name: "Debian GNU/Linux".into(),
            version: "12".into(),
            ..Default::default()
        },
        machine_id: "0123456789abcdef".into(),
        source: "live".into(),
        ..Default::default()
    }
}

/// An inventory whose collectors all ran fine.
fn inv() -> Inventory {
    let names = [
        "sshd",
        "packages.dpkg",
        "services",
        "sysctl",
        "files",
        "config",
        "accounts",
        "sudo",
        "pam",
        "kernel-modules",
        "mounts",
        "firewall",
        "updates",
        "antivirus",
        "time-sync",
        "unsafe-files",
        "listening",
        "boot",
        "scheduled",
    ];
    Inventory {
        collection: names
            .iter()
            .map(|n| CollectorNote {
                collector: n.to_string(),
                status: CollectorStatus::Ok,
                reason: String::new(),
            })
            .collect(),
        ..Default::default()
    }
}

fn set_note(inv: &mut Inventory, collector: &str, status: CollectorStatus, reason: &str) {
    inv.collection.retain(|n| n.collector != collector);
    inv.collection.push(CollectorNote {
        collector: collector.into(),
        status,
        reason: reason.into(),
    });
}

fn policy_with(fail_when: &str, applies_when: Option<&str>) -> Policy {
    let applies = applies_when
        .map(|a| format!("applies_when = {a}\n"))
        .unwrap_or_default();
    let text = format!(
        r#"[policy]
id = "test"
name = {{ vi = "Thử", en = "Test" }}
version = "1"
os_family = "linux"

[[check]]
id = "TST-001"
category = "ssh"
kind = "config"
severity = "high"
title = {{ vi = "Tiêu đề", en = "Title" }}
remediation = {{ vi = "Khắc phục", en = "Fix it" }}
controls = ["T2.1"]
{applies}fail_when = {fail_when}
"#
    );
    match Policy::parse(&text, "test.toml") {
        Ok(p) => p,
        Err(e) => panic!("{e}\n{text}"),
    }
}

fn run(inv: &Inventory, fail_when: &str) -> Evaluation {
    evaluate(&host(), inv, &[policy_with(fail_when, None)])
}

fn outcome(e: &Evaluation) -> CheckOutcome {
    assert_eq!(e.checks.len(), 1);
    e.checks[0].outcome
}

#[track_caller]
fn assert_fail(e: &Evaluation) -> &Finding {
    assert_eq!(outcome(e), CheckOutcome::Fail, "{e:#?}");
    assert!(!e.findings.is_empty());
    assert!(e.findings.iter().all(|f| f.status == FindingStatus::Open));
    &e.findings[0]
}

#[track_caller]
fn assert_pass(e: &Evaluation) {
    assert_eq!(outcome(e), CheckOutcome::Pass, "{e:#?}");
    assert!(e.findings.is_empty());
}

#[track_caller]
fn assert_not_assessed<'a>(e: &'a Evaluation, mentions: &str) -> &'a Finding {
    assert_eq!(outcome(e), CheckOutcome::NotAssessed, "{e:#?}");
    assert_eq!(e.findings.len(), 1);
    let f = &e.findings[0];
    assert_eq!(f.status, FindingStatus::NotAssessed);
    let r = f.reason.as_ref().expect("reason");
    assert!(
        r.en.contains(mentions),
        "reason {:?} should mention {mentions}",
        r.en
    );
    assert!(!r.vi.is_empty());
    f
}

fn sshd(settings: &[(&str, &str)]) -> SshdConfig {
    SshdConfig {
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect(),
        origins: settings
            .iter()
            .map(|(k, _)| (k.to_string(), "/etc/ssh/sshd_config:12".to_string()))
            .collect(),
        installed: true,
    }
}

// --------------------------------------------------------------------- sshd

#[test]
fn sshd_option_fail_pass_default_and_origin() {
    let cond = r#"{ sshd = { option = "PermitRootLogin", in = ["yes", "without-password"], default = "prohibit-password" } }"#;
    let mut i = inv();
    i.ssh = Some(sshd(&[("permitrootlogin", "yes")]));
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "sshd:PermitRootLogin");
    assert_eq!(f.evidence[0].source, "/etc/ssh/sshd_config:12");
    assert_eq!(f.evidence[0].observed, "PermitRootLogin = yes");
    assert_eq!(
        f.id,
        Finding::stable_id(&host().identity_key(), "TST-001", "sshd:PermitRootLogin")
    );
    assert_eq!(f.controls, vec!["T2.1"]);

    i.ssh = Some(sshd(&[("permitrootlogin", "no")]));
    assert_pass(&run(&i, cond));

    // Not set: the default applies.
    i.ssh = Some(sshd(&[]));
    assert_pass(&run(&i, cond));
}

#[test]
fn sshd_not_assessed_and_not_applicable() {
    let cond = r#"{ sshd = { option = "PermitRootLogin", eq = "yes" } }"#;
    let mut i = inv();
    set_note(
        &mut i,
        "sshd",
        CollectorStatus::Error,
        "/etc/ssh/sshd_config: permission denied",
    );
    let e = run(&i, cond);
    let f = assert_not_assessed(&e, "permission denied");
    assert!(f.reason.as_ref().unwrap().en.contains("sshd"));
    assert_eq!(f.subject, "sshd:PermitRootLogin");

    // Setting missing and no default in the policy: not assessed, never a pass.
    let mut i = inv();
    i.ssh = Some(sshd(&[]));
    assert_not_assessed(&run(&i, cond), "no default");

    // sshd absent: applies_when makes it not applicable.
    let mut i = inv();
    set_note(&mut i, "sshd", CollectorStatus::Absent, "");
    let p = policy_with(cond, Some("{ sshd = { installed = true } }"));
    let e = evaluate(&host(), &i, &[p]);
    assert_eq!(outcome(&e), CheckOutcome::NotApplicable);
    assert!(e.findings.is_empty());
}

#[test]
fn sshd_numbers_time_units_and_lists() {
    let mut i = inv();
    i.ssh = Some(sshd(&[
        ("logingracetime", "2m"),
        ("maxauthtries", "3"),
        ("ciphers", "aes256-gcm@openssh.com,aes128-cbc"),
    ]));
    assert_fail(&run(
        &i,
        r#"{ sshd = { option = "LoginGraceTime", gt = 60 } }"#,
    ));
    assert_pass(&run(
        &i,
        r#"{ sshd = { option = "MaxAuthTries", gt = 4 } }"#,
    ));
    let e = run(
        &i,
        r#"{ sshd = { option = "Ciphers", contains_any = ["*-cbc", "3des*"], missing = false } }"#,
    );
    assert!(assert_fail(&e).evidence[0]
        .observed
        .contains("includes aes128-cbc"));
    i.ssh = Some(sshd(&[("ciphers", "aes256-gcm@openssh.com")]));
    assert_pass(&run(
        &i,
        r#"{ sshd = { option = "Ciphers", contains_any = ["*-cbc"], missing = false } }"#,
    ));
    i.ssh = Some(sshd(&[("maxauthtries", "lots")]));
    assert_not_assessed(
        &run(&i, r#"{ sshd = { option = "MaxAuthTries", gt = 4 } }"#),
        "not a number",
    );
}

// ------------------------------------------------------------------ package

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

#[test]
fn package_probe() {
    let cond = r#"{ package = { installed = ["telnetd", "inetutils-telnetd"] } }"#;
    let mut i = inv();
    i.packages = vec![pkg("bash", "5.2"), pkg("inetutils-telnetd", "2:2.4-2")];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "inetutils-telnetd");
    assert_eq!(
        f.evidence[0].observed,
        "inetutils-telnetd 2:2.4-2 is installed"
    );
    assert_eq!(f.evidence[0].source, "packages (dpkg)");

    i.packages = vec![pkg("bash", "5.2")];
    assert_pass(&run(&i, cond));
    // Globs
    assert_fail(&run(&i, r#"{ package = { installed = "ba*" } }"#));

    // No package database at all: unknown, not "not installed".
    let mut i = inv();
    set_note(&mut i, "packages.dpkg", CollectorStatus::Absent, "");
    assert_not_assessed(&run(&i, cond), "packages");
    // No record at all from the collector.
    let mut i = inv();
    i.collection.retain(|n| n.collector != "packages.dpkg");
    assert_not_assessed(&run(&i, cond), "left no record");
    // One of two package managers failed, the other read fine: assessed.
    let mut i = inv();
    set_note(
        &mut i,
        "packages.rpm",
        CollectorStatus::Error,
        "rpmdb corrupt",
    );
    assert_pass(&run(&i, cond));
}

#[test]
fn package_absence_through_none() {
    let cond = r#"{ none = [{ package = { installed = ["auditd", "audit"] } }] }"#;
    let mut i = inv();
    i.packages = vec![pkg("bash", "5.2")];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "auditd");
    assert!(f.evidence[0].observed.contains("not installed"));
    i.packages.push(pkg("auditd", "1:3.0"));
    assert_pass(&run(&i, cond));
}

// ------------------------------------------------------------------ service

#[test]
fn service_probe() {
    let cond = r#"{ service = { name = ["telnet", "telnet.socket"], state = "enabled" } }"#;
    let mut i = inv();
    i.services = vec![Service {
        name: "telnet.socket".into(),
        state: ServiceState::Enabled,
        unit_file: "/lib/systemd/system/telnet.socket".into(),
    }];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "telnet.socket");
    assert_eq!(f.evidence[0].source, "/lib/systemd/system/telnet.socket");
    i.services[0].state = ServiceState::Masked;
    assert_pass(&run(&i, cond));
    set_note(
        &mut i,
        "services",
        CollectorStatus::Skipped,
        "no init system found in the root",
    );
    assert_not_assessed(&run(&i, cond), "skipped");
}

// ------------------------------------------------------------------- sysctl

#[test]
fn sysctl_probe() {
    let cond = r#"{ sysctl = { key = "net.ipv4.ip_forward", ne = "0", default = "0" } }"#;
    let mut i = inv();
    i.sysctl.insert("net.ipv4.ip_forward".into(), "1".into());
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "net.ipv4.ip_forward");
    assert_eq!(f.evidence[0].source, "/proc/sys/net/ipv4/ip_forward");
    i.sysctl.insert("net.ipv4.ip_forward".into(), "0".into());
    assert_pass(&run(&i, cond));
    i.sysctl.clear();
    assert_pass(&run(&i, cond));
    // Offline: the default is cited as an assumption.
    let e = run(
        &i,
        r#"{ sysctl = { key = "net.ipv4.conf.all.accept_redirects", ne = "0", default = "1" } }"#,
    );
    assert!(assert_fail(&e).evidence[0]
        .observed
        .contains("default 1 assumed"));
    // No default and no value: not assessed.
    assert_not_assessed(
        &run(&i, r#"{ sysctl = { key = "kernel.sysrq", ne = "0" } }"#),
        "no default",
    );
    // missing = false: an absent key is explicitly fine.
    assert_pass(&run(
        &i,
        r#"{ sysctl = { key = "kernel.sysrq", ne = "0", missing = false } }"#,
    ));
    set_note(
        &mut i,
        "sysctl",
        CollectorStatus::Error,
        "/proc/sys unreadable",
    );
    assert_not_assessed(&run(&i, cond), "/proc/sys unreadable");
}

// --------------------------------------------------------------------- file

fn meta(exists: bool, mode: u32, uid: u32, gid: u32) -> FileMeta {
    FileMeta {
        exists,
        file_type: "file".into(),
        mode,
        uid,
        gid,
    }
}

#[test]
fn file_probe() {
    let cond = r#"{ file = { path = "/etc/shadow", mode_max = "0640", owner_uid = 0 } }"#;
    let mut i = inv();
    i.files
        .insert("/etc/shadow".into(), meta(true, 0o644, 0, 42));
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "/etc/shadow");
    assert!(
        f.evidence[0]
            .observed
            .contains("mode 0644 is wider than 0640"),
        "{:?}",
        f.evidence
    );
    i.files
        .insert("/etc/shadow".into(), meta(true, 0o640, 0, 42));
    assert_pass(&run(&i, cond));
    i.files
        .insert("/etc/shadow".into(), meta(true, 0o600, 1000, 42));
    assert!(assert_fail(&run(&i, cond)).evidence[0]
        .observed
        .contains("owner uid 1000"));
    // A file that does not exist is not too open.
    i.files.insert("/etc/shadow".into(), meta(false, 0, 0, 0));
    assert_pass(&run(&i, cond));
    // Requested but not collected: not assessed.
    i.files.clear();
    assert_not_assessed(&run(&i, cond), "/etc/shadow was not collected");
    // exists
    i.files
        .insert("/etc/cron.allow".into(), meta(false, 0, 0, 0));
    assert_fail(&run(
        &i,
        r#"{ file = { path = "/etc/cron.allow", exists = false } }"#,
    ));
    assert_pass(&run(
        &i,
        r#"{ file = { path = "/etc/cron.allow", exists = true } }"#,
    ));
    // A per-file note overrides the general one.
    set_note(
        &mut i,
        "files:/etc/cron.allow",
        CollectorStatus::Error,
        "/etc/cron.allow: input/output error",
    );
    assert_not_assessed(
        &run(
            &i,
            r#"{ file = { path = "/etc/cron.allow", exists = false } }"#,
        ),
        "input/output error",
    );
}

// ------------------------------------------------------------------- config

#[test]
fn config_probe_missing_semantics() {
    let cond = r#"{ config = { file = "/etc/login.defs", key = "PASS_MAX_DAYS", gt = 90, default = "99999" } }"#;
    let mut i = inv();
    i.config.insert(
        "/etc/login.defs".into(),
        [("PASS_MAX_DAYS".to_string(), "99999".to_string())].into(),
    );
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "/etc/login.defs:PASS_MAX_DAYS");
    assert_eq!(f.evidence[0].source, "/etc/login.defs");
    assert_eq!(f.evidence[0].observed, "PASS_MAX_DAYS = 99999");
    i.config.insert(
        "/etc/login.defs".into(),
        [("PASS_MAX_DAYS".to_string(), "90".to_string())].into(),
    );
    assert_pass(&run(&i, cond));
    // Key missing → default → fail.
    i.config
        .insert("/etc/login.defs".into(), Default::default());
    assert_fail(&run(&i, cond));
    // File missing → same explicit semantics, said in the evidence.
    i.config.clear();
    let e = run(&i, cond);
    assert!(assert_fail(&e).evidence[0]
        .observed
        .starts_with("file not found"));
    // present
    assert_fail(&run(
        &i,
        r#"{ config = { file = "/etc/login.defs", key = "UMASK", present = false } }"#,
    ));
    set_note(
        &mut i,
        "config",
        CollectorStatus::Error,
        "/etc/login.defs: invalid UTF-8 at line 3",
    );
    assert_not_assessed(&run(&i, cond), "line 3");
}

// ----------------------------------------------------------------- accounts

fn acct(name: &str, uid: u32, password: PasswordState, interactive: bool) -> Account {
    Account {
        name: name.into(),
        uid,
        gid: uid,
        home: format!("/home/{name}"),
        shell: if interactive {
            "/bin/bash".into()
        } else {
            "/usr/sbin/nologin".into()
        },
        interactive,
        password,
        hash_scheme: if password == PasswordState::Set {
            "yescrypt".into()
        } else {
            String::new()
        },
        last_change_days: None,
        max_days: None,
        min_days: None,
        warn_days: None,
        inactive_days: None,
        expire_days: None,
        groups: vec![],
        system: uid < 1000 && uid != 0,
    }
}

#[test]
fn accounts_one_finding_per_account() {
    let cond = r#"{ accounts = { where = { password = "empty", interactive = true } } }"#;
    let mut i = inv();
    i.accounts = vec![
        acct("root", 0, PasswordState::Set, true),
        acct("an", 1000, PasswordState::Empty, true),
        acct("binh", 1001, PasswordState::Empty, true),
        acct("daemon", 1, PasswordState::Empty, false),
    ];
    let e = run(&i, cond);
    assert_fail(&e);
    let subjects: Vec<&str> = e.findings.iter().map(|f| f.subject.as_str()).collect();
    assert_eq!(subjects, vec!["an", "binh"]);
    assert_ne!(e.findings[0].id, e.findings[1].id);
    assert!(e.findings[0].evidence[0]
        .observed
        .contains("password empty"));

    i.accounts.retain(|a| a.password != PasswordState::Empty);
    assert_pass(&run(&i, cond));

    // Shadow unreadable: unknown password states → not assessed.
    i.accounts
        .push(acct("chi", 1002, PasswordState::Unknown, true));
    assert_not_assessed(&run(&i, cond), "could not be read");
    set_note(
        &mut i,
        "accounts",
        CollectorStatus::Error,
        "/etc/passwd: not found",
    );
    assert_not_assessed(&run(&i, cond), "/etc/passwd: not found");
}

#[test]
fn accounts_uid0_duplicates_and_ageing() {
    let mut i = inv();
    i.accounts = vec![
        acct("root", 0, PasswordState::Set, true),
        acct("toor", 0, PasswordState::Set, true),
        acct("an", 1000, PasswordState::Set, true),
    ];
    let e = run(
        &i,
        r#"{ accounts = { where = { uid = 0, name_not = "root" } } }"#,
    );
    assert_eq!(assert_fail(&e).subject, "toor");
    let e = run(&i, r#"{ accounts = { where = { duplicate_uid = true } } }"#);
    assert_eq!(e.findings.len(), 2);
    // Empty max_days means no limit.
    let e = run(
        &i,
        r#"{ accounts = { where = { password = "set", interactive = true, max_days_gt = 90 } } }"#,
    );
    assert_eq!(e.findings.len(), 3);
    for a in &mut i.accounts {
        a.max_days = Some(60);
    }
    assert_pass(&run(
        &i,
        r#"{ accounts = { where = { password = "set", max_days_gt = 90 } } }"#,
    ));
    assert_pass(&run(
        &i,
        r#"{ accounts = { where = { uid = 0 }, count_gt = 2 } }"#,
    ));
}

#[test]
fn groups_probe() {
    let mut i = inv();
    i.groups = vec![
        Group {
            name: "root".into(),
            gid: 0,
            members: vec!["an".into()],
        },
        Group {
            name: "shadow".into(),
            gid: 42,
            members: vec![],
        },
    ];
    let e = run(
        &i,
        r#"{ groups = { where = { gid = 0, members_except = ["root"] } } }"#,
    );
    assert_eq!(assert_fail(&e).subject, "group:root");
    i.groups[0].members.clear();
    assert_pass(&run(
        &i,
        r#"{ groups = { where = { gid = 0, members_except = ["root"] } } }"#,
    ));
}

// --------------------------------------------------------------------- sudo

#[test]
fn sudo_probe() {
    let cond = r#"{ sudo = { nopasswd = true } }"#;
    let mut i = inv();
    i.sudo = vec![
        SudoRule {
            principal: "%sudo".into(),
            source: "/etc/sudoers:27".into(),
            nopasswd: false,
            all_commands: true,
        },
        SudoRule {
            principal: "deploy".into(),
            source: "/etc/sudoers.d/deploy:1".into(),
            nopasswd: true,
            all_commands: true,
        },
    ];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "deploy");
    assert_eq!(f.evidence[0].source, "/etc/sudoers.d/deploy:1");
    i.sudo.pop();
    assert_pass(&run(&i, cond));
    // No sudoers at all is a fact: no rule.
    set_note(&mut i, "sudo", CollectorStatus::Absent, "");
    i.sudo.clear();
    assert_pass(&run(&i, cond));
}

// ---------------------------------------------------------------------- pam

#[test]
fn pam_probe() {
    let cond = r#"{ pam = { service = ["common-password", "system-auth"], module = ["pam_pwquality.so", "pam_cracklib.so"], present = false } }"#;
    let mut i = inv();
    i.pam.insert(
        "common-password".into(),
        vec![PamEntry {
            kind: "password".into(),
            control: "[success=1 default=ignore]".into(),
            module: "pam_unix.so".into(),
            args: vec!["obscure".into(), "yescrypt".into()],
        }],
    );
    let e = run(&i, cond);
    assert!(assert_fail(&e).evidence[0]
        .observed
        .contains("not used in common-password"));
    i.pam.get_mut("common-password").unwrap().push(PamEntry {
        kind: "password".into(),
        control: "requisite".into(),
        module: "pam_pwquality.so".into(),
        args: vec!["retry=3".into()],
    });
    assert_pass(&run(&i, cond));
    // args
    let nullok =
        r#"{ pam = { service = "common-password", module = "pam_unix.so", arg = "nullok*" } }"#;
    assert_pass(&run(&i, nullok));
    i.pam.get_mut("common-password").unwrap()[0]
        .args
        .push("nullok".into());
    assert!(assert_fail(&run(&i, nullok)).evidence[0]
        .observed
        .contains("nullok"));
    set_note(
        &mut i,
        "pam",
        CollectorStatus::Error,
        "/etc/pam.d: permission denied",
    );
    assert_not_assessed(&run(&i, cond), "/etc/pam.d");
}

// ------------------------------------------------------------ kernel_module

#[test]
fn kernel_module_probe() {
    let cond = r#"{ kernel_module = { name = "usb-storage", disabled = false } }"#;
    let mut i = inv();
    let e = run(&i, cond);
    assert_eq!(assert_fail(&e).subject, "module:usb-storage");
    i.kernel_modules.disabled = vec!["usb_storage".into()];
    assert_pass(&run(&i, cond));
    // loaded is live-only
    assert_not_assessed(
        &run(
            &i,
            r#"{ kernel_module = { name = "cramfs", loaded = true } }"#,
        ),
        "live system",
    );
    i.kernel_modules.loaded = Some(vec!["cramfs".into()]);
    assert_fail(&run(
        &i,
        r#"{ kernel_module = { name = "cramfs", loaded = true } }"#,
    ));
}

// -------------------------------------------------------------------- mount

#[test]
fn mount_probe() {
    let cond = r#"{ mount = { path = "/tmp", lacks = ["nodev", "nosuid", "noexec"] } }"#;
    let mut i = inv();
    i.mounts = vec![Mount {
        device: "tmpfs".into(),
        mountpoint: "/tmp".into(),
        fstype: "tmpfs".into(),
        options: vec!["rw".into(), "nosuid".into(), "nodev".into()],
        source: "fstab".into(),
    }];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert!(f.evidence[0].observed.contains("lacks noexec"));
    assert_eq!(f.evidence[0].source, "/etc/fstab");
    i.mounts[0].options.push("noexec".into());
    assert_pass(&run(&i, cond));
    // Separate mount: not applicable when /tmp is not one.
    let p = policy_with(
        cond,
        Some(r#"{ mount = { path = "/tmp", mounted = true } }"#),
    );
    i.mounts.clear();
    assert_eq!(
        outcome(&evaluate(&host(), &i, &[p])),
        CheckOutcome::NotApplicable
    );
    assert_fail(&run(
        &i,
        r#"{ mount = { path = "/var/log", mounted = false } }"#,
    ));
}

// ------------------------------------------------ firewall, updates, time

#[test]
fn firewall_probe() {
    let mut i = inv();
    let e = run(&i, r#"{ firewall = { active = false } }"#);
    assert!(assert_fail(&e).evidence[0].observed.contains("no firewall"));
    i.firewall = Firewall {
        active: true,
        frontends: vec![FirewallFrontend {
            name: "ufw".into(),
            enabled: true,
            rules: 3,
            default_input: "deny".into(),
            source: "/etc/ufw/ufw.conf".into(),
        }],
    };
    assert_pass(&run(&i, r#"{ firewall = { active = false } }"#));
    assert_pass(&run(&i, r#"{ firewall = { default_input = ["accept"] } }"#));
    i.firewall.frontends[0].default_input = "ACCEPT".into();
    assert_fail(&run(&i, r#"{ firewall = { default_input = ["accept"] } }"#));
    i.firewall.frontends[0].default_input.clear();
    assert_not_assessed(
        &run(&i, r#"{ firewall = { default_input = ["accept"] } }"#),
        "default inbound policy",
    );
}

#[test]
fn updates_time_probes() {
    let mut i = inv();
    assert_fail(&run(&i, r#"{ updates = { enabled = false } }"#));
    i.updates = AutoUpdates {
        mechanism: "unattended-upgrades".into(),
        enabled: true,
        source: "/etc/apt/apt.conf.d/20auto-upgrades".into(),
    };
    assert_pass(&run(&i, r#"{ updates = { enabled = false } }"#));
    assert_fail(&run(&i, r#"{ time_sync = { enabled = false } }"#));
    i.time_sync = TimeSync {
        service: "chrony".into(),
        enabled: true,
        servers: vec!["pool.ntp.org".into()],
    };
    assert_pass(&run(&i, r#"{ time_sync = { enabled = false } }"#));
    set_note(
        &mut i,
        "time-sync",
        CollectorStatus::Error,
        "systemctl failed",
    );
    assert_not_assessed(
        &run(&i, r#"{ time_sync = { enabled = false } }"#),
        "systemctl failed",
    );
}

// ---------------------------------------------------------------- antivirus

#[test]
fn antivirus_probe() {
    let mut i = inv();
    assert_fail(&run(&i, r#"{ antivirus = { present = false } }"#));
    i.antivirus = vec![Antivirus {
        name: "ClamAV".into(),
        source: "clamav-daemon".into(),
        realtime: None,
        signature_date: Some("2025-01-01".into()),
    }];
    assert_pass(&run(&i, r#"{ antivirus = { present = false } }"#));
    let cond = r#"{ antivirus = { signature_age_days_gt = 7 } }"#;
    let p = policy_with(cond, None);
    // Without an audit date, the age cannot be known.
    assert_not_assessed(
        &evaluate(&host(), &i, std::slice::from_ref(&p)),
        "audit date",
    );
    let at = |d: &str| {
        evaluate_with(
            &host(),
            &i,
            std::slice::from_ref(&p),
            &EvalOptions {
                today: Some(d.into()),
            },
        )
    };
    assert_pass(&at("2025-01-08"));
    let e = at("2025-01-20");
    assert!(assert_fail(&e)
        .evidence
        .iter()
        .any(|x| x.observed.contains("19 day(s) old")));
    assert_not_assessed(&at("not a date"), "not a valid date");
    assert_not_assessed(
        &run(&i, r#"{ antivirus = { realtime = false } }"#),
        "real time",
    );
}

// ------------------------------------------------------------- unsafe files

#[test]
fn unsafe_files_probe() {
    let cond = r#"{ unsafe_files = { world_writable = true } }"#;
    let mut i = inv();
    assert_pass(&run(&i, cond));
    i.unsafe_files.world_writable = (0..30).map(|n| format!("/etc/bad{n:02}")).collect();
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(f.subject, "unsafe-files:world-writable");
    assert_eq!(f.evidence.len(), 26);
    assert!(f.evidence[25].observed.contains("5 more"));
    i.unsafe_files.world_writable.clear();
    i.unsafe_files.truncated = true;
    assert_not_assessed(&run(&i, cond), "limit");
}

// ---------------------------------------------------------------- listening

#[test]
fn listening_probe() {
    let cond = r#"{ listening = { port = [23, 2323], proto = "tcp" } }"#;
    let mut i = inv();
    i.listening = Some(vec![Socket {
        proto: "tcp6".into(),
        address: "::".into(),
        port: 23,
        process: "inetd".into(),
    }]);
    assert_eq!(assert_fail(&run(&i, cond)).subject, "tcp6/23");
    i.listening = Some(vec![]);
    assert_pass(&run(&i, cond));
    // Offline: skipped with a reason.
    i.listening = None;
    set_note(
        &mut i,
        "listening",
        CollectorStatus::Skipped,
        "listening sockets are not collected from a mounted disk",
    );
    assert_not_assessed(&run(&i, cond), "mounted disk");
}

// --------------------------------------------------------------- boot, cron

#[test]
fn boot_probe() {
    let mut i = inv();
    assert_not_assessed(
        &run(&i, r#"{ boot = { kernel_update_pending = true } }"#),
        "live system",
    );
    i.kernel = Some(KernelInfo {
        running: "6.1.0-17-amd64".into(),
        installed: vec!["6.1.0-17-amd64".into(), "6.1.0-18-amd64".into()],
    });
    i.boot.kernel_update_pending = Some(true);
    assert!(
        assert_fail(&run(&i, r#"{ boot = { kernel_update_pending = true } }"#)).evidence[0]
            .observed
            .contains("6.1.0-18")
    );
    i.boot.kernel_update_pending = Some(false);
    assert_pass(&run(&i, r#"{ boot = { kernel_update_pending = true } }"#));
    assert_not_assessed(
        &run(&i, r#"{ boot = { bootloader_password = false } }"#),
        "boot loader",
    );
    i.boot.bootloader_password = Some(false);
    assert_fail(&run(&i, r#"{ boot = { bootloader_password = false } }"#));
}

#[test]
fn scheduled_probe_redacts_secrets() {
    let cond = r#"{ scheduled = { command_matches = ["*/tmp/*", "*/dev/shm/*"] } }"#;
    let mut i = inv();
    i.scheduled = vec![
        ScheduledEntry {
            kind: "cron".into(),
            source: "/etc/cron.d/backup:3".into(),
            user: "root".into(),
            schedule: "0 2 * * *".into(),
            command: "mysqldump -pHunter2 db > /backup/db.sql".into(),
        },
        ScheduledEntry {
            kind: "cron".into(),
            source: "/var/spool/cron/crontabs/www:1".into(),
            user: "www".into(),
            schedule: "* * * * *".into(),
            command: "/tmp/.x/kdevtmpfsi --token=abc123".into(),
        },
    ];
    let e = run(&i, cond);
    let f = assert_fail(&e);
    assert_eq!(e.findings.len(), 1);
    assert_eq!(f.subject, "/var/spool/cron/crontabs/www:1");
    assert!(
        !f.evidence[0].observed.contains("abc123"),
        "{}",
        f.evidence[0].observed
    );
    // The mysql password never shows either.
    let e = run(&i, r#"{ scheduled = { command_matches = "mysqldump*" } }"#);
    assert!(!assert_fail(&e).evidence[0].observed.contains("Hunter2"));
    i.scheduled.clear();
    assert_pass(&run(&i, cond));
}

// ------------------------------------------------------------- combinators

#[test]
fn kleene_logic() {
    let mut i = inv();
    set_note(&mut i, "sysctl", CollectorStatus::Error, "broken");
    i.packages = vec![pkg("telnetd", "1")];
    // any: one true child decides even when another is unknown.
    let e = run(
        &i,
        r#"{ any = [ { sysctl = { key = "a.b", eq = "1" } }, { package = { installed = "telnetd" } } ] }"#,
    );
    assert_eq!(assert_fail(&e).subject, "telnetd");
    // all: one false child decides.
    assert_pass(&run(
        &i,
        r#"{ all = [ { sysctl = { key = "a.b", eq = "1" } }, { package = { installed = "nope" } } ] }"#,
    ));
    // all: true + unknown = unknown.
    assert_not_assessed(
        &run(
            &i,
            r#"{ all = [ { sysctl = { key = "a.b", eq = "1" } }, { package = { installed = "telnetd" } } ] }"#,
        ),
        "broken",
    );
    // none
    assert_pass(&run(
        &i,
        r#"{ none = [ { package = { installed = "telnetd" } } ] }"#,
    ));
    // applies_when unknown → not assessed
    let p = policy_with(
        r#"{ package = { installed = "telnetd" } }"#,
        Some(r#"{ sysctl = { key = "a.b", eq = "1" } }"#),
    );
    assert_eq!(
        outcome(&evaluate(&host(), &i, &[p])),
        CheckOutcome::NotAssessed
    );
}

#[test]
fn selector_findings_carry_common_evidence() {
    let mut i = inv();
    i.accounts = vec![acct("an", 1000, PasswordState::Empty, true)];
    i.ssh = Some(sshd(&[("permitemptypasswords", "yes")]));
    let e = run(
        &i,
        r#"{ all = [ { sshd = { option = "PermitEmptyPasswords", eq = "yes" } }, { accounts = { where = { password = "empty" } } } ] }"#,
    );
    let f = assert_fail(&e);
    assert_eq!(f.subject, "an");
    assert_eq!(f.evidence.len(), 2);
}

#[test]
fn later_policy_overrides_same_check_id_and_os_mismatch() {
    let mut i = inv();
    i.packages = vec![pkg("telnetd", "1")];
    let a = policy_with(r#"{ package = { installed = "telnetd" } }"#, None);
    let b = policy_with(r#"{ package = { installed = "nothing-like-this" } }"#, None);
    assert_fail(&evaluate(&host(), &i, &[b.clone(), a.clone()]));
    assert_pass(&evaluate(&host(), &i, &[a.clone(), b]));
    let mut h = host();
    h.os.family = OsFamily::Windows;
    assert_eq!(
        outcome(&evaluate(&h, &i, &[a])),
        CheckOutcome::NotApplicable
    );
}
