//! The ingest hook of host marks: state-secret computers and device handovers.
//!
//! Before a report is stored, one indexed read (`host_marks_by_agent`) says whether the agent's
//! host is marked. A host with no marks pays that read and nothing else.
//!
//! - **State-secret host**: the findings lifecycle sees a clone of the report with the
//!   state-secret findings added (`antoan_inspect::secret`): every deviation is a critical open
//!   finding, fixed when a later report no longer shows it (or the host is unmarked). The stored
//!   report body stays the agent's exact signed bytes.
//! - **Open handovers**: after the report is committed (202), each open handover of the host is
//!   evaluated on this report (`antoan_inspect::handover::evaluate_handover`) and its status
//!   recorded; a report showing an OS installed after the handover date and anti-malware with
//!   current signatures closes it, naming the report.

use std::sync::OnceLock;

use antoan_inspect::handover::{evaluate_handover, Handover, HandoverStatus};
use antoan_inspect::secret::{evaluate_state_secret, state_secret_findings};
use antoan_inspect::Rules;
use antoan_model::Report;
use antoan_store::{HandoverRow, HostMarks, StoreError};

use crate::AppState;

/// The inspection rules shipped with antoan, parsed once per process.
pub fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(Rules::embedded)
}

/// The marks of the agent's host: one indexed read. `None`: the agent has no host yet (its
/// first report) or the host carries no mark at all.
pub async fn lookup(state: &AppState, agent_id: i64) -> Result<Option<HostMarks>, StoreError> {
    Ok(state
        .store
        .host_marks_by_agent(agent_id)
        .await?
        .filter(|m| m.state_secret || !m.open_handovers.is_empty()))
}

/// The report the findings lifecycle should see for a state-secret host: the agent's report
/// with the state-secret findings appended. `None` when the host is not state-secret (the
/// agent's report is used as it is).
pub fn lifecycle_report(marks: Option<&HostMarks>, report: &Report) -> Option<Report> {
    if !marks.is_some_and(|m| m.state_secret) {
        return None;
    }
    Some(with_state_secret_findings(report))
}

/// A clone of `report` with the state-secret findings of the embedded rules appended.
pub fn with_state_secret_findings(report: &Report) -> Report {
    let checks = evaluate_state_secret(report, &rules().state_secret);
    let extra = state_secret_findings(report, &checks);
    let mut r = report.clone();
    r.findings.extend(extra);
    r
}

/// The name under which the handover rules look for this report's host: the hostname, else
/// the machine id.
fn report_host(report: &Report) -> String {
    if report.host.hostname.trim().is_empty() {
        report.host.machine_id.clone()
    } else {
        report.host.hostname.clone()
    }
}

/// The status of one open handover given the report just accepted from its host.
pub fn evaluate(row: &HandoverRow, report: &Report) -> HandoverStatus {
    let h = Handover {
        id: row.id.to_string(),
        host: report_host(report),
        date: row.date.to_string(),
        reason: row.reason.clone(),
        exception: None,
    };
    evaluate_handover(&h, std::slice::from_ref(report), &rules().handover)
}

/// After the report was committed: evaluates every open handover of the host and records the
/// status (closing those the report satisfies). Failures are logged, never turned into an
/// error of the already-accepted submission: the next report evaluates again.
pub async fn after_accept(state: &AppState, marks: &HostMarks, report: &Report, report_id: i64) {
    for row in &marks.open_handovers {
        let status = evaluate(row, report);
        let closed = (!status.is_open()).then_some(report_id);
        let json = match serde_json::to_string(&status) {
            Ok(j) => j,
            Err(e) => {
                crate::log_error(&format!(
                    "handover {}: status not serialisable: {e}",
                    row.id
                ));
                continue;
            }
        };
        if json == row.status && closed.is_none() {
            continue;
        }
        if let Err(e) = state
            .store
            .record_handover_status(row.id, &json, closed)
            .await
        {
            crate::log_error(&format!("handover {}: status not recorded: {e}", row.id));
        }
    }
}

/// A stored handover status (`HandoverRow.status`), read back for display. Unknown or broken
/// JSON reads as [`StatusView::Unknown`], never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusView {
    /// Not evaluated yet (no report since it was opened).
    NotEvaluated,
    Evaluated(HandoverStatus),
    Unknown,
}

impl StatusView {
    pub fn parse(json: &str) -> StatusView {
        if json.trim().is_empty() {
            return StatusView::NotEvaluated;
        }
        match serde_json::from_str::<HandoverStatus>(json) {
            Ok(s) => StatusView::Evaluated(s),
            Err(_) => StatusView::Unknown,
        }
    }

    /// The latest evaluation in one language, one line per reason.
    pub fn lines(&self, lang: antoan_model::Lang) -> Vec<String> {
        use antoan_model::Lang;
        let vi = lang == Lang::Vi;
        match self {
            StatusView::NotEvaluated => vec![if vi {
                "Chưa đánh giá: chưa có báo cáo nào của máy từ khi mở bàn giao".into()
            } else {
                "Not evaluated yet: no report of the host since the handover was opened".into()
            }],
            StatusView::Evaluated(HandoverStatus::Open { reasons }) => {
                reasons.iter().map(|t| t.get(lang).to_string()).collect()
            }
            StatusView::Evaluated(HandoverStatus::Closed {
                report,
                install_date,
                antivirus,
                signature_date,
            }) => vec![if vi {
                format!(
                    "Đã cài lại hệ điều hành ngày {install_date}; {antivirus} có mẫu nhận diện ngày {signature_date} (báo cáo lúc {report})"
                )
            } else {
                format!(
                    "Operating system reinstalled on {install_date}; {antivirus} signatures of {signature_date} (report of {report})"
                )
            }],
            StatusView::Evaluated(HandoverStatus::ClosedByException { inspector, reason }) => {
                vec![if vi {
                    format!("Ngoại lệ do {inspector} ghi nhận: {reason}")
                } else {
                    format!("Exception recorded by {inspector}: {reason}")
                }]
            }
            StatusView::Unknown => vec![if vi {
                "Không đọc được kết quả đánh giá đã lưu".into()
            } else {
                "The stored evaluation could not be read".into()
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antoan_model::{Lang, Text};

    #[test]
    fn stored_status_reads_back_and_garbage_never_panics() {
        let open = HandoverStatus::Open {
            reasons: vec![Text::new("Chưa cài lại", "Not reinstalled")],
        };
        let v = StatusView::parse(&serde_json::to_string(&open).unwrap());
        assert_eq!(v.lines(Lang::Vi), vec!["Chưa cài lại".to_string()]);
        assert_eq!(v.lines(Lang::En), vec!["Not reinstalled".to_string()]);
        let closed = HandoverStatus::Closed {
            report: "2026-11-20T08:00:00Z".into(),
            install_date: "2026-11-01".into(),
            antivirus: "Microsoft Defender".into(),
            signature_date: "2026-11-19".into(),
        };
        let v = StatusView::parse(&serde_json::to_string(&closed).unwrap());
        assert!(matches!(v, StatusView::Evaluated(HandoverStatus::Closed { .. })), "{v:?}");
        assert!(v.lines(Lang::Vi)[0].contains("2026-11-01"));
        assert_eq!(StatusView::parse(""), StatusView::NotEvaluated);
        for bad in [
            "{",
            "null",
            "[1,2]",
            "{\"state\":\"weird\"}",
            "\u{0}\u{ffff}",
            "{\"state\":\"open\",\"reasons\":5}",
        ] {
            assert_eq!(StatusView::parse(bad), StatusView::Unknown, "{bad}");
        }
    }
}
