//! NVD CVE API 2.0 JSON: the yearly feed files and API responses
//! (`{"format":"NVD_CVE","vulnerabilities":[{"cve":{…}}]}`), one record
//! (`{"cve":{…}}`) or a bare CVE object (`{"id":"CVE-…",…}`).
//!
//! Kept per CVE: id, dates, the English description, the CVSS base severity
//! (v3.1, else v3.0, else v4.0, else v2; NVD's own "Primary" score first),
//! NVD's copy of the CISA KEV date (`cisaExploitAdd`), and the
//! `configurations` with their AND/OR operators, `negate` flags and
//! `cpeMatch` criteria (parsed CPE 2.3 names and version bounds).
//! Rejected CVEs (`vulnStatus: Rejected`) are withdrawn from the store.
//!
//! [`evaluate_config`] is the configuration logic: a `cpeMatch` with
//! `vulnerable: false` is a condition (the platform the vulnerable software
//! runs on), never a finding; only `vulnerable: true` matches in nodes that
//! hold give hits.

use std::cmp::Ordering;

use antoan_model::Severity;
use antoan_version::Scheme;
use serde::{Deserialize, Serialize};

use crate::cpe::{Component, Cpe};
use crate::error::{clean, VulnError, VulnErrorKind};

// ---- wire format (unknown fields ignored) ----

#[derive(Deserialize)]
struct WireFeed {
    vulnerabilities: Vec<WireItem>,
}

