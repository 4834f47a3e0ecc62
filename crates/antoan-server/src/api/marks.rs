//! Host marks over the API: state-secret hosts and device handovers.
//!
//! Marking a host and opening a handover: inspectors, and unit admins for hosts in their
//! subtree; recording an exception (which closes a handover): inspectors only; viewers read.
//! Anything outside the caller's scope answers 404.

use antoan_store::{HandoverRow, HandoverState, HostRow, NewHandover};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::actor;
use super::hosts::visible_host;
use crate::csvout::{self, ListFormat};
use crate::marks::StatusView;
use crate::{ApiError, AppState, CurrentUser};

/// Longest reason of a handover or an exception (characters).
pub const MAX_REASON: usize = 2000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateSecretBody {
    /// true: the host holds state secrets; false: it no longer does.
    pub on: bool,
}

/// Marks or unmarks a host as holding state secrets. The next report of a marked host is
/// checked against the state-secret rules (every deviation a critical finding).
#[utoipa::path(post, path = "/api/v1/hosts/{id}/state-secret", tag = "hosts", params(("id" = i64, Path,)),
    request_body = StateSecretBody,
    responses((status = 200, description = "HostRow"), (status = 400, description = "a site host"),
        (status = 403, description = "viewers"), (status = 404, description = "no such host in your scope")))]
