//! Small pure helpers: glob matching, positions, dates, numbers.

/// Shell-style glob match on whole strings: `*` any run, `?` one character.
/// Case-insensitive (package, service and algorithm names are compared
/// without regard to case). Iterative, so no pattern can blow the stack.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(text.len());
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (a longer RFC 3339 string
/// is accepted; only its date part is read).
pub(crate) fn parse_date_days(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some()
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || !(1..=9999).contains(&y)
    {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

/// An integer as written in a configuration value. With `time_units`, the
/// sshd time format is understood too (`2m`, `1h30m`, `90s`).
pub(crate) fn parse_number(value: &str, time_units: bool) -> Option<i64> {
    let v = value.trim();
    if let Ok(n) = v.parse::<i64>() {
        return Some(n);
    }
    if !time_units || v.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in v.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let mult = match c.to_ascii_lowercase() {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 604800,
                _ => return None,
            };
            let n: i64 = digits.parse().ok()?;
            total = total.checked_add(n.checked_mul(mult)?)?;
            digits.clear();
        }
    }
    if !digits.is_empty() {
        total = total.checked_add(digits.parse::<i64>().ok()?)?;
    }
    Some(total)
}

/// Collapses runs of whitespace and trims, so `1\t0` and `1 0` compare equal.
pub(crate) fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Kernel module names treat `-` and `_` alike.
pub(crate) fn module_eq(a: &str, b: &str) -> bool {
    let f = |s: &str| s.replace('-', "_").to_ascii_lowercase();
    f(a) == f(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("telnet*d", "telnetd"));
        assert!(glob_match("telnet*d", "telnet-ssl-d"));
        assert!(glob_match("*-cbc", "AES128-CBC"));
        assert!(glob_match("hmac-md5*", "hmac-md5-etm@openssh.com"));
        assert!(!glob_match("hmac-md5*", "hmac-sha1"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("", "x"));
        assert!(glob_match("**a**", "bab"));
    }

    #[test]
    fn positions() {
        let t = "ab\ncđe\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'e' after the two-byte 'đ'
        assert_eq!(line_col(t, 6), (2, 3));
        assert_eq!(line_col(t, 1000), (3, 2));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date_days("1970-01-01"), Some(0));
        assert_eq!(
            parse_date_days("2024-03-01").unwrap() - parse_date_days("2024-02-28").unwrap(),
            2
        );
        assert_eq!(
            parse_date_days("2025-01-10T08:00:00Z").unwrap()
                - parse_date_days("2025-01-01").unwrap(),
            9
        );
        assert_eq!(parse_date_days("2025-13-01"), None);
        assert_eq!(parse_date_days("garbage"), None);
        assert_eq!(parse_date_days("ngày-01-01"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(" 42 ", false), Some(42));
        assert_eq!(parse_number("2m", false), None);
        assert_eq!(parse_number("2m", true), Some(120));
        assert_eq!(parse_number("1h30m", true), Some(5400));
        assert_eq!(parse_number("10x", true), None);
        assert_eq!(parse_number("99999999999999999999w", true), None);
    }
}
