//! The page of one host: what its latest report says it runs, its open
//! findings and the reports it sent.

use std::collections::BTreeMap;

use antoan_model::{PackageManager, PasswordState, Report, ServiceState, WindowsRole};
use antoan_store::{FindingRow, HostRow, ReportMeta};
use maud::{html, Markup};
use time::OffsetDateTime;

use super::findings::findings_table;
use super::i18n::{self as t, with_n};
use super::layout::{fmt_opt_time, fmt_time, page, Ctx};

/// How many rows of a long inventory list are shown before "and N more".
const LIST_CAP: usize = 200;

/// The latest stored report, parsed, or why it could not be.
pub enum LatestReport {
    None,
    Unreadable(String),
    Parsed(Box<Report>),
}

impl LatestReport {
    /// Parses the stored report JSON (as the agent sent it). Never panics on
    /// bad bytes: the reason is kept and shown on the page.
    pub fn from_json(bytes: Option<&[u8]>) -> LatestReport {
        match bytes {
            None => LatestReport::None,
            Some(b) => match serde_json::from_slice::<Report>(b) {
                Ok(r) => LatestReport::Parsed(Box::new(r)),
                Err(e) => LatestReport::Unreadable(e.to_string()),
            },
        }
    }
}

fn pw_label(p: PasswordState) -> t::Tr {
    match p {
        PasswordState::Empty => t::PW_EMPTY,
        PasswordState::Locked => t::PW_LOCKED,
        PasswordState::Set => t::PW_SET,
        PasswordState::Unknown => t::PW_UNKNOWN,
    }
}

fn win_role(r: WindowsRole) -> t::Tr {
    match r {
        WindowsRole::Workstation => t::WIN_WORKSTATION,
        WindowsRole::MemberServer => t::WIN_MEMBER_SERVER,
        WindowsRole::DomainController => t::WIN_DC,
        WindowsRole::Unknown => t::PW_UNKNOWN,
    }
}

fn more(ctx: &Ctx, total: usize) -> Markup {
    html! {
        @if total > LIST_CAP { p.muted { (with_n(t::MORE_ITEMS, ctx.lang, total - LIST_CAP)) } }
    }
}