pub async fn state_secret(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<StateSecretBody>,
) -> Result<Json<HostRow>, ApiError> {
    let host = visible_host(&state, &user, id).await?;
    user.require_write()?;
    if host.kind == "site" {
        return Err(ApiError::bad_request(
            "máy đại diện đơn vị (kết quả kiểm tra trực tiếp) không thể đánh dấu",
            "a unit's site host (on-site inspection results) cannot be marked",
        ));
    }
    state
        .store
        .set_state_secret(host.id, body.on, &actor(&user))
        .await?;
    Ok(Json(visible_host(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHandoverBody {
    pub host_id: i64,
    /// The handover date, YYYY-MM-DD.
    pub date: String,
    /// Why: new owner, new function …
    pub reason: String,
}

/// `YYYY-MM-DD`, not after tomorrow (a handover that has happened).
pub fn handover_date(s: &str, today: time::Date) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &f).ok()?;
    (d.year() >= 2000 && d <= today + time::Duration::days(1)).then_some(d)
}

/// A reason: not empty, at most [`MAX_REASON`] characters, no control characters but newlines.
pub fn reason_ok(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars().count() <= MAX_REASON
        && !t
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// Opens a device handover for a host: it stays open until a later report of the host shows
/// an operating system installed after the handover date and anti-malware with current
/// signatures, or an inspector records an exception.
#[utoipa::path(post, path = "/api/v1/handovers", tag = "hosts", request_body = NewHandoverBody,
    responses((status = 201, description = "HandoverRow"), (status = 400, description = "bad date or reason, or a site host"),
        (status = 403, description = "viewers"), (status = 404, description = "no such host in your scope")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewHandoverBody>,
) -> Result<Response, ApiError> {
    let host = visible_host(&state, &user, body.host_id).await?;
    user.require_write()?;
    let today = time::OffsetDateTime::now_utc().date();
    let date = handover_date(&body.date, today).ok_or_else(|| {
        ApiError::bad_request(
            "ngày bàn giao phải có dạng YYYY-MM-DD và không ở tương lai",
            "the handover date must be YYYY-MM-DD and not in the future",
        )
    })?;
    if !reason_ok(&body.reason) {
        return Err(ApiError::bad_request(
            format!("lý do bàn giao phải có từ 1 đến {MAX_REASON} ký tự"),
            format!("the handover reason must have 1 to {MAX_REASON} characters"),
        ));
    }
    let row = state
        .store
        .create_handover(
            &NewHandover {
                host_id: host.id,
                date,
                reason: body.reason.trim().to_string(),
            },
            &actor(&user),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HandoversQuery {
    /// `open` (default) or `all`.
    pub state: Option<String>,
    /// `csv` for a CSV answer.
    pub format: Option<String>,
}

pub const HANDOVER_HEADERS: [&str; 14] = [
    "id",
    "unit_path",
    "host_id",
    "hostname",
    "date",
    "reason",
    "state",
    "opened_by",
    "opened_at",
    "closed_at",
    "closed_report_id",
    "latest_evaluation_vi",
    "latest_evaluation_en",
    "exception_reason",
];

fn handover_record(h: &HandoverRow) -> Vec<String> {
    let v = StatusView::parse(&h.status);
    vec![
        h.id.to_string(),
        h.unit_path.clone(),
        h.host_id.to_string(),
        h.hostname.clone(),
        h.date.to_string(),
        h.reason.clone(),
        h.state.as_str().to_string(),
        h.opened_by.clone(),
        csvout::time(&h.opened_at),
        csvout::opt_time(&h.closed_at),
        csvout::opt(&h.closed_report_id),
        v.lines(antoan_model::Lang::Vi).join("; "),
        v.lines(antoan_model::Lang::En).join("; "),
        h.exception_reason.clone().unwrap_or_default(),
    ]
}

/// Handovers in scope, newest first: the open ones (default) or all (`state=all`).
/// `.csv` or `?format=csv` for CSV.
#[utoipa::path(get, path = "/api/v1/handovers", tag = "hosts", params(HandoversQuery),
    responses((status = 200, description = "[HandoverRow]")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Query(q): Query<HandoversQuery>,
) -> Result<Response, ApiError> {
    let open_only = match q.state.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => {
            return Err(ApiError::bad_request(
                "state phải là open hoặc all",
                "state must be open or all",
            ));
        }
    };
    let rows = state.store.handovers(&user.scope, open_only).await?;
    csvout::list(
        format,
        "handovers",
        &HANDOVER_HEADERS,
        rows,
        handover_record,
    )
}

/// A handover the user may see, or 404.
pub async fn visible_handover(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<HandoverRow, ApiError> {
    let h = state
        .store
        .handover(id)
        .await?
        .ok_or_else(|| ApiError::not_found("handover"))?;
    user.ensure_sees(&h.unit_path, "handover")?;
    Ok(h)
}

/// One handover.
#[utoipa::path(get, path = "/api/v1/handovers/{id}", tag = "hosts", params(("id" = i64, Path,)),
    responses((status = 200, description = "HandoverRow"), (status = 404, description = "no such handover in your scope")))]
pub async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<HandoverRow>, ApiError> {
    Ok(Json(visible_handover(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionBody {
    pub reason: String,
}

/// An inspector's exception: closes an open handover without the report the rules ask for.
#[utoipa::path(post, path = "/api/v1/handovers/{id}/exception", tag = "hosts", params(("id" = i64, Path,)),
    request_body = ExceptionBody,
    responses((status = 200, description = "HandoverRow"), (status = 400, description = "no reason"),
        (status = 403, description = "not an inspector"), (status = 404, description = "no such handover in your scope"),
        (status = 409, description = "not open")))]
pub async fn exception(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<ExceptionBody>,
) -> Result<Json<HandoverRow>, ApiError> {
    let h = visible_handover(&state, &user, id).await?;
    user.require_inspector()?;
    if !reason_ok(&body.reason) {
        return Err(ApiError::bad_request(
            format!("lý do ngoại lệ phải có từ 1 đến {MAX_REASON} ký tự"),
            format!("the exception reason must have 1 to {MAX_REASON} characters"),
        ));
    }
    if h.state != HandoverState::Open {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "biên bản bàn giao này đã đóng",
            "this handover is already closed",
        ));
    }
    state
        .store
        .handover_exception(h.id, body.reason.trim(), &actor(&user))
        .await?;
    Ok(Json(visible_handover(&state, &user, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_reasons() {
        let today = time::macros::date!(2026 - 11 - 25);
        assert_eq!(
            handover_date("2026-06-01", today),
            Some(time::macros::date!(2026 - 06 - 01))
        );
        for bad in [
            "",
            "2026-13-01",
            "01/06/2026",
            "2030-01-01",
            "1999-12-31",
            "2026-06-01x",
            "\u{0}",
        ] {
            assert_eq!(handover_date(bad, today), None, "{bad}");
        }
        assert!(reason_ok("Chuyển cho kế toán mới"));
        assert!(!reason_ok("   "));
        assert!(!reason_ok("a\u{0}b"));
        assert!(!reason_ok(&"x".repeat(MAX_REASON + 1)));
    }
}
