//! The host-audit pipeline, shared by `antoan audit` and the agent:
//! collect (IO) → evaluate (pure) → assemble the report.
//!
//! This crate only wires the others; it holds no check, collector or
//! rendering logic of its own.

use std::path::{Path, PathBuf};

use antoan_check::Policy;
use antoan_collect::Source;
use antoan_kb::Knowledge;
use antoan_model::{
    CollectRequest, Finding, HostInfo, Inventory, OsFamily, Report, Text, ToolInfo, SCHEMA_VERSION,
};
use time::OffsetDateTime;

mod windows;
pub mod passwords;

/// Largest policy file accepted; policies are small hand-written files.
const MAX_POLICY_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{}", .0.en)]
    User(Text),
}

impl AuditError {
    fn new(vi: String, en: String) -> AuditError {
        AuditError::User(Text { vi, en })
    }

    pub fn text(&self) -> &Text {
        match self {
            AuditError::User(t) => t,
        }
    }
}

pub struct AuditOptions {
    pub source: Source,
    /// A folder collected on a live Windows machine (`--windows-export`);
    /// when set it is audited instead of `source`.
    pub windows_export: Option<PathBuf>,
    /// Run the built-in baseline of the audited OS family (Linux or Windows).
    pub baseline: bool,
    /// The user's policies, in order; those written for another OS family are skipped.
    pub policies: Vec<Policy>,
    /// The instant the evaluation is made at: end-of-life verdicts are relative to it.
    pub now: OffsetDateTime,
    /// The local vulnerability store (`antoan kb import`); Debian/Ubuntu/RHEL-like
    /// packages are matched against it when it exists. Absent: nothing to match.
    pub vuln_store: Option<PathBuf>,
}

