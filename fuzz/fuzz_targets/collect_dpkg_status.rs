#![no_main]
//! dpkg status parser: never panics; every package has a name and version.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = antoan_collect::dpkg::parse_status(&text);
    for p in &parsed.packages {
        assert!(!p.name.is_empty());
    }
});
