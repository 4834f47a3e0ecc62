//! State-secret computers: a host marked as holding state secrets must show
//! no network interface with a route outside the host, no wireless, no
//! remote-control software and USB storage restricted. Every deviation is a
//! `critical` finding; a rule the report cannot answer (the inventory does
//! not carry the data yet) is `not-assessed` with the reason, never passed.

use std::collections::BTreeMap;

use antoan_model::{CheckOutcome, Finding, FindingKind, FindingStatus, Report, Severity, Text};
use serde::Serialize;

use crate::rules::{glob, StateSecretRules};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    Deviation,
    NotAssessed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretCheck {
    /// `secret.network`, `secret.wireless`, `secret.remote-control`, `secret.usb`.
    pub id: &'static str,
    pub title: Text,
    pub outcome: Outcome,
    /// What was seen, or why it could not be assessed.
    pub detail: Text,
}

/// Collectors the rules would need that the inventory does not have yet.
pub const MISSING_COLLECTORS: &[&str] = &[
    "network interfaces with their addresses and routing table (Linux: /proc/net/route, ip route; Windows: Tcpip\\Parameters\\Interfaces and the live route table)",
    "wireless adapters and saved Wi-Fi profiles (Linux: /sys/class/net/*/wireless, NetworkManager connections; Windows: WLAN profiles, the wlansvc service)",
];

fn check(id: &'static str, outcome: Outcome, title: (&str, &str), detail: Text) -> SecretCheck {
    SecretCheck {
        id,
        title: Text::new(title.0, title.1),
        outcome,
        detail,
    }
}

/// Evaluates the four rules on one report of a state-secret host.
pub fn evaluate_state_secret(r: &Report, rules: &StateSecretRules) -> Vec<SecretCheck> {
    let mut out = Vec::new();
    out.push(check(
        "secret.network",
        Outcome::NotAssessed,
        ("Không có giao diện mạng định tuyến ra ngoài máy", "No network interface with a route outside the host"),
        Text::new(
            "Chưa đánh giá được: báo cáo chưa ghi giao diện mạng và bảng định tuyến (thiếu bộ thu thập)",
            "Not assessed: the report does not record network interfaces and routes yet (no collector for them)",
        ),
    ));
    out.push(check(
        "secret.wireless",
        Outcome::NotAssessed,
        ("Không có kết nối không dây", "No wireless"),
        Text::new(
            "Chưa đánh giá được: báo cáo chưa ghi bộ điều hợp không dây, cấu hình Wi-Fi (thiếu bộ thu thập)",
            "Not assessed: the report does not record wireless adapters or Wi-Fi profiles yet (no collector for them)",
        ),
    ));

    // Remote control: the baseline checks, then the names of installed programs.
    let mut seen: Vec<String> = Vec::new();
    for f in r.findings.iter().filter(|f| {
        f.status == FindingStatus::Open
            && rules
                .remote_control_checks
                .iter()
                .any(|p| glob(p, &f.check))
    }) {
        seen.push(f.subject.clone());
    }
    let names = r.inventory.packages.iter().map(|p| p.name.as_str()).chain(
        r.inventory
            .windows
            .iter()
            .flat_map(|w| w.programs.iter().map(|p| p.name.as_str())),
    );
    for n in names {
        let low = n.to_lowercase();
        if rules
            .remote_control_programs
            .iter()
            .any(|p| low.starts_with(p.as_str()))
        {
            seen.push(n.to_string());
        }
    }
    seen.sort();
    seen.dedup();
    let programs_read = ["packages.windows", "packages.dpkg", "packages.rpm"]
        .iter()
        .any(|c| r.inventory.collected(c));
    let title = (
        "Không có phần mềm điều khiển từ xa",
        "No remote-control software",
    );
    out.push(if !seen.is_empty() {
        check(
            "secret.remote-control",
            Outcome::Deviation,
            title,
            Text::new(
                format!("Có phần mềm điều khiển từ xa: {}", seen.join(", ")),
                format!("Remote-control software present: {}", seen.join(", ")),
            ),
        )
    } else if programs_read {
        check(
            "secret.remote-control",
            Outcome::Ok,
            title,
            Text::new(
                "Không thấy phần mềm điều khiển từ xa",
                "No remote-control software seen",
            ),
        )
    } else {
        check(
            "secret.remote-control",
            Outcome::NotAssessed,
            title,
            Text::new(
                "Chưa đánh giá được: báo cáo không có danh sách phần mềm",
                "Not assessed: the report has no list of installed software",
            ),
        )
    });

    // USB storage: the baseline checks' outcomes.
    let usb: Vec<_> = r
        .checks
        .iter()
        .filter(|c| rules.usb_checks.iter().any(|p| glob(p, &c.check)))
        .collect();
    let title = ("Hạn chế thiết bị lưu trữ USB", "USB storage restricted");
    out.push(if usb.iter().any(|c| c.outcome == CheckOutcome::Fail) {
        check(
            "secret.usb",
            Outcome::Deviation,
            title,
            Text::new(
                "Máy cho phép dùng thiết bị lưu trữ USB",
                "The host allows USB storage devices",
            ),
        )
    } else if !usb.is_empty() && usb.iter().all(|c| c.outcome == CheckOutcome::Pass) {
        check(
            "secret.usb",
            Outcome::Ok,
            title,
            Text::new("Lưu trữ USB bị chặn", "USB storage is blocked"),
        )
    } else {
        check(
            "secret.usb",
            Outcome::NotAssessed,
            title,
            Text::new(
                "Chưa đánh giá được: báo cáo không có kết quả kiểm tra lưu trữ USB",
                "Not assessed: the report has no result of the USB storage check",
            ),
        )
    });
    out
}

