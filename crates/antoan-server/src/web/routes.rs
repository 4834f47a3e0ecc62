//! The dashboard's HTTP handlers: read the store within the user's scope,
//! render with the pure page functions, answer POST forms with a redirect
//! (or the page with a message).

// Handlers return ready error pages in `Err`; a large `Response` there is fine.
#![allow(clippy::result_large_err)]

use antoan_model::{Lang, Report};
use antoan_store::{
    Actor, FindingFilter, HostFilter, NewUser, NewWaiver, Role, Scope, StoreError, Unit,
};
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;
use time::OffsetDateTime;

use super::admin::{self, NewToken, NewUserShown};
use super::csv_export;
use super::findings::{self, pairs, FindingsQuery};
use super::hosts::{self, LatestReport};
use super::i18n::{self as t, with_n, Tr};
use super::layout::{message_page, Ctx};
use super::overview::{self, HostsQuery};
use super::pdf::{self, PdfError};
use crate::auth::{self, check_csrf, CurrentUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview_h))
        .route("/units/{id}", get(unit_h))
        .route("/units/{id}/hosts.csv", get(unit_hosts_csv))
        .route("/units/{id}/report.pdf", get(unit_pdf))
        .route("/hosts", get(hosts_h))
        .route("/hosts.csv", get(hosts_csv))
        .route("/hosts/{id}", get(host_h))
        .route("/hosts/{id}/report.html", get(host_report_html))
        .route("/hosts/{id}/report.pdf", get(host_report_pdf))
        .route("/findings", get(findings_h))
        .route("/findings.csv", get(findings_csv))
        .route("/findings/assign", post(assign_h))
        .route("/findings/{id}", get(finding_h))
        .route("/findings/{id}/waiver", post(waiver_h))
        .route("/waivers", get(waivers_h))
        .route("/waivers.csv", get(waivers_csv))
        .route("/waivers/{id}/revoke", post(revoke_waiver_h))
        .route("/agents", get(agents_h))
        .route("/agents.csv", get(agents_csv))
        .route("/tokens.csv", get(tokens_csv))
        .route("/agents/{id}/revoke", post(revoke_agent_h))
        .route("/agents/tokens", post(create_token_h))
        .route("/agents/tokens/{id}/revoke", post(revoke_token_h))
        .route("/users", get(users_h).post(create_user_h))
        .route("/users.csv", get(users_csv))
        .route("/audit", get(audit_h))
        .route("/audit.csv", get(audit_csv))
        .merge(super::inspections::router())
        .merge(super::handovers::router())
        .layer(middleware::from_fn(remember_lang))
}

/// `?lang=vi|en` on any dashboard page also sets the language cookie, so the
/// choice sticks for the following pages.
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen: Option<Lang> = req
        .uri()
        .query()
        .and_then(|q| pairs(q).into_iter().find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| v.parse().ok());
    let mut resp = next.run(req).await;
    if let Some(l) = chosen {
        if let Ok(v) = HeaderValue::from_str(&crate::pages::lang_cookie(l)) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

// ---------------------------------------------------------------- helpers

/// The logged-in user of a dashboard page. Like [`CurrentUser`] (login
/// redirect when absent), and a user who still has to replace a one-time
/// password is sent to the password form first.
pub struct PageUser(pub CurrentUser);

impl axum::extract::FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let cu = <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            parts, state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        if cu.user.must_change_password {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let enc =
                percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC);
            return Err(Redirect::to(&format!("/account/password?next={enc}")).into_response());
        }
        Ok(PageUser(cu))
    }
}

/// A server-side error line on stderr (the service manager's journal).
/// Store errors and Chromium failures carry no secret.
fn log(msg: &str) {
    eprintln!(
        "{} antoan-server dashboard: {msg}",
        antoan_wire::format_time(OffsetDateTime::now_utc())
    );
}

type PageResult = Result<Response, Response>;

pub(super) fn here(uri: &OriginalUri) -> String {
    uri.0
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

pub(super) fn html(status: StatusCode, m: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        m.into_string(),
    )
        .into_response()
}

