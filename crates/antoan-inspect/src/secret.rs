//! State-secret computers: a host marked as holding state secrets must show
//! no network interface with a route outside the host, no wireless, no
//! remote-control software and USB storage restricted. Every deviation is a
//! `critical` finding; a rule the report cannot answer (its collector did
//! not run or could not read its source) is `not-assessed` with the reason,
//! never passed.
//!
//! Network and wireless read `Inventory::network` (collectors `network` and
//! `network.wifi`): live interfaces and routes on a running host,
//! configuration on a mounted disk or a Windows registry. Remote control
//! reads the baseline findings and the installed programs; USB the baseline
//! checks' outcomes.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CollectorStatus, Finding, FindingKind, FindingStatus, InterfaceKind, Report,
    Severity, Text,
};
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

/// Why a collector's data cannot be used, or `None` when it ran fine.
fn not_collected(r: &Report, collector: &str) -> Option<Text> {
    match r.inventory.note(collector) {
        Some(n) if n.status == CollectorStatus::Ok => None,
        Some(n) => {
            let status = match n.status {
                CollectorStatus::Absent => ("không có nguồn dữ liệu", "its source is absent"),
                CollectorStatus::Skipped => {
                    ("không chạy ở chế độ này", "it did not run in this mode")
                }
                _ => ("không đọc được", "it could not read its source"),
            };
            let why = if n.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", n.reason)
            };
            Some(Text::new(
                format!(
                    "Chưa đánh giá được: bộ thu thập {collector} {}{why}",
                    status.0
                ),
                format!("Not assessed: collector {collector}: {}{why}", status.1),
            ))
        }
        None => Some(Text::new(
            format!(
                "Chưa đánh giá được: báo cáo không có kết quả của bộ thu thập {collector} (tác tử hoặc antoan phiên bản cũ)"
            ),
            format!(
                "Not assessed: the report has no result of collector {collector} (an older agent or antoan version)"
            ),
        )),
    }
}

/// `secret.network`: no non-loopback interface up with an address, no
/// route through a non-loopback interface.
fn network_check(r: &Report) -> SecretCheck {
    let title = (
        "Không có giao diện mạng định tuyến ra ngoài máy",
        "No network interface with a route outside the host",
    );
    let id = "secret.network";
    let net = r.inventory.network.as_ref();
    if let Some(why) = not_collected(r, "network") {
        return check(id, Outcome::NotAssessed, title, why);
    }
    let Some(net) = net else {
        let why = Text::new(
            "Chưa đánh giá được: báo cáo không ghi giao diện mạng",
            "Not assessed: the report records no network interfaces",
        );
        return check(id, Outcome::NotAssessed, title, why);
    };
    let loopback = |name: &str| {
        net.interfaces
            .iter()
            .any(|i| i.name == name && i.kind == InterfaceKind::Loopback)
            || name == "lo"
    };
    let mut seen: Vec<String> = Vec::new();
    for i in net
        .interfaces
        .iter()
        .filter(|i| i.kind != InterfaceKind::Loopback && i.up)
    {
        if !i.addresses.is_empty() {
            seen.push(format!("{} ({})", i.name, i.addresses.join(", ")));
        } else if i.dhcp {
            seen.push(format!("{} (DHCP)", i.name));
        }
    }
    for rt in net.routes.iter().filter(|rt| !loopback(&rt.interface)) {
        // Neutral notation, the same in both languages: "0.0.0.0/0 → 192.168.1.1 [eth0]".
        let via = match &rt.gateway {
            Some(g) => format!(" → {g}"),
            None => String::new(),
        };
        let dev = if rt.interface.is_empty() {
            String::new()
        } else {
            format!(" [{}]", rt.interface)
        };
        seen.push(format!("{}{via}{dev}", rt.destination));
    }
    seen.dedup();
    let mode = if net.live {
        ("trạng thái đang chạy", "running state")
    } else {
        ("cấu hình", "configuration")
    };
    if seen.is_empty() {
        let down: Vec<&str> = net
            .interfaces
            .iter()
            .filter(|i| i.kind != InterfaceKind::Loopback)
            .map(|i| i.name.as_str())
            .collect();
        let tail = |vi: bool| {
            if down.is_empty() {
                String::new()
            } else if vi {
                format!(
                    "; giao diện không hoạt động, không có địa chỉ: {}",
                    down.join(", ")
                )
            } else {
                format!(
                    "; interfaces down or without an address: {}",
                    down.join(", ")
                )
            }
        };
        return check(
            id,
            Outcome::Ok,
            title,
            Text::new(
                format!(
                    "Chỉ có giao diện loopback hoạt động ({}){}",
                    mode.0,
                    tail(true)
                ),
                format!(
                    "Only the loopback interface is in use ({}){}",
                    mode.1,
                    tail(false)
                ),
            ),
        );
    }
    let list = seen.join("; ");
    check(
        id,
        Outcome::Deviation,
        title,
        Text::new(
            format!("Máy có kết nối mạng ({}): {list}", mode.0),
            format!("The host is networked ({}): {list}", mode.1),
        ),
    )
}

/// `secret.wireless`: no wireless adapter, no saved Wi-Fi profile.
fn wireless_check(r: &Report) -> SecretCheck {
    let title = ("Không có kết nối không dây", "No wireless");
    let id = "secret.wireless";
    let net = r.inventory.network.as_ref();
    let adapters: Vec<String> = net
        .map(|n| {
            n.interfaces
                .iter()
                .filter(|i| i.kind == InterfaceKind::Wireless)
                .map(|i| i.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut ssids: Vec<String> = net
        .map(|n| n.wifi_profiles.iter().map(|p| p.ssid.clone()).collect())
        .unwrap_or_default();
    ssids.sort();
    ssids.dedup();
    if !adapters.is_empty() || !ssids.is_empty() {
        let mut vi = Vec::new();
        let mut en = Vec::new();
        if !adapters.is_empty() {
            vi.push(format!("bộ điều hợp không dây: {}", adapters.join(", ")));
            en.push(format!("wireless adapter(s): {}", adapters.join(", ")));
        }
        if !ssids.is_empty() {
            vi.push(format!("mạng Wi-Fi đã lưu: {}", ssids.join(", ")));
            en.push(format!("saved Wi-Fi network(s): {}", ssids.join(", ")));
        }
        return check(
            id,
            Outcome::Deviation,
            title,
            Text::new(
                format!("Có {}", vi.join("; ")),
                format!("Found {}", en.join("; ")),
            ),
        );
    }
    if let Some(why) = not_collected(r, "network").or_else(|| not_collected(r, "network.wifi")) {
        return check(id, Outcome::NotAssessed, title, why);
    }
    let service = match net.and_then(|n| n.wireless_service) {
        Some(true) => (
            "; dịch vụ WLAN AutoConfig đang bật (nên tắt)",
            "; the WLAN AutoConfig service is enabled (better disabled)",
        ),
        _ => ("", ""),
    };
    check(
        id,
        Outcome::Ok,
        title,
        Text::new(
            format!(
                "Không thấy bộ điều hợp không dây hay mạng Wi-Fi đã lưu{}",
                service.0
            ),
            format!(
                "No wireless adapter or saved Wi-Fi network seen{}",
                service.1
            ),
        ),
    )
}

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
    out.push(network_check(r));
    out.push(wireless_check(r));

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
