//! Semantic Versioning 2.0.0 precedence (semver.org §11), lenient the way
//! OSV `SEMVER` ranges need: a leading `v` is ignored, `0` and `1.2` mean
//! `0.0.0` and `1.2.0`, build metadata (`+…`) is ignored.

use std::cmp::Ordering;

use crate::VersionError;

/// A parsed version: numeric core and pre-release identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver<'a> {
    pub core: [&'a str; 3],
    pub pre: Vec<&'a str>,
}

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn split(v: &str) -> (Vec<&str>, Vec<&str>) {
    let t = v.trim();
    let t = t.strip_prefix('v').unwrap_or(t);
    let t = t.split('+').next().unwrap_or("");
    let (core, pre) = match t.find('-') {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    (
        core.split('.').collect(),
        pre.map(|p| p.split('.').collect()).unwrap_or_default(),
    )
}

/// Parses leniently (see the module docs) and checks the characters.
pub fn parse(v: &str) -> Result<Semver<'_>, VersionError> {
    let (core, pre) = split(v);
    if core.len() > 3 || core.iter().any(|c| !is_num(c)) {
        return Err(VersionError::new(
            v,
            "expected MAJOR[.MINOR[.PATCH]] of decimal numbers",
        ));
    }
    if pre
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(VersionError::new(v, "invalid pre-release identifier"));
    }
    let mut c = ["0"; 3];
    for (i, p) in core.iter().enumerate() {
        c[i] = p;
    }
    Ok(Semver { core: c, pre })
}

fn cmp_num(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares by semver precedence. Never fails: a part that is not a number
/// compares as text after all numbers.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ca, pa) = split(a);
    let (cb, pb) = split(b);
    for k in 0..ca.len().max(cb.len()).max(3) {
        let x = ca.get(k).copied().unwrap_or("0");
        let y = cb.get(k).copied().unwrap_or("0");
        let o = match (is_num(x), is_num(y)) {
            (true, true) => cmp_num(x, y),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (pa.is_empty(), pb.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in pa.iter().zip(pb.iter()) {
        let o = match (is_num(x), is_num(y)) {
            (true, true) => cmp_num(x, y),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_precedence_chain() {
        // semver.org §11 example chain.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for (i, a) in chain.iter().enumerate() {
            for (j, b) in chain.iter().enumerate() {
                assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert_eq!(compare("v1.6.6", "1.6.6+build.5"), Ordering::Equal);
        assert_eq!(compare("0", "0.0.0"), Ordering::Equal);
        assert_eq!(compare("1.10", "1.9.9"), Ordering::Greater);
        assert!(parse("1.2.3-rc.1+b").is_ok());
        assert!(parse("1.2.3.4").is_err());
        assert!(parse("1.x").is_err());
        assert!(parse("1.0.0-").is_err());
        let _ = compare("\u{0}-..+", "é");
    }
}
