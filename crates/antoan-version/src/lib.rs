//! Version ordering as each packaging system defines it.
//!
//! * [`dpkg`]: Debian and Ubuntu (`epoch:upstream-revision`, `~` sorts before
//!   everything, letters before other characters), the algorithm of dpkg's
//!   `verrevcmp`. Tested against `dpkg --compare-versions` on generated pairs.
//! * [`rpm`]: RPM (`epoch:version-release`, `~` and `^`), the algorithm of
//!   rpm's `rpmvercmp` (rpm ≥ 4.15). Tested against python3-rpm's
//!   `labelCompare` when it is installed, and rpm's own test vectors.
//! * [`windows`]: dotted numeric builds (`10.0.19045.5371`).
//! * [`semver`]: Semantic Versioning 2.0.0 precedence (build metadata ignored),
//!   lenient about a leading `v` and missing minor/patch parts, as OSV's
//!   `SEMVER` ranges need.
//!
//! Every comparison is total and never panics: the `*_cmp` functions accept
//! any string. The `parse` functions say why a string is not a valid version
//! in that scheme, for importers that want to refuse bad data.

pub mod dpkg;
pub mod rpm;
pub mod semver;
pub mod windows;

use std::cmp::Ordering;

/// A version scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    Dpkg,
    Rpm,
    Windows,
    Semver,
}

impl Scheme {
    /// Compares two versions in this scheme.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Rpm => rpm::compare(a, b),
            Scheme::Windows => windows::compare(a, b),
            Scheme::Semver => semver::compare(a, b),
        }
    }

    /// Checks that `v` is a well-formed version in this scheme.
    pub fn validate(self, v: &str) -> Result<(), VersionError> {
        match self {
            Scheme::Dpkg => dpkg::DpkgVersion::parse(v).map(|_| ()),
            Scheme::Rpm => rpm::Evr::parse(v).map(|_| ()),
            Scheme::Windows => windows::parse(v).map(|_| ()),
            Scheme::Semver => semver::parse(v).map(|_| ()),
        }
    }
}

/// Why a string is not a valid version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version {shown:?} is not valid: {reason}")]
pub struct VersionError {
    /// The version, cut to 80 characters with control characters escaped.
    pub shown: String,
    pub reason: &'static str,
}

impl VersionError {
    pub(crate) fn new(v: &str, reason: &'static str) -> VersionError {
        let mut shown = String::new();
        for (i, c) in v.chars().enumerate() {
            if i == 80 {
                shown.push('…');
                break;
            }
            if c.is_control() {
                shown.extend(c.escape_default());
            } else {
                shown.push(c);
            }
        }
        VersionError { shown, reason }
    }
}
