//! The overview of the unit tree and the page of one unit.

use std::collections::BTreeSet;

use antoan_store::{HostRow, Overview, Unit, UnitStats};
use maud::{html, Markup};
use time::OffsetDateTime;

use super::chart::trend_chart;
use super::i18n as t;
use super::layout::{fmt_opt_time, page, percent, stat, Ctx};

/// Sums of the top units of a scope (units whose parent is not in the list),
/// so hosts are not counted twice.
pub fn totals(units: &[UnitStats]) -> UnitStats {
    let ids: BTreeSet<i64> = units.iter().map(|u| u.unit.id).collect();
    let mut sum = UnitStats {
        unit: Unit {
            id: 0,
            parent_id: None,
            path: String::new(),
            slug: String::new(),
            name: String::new(),
            depth: 0,
        },
        hosts: 0,
        hosts_reporting: 0,
        hosts_silent: 0,
        hosts_os_eol: 0,
        hosts_office_eol: 0,
        open_critical: 0,
        open_high: 0,
        open_total: 0,
    };
    for u in units
        .iter()
        .filter(|u| u.unit.parent_id.is_none_or(|p| !ids.contains(&p)))
    {
        sum.hosts += u.hosts;
        sum.hosts_reporting += u.hosts_reporting;
        sum.hosts_silent += u.hosts_silent;
        sum.hosts_os_eol += u.hosts_os_eol;
        sum.hosts_office_eol += u.hosts_office_eol;
        sum.open_critical += u.open_critical;
        sum.open_high += u.open_high;
        sum.open_total += u.open_total;
    }
    sum
}

/// The display name of a unit: its name, else its slug.
pub fn unit_name(u: &Unit) -> &str {
    if u.name.trim().is_empty() {
        &u.slug
    } else {
        &u.name
    }
}

fn coverage_text(s: &UnitStats) -> String {
    match percent(s.hosts_reporting, s.hosts) {
        Some(p) => format!("{p}%"),
        None => "—".into(),
    }
}

/// The statistics of a unit (or of the whole scope when `unit` is None),
/// each linked to the list behind it.
fn stat_cards(ctx: &Ctx, s: &UnitStats, unit: Option<i64>) -> Markup {
    let cov = percent(s.hosts_reporting, s.hosts);
    let cov_class = match cov {
        None => "",
        Some(p) if p >= 90 => "good",
        Some(p) if p >= 60 => "warn",
        Some(_) => "bad",
    };
    let nz = |n: u32, class: &'static str| if n > 0 { class } else { "good" };
    let u = unit.map(|id| format!("unit={id}")).unwrap_or_default();
    let hosts = |extra: &str| {
        let q: Vec<&str> = [u.as_str(), extra]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        format!("/hosts?{}", q.join("&"))
    };
    let findings = |extra: &str| {
        let q: Vec<&str> = [u.as_str(), extra]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        format!("/findings?{}", q.join("&"))
    };
    html! {
        div.stats {
            (stat(ctx.tr(t::HOSTS), &s.hosts.to_string(), "", Some(&hosts(""))))
            (stat(ctx.tr(t::COVERAGE), &coverage_text(s), cov_class, None))
            (stat(ctx.tr(t::SILENT), &s.hosts_silent.to_string(), nz(s.hosts_silent, "warn"), Some(&hosts("silent=1"))))
            (stat(ctx.tr(t::OS_EOL), &s.hosts_os_eol.to_string(), nz(s.hosts_os_eol, "bad"), Some(&hosts("os_eol=1"))))
            (stat(ctx.tr(t::OFFICE_EOL), &s.hosts_office_eol.to_string(), nz(s.hosts_office_eol, "bad"), Some(&hosts("office_eol=1"))))
            (stat(ctx.tr(t::CRITICAL_OPEN), &s.open_critical.to_string(), nz(s.open_critical, "bad"), Some(&findings("severity=critical"))))
            (stat(ctx.tr(t::HIGH_OPEN), &s.open_high.to_string(), nz(s.open_high, "warn"), Some(&findings("severity=high"))))
            (stat(ctx.tr(t::OPEN_TOTAL), &s.open_total.to_string(), "", Some(&findings(""))))
        }
    }
}

