//! The findings list (filters as a GET form, bulk assignment as a POST form
//! with checkboxes) and the page of one finding (history, waiver form).

use antoan_model::{FindingKind, Severity};
use antoan_store::{FindingEvent, FindingFilter, FindingRow, FindingState, Unit, User};
use maud::{html, Markup};

use super::i18n::{self as t, Tr};
use super::layout::{
    csrf_field, fmt_date, fmt_time, page, post_button, sev_badge, state_badge, state_label, Ctx,
};
use super::overview::unit_name;

/// Rows per page of the findings list.
pub const PAGE_SIZE: u32 = 100;

pub const KINDS: [FindingKind; 9] = [
    FindingKind::Eol,
    FindingKind::Vulnerability,
    FindingKind::WeakCredential,
    FindingKind::Config,
    FindingKind::Exposure,
    FindingKind::Account,
    FindingKind::Malware,
    FindingKind::Physical,
    FindingKind::Process,
];

/// The filters of `/findings`, as read from the query string. Unknown or
/// malformed values are dropped (a filter that cannot be understood does
/// not filter), never an error page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingsQuery {
    pub q: String,
    pub severity: Vec<Severity>,
    /// Empty = every state but fixed.
    pub state: Vec<FindingState>,
    /// `state=all`: include fixed ones.
    pub all_states: bool,
    pub kind: Option<FindingKind>,
    pub unit: Option<i64>,
    pub host: Option<i64>,
    pub assignee: Option<i64>,
    pub waived: Option<bool>,
    pub page: u32,
}

/// Splits a query string (or form body) into decoded pairs; repeated keys
/// are kept in order. Undecodable input gives no pairs.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default()
}

fn kind_from_str(s: &str) -> Option<FindingKind> {
    KINDS.iter().copied().find(|k| k.as_str() == s)
}

impl FindingsQuery {
    pub fn parse(query: &str) -> FindingsQuery {
        let mut f = FindingsQuery::default();
        for (k, v) in pairs(query) {
            let v = v.trim();
            match k.as_str() {
                "q" => f.q = v.chars().take(200).collect(),
                "severity" => {
                    if let Ok(s) = v.parse::<Severity>() {
                        if !f.severity.contains(&s) {
                            f.severity.push(s);
                        }
                    }
                }
                "state" => {
                    if v == "all" {
                        f.all_states = true;
                    } else if let Ok(s) = v.parse::<FindingState>() {
                        if !f.state.contains(&s) {
                            f.state.push(s);
                        }
                    }
                }
                "kind" => f.kind = kind_from_str(v),
                "unit" => f.unit = v.parse().ok(),
                "host" => f.host = v.parse().ok(),
                "assignee" => f.assignee = v.parse().ok(),
                "waived" => {
                    f.waived = match v {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    }
                }
                "page" => f.page = v.parse::<u32>().unwrap_or(0).min(100_000),
                _ => {}
            }
        }
        f
    }

    /// The store filter; asks one row more than a page to know whether a
    /// next page exists.
    pub fn to_filter(&self) -> FindingFilter {
        FindingFilter {
            unit_id: self.unit,
            host_id: self.host,
            state: if self.all_states {
                Some(FindingState::ALL.to_vec())
            } else if self.state.is_empty() {
                None
            } else {
                Some(self.state.clone())
            },
            severity: if self.severity.is_empty() {
                None
            } else {
                Some(self.severity.clone())
            },
            kind: self.kind.map(|k| k.as_str().to_string()),
            q: if self.q.is_empty() {
                None
            } else {
                Some(self.q.clone())
            },
            assignee: self.assignee,
            waived: self.waived,
            limit: PAGE_SIZE + 1,
            offset: self.page.saturating_mul(PAGE_SIZE),
        }
    }

    /// The query string that gives these filters back (without the page
    /// unless `page` is given).
    pub fn to_query(&self, page: Option<u32>) -> String {
        let mut p: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            p.push(("q", self.q.clone()));
        }
        for s in &self.severity {
            p.push(("severity", s.as_str().into()));
        }
        if self.all_states {
            p.push(("state", "all".into()));
        }
        for s in &self.state {
            p.push(("state", s.as_str().into()));
        }
        if let Some(k) = self.kind {
            p.push(("kind", k.as_str().into()));
        }
        if let Some(u) = self.unit {
            p.push(("unit", u.to_string()));
        }
        if let Some(h) = self.host {
            p.push(("host", h.to_string()));
        }
        if let Some(a) = self.assignee {
            p.push(("assignee", a.to_string()));
        }
        if let Some(w) = self.waived {
            p.push(("waived", if w { "yes" } else { "no" }.into()));
        }
        if let Some(pg) = page {
            p.push(("page", pg.to_string()));
        }
        serde_urlencoded::to_string(&p).unwrap_or_default()
    }
}

