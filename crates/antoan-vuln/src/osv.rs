//! OSV records (https://ossf.github.io/osv-schema/) and the form the store
//! keeps of them.
//!
//! Accepted: one record (a JSON object), a list of records (a JSON array, as
//! the Go vulnerability database serves per module), or a zip of such files
//! (the per-ecosystem `all.zip`). UTF-8 only (a UTF-8 byte-order mark is
//! skipped); UTF-16, NUL bytes, invalid UTF-8, nesting deeper than 128 levels
//! and files over [`MAX_JSON_BYTES`] are refused with the file and line.

use std::collections::BTreeMap;
use std::io::Read;

use antoan_model::Severity;
use antoan_version::Scheme;
use serde::{Deserialize, Serialize};

use crate::error::{clean, line_of, VulnError, VulnErrorKind};

/// Largest JSON file (or zip entry) accepted.
pub const MAX_JSON_BYTES: usize = 64 << 20;
/// Largest zip archive accepted.
pub const MAX_ZIP_BYTES: u64 = 2 << 30;
/// Most entries read from one zip archive.
pub const MAX_ZIP_ENTRIES: usize = 2_000_000;

// ---- wire format (only the fields matching needs; unknown fields ignored) ----

#[derive(Deserialize)]
struct WireRecord {
    id: String,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    upstream: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    severity: Option<Vec<WireSeverity>>,
    #[serde(default)]
    affected: Option<Vec<WireAffected>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireAffected {
    #[serde(default)]
    package: Option<WirePackage>,
    #[serde(default)]
    ranges: Option<Vec<WireRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<WireSeverity>>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WirePackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
}

#[derive(Deserialize)]
struct WireSeverity {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    score: String,
}

// ---- stored form ----

/// One advisory as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    pub id: String,
    /// RFC 3339 time of the last change, as given.
    pub modified: String,
    pub published: String,
    pub withdrawn: bool,
    /// Other ids (CVE, DSA, GHSA …): `aliases` then `upstream`, deduplicated.
    pub aliases: Vec<String>,
    /// One line, control characters escaped, at most 300 characters.
    pub summary: String,
    /// Record-level severity, when the record gives one in words.
    pub severity: Option<Severity>,
    pub affected: Vec<Affected>,
}

/// One `affected[]` entry of an advisory, for one package in one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Normalised ecosystem: `Debian:12`, `Ubuntu:22.04` (`:LTS` dropped),
    /// `Ubuntu:Pro:18.04`, `AlmaLinux:9`, `Go` …
    pub ecosystem: String,
    /// For Debian and Ubuntu: the source package.
    pub package: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// A distribution status given by the record (`no-dsa`, `ignored`,
    /// `postponed`, `not-affected`, `end-of-life` …), lower-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

/// A version range of ordered events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "k")]
    pub scheme: RangeScheme,
    #[serde(rename = "e")]
    pub events: Vec<Event>,
}

/// Which ordering a range uses: the ecosystem's own (OSV `ECOSYSTEM`) or semver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeScheme {
    #[serde(rename = "e")]
    Ecosystem,
    #[serde(rename = "s")]
    Semver,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    #[serde(rename = "i")]
    Introduced(String),
    #[serde(rename = "f")]
    Fixed(String),
    #[serde(rename = "l")]
    LastAffected(String),
}

/// Normalises an OSV ecosystem name: trims, and drops Ubuntu's `:LTS`
/// suffix so `Ubuntu:22.04:LTS` and `Ubuntu:22.04` are the same release.
pub fn normalize_ecosystem(e: &str) -> String {
    let e = e.trim();
    match e.strip_suffix(":LTS") {
        Some(base) if e.starts_with("Ubuntu:") => base.to_string(),
        _ => e.to_string(),
    }
}

