//! The report as a person reads it in a terminal: about 100 columns, ANSI
//! colour only when asked for, every outside string made safe to print.

use std::fmt::Write as _;

use antoan_model::{CheckOutcome, Finding, FindingStatus, Lang, Report, Severity};
use unicode_width::UnicodeWidthStr;

use crate::clean;
use crate::labels as lb;

/// Total width the renderer aims at.
pub const WIDTH: usize = 100;
const BAR_CELLS: usize = 30;
/// Indent of a finding's body.
const BODY: usize = 6;

#[derive(Clone, Copy)]
struct Paint {
    on: bool,
}

impl Paint {
    fn style(self, code: &str, s: &str) -> String {
        if self.on && !s.is_empty() {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.style("1", s)
    }
    fn dim(self, s: &str) -> String {
        self.style("2", s)
    }
    fn sev(self, sev: Severity, s: &str) -> String {
        self.style(sev_code(sev), s)
    }
}

fn sev_code(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "1;91",
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;36",
        Severity::Info => "1;34",
    }
}

fn score_code(v: u8) -> &'static str {
    match v {
        0..=49 => "1;31",
        50..=79 => "1;33",
        _ => "1;32",
    }
}

fn w(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    for _ in w(s)..width {
        out.push(' ');
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let opts = textwrap::Options::new(width.max(20))
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, opts)
        .into_iter()
        .map(|c| c.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// `indent` + `label` padded to `label_w` + value wrapped to the width, with
/// following lines aligned under the value. `style` colours the value.
fn field(
    out: &mut String,
    indent: usize,
    label: &str,
    label_w: usize,
    value: &str,
    style: impl Fn(&str) -> String,
) {
    let lead = " ".repeat(indent);
    let gap = label_w + 2;
    let avail = WIDTH.saturating_sub(indent + gap);
    for (i, l) in wrap(value, avail).iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{lead}{}{}", pad(label, gap), style(l));
        } else {
            let _ = writeln!(out, "{lead}{}{}", " ".repeat(gap), style(l));
        }
    }
}

/// A paragraph wrapped at the width, every line indented.
fn para(out: &mut String, indent: usize, text: &str, style: impl Fn(&str) -> String) {
    let lead = " ".repeat(indent);
    for l in wrap(text, WIDTH.saturating_sub(indent)) {
        let _ = writeln!(out, "{lead}{}", style(&l));
    }
}

fn rule(out: &mut String, c: char) {
    out.extend(std::iter::repeat_n(c, WIDTH));
    out.push('\n');
}

fn heading(out: &mut String, p: Paint, text: &str) {
    out.push('\n');
    let _ = writeln!(out, "{}", p.bold(&text.to_uppercase()));
    rule(out, '─');
}

fn bar(value: u8) -> String {
    let filled = (usize::from(value.min(100)) * BAR_CELLS + 50) / 100;
    let mut s = String::with_capacity(BAR_CELLS * 3);
    s.extend(std::iter::repeat_n('█', filled));
    s.extend(std::iter::repeat_n('░', BAR_CELLS - filled));
    s
}

/// Renders the report for a terminal. `color` adds ANSI styles; the caller
/// decides (a TTY, and `NO_COLOR` unset).
pub fn render_terminal(report: &Report, lang: Lang, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::with_capacity(8 * 1024);
    header(&mut out, report, lang, p);
    score_block(&mut out, report, lang, p);
    findings(&mut out, report, lang, p);
    not_assessed(&mut out, report, lang, p);
    summary(&mut out, report, lang, p);
    out
}

