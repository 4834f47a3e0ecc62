//! NVD matching of a Windows host: the Windows release (as NVD names it,
//! `o:microsoft:windows_10_22h2`, version `10.0.19045.UBR`) and the installed
//! programs (through the [`crate::program_cpe`] map) against the NVD records
//! of the store. Pure: no IO, no clock.
//!
//! Findings, per platform (the Windows release or one program):
//! * `vuln.nvd` (`open`; severity the highest CVSS base severity of its
//!   CVEs, `medium` when unscored; `critical` when a CVE is known exploited):
//!   CVEs whose version bounds include the installed version, or that name
//!   the installed version exactly; for a Windows release named without any
//!   bound, CVEs published after the installed cumulative update's month.
//! * `vuln.nvd-unversioned` (`info`): CVEs that name the product without
//!   any version information, so NVD alone cannot say whether the installed
//!   version is fixed (the vendor's advisory decides).

use std::collections::BTreeMap;

use antoan_model::windows::WindowsInventory;
use antoan_model::{
    CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, HostInfo, Severity,
    Text,
};
use antoan_version::Scheme;

use crate::nvd::{evaluate_config_indexed, MatchKind, NvdCve, PatchLevel, Platform, PlatformIndex};
use crate::store::NvdLookup;

pub const CHECK_NVD: &str = "vuln.nvd";
pub const CHECK_NVD_UNVERSIONED: &str = "vuln.nvd-unversioned";