/// Reads and validates a user policy file: size-capped, UTF-8, parsed, and
/// every control it names must exist in the loaded catalog.
pub fn load_policy_file(path: &Path, kb: &Knowledge) -> Result<Policy, AuditError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        AuditError::new(
            format!("không đọc được tệp chính sách {shown}: {e}"),
            format!("cannot read policy file {shown}: {e}"),
        )
    })?;
    if meta.len() > MAX_POLICY_BYTES {
        return Err(AuditError::new(
            format!("tệp chính sách {shown} quá lớn ({} byte, tối đa {MAX_POLICY_BYTES})", meta.len()),
            format!("policy file {shown} is too large ({} bytes, at most {MAX_POLICY_BYTES})", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        AuditError::new(
            format!("không đọc được tệp chính sách {shown}: {e}"),
            format!("cannot read policy file {shown}: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        AuditError::new(
            format!("tệp chính sách {shown} không phải UTF-8 (byte lỗi ở vị trí {})", e.utf8_error().valid_up_to()),
            format!("policy file {shown} is not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        )
    })?;
    let policy = Policy::parse(&text, &shown).map_err(|e| {
        AuditError::new(format!("chính sách không hợp lệ: {e}"), format!("invalid policy: {e}"))
    })?;
    antoan_check::validate_controls(&policy, &kb.controls.ids()).map_err(|e| {
        AuditError::new(format!("chính sách không hợp lệ: {e}"), format!("invalid policy: {e}"))
    })?;
    Ok(policy)
}

/// The source for `--root DIR`, or the live system.
pub fn source_for(root: Option<PathBuf>) -> Source {
    match root {
        Some(dir) => Source::Root(dir),
        None => Source::Live,
    }
}

/// What was collected, from either kind of system.
enum Collected {
    Linux(HostInfo, Inventory),
    Windows(HostInfo, Inventory),
}

/// Runs one audit and assembles the report.
pub fn run(opts: &AuditOptions, kb: &Knowledge) -> Result<Report, AuditError> {
    // Lifecycle data imported with `antoan kb import` replaces the embedded
    // data where it is newer (an unreadable store is reported by the
    // vulnerability check below).
    let overlaid;
    let kb = match opts.vuln_store.as_deref().map(|s| {
        let mut l = kb.lifecycle.clone();
        antoan_vuln::overlay_lifecycle(s, &mut l).map(|used| (l, used))
    }) {
        Some(Ok((lifecycle, used))) if !used.is_empty() => {
            let mut k = kb.clone();
            k.lifecycle = lifecycle;
            k.sources.extend(used);
            overlaid = k;
            &overlaid
        }
        _ => kb,
    };
    let family = target_family(opts)?;
    let policies = policies_for(family, opts);
    let mut request = CollectRequest::default();
    for p in &policies {
        request.merge(&p.request());
    }

    let collected = match family {
        OsFamily::Windows => {
            let (host, inventory) = windows::collect(opts, &request)?;
            Collected::Windows(host, inventory)
        }
        _ => {
            let (host, inventory) = antoan_collect::collect_linux(&opts.source, &request).map_err(|e| {
                AuditError::new(format!("không thu thập được thông tin máy: {e}"), format!("collection failed: {e}"))
            })?;
            Collected::Linux(host, inventory)
        }
    };

    let today = opts.now.date();
    let eval_opts = antoan_check::EvalOptions { today: Some(today.to_string()) };
    let (host, inventory, mut evaluation) = match collected {
        Collected::Linux(host, inventory) => {
            let mut ev = antoan_check::evaluate_with(&host, &inventory, &policies, &eval_opts);
            let (finding, check) = antoan_kb::os_eol(&host, &kb.lifecycle, today);
            ev.findings.extend(finding);
            ev.checks.push(check);
            if let Some(store) = &opts.vuln_store {
                let (findings, check) = match antoan_vuln::audit(store, &host, &inventory) {
                    Ok(Some((findings, check))) => (findings, Some(check)),
                    Ok(None) => (Vec::new(), None),
                    Err(e) => {
                        let (f, c) = antoan_vuln::not_assessed(&host, e.text());
                        (vec![f], Some(c))
                    }
                };
                ev.findings.extend(findings);
                ev.checks.extend(check);
            }
            (host, inventory, ev)
        }
        Collected::Windows(host, inventory) => {
            let mut ev = antoan_check::evaluate_with(&host, &inventory, &policies, &eval_opts);
            let (findings, checks) = antoan_kb::windows_verdicts(&host, &inventory, &kb.lifecycle, &kb.patches, today);
            ev.findings.extend(findings);
            ev.checks.extend(checks);
            if let Some(store) = &opts.vuln_store {
                // NVD matching of the Windows release and installed programs.
                let patch = windows::patch_level(&inventory, &kb.patches);
                match antoan_vuln::audit_windows(store, &host, &inventory, patch) {
                    Ok(Some((findings, check))) => {
                        ev.findings.extend(findings);
                        ev.checks.push(check);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let (f, c) = antoan_vuln::not_assessed(&host, e.text());
                        ev.findings.push(f);
                        ev.checks.push(c);
                    }
                }
            }
            (host, inventory, ev)
        }
    };
    sort_findings(&mut evaluation.findings);
    evaluation.checks.sort_by(|a, b| a.check.cmp(&b.check));

    let summary = antoan_report::summarize(&evaluation.checks, &evaluation.findings);
    let score = antoan_report::score(&evaluation.checks, &evaluation.findings);
    Ok(Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo { name: "antoan".into(), version: env!("CARGO_PKG_VERSION").into() },
        generated_at: rfc3339(opts.now),
        host,
        inventory,
        findings: evaluation.findings,
        checks: evaluation.checks,
        summary,
        score,
        knowledge: kb.sources.clone(),
    })
}

/// Which kind of system is audited, or a clear error when there is none.
fn target_family(opts: &AuditOptions) -> Result<OsFamily, AuditError> {
    if opts.windows_export.is_some() {
        return Ok(OsFamily::Windows);
    }
    if let Source::Root(dir) = &opts.source {
        let shown = dir.display();
        if !dir.is_dir() {
            return Err(AuditError::new(
                format!("thư mục gốc {shown} không tồn tại hoặc không phải thư mục"),
                format!("root {shown} does not exist or is not a directory"),
            ));
        }
    }
    match antoan_collect::detect_family(&opts.source) {
        OsFamily::Linux => Ok(OsFamily::Linux),
        OsFamily::Windows => match &opts.source {
            Source::Root(_) => Ok(OsFamily::Windows),
            Source::Live => Err(AuditError::new(
                "không kiểm tra trực tiếp được Windows đang chạy: chạy scripts/collect-windows.cmd rồi dùng --windows-export".into(),
                "a running Windows is not audited live: run scripts/collect-windows.cmd and use --windows-export".into(),
            )),
        },
        OsFamily::Unknown => {
            let what = match &opts.source {
                Source::Live => "/".to_string(),
                Source::Root(d) => d.display().to_string(),
            };
            Err(AuditError::new(
                format!("không nhận ra hệ điều hành trong {what} (không có etc/os-release hay Windows/System32/config)"),
                format!("no operating system recognised in {what} (no etc/os-release nor Windows/System32/config)"),
            ))
        }
    }
}

/// The built-in baseline of the family (when wanted), then the user's
/// policies written for that family or for any.
fn policies_for(family: OsFamily, opts: &AuditOptions) -> Vec<Policy> {
    let mut out = Vec::new();
    if opts.baseline {
        out.push(match family {
            OsFamily::Windows => Policy::windows_baseline(),
            _ => Policy::linux_baseline(),
        });
    }
    out.extend(
        opts.policies
            .iter()
            .filter(|p| p.os_family.is_none() || p.os_family == Some(family))
            .cloned(),
    );
    out
}

/// Findings in a fixed order: most severe first, then check, then subject,
/// so the same inputs always print the same report.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.status.cmp(&b.status))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
    });
}

/// An instant as RFC 3339 in UTC, whole seconds: the form reports carry.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Parses `--now`: a date (`2026-11-24`, taken as midnight UTC) or an RFC 3339 instant.
pub fn parse_now(s: &str) -> Result<OffsetDateTime, AuditError> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &fmt) {
        return Ok(d.midnight().assume_utc());
    }
    Err(AuditError::new(
        format!("ngày giờ '{s}' không hợp lệ (dùng YYYY-MM-DD hoặc RFC 3339)"),
        format!("invalid date '{s}' (use YYYY-MM-DD or RFC 3339)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_now_accepts_date_and_rfc3339() {
        assert_eq!(rfc3339(parse_now("2026-11-24").unwrap()), "2026-11-24T00:00:00Z");
        assert_eq!(rfc3339(parse_now("2026-11-24T10:00:00+07:00").unwrap()), "2026-11-24T03:00:00Z");
        assert!(parse_now("24/11/2026").is_err());
    }
}