#[derive(Deserialize)]
struct WireItem {
    cve: WireCve,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCve {
    id: String,
    #[serde(default)]
    published: String,
    #[serde(default)]
    last_modified: String,
    #[serde(default)]
    vuln_status: String,
    #[serde(default)]
    cisa_exploit_add: Option<String>,
    #[serde(default)]
    descriptions: Vec<WireLang>,
    #[serde(default)]
    metrics: Option<WireMetrics>,
    #[serde(default)]
    configurations: Vec<WireConfig>,
}

#[derive(Deserialize)]
struct WireLang {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize, Default)]
struct WireMetrics {
    #[serde(rename = "cvssMetricV31", default)]
    v31: Vec<WireMetric>,
    #[serde(rename = "cvssMetricV30", default)]
    v30: Vec<WireMetric>,
    #[serde(rename = "cvssMetricV40", default)]
    v40: Vec<WireMetric>,
    #[serde(rename = "cvssMetricV2", default)]
    v2: Vec<WireMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMetric {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    cvss_data: Option<WireCvss>,
    /// CVSS v2 keeps the severity beside cvssData.
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCvss {
    #[serde(default)]
    version: String,
    #[serde(default)]
    base_score: Option<f64>,
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
struct WireConfig {
    #[serde(default)]
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    #[serde(default)]
    nodes: Vec<WireNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireNode {
    #[serde(default)]
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    #[serde(default)]
    cpe_match: Vec<WireMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMatch {
    vulnerable: bool,
    criteria: String,
    #[serde(default)]
    version_start_including: Option<String>,
    #[serde(default)]
    version_start_excluding: Option<String>,
    #[serde(default)]
    version_end_including: Option<String>,
    #[serde(default)]
    version_end_excluding: Option<String>,
}

// ---- stored form ----

/// One CVE as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NvdCve {
    pub id: String,
    /// RFC 3339-like time as NVD gives it (`2017-03-17T00:59:02.387`).
    pub published: String,
    pub modified: String,
    /// `vulnStatus: Rejected`.
    #[serde(skip)]
    pub rejected: bool,
    /// English description: one line, control characters escaped, ≤ 300 characters.
    pub summary: String,
    pub severity: Option<Severity>,
    /// `8.1 (CVSS 3.1)`, when scored.
    pub score: Option<String>,
    /// NVD's copy of the date CISA added the CVE to KEV.
    pub kev_added: Option<String>,
    pub configurations: Vec<Configuration>,
}

/// One entry of `configurations[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    /// `operator: AND` (all nodes must hold); otherwise OR.
    #[serde(rename = "a", default, skip_serializing_if = "is_false")]
    pub and: bool,
    #[serde(rename = "n", default, skip_serializing_if = "is_false")]
    pub negate: bool,
    #[serde(rename = "d")]
    pub nodes: Vec<Node>,
}

/// One node: cpeMatch entries joined by AND or OR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    #[serde(rename = "a", default, skip_serializing_if = "is_false")]
    pub and: bool,
    #[serde(rename = "n", default, skip_serializing_if = "is_false")]
    pub negate: bool,
    #[serde(rename = "m")]
    pub matches: Vec<CpeMatch>,
}

/// One `cpeMatch`: a CPE criteria and optional version bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeMatch {
    #[serde(rename = "v")]
    pub vulnerable: bool,
    #[serde(rename = "c")]
    pub criteria: Cpe,
    #[serde(rename = "si", default, skip_serializing_if = "Option::is_none")]
    pub start_including: Option<String>,
    #[serde(rename = "se", default, skip_serializing_if = "Option::is_none")]
    pub start_excluding: Option<String>,
    #[serde(rename = "ei", default, skip_serializing_if = "Option::is_none")]
    pub end_including: Option<String>,
    #[serde(rename = "ee", default, skip_serializing_if = "Option::is_none")]
    pub end_excluding: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl CpeMatch {
    pub fn has_bounds(&self) -> bool {
        self.start_including.is_some()
            || self.start_excluding.is_some()
            || self.end_including.is_some()
            || self.end_excluding.is_some()
    }

    /// The bounds as text: `>= 1.0, < 6.23`.
    pub fn range_text(&self) -> String {
        let mut v = Vec::new();
        if let Some(s) = &self.start_including {
            v.push(format!(">= {s}"));
        }
        if let Some(s) = &self.start_excluding {
            v.push(format!("> {s}"));
        }
        if let Some(s) = &self.end_including {
            v.push(format!("<= {s}"));
        }
        if let Some(s) = &self.end_excluding {
            v.push(format!("< {s}"));
        }
        v.join(", ")
    }

    fn in_bounds(&self, version: &str, scheme: Scheme) -> bool {
        let c = |b: &str| scheme.compare(version, b);
        self.start_including
            .as_deref()
            .is_none_or(|b| c(b) != Ordering::Less)
            && self
                .start_excluding
                .as_deref()
                .is_none_or(|b| c(b) == Ordering::Greater)
            && self
                .end_including
                .as_deref()
                .is_none_or(|b| c(b) != Ordering::Greater)
            && self
                .end_excluding
                .as_deref()
                .is_none_or(|b| c(b) == Ordering::Less)
    }
}

/// Whether `bytes` look like NVD CVE API 2.0 JSON (checked before OSV).
pub fn looks_like_nvd(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    if b.iter().find(|c| !c.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    let head = &b[..b.len().min(64 * 1024)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    has(b"\"NVD_CVE\"")
        || has(b"\"sourceIdentifier\"")
        || has(b"\"cpeMatch\"")
        || has(b"\"vulnStatus\"")
}

fn severity_word(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Some(Severity::Critical),
        "HIGH" => Some(Severity::High),
        "MEDIUM" => Some(Severity::Medium),
        "LOW" => Some(Severity::Low),
        "NONE" => Some(Severity::Info),
        _ => None,
    }
}

fn pick_metric(m: &WireMetrics) -> (Option<Severity>, Option<String>) {
    for list in [&m.v31, &m.v30, &m.v40, &m.v2] {
        // NVD's own score first, then any other source.
        let mut sorted: Vec<&WireMetric> = list.iter().collect();
        sorted.sort_by_key(|x| x.kind != "Primary");
        for x in sorted {
            let Some(d) = &x.cvss_data else { continue };
            let word = d.base_severity.as_deref().or(x.base_severity.as_deref());
            let Some(sev) = word.and_then(severity_word) else {
                continue;
            };
            let score = d
                .base_score
                .map(|s| format!("{s:.1} (CVSS {})", clean(d.version.trim(), 8)));
            return (Some(sev), score);
        }
    }
    (None, None)
}

fn bound(s: Option<String>) -> Option<String> {
    s.map(|s| clean(s.trim(), 60)).filter(|s| !s.is_empty())
}

fn operator(op: Option<&str>, what: &str) -> Result<bool, String> {
    match op.map(str::trim) {
        None | Some("") => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("OR") => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("AND") => Ok(true),
        Some(o) => Err(format!(
            "{what} operator {:?} is neither AND nor OR",
            clean(o, 20)
        )),
    }
}

fn convert(w: WireCve, origin: &str) -> Result<NvdCve, VulnError> {
    let id = w.id.trim().to_string();
    let invalid = |m: String| VulnError::new(VulnErrorKind::Invalid, origin, None, m);
    if !crate::kev::valid_cve(&id) {
        return Err(invalid(format!("{:?} is not a CVE id", clean(&id, 40))));
    }
    let summary = w
        .descriptions
        .iter()
        .find(|d| d.lang.eq_ignore_ascii_case("en"))
        .or(w.descriptions.first())
        .map(|d| clean(d.value.trim(), 300))
        .unwrap_or_default();
    let (severity, score) = w.metrics.as_ref().map(pick_metric).unwrap_or((None, None));
    let mut configurations = Vec::new();
    for (ci, c) in w.configurations.into_iter().enumerate() {
        let and = operator(c.operator.as_deref(), "configuration")
            .map_err(|m| invalid(format!("{id} configurations[{ci}]: {m}")))?;
        let mut nodes = Vec::new();
        for (ni, n) in c.nodes.into_iter().enumerate() {
            let at = format!("{id} configurations[{ci}].nodes[{ni}]");
            let node_and = operator(n.operator.as_deref(), "node")
                .map_err(|m| invalid(format!("{at}: {m}")))?;
            let mut matches = Vec::new();
            for (mi, m) in n.cpe_match.into_iter().enumerate() {
                let criteria = Cpe::parse(m.criteria.trim()).map_err(|e| {
                    invalid(format!(
                        "{at}.cpeMatch[{mi}]: criteria {:?} is not a CPE 2.3 name: {e}",
                        clean(&m.criteria, 120)
                    ))
                })?;
                matches.push(CpeMatch {
                    vulnerable: m.vulnerable,
                    criteria,
                    start_including: bound(m.version_start_including),
                    start_excluding: bound(m.version_start_excluding),
                    end_including: bound(m.version_end_including),
                    end_excluding: bound(m.version_end_excluding),
                });
            }
            nodes.push(Node {
                and: node_and,
                negate: n.negate,
                matches,
            });
        }
        configurations.push(Configuration {
            and,
            negate: c.negate,
            nodes,
        });
    }
    Ok(NvdCve {
        id,
        published: clean(w.published.trim(), 40),
        modified: clean(w.last_modified.trim(), 40),
        rejected: w.vuln_status.trim().eq_ignore_ascii_case("rejected"),
        summary,
        severity,
        score,
        kev_added: w
            .cisa_exploit_add
            .map(|s| clean(s.trim(), 10))
            .filter(|s| !s.is_empty()),
        configurations,
    })
}

/// Parses one NVD JSON file (feed, API response, `{"cve":…}` or a bare
/// CVE object). UTF-8 only; nesting, size and encoding are checked first.
pub fn parse(bytes: &[u8], origin: &str) -> Result<Vec<NvdCve>, VulnError> {
    crate::osv::precheck(bytes, origin)?;
    let b = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let syntax = |e: serde_json::Error| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            Some(e.line() as u64),
            crate::osv::json_message(&e),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(b).map_err(syntax)?;
    let shape = |m: &str| VulnError::new(VulnErrorKind::Invalid, origin, None, m.to_string());
    let obj = value
        .as_object()
        .ok_or_else(|| shape("expected an NVD JSON object"))?;
    let wires: Vec<WireCve> = if obj.contains_key("vulnerabilities") {
        let f: WireFeed = serde_json::from_value(value).map_err(|e| {
            shape(&format!(
                "not an NVD CVE API 2.0 feed: {}",
                crate::osv::json_message(&e)
            ))
        })?;
        f.vulnerabilities.into_iter().map(|i| i.cve).collect()
    } else if obj.contains_key("cve") {
        let i: WireItem = serde_json::from_value(value).map_err(|e| {
            shape(&format!(
                "not an NVD CVE record: {}",
                crate::osv::json_message(&e)
            ))
        })?;
        vec![i.cve]
    } else if obj.contains_key("id") {
        vec![serde_json::from_value(value).map_err(|e| {
            shape(&format!(
                "not an NVD CVE record: {}",
                crate::osv::json_message(&e)
            ))
        })?]
    } else {
        return Err(shape(
            "expected an NVD feed (\"vulnerabilities\"), a record (\"cve\") or a CVE object (\"id\")",
        ));
    };
    wires.into_iter().map(|w| convert(w, origin)).collect()
}

// ---- matching of one configuration ----

/// Where an installed Windows stands in the monthly cumulative updates,
/// used for NVD entries that name a Windows product without any version
/// bound (most records before 2022): cumulative updates carry every earlier
/// fix, so an update from the CVE's publication month or later is taken to
/// fix it, and an older one not to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PatchLevel {
    /// Not an operating system, or not known.
    #[default]
    Unknown,
    /// The installed cumulative update is of this month (`YYYY-MM`).
    Month(String),
    /// The installed update is older than every known one; the oldest known is of this month.
    Before(String),
}

/// A piece of the audited host as NVD names things: the Windows release
/// (`o:microsoft:windows_10_22h2`) or an installed program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// What a reader recognises (`7-Zip 19.00 (x64)`, `Windows 10 Pro 22H2`).
    pub label: String,
    /// `a` or `o`.
    pub part: String,
    pub vendor: String,
    pub product: String,
    /// The CPE version attribute of this product: `None` for NA (Windows
    /// releases named by product, version left `-`), `r2` for Windows Server
    /// 2012 R2 as `windows_server_2012:r2`, else the installed version.
    pub cpe_version: Option<String>,
    /// The version compared with version bounds (build for Windows).
    pub version: String,
    /// The CPE update attribute (`sp1`), when the host has one.
    pub update: Option<String>,
    /// `x64`, `x86`, `arm64`, when known.
    pub target_hw: Option<String>,
    pub scheme: Scheme,
    /// Satisfies platform conditions (`vulnerable: false`) only; never
    /// reported itself (the generic `o:microsoft:windows`).
    pub condition_only: bool,
    pub patch: PatchLevel,
}

/// How a vulnerable `cpeMatch` matched a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchKind {
    /// Inside explicit version bounds; `fixed` is the first fixed version
    /// when the upper bound is exclusive.
    InRange {
        range: String,
        fixed: Option<String>,
    },
    /// The criteria names exactly the installed version.
    Exact,
    /// The criteria names the product with no version information.
    Unbounded,
}

