#![no_main]
//! systemd-networkd .network parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let c = antoan_collect::network::parse_networkd(&text, "f.network");
    assert!(!c.interfaces.is_empty());
});