/// The label of a finding kind (the stored string; unknown kinds as they are).
pub fn kind_label(k: &str, lang: antoan_model::Lang) -> &str {
    let tr = match kind_from_str(k) {
        Some(FindingKind::Eol) => t::KIND_EOL,
        Some(FindingKind::Vulnerability) => t::KIND_VULNERABILITY,
        Some(FindingKind::WeakCredential) => t::KIND_WEAK_CREDENTIAL,
        Some(FindingKind::Config) => t::KIND_CONFIG,
        Some(FindingKind::Exposure) => t::KIND_EXPOSURE,
        Some(FindingKind::Account) => t::KIND_ACCOUNT,
        Some(FindingKind::Malware) => t::KIND_MALWARE,
        Some(FindingKind::Physical) => t::KIND_PHYSICAL,
        Some(FindingKind::Process) => t::KIND_PROCESS,
        None => return k,
    };
    tr.get(lang)
}

/// The findings table. `selectable`: a checkbox per row (inside the bulk
/// form); `show_host`: host and unit columns.
pub fn findings_table(ctx: &Ctx, rows: &[FindingRow], selectable: bool, show_host: bool) -> Markup {
    html! {
        table.findings {
            thead { tr {
                @if selectable { th { span title=(ctx.tr(t::SELECT_ALL)) { "✓" } } }
                th { (ctx.tr(t::SEVERITY)) }
                th { (ctx.tr(t::FINDING)) }
                @if show_host { th { (ctx.tr(t::HOST)) } th { (ctx.tr(t::UNIT)) } }
                th { (ctx.tr(t::STATE)) }
                th { (ctx.tr(t::ASSIGNEE)) }
                th { (ctx.tr(t::FIRST_SEEN)) }
            } }
            tbody {
                @for f in rows {
                    tr {
                        @if selectable {
                            td { input type="checkbox" name="ids" value=(f.id) id={ "sel-" (f.id) } aria-label=(f.finding_key); }
                        }
                        td { (sev_badge(f.severity, ctx.lang)) }
                        td.wrap {
                            a href={ "/findings/" (f.id) } { (f.title.get(ctx.lang)) }
                            br;
                            small.muted { (f.subject) " · " (f.check) " · " (kind_label(&f.kind, ctx.lang)) }
                        }
                        @if show_host {
                            td.wrap { a href={ "/hosts/" (f.host_id) } { (f.hostname) } }
                            td.wrap { (f.unit_path) }
                        }
                        td { (state_badge(f.state, f.waiver.is_some(), ctx.lang)) }
                        td {
                            @if let Some((_, name)) = &f.assignee { (name) } @else { span.muted { (ctx.tr(t::UNASSIGNED)) } }
                            @if let Some(d) = f.due { br; small { (ctx.tr(t::DUE)) ": " (fmt_date(d)) } }
                            @if let Some(o) = &f.owner { br; small { (ctx.tr(super::inspections_text::OWNER)) ": " (o) } }
                        }
                        td { (fmt_time(f.first_seen)) }
                    }
                }
            }
        }
    }
}

fn assignee_select(
    ctx: &Ctx,
    users: &[User],
    selected: Option<i64>,
    name: &str,
    any_label: Tr,
) -> Markup {
    html! {
        select name=(name) {
            option value="" selected[selected.is_none()] { (ctx.tr(any_label)) }
            @for u in users.iter().filter(|u| !u.disabled) {
                option value=(u.id) selected[selected == Some(u.id)] { (u.display_name) " (" (u.username) ")" }
            }
        }
    }
}

