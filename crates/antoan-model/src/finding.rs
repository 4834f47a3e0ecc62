use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::Text;

/// How bad a finding is. Ordered from least to most severe, so
/// `Severity::High >= threshold` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Severity::Info => Text::new("Thông tin", "Info"),
            Severity::Low => Text::new("Thấp", "Low"),
            Severity::Medium => Text::new("Trung bình", "Medium"),
            Severity::High => Text::new("Cao", "High"),
            Severity::Critical => Text::new("Nghiêm trọng", "Critical"),
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity '{other}' (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// What sort of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Eol,
    Vulnerability,
    WeakCredential,
    Config,
    Exposure,
    Account,
    Malware,
    Physical,
    Process,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Eol => "eol",
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::WeakCredential => "weak-credential",
            FindingKind::Config => "config",
            FindingKind::Exposure => "exposure",
            FindingKind::Account => "account",
            FindingKind::Malware => "malware",
            FindingKind::Physical => "physical",
            FindingKind::Process => "process",
        }
    }
}

/// `open`: the problem was seen. `not-assessed`: the check could not run, and
/// `reason` says why. A check never passes silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    Open,
    NotAssessed,
}

/// One thing seen that supports a finding. Secrets are never put here: a
/// weak password is evidence as "in list X", never as the password.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// Where it was seen: a file (with line when known), a registry key, a probe.
    pub source: String,
    /// What was seen there.
    pub observed: String,
}

impl Evidence {
    pub fn new(source: impl Into<String>, observed: impl Into<String>) -> Evidence {
        Evidence { source: source.into(), observed: observed.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs for the same host, check and subject.
    pub id: String,
    /// Id of the check that produced it.
    pub check: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub status: FindingStatus,
    /// What it is about: a package, account, file, service, setting, `host:port`.
    pub subject: String,
    pub title: Text,
    pub remediation: Text,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Ids in the controls catalog.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Why the check could not run (only with `status: not-assessed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    /// Kind-specific facts, e.g. `eol_date`, `cycle`, `cve`, `installed_version`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Links and identifiers for further reading (CVE ids, advisories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl Finding {
    /// The stable id of a finding: a short hash of the host identity, the
    /// check id and the subject. Deliberately independent of severity and
    /// text, so wording or policy tuning does not make a finding "new".
    pub fn stable_id(host_key: &str, check: &str, subject: &str) -> String {
        let mut h = Sha256::new();
        h.update(host_key.as_bytes());
        h.update([0u8]);
        h.update(check.as_bytes());
        h.update([0u8]);
        h.update(subject.as_bytes());
        let d = h.finalize();
        let mut s = String::with_capacity(18);
        s.push_str("F-");
        for b in &d[..8] {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// The outcome of one check on one host, whether or not it produced findings.
/// The host score and the "what ran" summary are computed from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckOutcome {
    Pass,
    Fail,
    NotAssessed,
    /// The check does not apply to this host (e.g. an sshd check where no sshd
    /// is installed, a domain-controller check on a workstation).
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub outcome: CheckOutcome,
    pub severity: Severity,
    /// Category of the check (accounts, ssh, firewall …), for grouping.
    pub category: String,
}
