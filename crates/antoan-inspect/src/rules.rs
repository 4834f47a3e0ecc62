//! The inspection rules file (`rules/inspection.toml`): automatic checklist
//! items, what non-compliant manual answers become, the recommendations of
//! the conclusion, and the data of the state-secret and handover rules.

use std::collections::BTreeMap;

use antoan_model::{FindingKind, OsFamily, Report, Severity, Text};
use serde::Deserialize;

use crate::error::{clean, line_of, InspectError};

/// The rules shipped with antoan.
pub const EMBEDDED_RULES: &str = include_str!("../rules/inspection.toml");

/// Largest rules file accepted.
pub const MAX_RULES_BYTES: usize = 1024 * 1024;

/// Which reports an automatic item reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportSource {
    /// Host audits (`antoan audit`, the agent).
    Host,
    /// Network scans (`antoan scan`).
    Scan,
    Any,
}

impl ReportSource {
    /// Whether a report is of this source.
    pub fn accepts(self, r: &Report) -> bool {
        let scan = is_scan(r);
        match self {
            ReportSource::Host => !scan,
            ReportSource::Scan => scan,
            ReportSource::Any => true,
        }
    }
}

/// A report written by `antoan scan`.
pub fn is_scan(r: &Report) -> bool {
    r.host.source == "network-scan"
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomaticRule {
    pub id: String,
    pub control: String,
    pub requirement: Text,
    pub source: ReportSource,
    /// The kind of the finding a non-compliant item becomes. Not `physical`
    /// or `process` (those are for manual items); one of `kinds` when
    /// `kinds` is given.
    pub finding_kind: FindingKind,
    #[serde(default)]
    pub os_family: Option<OsFamily>,
    #[serde(default)]
    pub kinds: Vec<FindingKind>,
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default)]
    pub collectors: Vec<String>,
}

impl AutomaticRule {
    /// Whether this rule reads a report at all.
    pub fn reads(&self, r: &Report) -> bool {
        self.source.accepts(r) && self.os_family.is_none_or(|f| r.host.os.family == f)
    }

    /// Whether the report's collectors this rule needs all ran.
    pub fn collected(&self, r: &Report) -> bool {
        self.collectors.iter().all(|c| r.inventory.collected(c))
    }

    pub fn matches(&self, f: &antoan_model::Finding) -> bool {
        f.controls.iter().any(|c| c == &self.control)
            && (self.kinds.is_empty() || self.kinds.contains(&f.kind))
            && (self.checks.is_empty() || self.checks.iter().any(|p| glob(p, &f.check)))
    }
}