/// `/findings`. `rows` may hold one row more than a page (the store is
/// asked for PAGE_SIZE + 1); `notice` is a confirmation line (after an
/// assignment).
pub fn findings_page(
    ctx: &Ctx,
    query: &FindingsQuery,
    rows: &[FindingRow],
    units: &[Unit],
    users: &[User],
    notice: Option<&str>,
) -> Markup {
    let has_next = rows.len() > PAGE_SIZE as usize;
    let shown = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let qs = query.to_query(None);
    let sev_on = |s: Severity| query.severity.contains(&s);
    let state_on = |s: FindingState| query.state.contains(&s);
    page(
        ctx,
        ctx.tr(t::FINDINGS),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            form.filters method="get" action="/findings" {
                label { (ctx.tr(t::SEARCH)) input type="search" name="q" value=(query.q); }
                fieldset {
                    legend { (ctx.tr(t::SEVERITY)) }
                    @for s in Severity::ALL {
                        label.check { input type="checkbox" name="severity" value=(s.as_str()) checked[sev_on(s)]; (s.label().get(ctx.lang)) }
                    }
                }
                label { (ctx.tr(t::STATE))
                    select name="state" {
                        option value="" selected[query.state.is_empty() && !query.all_states] { (ctx.tr(t::STATE_NOT_FIXED)) }
                        option value="all" selected[query.all_states] { (ctx.tr(t::ANY)) }
                        @for s in FindingState::ALL {
                            option value=(s.as_str()) selected[state_on(s) && query.state.len() == 1] { (ctx.tr(state_label(s))) }
                        }
                    }
                }
                label { (ctx.tr(t::KIND))
                    select name="kind" {
                        option value="" { (ctx.tr(t::ANY)) }
                        @for k in KINDS { option value=(k.as_str()) selected[query.kind == Some(k)] { (kind_label(k.as_str(), ctx.lang)) } }
                    }
                }
                label { (ctx.tr(t::UNIT))
                    select name="unit" {
                        option value="" { (ctx.tr(t::ALL_UNITS)) }
                        @for u in units {
                            option value=(u.id) selected[query.unit == Some(u.id)] { (u.path) }
                        }
                    }
                }
                label { (ctx.tr(t::ASSIGNEE)) (assignee_select(ctx, users, query.assignee, "assignee", t::ANY)) }
                label { (ctx.tr(t::WAIVED))
                    select name="waived" {
                        option value="" { (ctx.tr(t::ANY)) }
                        option value="yes" selected[query.waived == Some(true)] { (ctx.tr(t::YES)) }
                        option value="no" selected[query.waived == Some(false)] { (ctx.tr(t::NO)) }
                    }
                }
                @if let Some(h) = query.host { input type="hidden" name="host" value=(h); }
                button type="submit" { (ctx.tr(t::FILTER)) }
                a href="/findings" { (ctx.tr(t::RESET)) }
            }
            p.exports { a href={ "/findings.csv?" (qs) } { (ctx.tr(t::EXPORT_CSV)) } }
            @if shown.is_empty() {
                p.muted { (ctx.tr(t::NO_FINDINGS)) }
            } @else if ctx.can_edit() {
                form id="bulk" method="post" action="/findings/assign" {
                    (csrf_field(ctx))
                    input type="hidden" name="return" value=(qs);
                    (findings_table(ctx, shown, true, true))
                    div.bulk {
                        label { (ctx.tr(t::ASSIGNEE)) (assignee_select(ctx, users, None, "assignee", t::NOBODY)) }
                        label { (ctx.tr(t::DUE)) input type="date" name="due"; }
                        button type="submit" name="action" value="assign" { (ctx.tr(t::ASSIGN_SELECTED)) }
                    }
                }
            } @else {
                (findings_table(ctx, shown, false, true))
            }
            div.pager {
                @if query.page > 0 { a rel="prev" href={ "/findings?" (query.to_query(Some(query.page - 1))) } { "‹ " (ctx.tr(t::PREV_PAGE)) } }
                @if has_next { a rel="next" href={ "/findings?" (query.to_query(Some(query.page + 1))) } { (ctx.tr(t::NEXT_PAGE)) " ›" } }
            }
        },
    )
}

fn event_label(e: &str) -> Option<Tr> {
    Some(match e {
        "new" => t::EV_NEW,
        "seen" => t::EV_SEEN,
        "fixed" => t::EV_FIXED,
        "reopened" => t::EV_REOPENED,
        "assigned" => t::EV_ASSIGNED,
        "waived" => t::EV_WAIVED,
        "waiver-revoked" => t::EV_WAIVER_REVOKED,
        _ => return None,
    })
}

