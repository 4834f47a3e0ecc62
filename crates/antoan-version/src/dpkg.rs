//! Debian package version ordering (deb-version(7)), as dpkg implements it
//! in `lib/dpkg/version.c` (`dpkg_version_compare`, `verrevcmp`).
//!
//! A version is `[epoch:]upstream[-revision]`. The epoch is compared as a
//! number, then upstream and revision with `verrevcmp`: alternating runs of
//! non-digits (compared character by character, `~` before end-of-string
//! before letters before everything else) and digits (compared as numbers).
//! So `1.0~rc1 < 1.0 < 1.0+deb12u1` and `2.36-9+deb12u4 < 2.36-9+deb12u10`.

use std::cmp::Ordering;

use crate::VersionError;

/// A parsed Debian version. Borrowed parts of the input string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DpkgVersion<'a> {
    /// Digits of the epoch (empty when there is none, which means 0).
    pub epoch: &'a str,
    pub upstream: &'a str,
    /// Empty when there is no revision (a native package).
    pub revision: &'a str,
}

impl<'a> DpkgVersion<'a> {
    /// Parses strictly, with dpkg's rules: no spaces inside, a numeric
    /// epoch, a non-empty upstream that starts with a digit and uses only
    /// `A-Za-z0-9.+-~:`, a non-empty revision of `A-Za-z0-9.+~`.
    pub fn parse(v: &'a str) -> Result<DpkgVersion<'a>, VersionError> {
        let t = v.trim();
        if t.is_empty() {
            return Err(VersionError::new(v, "version string is empty"));
        }
        if t.chars().any(char::is_whitespace) {
            return Err(VersionError::new(v, "version string has embedded spaces"));
        }
        let (epoch, rest) = match t.find(':') {
            Some(i) => {
                let e = &t[..i];
                if e.is_empty() {
                    return Err(VersionError::new(v, "epoch in version is empty"));
                }
                if !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(VersionError::new(v, "epoch in version is not a number"));
                }
                if e.trim_start_matches('0').len() > 10
                    || e.parse::<u64>().map_or(true, |n| n > i32::MAX as u64)
                {
                    return Err(VersionError::new(v, "epoch in version is too big"));
                }
                let r = &t[i + 1..];
                if r.is_empty() {
                    return Err(VersionError::new(
                        v,
                        "nothing after colon in version number",
                    ));
                }
                (e, r)
            }
            None => ("", t),
        };
        let (upstream, revision) = match rest.rfind('-') {
            Some(i) => {
                let r = &rest[i + 1..];
                if r.is_empty() {
                    return Err(VersionError::new(v, "revision number is empty"));
                }
                (&rest[..i], r)
            }
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(VersionError::new(v, "version number is empty"));
        }
        if !upstream.as_bytes()[0].is_ascii_digit() {
            return Err(VersionError::new(
                v,
                "version number does not start with digit",
            ));
        }
        if !upstream
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.~:".contains(&b))
        {
            return Err(VersionError::new(v, "invalid character in version number"));
        }
        if !revision
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.~".contains(&b))
        {
            return Err(VersionError::new(v, "invalid character in revision number"));
        }
        Ok(DpkgVersion {
            epoch,
            upstream,
            revision,
        })
    }

    /// Splits any string the way dpkg would, without validating: a leading
    /// all-digit `N:` is the epoch, the part after the last `-` is the revision.
    pub fn split(v: &'a str) -> DpkgVersion<'a> {
        let t = v.trim();
        let (epoch, rest) = match t.find(':') {
            Some(i) if t[..i].bytes().all(|b| b.is_ascii_digit()) => (&t[..i], &t[i + 1..]),
            _ => ("", t),
        };
        let (upstream, revision) = match rest.rfind('-') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        DpkgVersion {
            epoch,
            upstream,
            revision,
        }
    }
}

impl Ord for DpkgVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(self.epoch, other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DpkgVersion<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two Debian versions. Never fails: strings that are not valid
/// versions are split and compared the way dpkg would after its warning.
pub fn compare(a: &str, b: &str) -> Ordering {
    DpkgVersion::split(a).cmp(&DpkgVersion::split(b))
}

/// Compares two runs of ASCII digits as numbers of any length.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// dpkg's `order()`: the weight of one character in a non-digit run.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => c as i32,
        Some(b'~') => -1,
        Some(c) => c as i32 + 256,
    }
}

/// dpkg's `verrevcmp`.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0usize, 0usize);
    let at = |s: &[u8], k: usize| s.get(k).copied();
    let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(at(a, i))) || (j < b.len() && !digit(at(b, j))) {
            let ac = order(at(a, i));
            let bc = order(at(b, j));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while at(a, i) == Some(b'0') {
            i += 1;
        }
        while at(b, j) == Some(b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(at(a, i)) && digit(at(b, j)) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(at(a, i)) {
            return Ordering::Greater;
        }
        if digit(at(b, j)) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn known_orderings() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0-1", "1.0-1", Equal),
            ("1.0", "1.0-0", Equal),
            ("0:1.0", "1.0", Equal),
            ("1:0.1", "2.0", Greater),
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1.0", "1.0a", Less),
            ("1.0a", "1.0+", Less),
            ("1.0+deb12u1", "1.0", Greater),
            ("2.36-9+deb12u4", "2.36-9+deb12u10", Less),
            ("1.2.3-1~bpo12+1", "1.2.3-1", Less),
            ("1.2.3-1~bpo12+1", "1.2.2-5", Greater),
            ("3.0.11-1~deb12u2", "3.0.11-1", Less),
            ("3.0.15-1~deb12u1", "3.0.11-1~deb12u2", Greater),
            ("1.01", "1.1", Equal),
            ("1.10", "1.9", Greater),
            ("10.0.0", "9.99.99", Greater),
            ("1:2.3", "1:2.3.0", Less),
            ("7.88.1-10+deb12u5", "7.88.1-10+deb12u12", Less),
            (
                "99999999999999999999999",
                "99999999999999999999998",
                Greater,
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn parse_errors() {
        for (v, why) in [
            ("", "version string is empty"),
            ("1 0", "version string has embedded spaces"),
            (":1.0", "epoch in version is empty"),
            ("a:1.0", "epoch in version is not a number"),
            ("99999999999:1.0", "epoch in version is too big"),
            ("1:", "nothing after colon in version number"),
            ("1.0-", "revision number is empty"),
            ("-1", "version number is empty"),
            ("a1.0", "version number does not start with digit"),
            ("1.0_1", "invalid character in version number"),
            ("1.0-1_2", "invalid character in revision number"),
        ] {
            let e = DpkgVersion::parse(v).unwrap_err();
            assert_eq!(e.reason, why, "{v}");
        }
        let p = DpkgVersion::parse("1:2.3-4-5").unwrap();
        assert_eq!((p.epoch, p.upstream, p.revision), ("1", "2.3-4", "5"));
        assert!(DpkgVersion::parse("1.0\u{202e}").is_err());
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "\u{0}",
            "::::",
            "----",
            "~",
            "é:ü-ß",
            "1:-",
            "\u{ffff}\u{10ffff}",
        ] {
            let _ = compare(s, "1.0");
            let _ = DpkgVersion::parse(s);
        }
    }
}
