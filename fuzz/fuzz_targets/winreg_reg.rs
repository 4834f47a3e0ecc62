//! Fuzz the .reg export parser, then walk what it built.
#![no_main]

use antoan_winreg::Registry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Registry::parse_reg(data, "fuzz.reg") {
        Ok(reg) => {
            let v = reg.validate();
            assert!(v.errors.is_empty(), "a parsed .reg tree cannot be corrupt");
            let _ = reg.key("HKLM\\SOFTWARE\\Microsoft").map(|k| k.values().count());
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = e.text();
        }
    }
});
