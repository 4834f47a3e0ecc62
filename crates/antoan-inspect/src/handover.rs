//! Device handover: when a computer changes function or owner, a handover
//! record is opened. It closes only when a report made after the handover
//! shows an operating system installed after the handover date and an
//! anti-malware product with current signatures — or when an inspector
//! records an exception. Pure: the reports are given.

use antoan_model::{OsFamily, Report, Text};
use serde::{Deserialize, Serialize};

use crate::model::{date_of, parse_date};
use crate::rules::HandoverRules;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub id: String,
    /// Host name or machine id, as the reports carry it.
    pub host: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<HandoverException>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverException {
    pub inspector: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub reason: String,
}

/// Serialised (and stored by the server) as JSON tagged by `state`; reads back with `Deserialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum HandoverStatus {
    Open {
        /// Why it is not closed yet, from the newest report after the handover.
        reasons: Vec<Text>,
    },
    Closed {
        /// `generated_at` of the report that closed it.
        report: String,
        install_date: String,
        antivirus: String,
        signature_date: String,
    },
    ClosedByException {
        inspector: String,
        reason: String,
    },
}

impl HandoverStatus {
    pub fn is_open(&self) -> bool {
        matches!(self, HandoverStatus::Open { .. })
    }
}

fn same_host(h: &str, r: &Report) -> bool {
    let h = h.trim();
    !h.is_empty()
        && (r.host.hostname.eq_ignore_ascii_case(h)
            || (!r.host.machine_id.is_empty() && r.host.machine_id == h))
}

/// Why one report does not close the handover (empty: it does), with the
/// facts it closes it on.
fn judge(
    r: &Report,
    since: time::Date,
    rules: &HandoverRules,
) -> Result<(String, String, String), Vec<Text>> {
    let mut why = Vec::new();
    let report_date = date_of(&r.generated_at);
    // Windows carries the date in its registry (InstallDate); other hosts
    // in `os_install` (Linux: root filesystem birth time, installer logs).
    let (installed, what) = match (r.host.os.family, &r.inventory.windows) {
        (OsFamily::Windows, Some(w)) if w.install_date.is_some() => {
            (w.install_date.clone(), "InstallDate".to_string())
        }
        _ => match &r.inventory.os_install {
            Some(i) => (Some(i.date.clone()), i.source.clone()),
            None => (None, String::new()),
        },
    };
    let install = match installed.as_deref().map(|d| (d, parse_date(d))) {
        Some((_, Some(d))) if d > since => Some(d),
        Some((_, Some(d))) => {
            why.push(Text::new(
                format!("Hệ điều hành cài ngày {d}, không sau ngày bàn giao {since}: chưa cài lại (theo {what})"),
                format!("The operating system was installed on {d}, not after the handover on {since}: not reinstalled (from {what})"),
            ));
            None
        }
        Some((raw, None)) => {
            why.push(Text::new(
                format!("Ngày cài đặt hệ điều hành {raw:?} ({what}) không hợp lệ"),
                format!("The operating-system installation date {raw:?} ({what}) is not valid"),
            ));
            None
        }
        None if r.host.os.family == OsFamily::Windows => {
            why.push(Text::new(
                "Báo cáo không có ngày cài đặt hệ điều hành (InstallDate)",
                "The report carries no operating-system installation date (InstallDate)",
            ));
            None
        }
        None => {
            let note = r.inventory.note("os-install");
            let detail = note
                .filter(|n| !n.reason.is_empty())
                .map(|n| format!(": {}", n.reason))
                .unwrap_or_default();
            why.push(match note {
                Some(_) => Text::new(
                    format!("Chưa đánh giá được: không xác định được ngày cài đặt hệ điều hành{detail}"),
                    format!("Not assessed: the operating-system installation date could not be determined{detail}"),
                ),
                None => Text::new(
                    "Chưa đánh giá được: báo cáo không ghi ngày cài đặt hệ điều hành (tác tử hoặc antoan phiên bản cũ)",
                    "Not assessed: the report does not record an operating-system installation date (an older agent or antoan version)",
                ),
            });
            None
        }
    };
    let mut av = None;
    if !r.inventory.collected("antivirus") {
        why.push(Text::new(
            "Chưa đánh giá được: báo cáo không thu thập thông tin phần mềm phòng chống mã độc",
            "Not assessed: the report did not collect anti-malware information",
        ));
    } else if r.inventory.antivirus.is_empty() {
        why.push(Text::new(
            "Không có phần mềm phòng chống mã độc",
            "No anti-malware software is installed",
        ));
    } else {
        let mut best: Option<(&str, time::Date)> = None;
        for a in &r.inventory.antivirus {
            if let Some(d) = a.signature_date.as_deref().and_then(parse_date) {
                if best.is_none_or(|(_, b)| d > b) {
                    best = Some((a.name.as_str(), d));
                }
            }
        }
        match (best, report_date) {
            (Some((name, d)), Some(rd))
                if (rd - d).whole_days() <= rules.max_signature_age_days =>
            {
                av = Some((name.to_string(), d))
            }
            (Some((name, d)), _) => why.push(Text::new(
                format!(
                    "Mẫu nhận diện của {name} ngày {d} đã cũ (quá {} ngày)",
                    rules.max_signature_age_days
                ),
                format!(
                    "{name} signatures of {d} are out of date (more than {} days old)",
                    rules.max_signature_age_days
                ),
            )),
            (None, _) => why.push(Text::new(
                "Không xác định được ngày mẫu nhận diện mã độc",
                "The anti-malware signature date is not known",
            )),
        }
    }
    match (install, av, why.is_empty()) {
        (Some(i), Some((name, sig)), true) => Ok((i.to_string(), name, sig.to_string())),
        _ => Err(why),
    }
}

/// The state of a handover record given the host's reports (any order).
pub fn evaluate_handover(
    h: &Handover,
    reports: &[Report],
    rules: &HandoverRules,
) -> HandoverStatus {
    if let Some(x) = &h.exception {
        return HandoverStatus::ClosedByException {
            inspector: x.inspector.clone(),
            reason: x.reason.clone(),
        };
    }
    let Some(since) = parse_date(&h.date) else {
        return HandoverStatus::Open {
            reasons: vec![Text::new(
                format!("Ngày bàn giao {:?} không hợp lệ", h.date),
                format!("The handover date {:?} is not valid", h.date),
            )],
        };
    };
    let mut later: Vec<&Report> = reports
        .iter()
        .filter(|r| same_host(&h.host, r) && date_of(&r.generated_at).is_some_and(|d| d > since))
        .collect();
    // Newest first.
    later.sort_by(|a, b| b.generated_at.cmp(&a.generated_at));
    let mut newest_reasons = None;
    for r in later {
        match judge(r, since, rules) {
            Ok((install_date, antivirus, signature_date)) => {
                return HandoverStatus::Closed {
                    report: r.generated_at.clone(),
                    install_date,
                    antivirus,
                    signature_date,
                };
            }
            Err(why) => {
                if newest_reasons.is_none() {
                    newest_reasons = Some(why);
                }
            }
        }
    }
    HandoverStatus::Open {
        reasons: newest_reasons.unwrap_or_else(|| {
            vec![Text::new(
                format!(
                    "Chưa có báo cáo nào của máy {} sau ngày bàn giao {since}",
                    h.host
                ),
                format!("No report of host {} after the handover on {since}", h.host),
            )]
        }),
    }
}
