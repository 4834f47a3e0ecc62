//! The inspection pages (pure: store and core types in, markup out): the
//! list, the "new inspection" form, one inspection (units, progress,
//! conclude, downloads, follow-up) and one unit's checklist (an answer form
//! per manual item, evidence upload per item). No script: plain forms, file
//! uploads as multipart forms whose action carries the CSRF token.

use antoan_inspect::followup::FollowUp;
use antoan_inspect::{Answer, Checklist, ChecklistItem, Inspection, ItemSource};
use antoan_model::{Finding, Severity};
use antoan_store::{ChecklistRow, EvidenceMeta, InspectionRow, InspectionState, Unit};
use maud::{html, Markup};

use super::i18n::{self as t, with_n};
use super::inspections_core::{is_image, Progress, UnitInfo, SCAN_ITEM};
use super::inspections_text as x;
use super::layout::{csrf_field, fmt_time, page, sev_badge, Ctx};

/// A little layout for the item cards (inline, like the rest of the dashboard).
const STYLE: &str = "section.item{border:1px solid var(--line);border-radius:4px;padding:6px 10px;margin:.5rem 0}\
section.item h3{font-size:1rem;margin:.2rem 0}\
.ans-compliant{color:var(--good)}.ans-not-compliant{color:var(--crit);font-weight:600}\
.ans-not-applicable,.ans-unanswered{color:var(--muted)}\
fieldset.answer{display:flex;gap:4px 14px;flex-wrap:wrap;border:0;padding:0;margin:0}\
fieldset.answer label{flex-direction:row!important;align-items:center;gap:4px;color:var(--fg)!important}\
img.evidence{max-width:260px;max-height:200px;border:1px solid var(--line);display:block;margin:4px 0}\
ul.evidence{list-style:none;padding:0}\
fieldset#units{flex:1 1 100%;border:1px solid var(--line);border-radius:3px}\
fieldset#units label.unit{flex-direction:row!important;align-items:center;gap:4px;color:var(--fg)!important;margin:2px 0}";

pub fn answer_label(a: Answer) -> t::Tr {
    match a {
        Answer::Compliant => x::COMPLIANT,
        Answer::NotCompliant => x::NOT_COMPLIANT,
        Answer::NotApplicable => x::NOT_APPLICABLE,
        Answer::Unanswered => x::UNANSWERED,
    }
}

fn answer_badge(ctx: &Ctx, a: Answer) -> Markup {
    let class = match a {
        Answer::Compliant => "ans-compliant",
        Answer::NotCompliant => "ans-not-compliant",
        Answer::NotApplicable => "ans-not-applicable",
        Answer::Unanswered => "ans-unanswered",
    };
    html! { span class=(class) { (ctx.tr(answer_label(a))) } }
}

fn state_label(s: InspectionState) -> t::Tr {
    match s {
        InspectionState::Open => x::STATE_OPEN,
        InspectionState::Concluded => x::STATE_CONCLUDED,
    }
}

// ---------------------------------------------------------------- list

pub fn list_page(ctx: &Ctx, rows: &[InspectionRow]) -> Markup {
    page(
        ctx,
        ctx.tr(x::INSPECTIONS),
        html! {
            @if ctx.can_edit() {
                p { a href="/inspections/new" { (ctx.tr(x::NEW_INSPECTION)) } }
            }
            @if rows.is_empty() {
                p.muted { (ctx.tr(x::NO_INSPECTIONS)) }
            } @else {
                table {
                    thead { tr {
                        th { (ctx.tr(x::CODE)) } th { (ctx.tr(x::NUMBER)) } th { (ctx.tr(x::UNITS_INSPECTED)) }
                        th { (ctx.tr(x::LEVEL)) } th { (ctx.tr(x::STATE)) } th { (ctx.tr(x::CREATED)) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { a href={ "/inspections/" (r.id) } { (r.code) } }
                                td { (r.title) }
                                td { @for (i, u) in r.units.iter().enumerate() { @if i > 0 { ", " } (u.name) } }
                                td.num { (r.level) }
                                td { (ctx.tr(state_label(r.state))) }
                                td { (fmt_time(r.created_at)) " — " (r.created_by) }
                            }
                        }
                    }
                }
            }
        },
    )
}