/// The tree as a table, indented by depth below the shallowest unit shown.
fn tree_table(ctx: &Ctx, units: &[UnitStats]) -> Markup {
    let min_depth = units.iter().map(|u| u.unit.depth).min().unwrap_or(0);
    html! {
        table.tree {
            thead { tr {
                th { (ctx.tr(t::UNIT)) }
                th.num { (ctx.tr(t::HOSTS)) }
                th.num title=(ctx.tr(t::COVERAGE_HELP)) { (ctx.tr(t::COVERAGE)) }
                th.num { (ctx.tr(t::SILENT)) }
                th.num { (ctx.tr(t::OS_EOL)) }
                th.num { (ctx.tr(t::OFFICE_EOL)) }
                th.num { (ctx.tr(t::CRITICAL_OPEN)) }
                th.num { (ctx.tr(t::HIGH_OPEN)) }
                th.num { (ctx.tr(t::OPEN_TOTAL)) }
            } }
            tbody {
                @for u in units {
                    @let indent = (u.unit.depth.saturating_sub(min_depth)).min(12) as f32 * 1.4;
                    tr class=[(u.hosts == 0).then_some("zero")] {
                        td.wrap {
                            span.indent style={ "width:" (indent) "em" } {}
                            a href={ "/units/" (u.unit.id) } title=(u.unit.path) { (unit_name(&u.unit)) }
                        }
                        td.num { (u.hosts) }
                        td.num { (coverage_text(u)) }
                        td.num { (u.hosts_silent) }
                        td.num class=[(u.hosts_os_eol > 0).then_some("bad")] { (u.hosts_os_eol) }
                        td.num class=[(u.hosts_office_eol > 0).then_some("bad")] { (u.hosts_office_eol) }
                        td.num class=[(u.open_critical > 0).then_some("bad")] { (u.open_critical) }
                        td.num { (u.open_high) }
                        td.num { (u.open_total) }
                    }
                }
            }
        }
    }
}

/// `/`: the whole tree in the user's scope.
pub fn overview_page(ctx: &Ctx, ov: &Overview) -> Markup {
    let sum = totals(&ov.units);
    page(
        ctx,
        ctx.tr(t::NAV_OVERVIEW),
        html! {
            (stat_cards(ctx, &sum, None))
            div.stats {
                (stat(ctx.tr(t::OPEN_HANDOVERS), &ov.open_handovers.to_string(), if ov.open_handovers > 0 { "warn" } else { "good" }, Some("/handovers")))
                (stat(ctx.tr(t::STATE_SECRET_HOSTS), &ov.state_secret_hosts.to_string(), "", None))
            }
            h2 { (ctx.tr(t::TREND)) }
            (trend_chart(&ov.trend, ctx.lang))
            h2 { (ctx.tr(t::UNITS)) }
            @if ov.units.is_empty() {
                p.muted { (ctx.tr(t::NO_UNITS)) }
            } @else {
                (tree_table(ctx, &ov.units))
            }
        },
    )
}

/// The hosts table shared by the unit page. `silent_before`: a host whose
/// last report is older than this is marked silent.
pub fn hosts_table(ctx: &Ctx, hosts: &[HostRow], silent_before: OffsetDateTime) -> Markup {
    html! {
        @if hosts.is_empty() {
            p.muted { (ctx.tr(t::NO_HOSTS)) }
        } @else {
            table.hosts {
                thead { tr {
                    th { (ctx.tr(t::HOSTNAME)) }
                    th { (ctx.tr(t::UNIT)) }
                    th { (ctx.tr(t::OS)) }
                    th { (ctx.tr(t::LAST_SEEN)) }
                    th.num { (ctx.tr(t::SCORE)) }
                    th.num { (ctx.tr(t::CRITICAL_OPEN)) }
                    th.num { (ctx.tr(t::HIGH_OPEN)) }
                    th.num { (ctx.tr(t::OPEN_TOTAL)) }
                } }
                tbody {
                    @for h in hosts {
                        @let silent = h.last_seen.is_none_or(|s| s < silent_before);
                        tr {
                            td.wrap {
                                a href={ "/hosts/" (h.id) } { (h.hostname) }
                                @if h.state_secret { " " span.flag { (ctx.tr(t::STATE_SECRET_FLAG)) } }
                                @if h.os_eol { " " span.flag { (ctx.tr(t::OS_EOL)) } }
                                @if h.office_eol { " " span.flag { (ctx.tr(t::OFFICE_EOL)) } }
                            }
                            td.wrap { a href={ "/units/" (h.unit_id) } { (h.unit_path) } }
                            td.wrap { (h.os_name) " " (h.os_version) }
                            td class=[silent.then_some("bad")] {
                                (fmt_opt_time(h.last_seen, ctx.lang))
                                @if silent { br; small { (ctx.tr(t::SILENT)) } }
                            }
                            td.num { @if let Some(s) = h.score { (s) } @else { "—" } }
                            td.num class=[(h.open_critical > 0).then_some("bad")] { (h.open_critical) }
                            td.num { (h.open_high) }
                            td.num { (h.open_total) }
                        }
                    }
                }
            }
        }
    }
}

