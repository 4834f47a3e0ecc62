#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(l) = antoan_probe::ledger::Ledger::parse(text, "fuzz.json") {
            let _ = l.clone().merged(l).pruned(0, 1000, 1000).to_json();
        }
    }
});
