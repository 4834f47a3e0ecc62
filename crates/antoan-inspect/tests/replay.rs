//! A scripted replay of the inspection that motivated antoan: a city unit
//! with a Windows 7 / Office 2010 PC (the wincollect fixture, audited by
//! the real pipeline), a camera recorder with a factory-default password
//! (found by the real scanner against a loopback login server), a recorder
//! not in a locked cabinet, weak administrator passwords and no training
//! record. The conclusion's findings and recommendations are pinned, and
//! so is the text of the HTML and of the DOCX; the PDF is printed by
//! Chromium and rendered to PNG with pdftoppm.
//!
//! Golden files live in tests/golden; `UPDATE_GOLDEN=1 cargo test -p
//! antoan-inspect --test replay` rewrites them.

use std::path::{Path, PathBuf};
use std::process::Command;

use antoan_inspect::conclusion::{conclude, document, ConclusionInput};
use antoan_inspect::evidence::{validate_evidence, EvidencePolicy};
use antoan_inspect::{docx, html, Answer, Checklist, Inspection, Observation, Rules};
use antoan_model::{FindingKind, Lang, Report, Severity, Text};

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-19 09:00 UTC)
}

/// `antoan audit --windows-export` of the Windows 7 / Office 2010 machine.
fn windows7_report() -> Report {
    let export = here().join("../antoan-wincollect/tests/fixtures/win7-office2010/hive");
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let opts = antoan_audit::AuditOptions {
        source: antoan_audit::source_for(None),
        windows_export: Some(export),
        baseline: true,
        policies: Vec::new(),
        now: now(),
        vuln_store: None,
    };
    let mut r = antoan_audit::run(&opts, &kb).unwrap();
    // The export path differs between machines.
    r.host.source = "windows-export".into();
    r
}

/// `antoan scan --check-credentials` of a recorder whose web login still
/// takes the factory default: the real scanner, identification and
/// credential check, against a loopback HTTP Basic login server.
fn recorder_scan_report() -> Report {
    use antoan_probe::authbench::{AuthKind, AuthServer};
    use antoan_probe::targets::{build, TargetRequest};
    let server = AuthServer::start("127.0.0.2", 0, AuthKind::Basic, &[("admin", "12345")]);
    let targets = build(
        &TargetRequest {
            specs: vec![server.addr.ip().to_string()],
            ..Default::default()
        },
        &|_: &str| Err("no dns in tests".to_string()),
    )
    .unwrap();
    let cfg = antoan_probe::ScanConfig {
        ports: vec![server.addr.port()],
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(async {
        let mut result = antoan_probe::scan(
            &targets,
            &cfg,
            &antoan_probe::Fingerprints::embedded(),
            &antoan_probe::Cancel::default(),
            None,
        )
        .await;
        let pacer = antoan_probe::pacing::Pacer::new(antoan_probe::pacing::PacingPolicy {
            max_rate: None,
            ..Default::default()
        });
        antoan_probe::check_credentials(
            &targets,
            &mut result,
            &antoan_probe::credentials::CredentialList::embedded(),
            "antoan defaults",
            &pacer,
            &antoan_probe::credcheck::CredCheckOptions::default(),
        )
        .await;
        result
    });
    antoan_probe::build_report(&result, "NVR-01 (127.0.0.2)", now())
}

fn png_photo() -> Vec<u8> {
    // A 1×1 PNG: enough for the magic-number check.
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec()
}

struct Scenario {
    inspection: Inspection,
    checklist: Checklist,
    reports: Vec<Report>,
    kb: antoan_kb::Knowledge,
    rules: Rules,
}

fn scenario() -> Scenario {
    let bytes = std::fs::read(here().join("tests/fixtures/inspection.json")).unwrap();
    let inspection = Inspection::from_json(&bytes, "inspection.json").unwrap();
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let rules = Rules::embedded();
    let unit = "ubnd-tp-minh-chau";
    let mut checklist = antoan_inspect::new_checklist(&inspection, unit, &kb.controls, &rules);
    let reports = vec![windows7_report(), recorder_scan_report()];
    antoan_inspect::fill_automatic(&mut checklist, &reports, &rules);

    // What the inspectors saw, read and were told.
    for id in ["M1.1", "M2.1", "M2.2", "M4.1", "P.1", "P.4", "T1.1"] {
        assert!(checklist.answer(id, Answer::Compliant, ""), "{id}");
    }
    for id in ["T1.6", "M4.3"] {
        assert!(
            checklist.answer(
                id,
                Answer::NotApplicable,
                "Không có ứng dụng web, phần mềm thuê ngoài"
            ),
            "{id}"
        );
    }
    checklist.answer(
        "P.3",
        Answer::NotCompliant,
        "Đầu ghi camera của Bộ phận một cửa đặt trên kệ hở, không có tủ khóa",
    );
    let photo = validate_evidence(
        "dau-ghi-bo-phan-mot-cua.png",
        Some("image/png"),
        &png_photo(),
        &EvidencePolicy::default(),
    )
    .unwrap();
    let p3 = checklist.item_mut("P.3").unwrap();
    p3.evidence.push(photo);
    p3.observations.push(Observation {
        asset: "NVR-01".into(),
        subject: String::new(),
        text: Text::new(
            "Đầu ghi đặt trên kệ hở, không có tủ khóa",
            "Recorder on an open shelf, no locked cabinet",
        ),
        finding: String::new(),
        severity: Some(Severity::High),
    });
    checklist.answer(
        "M3.1",
        Answer::NotCompliant,
        "Không có kế hoạch, tài liệu hay danh sách tham dự tập huấn năm 2026",
    );
    checklist.answer(
        "M6.3",
        Answer::NotCompliant,
        "Chưa ban hành kế hoạch tự kiểm tra năm 2026",
    );
    checklist.answer(
        "M5.4",
        Answer::NotCompliant,
        "Máy tính KETOAN-PC bàn giao tháng 6/2026 không cài lại hệ điều hành",
    );
    checklist.answer(
        "T3.1",
        Answer::NotCompliant,
        "Mật khẩu quản trị máy tính đặt theo tên đơn vị, dùng chung cho nhiều máy",
    );
    Scenario {
        inspection,
        checklist,
        reports,
        kb,
        rules,
    }
}

fn golden(name: &str, actual: &str) {
    let p = here().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", p.display()));
    if expected != actual {
        let out = std::env::temp_dir().join(format!("antoan-inspect-{name}"));
        let _ = std::fs::write(&out, actual);
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{name} differs from the golden file (actual written to {}); first differing line: {:?}",
            out.display(),
            first.map(|i| (i + 1, expected.lines().nth(i), actual.lines().nth(i)))
        );
    }
}