fn csv(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// An error page in the user's language.
pub(super) fn fail(
    cu: &CurrentUser,
    here: &str,
    status: StatusCode,
    title: Tr,
    message: &str,
) -> Response {
    let ctx = ctx(cu, here);
    html(
        status,
        message_page(&ctx, ctx.tr(title), message, Some("/")),
    )
}

pub(super) fn not_found(cu: &CurrentUser, here: &str) -> Response {
    fail(
        cu,
        here,
        StatusCode::NOT_FOUND,
        t::ERROR,
        t::NOT_FOUND.get(cu.lang),
    )
}

pub(super) fn forbidden(cu: &CurrentUser, here: &str) -> Response {
    fail(
        cu,
        here,
        StatusCode::FORBIDDEN,
        t::ERROR,
        t::FORBIDDEN.get(cu.lang),
    )
}

pub(super) fn bad_request(cu: &CurrentUser, here: &str, why: &str) -> Response {
    let msg = format!("{}: {why}", t::BAD_REQUEST.get(cu.lang));
    fail(cu, here, StatusCode::BAD_REQUEST, t::ERROR, &msg)
}

/// Store errors as pages. Database failures are logged, not shown.
pub(super) fn store_fail(cu: &CurrentUser, here: &str, e: StoreError) -> Response {
    match e {
        StoreError::NotFound(_) => not_found(cu, here),
        StoreError::Invalid(m) | StoreError::Conflict(m) => bad_request(cu, here, &m),
        StoreError::Revoked | StoreError::Expired => forbidden(cu, here),
        StoreError::Db(m) => {
            log(&format!("store error: {m}"));
            fail(
                cu,
                here,
                StatusCode::INTERNAL_SERVER_ERROR,
                t::ERROR,
                t::SERVER_ERROR.get(cu.lang),
            )
        }
    }
}

pub(super) fn ctx<'a>(cu: &'a CurrentUser, here: &'a str) -> Ctx<'a> {
    Ctx {
        lang: cu.lang,
        user: Some(&cu.user),
        csrf: &cu.csrf,
        here,
        now: OffsetDateTime::now_utc(),
    }
}

pub(super) fn actor(cu: &CurrentUser) -> Actor {
    Actor::user(cu.user.id, cu.user.username.clone())
}

fn silent_before(state: &AppState, now: OffsetDateTime) -> OffsetDateTime {
    now - state.config.expected_interval
}

/// A form body's pairs, after the CSRF check (the middleware checks it too;
/// this keeps the handler safe on its own).
pub(super) fn form(
    cu: &CurrentUser,
    here: &str,
    body: &Bytes,
) -> Result<Vec<(String, String)>, Response> {
    let s = std::str::from_utf8(body).map_err(|_| bad_request(cu, here, "UTF-8"))?;
    let p = pairs(s);
    let token = p
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if check_csrf(cu, token).is_err() {
        return Err(fail(
            cu,
            here,
            StatusCode::FORBIDDEN,
            t::ERROR,
            t::CSRF_FAILED.get(cu.lang),
        ));
    }
    Ok(p)
}

pub(super) fn field<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn parse_date(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &f).ok()
}

pub(super) fn require_write(cu: &CurrentUser, here: &str) -> Result<(), Response> {
    if cu.can_write() {
        Ok(())
    } else {
        Err(forbidden(cu, here))
    }
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub(super) fn query_of(uri: &OriginalUri) -> String {
    uri.0.query().unwrap_or("").to_string()
}

// ---------------------------------------------------------------- overview, units, hosts

async fn overview_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let now = OffsetDateTime::now_utc();
    let ov = state
        .store
        .overview(&cu.scope, now, state.config.expected_interval)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(html(
        StatusCode::OK,
        overview::overview_page(&ctx(&cu, &here), &ov),
    ))
}

/// The unit if it exists and the user may see it.
async fn visible_unit(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
) -> Result<Unit, Response> {
    match state.store.unit(id).await {
        Ok(Some(u)) if cu.sees(&u.path) => Ok(u),
        Ok(_) => Err(not_found(cu, here)),
        Err(e) => Err(store_fail(cu, here, e)),
    }
}

fn subtree(u: &Unit) -> Scope {
    Scope::Subtree {
        unit_id: u.id,
        path: u.path.clone(),
    }
}

