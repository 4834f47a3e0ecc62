//! User-supplied controls catalogs (TOML) and knowledge manifests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(c) = antoan_kb::ControlCatalog::parse(&text, "fuzz.toml") {
        for id in c.ids() {
            let _ = c.get(&id);
        }
    }
    let _ = antoan_kb::Manifest::parse(&text, "fuzz.toml");
});
