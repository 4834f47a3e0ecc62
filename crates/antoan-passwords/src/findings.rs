//! Turns an [`AuditOutcome`] into `antoan_model::Finding`s. Pure: no IO,
//! no clock. Findings name the account and why the password is weak, never
//! the password or the hash.

use std::collections::BTreeMap;

use antoan_model::{Evidence, Finding, FindingKind, FindingStatus, Severity, Text};

use crate::engine::{AccountResult, AuditOutcome, FoundVia, Verdict};
use crate::hash::CryptScheme;

pub const CHECK_WEAK: &str = "passwords.weak";
pub const CHECK_EMPTY: &str = "passwords.empty";
pub const CHECK_LM: &str = "passwords.lm-hash";
pub const CHECK_WEAK_ALGORITHM: &str = "passwords.weak-algorithm";
pub const CHECK_REUSE: &str = "passwords.reuse";
pub const CHECK_NOT_ASSESSED: &str = "passwords.not-assessed";

/// Control ids in the catalog: T3.1 (default/weak admin passwords changed),
/// T3.2 (password policy).
pub const CONTROLS: [&str; 2] = ["T3.1", "T3.2"];

fn controls() -> Vec<String> {
    CONTROLS.iter().map(|c| c.to_string()).collect()
}

fn via_str(v: FoundVia) -> String {
    match v {
        FoundVia::Nt => "nt".into(),
        FoundVia::Lm => "lm".into(),
        FoundVia::Crypt(s) => s.as_str().into(),
    }
}

fn base(
    host_key: &str,
    check: &str,
    kind: FindingKind,
    severity: Severity,
    r: &AccountResult,
    title: Text,
    remediation: Text,
) -> Finding {
    let mut attributes = BTreeMap::new();
    attributes.insert("hash_type".to_string(), r.hash_type.clone());
    if r.locked {
        attributes.insert("locked".to_string(), "true".to_string());
    }
    Finding {
        id: Finding::stable_id(host_key, check, &r.name),
        check: check.to_string(),
        kind,
        severity,
        status: FindingStatus::Open,
        subject: r.name.clone(),
        title,
        remediation,
        evidence: Vec::new(),
        controls: controls(),
        reason: None,
        attributes,
        references: Vec::new(),
    }
}

fn source(r: &AccountResult) -> String {
    r.origin
        .clone()
        .unwrap_or_else(|| "password hashes".to_string())
}