/// The unit page of a visible unit.
async fn unit_markup(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    uri: &OriginalUri,
    id: i64,
    print: bool,
) -> Result<(Unit, Markup), Response> {
    let now = OffsetDateTime::now_utc();
    let unit = visible_unit(state, cu, here, id).await?;
    let scope = subtree(&unit);
    let q = pairs(&query_of(uri))
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let q: String = q.trim().chars().take(200).collect();
    let fail = |e| store_fail(cu, here, e);
    let sub = state
        .store
        .overview(&scope, now, state.config.expected_interval)
        .await
        .map_err(fail)?;
    let visible = state.store.units(&cu.scope).await.map_err(fail)?;
    let ancestors: Vec<Unit> = visible
        .into_iter()
        .filter(|a| {
            unit.path.len() > a.path.len() && unit.path.starts_with(&format!("{}/", a.path))
        })
        .collect();
    let filter = HostFilter {
        q: (!q.is_empty()).then(|| q.clone()),
        limit: overview::HOSTS_PAGE + 1,
        ..Default::default()
    };
    let hosts = state.store.hosts(&scope, &filter).await.map_err(fail)?;
    let mut c = ctx(cu, here);
    if print {
        // A printed page keeps no session secret, not even in hidden forms.
        c.csrf = "";
    }
    let m = overview::unit_page(
        &c,
        &unit,
        &sub,
        &ancestors,
        &hosts,
        &q,
        silent_before(state, now),
    );
    Ok((unit, m))
}

async fn unit_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let (_, m) = unit_markup(&state, &cu, &here, &uri, id, false).await?;
    Ok(html(StatusCode::OK, m))
}

/// The unit page printed to PDF (navigation and forms are hidden in print).
async fn unit_pdf(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let (unit, m) = unit_markup(&state, &cu, &here, &uri, id, true).await?;
    pdf_response(&cu, &here, &unit.slug, m.into_string()).await
}

async fn hosts_list(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    q: &HostsQuery,
) -> Result<(Option<Unit>, Vec<antoan_store::HostRow>), Response> {
    let unit = match q.unit {
        Some(id) => Some(visible_unit(state, cu, here, id).await?),
        None => None,
    };
    let scope = unit
        .as_ref()
        .map(subtree)
        .unwrap_or_else(|| cu.scope.clone());
    let now = OffsetDateTime::now_utc();
    let rows = state
        .store
        .hosts(&scope, &q.to_filter(silent_before(state, now)))
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    Ok((unit, rows))
}

async fn hosts_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let q = HostsQuery::parse(&query_of(&uri));
    let (unit, rows) = hosts_list(&state, &cu, &here, &q).await?;
    let rows = q.window(rows);
    let units = state
        .store
        .units(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    let now = OffsetDateTime::now_utc();
    Ok(html(
        StatusCode::OK,
        overview::hosts_page(
            &ctx(&cu, &here),
            &q,
            unit.as_ref(),
            &units,
            &rows,
            silent_before(&state, now),
        ),
    ))
}

async fn hosts_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let mut q = HostsQuery::parse(&query_of(&uri));
    // Every page: fetch all (office_eol makes the filter fetch everything).
    let office = q.office_eol;
    q.office_eol = true;
    let (_, rows) = hosts_list(&state, &cu, &here, &q).await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|h| !office || h.office_eol)
        .collect();
    Ok(csv("hosts.csv", csv_export::hosts_csv(&rows)))
}

async fn unit_hosts_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let unit = visible_unit(&state, &cu, &here, id).await?;
    let hosts = state
        .store
        .hosts(
            &subtree(&unit),
            &HostFilter {
                limit: 0,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv(
        &format!(
            "hosts-{}.csv",
            unit.slug
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
        ),
        csv_export::hosts_csv(&hosts),
    ))
}

pub(super) async fn visible_host(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
) -> Result<antoan_store::HostRow, Response> {
    match state.store.host(id).await {
        Ok(Some(h)) if cu.sees(&h.unit_path) => Ok(h),
        Ok(_) => Err(not_found(cu, here)),
        Err(e) => Err(store_fail(cu, here, e)),
    }
}

