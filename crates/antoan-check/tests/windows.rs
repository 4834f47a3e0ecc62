//! The Windows probes (registry, windows, windows_accounts, windows_group,
//! account_policy) and the embedded Windows baseline.

use std::collections::BTreeSet;

use antoan_check::{evaluate_with, validate_controls, EvalOptions, Policy, WINDOWS_BASELINE};
use antoan_model::*;

fn known_controls() -> BTreeSet<String> {
    let mut ids: Vec<String> = Vec::new();
    for (g, n) in [("M1", 2), ("M2", 4), ("M3", 4), ("M4", 4), ("M5", 4), ("M6", 3), ("M7", 1)] {
        ids.extend((1..=n).map(|i| format!("{g}.{i}")));
    }
    for (g, n) in [("T1", 8), ("T2", 8), ("T3", 9), ("T4", 5)] {
        ids.extend((1..=n).map(|i| format!("{g}.{i}")));
    }
    ids.extend((1..=4).map(|i| format!("P.{i}")));
    ids.extend((1..=5).map(|i| format!("S.{i}")));
    ids.into_iter().collect()
}

fn host() -> HostInfo {
    HostInfo {
        hostname: "PC01".into(),
        os: OsInfo { family: OsFamily::Windows, name: "Windows 10 Pro".into(), ..Default::default() },
        source: "/mnt/win".into(),
        ..Default::default()
    }
}

fn note(c: &str, s: CollectorStatus) -> CollectorNote {
    CollectorNote { collector: c.into(), status: s, reason: String::new() }
}

fn inventory() -> Inventory {
    let mut w = WindowsInventory {
        build: 19045,
        role: WindowsRole::Workstation,
        installation_type: "Client".into(),
        edition_id: "Professional".into(),
        ..Default::default()
    };
    w.registry.insert("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel".into(), "1".into());
    w.account_policy.insert("MinimumPasswordLength".into(), "0".into());
    w.account_policy_sources.insert("MinimumPasswordLength".into(), "net-accounts.txt:4".into());
    w.accounts = vec![
        WindowsAccount {
            name: "Administrator".into(),
            rid: 500,
            full_name: String::new(),
            enabled: true,
            password_never_expires: true,
            password_not_required: false,
            password_blank: Some(false),
            locked: false,
            last_logon: Some("2026-11-20".into()),
            password_last_set: None,
            logon_count: 3,
            groups: vec!["Administrators".into()],
        },
        WindowsAccount {
            name: "Guest".into(),
            rid: 501,
            full_name: String::new(),
            enabled: false,
            password_never_expires: true,
            password_not_required: true,
            password_blank: Some(true),
            locked: false,
            last_logon: None,
            password_last_set: None,
            logon_count: 0,
            groups: vec!["Guests".into()],
        },
    ];
    w.groups = vec![WindowsGroup { name: "Administrators".into(), rid: 544, members: vec!["Administrator".into(), "Guest".into()] }];
    Inventory {
        windows: Some(w),
        collection: vec![
            note("registry:HKLM\\SYSTEM", CollectorStatus::Ok),
            note("registry:HKLM\\SOFTWARE", CollectorStatus::Absent),
            note("windows", CollectorStatus::Ok),
            note("windows-accounts", CollectorStatus::Ok),
            note("account-policy", CollectorStatus::Ok),
        ],
        ..Default::default()
    }
}

const POLICY: &str = r#"
[policy]
id = "t"
name = { vi = "Thử", en = "Test" }
version = "1"
os_family = "windows"

[[check]]
id = "T-REG-1"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "Cho phép NTLMv1", en = "NTLMv1 allowed" }
remediation = { vi = "Đặt giá trị", en = "Set it" }
controls = ["T2.1"]
fail_when = { registry = { key = 'HKLM\SYSTEM\CurrentControlSet\Control\Lsa', value = "LmCompatibilityLevel", lt = 3, default = 3 } }

