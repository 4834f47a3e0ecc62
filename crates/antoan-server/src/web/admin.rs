//! Waivers, agents and enrollment tokens, users and the audit log.

use antoan_store::{Agent, AuditEntry, EnrollmentToken, Role, Unit, User, Waiver};
use maud::{html, Markup};

use super::findings::unit_option_label;
use super::i18n as t;
use super::layout::{
    csrf_field, fmt_date, fmt_opt_time, fmt_time, page, post_button, role_label, Ctx,
};

fn status_cell(ctx: &Ctx, revoked: bool, expired: bool) -> Markup {
    html! {
        @if revoked { span.st.st-reopened { (ctx.tr(t::REVOKED)) } }
        @else if expired { span.st { (ctx.tr(t::EXPIRED)) } }
        @else { span.st.st-fixed { (ctx.tr(t::ACTIVE)) } }
    }
}

/// `/waivers`.
pub fn waivers_page(ctx: &Ctx, waivers: &[Waiver]) -> Markup {
    let today = ctx.now.date();
    page(
        ctx,
        ctx.tr(t::WAIVERS),
        html! {
            p.exports { a href="/waivers.csv" { (ctx.tr(t::EXPORT_CSV)) } }
            @if waivers.is_empty() {
                p.muted { (ctx.tr(t::NO_WAIVERS)) }
            } @else {
                table {
                    thead { tr {
                        th { (ctx.tr(t::FINDING)) } th { (ctx.tr(t::JUSTIFICATION)) } th { (ctx.tr(t::APPROVER)) }
                        th { (ctx.tr(t::CREATED_BY)) } th { (ctx.tr(t::EXPIRES_ON)) } th { (ctx.tr(t::STATUS)) }
                        @if ctx.can_edit() { th {} }
                    } }
                    tbody { @for w in waivers {
                        @let expired = w.expires_on < today;
                        tr {
                            td { a href={ "/findings/" (w.finding_id) } { "#" (w.finding_id) } }
                            td.wrap.rem { (w.justification) }
                            td.wrap { (w.approver) }
                            td.wrap { (w.created_by) br; small.muted { (fmt_time(w.created_at)) } }
                            td { (fmt_date(w.expires_on)) }
                            td { (status_cell(ctx, w.revoked, expired)) }
                            @if ctx.can_edit() {
                                td { @if !w.revoked && !expired { (post_button(ctx, &format!("/waivers/{}/revoke", w.id), t::REVOKE, "danger")) } }
                            }
                        }
                    } }
                }
            }
        },
    )
}

fn unit_select(units: &[Unit], name: &str, selected: Option<i64>) -> Markup {
    html! {
        select name=(name) required {
            @for u in units { option value=(u.id) selected[selected == Some(u.id)] { (unit_option_label(u)) } }
        }
    }
}

/// A token just created: shown once, with the enrollment command.
pub struct NewToken<'a> {
    pub token: &'a str,
    pub unit_path: &'a str,
    pub server_url: &'a str,
}