async fn host_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let now = OffsetDateTime::now_utc();
    let host = visible_host(&state, &cu, &here, id).await?;
    let fail = |e| store_fail(&cu, &here, e);
    let json = match host.last_report_id {
        Some(r) => state.store.report_json(r).await.map_err(fail)?,
        None => None,
    };
    let latest = LatestReport::from_json(json.as_deref());
    let findings = state
        .store
        .findings(
            &cu.scope,
            &FindingFilter {
                host_id: Some(id),
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .map_err(fail)?;
    let reports = state.store.host_reports(id, 50).await.map_err(fail)?;
    let marks = super::handovers::host_section(&state, &cu, &here, &host).await?;
    Ok(html(
        StatusCode::OK,
        hosts::host_page_with(
            &ctx(&cu, &here),
            &host,
            &latest,
            &findings,
            &reports,
            silent_before(&state, now),
            marks,
        ),
    ))
}

/// The latest report of a visible host, parsed.
async fn latest_report(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
) -> Result<Report, Response> {
    let host = visible_host(state, cu, here, id).await?;
    let Some(rid) = host.last_report_id else {
        return Err(fail(
            cu,
            here,
            StatusCode::NOT_FOUND,
            t::ERROR,
            t::NO_REPORT.get(cu.lang),
        ));
    };
    let json = state
        .store
        .report_json(rid)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    match LatestReport::from_json(json.as_deref()) {
        LatestReport::Parsed(r) => Ok(*r),
        LatestReport::None => Err(fail(
            cu,
            here,
            StatusCode::NOT_FOUND,
            t::ERROR,
            t::NO_REPORT.get(cu.lang),
        )),
        LatestReport::Unreadable(why) => {
            let msg = format!("{}: {why}", t::REPORT_UNREADABLE.get(cu.lang));
            Err(fail(
                cu,
                here,
                StatusCode::INTERNAL_SERVER_ERROR,
                t::ERROR,
                &msg,
            ))
        }
    }
}

async fn host_report_html(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let report = latest_report(&state, &cu, &here, id).await?;
    let page = antoan_report::render_html(&report, cu.lang);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}

async fn host_report_pdf(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let report = latest_report(&state, &cu, &here, id).await?;
    let page = antoan_report::render_html(&report, cu.lang);
    pdf_response(&cu, &here, &report.host.hostname, page).await
}

/// `html` printed by Chromium as an attachment named after `name`, or a
/// page saying why not.
async fn pdf_response(cu: &CurrentUser, here: &str, name: &str, html: String) -> PageResult {
    match pdf::html_to_pdf(html).await {
        Ok(bytes) => {
            let name: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .take(60)
                .collect();
            Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"antoan-{name}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Err(PdfError::Unavailable) => Err(fail(
            cu,
            here,
            StatusCode::SERVICE_UNAVAILABLE,
            t::REPORT_PDF,
            t::PDF_UNAVAILABLE.get(cu.lang),
        )),
        Err(PdfError::Failed(why)) => {
            log(&format!("PDF export of {here} failed: {why}"));
            let msg = format!("{}: {why}", t::PDF_FAILED.get(cu.lang));
            Err(fail(
                cu,
                here,
                StatusCode::INTERNAL_SERVER_ERROR,
                t::REPORT_PDF,
                &msg,
            ))
        }
    }
}

// ---------------------------------------------------------------- findings

async fn findings_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let raw = query_of(&uri);
    let q = FindingsQuery::parse(&raw);
    let assigned: Option<u32> = pairs(&raw)
        .into_iter()
        .find(|(k, _)| k == "assigned")
        .and_then(|(_, v)| v.parse().ok());
    let fail = |e| store_fail(&cu, &here, e);
    let rows = state
        .store
        .findings(&cu.scope, &q.to_filter())
        .await
        .map_err(fail)?;
    let units = state.store.units(&cu.scope).await.map_err(fail)?;
    let users = state.store.users(&cu.scope).await.map_err(fail)?;
    let notice = assigned.map(|n| with_n(t::ASSIGNED_N, cu.lang, n));
    Ok(html(
        StatusCode::OK,
        findings::findings_page(
            &ctx(&cu, &here),
            &q,
            &rows,
            &units,
            &users,
            notice.as_deref(),
        ),
    ))
}

async fn findings_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let mut f = FindingsQuery::parse(&query_of(&uri)).to_filter();
    f.limit = 0;
    f.offset = 0;
    let rows = state
        .store
        .findings(&cu.scope, &f)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv(
        "findings.csv",
        csv_export::findings_csv(&rows, cu.lang),
    ))
}

