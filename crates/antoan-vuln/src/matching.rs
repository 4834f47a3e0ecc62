//! Matching an inventory against the candidates read from the store. Pure:
//! no IO, no clock; the same inputs give the same findings.
//!
//! Debian and Ubuntu are matched by **source package** and **release**
//! (`Debian:12`, `Ubuntu:22.04`) with dpkg ordering on the full distribution
//! version, so a fix the distribution backported (`3.0.11-1~deb12u2`) counts
//! even though the upstream version (`3.0.11`) is older than upstream's fix.
//! RPM distributions (AlmaLinux, Rocky Linux) are matched the same way with
//! rpm ordering on `epoch:version-release`.
//!
//! Findings, per installed source package:
//! * `vuln.osv` (`open`, severity the highest of its advisories, `medium`
//!   when a record gives none): advisories whose fixed version is newer than
//!   the installed one; names the CVEs, installed and fixed versions.
//! * `vuln.osv-unfixed` (`info`): the package is affected but the release
//!   publishes no fix (no-DSA, ignored, postponed, end-of-life, not yet
//!   fixed …); each advisory's reason is in the evidence.
//!
//! Entries marked not-affected, and versions at or above the fix, give nothing.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, HostInfo, Inventory,
    OsInfo, PackageManager, Severity, Text,
};
use antoan_version::Scheme;

use crate::osv::{fixed_above, in_range, scheme_of};
use crate::store::{AdvisoryInfo, Lookup};

pub const CHECK_ID: &str = "vuln.osv";
pub const CHECK_UNFIXED: &str = "vuln.osv-unfixed";
pub const CATEGORY: &str = "vulnerabilities";
/// Timely patching, vulnerability scanning.
pub const CONTROLS: [&str; 2] = ["T2.3", "M6.2"];

/// The OSV ecosystem (normalised, see [`crate::osv::normalize_ecosystem`]) of
/// a host's distribution release, when antoan can match it.
pub fn ecosystem_for(os: &OsInfo) -> Option<String> {
    let ids: Vec<&str> = std::iter::once(os.id.as_str()).collect();
    let v = os.version.trim();
    let major = v.split('.').next().unwrap_or("");
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match ids[0] {
        "debian" if numeric(major) => Some(format!("Debian:{major}")),
        "ubuntu" if v.split('.').all(numeric) && v.contains('.') => Some(format!("Ubuntu:{v}")),
        "almalinux" if numeric(major) => Some(format!("AlmaLinux:{major}")),
        "rocky" if numeric(major) => Some(format!("Rocky Linux:{major}")),
        _ => None,
    }
}

/// An installed source package and the binary packages built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePackage {
    pub name: String,
    pub version: String,
    pub binaries: Vec<String>,
}

/// The installed source packages of `manager`, by (source name, source version).
pub fn source_packages(inv: &Inventory, manager: PackageManager) -> Vec<SourcePackage> {
    let mut m: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for p in inv.packages.iter().filter(|p| p.manager == manager) {
        let name = if p.source_name.is_empty() {
            &p.name
        } else {
            &p.source_name
        };
        let version = if p.source_version.is_empty() {
            &p.version
        } else {
            &p.source_version
        };
        m.entry((name.clone(), version.clone()))
            .or_default()
            .push(p.name.clone());
    }
    m.into_iter()
        .map(|((name, version), mut binaries)| {
            binaries.sort();
            binaries.dedup();
            SourcePackage {
                name,
                version,
                binaries,
            }
        })
        .collect()
}

/// The package manager whose packages an ecosystem describes.
pub fn manager_for(ecosystem: &str) -> Option<PackageManager> {
    match scheme_of(ecosystem)? {
        Scheme::Dpkg => Some(PackageManager::Dpkg),
        Scheme::Rpm => Some(PackageManager::Rpm),
        _ => None,
    }
}

/// The verdict of one advisory on one installed package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not affected: outside every range, fixed, or marked not-affected.
    NotAffected,
    /// Affected; a fix exists in this release.
    Fixable {
        fixed: String,
        severity: Option<Severity>,
    },
    /// Affected; no fix to install, for this reason.
    Unfixed { reason: String },
}