/// `/agents`: agents, enrollment tokens and the token form.
pub fn agents_page(
    ctx: &Ctx,
    agents: &[Agent],
    tokens: &[EnrollmentToken],
    units: &[Unit],
    new_token: Option<&NewToken>,
) -> Markup {
    let now = ctx.now;
    page(
        ctx,
        ctx.tr(t::NAV_AGENTS),
        html! {
            @if let Some(nt) = new_token {
                div.once role="status" {
                    h2 { (ctx.tr(t::NEW_TOKEN)) " — " (nt.unit_path) }
                    p { code id="new-token" { (nt.token) } }
                    p { (ctx.tr(t::SHOWN_ONCE)) }
                    p { (ctx.tr(t::ENROLL_HINT)) }
                    pre { "antoan agent enroll --server " (nt.server_url) " --token " (nt.token) }
                }
            }
            h2 { (ctx.tr(t::AGENTS)) " (" (agents.len()) ")" }
            p.exports { a href="/agents.csv" { (ctx.tr(t::EXPORT_CSV)) } }
            @if agents.is_empty() {
                p.muted { (ctx.tr(t::NO_AGENTS)) }
            } @else {
                table {
                    thead { tr {
                        th.num { (ctx.tr(t::ID)) } th { (ctx.tr(t::HOSTNAME)) } th { (ctx.tr(t::UNIT)) } th { (ctx.tr(t::OS)) }
                        th { (ctx.tr(t::ENROLLED_AT)) } th { (ctx.tr(t::LAST_SEEN)) } th.num { (ctx.tr(t::LAST_SEQ)) } th { (ctx.tr(t::STATUS)) }
                        @if ctx.can_edit() { th {} }
                    } }
                    tbody { @for a in agents {
                        tr {
                            td.num { (a.id) }
                            td.wrap { @if let Some(h) = a.host_id { a href={ "/hosts/" (h) } { (a.hostname) } } @else { (a.hostname) } }
                            td.wrap { (a.unit_path) }
                            td.wrap { (a.os) }
                            td { (fmt_time(a.enrolled_at)) }
                            td { (fmt_opt_time(a.last_seen, ctx.lang)) }
                            td.num { (a.last_seq) }
                            td { (status_cell(ctx, a.revoked, false)) }
                            @if ctx.can_edit() {
                                td { @if !a.revoked { (post_button(ctx, &format!("/agents/{}/revoke", a.id), t::REVOKE, "danger")) } }
                            }
                        }
                    } }
                }
            }
            h2 { (ctx.tr(t::TOKENS)) }
            @if ctx.can_edit() && !units.is_empty() {
                form.box method="post" action="/agents/tokens" {
                    (csrf_field(ctx))
                    label { (ctx.tr(t::UNIT)) (unit_select(units, "unit", None)) }
                    label { (ctx.tr(t::VALID_DAYS)) input type="number" name="days" value="7" min="1" max="365" required; }
                    button type="submit" { (ctx.tr(t::CREATE_TOKEN)) }
                }
            }
            p.exports { a href="/tokens.csv" { (ctx.tr(t::EXPORT_CSV)) } }
            @if tokens.is_empty() {
                p.muted { (ctx.tr(t::NO_TOKENS)) }
            } @else {
                table {
                    thead { tr {
                        th.num { (ctx.tr(t::ID)) } th { (ctx.tr(t::UNIT)) } th { (ctx.tr(t::CREATED_AT)) }
                        th { (ctx.tr(t::EXPIRES_ON)) } th.num { (ctx.tr(t::USED_COUNT)) } th { (ctx.tr(t::STATUS)) }
                        @if ctx.can_edit() { th {} }
                    } }
                    tbody { @for tk in tokens {
                        @let expired = tk.expires_at <= now;
                        tr {
                            td.num { (tk.id) }
                            td.wrap { (tk.unit_path) }
                            td { (fmt_time(tk.created_at)) }
                            td { (fmt_time(tk.expires_at)) }
                            td.num { (tk.used_count) }
                            td { (status_cell(ctx, tk.revoked, expired)) }
                            @if ctx.can_edit() {
                                td { @if !tk.revoked && !expired { (post_button(ctx, &format!("/agents/tokens/{}/revoke", tk.id), t::REVOKE, "danger")) } }
                            }
                        }
                    } }
                }
            }
        },
    )
}

/// A user just created, with the one-time password (shown once).
pub struct NewUserShown<'a> {
    pub username: &'a str,
    pub password: &'a str,
}

/// The roles the current user may give: inspectors any, unit admins
/// unit admins and viewers (in their subtree), viewers none.
pub fn grantable_roles(by: Option<Role>) -> &'static [Role] {
    match by {
        Some(Role::ProvinceInspector) => &[Role::ProvinceInspector, Role::UnitAdmin, Role::Viewer],
        Some(Role::UnitAdmin) => &[Role::UnitAdmin, Role::Viewer],
        _ => &[],
    }
}