fn hw_matches(c: &Component, hw: Option<&str>) -> bool {
    match (c, hw) {
        (Component::Any | Component::Na, _) | (_, None) => true,
        (c, Some(h)) => {
            c.matches(Some(h))
                || (h == "x86" && c.matches(Some("x32")))
                || (h == "x64" && c.matches(Some("x86_64")))
        }
    }
}

/// Whether `m` matches platform `p`, and how. Attributes other than part,
/// vendor, product, version, update and target_hw are not compared.
pub fn match_platform(m: &CpeMatch, p: &Platform) -> Option<MatchKind> {
    let c = &m.criteria;
    if !c.part.matches(Some(&p.part))
        || !c.vendor.matches(Some(&p.vendor))
        || !c.product.matches(Some(&p.product))
        || !hw_matches(&c.target_hw, p.target_hw.as_deref())
    {
        return None;
    }
    if p.update.is_some() || matches!(c.update, Component::Na) {
        if !c.update.matches(p.update.as_deref()) && !matches!(c.update, Component::Na) {
            return None;
        }
    } else if matches!(c.update, Component::Value(_)) {
        // The criteria needs an update (service pack) the host does not have.
        return None;
    }
    let bounded = |p: &Platform| -> Option<MatchKind> {
        if p.version.trim().is_empty() {
            return None;
        }
        m.in_bounds(&p.version, p.scheme)
            .then(|| MatchKind::InRange {
                range: m.range_text(),
                fixed: m.end_excluding.clone(),
            })
    };
    match &c.version {
        Component::Any => {
            if m.has_bounds() {
                bounded(p)
            } else {
                Some(MatchKind::Unbounded)
            }
        }
        Component::Na => {
            if p.cpe_version.is_some() {
                None
            } else if m.has_bounds() {
                bounded(p)
            } else {
                Some(MatchKind::Unbounded)
            }
        }
        v => {
            if let Some(cv) = &p.cpe_version {
                if v.matches(Some(cv)) && !cv.eq_ignore_ascii_case(&p.version) {
                    // A release name (`r2`, `2016`), not the installed version.
                    return if m.has_bounds() {
                        bounded(p)
                    } else {
                        Some(MatchKind::Unbounded)
                    };
                }
            }
            let lit = v.literal()?;
            let same = !p.version.trim().is_empty()
                && (p.scheme.compare(&p.version, &lit) == Ordering::Equal
                    || v.matches(Some(&p.version)));
            same.then_some(MatchKind::Exact)
        }
    }
}

