#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(icon) = antoan_probe::favicon::icon_body(data) {
        let _ = antoan_probe::favicon::favicon_hash(&icon);
    }
});
