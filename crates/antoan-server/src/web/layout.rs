//! The page shell every dashboard page shares: one small inline style sheet,
//! a navigation bar, the language switch and the log-out button. No script.

use antoan_model::{Lang, Severity};
use antoan_store::{FindingState, Role, User};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use time::OffsetDateTime;

use super::i18n::{self as t, Tr};

/// The style sheet, inlined in every page (about 4 KiB): no request for
/// assets, readable on old office PCs, printable.
pub const CSS: &str = include_str!("dashboard.css");

/// What every page needs to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    pub lang: Lang,
    /// None on the login page.
    pub user: Option<&'a User>,
    /// The session's CSRF token, put in every POST form.
    pub csrf: &'a str,
    /// Path and query of the current request (for the language switch).
    pub here: &'a str,
    pub now: OffsetDateTime,
}

impl<'a> Ctx<'a> {
    pub fn tr(&self, t: Tr) -> &'static str {
        t.get(self.lang)
    }

    pub fn role(&self) -> Option<Role> {
        self.user.map(|u| u.role)
    }

    /// May change things (assign, waive, create tokens): unit admins in their
    /// subtree and inspectors; viewers only read.
    pub fn can_edit(&self) -> bool {
        matches!(self.role(), Some(Role::ProvinceInspector | Role::UnitAdmin))
    }

    pub fn is_inspector(&self) -> bool {
        matches!(self.role(), Some(Role::ProvinceInspector))
    }
}

/// The current address with `lang=<code>` in place of any `lang` parameter.
/// Only local paths are kept: anything else becomes `/`.
pub fn lang_href(here: &str, code: &str) -> String {
    let here = if here.starts_with('/') && !here.starts_with("//") && !here.starts_with("/\\") {
        here
    } else {
        "/"
    };
    let (path, query) = match here.split_once('?') {
        Some((p, q)) => (p, q),
        None => (here, ""),
    };
    let mut parts: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang=") && *kv != "lang")
        .collect();
    let lang = format!("lang={code}");
    parts.push(&lang);
    format!("{path}?{}", parts.join("&"))
}

pub fn role_label(r: Role) -> Tr {
    match r {
        Role::ProvinceInspector => t::ROLE_INSPECTOR,
        Role::UnitAdmin => t::ROLE_UNIT_ADMIN,
        Role::Viewer => t::ROLE_VIEWER,
    }
}

pub fn state_label(s: FindingState) -> Tr {
    match s {
        FindingState::New => t::STATE_NEW,
        FindingState::Open => t::STATE_OPEN,
        FindingState::Fixed => t::STATE_FIXED,
        FindingState::Reopened => t::STATE_REOPENED,
    }
}

pub fn sev_badge(s: Severity, lang: Lang) -> Markup {
    html! { span class={ "sev sev-" (s.as_str()) } { (s.label().get(lang)) } }
}

pub fn state_badge(s: FindingState, waived: bool, lang: Lang) -> Markup {
    html! {
        span class={ "st st-" (s.as_str()) } { (state_label(s).get(lang)) }
        @if waived { " " span class="st st-waived" { (t::STATE_WAIVED.get(lang)) } }
    }
}

/// `2026-11-24 22:05 UTC`.
pub fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

pub fn fmt_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn fmt_opt_time(t: Option<OffsetDateTime>, lang: Lang) -> String {
    match t {
        Some(t) => fmt_time(t),
        None => t::NEVER.get(lang).to_string(),
    }
}

/// A hidden CSRF field for a POST form.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// A small POST form with only a button (revoke …).
pub fn post_button(ctx: &Ctx, action: &str, label: Tr, class: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (csrf_field(ctx))
            button type="submit" class=(class) { (ctx.tr(label)) }
        }
    }
}

/// A percentage `part / whole`, None when whole is 0.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    if whole == 0 {
        None
    } else {
        Some(((u64::from(part) * 100 + u64::from(whole) / 2) / u64::from(whole)) as u32)
    }
}

/// A whole page. `title` is the page heading (escaped).
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    let nav: &[(&str, Tr)] = &[
        ("/", t::NAV_OVERVIEW),
        ("/hosts", t::HOSTS),
        ("/findings", t::NAV_FINDINGS),
        ("/inspections", super::inspections_text::NAV_INSPECTIONS),
        ("/handovers", t::NAV_HANDOVERS),
        ("/waivers", t::NAV_WAIVERS),
        ("/agents", t::NAV_AGENTS),
        ("/users", t::NAV_USERS),
        ("/audit", t::NAV_AUDIT),
    ];
    let here_path = ctx.here.split('?').next().unwrap_or("/");
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="same-origin";
                title { (title) " — antoan" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header.top {
                    a.brand href="/" { "antoan" }
                    @if ctx.user.is_some() {
                        nav {
                            @for &(href, label) in nav {
                                @let current = if href == "/" { here_path == "/" || here_path.starts_with("/units") }
                                    else { here_path.starts_with(href) };
                                a href=(href) class=[current.then_some("current")] { (label.get(lang)) }
                            }
                        }
                    }
                    div.who {
                        span.langs aria-label=(t::LANGUAGE.get(lang)) {
                            @if lang == Lang::Vi { b { "Tiếng Việt" } } @else { a href=(lang_href(ctx.here, "vi")) hreflang="vi" { "Tiếng Việt" } }
                            " · "
                            @if lang == Lang::En { b { "English" } } @else { a href=(lang_href(ctx.here, "en")) hreflang="en" { "English" } }
                        }
                        @if let Some(u) = ctx.user {
                            span.user title=(t::SIGNED_IN_AS.get(lang)) {
                                (u.display_name) " (" (role_label(u.role).get(lang)) ")"
                            }
                            form.inline method="post" action="/logout" {
                                (csrf_field(ctx))
                                button.link type="submit" { (t::LOGOUT.get(lang)) }
                            }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
                footer { (t::APP.get(lang)) }
            }
        }
    }
}

/// A page that only says something (errors, confirmations).
pub fn message_page(ctx: &Ctx, title: &str, message: &str, back: Option<&str>) -> Markup {
    page(
        ctx,
        title,
        html! {
            p.msg { (message) }
            @if let Some(b) = back { p { a href=(b) { (ctx.tr(t::BACK)) } } }
        },
    )
}

/// Statistic "card": a big number with a label.
pub fn stat(label: &str, value: &str, class: &str, href: Option<&str>) -> Markup {
    html! {
        @if let Some(h) = href {
            a class={ "stat " (class) } href=(h) {
                div.stat-value { (value) }
                div.stat-label { (label) }
            }
        } @else {
            div class={ "stat " (class) } {
                div.stat-value { (value) }
                div.stat-label { (label) }
            }
        }
    }
}
