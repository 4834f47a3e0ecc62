//! Signed knowledge bundles: a zip holding `manifest.toml` (source, date,
//! licence and sha256 of every file), `manifest.sig` (an Ed25519 signature
//! of the manifest's bytes, hex) and the files under `data/`.
//!
//! [`open`] checks the signature against a trusted public key and every
//! file against its sha256 before anything is imported; an unsigned or
//! unverifiable bundle is refused unless the caller allows it explicitly.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use ed25519_dalek::{Signature, Signer, Verifier};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{clean, VulnError, VulnErrorKind};
use crate::store::ImportFile;

pub const MANIFEST: &str = "manifest.toml";
pub const SIGNATURE: &str = "manifest.sig";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    pub schema: u32,
    /// Date the bundle was made (YYYY-MM-DD).
    pub created: String,
    #[serde(default)]
    pub files: Vec<BundleFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleFile {
    /// `data/NAME`.
    pub path: String,
    /// Where the data comes from (a URL or a description).
    pub source: String,
    /// SPDX licence id, or what the source says.
    pub licence: String,
    pub sha256: String,
    pub bytes: u64,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

fn err(kind: VulnErrorKind, origin: &str, m: impl Into<String>) -> VulnError {
    VulnError::new(kind, origin, None, m)
}

/// A new signing key from the operating system's random source.
pub fn generate_key() -> std::io::Result<SigningKey> {
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key file format: 64 hex digits (the 32-byte seed), one line.
pub fn signing_key_to_hex(k: &SigningKey) -> String {
    hex(&k.to_bytes())
}

pub fn verifying_key_to_hex(k: &VerifyingKey) -> String {
    hex(k.as_bytes())
}

pub fn signing_key_from_hex(s: &str, origin: &str) -> Result<SigningKey, VulnError> {
    unhex::<32>(s)
        .map(|b| SigningKey::from_bytes(&b))
        .ok_or_else(|| {
            err(
                VulnErrorKind::Invalid,
                origin,
                "not an Ed25519 private key (64 hex digits expected)",
            )
        })
}

pub fn verifying_key_from_hex(s: &str, origin: &str) -> Result<VerifyingKey, VulnError> {
    unhex::<32>(s)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| {
            err(
                VulnErrorKind::Invalid,
                origin,
                "not an Ed25519 public key (64 hex digits expected)",
            )
        })
}

/// One file to put in a bundle.
pub struct BundleInput {
    pub name: String,
    pub bytes: Vec<u8>,
    pub source: String,
    pub licence: String,
}

/// Builds a signed bundle (zip bytes).
pub fn create(
    inputs: &[BundleInput],
    created: &str,
    key: &SigningKey,
) -> Result<Vec<u8>, VulnError> {
    let mut files = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for i in inputs {
        let name = i
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&i.name)
            .to_string();
        if name.is_empty() || !seen.insert(name.clone()) {
            return Err(err(
                VulnErrorKind::Invalid,
                &i.name,
                "empty or duplicate file name in the bundle",
            ));
        }
        files.push(BundleFile {
            path: format!("data/{name}"),
            source: i.source.clone(),
            licence: i.licence.clone(),
            sha256: sha256_hex(&i.bytes),
            bytes: i.bytes.len() as u64,
        });
    }
    let manifest = BundleManifest {
        schema: 1,
        created: created.to_string(),
        files,
    };
    let text = toml::to_string(&manifest)
        .map_err(|e| err(VulnErrorKind::Invalid, MANIFEST, e.to_string()))?;
    let sig = key.sign(text.as_bytes());
    let io = |e: std::io::Error| err(VulnErrorKind::Io, "bundle", e.to_string());
    let zerr = |e: zip::result::ZipError| err(VulnErrorKind::Io, "bundle", e.to_string());
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file(MANIFEST, opt).map_err(zerr)?;
    w.write_all(text.as_bytes()).map_err(io)?;
    w.start_file(SIGNATURE, opt).map_err(zerr)?;
    w.write_all(format!("{}\n", hex(&sig.to_bytes())).as_bytes())
        .map_err(io)?;
    for (i, f) in inputs.iter().zip(&manifest.files) {
        w.start_file(f.path.as_str(), opt).map_err(zerr)?;
        w.write_all(&i.bytes).map_err(io)?;
    }
    Ok(w.finish().map_err(zerr)?.into_inner())
}

/// Whether `bytes` is a bundle (a zip whose first entry is `manifest.toml`).
pub fn looks_like_bundle(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .ok()
        .is_some_and(|mut z| z.by_name(MANIFEST).is_ok())
}

/// How [`open`] trusts a bundle.
pub enum Trust<'a> {
    /// The signature must verify with this key.
    Key(&'a VerifyingKey),
    /// `--allow-unsigned`: hashes are still checked, the signature is not.
    AllowUnsigned,
}

