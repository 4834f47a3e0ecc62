//! Offline knowledge for antoan: lifecycle (end-of-life) data, the controls
//! catalog, and the OS end-of-life verdict.
//!
//! The binary carries a default bundle (`knowledge/` in the repository,
//! embedded at build time) described by `knowledge/manifest.toml`; every
//! file is checked against its sha256 there before it is parsed (DESIGN
//! invariant 7). Parsing is IO-free: callers that read files from disk hand
//! the text to [`Lifecycle::from_endoflife_md`],
//! [`Lifecycle::from_distro_info_csv`] or [`ControlCatalog::parse`].
//!
//! Evaluation ([`os_eol`]) is a pure function of the host, the lifecycle
//! data and the date it is given.

mod controls;
mod date;
mod distro_info;
mod embedded;
mod error;
mod lifecycle;
mod manifest;
mod os_eol;
mod patches;
mod windows;

pub use controls::{
    Control, ControlCatalog, ControlGroup, GroupKind, Method, References, MAX_CATALOG_BYTES,
};
pub use date::{iso, parse_iso, SupportDate};
pub use error::{KbError, KbErrorKind};
pub use lifecycle::{Cycle, Lifecycle, Product, ProductSource, MAX_LIFECYCLE_BYTES};
pub use manifest::{sha256_hex, FileKind, Manifest, ManifestEntry};
pub use os_eol::{
    os_eol, CATEGORY as EOL_CATEGORY, CHECK_ID as EOL_CHECK_ID, CONTROLS as EOL_CONTROLS, WARN_DAYS,
};

pub use patches::{month_index, PatchData, PatchRelease, PatchStanding, PatchUpdate, MAX_PATCH_BYTES};
pub use windows::{
    windows_verdicts, CHECK_DOTNET, CHECK_EXCHANGE, CHECK_IE, CHECK_OFFICE, CHECK_OS as WINDOWS_CHECK_OS,
    CHECK_PATCH, CHECK_SQL, PATCH_STALE_MONTHS,
};

use antoan_model::KnowledgeSource;

/// Prefix of the origin of embedded files in messages and evidence.
const EMBEDDED_ROOT: &str = "knowledge";

/// Everything the audit needs to know, loaded and verified.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub lifecycle: Lifecycle,
    pub controls: ControlCatalog,
    /// Windows monthly update builds (empty when no such file is listed).
    pub patches: PatchData,
    /// The data files the verdicts rest on (licence files excluded), in
    /// manifest order.
    pub sources: Vec<KnowledgeSource>,
}

impl Knowledge {
    /// The knowledge built into the binary, verified against its manifest.
    pub fn embedded() -> Result<Knowledge, KbError> {
        let files = embedded::FILES.iter().map(|(p, b)| (*p, *b));
        Knowledge::from_files(
            embedded::MANIFEST,
            &format!("{EMBEDDED_ROOT}/manifest.toml"),
            files,
            EMBEDDED_ROOT,
        )
    }

    /// Loads knowledge from a manifest and the files it lists. Each file is
    /// verified against the manifest before it is parsed; a file missing
    /// from either side is an error. `root` prefixes paths in messages.
    ///
    /// The controls catalog is parsed now; lifecycle files are parsed on
    /// first use (call [`Lifecycle::parse_all`] to check them all at once).
    pub fn from_files<'a>(
        manifest_text: &str,
        manifest_origin: &str,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        root: &str,
    ) -> Result<Knowledge, KbError> {
        let manifest = Manifest::parse(manifest_text, manifest_origin)?;
        let files: Vec<(&str, &[u8])> = files.into_iter().collect();
        let origin = |path: &str| {
            if root.is_empty() {
                path.to_string()
            } else {
                format!("{root}/{path}")
            }
        };
        for (path, _) in &files {
            if manifest.entry(path).is_none() {
                return Err(KbError::integrity(
                    &origin(path),
                    "file is not listed in the manifest",
                ));
            }
        }

        let mut lifecycle = Lifecycle::new();
        let mut controls = None;
        let mut patches: Option<PatchData> = None;
        let mut sources = Vec::new();
        for entry in &manifest.files {
            let shown = origin(&entry.path);
            let Some((_, bytes)) = files.iter().find(|(p, _)| *p == entry.path) else {
                return Err(KbError::integrity(
                    &shown,
                    "file listed in the manifest is missing",
                ));
            };
            manifest.verify(&entry.path, bytes).map_err(|mut e| {
                e.file = shown.clone();
                e
            })?;
            if entry.kind == FileKind::Licence {
                continue;
            }
            let text = std::str::from_utf8(bytes).map_err(|e| {
                KbError::syntax(
                    &shown,
                    None,
                    format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to()),
                )
            })?;
            match entry.kind {
                // Parsed on first use: an audit needs only its own OS.
                FileKind::Endoflife => lifecycle.add_endoflife_md(text.to_string(), &shown),
                FileKind::DistroInfo => lifecycle.add_distro_info_csv(text.to_string(), &shown),
                FileKind::Controls => {
                    if controls.is_some() {
                        return Err(KbError::invalid(
                            manifest_origin,
                            None,
                            "more than one controls catalog is listed",
                        ));
                    }
                    controls = Some(ControlCatalog::parse(text, &shown)?);
                }
                FileKind::WindowsPatches => {
                    if patches.is_some() {
                        return Err(KbError::invalid(
                            manifest_origin,
                            None,
                            "more than one Windows patch data file is listed",
                        ));
                    }
                    patches = Some(PatchData::parse(text, &shown)?);
                }
                FileKind::Licence => {}
            }
            sources.push(KnowledgeSource {
                name: entry.name.clone(),
                version: entry.version.clone(),
                date: entry.date.clone(),
                sha256: entry.sha256.clone(),
            });
        }
        let Some(controls) = controls else {
            return Err(KbError::invalid(
                manifest_origin,
                None,
                "no controls catalog is listed",
            ));
        };
        Ok(Knowledge {
            lifecycle,
            controls,
            patches: patches.unwrap_or_default(),
            sources,
        })
    }
}

#[cfg(test)]
mod tests;
