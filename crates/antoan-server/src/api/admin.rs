//! Units, agents and enrollment tokens, users, the audit log.

use antoan_store::{Agent, AuditEntry, EnrollmentToken, NewUser, Role, StoreError, Unit, User};
use antoan_wire::{EnrollRequest, EnrollResponse};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::actor;
use crate::auth;
use crate::csvout::{self, ListFormat};
use crate::{ApiError, AppState, CurrentUser};

// ---------------------------------------------------------------- units

/// Units in scope, sorted by path.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", responses((status = 200, description = "[Unit]")))]
pub async fn units(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
) -> Result<Response, ApiError> {
    let rows = state.store.units(&user.scope).await?;
    csvout::list(
        format,
        "units",
        &["id", "parent_id", "path", "slug", "name", "depth"],
        rows,
        |u: &Unit| {
            vec![
                u.id.to_string(),
                csvout::opt(&u.parent_id),
                u.path.clone(),
                u.slug.clone(),
                u.name.clone(),
                u.depth.to_string(),
            ]
        },
    )
}

/// A visible unit or 404.
pub async fn visible_unit(state: &AppState, user: &CurrentUser, id: i64) -> Result<Unit, ApiError> {
    let u = state
        .store
        .unit(id)
        .await?
        .ok_or_else(|| ApiError::not_found("unit"))?;
    user.ensure_sees(&u.path, "unit")?;
    Ok(u)
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path,)),
    responses((status = 200, description = "Unit"), (status = 404, description = "no such unit in your scope")))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Unit>, ApiError> {
    Ok(Json(visible_unit(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUnitRequest {
    /// Slash path of slugs, e.g. `lang-son/thanh-pho/phuong-chi-lang`; missing ancestors are created.
    pub path: String,
    /// Display name (e.g. "Phường Chi Lăng"); defaults to the slug.
    pub name: Option<String>,
}

/// Whether a user may create (or address by path) a unit at `path`:
/// inspectors anywhere, unit admins strictly below their own unit.
fn may_create_at(user: &CurrentUser, path: &str) -> bool {
    match &user.scope {
        antoan_store::Scope::All => true,
        antoan_store::Scope::Subtree { path: own, .. } => {
            path.len() > own.len() + 1 && user.sees(path)
        }
    }
}

/// Creates a unit (and missing ancestors).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = NewUnitRequest,
    responses((status = 201, description = "Unit"), (status = 400, description = "bad path"), (status = 403, description = "not allowed")))]
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewUnitRequest>,
) -> Result<Response, ApiError> {
    user.require_write()?;
    let path = req.path.trim().trim_matches('/').to_string();
    if !may_create_at(&user, &path) {
        return Err(ApiError::forbidden());
    }
    let mut unit = state.store.ensure_unit_path(&path).await?;
    if let Some(name) = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        state
            .store
            .rename_unit(unit.id, name, &actor(&user))
            .await?;
        unit.name = name.to_string();
    }
    Ok((StatusCode::CREATED, Json(unit)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameUnitRequest {
    pub name: String,
}

/// Renames a unit (display name only; the path stays).
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path,)), request_body = RenameUnitRequest,
    responses((status = 200, description = "Unit"), (status = 404, description = "no such unit in your scope")))]
pub async fn rename_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<RenameUnitRequest>,
) -> Result<Json<Unit>, ApiError> {
    let mut unit = visible_unit(&state, &user, id).await?;
    user.require_write()?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "tên đơn vị phải có từ 1 đến 200 ký tự",
            "a unit name has 1 to 200 characters",
        ));
    }
    state
        .store
        .rename_unit(unit.id, name, &actor(&user))
        .await?;
    unit.name = name.to_string();
    Ok(Json(unit))
}

// ---------------------------------------------------------------- agents

/// An agent registers its public key with an enrollment token (no session).
#[utoipa::path(post, path = "/api/v1/agents/enroll", tag = "agents",
    request_body(content = String, description = "antoan_wire::EnrollRequest JSON", content_type = "application/json"),
    responses((status = 200, description = "antoan_wire::EnrollResponse"), (status = 400, description = "bad key or hostname"),
              (status = 401, description = "unknown, expired or revoked token")))]
