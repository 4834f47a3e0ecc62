//! Authentication and authorization: password hashing (argon2id), session
//! tokens (random, stored as sha256 hex), the `CurrentUser` extractor, CSRF
//! protection of cookie-authenticated requests, role guards and login rate limiting.

use antoan_model::Lang;
use antoan_store::{Role, Scope, Session, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "antoan_session";
/// Name of the language cookie (`vi` | `en`).
pub const LANG_COOKIE: &str = "antoan_lang";
/// Header carrying the CSRF token of cookie-authenticated API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token of page forms.
pub const CSRF_FIELD: &str = "csrf";

// ---------------------------------------------------------------- secrets

/// `n` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // The OS RNG failing is not recoverable: a server without randomness must not hand out tokens.
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Lower-case hex of the sha256 of `s` (how tokens are stored).
pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(H[(b >> 4) as usize] as char);
        out.push(H[(b & 15) as usize] as char);
    }
    out
}

/// Constant-time comparison of two secrets.
pub fn ct_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An argon2id PHC string of `password` (default parameters: m=19 MiB, t=2, p=1).
/// CPU-heavy: call from `spawn_blocking` in async code.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| ApiError::internal())?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| ApiError::internal())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::internal())
}

/// Checks `password` against a PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A one-time password: 20 characters from an alphabet without look-alikes.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 20];
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    // 256 % 55 bias is negligible for a 20-character one-time password (> 110 bits).
    buf.iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}

/// Rules for a new password chosen by a person.
pub fn check_new_password(p: &str) -> Result<(), ApiError> {
    if p.chars().count() < 12 {
        return Err(ApiError::bad_request(
            "mật khẩu mới phải có ít nhất 12 ký tự",
            "the new password must have at least 12 characters",
        ));
    }
    if p.len() > 1024 {
        return Err(ApiError::bad_request(
            "mật khẩu quá dài (tối đa 1024 byte)",
            "password too long (1024 bytes at most)",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- scope

/// What a user may see: everything for inspectors, their unit's subtree otherwise.
pub fn scope_for(user: &User) -> Option<Scope> {
    match (user.role, user.unit_id, &user.unit_path) {
        (Role::ProvinceInspector, None, _) => Some(Scope::All),
        (_, Some(unit_id), Some(path)) => Some(Scope::Subtree {
            unit_id,
            path: path.clone(),
        }),
        _ => None,
    }
}

/// Whether a unit path lies inside a scope (the unit itself or below it).
pub fn scope_contains(scope: &Scope, unit_path: &str) -> bool {
    match scope {
        Scope::All => true,
        Scope::Subtree { path, .. } => {
            unit_path == path
                || (unit_path.len() > path.len()
                    && unit_path.starts_with(path.as_str())
                    && unit_path.as_bytes()[path.len()] == b'/')
        }
    }
}

// ---------------------------------------------------------------- current user

/// How the request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    Cookie,
    Bearer,
}

/// The logged-in user of a request. As an extractor it rejects with 401 JSON on
/// `/api/…` paths and with a redirect to `/login?next=…` on pages.
/// `Option<CurrentUser>` never rejects.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    /// The session's CSRF token: put it in every form as a hidden `csrf` field.
    pub csrf: String,
    pub lang: Lang,
    pub via: AuthVia,
    pub expires_at: OffsetDateTime,
    /// sha256 hex of the session token (to log out).
    pub session_sha256: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_inspector(&self) -> bool {
        self.user.role == Role::ProvinceInspector
    }

    /// Inspectors and unit admins may change things (within their scope); viewers only read.
    pub fn can_write(&self) -> bool {
        matches!(self.user.role, Role::ProvinceInspector | Role::UnitAdmin)
    }

    /// 403 for viewers.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.can_write() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// 403 for everyone but province inspectors.
    pub fn require_inspector(&self) -> Result<(), ApiError> {
        if self.is_inspector() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Whether an object of this unit path is visible to the user.
    pub fn sees(&self, unit_path: &str) -> bool {
        scope_contains(&self.scope, unit_path)
    }

    /// 404 (not 403: existence outside the scope is not revealed) when not visible.
    pub fn ensure_sees(&self, unit_path: &str, what: &'static str) -> Result<(), ApiError> {
        if self.sees(unit_path) {
            Ok(())
        } else {
            Err(ApiError::not_found(what))
        }
    }
}

/// Checks the CSRF token of a cookie-authenticated request (Bearer requests
/// need none). The middleware [`csrf_guard`] already does this for every
/// unsafe request; handlers may call it again.
pub fn check_csrf(user: &CurrentUser, token: &str) -> Result<(), ApiError> {
    if user.via == AuthVia::Bearer || ct_eq(&user.csrf, token) {
        Ok(())
    } else {
        Err(ApiError::csrf())
    }
}

/// Why the `CurrentUser` extractor refused.
#[derive(Debug)]
pub enum AuthRejection {
    /// API: 401 (or another error) as JSON.
    Api(ApiError),
    /// Page: 303 to the login page, coming back to `next` afterwards.
    Login { next: String },
    /// Page: an error page (e.g. an account without a unit).
    Page(ApiError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Api(e) => e.into_response(),
            AuthRejection::Login { next } => {
                let enc = percent_encoding::utf8_percent_encode(
                    &next,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                Redirect::to(&format!("/login?next={enc}")).into_response()
            }
            AuthRejection::Page(e) => (
                e.status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{}\n{}\n", e.message.vi, e.message.en),
            )
                .into_response(),
        }
    }
}

fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

/// The value of a cookie in the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, val)) = pair.trim().split_once('=') {
                if k.trim() == name {
                    return Some(val.trim());
                }
            }
        }
    }
    None
}

