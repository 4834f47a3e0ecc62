//! CPE 2.3 formatted strings: parse, print, re-parse to the same name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for input in [s.to_string(), format!("cpe:2.3:{s}")] {
        if let Ok(c) = antoan_vuln::cpe::Cpe::parse(&input) {
            let again = antoan_vuln::cpe::Cpe::parse(&c.to_string()).expect("printed CPE parses");
            assert_eq!(again, c);
            let _ = c.product.matches(Some("x"));
        }
    }
});
