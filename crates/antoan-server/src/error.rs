//! Errors of the HTTP layer: a status, a stable machine code and a bilingual message.

use antoan_model::Text;
use antoan_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered to an API client as
/// `{"error": "code", "message": {"vi": "…", "en": "…"}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Text,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: &'a Text,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: Text::new(vi, en),
        }
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", vi, en)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "cần đăng nhập (phiên hết hạn hoặc mã không hợp lệ)",
            "login required (session expired or invalid token)",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "tài khoản của bạn không có quyền thực hiện thao tác này",
            "your account is not allowed to do this",
        )
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang",
            "missing or wrong anti-forgery (CSRF) token; reload the page",
        )
    }

    /// Objects outside the caller's scope are answered exactly like missing ones.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("không tìm thấy {}", what_vi(what)),
            format!("{what} not found"),
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "lỗi máy chủ; chi tiết nằm trong nhật ký máy chủ",
            "server error; the details are in the server log",
        )
    }

    pub fn too_many_logins() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút",
            "too many failed logins; try again in 15 minutes",
        )
    }
}

fn what_vi(what: &str) -> &str {
    match what {
        "unit" => "đơn vị",
        "host" => "máy",
        "finding" => "phát hiện",
        "report" => "báo cáo",
        "agent" => "tác tử",
        "user" => "người dùng",
        "token" => "mã đăng ký",
        "waiver" => "chấp nhận rủi ro",
        other => other,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            axum::Json(Body {
                error: self.code,
                message: &self.message,
            }),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"antoan\""),
            );
        }
        resp
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message.en
        )
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(msg) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("xung đột với dữ liệu hiện có: {msg}"),
                format!("conflicts with existing data: {msg}"),
            ),
            StoreError::Revoked => {
                ApiError::new(StatusCode::FORBIDDEN, "revoked", "đã bị thu hồi", "revoked")
            }
            StoreError::Expired => {
                ApiError::new(StatusCode::UNAUTHORIZED, "expired", "đã hết hạn", "expired")
            }
            StoreError::Invalid(msg) => ApiError::bad_request(
                format!("dữ liệu không hợp lệ: {msg}"),
                format!("invalid input: {msg}"),
            ),
            other => {
                crate::log_error(&format!("store error: {other}"));
                ApiError::internal()
            }
        }
    }
}