/// `/findings/{id}`. `can_edit`: the user may assign and waive this finding
/// (role and scope already checked by the handler).
pub fn finding_page(
    ctx: &Ctx,
    f: &FindingRow,
    history: &[FindingEvent],
    users: &[User],
    notice: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let default_expiry = fmt_date(ctx.now.date() + time::Duration::days(90));
    page(
        ctx,
        f.title.get(lang),
        html! {
            p.crumbs {
                a href="/findings" { (ctx.tr(t::FINDINGS)) } " › "
                a href={ "/hosts/" (f.host_id) } { (f.hostname) } " › " (f.finding_key)
            }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            dl.facts {
                dt { (ctx.tr(t::SEVERITY)) } dd { (sev_badge(f.severity, lang)) }
                dt { (ctx.tr(t::STATE)) } dd { (state_badge(f.state, f.waiver.is_some(), lang)) }
                dt { (ctx.tr(t::HOST)) } dd { a href={ "/hosts/" (f.host_id) } { (f.hostname) } }
                dt { (ctx.tr(t::UNIT)) } dd { (f.unit_path) }
                dt { (ctx.tr(t::SUBJECT)) } dd { code { (f.subject) } }
                dt { (ctx.tr(t::CHECK)) } dd { (f.check) " · " (kind_label(&f.kind, lang)) }
                dt { (ctx.tr(t::FINDING_KEY)) } dd { code { (f.finding_key) } }
                dt { (ctx.tr(t::FIRST_SEEN)) } dd { (fmt_time(f.first_seen)) }
                dt { (ctx.tr(t::LAST_SEEN_FINDING)) } dd { (fmt_time(f.last_seen)) }
                @if let Some(x) = f.fixed_at { dt { (ctx.tr(t::FIXED_AT)) } dd { (fmt_time(x)) } }
                @if let Some(o) = &f.owner { dt { (ctx.tr(super::inspections_text::OWNER)) } dd.owner { (o) } }
                dt { (ctx.tr(t::ASSIGNEE)) } dd {
                    @if let Some((_, n)) = &f.assignee { (n) } @else { span.muted { (ctx.tr(t::UNASSIGNED)) } }
                    @if let Some(d) = f.due { " · " (ctx.tr(t::DUE)) ": " (fmt_date(d)) }
                }
            }
            h2 { (ctx.tr(t::REMEDIATION)) }
            p.rem { (f.remediation.get(lang)) }
            @if let Some(w) = &f.waiver {
                h2 { (ctx.tr(t::ACTIVE_WAIVER)) }
                dl.facts {
                    dt { (ctx.tr(t::JUSTIFICATION)) } dd.rem { (w.justification) }
                    dt { (ctx.tr(t::APPROVER)) } dd { (w.approver) }
                    dt { (ctx.tr(t::CREATED_BY)) } dd { (w.created_by) " · " (fmt_time(w.created_at)) }
                    dt { (ctx.tr(t::EXPIRES_ON)) } dd { (fmt_date(w.expires_on)) }
                }
                @if ctx.can_edit() { (post_button(ctx, &format!("/waivers/{}/revoke", w.id), t::REVOKE, "danger")) }
            }
            @if ctx.can_edit() {
                h2 { (ctx.tr(t::ASSIGN)) }
                form.box method="post" action="/findings/assign" {
                    (csrf_field(ctx))
                    input type="hidden" name="ids" value=(f.id);
                    input type="hidden" name="return_to" value={ "/findings/" (f.id) };
                    label { (ctx.tr(t::ASSIGNEE)) (assignee_select(ctx, users, f.assignee.as_ref().map(|a| a.0), "assignee", t::NOBODY)) }
                    label { (ctx.tr(t::DUE)) input type="date" name="due" value=[f.due.map(fmt_date)]; }
                    button type="submit" { (ctx.tr(t::ASSIGN)) }
                }
                @if f.waiver.is_none() && f.state != FindingState::Fixed {
                    h2 { (ctx.tr(t::CREATE_WAIVER)) }
                    form.box id="waiver" method="post" action={ "/findings/" (f.id) "/waiver" } {
                        (csrf_field(ctx))
                        label.wide { (ctx.tr(t::JUSTIFICATION)) textarea name="justification" required maxlength="2000" {} }
                        label { (ctx.tr(t::APPROVER)) input type="text" name="approver" required maxlength="200"; }
                        label { (ctx.tr(t::EXPIRES_ON)) input type="date" name="expires_on" required value=(default_expiry); }
                        button type="submit" { (ctx.tr(t::SAVE)) }
                    }
                }
            }
            h2 { (ctx.tr(t::HISTORY)) }
            table {
                thead { tr { th { (ctx.tr(t::AT)) } th { (ctx.tr(t::EVENT)) } th { (ctx.tr(t::ACTOR)) } th { (ctx.tr(t::DETAIL)) } } }
                tbody { @for e in history {
                    tr {
                        td { (fmt_time(e.at)) }
                        td { @if let Some(l) = event_label(&e.event) { (l.get(lang)) } @else { (e.event) } }
                        td.wrap { (e.actor) }
                        td.wrap { (e.detail) @if let Some(r) = e.report_id { " " a href={ "/api/v1/reports/" (r) } { "(" (ctx.tr(t::REPORT)) " #" (r) ")" } } }
                    }
                } }
            }
        },
    )
}

/// Scope labels for selects: `path (name)`.
pub fn unit_option_label(u: &Unit) -> String {
    if u.name.is_empty() || u.name == u.slug {
        u.path.clone()
    } else {
        format!("{} ({})", u.path, unit_name(u))
    }
}
