//! Fuzzes the submission decoder the server runs on every `POST /api/v1/reports` body:
//! shape, size and base64 checks, then signature verification and report decoding.
#![no_main]

use libfuzzer_sys::fuzz_target;

// base64 of the public key of the all-sevens seed (any valid key works: the point is that
// `verify` runs on whatever `decode` accepts).
fn key() -> String {
    let k = antoan_wire::ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    antoan_wire::public_key_b64(&k.verifying_key())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(raw) = antoan_wire::decode(data) {
        let _ = raw.verify(&key());
        let _ = raw.payload_sha256();
    }
    let _ = antoan_wire::decode_report(data);
});
