//! Zip archives of OSV records (all.zip): central directory, entries, inflate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_vuln::osv::parse_zip(data, "fuzz.zip");
});