fn header(out: &mut String, report: &Report, lang: Lang, p: Paint) {
    let tool = format!(
        "{} {}",
        clean::line(&report.tool.name),
        clean::line(&report.tool.version)
    );
    let _ = writeln!(
        out,
        "{} · {}",
        p.bold(tool.trim()),
        p.bold(lb::TITLE.get(lang))
    );
    rule(out, '═');
    let labels = [
        lb::HOST,
        lb::OS,
        lb::KERNEL,
        lb::BUILD,
        lb::SOURCE,
        lb::GENERATED,
        lb::KNOWLEDGE,
        lb::SCORE,
        lb::DRIVERS,
    ];
    let lw = labels.iter().map(|l| w(l.get(lang))).max().unwrap_or(0);

    let host = if report.host.hostname.is_empty() {
        lb::UNKNOWN.get(lang).to_string()
    } else {
        report.host.hostname.clone()
    };
    field(out, 0, lb::HOST.get(lang), lw, &clean::line(&host), |s| {
        p.bold(s)
    });
    field(
        out,
        0,
        lb::OS.get(lang),
        lw,
        &clean::line(&lb::os_line(&report.host.os, lang)),
        |s| s.to_string(),
    );
    let mut kernel = lb::kernel(report);
    if !report.host.architecture.is_empty() {
        if !kernel.is_empty() {
            kernel.push_str(" · ");
        }
        kernel.push_str(&report.host.architecture);
    }
    if !kernel.is_empty() {
        field(
            out,
            0,
            lb::kernel_label(report).get(lang),
            lw,
            &clean::line(&kernel),
            |s| s.to_string(),
        );
    }
    field(
        out,
        0,
        lb::SOURCE.get(lang),
        lw,
        &clean::line(&lb::source(report, lang)),
        |s| s.to_string(),
    );
    field(
        out,
        0,
        lb::GENERATED.get(lang),
        lw,
        &clean::line(&report.generated_at),
        |s| s.to_string(),
    );
    field(
        out,
        0,
        lb::KNOWLEDGE.get(lang),
        lw,
        &clean::line(&lb::knowledge_line(report, lang)),
        |s| s.to_string(),
    );
}

fn score_block(out: &mut String, report: &Report, lang: Lang, p: Paint) {
    let labels = [
        lb::HOST,
        lb::OS,
        lb::KERNEL,
        lb::BUILD,
        lb::SOURCE,
        lb::GENERATED,
        lb::KNOWLEDGE,
        lb::SCORE,
        lb::DRIVERS,
    ];
    let lw = labels.iter().map(|l| w(l.get(lang))).max().unwrap_or(0);
    let gap = " ".repeat(lw + 2);
    let v = report.score.value;
    let s = &report.summary;
    out.push('\n');
    let mut line = format!(
        "{}  {}",
        p.style(score_code(v), &format!("{v}/100")),
        p.style(score_code(v), &bar(v))
    );
    if let Some(note) = lb::cap_note(report) {
        line.push_str("  ");
        line.push_str(&p.dim(&format!("({})", note.get(lang))));
    }
    let _ = writeln!(out, "{}{line}", p.bold(&pad(lb::SCORE.get(lang), lw + 2)));
    let applicable = s.checks_run + s.not_assessed;
    let _ = writeln!(
        out,
        "{gap}{}",
        p.dim(&format!(
            "{}/{} {}",
            s.checks_run,
            applicable,
            lb::ASSESSED_OF.get(lang)
        ))
    );
    if s.checks_run == 0 {
        let _ = writeln!(out, "{gap}{}", lb::NO_CHECK_RAN.get(lang));
    }

    let label = lb::DRIVERS.get(lang);
    if report.score.drivers.is_empty() {
        let _ = writeln!(
            out,
            "{}{}",
            pad(label, lw + 2),
            p.dim(lb::NO_DRIVERS.get(lang))
        );
        return;
    }
    let sev_w = Severity::ALL
        .iter()
        .map(|s| w(&lb::severity(*s, lang)))
        .max()
        .unwrap_or(0);
    for (i, d) in report.score.drivers.iter().enumerate() {
        let lead = if i == 0 {
            pad(label, lw + 2)
        } else {
            gap.clone()
        };
        let pts = format!("−{:.1}", d.points);
        let sev = lb::severity(d.severity, lang);
        // points (7) + 2 + severity + 2, then the title wraps in what is left.
        let prefix_w = lw + 2 + 7 + 2 + sev_w + 2;
        let title = format!(
            "{} [{}]",
            clean::line(d.title.get(lang)),
            clean::line(&d.check)
        );
        for (j, l) in wrap(&title, WIDTH.saturating_sub(prefix_w))
            .iter()
            .enumerate()
        {
            if j == 0 {
                let _ = writeln!(
                    out,
                    "{lead}{}  {}{}  {l}",
                    p.bold(&format!("{pts:>7}")),
                    p.sev(d.severity, &sev),
                    " ".repeat(sev_w - w(&sev)),
                );
            } else {
                let _ = writeln!(out, "{}{l}", " ".repeat(prefix_w));
            }
        }
    }
}

