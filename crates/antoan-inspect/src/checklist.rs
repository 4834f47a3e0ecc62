//! Checklists: one item per catalog control applicable at the level, plus
//! the automatic items of the rules, filled from antoan reports.

use antoan_kb::{ControlCatalog, Method};
use antoan_model::{FindingStatus, Report, Text};

use crate::model::{
    Answer, Checklist, ChecklistItem, Inspection, ItemSource, Observation,
    INSPECTION_SCHEMA_VERSION,
};
use crate::rules::{is_scan, Rules};

/// The method an inspector uses on a control: the first non-technical
/// method the catalog lists (a manual item is answered by looking, asking
/// or reading), else technical.
fn manual_method(methods: &[Method]) -> Method {
    methods
        .iter()
        .copied()
        .find(|m| *m != Method::Technical)
        .unwrap_or(Method::Technical)
}

/// A fresh checklist for one unit: every control of the catalog that
/// applies at the inspection's level, each followed by the automatic items
/// the rules attach to it. All answers start `unanswered`.
pub fn new_checklist(
    inspection: &Inspection,
    unit: &str,
    catalog: &ControlCatalog,
    rules: &Rules,
) -> Checklist {
    let mut items = Vec::new();
    for c in catalog
        .controls
        .iter()
        .filter(|c| c.applies_at(inspection.level))
    {
        items.push(ChecklistItem {
            id: c.id.clone(),
            control: c.id.clone(),
            group: c.group.clone(),
            requirement: c.name.clone(),
            method: manual_method(&c.method),
            source: ItemSource::Manual,
            answer: Answer::Unanswered,
            notes: String::new(),
            evidence: Vec::new(),
            observations: Vec::new(),
            severity: None,
            owner: None,
            deadline: None,
        });
        for a in rules.automatic.iter().filter(|a| a.control == c.id) {
            items.push(ChecklistItem {
                id: format!("{}/{}", c.id, a.id),
                control: c.id.clone(),
                group: c.group.clone(),
                requirement: a.requirement.clone(),
                method: Method::Technical,
                source: ItemSource::Automatic { rule: a.id.clone() },
                answer: Answer::Unanswered,
                notes: String::new(),
                evidence: Vec::new(),
                observations: Vec::new(),
                severity: None,
                owner: None,
                deadline: None,
            });
        }
    }
    Checklist {
        schema_version: INSPECTION_SCHEMA_VERSION.to_string(),
        inspection: inspection.id.clone(),
        unit: unit.to_string(),
        level: inspection.level,
        framework: catalog.framework.clone(),
        items,
    }
}

/// The asset name of a report: the scanned address for scans, else the host name.
pub fn asset_of(r: &Report) -> String {
    if r.host.hostname.is_empty() {
        r.host.identity_key()
    } else {
        r.host.hostname.clone()
    }
}