// ---------------------------------------------------------------- new

/// What the "new inspection" form holds (to show it again after an error).
#[derive(Debug, Clone, Default)]
pub struct NewForm {
    pub code: String,
    pub decision_number: String,
    pub decision_date: String,
    pub decision_issuer: String,
    pub issuing_parent: String,
    pub issuing_name: String,
    pub number: String,
    pub place: String,
    pub date: String,
    pub level: String,
    pub framework: String,
    pub team: String,
    pub units: Vec<i64>,
    pub head: String,
    pub period_from: String,
    pub period_to: String,
    pub previous: Option<i64>,
}

fn text_input(label: &str, name: &str, value: &str, kind: &str, required: bool) -> Markup {
    html! {
        label { (label) input type=(kind) name=(name) value=(value) required[required]; }
    }
}

pub fn new_page(
    ctx: &Ctx,
    units: &[Unit],
    previous: &[InspectionRow],
    f: &NewForm,
    error: Option<&str>,
) -> Markup {
    let tr = |t| ctx.tr(t);
    page(
        ctx,
        tr(x::NEW_INSPECTION),
        html! {
            style { (maud::PreEscaped(STYLE)) }
            @if let Some(e) = error { p.error id="form-error" { (e) } }
            form.box #new-inspection method="post" action="/inspections" {
                (csrf_field(ctx))
                (text_input(tr(x::CODE), "code", &f.code, "text", true))
                span.muted { (tr(x::CODE_HELP)) }
                label.wide { b { (tr(x::DECISION)) } }
                (text_input(tr(x::DECISION_NUMBER), "decision_number", &f.decision_number, "text", true))
                (text_input(tr(x::DECISION_DATE), "decision_date", &f.decision_date, "date", true))
                (text_input(tr(x::DECISION_ISSUER), "decision_issuer", &f.decision_issuer, "text", true))
                (text_input(tr(x::ISSUING_PARENT), "issuing_parent", &f.issuing_parent, "text", false))
                (text_input(tr(x::ISSUING_BODY), "issuing_name", &f.issuing_name, "text", true))
                (text_input(tr(x::NUMBER), "number", &f.number, "text", true))
                (text_input(tr(x::PLACE), "place", &f.place, "text", true))
                (text_input(tr(x::DATE), "date", &f.date, "date", true))
                label { (tr(x::LEVEL))
                    select name="level" {
                        @for l in ["1", "2", "3"] {
                            option value=(l) selected[f.level == l || (f.level.is_empty() && l == "2")] { (l) }
                        }
                    }
                }
                label { (tr(x::FRAMEWORK))
                    select name="framework" {
                        option value="legacy" selected[f.framework != "current"] { "legacy" }
                        option value="current" selected[f.framework == "current"] { "current" }
                    }
                }
                (text_input(tr(x::PERIOD_FROM), "period_from", &f.period_from, "date", true))
                (text_input(tr(x::PERIOD_TO), "period_to", &f.period_to, "date", true))
                label.wide { (tr(x::TEAM)) " — " span.muted { (tr(x::TEAM_HELP)) }
                    textarea name="team" rows="4" required { (f.team) }
                }
                fieldset #units {
                    legend { (tr(x::UNITS_INSPECTED)) }
                    @for u in units {
                        label.unit style={ "padding-left:" (u.depth.saturating_sub(1) * 16) "px" } {
                            input type="checkbox" name="unit" value=(u.id) checked[f.units.contains(&u.id)];
                            " " (u.name) " " span.muted { "(" (u.path) ")" }
                        }
                    }
                }
                (text_input(tr(x::UNIT_HEAD), "head", &f.head, "text", false))
                label { (tr(x::PREVIOUS))
                    select name="previous" {
                        option value="" { (tr(x::PREVIOUS_NONE)) }
                        @for p in previous {
                            option value=(p.id) selected[f.previous == Some(p.id)] { (p.code) " — " (p.title) }
                        }
                    }
                }
                button type="submit" { (tr(x::CREATE)) }
            }
        },
    )
}