/// Findings of an audit, sorted by check then subject. `host_key` is the
/// host identity used in stable ids.
pub fn findings(host_key: &str, outcome: &AuditOutcome) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &outcome.accounts {
        let name = r.name.as_str();
        match &r.verdict {
            Verdict::Empty => {
                let mut f = base(
                    host_key,
                    CHECK_EMPTY,
                    FindingKind::WeakCredential,
                    if r.locked { Severity::Medium } else { Severity::Critical },
                    r,
                    Text::new(
                        format!("Tài khoản {name} không có mật khẩu"),
                        format!("Account {name} has no password"),
                    ),
                    Text::new(
                        "Đặt mật khẩu mạnh cho tài khoản (ít nhất 12 ký tự, không theo tên hay năm), hoặc khóa/xóa tài khoản nếu không dùng.",
                        "Set a strong password on the account (at least 12 characters, not built from names or years), or lock or remove the account if unused.",
                    ),
                );
                f.evidence.push(Evidence::new(
                    source(r),
                    format!("empty password ({})", r.hash_type),
                ));
                out.push(f);
            }
            Verdict::Weak { why, why_text, via } => {
                let mut f = base(
                    host_key,
                    CHECK_WEAK,
                    FindingKind::WeakCredential,
                    if r.locked { Severity::Medium } else { Severity::High },
                    r,
                    Text::new(
                        format!("Mật khẩu yếu ở tài khoản {name}"),
                        format!("Weak password on account {name}"),
                    ),
                    Text::new(
                        "Đổi mật khẩu ngay: ít nhất 12 ký tự, không dùng tên tài khoản, tên đơn vị, năm, ngày sinh, số điện thoại hay từ trong danh sách mật khẩu phổ biến; bật chính sách mật khẩu và khóa sau nhiều lần sai.",
                        "Change the password now: at least 12 characters, not the account or unit name, a year, a birthday, a phone number or a word from common-password lists; enforce a password policy and lockout.",
                    ),
                );
                f.evidence.push(Evidence::new(
                    source(r),
                    format!("weak: {} (hash type {})", why_text.en, r.hash_type),
                ));
                f.attributes.insert("why".into(), why_text.en.clone());
                f.attributes.insert("why_vi".into(), why_text.vi.clone());
                f.attributes.insert("found_via".into(), via_str(*via));
                if *via == FoundVia::Lm {
                    f.attributes
                        .insert("case_insensitive".into(), "true".into());
                }
                let _ = why;
                out.push(f);
            }
            Verdict::NotAssessed { reason } => {
                let mut f = base(
                    host_key,
                    CHECK_NOT_ASSESSED,
                    FindingKind::WeakCredential,
                    Severity::Info,
                    r,
                    Text::new(
                        format!("Không kiểm tra được mật khẩu của tài khoản {name}"),
                        format!("Password of account {name} not assessed"),
                    ),
                    Text::new(
                        "Kiểm tra mật khẩu tài khoản này bằng cách khác.",
                        "Check this account's password by other means.",
                    ),
                );
                f.status = FindingStatus::NotAssessed;
                f.reason = Some(reason.clone());
                out.push(f);
            }
            Verdict::NotFound { .. } | Verdict::Locked => {}
        }
        if r.lm_stored {
            let mut f = base(
                host_key,
                CHECK_LM,
                FindingKind::Config,
                Severity::Medium,
                r,
                Text::new(
                    format!("Hash LM được lưu cho tài khoản {name}"),
                    format!("LM hash stored for account {name}"),
                ),
                Text::new(
                    "Bật chính sách \"Network security: Do not store LAN Manager hash value on next password change\" (NoLMHash=1) rồi đổi mật khẩu; hash LM bị bẻ trong vài phút.",
                    "Enable \"Network security: Do not store LAN Manager hash value on next password change\" (NoLMHash=1), then change the password; LM hashes fall in minutes.",
                ),
            );
            f.evidence
                .push(Evidence::new(source(r), "a non-empty LM hash is stored"));
            out.push(f);
        }
        if let Some(s) = r.weak_algorithm {
            let (sev, why_en, why_vi) = match s {
                CryptScheme::DesCrypt => (
                    Severity::High,
                    "DES crypt keeps only the first 8 characters and is fast to attack",
                    "DES crypt chỉ giữ 8 ký tự đầu và bị thử rất nhanh",
                ),
                _ => (
                    Severity::Medium,
                    "md5crypt is fast enough to try billions of passwords",
                    "md5crypt đủ nhanh để thử hàng tỉ mật khẩu",
                ),
            };
            let mut f = base(
                host_key,
                CHECK_WEAK_ALGORITHM,
                FindingKind::Config,
                sev,
                r,
                Text::new(
                    format!("Tài khoản {name} dùng thuật toán băm mật khẩu yếu ({})", s.as_str()),
                    format!("Account {name} uses a weak password hash ({})", s.as_str()),
                ),
                Text::new(
                    "Đặt ENCRYPT_METHOD YESCRYPT (hoặc SHA512) trong /etc/login.defs và pam_unix, rồi đổi mật khẩu để hash được tạo lại.",
                    "Set ENCRYPT_METHOD YESCRYPT (or SHA512) in /etc/login.defs and pam_unix, then change the password so it is hashed again.",
                ),
            );
            f.evidence.push(Evidence::new(
                source(r),
                format!("{}: {why_en}", s.as_str()),
            ));
            f.attributes.insert("why_vi".into(), why_vi.into());
            out.push(f);
        }
        if !r.shares_hash_with.is_empty() {
            let others = r.shares_hash_with.join(", ");
            let mut f = base(
                host_key,
                CHECK_REUSE,
                FindingKind::Account,
                Severity::Medium,
                r,
                Text::new(
                    format!("Tài khoản {name} dùng chung mật khẩu với: {others}"),
                    format!("Account {name} shares its password with: {others}"),
                ),
                Text::new(
                    "Mỗi tài khoản cần mật khẩu riêng; đổi mật khẩu của các tài khoản này.",
                    "Give every account its own password; change the passwords of these accounts.",
                ),
            );
            f.evidence.push(Evidence::new(
                source(r),
                format!("identical hash to: {others}"),
            ));
            f.attributes.insert("shared_with".into(), others);
            out.push(f);
        }
    }
    out.sort_by(|a, b| {
        (a.check.as_str(), a.subject.as_str()).cmp(&(b.check.as_str(), b.subject.as_str()))
    });
    out
}

