//! Findings: lists with filters, one finding with its history, assignment, waivers.

use antoan_model::Severity;
use antoan_store::{FindingEvent, FindingFilter, FindingRow, FindingState, NewWaiver, Waiver};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{actor, page_limit};
use crate::csvout::{self, ListFormat};
use crate::{ApiError, AppState, CurrentUser};

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct FindingsQuery {
    /// Only this unit's subtree.
    pub unit_id: Option<i64>,
    pub host_id: Option<i64>,
    /// Comma-separated states (new, open, fixed, reopened) or `all`; default: every state but fixed.
    pub state: Option<String>,
    /// Comma-separated severities (critical, high, medium, low, info).
    pub severity: Option<String>,
    /// Finding kind (e.g. `eol`, `vulnerability`, `misconfiguration`).
    pub kind: Option<String>,
    /// Substring of the subject, check, finding id, hostname or title.
    pub q: Option<String>,
    /// Assignee user id.
    pub assignee: Option<i64>,
    /// Only waived (true) / only not waived (false).
    pub waived: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub format: Option<String>,
}

fn list_of<T: std::str::FromStr<Err = String>>(s: &str, what: &str) -> Result<Vec<T>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<T>().map_err(|e| {
                ApiError::bad_request(
                    format!("giá trị lọc {what} không hợp lệ: {e}"),
                    format!("bad {what} filter: {e}"),
                )
            })
        })
        .collect()
}

/// The store filter of a query (validated: unknown states or severities are 400).
pub fn finding_filter(q: &FindingsQuery, format: ListFormat) -> Result<FindingFilter, ApiError> {
    let state = match q.state.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("all") => Some(FindingState::ALL.to_vec()),
        Some(s) => Some(list_of::<FindingState>(s, "state")?),
    };
    let severity = match q.severity.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(list_of::<Severity>(s, "severity")?),
    };
    Ok(FindingFilter {
        unit_id: q.unit_id,
        host_id: q.host_id,
        state,
        severity,
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        q: q.q.clone().filter(|s| !s.is_empty()),
        assignee: q.assignee,
        waived: q.waived,
        limit: page_limit(q.limit, format),
        offset: q.offset.unwrap_or(0),
    })
}

pub const FINDING_HEADERS: [&str; 21] = [
    "id",
    "unit_path",
    "host_id",
    "hostname",
    "finding_key",
    "check",
    "kind",
    "severity",
    "subject",
    "title_vi",
    "title_en",
    "state",
    "first_seen",
    "last_seen",
    "fixed_at",
    "assignee",
    "due",
    "waived_until",
    "remediation_vi",
    "remediation_en",
    "owner",
];

pub fn finding_record(f: &FindingRow) -> Vec<String> {
    vec![
        f.id.to_string(),
        f.unit_path.clone(),
        f.host_id.to_string(),
        f.hostname.clone(),
        f.finding_key.clone(),
        f.check.clone(),
        f.kind.clone(),
        f.severity.as_str().to_string(),
        f.subject.clone(),
        f.title.vi.clone(),
        f.title.en.clone(),
        f.state.as_str().to_string(),
        csvout::time(&f.first_seen),
        csvout::time(&f.last_seen),
        csvout::opt_time(&f.fixed_at),
        f.assignee.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
        f.due.map(|d| d.to_string()).unwrap_or_default(),
        f.waiver
            .as_ref()
            .map(|w| w.expires_on.to_string())
            .unwrap_or_default(),
        f.remediation.vi.clone(),
        f.remediation.en.clone(),
        f.owner.clone().unwrap_or_default(),
    ]
}

pub fn finding_rows(
    format: ListFormat,
    name: &str,
    rows: Vec<FindingRow>,
) -> Result<Response, ApiError> {
    csvout::list(format, name, &FINDING_HEADERS, rows, finding_record)
}

/// Findings in scope, with filters.
#[utoipa::path(get, path = "/api/v1/findings", tag = "findings", params(FindingsQuery),
    responses((status = 200, description = "[FindingRow]"), (status = 400, description = "bad filter value")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Query(q): Query<FindingsQuery>,
) -> Result<Response, ApiError> {
    let f = finding_filter(&q, format)?;
    if let Some(unit_id) = f.unit_id {
        super::hosts::narrow_scope(&state, &user, Some(unit_id)).await?;
    }
    let rows = state.store.findings(&user.scope, &f).await?;
    finding_rows(format, "findings", rows)
}

/// A visible finding or 404.
pub async fn visible_finding(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<FindingRow, ApiError> {
    let f = state
        .store
        .finding(id)
        .await?
        .ok_or_else(|| ApiError::not_found("finding"))?;
    user.ensure_sees(&f.unit_path, "finding")?;
    Ok(f)
}

#[derive(Debug, Serialize)]
pub struct FindingDetail {
    pub finding: FindingRow,
    pub history: Vec<FindingEvent>,
}

/// One finding with its history.
#[utoipa::path(get, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i64, Path,)),
    responses((status = 200, description = "{finding, history}"), (status = 404, description = "no such finding in your scope")))]
