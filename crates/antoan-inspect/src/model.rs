//! The inspection documents: an inspection (who, what, when, which level)
//! and one checklist per inspected unit. Versioned JSON; unknown fields are
//! ignored so that a newer writer does not break an older reader.

use antoan_kb::Method;
use antoan_model::{Severity, Text};
use serde::{Deserialize, Serialize};

use crate::error::{parse_json, InspectError};

/// Version of the inspection and checklist documents.
pub const INSPECTION_SCHEMA_VERSION: &str = "1.0";

/// Largest inspection or checklist document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub schema_version: String,
    /// Stable identifier (used in finding ids), e.g. `KT-2026-07`.
    pub id: String,
    pub decision: Decision,
    pub issuing_body: IssuingBody,
    /// Number of the conclusion document, e.g. `35/KL-STTTT`.
    pub number: String,
    /// Place written in the heading ("Hà Tĩnh").
    pub place: String,
    /// Date of the conclusion (YYYY-MM-DD).
    pub date: String,
    pub team: Vec<TeamMember>,
    pub scope: Scope,
    /// Security level of the inspected information systems (1–3).
    pub level: u8,
    /// Framework version of the controls catalog (`legacy`, `current`).
    pub framework: String,
    /// Who signs the conclusion; the team lead when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// Minutes drawn up during the inspection (one line each).
    #[serde(default)]
    pub minutes: Vec<String>,
    /// Distribution list ("Nơi nhận"), besides the inspected units and the archive.
    #[serde(default)]
    pub distribution: Vec<String>,
    /// Days after the conclusion by which the unit reports back (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_back_days: Option<u32>,
    /// Planned follow-up inspection (YYYY-MM-DD), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// e.g. `120/QĐ-STTTT`.
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// Who issued it ("Giám đốc Sở Thông tin và Truyền thông").
    pub issuer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuingBody {
    /// The body above it ("UBND TỈNH HÀ TĨNH"), may be empty.
    #[serde(default)]
    pub parent: String,
    /// "SỞ THÔNG TIN VÀ TRUYỀN THÔNG".
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeamRole {
    Lead,
    Deputy,
    Member,
    Secretary,
}

impl TeamRole {
    pub fn label(self) -> Text {
        match self {
            TeamRole::Lead => Text::new("Trưởng đoàn", "Team lead"),
            TeamRole::Deputy => Text::new("Phó Trưởng đoàn", "Deputy lead"),
            TeamRole::Member => Text::new("Thành viên", "Member"),
            TeamRole::Secretary => Text::new("Thư ký", "Secretary"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub name: String,
    pub role: TeamRole,
    /// Position and organisation ("Chuyên viên, Sở TT&TT").
    #[serde(default)]
    pub position: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// "KT. GIÁM ĐỐC" when signing on behalf of someone; may be empty.
    #[serde(default)]
    pub on_behalf: String,
    /// "PHÓ GIÁM ĐỐC", "TRƯỞNG ĐOÀN".
    pub title: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub units: Vec<Unit>,
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// YYYY-MM-DD.
    pub from: String,
    /// YYYY-MM-DD.
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Stable identifier (used in finding ids).
    pub id: String,
    /// "UBND thành phố Hà Tĩnh".
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// Head of the unit (name), the default owner of findings.
    #[serde(default)]
    pub head: String,
    #[serde(default)]
    pub overview: UnitOverview,
    /// Measures taken on site during the inspection (e.g. malware removed).
    #[serde(default)]
    pub measures_on_site: Vec<String>,
    /// The inspectors' own assessment notes (section IV).
    #[serde(default)]
    pub assessment: AssessmentNotes,
}

/// Section II of the conclusion, as the inspectors describe the unit. Each
/// field is free text in the language the inspectors write in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnitOverview {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub infrastructure: String,
    #[serde(default)]
    pub systems: Vec<SystemLevel>,
    #[serde(default)]
    pub document_management: String,
    #[serde(default)]
    pub digital_signatures: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemLevel {
    pub name: String,
    pub level: u8,
    /// The level dossier is approved.
    #[serde(default)]
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AssessmentNotes {
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub causes: Vec<String>,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    /// Whether the systems need a higher level, in the inspectors' words.
    #[serde(default)]
    pub level_note: String,
}

/// One checklist per inspected unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub schema_version: String,
    pub inspection: String,
    pub unit: String,
    pub level: u8,
    pub framework: String,
    pub items: Vec<ChecklistItem>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Compliant,
    NotCompliant,
    NotApplicable,
    #[default]
    Unanswered,
}

impl Answer {
    pub fn label(self) -> Text {
        match self {
            Answer::Compliant => Text::new("Đạt", "Compliant"),
            Answer::NotCompliant => Text::new("Không đạt", "Not compliant"),
            Answer::NotApplicable => Text::new("Không áp dụng", "Not applicable"),
            Answer::Unanswered => Text::new("Chưa đánh giá", "Not assessed"),
        }
    }
}

/// How an item is answered: by the inspector, or from antoan reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum ItemSource {
    Manual,
    /// Filled by the automatic rule of this id.
    Automatic {
        rule: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// `M3.1` for a catalog control, `M5.1/auto.eol-microsoft` for an automatic item.
    pub id: String,
    pub control: String,
    pub group: String,
    pub requirement: Text,
    pub method: Method,
    pub source: ItemSource,
    #[serde(default)]
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRef>,
    /// What the inspector saw, or (automatic items) the report findings behind the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
    /// Inspector's severity for a non-compliant answer; the rules' default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Who must fix it; the head of the unit when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Deadline (YYYY-MM-DD); from the severity when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// One fact behind an answer: an asset and what was seen on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// Host, device or place ("PC-KETOAN-01", "192.168.1.64:80/http-basic", "Phòng họp tầng 2").
    pub asset: String,
    /// What on the asset (an account, a setting), for host report findings.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    pub text: Text,
    /// Id of the report finding, for automatic items.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub finding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

/// A file attached to an item; the file itself is stored elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EvidenceRef {
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

impl Inspection {
    /// Reads an inspection document (JSON) and checks it.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Inspection, InspectError> {
        let i: Inspection = parse_json(
            bytes,
            origin,
            MAX_DOCUMENT_BYTES,
            ("biên bản kiểm tra", "inspection"),
        )?;
        i.validate(origin)?;
        Ok(i)
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.scope.units.iter().find(|u| u.id == id)
    }

    pub fn lead(&self) -> Option<&TeamMember> {
        self.team.iter().find(|m| m.role == TeamRole::Lead)
    }

    /// Checks the fields the documents rely on.
    pub fn validate(&self, origin: &str) -> Result<(), InspectError> {
        let bad = |vi: String, en: String| Err(InspectError::new(origin, None, vi, en));
        if self.schema_version.split('.').next() != Some("1") {
            return bad(
                format!(
                    "phiên bản {} không được hỗ trợ (cần 1.x)",
                    self.schema_version
                ),
                format!(
                    "schema_version {} is not supported (1.x expected)",
                    self.schema_version
                ),
            );
        }
        if !(1..=3).contains(&self.level) {
            return bad(
                format!("cấp độ {} nằm ngoài 1–3", self.level),
                format!("level {} is outside 1–3", self.level),
            );
        }
        for (name, v) in [
            ("date", Some(&self.date)),
            ("decision.date", Some(&self.decision.date)),
            ("scope.period.from", Some(&self.scope.period.from)),
            ("scope.period.to", Some(&self.scope.period.to)),
            ("follow_up_date", self.follow_up_date.as_ref()),
        ] {
            if let Some(v) = v {
                if parse_date(v).is_none() {
                    return bad(
                        format!("`{name}` = {v:?} không phải ngày YYYY-MM-DD"),
                        format!("`{name}` = {v:?} is not a YYYY-MM-DD date"),
                    );
                }
            }
        }
        if self.scope.units.is_empty() {
            return bad(
                "phạm vi không có đơn vị nào".into(),
                "the scope names no unit".into(),
            );
        }
        let mut ids = std::collections::BTreeSet::new();
        for u in &self.scope.units {
            if u.id.trim().is_empty() || !ids.insert(u.id.as_str()) {
                return bad(
                    format!("mã đơn vị {:?} trống hoặc trùng", u.id),
                    format!("unit id {:?} is empty or repeated", u.id),
                );
            }
        }
        if self.team.is_empty() {
            return bad(
                "đoàn kiểm tra không có thành viên".into(),
                "the team has no member".into(),
            );
        }
        if self.id.trim().is_empty() {
            return bad(
                "thiếu mã cuộc kiểm tra (`id`)".into(),
                "the inspection has no `id`".into(),
            );
        }
        Ok(())
    }
}

impl Checklist {
    /// Reads a checklist document (JSON) and checks it.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Checklist, InspectError> {
        let c: Checklist = parse_json(
            bytes,
            origin,
            MAX_DOCUMENT_BYTES,
            ("bảng kiểm", "checklist"),
        )?;
        if c.schema_version.split('.').next() != Some("1") {
            return Err(InspectError::new(
                origin,
                None,
                format!("phiên bản {} không được hỗ trợ (cần 1.x)", c.schema_version),
                format!(
                    "schema_version {} is not supported (1.x expected)",
                    c.schema_version
                ),
            ));
        }
        for it in &c.items {
            if let Some(d) = &it.deadline {
                if parse_date(d).is_none() {
                    return Err(InspectError::new(
                        origin,
                        None,
                        format!("mục {}: hạn {d:?} không phải ngày YYYY-MM-DD", it.id),
                        format!("item {}: deadline {d:?} is not a YYYY-MM-DD date", it.id),
                    ));
                }
            }
        }
        Ok(c)
    }

    pub fn item(&self, id: &str) -> Option<&ChecklistItem> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn item_mut(&mut self, id: &str) -> Option<&mut ChecklistItem> {
        self.items.iter_mut().find(|i| i.id == id)
    }

    /// Records an inspector's answer on an item; `false` when there is no such item.
    pub fn answer(&mut self, id: &str, answer: Answer, notes: &str) -> bool {
        match self.item_mut(id) {
            Some(it) => {
                it.answer = answer;
                it.notes = notes.to_string();
                true
            }
            None => false,
        }
    }
}

/// A YYYY-MM-DD date.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    if s.len() != 10 {
        return None;
    }
    time::Date::parse(s, &f).ok()
}

pub(crate) fn fmt_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The date part of an RFC 3339 instant or a plain date.
pub fn date_of(s: &str) -> Option<time::Date> {
    s.get(..10).and_then(parse_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../tests/fixtures/inspection.json");

    #[test]
    fn the_fixture_reads_and_round_trips() {
        let i = Inspection::from_json(FIXTURE.as_bytes(), "inspection.json").unwrap();
        assert_eq!(i.level, 2);
        assert_eq!(i.lead().unwrap().name, "Nguyễn Văn An");
        let again = serde_json::to_string(&i).unwrap();
        assert_eq!(Inspection::from_json(again.as_bytes(), "x").unwrap(), i);
        // With a BOM, as Windows editors write it.
        let bom = format!("\u{feff}{FIXTURE}");
        assert!(Inspection::from_json(bom.as_bytes(), "x").is_ok());
    }

    #[test]
    fn bad_documents_are_refused_with_file_and_line() {
        let e = Inspection::from_json(
            FIXTURE.replace("\"level\": 2", "\"level\": 5").as_bytes(),
            "i.json",
        )
        .unwrap_err();
        assert!(e.message.en.starts_with("i.json: level 5"), "{e}");
        assert!(e.message.vi.contains("cấp độ 5"), "{e}");
        let e = Inspection::from_json(
            FIXTURE
                .replace("\"2026-11-25\"", "\"25/11/2026\"")
                .as_bytes(),
            "i.json",
        )
        .unwrap_err();
        assert!(e.message.en.contains("`date`"), "{e}");
        let e = Inspection::from_json(
            FIXTURE
                .replace("\"number\": \"35/KL-STTTT\",", "\"number\": 35,")
                .as_bytes(),
            "i.json",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(10), "{e}");
        let e = Inspection::from_json(
            FIXTURE
                .replace("\"schema_version\": \"1.0\"", "\"schema_version\": \"2.0\"")
                .as_bytes(),
            "i.json",
        )
        .unwrap_err();
        assert!(e.message.en.contains("2.0"), "{e}");
        let e = Inspection::from_json(b"\xff\xfe{}", "i.json").unwrap_err();
        assert!(e.message.en.contains("not UTF-8"), "{e}");
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(Inspection::from_json(&big, "i.json")
            .unwrap_err()
            .message
            .en
            .contains("too large"));
    }

    #[test]
    fn truncated_and_garbage_input_never_panics() {
        for cut in (0..FIXTURE.len()).step_by(7) {
            let b = &FIXTURE.as_bytes()[..cut];
            let _ = Inspection::from_json(b, "t.json");
            let _ = Checklist::from_json(b, "t.json");
        }
        for g in [
            &b"\x00\x01\x02"[..],
            b"[]",
            b"null",
            b"{\"schema_version\":\"1.0\",\"items\":5}",
            "Kiểm tra".as_bytes(),
        ] {
            assert!(Inspection::from_json(g, "g.json").is_err());
            assert!(Checklist::from_json(g, "g.json").is_err());
        }
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-02-29").is_none());
        assert!(parse_date("2028-02-29").is_some());
        assert!(parse_date("2026-1-5").is_none());
        assert_eq!(
            date_of("2026-11-19T09:00:00Z").map(fmt_date).as_deref(),
            Some("2026-11-19")
        );
    }
}
