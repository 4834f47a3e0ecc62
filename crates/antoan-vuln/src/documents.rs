//! Knowledge files other than vulnerability records that `kb import`
//! validates and keeps in the store as documents (one table, see
//! [`crate::store::Document`]):
//!
//! * `program-cpe`: the user's program → CPE map ([`crate::program_cpe`]).

use crate::error::{line_of, VulnError, VulnErrorKind};
use crate::store::{ImportFile, NewDocument, DOC_PROGRAM_CPE};

fn utf8<'a>(f: &'a ImportFile, what: &str) -> Result<&'a str, VulnError> {
    let b = f.bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(&f.bytes);
    if b.starts_with(&[0xff, 0xfe]) || b.starts_with(&[0xfe, 0xff]) {
        return Err(VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            None,
            format!("text is UTF-16; {what} must be UTF-8"),
        ));
    }
    if let Some(p) = b.iter().position(|&c| c == 0) {
        return Err(VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            Some(line_of(b, p)),
            format!("contains a NUL byte (binary data or UTF-16?); {what} must be UTF-8 text"),
        ));
    }
    std::str::from_utf8(b).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            Some(line_of(b, e.valid_up_to())),
            format!("not UTF-8 (byte at offset {}); {what} must be UTF-8", e.valid_up_to()),
        )
    })
}

fn base_name(origin: &str) -> String {
    origin.rsplit(['/', '\\']).next().unwrap_or(origin).to_string()
}

/// Recognises and validates a document file; `Ok(None)` when `f` is not one
/// (it is then read as vulnerability data).
pub fn classify(f: &ImportFile) -> Result<Option<NewDocument>, VulnError> {
    if crate::program_cpe::looks_like_map(&f.bytes) {
        let text = utf8(f, "a program → CPE map")?;
        let map = crate::program_cpe::ProgramMap::parse(text, &f.origin)?;
        return Ok(Some(NewDocument {
            kind: DOC_PROGRAM_CPE.into(),
            name: base_name(&f.origin),
            content: text.to_string(),
            items: map.rules.len() as u64,
            newest: String::new(),
            replace_kind: true,
        }));
    }
    Ok(None)
}
