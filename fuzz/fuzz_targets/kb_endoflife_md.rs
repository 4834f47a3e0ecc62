//! endoflife.date product files: front matter split, YAML, dates, labels.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = antoan_kb::Lifecycle::from_endoflife_md(&text, "fuzz.md") {
        for c in &p.cycles {
            let _ = p.cycle(&c.cycle);
        }
        let _ = p.cycle_by_codename("bookworm");
    }
});
