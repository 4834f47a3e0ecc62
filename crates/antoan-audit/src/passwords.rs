//! `antoan audit --passwords`: the offline password audit of `antoan
//! passwords` on the local accounts of the audited system (Linux: the root's
//! `etc/shadow`, read through `RootFs`; Windows: the SAM and SYSTEM hives of
//! the volume or export folder), appended to the host report.
//!
//! Blank passwords are the baseline's job (it checks them with or without
//! `--passwords`): a `passwords.empty` finding is left out when a baseline
//! blank-password check ([`BASELINE_BLANK_CHECKS`]) already has an open
//! finding on the same account, so nothing is reported twice, and nothing
//! is lost when the baseline could not assess the accounts.

use std::time::Duration;

use antoan_collect::rootfs::RootFs;
use antoan_collect::Source;
use antoan_model::{OsFamily, Report};
use antoan_passwords::engine::Progress;
use antoan_passwords::{findings::CHECK_EMPTY, parse, run, sam, Account};

use crate::{sort_findings, AuditError, AuditOptions};

/// Baseline checks that report accounts with a blank password.
pub const BASELINE_BLANK_CHECKS: [&str; 3] = ["LNX-ACC-002", "LNX-ACC-003", "WIN-ACC-004"];

/// Settings of the password part of an audit.
#[derive(Debug, Clone, Default)]
pub struct PasswordOptions {
    /// Stop after this long; `None`: try every candidate.
    pub budget: Option<Duration>,
    /// The long tail of rules too.
    pub full_rules: bool,
}

/// What the password audit covered, for the caller to show.
#[derive(Debug, Clone)]
pub struct PasswordSummary {
    pub accounts: usize,
    pub coverage: antoan_model::Text,
}

fn local_accounts(opts: &AuditOptions, report: &Report) -> Result<Vec<Account>, AuditError> {
    if report.host.os.family == OsFamily::Windows {
        let dir = match (&opts.windows_export, &opts.source) {
            (Some(d), _) => d.clone(),
            (None, Source::Root(d)) => d.clone(),
            (None, Source::Live) => return Ok(Vec::new()),
        };
        let Some((sam_path, system_path)) = sam::find_pair(&dir) else {
            return Err(AuditError::new(
                format!("--passwords: không thấy hive SAM và SYSTEM trong {}", dir.display()),
                format!("--passwords: no SAM and SYSTEM hives found in {}", dir.display()),
            ));
        };
        let dump = sam::read_files(&sam_path, &system_path).map_err(|e| AuditError::User(e.text()))?;
        return Ok(dump.accounts);
    }
    let fs = match &opts.source {
        Source::Root(d) => RootFs::new(d.clone()),
        Source::Live => RootFs::new("/"),
    };
    let data = fs.read("/etc/shadow").map_err(|e| {
        AuditError::new(
            format!("--passwords: không đọc được etc/shadow: {e}"),
            format!("--passwords: cannot read etc/shadow: {e}"),
        )
    })?;
    let parsed = parse::parse_bytes("etc/shadow", &data).map_err(|e| AuditError::User(e.text()))?;
    Ok(parsed.accounts)
}

/// Runs the password audit on the audited system's local accounts and adds
/// its findings and checks to `report` (summary and score recomputed).
pub fn append_password_audit(
    opts: &AuditOptions,
    pw: &PasswordOptions,
    report: &mut Report,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PasswordSummary, AuditError> {
    let accounts = local_accounts(opts, report)?;
    let run_opts = run::RunOptions {
        host_key: report.host.identity_key(),
        context_words: run::context_words_from(&report.host.hostname),
        wordlists: Vec::new(),
        full_rules: pw.full_rules,
        no_builtin: false,
        budget: pw.budget,
        threads: 0,
    };
    let result = run::run(&accounts, &run_opts, progress).map_err(AuditError::User)?;
    let coverage = antoan_passwords::findings::coverage_text(&result.outcome);
    let mut findings = result.findings;
    let mut checks = result.checks;
    let covered: Vec<String> = report
        .findings
        .iter()
        .filter(|f| {
            BASELINE_BLANK_CHECKS.contains(&f.check.as_str()) && f.status == antoan_model::FindingStatus::Open
        })
        .map(|f| f.subject.clone())
        .collect();
    findings.retain(|f| !(f.check == CHECK_EMPTY && covered.contains(&f.subject)));
    if !findings.iter().any(|f| f.check == CHECK_EMPTY) && !covered.is_empty() {
        // Every blank password is already a baseline finding.
        checks.retain(|c| c.check != CHECK_EMPTY);
    }
    report.findings.extend(findings);
    report.checks.extend(checks);
    sort_findings(&mut report.findings);
    report.checks.sort_by(|a, b| a.check.cmp(&b.check));
    report.summary = antoan_report::summarize(&report.checks, &report.findings);
    report.score = antoan_report::score(&report.checks, &report.findings);
    Ok(PasswordSummary {
        accounts: accounts.len(),
        coverage,
    })
}
