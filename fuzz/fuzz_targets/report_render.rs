//! Render any report that deserialises (as `antoan report` will from a JSON
//! file): no panic, no raw escape character on a terminal without colour,
//! no markup from the report in the HTML, a score within 0–100.
#![no_main]

use antoan_model::{Lang, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(report) = serde_json::from_slice::<Report>(data) else {
        return;
    };
    for lang in [Lang::Vi, Lang::En] {
        let plain = antoan_report::render_terminal(&report, lang, false);
        assert!(!plain.contains('\u{1b}'), "raw escape in plain terminal output");
        let _ = antoan_report::render_terminal(&report, lang, true);
        let html = antoan_report::render_html(&report, lang);
        assert!(!html.contains("<script"), "markup from the report reached the HTML");
    }
    let _ = antoan_report::render_json(&report);
    let s = antoan_report::score(&report.checks, &report.findings);
    assert!(s.value <= 100 && s.drivers.len() <= 5);
    let _ = antoan_report::summarize(&report.checks, &report.findings);
});