async fn visible_finding(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
) -> Result<antoan_store::FindingRow, Response> {
    match state.store.finding(id).await {
        Ok(Some(f)) if cu.sees(&f.unit_path) => Ok(f),
        Ok(_) => Err(not_found(cu, here)),
        Err(e) => Err(store_fail(cu, here, e)),
    }
}

async fn finding_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
    status: StatusCode,
    notice: Option<&str>,
) -> PageResult {
    let f = visible_finding(state, cu, here, id).await?;
    let history = state
        .store
        .finding_history(id)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    let users = state
        .store
        .users(&cu.scope)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    Ok(html(
        status,
        findings::finding_page(&ctx(cu, here), &f, &history, &users, notice),
    ))
}

async fn finding_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let saved = pairs(&query_of(&uri)).iter().any(|(k, _)| k == "saved");
    let notice = saved.then(|| t::DONE.get(cu.lang));
    finding_page_response(&state, &cu, &here, id, StatusCode::OK, notice).await
}

/// Bulk (or single) assignment. Every finding must be in the user's scope,
/// and so must the assignee.
async fn assign_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    let mut ids: Vec<i64> = Vec::new();
    for (k, v) in &p {
        if k == "ids" {
            let id: i64 = v
                .trim()
                .parse()
                .map_err(|_| bad_request(&cu, &here, "ids"))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.len() > 1000 {
        return Err(bad_request(&cu, &here, "ids"));
    }
    let back = field(&p, "return").unwrap_or("").to_string();
    if ids.is_empty() {
        let to = format!("/findings?{}", back);
        let ctx = ctx(&cu, &here);
        return Ok(html(
            StatusCode::BAD_REQUEST,
            message_page(&ctx, ctx.tr(t::ASSIGN), ctx.tr(t::NONE_SELECTED), Some(&to)),
        ));
    }
    for id in &ids {
        visible_finding(&state, &cu, &here, *id).await?;
    }
    let assignee = match field(&p, "assignee") {
        None => None,
        Some(v) => {
            let uid: i64 = v.parse().map_err(|_| bad_request(&cu, &here, "assignee"))?;
            match state.store.user(uid).await {
                Ok(Some(u)) if !u.disabled && scope_has_user(&cu.scope, &u) => Some(uid),
                Ok(_) => return Err(bad_request(&cu, &here, "assignee")),
                Err(e) => return Err(store_fail(&cu, &here, e)),
            }
        }
    };
    let due = match field(&p, "due") {
        None => None,
        Some(d) => Some(parse_date(d).ok_or_else(|| bad_request(&cu, &here, "due"))?),
    };
    let n = state
        .store
        .assign_findings(&ids, assignee, due, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    if let Some(to) = field(&p, "return_to") {
        if let Some(rest) = to.strip_prefix("/findings/") {
            if rest.parse::<i64>().is_ok() {
                return Ok(see_other(&format!("{to}?saved=1")));
            }
        }
    }
    // `return` is our own query string; re-encode it through the parser so
    // nothing but filters goes into the redirect.
    let q = FindingsQuery::parse(&back).to_query(None);
    let sep = if q.is_empty() { "" } else { "&" };
    Ok(see_other(&format!("/findings?{q}{sep}assigned={n}")))
}

/// Whether a user belongs to the scope (their unit inside it; users without
/// a unit only to the whole-province scope).
fn scope_has_user(scope: &Scope, u: &antoan_store::User) -> bool {
    match (scope, &u.unit_path) {
        (Scope::All, _) => true,
        (s, Some(p)) => auth::scope_contains(s, p),
        (_, None) => false,
    }
}

async fn waiver_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    let f = visible_finding(&state, &cu, &here, id).await?;
    let lang = cu.lang;
    let justification = field(&p, "justification").unwrap_or("");
    let approver = field(&p, "approver").unwrap_or("");
    let expires = field(&p, "expires_on").and_then(parse_date);
    let today = OffsetDateTime::now_utc().date();
    let problem: Option<&str> = if justification.is_empty() || justification.chars().count() > 2000
    {
        Some(t::JUSTIFICATION.get(lang))
    } else if approver.is_empty() || approver.chars().count() > 200 {
        Some(t::APPROVER.get(lang))
    } else if expires.is_none_or(|d| d <= today || d > today + time::Duration::days(3 * 366)) {
        Some(t::EXPIRES_ON.get(lang))
    } else {
        None
    };
    if let Some(what) = problem {
        let msg = format!("{}: {what}", t::BAD_REQUEST.get(lang));
        return finding_page_response(
            &state,
            &cu,
            &here,
            f.id,
            StatusCode::BAD_REQUEST,
            Some(&msg),
        )
        .await;
    }
    let w = NewWaiver {
        finding_id: f.id,
        justification: justification.to_string(),
        approver: approver.to_string(),
        expires_on: expires.unwrap_or(today),
    };
    state
        .store
        .create_waiver(&w, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other(&format!("/findings/{}?saved=1", f.id)))
}

// ---------------------------------------------------------------- waivers

async fn waivers_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let ws = state
        .store
        .waivers(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(html(
        StatusCode::OK,
        admin::waivers_page(&ctx(&cu, &here), &ws),
    ))
}

async fn waivers_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let ws = state
        .store
        .waivers(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv("waivers.csv", csv_export::waivers_csv(&ws)))
}

