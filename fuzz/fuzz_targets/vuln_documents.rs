//! `kb import` documents: endoflife.date product files and API dumps (v0 and
//! v1, converted to product files), distro-info CSVs, credential and word
//! lists, program maps — recognised by content and file name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for origin in ["debian.json", "debian.md", "debian.csv", "w.lst", "map.toml"] {
        let f = antoan_vuln::ImportFile { origin: origin.into(), bytes: data.to_vec() };
        let _ = antoan_vuln::documents::classify(&f);
    }
    // Force the endoflife.date JSON path.
    let mut v0 = b"[{\"cycle\":".to_vec();
    v0.extend_from_slice(data);
    let _ = antoan_vuln::documents::classify(&antoan_vuln::ImportFile { origin: "x.json".into(), bytes: v0 });
});
