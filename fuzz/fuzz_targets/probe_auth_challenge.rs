#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(auth) = antoan_probe::credcheck::parse_challenge(&text) {
        let _ = antoan_probe::credcheck::authorization(&auth, "/", "admin", "x", 1);
    }
});
