//! The knowledge manifest: every data file with its source, version, date,
//! licence and sha256. Files are verified against it before they are used
//! (DESIGN invariant 7). The same format is meant for imported bundles.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{clean, line_of, quote, KbError};

/// What a file holds, which decides how it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// An endoflife.date product file (`products/NAME.md`).
    Endoflife,
    /// A distro-info-data CSV.
    DistroInfo,
    /// A controls catalog in TOML.
    Controls,
    /// Windows monthly update builds per release (`windows/patch-builds.toml`).
    WindowsPatches,
    /// A licence or copyright notice that travels with the data.
    Licence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Path relative to the knowledge folder (`endoflife/debian.md`).
    pub path: String,
    pub kind: FileKind,
    /// Short name shown in reports (`endoflife.date/debian`).
    pub name: String,
    /// Where the data comes from.
    pub source: String,
    /// Version of the source (commit, package version).
    pub version: String,
    /// Date of the data, ISO 8601.
    pub date: String,
    /// SPDX licence id.
    pub licence: String,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version of the manifest itself.
    pub schema: u32,
    #[serde(default)]
    pub files: Vec<ManifestEntry>,
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Manifest {
    pub fn parse(text: &str, origin: &str) -> Result<Manifest, KbError> {
        let m: Manifest = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            KbError::syntax(origin, line, clean(e.message(), 300))
        })?;
        if m.schema != 1 {
            return Err(KbError::invalid(
                origin,
                None,
                format!("manifest schema {} is not supported (expected 1)", m.schema),
            ));
        }
        let mut seen = BTreeSet::new();
        for f in &m.files {
            let hex_ok = f.sha256.len() == 64
                && f.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex_ok {
                return Err(KbError::invalid(
                    origin,
                    None,
                    format!(
                        "{}: sha256 must be 64 lower-case hex digits",
                        quote(&f.path)
                    ),
                ));
            }
            let path_ok = !f.path.is_empty()
                && !f.path.starts_with('/')
                && !f.path.contains('\\')
                && f.path
                    .split('/')
                    .all(|c| !c.is_empty() && c != "." && c != "..");
            if !path_ok {
                return Err(KbError::invalid(
                    origin,
                    None,
                    format!("{}: path must be relative, without `..`", quote(&f.path)),
                ));
            }
            if !seen.insert(f.path.as_str()) {
                return Err(KbError::invalid(
                    origin,
                    None,
                    format!("{} is listed twice", quote(&f.path)),
                ));
            }
        }
        Ok(m)
    }

    pub fn entry(&self, path: &str) -> Option<&ManifestEntry> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Checks `bytes` against the manifest entry for `path`.
    pub fn verify(&self, path: &str, bytes: &[u8]) -> Result<(), KbError> {
        let Some(e) = self.entry(path) else {
            return Err(KbError::integrity(
                path,
                "file is not listed in the manifest",
            ));
        };
        let actual = sha256_hex(bytes);
        if actual != e.sha256 {
            return Err(KbError::integrity(
                path,
                format!("sha256 is {actual} but the manifest says {}", e.sha256),
            ));
        }
        Ok(())
    }
}
