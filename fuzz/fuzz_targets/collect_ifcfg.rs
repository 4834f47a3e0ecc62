#![no_main]
//! RHEL ifcfg-* parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::network::parse_ifcfg(&text, "ifcfg-x", "f");
});
