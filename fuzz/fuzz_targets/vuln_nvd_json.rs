//! NVD CVE API 2.0 JSON (feeds, records, bare CVE objects) and the
//! configuration evaluation of whatever parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_vuln::nvd::looks_like_nvd(data);
    if let Ok(cves) = antoan_vuln::nvd::parse(data, "fuzz.json") {
        let w = antoan_model::windows::WindowsInventory {
            build: 19045,
            ubr: Some(5371),
            ..Default::default()
        };
        let platforms = antoan_vuln::nvd_match::windows_platforms(&w, Default::default());
        for c in &cves {
            for cfg in &c.configurations {
                let _ = antoan_vuln::nvd::evaluate_config(cfg, &platforms);
            }
        }
    }
});
