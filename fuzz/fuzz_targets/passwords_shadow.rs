#![no_main]
// Shadow / passwd lines and hash fields: never panic, whatever the bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_passwords::parse::detect_format(data);
    if let Ok(p) = antoan_passwords::parse::parse_bytes("fuzz", data) {
        for e in &p.errors {
            let _ = e.text();
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = antoan_passwords::parse::parse_shadow_line(s);
        let _ = antoan_passwords::parse::classify_shadow_hash(s);
    }
});
