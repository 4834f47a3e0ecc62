#![no_main]
//! ifupdown /etc/network/interfaces parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::network::parse_ifupdown(&text, "f");
});
