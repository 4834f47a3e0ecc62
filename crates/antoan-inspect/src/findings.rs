//! Non-compliant checklist items become findings in the common model,
//! `kind: physical` or `process` for manual items (the rules say which),
//! with an owner and a deadline in their attributes.

use antoan_kb::ControlCatalog;
use antoan_model::{Evidence, Finding, FindingKind, FindingStatus, Severity, Text};
use time::Duration;

use crate::model::{fmt_date, parse_date, Answer, Checklist, Inspection, ItemSource};
use crate::rules::Rules;

/// The check id of findings made from checklist items.
pub const INSPECTION_CHECK_PREFIX: &str = "inspect.";

/// Findings for every non-compliant item of a checklist, sorted by
/// severity then control. Automatic items give one finding per item (the
/// report findings behind it stay in their own reports), of the rule's
/// `finding_kind` (`config` for an item whose rule is no longer in the rules); the owner is the
/// item's, else the head of the unit, else the rules' default; the deadline
/// is the item's, else the conclusion date plus the rules' days for the
/// severity.
pub fn checklist_findings(
    inspection: &Inspection,
    checklist: &Checklist,
    catalog: &ControlCatalog,
    rules: &Rules,
) -> Vec<Finding> {
    let unit = inspection.unit(&checklist.unit);
    let host_key = format!("unit:{}", checklist.unit);
    let base = parse_date(&inspection.date);
    let mut out = Vec::new();
    for item in checklist
        .items
        .iter()
        .filter(|i| i.answer == Answer::NotCompliant)
    {
        let (kind, default_sev, automatic) = match &item.source {
            ItemSource::Manual => {
                let (k, s) = rules.manual_for(&item.control, &item.group);
                (k, s, false)
            }
            ItemSource::Automatic { .. } => {
                let worst = item
                    .observations
                    .iter()
                    .filter_map(|o| o.severity)
                    .max()
                    .unwrap_or(Severity::Medium);
                (FindingKind::Config, worst, true)
            }
        };
        let severity = item.severity.unwrap_or(default_sev);
        let kind = match &item.source {
            ItemSource::Automatic { rule } => rules
                .automatic
                .iter()
                .find(|a| &a.id == rule)
                .map(|a| a.finding_kind)
                .unwrap_or(FindingKind::Config),
            ItemSource::Manual => kind,
        };
        let owner = item
            .owner
            .clone()
            .map(|o| Text::new(o.clone(), o))
            .or_else(|| {
                unit.filter(|u| !u.head.is_empty())
                    .map(|u| Text::new(u.head.clone(), u.head.clone()))
            })
            .unwrap_or_else(|| rules.owner.clone());
        let deadline = item.deadline.clone().or_else(|| {
            base.and_then(|d| {
                d.checked_add(Duration::days(i64::from(rules.deadline_days(severity))))
            })
            .map(fmt_date)
        });
        let control = catalog.get(&item.control);
        let remediation = control.map(|c| c.description.clone()).unwrap_or_else(|| {
            Text::new(
                "Khắc phục theo yêu cầu của biện pháp.",
                "Meet the control's requirement.",
            )
        });
        let mut evidence: Vec<Evidence> = item
            .observations
            .iter()
            .map(|o| {
                let mut src = o.asset.clone();
                if !o.subject.is_empty() {
                    src.push_str(&format!(" {}", o.subject));
                }
                if !o.finding.is_empty() {
                    src.push_str(&format!(" ({})", o.finding));
                }
                Evidence::new(src, o.text.vi.clone())
            })
            .collect();
        if !item.notes.is_empty() && !automatic {
            evidence.insert(
                0,
                Evidence::new(format!("checklist:{}", item.id), item.notes.clone()),
            );
        }
        for e in &item.evidence {
            evidence.push(Evidence::new(
                format!("file:{}", e.file_name),
                format!("{} {} bytes sha256 {}", e.media_type, e.size, e.sha256),
            ));
        }
        let mut attributes = std::collections::BTreeMap::new();
        attributes.insert("inspection".to_string(), inspection.id.clone());
        attributes.insert("unit".to_string(), checklist.unit.clone());
        attributes.insert("item".to_string(), item.id.clone());
        attributes.insert("owner".to_string(), owner.vi.clone());
        attributes.insert("owner_en".to_string(), owner.en.clone());
        if let Some(d) = &deadline {
            attributes.insert("deadline".to_string(), d.clone());
        }
        let mut assets: Vec<&str> = item
            .observations
            .iter()
            .map(|o| o.asset.as_str())
            .filter(|a| !a.is_empty())
            .collect();
        assets.sort();
        assets.dedup();
        if !assets.is_empty() {
            attributes.insert("assets".to_string(), assets.join(", "));
        }
        let check = format!("{INSPECTION_CHECK_PREFIX}{}", item.id);
        let title = if automatic || item.notes.is_empty() {
            Text::new(
                format!("Chưa đạt: {}", item.requirement.vi),
                format!("Not met: {}", item.requirement.en),
            )
        } else {
            Text::new(
                format!("Chưa đạt: {} — {}", item.requirement.vi, item.notes),
                format!("Not met: {} — {}", item.requirement.en, item.notes),
            )
        };
        out.push(Finding {
            id: Finding::stable_id(&host_key, &check, &item.id),
            check,
            kind,
            severity,
            status: FindingStatus::Open,
            subject: format!("unit:{}", checklist.unit),
            title,
            remediation,
            evidence,
            controls: vec![item.control.clone()],
            reason: None,
            attributes,
            references: control
                .map(|c| c.references.legacy.clone())
                .unwrap_or_default(),
        });
    }
    sort_findings(&mut out);
    out
}

pub fn sort_findings(f: &mut [Finding]) {
    f.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| control_key(a).cmp(&control_key(b)))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.id.cmp(&b.id))
    });
}

fn control_key(f: &Finding) -> String {
    f.controls.first().cloned().unwrap_or_default()
}
