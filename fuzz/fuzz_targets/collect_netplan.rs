#![no_main]
//! netplan YAML parser (serde-saphyr).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = antoan_collect::network::parse_netplan(&text, "f.yaml") {
        assert!(e.starts_with("f.yaml"));
    }
});
