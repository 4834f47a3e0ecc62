//! The report as one self-contained HTML page: inline CSS, no script, no
//! outside asset, printable. Every value goes through `maud`'s escaping; the
//! only unescaped strings are the constant style sheet below.

use antoan_model::{Account, Finding, FindingStatus, Lang, Report, ServiceState, Severity};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::labels::{self as lb};
use crate::terminal::not_assessed_items;

const CSS: &str = include_str!("report.css");

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "sev sev-critical",
        Severity::High => "sev sev-high",
        Severity::Medium => "sev sev-medium",
        Severity::Low => "sev sev-low",
        Severity::Info => "sev sev-info",
    }
}

fn score_class(v: u8) -> &'static str {
    match v {
        0..=49 => "score score-bad",
        50..=79 => "score score-warn",
        _ => "score score-good",
    }
}

fn badge(s: Severity, lang: Lang) -> Markup {
    html! { span class=(sev_class(s)) { (lb::severity(s, lang)) } }
}

/// A reference as a link when it is a web address, else as text.
fn reference(r: &str) -> Markup {
    let is_web =
        (r.starts_with("https://") || r.starts_with("http://")) && !r.contains(char::is_whitespace);
    html! {
        @if is_web { a href=(r) rel="noreferrer noopener" { (r) } } @else { (r) }
    }
}

/// Text where `backquoted` parts (commands, file contents) are shown as
/// code, as policy authors write them. An unpaired backquote stays as is.
fn with_code_spans(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    let n = parts.len();
    // With an odd number of backquotes the last one has no partner.
    let is_code = |i: usize| i % 2 == 1 && !((n - 1) % 2 == 1 && i == n - 1);
    html! {
        @for (i, part) in parts.iter().enumerate() {
            @if is_code(i) { code { (part) } }
            @else if i % 2 == 1 { "`" (part) }
            @else { (part) }
        }
    }
}

/// Renders the report as a self-contained HTML document in `lang`.
pub fn render_html(report: &Report, lang: Lang) -> String {
    let host = if report.host.hostname.is_empty() {
        lb::UNKNOWN.get(lang)
    } else {
        report.host.hostname.as_str()
    };
    let page_title = format!(
        "{} — {} — {}",
        lb::TITLE.get(lang),
        host,
        report.generated_at
    );
    let doc = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("{} {}", report.tool.name, report.tool.version));
                title { (page_title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (header(report, lang, host))
                main {
                    (summary(report, lang))
                    (findings(report, lang))
                    (not_assessed(report, lang))
                    (inventory(report, lang))
                }
                footer {
                    (lb::GENERATED_BY.get(lang)) " " (report.tool.name) " " (report.tool.version)
                    " · " (lb::SCHEMA_VERSION.get(lang)) " " (report.schema_version)
                    " · " (report.generated_at)
                }
            }
        }
    };
    // The markup and labels hold no control character; any in the page came
    // from the host. Showing them as visible escapes stops bidirectional
    // overrides from disguising a name (`exe.txt` that is `txt.exe`).
    let mut s = line_breaks(&crate::clean::block(&doc.into_string()));
    s.push('\n');
    s
}

/// Block-level tags that start a new line in the output, so that a change of
/// report reads as a small diff. Outside text is escaped, so a `<` in the
/// page always starts one of our own tags, and `pre` holds only text: the
/// inserted newlines never change what is shown.
const LINE_TAGS: [&str; 20] = [
    "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "h1", "h2",
    "h3", "p", "dl", "table", "thead", "tbody", "tfoot", "tr", "details",
];

fn line_breaks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i + 1..];
        let name_end = tag
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '/')
            .unwrap_or(tag.len());
        let name = tag[..name_end].trim_start_matches('/');
        let closing_block =
            tag.starts_with("/body") || tag.starts_with("/html") || tag.starts_with("/section");
        let starts_line = (LINE_TAGS.contains(&name) && !tag.starts_with('/')) || closing_block;
        if starts_line && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('<');
        rest = tag;
    }
    out.push_str(rest);
    out
}

