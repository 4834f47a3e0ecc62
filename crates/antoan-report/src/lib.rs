//! Everything a user sees of an antoan report: the host score and summary,
//! and the terminal, JSON and HTML renderings, plus the JSON Schema of the
//! JSON document.
//!
//! # Score
//!
//! [`score`] gives each check a weight by severity (critical 10, high 6,
//! medium 3, low 1, info 0) and counts only the checks that ran (pass or
//! fail); not-assessed and not-applicable checks neither pass nor fail.
//!
//! ```text
//! value = floor(100 × (Σ weight of ran checks − Σ weight of failed checks) / Σ weight of ran checks)
//! ```
//!
//! capped at 40 when a critical check failed, else at 70 when a high one
//! did, and 0 when no weighted check ran (no evidence, no assurance). A check
//! with an open finding has failed, and weighs as its most severe open
//! finding. The drivers are the failed checks that cost the most points
//! (top 5, ties by check id). The full rules, with worked examples, are in
//! `crates/antoan-report/SCORING.md`.
//!
//! # Safety of output
//!
//! Host names, package names and evidence come from the audited machine and
//! may be hostile. The terminal renderer shows every control and
//! bidirectional-override character as a visible escape; the HTML renderer
//! escapes everything through `maud` and uses no script.
//!
//! Every function here is pure: no IO, no clock, the same report gives the
//! same bytes.

mod clean;
mod html;
mod labels;
#[cfg(feature = "validate")]
pub mod schema;
pub mod score;
mod terminal;

use antoan_model::Report;

pub use html::render_html;
pub use score::{breakdown, score, severity_at_or_above, summarize, Breakdown};
pub use terminal::render_terminal;

/// The JSON Schema (draft 2020-12) of the document [`render_json`] prints.
pub const REPORT_SCHEMA: &str = include_str!("../../../schema/report.schema.json");

/// The report as pretty JSON with a trailing newline. Field order is the
/// order of the model's struct fields; maps are sorted. Stable for the same
/// report.
pub fn render_json(report: &Report) -> String {
    // Serialising plain data with string keys cannot fail; should it ever,
    // fall back to an error object rather than panic.
    match serde_json::to_string_pretty(report) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(e.to_string())
        ),
    }
}