/// The version ordering of an ecosystem, when antoan knows it.
pub fn scheme_of(ecosystem: &str) -> Option<Scheme> {
    let base = ecosystem.split(':').next().unwrap_or("");
    match base {
        "Debian" | "Ubuntu" => Some(Scheme::Dpkg),
        "AlmaLinux" | "Rocky Linux" | "Red Hat" | "openSUSE" | "SUSE" | "Mageia" | "openEuler" => {
            Some(Scheme::Rpm)
        }
        "Go" | "npm" | "crates.io" | "Hex" | "Pub" | "SwiftURL" => Some(Scheme::Semver),
        _ => None,
    }
}

fn severity_word(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "important" => Some(Severity::High),
        "medium" | "moderate" => Some(Severity::Medium),
        "low" | "negligible" => Some(Severity::Low),
        "unimportant" => Some(Severity::Info),
        _ => None,
    }
}

fn severity_of(
    list: Option<&Vec<WireSeverity>>,
    specific: &[Option<&serde_json::Value>],
) -> Option<Severity> {
    for s in list.into_iter().flatten() {
        if s.kind.eq_ignore_ascii_case("Ubuntu") || !s.score.contains(':') {
            if let Some(v) = severity_word(&s.score) {
                return Some(v);
            }
        }
    }
    for v in specific.iter().flatten() {
        for key in ["severity", "urgency", "ubuntu_priority", "priority"] {
            if let Some(w) = v.get(key).and_then(|x| x.as_str()).and_then(severity_word) {
                return Some(w);
            }
        }
    }
    None
}

/// Status words a distribution puts on an issue that has no fix to install.
const STATUS_KEYS: [&str; 5] = [
    "status",
    "debian_status",
    "ubuntu_status",
    "nodsa",
    "no-dsa",
];

fn status_of(specific: &[Option<&serde_json::Value>]) -> Option<String> {
    for v in specific.iter().flatten() {
        for key in STATUS_KEYS {
            match v.get(key) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                    let s = clean(s.trim(), 120).to_ascii_lowercase();
                    return Some(if key.contains("dsa") {
                        format!("no-dsa: {s}")
                    } else {
                        s
                    });
                }
                Some(serde_json::Value::Bool(true)) if key.contains("dsa") => {
                    return Some("no-dsa".into())
                }
                _ => {}
            }
        }
        if let Some(u) = v.get("urgency").and_then(|x| x.as_str()) {
            if u.trim().eq_ignore_ascii_case("unimportant") {
                return Some("unimportant".into());
            }
        }
    }
    None
}

fn convert(w: WireRecord, origin: &str) -> Result<Advisory, VulnError> {
    let id = w.id.trim().to_string();
    if id.is_empty() || id.len() > 200 || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            None,
            format!(
                "record id {:?} is empty, too long or has spaces/control characters",
                clean(&id, 60)
            ),
        ));
    }
    let mut aliases: Vec<String> = Vec::new();
    for a in w
        .aliases
        .into_iter()
        .flatten()
        .chain(w.upstream.into_iter().flatten())
    {
        let a = clean(a.trim(), 100);
        if !a.is_empty() && a != id && !aliases.contains(&a) {
            aliases.push(a);
        }
    }
    let summary = clean(
        w.summary
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or(""),
        300,
    );
    let rec_severity = severity_of(w.severity.as_ref(), &[w.database_specific.as_ref()]);
    let mut affected = Vec::new();
    for a in w.affected.into_iter().flatten() {
        let Some(pkg) = a.package else { continue };
        let ecosystem = normalize_ecosystem(&pkg.ecosystem);
        let package = pkg.name.trim().to_string();
        if ecosystem.is_empty() || package.is_empty() {
            continue;
        }
        let mut ranges = Vec::new();
        for r in a.ranges.into_iter().flatten() {
            let scheme = match r.kind.as_str() {
                "ECOSYSTEM" => RangeScheme::Ecosystem,
                "SEMVER" => RangeScheme::Semver,
                _ => continue, // GIT ranges name commits, not package versions.
            };
            let mut events = Vec::new();
            for e in r.events {
                if let Some(v) = e.introduced {
                    events.push(Event::Introduced(v));
                } else if let Some(v) = e.fixed {
                    events.push(Event::Fixed(v));
                } else if let Some(v) = e.last_affected {
                    events.push(Event::LastAffected(v));
                }
            }
            if !events.is_empty() {
                ranges.push(Range { scheme, events });
            }
        }
        let specific = [
            a.ecosystem_specific.as_ref(),
            a.database_specific.as_ref(),
            w.database_specific.as_ref(),
        ];
        affected.push(Affected {
            ecosystem,
            package,
            ranges,
            versions: a.versions.unwrap_or_default(),
            status: status_of(&specific),
            severity: severity_of(a.severity.as_ref(), &specific).or(rec_severity),
        });
    }
    Ok(Advisory {
        id,
        modified: clean(w.modified.trim(), 40),
        published: clean(w.published.as_deref().unwrap_or("").trim(), 40),
        withdrawn: w.withdrawn.is_some_and(|s| !s.trim().is_empty()),
        aliases,
        summary,
        severity: rec_severity,
        affected,
    })
}