/// `/units/{id}`. `units` is the overview of the unit's subtree (the unit
/// itself and everything below, with stats), `ancestors` the units above it
/// that the user may see (root first), `hosts` the hosts of the subtree.
pub fn unit_page(
    ctx: &Ctx,
    unit: &Unit,
    sub: &Overview,
    ancestors: &[Unit],
    hosts: &[HostRow],
    q: &str,
    silent_before: OffsetDateTime,
) -> Markup {
    let own = sub.units.iter().find(|s| s.unit.id == unit.id);
    let children: Vec<UnitStats> = sub
        .units
        .iter()
        .filter(|s| s.unit.parent_id == Some(unit.id))
        .cloned()
        .collect();
    let title = unit_name(unit).to_string();
    let csv = format!("/units/{}/hosts.csv", unit.id);
    page(
        ctx,
        &title,
        html! {
            p.crumbs {
                a href="/" { (ctx.tr(t::NAV_OVERVIEW)) }
                @for a in ancestors { " › " a href={ "/units/" (a.id) } { (unit_name(a)) } }
                " › " (unit.path)
            }
            @if let Some(s) = own { (stat_cards(ctx, s, Some(unit.id))) }
            p { a href={ "/findings?unit=" (unit.id) } { (ctx.tr(t::VIEW_FINDINGS)) } }
            h2 { (ctx.tr(t::TREND)) }
            (trend_chart(&sub.trend, ctx.lang))
            @if !children.is_empty() {
                h2 { (ctx.tr(t::SUBUNITS)) }
                (tree_table(ctx, &children))
            }
            h2 { (ctx.tr(t::HOSTS)) }
            form.filters method="get" action={ "/units/" (unit.id) } {
                label { (ctx.tr(t::SEARCH_HOSTS)) input type="search" name="q" value=(q); }
                button type="submit" { (ctx.tr(t::SEARCH)) }
            }
            p.exports {
                a href=(csv) { (ctx.tr(t::EXPORT_CSV)) } " · "
                a href={ "/units/" (unit.id) "/report.pdf?lang=" (ctx.lang.code()) } { (ctx.tr(t::REPORT_PDF)) }
            }
            (hosts_table(ctx, &hosts[..hosts.len().min(HOSTS_PAGE as usize)], silent_before))
            @if hosts.len() > HOSTS_PAGE as usize {
                p { a href={ "/hosts?unit=" (unit.id) "&page=1" } { (ctx.tr(t::NEXT_PAGE)) " ›" } }
            }
        },
    )
}

/// Rows per page of the hosts list.
pub const HOSTS_PAGE: u32 = 200;

/// The filters of `/hosts`. Malformed values are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostsQuery {
    pub q: String,
    pub unit: Option<i64>,
    pub os_eol: bool,
    pub office_eol: bool,
    pub silent: bool,
    pub page: u32,
}

impl HostsQuery {
    pub fn parse(query: &str) -> HostsQuery {
        let mut h = HostsQuery::default();
        for (k, v) in super::findings::pairs(query) {
            let v = v.trim();
            let on = matches!(v, "1" | "true" | "yes" | "on");
            match k.as_str() {
                "q" => h.q = v.chars().take(200).collect(),
                "unit" => h.unit = v.parse().ok(),
                "os_eol" => h.os_eol = on,
                "office_eol" => h.office_eol = on,
                "silent" => h.silent = on,
                "page" => h.page = v.parse::<u32>().unwrap_or(0).min(100_000),
                _ => {}
            }
        }
        h
    }

