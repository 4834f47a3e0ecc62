//! OSV JSON records and lists: encoding checks, nesting scan, serde, and
//! range evaluation on whatever parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(adv) = antoan_vuln::osv::parse_json(data, "fuzz.json") {
        for a in &adv {
            for af in &a.affected {
                let scheme = antoan_vuln::osv::scheme_of(&af.ecosystem).unwrap_or(antoan_version::Scheme::Dpkg);
                for v in ["0", "1.0-1", "1:2.3~rc1-4+deb12u1"] {
                    let _ = antoan_vuln::judge(v, af, scheme);
                }
            }
        }
    }
});