// ---------------------------------------------------------------- one inspection

pub struct UnitView<'a> {
    pub unit: &'a Unit,
    pub progress: Progress,
    pub scans: Vec<EvidenceMeta>,
}

#[allow(clippy::too_many_arguments)]
pub fn inspection_page(
    ctx: &Ctx,
    row: &InspectionRow,
    doc: &Inspection,
    units: &[UnitView],
    can_fill: bool,
    can_conclude: bool,
    followup: Option<&(InspectionRow, FollowUp)>,
    notice: Option<&str>,
) -> Markup {
    let tr = |t| ctx.tr(t);
    let open = row.state == InspectionState::Open;
    page(
        ctx,
        &format!("{} — {}", row.code, doc.number),
        html! {
            style { (maud::PreEscaped(STYLE)) }
            @if let Some(n) = notice { p.notice { (n) } }
            p.crumbs { a href="/inspections" { (tr(x::INSPECTIONS)) } " › " (row.code) }
            dl.facts {
                dt { (tr(x::STATE)) } dd #state { (tr(state_label(row.state))) }
                dt { (tr(x::DECISION)) } dd { (doc.decision.number) " (" (doc.decision.date) "), " (doc.decision.issuer) }
                dt { (tr(x::ISSUING_BODY)) } dd { (doc.issuing_body.name) }
                dt { (tr(x::NUMBER)) } dd { (doc.number) ", " (doc.place) ", " (doc.date) }
                dt { (tr(x::LEVEL)) } dd { (doc.level) " (" (doc.framework) ")" }
                dt { (tr(x::PERIOD)) } dd { (doc.scope.period.from) " – " (doc.scope.period.to) }
                dt { (tr(x::TEAM)) } dd { @for (i, m) in doc.team.iter().enumerate() {
                    @if i > 0 { "; " } (m.name) " (" (m.role.label().get(ctx.lang)) ")" } }
                dt { (tr(x::CREATED_BY)) } dd { (row.created_by) ", " (fmt_time(row.created_at)) }
                @if let Some(c) = row.concluded_at { dt { (tr(x::CONCLUDED_AT)) } dd { (fmt_time(c)) } }
            }
            h2 { (tr(x::UNITS_INSPECTED)) }
            table #units {
                thead { tr {
                    th { (tr(t::UNIT)) } th { (tr(x::ITEMS)) } th { (tr(x::COMPLIANT)) } th { (tr(x::NOT_COMPLIANT)) }
                    th { (tr(x::NOT_APPLICABLE)) } th { (tr(x::UNANSWERED)) } th { (tr(x::DOWNLOADS)) }
                } }
                tbody {
                    @for v in units {
                        @let base = format!("/inspections/{}/units/{}", row.id, v.unit.id);
                        tr {
                            td { a href=(base) { (v.unit.name) } br; span.muted { (v.unit.path) } }
                            td.num { (v.progress.total) }
                            td.num { (v.progress.compliant) }
                            td.num.bad[v.progress.not_compliant > 0] { (v.progress.not_compliant) }
                            td.num { (v.progress.not_applicable) }
                            td.num { (v.progress.unanswered) }
                            td {
                                @for (i, (fmt, label)) in [("html", "HTML"), ("docx", "DOCX"), ("pdf", "PDF")].into_iter().enumerate() {
                                    @if i > 0 { " · " }
                                    a href={ (base) "/conclusion/" (fmt) } { (label) } " "
                                    a.muted href={ (base) "/conclusion/" (fmt) "?lang=en" } { "(EN)" }
                                }
                                br;
                                a href={ "/findings?state=all&unit=" (v.unit.id) } { (tr(x::FINDINGS_LINK)) }
                            }
                        }
                    }
                }
            }
            @if open && can_fill {
                @for v in units {
                    @let base = format!("/inspections/{}/units/{}", row.id, v.unit.id);
                    h3 { (v.unit.name) }
                    form.inline method="post" action={ (base) "/refresh" } {
                        (csrf_field(ctx))
                        button type="submit" { (tr(x::REFRESH)) }
                    }
                    form.box.scan method="post" enctype="multipart/form-data" action={ (base) "/scan" } {
                        (csrf_field(ctx))
                        label { (tr(x::SCAN_UPLOAD)) input type="file" name="file" accept=".json,application/json" required; }
                        button type="submit" { (tr(x::UPLOAD)) }
                    }
                    @if !v.scans.is_empty() {
                        p { (tr(x::SCANS)) ": "
                            @for s in &v.scans { a href={ "/evidence/" (s.id) } { (s.file_name) } " (" (s.sha256.get(..12).unwrap_or("")) ") " }
                        }
                    }
                }
            } @else {
                @for v in units { @if !v.scans.is_empty() {
                    p { (v.unit.name) " — " (tr(x::SCANS)) ": "
                        @for s in &v.scans { a href={ "/evidence/" (s.id) } { (s.file_name) } " " }
                    }
                } }
            }
            @if open && can_conclude {
                h2 { (tr(x::CONCLUDE)) }
                p.muted { (tr(x::CONCLUDE_HELP)) }
                form.inline #conclude method="post" action={ "/inspections/" (row.id) "/conclude" } {
                    (csrf_field(ctx))
                    button type="submit" { (tr(x::CONCLUDE)) }
                }
            }
            @if let Some((prev, f)) = followup {
                h2 #followup { (tr(x::FOLLOWUP)) " " a href={ "/inspections/" (prev.id) } { (prev.code) } }
                (followup_table(ctx, x::FIXED, &f.fixed, "fixed"))
                (followup_table(ctx, x::REMAINING, &f.remaining, "remaining"))
                (followup_table(ctx, x::NEW, &f.new, "new"))
                (followup_table(ctx, x::NOT_REASSESSED, &f.not_reassessed, "not-reassessed"))
            }
        },
    )
}