/// The session token of a request: `Authorization: Bearer` first, then the cookie.
pub fn request_token(headers: &HeaderMap) -> Option<(String, AuthVia)> {
    if let Some(h) = headers.get(header::AUTHORIZATION) {
        let s = h.to_str().ok()?;
        let (scheme, tok) = s.split_once(' ')?;
        if scheme.eq_ignore_ascii_case("bearer") && !tok.trim().is_empty() {
            return Some((tok.trim().to_string(), AuthVia::Bearer));
        }
        return None;
    }
    cookie(headers, SESSION_COOKIE)
        .filter(|t| !t.is_empty())
        .map(|t| (t.to_string(), AuthVia::Cookie))
}

/// The language of a request: `?lang=`, then the `antoan_lang` cookie, then
/// `Accept-Language` when it starts with English; Vietnamese by default.
pub fn request_lang(parts: &Parts) -> Lang {
    if let Some(q) = parts.uri.query() {
        for (k, v) in form_pairs(q) {
            if k == "lang" {
                if let Ok(l) = v.parse() {
                    return l;
                }
            }
        }
    }
    if let Some(l) = cookie(&parts.headers, LANG_COOKIE).and_then(|v| v.parse().ok()) {
        return l;
    }
    Lang::Vi
}

fn form_pairs(s: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(s).unwrap_or_default()
}

/// A session found by the CSRF middleware, kept so the extractor need not look it up again.
#[derive(Clone)]
struct CachedSession {
    sha: String,
    session: Session,
}

async fn lookup(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<(Session, String, AuthVia)>, ApiError> {
    let Some((token, via)) = request_token(&parts.headers) else {
        return Ok(None);
    };
    let sha = sha256_hex(&token);
    if let Some(c) = parts.extensions.get::<CachedSession>() {
        if c.sha == sha {
            return Ok(Some((c.session.clone(), sha, via)));
        }
    }
    let now = OffsetDateTime::now_utc();
    Ok(state.store.session(&sha, now).await?.map(|s| (s, sha, via)))
}

fn next_of(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let api = is_api(parts);
        let reject = |parts: &Parts| {
            if api {
                AuthRejection::Api(ApiError::unauthorized())
            } else {
                AuthRejection::Login {
                    next: next_of(parts),
                }
            }
        };
        let found = match lookup(state, parts).await {
            Ok(f) => f,
            Err(e) => {
                return Err(if api {
                    AuthRejection::Api(e)
                } else {
                    AuthRejection::Page(e)
                })
            }
        };
        let Some((session, sha, via)) = found else {
            return Err(reject(parts));
        };
        if session.user.disabled {
            return Err(reject(parts));
        }
        let Some(scope) = scope_for(&session.user) else {
            let e = ApiError::new(
                StatusCode::FORBIDDEN,
                "no-unit",
                "tài khoản chưa được gán vào đơn vị nào; hãy liên hệ quản trị",
                "the account belongs to no unit; ask an administrator",
            );
            return Err(if api {
                AuthRejection::Api(e)
            } else {
                AuthRejection::Page(e)
            });
        };
        Ok(CurrentUser {
            lang: request_lang(parts),
            user: session.user,
            scope,
            csrf: session.csrf,
            via,
            expires_at: session.expires_at,
            session_sha256: sha,
        })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// The request's language as an extractor (never rejects).
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(request_lang(parts)))
    }
}