/// The check results of an audit, one per check id, for the report's score
/// and summary: `fail` where a finding is open, `pass` where accounts were
/// assessed and none failed, `not-applicable` where nothing could be (no
/// account of the kind), sorted by check id. Severity is the highest the
/// check can raise.
pub fn checks(outcome: &AuditOutcome, findings: &[Finding]) -> Vec<antoan_model::CheckResult> {
    use antoan_model::{CheckOutcome, CheckResult};
    let failed = |id: &str| {
        findings
            .iter()
            .any(|f| f.check == id && f.status == FindingStatus::Open)
    };
    let any = |pred: &dyn Fn(&AccountResult) -> bool| outcome.accounts.iter().any(pred);
    let has_hash = any(&|r| !matches!(r.verdict, Verdict::Locked));
    let windows_type = |t: &str| {
        let t = t.strip_prefix("locked ").unwrap_or(t);
        t.starts_with("nt") || t.starts_with("lm")
    };
    let has_windows = any(&|r| windows_type(&r.hash_type));
    let has_crypt = any(&|r| {
        !windows_type(&r.hash_type)
            && r.hash_type != "none"
            && !matches!(r.verdict, Verdict::Locked | Verdict::NotAssessed { .. })
    });
    let ran_weak = outcome.fast.ran || outcome.salted.ran;
    let spec: [(&str, Severity, bool); 5] = [
        (CHECK_EMPTY, Severity::Critical, has_hash),
        (CHECK_WEAK, Severity::High, ran_weak || failed(CHECK_WEAK)),
        (CHECK_WEAK_ALGORITHM, Severity::High, has_crypt),
        (CHECK_LM, Severity::Medium, has_windows),
        (CHECK_REUSE, Severity::Medium, outcome.accounts.len() > 1),
    ];
    let mut out: Vec<CheckResult> = spec
        .iter()
        .map(|&(id, severity, applicable)| CheckResult {
            check: id.to_string(),
            outcome: if failed(id) {
                CheckOutcome::Fail
            } else if applicable {
                CheckOutcome::Pass
            } else {
                CheckOutcome::NotApplicable
            },
            severity,
            category: "passwords".to_string(),
        })
        .collect();
    if findings.iter().any(|f| f.check == CHECK_NOT_ASSESSED) {
        out.push(CheckResult {
            check: CHECK_NOT_ASSESSED.to_string(),
            outcome: CheckOutcome::NotAssessed,
            severity: Severity::Info,
            category: "passwords".to_string(),
        });
    }
    out.sort_by(|a, b| a.check.cmp(&b.check));
    out
}

/// How far the candidate search got, in both languages, for reports and
/// the terminal: "NT/LM: 1,234,567 of 2,000,000 candidates (61.7%) in 30.0 s,
/// stopped by the time budget".
pub fn coverage_text(outcome: &AuditOutcome) -> Text {
    let mut vi = Vec::new();
    let mut en = Vec::new();
    for (label_vi, label_en, c) in [
        ("NT/LM", "NT/LM", &outcome.fast),
        ("hash có muối (crypt)", "salted (crypt)", &outcome.salted),
    ] {
        if !c.ran {
            continue;
        }
        let of = match c.candidates_total {
            Some(t) if t > 0 => format!(
                "{} / {} ({:.1}%)",
                c.candidates_done,
                t,
                100.0 * c.candidates_done as f64 / t as f64
            ),
            _ => c.candidates_done.to_string(),
        };
        let secs = c.elapsed.as_secs_f64();
        let (state_vi, state_en) = if c.complete {
            ("đã thử hết", "complete")
        } else if c.stopped_by_budget {
            (
                "dừng do hết thời gian cho phép",
                "stopped by the time budget",
            )
        } else {
            ("chưa hết", "incomplete")
        };
        vi.push(format!(
            "{label_vi}: {of} mật khẩu thử trong {secs:.1} giây, {state_vi}"
        ));
        en.push(format!(
            "{label_en}: {of} candidates in {secs:.1} s, {state_en}"
        ));
    }
    if en.is_empty() {
        return Text::new("không có hash nào cần thử", "no hash needed trying");
    }
    Text::new(vi.join("; "), en.join("; "))
}
