//! Hosts, their reports and findings, and the overview.

use antoan_store::{FindingFilter, HostFilter, HostRow, ReportMeta, Scope};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::findings::{finding_filter, finding_rows, FindingsQuery};
use super::page_limit;
use crate::csvout::{self, ListFormat};
use crate::{ApiError, AppState, CurrentUser};

/// Coverage and totals of every unit in scope, and the 30-day trend.
#[utoipa::path(get, path = "/api/v1/overview", tag = "hosts", responses((status = 200, description = "Overview")))]
pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    let o = state
        .store
        .overview(
            &user.scope,
            time::OffsetDateTime::now_utc(),
            state.config.expected_interval,
        )
        .await?;
    Ok(Json(o).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HostsQuery {
    /// Substring of the hostname, OS or unit path.
    pub q: Option<String>,
    /// Only hosts whose OS is (true) or is not (false) end-of-life.
    pub os_eol: Option<bool>,
    /// Only hosts silent for at least this many hours (never reported included).
    pub silent_hours: Option<i64>,
    /// Only hosts of this unit's subtree.
    pub unit_id: Option<i64>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// `csv` for a CSV answer.
    pub format: Option<String>,
}

pub const HOST_HEADERS: [&str; 15] = [
    "id",
    "unit_path",
    "hostname",
    "os_name",
    "os_version",
    "os_eol",
    "office_eol",
    "last_seen",
    "score",
    "open_critical",
    "open_high",
    "open_total",
    "agent_id",
    "last_report_id",
    "state_secret",
];

pub fn host_record(h: &HostRow) -> Vec<String> {
    vec![
        h.id.to_string(),
        h.unit_path.clone(),
        h.hostname.clone(),
        h.os_name.clone(),
        h.os_version.clone(),
        h.os_eol.to_string(),
        h.office_eol.to_string(),
        csvout::opt_time(&h.last_seen),
        csvout::opt(&h.score),
        h.open_critical.to_string(),
        h.open_high.to_string(),
        h.open_total.to_string(),
        csvout::opt(&h.agent_id),
        csvout::opt(&h.last_report_id),
        h.state_secret.to_string(),
    ]
}

/// The caller's scope narrowed to a unit's subtree (404 if the unit is not visible).
pub async fn narrow_scope(
    state: &AppState,
    user: &CurrentUser,
    unit_id: Option<i64>,
) -> Result<Scope, ApiError> {
    let Some(id) = unit_id else {
        return Ok(user.scope.clone());
    };
    let unit = state
        .store
        .unit(id)
        .await?
        .ok_or_else(|| ApiError::not_found("unit"))?;
    user.ensure_sees(&unit.path, "unit")?;
    Ok(Scope::Subtree {
        unit_id: unit.id,
        path: unit.path,
    })
}

/// Hosts in scope, with filters. `.csv` or `?format=csv` for CSV.
#[utoipa::path(get, path = "/api/v1/hosts", tag = "hosts", params(HostsQuery),
    responses((status = 200, description = "[HostRow]")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Query(q): Query<HostsQuery>,
) -> Result<Response, ApiError> {
    let scope = narrow_scope(&state, &user, q.unit_id).await?;
    let silent_since = match q.silent_hours {
        Some(h) if !(0..=24 * 365 * 20).contains(&h) => {
            return Err(ApiError::bad_request(
                "silent_hours ngoài khoảng cho phép",
                "silent_hours out of range",
            ))
        }
        Some(h) => Some(time::OffsetDateTime::now_utc() - time::Duration::hours(h)),
        None => None,
    };
    let f = HostFilter {
        q: q.q.filter(|s| !s.is_empty()),
        os_eol: q.os_eol,
        silent_since,
        limit: page_limit(q.limit, format),
        offset: q.offset.unwrap_or(0),
        include_sites: false,
    };
    let rows = state.store.hosts(&scope, &f).await?;
    csvout::list(format, "hosts", &HOST_HEADERS, rows, host_record)
}

/// A visible host or 404.
pub async fn visible_host(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<HostRow, ApiError> {
    let h = state
        .store
        .host(id)
        .await?
        .ok_or_else(|| ApiError::not_found("host"))?;
    user.ensure_sees(&h.unit_path, "host")?;
    Ok(h)
}

/// One host.
#[utoipa::path(get, path = "/api/v1/hosts/{id}", tag = "hosts", params(("id" = i64, Path,)),
    responses((status = 200, description = "HostRow"), (status = 404, description = "no such host in your scope")))]
pub async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<HostRow>, ApiError> {
    Ok(Json(visible_host(&state, &user, id).await?))
}

/// Findings of one host (by default every state but fixed; `state=all` for all).
#[utoipa::path(get, path = "/api/v1/hosts/{id}/findings", tag = "findings", params(("id" = i64, Path,), FindingsQuery),
    responses((status = 200, description = "[FindingRow]"), (status = 404, description = "no such host in your scope")))]
pub async fn findings(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Path(id): Path<i64>,
    Query(q): Query<FindingsQuery>,
) -> Result<Response, ApiError> {
    let host = visible_host(&state, &user, id).await?;
    let mut f: FindingFilter = finding_filter(&q, format)?;
    f.host_id = Some(host.id);
    let rows = state.store.findings(&user.scope, &f).await?;
    finding_rows(format, &format!("host-{}-findings", host.id), rows)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportsQuery {
    pub limit: Option<u32>,
    pub format: Option<String>,
}

/// Reports received from one host, newest first.
#[utoipa::path(get, path = "/api/v1/hosts/{id}/reports", tag = "hosts", params(("id" = i64, Path,), ReportsQuery),
    responses((status = 200, description = "[ReportMeta]"), (status = 404, description = "no such host in your scope")))]
pub async fn reports(
    State(state): State<AppState>,
    user: CurrentUser,
    format: ListFormat,
    Path(id): Path<i64>,
    Query(q): Query<ReportsQuery>,
) -> Result<Response, ApiError> {
    let host = visible_host(&state, &user, id).await?;
    let rows = state
        .store
        .host_reports(host.id, q.limit.unwrap_or(100).clamp(1, 10_000))
        .await?;
    csvout::list(
        format,
        &format!("host-{}-reports", host.id),
        &[
            "id",
            "host_id",
            "seq",
            "generated_at",
            "received_at",
            "score",
            "findings_open",
        ],
        rows,
        |r: &ReportMeta| {
            vec![
                r.id.to_string(),
                r.host_id.to_string(),
                r.seq.to_string(),
                r.generated_at.clone(),
                csvout::time(&r.received_at),
                csvout::opt(&r.score),
                r.findings_open.to_string(),
            ]
        },
    )
}

/// Whether a report belongs to a host the user sees.
async fn report_visible(
    state: &AppState,
    user: &CurrentUser,
    report_id: i64,
) -> Result<bool, ApiError> {
    if user.scope == Scope::All {
        return Ok(true);
    }
    let hosts = state
        .store
        .hosts(&user.scope, &HostFilter::default())
        .await?;
    if hosts.iter().any(|h| h.last_report_id == Some(report_id)) {
        return Ok(true);
    }
    for h in &hosts {
        if state
            .store
            .host_reports(h.id, 100_000)
            .await?
            .iter()
            .any(|r| r.id == report_id)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The stored report JSON exactly as the agent signed it.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "hosts", params(("id" = i64, Path,)),
    responses((status = 200, description = "antoan report JSON"), (status = 404, description = "no such report in your scope")))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    if !report_visible(&state, &user, id).await? {
        return Err(ApiError::not_found("report"));
    }
    let bytes = state
        .store
        .report_json(id)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}