/// Fills the automatic items from the unit's reports. An item is
/// `not-compliant` when an open finding matches it (each such finding
/// becomes an observation), `compliant` when at least one report that the
/// rule reads assessed it and none matches, and stays `unanswered` with a
/// note saying why otherwise. Manual items are left as they are.
pub fn fill_automatic(checklist: &mut Checklist, reports: &[Report], rules: &Rules) {
    for item in &mut checklist.items {
        let ItemSource::Automatic { rule } = &item.source else {
            continue;
        };
        let Some(rule) = rules.automatic.iter().find(|a| &a.id == rule) else {
            item.answer = Answer::Unanswered;
            item.notes = String::new();
            item.observations = vec![Observation {
                asset: String::new(),
                subject: String::new(),
                text: Text::new(
                    format!("Không có quy tắc tự động {rule}"),
                    format!("No automatic rule {rule}"),
                ),
                finding: String::new(),
                severity: None,
            }];
            continue;
        };
        let mut observations = Vec::new();
        let mut assessed = 0usize;
        let mut not_assessed = Vec::new();
        let mut read = 0usize;
        for r in reports.iter().filter(|r| rule.reads(r)) {
            read += 1;
            let asset = asset_of(r);
            if !rule.collected(r) {
                not_assessed.push(asset);
                continue;
            }
            assessed += 1;
            for f in r.findings.iter().filter(|f| rule.matches(f)) {
                match f.status {
                    FindingStatus::Open => observations.push(Observation {
                        asset: asset.clone(),
                        // Scan subjects carry ports that change between runs; the asset names the device.
                        subject: if is_scan(r) {
                            String::new()
                        } else {
                            f.subject.clone()
                        },
                        text: f.title.clone(),
                        finding: f.id.clone(),
                        severity: Some(f.severity),
                    }),
                    FindingStatus::NotAssessed => {
                        not_assessed.push(format!("{asset} ({})", f.check))
                    }
                }
            }
        }
        observations.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.asset.cmp(&b.asset))
                .then_with(|| a.subject.cmp(&b.subject))
                .then_with(|| a.finding.cmp(&b.finding))
        });
        observations.dedup();
        not_assessed.sort();
        not_assessed.dedup();
        let kind = if rule.source == crate::rules::ReportSource::Scan {
            ("rà quét", "scan")
        } else {
            ("báo cáo", "report")
        };
        item.answer = if !observations.is_empty() {
            Answer::NotCompliant
        } else if assessed > 0 && not_assessed.is_empty() {
            Answer::Compliant
        } else {
            Answer::Unanswered
        };
        item.notes = if read == 0 {
            format!("Không có {} phù hợp / no matching {}", kind.0, kind.1)
        } else if !not_assessed.is_empty() {
            format!(
                "Chưa đánh giá được trên / could not assess on: {}",
                not_assessed.join(", ")
            )
        } else {
            let mut hosts: Vec<String> = reports
                .iter()
                .filter(|r| rule.reads(r))
                .map(asset_of)
                .collect();
            hosts.sort();
            hosts.dedup();
            format!("Theo / from: {}", hosts.join(", "))
        };
        item.observations = observations;
    }
}

/// The reports of one kind, for the appendix.
pub fn scans(reports: &[Report]) -> impl Iterator<Item = &Report> {
    reports.iter().filter(|r| is_scan(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_decides_the_items() {
        let kb = antoan_kb::Knowledge::embedded().unwrap();
        let rules = Rules::embedded();
        let text = include_str!("../tests/fixtures/inspection.json");
        let mut insp = Inspection::from_json(text.as_bytes(), "i.json").unwrap();
        let count = |insp: &Inspection| {
            let c = new_checklist(insp, "u", &kb.controls, &rules);
            let manual = c
                .items
                .iter()
                .filter(|i| i.source == ItemSource::Manual)
                .count();
            (c, manual)
        };
        insp.level = 1;
        let (c1, m1) = count(&insp);
        insp.level = 3;
        let (c3, m3) = count(&insp);
        assert_eq!(
            m1,
            kb.controls
                .controls
                .iter()
                .filter(|c| c.applies_at(1))
                .count()
        );
        assert!(m3 > m1);
        assert!(c1.item("M2.3").is_none(), "M2.3 is a level 2+ control");
        assert!(c3.item("M2.4").is_some());
        assert!(c1.item("M5.1/auto.eol-microsoft").is_some());
        assert!(c1.items.iter().all(|i| i.answer == Answer::Unanswered));
        // Manual items take a non-technical method where the catalog has one.
        assert_eq!(c1.item("P.3").unwrap().method, Method::Observation);
        assert_eq!(c1.item("M3.1").unwrap().method, Method::Document);
        // Deterministic.
        assert_eq!(
            serde_json::to_string(&c1).unwrap(),
            serde_json::to_string(
                &count(&{
                    insp.level = 1;
                    insp.clone()
                })
                .0
            )
            .unwrap()
        );
    }

    #[test]
    fn no_report_leaves_automatic_items_unanswered_with_a_reason() {
        let kb = antoan_kb::Knowledge::embedded().unwrap();
        let rules = Rules::embedded();
        let insp = Inspection::from_json(
            include_str!("../tests/fixtures/inspection.json").as_bytes(),
            "i.json",
        )
        .unwrap();
        let mut c = new_checklist(&insp, "u", &kb.controls, &rules);
        fill_automatic(&mut c, &[], &rules);
        let it = c.item("T3.1/auto.default-passwords").unwrap();
        assert_eq!(it.answer, Answer::Unanswered);
        assert!(it.notes.contains("no matching scan"), "{}", it.notes);
    }
}
