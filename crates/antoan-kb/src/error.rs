//! Errors of the knowledge crate. Every error names the file it is about
//! and, where known, the 1-based line.

use std::fmt;

use antoan_model::Text;

/// What went wrong, broadly. The message says the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KbErrorKind {
    /// The file is not well-formed (YAML, TOML, CSV syntax, missing `---`).
    Syntax,
    /// The file is well-formed but a value is wrong (a bad date, an unknown
    /// control group, a duplicate id).
    Invalid,
    /// The content does not match the sha256 recorded in the manifest, or a
    /// file listed in the manifest is missing.
    Integrity,
}

/// An error about one knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    pub kind: KbErrorKind,
    /// The file concerned, as its origin was given (a path or `knowledge/...`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// Plain English reason.
    pub message: String,
}

impl KbError {
    pub(crate) fn syntax(file: &str, line: Option<u64>, message: impl Into<String>) -> KbError {
        KbError {
            kind: KbErrorKind::Syntax,
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(file: &str, line: Option<u64>, message: impl Into<String>) -> KbError {
        KbError {
            kind: KbErrorKind::Invalid,
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn integrity(file: &str, message: impl Into<String>) -> KbError {
        KbError {
            kind: KbErrorKind::Integrity,
            file: file.to_string(),
            line: None,
            message: message.into(),
        }
    }

    /// `file:line` (or just `file`).
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }

    /// The error for a reader: a Vietnamese lead-in naming the file and line,
    /// then the technical reason (which stays in English in both languages).
    pub fn text(&self) -> Text {
        let loc = self.location();
        let (vi, en) = match self.kind {
            KbErrorKind::Syntax => ("tệp tri thức sai cú pháp", "malformed knowledge file"),
            KbErrorKind::Invalid => (
                "tệp tri thức có giá trị không hợp lệ",
                "invalid value in knowledge file",
            ),
            KbErrorKind::Integrity => (
                "tệp tri thức không khớp bảng kê (sha256)",
                "knowledge file fails its manifest check",
            ),
        };
        Text::new(
            format!("{vi} {loc}: {}", self.message),
            format!("{en} {loc}: {}", self.message),
        )
    }
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for KbError {}

/// Makes a piece of input safe and short enough to quote in a message:
/// control characters are escaped and long values are cut.
pub(crate) fn quote(s: &str) -> String {
    clean(s, 80)
}

/// Escapes control characters and cuts `s` after `max` characters.
pub(crate) fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based line number of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    let bytes = &text.as_bytes()[..end];
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}
