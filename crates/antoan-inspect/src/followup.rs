//! Follow-up: a re-inspection compared with the previous one — what was
//! fixed, what remains, what is new. Findings are matched by their stable
//! id (host or unit, check and subject), so wording changes do not make a
//! finding "new".

use std::collections::BTreeMap;

use antoan_model::{Finding, FindingStatus};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    /// Open before, gone or no longer open now.
    pub fixed: Vec<Finding>,
    /// Open before and still open (the current finding).
    pub remaining: Vec<Finding>,
    /// Open now, not open before.
    pub new: Vec<Finding>,
    /// Not assessed in the current inspection while open before: neither
    /// fixed nor remaining can be said.
    pub not_reassessed: Vec<Finding>,
}

impl FollowUp {
    pub fn is_clean(&self) -> bool {
        self.remaining.is_empty() && self.new.is_empty() && self.not_reassessed.is_empty()
    }
}

fn by_id(f: &[Finding]) -> BTreeMap<&str, &Finding> {
    f.iter().map(|x| (x.id.as_str(), x)).collect()
}

/// Compares the findings of two inspections (checklist findings and report
/// findings alike). Each list comes out sorted by id.
pub fn compare(previous: &[Finding], current: &[Finding]) -> FollowUp {
    let prev = by_id(previous);
    let cur = by_id(current);
    let mut out = FollowUp {
        fixed: Vec::new(),
        remaining: Vec::new(),
        new: Vec::new(),
        not_reassessed: Vec::new(),
    };
    for (id, p) in &prev {
        if p.status != FindingStatus::Open {
            continue;
        }
        match cur.get(id) {
            Some(c) if c.status == FindingStatus::Open => out.remaining.push((*c).clone()),
            Some(_) => out.not_reassessed.push((*p).clone()),
            None => out.fixed.push((*p).clone()),
        }
    }
    for (id, c) in &cur {
        if c.status == FindingStatus::Open
            && prev.get(id).is_none_or(|p| p.status != FindingStatus::Open)
        {
            out.new.push((*c).clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use antoan_model::{FindingKind, Severity, Text};

    fn f(id: &str, status: FindingStatus) -> Finding {
        Finding {
            id: id.into(),
            check: "c".into(),
            kind: FindingKind::Process,
            severity: Severity::High,
            status,
            subject: "s".into(),
            title: Text::new("t", "t"),
            remediation: Text::new("r", "r"),
            evidence: vec![],
            controls: vec![],
            reason: None,
            attributes: Default::default(),
            references: vec![],
        }
    }

    #[test]
    fn fixed_remaining_new_and_not_reassessed() {
        use FindingStatus::*;
        let before = vec![
            f("F-b", Open),
            f("F-a", Open),
            f("F-c", Open),
            f("F-d", NotAssessed),
        ];
        let after = vec![
            f("F-b", Open),
            f("F-c", NotAssessed),
            f("F-d", Open),
            f("F-e", Open),
        ];
        let r = compare(&before, &after);
        let ids = |v: &[Finding]| v.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&r.fixed), ["F-a"]);
        assert_eq!(ids(&r.remaining), ["F-b"]);
        assert_eq!(ids(&r.new), ["F-d", "F-e"]);
        assert_eq!(ids(&r.not_reassessed), ["F-c"]);
        assert!(!r.is_clean());
        assert!(compare(&before, &[]).remaining.is_empty());
        assert!(compare(&[], &[]).is_clean());
    }
}
