//! Inspections, the server-independent core of antoan's inspection work
//! (issue 8): checklists generated from the controls catalog and filled
//! from antoan reports, evidence checks, findings from non-compliant
//! answers, the inspection conclusion ("Kết luận kiểm tra") with HTML, DOCX
//! and PDF renderers, follow-up comparison, the device handover and
//! state-secret host rules, and detached Ed25519 signatures.
//!
//! Everything here is pure (no clock, no network, no database) except
//! [`pdf::render_pdf`], which runs headless Chromium.

pub mod checklist;
pub mod conclusion;
pub mod docx;
pub mod error;
pub mod evidence;
pub mod findings;
pub mod followup;
pub mod handover;
pub mod html;
pub mod model;
pub mod pdf;
pub mod rules;
pub mod secret;
pub mod sign;

pub use checklist::{fill_automatic, new_checklist};
pub use conclusion::{conclude, document, Conclusion, ConclusionInput, Document};
pub use error::InspectError;
pub use model::*;
pub use rules::Rules;
