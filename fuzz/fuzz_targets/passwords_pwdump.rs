#![no_main]
// pwdump lines: never panic, whatever the bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = antoan_passwords::parse::parse_pwdump_line(s);
    }
    let _ = antoan_passwords::parse::parse_bytes("fuzz", data);
});
