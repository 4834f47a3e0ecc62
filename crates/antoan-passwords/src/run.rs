//! One whole password audit as `antoan passwords` and `antoan audit
//! --passwords` run it: candidates (bundled lists and rules, then the
//! caller's word lists), the engines, findings, check results and a coverage
//! finding. Shared so both commands behave the same.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use antoan_model::{CheckResult, Evidence, Finding, FindingKind, FindingStatus, Severity, Text};

use crate::candidates::{CandidateSource, Chain, Generator, RuleConfig, WordlistFile};
use crate::engine::{audit, AuditOptions, AuditOutcome, Coverage, Progress};
use crate::findings::{self, CONTROLS};
use crate::hash::Account;

/// Check id of the coverage finding.
pub const CHECK_COVERAGE: &str = "passwords.coverage";

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Host identity for finding ids (`HostInfo::identity_key`).
    pub host_key: String,
    /// Unit and host names the rules combine with years and symbols.
    pub context_words: Vec<String>,
    /// The caller's word lists, tried as-is after the bundled candidates.
    pub wordlists: Vec<PathBuf>,
    /// The long tail of rules too (dates, phone numbers, rules over whole lists).
    pub full_rules: bool,
    /// Leave out the bundled lists and rules: only the caller's word lists
    /// (benchmarks against other tools on the same list).
    pub no_builtin: bool,
    pub budget: Option<Duration>,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// What a run gives.
#[derive(Debug)]
pub struct RunResult {
    pub outcome: AuditOutcome,
    /// Sorted by check then subject; includes the coverage finding.
    pub findings: Vec<Finding>,
    pub checks: Vec<CheckResult>,
}

/// Words worth combining from a host or unit name: `UBND-LANGSON-PC01` gives
/// `ubnd`, `langson`; digits-only and short parts are left out.
pub fn context_words_from(name: &str) -> Vec<String> {
    let mut out: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| w.to_ascii_lowercase())
        .filter(|w| w.len() >= 3 && !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn count_lines(path: &PathBuf) -> std::io::Result<u64> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    let mut last = b'\n';
    loop {
        let got = f.read(&mut buf)?;
        if got == 0 {
            break;
        }
        n += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
        last = buf[got - 1];
    }
    if last != b'\n' {
        n += 1;
    }
    Ok(n)
}

/// Runs the audit. Fails only when a word list cannot be read (named in the error).
pub fn run(
    accounts: &[Account],
    opts: &RunOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<RunResult, Text> {
    let mut lists: Vec<(PathBuf, String, u64)> = Vec::new();
    for p in &opts.wordlists {
        let shown = p.display().to_string();
        let lines = count_lines(p).map_err(|e| {
            Text::new(
                format!("không đọc được danh sách mật khẩu {shown}: {e}"),
                format!("cannot read word list {shown}: {e}"),
            )
        })?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        lists.push((p.clone(), name, lines));
    }
    let cfg = RuleConfig {
        account_names: accounts.iter().map(|a| a.name.clone()).collect(),
        context_words: opts.context_words.clone(),
        quick: !opts.full_rules,
        ..RuleConfig::default()
    };
    let builtin = !opts.no_builtin;
    let gen_total = if builtin { Generator::count(&cfg) } else { 0 };
    let user_names: Vec<String> = lists.iter().map(|l| l.1.clone()).collect();
    let make = move || -> Box<dyn CandidateSource> {
        let mut parts: Vec<Box<dyn CandidateSource>> = Vec::new();
        if builtin {
            parts.push(Box::new(Generator::with_total(cfg.clone(), gen_total)));
        }
        for (path, name, lines) in &lists {
            // Read when the phase starts; a list removed since the count is skipped.
            if let Ok(f) = std::fs::File::open(path) {
                parts.push(Box::new(WordlistFile::new(name.clone(), f, Some(*lines))));
            }
        }
        Box::new(Chain::new(parts, &user_names))
    };
    let aopts = AuditOptions {
        budget: opts.budget,
        threads: opts.threads,
        ..AuditOptions::default()
    };
    let outcome = audit(accounts, &make, &aopts, progress);
    let mut f = findings::findings(&opts.host_key, &outcome);
    let checks = findings::checks(&outcome, &f);
    if outcome.fast.ran || outcome.salted.ran {
        f.push(coverage_finding(&opts.host_key, &outcome));
    }
    f.sort_by(|a, b| {
        (a.check.as_str(), a.subject.as_str()).cmp(&(b.check.as_str(), b.subject.as_str()))
    });
    Ok(RunResult {
        outcome,
        findings: f,
        checks,
    })
}

fn cov_attrs(attrs: &mut BTreeMap<String, String>, prefix: &str, c: &Coverage) {
    if !c.ran {
        return;
    }
    attrs.insert(
        format!("{prefix}_candidates_done"),
        c.candidates_done.to_string(),
    );
    if let Some(t) = c.candidates_total {
        attrs.insert(format!("{prefix}_candidates_total"), t.to_string());
    }
    attrs.insert(format!("{prefix}_complete"), c.complete.to_string());
    attrs.insert(
        format!("{prefix}_stopped_by_budget"),
        c.stopped_by_budget.to_string(),
    );
    attrs.insert(
        format!("{prefix}_seconds"),
        format!("{:.3}", c.elapsed.as_secs_f64()),
    );
}

/// An info finding saying how many candidates were tried, and whether the
/// time budget cut the search short.
pub fn coverage_finding(host_key: &str, outcome: &AuditOutcome) -> Finding {
    let text = findings::coverage_text(outcome);
    let stopped = outcome.fast.stopped_by_budget || outcome.salted.stopped_by_budget;
    let mut attributes = BTreeMap::new();
    cov_attrs(&mut attributes, "fast", &outcome.fast);
    cov_attrs(&mut attributes, "salted", &outcome.salted);
    attributes.insert("accounts".into(), outcome.accounts.len().to_string());
    let (title, remediation) = if stopped {
        (
            Text::new(
                "Kiểm tra mật khẩu dừng do hết thời gian cho phép: chưa thử hết danh sách",
                "Password audit stopped by the time budget: not every candidate was tried",
            ),
            Text::new(
                "Chạy lại với --time-budget lớn hơn để thử hết danh sách.",
                "Run again with a larger --time-budget to try every candidate.",
            ),
        )
    } else {
        (
            Text::new("Phạm vi kiểm tra mật khẩu", "Password audit coverage"),
            Text::new("Không cần làm gì.", "Nothing to do."),
        )
    };
    Finding {
        id: Finding::stable_id(host_key, CHECK_COVERAGE, "coverage"),
        check: CHECK_COVERAGE.to_string(),
        kind: FindingKind::WeakCredential,
        severity: Severity::Info,
        status: FindingStatus::Open,
        subject: "coverage".to_string(),
        title,
        remediation,
        evidence: vec![Evidence::new("password audit", text.en.clone())],
        controls: CONTROLS.iter().map(|c| c.to_string()).collect(),
        reason: None,
        attributes: {
            attributes.insert("coverage_vi".into(), text.vi);
            attributes
        },
        references: Vec::new(),
    }
}
