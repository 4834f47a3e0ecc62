use serde::{Deserialize, Serialize};

use crate::finding::{CheckResult, Finding, Severity};
use crate::inventory::Inventory;
use crate::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OsFamily {
    Linux,
    Windows,
    #[default]
    Unknown,
}

/// The operating system as a person names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OsInfo {
    pub family: OsFamily,
    /// e.g. "Debian GNU/Linux", "Windows 10 Pro".
    pub name: String,
    /// e.g. "12", "22.04", "22H2".
    pub version: String,
    /// Kernel release on Linux, `CurrentBuild.UBR` on Windows.
    #[serde(default)]
    pub build: String,
    /// Edition or variant: "Server", "EnterpriseS", "Pro"; empty when none.
    #[serde(default)]
    pub edition: String,
    /// Machine-readable distribution id (`ID` of os-release: debian, ubuntu, rhel, …).
    #[serde(default)]
    pub id: String,
    /// Related ids (`ID_LIKE`).
    #[serde(default)]
    pub id_like: Vec<String>,
    /// Release codename where one exists (bookworm, jammy).
    #[serde(default)]
    pub codename: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HostInfo {
    pub hostname: String,
    pub os: OsInfo,
    #[serde(default)]
    pub architecture: String,
    /// A stable machine identity (`/etc/machine-id`, Windows MachineGuid)
    /// when known; finding ids are derived from it, else from the hostname.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub machine_id: String,
    /// `live` for the running system, else the root path or export folder audited.
    pub source: String,
}

impl HostInfo {
    /// The key finding ids are derived from.
    pub fn identity_key(&self) -> String {
        if self.machine_id.is_empty() {
            format!("host:{}", self.hostname)
        } else {
            format!("machine:{}", self.machine_id)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// A piece of knowledge the verdicts rest on, and how old it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeSource {
    pub name: String,
    pub version: String,
    /// Date of the data (ISO 8601).
    pub date: String,
    #[serde(default)]
    pub sha256: String,
}

/// Host score 0–100 and what drove it down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub value: u8,
    pub drivers: Vec<ScoreDriver>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDriver {
    /// Check id (or category) that cost points.
    pub check: String,
    pub title: Text,
    pub severity: Severity,
    /// Points lost because of it.
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub checks_run: u32,
    pub passed: u32,
    pub failed: u32,
    pub not_assessed: u32,
    pub not_applicable: u32,
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

/// The document `antoan audit --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// When the evaluation was made (RFC 3339, UTC). End-of-life verdicts are
    /// relative to this instant; `--now` fixes it for reproducible output.
    pub generated_at: String,
    pub host: HostInfo,
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub checks: Vec<CheckResult>,
    pub summary: Summary,
    pub score: Score,
    pub knowledge: Vec<KnowledgeSource>,
}