async fn revoke_waiver_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    // The scoped list decides visibility.
    let ws = state
        .store
        .waivers(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    let Some(w) = ws.into_iter().find(|w| w.id == id) else {
        return Err(not_found(&cu, &here));
    };
    state
        .store
        .revoke_waiver(id, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other(&format!("/findings/{}?saved=1", w.finding_id)))
}

// ---------------------------------------------------------------- agents and tokens

async fn agents_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    new_token: Option<&NewToken<'_>>,
) -> PageResult {
    let fail = |e| store_fail(cu, here, e);
    let agents = state.store.agents(&cu.scope).await.map_err(fail)?;
    let tokens = state
        .store
        .enrollment_tokens(&cu.scope)
        .await
        .map_err(fail)?;
    let units = state.store.units(&cu.scope).await.map_err(fail)?;
    Ok(html(
        StatusCode::OK,
        admin::agents_page(&ctx(cu, here), &agents, &tokens, &units, new_token),
    ))
}

async fn agents_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    agents_page_response(&state, &cu, &here, None).await
}

async fn agents_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let agents = state
        .store
        .agents(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv("agents.csv", csv_export::agents_csv(&agents, cu.lang)))
}

async fn tokens_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let tokens = state
        .store
        .enrollment_tokens(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv("tokens.csv", csv_export::tokens_csv(&tokens)))
}

/// The address agents should use: the scheme the server speaks and the
/// `Host` the browser used (only shown in the enrollment hint).
fn server_url(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.config.secure_cookies() {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("SERVER");
    format!("{scheme}://{host}")
}

async fn create_token_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    let unit_id: i64 = field(&p, "unit")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad_request(&cu, &here, "unit"))?;
    let days: i64 = field(&p, "days")
        .and_then(|v| v.parse().ok())
        .filter(|d| (1..=365).contains(d))
        .ok_or_else(|| bad_request(&cu, &here, t::VALID_DAYS.get(cu.lang)))?;
    let unit = visible_unit(&state, &cu, &here, unit_id).await?;
    let token = auth::random_token(32);
    let expires = OffsetDateTime::now_utc() + time::Duration::days(days);
    state
        .store
        .create_enrollment_token(unit.id, &auth::sha256_hex(&token), expires, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    let url = server_url(&state, &headers);
    let nt = NewToken {
        token: &token,
        unit_path: &unit.path,
        server_url: &url,
    };
    agents_page_response(&state, &cu, "/agents", Some(&nt)).await
}

async fn revoke_token_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    let tokens = state
        .store
        .enrollment_tokens(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    if !tokens.iter().any(|t| t.id == id) {
        return Err(not_found(&cu, &here));
    }
    state
        .store
        .revoke_enrollment_token(id, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other("/agents"))
}

async fn revoke_agent_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    match state.store.agent(id).await {
        Ok(Some(a)) if cu.sees(&a.unit_path) => {}
        Ok(_) => return Err(not_found(&cu, &here)),
        Err(e) => return Err(store_fail(&cu, &here, e)),
    }
    state
        .store
        .revoke_agent(id, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other("/agents"))
}

