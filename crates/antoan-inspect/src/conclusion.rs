//! The inspection conclusion ("Kết luận kiểm tra"): first the facts
//! ([`Conclusion`]: findings, results by group, recommendations), then a
//! neutral document ([`Document`]: heading, sections of paragraphs, lists
//! and tables, distribution, signature, appendices) in one language, which
//! the HTML and DOCX renderers lay out in the official administrative form.

use antoan_kb::{ControlCatalog, Method};
use antoan_model::{Finding, FindingStatus, Lang, Report, Severity, Text};
use serde::Serialize;
use time::Duration;

use crate::checklist::asset_of;
use crate::findings::checklist_findings;
use crate::model::{fmt_date, parse_date, Answer, Checklist, Inspection, ItemSource, Unit};
use crate::rules::{is_scan, Rules};
use crate::InspectError;

/// Everything a conclusion is generated from.
pub struct ConclusionInput<'a> {
    pub inspection: &'a Inspection,
    pub unit: &'a str,
    pub checklist: &'a Checklist,
    /// The unit's latest antoan reports (host audits and scans).
    pub reports: &'a [Report],
    pub catalog: &'a ControlCatalog,
    pub rules: &'a Rules,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupResult {
    pub group: String,
    pub name: Text,
    pub compliant: u32,
    pub not_compliant: u32,
    pub not_applicable: u32,
    pub unanswered: u32,
}