fn header(report: &Report, lang: Lang, host: &str) -> Markup {
    let v = report.score.value;
    let s = &report.summary;
    let kernel = lb::kernel(report);
    html! {
        header.report-head {
            div.head-main {
                p.brand { (report.tool.name) " · " (lb::TITLE.get(lang)) }
                h1 { (host) }
                dl.facts {
                    dt { (lb::OS.get(lang)) } dd { (lb::os_line(&report.host.os, lang)) }
                    @if !kernel.is_empty() { dt { (lb::kernel_label(report).get(lang)) } dd { (kernel) } }
                    @if !report.host.architecture.is_empty() {
                        dt { (lb::ARCH.get(lang)) } dd { (report.host.architecture) }
                    }
                    dt { (lb::SOURCE.get(lang)) } dd { (lb::source(report, lang)) }
                    dt { (lb::GENERATED.get(lang)) } dd { (report.generated_at) }
                    dt { (lb::KNOWLEDGE.get(lang)) } dd { (lb::knowledge_line(report, lang)) }
                }
            }
            div class=(score_class(v)) {
                div.score-label { (lb::SCORE.get(lang)) }
                div.score-value { (v) span.score-of { "/100" } }
                div.bar { div.bar-fill style=(format!("width:{v}%")) {} }
                @if let Some(note) = lb::cap_note(report) { div.score-note { (note.get(lang)) } }
                div.score-note { (s.checks_run) "/" (s.checks_run + s.not_assessed) " " (lb::ASSESSED_OF.get(lang)) }
                @if s.checks_run == 0 { div.score-note { (lb::NO_CHECK_RAN.get(lang)) } }
            }
        }
        section.drivers {
            h2 { (lb::DRIVERS.get(lang)) }
            @if report.score.drivers.is_empty() {
                p.muted { (lb::NO_DRIVERS.get(lang)) }
            } @else {
                table {
                    thead { tr {
                        th.num { (lb::POINTS_H.get(lang)) } th { (lb::SEVERITY.get(lang)) }
                        th { (lb::TITLE_COL.get(lang)) } th { (lb::CHECK.get(lang)) }
                    } }
                    tbody {
                        @for d in &report.score.drivers {
                            tr {
                                td.num { "−" (format!("{:.1}", d.points)) }
                                td { (badge(d.severity, lang)) }
                                td { (d.title.get(lang)) }
                                td { code { (d.check) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn summary(report: &Report, lang: Lang) -> Markup {
    let s = &report.summary;
    let rows = [
        (Severity::Critical, s.critical),
        (Severity::High, s.high),
        (Severity::Medium, s.medium),
        (Severity::Low, s.low),
        (Severity::Info, s.info),
    ];
    let total = s.critical + s.high + s.medium + s.low + s.info;
    html! {
        section #summary.summary {
            h2 { (lb::SUMMARY.get(lang)) }
            div.twocol {
                table.counts {
                    caption { (lb::OPEN_FINDINGS.get(lang)) }
                    thead { tr { th { (lb::SEVERITY.get(lang)) } th.num { (lb::COUNT.get(lang)) } } }
                    tbody {
                        @for (sev, n) in rows {
                            tr class=@if n == 0 { "zero" } {
                                td { (badge(sev, lang)) } td.num { (n) }
                            }
                        }
                    }
                    tfoot { tr { th { (lb::FINDINGS.get(lang)) } th.num { (total) } } }
                }
                table.counts {
                    caption { (lb::CHECKS.get(lang)) }
                    thead { tr { th { (lb::STATE.get(lang)) } th.num { (lb::COUNT.get(lang)) } } }
                    tbody {
                        tr { td { (lb::PASSED.get(lang)) } td.num { (s.passed) } }
                        tr { td { (lb::FAILED.get(lang)) } td.num { (s.failed) } }
                        tr { td { (lb::NOT_ASSESSED_LC.get(lang)) } td.num { (s.not_assessed) } }
                        tr { td { (lb::NOT_APPLICABLE_LC.get(lang)) } td.num { (s.not_applicable) } }
                    }
                    tfoot { tr { th { (lb::CHECKS_RUN.get(lang)) } th.num { (s.checks_run) } } }
                }
            }
        }
    }
}

fn findings(report: &Report, lang: Lang) -> Markup {
    let open: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    // Numbered in the order shown: by severity, then as given.
    let ordered: Vec<(usize, Severity, &Finding)> = Severity::ALL
        .iter()
        .flat_map(|sev| open.iter().filter(move |f| f.severity == *sev))
        .enumerate()
        .map(|(i, f)| (i + 1, f.severity, *f))
        .collect();
    html! {
        section #findings.findings {
            h2 { (lb::FINDINGS.get(lang)) " (" (open.len()) ")" }
            @if open.is_empty() { p.muted { (lb::NO_FINDINGS.get(lang)) } }
            @for sev in Severity::ALL {
                @let group: Vec<&(usize, Severity, &Finding)> = ordered.iter().filter(|(_, s, _)| *s == sev).collect();
                @if !group.is_empty() {
                    h3 { (badge(sev, lang)) " " span.count { (group.len()) } }
                    table.findings-table {
                        thead { tr {
                            th.num { "#" } th.col-title { (lb::FINDING_COL.get(lang)) }
                            th.col-ev { (lb::EVIDENCE.get(lang)) } th.col-rem { (lb::REMEDIATION.get(lang)) }
                        } }
                        tbody {
                            @for (n, _, f) in group {
                                (finding_row(f, *n, lang))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn finding_row(f: &Finding, n: usize, lang: Lang) -> Markup {
    html! {
        tr id=(f.id) {
            td.num { (n) }
            td {
                div.ftitle { (f.title.get(lang)) }
                div.meta { code { (f.id) } " · " code { (f.check) } " · " (lb::kind(f.kind).get(lang)) }
                div.subject { span.k { (lb::SUBJECT.get(lang)) ": " } (f.subject) }
                @if !f.attributes.is_empty() {
                    dl.attrs {
                        @for (k, v) in &f.attributes { dt { (k) } dd { (v) } }
                    }
                }
            }
            td {
                @if f.evidence.is_empty() { span.muted { "—" } }
                @for e in &f.evidence {
                    div.ev {
                        @if !e.source.is_empty() { div.ev-src { code { (e.source) } } }
                        pre { (e.observed) }
                    }
                }
            }
            td {
                div.rem { (with_code_spans(f.remediation.get(lang))) }
                @if !f.controls.is_empty() {
                    div.meta { span.k { (lb::CONTROLS.get(lang)) ": " }
                        @for (i, c) in f.controls.iter().enumerate() {
                            @if i > 0 { ", " } span.ctl { (c) }
                        }
                    }
                }
                @if !f.references.is_empty() {
                    div.meta { span.k { (lb::REFERENCES.get(lang)) ": " }
                        @for (i, r) in f.references.iter().enumerate() {
                            @if i > 0 { ", " } (reference(r))
                        }
                    }
                }
            }
        }
    }
}

fn not_assessed(report: &Report, lang: Lang) -> Markup {
    let items = not_assessed_items(report);
    html! {
        section #not-assessed.not-assessed {
            h2 { (lb::NOT_ASSESSED.get(lang)) " (" (items.len()) ")" }
            @if items.is_empty() {
                p.muted { (lb::NOTHING_NOT_ASSESSED.get(lang)) }
            } @else {
                table {
                    thead { tr {
                        th { (lb::CHECK.get(lang)) } th { (lb::SEVERITY.get(lang)) }
                        th { (lb::TITLE_COL.get(lang)) } th { (lb::REASON.get(lang)) }
                    } }
                    tbody {
                        @for it in &items {
                            tr {
                                td { code { (it.check) } }
                                td { (badge(it.severity, lang)) }
                                td {
                                    @if let Some(t) = it.title { (t.get(lang)) }
                                    @if !it.subject.is_empty() { div.meta { span.k { (lb::SUBJECT.get(lang)) ": " } (it.subject) } }
                                }
                                td.reason {
                                    @match it.reason {
                                        Some(r) if !r.get(lang).trim().is_empty() => { (r.get(lang)) }
                                        _ => { span.muted { (lb::NO_REASON.get(lang)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Accounts a reader cares about first: people, and anything that can log in
/// or has a password.
fn notable(a: &Account) -> bool {
    !a.system
        || a.interactive
        || matches!(
            a.password,
            antoan_model::PasswordState::Set | antoan_model::PasswordState::Empty
        )
}

fn accounts_table(accounts: &[&Account], lang: Lang) -> Markup {
    html! {
        table {
            thead { tr {
                th { (lb::NAME.get(lang)) } th.num { "UID" } th { (lb::SHELL.get(lang)) }
                th { (lb::INTERACTIVE.get(lang)) } th { (lb::PASSWORD.get(lang)) } th { (lb::GROUPS.get(lang)) }
                th { (lb::SYSTEM.get(lang)) }
            } }
            tbody {
                @for a in accounts {
                    tr {
                        td { code { (a.name) } } td.num { (a.uid) } td { code { (a.shell) } }
                        td { (lb::yes_no(a.interactive, lang)) }
                        td class=@if a.password == antoan_model::PasswordState::Empty { "bad" } {
                            (lb::password_state(a.password).get(lang))
                            @if !a.hash_scheme.is_empty() { " (" (a.hash_scheme) ")" }
                        }
                        td { (a.groups.join(", ")) }
                        td { (lb::yes_no(a.system, lang)) }
                    }
                }
            }
        }
    }
}

fn inventory(report: &Report, lang: Lang) -> Markup {
    let inv = &report.inventory;
    let os = &report.host.os;
    let (people, others): (Vec<&Account>, Vec<&Account>) =
        inv.accounts.iter().partition(|a| notable(a));
    let enabled: Vec<_> = inv
        .services
        .iter()
        .filter(|s| s.state == ServiceState::Enabled)
        .collect();
    html! {
        section #inventory.inventory {
            h2 { (lb::INVENTORY.get(lang)) }

            h3 { (lb::OS.get(lang)) }
            table.kv {
                tr { th { (lb::NAME.get(lang)) } td { (lb::os_line(os, lang)) } }
                @if !os.id.is_empty() { tr { th { "ID" } td { code { (os.id) } @for l in &os.id_like { " " code { (l) } } } } }
                @if !os.build.is_empty() { tr { th { "Build" } td { (os.build) } } }
                @if !report.host.architecture.is_empty() { tr { th { (lb::ARCH.get(lang)) } td { (report.host.architecture) } } }
                @if let Some(k) = &inv.kernel {
                    tr { th { (lb::RUNNING.get(lang)) } td {
                        @if k.running.is_empty() { (lb::OFFLINE.get(lang)) } @else { code { (k.running) } }
                    } }
                    @if !k.installed.is_empty() {
                        tr { th { (lb::INSTALLED_KERNELS.get(lang)) } td { (k.installed.join(", ")) } }
                    }
                }
                tr { th { (lb::REBOOT_REQUIRED.get(lang)) } td { (lb::yes_no(inv.boot.reboot_required, lang)) } }
            }

            h3 { (lb::PACKAGES.get(lang)) " (" (inv.packages.len()) ")" }
            @if inv.packages.is_empty() { p.muted { (lb::NONE.get(lang)) } } @else {
                details {
                    summary { (inv.packages.len()) " " (lb::PACKAGES_SHOW.get(lang)) }
                    table.packages {
                        thead { tr {
                            th { (lb::NAME.get(lang)) } th { (lb::VERSION.get(lang)) } th { (lb::ARCH.get(lang)) }
                            th { (lb::MANAGER.get(lang)) }
                        } }
                        tbody {
                            @for p in &inv.packages {
                                tr {
                                    td { code { (p.name) } } td { code { (p.version) } } td { (p.arch) }
                                    td { (format!("{:?}", p.manager).to_lowercase()) }
                                }
                            }
                        }
                    }
                }
            }

            h3 { (lb::ACCOUNTS.get(lang)) " (" (inv.accounts.len()) ")" }
            @if inv.accounts.is_empty() { p.muted { (lb::NONE.get(lang)) } }
            @if !people.is_empty() { (accounts_table(&people, lang)) }
            @if !others.is_empty() {
                details {
                    summary { (others.len()) " " (lb::MORE.get(lang)) " (" (lb::SYSTEM.get(lang).to_lowercase()) ")" }
                    (accounts_table(&others, lang))
                }
            }
            @if !inv.sudo.is_empty() {
                table {
                    caption { "sudo" }
                    thead { tr { th { (lb::NAME.get(lang)) } th { (lb::SOURCE.get(lang)) } th { "NOPASSWD" } th { "ALL" } } }
                    tbody {
                        @for r in &inv.sudo {
                            tr {
                                td { code { (r.principal) } } td { code { (r.source) } }
                                td class=@if r.nopasswd { "bad" } { (lb::yes_no(r.nopasswd, lang)) }
                                td { (lb::yes_no(r.all_commands, lang)) }
                            }
                        }
                    }
                }
            }

            h3 { (lb::LISTENING.get(lang)) }
            @match &inv.listening {
                None => { p.muted { (lb::NOT_COLLECTED_OFFLINE.get(lang)) } }
                Some(socks) if socks.is_empty() => { p.muted { (lb::NONE.get(lang)) } }
                Some(socks) => {
                    table {
                        thead { tr {
                            th { (lb::PROTO.get(lang)) } th { (lb::ADDRESS.get(lang)) } th.num { (lb::PORT.get(lang)) }
                            th { (lb::PROCESS.get(lang)) }
                        } }
                        tbody {
                            @for s in socks {
                                tr { td { (s.proto) } td { code { (s.address) } } td.num { (s.port) } td { (s.process) } }
                            }
                        }
                    }
                }
            }

            h3 { (lb::SERVICES.get(lang)) " (" (enabled.len()) " " (lb::ENABLED.get(lang)) " / " (inv.services.len()) ")" }
            @if inv.services.is_empty() { p.muted { (lb::NONE.get(lang)) } } @else {
                p.chips { @for s in &enabled { span.chip { (s.name) } " " } }
                details {
                    summary { (lb::SERVICES.get(lang)) " (" (inv.services.len()) ")" }
                    table {
                        thead { tr { th { (lb::NAME.get(lang)) } th { (lb::STATE.get(lang)) } th { (lb::SOURCE.get(lang)) } } }
                        tbody {
                            @for s in &inv.services {
                                tr { td { code { (s.name) } } td { (lb::service_state(s.state).get(lang)) } td { code { (s.unit_file) } } }
                            }
                        }
                    }
                }
            }

            h3 { (lb::FIREWALL.get(lang)) }
            table.kv {
                tr { th { (lb::ACTIVE.get(lang)) } td class=@if !inv.firewall.active { "bad" } { (lb::yes_no(inv.firewall.active, lang)) } }
            }
            @if !inv.firewall.frontends.is_empty() {
                table {
                    thead { tr {
                        th { (lb::NAME.get(lang)) } th { (lb::ENABLED_H.get(lang)) } th.num { (lb::RULES.get(lang)) }
                        th { (lb::DEFAULT_INPUT.get(lang)) } th { (lb::SOURCE.get(lang)) }
                    } }
                    tbody {
                        @for fw in &inv.firewall.frontends {
                            tr {
                                td { (fw.name) } td { (lb::yes_no(fw.enabled, lang)) } td.num { (fw.rules) }
                                td { (fw.default_input) } td { code { (fw.source) } }
                            }
                        }
                    }
                }
            }

            h3 { (lb::UPDATES.get(lang)) }
            table.kv {
                tr { th { (lb::MECHANISM.get(lang)) } td {
                    @if inv.updates.mechanism.is_empty() { (lb::NONE.get(lang)) } @else { (inv.updates.mechanism) }
                } }
                tr { th { (lb::ENABLED_H.get(lang)) } td { (lb::yes_no(inv.updates.enabled, lang)) } }
            }

            h3 { (lb::ANTIVIRUS.get(lang)) }
            @if inv.antivirus.is_empty() { p.muted { (lb::NONE.get(lang)) } } @else {
                table {
                    thead { tr {
                        th { (lb::NAME.get(lang)) } th { (lb::SOURCE.get(lang)) } th { (lb::REALTIME.get(lang)) }
                        th { (lb::SIGNATURES.get(lang)) }
                    } }
                    tbody {
                        @for a in &inv.antivirus {
                            tr {
                                td { (a.name) } td { code { (a.source) } }
                                td { @match a.realtime { Some(b) => { (lb::yes_no(b, lang)) } None => { (lb::UNKNOWN.get(lang)) } } }
                                td { @match &a.signature_date { Some(d) => { (d) } None => { (lb::UNKNOWN.get(lang)) } } }
                            }
                        }
                    }
                }
            }

            h3 { (lb::TIME_SYNC.get(lang)) }
            table.kv {
                tr { th { (lb::SERVICES.get(lang)) } td {
                    @if inv.time_sync.service.is_empty() { (lb::NONE.get(lang)) } @else { (inv.time_sync.service) }
                } }
                tr { th { (lb::ENABLED_H.get(lang)) } td { (lb::yes_no(inv.time_sync.enabled, lang)) } }
                tr { th { (lb::SERVERS.get(lang)) } td {
                    @if inv.time_sync.servers.is_empty() { (lb::NONE.get(lang)) } @else { (inv.time_sync.servers.join(", ")) }
                } }
            }

            @if !inv.collection.is_empty() {
                h3 { (lb::COLLECTION.get(lang)) }
                table {
                    thead { tr { th { (lb::COLLECTOR.get(lang)) } th { (lb::STATE.get(lang)) } th { (lb::REASON.get(lang)) } } }
                    tbody {
                        @for c in &inv.collection {
                            tr {
                                td { code { (c.collector) } }
                                td class=@if c.status == antoan_model::CollectorStatus::Error { "bad" } { (lb::collector_status(c.status).get(lang)) }
                                td.reason { (c.reason) }
                            }
                        }
                    }
                }
            }

            h3 { (lb::KNOWLEDGE.get(lang)) }
            @if report.knowledge.is_empty() { p.muted { (lb::NONE.get(lang)) } } @else {
                table {
                    thead { tr { th { (lb::NAME.get(lang)) } th { (lb::VERSION.get(lang)) } th { (lb::DATE.get(lang)) } th { "SHA-256" } } }
                    tbody {
                        @for k in &report.knowledge {
                            tr {
                                td { (k.name) } td { (k.version) } td { (k.date) }
                                td { code { (k.sha256.chars().take(12).collect::<String>()) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_code_spans;

    #[test]
    fn backquotes_become_code() {
        assert_eq!(
            with_code_spans("run `a && b` now").into_string(),
            "run <code>a &amp;&amp; b</code> now"
        );
        assert_eq!(with_code_spans("`x`").into_string(), "<code>x</code>");
        assert_eq!(with_code_spans("odd ` one").into_string(), "odd ` one");
        assert_eq!(
            with_code_spans("`a` and `b").into_string(),
            "<code>a</code> and `b"
        );
        assert_eq!(
            with_code_spans("<b>`<i>`").into_string(),
            "&lt;b&gt;<code>&lt;i&gt;</code>"
        );
    }
}
