//! Host score and summary: pure functions of the per-check outcomes and the
//! findings. See `SCORING.md` beside this crate's `Cargo.toml` for the
//! formula in prose.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CheckResult, Finding, FindingStatus, Score, ScoreDriver, Severity, Summary, Text,
};

/// Weight of a check of this severity in the score.
pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 6,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Highest score a host with at least one failed critical check can get.
pub const CRITICAL_CAP: u8 = 40;
/// Highest score a host with at least one failed high check (and no critical) can get.
pub const HIGH_CAP: u8 = 70;
/// How many drivers [`score`] reports.
pub const MAX_DRIVERS: usize = 5;

/// One check after merging its `CheckResult`s and its open findings.
#[derive(Debug)]
pub(crate) struct CheckView<'a> {
    pub check: &'a str,
    pub outcome: CheckOutcome,
    /// The check's severity, raised to its most severe open finding when it failed.
    pub severity: Severity,
    /// Its open findings, in input order.
    pub open: Vec<&'a Finding>,
}

fn outcome_rank(o: CheckOutcome) -> u8 {
    match o {
        CheckOutcome::NotApplicable => 0,
        CheckOutcome::Pass => 1,
        CheckOutcome::NotAssessed => 2,
        CheckOutcome::Fail => 3,
    }
}

/// Merges check results and findings into one view per check id, sorted by id.
///
/// - Several results for one check id keep the worst outcome
///   (fail > not-assessed > pass > not-applicable) and the highest severity.
/// - A check with an open finding has failed, whatever its result says:
///   nothing passes while a problem was seen.
/// - Open findings whose check has no result count as a failed check of the
///   findings' highest severity, so a finding is never left out of the score.
pub(crate) fn check_views<'a>(
    checks: &'a [CheckResult],
    findings: &'a [Finding],
) -> Vec<CheckView<'a>> {
    let mut map: BTreeMap<&'a str, CheckView<'a>> = BTreeMap::new();
    for c in checks {
        map.entry(c.check.as_str())
            .and_modify(|v| {
                if outcome_rank(c.outcome) > outcome_rank(v.outcome) {
                    v.outcome = c.outcome;
                }
                v.severity = v.severity.max(c.severity);
            })
            .or_insert(CheckView {
                check: &c.check,
                outcome: c.outcome,
                severity: c.severity,
                open: Vec::new(),
            });
    }
    for f in findings.iter().filter(|f| f.status == FindingStatus::Open) {
        let v = map.entry(f.check.as_str()).or_insert(CheckView {
            check: &f.check,
            outcome: CheckOutcome::Fail,
            severity: f.severity,
            open: Vec::new(),
        });
        v.outcome = CheckOutcome::Fail;
        v.severity = v.severity.max(f.severity);
        v.open.push(f);
    }
    map.into_values().collect()
}

/// Host score 0–100 and the failed checks that cost the most points.
///
/// ```text
/// weight:  critical 10, high 6, medium 3, low 1, info 0
/// ran    = checks whose outcome is pass or fail (not-assessed and
///          not-applicable checks are left out: they neither pass nor fail)
/// total  = Σ weight(check) over ran checks
/// lost   = Σ weight(check) over failed checks
/// value  = floor(100 × (total − lost) / total)      (0 when total = 0)
/// then   value ≤ 40 when a critical check failed, else ≤ 70 when a high one did
/// ```
///
/// A failed check weighs as its most severe open finding when that is higher
/// than the check's own severity. Each driver's `points` are
/// `100 × weight / total`, rounded to one decimal: the points it took off
/// before any cap. Drivers are sorted by points (highest first), then check
/// id; at most five. Pure and deterministic.
pub fn score(checks: &[CheckResult], findings: &[Finding]) -> Score {
    let views = check_views(checks, findings);
    let b = breakdown_of(&views);
    let total = b.total;
    let value = b.value;
    let failed = views.iter().filter(|v| v.outcome == CheckOutcome::Fail);

    let mut costly: Vec<&CheckView> = failed.filter(|v| weight(v.severity) > 0).collect();
    // `views` is sorted by check id and the sort is stable, so ties stay in id order.
    costly.sort_by_key(|v| std::cmp::Reverse(weight(v.severity)));
    let drivers = costly
        .into_iter()
        .take(MAX_DRIVERS)
        .map(|v| ScoreDriver {
            check: v.check.to_string(),
            title: driver_title(v),
            severity: v.severity,
            points: points(weight(v.severity), total),
        })
        .collect();
    Score { value, drivers }
}

