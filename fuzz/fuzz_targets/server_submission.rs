//! Fuzzes what the server does with agent and browser input beyond the JSON
//! envelope: the fuzz bytes become the payload of a *validly signed* submission
//! (so signature verification passes and the report decoder runs on arbitrary
//! bytes), optionally with one byte of the envelope flipped afterwards; and the
//! same bytes go through the server's cookie / bearer / redirect-target parsers.
#![no_main]

use antoan_wire::ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let pk = antoan_wire::public_key_b64(&key.verifying_key());
    let sub = antoan_wire::sign(&key, 1 + i64::from(sel % 5), 1 + u64::from(sel), "2026-11-24T08:00:00Z", rest);
    let Ok(mut body) = serde_json::to_vec(&sub) else { return };
    if sel & 0x80 != 0 && !body.is_empty() {
        let i = (usize::from(sel) * 7919 + rest.len()) % body.len();
        body[i] ^= sel;
    }
    if let Ok(raw) = antoan_wire::decode(&body) {
        let _ = raw.verify(&pk);
    }

    if let Ok(s) = std::str::from_utf8(rest) {
        let mut h = axum::http::HeaderMap::new();
        if let Ok(v) = axum::http::HeaderValue::from_str(s) {
            h.insert(axum::http::header::COOKIE, v.clone());
            let _ = antoan_server::auth::cookie(&h, antoan_server::auth::SESSION_COOKIE);
            h.insert(axum::http::header::AUTHORIZATION, v);
            let _ = antoan_server::auth::request_token(&h);
        }
        let n = antoan_server::pages::safe_next(Some(s));
        assert!(n.starts_with('/') && !n.starts_with("//"));
        let _ = antoan_server::csvout::cell(s);
    }
});
