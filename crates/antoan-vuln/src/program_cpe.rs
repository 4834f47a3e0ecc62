//! The documented, editable program-name → CPE map: which NVD
//! `vendor:product` an installed Windows program is, and where its version
//! comes from. The default is `data/program-cpe.toml` (embedded; its header
//! documents the format); a user file of the same shape, imported with
//! `antoan kb import`, overrides it (see [`ProgramMap::with_overrides`]).

use std::collections::BTreeSet;

use antoan_model::windows::WindowsProgram;
use antoan_version::Scheme;
use serde::Deserialize;

use crate::error::{clean, line_of, VulnError, VulnErrorKind};
use crate::nvd::{PatchLevel, Platform};

/// The embedded default map.
pub const EMBEDDED: &str = include_str!("../data/program-cpe.toml");
/// Its name in messages.
pub const EMBEDDED_NAME: &str = "program-cpe.toml (embedded)";
/// Largest map file accepted.
pub const MAX_MAP_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VersionFrom {
    #[default]
    DisplayVersion,
    Name,
}

/// One rule of the map.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramRule {
    pub id: String,
    #[serde(default)]
    pub name_prefix: Vec<String>,
    #[serde(default)]
    pub name_contains: Vec<String>,
    #[serde(default)]
    pub publisher_contains: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `vendor:product` names.
    pub cpe: Vec<String>,
    #[serde(default)]
    pub version: VersionFrom,
    #[serde(default)]
    pub parts: Option<usize>,
    #[serde(default)]
    pub cpe_version: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    schema: u32,
    #[serde(default)]
    program: Vec<ProgramRule>,
}

/// The map: rules in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgramMap {
    pub rules: Vec<ProgramRule>,
    /// Files the rules came from, in order (user file first).
    pub origins: Vec<String>,
}

fn ci_contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

fn ci_prefix(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().starts_with(&needle.to_lowercase())
}

/// Whether `bytes` look like a program → CPE map (TOML with `[[program]]`).
pub fn looks_like_map(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    head.windows(11).any(|w| w == b"[[program]]")
}

impl ProgramMap {
    /// The embedded default.
    pub fn embedded() -> Result<ProgramMap, VulnError> {
        ProgramMap::parse(EMBEDDED, EMBEDDED_NAME)
    }

    /// Parses and validates a map file.
    pub fn parse(text: &str, origin: &str) -> Result<ProgramMap, VulnError> {
        if text.len() > MAX_MAP_BYTES {
            return Err(VulnError::new(
                VulnErrorKind::Io,
                origin,
                None,
                format!("file is larger than {} KiB", MAX_MAP_BYTES >> 10),
            ));
        }
        let raw: RawMap = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text.as_bytes(), s.start));
            VulnError::new(VulnErrorKind::Syntax, origin, line, clean(e.message(), 200))
        })?;
        let invalid = |m: String| VulnError::new(VulnErrorKind::Invalid, origin, None, m);
        if raw.schema != 1 {
            return Err(invalid(format!(
                "schema {} is not supported (expected 1)",
                raw.schema
            )));
        }
        let mut ids = BTreeSet::new();
        for r in &raw.program {
            let id = clean(&r.id, 60);
            if r.id.trim().is_empty() {
                return Err(invalid("a [[program]] rule has an empty id".into()));
            }
            if !ids.insert(r.id.clone()) {
                return Err(invalid(format!("rule id {id:?} is used twice")));
            }
            if r.name_prefix.is_empty() && r.name_contains.is_empty() {
                return Err(invalid(format!(
                    "rule {id:?} needs name_prefix or name_contains"
                )));
            }
            if r.cpe.is_empty() {
                return Err(invalid(format!("rule {id:?} has no cpe")));
            }
            for c in &r.cpe {
                let ok = c.split_once(':').is_some_and(|(v, p)| {
                    let good = |s: &str| {
                        !s.is_empty() && s.chars().all(|ch| ch.is_ascii_graphic() && ch != ':')
                    };
                    good(v) && good(p)
                });
                if !ok {
                    return Err(invalid(format!(
                        "rule {id:?}: cpe {:?} is not vendor:product (printable ASCII, no spaces)",
                        clean(c, 80)
                    )));
                }
            }
            if r.parts == Some(0) {
                return Err(invalid(format!("rule {id:?}: parts must be at least 1")));
            }
            if r.name_prefix
                .iter()
                .chain(&r.name_contains)
                .any(|s| s.trim().is_empty())
            {
                return Err(invalid(format!("rule {id:?} has an empty name pattern")));
            }
        }
        Ok(ProgramMap {
            rules: raw.program,
            origins: vec![origin.to_string()],
        })
    }

    /// `user`'s rules first (a user rule replaces the default rule of the
    /// same id), then the remaining rules of `self`.
    pub fn with_overrides(self, user: ProgramMap) -> ProgramMap {
        let ids: BTreeSet<&str> = user.rules.iter().map(|r| r.id.as_str()).collect();
        let mut rules = user.rules.clone();
        rules.extend(
            self.rules
                .into_iter()
                .filter(|r| !ids.contains(r.id.as_str())),
        );
        let mut origins = user.origins;
        origins.extend(self.origins);
        ProgramMap { rules, origins }
    }

    /// The first rule matching a program.
    pub fn rule_for(&self, p: &WindowsProgram) -> Option<&ProgramRule> {
        let name = p.name.trim();
        self.rules.iter().find(|r| {
            (r.name_prefix.is_empty() || r.name_prefix.iter().any(|x| ci_prefix(name, x)))
                && (r.name_contains.is_empty()
                    || r.name_contains.iter().any(|x| ci_contains(name, x)))
                && (r.publisher_contains.is_empty()
                    || p.publisher.trim().is_empty()
                    || r.publisher_contains
                        .iter()
                        .any(|x| ci_contains(&p.publisher, x)))
                && !r.exclude.iter().any(|x| ci_contains(name, x))
        })
    }

    /// The NVD platforms of the installed programs, deduplicated (the same
    /// product and version installed twice, e.g. 32- and 64-bit, counts once).
    pub fn platforms(&self, programs: &[WindowsProgram]) -> Vec<Platform> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in programs {
            let Some(rule) = self.rule_for(p) else {
                continue;
            };
            let Some(version) = version_of(p, rule) else {
                continue;
            };
            for c in &rule.cpe {
                let Some((vendor, product)) = c.split_once(':') else {
                    continue;
                };
                let (vendor, product) = (vendor.to_ascii_lowercase(), product.to_ascii_lowercase());
                if !seen.insert((vendor.clone(), product.clone(), version.clone())) {
                    continue;
                }
                let cpe_version = match rule.cpe_version.as_deref().map(str::trim) {
                    Some("-") => None,
                    Some(v) => Some(v.to_ascii_lowercase()),
                    None => Some(version.clone()),
                };
                out.push(Platform {
                    label: format!("{} {}", clean(p.name.trim(), 100), clean(&version, 40))
                        .trim()
                        .to_string(),
                    part: "a".into(),
                    vendor,
                    product,
                    cpe_version,
                    version: version.clone(),
                    update: None,
                    target_hw: None,
                    scheme: Scheme::Windows,
                    condition_only: false,
                    patch: PatchLevel::Unknown,
                });
            }
        }
        out
    }
}