/// The parts of a score, for renderers that explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown {
    /// Σ weight of the checks that ran (pass or fail).
    pub total: u64,
    /// Σ weight of the failed checks.
    pub lost: u64,
    /// The score before any cap.
    pub uncapped: u8,
    /// The cap that applies (critical → 40, high → 70), if any.
    pub cap: Option<(Severity, u8)>,
    /// The score.
    pub value: u8,
}

/// How [`score`] arrived at its value.
pub fn breakdown(checks: &[CheckResult], findings: &[Finding]) -> Breakdown {
    breakdown_of(&check_views(checks, findings))
}

fn breakdown_of(views: &[CheckView]) -> Breakdown {
    let mut total: u64 = 0;
    let mut lost: u64 = 0;
    let mut worst: Option<Severity> = None;
    for v in views {
        match v.outcome {
            CheckOutcome::Pass => total += u64::from(weight(v.severity)),
            CheckOutcome::Fail => {
                total += u64::from(weight(v.severity));
                lost += u64::from(weight(v.severity));
                worst = worst.max(Some(v.severity));
            }
            CheckOutcome::NotAssessed | CheckOutcome::NotApplicable => {}
        }
    }
    let uncapped = (100 * (total - lost)).checked_div(total).unwrap_or(0);
    let uncapped = u8::try_from(uncapped.min(100)).unwrap_or(100);
    let cap = match worst {
        Some(Severity::Critical) => Some((Severity::Critical, CRITICAL_CAP)),
        Some(Severity::High) => Some((Severity::High, HIGH_CAP)),
        _ => None,
    };
    let value = match cap {
        Some((_, c)) => uncapped.min(c),
        None => uncapped,
    };
    Breakdown {
        total,
        lost,
        uncapped,
        cap,
        value,
    }
}

fn points(w: u32, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    // Integer rounding to tenths, so the value is the same on every platform.
    let tenths = (u64::from(w) * 1000 + total / 2) / total;
    tenths as f64 / 10.0
}

/// The title of a failed check: the title of its most severe open finding
/// (ties: the first by subject), with the number of other findings.
fn driver_title(v: &CheckView) -> Text {
    let mut open = v.open.clone();
    open.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.subject.cmp(&b.subject))
    });
    match open.first() {
        None => Text::new(
            format!("Kiểm tra {} không đạt", v.check),
            format!("Check {} failed", v.check),
        ),
        Some(first) if open.len() == 1 => first.title.clone(),
        Some(first) => {
            let more = open.len() - 1;
            Text::new(
                format!("{} (và {more} phát hiện khác)", first.title.vi),
                format!(
                    "{} (and {more} more finding{})",
                    first.title.en,
                    if more == 1 { "" } else { "s" }
                ),
            )
        }
    }
}

/// Counts of checks by outcome and of open findings by severity.
///
/// Checks are counted after the same merge as [`score`] (one per check id; a
/// check with an open finding counts as failed). `checks_run` is
/// `passed + failed`. Severity counts are of findings with status `open`;
/// not-assessed findings are counted in `not_assessed` through their check.
pub fn summarize(checks: &[CheckResult], findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for v in check_views(checks, findings) {
        match v.outcome {
            CheckOutcome::Pass => s.passed += 1,
            CheckOutcome::Fail => s.failed += 1,
            CheckOutcome::NotAssessed => s.not_assessed += 1,
            CheckOutcome::NotApplicable => s.not_applicable += 1,
        }
    }
    s.checks_run = s.passed + s.failed;
    for f in findings.iter().filter(|f| f.status == FindingStatus::Open) {
        match f.severity {
            Severity::Critical => s.critical += 1,
            Severity::High => s.high += 1,
            Severity::Medium => s.medium += 1,
            Severity::Low => s.low += 1,
            Severity::Info => s.info += 1,
        }
    }
    s
}

/// Whether any open finding is at or above `threshold` (for the exit code).
/// Not-assessed findings never count.
pub fn severity_at_or_above(findings: &[Finding], threshold: Severity) -> bool {
    findings
        .iter()
        .any(|f| f.status == FindingStatus::Open && f.severity >= threshold)
}
