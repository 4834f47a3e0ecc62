//! Fuzzes the device fingerprint file parser of antoan-probe: any text gives
//! fingerprints or an error naming the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match antoan_probe::Fingerprints::parse("fuzz.toml", text) {
        Ok(fp) => {
            let _ = fp.identify(&antoan_probe::Service::default());
        }
        Err(e) => assert!(e.starts_with("fuzz.toml")),
    }
});
