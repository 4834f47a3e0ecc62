//! Detached Ed25519 signatures for conclusions and exported reports
//! (`antoan report sign|verify`). The signature file (FILE.sig, JSON)
//! carries the file's name, size and sha256, the signer's name and public
//! key, and a signature over all of those; verification needs nothing but
//! the file, the .sig and (to know who signed) the trusted public key.
//! Keys are the 64-hex-digit files of `antoan kb keygen`.

use ed25519_dalek::{Signature, Signer, Verifier};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{parse_json, InspectError};
use crate::evidence::sha256_hex;

pub const SIGNATURE_FORMAT: &str = "antoan-signature";
/// Largest .sig file accepted.
pub const MAX_SIG_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetachedSignature {
    pub format: String,
    pub version: u32,
    pub algorithm: String,
    /// Name of the signed file when it was signed (informational: files get renamed).
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub signer: String,
    /// Hex of the Ed25519 public key.
    pub public_key: String,
    /// Hex of the Ed25519 signature over [`DetachedSignature::message`].
    pub signature: String,
}

impl DetachedSignature {
    /// The bytes that are signed.
    pub fn message(&self) -> Vec<u8> {
        format!(
            "{SIGNATURE_FORMAT} v{}\nalgorithm: {}\nfile: {}\nsize: {}\nsha256: {}\nsigner: {}\npublic_key: {}\n",
            self.version, self.algorithm, self.file, self.size, self.sha256, self.signer, self.public_key
        )
        .into_bytes()
    }