pub async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<FindingDetail>, ApiError> {
    let finding = visible_finding(&state, &user, id).await?;
    let history = state.store.finding_history(finding.id).await?;
    Ok(Json(FindingDetail { finding, history }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignRequest {
    /// Finding ids (1 to 10,000).
    pub ids: Vec<i64>,
    /// User id of the assignee; null to unassign.
    pub assignee: Option<i64>,
    /// Due date `YYYY-MM-DD`; null for none.
    pub due: Option<String>,
}

fn parse_date(s: &str, field: &str) -> Result<time::Date, ApiError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).map_err(|e| {
        ApiError::bad_request(
            format!("{field} phải là ngày dạng YYYY-MM-DD: {e}"),
            format!("{field} must be a date YYYY-MM-DD: {e}"),
        )
    })
}

/// Assigns findings to a person with an optional due date (inspectors, unit admins in their subtree).
#[utoipa::path(post, path = "/api/v1/findings/assign", tag = "findings", request_body = AssignRequest,
    responses((status = 200, description = "{updated}"), (status = 403, description = "viewer"),
              (status = 404, description = "a finding or the assignee is outside your scope")))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<AssignRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.require_write()?;
    if req.ids.is_empty() || req.ids.len() > 10_000 {
        return Err(ApiError::bad_request(
            "cần từ 1 đến 10.000 phát hiện",
            "give 1 to 10,000 finding ids",
        ));
    }
    let due = req
        .due
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_date(s, "due"))
        .transpose()?;
    let mut ids = req.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    for id in &ids {
        visible_finding(&state, &user, *id).await?;
    }
    if let Some(uid) = req.assignee {
        let target = state
            .store
            .user(uid)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        let visible = match &target.unit_path {
            Some(p) => user.sees(p),
            None => user.is_inspector(),
        };
        if !visible || target.disabled {
            return Err(ApiError::not_found("user"));
        }
    }
    let n = state
        .store
        .assign_findings(&ids, req.assignee, due, &actor(&user))
        .await?;
    Ok(Json(serde_json::json!({ "updated": n })))
}

pub const WAIVER_HEADERS: [&str; 8] = [
    "id",
    "finding_id",
    "justification",
    "approver",
    "created_by",
    "created_at",
    "expires_on",
    "revoked",
];

pub fn waiver_record(w: &Waiver) -> Vec<String> {
    vec![
        w.id.to_string(),
        w.finding_id.to_string(),
        w.justification.clone(),
        w.approver.clone(),
        w.created_by.clone(),
        csvout::time(&w.created_at),
        w.expires_on.to_string(),
        w.revoked.to_string(),
    ]
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    pub format: Option<String>,
}

/// Waivers (accepted risks) in scope.
#[utoipa::path(get, path = "/api/v1/waivers", tag = "findings", responses((status = 200, description = "[Waiver]")))]
pub async fn waivers(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
) -> Result<Response, ApiError> {
    let rows = state.store.waivers(&user.scope).await?;
    csvout::list(format, "waivers", &WAIVER_HEADERS, rows, waiver_record)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WaiverRequest {
    pub finding_id: i64,
    pub justification: String,
    pub approver: String,
    /// `YYYY-MM-DD`, after today and within 3 years.
    pub expires_on: String,
}

/// Accepts the risk of a finding until a date, with a justification and an approver.
#[utoipa::path(post, path = "/api/v1/waivers", tag = "findings", request_body = WaiverRequest,
    responses((status = 201, description = "Waiver"), (status = 400, description = "missing justification/approver or bad date"),
              (status = 403, description = "viewer"), (status = 404, description = "no such finding in your scope")))]
pub async fn create_waiver(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<WaiverRequest>,
) -> Result<Response, ApiError> {
    user.require_write()?;
    let finding = visible_finding(&state, &user, req.finding_id).await?;
    let justification = req.justification.trim();
    let approver = req.approver.trim();
    if justification.is_empty() || justification.chars().count() > 4000 {
        return Err(ApiError::bad_request(
            "cần lý do chấp nhận rủi ro (tối đa 4000 ký tự)",
            "a justification is required (4000 characters at most)",
        ));
    }
    if approver.is_empty() || approver.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "cần người phê duyệt (tối đa 200 ký tự)",
            "an approver is required (200 characters at most)",
        ));
    }
    let expires_on = parse_date(&req.expires_on, "expires_on")?;
    let today = time::OffsetDateTime::now_utc().date();
    if expires_on <= today || expires_on > today + time::Duration::days(3 * 366) {
        return Err(ApiError::bad_request(
            "ngày hết hạn phải sau hôm nay và trong vòng 3 năm",
            "the expiry date must be after today and within 3 years",
        ));
    }
    let w = NewWaiver {
        finding_id: finding.id,
        justification: justification.to_string(),
        approver: approver.to_string(),
        expires_on,
    };
    let created = state.store.create_waiver(&w, &actor(&user)).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Revokes a waiver: the finding counts as open again.
#[utoipa::path(post, path = "/api/v1/waivers/{id}/revoke", tag = "findings", params(("id" = i64, Path,)),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such waiver in your scope")))]
pub async fn revoke_waiver(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    user.require_write()?;
    let found = state
        .store
        .waivers(&user.scope)
        .await?
        .into_iter()
        .any(|w| w.id == id);
    if !found {
        return Err(ApiError::not_found("waiver"));
    }
    state.store.revoke_waiver(id, &actor(&user)).await?;
    Ok(StatusCode::NO_CONTENT)
}
