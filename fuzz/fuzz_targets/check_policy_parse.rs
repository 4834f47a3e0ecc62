//! Fuzzes the policy parser of antoan-check: arbitrary bytes must give a
//! `Policy` or a `PolicyError` with a position, never a panic; a policy
//! that parses must evaluate (on an empty inventory) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match antoan_check::Policy::parse(text, "fuzz.toml") {
        Ok(p) => {
            let _ = p.request();
            let host = antoan_model::HostInfo::default();
            let _ = antoan_check::evaluate(&host, &antoan_model::Inventory::default(), std::slice::from_ref(&p));
        }
        Err(e) => assert!(e.line >= 1 && e.column >= 1),
    }
});