/// NVD product names of Windows releases, by build: (client, server).
fn release_products(build: u32) -> (Vec<&'static str>, Vec<&'static str>) {
    let v = |s: &[&'static str]| s.to_vec();
    match build {
        6002 | 6003 => (v(&["windows_vista"]), v(&["windows_server_2008"])),
        7600 | 7601 => (v(&["windows_7"]), v(&["windows_server_2008"])),
        9200 => (v(&["windows_8"]), v(&["windows_server_2012"])),
        9600 => (
            v(&["windows_8.1"]),
            v(&["windows_server_2012", "windows_server_2012_r2"]),
        ),
        10240 => (v(&["windows_10_1507"]), v(&[])),
        10586 => (v(&["windows_10_1511"]), v(&[])),
        14393 => (v(&["windows_10_1607"]), v(&["windows_server_2016"])),
        15063 => (v(&["windows_10_1703"]), v(&[])),
        16299 => (v(&["windows_10_1709"]), v(&["windows_server_1709"])),
        17134 => (v(&["windows_10_1803"]), v(&["windows_server_1803"])),
        17763 => (v(&["windows_10_1809"]), v(&["windows_server_2019"])),
        18362 => (v(&["windows_10_1903"]), v(&["windows_server_1903"])),
        18363 => (v(&["windows_10_1909"]), v(&["windows_server_1909"])),
        19041 => (v(&["windows_10_2004"]), v(&["windows_server_2004"])),
        19042 => (v(&["windows_10_20h2"]), v(&["windows_server_20h2"])),
        19043 => (v(&["windows_10_21h1"]), v(&[])),
        19044 => (v(&["windows_10_21h2"]), v(&[])),
        19045 => (v(&["windows_10_22h2"]), v(&[])),
        20348 => (v(&[]), v(&["windows_server_2022"])),
        22000 => (v(&["windows_11_21h2"]), v(&[])),
        22621 => (v(&["windows_11_22h2"]), v(&[])),
        22631 => (v(&["windows_11_23h2"]), v(&[])),
        26100 => (v(&["windows_11_24h2"]), v(&["windows_server_2025"])),
        26200 => (v(&["windows_11_25h2"]), v(&[])),
        _ => (Vec::new(), Vec::new()),
    }
}

fn is_server(w: &WindowsInventory) -> bool {
    use antoan_model::windows::WindowsRole;
    matches!(
        w.role,
        WindowsRole::MemberServer | WindowsRole::DomainController
    ) || w
        .installation_type
        .to_ascii_lowercase()
        .starts_with("server")
        || matches!(w.product_type.as_str(), "ServerNT" | "LanmanNT")
        || w.product_name.contains("Server")
}

fn hw(arch: &str) -> Option<String> {
    match arch.to_ascii_lowercase().as_str() {
        "x64" | "amd64" | "x86_64" => Some("x64".into()),
        "x86" | "i386" | "i686" => Some("x86".into()),
        "arm64" | "aarch64" => Some("arm64".into()),
        _ => None,
    }
}

/// The NVD platforms of the Windows release: its product name(s) with the
/// build as version (`10.0.19045.5371`; empty when the UBR is unknown, so
/// version bounds are not guessed), plus the generic `o:microsoft:windows`
/// as a condition for application records "on Windows".
pub fn windows_platforms(w: &WindowsInventory, patch: PatchLevel) -> Vec<Platform> {
    let server = is_server(w);
    let (client, srv) = release_products(w.build);
    let products = if server { srv } else { client };
    let nt = match w.build {
        b if b >= 10240 => "10.0",
        9600 => "6.3",
        9200 => "6.2",
        7600 | 7601 => "6.1",
        6002 | 6003 => "6.0",
        _ => "",
    };
    let version = match (w.ubr, nt.is_empty()) {
        (Some(ubr), false) => format!("{nt}.{}.{ubr}", w.build),
        _ => String::new(),
    };
    let sp = w.service_pack.to_ascii_lowercase();
    let update = if sp.contains("service pack 2") || w.build == 6002 || w.build == 6003 {
        Some("sp2".to_string())
    } else if sp.contains("service pack 1") || w.build == 7601 {
        Some("sp1".to_string())
    } else {
        None
    };
    let r2 = matches!(w.build, 7600 | 7601 | 9600) && server;
    let target_hw = hw(&w.architecture);
    let mut shown = w.product_name.trim().to_string();
    if !w.display_version.is_empty() {
        shown = format!("{shown} {}", w.display_version.trim());
    }
    let label = format!(
        "{} ({})",
        crate::error::clean(shown.trim(), 80),
        if version.is_empty() {
            w.build.to_string()
        } else {
            version.clone()
        }
    );
    let mut out = Vec::new();
    for p in products {
        let cpe_version = if r2 && !p.ends_with("_r2") {
            Some("r2".to_string())
        } else {
            None
        };
        out.push(Platform {
            label: label.clone(),
            part: "o".into(),
            vendor: "microsoft".into(),
            product: p.to_string(),
            cpe_version,
            version: version.clone(),
            update: if p.ends_with("_r2") {
                None
            } else {
                update.clone()
            },
            target_hw: target_hw.clone(),
            scheme: Scheme::Windows,
            condition_only: false,
            patch: patch.clone(),
        });
    }
    out.push(Platform {
        label,
        part: "o".into(),
        vendor: "microsoft".into(),
        product: "windows".into(),
        cpe_version: None,
        version,
        update: None,
        target_hw,
        scheme: Scheme::Windows,
        condition_only: true,
        patch,
    });
    out
}

/// The `vendor:product` keys to look up for `platforms`.
pub fn lookup_keys(platforms: &[Platform]) -> Vec<String> {
    let mut k: Vec<String> = platforms
        .iter()
        .filter(|p| !p.condition_only)
        .map(|p| format!("{}:{}", p.vendor, p.product))
        .collect();
    k.sort();
    k.dedup();
    k
}

/// One CVE's verdict on one platform.
#[derive(Debug, Clone)]
struct Hit<'a> {
    cve: &'a NvdCve,
    source: &'a str,
    kind: MatchKind,
    /// For Windows releases named without bounds: the month whose update fixes it.
    fix_month: Option<String>,
}

fn month(s: &str) -> &str {
    s.get(..7).unwrap_or(s)
}