// ---------------------------------------------------------------- CSRF middleware

/// The request's Content-Type is this media type (parameters such as a boundary aside).
fn content_type_is(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with(media_type))
}

/// The text of the first multipart field named `name` in a buffered body (at
/// most 4 KiB of it); `None` when absent or the body is not valid multipart.
async fn multipart_field(headers: &HeaderMap, body: &axum::body::Bytes, name: &str) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(ct).ok()?;
    let chunk = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(chunk) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(mut field)) = mp.next_field().await {
        if field.name() != Some(name) {
            continue;
        }
        let mut value = Vec::new();
        while let Ok(Some(c)) = field.chunk().await {
            if value.len() + c.len() > 4096 {
                return None;
            }
            value.extend_from_slice(&c);
        }
        return String::from_utf8(value).ok();
    }
    None
}

/// Unsafe requests that carry no session by design.
fn csrf_exempt(method: &Method, path: &str) -> bool {
    method == Method::POST
        && matches!(
            path,
            "/login" | "/api/v1/session" | "/api/v1/agents/enroll" | "/api/v1/reports"
        )
}

/// Every unsafe request (not GET/HEAD/OPTIONS) authenticated by the session
/// cookie must carry the session's CSRF token, in the `X-CSRF-Token` header or
/// (for `application/x-www-form-urlencoded` forms) in the `csrf` field; else 403.
/// Bearer-authenticated requests are not exposed to CSRF and pass.
pub async fn csrf_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        || csrf_exempt(&method, req.uri().path())
    {
        return next.run(req).await;
    }
    if req.headers().contains_key(header::AUTHORIZATION) {
        return next.run(req).await;
    }
    let Some(token) = cookie(req.headers(), SESSION_COOKIE).map(str::to_string) else {
        return next.run(req).await;
    };
    let sha = sha256_hex(&token);
    let session = match state.store.session(&sha, OffsetDateTime::now_utc()).await {
        Ok(Some(s)) => s,
        // No valid session: the handler's extractor answers 401 / redirects to login.
        Ok(None) => return next.run(req).await,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let api = req.uri().path().starts_with("/api/");
    let (mut parts, body) = req.into_parts();
    let mut provided = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_form = content_type_is(&parts.headers, "application/x-www-form-urlencoded");
    // A file upload form (multipart, no script to set the header) carries the
    // token in its `csrf` field, like every other form; never in the URL, where
    // logs and history would keep it.
    let is_multipart = content_type_is(&parts.headers, "multipart/form-data");
    let body = if provided.is_none() && is_multipart {
        let limit = state
            .config
            .body_limit
            .max(crate::web::inspections_core::upload_body_limit());
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                return ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "nội dung yêu cầu quá lớn",
                    "request body too large",
                )
                .into_response()
            }
        };
        provided = multipart_field(&parts.headers, &bytes, CSRF_FIELD).await;
        axum::body::Body::from(bytes)
    } else {
        body
    };
    let body = if provided.is_none() && is_form {
        let bytes = match axum::body::to_bytes(body, state.config.body_limit).await {
            Ok(b) => b,
            Err(_) => {
                return ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "nội dung yêu cầu quá lớn",
                    "request body too large",
                )
                .into_response()
            }
        };
        if let Ok(s) = std::str::from_utf8(&bytes) {
            provided = form_pairs(s)
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v);
        }
        axum::body::Body::from(bytes)
    } else {
        body
    };
    match provided {
        Some(p) if ct_eq(&p, &session.csrf) => {
            parts.extensions.insert(CachedSession { sha, session });
            next.run(Request::from_parts(parts, body)).await
        }
        _ => {
            let e = ApiError::csrf();
            if api {
                e.into_response()
            } else {
                AuthRejection::Page(e).into_response()
            }
        }
    }
}