impl GroupResult {
    pub fn verdict(&self) -> Verdict {
        if self.not_compliant > 0 {
            Verdict::NotMet
        } else if self.unanswered > 0 {
            Verdict::Incomplete
        } else {
            Verdict::Met
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Met,
    NotMet,
    Incomplete,
}

impl Verdict {
    pub fn label(self) -> Text {
        match self {
            Verdict::Met => Text::new("Đạt", "Met"),
            Verdict::NotMet => Text::new("Chưa đạt", "Not met"),
            Verdict::Incomplete => Text::new("Chưa đánh giá đầy đủ", "Not fully assessed"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// Rule id (`upgrade`, `passwords`, `training` …).
    pub id: String,
    pub text: Text,
    pub owner: Text,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub recheck: Text,
    /// Ids of the findings it answers.
    pub findings: Vec<String>,
    /// Controls of those findings.
    pub controls: Vec<String>,
}

/// The facts of a conclusion, independent of language and layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conclusion {
    pub inspection: String,
    pub unit: String,
    pub level: u8,
    pub groups: Vec<GroupResult>,
    /// Findings from non-compliant checklist items, most severe first.
    pub findings: Vec<Finding>,
    pub recommendations: Vec<Recommendation>,
    /// The level's requirements are met: nothing non-compliant and nothing unanswered.
    pub overall: Verdict,
}

/// Works out the findings, results by group and recommendations.
pub fn conclude(input: &ConclusionInput) -> Result<Conclusion, InspectError> {
    let insp = input.inspection;
    if insp.unit(input.unit).is_none() {
        return Err(InspectError::new(
            "",
            None,
            format!(
                "đơn vị {} không thuộc phạm vi kiểm tra {}",
                input.unit, insp.id
            ),
            format!(
                "unit {} is not in the scope of inspection {}",
                input.unit, insp.id
            ),
        ));
    }
    if input.checklist.unit != input.unit {
        return Err(InspectError::new(
            "",
            None,
            format!(
                "bảng kiểm thuộc đơn vị {}, không phải {}",
                input.checklist.unit, input.unit
            ),
            format!(
                "the checklist is for unit {}, not {}",
                input.checklist.unit, input.unit
            ),
        ));
    }
    let date = parse_date(&insp.date).ok_or_else(|| {
        InspectError::new(
            "",
            None,
            format!("ngày {:?} không hợp lệ", insp.date),
            format!("date {:?} is invalid", insp.date),
        )
    })?;
    let findings = checklist_findings(insp, input.checklist, input.catalog, input.rules);

    let mut groups = Vec::new();
    for g in &input.catalog.groups {
        let mut r = GroupResult {
            group: g.id.clone(),
            name: g.name.clone(),
            compliant: 0,
            not_compliant: 0,
            not_applicable: 0,
            unanswered: 0,
        };
        let mut any = false;
        for it in input.checklist.items.iter().filter(|i| i.group == g.id) {
            any = true;
            match it.answer {
                Answer::Compliant => r.compliant += 1,
                Answer::NotCompliant => r.not_compliant += 1,
                Answer::NotApplicable => r.not_applicable += 1,
                Answer::Unanswered => r.unanswered += 1,
            }
        }
        if any {
            groups.push(r);
        }
    }
    let overall = if groups.iter().any(|g| g.verdict() == Verdict::NotMet) {
        Verdict::NotMet
    } else if groups.iter().any(|g| g.verdict() == Verdict::Incomplete) {
        Verdict::Incomplete
    } else {
        Verdict::Met
    };

    // Each finding goes to the first recommendation that matches it.
    let mut taken: Vec<Vec<&Finding>> = vec![Vec::new(); input.rules.recommendation.len()];
    for f in findings.iter().filter(|f| f.status == FindingStatus::Open) {
        if let Some(i) = input.rules.recommendation.iter().position(|r| r.matches(f)) {
            taken[i].push(f);
        }
    }
    let mut recommendations = Vec::new();
    for (rule, fs) in input.rules.recommendation.iter().zip(taken) {
        if fs.is_empty() {
            continue;
        }
        let deadline = date
            .checked_add(Duration::days(i64::from(rule.deadline_days)))
            .map(fmt_date)
            .unwrap_or_else(|| insp.date.clone());
        let mut controls: Vec<String> =
            fs.iter().flat_map(|f| f.controls.iter().cloned()).collect();
        controls.sort();
        controls.dedup();
        recommendations.push(Recommendation {
            id: rule.id.clone(),
            text: rule.text.clone(),
            owner: rule.owner.clone(),
            deadline,
            recheck: rule.recheck.clone(),
            findings: fs.iter().map(|f| f.id.clone()).collect(),
            controls,
        });
    }
    Ok(Conclusion {
        inspection: insp.id.clone(),
        unit: input.unit.to_string(),
        level: insp.level,
        groups,
        findings,
        recommendations,
        overall,
    })
}

// --- the document ---------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub lang: Lang,
    pub heading: Heading,
    pub sections: Vec<Section>,
    /// "Nơi nhận" lines.
    pub distribution: Vec<String>,
    pub signature: SignatureBlock,
    pub appendices: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// Upper-case parent body, may be empty.
    pub parent: String,
    /// Upper-case issuing body.
    pub body: String,
    /// "Số: 35/KL-STTTT".
    pub number: String,
    pub nation: String,
    pub motto: String,
    /// "Hà Tĩnh, ngày 25 tháng 11 năm 2026".
    pub place_date: String,
    /// "KẾT LUẬN".
    pub kind: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Block {
    Subheading { text: String },
    Paragraph { text: String },
    Bullets { items: Vec<String> },
    Table(Table),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative column widths (percent).
    pub widths: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureBlock {
    pub on_behalf: String,
    pub title: String,
    pub name: String,
}

struct L(Lang);

impl L {
    fn t(&self, t: &Text) -> String {
        t.get(self.0).to_string()
    }
    fn s(&self, vi: &str, en: &str) -> String {
        match self.0 {
            Lang::Vi => vi.to_string(),
            Lang::En => en.to_string(),
        }
    }
    fn date(&self, iso: &str) -> String {
        match parse_date(iso) {
            Some(d) => match self.0 {
                Lang::Vi => format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()),
                Lang::En => format!("{} {} {}", d.day(), month_en(u8::from(d.month())), d.year()),
            },
            None => iso.to_string(),
        }
    }
}

fn month_en(m: u8) -> &'static str {
    const M: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    M.get(usize::from(m.saturating_sub(1)))
        .copied()
        .unwrap_or("")
}

fn method_label(m: Method) -> Text {
    match m {
        Method::Technical => Text::new("Kỹ thuật", "Technical"),
        Method::Document => Text::new("Hồ sơ", "Document"),
        Method::Interview => Text::new("Phỏng vấn", "Interview"),
        Method::Observation => Text::new("Quan sát", "Observation"),
    }
}

fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// The conclusion as a document in one language.
pub fn document(input: &ConclusionInput, c: &Conclusion, lang: Lang) -> Document {
    let l = L(lang);
    let insp = input.inspection;
    let empty_unit = Unit {
        id: input.unit.to_string(),
        name: input.unit.to_string(),
        address: String::new(),
        head: String::new(),
        overview: Default::default(),
        measures_on_site: Vec::new(),
        assessment: Default::default(),
    };
    let unit = insp.unit(input.unit).unwrap_or(&empty_unit);
    let date = parse_date(&insp.date);
    let place_date = match (lang, date) {
        (Lang::Vi, Some(d)) => format!(
            "{}, ngày {:02} tháng {:02} năm {}",
            insp.place,
            d.day(),
            u8::from(d.month()),
            d.year()
        ),
        (Lang::En, Some(_)) => format!("{}, {}", insp.place, l.date(&insp.date)),
        (_, None) => insp.place.clone(),
    };
    let heading = Heading {
        parent: upper(&insp.issuing_body.parent),
        body: upper(&insp.issuing_body.name),
        number: format!("{} {}", l.s("Số:", "No.:"), insp.number),
        nation: l.s(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "SOCIALIST REPUBLIC OF VIET NAM",
        ),
        motto: l.s(
            "Độc lập - Tự do - Hạnh phúc",
            "Independence - Freedom - Happiness",
        ),
        place_date,
        kind: l.s("KẾT LUẬN", "CONCLUSION"),
        title: l.s(
            &format!(
                "Kiểm tra công tác bảo đảm an toàn, an ninh mạng tại {}",
                unit.name
            ),
            &format!("Inspection of cybersecurity assurance at {}", unit.name),
        ),
    };

    let mut sections = Vec::new();

    // I. Basis.
    let mut b = Vec::new();
    b.push(Block::Subheading {
        text: l.s("1. Căn cứ pháp lý", "1. Legal grounds"),
    });
    let mut legal: Vec<String> = input
        .rules
        .legal_basis
        .iter()
        .map(|x| l.t(&x.text))
        .collect();
    legal.push(l.s(
        &format!(
            "Quyết định số {} ngày {} của {} về việc kiểm tra công tác bảo đảm an toàn, an ninh mạng",
            insp.decision.number,
            l.date(&insp.decision.date),
            insp.decision.issuer
        ),
        &format!(
            "Decision {} of {} by {} on the cybersecurity inspection",
            insp.decision.number,
            l.date(&insp.decision.date),
            insp.decision.issuer
        ),
    ));
    b.push(Block::Bullets { items: legal });
    b.push(Block::Subheading {
        text: l.s("2. Thành phần đoàn kiểm tra", "2. Inspection team"),
    });
    let mut team: Vec<_> = insp.team.iter().collect();
    team.sort_by_key(|m| m.role);
    b.push(Block::Bullets {
        items: team
            .iter()
            .map(|m| {
                if m.position.is_empty() {
                    format!("{} — {}", m.name, l.t(&m.role.label()))
                } else {
                    format!("{} — {} ({})", m.name, l.t(&m.role.label()), m.position)
                }
            })
            .collect(),
    });
    b.push(Block::Subheading {
        text: l.s(
            "3. Phạm vi, thời kỳ và phương pháp kiểm tra",
            "3. Scope, period and method",
        ),
    });
    let mut methods: std::collections::BTreeMap<Method, u32> = Default::default();
    for it in input
        .checklist
        .items
        .iter()
        .filter(|i| i.answer != Answer::Unanswered)
    {
        *methods.entry(it.method).or_default() += 1;
    }
    let methods: Vec<String> = methods
        .iter()
        .map(|(m, n)| format!("{} ({n})", l.t(&method_label(*m)).to_lowercase()))
        .collect();
    b.push(Block::Bullets {
        items: vec![
            l.s(
                &format!("Đơn vị được kiểm tra: {}{}", unit.name, if unit.address.is_empty() { String::new() } else { format!(", {}", unit.address) }),
                &format!("Inspected unit: {}{}", unit.name, if unit.address.is_empty() { String::new() } else { format!(", {}", unit.address) }),
            ),
            l.s(
                &format!("Thời kỳ kiểm tra: từ {} đến {}", l.date(&insp.scope.period.from), l.date(&insp.scope.period.to)),
                &format!("Period: from {} to {}", l.date(&insp.scope.period.from), l.date(&insp.scope.period.to)),
            ),
            l.s(
                &format!("Cấp độ hệ thống thông tin được kiểm tra: cấp độ {}; khung tham chiếu: {}", insp.level, input.checklist.framework),
                &format!("Level of the information systems inspected: level {}; framework: {}", insp.level, input.checklist.framework),
            ),
            l.s(
                &format!("Phương pháp: {} mục theo bảng kiểm — {}; kiểm tra kỹ thuật bằng công cụ antoan ({} báo cáo máy, {} báo cáo rà quét)", input.checklist.items.iter().filter(|i| i.answer != Answer::Unanswered).count(), methods.join(", "), input.reports.iter().filter(|r| !is_scan(r)).count(), input.reports.iter().filter(|r| is_scan(r)).count()),
                &format!("Method: {} checklist items — {}; technical checks with antoan ({} host reports, {} scan reports)", input.checklist.items.iter().filter(|i| i.answer != Answer::Unanswered).count(), methods.join(", "), input.reports.iter().filter(|r| !is_scan(r)).count(), input.reports.iter().filter(|r| is_scan(r)).count()),
            ),
        ],
    });
    if !insp.minutes.is_empty() {
        b.push(Block::Subheading {
            text: l.s("4. Các biên bản đã lập", "4. Minutes drawn up"),
        });
        b.push(Block::Bullets {
            items: insp.minutes.clone(),
        });
    }
    sections.push(Section {
        title: l.s("I. CĂN CỨ KIỂM TRA", "I. BASIS"),
        blocks: b,
    });

    // II. Overview.
    let ov = &unit.overview;
    let none = l.s("(chưa ghi nhận)", "(not recorded)");
    let or_none = |s: &str| {
        if s.trim().is_empty() {
            none.clone()
        } else {
            s.to_string()
        }
    };
    let mut b = vec![
        Block::Paragraph {
            text: format!(
                "{} {}",
                l.s("1. Tổ chức:", "1. Organisation:"),
                or_none(&ov.organisation)
            ),
        },
        Block::Paragraph {
            text: format!(
                "{} {}",
                l.s("2. Hạ tầng công nghệ thông tin:", "2. IT infrastructure:"),
                or_none(&ov.infrastructure)
            ),
        },
        Block::Paragraph {
            text: l.s(
                "3. Hệ thống thông tin và cấp độ:",
                "3. Information systems and their levels:",
            ),
        },
    ];
    if ov.systems.is_empty() {
        b.push(Block::Paragraph { text: none.clone() });
    } else {
        b.push(Block::Table(Table {
            header: vec![
                l.s("STT", "No."),
                l.s("Hệ thống", "System"),
                l.s("Cấp độ", "Level"),
                l.s("Hồ sơ cấp độ", "Level dossier"),
            ],
            rows: ov
                .systems
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    vec![
                        (i + 1).to_string(),
                        s.name.clone(),
                        s.level.to_string(),
                        if s.approved {
                            l.s("Đã phê duyệt", "Approved")
                        } else {
                            l.s("Chưa phê duyệt", "Not approved")
                        },
                    ]
                })
                .collect(),
            widths: vec![8, 52, 15, 25],
        }));
    }
    b.push(Block::Paragraph {
        text: format!(
            "{} {}",
            l.s("4. Quản lý văn bản, điều hành:", "4. Document management:"),
            or_none(&ov.document_management)
        ),
    });
    b.push(Block::Paragraph {
        text: format!(
            "{} {}",
            l.s("5. Chữ ký số:", "5. Digital signatures:"),
            or_none(&ov.digital_signatures)
        ),
    });
    sections.push(Section {
        title: l.s(
            "II. KHÁI QUÁT VỀ ĐƠN VỊ ĐƯỢC KIỂM TRA",
            "II. OVERVIEW OF THE INSPECTED UNIT",
        ),
        blocks: b,
    });

    // III. Results.
    let mut b = vec![Block::Subheading {
        text: l.s(
            "1. Kết quả theo nhóm yêu cầu",
            "1. Results by control group",
        ),
    }];
    b.push(Block::Table(Table {
        header: vec![
            l.s("Nhóm", "Group"),
            l.s("Tên nhóm", "Name"),
            l.s("Đạt", "Met"),
            l.s("Không đạt", "Not met"),
            l.s("Không áp dụng", "N/A"),
            l.s("Chưa đánh giá", "Not assessed"),
            l.s("Đánh giá", "Verdict"),
        ],
        rows: c
            .groups
            .iter()
            .map(|g| {
                vec![
                    g.group.clone(),
                    l.t(&g.name),
                    g.compliant.to_string(),
                    g.not_compliant.to_string(),
                    g.not_applicable.to_string(),
                    g.unanswered.to_string(),
                    l.t(&g.verdict().label()),
                ]
            })
            .collect(),
        widths: vec![8, 37, 9, 10, 11, 11, 14],
    }));
    b.push(Block::Subheading {
        text: l.s("2. Các tồn tại, vi phạm phát hiện", "2. Findings"),
    });
    if c.findings.is_empty() {
        b.push(Block::Paragraph {
            text: l.s("Không phát hiện tồn tại.", "No finding."),
        });
    } else {
        b.push(Block::Table(Table {
            header: vec![
                l.s("STT", "No."),
                l.s("Yêu cầu", "Requirement"),
                l.s("Nhận xét", "Observation"),
                l.s("Mức độ", "Severity"),
                l.s("Tài sản", "Assets"),
                l.s("Minh chứng", "Evidence"),
            ],
            rows: c
                .findings
                .iter()
                .enumerate()
                .map(|(i, f)| finding_row(&l, i, f, input))
                .collect(),
            widths: vec![6, 22, 34, 10, 14, 14],
        }));
    }
    b.push(Block::Subheading {
        text: l.s("3. Kết quả kiểm tra kỹ thuật", "3. Technical check results"),
    });
    if input.reports.is_empty() {
        b.push(Block::Paragraph {
            text: l.s("Không có báo cáo kỹ thuật.", "No technical report."),
        });
    } else {
        b.push(Block::Table(Table {
            header: vec![
                l.s("Tài sản", "Asset"),
                l.s("Loại", "Type"),
                l.s("Hệ điều hành", "Operating system"),
                l.s("Nghiêm trọng", "Critical"),
                l.s("Cao", "High"),
                l.s("Trung bình", "Medium"),
                l.s("Thấp", "Low"),
            ],
            rows: sorted_reports(input.reports)
                .iter()
                .map(|r| {
                    let n = |s: Severity| {
                        r.findings
                            .iter()
                            .filter(|f| f.status == FindingStatus::Open && f.severity == s)
                            .count()
                            .to_string()
                    };
                    vec![
                        asset_of(r),
                        if is_scan(r) {
                            l.s("Rà quét mạng", "Network scan")
                        } else {
                            l.s("Kiểm tra máy", "Host audit")
                        },
                        if is_scan(r) {
                            "—".to_string()
                        } else {
                            r.host.os.name.clone()
                        },
                        n(Severity::Critical),
                        n(Severity::High),
                        n(Severity::Medium),
                        n(Severity::Low),
                    ]
                })
                .collect(),
            widths: vec![20, 14, 26, 11, 9, 11, 9],
        }));
        let mut crit = Vec::new();
        for r in sorted_reports(input.reports) {
            for f in r
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Open && f.severity == Severity::Critical)
            {
                if is_scan(r) {
                    crit.push(format!("{}: {}", asset_of(r), l.t(&f.title)));
                } else {
                    crit.push(format!(
                        "{} ({}): {}",
                        asset_of(r),
                        f.subject,
                        l.t(&f.title)
                    ));
                }
            }
        }
        if !crit.is_empty() {
            b.push(Block::Paragraph {
                text: l.s("Các phát hiện mức nghiêm trọng:", "Critical findings:"),
            });
            b.push(Block::Bullets { items: crit });
        }
    }
    b.push(Block::Subheading {
        text: l.s(
            "4. Biện pháp đã thực hiện tại chỗ",
            "4. Measures taken on site",
        ),
    });
    if unit.measures_on_site.is_empty() {
        b.push(Block::Paragraph {
            text: l.s("Không có.", "None."),
        });
    } else {
        b.push(Block::Bullets {
            items: unit.measures_on_site.clone(),
        });
    }
    sections.push(Section {
        title: l.s("III. KẾT QUẢ KIỂM TRA", "III. RESULTS"),
        blocks: b,
    });

