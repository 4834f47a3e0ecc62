//! CSV twins of the dashboard lists (`/findings.csv`, `/waivers.csv` …).
//!
//! UTF-8 with a byte-order mark so spreadsheet programs on Windows read the
//! Vietnamese correctly. A cell that starts with `=`, `+`, `-`, `@`, tab or
//! carriage return gets a leading `'`: host names and software names are
//! outside input, and a spreadsheet would otherwise run them as formulas.

use antoan_model::Lang;
use antoan_store::{Agent, AuditEntry, EnrollmentToken, FindingRow, HostRow, User, Waiver};

use super::layout::{fmt_date, fmt_opt_time, fmt_time};

/// Neutralises spreadsheet formulas.
pub fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed record is skipped rather than
    // taking the export down.
    let _ = w.write_record(header);
    for r in rows {
        let r: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = w.write_record(&r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn hosts_csv(hosts: &[HostRow]) -> String {
    write(
        &[
            "id",
            "hostname",
            "unit",
            "os_name",
            "os_version",
            "os_eol",
            "office_eol",
            "last_seen",
            "score",
            "open_critical",
            "open_high",
            "open_total",
            "state_secret",
        ],
        hosts.iter().map(|h| {
            vec![
                h.id.to_string(),
                h.hostname.clone(),
                h.unit_path.clone(),
                h.os_name.clone(),
                h.os_version.clone(),
                h.os_eol.to_string(),
                h.office_eol.to_string(),
                h.last_seen.map(fmt_time).unwrap_or_default(),
                opt(h.score),
                h.open_critical.to_string(),
                h.open_high.to_string(),
                h.open_total.to_string(),
                h.state_secret.to_string(),
            ]
        }),
    )
}

pub fn findings_csv(rows: &[FindingRow], lang: Lang) -> String {
    write(
        &[
            "id",
            "finding_id",
            "severity",
            "state",
            "waived",
            "title",
            "host",
            "unit",
            "check",
            "kind",
            "subject",
            "first_seen",
            "last_seen",
            "fixed_at",
            "assignee",
            "due",
            "remediation",
            "owner",
        ],
        rows.iter().map(|f| {
            vec![
                f.id.to_string(),
                f.finding_key.clone(),
                f.severity.as_str().into(),
                f.state.as_str().into(),
                f.waiver.is_some().to_string(),
                f.title.get(lang).into(),
                f.hostname.clone(),
                f.unit_path.clone(),
                f.check.clone(),
                f.kind.clone(),
                f.subject.clone(),
                fmt_time(f.first_seen),
                fmt_time(f.last_seen),
                f.fixed_at.map(fmt_time).unwrap_or_default(),
                f.assignee.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
                f.due.map(fmt_date).unwrap_or_default(),
                f.remediation.get(lang).into(),
                f.owner.clone().unwrap_or_default(),
            ]
        }),
    )
}

pub fn waivers_csv(ws: &[Waiver]) -> String {
    write(
        &[
            "id",
            "finding",
            "justification",
            "approver",
            "created_by",
            "created_at",
            "expires_on",
            "revoked",
        ],
        ws.iter().map(|w| {
            vec![
                w.id.to_string(),
                w.finding_id.to_string(),
                w.justification.clone(),
                w.approver.clone(),
                w.created_by.clone(),
                fmt_time(w.created_at),
                fmt_date(w.expires_on),
                w.revoked.to_string(),
            ]
        }),
    )
}

pub fn agents_csv(agents: &[Agent], lang: Lang) -> String {
    write(
        &[
            "id",
            "hostname",
            "unit",
            "os",
            "enrolled_at",
            "last_seen",
            "last_seq",
            "revoked",
            "host_id",
        ],
        agents.iter().map(|a| {
            vec![
                a.id.to_string(),
                a.hostname.clone(),
                a.unit_path.clone(),
                a.os.clone(),
                fmt_time(a.enrolled_at),
                fmt_opt_time(a.last_seen, lang),
                a.last_seq.to_string(),
                a.revoked.to_string(),
                opt(a.host_id),
            ]
        }),
    )
}

pub fn tokens_csv(tokens: &[EnrollmentToken]) -> String {
    write(
        &[
            "id",
            "unit",
            "created_at",
            "expires_at",
            "revoked",
            "used_count",
        ],
        tokens.iter().map(|t| {
            vec![
                t.id.to_string(),
                t.unit_path.clone(),
                fmt_time(t.created_at),
                fmt_time(t.expires_at),
                t.revoked.to_string(),
                t.used_count.to_string(),
            ]
        }),
    )
}

pub fn users_csv(users: &[User]) -> String {
    write(
        &[
            "id",
            "username",
            "display_name",
            "role",
            "unit",
            "disabled",
            "must_change_password",
        ],
        users.iter().map(|u| {
            vec![
                u.id.to_string(),
                u.username.clone(),
                u.display_name.clone(),
                u.role.as_str().into(),
                u.unit_path.clone().unwrap_or_default(),
                u.disabled.to_string(),
                u.must_change_password.to_string(),
            ]
        }),
    )
}

pub fn audit_csv(entries: &[AuditEntry]) -> String {
    write(
        &["id", "at", "actor", "action", "object", "detail"],
        entries.iter().map(|e| {
            vec![
                e.id.to_string(),
                fmt_time(e.at),
                e.actor.clone(),
                e.action.clone(),
                e.object.clone(),
                e.detail.clone(),
            ]
        }),
    )
}