// ---------------------------------------------------------------- cookies

/// `Set-Cookie` value of a new session.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

// ---------------------------------------------------------------- login

/// The peer address used to rate-limit logins.
pub fn client_of(parts_ext: &axum::http::Extensions) -> String {
    parts_ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoginOk {
    pub token: String,
    pub csrf: String,
    pub expires_at: OffsetDateTime,
    pub user: User,
}

/// Checks the password (rate-limited per username and client), and opens a session.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
) -> Result<LoginOk, ApiError> {
    let now = OffsetDateTime::now_utc();
    let username = username.trim();
    if username.is_empty() || username.len() > 200 || password.len() > 1024 {
        return Err(ApiError::unauthorized());
    }
    let cfg = &state.config;
    let failures = state
        .store
        .failed_logins_since(username, client, now - cfg.login_window)
        .await?;
    if failures >= cfg.login_max_failures {
        state.metrics.login("rate-limited");
        return Err(ApiError::too_many_logins());
    }
    let found = state.store.user_by_name(username).await?;
    let pw = password.to_string();
    let phc = found.as_ref().map(|u| u.password_phc.clone());
    let ok = tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_password(&pw, &phc),
        None => {
            // Same work for unknown users, so timing does not reveal which names exist.
            let _ = hash_password(&pw);
            false
        }
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let user = match found {
        Some(u) if ok && !u.user.disabled => u.user,
        _ => {
            state
                .store
                .record_login_attempt(username, client, false, now)
                .await?;
            state.metrics.login("failed");
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad-credentials",
                "sai tên đăng nhập hoặc mật khẩu",
                "wrong username or password",
            ));
        }
    };
    state
        .store
        .record_login_attempt(username, client, true, now)
        .await?;
    state.metrics.login("ok");
    let token = random_token(32);
    let csrf = random_token(24);
    let expires_at = now + cfg.session_ttl;
    state
        .store
        .create_session(user.id, &sha256_hex(&token), &csrf, expires_at)
        .await?;
    Ok(LoginOk {
        token,
        csrf,
        expires_at,
        user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_contains_is_path_aware() {
        let s = Scope::Subtree {
            unit_id: 1,
            path: "lang-son/thanh-pho".into(),
        };
        assert!(scope_contains(&s, "lang-son/thanh-pho"));
        assert!(scope_contains(&s, "lang-son/thanh-pho/phuong-chi-lang"));
        assert!(!scope_contains(&s, "lang-son/thanh-pho-2"));
        assert!(!scope_contains(&s, "lang-son"));
        assert!(scope_contains(&Scope::All, "anything"));
    }

    #[test]
    fn password_hash_roundtrip() {
        let h = hash_password("mật khẩu dài đủ 12").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài đủ 12", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a phc string"));
        assert!(!verify_password("x", ""));
    }

    #[test]
    fn cookies_and_tokens() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; antoan_session=abc; antoan_lang=en".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(request_token(&h), Some(("abc".into(), AuthVia::Cookie)));
        h.insert(header::AUTHORIZATION, "Bearer xyz".parse().unwrap());
        assert_eq!(request_token(&h), Some(("xyz".into(), AuthVia::Bearer)));
        h.insert(header::AUTHORIZATION, "Basic xyz".parse().unwrap());
        assert_eq!(request_token(&h), None);
        assert!(ct_eq("abc", "abc"));
        assert!(!ct_eq("abc", "abd"));
        assert!(!ct_eq("abc", "ab"));
        assert_eq!(random_token(32).len(), 43);
        assert_ne!(random_token(32), random_token(32));
        let otp = one_time_password();
        assert_eq!(otp.len(), 20);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
