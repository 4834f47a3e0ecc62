//! `/api/v1/session`: log in (token for `Authorization: Bearer`), who am I, log out.

use antoan_store::User;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth;
use crate::{ApiError, AppState, CurrentUser};

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize)]
pub struct SessionInfo {
    /// Only in the login answer: the bearer token (shown once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub csrf: String,
    pub expires_at: String,
    pub user: User,
}

/// Log in with a username and password.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, description = "{token, csrf, expires_at, user}"),
              (status = 401, description = "wrong username or password"),
              (status = 429, description = "5 failed logins per username and client within 15 minutes")))]
pub async fn create(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    Json(req): Json<LoginRequest>,
) -> Result<Json<SessionInfo>, ApiError> {
    let client = auth::client_of(&ext);
    let ok = auth::login(&state, &req.username, &req.password, &client).await?;
    Ok(Json(SessionInfo {
        token: Some(ok.token),
        csrf: ok.csrf,
        expires_at: antoan_wire::format_time(ok.expires_at),
        user: ok.user,
    }))
}

/// The logged-in user and the session's CSRF token.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, description = "{csrf, expires_at, user}"), (status = 401, description = "not logged in")))]
pub async fn current(user: CurrentUser) -> Json<SessionInfo> {
    Json(SessionInfo {
        token: None,
        csrf: user.csrf,
        expires_at: antoan_wire::format_time(user.expires_at),
        user: user.user,
    })
}

/// Log out: the token stops working.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "logged out")))]
pub async fn destroy(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<StatusCode, ApiError> {
    state.store.delete_session(&user.session_sha256).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Change one's own password (at least 12 characters).
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204, description = "changed"), (status = 400, description = "new password too short"),
              (status = 403, description = "current password wrong")))]
pub async fn password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    crate::pages::change_password(&state, &user, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