/// Matches the platforms against the NVD candidates. Returns the findings
/// (sorted) and the `vuln.nvd` check result.
pub fn evaluate(
    host: &HostInfo,
    platforms: &[Platform],
    lookup: &NvdLookup,
) -> (Vec<Finding>, CheckResult) {
    // Platform (by label+product) → hits, open and unversioned.
    let mut open: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
    let mut unversioned: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
    let index = PlatformIndex::new(platforms);
    for (cve, source) in lookup.cves.values() {
        // Best verdict per platform for this CVE.
        let mut per: BTreeMap<usize, MatchKind> = BTreeMap::new();
        for cfg in &cve.configurations {
            for (i, _, kind) in evaluate_config_indexed(cfg, platforms, &index) {
                let rank = |k: &MatchKind| match k {
                    MatchKind::InRange { .. } => 0,
                    MatchKind::Exact => 1,
                    MatchKind::Unbounded => 2,
                };
                match per.get(&i) {
                    Some(old) if rank(old) <= rank(&kind) => {
                        // Keep the highest fixed version among ranges.
                        if let (
                            MatchKind::InRange { fixed: Some(a), .. },
                            MatchKind::InRange { fixed: Some(b), .. },
                        ) = (old, &kind)
                        {
                            if platforms[i].scheme.compare(b, a).is_gt() {
                                per.insert(i, kind);
                            }
                        }
                    }
                    _ => {
                        per.insert(i, kind);
                    }
                }
            }
        }
        for (i, kind) in per {
            let p = &platforms[i];
            let hit = |kind, fix_month| Hit {
                cve,
                source,
                kind,
                fix_month,
            };
            match kind {
                MatchKind::Unbounded if p.part == "o" => {
                    let published = month(&cve.published).to_string();
                    match &p.patch {
                        PatchLevel::Month(m) if m.as_str() >= published.as_str() => {}
                        PatchLevel::Month(_) => open
                            .entry(i)
                            .or_default()
                            .push(hit(MatchKind::Unbounded, Some(published))),
                        PatchLevel::Before(first) if published.as_str() >= first.as_str() => open
                            .entry(i)
                            .or_default()
                            .push(hit(MatchKind::Unbounded, Some(published))),
                        _ => unversioned
                            .entry(i)
                            .or_default()
                            .push(hit(MatchKind::Unbounded, None)),
                    }
                }
                MatchKind::Unbounded => unversioned
                    .entry(i)
                    .or_default()
                    .push(hit(MatchKind::Unbounded, None)),
                k => open.entry(i).or_default().push(hit(k, None)),
            }
        }
    }
    // Windows releases have several product names for one install (Server
    // 2012 R2): merge findings by label.
    let mut findings: BTreeMap<(String, &str), Finding> = BTreeMap::new();
    let mut worst = None::<Severity>;
    for (check, groups) in [(CHECK_NVD, &open), (CHECK_NVD_UNVERSIONED, &unversioned)] {
        type Group<'h> = (usize, Vec<&'h Hit<'h>>, std::collections::BTreeSet<&'h str>);
        let mut by_label: BTreeMap<&str, Group> = BTreeMap::new();
        for (i, hits) in groups {
            let e = by_label.entry(platforms[*i].label.as_str()).or_insert((
                *i,
                Vec::new(),
                Default::default(),
            ));
            for h in hits {
                if e.2.insert(h.cve.id.as_str()) {
                    e.1.push(h);
                }
            }
        }
        for (label, (i, mut hits, _)) in by_label {
            hits.sort_by(|a, b| a.cve.id.cmp(&b.cve.id));
            let f = finding(host, check, &platforms[i], &hits, lookup);
            if check == CHECK_NVD || f.severity == Severity::Critical {
                worst = worst.max(Some(f.severity));
            }
            findings.insert((label.to_string(), check), f);
        }
    }
    let mut findings: Vec<Finding> = findings.into_values().collect();
    findings.sort_by(|a, b| (&a.subject, &a.check).cmp(&(&b.subject, &b.check)));
    let (outcome, severity) = match worst {
        Some(s) => (CheckOutcome::Fail, s),
        None => (CheckOutcome::Pass, Severity::High),
    };
    (
        findings,
        CheckResult {
            check: CHECK_NVD.to_string(),
            outcome,
            severity,
            category: crate::matching::CATEGORY.to_string(),
        },
    )
}