    // IV. Assessment.
    let mut strengths = unit.assessment.strengths.clone();
    for g in c
        .groups
        .iter()
        .filter(|g| g.verdict() == Verdict::Met && g.compliant > 0)
    {
        strengths.push(l.s(
            &format!(
                "Nhóm {} ({}): đạt toàn bộ {} yêu cầu đã kiểm tra.",
                g.group,
                l.t(&g.name),
                g.compliant
            ),
            &format!(
                "Group {} ({}): all {} requirements checked are met.",
                g.group,
                l.t(&g.name),
                g.compliant
            ),
        ));
    }
    if strengths.is_empty() {
        strengths.push(l.s(
            "Đơn vị phối hợp, cung cấp thông tin cho đoàn kiểm tra.",
            "The unit cooperated and provided information to the team.",
        ));
    }
    let shortcomings: Vec<String> = c
        .findings
        .iter()
        .map(|f| {
            let assets = f
                .attributes
                .get("assets")
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            format!(
                "{} [{}]{}",
                requirement_of(&l, f, input),
                l.t(&f.severity.label()).to_lowercase(),
                assets
            )
        })
        .collect();
    let mut causes = unit.assessment.causes.clone();
    if causes.is_empty() {
        causes.push(l.s(
            "Nguyên nhân chủ quan: nhận thức về an toàn, an ninh mạng của cán bộ, công chức còn hạn chế; chưa bố trí nhân lực chuyên trách; chưa thực hiện tự kiểm tra định kỳ.",
            "Internal causes: limited cybersecurity awareness among staff; no dedicated staff; no regular self-inspection.",
        ));
        causes.push(l.s(
            "Nguyên nhân khách quan: kinh phí đầu tư, nâng cấp trang thiết bị còn hạn chế.",
            "External causes: limited budget for investment in and upgrade of equipment.",
        ));
    }
    let mut resp = unit.assessment.responsibilities.clone();
    if resp.is_empty() {
        resp.push(l.s(
            &format!("Thủ trưởng {} chịu trách nhiệm về các tồn tại nêu trên và việc khắc phục.", unit.name),
            &format!("The head of {} is responsible for the shortcomings above and for their remediation.", unit.name),
        ));
    }
    sections.push(Section {
        title: l.s("IV. NHẬN XÉT, ĐÁNH GIÁ", "IV. ASSESSMENT"),
        blocks: vec![
            Block::Subheading {
                text: l.s("1. Ưu điểm", "1. Strengths"),
            },
            Block::Bullets { items: strengths },
            Block::Subheading {
                text: l.s("2. Tồn tại, hạn chế", "2. Shortcomings"),
            },
            if shortcomings.is_empty() {
                Block::Paragraph {
                    text: l.s("Không có.", "None."),
                }
            } else {
                Block::Bullets {
                    items: shortcomings,
                }
            },
            Block::Subheading {
                text: l.s("3. Nguyên nhân", "3. Causes"),
            },
            Block::Bullets { items: causes },
            Block::Subheading {
                text: l.s("4. Trách nhiệm", "4. Responsibilities"),
            },
            Block::Bullets { items: resp },
        ],
    });