/// Evaluates one configuration against the host's platforms. Returns the
/// hits of its `vulnerable: true` matches (platform index, match, kind)
/// when the configuration holds, else nothing.
pub fn evaluate_config<'a>(
    config: &'a Configuration,
    platforms: &[Platform],
) -> Vec<(usize, &'a CpeMatch, MatchKind)> {
    evaluate_config_indexed(config, platforms, &PlatformIndex::new(platforms))
}

/// The platforms by `vendor:product`, so a criteria is compared only with
/// the platforms of its own product.
#[derive(Debug, Clone, Default)]
pub struct PlatformIndex {
    by_key: std::collections::HashMap<String, Vec<usize>>,
    all: Vec<usize>,
}

impl PlatformIndex {
    pub fn new(platforms: &[Platform]) -> PlatformIndex {
        let mut by_key: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, p) in platforms.iter().enumerate() {
            by_key
                .entry(format!(
                    "{}:{}",
                    p.vendor.to_ascii_lowercase(),
                    p.product.to_ascii_lowercase()
                ))
                .or_default()
                .push(i);
        }
        PlatformIndex {
            by_key,
            all: (0..platforms.len()).collect(),
        }
    }

    fn candidates(&self, c: &Cpe) -> &[usize] {
        match c.key() {
            Some(k) => self.by_key.get(&k).map_or(&[], Vec::as_slice),
            // A wildcard vendor or product: compare with every platform.
            None => &self.all,
        }
    }
}

