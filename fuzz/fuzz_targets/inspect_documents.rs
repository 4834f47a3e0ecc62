//! Inspection and checklist documents (JSON), inspection rules (TOML) and
//! detached signature files, as users and servers hand them in.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_inspect::Inspection::from_json(data, "fuzz.json");
    let _ = antoan_inspect::Checklist::from_json(data, "fuzz.json");
    if let Ok(sig) = antoan_inspect::sign::DetachedSignature::from_json(data, "fuzz.sig") {
        let _ = antoan_inspect::sign::verify(data, "fuzz", &sig, "fuzz.sig", None);
    }
    let text = String::from_utf8_lossy(data);
    let _ = antoan_inspect::Rules::parse(&text, "fuzz.toml", None);
});
