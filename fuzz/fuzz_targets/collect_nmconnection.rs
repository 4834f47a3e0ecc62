#![no_main]
//! NetworkManager keyfile parser (never keeps a psk).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let c = antoan_collect::network::parse_nmconnection(&text, "f");
    for w in c.wifi {
        assert!(w.ssid.chars().count() <= 64 * 4);
    }
});