/// Deepest JSON nesting accepted (serde_json's own limit is 128 too).
pub const MAX_DEPTH: usize = 128;

/// The offset where JSON nesting first goes deeper than [`MAX_DEPTH`],
/// scanning brackets outside strings.
fn too_deep(bytes: &[u8]) -> Option<usize> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// serde_json's message without its " at line L column C" tail.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    if s.contains("recursion limit exceeded") {
        "JSON nesting is deeper than 128 levels".to_string()
    } else {
        clean(&s, 200)
    }
}

/// Size, encoding and nesting checks shared by every JSON reader.
pub(crate) fn precheck(bytes: &[u8], origin: &str) -> Result<(), VulnError> {
    let syntax =
        |line: Option<u64>, m: String| VulnError::new(VulnErrorKind::Syntax, origin, line, m);
    if bytes.len() > MAX_JSON_BYTES {
        return Err(VulnError::new(
            VulnErrorKind::Io,
            origin,
            None,
            format!(
                "file is {} bytes, more than the {} MiB limit",
                bytes.len(),
                MAX_JSON_BYTES >> 20
            ),
        ));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(syntax(
            None,
            "text is UTF-16; OSV files must be UTF-8".into(),
        ));
    }
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    if let Some(p) = bytes.iter().position(|&b| b == 0) {
        return Err(syntax(
            Some(line_of(bytes, p)),
            "contains a NUL byte (UTF-16 without a byte-order mark, or binary data?); OSV files must be UTF-8".into(),
        ));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        return Err(syntax(
            Some(line_of(bytes, at)),
            format!(
                "not UTF-8 (byte 0x{:02x} at offset {at}); OSV files must be UTF-8",
                bytes[at]
            ),
        ));
    }
    if let Some(at) = too_deep(bytes) {
        return Err(syntax(
            Some(line_of(bytes, at)),
            format!("JSON nesting is deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok(())
}

/// Parses one OSV JSON file: a record or a list of records.
pub fn parse_json(bytes: &[u8], origin: &str) -> Result<Vec<Advisory>, VulnError> {
    precheck(bytes, origin)?;
    let syntax =
        |line: Option<u64>, m: String| VulnError::new(VulnErrorKind::Syntax, origin, line, m);
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let wire: Vec<WireRecord> = match first {
        Some(b'{') => vec![serde_json::from_slice::<WireRecord>(bytes)
            .map_err(|e| syntax(Some(e.line() as u64), json_message(&e)))?],
        Some(b'[') => serde_json::from_slice::<Vec<WireRecord>>(bytes)
            .map_err(|e| syntax(Some(e.line() as u64), json_message(&e)))?,
        None => return Err(syntax(None, "file is empty".into())),
        Some(_) => {
            return Err(syntax(
                Some(1),
                "expected an OSV record (a JSON object) or a list of records (a JSON array)".into(),
            ))
        }
    };
    wire.into_iter().map(|w| convert(w, origin)).collect()
}

/// Parses a zip of OSV JSON files (entries not ending in `.json` are skipped).
/// `origin!entry` names the entry in errors.
pub fn parse_zip(bytes: &[u8], origin: &str) -> Result<Vec<Advisory>, VulnError> {
    if bytes.len() as u64 > MAX_ZIP_BYTES {
        return Err(VulnError::new(
            VulnErrorKind::Io,
            origin,
            None,
            "zip archive is larger than 2 GiB",
        ));
    }
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            None,
            format!(
                "not a readable zip archive (truncated or corrupt?): {}",
                clean(&e.to_string(), 200)
            ),
        )
    })?;
    if z.len() > MAX_ZIP_ENTRIES {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            None,
            format!("zip has {} entries, more than {MAX_ZIP_ENTRIES}", z.len()),
        ));
    }
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| {
            VulnError::new(
                VulnErrorKind::Syntax,
                origin,
                None,
                format!(
                    "zip entry {i} cannot be read: {}",
                    clean(&e.to_string(), 200)
                ),
            )
        })?;
        let name = match f.name() {
            Ok(n) => clean(&n, 200),
            Err(_) => clean(&String::from_utf8_lossy(f.name_raw()), 200),
        };
        if f.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let shown = format!("{origin}!{name}");
        if f.size() > MAX_JSON_BYTES as u64 {
            return Err(VulnError::new(
                VulnErrorKind::Io,
                &shown,
                None,
                format!(
                    "entry is {} bytes, more than the {} MiB limit",
                    f.size(),
                    MAX_JSON_BYTES >> 20
                ),
            ));
        }
        buf.clear();
        (&mut f)
            .take(MAX_JSON_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| {
                VulnError::new(
                    VulnErrorKind::Syntax,
                    &shown,
                    None,
                    format!(
                        "entry cannot be decompressed (truncated or corrupt zip?): {}",
                        clean(&e.to_string(), 200)
                    ),
                )
            })?;
        out.extend(parse_json(&buf, &shown)?);
    }
    Ok(out)
}