pub async fn enroll(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<EnrollResponse>, ApiError> {
    let req: EnrollRequest = serde_json::from_slice(&body).map_err(|e| {
        state.metrics.enrollment("malformed");
        ApiError::bad_request(
            format!("yêu cầu đăng ký sai định dạng: {e}"),
            format!("malformed enrollment request: {e}"),
        )
    })?;
    if antoan_wire::parse_public_key(&req.public_key).is_err() {
        state.metrics.enrollment("bad-key");
        return Err(ApiError::bad_request(
            "khóa công khai không phải khóa Ed25519 hợp lệ (base64, 32 byte)",
            "the public key is not a valid Ed25519 key (base64, 32 bytes)",
        ));
    }
    let hostname = req.hostname.trim();
    if hostname.is_empty()
        || hostname.chars().count() > 255
        || hostname.chars().any(char::is_control)
    {
        state.metrics.enrollment("malformed");
        return Err(ApiError::bad_request(
            "tên máy không hợp lệ",
            "invalid hostname",
        ));
    }
    let os: String = req
        .os
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let now = time::OffsetDateTime::now_utc();
    let token = req.token.trim();
    if token.is_empty() || token.len() > 200 {
        state.metrics.enrollment("bad-token");
        return Err(bad_token());
    }
    match state
        .store
        .enroll_agent(
            &auth::sha256_hex(token),
            req.public_key.trim(),
            hostname,
            &os,
            now,
        )
        .await
    {
        Ok(agent) => {
            state.metrics.enrollment("ok");
            Ok(Json(EnrollResponse {
                agent_id: agent.id,
                unit_path: agent.unit_path,
                server_time: antoan_wire::format_time(now),
            }))
        }
        Err(StoreError::NotFound(_) | StoreError::Expired | StoreError::Revoked) => {
            state.metrics.enrollment("bad-token");
            Err(bad_token())
        }
        Err(e) => Err(e.into()),
    }
}

fn bad_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad-token",
        "mã đăng ký không đúng, đã hết hạn hoặc đã bị thu hồi",
        "the enrollment token is unknown, expired or revoked",
    )
}

pub const AGENT_HEADERS: [&str; 10] = [
    "id",
    "unit_path",
    "hostname",
    "os",
    "enrolled_at",
    "revoked",
    "last_seq",
    "last_seen",
    "host_id",
    "unit_id",
];

/// Agents in scope.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", responses((status = 200, description = "[Agent]")))]
pub async fn agents(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
) -> Result<Response, ApiError> {
    let rows = state.store.agents(&user.scope).await?;
    csvout::list(format, "agents", &AGENT_HEADERS, rows, |a: &Agent| {
        vec![
            a.id.to_string(),
            a.unit_path.clone(),
            a.hostname.clone(),
            a.os.clone(),
            csvout::time(&a.enrolled_at),
            a.revoked.to_string(),
            a.last_seq.to_string(),
            csvout::opt_time(&a.last_seen),
            csvout::opt(&a.host_id),
            a.unit_id.to_string(),
        ]
    })
}

/// Revokes an agent: its further reports are refused (403).
#[utoipa::path(post, path = "/api/v1/agents/{id}/revoke", tag = "agents", params(("id" = i64, Path,)),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such agent in your scope")))]
pub async fn revoke_agent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let agent = state
        .store
        .agent(id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    user.ensure_sees(&agent.unit_path, "agent")?;
    user.require_write()?;
    state.store.revoke_agent(agent.id, &actor(&user)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTokenRequest {
    /// The unit by id…
    pub unit_id: Option<i64>,
    /// …or by path (missing units are created).
    pub unit_path: Option<String>,
    /// Lifetime in days (1–365, default 7).
    pub days: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct NewTokenResponse {
    /// The token itself: shown once, stored only as a hash.
    pub token: String,
    #[serde(flatten)]
    pub info: EnrollmentToken,
}

/// Makes an enrollment token: `aet_` + 43 URL-safe characters (256 random bits).
pub fn new_enrollment_token() -> String {
    format!("aet_{}", auth::random_token(32))
}

/// Creates an enrollment token for a unit.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "agents", request_body = NewTokenRequest,
    responses((status = 201, description = "{token, id, unit_path, expires_at, …}"), (status = 403, description = "viewer"),
              (status = 404, description = "no such unit in your scope")))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewTokenRequest>,
) -> Result<Response, ApiError> {
    user.require_write()?;
    let unit = match (req.unit_id, req.unit_path.as_deref()) {
        (Some(id), _) => visible_unit(&state, &user, id).await?,
        (None, Some(p)) => {
            let p = p.trim().trim_matches('/');
            if !user.sees(p) {
                return Err(ApiError::not_found("unit"));
            }
            state.store.ensure_unit_path(p).await?
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "cần unit_id hoặc unit_path",
                "unit_id or unit_path is required",
            ))
        }
    };
    let days = req.days.unwrap_or(state.config.token_days);
    if !(1..=365).contains(&days) {
        return Err(ApiError::bad_request(
            "số ngày hiệu lực phải từ 1 đến 365",
            "days must be 1 to 365",
        ));
    }
    let token = new_enrollment_token();
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    let info = state
        .store
        .create_enrollment_token(unit.id, &auth::sha256_hex(&token), expires, &actor(&user))
        .await?;
    Ok((StatusCode::CREATED, Json(NewTokenResponse { token, info })).into_response())
}