#[test]
fn the_motivating_inspection_gives_the_expected_conclusion() {
    let s = scenario();
    let input = ConclusionInput {
        inspection: &s.inspection,
        unit: "ubnd-tp-minh-chau",
        checklist: &s.checklist,
        reports: &s.reports,
        catalog: &s.kb.controls,
        rules: &s.rules,
    };

    // Automatic items came out of the reports.
    let item = |id: &str| {
        s.checklist
            .item(id)
            .unwrap_or_else(|| panic!("no item {id}"))
    };
    let eol = item("M5.1/auto.eol-microsoft");
    assert_eq!(eol.answer, Answer::NotCompliant);
    assert!(
        eol.observations
            .iter()
            .any(|o| o.text.en.contains("Windows 7") && o.asset == "KETOAN-PC"),
        "{:?}",
        eol.observations
    );
    assert!(
        eol.observations
            .iter()
            .any(|o| o.text.en.contains("Office 2010")),
        "{:?}",
        eol.observations
    );
    let dp = item("T3.1/auto.default-passwords");
    assert_eq!(dp.answer, Answer::NotCompliant, "{dp:?}");
    assert!(
        dp.observations
            .iter()
            .any(|o| o.asset == "NVR-01 (127.0.0.2)" && o.text.en.contains("default password")),
        "{:?}",
        dp.observations
    );
    assert_eq!(
        item("T3.1/auto.weak-admin-passwords").answer,
        Answer::NotCompliant
    );
    assert_eq!(item("T2.4/auto.antivirus").answer, Answer::NotCompliant);
    // No Linux host was audited: that item stays unanswered, with the reason.
    let lin = item("M5.1/auto.eol-linux");
    assert_eq!(lin.answer, Answer::Unanswered);
    assert!(lin.notes.contains("no matching report"), "{}", lin.notes);

    let c = conclude(&input).unwrap();
    // Findings: physical for the cabinet, process for training, both with owner and deadline.
    let by_item = |id: &str| {
        c.findings
            .iter()
            .find(|f| f.attributes.get("item").map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no finding for {id}"))
    };
    let cab = by_item("P.3");
    assert_eq!(
        (cab.kind, cab.severity),
        (FindingKind::Physical, Severity::High)
    );
    assert_eq!(cab.attributes["deadline"], "2026-12-25");
    assert_eq!(cab.attributes["owner"], "Chủ tịch UBND thành phố");
    let tr = by_item("M3.1");
    assert_eq!(
        (tr.kind, tr.severity),
        (FindingKind::Process, Severity::High)
    );
    assert_eq!(
        by_item("T3.1/auto.default-passwords").kind,
        FindingKind::WeakCredential
    );
    assert_eq!(
        by_item("T3.1/auto.default-passwords").severity,
        Severity::Critical
    );
    assert_eq!(by_item("M5.1/auto.eol-microsoft").kind, FindingKind::Eol);
    let recs: Vec<&str> = c.recommendations.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        recs,
        [
            "upgrade",
            "passwords",
            "malware",
            "antivirus",
            "patching",
            "remote-tools",
            "physical",
            "training",
            "handover",
            "self-inspection",
            "hardening"
        ]
    );
    let training = c
        .recommendations
        .iter()
        .find(|r| r.id == "training")
        .unwrap();
    assert_eq!(training.deadline, "2027-01-24");
    assert!(training.recheck.vi.contains("danh sách tham dự"));

    let doc_vi = document(&input, &c, Lang::Vi);
    let doc_en = document(&input, &c, Lang::En);
    let html_vi = html::render_html(&doc_vi);
    let html_en = html::render_html(&doc_en);
    golden("conclusion.vi.html.txt", &html::html_text(&html_vi));
    golden("conclusion.en.html.txt", &html::html_text(&html_en));
    let docx_vi = docx::render_docx(&doc_vi).unwrap();
    assert_eq!(
        docx_vi,
        docx::render_docx(&doc_vi).unwrap(),
        "DOCX output is deterministic"
    );
    golden(
        "conclusion.vi.docx.txt",
        &docx::docx_text(&docx_vi, "conclusion.docx").unwrap(),
    );
    let docx_en = docx::render_docx(&doc_en).unwrap();
    golden(
        "conclusion.en.docx.txt",
        &docx::docx_text(&docx_en, "conclusion.docx").unwrap(),
    );
    // Vietnamese glyphs need the official font and the language set.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&docx_vi)).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(
        styles.contains("w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\""),
        "{styles}"
    );
    assert!(styles.contains("w:lang w:val=\"vi-VN\""), "{styles}");
    let xml = docx::document_xml(&doc_vi);
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), "A4");

    // Keep the outputs for a look (target/antoan-inspect-replay).
    let out = here().join("../../target/antoan-inspect-replay");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("conclusion.vi.html"), &html_vi).unwrap();
    std::fs::write(out.join("conclusion.en.html"), &html_en).unwrap();
    std::fs::write(out.join("conclusion.vi.docx"), &docx_vi).unwrap();
}

