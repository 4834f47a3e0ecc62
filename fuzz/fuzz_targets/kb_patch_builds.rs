//! Fuzz the Windows patch-build data parser (knowledge/windows/patch-builds.toml
//! and imported bundles of the same shape): an error or data, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = antoan_kb::PatchData::parse(text, "fuzz.toml") {
            for (build, r) in &p.releases {
                for u in &r.updates {
                    let _ = p.standing(*build, u.ubr);
                }
                let _ = p.standing(*build, 0);
                let _ = p.standing(*build, u32::MAX);
            }
        }
    }
});
