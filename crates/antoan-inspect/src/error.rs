//! Errors carry a Vietnamese and an English message, and name the file (and
//! line, where there is one) they are about.

use antoan_model::Text;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .message.en)]
pub struct InspectError {
    /// The file or input the error is about (may be empty for pure inputs).
    pub origin: String,
    pub line: Option<u64>,
    pub message: Text,
}

impl InspectError {
    pub fn new(
        origin: &str,
        line: Option<u64>,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> InspectError {
        let (vi, en) = (vi.into(), en.into());
        let at = match line {
            Some(l) if !origin.is_empty() => format!("{origin}:{l}: "),
            None if !origin.is_empty() => format!("{origin}: "),
            _ => String::new(),
        };
        InspectError {
            origin: origin.to_string(),
            line,
            message: Text {
                vi: format!("{at}{vi}"),
                en: format!("{at}{en}"),
            },
        }
    }
}

/// Line (1-based) of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// A message from a parser, shortened and without control characters.
pub(crate) fn clean(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.chars().count() > max {
        out = out.chars().take(max).collect::<String>() + "…";
    }
    out.trim().to_string()
}

/// Reads a JSON document of type `T` from outside bytes: size-capped,
/// UTF-8 (a BOM is skipped), errors name the origin and line.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    origin: &str,
    max: usize,
    what: (&str, &str),
) -> Result<T, InspectError> {
    if bytes.len() > max {
        return Err(InspectError::new(
            origin,
            None,
            format!("tệp quá lớn ({} byte, tối đa {max})", bytes.len()),
            format!("file is too large ({} bytes, at most {max})", bytes.len()),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InspectError::new(
            origin,
            None,
            format!("không phải UTF-8 (byte lỗi ở vị trí {})", e.valid_up_to()),
            format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        let line = if e.line() > 0 {
            Some(e.line() as u64)
        } else {
            None
        };
        let m = clean(&e.to_string(), 300);
        InspectError::new(
            origin,
            line,
            format!("không đọc được {}: {m}", what.0),
            format!("cannot read {}: {m}", what.1),
        )
    })
}