/// Enrollment tokens in scope (never the token itself).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "agents", responses((status = 200, description = "[EnrollmentToken]")))]
pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
) -> Result<Response, ApiError> {
    let rows = state.store.enrollment_tokens(&user.scope).await?;
    csvout::list(
        format,
        "tokens",
        &[
            "id",
            "unit_id",
            "unit_path",
            "created_at",
            "expires_at",
            "revoked",
            "used_count",
        ],
        rows,
        |t: &EnrollmentToken| {
            vec![
                t.id.to_string(),
                t.unit_id.to_string(),
                t.unit_path.clone(),
                csvout::time(&t.created_at),
                csvout::time(&t.expires_at),
                t.revoked.to_string(),
                t.used_count.to_string(),
            ]
        },
    )
}

/// Revokes an enrollment token.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "agents", params(("id" = i64, Path,)),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such token in your scope")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    user.require_write()?;
    let found = state
        .store
        .enrollment_tokens(&user.scope)
        .await?
        .into_iter()
        .any(|t| t.id == id);
    if !found {
        return Err(ApiError::not_found("token"));
    }
    state
        .store
        .revoke_enrollment_token(id, &actor(&user))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- users

pub const USER_HEADERS: [&str; 7] = [
    "id",
    "username",
    "display_name",
    "role",
    "unit_path",
    "disabled",
    "must_change_password",
];

/// Users in scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, description = "[User]")))]
pub async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
) -> Result<Response, ApiError> {
    let rows = state.store.users(&user.scope).await?;
    csvout::list(format, "users", &USER_HEADERS, rows, |u: &User| {
        vec![
            u.id.to_string(),
            u.username.clone(),
            u.display_name.clone(),
            u.role.as_str().to_string(),
            u.unit_path.clone().unwrap_or_default(),
            u.disabled.to_string(),
            u.must_change_password.to_string(),
        ]
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: Option<String>,
    /// `inspector`, `unit-admin` or `viewer`.
    pub role: String,
    /// Unit by id or path (required but for inspectors).
    pub unit_id: Option<i64>,
    pub unit_path: Option<String>,
    /// When absent, a one-time password is made and returned once; the user must change it at first login.
    pub password: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NewUserResponse {
    pub user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

fn valid_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// Creates a user. Unit admins create unit admins and viewers inside their subtree.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserRequest,
    responses((status = 201, description = "{user, one_time_password?}"), (status = 400, description = "bad input"),
              (status = 403, description = "not allowed"), (status = 409, description = "username taken")))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewUserRequest>,
) -> Result<Response, ApiError> {
    user.require_write()?;
    let username = req.username.trim();
    if !valid_username(username) {
        return Err(ApiError::bad_request(
            "tên đăng nhập: 1–64 ký tự a-z, 0-9, . _ - @",
            "username: 1-64 characters of a-z, 0-9, . _ - @",
        ));
    }
    let role: Role = req
        .role
        .parse()
        .map_err(|e: String| ApiError::bad_request(format!("vai trò không hợp lệ: {e}"), e))?;
    if role == Role::ProvinceInspector {
        user.require_inspector()?;
    }
    let unit_id = match (
        req.unit_id,
        req.unit_path.as_deref().map(|p| p.trim().trim_matches('/')),
    ) {
        (Some(id), _) => Some(visible_unit(&state, &user, id).await?.id),
        (None, Some(p)) if !p.is_empty() => {
            if !user.sees(p) {
                return Err(ApiError::not_found("unit"));
            }
            Some(state.store.ensure_unit_path(p).await?.id)
        }
        _ => None,
    };
    if unit_id.is_none() && role != Role::ProvinceInspector {
        return Err(ApiError::bad_request(
            "quản trị đơn vị và người xem phải thuộc một đơn vị (unit_id hoặc unit_path)",
            "unit admins and viewers belong to a unit (unit_id or unit_path)",
        ));
    }
    let (password, one_time) = match req.password {
        Some(p) => {
            auth::check_new_password(&p)?;
            (p, false)
        }
        None => (auth::one_time_password(), true),
    };
    let pw = password.clone();
    let phc = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
        .await
        .map_err(|_| ApiError::internal())??;
    let display_name = req
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(username);
    let new = NewUser {
        username: username.to_string(),
        display_name: display_name.chars().take(200).collect(),
        password_phc: phc,
        role,
        unit_id,
        must_change_password: one_time,
    };
    let created = state.store.create_user(&new, &actor(&user)).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewUserResponse {
            user: created,
            one_time_password: one_time.then_some(password),
        }),
    )
        .into_response())
}

// ---------------------------------------------------------------- audit log

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    pub limit: Option<u32>,
    pub format: Option<String>,
}

/// The audit log of changes in scope, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "users", params(AuditQuery), responses((status = 200, description = "[AuditEntry]")))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let rows = state
        .store
        .audit_log(&user.scope, q.limit.unwrap_or(500).clamp(1, 100_000))
        .await?;
    csvout::list(
        format,
        "audit",
        &["id", "at", "actor", "action", "object", "detail"],
        rows,
        |e: &AuditEntry| {
            vec![
                e.id.to_string(),
                csvout::time(&e.at),
                e.actor.clone(),
                e.action.clone(),
                e.object.clone(),
                e.detail.clone(),
            ]
        },
    )
}
