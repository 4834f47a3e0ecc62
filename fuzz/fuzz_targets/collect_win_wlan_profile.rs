#![no_main]
//! Windows WLAN profile XML (SSID only, never keyMaterial).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ssid) = antoan_wincollect::parse_wlan_profile(data, "p.xml") {
        assert!(!ssid.is_empty());
    }
});
