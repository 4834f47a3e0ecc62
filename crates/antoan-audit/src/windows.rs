//! The Windows path of the pipeline: a Windows volume (`--root DIR` with
//! `Windows/System32/config`) or an export folder (`--windows-export DIR`)
//! → antoan-wincollect → Windows baseline + Microsoft lifecycle verdicts.

use std::path::Path;

use antoan_check::Policy;
use antoan_kb::Knowledge;
use antoan_model::{OsFamily, Report, ToolInfo, SCHEMA_VERSION};

use crate::{rfc3339, sort_findings, AuditError, AuditOptions};

/// Policies for a Windows host: those written for Windows or any OS; the
/// built-in Linux baseline, when given, is replaced by the Windows one.
fn windows_policies(policies: &[Policy]) -> Vec<Policy> {
    let mut out = Vec::new();
    for p in policies {
        match p.os_family {
            Some(OsFamily::Linux) if p.id == "linux-baseline" => {
                if !policies.iter().any(|q| q.id == "windows-baseline") {
                    out.insert(0, Policy::windows_baseline());
                }
            }
            Some(OsFamily::Linux) => {}
            _ => out.push(p.clone()),
        }
    }
    out
}

fn open_error(e: antoan_wincollect::WinCollectError) -> AuditError {
    AuditError::User(e.0)
}

/// Audits a mounted Windows volume.
pub(crate) fn run_root(dir: &Path, opts: &AuditOptions, kb: &Knowledge) -> Result<Report, AuditError> {
    let src = antoan_wincollect::open_windows_root(dir).map_err(open_error)?;
    finish(src, opts, kb)
}

/// Audits a folder collected by `scripts/collect-windows.cmd`.
pub(crate) fn run_export(dir: &Path, opts: &AuditOptions, kb: &Knowledge) -> Result<Report, AuditError> {
    if !dir.is_dir() {
        let shown = dir.display();
        return Err(AuditError::new(
            format!("thư mục xuất dữ liệu Windows {shown} không tồn tại hoặc không phải thư mục"),
            format!("Windows export folder {shown} does not exist or is not a directory"),
        ));
    }
    let src = antoan_wincollect::open_export_dir(dir).map_err(open_error)?;
    finish(src, opts, kb)
}

fn finish(src: antoan_wincollect::WindowsSources, opts: &AuditOptions, kb: &Knowledge) -> Result<Report, AuditError> {
    let policies = windows_policies(&opts.policies);
    let mut request = antoan_model::CollectRequest::default();
    for p in &policies {
        request.merge(&p.request());
    }
    let (host, inventory) = antoan_wincollect::collect(&src, &request);
    let eval_opts = antoan_check::EvalOptions { today: Some(opts.now.date().to_string()) };
    let mut evaluation = antoan_check::evaluate_with(&host, &inventory, &policies, &eval_opts);
    let (f, c) = antoan_kb::windows_verdicts(&host, &inventory, &kb.lifecycle, opts.now.date());
    evaluation.findings.extend(f);
    evaluation.checks.extend(c);
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
