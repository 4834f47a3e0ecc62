//! Knowledge bundles: zip, manifest TOML, signature hex, hashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_vuln::bundle::looks_like_bundle(data);
    let _ = antoan_vuln::bundle::open(data, "fuzz.zip", antoan_vuln::bundle::Trust::AllowUnsigned);
    let key = antoan_vuln::bundle::SigningKey::from_bytes(&[7u8; 32]);
    let vk = key.verifying_key();
    let _ = antoan_vuln::bundle::open(data, "fuzz.zip", antoan_vuln::bundle::Trust::Key(&vk));
});
