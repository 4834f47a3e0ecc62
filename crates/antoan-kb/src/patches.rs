//! Windows patch data: the UBR (update build revision) of each month's
//! cumulative update, per release build, from `knowledge/windows/
//! patch-builds.toml`. Data, not code, so it can be refreshed without a code
//! change and a vulnerability importer can add per-CVE fixed builds in the
//! same shape (release build → UBR).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{clean, line_of, quote, KbError};

/// Largest patch data file accepted.
pub const MAX_PATCH_BYTES: usize = 2 * 1024 * 1024;

/// One monthly cumulative update of a release.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchUpdate {
    /// Update build revision (`CurrentBuild.UBR`).
    pub ubr: u32,
    /// Month of release, `YYYY-MM`.
    pub month: String,
    /// Knowledge-base article (`KB5066791`).
    #[serde(default)]
    pub kb: String,
}

/// The monthly updates of one release build, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchRelease {
    pub build: u32,
    #[serde(default)]
    pub name: String,
    pub updates: Vec<PatchUpdate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatchData {
    schema: u32,
    as_of: String,
    #[serde(default)]
    release: Vec<PatchRelease>,
}

/// Where an installed `build.UBR` stands against the known updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchStanding<'a> {
    /// The newest known update at or below the installed UBR (`None`: older
    /// than the first one known).
    pub installed: Option<&'a PatchUpdate>,
    /// The newest known update of the release.
    pub newest: &'a PatchUpdate,
    /// Whole months between the installed update and the newest one; when
    /// the installed UBR is older than all data, counted from one month
    /// before the first known update (a lower bound).
    pub months_behind: i64,
}

/// Patch data, by release build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchData {
    /// Newest month the data covers (`YYYY-MM`); empty when no file was loaded.
    pub as_of: String,
    pub releases: BTreeMap<u32, PatchRelease>,
    /// Where the data came from (`knowledge/windows/patch-builds.toml`).
    pub origin: String,
}