// ---------------------------------------------------------------- users

async fn users_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    status: StatusCode,
    created: Option<&NewUserShown<'_>>,
    error: Option<&str>,
) -> PageResult {
    let users = state
        .store
        .users(&cu.scope)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    let units = state
        .store
        .units(&cu.scope)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    Ok(html(
        status,
        admin::users_page(&ctx(cu, here), &users, &units, created, error),
    ))
}

async fn users_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    users_page_response(&state, &cu, &here, StatusCode::OK, None, None).await
}

async fn users_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let users = state
        .store
        .users(&cu.scope)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv("users.csv", csv_export::users_csv(&users)))
}

fn valid_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Creates an inspector, unit admin or viewer with a one-time password that
/// is shown once. Unit admins create unit admins and viewers in their subtree.
async fn create_user_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    require_write(&cu, &here)?;
    let lang = cu.lang;
    let username = field(&p, "username").unwrap_or("");
    let display = field(&p, "display_name").unwrap_or("");
    let role: Option<Role> = field(&p, "role").and_then(|r| r.parse().ok());
    let unit_id: Option<i64> = field(&p, "unit").and_then(|v| v.parse().ok());
    let bad = |what: Tr| {
        let msg = format!("{}: {}", t::BAD_REQUEST.get(lang), what.get(lang));
        (StatusCode::BAD_REQUEST, msg)
    };
    let problem = if !valid_username(username) {
        Some(bad(t::USERNAME))
    } else if display.is_empty() || display.chars().count() > 200 {
        Some(bad(t::DISPLAY_NAME))
    } else {
        match role {
            Some(r) if admin::grantable_roles(Some(cu.role())).contains(&r) => None,
            _ => Some(bad(t::ROLE)),
        }
    };
    if let Some((status, msg)) = problem {
        return users_page_response(&state, &cu, &here, status, None, Some(&msg)).await;
    }
    let role = role.unwrap_or(Role::Viewer);
    // The unit: required for everyone but a whole-province inspector, and
    // inside the creator's scope.
    let unit = match unit_id {
        Some(id) => Some(visible_unit(&state, &cu, &here, id).await?),
        None => None,
    };
    if unit.is_none() && !(role == Role::ProvinceInspector && matches!(cu.scope, Scope::All)) {
        let (status, msg) = bad(t::UNIT);
        return users_page_response(&state, &cu, &here, status, None, Some(&msg)).await;
    }
    let password = auth::one_time_password();
    let pw = password.clone();
    let phc = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
        .await
        .map_err(|_| {
            fail(
                &cu,
                &here,
                StatusCode::INTERNAL_SERVER_ERROR,
                t::ERROR,
                t::SERVER_ERROR.get(lang),
            )
        })?
        .map_err(|_| {
            fail(
                &cu,
                &here,
                StatusCode::INTERNAL_SERVER_ERROR,
                t::ERROR,
                t::SERVER_ERROR.get(lang),
            )
        })?;
    let nu = NewUser {
        username: username.to_string(),
        display_name: display.to_string(),
        password_phc: phc,
        role,
        unit_id: unit.as_ref().map(|u| u.id),
        must_change_password: true,
    };
    match state.store.create_user(&nu, &actor(&cu)).await {
        Ok(u) => {
            let shown = NewUserShown {
                username: &u.username,
                password: &password,
            };
            users_page_response(&state, &cu, "/users", StatusCode::OK, Some(&shown), None).await
        }
        Err(StoreError::Conflict(_)) => {
            let msg = format!(
                "{}: {} ({username})",
                t::BAD_REQUEST.get(lang),
                t::USERNAME.get(lang)
            );
            users_page_response(&state, &cu, &here, StatusCode::CONFLICT, None, Some(&msg)).await
        }
        Err(e) => Err(store_fail(&cu, &here, e)),
    }
}

// ---------------------------------------------------------------- audit

async fn audit_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let entries = state
        .store
        .audit_log(&cu.scope, 500)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(html(
        StatusCode::OK,
        admin::audit_page(&ctx(&cu, &here), &entries),
    ))
}

async fn audit_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let entries = state
        .store
        .audit_log(&cu.scope, 100_000)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(csv("audit.csv", csv_export::audit_csv(&entries)))
}