/// Parses a file by its content: a zip (starts with `PK`) or JSON.
pub fn parse_file(bytes: &[u8], origin: &str) -> Result<Vec<Advisory>, VulnError> {
    if bytes.starts_with(b"PK") {
        parse_zip(bytes, origin)
    } else {
        parse_json(bytes, origin)
    }
}

/// Whether `version` falls in `range` (OSV's evaluation: events sorted by
/// version, `introduced` opens, `fixed` closes at, `last_affected` closes
/// after). `scheme` is the ecosystem's ordering.
pub fn in_range(version: &str, range: &Range, scheme: Scheme) -> bool {
    let scheme = match range.scheme {
        RangeScheme::Semver => Scheme::Semver,
        RangeScheme::Ecosystem => scheme,
    };
    fn key(e: &Event) -> &str {
        match e {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) => v.as_str(),
        }
    }
    // Fast path: the usual `introduced: 0` then one `fixed`/`last_affected`.
    match range.events.as_slice() {
        [Event::Introduced(z)] if z == "0" => return true,
        [Event::Introduced(z), Event::Fixed(f)] if z == "0" => {
            return scheme.compare(version, f).is_lt()
        }
        [Event::Introduced(z), Event::LastAffected(l)] if z == "0" => {
            return scheme.compare(version, l).is_le()
        }
        _ => {}
    }
    let mut events: Vec<&Event> = range.events.iter().collect();
    events.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        match (ka == "0", kb == "0") {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            _ => scheme.compare(ka, kb),
        }
    });
    let mut affected = false;
    for e in events {
        match e {
            Event::Introduced(v) => {
                if v == "0" || scheme.compare(version, v).is_ge() {
                    affected = true;
                }
            }
            Event::Fixed(v) => {
                if scheme.compare(version, v).is_ge() {
                    affected = false;
                }
            }
            Event::LastAffected(v) => {
                if scheme.compare(version, v).is_gt() {
                    affected = false;
                }
            }
        }
    }
    affected
}

