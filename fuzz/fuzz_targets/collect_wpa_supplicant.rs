#![no_main]
//! wpa_supplicant.conf parser (SSIDs only).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::network::parse_wpa_supplicant(&text, "f");
});
