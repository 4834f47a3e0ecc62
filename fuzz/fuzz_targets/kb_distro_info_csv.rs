//! distro-info-data CSVs: header, quoting, short rows, dates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_kb::Lifecycle::from_distro_info_csv(&text, "fuzz.csv");
});
