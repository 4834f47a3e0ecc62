//! Evidence files (photos, scanned documents, files) attached to checklist
//! items. The media type is decided by the bytes (magic numbers), never by
//! the name alone; a name whose extension says one type while the bytes say
//! another is refused, as are oversized and unknown files. Pure: the caller
//! reads the bytes.

use antoan_model::Text;
use sha2::{Digest, Sha256};

use crate::model::EvidenceRef;

/// Default largest evidence file: 20 MiB.
pub const DEFAULT_MAX_EVIDENCE_BYTES: u64 = 20 * 1024 * 1024;

/// Media types accepted as evidence, with the extensions that name them.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("application/pdf", &["pdf"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("text/plain", &["txt", "log", "csv"]),
    ("application/json", &["json"]),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidencePolicy {
    pub max_bytes: u64,
}

impl Default for EvidencePolicy {
    fn default() -> Self {
        EvidencePolicy {
            max_bytes: DEFAULT_MAX_EVIDENCE_BYTES,
        }
    }
}

/// Why a file was refused; `message` is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRejection {
    pub file_name: String,
    pub message: Text,
}

impl std::fmt::Display for EvidenceRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for EvidenceRejection {}

/// What the bytes are, as far as evidence is concerned. `None`: not a type
/// we accept. Executables and archives are named so the message can say so.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Allowed("image/png");
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Allowed("image/jpeg");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::Allowed("image/gif");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Sniffed::Allowed("image/webp");
    }
    if starts(b"%PDF-") {
        return Sniffed::Allowed("application/pdf");
    }
    if starts(b"MZ") {
        return Sniffed::Other(
            "application/x-msdownload",
            Text::new(
                "tệp chạy Windows (EXE/DLL)",
                "a Windows executable (EXE/DLL)",
            ),
        );
    }
    if starts(b"\x7fELF") {
        return Sniffed::Other(
            "application/x-executable",
            Text::new("tệp chạy Linux (ELF)", "a Linux executable (ELF)"),
        );
    }
    if starts(b"#!") {
        return Sniffed::Other("text/x-script", Text::new("tệp lệnh (script)", "a script"));
    }
    if starts(b"PK\x03\x04") {
        return match zip_kind(bytes) {
            Some(t) => Sniffed::Allowed(t),
            None => Sniffed::Other("application/zip", Text::new("tệp nén ZIP", "a ZIP archive")),
        };
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::Other(
            "application/x-ole-storage",
            Text::new(
                "tài liệu Office cũ (DOC/XLS, có thể chứa macro)",
                "a legacy Office document (DOC/XLS, may carry macros)",
            ),
        );
    }
    if starts(b"Rar!") || starts(b"7z\xBC\xAF\x27\x1C") || starts(&[0x1F, 0x8B]) {
        return Sniffed::Other(
            "application/x-archive",
            Text::new("tệp nén", "a compressed archive"),
        );
    }
    if is_text(bytes) {
        let t = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = t.iter().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{') | Some(b'['))
            && serde_json::from_slice::<serde::de::IgnoredAny>(t).is_ok()
        {
            return Sniffed::Allowed("application/json");
        }
        return Sniffed::Allowed("text/plain");
    }
    Sniffed::Other(
        "application/octet-stream",
        Text::new("dữ liệu không xác định", "unrecognised data"),
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Allowed(&'static str),
    /// A type we refuse: its media type and a description for the message.
    Other(&'static str, Text),
}

/// UTF-8 text without NUL or other C0 controls besides tab, CR, LF.
fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && !bytes
            .iter()
            .any(|b| *b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r' | 0x0C))
}

/// OOXML/ODF by the names stored in the ZIP's local headers (first 64 KiB).
fn zip_kind(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.len() > 38 && &head[30..38] == b"mimetype" {
        if has(b"application/vnd.oasis.opendocument.text") {
            return Some("application/vnd.oasis.opendocument.text");
        }
        return None;
    }
    if has(b"[Content_Types].xml") || has(b"word/") || has(b"xl/") {
        if has(b"word/") {
            return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }
        if has(b"xl/") {
            return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
    }
    None
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Checks one evidence file and returns its reference (name, media type
/// from the bytes, size, sha256). `declared` is the media type the upload
/// claimed, if any; it must agree with the bytes too.
pub fn validate_evidence(
    file_name: &str,
    declared: Option<&str>,
    bytes: &[u8],
    policy: &EvidencePolicy,
) -> Result<EvidenceRef, EvidenceRejection> {
    let shown: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let reject = |vi: String, en: String| EvidenceRejection {
        file_name: shown.clone(),
        message: Text { vi, en },
    };
    if shown.trim().is_empty() {
        return Err(reject(
            "tệp minh chứng không có tên".into(),
            "the evidence file has no name".into(),
        ));
    }
    let size = bytes.len() as u64;
    if size > policy.max_bytes {
        return Err(reject(
            format!(
                "{shown}: tệp quá lớn ({size} byte, tối đa {} byte)",
                policy.max_bytes
            ),
            format!(
                "{shown}: file is too large ({size} bytes, at most {} bytes)",
                policy.max_bytes
            ),
        ));
    }
    if size == 0 {
        return Err(reject(
            format!("{shown}: tệp rỗng"),
            format!("{shown}: the file is empty"),
        ));
    }
    let media = match sniff(bytes) {
        Sniffed::Allowed(t) => t,
        Sniffed::Other(t, what) => {
            return Err(reject(
                format!("{shown}: nội dung là {} ({t}), không phải loại tệp minh chứng được chấp nhận (ảnh PNG/JPEG, PDF, DOCX, XLSX, ODT, văn bản)", what.vi),
                format!("{shown}: the content is {} ({t}), not an accepted evidence type (PNG/JPEG image, PDF, DOCX, XLSX, ODT, text)", what.en),
            ))
        }
    };
    let allowed_exts = ALLOWED
        .iter()
        .find(|(t, _)| *t == media)
        .map(|(_, e)| *e)
        .unwrap_or(&[]);
    match extension(&shown) {
        Some(ext) if allowed_exts.contains(&ext.as_str()) => {}
        Some(ext) => {
            let claimed = ALLOWED
                .iter()
                .find(|(_, es)| es.contains(&ext.as_str()))
                .map(|(t, _)| *t);
            let claim = claimed.map(|t| format!(" ({t})")).unwrap_or_default();
            return Err(reject(
                format!("{shown}: phần mở rộng .{ext}{claim} không khớp nội dung tệp ({media}); tệp bị từ chối"),
                format!("{shown}: the extension .{ext}{claim} does not match the content ({media}); the file is refused"),
            ));
        }
        None => {
            return Err(reject(
                format!("{shown}: tên tệp không có phần mở rộng (nội dung là {media})"),
                format!("{shown}: the file name has no extension (the content is {media})"),
            ))
        }
    }
    if let Some(d) = declared {
        let d = d
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let same = d == media
            || (d == "image/jpg" && media == "image/jpeg")
            || (d == "text/csv" && media == "text/plain");
        if !d.is_empty() && d != "application/octet-stream" && !same {
            return Err(reject(
                format!("{shown}: loại khai báo {d} không khớp nội dung tệp ({media})"),
                format!("{shown}: the declared type {d} does not match the content ({media})"),
            ));
        }
    }
    Ok(EvidenceRef {
        file_name: shown,
        media_type: media.to_string(),
        size,
        sha256: sha256_hex(bytes),
    })
}

/// Whether a stored file still matches its reference (size and sha256).
pub fn matches_ref(r: &EvidenceRef, bytes: &[u8]) -> bool {
    r.size == bytes.len() as u64 && r.sha256 == sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn accepts_types_by_their_bytes() {
        let p = EvidencePolicy::default();
        let r = validate_evidence("tủ đầu ghi.png", Some("image/png"), PNG, &p).unwrap();
        assert_eq!(r.media_type, "image/png");
        assert_eq!(r.size, PNG.len() as u64);
        assert_eq!(r.sha256, sha256_hex(PNG));
        assert!(matches_ref(&r, PNG));
        assert!(!matches_ref(&r, b"other"));
        let jpg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
        assert_eq!(
            validate_evidence("a.JPG", Some("image/jpg"), &jpg, &p)
                .unwrap()
                .media_type,
            "image/jpeg"
        );
        assert_eq!(
            validate_evidence("a.jpeg", None, &jpg, &p)
                .unwrap()
                .media_type,
            "image/jpeg"
        );
        assert_eq!(
            validate_evidence("bien-ban.pdf", None, b"%PDF-1.7\n...", &p)
                .unwrap()
                .media_type,
            "application/pdf"
        );
        assert_eq!(
            validate_evidence("ghi-chú.txt", None, "Danh sách tham dự\n".as_bytes(), &p)
                .unwrap()
                .media_type,
            "text/plain"
        );
    }

    #[test]
    fn refuses_a_mistyped_file_with_a_message_in_both_languages() {
        let p = EvidencePolicy::default();
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";
        let e = validate_evidence("anh-tu-khoa.jpg", Some("image/jpeg"), exe, &p).unwrap_err();
        assert!(
            e.message.en.contains("Windows executable"),
            "{}",
            e.message.en
        );
        assert!(
            e.message.vi.contains("tệp chạy Windows"),
            "{}",
            e.message.vi
        );
        // An allowed type under the wrong extension.
        let e = validate_evidence("anh.jpg", None, b"%PDF-1.4", &p).unwrap_err();
        assert!(
            e.message
                .en
                .contains(".jpg (image/jpeg) does not match the content (application/pdf)"),
            "{}",
            e.message.en
        );
        assert!(e.message.vi.contains("không khớp"), "{}", e.message.vi);
        // Declared type disagrees.
        let e = validate_evidence("a.png", Some("application/pdf"), PNG, &p).unwrap_err();
        assert!(e.message.en.contains("declared type"), "{}", e.message.en);
        // No extension, empty, ELF, zip that is not an office file.
        assert!(validate_evidence("anh", None, PNG, &p).is_err());
        assert!(validate_evidence("a.png", None, b"", &p).is_err());
        assert!(validate_evidence("a.png", None, b"\x7fELF\x02\x01", &p)
            .unwrap_err()
            .message
            .en
            .contains("ELF"));
        assert!(
            validate_evidence("a.docx", None, b"PK\x03\x04\x14\0\0\0\0\0random.bin", &p)
                .unwrap_err()
                .message
                .en
                .contains("ZIP")
        );
    }

    #[test]
    fn refuses_an_oversized_file() {
        let p = EvidencePolicy { max_bytes: 16 };
        let e = validate_evidence("a.png", None, &[0u8; 17], &p).unwrap_err();
        assert!(
            e.message
                .en
                .contains("too large (17 bytes, at most 16 bytes)"),
            "{}",
            e.message.en
        );
        assert!(e.message.vi.contains("quá lớn"), "{}", e.message.vi);
    }

    #[test]
    fn a_real_docx_is_recognised() {
        let bytes = crate::docx::tests_support::tiny_docx();
        let r =
            validate_evidence("bien-ban.docx", None, &bytes, &EvidencePolicy::default()).unwrap();
        assert_eq!(
            r.media_type,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn garbage_never_panics() {
        let p = EvidencePolicy::default();
        let samples: [&[u8]; 6] = [
            b"",
            b"\xff",
            b"RIFF",
            b"PK\x03\x04",
            b"\xD0\xCF",
            "Ảnh\u{0}".as_bytes(),
        ];
        for s in samples {
            for cut in 0..=s.len() {
                let _ = validate_evidence("x.png", None, &s[..cut], &p);
                let _ = validate_evidence("\u{0}.\u{7}", Some("\u{0}"), &s[..cut], &p);
            }
        }
    }
}