/// `YYYY-MM` → months since year 0, when well formed.
pub fn month_index(ym: &str) -> Option<i64> {
    let (y, m) = ym.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m) = (y.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

impl PatchData {
    /// Parses and checks a patch data file: well-formed months, each release
    /// listed once, UBRs and months strictly increasing, `as_of` equal to the
    /// newest month listed.
    pub fn parse(text: &str, origin: &str) -> Result<PatchData, KbError> {
        if text.len() > MAX_PATCH_BYTES {
            return Err(KbError::invalid(
                origin,
                None,
                format!("file is too large ({} bytes, at most {MAX_PATCH_BYTES})", text.len()),
            ));
        }
        let raw: RawPatchData = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            KbError::syntax(origin, line, clean(e.message(), 300))
        })?;
        if raw.schema != 1 {
            return Err(KbError::invalid(
                origin,
                None,
                format!("patch data schema {} is not supported (expected 1)", raw.schema),
            ));
        }
        let Some(as_of) = month_index(&raw.as_of) else {
            return Err(KbError::invalid(
                origin,
                None,
                format!("as_of {} is not a month (YYYY-MM)", quote(&raw.as_of)),
            ));
        };
        let mut releases = BTreeMap::new();
        let mut newest = None;
        for r in raw.release {
            let at = |msg: String| KbError::invalid(origin, None, format!("release {}: {msg}", r.build));
            if r.updates.is_empty() {
                return Err(at("no updates listed".into()));
            }
            let mut prev: Option<(u32, i64)> = None;
            for u in &r.updates {
                let Some(m) = month_index(&u.month) else {
                    return Err(at(format!("month {} is not YYYY-MM", quote(&u.month))));
                };
                if let Some((pu, pm)) = prev {
                    if u.ubr <= pu || m <= pm {
                        return Err(at(format!(
                            "update {} ({}) is not after the one before it: list updates oldest first, one per month",
                            u.ubr,
                            quote(&u.month)
                        )));
                    }
                }
                prev = Some((u.ubr, m));
                newest = newest.max(Some(m));
            }
            let build = r.build;
            if releases.insert(build, r).is_some() {
                return Err(KbError::invalid(origin, None, format!("release {build} is listed twice")));
            }
        }
        if newest.is_some_and(|n| n != as_of) {
            return Err(KbError::invalid(
                origin,
                None,
                format!("as_of {} is not the newest month listed", quote(&raw.as_of)),
            ));
        }
        Ok(PatchData { as_of: raw.as_of, releases, origin: origin.to_string() })
    }

    /// The known updates of a release build.
    pub fn release(&self, build: u32) -> Option<&PatchRelease> {
        self.releases.get(&build)
    }

    /// Where `build.ubr` stands, or `None` when the release is not in the data.
    pub fn standing(&self, build: u32, ubr: u32) -> Option<PatchStanding<'_>> {
        let r = self.release(build)?;
        let newest = r.updates.last()?;
        let first = r.updates.first()?;
        let installed = r.updates.iter().rev().find(|u| u.ubr <= ubr);
        let newest_m = month_index(&newest.month)?;
        let months_behind = match installed {
            Some(u) => newest_m - month_index(&u.month)?,
            None => newest_m - month_index(&first.month)? + 1,
        };
        Some(PatchStanding { installed, newest, months_behind: months_behind.max(0) })
    }

    /// Whether `build.ubr` includes a fix shipped in `fixed_ubr` of the same
    /// release (a cumulative update contains every fix before it).
    pub fn includes(build_ubr: (u32, u32), fixed: (u32, u32)) -> bool {
        build_ubr.0 == fixed.0 && build_ubr.1 >= fixed.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> &'static str {
        include_str!("../../../knowledge/windows/patch-builds.toml")
    }

    #[test]
    fn embedded_file_parses_and_covers_the_supported_releases() {
        let p = PatchData::parse(embedded(), "patch-builds.toml").unwrap();
        for b in [14393, 17763, 19044, 19045, 20348, 22621, 22631, 26100] {
            assert!(p.release(b).is_some(), "release {b} missing");
        }
        assert_eq!(p.as_of, "2025-10");
        // Published facts the data must keep (release-health update histories).
        let last = |b: u32| p.release(b).unwrap().updates.last().unwrap().clone();
        assert_eq!((last(19045).ubr, last(19045).kb.as_str()), (6456, "KB5066791"));
        assert_eq!((last(19044).ubr, last(19044).kb.as_str()), (6456, "KB5066791"));
        assert_eq!((last(26100).ubr, last(26100).kb.as_str()), (6899, "KB5066835"));
        assert_eq!((last(20348).ubr, last(20348).kb.as_str()), (4294, "KB5066782"));
        assert_eq!((last(22631).ubr, last(22631).kb.as_str()), (6060, "KB5066793"));
        assert_eq!((last(17763).ubr, last(17763).kb.as_str()), (7919, "KB5066586"));
    }

    #[test]
    fn standing_counts_months_behind() {
        let p = PatchData::parse(embedded(), "x").unwrap();
        let s = p.standing(19045, 5737).unwrap();
        assert_eq!(s.installed.unwrap().month, "2025-04");
        assert_eq!(s.months_behind, 6);
        // A preview or out-of-band build between two Patch Tuesdays counts as the earlier one.
        assert_eq!(p.standing(19045, 5796).unwrap().installed.unwrap().month, "2025-04");
        assert_eq!(p.standing(19045, 6456).unwrap().months_behind, 0);
        assert_eq!(p.standing(19045, 9999).unwrap().months_behind, 0);
        // Older than all data: a lower bound from the first month known.
        let old = p.standing(19045, 1).unwrap();
        assert!(old.installed.is_none());
        assert_eq!(old.months_behind, 23);
        assert!(p.standing(7601, 0).is_none());
        assert!(PatchData::includes((19045, 6456), (19045, 6332)));
        assert!(!PatchData::includes((19045, 6332), (19045, 6456)));
        assert!(!PatchData::includes((19044, 9999), (19045, 1)));
    }

    #[test]
    fn malformed_files_are_refused_with_the_reason() {
        let cases: [(&str, &str); 9] = [
            ("schema = 2\nas_of = \"2025-10\"\n", "schema 2"),
            ("schema = 1\nas_of = \"October\"\n", "not a month"),
            ("schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = 1\nupdates = []\n", "no updates"),
            ("schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = 1\nupdates = [{ubr = 5, month = \"2025-13\"}]\n", "not YYYY-MM"),
            (
                "schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = 1\nupdates = [{ubr = 5, month = \"2025-10\"}, {ubr = 4, month = \"2025-11\"}]\n",
                "oldest first",
            ),
            (
                "schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = 1\nupdates = [{ubr = 5, month = \"2025-10\"}]\n[[release]]\nbuild = 1\nupdates = [{ubr = 5, month = \"2025-10\"}]\n",
                "listed twice",
            ),
            ("schema = 1\nas_of = \"2025-11\"\n[[release]]\nbuild = 1\nupdates = [{ubr = 5, month = \"2025-10\"}]\n", "newest month"),
            ("schema = 1\nas_of = \"2025-10\"\nextra = 1\n", "unknown field"),
            ("schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = -1\n", ""),
        ];
        for (text, want) in cases {
            let e = PatchData::parse(text, "bad.toml").expect_err(text);
            assert_eq!(e.file, "bad.toml");
            assert!(e.message.contains(want), "{text}: {}", e.message);
        }
        let e = PatchData::parse("schema = 1\nas_of = \"2025-10\"\n[[release]]\nbuild = \"x\"\n", "bad.toml").unwrap_err();
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        let text = embedded();
        for cut in (0..text.len()).step_by(97) {
            if text.is_char_boundary(cut) {
                let _ = PatchData::parse(&text[..cut], "cut.toml");
            }
        }
        for g in ["\u{0}\u{1}\u{2}", "[[release]]\n[[release]]", "as_of = \"Tháng mười\"", "schema = 99999999999999999999"] {
            assert!(PatchData::parse(g, "g.toml").is_err());
        }
        let huge = "#".repeat(MAX_PATCH_BYTES + 1);
        assert!(PatchData::parse(&huge, "huge.toml").unwrap_err().message.contains("too large"));
    }
}