/// `pattern` with an optional trailing `*`.
pub fn glob(pattern: &str, s: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => s == pattern,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualRule {
    pub controls: Vec<String>,
    pub kind: FindingKind,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationRule {
    pub id: String,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<FindingKind>,
    pub text: Text,
    pub owner: Text,
    pub deadline_days: u32,
    pub recheck: Text,
}

impl RecommendationRule {
    pub fn matches(&self, f: &antoan_model::Finding) -> bool {
        self.kinds.contains(&f.kind)
            || self
                .controls
                .iter()
                .any(|c| c == "*" || f.controls.contains(c))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StateSecretRules {
    #[serde(default)]
    pub usb_checks: Vec<String>,
    #[serde(default)]
    pub remote_control_checks: Vec<String>,
    #[serde(default)]
    pub remote_control_programs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverRules {
    pub max_signature_age_days: i64,
}

impl Default for HandoverRules {
    fn default() -> Self {
        HandoverRules {
            max_signature_age_days: 7,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub version: u32,
    pub owner: Text,
    pub deadline_days: BTreeMap<Severity, u32>,
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    #[serde(default)]
    pub automatic: Vec<AutomaticRule>,
    #[serde(default)]
    pub manual: Vec<ManualRule>,
    #[serde(default)]
    pub recommendation: Vec<RecommendationRule>,
    #[serde(default)]
    pub state_secret: StateSecretRules,
    #[serde(default)]
    pub handover: HandoverRules,
}

impl Rules {
    /// The rules shipped with antoan.
    pub fn embedded() -> Rules {
        // The embedded file is checked by a unit test; fall back to an empty
        // rule set rather than panic if it were ever broken.
        Rules::parse(EMBEDDED_RULES, "rules/inspection.toml", None).unwrap_or_else(|_| Rules {
            version: 1,
            owner: Text::new("Thủ trưởng đơn vị", "Head of the unit"),
            deadline_days: BTreeMap::new(),
            legal_basis: Vec::new(),
            automatic: Vec::new(),
            manual: Vec::new(),
            recommendation: Vec::new(),
            state_secret: StateSecretRules::default(),
            handover: HandoverRules::default(),
        })
    }

    /// Parses and checks a rules file. When a catalog is given, every
    /// control id the rules name must exist in it.
    pub fn parse(
        text: &str,
        origin: &str,
        catalog: Option<&antoan_kb::ControlCatalog>,
    ) -> Result<Rules, InspectError> {
        if text.len() > MAX_RULES_BYTES {
            return Err(InspectError::new(
                origin,
                None,
                format!(
                    "tệp quá lớn ({} byte, tối đa {MAX_RULES_BYTES})",
                    text.len()
                ),
                format!(
                    "file is too large ({} bytes, at most {MAX_RULES_BYTES})",
                    text.len()
                ),
            ));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let r: Rules = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let m = clean(e.message(), 300);
            InspectError::new(
                origin,
                line,
                format!("quy tắc không hợp lệ: {m}"),
                format!("invalid rules: {m}"),
            )
        })?;
        let bad = |vi: String, en: String| Err(InspectError::new(origin, None, vi, en));
        if r.version != 1 {
            return bad(
                format!("phiên bản quy tắc {} không được hỗ trợ (cần 1)", r.version),
                format!("rules version {} is not supported (1 expected)", r.version),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &r.automatic {
            if !seen.insert(a.id.as_str()) {
                return bad(
                    format!("mục tự động {} bị lặp", a.id),
                    format!("automatic item {} is defined twice", a.id),
                );
            }
            let k = a.finding_kind.as_str();
            if matches!(a.finding_kind, FindingKind::Physical | FindingKind::Process) {
                return bad(
                    format!(
                        "mục tự động {}: finding_kind = \"{k}\" chỉ dùng cho mục kiểm tra thủ công",
                        a.id
                    ),
                    format!(
                        "automatic item {}: finding_kind \"{k}\" is for manual items only",
                        a.id
                    ),
                );
            }
            if !a.kinds.is_empty() && !a.kinds.contains(&a.finding_kind) {
                return bad(
                    format!(
                        "mục tự động {}: finding_kind = \"{k}\" không nằm trong kinds",
                        a.id
                    ),
                    format!(
                        "automatic item {}: finding_kind \"{k}\" is not one of its kinds",
                        a.id
                    ),
                );
            }
        }
        if let Some(cat) = catalog {
            let known = |c: &str| c == "*" || cat.get(c).is_some();
            let named = r
                .automatic
                .iter()
                .map(|a| a.control.as_str())
                .chain(
                    r.manual
                        .iter()
                        .flat_map(|m| m.controls.iter().map(String::as_str)),
                )
                .chain(
                    r.recommendation
                        .iter()
                        .flat_map(|m| m.controls.iter().map(String::as_str)),
                );
            for c in named {
                if !known(c) {
                    return bad(
                        format!("quy tắc nêu biện pháp {c} không có trong danh mục"),
                        format!("the rules name control {c}, which is not in the catalog"),
                    );
                }
            }
        }
        Ok(r)
    }

    /// Days to the deadline of a finding of this severity.
    pub fn deadline_days(&self, s: Severity) -> u32 {
        self.deadline_days.get(&s).copied().unwrap_or(60)
    }

    /// Kind and default severity of a non-compliant manual answer on a
    /// control. Without a `[[manual]]` entry: physical for the P group,
    /// process otherwise, medium.
    pub fn manual_for(&self, control: &str, group: &str) -> (FindingKind, Severity) {
        if let Some(m) = self
            .manual
            .iter()
            .find(|m| m.controls.iter().any(|c| c == control))
        {
            return (m.kind, m.severity);
        }
        let kind = if group == "P" {
            FindingKind::Physical
        } else {
            FindingKind::Process
        };
        (kind, Severity::Medium)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse_against_the_catalog() {
        let kb = antoan_kb::Knowledge::embedded().unwrap();
        let r = Rules::parse(EMBEDDED_RULES, "rules/inspection.toml", Some(&kb.controls)).unwrap();
        assert!(r.automatic.iter().any(|a| a.id == "auto.eol-microsoft"));
        assert!(r.automatic.iter().any(|a| a.id == "auto.default-passwords"));
        assert_eq!(r.deadline_days(Severity::Critical), 15);
        assert_eq!(Rules::embedded(), r);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = Rules::parse("version = 1\nowner = 5\n", "r.toml", None).unwrap_err();
        assert_eq!((e.origin.as_str(), e.line), ("r.toml", Some(2)), "{e}");
        let e = Rules::parse(
            &EMBEDDED_RULES.replace("control = \"M5.1\"", "control = \"Z9.9\""),
            "r.toml",
            Some(&antoan_kb::Knowledge::embedded().unwrap().controls),
        )
        .unwrap_err();
        assert!(e.message.en.contains("Z9.9"), "{e}");
        let e = Rules::parse(
            &EMBEDDED_RULES.replace("version = 1", "version = 2"),
            "r.toml",
            None,
        )
        .unwrap_err();
        assert!(e.message.vi.contains("phiên bản"), "{e}");
    }

    #[test]
    fn finding_kind_is_required_and_checked() {
        let kb = antoan_kb::Knowledge::embedded().unwrap();
        let r = Rules::embedded();
        let kind = |id: &str| {
            r.automatic
                .iter()
                .find(|a| a.id == id)
                .unwrap()
                .finding_kind
        };
        assert_eq!(kind("auto.eol-microsoft"), FindingKind::Eol);
        assert_eq!(kind("auto.default-passwords"), FindingKind::WeakCredential);
        assert_eq!(kind("auto.malware"), FindingKind::Malware);
        assert_eq!(kind("auto.insecure-services"), FindingKind::Exposure);
        assert_eq!(kind("auto.firewall"), FindingKind::Config);
        let one = "version = 1\nowner = { vi = \"a\", en = \"a\" }\n[deadline_days]\n[[automatic]]\nid = \"x\"\ncontrol = \"M5.1\"\nrequirement = { vi = \"r\", en = \"r\" }\nsource = \"host\"\n";
        let e = Rules::parse(one, "r.toml", None).unwrap_err();
        assert!(e.message.en.contains("finding_kind"), "{e}");
        let e = Rules::parse(
            &format!("{one}finding_kind = \"physical\"\n"),
            "r.toml",
            None,
        )
        .unwrap_err();
        assert!(e.message.en.contains("manual items only"), "{e}");
        let e = Rules::parse(
            &format!("{one}finding_kind = \"eol\"\nkinds = [\"config\"]\n"),
            "r.toml",
            None,
        )
        .unwrap_err();
        assert!(
            e.message.en.contains("not one of its kinds") && !e.message.vi.is_empty(),
            "{e}"
        );
        let e = Rules::parse(
            &format!("{one}finding_kind = \"nonsense\"\n"),
            "r.toml",
            Some(&kb.controls),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(9), "{e}");
        assert!(Rules::parse(
            &format!("{one}finding_kind = \"eol\"\n"),
            "r.toml",
            Some(&kb.controls)
        )
        .is_ok());
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            String::from_utf8_lossy(b"\x00\xff[[automatic]]\x01").into_owned(),
            "Xin chào = \"thế giới\"".into(),
            EMBEDDED_RULES.to_string(),
        ];
        for t in &inputs {
            for cut in (0..=t.len()).step_by(97) {
                if t.is_char_boundary(cut) {
                    let _ = Rules::parse(&t[..cut], "g.toml", None);
                }
            }
        }
    }

    #[test]
    fn globs() {
        assert!(glob("WIN-RMT-*", "WIN-RMT-001"));
        assert!(!glob("WIN-RMT-*", "WIN-RM"));
        assert!(glob("eol.os", "eol.os"));
        assert!(!glob("eol.os", "eol.os2"));
    }
}
