//! Host marks on the dashboard: the state-secret mark and the device handovers of a host (a
//! section of the host page), the `/handovers` list with the latest evaluation's reasons, and
//! the forms behind them (mark/unmark, open a handover, an inspector's exception). Every form
//! carries the session's CSRF token; viewers see the marks without the forms.

// Handlers return ready error pages in `Err`; a large `Response` there is fine.
#![allow(clippy::result_large_err)]

use antoan_store::{HandoverRow, HandoverState, HostRow, NewHandover};
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use time::OffsetDateTime;

use super::i18n as t;
use super::layout::{csrf_field, fmt_date, fmt_opt_time, fmt_time, page, Ctx};
use super::routes::{
    actor, bad_request, ctx, field, forbidden, form, here, html as html_response, not_found,
    query_of, require_write, see_other, store_fail, visible_host, PageUser,
};
use crate::api::marks::{handover_date, reason_ok, MAX_REASON};
use crate::marks::StatusView;
use crate::AppState;

/// How long a closed handover stays on `/handovers` (without `?all=1`).
pub const RECENT_DAYS: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/handovers", get(handovers_h))
        .route("/handovers/{id}/exception", post(exception_h))
        .route("/hosts/{id}/state-secret", post(state_secret_h))
        .route("/hosts/{id}/handovers", post(open_handover_h))
}

fn state_label(s: HandoverState) -> t::Tr {
    match s {
        HandoverState::Open => t::HANDOVER_OPEN,
        HandoverState::Closed => t::HANDOVER_CLOSED,
        HandoverState::Exception => t::HANDOVER_EXCEPTION,
    }
}

fn state_badge(ctx: &Ctx, s: HandoverState) -> Markup {
    let class = match s {
        HandoverState::Open => "st st-open",
        HandoverState::Closed => "st st-fixed",
        HandoverState::Exception => "st st-waived",
    };
    html! { span class=(class) { (ctx.tr(state_label(s))) } }
}

/// The latest evaluation of a handover, one reason per line, in the page's language.
fn evaluation(ctx: &Ctx, h: &HandoverRow) -> Markup {
    let mut lines = StatusView::parse(&h.status).lines(ctx.lang);
    if h.state == HandoverState::Exception {
        if let (Some(by), Some(why)) = (&h.exception_by, &h.exception_reason) {
            lines = vec![match ctx.lang {
                antoan_model::Lang::Vi => format!("Ngoại lệ do {by} ghi nhận: {why}"),
                antoan_model::Lang::En => format!("Exception recorded by {by}: {why}"),
            }];
        }
    }
    html! {
        ul.reasons { @for l in &lines { li { (l) } } }
    }
}

/// The exception form of an open handover (inspectors only).
fn exception_form(ctx: &Ctx, h: &HandoverRow) -> Markup {
    html! {
        @if ctx.is_inspector() && h.state == HandoverState::Open {
            form.inline method="post" action={ "/handovers/" (h.id) "/exception" } {
                (csrf_field(ctx))
                label { (ctx.tr(t::EXCEPTION_REASON)) " "
                    input type="text" name="reason" required maxlength=(MAX_REASON); }
                button type="submit" { (ctx.tr(t::RECORD_EXCEPTION)) }
            }
        }
    }
}

