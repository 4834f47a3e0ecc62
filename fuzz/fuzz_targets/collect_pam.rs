#![no_main]
//! pam.d parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (entries, _bad) = antoan_collect::pam::parse_pam(&text);
    for e in entries {
        assert!(!e.kind.is_empty());
    }
});