/// Judges one `affected` entry against an installed version.
pub fn judge(installed: &str, af: &crate::osv::Affected, scheme: Scheme) -> Verdict {
    let status = af.status.as_deref().unwrap_or("");
    if matches!(
        status,
        "not-affected" | "not_affected" | "not affected" | "resolved-not-affected"
    ) {
        return Verdict::NotAffected;
    }
    let hit = af.ranges.iter().any(|r| in_range(installed, r, scheme))
        || af
            .versions
            .iter()
            .any(|v| scheme.compare(installed, v).is_eq());
    if !hit {
        return Verdict::NotAffected;
    }
    match fixed_above(installed, &af.ranges, scheme) {
        Some(fixed) => Verdict::Fixable {
            fixed,
            severity: af.severity,
        },
        None => Verdict::Unfixed {
            reason: if status.is_empty() {
                "no fixed version is published".to_string()
            } else {
                status.to_string()
            },
        },
    }
}

struct Hit<'a> {
    info: &'a AdvisoryInfo,
    verdict: Verdict,
}

/// Matches the inventory's packages against `lookup` (read from the store
/// for `lookup.ecosystem`). Returns the findings (sorted by subject) and the
/// check result of `vuln.osv`.
pub fn evaluate(host: &HostInfo, inv: &Inventory, lookup: &Lookup) -> (Vec<Finding>, CheckResult) {
    let eco = &lookup.ecosystem;
    let mut findings = Vec::new();
    let (Some(scheme), Some(manager)) = (scheme_of(eco), manager_for(eco)) else {
        return (findings, check(CheckOutcome::NotApplicable, Severity::Info));
    };
    let mut worst = None::<Severity>;
    for sp in source_packages(inv, manager) {
        let Some(entries) = lookup.entries.get(&sp.name) else {
            continue;
        };
        let mut hits = Vec::new();
        for (info, af) in entries {
            if af.ecosystem != *eco || af.package != sp.name {
                continue;
            }
            match judge(&sp.version, af, scheme) {
                Verdict::NotAffected => {}
                verdict => hits.push(Hit { info, verdict }),
            }
        }
        let (fixable, unfixed): (Vec<Hit>, Vec<Hit>) = hits
            .into_iter()
            .partition(|h| matches!(h.verdict, Verdict::Fixable { .. }));
        if !fixable.is_empty() {
            let mut f = fixable_finding(host, &sp, eco, scheme, &fixable, lookup);
            flag_kev(&mut f, &fixable, lookup);
            worst = worst.max(Some(f.severity));
            findings.push(f);
        }
        if !unfixed.is_empty() {
            let mut f = unfixed_finding(host, &sp, eco, &unfixed, lookup);
            if flag_kev(&mut f, &unfixed, lookup) {
                worst = worst.max(Some(f.severity));
            }
            findings.push(f);
        }
    }
    findings.sort_by(|a, b| (&a.subject, &a.check).cmp(&(&b.subject, &b.check)));
    let result = match worst {
        Some(s) => check(CheckOutcome::Fail, s),
        None => check(CheckOutcome::Pass, Severity::High),
    };
    (findings, result)
}

/// Flags a finding whose CVEs are in the KEV catalogue: attribute
/// `known_exploited` (the CVE ids), the date they were added, severity
/// `critical`, and the catalogue in the evidence. Returns whether it did.
fn flag_kev(f: &mut Finding, hits: &[Hit], lookup: &Lookup) -> bool {
    if lookup.kev.is_empty() {
        return false;
    }
    let (cves, _) = ids(hits);
    let known: Vec<&crate::kev::KevEntry> = cves.iter().filter_map(|c| lookup.kev.get(c)).collect();
    if known.is_empty() {
        return false;
    }
    f.severity = Severity::Critical;
    let list: Vec<&str> = known.iter().map(|k| k.cve.as_str()).collect();
    f.attributes
        .insert("known_exploited".into(), list.join(", "));
    let added = known
        .iter()
        .map(|k| k.date_added.as_str())
        .min()
        .unwrap_or("");
    f.attributes
        .insert("kev_date_added".into(), added.to_string());
    for k in &known {
        let ransom = if k.ransomware.eq_ignore_ascii_case("known") {
            ", used in ransomware campaigns"
        } else {
            ""
        };
        f.evidence.push(Evidence::new(
            "CISA KEV",
            format!(
                "{} ({} {}: {}) added {}{ransom}",
                k.cve, k.vendor, k.product, k.name, k.date_added
            ),
        ));
    }
    f.title.vi = format!("{} — đang bị khai thác thực tế", f.title.vi);
    f.title.en = format!("{} — known exploited", f.title.en);
    true
}

