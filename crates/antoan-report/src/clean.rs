//! Making outside text safe to print on a terminal.
//!
//! Host names, package names, evidence and file paths come from the audited
//! system and may be hostile: an escape sequence in a host name could clear
//! the screen, rewrite earlier lines or set the window title; a bidirectional
//! override could make text read differently from what it is. Every such
//! character is shown as a visible `\u{…}` escape instead.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}' | '\u{061c}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}'
            | '\u{feff}')
}

fn escape(c: char, out: &mut String) {
    match c {
        '\t' => out.push(' '),
        '\u{1b}' => out.push_str("\\e"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// One line: every control character (newlines included) is made visible.
pub(crate) fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A block of text: newlines are kept (CRLF becomes LF), every other control
/// character is made visible.
pub(crate) fn block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c != '\n' && is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first line of a text, and how many more non-empty lines it has.
pub(crate) fn first_line(s: &str) -> (&str, usize) {
    let mut lines = s.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    (first.trim_end(), lines.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(line("web\u{1b}[2J01"), "web\\e[2J01");
        assert_eq!(line("a\nb\rc"), "a\\u{a}b\\u{d}c");
        assert_eq!(line("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(line("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(line("Máy chủ Sở Y tế"), "Máy chủ Sở Y tế");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn blocks_keep_newlines_only() {
        assert_eq!(block("a\r\nb\n\u{7}c"), "a\nb\n\\u{7}c");
        assert_eq!(block("tab\there"), "tab here");
    }

    #[test]
    fn first_line_counts_the_rest() {
        assert_eq!(first_line("\n  \nfoo  \nbar\n\nbaz"), ("foo", 2));
        assert_eq!(first_line(""), ("", 0));
    }
}
