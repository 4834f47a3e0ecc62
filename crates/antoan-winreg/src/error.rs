//! The one error type of this crate. Its `Display` is English and always names
//! the file (origin) and, where one exists, the byte offset or line; [`RegError::text`]
//! gives the same message in Vietnamese and English for reports.

use std::fmt;

/// Where in the input a problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// No finer location than the file itself.
    File,
    /// A byte offset from the start of the file (hive files, transaction logs).
    Offset(u64),
    /// A 1-based line number (`.reg` files).
    Line(usize),
}

/// Why reading failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The file could not be read at all.
    Io(String),
    /// The file is shorter than the structures it declares.
    Truncated { needed: u64, available: u64 },
    /// The file does not start with the `regf` signature.
    NotAHive,
    /// A structure does not carry the signature it must have (`hbin`, `nk`, `vk`, ...).
    BadSignature { expected: &'static str },
    /// The base block checksum does not match and no transaction log could repair it.
    BadChecksum { stored: u32, computed: u32 },
    /// A hive format version this reader does not know.
    UnsupportedVersion { major: u32, minor: u32 },
    /// The file is a transaction log (or another non-primary file), not a hive.
    NotPrimary { file_type: u32 },
    /// The hive was not cleanly written (sequence numbers differ) and its
    /// transaction logs were not applied (missing or unusable): data may be stale.
    DirtyNotRecovered { detail: String },
    /// A cell offset points outside the hive bins data, to a free cell, or is misaligned.
    BadOffset {
        what: &'static str,
        target: u32,
        detail: &'static str,
    },
    /// A subkey list refers back to a key that is not its child (a cycle or a
    /// cross-link), or lists the same key twice.
    SubkeyCycle { target: u32 },
    /// An index root points to another index root.
    NestedIndexRoot,
    /// A value claims more data than the limit or than exists.
    ValueTooLarge { size: u64, limit: u64 },
    /// Keys nested deeper than the limit (512 levels, like Windows).
    TooDeep { limit: usize },
    /// Some other malformed structure.
    Malformed(String),
    /// The `.reg` file has no `Windows Registry Editor Version 5.00` / `REGEDIT4` header.
    NotRegFile,
    /// A `.reg` syntax error.
    Syntax(String),
}

/// An error reading a hive or a `.reg` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegError {
    /// The file (path or caller-given origin) the error belongs to.
    pub origin: String,
    /// Where in that file.
    pub at: Location,
    /// What went wrong.
    pub reason: Reason,
}

impl RegError {
    pub(crate) fn new(origin: &str, at: Location, reason: Reason) -> RegError {
        RegError {
            origin: origin.to_string(),
            at,
            reason,
        }
    }

    /// True for the "dirty hive, logs not applied" warning (as opposed to corruption).
    pub fn is_dirty_warning(&self) -> bool {
        matches!(self.reason, Reason::DirtyNotRecovered { .. })
    }

    fn reason_en(&self) -> String {
        match &self.reason {
            Reason::Io(e) => format!("cannot read file: {e}"),
            Reason::Truncated { needed, available } => format!(
                "file is truncated: {needed} bytes needed, {available} available"
            ),
            Reason::NotAHive => "not a registry hive (no 'regf' signature)".into(),
            Reason::BadSignature { expected } => format!("expected a '{expected}' record here"),
            Reason::BadChecksum { stored, computed } => format!(
                "base block checksum mismatch (stored 0x{stored:08x}, computed 0x{computed:08x}) and no transaction log could repair it"
            ),
            Reason::UnsupportedVersion { major, minor } => {
                format!("unsupported hive format version {major}.{minor}")
            }
            Reason::NotPrimary { file_type } => format!(
                "this is not a primary hive file (file type {file_type}; transaction logs are read beside their hive)"
            ),
            Reason::DirtyNotRecovered { detail } => {
                format!("dirty hive, transaction logs not applied: {detail}; recent changes may be missing")
            }
            Reason::BadOffset { what, target, detail } => {
                format!("{what} points to offset 0x{target:x}, which is {detail}")
            }
            Reason::SubkeyCycle { target } => format!(
                "subkey list cycle or cross-link: the key at 0x{target:x} is not a child of this key, or is listed twice"
            ),
            Reason::NestedIndexRoot => "an index root (ri) points to another index root".into(),
            Reason::ValueTooLarge { size, limit } => {
                format!("value claims {size} bytes of data, more than the {limit} available or allowed")
            }
            Reason::TooDeep { limit } => format!("keys are nested deeper than {limit} levels"),
            Reason::Malformed(m) => m.clone(),
            Reason::NotRegFile => {
                "not a .reg file (expected 'Windows Registry Editor Version 5.00' or 'REGEDIT4' on the first line)".into()
            }
            Reason::Syntax(m) => m.clone(),
        }
    }