fn findings(out: &mut String, report: &Report, lang: Lang, p: Paint) {
    let open: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    heading(
        out,
        p,
        &format!("{} ({})", lb::FINDINGS.get(lang), open.len()),
    );
    if open.is_empty() {
        let _ = writeln!(out, "{}", lb::NO_FINDINGS.get(lang));
        return;
    }
    let labels = [
        lb::SUBJECT,
        lb::EVIDENCE,
        lb::REMEDIATION,
        lb::CONTROLS,
        lb::REFERENCES,
    ];
    let lw = labels.iter().map(|l| w(l.get(lang))).max().unwrap_or(0);
    let mut n = 0;
    for sev in Severity::ALL {
        let group: Vec<&&Finding> = open.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        out.push('\n');
        let label = format!(
            "■ {} ({})",
            lb::severity(sev, lang).to_uppercase(),
            group.len()
        );
        let _ = writeln!(out, "{}", p.sev(sev, &label));
        for f in group {
            n += 1;
            out.push('\n');
            let num = format!("{n:>4}. ");
            let title = clean::line(f.title.get(lang)).into_owned();
            for (i, l) in wrap(&title, WIDTH - BODY).iter().enumerate() {
                if i == 0 {
                    let _ = writeln!(out, "{num}{}", p.bold(l));
                } else {
                    let _ = writeln!(out, "{}{}", " ".repeat(BODY), p.bold(l));
                }
            }
            let meta = format!(
                "{} · {} · {}",
                clean::line(&f.id),
                clean::line(&f.check),
                lb::kind(f.kind).get(lang)
            );
            para(out, BODY, &meta, |s| p.dim(s));
            field(
                out,
                BODY,
                lb::SUBJECT.get(lang),
                lw,
                &clean::line(&f.subject),
                |s| s.to_string(),
            );
            if let Some(e) = f.evidence.first() {
                let (first, more_lines) = clean::first_line(&e.observed);
                let mut ev = if e.source.is_empty() {
                    clean::line(first).into_owned()
                } else if first.is_empty() {
                    clean::line(&e.source).into_owned()
                } else {
                    format!("{}: {}", clean::line(&e.source), clean::line(first))
                };
                let more = f.evidence.len() - 1 + more_lines;
                if more > 0 {
                    ev.push_str(&format!("  (+{more} {})", lb::MORE.get(lang)));
                }
                field(out, BODY, lb::EVIDENCE.get(lang), lw, &ev, |s| {
                    s.to_string()
                });
            }
            field(
                out,
                BODY,
                lb::REMEDIATION.get(lang),
                lw,
                &clean::block(f.remediation.get(lang)),
                |s| s.to_string(),
            );
            if !f.controls.is_empty() {
                let c: Vec<String> = f
                    .controls
                    .iter()
                    .map(|c| clean::line(c).into_owned())
                    .collect();
                field(out, BODY, lb::CONTROLS.get(lang), lw, &c.join(", "), |s| {
                    s.to_string()
                });
            }
            if !f.references.is_empty() {
                let r: Vec<String> = f
                    .references
                    .iter()
                    .map(|c| clean::line(c).into_owned())
                    .collect();
                field(
                    out,
                    BODY,
                    lb::REFERENCES.get(lang),
                    lw,
                    &r.join(", "),
                    |s| p.dim(s),
                );
            }
        }
    }
}

/// One not-assessed item: from a not-assessed finding, or from a check
/// result without one.
pub(crate) struct NotAssessedItem<'a> {
    pub check: &'a str,
    pub severity: Severity,
    pub subject: &'a str,
    pub title: Option<&'a antoan_model::Text>,
    pub reason: Option<&'a antoan_model::Text>,
}