[[check]]
id = "T-REG-2"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "Lưu băm LM", en = "LM hash" }
remediation = { vi = "Đặt giá trị", en = "Set it" }
controls = ["T2.1"]
fail_when = { registry = { key = 'HKLM\SYSTEM\CurrentControlSet\Control\Lsa', value = "NoLMHash", eq = 0, default = 1 } }

[[check]]
id = "T-REG-3"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "UAC tắt", en = "UAC off" }
remediation = { vi = "Đặt giá trị", en = "Set it" }
controls = ["T2.1"]
fail_when = { registry = { key = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System', value = "EnableLUA", eq = 0, default = 1 } }

[[check]]
id = "T-ACC-1"
category = "accounts"
kind = "account"
severity = "medium"
title = { vi = "Mật khẩu không hết hạn", en = "Never expires" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T3.2"]
fail_when = { windows_accounts = { where = { enabled = true, password_never_expires = true } } }

[[check]]
id = "T-ACC-2"
category = "accounts"
kind = "account"
severity = "medium"
title = { vi = "Lâu không dùng", en = "Unused" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T3.4"]
fail_when = { windows_accounts = { where = { enabled = true, last_logon_days_gt = 45 } } }

[[check]]
id = "T-GRP-1"
category = "accounts"
kind = "account"
severity = "critical"
title = { vi = "Guest là quản trị", en = "Guest is admin" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T3.6"]
fail_when = { windows_group = { name = "Administrators", members_include = ["Guest"] } }

[[check]]
id = "T-POL-1"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "Mật khẩu ngắn", en = "Short passwords" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T3.2"]
fail_when = { account_policy = { key = "MinimumPasswordLength", lt = 8 } }

[[check]]
id = "T-POL-2"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "Không khóa", en = "No lockout" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T2.6"]
fail_when = { account_policy = { key = "LockoutBadCount", eq = 0 } }

[[check]]
id = "T-DC-1"
category = "authentication"
kind = "config"
severity = "high"
title = { vi = "Chỉ DC", en = "DC only" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T2.1"]
applies_when = { windows = { role = ["domain-controller"] } }
fail_when = { windows = { build_lt = 99999 } }

[[check]]
id = "T-BLD-1"
category = "updates"
kind = "config"
severity = "low"
title = { vi = "Bản dựng cũ", en = "Old build" }
remediation = { vi = "Sửa", en = "Fix" }
controls = ["T2.3"]
fail_when = { windows = { build_lt = 22000 } }
"#;

fn run(inv: &Inventory) -> antoan_check::Evaluation {
    let p = Policy::parse(POLICY, "t.toml").unwrap();
    evaluate_with(&host(), inv, &[p], &EvalOptions { today: Some("2026-11-24".into()) })
}

fn outcome(e: &antoan_check::Evaluation, id: &str) -> CheckOutcome {
    e.checks.iter().find(|c| c.check == id).unwrap().outcome
}

#[test]
fn registry_values_defaults_and_missing_hives() {
    let e = run(&inventory());
    assert_eq!(outcome(&e, "T-REG-1"), CheckOutcome::Fail);
    let f = e.findings.iter().find(|f| f.check == "T-REG-1").unwrap();
    assert_eq!(f.subject, "registry:HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel");
    assert_eq!(f.evidence[0].observed, "LmCompatibilityLevel = 1");
    // Not set in a read hive: the documented default applies.
    assert_eq!(outcome(&e, "T-REG-2"), CheckOutcome::Pass);
    // The SOFTWARE hive was not collected: never a pass.
    assert_eq!(outcome(&e, "T-REG-3"), CheckOutcome::NotAssessed);
    let na = e.findings.iter().find(|f| f.check == "T-REG-3").unwrap();
    assert!(na.reason.as_ref().unwrap().en.contains("found no source"), "{:?}", na.reason);
}

#[test]
fn account_selectors_and_groups() {
    let e = run(&inventory());
    let f: Vec<&Finding> = e.findings.iter().filter(|f| f.check == "T-ACC-1").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].subject, "account:Administrator");
    assert_eq!(outcome(&e, "T-ACC-2"), CheckOutcome::Pass);
    assert_eq!(outcome(&e, "T-GRP-1"), CheckOutcome::Fail);
    let g = e.findings.iter().find(|f| f.check == "T-GRP-1").unwrap();
    assert_eq!(g.subject, "group:Administrators");
    // Without an audit date, age tests are not assessed.
    let p = Policy::parse(POLICY, "t.toml").unwrap();
    let e2 = evaluate_with(&host(), &inventory(), &[p], &EvalOptions::default());
    assert_eq!(outcome(&e2, "T-ACC-2"), CheckOutcome::NotAssessed);
}

#[test]
fn account_policy_and_facts() {
    let e = run(&inventory());
    assert_eq!(outcome(&e, "T-POL-1"), CheckOutcome::Fail);
    let f = e.findings.iter().find(|f| f.check == "T-POL-1").unwrap();
    assert_eq!(f.evidence[0].source, "net-accounts.txt:4");
    // Not in the collected policy and no default: not assessed.
    assert_eq!(outcome(&e, "T-POL-2"), CheckOutcome::NotAssessed);
    assert_eq!(outcome(&e, "T-DC-1"), CheckOutcome::NotApplicable);
    assert_eq!(outcome(&e, "T-BLD-1"), CheckOutcome::Fail);
    // No SAM: account checks are not assessed.
    let mut inv = inventory();
    inv.collection.retain(|n| n.collector != "windows-accounts");
    inv.collection.push(note("windows-accounts", CollectorStatus::Absent));
    let e = run(&inv);
    assert_eq!(outcome(&e, "T-ACC-1"), CheckOutcome::NotAssessed);
    assert_eq!(outcome(&e, "T-GRP-1"), CheckOutcome::NotAssessed);
}

#[test]
fn request_lists_registry_values() {
    let p = Policy::parse(POLICY, "t.toml").unwrap();
    let r = p.request();
    assert!(r.registry_values.contains("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\NoLMHash"));
    assert_eq!(r.registry_values.len(), 3);
}

#[test]
fn bad_windows_probes_are_errors() {
    let head = "[policy]\nid='x'\nname={vi='Thử',en='t'}\nversion='1'\nos_family='windows'\n[[check]]\nid='X-1'\ncategory='network'\nkind='config'\nseverity='low'\ntitle={vi='Thử',en='t'}\nremediation={vi='Thử',en='t'}\ncontrols=['T2.1']\n";
    for (cond, want) in [
        ("fail_when = { registry = { key = 'SOFTWARE\\X', value = 'a', eq = 1 } }", "must start with HKLM"),
        ("fail_when = { registry = { key = 'HKLM\\X', value = 'a' } }", "exactly one comparison"),
        ("fail_when = { windows = { role = ['router'] } }", "role 'router'"),
        ("fail_when = { windows = { server = true, build_lt = 3 } }", "exactly one of"),
        ("fail_when = { windows_group = { name = 'Administrators' } }", "exactly one of member_count_gt"),
        ("fail_when = { windows_accounts = { where = { sid = 1 } } }", "unknown field"),
    ] {
        let e = Policy::parse(&format!("{head}{cond}\n"), "x.toml").unwrap_err();
        assert!(e.reason.contains(want), "{cond}: {e}");
        assert_eq!(e.line, 14, "{e}");
    }
}

#[test]
fn windows_baseline_is_complete() {
    let p = Policy::windows_baseline();
    assert_eq!(p.os_family, Some(OsFamily::Windows));
    assert!(p.checks().len() >= 60, "only {} checks", p.checks().len());
    validate_controls(&p, &known_controls()).unwrap();
    for c in p.checks() {
        assert!(c.id.starts_with("WIN-"), "{}", c.id);
    }
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies/windows-baseline.toml")).unwrap();
    assert_eq!(on_disk, WINDOWS_BASELINE);
    // Every registry value it reads is requested from the collector.
    assert!(p.request().registry_values.len() > 40);
}

#[test]
fn windows_baseline_on_an_empty_inventory_is_never_a_pass() {
    let p = Policy::windows_baseline();
    let e = evaluate_with(&host(), &Inventory::default(), &[p], &EvalOptions { today: Some("2026-11-24".into()) });
    for c in &e.checks {
        assert_ne!(c.outcome, CheckOutcome::Pass, "{} passed without data", c.check);
        assert_ne!(c.outcome, CheckOutcome::Fail, "{} failed without data", c.check);
    }
}

/// WIN-SES-001 with user hives: the machine inactivity limit, or else every
/// user's screen saver (read per user from NTUSER.DAT) decides.
#[test]
fn screen_lock_uses_user_hives_where_present() {
    let baseline = Policy::windows_baseline();
    let eval = |inv: &Inventory| {
        let e = evaluate_with(&host(), inv, std::slice::from_ref(&baseline), &EvalOptions { today: Some("2026-11-24".into()) });
        let o = e.checks.iter().find(|c| c.check == "WIN-SES-001").unwrap().outcome;
        (o, e.findings.into_iter().find(|f| f.check == "WIN-SES-001"))
    };
    let base = |users: &[&str]| {
        let mut inv = inventory();
        inv.collection.retain(|n| n.collector != "registry:HKLM\\SOFTWARE");
        inv.collection.push(note("registry:HKLM\\SOFTWARE", CollectorStatus::Ok));
        inv.collection.push(note("registry:HKU", if users.is_empty() { CollectorStatus::Absent } else { CollectorStatus::Ok }));
        let w = inv.windows.as_mut().unwrap();
        w.user_hives = users.iter().map(|u| u.to_string()).collect();
        inv
    };
    let set = |inv: &mut Inventory, user: &str, name: &str, v: &str| {
        let w = inv.windows.as_mut().unwrap();
        w.registry.insert(format!("HKU\\{user}\\Control Panel\\Desktop\\{name}"), v.into());
    };
    let lock = |inv: &mut Inventory, user: &str, secure: &str, timeout: &str| {
        set(inv, user, "ScreenSaveActive", "1");
        set(inv, user, "ScreenSaverIsSecure", secure);
        set(inv, user, "ScreenSaveTimeOut", timeout);
    };

    // No machine limit, no user hive: the machine rule decides, and says no user hive was read.
    let (o, f) = eval(&base(&[]));
    assert_eq!(o, CheckOutcome::Fail);
    let f = f.unwrap();
    assert!(f.evidence.iter().any(|e| e.source.contains("no user hive")), "{:?}", f.evidence);

    // Every user locks within 900 s: pass.
    let mut inv = base(&["lan", "minh"]);
    lock(&mut inv, "lan", "1", "600");
    lock(&mut inv, "minh", "1", "900");
    assert_eq!(eval(&inv).0, CheckOutcome::Pass);

    // One user's screen saver has no password: fail, naming that user.
    lock(&mut inv, "minh", "0", "900");
    let (o, f) = eval(&inv);
    assert_eq!(o, CheckOutcome::Fail);
    let f = f.unwrap();
    assert!(f.evidence.iter().any(|e| e.source == "HKU\\minh\\Control Panel\\Desktop" && e.observed == "ScreenSaverIsSecure = 0"), "{:?}", f.evidence);
    assert!(!f.evidence.iter().any(|e| e.source.starts_with("HKU\\lan")), "{:?}", f.evidence);

    // A user who never set a screen saver counts as not locking.
    let mut inv = base(&["lan", "tuan"]);
    lock(&mut inv, "lan", "1", "600");
    assert_eq!(eval(&inv).0, CheckOutcome::Fail);

    // The machine inactivity limit alone is enough.
    let w = inv.windows.as_mut().unwrap();
    w.registry.insert("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\InactivityTimeoutSecs".into(), "600".into());
    assert_eq!(eval(&inv).0, CheckOutcome::Pass);
}