    fn reason_vi(&self) -> String {
        match &self.reason {
            Reason::Io(e) => format!("không đọc được tệp: {e}"),
            Reason::Truncated { needed, available } => format!(
                "tệp bị cắt cụt: cần {needed} byte, chỉ có {available} byte"
            ),
            Reason::NotAHive => "không phải tệp hive registry (thiếu chữ ký 'regf')".into(),
            Reason::BadSignature { expected } => format!("tại đây phải là bản ghi '{expected}'"),
            Reason::BadChecksum { stored, computed } => format!(
                "tổng kiểm tra khối cơ sở không khớp (ghi 0x{stored:08x}, tính được 0x{computed:08x}) và không có nhật ký giao dịch nào sửa được"
            ),
            Reason::UnsupportedVersion { major, minor } => {
                format!("phiên bản định dạng hive {major}.{minor} không được hỗ trợ")
            }
            Reason::NotPrimary { file_type } => format!(
                "đây không phải tệp hive chính (loại tệp {file_type}; nhật ký giao dịch được đọc kèm hive của nó)"
            ),
            Reason::DirtyNotRecovered { detail } => format!(
                "hive chưa được ghi trọn vẹn, chưa áp dụng nhật ký giao dịch: {detail}; có thể thiếu các thay đổi gần đây"
            ),
            Reason::BadOffset { what, target, detail } => format!(
                "{what} trỏ tới vị trí 0x{target:x}, là vị trí không hợp lệ ({detail})"
            ),
            Reason::SubkeyCycle { target } => format!(
                "danh sách khóa con bị vòng lặp hoặc liên kết chéo: khóa tại 0x{target:x} không phải khóa con của khóa này, hoặc bị liệt kê hai lần"
            ),
            Reason::NestedIndexRoot => "chỉ mục gốc (ri) trỏ tới một chỉ mục gốc khác".into(),
            Reason::ValueTooLarge { size, limit } => format!(
                "giá trị khai báo {size} byte dữ liệu, vượt quá giới hạn hoặc dữ liệu thực có ({limit} byte)"
            ),
            Reason::TooDeep { limit } => format!("khóa lồng nhau sâu hơn {limit} cấp"),
            Reason::Malformed(m) => format!("cấu trúc hỏng: {m}"),
            Reason::NotRegFile => {
                "không phải tệp .reg (dòng đầu phải là 'Windows Registry Editor Version 5.00' hoặc 'REGEDIT4')".into()
            }
            Reason::Syntax(m) => format!("lỗi cú pháp: {m}"),
        }
    }

    fn location_string(&self) -> String {
        match self.at {
            Location::File => self.origin.clone(),
            Location::Offset(o) => format!("{} (offset 0x{o:x})", self.origin),
            Location::Line(l) => format!("{}:{l}", self.origin),
        }
    }

    fn location_string_vi(&self) -> String {
        match self.at {
            Location::File => self.origin.clone(),
            Location::Offset(o) => format!("{} (vị trí 0x{o:x})", self.origin),
            Location::Line(l) => format!("{} dòng {l}", self.origin),
        }
    }

    /// The message in Vietnamese and English, for reports.
    pub fn text(&self) -> antoan_model::Text {
        antoan_model::Text::new(
            format!("{}: {}", self.location_string_vi(), self.reason_vi()),
            self.to_string(),
        )
    }
}

impl fmt::Display for RegError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location_string(), self.reason_en())
    }
}

impl std::error::Error for RegError {}
