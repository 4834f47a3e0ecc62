#![no_main]
//! Unit paths come from users (API, `antoan serve token create --unit PATH`):
//! the store's path parser must never panic, and what it accepts is slugs only.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(segs) = antoan_store::parse_unit_path(&s) {
        assert!(!segs.is_empty() && segs.len() <= 12);
        for seg in segs {
            assert!(seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }
});