pub(crate) fn not_assessed_items(report: &Report) -> Vec<NotAssessedItem<'_>> {
    let mut items: Vec<NotAssessedItem> = report
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::NotAssessed)
        .map(|f| NotAssessedItem {
            check: &f.check,
            severity: f.severity,
            subject: &f.subject,
            title: Some(&f.title),
            reason: f.reason.as_ref(),
        })
        .collect();
    for c in report
        .checks
        .iter()
        .filter(|c| c.outcome == CheckOutcome::NotAssessed)
    {
        if !items.iter().any(|i| i.check == c.check) {
            items.push(NotAssessedItem {
                check: &c.check,
                severity: c.severity,
                subject: "",
                title: None,
                reason: None,
            });
        }
    }
    items.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check.cmp(b.check))
            .then(a.subject.cmp(b.subject))
    });
    items
}

fn not_assessed(out: &mut String, report: &Report, lang: Lang, p: Paint) {
    let items = not_assessed_items(report);
    heading(
        out,
        p,
        &format!("{} ({})", lb::NOT_ASSESSED.get(lang), items.len()),
    );
    if items.is_empty() {
        let _ = writeln!(out, "{}", lb::NOTHING_NOT_ASSESSED.get(lang));
        return;
    }
    let lw = [lb::REASON, lb::SUBJECT]
        .iter()
        .map(|l| w(l.get(lang)))
        .max()
        .unwrap_or(0);
    for it in items {
        let mut head = clean::line(it.check).into_owned();
        if let Some(t) = it.title {
            head.push_str(" — ");
            head.push_str(&clean::line(t.get(lang)));
        }
        for (i, l) in wrap(&head, WIDTH - 4).iter().enumerate() {
            let lead = if i == 0 { "  • " } else { "    " };
            let _ = writeln!(out, "{lead}{l}");
        }
        if !it.subject.is_empty() {
            field(
                out,
                4,
                lb::SUBJECT.get(lang),
                lw,
                &clean::line(it.subject),
                |s| s.to_string(),
            );
        }
        let reason = match it.reason {
            Some(r) if !r.get(lang).trim().is_empty() => clean::block(r.get(lang)).into_owned(),
            _ => lb::NO_REASON.get(lang).to_string(),
        };
        field(out, 4, lb::REASON.get(lang), lw, &reason, |s| p.dim(s));
    }
}

fn summary(out: &mut String, report: &Report, lang: Lang, p: Paint) {
    let s = &report.summary;
    out.push('\n');
    rule(out, '═');
    let checks = format!(
        "{} {} ({} {}, {} {}), {} {}, {} {}",
        s.checks_run,
        lb::CHECKS_RUN.get(lang),
        s.passed,
        lb::PASSED.get(lang),
        s.failed,
        lb::FAILED.get(lang),
        s.not_assessed,
        lb::NOT_ASSESSED_LC.get(lang),
        s.not_applicable,
        lb::NOT_APPLICABLE_LC.get(lang),
    );
    let counts = [
        (Severity::Critical, s.critical),
        (Severity::High, s.high),
        (Severity::Medium, s.medium),
        (Severity::Low, s.low),
        (Severity::Info, s.info),
    ];
    let sev: Vec<String> = counts
        .iter()
        .map(|(sev, n)| {
            let t = format!("{n} {}", lb::severity(*sev, lang).to_lowercase());
            if *n > 0 {
                p.sev(*sev, &t)
            } else {
                t
            }
        })
        .collect();
    let l1 = format!("{}:", lb::CHECKS.get(lang));
    let l2 = format!("{}:", lb::OPEN_FINDINGS.get(lang));
    let lw = w(&l1).max(w(&l2));
    let _ = writeln!(out, "{}", p.bold(&lb::SUMMARY.get(lang).to_uppercase()));
    let _ = writeln!(out, "  {}{checks}", pad(&l1, lw + 1));
    let _ = writeln!(
        out,
        "  {}{} ({})",
        pad(&l2, lw + 1),
        s.critical + s.high + s.medium + s.low + s.info,
        sev.join(", ")
    );
}
