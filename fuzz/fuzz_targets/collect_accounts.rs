#![no_main]
//! passwd / shadow / group / login.defs parsers and the hash classifier.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::accounts::parse_passwd(&text);
    let shadow = antoan_collect::accounts::parse_shadow(&text);
    for e in &shadow.entries {
        // The scheme is a name, never the hash.
        assert!(e.scheme.len() < 20);
    }
    let _ = antoan_collect::accounts::parse_group(&text);
    let _ = antoan_collect::accounts::parse_login_defs(&text);
    let _ = antoan_collect::accounts::classify_hash(&text);
    let _ = antoan_collect::sudo::parse_sudoers(&text);
});