/// `/users`.
pub fn users_page(
    ctx: &Ctx,
    users: &[User],
    units: &[Unit],
    created: Option<&NewUserShown>,
    error: Option<&str>,
) -> Markup {
    let roles = grantable_roles(ctx.role());
    page(
        ctx,
        ctx.tr(t::USERS),
        html! {
            @if let Some(c) = created {
                div.once role="status" {
                    h2 { (ctx.tr(t::NEW_USER)) ": " (c.username) }
                    p { (ctx.tr(t::ONE_TIME_PASSWORD)) ": " code id="new-password" { (c.password) } }
                    p { (ctx.tr(t::OTP_HINT)) }
                }
            }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p.exports { a href="/users.csv" { (ctx.tr(t::EXPORT_CSV)) } }
            @if users.is_empty() {
                p.muted { (ctx.tr(t::NO_USERS)) }
            } @else {
                table {
                    thead { tr {
                        th { (ctx.tr(t::USERNAME)) } th { (ctx.tr(t::DISPLAY_NAME)) } th { (ctx.tr(t::ROLE)) }
                        th { (ctx.tr(t::UNIT)) } th { (ctx.tr(t::STATUS)) }
                    } }
                    tbody { @for u in users {
                        tr {
                            td.wrap { (u.username) }
                            td.wrap { (u.display_name) }
                            td { (ctx.tr(role_label(u.role))) }
                            td.wrap { @if let Some(p) = &u.unit_path { (p) } @else { (ctx.tr(t::WHOLE_PROVINCE)) } }
                            td {
                                @if u.disabled { (ctx.tr(t::ACCOUNT_DISABLED)) } @else { (ctx.tr(t::ACCOUNT_ACTIVE)) }
                                @if u.must_change_password { br; small.muted { (ctx.tr(t::MUST_CHANGE)) } }
                            }
                        }
                    } }
                }
            }
            @if !roles.is_empty() {
                h2 { (ctx.tr(t::CREATE_USER)) }
                form.box method="post" action="/users" {
                    (csrf_field(ctx))
                    label { (ctx.tr(t::USERNAME)) input type="text" name="username" required maxlength="64" pattern="[A-Za-z0-9._-]+" autocomplete="off"; }
                    label { (ctx.tr(t::DISPLAY_NAME)) input type="text" name="display_name" required maxlength="200"; }
                    label { (ctx.tr(t::ROLE))
                        select name="role" { @for r in roles { option value=(r.as_str()) selected[*r == Role::UnitAdmin] { (ctx.tr(role_label(*r))) } } }
                    }
                    label { (ctx.tr(t::UNIT))
                        select name="unit" {
                            @if ctx.is_inspector() { option value="" { (ctx.tr(t::WHOLE_PROVINCE)) } }
                            @for u in units { option value=(u.id) { (unit_option_label(u)) } }
                        }
                    }
                    button type="submit" { (ctx.tr(t::CREATE)) }
                }
            }
        },
    )
}

/// `/audit`.
pub fn audit_page(ctx: &Ctx, entries: &[AuditEntry]) -> Markup {
    page(
        ctx,
        ctx.tr(t::AUDIT),
        html! {
            p.exports { a href="/audit.csv" { (ctx.tr(t::EXPORT_CSV)) } }
            @if entries.is_empty() {
                p.muted { (ctx.tr(t::NO_AUDIT)) }
            } @else {
                table {
                    thead { tr { th { (ctx.tr(t::AT)) } th { (ctx.tr(t::ACTOR)) } th { (ctx.tr(t::ACTION)) } th { (ctx.tr(t::OBJECT)) } th { (ctx.tr(t::DETAIL)) } } }
                    tbody { @for e in entries {
                        tr { td { (fmt_time(e.at)) } td.wrap { (e.actor) } td { code { (e.action) } } td.wrap { (e.object) } td.wrap { (e.detail) } }
                    } }
                }
            }
        },
    )
}
