//! Errors of the vulnerability crate. Every error names the file (and the
//! zip entry, as `all.zip!DSA-1.json`) and, where known, the 1-based line.

use std::fmt;

use antoan_model::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VulnErrorKind {
    /// The file cannot be read (missing, permission, too big).
    Io,
    /// Not well-formed: JSON syntax, nesting too deep, not UTF-8, a broken zip.
    Syntax,
    /// Well-formed, but a value is wrong (no `id`, a record that is not OSV).
    Invalid,
    /// The local store is missing its schema, corrupt, or of another version.
    Store,
    /// A bundle's signature or a file's sha256 does not match.
    Integrity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnError {
    pub kind: VulnErrorKind,
    /// The file concerned, as given (a path, or `archive.zip!entry.json`).
    pub file: String,
    pub line: Option<u64>,
    /// Plain English reason.
    pub message: String,
}

impl VulnError {
    pub(crate) fn new(
        kind: VulnErrorKind,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) -> VulnError {
        VulnError {
            kind,
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn store(file: &str, message: impl Into<String>) -> VulnError {
        VulnError::new(VulnErrorKind::Store, file, None, message)
    }

    /// `file:line` or `file`.
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }

    /// The error for a reader: a Vietnamese or English lead-in naming the
    /// file and line, then the technical reason (in English in both).
    pub fn text(&self) -> Text {
        let loc = self.location();
        let (vi, en) = match self.kind {
            VulnErrorKind::Io => (
                "không đọc được tệp dữ liệu lỗ hổng",
                "cannot read vulnerability data file",
            ),
            VulnErrorKind::Syntax => (
                "tệp dữ liệu lỗ hổng sai định dạng",
                "malformed vulnerability data file",
            ),
            VulnErrorKind::Invalid => (
                "tệp dữ liệu lỗ hổng có giá trị không hợp lệ",
                "invalid value in vulnerability data file",
            ),
            VulnErrorKind::Store => (
                "kho dữ liệu lỗ hổng cục bộ bị lỗi",
                "local vulnerability store error",
            ),
            VulnErrorKind::Integrity => (
                "gói tri thức không vượt qua kiểm tra chữ ký/sha256",
                "knowledge bundle fails its signature or sha256 check",
            ),
        };
        Text::new(
            format!("{vi} {loc}: {}", self.message),
            format!("{en} {loc}: {}", self.message),
        )
    }
}

impl fmt::Display for VulnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for VulnError {}

/// Escapes control characters and cuts after `max` characters, so input can
/// be quoted in a message or evidence safely.
pub fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}