/// The smallest `fixed` version above `version` in the ranges, if any.
pub fn fixed_above(version: &str, ranges: &[Range], scheme: Scheme) -> Option<String> {
    let mut best: Option<&str> = None;
    for r in ranges {
        let s = if r.scheme == RangeScheme::Semver {
            Scheme::Semver
        } else {
            scheme
        };
        for e in &r.events {
            if let Event::Fixed(f) = e {
                if s.compare(version, f).is_lt() && best.is_none_or(|b| s.compare(f, b).is_lt()) {
                    best = Some(f);
                }
            }
        }
    }
    best.map(str::to_string)
}

/// Groups advisories by id, keeping the most recently modified copy.
pub fn dedup(advisories: Vec<Advisory>) -> Vec<Advisory> {
    let mut m: BTreeMap<String, Advisory> = BTreeMap::new();
    for a in advisories {
        match m.get(&a.id) {
            Some(old) if old.modified > a.modified => {}
            _ => {
                m.insert(a.id.clone(), a);
            }
        }
    }
    m.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(scheme: RangeScheme, ev: &[(&str, &str)]) -> Range {
        Range {
            scheme,
            events: ev
                .iter()
                .map(|(k, v)| match *k {
                    "i" => Event::Introduced(v.to_string()),
                    "f" => Event::Fixed(v.to_string()),
                    _ => Event::LastAffected(v.to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn ranges_follow_the_osv_rules() {
        let d = Scheme::Dpkg;
        // Two affected windows, events out of order in the record.
        let two = r(
            RangeScheme::Ecosystem,
            &[
                ("f", "1.5-1"),
                ("i", "2.0-1"),
                ("i", "1.0-1"),
                ("f", "2.3-1"),
            ],
        );
        for (v, want) in [
            ("0.9-1", false),
            ("1.0-1", true),
            ("1.4-9", true),
            ("1.5-1", false),
            ("1.9", false),
            ("2.0-1", true),
            ("2.3-1~rc1", true),
            ("2.3-1", false),
        ] {
            assert_eq!(in_range(v, &two, d), want, "{v}");
        }
        assert_eq!(
            fixed_above("1.2-1", std::slice::from_ref(&two), d).as_deref(),
            Some("1.5-1")
        );
        assert_eq!(
            fixed_above("2.1-1", std::slice::from_ref(&two), d).as_deref(),
            Some("2.3-1")
        );
        assert_eq!(fixed_above("2.3-1", &[two], d), None);
        // last_affected is inclusive.
        let last = r(RangeScheme::Ecosystem, &[("i", "0"), ("l", "1:2.0-3")]);
        assert!(in_range("1:2.0-3", &last, d));
        assert!(!in_range("1:2.0-3+deb12u1", &last, d));
        assert!(in_range("5.0-1", &last, d), "epoch 0 is older than epoch 1");
        // introduced later than 0, semver range inside a dpkg ecosystem.
        let sv = r(RangeScheme::Semver, &[("i", "1.2.0"), ("f", "1.2.5")]);
        assert!(!in_range("1.1.9", &sv, d));
        assert!(in_range("v1.2.4", &sv, d));
        assert!(!in_range("1.10.0", &sv, d));
        // fixed 0: never affected.
        assert!(!in_range(
            "0",
            &r(RangeScheme::Ecosystem, &[("i", "0"), ("f", "0")]),
            d
        ));
    }

    #[test]
    fn ecosystems() {
        assert_eq!(normalize_ecosystem(" Ubuntu:22.04:LTS "), "Ubuntu:22.04");
        assert_eq!(
            normalize_ecosystem("Ubuntu:Pro:18.04:LTS"),
            "Ubuntu:Pro:18.04"
        );
        assert_eq!(normalize_ecosystem("Debian:12"), "Debian:12");
        assert_eq!(scheme_of("Debian:12"), Some(Scheme::Dpkg));
        assert_eq!(scheme_of("Rocky Linux:9"), Some(Scheme::Rpm));
        assert_eq!(scheme_of("Go"), Some(Scheme::Semver));
        assert_eq!(scheme_of("PyPI"), None);
    }
}
