//! Agent errors, each with a Vietnamese and an English message.

use std::path::{Path, PathBuf};

use antoan_model::Text;

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Reading or writing a file of the state directory failed.
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    /// A state file exists but cannot be understood.
    #[error("{path}: damaged state file: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{0}: this state directory is already enrolled")]
    AlreadyEnrolled(PathBuf),
    #[error("{0}: not enrolled (run `antoan agent enroll` first)")]
    NotEnrolled(PathBuf),
    #[error("{0}: another agent is using this state directory")]
    Locked(PathBuf),
    #[error("bad server URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("plain http is only allowed to a loopback address: {0}")]
    InsecureUrl(String),
    #[error("bad certificate pin: {0}")]
    BadPin(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("network: {0}")]
    Network(String),
    #[error("the server answered {status}: {body}")]
    Server { status: u16, body: String },
    #[error("audit failed: {}", .0.en)]
    Audit(Text),
    #[error("the report is {0} bytes, more than a submission may carry")]
    ReportTooLarge(usize),
}

pub type Result<T, E = AgentError> = std::result::Result<T, E>;

impl AgentError {
    pub(crate) fn io(path: &Path, e: impl std::fmt::Display) -> AgentError {
        AgentError::Io { path: path.to_path_buf(), reason: e.to_string() }
    }

    pub(crate) fn corrupt(path: &Path, e: impl std::fmt::Display) -> AgentError {
        AgentError::Corrupt { path: path.to_path_buf(), reason: e.to_string() }
    }

    /// The message in Vietnamese and English.
    pub fn text(&self) -> Text {
        let (vi, en) = match self {
            AgentError::Io { path, reason } => (
                format!("{}: lỗi đọc/ghi tệp: {reason}", path.display()),
                format!("{}: file read/write failed: {reason}", path.display()),
            ),
            AgentError::Corrupt { path, reason } => (
                format!("{}: tệp trạng thái bị hỏng: {reason}", path.display()),
                format!("{}: damaged state file: {reason}", path.display()),
            ),
            AgentError::AlreadyEnrolled(p) => (
                format!(
                    "{}: thư mục trạng thái này đã đăng ký với máy chủ; xóa nó nếu muốn đăng ký lại",
                    p.display()
                ),
                format!("{}: this state directory is already enrolled; remove it to enroll again", p.display()),
            ),
            AgentError::NotEnrolled(p) => (
                format!("{}: tác tử chưa đăng ký (chạy `antoan agent enroll` trước)", p.display()),
                format!("{}: not enrolled (run `antoan agent enroll` first)", p.display()),
            ),
            AgentError::Locked(p) => (
                format!("{}: một tác tử khác đang dùng thư mục trạng thái này", p.display()),
                format!("{}: another agent is using this state directory", p.display()),
            ),
            AgentError::BadUrl { url, reason } => (
                format!("địa chỉ máy chủ không hợp lệ {url}: {reason}"),
                format!("bad server URL {url}: {reason}"),
            ),
            AgentError::InsecureUrl(u) => (
                format!("chỉ được dùng http không mã hóa tới địa chỉ loopback (127.0.0.1, ::1, localhost): {u}; hãy dùng https"),
                format!("plain http is only allowed to a loopback address (127.0.0.1, ::1, localhost): {u}; use https"),
            ),
            AgentError::BadPin(m) => (
                format!("mã ghim chứng chỉ không hợp lệ (cần SHA-256 dạng hex, 64 ký tự): {m}"),
                format!("bad certificate pin (expected a 64-character SHA-256 hex): {m}"),
            ),
            AgentError::Tls(m) => (format!("lỗi TLS: {m}"), format!("TLS error: {m}")),
            AgentError::Network(m) => {
                (format!("không kết nối được máy chủ: {m}"), format!("cannot reach the server: {m}"))
            }
            AgentError::Server { status, body } => (
                format!("máy chủ trả lời {status}: {body}"),
                format!("the server answered {status}: {body}"),
            ),
            AgentError::Audit(t) => (format!("kiểm tra thất bại: {}", t.vi), format!("audit failed: {}", t.en)),
            AgentError::ReportTooLarge(n) => (
                format!("báo cáo dài {n} byte, vượt giới hạn một lần gửi"),
                format!("the report is {n} bytes, more than a submission may carry"),
            ),
        };
        Text { vi, en }
    }
}
