//! Windows build numbers and other dotted numeric versions
//! (`10.0.19045.5371`, `16.0.17928.20148`): compared part by part as
//! numbers, missing parts count as 0 (`10.0 == 10.0.0.0`).

use std::cmp::Ordering;

use crate::VersionError;

/// Checks that `v` is 1–8 dot-separated decimal numbers.
pub fn parse(v: &str) -> Result<Vec<&str>, VersionError> {
    let t = v.trim();
    if t.is_empty() {
        return Err(VersionError::new(v, "version string is empty"));
    }
    let parts: Vec<&str> = t.split('.').collect();
    if parts.len() > 8 {
        return Err(VersionError::new(v, "more than 8 parts"));
    }
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(VersionError::new(v, "each part must be a decimal number"));
    }
    Ok(parts)
}

/// Compares dotted numeric versions. Never fails: a part that is not a
/// number is compared by its leading digits, then as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut pa = a.trim().split('.');
    let mut pb = b.trim().split('.');
    loop {
        match (pa.next(), pb.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => {
                let o = cmp_part(x.unwrap_or("0"), y.unwrap_or("0"));
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn cmp_part(a: &str, b: &str) -> Ordering {
    fn split(s: &str) -> (&str, &str) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (s[..n].trim_start_matches('0'), &s[n..])
    }
    let (na, ra) = split(a);
    let (nb, rb) = split(b);
    na.len()
        .cmp(&nb.len())
        .then_with(|| na.cmp(nb))
        .then_with(|| ra.cmp(rb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn builds() {
        assert_eq!(compare("10.0.19045.5371", "10.0.19045.5487"), Less);
        assert_eq!(compare("10.0.19045.10000", "10.0.19045.9999"), Greater);
        assert_eq!(compare("10.0.22631.1", "10.0.19045.5371"), Greater);
        assert_eq!(compare("10.0", "10.0.0.0"), Equal);
        assert_eq!(compare("6.1.7601", "10.0"), Less);
        assert!(parse("10.0.19045.5371").is_ok());
        assert!(parse("10..0").is_err());
        assert!(parse("10.0a").is_err());
        assert!(parse("").is_err());
        let _ = compare("x.\u{0}.é", "1");
    }
}