    // V. Conclusion.
    let not_met: Vec<String> = c
        .groups
        .iter()
        .filter(|g| g.verdict() == Verdict::NotMet)
        .map(|g| g.group.clone())
        .collect();
    let incomplete: Vec<String> = c
        .groups
        .iter()
        .filter(|g| g.verdict() == Verdict::Incomplete)
        .map(|g| g.group.clone())
        .collect();
    let mut b = vec![Block::Paragraph {
        text: match c.overall {
            Verdict::Met => l.s(
                &format!("{} đáp ứng các yêu cầu bảo đảm an toàn hệ thống thông tin cấp độ {} đã được kiểm tra.", unit.name, c.level),
                &format!("{} meets the level {} requirements that were checked.", unit.name, c.level),
            ),
            _ => l.s(
                &format!(
                    "{} chưa đáp ứng đầy đủ yêu cầu bảo đảm an toàn hệ thống thông tin cấp độ {}: có {} tồn tại ({} nghiêm trọng, {} cao).",
                    unit.name,
                    c.level,
                    c.findings.len(),
                    c.findings.iter().filter(|f| f.severity == Severity::Critical).count(),
                    c.findings.iter().filter(|f| f.severity == Severity::High).count()
                ),
                &format!(
                    "{} does not fully meet the level {} requirements: {} findings ({} critical, {} high).",
                    unit.name,
                    c.level,
                    c.findings.len(),
                    c.findings.iter().filter(|f| f.severity == Severity::Critical).count(),
                    c.findings.iter().filter(|f| f.severity == Severity::High).count()
                ),
            ),
        },
    }];
    let mut bl = Vec::new();
    if !not_met.is_empty() {
        bl.push(l.s(
            &format!("Nhóm chưa đạt: {}.", not_met.join(", ")),
            &format!("Groups not met: {}.", not_met.join(", ")),
        ));
    }
    if !incomplete.is_empty() {
        bl.push(l.s(
            &format!("Nhóm chưa đánh giá đầy đủ: {}.", incomplete.join(", ")),
            &format!("Groups not fully assessed: {}.", incomplete.join(", ")),
        ));
    }
    if !unit.assessment.level_note.is_empty() {
        bl.push(unit.assessment.level_note.clone());
    }
    if !bl.is_empty() {
        b.push(Block::Bullets { items: bl });
    }
    sections.push(Section {
        title: l.s("V. KẾT LUẬN", "V. CONCLUSION"),
        blocks: b,
    });