fn check(outcome: CheckOutcome, severity: Severity) -> CheckResult {
    CheckResult {
        check: CHECK_ID.to_string(),
        outcome,
        severity,
        category: CATEGORY.to_string(),
    }
}

fn subject(sp: &SourcePackage) -> String {
    format!("{} {}", sp.name, sp.version)
}

fn ids(hits: &[Hit]) -> (Vec<String>, Vec<String>) {
    let mut cves: Vec<String> = hits.iter().flat_map(|h| h.info.cves()).collect();
    cves.sort();
    cves.dedup();
    let mut adv: Vec<String> = hits.iter().map(|h| h.info.id.clone()).collect();
    adv.sort();
    adv.dedup();
    (cves, adv)
}

fn date_of(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

fn common_attributes(
    sp: &SourcePackage,
    eco: &str,
    hits: &[Hit],
    lookup: &Lookup,
) -> BTreeMap<String, String> {
    let (cves, adv) = ids(hits);
    let mut a = BTreeMap::new();
    a.insert("cve".into(), cves.join(", "));
    a.insert("advisories".into(), adv.join(", "));
    a.insert("installed_version".into(), sp.version.clone());
    a.insert("source_package".into(), sp.name.clone());
    a.insert("binary_packages".into(), sp.binaries.join(", "));
    a.insert("ecosystem".into(), eco.to_string());
    let mut sources: Vec<&str> = hits.iter().map(|h| h.info.source.as_str()).collect();
    sources.sort();
    sources.dedup();
    a.insert("source".into(), format!("OSV ({})", sources.join(", ")));
    let newest = hits
        .iter()
        .map(|h| date_of(&h.info.modified))
        .max()
        .unwrap_or("");
    a.insert("source_date".into(), newest.to_string());
    a.insert("store_updated".into(), lookup.store_updated.clone());
    a
}

fn references(hits: &[Hit]) -> Vec<String> {
    let (cves, adv) = ids(hits);
    let seen: std::collections::BTreeSet<&String> = cves.iter().collect();
    let extra: Vec<String> = adv.into_iter().filter(|a| !seen.contains(a)).collect();
    let mut r = cves;
    r.extend(extra);
    r
}

fn evidence(h: &Hit, sp: &SourcePackage, eco: &str) -> Evidence {
    let src = format!(
        "{} ({}, modified {})",
        h.info.id,
        h.info.source,
        date_of(&h.info.modified)
    );
    let observed = match &h.verdict {
        Verdict::Fixable { fixed, .. } => {
            format!("{} {} < fixed {} in {eco}", sp.name, sp.version, fixed)
        }
        Verdict::Unfixed { reason } => format!(
            "{} {} affected in {eco}, no fix: {reason}",
            sp.name, sp.version
        ),
        Verdict::NotAffected => String::new(),
    };
    Evidence::new(src, observed)
}

fn fixable_finding(
    host: &HostInfo,
    sp: &SourcePackage,
    eco: &str,
    scheme: Scheme,
    hits: &[Hit],
    lookup: &Lookup,
) -> Finding {
    let mut fixed_needed: Option<&str> = None;
    let mut severity = None::<Severity>;
    for h in hits {
        if let Verdict::Fixable { fixed, severity: s } = &h.verdict {
            if fixed_needed.is_none_or(|b| scheme.compare(fixed, b).is_gt()) {
                fixed_needed = Some(fixed);
            }
            severity = severity.max(Some(s.unwrap_or(Severity::Medium)));
        }
    }
    let fixed = fixed_needed.unwrap_or("").to_string();
    let severity = severity.unwrap_or(Severity::Medium);
    let subject = subject(sp);
    let n = hits.len().to_string();
    let mut attributes = common_attributes(sp, eco, hits, lookup);
    attributes.insert("fixed_version".into(), fixed.clone());
    let upgrade = match scheme {
        Scheme::Rpm => "dnf upgrade",
        _ => "apt-get update && apt-get upgrade",
    };
    let vars = [
        ("pkg", sp.name.as_str()),
        ("n", n.as_str()),
        ("fixed", fixed.as_str()),
        ("cmd", upgrade),
        ("eco", eco),
    ];
    Finding {
        id: Finding::stable_id(&host.identity_key(), CHECK_ID, &subject),
        check: CHECK_ID.to_string(),
        kind: FindingKind::Vulnerability,
        severity,
        status: FindingStatus::Open,
        subject,
        title: Text::new(
            "Gói nguồn {pkg} có {n} lỗ hổng đã có bản vá ({eco})",
            "Source package {pkg} has {n} vulnerabilities with a published fix ({eco})",
        )
        .fill(&vars),
        remediation: Text::new(
            "Cập nhật các gói dựng từ {pkg} lên phiên bản {fixed} hoặc mới hơn ({cmd}), rồi khởi động lại dịch vụ dùng chúng.",
            "Update the packages built from {pkg} to version {fixed} or later ({cmd}), then restart the services that use them.",
        )
        .fill(&vars),
        evidence: hits.iter().map(|h| evidence(h, sp, eco)).collect(),
        controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
        reason: None,
        attributes,
        references: references(hits),
    }
}

fn unfixed_finding(
    host: &HostInfo,
    sp: &SourcePackage,
    eco: &str,
    hits: &[Hit],
    lookup: &Lookup,
) -> Finding {
    let subject = subject(sp);
    let n = hits.len().to_string();
    let vars = [("pkg", sp.name.as_str()), ("n", n.as_str()), ("eco", eco)];
    let mut reasons: Vec<&str> = hits
        .iter()
        .filter_map(|h| match &h.verdict {
            Verdict::Unfixed { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    reasons.sort();
    reasons.dedup();
    let mut attributes = common_attributes(sp, eco, hits, lookup);
    attributes.insert("status_reason".into(), reasons.join("; "));
    Finding {
        id: Finding::stable_id(&host.identity_key(), CHECK_UNFIXED, &subject),
        check: CHECK_UNFIXED.to_string(),
        kind: FindingKind::Vulnerability,
        severity: Severity::Info,
        status: FindingStatus::Open,
        subject,
        title: Text::new(
            "Gói nguồn {pkg} có {n} lỗ hổng chưa có bản vá trong {eco}",
            "Source package {pkg} has {n} vulnerabilities without a fix in {eco}",
        )
        .fill(&vars),
        remediation: Text::new(
            "Chưa có bản vá từ nhà phân phối (lý do trong phần bằng chứng). Theo dõi thông báo bảo mật, giảm thiểu rủi ro (tắt tính năng, hạn chế truy cập) nếu gói này phục vụ từ mạng.",
            "The distribution publishes no fix (reasons in the evidence). Watch its security announcements and mitigate (disable the feature, restrict access) where the package serves the network.",
        ),
        evidence: hits.iter().map(|h| evidence(h, sp, eco)).collect(),
        controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
        reason: None,
        attributes,
        references: references(hits),
    }
}

/// The finding and check result when the store exists but cannot be read:
/// the vulnerability check is `not-assessed` with the reason, never silent.
pub fn not_assessed(host: &HostInfo, reason: Text) -> (Finding, CheckResult) {
    let subject = "vulnerability-store".to_string();
    let f = Finding {
        id: Finding::stable_id(&host.identity_key(), CHECK_ID, &subject),
        check: CHECK_ID.to_string(),
        kind: FindingKind::Vulnerability,
        severity: Severity::Info,
        status: FindingStatus::NotAssessed,
        subject,
        title: Text::new(
            "Không đối chiếu được lỗ hổng của các gói phần mềm",
            "Package vulnerabilities not assessed",
        ),
        remediation: Text::new(
            "Kiểm tra hoặc nạp lại kho dữ liệu lỗ hổng (antoan kb import), rồi chạy lại kiểm tra.",
            "Check or re-import the vulnerability store (antoan kb import), then audit again.",
        ),
        evidence: Vec::new(),
        controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
        reason: Some(reason),
        attributes: BTreeMap::new(),
        references: Vec::new(),
    };
    (f, check(CheckOutcome::NotAssessed, Severity::Info))
}