fn kev_of<'a>(
    h: &Hit,
    lookup: &'a NvdLookup,
) -> Option<(String, Option<&'a crate::kev::KevEntry>)> {
    match lookup.kev.get(&h.cve.id) {
        Some(k) => Some((k.date_added.clone(), Some(k))),
        None => h.cve.kev_added.clone().map(|d| (d, None)),
    }
}

fn finding(
    host: &HostInfo,
    check: &str,
    p: &Platform,
    hits: &[&Hit],
    lookup: &NvdLookup,
) -> Finding {
    let cves: Vec<&str> = hits.iter().map(|h| h.cve.id.as_str()).collect();
    let n = cves.len().to_string();
    let mut severity = if check == CHECK_NVD {
        hits.iter()
            .map(|h| h.cve.severity.unwrap_or(Severity::Medium))
            .max()
            .unwrap_or(Severity::Medium)
    } else {
        Severity::Info
    };
    // Fixed version: the highest first-fixed version of the ranges; for
    // Windows releases without bounds, the newest month needed.
    let mut fixed: Option<String> = None;
    let mut needs_month: Option<&str> = None;
    let mut ranges = Vec::new();
    let mut evidence = Vec::new();
    for h in hits {
        let observed = match &h.kind {
            MatchKind::InRange { range, fixed: f } => {
                if let Some(f) = f {
                    if fixed
                        .as_deref()
                        .is_none_or(|b| p.scheme.compare(f, b).is_gt())
                    {
                        fixed = Some(f.clone());
                    }
                }
                ranges.push(format!("{}: {range}", h.cve.id));
                format!("{} {} in affected range {range}", p.product, p.version)
            }
            MatchKind::Exact => {
                ranges.push(format!("{}: = {}", h.cve.id, p.version));
                format!("{} {} is a listed affected version", p.product, p.version)
            }
            MatchKind::Unbounded => match &h.fix_month {
                Some(m) => {
                    if needs_month.is_none_or(|b| m.as_str() > b) {
                        needs_month = Some(m);
                    }
                    format!(
                        "{} named without version bounds; CVE published {m}, installed cumulative update is older",
                        p.product
                    )
                }
                None => format!("{} named without version bounds", p.product),
            },
        };
        let sev = h
            .cve
            .score
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        evidence.push(Evidence::new(
            format!(
                "NVD {} ({}, modified {}{sev})",
                h.cve.id,
                h.source,
                month_day(&h.cve.modified)
            ),
            observed,
        ));
    }
    let fixed_text = match (&fixed, needs_month) {
        (Some(f), _) => f.clone(),
        (None, Some(m)) => format!("cumulative update of {m} or later"),
        (None, None) => String::new(),
    };
    let mut attributes = BTreeMap::new();
    attributes.insert("cve".to_string(), cves.join(", "));
    attributes.insert("installed_version".into(), p.version.clone());
    attributes.insert(
        "cpe".into(),
        format!(
            "cpe:2.3:{}:{}:{}:{}",
            p.part,
            p.vendor,
            p.product,
            p.cpe_version.as_deref().unwrap_or("-")
        ),
    );
    attributes.insert("program".into(), p.label.clone());
    if !fixed_text.is_empty() {
        attributes.insert("fixed_version".into(), fixed_text.clone());
    }
    if !ranges.is_empty() {
        attributes.insert("affected_ranges".into(), ranges.join("; "));
    }
    let mut sources: Vec<&str> = hits.iter().map(|h| h.source).collect();
    sources.sort();
    sources.dedup();
    attributes.insert("source".into(), format!("NVD ({})", sources.join(", ")));
    let newest = hits
        .iter()
        .map(|h| month_day(&h.cve.modified))
        .max()
        .unwrap_or_default();
    attributes.insert("source_date".into(), newest.to_string());
    attributes.insert("store_updated".into(), lookup.store_updated.clone());
    let basis = hits.iter().any(|h| h.fix_month.is_some());
    if basis {
        attributes.insert(
            "basis".into(),
            "NVD names this Windows release without version bounds; the installed cumulative update is older than the CVE's publication".into(),
        );
    }
    // Known exploited.
    let mut kev: Vec<(String, String)> = Vec::new();
    for h in hits {
        if let Some((date, entry)) = kev_of(h, lookup) {
            kev.push((h.cve.id.clone(), date.clone()));
            let detail = match entry {
                Some(k) => {
                    let ransom = if k.ransomware.eq_ignore_ascii_case("known") {
                        ", used in ransomware campaigns"
                    } else {
                        ""
                    };
                    format!(
                        "{} ({} {}: {}) added {}{ransom}",
                        k.cve, k.vendor, k.product, k.name, k.date_added
                    )
                }
                None => format!("{} added {date} (NVD cisaExploitAdd)", h.cve.id),
            };
            evidence.push(Evidence::new("CISA KEV", detail));
        }
    }
    let product = p.label.as_str();
    let vars = [
        ("p", product),
        ("n", n.as_str()),
        ("fixed", fixed_text.as_str()),
    ];
    let (mut title, remediation) = if check == CHECK_NVD {
        let rem = if fixed_text.is_empty() {
            Text::new(
                "Cập nhật {p} lên phiên bản mới nhất của nhà cung cấp (phiên bản đang cài nằm trong danh sách bị ảnh hưởng của NVD).",
                "Update {p} to the vendor's latest version (the installed version is listed as affected by NVD).",
            )
        } else if p.part == "o" {
            Text::new(
                "Cài bản cập nhật bảo mật của Windows ({fixed}) qua Windows Update/WSUS, rồi khởi động lại máy.",
                "Install the Windows security update ({fixed}) through Windows Update/WSUS, then restart.",
            )
        } else {
            Text::new(
                "Cập nhật {p} lên phiên bản {fixed} hoặc mới hơn (tải từ trang chính thức của nhà cung cấp).",
                "Update {p} to version {fixed} or later (from the vendor's official site).",
            )
        };
        (
            Text::new(
                "{p} có {n} lỗ hổng đã công bố (NVD)",
                "{p} has {n} published vulnerabilities (NVD)",
            ),
            rem,
        )
    } else {
        (
            Text::new(
                "NVD liệt kê {n} lỗ hổng cho {p} mà không nêu phiên bản đã sửa",
                "NVD lists {n} vulnerabilities for {p} without naming a fixed version",
            ),
            Text::new(
                "Đối chiếu với thông báo bảo mật của nhà cung cấp (mã CVE trong phần bằng chứng) và cập nhật {p} nếu cần.",
                "Check the vendor's security advisories (CVE ids in the evidence) and update {p} if needed.",
            ),
        )
    };
    title = title.fill(&vars);
    if !kev.is_empty() {
        severity = Severity::Critical;
        let ids: Vec<&str> = kev.iter().map(|(c, _)| c.as_str()).collect();
        attributes.insert("known_exploited".into(), ids.join(", "));
        let first = kev.iter().map(|(_, d)| d.as_str()).min().unwrap_or("");
        attributes.insert("kev_date_added".into(), first.to_string());
        title.vi = format!("{} — đang bị khai thác thực tế", title.vi);
        title.en = format!("{} — known exploited", title.en);
    }
    let subject = p.label.clone();
    Finding {
        id: Finding::stable_id(&host.identity_key(), check, &subject),
        check: check.to_string(),
        kind: FindingKind::Vulnerability,
        severity,
        status: FindingStatus::Open,
        subject,
        title,
        remediation: remediation.fill(&vars),
        evidence,
        controls: crate::matching::CONTROLS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        reason: None,
        attributes,
        references: cves.iter().map(|s| s.to_string()).collect(),
    }
}

fn month_day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}