/// A table of handovers. `with_host`: show the host and unit columns (the list page).
pub fn handovers_table(ctx: &Ctx, rows: &[HandoverRow], with_host: bool) -> Markup {
    html! {
        table.handovers {
            thead { tr {
                @if with_host { th { (ctx.tr(t::HOSTNAME)) } th { (ctx.tr(t::UNIT)) } }
                th { (ctx.tr(t::HANDOVER_DATE)) }
                th { (ctx.tr(t::HANDOVER_REASON)) }
                th { (ctx.tr(t::STATE)) }
                th { (ctx.tr(t::LATEST_EVALUATION)) }
                th { (ctx.tr(t::OPENED_BY)) }
                th { (ctx.tr(t::CLOSED_AT)) }
            } }
            tbody {
                @for h in rows {
                    tr id={ "handover-" (h.id) } {
                        @if with_host {
                            td.wrap { a href={ "/hosts/" (h.host_id) } { (h.hostname) } }
                            td.wrap { (h.unit_path) }
                        }
                        td { (fmt_date(h.date)) }
                        td.wrap { (h.reason) }
                        td { (state_badge(ctx, h.state)) }
                        td.wrap {
                            (evaluation(ctx, h))
                            (exception_form(ctx, h))
                        }
                        td.wrap { (h.opened_by) br; small { (fmt_time(h.opened_at)) } }
                        td {
                            (fmt_opt_time(h.closed_at, ctx.lang))
                            @if let Some(r) = h.closed_report_id {
                                br; a href={ "/api/v1/reports/" (r) } { (ctx.tr(t::CLOSING_REPORT)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/handovers`: the open handovers in scope, and those closed in the last [`RECENT_DAYS`]
/// days (every closed one with `all`). `rows` are all handovers in scope, newest first.
pub fn handovers_page(ctx: &Ctx, rows: &[HandoverRow], all: bool) -> Markup {
    let since = ctx.now - time::Duration::days(RECENT_DAYS);
    let open: Vec<HandoverRow> = rows
        .iter()
        .filter(|h| h.state == HandoverState::Open)
        .cloned()
        .collect();
    let closed: Vec<HandoverRow> = rows
        .iter()
        .filter(|h| h.state != HandoverState::Open)
        .filter(|h| all || h.closed_at.is_none_or(|c| c >= since))
        .cloned()
        .collect();
    page(
        ctx,
        ctx.tr(t::HANDOVERS),
        html! {
            p.muted { (ctx.tr(t::HANDOVER_HELP)) }
            p.exports {
                a href="/api/v1/handovers.csv?state=all" { (ctx.tr(t::EXPORT_CSV)) }
            }
            h2 { (ctx.tr(t::OPEN_HANDOVERS)) " (" (open.len()) ")" }
            @if open.is_empty() {
                p.muted { (ctx.tr(t::NO_OPEN_HANDOVERS)) }
            } @else {
                (handovers_table(ctx, &open, true))
            }
            @if !closed.is_empty() {
                h2 { @if all { (ctx.tr(t::HANDOVER_CLOSED)) } @else { (ctx.tr(t::RECENTLY_CLOSED)) } " (" (closed.len()) ")" }
                (handovers_table(ctx, &closed, true))
            }
            @if !all { p { a href="/handovers?all=1" { (ctx.tr(t::HANDOVER_CLOSED)) " ›" } } }
        },
    )
}

/// The host page's section: the state-secret mark (with the form for those who may change it)
/// and the host's handovers (with the form to open one).
pub fn host_marks_section(ctx: &Ctx, host: &HostRow, handovers: &[HandoverRow]) -> Markup {
    let today = fmt_date(ctx.now.date());
    let agent_host = host.kind != "site";
    html! {
        section.marks id="marks" {
            h2 { (ctx.tr(t::STATE_SECRET)) }
            @if host.state_secret {
                p { span.flag { (ctx.tr(t::STATE_SECRET_FLAG)) } " " (ctx.tr(t::STATE_SECRET_ON)) }
            } @else {
                p.muted { (ctx.tr(t::STATE_SECRET_OFF)) }
            }
            p.muted { small { (ctx.tr(t::STATE_SECRET_HELP)) } }
            @if ctx.can_edit() && agent_host {
                form.inline method="post" action={ "/hosts/" (host.id) "/state-secret" } {
                    (csrf_field(ctx))
                    @if host.state_secret {
                        input type="hidden" name="on" value="0";
                        button type="submit" { (ctx.tr(t::UNMARK_STATE_SECRET)) }
                    } @else {
                        input type="hidden" name="on" value="1";
                        button type="submit" { (ctx.tr(t::MARK_STATE_SECRET)) }
                    }
                }
            }
            h2 { (ctx.tr(t::HOST_HANDOVERS)) " (" (handovers.len()) ")" }
            @if handovers.is_empty() {
                p.muted { (ctx.tr(t::NO_HOST_HANDOVERS)) }
            } @else {
                (handovers_table(ctx, handovers, false))
            }
            @if ctx.can_edit() && agent_host {
                h3 { (ctx.tr(t::OPEN_HANDOVER)) }
                p.muted { small { (ctx.tr(t::HANDOVER_HELP)) } }
                form method="post" action={ "/hosts/" (host.id) "/handovers" } {
                    (csrf_field(ctx))
                    label { (ctx.tr(t::HANDOVER_DATE)) " " input type="date" name="date" required value=(today); }
                    label { (ctx.tr(t::HANDOVER_REASON)) " " input type="text" name="reason" required maxlength=(MAX_REASON); }
                    button type="submit" { (ctx.tr(t::OPEN_HANDOVER)) }
                }
            }
        }
    }
}

/// The host page's section, read from the store (the host is visible to the user).
pub async fn host_section(
    state: &AppState,
    cu: &crate::CurrentUser,
    here: &str,
    host: &HostRow,
) -> Result<Markup, Response> {
    let rows = state
        .store
        .handovers(&cu.scope, false)
        .await
        .map_err(|e| store_fail(cu, here, e))?;
    let mine: Vec<HandoverRow> = rows.into_iter().filter(|h| h.host_id == host.id).collect();
    Ok(host_marks_section(&ctx(cu, here), host, &mine))
}

// ---------------------------------------------------------------- handlers

async fn handovers_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> Result<Response, Response> {
    let here = here(&uri);
    let all = super::findings::pairs(&query_of(&uri))
        .iter()
        .any(|(k, v)| k == "all" && v == "1");
    let rows = state
        .store
        .handovers(&cu.scope, false)
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(html_response(
        StatusCode::OK,
        handovers_page(&ctx(&cu, &here), &rows, all),
    ))
}

async fn state_secret_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Response> {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    let host = visible_host(&state, &cu, &here, id).await?;
    require_write(&cu, &here)?;
    let on = match field(&p, "on") {
        Some("1") => true,
        Some("0") => false,
        _ => return Err(bad_request(&cu, &here, "on")),
    };
    if host.kind == "site" {
        return Err(bad_request(&cu, &here, t::STATE_SECRET.get(cu.lang)));
    }
    state
        .store
        .set_state_secret(host.id, on, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other(&format!("/hosts/{}#marks", host.id)))
}

async fn open_handover_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Response> {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    let host = visible_host(&state, &cu, &here, id).await?;
    require_write(&cu, &here)?;
    let today = OffsetDateTime::now_utc().date();
    let Some(date) = field(&p, "date").and_then(|d| handover_date(d, today)) else {
        return Err(bad_request(&cu, &here, t::HANDOVER_DATE.get(cu.lang)));
    };
    let reason = field(&p, "reason").unwrap_or("");
    if !reason_ok(reason) {
        return Err(bad_request(&cu, &here, t::HANDOVER_REASON.get(cu.lang)));
    }
    state
        .store
        .create_handover(
            &NewHandover {
                host_id: host.id,
                date,
                reason: reason.to_string(),
            },
            &actor(&cu),
        )
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other(&format!("/hosts/{}#marks", host.id)))
}

async fn exception_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Response> {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    let h = match state.store.handover(id).await {
        Ok(Some(h)) if cu.sees(&h.unit_path) => h,
        Ok(_) => return Err(not_found(&cu, &here)),
        Err(e) => return Err(store_fail(&cu, &here, e)),
    };
    if !cu.is_inspector() {
        return Err(forbidden(&cu, &here));
    }
    let reason = field(&p, "reason").unwrap_or("");
    if !reason_ok(reason) {
        return Err(bad_request(&cu, &here, t::EXCEPTION_REASON.get(cu.lang)));
    }
    state
        .store
        .handover_exception(h.id, reason, &actor(&cu))
        .await
        .map_err(|e| store_fail(&cu, &here, e))?;
    Ok(see_other("/handovers"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use antoan_model::{Lang, Text};
    use antoan_store::{Role, User};
    use time::macros::{date, datetime};

    const EVIL: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    const NOW: OffsetDateTime = datetime!(2026-11-24 22:00 UTC);

    fn user(role: Role) -> User {
        User {
            id: 7,
            username: "thanh.tra".into(),
            display_name: "Nguyễn Văn Thanh".into(),
            role,
            unit_id: None,
            unit_path: None,
            disabled: false,
            must_change_password: false,
        }
    }

    fn ctx(u: &User, lang: Lang) -> Ctx<'_> {
        Ctx {
            lang,
            user: Some(u),
            csrf: "csrf-token-123",
            here: "/handovers",
            now: NOW,
        }
    }

    fn host(state_secret: bool) -> HostRow {
        HostRow {
            id: 3,
            unit_id: 2,
            unit_path: "lang-son/thanh-pho".into(),
            agent_id: Some(1),
            hostname: EVIL.into(),
            os_name: "Windows".into(),
            os_version: "7".into(),
            os_eol: true,
            office_eol: false,
            last_report_id: Some(9),
            last_seen: Some(datetime!(2026-11-24 21:00 UTC)),
            score: Some(35),
            open_critical: 1,
            open_high: 0,
            open_total: 4,
            kind: "agent".into(),
            state_secret,
        }
    }

    fn handover(id: i64, state: HandoverState, status: &str) -> HandoverRow {
        HandoverRow {
            id,
            host_id: 3,
            hostname: EVIL.into(),
            unit_path: "lang-son/thanh-pho".into(),
            date: date!(2026 - 06 - 01),
            reason: format!("Chuyển cho kế toán mới {EVIL}"),
            state,
            opened_by: "thanh.tra".into(),
            opened_at: datetime!(2026-06-01 08:00 UTC),
            closed_at: (state != HandoverState::Open).then_some(datetime!(2026-11-20 08:00 UTC)),
            closed_report_id: (state == HandoverState::Closed).then_some(42),
            status: status.into(),
            exception_by: (state == HandoverState::Exception).then(|| "thanh.tra".into()),
            exception_reason: (state == HandoverState::Exception)
                .then(|| format!("Máy đã thanh lý {EVIL}")),
        }
    }

    fn open_status() -> String {
        serde_json::to_string(&antoan_inspect::handover::HandoverStatus::Open {
            reasons: vec![Text::new(
                format!("Hệ điều hành cài ngày 2014-03-05, không sau ngày bàn giao 2026-06-01 {EVIL}"),
                "The operating system was installed on 2014-03-05, not after the handover on 2026-06-01",
            )],
        })
        .unwrap()
    }

    fn assert_escaped(s: &str) {
        assert!(!s.contains("<script>alert"), "unescaped script");
        assert!(!s.contains("<img src=x"), "unescaped img");
        assert!(
            s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "hostile text not shown as text"
        );
    }

    #[test]
    fn handovers_page_in_vietnamese_with_reasons_and_escaping() {
        let u = user(Role::ProvinceInspector);
        let rows = vec![
            handover(1, HandoverState::Open, &open_status()),
            handover(2, HandoverState::Exception, ""),
            handover(
                3,
                HandoverState::Closed,
                "{\"state\":\"closed\",\"report\":\"2026-11-19T09:00:00Z\",\"install_date\":\"2026-06-03\",\"antivirus\":\"Microsoft Defender\",\"signature_date\":\"2026-11-18\"}",
            ),
            handover(4, HandoverState::Open, ""),
        ];
        let s = handovers_page(&ctx(&u, Lang::Vi), &rows, false).into_string();
        assert_escaped(&s);
        assert!(s.contains("Bàn giao thiết bị"), "title");
        assert!(s.contains("Bàn giao chưa đóng (2)"), "open count");
        assert!(
            s.contains("Đã đóng trong 30 ngày qua (2)"),
            "recently closed"
        );
        assert!(
            s.contains("Hệ điều hành cài ngày 2014-03-05"),
            "Vietnamese reason"
        );
        assert!(s.contains("Chưa đánh giá"), "not evaluated yet");
        assert!(
            s.contains("Đã cài lại hệ điều hành ngày 2026-06-03"),
            "closing facts"
        );
        assert!(
            s.contains("Ngoại lệ do thanh.tra ghi nhận"),
            "exception shown"
        );
        assert!(
            s.contains("href=\"/api/v1/reports/42\""),
            "closing report linked"
        );
        // The inspector gets one exception form per open handover, each with the CSRF token.
        assert_eq!(s.matches("/exception\"").count(), 2, "{s}");
        assert!(s.contains("name=\"csrf\" value=\"csrf-token-123\""));
        let en = handovers_page(&ctx(&u, Lang::En), &rows, false).into_string();
        assert!(en.contains("not after the handover"), "English reason");
        assert!(en.contains("Device handovers"));
        // A unit admin and a viewer get no exception form.
        for role in [Role::UnitAdmin, Role::Viewer] {
            let u = user(role);
            let s = handovers_page(&ctx(&u, Lang::Vi), &rows, false).into_string();
            assert!(
                !s.contains("/exception\""),
                "{role:?} sees the exception form"
            );
        }
        // Closed long ago: only with all=1.
        let mut old = handover(5, HandoverState::Closed, "");
        old.closed_at = Some(datetime!(2026-01-01 08:00 UTC));
        let s = handovers_page(&ctx(&u, Lang::Vi), std::slice::from_ref(&old), false).into_string();
        assert!(!s.contains("handover-5"));
        assert!(s.contains("Không có biên bản bàn giao nào chưa đóng."));
        let s = handovers_page(&ctx(&u, Lang::Vi), &[old], true).into_string();
        assert!(s.contains("handover-5"));
    }

    #[test]
    fn host_section_forms_by_role() {
        let rows = vec![handover(1, HandoverState::Open, &open_status())];
        let admin = user(Role::UnitAdmin);
        let s = host_marks_section(&ctx(&admin, Lang::Vi), &host(false), &rows).into_string();
        assert_escaped(&s);
        assert!(s.contains("Máy này không được đánh dấu là máy bí mật nhà nước."));
        assert!(s.contains("action=\"/hosts/3/state-secret\""));
        assert!(s.contains("name=\"on\" value=\"1\""));
        assert!(s.contains("Đánh dấu là máy bí mật nhà nước"));
        assert!(s.contains("action=\"/hosts/3/handovers\""));
        assert!(
            s.contains("value=\"2026-11-24\""),
            "today as the default date"
        );
        assert_eq!(
            s.matches("name=\"csrf\" value=\"csrf-token-123\"").count(),
            2
        );
        assert!(
            !s.contains("/exception\""),
            "unit admins record no exception"
        );
        let s = host_marks_section(&ctx(&admin, Lang::Vi), &host(true), &[]).into_string();
        assert!(s.contains("Bí mật nhà nước"));
        assert!(s.contains("name=\"on\" value=\"0\""));
        assert!(s.contains("Bỏ đánh dấu bí mật nhà nước"));
        assert!(s.contains("Máy này chưa có biên bản bàn giao nào."));
        // A viewer reads the mark and the handovers, without any form.
        let viewer = user(Role::Viewer);
        let s = host_marks_section(&ctx(&viewer, Lang::Vi), &host(true), &rows).into_string();
        assert!(s.contains("Máy này được đánh dấu là máy soạn thảo, lưu trữ bí mật nhà nước."));
        assert!(s.contains("Hệ điều hành cài ngày 2014-03-05"));
        assert!(!s.contains("<form"), "viewer gets a form: {s}");
        // A unit's site host carries inspection results: no mark, no handover.
        let mut site = host(false);
        site.kind = "site".into();
        let inspector = user(Role::ProvinceInspector);
        let s = host_marks_section(&ctx(&inspector, Lang::En), &site, &[]).into_string();
        assert!(
            !s.contains("/state-secret\"") && !s.contains("/handovers\""),
            "{s}"
        );
    }
}
