//! CISA KEV catalogue, JSON and CSV (quoted fields, line breaks in quotes).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_vuln::kev::looks_like_kev(data);
    let _ = antoan_vuln::kev::parse(data, "fuzz.csv");
    let mut csv = b"cveID,notes\n".to_vec();
    csv.extend_from_slice(data);
    let _ = antoan_vuln::kev::parse(&csv, "fuzz.csv");
});