/// A verified bundle: its manifest and the files, ready to import.
pub struct Opened {
    pub manifest: BundleManifest,
    /// Whether the signature was verified.
    pub signed: bool,
    pub files: Vec<ImportFile>,
}

/// Reads and verifies a bundle. Refuses a bad or missing signature (unless
/// [`Trust::AllowUnsigned`]), a file whose sha256 differs, a file missing
/// from either side, and a broken zip — naming the bundle and the entry.
pub fn open(bytes: &[u8], origin: &str, trust: Trust) -> Result<Opened, VulnError> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        err(
            VulnErrorKind::Syntax,
            origin,
            format!(
                "not a readable bundle (truncated or corrupt zip?): {}",
                clean(&e.to_string(), 200)
            ),
        )
    })?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| {
            err(
                VulnErrorKind::Syntax,
                origin,
                format!("entry {i}: {}", clean(&e.to_string(), 200)),
            )
        })?;
        if f.is_dir() {
            continue;
        }
        let name = match f.name() {
            Ok(n) => n.to_string(),
            Err(_) => {
                return Err(err(
                    VulnErrorKind::Invalid,
                    origin,
                    "an entry name is not valid UTF-8",
                ))
            }
        };
        let shown = format!("{origin}!{}", clean(&name, 200));
        let mut buf = Vec::new();
        (&mut f)
            .take(crate::osv::MAX_ZIP_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| {
                err(
                    VulnErrorKind::Syntax,
                    &shown,
                    format!("cannot be decompressed (truncated or corrupt?): {e}"),
                )
            })?;
        total += buf.len() as u64;
        if total > crate::osv::MAX_ZIP_BYTES {
            return Err(err(
                VulnErrorKind::Io,
                origin,
                "bundle content is larger than 2 GiB",
            ));
        }
        entries.insert(name, buf);
    }
    let Some(mtext) = entries.get(MANIFEST) else {
        return Err(err(
            VulnErrorKind::Invalid,
            origin,
            "no manifest.toml in the bundle",
        ));
    };
    let mshown = format!("{origin}!{MANIFEST}");
    let text =
        std::str::from_utf8(mtext).map_err(|_| err(VulnErrorKind::Syntax, &mshown, "not UTF-8"))?;
    let signed = match trust {
        Trust::Key(key) => {
            let Some(sig) = entries.get(SIGNATURE) else {
                return Err(err(VulnErrorKind::Integrity, origin, "the bundle is not signed (no manifest.sig); use --allow-unsigned to import it anyway"));
            };
            let sig = std::str::from_utf8(sig)
                .ok()
                .and_then(unhex::<64>)
                .map(|b| Signature::from_bytes(&b))
                .ok_or_else(|| {
                    err(
                        VulnErrorKind::Integrity,
                        &format!("{origin}!{SIGNATURE}"),
                        "not an Ed25519 signature (128 hex digits expected)",
                    )
                })?;
            key.verify(mtext, &sig).map_err(|_| {
                err(VulnErrorKind::Integrity, origin, "the signature does not match the manifest and this public key: the bundle was altered or signed by another key")
            })?;
            true
        }
        Trust::AllowUnsigned => false,
    };
    let manifest: BundleManifest = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| crate::error::line_of(mtext, s.start));
        VulnError::new(
            VulnErrorKind::Syntax,
            &mshown,
            line,
            clean(e.message(), 200),
        )
    })?;
    if manifest.schema != 1 {
        return Err(err(
            VulnErrorKind::Invalid,
            &mshown,
            format!("bundle schema {} is not supported", manifest.schema),
        ));
    }
    let mut files = Vec::new();
    for f in &manifest.files {
        let shown = format!("{origin}!{}", clean(&f.path, 200));
        let Some(bytes) = entries.remove(&f.path) else {
            return Err(err(
                VulnErrorKind::Integrity,
                &shown,
                "listed in the manifest but missing from the bundle",
            ));
        };
        let actual = sha256_hex(&bytes);
        if actual != f.sha256 {
            return Err(err(
                VulnErrorKind::Integrity,
                &shown,
                format!(
                    "sha256 is {actual} but the manifest says {}",
                    clean(&f.sha256, 64)
                ),
            ));
        }
        files.push(ImportFile {
            origin: shown,
            bytes,
        });
    }
    entries.remove(MANIFEST);
    entries.remove(SIGNATURE);
    if let Some(extra) = entries.keys().next() {
        return Err(err(
            VulnErrorKind::Integrity,
            &format!("{origin}!{}", clean(extra, 200)),
            "in the bundle but not listed in the manifest",
        ));
    }
    Ok(Opened {
        manifest,
        signed,
        files,
    })
}