/// [`evaluate_config`] with a prebuilt [`PlatformIndex`] of `platforms`.
pub fn evaluate_config_indexed<'a>(
    config: &'a Configuration,
    platforms: &[Platform],
    index: &PlatformIndex,
) -> Vec<(usize, &'a CpeMatch, MatchKind)> {
    let mut values = Vec::with_capacity(config.nodes.len());
    let mut hits = Vec::new();
    for node in &config.nodes {
        let mut node_hits = Vec::new();
        let mut per_match = Vec::with_capacity(node.matches.len());
        for m in &node.matches {
            let mut any = false;
            for &i in index.candidates(&m.criteria) {
                let p = &platforms[i];
                if let Some(kind) = match_platform(m, p) {
                    any = true;
                    if m.vulnerable && !p.condition_only {
                        node_hits.push((i, m, kind));
                    }
                }
            }
            per_match.push(any);
        }
        let held = if node.and {
            !per_match.is_empty() && per_match.iter().all(|&b| b)
        } else {
            per_match.iter().any(|&b| b)
        };
        let value = held != node.negate;
        // A negated node is a condition: its own matches are not findings.
        if value && !node.negate {
            hits.extend(node_hits);
        }
        values.push(value);
    }
    let held = if config.and {
        !values.is_empty() && values.iter().all(|&b| b)
    } else {
        values.iter().any(|&b| b)
    };
    if held != config.negate && !config.negate {
        hits
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(vulnerable: bool, criteria: &str) -> CpeMatch {
        CpeMatch {
            vulnerable,
            criteria: Cpe::parse(criteria).unwrap(),
            start_including: None,
            start_excluding: None,
            end_including: None,
            end_excluding: None,
        }
    }

    fn app(vendor: &str, product: &str, version: &str) -> Platform {
        Platform {
            label: format!("{product} {version}"),
            part: "a".into(),
            vendor: vendor.into(),
            product: product.into(),
            cpe_version: Some(version.into()),
            version: version.into(),
            update: None,
            target_hw: None,
            scheme: Scheme::Windows,
            condition_only: false,
            patch: PatchLevel::Unknown,
        }
    }

    fn windows() -> Platform {
        Platform {
            label: "Windows".into(),
            part: "o".into(),
            vendor: "microsoft".into(),
            product: "windows".into(),
            cpe_version: None,
            version: String::new(),
            update: None,
            target_hw: Some("x64".into()),
            scheme: Scheme::Windows,
            condition_only: true,
            patch: PatchLevel::Unknown,
        }
    }

    #[test]
    fn ranges_and_exact_versions() {
        let mut r = m(true, "cpe:2.3:a:rarlab:winrar:*:*:*:*:*:*:*:*");
        r.end_excluding = Some("6.23".into());
        assert!(matches!(
            match_platform(&r, &app("rarlab", "winrar", "6.22.0")),
            Some(MatchKind::InRange { fixed: Some(ref f), .. }) if f == "6.23"
        ));
        assert_eq!(match_platform(&r, &app("rarlab", "winrar", "6.23.0")), None);
        assert_eq!(match_platform(&r, &app("rarlab", "winrar", "7.01")), None);
        assert_eq!(match_platform(&r, &app("rarlab", "other", "6.0")), None);
        r.start_including = Some("6.0".into());
        assert_eq!(match_platform(&r, &app("rarlab", "winrar", "5.91")), None);
        let e = m(true, "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*");
        assert_eq!(
            match_platform(&e, &app("7-zip", "7-zip", "19.00")),
            Some(MatchKind::Exact)
        );
        assert_eq!(match_platform(&e, &app("7-zip", "7-zip", "19.01")), None);
        let any = m(true, "cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*");
        assert_eq!(
            match_platform(&any, &app("7-zip", "7-zip", "1")),
            Some(MatchKind::Unbounded)
        );
    }

    #[test]
    fn and_configuration_needs_the_platform_and_reports_only_vulnerable() {
        let mut vuln = m(true, "cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*");
        vuln.end_including = Some("21.07".into());
        let cfg = Configuration {
            and: true,
            negate: false,
            nodes: vec![
                Node {
                    and: false,
                    negate: false,
                    matches: vec![vuln],
                },
                Node {
                    and: false,
                    negate: false,
                    matches: vec![m(false, "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*")],
                },
            ],
        };
        let seven = app("7-zip", "7-zip", "21.07");
        let hits = evaluate_config(&cfg, &[seven.clone(), windows()]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, 0, "the platform condition is not a finding");
        // Without the Windows platform the AND configuration does not hold.
        assert!(evaluate_config(&cfg, std::slice::from_ref(&seven)).is_empty());
        // A negated configuration never reports.
        let mut neg = cfg.clone();
        neg.negate = true;
        assert!(evaluate_config(&neg, &[seven.clone(), windows()]).is_empty());
        // A negated platform node: "not on Windows".
        let mut not_win = cfg.clone();
        not_win.nodes[1].negate = true;
        assert!(evaluate_config(&not_win, &[seven.clone(), windows()]).is_empty());
        assert_eq!(evaluate_config(&not_win, &[seven]).len(), 1);
    }

    #[test]
    fn or_configuration_and_and_nodes() {
        let cfg = Configuration {
            and: false,
            negate: false,
            nodes: vec![Node {
                and: true,
                negate: false,
                matches: vec![
                    m(true, "cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*"),
                    m(false, "cpe:2.3:a:v:q:*:*:*:*:*:*:*:*"),
                ],
            }],
        };
        assert!(evaluate_config(&cfg, &[app("v", "p", "1.0")]).is_empty());
        let hits = evaluate_config(&cfg, &[app("v", "p", "1.0"), app("v", "q", "3")]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, 0);
    }

    #[test]
    fn windows_release_names_and_service_packs() {
        let s2012r2 = Platform {
            label: "Windows Server 2012 R2".into(),
            part: "o".into(),
            vendor: "microsoft".into(),
            product: "windows_server_2012".into(),
            cpe_version: Some("r2".into()),
            version: "6.3.9600.20000".into(),
            update: None,
            target_hw: Some("x64".into()),
            scheme: Scheme::Windows,
            condition_only: false,
            patch: PatchLevel::Unknown,
        };
        let r2 = m(
            true,
            "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*",
        );
        let gold = m(
            true,
            "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*",
        );
        assert_eq!(match_platform(&r2, &s2012r2), Some(MatchKind::Unbounded));
        assert_eq!(match_platform(&gold, &s2012r2), None);
        let mut w7 = s2012r2.clone();
        w7.product = "windows_7".into();
        w7.cpe_version = None;
        let sp1 = m(true, "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*");
        assert_eq!(match_platform(&sp1, &w7), None, "no service pack installed");
        w7.update = Some("sp1".into());
        assert_eq!(match_platform(&sp1, &w7), Some(MatchKind::Unbounded));
        let arm = m(true, "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:arm64:*");
        assert_eq!(match_platform(&arm, &w7), None);
    }

    #[test]
    fn garbage_is_refused_not_panicking() {
        for bad in [
            &b""[..],
            b"{",
            b"[]",
            b"{\"vulnerabilities\": 3}",
            b"{\"cve\": {\"id\": \"CVE-1\"}}",
            b"{\"id\": \"CVE-2024-1234\", \"configurations\": [{\"operator\": \"XOR\", \"nodes\": []}]}",
            b"\xff\xfe{\x00}\x00",
            b"{\"format\":\"NVD_CVE\"}",
        ] {
            assert!(parse(bad, "x.json").is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let e = parse(deep.as_bytes(), "deep.json").unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
    }
}