    // VI. Recommendations.
    let b = if c.recommendations.is_empty() {
        vec![Block::Paragraph {
            text: l.s("Không có kiến nghị.", "No recommendation."),
        }]
    } else {
        vec![
            Block::Paragraph {
                text: l.s(
                    &format!("Yêu cầu {} thực hiện:", unit.name),
                    &format!("{} is requested to:", unit.name),
                ),
            },
            Block::Table(Table {
                header: vec![
                    l.s("STT", "No."),
                    l.s("Nội dung", "Action"),
                    l.s("Đơn vị, người chủ trì", "Owner"),
                    l.s("Thời hạn", "Deadline"),
                    l.s("Cách kiểm tra lại", "How it is re-checked"),
                ],
                rows: c
                    .recommendations
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        vec![
                            (i + 1).to_string(),
                            format!("{} ({})", l.t(&r.text), r.controls.join(", ")),
                            l.t(&r.owner),
                            l.date(&r.deadline),
                            l.t(&r.recheck),
                        ]
                    })
                    .collect(),
                widths: vec![6, 36, 16, 14, 28],
            }),
        ]
    };
    sections.push(Section {
        title: l.s("VI. KIẾN NGHỊ, YÊU CẦU", "VI. RECOMMENDATIONS"),
        blocks: b,
    });

    // VII. Implementation.
    let back = date
        .and_then(|d| {
            d.checked_add(Duration::days(i64::from(
                insp.report_back_days.unwrap_or(30),
            )))
        })
        .map(fmt_date)
        .unwrap_or_default();
    let mut items = vec![l.s(
        &format!(
            "{} báo cáo kết quả khắc phục về {} trước ngày {}.",
            unit.name,
            insp.issuing_body.name,
            l.date(&back)
        ),
        &format!(
            "{} reports the remediation to {} by {}.",
            unit.name,
            insp.issuing_body.name,
            l.date(&back)
        ),
    )];
    items.push(match &insp.follow_up_date {
        Some(d) => l.s(
            &format!(
                "Đoàn kiểm tra sẽ kiểm tra lại việc khắc phục vào ngày {}.",
                l.date(d)
            ),
            &format!("The team will re-inspect the remediation on {}.", l.date(d)),
        ),
        None => l.s(
            "Đoàn kiểm tra sẽ kiểm tra lại việc khắc phục sau khi hết thời hạn các kiến nghị.",
            "The team will re-inspect the remediation once the recommendations fall due.",
        ),
    });
    items.push(l.s(
        "Kết quả kiểm tra, danh sách tồn tại và báo cáo kỹ thuật là tài liệu nội bộ, chỉ cung cấp cho cơ quan, người có thẩm quyền; không công bố, chia sẻ ra bên ngoài.",
        "The inspection results, findings and technical reports are internal documents, given only to the competent bodies and persons; they are not to be published or shared outside.",
    ));
    sections.push(Section {
        title: l.s(
            "VII. TỔ CHỨC THỰC HIỆN",
            "VII. IMPLEMENTATION AND FOLLOW-UP",
        ),
        blocks: vec![Block::Bullets { items }],
    });

    // Distribution and signature.
    let mut distribution = vec![format!("- {};", unit.name)];
    distribution.extend(insp.distribution.iter().map(|d| format!("- {d};")));
    distribution.push(l.s("- Lưu: VT, Đoàn kiểm tra.", "- Archive, inspection team."));
    let signature = match &insp.signer {
        Some(s) => SignatureBlock {
            on_behalf: s.on_behalf.clone(),
            title: s.title.clone(),
            name: s.name.clone(),
        },
        None => SignatureBlock {
            on_behalf: String::new(),
            title: l.s("TRƯỞNG ĐOÀN", "TEAM LEAD"),
            name: insp.lead().map(|m| m.name.clone()).unwrap_or_default(),
        },
    };

    // Appendices.
    let mut appendices = Vec::new();
    appendices.push(Section {
        title: l.s("PHỤ LỤC 1. BẢNG KIỂM", "APPENDIX 1. CHECKLIST"),
        blocks: vec![Block::Table(Table {
            header: vec![
                l.s("Mã", "Id"),
                l.s("Yêu cầu", "Requirement"),
                l.s("Phương pháp", "Method"),
                l.s("Kết quả", "Result"),
                l.s("Ghi chú", "Notes"),
            ],
            rows: input
                .checklist
                .items
                .iter()
                .map(|it| {
                    let note = match &it.source {
                        ItemSource::Automatic { .. } if !it.observations.is_empty() => {
                            format!("{} {}", it.observations.len(), l.s("phát hiện", "findings"))
                        }
                        _ => it.notes.clone(),
                    };
                    vec![
                        it.id.clone(),
                        l.t(&it.requirement),
                        l.t(&method_label(it.method)),
                        l.t(&it.answer.label()),
                        note,
                    ]
                })
                .collect(),
            widths: vec![16, 40, 12, 12, 20],
        })],
    });
    appendices.push(Section {
        title: l.s(
            "PHỤ LỤC 2. DANH SÁCH TÀI SẢN VÀ BÁO CÁO KỸ THUẬT",
            "APPENDIX 2. ASSETS AND TECHNICAL REPORTS",
        ),
        blocks: vec![if input.reports.is_empty() {
            Block::Paragraph {
                text: l.s("Không có.", "None."),
            }
        } else {
            Block::Table(Table {
                header: vec![
                    l.s("Tài sản", "Asset"),
                    l.s("Nguồn", "Source"),
                    l.s("Thời điểm", "Made at"),
                    l.s("Số phát hiện", "Findings"),
                    l.s("Điểm", "Score"),
                ],
                rows: sorted_reports(input.reports)
                    .iter()
                    .map(|r| {
                        vec![
                            asset_of(r),
                            r.host.source.clone(),
                            r.generated_at.clone(),
                            r.findings
                                .iter()
                                .filter(|f| f.status == FindingStatus::Open)
                                .count()
                                .to_string(),
                            r.score.value.to_string(),
                        ]
                    })
                    .collect(),
                widths: vec![24, 24, 24, 14, 14],
            })
        }],
    });
    let mut ev_rows = Vec::new();
    for it in &input.checklist.items {
        for e in &it.evidence {
            ev_rows.push(vec![
                it.id.clone(),
                e.file_name.clone(),
                e.media_type.clone(),
                e.size.to_string(),
                e.sha256.clone(),
            ]);
        }
    }
    appendices.push(Section {
        title: l.s("PHỤ LỤC 3. MINH CHỨNG", "APPENDIX 3. EVIDENCE"),
        blocks: vec![if ev_rows.is_empty() {
            Block::Paragraph {
                text: l.s("Không có.", "None."),
            }
        } else {
            Block::Table(Table {
                header: vec![
                    l.s("Mục", "Item"),
                    l.s("Tệp", "File"),
                    l.s("Loại", "Type"),
                    l.s("Kích thước (byte)", "Size (bytes)"),
                    "SHA-256".to_string(),
                ],
                rows: ev_rows,
                widths: vec![12, 22, 16, 12, 38],
            })
        }],
    });

    Document {
        lang,
        heading,
        sections,
        distribution,
        signature,
        appendices,
    }
}

