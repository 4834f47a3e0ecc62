#![no_main]
//! RPM header blob parser: bounds-checked, never panics.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = antoan_collect::rpm::parse_header(data) {
        let _ = antoan_collect::rpm::package_from_header(&h);
    }
    let _ = antoan_collect::rpm::split_source_rpm(&String::from_utf8_lossy(data));
});