    pub fn from_json(bytes: &[u8], origin: &str) -> Result<DetachedSignature, InspectError> {
        let s: DetachedSignature = parse_json(
            bytes,
            origin,
            MAX_SIG_BYTES,
            ("tệp chữ ký", "signature file"),
        )?;
        if s.format != SIGNATURE_FORMAT || s.version != 1 || s.algorithm != "ed25519" {
            return Err(InspectError::new(
                origin,
                None,
                format!(
                    "không phải chữ ký antoan phiên bản 1 (Ed25519): {} v{} {}",
                    s.format, s.version, s.algorithm
                ),
                format!(
                    "not an antoan version 1 (Ed25519) signature: {} v{} {}",
                    s.format, s.version, s.algorithm
                ),
            ));
        }
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A private key file of `antoan kb keygen`: 64 hex digits.
pub fn signing_key_from_hex(s: &str, origin: &str) -> Result<SigningKey, InspectError> {
    unhex::<32>(s)
        .map(|b| SigningKey::from_bytes(&b))
        .ok_or_else(|| {
            InspectError::new(
                origin,
                None,
                "không phải khóa bí mật Ed25519 (cần 64 chữ số hex)",
                "not an Ed25519 private key (64 hex digits expected)",
            )
        })
}

/// A public key file of `antoan kb keygen`: 64 hex digits.
pub fn verifying_key_from_hex(s: &str, origin: &str) -> Result<VerifyingKey, InspectError> {
    unhex::<32>(s)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| {
            InspectError::new(
                origin,
                None,
                "không phải khóa công khai Ed25519 (cần 64 chữ số hex)",
                "not an Ed25519 public key (64 hex digits expected)",
            )
        })
}

/// Signs `bytes` (the content of the file named `file_name`) as `signer`.
pub fn sign(
    bytes: &[u8],
    file_name: &str,
    signer: &str,
    key: &SigningKey,
) -> Result<DetachedSignature, InspectError> {
    let clean = |s: &str| !s.chars().any(char::is_control);
    if signer.trim().is_empty() || !clean(signer) || !clean(file_name) {
        return Err(InspectError::new(
            "",
            None,
            "tên người ký hoặc tên tệp trống hay có ký tự điều khiển",
            "the signer or file name is empty or holds control characters",
        ));
    }
    let mut s = DetachedSignature {
        format: SIGNATURE_FORMAT.into(),
        version: 1,
        algorithm: "ed25519".into(),
        file: file_name.to_string(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        signer: signer.trim().to_string(),
        public_key: hex(key.verifying_key().as_bytes()),
        signature: String::new(),
    };
    s.signature = hex(&key.sign(&s.message()).to_bytes());
    Ok(s)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signer: String,
    pub sha256: String,
    pub public_key: String,
    /// The signature was checked against a key the caller trusts; `false`
    /// means only against the key inside the .sig (the file is intact, but
    /// anyone could have signed it).
    pub key_trusted: bool,
}

/// Verifies a file against its detached signature. `trusted`: the public
/// key the signer must hold. Errors say plainly whether the file was
/// changed, or the signature is not the key's, or is malformed.
pub fn verify(
    bytes: &[u8],
    file_origin: &str,
    sig: &DetachedSignature,
    sig_origin: &str,
    trusted: Option<&VerifyingKey>,
) -> Result<Verified, InspectError> {
    let sha = sha256_hex(bytes);
    if sha != sig.sha256.to_ascii_lowercase() || bytes.len() as u64 != sig.size {
        return Err(InspectError::new(
            file_origin,
            None,
            format!(
                "KHÔNG HỢP LỆ: tệp đã bị thay đổi sau khi ký (sha256 hiện tại {sha}, {} byte; khi ký {}, {} byte)",
                bytes.len(),
                sig.sha256,
                sig.size
            ),
            format!(
                "INVALID: the file was changed after it was signed (sha256 now {sha}, {} bytes; when signed {}, {} bytes)",
                bytes.len(),
                sig.sha256,
                sig.size
            ),
        ));
    }
    let embedded = verifying_key_from_hex(&sig.public_key, sig_origin)?;
    let key = trusted.unwrap_or(&embedded);
    let signature = unhex::<64>(&sig.signature)
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(|| {
            InspectError::new(
                sig_origin,
                None,
                "chữ ký không đúng dạng (cần 128 chữ số hex)",
                "the signature is malformed (128 hex digits expected)",
            )
        })?;
    key.verify(&sig.message(), &signature).map_err(|_| {
        if trusted.is_some_and(|t| t != &embedded) {
            InspectError::new(
                sig_origin,
                None,
                "KHÔNG HỢP LỆ: tệp không được ký bằng khóa công khai đã cho",
                "INVALID: the file was not signed with the given public key",
            )
        } else {
            InspectError::new(
                sig_origin,
                None,
                "KHÔNG HỢP LỆ: chữ ký không khớp nội dung tệp chữ ký (tên người ký, sha256…) — tệp chữ ký đã bị sửa",
                "INVALID: the signature does not match the signature file's fields (signer, sha256…): the .sig was altered",
            )
        }
    })?;
    Ok(Verified {
        signer: sig.signer.clone(),
        sha256: sha,
        public_key: sig.public_key.clone(),
        key_trusted: trusted.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn sign_and_verify_then_tamper() {
        let k = key(7);
        let doc = "Kết luận kiểm tra số 35/KL-STTTT".as_bytes();
        let s = sign(doc, "ket-luan.docx", "Nguyễn Văn An", &k).unwrap();
        let parsed =
            DetachedSignature::from_json(s.to_json().as_bytes(), "ket-luan.docx.sig").unwrap();
        assert_eq!(parsed, s);
        let v = verify(
            doc,
            "ket-luan.docx",
            &parsed,
            "x.sig",
            Some(&k.verifying_key()),
        )
        .unwrap();
        assert_eq!(v.signer, "Nguyễn Văn An");
        assert!(v.key_trusted);
        assert!(
            !verify(doc, "f", &parsed, "x.sig", None)
                .unwrap()
                .key_trusted
        );

        // One byte changed in the file.
        let mut bad = doc.to_vec();
        bad[3] ^= 1;
        let e = verify(
            &bad,
            "ket-luan.docx",
            &parsed,
            "x.sig",
            Some(&k.verifying_key()),
        )
        .unwrap_err();
        assert!(e.message.en.contains("changed after it was signed"), "{e}");
        assert!(e.message.vi.contains("đã bị thay đổi"), "{e}");

        // Another key.
        let e = verify(doc, "f", &parsed, "x.sig", Some(&key(8).verifying_key())).unwrap_err();
        assert!(
            e.message
                .en
                .contains("not signed with the given public key"),
            "{e}"
        );

        // The signer's name edited in the .sig.
        let mut forged = parsed.clone();
        forged.signer = "Người khác".into();
        let e = verify(doc, "f", &forged, "x.sig", None).unwrap_err();
        assert!(e.message.en.contains("altered"), "{e}");
    }

    #[test]
    fn keys_in_the_keygen_format() {
        let k = key(1);
        let hexed = hex(&k.to_bytes());
        assert_eq!(
            signing_key_from_hex(&format!("{hexed}\n"), "k")
                .unwrap()
                .to_bytes(),
            k.to_bytes()
        );
        assert!(signing_key_from_hex("abc", "k.key")
            .unwrap_err()
            .message
            .en
            .starts_with("k.key: "));
        assert!(verifying_key_from_hex(&"zz".repeat(32), "k.pub").is_err());
    }

    #[test]
    fn garbage_signature_files_never_panic() {
        let good = sign(b"x", "x", "A", &key(2)).unwrap().to_json();
        for cut in 0..good.len() {
            if good.is_char_boundary(cut) {
                let _ = DetachedSignature::from_json(&good.as_bytes()[..cut], "g.sig");
            }
        }
        for bad in [
            &b"\xff\xfe"[..],
            b"{}",
            b"[]",
            b"{\"format\":1}",
            &[0u8; 10],
        ] {
            assert!(DetachedSignature::from_json(bad, "g.sig").is_err());
        }
        let mut s = sign(b"x", "x", "A", &key(2)).unwrap();
        s.signature = "zz".into();
        assert!(verify(b"x", "x", &s, "g.sig", None)
            .unwrap_err()
            .message
            .en
            .contains("malformed"));
        assert!(sign(b"x", "x", "A\nB", &key(2)).is_err());
    }
}