/// The inventory summary of a report.
pub fn inventory_summary(ctx: &Ctx, r: &Report) -> Markup {
    let inv = &r.inventory;
    let mut by_manager: BTreeMap<&'static str, usize> = BTreeMap::new();
    for p in &inv.packages {
        let m = match p.manager {
            PackageManager::Dpkg => "dpkg",
            PackageManager::Rpm => "rpm",
            PackageManager::Windows => "windows",
        };
        *by_manager.entry(m).or_default() += 1;
    }
    let interactive: Vec<_> = inv
        .accounts
        .iter()
        .filter(|a| a.interactive || a.uid == 0)
        .collect();
    let enabled: Vec<_> = inv
        .services
        .iter()
        .filter(|s| s.state == ServiceState::Enabled)
        .collect();
    let win = inv.windows.as_ref();
    html! {
        dl.facts {
            dt { (ctx.tr(t::OS)) }
            dd { (r.host.os.name) " " (r.host.os.version)
                 @if !r.host.os.edition.is_empty() { " (" (r.host.os.edition) ")" } }
            @if !r.host.os.build.is_empty() { dt { (ctx.tr(t::BUILD)) } dd { (r.host.os.build) } }
            @if !r.host.architecture.is_empty() { dt { (ctx.tr(t::ARCHITECTURE)) } dd { (r.host.architecture) } }
            @if let Some(k) = &inv.kernel { @if !k.running.is_empty() { dt { (ctx.tr(t::KERNEL)) } dd { (k.running) } } }
            @if let Some(w) = win {
                @if !w.domain.is_empty() { dt { (ctx.tr(t::DOMAIN)) } dd { (w.domain) } }
                @if w.role != WindowsRole::Unknown { dt { (ctx.tr(t::ROLE_WINDOWS)) } dd { (win_role(w.role).get(ctx.lang)) } }
            }
            dt { (ctx.tr(t::PACKAGES)) }
            dd {
                (inv.packages.len())
                @if !by_manager.is_empty() {
                    " ("
                    @for (i, (m, n)) in by_manager.iter().enumerate() { @if i > 0 { ", " } (m) ": " (n) }
                    ")"
                }
            }
            dt { (ctx.tr(t::ACCOUNTS)) } dd { (inv.accounts.len() + win.map_or(0, |w| w.accounts.len())) }
            dt { (ctx.tr(t::SERVICES)) } dd { (inv.services.len() + win.map_or(0, |w| w.services.len())) }
            dt { (ctx.tr(t::GENERATED_AT)) } dd { (r.generated_at) }
        }
        div.cols {
            @if !interactive.is_empty() {
                section {
                    h3 { (ctx.tr(t::INTERACTIVE_ACCOUNTS)) " (" (interactive.len()) ")" }
                    table { thead { tr { th { (ctx.tr(t::NAME)) } th.num { "UID" } th { (ctx.tr(t::PASSWORD_STATE)) } } }
                        tbody { @for a in interactive.iter().take(LIST_CAP) {
                            tr { td.wrap { (a.name) } td.num { (a.uid) }
                                 td class=[(a.password == PasswordState::Empty).then_some("bad")] { (ctx.tr(pw_label(a.password))) } }
                        } } }
                    (more(ctx, interactive.len()))
                }
            }
            @if !enabled.is_empty() {
                section {
                    h3 { (ctx.tr(t::ENABLED_SERVICES)) " (" (enabled.len()) ")" }
                    p.wrap { @for (i, s) in enabled.iter().take(LIST_CAP).enumerate() { @if i > 0 { ", " } code { (s.name) } } }
                    (more(ctx, enabled.len()))
                }
            }
            @if let Some(l) = &inv.listening {
                @if !l.is_empty() {
                    section {
                        h3 { (ctx.tr(t::LISTENING)) " (" (l.len()) ")" }
                        table { tbody { @for s in l.iter().take(LIST_CAP) {
                            tr { td { (s.proto) } td.wrap { (s.address) ":" (s.port) } td.wrap { (s.process) } }
                        } } }
                        (more(ctx, l.len()))
                    }
                }
            }
            @if let Some(w) = win {
                @if !w.accounts.is_empty() {
                    section {
                        h3 { (ctx.tr(t::ACCOUNTS)) " (Windows, " (w.accounts.len()) ")" }
                        table { thead { tr { th { (ctx.tr(t::NAME)) } th { (ctx.tr(t::STATUS)) } } }
                            tbody { @for a in w.accounts.iter().take(LIST_CAP) {
                                tr { td.wrap { (a.name) } td { @if a.enabled { (ctx.tr(t::ENABLED)) } @else { (ctx.tr(t::DISABLED)) } } }
                            } } }
                        (more(ctx, w.accounts.len()))
                    }
                }
                @if !w.office.is_empty() {
                    section {
                        h3 { (ctx.tr(t::OFFICE)) }
                        ul { @for o in &w.office { li { "Office " (o.release) " " (o.version) " (" (o.kind) ")" } } }
                    }
                }
            }
        }
        @if let Some(w) = win {
            @if !w.programs.is_empty() {
                h3 { (ctx.tr(t::WINDOWS_PROGRAMS)) " (" (w.programs.len()) ")" }
                table {
                    thead { tr { th { (ctx.tr(t::NAME)) } th { (ctx.tr(t::VERSION)) } th { (ctx.tr(t::PUBLISHER)) } } }
                    tbody { @for p in w.programs.iter().take(LIST_CAP) {
                        tr { td.wrap { (p.name) } td.wrap { (p.version) } td.wrap { (p.publisher) } }
                    } }
                }
                (more(ctx, w.programs.len()))
            }
        }
    }
}

/// `/hosts/{id}`. `findings` are the host's unfixed findings.
#[allow(dead_code)]
pub fn host_page(
    ctx: &Ctx,
    host: &HostRow,
    latest: &LatestReport,
    findings: &[FindingRow],
    reports: &[ReportMeta],
    silent_before: OffsetDateTime,
) -> Markup {
    host_page_with(
        ctx,
        host,
        latest,
        findings,
        reports,
        silent_before,
        html! {},
    )
}

