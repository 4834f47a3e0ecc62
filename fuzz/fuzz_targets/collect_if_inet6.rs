#![no_main]
//! /proc/net/if_inet6 parser (IPv6 addresses).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (name, cidr) in antoan_collect::network::parse_if_inet6(&text) {
        assert!(!name.is_empty() && cidr.contains('/'));
    }
});