fn sorted_reports(reports: &[Report]) -> Vec<&Report> {
    let mut v: Vec<&Report> = reports.iter().collect();
    v.sort_by(|a, b| {
        is_scan(a)
            .cmp(&is_scan(b))
            .then_with(|| asset_of(a).cmp(&asset_of(b)))
    });
    v
}

fn requirement_of(l: &L, f: &Finding, input: &ConclusionInput) -> String {
    let item = f
        .attributes
        .get("item")
        .and_then(|id| input.checklist.item(id));
    match item {
        Some(it) => format!("{} {}", it.control, l.t(&it.requirement)),
        None => l.t(&f.title),
    }
}

/// Observations grouped by asset, then by what was seen; when one text
/// was seen on several short subjects (accounts, programs) they are named,
/// long ones (registry paths) are left to the technical report.
fn observations_text(l: &L, obs: &[crate::model::Observation]) -> String {
    // asset → [(text, subjects)], in first-seen order.
    type Seen = Vec<(String, Vec<String>)>;
    let mut by_asset: Vec<(String, Seen)> = Vec::new();
    for o in obs {
        let text = l.t(&o.text);
        let a = match by_asset.iter().position(|(a, _)| *a == o.asset) {
            Some(i) => i,
            None => {
                by_asset.push((o.asset.clone(), Vec::new()));
                by_asset.len() - 1
            }
        };
        let seen = &mut by_asset[a].1;
        let t = match seen.iter().position(|(t, _)| *t == text) {
            Some(i) => i,
            None => {
                seen.push((text, Vec::new()));
                seen.len() - 1
            }
        };
        let short = !o.subject.is_empty()
            && o.subject.chars().count() <= 40
            && !o.subject.starts_with("registry:");
        if short {
            let s = o
                .subject
                .split_once(':')
                .map(|(_, x)| x)
                .unwrap_or(&o.subject)
                .to_string();
            if !seen[t].1.contains(&s) {
                seen[t].1.push(s);
            }
        }
    }
    by_asset
        .into_iter()
        .map(|(asset, seen)| {
            let items: Vec<String> = seen
                .into_iter()
                .map(|(t, subjects)| {
                    if subjects.len() < 2 {
                        t
                    } else {
                        format!("{t} ({})", subjects.join(", "))
                    }
                })
                .collect();
            if asset.is_empty() {
                items.join("; ")
            } else {
                format!("{asset}: {}", items.join("; "))
            }
        })
        .collect::<Vec<_>>()
        .join(". ")
}

fn finding_row(l: &L, i: usize, f: &Finding, input: &ConclusionInput) -> Vec<String> {
    let item = f
        .attributes
        .get("item")
        .and_then(|id| input.checklist.item(id));
    let observation = match item {
        Some(it) if !it.observations.is_empty() => observations_text(l, &it.observations),
        Some(it) if !it.notes.is_empty() => it.notes.clone(),
        _ => l.s("Không đạt yêu cầu.", "Requirement not met."),
    };
    let mut ev: Vec<String> = item
        .map(|it| it.evidence.iter().map(|e| e.file_name.clone()).collect())
        .unwrap_or_default();
    if ev.is_empty() {
        ev.push(match item.map(|i| &i.source) {
            Some(ItemSource::Automatic { .. }) => {
                l.s("Báo cáo antoan (Phụ lục 2)", "antoan report (Appendix 2)")
            }
            _ => l.s("Biên bản kiểm tra", "Inspection minutes"),
        });
    }
    vec![
        (i + 1).to_string(),
        requirement_of(l, f, input),
        observation,
        l.t(&f.severity.label()),
        f.attributes
            .get("assets")
            .cloned()
            .unwrap_or_else(|| "—".into()),
        ev.join(", "),
    ]
}