/// [`host_page`] with a section after the facts (the host's marks: state secret, handovers).
pub fn host_page_with(
    ctx: &Ctx,
    host: &HostRow,
    latest: &LatestReport,
    findings: &[FindingRow],
    reports: &[ReportMeta],
    silent_before: OffsetDateTime,
    marks: Markup,
) -> Markup {
    let silent = host.last_seen.is_none_or(|s| s < silent_before);
    page(
        ctx,
        &host.hostname,
        html! {
            p.crumbs {
                a href="/" { (ctx.tr(t::NAV_OVERVIEW)) } " › "
                a href={ "/units/" (host.unit_id) } { (host.unit_path) } " › " (host.hostname)
            }
            @if host.state_secret { p { span.flag { (ctx.tr(t::STATE_SECRET_FLAG)) } " " (ctx.tr(t::STATE_SECRET_ON)) } }
            dl.facts {
                dt { (ctx.tr(t::UNIT)) } dd { (host.unit_path) }
                dt { (ctx.tr(t::OS)) } dd {
                    (host.os_name) " " (host.os_version)
                    @if host.os_eol { " " span.flag { (ctx.tr(t::OS_EOL)) } }
                    @if host.office_eol { " " span.flag { (ctx.tr(t::OFFICE_EOL)) } }
                }
                dt { (ctx.tr(t::LAST_SEEN)) } dd class=[silent.then_some("error")] {
                    (fmt_opt_time(host.last_seen, ctx.lang))
                    @if silent { " — " (ctx.tr(t::SILENT)) }
                }
                dt { (ctx.tr(t::SCORE)) } dd { @if let Some(s) = host.score { (s) "/100" } @else { "—" } }
                dt { (ctx.tr(t::OPEN_TOTAL)) } dd { (host.open_total) " (" (ctx.tr(t::CRITICAL_OPEN)) ": " (host.open_critical) ", " (ctx.tr(t::HIGH_OPEN)) ": " (host.open_high) ")" }
            }
            @if let Some(rid) = host.last_report_id {
                p.exports {
                    a href={ "/hosts/" (host.id) "/report.html?lang=" (ctx.lang.code()) } { (ctx.tr(t::REPORT_HTML)) } " · "
                    a href={ "/hosts/" (host.id) "/report.pdf?lang=" (ctx.lang.code()) } { (ctx.tr(t::REPORT_PDF)) } " · "
                    a href={ "/api/v1/reports/" (rid) } { (ctx.tr(t::REPORT_JSON)) }
                }
            }
            (marks)
            h2 { (ctx.tr(t::FINDINGS)) " (" (findings.len()) ")" }
            @if findings.is_empty() {
                p.muted { (ctx.tr(t::NO_FINDINGS_HOST)) }
            } @else {
                p.exports { a href={ "/findings.csv?host=" (host.id) } { (ctx.tr(t::EXPORT_CSV)) } }
                (findings_table(ctx, findings, false, false))
            }
            h2 { (ctx.tr(t::INVENTORY)) }
            @match latest {
                LatestReport::None => p.muted { (ctx.tr(t::NO_REPORT)) },
                LatestReport::Unreadable(why) => p.error { (ctx.tr(t::REPORT_UNREADABLE)) ": " (why) },
                LatestReport::Parsed(r) => (inventory_summary(ctx, r)),
            }
            h2 { (ctx.tr(t::REPORT_HISTORY)) }
            @if reports.is_empty() {
                p.muted { (ctx.tr(t::NO_REPORT)) }
            } @else {
                table {
                    thead { tr {
                        th.num { (ctx.tr(t::SEQ)) } th { (ctx.tr(t::GENERATED_AT)) } th { (ctx.tr(t::RECEIVED_AT)) }
                        th.num { (ctx.tr(t::SCORE)) } th.num { (ctx.tr(t::OPEN_FINDINGS_COUNT)) } th { (ctx.tr(t::REPORT_JSON)) }
                    } }
                    tbody { @for m in reports {
                        tr {
                            td.num { (m.seq) } td { (m.generated_at) } td { (fmt_time(m.received_at)) }
                            td.num { @if let Some(s) = m.score { (s) } @else { "—" } }
                            td.num { (m.findings_open) }
                            td { a href={ "/api/v1/reports/" (m.id) } { "JSON" } }
                        }
                    } }
                }
            }
        },
    )
}
