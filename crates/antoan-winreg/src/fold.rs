//! Case-insensitive name comparison the way the registry does it: every
//! character is compared by its simple (one-to-one) uppercase mapping.
//! ASCII takes a fast path; characters whose uppercase form is more than one
//! character (e.g. `ß`) are compared as they are.

/// The simple uppercase of one character.
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// A name folded for comparison and hashing.
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(fold_char).collect()
}

/// Case-insensitive equality.
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().map(fold_char).eq(b.chars().map(fold_char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode() {
        assert!(eq_ignore_case("Microsoft", "MICROSOFT"));
        assert!(eq_ignore_case("Khóa tiếng Việt", "KHÓA TIẾNG VIỆT"));
        assert!(eq_ignore_case("đường", "ĐƯỜNG"));
        assert!(!eq_ignore_case("Windows", "Window"));
        assert!(!eq_ignore_case("a", "á"));
        // multi-character uppercase mappings are compared literally
        assert!(eq_ignore_case("straße", "STRAßE"));
        assert_eq!(fold("Ứng dụng"), "ỨNG DỤNG");
    }
}
