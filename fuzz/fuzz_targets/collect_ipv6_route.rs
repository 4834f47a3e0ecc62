#![no_main]
//! /proc/net/ipv6_route parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::network::parse_ipv6_route(&text);
});
