//! The vocabulary every antoan crate shares.
//!
//! This crate holds data types only: what a host inventory looks like, what a
//! finding is, and the versioned report document that `antoan audit --format
//! json` prints. It does no IO and has no logic beyond small constructors, so
//! every other crate can depend on it without pulling anything in.

pub mod finding;
pub mod inventory;
pub mod report;
pub mod text;
pub mod windows;

pub use finding::{CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, Severity};
pub use inventory::*;
pub use report::{HostInfo, KnowledgeSource, OsFamily, OsInfo, Report, Score, ScoreDriver, Summary, ToolInfo};
pub use text::{Lang, Text};
pub use windows::*;

/// Version of the JSON report document. Bump the major part on any change
/// that can break a consumer (a removed or renamed field, a changed meaning).
pub const SCHEMA_VERSION: &str = "1.0";