/// Parses a binary PGM (P5) as pdftoppm writes it: width, height, pixels.
fn pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &bytes[i + 1..])
}

#[test]
fn the_conclusion_prints_to_pdf_with_vietnamese_text() {
    let s = scenario();
    let input = ConclusionInput {
        inspection: &s.inspection,
        unit: "ubnd-tp-minh-chau",
        checklist: &s.checklist,
        reports: &s.reports,
        catalog: &s.kb.controls,
        rules: &s.rules,
    };
    let c = conclude(&input).unwrap();
    let html_vi = html::render_html(&document(&input, &c, Lang::Vi));
    let pdf = antoan_inspect::pdf::render_pdf(&html_vi, None, std::time::Duration::from_secs(120))
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("conclusion.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();

    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "KẾT LUẬN",
        "Số: 35/KL-STTTT",
        "KIẾN NGHỊ",
        "Nơi nhận:",
        "Nguyễn Văn An",
        "tủ khóa",
    ] {
        assert!(text.contains(needle), "PDF text lacks {needle:?}:\n{text}");
    }

    // First page as an image: not blank, ink in the heading area.
    let prefix = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args(["-r", "60", "-gray", "-f", "1", "-l", "1"])
        .arg(&pdf_path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is needed");
    assert!(st.success());
    let pgm_path = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pgm"))
        .expect("a page image");
    let bytes = std::fs::read(&pgm_path).unwrap();
    let (w, h, px) = pgm(&bytes);
    assert!(w > 400 && h > 600, "A4 at 60 dpi: {w}x{h}");
    let dark = px.iter().filter(|p| **p < 128).count();
    assert!(
        dark > w * h / 200,
        "page 1 is (nearly) blank: {dark} dark pixels of {}",
        w * h
    );
    let top_dark = px[..w * h / 5].iter().filter(|p| **p < 128).count();
    assert!(
        top_dark > 200,
        "no heading ink on the top fifth of page 1 ({top_dark})"
    );
    // A PNG of page 1 next to the other outputs, for a look.
    let out = here().join("../../target/antoan-inspect-replay");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("conclusion.vi.pdf"), &pdf).unwrap();
    let _ = Command::new("pdftoppm")
        .args(["-r", "80", "-png", "-f", "1", "-l", "2"])
        .arg(&pdf_path)
        .arg(out.join("page"))
        .status();
}

#[test]
fn the_re_inspection_shows_what_was_fixed_what_remains_and_what_is_new() {
    let s = scenario();
    let findings = |c: &Checklist| {
        antoan_inspect::findings::checklist_findings(&s.inspection, c, &s.kb.controls, &s.rules)
    };
    let before = findings(&s.checklist);
    let mut again = s.checklist.clone();
    again.answer(
        "P.3",
        Answer::Compliant,
        "Đầu ghi đã đặt trong tủ thép có khóa",
    );
    again.answer(
        "M3.1",
        Answer::Compliant,
        "Đã tập huấn ngày 15/01/2027, có danh sách tham dự",
    );
    again.answer(
        "S.3",
        Answer::NotCompliant,
        "Máy soạn thảo mật không chặn USB",
    );
    let after = findings(&again);
    let r = antoan_inspect::followup::compare(&before, &after);
    let items = |v: &[antoan_model::Finding]| {
        let mut x: Vec<String> = v.iter().map(|f| f.attributes["item"].clone()).collect();
        x.sort();
        x
    };
    assert_eq!(items(&r.fixed), ["M3.1", "P.3"]);
    assert_eq!(items(&r.new), ["S.3"]);
    assert_eq!(r.remaining.len(), before.len() - 2);
    assert!(r.not_reassessed.is_empty());
}