    pub fn to_query(&self, page: Option<u32>) -> String {
        let mut p: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            p.push(("q", self.q.clone()));
        }
        if let Some(u) = self.unit {
            p.push(("unit", u.to_string()));
        }
        for (on, k) in [
            (self.os_eol, "os_eol"),
            (self.office_eol, "office_eol"),
            (self.silent, "silent"),
        ] {
            if on {
                p.push((k, "1".into()));
            }
        }
        if let Some(pg) = page {
            p.push(("page", pg.to_string()));
        }
        serde_urlencoded::to_string(&p).unwrap_or_default()
    }

    /// The store filter. The store has no Office end-of-life filter: with
    /// `office_eol` every host is fetched and [`HostsQuery::window`] filters
    /// and pages; otherwise the store pages (one row more than a page, to
    /// know whether a next page exists).
    pub fn to_filter(&self, silent_before: OffsetDateTime) -> antoan_store::HostFilter {
        let (limit, offset) = if self.office_eol {
            (0, 0)
        } else {
            (HOSTS_PAGE + 1, self.page.saturating_mul(HOSTS_PAGE))
        };
        antoan_store::HostFilter {
            q: (!self.q.is_empty()).then(|| self.q.clone()),
            os_eol: self.os_eol.then_some(true),
            silent_since: self.silent.then_some(silent_before),
            limit,
            offset,
            include_sites: false,
        }
    }

    /// The page (plus one row) of what the store gave for [`HostsQuery::to_filter`].
    pub fn window(&self, hosts: Vec<HostRow>) -> Vec<HostRow> {
        if !self.office_eol {
            return hosts;
        }
        let start = self.page as usize * HOSTS_PAGE as usize;
        hosts
            .into_iter()
            .filter(|h| h.office_eol)
            .skip(start)
            .take(HOSTS_PAGE as usize + 1)
            .collect()
    }
}

/// `/hosts`: every host in scope (or in one unit's subtree), with filters.
/// `hosts` is one page plus possibly one row (which says a next page exists).
pub fn hosts_page(
    ctx: &Ctx,
    query: &HostsQuery,
    unit: Option<&Unit>,
    units: &[Unit],
    hosts: &[HostRow],
    silent_before: OffsetDateTime,
) -> Markup {
    let more = hosts.len() > HOSTS_PAGE as usize;
    let rows = &hosts[..hosts.len().min(HOSTS_PAGE as usize)];
    let title = match unit {
        Some(u) => format!("{} — {}", ctx.tr(t::HOSTS), unit_name(u)),
        None => ctx.tr(t::HOSTS).to_string(),
    };
    page(
        ctx,
        &title,
        html! {
            form.filters method="get" action="/hosts" {
                label { (ctx.tr(t::SEARCH_HOSTS)) input type="search" name="q" value=(query.q); }
                label { (ctx.tr(t::UNIT))
                    select name="unit" {
                        option value="" { (ctx.tr(t::ALL_UNITS)) }
                        @for u in units { option value=(u.id) selected[query.unit == Some(u.id)] { (super::findings::unit_option_label(u)) } }
                    }
                }
                label.check { input type="checkbox" name="silent" value="1" checked[query.silent]; (ctx.tr(t::SILENT)) }
                label.check { input type="checkbox" name="os_eol" value="1" checked[query.os_eol]; (ctx.tr(t::OS_EOL)) }
                label.check { input type="checkbox" name="office_eol" value="1" checked[query.office_eol]; (ctx.tr(t::OFFICE_EOL)) }
                button type="submit" { (ctx.tr(t::FILTER)) }
                a href="/hosts" { (ctx.tr(t::RESET)) }
            }
            p.exports { a href={ "/hosts.csv?" (query.to_query(None)) } { (ctx.tr(t::EXPORT_CSV)) } }
            (hosts_table(ctx, rows, silent_before))
            div.pager {
                @if query.page > 0 { a rel="prev" href={ "/hosts?" (query.to_query(Some(query.page - 1))) } { "‹ " (ctx.tr(t::PREV_PAGE)) } }
                @if more { a rel="next" href={ "/hosts?" (query.to_query(Some(query.page + 1))) } { (ctx.tr(t::NEXT_PAGE)) " ›" } }
            }
        },
    )
}
