//! Small helpers shared by the collectors: version ordering, glob matching,
//! dates, and shell-like word splitting.

use std::cmp::Ordering;

/// Compares two version strings the way `sort -V` / dpkg do for the parts
/// that matter to kernel releases: runs of digits compare numerically, other
/// runs lexically, with `~` sorting before anything (even the end).
pub fn version_cmp(a: &str, b: &str) -> Ordering {
    fn order(c: u8) -> i32 {
        match c {
            b'~' => -1,
            c if c.is_ascii_alphabetic() => c as i32,
            0 => 0,
            c => c as i32 + 256,
        }
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit part.
        loop {
            let ca = a.get(i).copied().filter(|c| !c.is_ascii_digit());
            let cb = b.get(j).copied().filter(|c| !c.is_ascii_digit());
            if ca.is_none() && cb.is_none() {
                break;
            }
            // rpm's rule: a numeric segment is newer than an alphabetic one
            // ("1160.119.1.el7" > "1160.el7").
            if ca.is_none() && i < a.len() && cb.is_some_and(|c| c.is_ascii_alphabetic()) {
                return Ordering::Greater;
            }
            if cb.is_none() && j < b.len() && ca.is_some_and(|c| c.is_ascii_alphabetic()) {
                return Ordering::Less;
            }
            let oa = ca.map(order).unwrap_or(0);
            let ob = cb.map(order).unwrap_or(0);
            if oa != ob {
                return oa.cmp(&ob);
            }
            if ca.is_some() {
                i += 1;
            }
            if cb.is_some() {
                j += 1;
            }
        }
        // Digit part.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let si = i;
        while a.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        let sj = j;
        while b.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        let (da, db) = (&a[si..i], &b[sj..j]);
        match da.len().cmp(&db.len()).then_with(|| da.cmp(db)) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// Matches a shell glob (`*`, `?`, `[abc]`, `[!a-z]`) against a single path
/// component. Iterative, so hostile patterns cannot blow the stack.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class_match(&p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() => {
                    if p[pi + 1] == n[ni] {
                        pi += 2;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if c == n[ni] {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// `[...]` class at `p[start]`: (matched, index after `]`), None when unterminated.
fn class_match(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

/// Whether a string has glob metacharacters.
pub fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds → `YYYY-MM-DD` (UTC).
pub fn date_from_unix(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Unix seconds → RFC 3339 UTC (`2024-05-01T10:20:30Z`).
pub fn rfc3339_from_unix(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// Month name (`Jan`…) → number.
pub fn month_number(name: &str) -> Option<u32> {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let l = name.to_ascii_lowercase();
    M.iter()
        .position(|m| l.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// Strips a trailing `#` comment from a config line (not inside quotes).
pub fn strip_hash_comment(line: &str) -> &str {
    let mut in_q: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (c, in_q) {
            ('"' | '\'', None) => in_q = Some(c),
            (q, Some(open)) if q == open => in_q = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Removes one pair of surrounding quotes.
pub fn unquote(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Splits on whitespace, honouring double quotes (sshd's argument rules).
pub fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut any = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_q = !in_q;
                any = true;
            }
            c if c.is_whitespace() && !in_q => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            version_cmp("6.1.0-18-amd64", "6.1.0-9-amd64"),
            Ordering::Greater
        );
        assert_eq!(
            version_cmp("5.14.0-362.8.1.el9_3.x86_64", "5.14.0-70.13.1.el9_0.x86_64"),
            Ordering::Greater
        );
        assert_eq!(version_cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(version_cmp("1.0", "1.0"), Ordering::Equal);
        assert_eq!(version_cmp("1.00", "1.0"), Ordering::Equal);
        assert_eq!(version_cmp("1.0a", "1.0"), Ordering::Greater);
        assert_eq!(version_cmp("", "0"), Ordering::Equal);
        assert_eq!(
            version_cmp("99999999999999999999999", "1"),
            Ordering::Greater
        );
        assert_eq!(
            version_cmp("3.10.0-1160.119.1.el7.x86_64", "3.10.0-1160.el7.x86_64"),
            Ordering::Greater
        );
        assert_eq!(
            version_cmp("3.10.0-1160.el7.x86_64", "3.10.0-1160.119.1.el7.x86_64"),
            Ordering::Less
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.conf", "a.conf"));
        assert!(!glob_match("*.conf", "a.conf.bak"));
        assert!(glob_match("??-x", "01-x"));
        assert!(glob_match("[0-9]*", "50-cloud"));
        assert!(!glob_match("[!0-9]*", "50-cloud"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a[", "a["));
        assert!(!glob_match("a*b*c*d*e*f*g", &"a".repeat(200)));
    }

    #[test]
    fn dates() {
        assert_eq!(date_from_unix(0), "1970-01-01");
        assert_eq!(date_from_unix(1_709_251_200), "2024-03-01");
        assert_eq!(rfc3339_from_unix(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(date_from_unix(-86_400), "1969-12-31");
    }

    #[test]
    fn args() {
        assert_eq!(split_args(r#"a "b c" d"#), vec!["a", "b c", "d"]);
        assert_eq!(strip_hash_comment("x = 1 # c"), "x = 1 ");
        assert_eq!(strip_hash_comment("x = \"#\""), "x = \"#\"");
        assert_eq!(unquote("\"1\""), "1");
    }
}