/// The first run of digits and dots in `s` that starts with a digit.
fn dotted_in(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    let end = b[start..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'.'))
        .map_or(b.len(), |n| start + n);
    Some(s[start..end].trim_end_matches('.').to_string())
}

fn version_of(p: &WindowsProgram, rule: &ProgramRule) -> Option<String> {
    let raw = match rule.version {
        VersionFrom::DisplayVersion => {
            let v = p.version.trim();
            if v.is_empty() {
                // Some installers leave DisplayVersion empty; the name may carry it.
                dotted_in(&p.name)?
            } else {
                dotted_in(v)?
            }
        }
        VersionFrom::Name => dotted_in(&p.name)?,
    };
    let v = match rule.parts {
        Some(n) => raw.split('.').take(n).collect::<Vec<_>>().join("."),
        None => raw,
    };
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prog(name: &str, version: &str, publisher: &str) -> WindowsProgram {
        WindowsProgram {
            name: name.into(),
            version: version.into(),
            publisher: publisher.into(),
            scope: "machine".into(),
            key: name.into(),
            install_date: String::new(),
        }
    }

    #[test]
    fn embedded_map_maps_common_software() {
        let m = ProgramMap::embedded().unwrap();
        let cases = [
            (
                "7-Zip 19.00 (x64)",
                "19.00",
                "Igor Pavlov",
                "7-zip:7-zip",
                "19.00",
            ),
            (
                "WinRAR 6.22 (64-bit)",
                "6.22.0",
                "win.rar GmbH",
                "rarlab:winrar",
                "6.22.0",
            ),
            (
                "Google Chrome",
                "120.0.6099.130",
                "Google LLC",
                "google:chrome",
                "120.0.6099.130",
            ),
            (
                "Mozilla Firefox (x64 vi)",
                "121.0",
                "Mozilla",
                "mozilla:firefox",
                "121.0",
            ),
            (
                "Mozilla Firefox ESR (x64 en-US)",
                "115.6.0",
                "Mozilla",
                "mozilla:firefox_esr",
                "115.6.0",
            ),
            (
                "Foxit PDF Reader",
                "2023.3.0.23028",
                "Foxit Software Inc.",
                "foxit:pdf_reader",
                "2023.3.0.23028",
            ),
            (
                "Adobe Acrobat Reader DC - Vietnamese",
                "23.006.20360",
                "Adobe Systems Incorporated",
                "adobe:acrobat_reader_dc",
                "23.006.20360",
            ),
            (
                "Java 8 Update 381 (64-bit)",
                "8.0.3810.9",
                "Oracle Corporation",
                "oracle:jre",
                "8.0.3810.9",
            ),
            (
                "TeamViewer",
                "15.48.5",
                "TeamViewer",
                "teamviewer:teamviewer",
                "15.48.5",
            ),
            (
                "UltraViewer version 6.6.50",
                "6.6.50",
                "DucFabulous",
                "ultraviewer:ultraviewer",
                "6.6.50",
            ),
            ("UniKey 4.3 RC4", "", "", "unikey:unikey", "4.3"),
            ("Zalo 24.1.1", "24.1.1", "VNG Corp.", "zalo:zalo", "24.1.1"),
            (
                "Notepad++ (64-bit x64)",
                "8.6.2",
                "Notepad++ Team",
                "notepad-plus-plus:notepad++",
                "8.6.2",
            ),
            (
                "Microsoft Office Professional Plus 2016",
                "16.0.4266.1001",
                "Microsoft Corporation",
                "microsoft:office",
                "2016",
            ),
        ];
        for (name, ver, publisher, want, want_cpe_version) in cases {
            let p = m.platforms(&[prog(name, ver, publisher)]);
            let first = p.first().unwrap_or_else(|| panic!("{name} not mapped"));
            assert_eq!(
                format!("{}:{}", first.vendor, first.product),
                want,
                "{name}"
            );
            assert_eq!(
                first.cpe_version.as_deref(),
                Some(want_cpe_version),
                "{name}"
            );
        }
        for (name, publisher) in [
            ("Microsoft Edge WebView2 Runtime", "Microsoft Corporation"),
            (
                "Microsoft Office Proofing Tools 2016 - English",
                "Microsoft Corporation",
            ),
            ("Mozilla Maintenance Service", "Mozilla"),
            ("7-Zip 19.00", "Somebody Else"),
            ("Java Auto Updater", "Oracle Corporation"),
        ] {
            assert!(
                m.platforms(&[prog(name, "1.0", publisher)]).is_empty(),
                "{name}"
            );
        }
        // Same product twice (32- and 64-bit) counts once.
        let twice = m.platforms(&[
            prog("7-Zip 19.00", "19.00", ""),
            prog("7-Zip 19.00 (x64)", "19.00", ""),
        ]);
        assert_eq!(twice.len(), 1);
    }

    #[test]
    fn user_rules_override_by_id_and_come_first() {
        let user = ProgramMap::parse(
            "schema = 1\n[[program]]\nid = \"7-zip\"\nname_prefix = [\"7z\"]\ncpe = [\"x:y\"]\n\
             [[program]]\nid = \"misa\"\nname_prefix = [\"MISA\"]\ncpe = [\"misa:sme\"]\nparts = 2\n",
            "mine.toml",
        )
        .unwrap();
        let m = ProgramMap::embedded().unwrap().with_overrides(user);
        assert_eq!(m.rules[0].id, "7-zip");
        assert_eq!(m.rules.iter().filter(|r| r.id == "7-zip").count(), 1);
        assert!(m.platforms(&[prog("7-Zip 19.00", "19.00", "")]).is_empty());
        let p = m.platforms(&[prog("MISA SME 2023", "26.1.0.5", "MISA JSC")]);
        assert_eq!(
            (p[0].product.as_str(), p[0].version.as_str()),
            ("sme", "26.1")
        );
        assert_eq!(m.origins, ["mine.toml", EMBEDDED_NAME]);
    }

    #[test]
    fn bad_maps_are_refused_with_file_and_line() {
        let e = ProgramMap::parse("schema = 1\n[[program]]\nid = \n", "m.toml").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("m.toml", Some(3)), "{e}");
        for (text, want) in [
            ("schema = 2\n", "schema 2"),
            ("schema = 1\n[[program]]\nid = \"a\"\ncpe = [\"a:b\"]\n", "needs name_prefix"),
            ("schema = 1\n[[program]]\nid = \"a\"\nname_prefix = [\"A\"]\ncpe = [\"ab\"]\n", "vendor:product"),
            ("schema = 1\n[[program]]\nid = \"a\"\nname_prefix = [\"A\"]\ncpe = [\"a:b\"]\n[[program]]\nid = \"a\"\nname_prefix = [\"A\"]\ncpe = [\"a:b\"]\n", "twice"),
            ("schema = 1\n[[program]]\nid = \"a\"\nname_prefix = [\"A\"]\ncpe = [\"a:b\"]\ncolour = 1\n", "unknown field"),
        ] {
            let e = ProgramMap::parse(text, "m.toml").unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
        }
    }
}