/// The checks as findings: every deviation `critical` and open, every rule
/// that could not be assessed `critical` and not-assessed with its reason.
pub fn state_secret_findings(r: &Report, checks: &[SecretCheck]) -> Vec<Finding> {
    let key = r.host.identity_key();
    checks
        .iter()
        .filter(|c| c.outcome != Outcome::Ok)
        .map(|c| {
            let (kind, controls) = match c.id {
                "secret.usb" => (FindingKind::Config, vec!["S.3".to_string()]),
                "secret.remote-control" => (FindingKind::Exposure, vec!["S.1".to_string(), "T2.7".to_string()]),
                _ => (FindingKind::Exposure, vec!["S.1".to_string()]),
            };
            let subject = format!("host:{}", r.host.hostname);
            let deviation = c.outcome == Outcome::Deviation;
            Finding {
                id: Finding::stable_id(&key, c.id, &subject),
                check: c.id.to_string(),
                kind,
                severity: Severity::Critical,
                status: if deviation { FindingStatus::Open } else { FindingStatus::NotAssessed },
                subject,
                title: Text::new(
                    format!("Máy tính soạn thảo bí mật nhà nước: {}", c.title.vi.to_lowercase()),
                    format!("State-secret computer: {}", c.title.en.to_lowercase()),
                ),
                remediation: Text::new(
                    "Máy tính soạn thảo, lưu trữ bí mật nhà nước phải độc lập, không kết nối mạng, không có kết nối không dây, không cài phần mềm điều khiển từ xa và chặn thiết bị lưu trữ USB không được phép.",
                    "A computer that holds state secrets must stand alone, with no network connection, no wireless, no remote-control software, and unapproved USB storage blocked.",
                ),
                evidence: if deviation { vec![antoan_model::Evidence::new(c.id, c.detail.en.clone())] } else { Vec::new() },
                controls,
                reason: if deviation { None } else { Some(c.detail.clone()) },
                attributes: BTreeMap::new(),
                references: Vec::new(),
            }
        })
        .collect()
}
