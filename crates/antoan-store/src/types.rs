//! The public types of the store. All derive `Debug, Clone, Serialize` so the
//! server can return them as JSON directly; times are RFC 3339 strings in JSON.

use antoan_model::{Severity, Text};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The part of the unit tree a user may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scope {
    /// Everything (province inspectors).
    All,
    /// The unit with this path and every unit below it: unit path == `path` or starts with `path + "/"`.
    Subtree { unit_id: i64, path: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    #[serde(rename = "inspector")]
    ProvinceInspector,
    #[serde(rename = "unit-admin")]
    UnitAdmin,
    #[serde(rename = "viewer")]
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProvinceInspector => "inspector",
            Role::UnitAdmin => "unit-admin",
            Role::Viewer => "viewer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "inspector" => Ok(Role::ProvinceInspector),
            "unit-admin" => Ok(Role::UnitAdmin),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "unknown role '{other}' (expected inspector, unit-admin or viewer)"
            )),
        }
    }
}

/// Who made a change: a user, or "system" / "agent:12" for non-users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "system".into(),
        }
    }
    pub fn user(id: i64, name: impl Into<String>) -> Actor {
        Actor {
            user_id: Some(id),
            name: name.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub slug: String,
    pub name: String,
    pub depth: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    #[serde(skip_serializing)]
    pub password_phc: String,
    pub role: Role,
    /// None = the root (only for inspectors).
    pub unit_id: Option<i64>,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_path: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
}

/// A user with the argon2id PHC string; never serialised with the hash.
#[derive(Debug, Clone, Serialize)]
pub struct UserWithHash {
    pub user: User,
    #[serde(skip_serializing)]
    pub password_phc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollmentToken {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub revoked: bool,
    pub used_count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Agent {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub hostname: String,
    pub os: String,
    pub public_key: String,
    #[serde(with = "time::serde::rfc3339")]
    pub enrolled_at: OffsetDateTime,
    pub revoked: bool,
    pub last_seq: u64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_seen: Option<OffsetDateTime>,
    pub host_id: Option<i64>,
}

/// A verified submission to store.
#[derive(Debug, Clone)]
pub struct IngestReport<'a> {
    pub agent_id: i64,
    pub seq: u64,
    pub sent_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    /// The report JSON exactly as the agent signed it (stored, compressed).
    pub report_json: &'a [u8],
    pub report: &'a antoan_model::Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum IngestOutcome {
    Accepted {
        report_id: i64,
        host_id: i64,
    },
    /// The same (agent, seq) with the same payload was accepted before.
    Duplicate {
        report_id: i64,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HostFilter {
    /// Substring of the hostname, OS name or unit path (case-insensitive for ASCII).
    pub q: Option<String>,
    pub os_eol: Option<bool>,
    /// Only hosts whose last report is older than this (or that never reported).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub silent_since: Option<OffsetDateTime>,
    /// 0 = no limit.
    pub limit: u32,
    pub offset: u32,
    /// Also list the site hosts (the per-unit pseudo-hosts carrying inspection findings).
    #[serde(default)]
    pub include_sites: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub agent_id: Option<i64>,
    pub hostname: String,
    pub os_name: String,
    pub os_version: String,
    /// An open end-of-life finding on the OS.
    pub os_eol: bool,
    /// An open end-of-life finding on Office.
    pub office_eol: bool,
    pub last_report_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_seen: Option<OffsetDateTime>,
    pub score: Option<u32>,
    pub open_critical: u32,
    pub open_high: u32,
    pub open_total: u32,
    /// "agent" (a computer with an agent) or "site" (the unit's pseudo-host for the physical and
    /// process findings of inspections; never counted as a host).
    #[serde(default = "default_host_kind")]
    pub kind: String,
    /// Marked as holding state secrets (stricter rules on its reports).
    #[serde(default)]
    pub state_secret: bool,
}

fn default_host_kind() -> String {
    HOST_KIND_AGENT.to_string()
}

/// [`HostRow::kind`] of a computer with an agent.
pub const HOST_KIND_AGENT: &str = "agent";
/// [`HostRow::kind`] of a unit's site host (inspection findings).
pub const HOST_KIND_SITE: &str = "site";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingState {
    New,
    Open,
    Fixed,
    Reopened,
}

impl FindingState {
    pub const ALL: [FindingState; 4] = [
        FindingState::New,
        FindingState::Open,
        FindingState::Fixed,
        FindingState::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::New => "new",
            FindingState::Open => "open",
            FindingState::Fixed => "fixed",
            FindingState::Reopened => "reopened",
        }
    }

    pub fn label(self) -> Text {
        match self {
            FindingState::New => Text::new("Mới", "New"),
            FindingState::Open => Text::new("Đang mở", "Open"),
            FindingState::Fixed => Text::new("Đã khắc phục", "Fixed"),
            FindingState::Reopened => Text::new("Tái xuất hiện", "Reopened"),
        }
    }
}

impl std::str::FromStr for FindingState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(FindingState::New),
            "open" => Ok(FindingState::Open),
            "fixed" => Ok(FindingState::Fixed),
            "reopened" => Ok(FindingState::Reopened),
            other => Err(format!(
                "unknown finding state '{other}' (expected new, open, fixed or reopened)"
            )),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FindingFilter {
    pub unit_id: Option<i64>,
    pub host_id: Option<i64>,
    /// None = every state but fixed.
    pub state: Option<Vec<FindingState>>,
    pub severity: Option<Vec<Severity>>,
    /// Finding kind ("eol", "vulnerability", …).
    pub kind: Option<String>,
    /// Substring of the subject, check, finding id, hostname or title.
    pub q: Option<String>,
    pub assignee: Option<i64>,
    /// Some(true): only findings with an active waiver; Some(false): only without.
    pub waived: Option<bool>,
    /// 0 = no limit.
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    pub id: i64,
    pub host_id: i64,
    pub hostname: String,
    pub unit_path: String,
    /// The antoan finding id (F-…).
    pub finding_key: String,
    pub check: String,
    pub kind: String,
    pub severity: Severity,
    pub subject: String,
    pub title: Text,
    pub remediation: Text,
    pub state: FindingState,
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub fixed_at: Option<OffsetDateTime>,
    pub assignee: Option<(i64, String)>,
    #[serde(with = "crate::types::iso_date::option")]
    pub due: Option<Date>,
    /// The active waiver (not revoked, not expired), if any.
    pub waiver: Option<Waiver>,
    /// The owner named by an inspection (the assignee stays a user).
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// "new", "seen", "fixed", "reopened", "assigned", "waived", "waiver-revoked".
    pub event: String,
    pub actor: String,
    pub detail: String,
    pub report_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewWaiver {
    pub finding_id: i64,
    pub justification: String,
    pub approver: String,
    #[serde(with = "crate::types::iso_date")]
    pub expires_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub id: i64,
    pub finding_id: i64,
    pub justification: String,
    pub approver: String,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::types::iso_date")]
    pub expires_on: Date,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportMeta {
    pub id: i64,
    pub host_id: i64,
    pub seq: u64,
    pub generated_at: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub score: Option<u32>,
    pub findings_open: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Overview {
    /// Every unit in scope (sorted by path), with totals over its whole subtree.
    pub units: Vec<UnitStats>,
    /// One point per day, the last 30 days, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Open device handovers on hosts in scope.
    #[serde(default)]
    pub open_handovers: u32,
    /// Hosts in scope marked as holding state secrets.
    #[serde(default)]
    pub state_secret_hosts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitStats {
    pub unit: Unit,
    pub hosts: u32,
    /// Reported within the expected interval.
    pub hosts_reporting: u32,
    pub hosts_silent: u32,
    pub hosts_os_eol: u32,
    pub hosts_office_eol: u32,
    pub open_critical: u32,
    pub open_high: u32,
    pub open_total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    #[serde(with = "crate::types::iso_date")]
    pub day: Date,
    pub open_critical: u32,
    pub open_high: u32,
    pub open_total: u32,
    pub reports: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

// ---------------------------------------------------------------- inspections

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionState {
    Open,
    Concluded,
}

impl InspectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            InspectionState::Open => "open",
            InspectionState::Concluded => "concluded",
        }
    }
}

impl std::str::FromStr for InspectionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(InspectionState::Open),
            "concluded" => Ok(InspectionState::Concluded),
            other => Err(format!(
                "unknown inspection state '{other}' (expected open or concluded)"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InspectionRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub level: u8,
    pub state: InspectionState,
    /// antoan_inspect::Inspection JSON as stored.
    pub document: String,
    pub previous_id: Option<i64>,
    /// The inspected units, sorted by path.
    pub units: Vec<Unit>,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub concluded_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewInspection {
    pub code: String,
    pub title: String,
    pub level: u8,
    pub document: String,
    pub previous_id: Option<i64>,
    /// (unit_id, antoan_inspect::Checklist JSON), at least one.
    pub checklists: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecklistRow {
    pub inspection_id: i64,
    pub unit: Unit,
    pub checklist: String,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceMeta {
    pub id: i64,
    pub inspection_id: i64,
    pub unit_id: i64,
    pub item_id: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewEvidence {
    pub inspection_id: i64,
    pub unit_id: i64,
    pub item_id: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub body: Vec<u8>,
}

/// One unit's outcome when an inspection is concluded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitOutcome {
    pub unit_id: i64,
    /// Non-compliant items as findings (antoan_inspect::findings::checklist_findings): opened, kept
    /// or reopened on the unit's site host. Attribute "deadline" (YYYY-MM-DD) → `due` when the
    /// finding has none yet; attribute "owner" → `findings.owner`.
    pub findings: Vec<antoan_model::Finding>,
    /// Finding ids (`Finding.id`, i.e. finding_key) of items answered compliant: an existing
    /// not-fixed finding with that key becomes fixed (event "fixed", detail "inspection CODE").
    /// Keys in neither list are left as they are (not assessed verifies nothing).
    pub compliant_keys: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcludeOutcome {
    pub opened: u32,
    pub reopened: u32,
    pub kept: u32,
    pub fixed: u32,
}

// ---------------------------------------------------------------- handovers and marks

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HandoverState {
    Open,
    Closed,
    Exception,
}

impl HandoverState {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverState::Open => "open",
            HandoverState::Closed => "closed",
            HandoverState::Exception => "exception",
        }
    }
}

impl std::str::FromStr for HandoverState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(HandoverState::Open),
            "closed" => Ok(HandoverState::Closed),
            "exception" => Ok(HandoverState::Exception),
            other => Err(format!(
                "unknown handover state '{other}' (expected open, closed or exception)"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HandoverRow {
    pub id: i64,
    pub host_id: i64,
    pub hostname: String,
    pub unit_path: String,
    #[serde(with = "crate::types::iso_date")]
    pub date: Date,
    pub reason: String,
    pub state: HandoverState,
    pub opened_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub closed_report_id: Option<i64>,
    /// JSON of antoan_inspect::handover::HandoverStatus as last evaluated ("" before the first
    /// evaluation).
    pub status: String,
    pub exception_by: Option<String>,
    pub exception_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewHandover {
    pub host_id: i64,
    #[serde(with = "crate::types::iso_date")]
    pub date: Date,
    pub reason: String,
}

/// What ingest needs to know about the agent's host, in one read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostMarks {
    pub host_id: i64,
    pub state_secret: bool,
    pub open_handovers: Vec<HandoverRow>,
}

/// `YYYY-MM-DD` (de)serialisation of `time::Date`.
pub mod iso_date {
    time::serde::format_description!(fmt, Date, "[year]-[month]-[day]");
    pub use fmt::{deserialize, serialize};
    pub mod option {
        pub use super::fmt::option::{deserialize, serialize};
    }
}
