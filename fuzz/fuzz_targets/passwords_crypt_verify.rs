#![no_main]
// A crypt string that the parser accepts must never make a verifier panic.
// Input: hash field, a NUL, then the password.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (h, pw) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(h) = std::str::from_utf8(h) else { return };
    // Keep slow schemes cheap: skip huge costs.
    if h.starts_with("$2") || h.contains("rounds=") || h.starts_with("$y$") || h.starts_with("$gy$") {
        return;
    }
    if let antoan_passwords::HashKind::Crypt(c) = antoan_passwords::parse::classify_shadow_hash(h) {
        let _ = antoan_passwords::crypt::verify(&c, pw);
    }
});