fn followup_table(ctx: &Ctx, title: t::Tr, list: &[Finding], id: &str) -> Markup {
    html! {
        h3 id={ "followup-" (id) } { (ctx.tr(title)) " (" (list.len()) ")" }
        @if !list.is_empty() {
            table {
                tbody {
                    @for f in list {
                        tr {
                            td { (sev_badge(f.severity, ctx.lang)) }
                            td { (f.attributes.get("unit").map(String::as_str).unwrap_or("")) }
                            td { (f.attributes.get("item").map(String::as_str).unwrap_or("")) }
                            td.wrap { (f.title.get(ctx.lang)) }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- checklist

#[allow(clippy::too_many_arguments)]
pub fn checklist_page(
    ctx: &Ctx,
    row: &InspectionRow,
    unit: &Unit,
    cr: &ChecklistRow,
    cl: &Checklist,
    evidence: &[EvidenceMeta],
    group_name: &dyn Fn(&str) -> String,
    can_fill: bool,
    info: &UnitInfo,
    notice: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let tr = |t| ctx.tr(t);
    let open = row.state == InspectionState::Open;
    let editable = open && can_fill;
    let base = format!("/inspections/{}/units/{}", row.id, unit.id);
    let mut groups: Vec<&str> = Vec::new();
    for i in &cl.items {
        if !groups.contains(&i.group.as_str()) {
            groups.push(&i.group);
        }
    }
    page(
        ctx,
        &format!("{} — {}", tr(x::CHECKLIST), unit.name),
        html! {
            style { (maud::PreEscaped(STYLE)) }
            @if let Some(n) = notice { p.notice #notice { (n) } }
            @if let Some(e) = error { p.error #form-error { (e) } }
            p.crumbs {
                a href="/inspections" { (tr(x::INSPECTIONS)) } " › "
                a href={ "/inspections/" (row.id) } { (row.code) } " › " (unit.name)
            }
            @if !open { p.muted { (tr(x::IS_CONCLUDED)) } }
            @else if !can_fill { p.muted { (tr(x::READ_ONLY)) } }
            @if editable { (unit_info_form(ctx, &base, info)) }
            @let p = super::inspections_core::progress(cl);
            p { (tr(x::PROGRESS)) ": " (p.total - p.unanswered) "/" (p.total) " — "
                (tr(x::COMPLIANT)) " " (p.compliant) ", " (tr(x::NOT_COMPLIANT)) " " (p.not_compliant) ", "
                (tr(x::NOT_APPLICABLE)) " " (p.not_applicable) }
            @for g in &groups {
                h2 { (g) " — " (group_name(g)) }
                @for item in cl.items.iter().filter(|i| i.group == *g) {
                    (item_card(ctx, &base, cr.version, item, evidence, editable))
                }
            }
        },
    )
}

/// Sections II and IV of the conclusion for this unit, as the inspectors write them.
fn unit_info_form(ctx: &Ctx, base: &str, i: &UnitInfo) -> Markup {
    let tr = |t| ctx.tr(t);
    let area = |label: t::Tr, name: &str, value: &str| {
        html! { label.wide { (tr(label)) textarea name=(name) rows="2" { (value) } } }
    };
    html! {
        details #unit-info {
            summary { (tr(x::UNIT_INFO)) }
            form.box method="post" action={ (base) "/info" } {
                (csrf_field(ctx))
                label { (tr(x::ADDRESS)) input type="text" name="address" size="50" value=(i.address); }
                label { (tr(x::UNIT_HEAD)) input type="text" name="head" size="40" value=(i.head); }
                (area(x::ORGANISATION, "organisation", &i.organisation))
                (area(x::INFRASTRUCTURE, "infrastructure", &i.infrastructure))
                (area(x::SYSTEMS, "systems", &i.systems))
                (area(x::DOCUMENT_MANAGEMENT, "document_management", &i.document_management))
                (area(x::DIGITAL_SIGNATURES, "digital_signatures", &i.digital_signatures))
                (area(x::MEASURES_ON_SITE, "measures_on_site", &i.measures_on_site))
                (area(x::STRENGTHS, "strengths", &i.strengths))
                (area(x::CAUSES, "causes", &i.causes))
                (area(x::RESPONSIBILITIES, "responsibilities", &i.responsibilities))
                (area(x::LEVEL_NOTE, "level_note", &i.level_note))
                button type="submit" { (tr(x::SAVE)) }
            }
        }
    }
}

fn item_card(
    ctx: &Ctx,
    base: &str,
    version: i64,
    item: &ChecklistItem,
    evidence: &[EvidenceMeta],
    editable: bool,
) -> Markup {
    let tr = |t| ctx.tr(t);
    let automatic = matches!(item.source, ItemSource::Automatic { .. });
    let files: Vec<&EvidenceMeta> = evidence
        .iter()
        .filter(|e| e.item_id == item.id && e.item_id != SCAN_ITEM)
        .collect();
    html! {
        section.item id={ "item-" (item.id) } data-item=(item.id) {
            h3 { (item.id) " — " (item.requirement.get(ctx.lang)) " " }
            p { (tr(x::ANSWER)) ": " span.answer { (answer_badge(ctx, item.answer)) }
                @if automatic { " · " span.muted { (tr(x::AUTOMATIC)) } }
                @if let Some(s) = item.severity { " · " (sev_badge(s, ctx.lang)) }
                @if let Some(o) = &item.owner { " · " (tr(x::OWNER)) ": " (o) }
                @if let Some(d) = &item.deadline { " · " (tr(x::DEADLINE)) ": " (d) }
            }
            @if !item.notes.is_empty() { p.rem.notes { (item.notes) } }
            @if !item.observations.is_empty() {
                ul.observations {
                    @for o in &item.observations {
                        li {
                            @if let Some(s) = o.severity { (sev_badge(s, ctx.lang)) " " }
                            b { (o.asset) } @if !o.subject.is_empty() { " " (o.subject) } ": " (o.text.get(ctx.lang))
                        }
                    }
                }
            }
            @if !files.is_empty() {
                ul.evidence {
                    @for e in &files {
                        li {
                            @if is_image(&e.media_type) {
                                img.evidence src={ "/evidence/" (e.id) } alt=(e.file_name);
                            }
                            a href={ "/evidence/" (e.id) } { (e.file_name) } " "
                            span.muted { (e.media_type) ", " (e.size) " B, sha256 " code { (e.sha256) } ", " (e.uploaded_by) }
                        }
                    }
                }
            }
            @if editable && !automatic {
                form.box.answer method="post" action={ (base) "/answer" } {
                    (csrf_field(ctx))
                    input type="hidden" name="item" value=(item.id);
                    input type="hidden" name="version" value=(version);
                    fieldset.answer {
                        @for a in [Answer::Compliant, Answer::NotCompliant, Answer::NotApplicable, Answer::Unanswered] {
                            @let v = serde_json::to_value(a).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                            label { input type="radio" name="answer" value=(v) checked[item.answer == a]; (tr(answer_label(a))) }
                        }
                    }
                    label.wide { (tr(x::NOTES)) textarea name="notes" rows="2" { (item.notes) } }
                    @let obs = item.observations.first();
                    label { (tr(x::ASSET)) input type="text" name="asset" value=(obs.map(|o| o.asset.as_str()).unwrap_or("")); }
                    label.grow { (tr(x::OBSERVATION)) input type="text" name="observation" size="50" value=(obs.map(|o| o.text.get(ctx.lang)).unwrap_or("")); }
                    label { (tr(x::SEVERITY))
                        select name="severity" {
                            option value="" { (tr(x::SEVERITY_DEFAULT)) }
                            @for s in [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info] {
                                option value=(s.as_str()) selected[item.severity == Some(s)] { (s.label().get(ctx.lang)) }
                            }
                        }
                    }
                    label { (tr(x::OWNER)) input type="text" name="owner" value=(item.owner.clone().unwrap_or_default()); }
                    label { (tr(x::DEADLINE)) input type="date" name="deadline" value=(item.deadline.clone().unwrap_or_default()); }
                    button type="submit" { (tr(x::SAVE)) }
                }
            }
            @if editable {
                form.box.evidence method="post" enctype="multipart/form-data" action={ (base) "/evidence" } {
                    (csrf_field(ctx))
                    input type="hidden" name="item" value=(item.id);
                    label { (tr(x::EVIDENCE_ADD)) input type="file" name="file" required; }
                    button type="submit" { (tr(x::UPLOAD)) }
                }
            }
        }
    }
}

/// The notice after a conclusion.
pub fn concluded_notice(ctx: &Ctx, o: &antoan_store::ConcludeOutcome) -> String {
    let counts = match ctx.lang {
        antoan_model::Lang::Vi => format!(
            "{} phát hiện mới, {} mở lại, {} còn tồn tại, {} đã khắc phục",
            o.opened, o.reopened, o.kept, o.fixed
        ),
        antoan_model::Lang::En => format!(
            "{} new findings, {} reopened, {} remaining, {} fixed",
            o.opened, o.reopened, o.kept, o.fixed
        ),
    };
    with_n(x::CONCLUDED_N, ctx.lang, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use antoan_model::Lang;
    use antoan_store::{Role, User};
    use time::macros::datetime;

    const EVIL: &str = "<script>alert(\"x\")</script>";

    fn fixture() -> (
        InspectionRow,
        Inspection,
        Unit,
        ChecklistRow,
        Checklist,
        Vec<EvidenceMeta>,
    ) {
        let text = include_str!("../../../antoan-inspect/tests/fixtures/inspection.json");
        let mut doc = Inspection::from_json(text.as_bytes(), "i.json").unwrap();
        doc.scope.units[0].id = "tinh/xa".into();
        doc.team[0].name = EVIL.into();
        let unit = Unit {
            id: 7,
            parent_id: Some(1),
            path: "tinh/xa".into(),
            slug: "xa".into(),
            name: format!("Xã {EVIL}"),
            depth: 2,
        };
        let row = InspectionRow {
            id: 3,
            code: "KT-1".into(),
            title: EVIL.into(),
            level: 2,
            state: InspectionState::Open,
            document: serde_json::to_string(&doc).unwrap(),
            previous_id: None,
            units: vec![unit.clone()],
            created_by: "thanhtra".into(),
            created_at: datetime!(2026-11-25 08:00 UTC),
            concluded_at: None,
        };
        let kb = antoan_kb::Knowledge::embedded().unwrap();
        let mut cl = antoan_inspect::new_checklist(
            &doc,
            "tinh/xa",
            &kb.controls,
            &antoan_inspect::Rules::embedded(),
        );
        cl.answer("P.3", Answer::NotCompliant, EVIL);
        let cr = ChecklistRow {
            inspection_id: 3,
            unit: unit.clone(),
            checklist: serde_json::to_string(&cl).unwrap(),
            version: 4,
            updated_at: datetime!(2026-11-25 08:00 UTC),
            updated_by: "thanhtra".into(),
        };
        let ev = vec![EvidenceMeta {
            id: 9,
            inspection_id: 3,
            unit_id: 7,
            item_id: "P.3".into(),
            file_name: format!("\"><img src=x onerror=alert(1)>{EVIL}.png"),
            media_type: "image/png".into(),
            size: 10,
            sha256: "ab".repeat(32),
            uploaded_by: "thanhtra".into(),
            uploaded_at: datetime!(2026-11-25 08:00 UTC),
        }];
        (row, doc, unit, cr, cl, ev)
    }

    fn user(role: Role) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
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
            csrf: "tok",
            here: "/inspections/3",
            now: datetime!(2026-11-25 09:00 UTC),
        }
    }

    #[test]
    fn hostile_text_stays_text_and_forms_follow_the_role() {
        let (row, doc, unit, cr, cl, ev) = fixture();
        let insp = user(Role::ProvinceInspector);
        let names = |_: &str| String::from("Nhóm");
        let page = checklist_page(
            &ctx(&insp, Lang::Vi),
            &row,
            &unit,
            &cr,
            &cl,
            &ev,
            &names,
            true,
            &UnitInfo::default(),
            None,
            None,
        )
        .into_string();
        assert!(
            !page.contains("<script>alert") && !page.contains("<img src=x"),
            "unescaped input"
        );
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains("action=\"/inspections/3/units/7/answer\""));
        assert!(page.contains("action=\"/inspections/3/units/7/evidence\""));
        assert!(!page.contains("?csrf="), "no token in a URL");
        assert!(page.contains("enctype=\"multipart/form-data\""));
        assert!(page.contains("name=\"version\" value=\"4\""));
        assert!(page.contains("src=\"/evidence/9\""), "images inline");
        assert!(page.contains("Không đạt"));
        // Automatic items have no answer form.
        let auto = page
            .split("data-item=\"M5.1/auto.eol-microsoft\"")
            .nth(1)
            .unwrap();
        let auto = auto.split("<section").next().unwrap();
        assert!(
            !auto.contains("/answer\""),
            "automatic item with an answer form"
        );
        // A viewer (can_fill false) gets no form at all.
        let viewer = user(Role::Viewer);
        let page = checklist_page(
            &ctx(&viewer, Lang::En),
            &row,
            &unit,
            &cr,
            &cl,
            &ev,
            &names,
            false,
            &UnitInfo::default(),
            None,
            None,
        )
        .into_string();
        assert!(
            !page.contains("<form class=\"box answer\"") && !page.contains("multipart"),
            "forms for a viewer"
        );
        assert!(page.contains("You may only read this inspection."));
        assert!(page.contains("Not compliant"));

        let views = [UnitView {
            unit: &unit,
            progress: super::super::inspections_core::progress(&cl),
            scans: vec![],
        }];
        let page = inspection_page(
            &ctx(&insp, Lang::Vi),
            &row,
            &doc,
            &views,
            true,
            true,
            None,
            None,
        )
        .into_string();
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("/inspections/3/conclude") && page.contains("/units/7/scan\""));
        assert!(page.contains("/inspections/3/units/7/conclusion/docx?lang=en"));
        let page = list_page(&ctx(&insp, Lang::En), std::slice::from_ref(&row)).into_string();
        assert!(!page.contains("<script>alert") && page.contains("New inspection"));
    }
}
