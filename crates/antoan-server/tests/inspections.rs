//! Inspections through the server (issue 8), on SQLite and PostgreSQL: the
//! motivating inspection replayed end to end — a city unit whose Windows 7 /
//! Office 2010 PC reports through the real agent and ingest path, a camera
//! recorder with a factory-default password found by a real credential scan
//! of a loopback login server (uploaded as a scan report), and the
//! inspectors' answers: the recorder is not in a locked cabinet, the admin
//! passwords are weak and shared, there is no training record. The
//! inspection is concluded, its findings land in the findings lifecycle with
//! owner and deadline, and the DOCX conclusion's text is pinned in
//! `tests/golden/` (`UPDATE_GOLDEN=1` rewrites it); the PDF is rendered to
//! PNG with pdftoppm and must not be blank. Evidence: oversized → 413, an EXE
//! named .jpg → 415, a real PNG stored and served back byte for byte.
//! Authorisation: a viewer cannot answer, a unit admin of another unit gets
//! 404, a concluded inspection refuses edits. Follow-up: a second
//! inspection answering the cabinet item compliant fixes that finding.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use antoan_agent::{AuditTarget, EnrollOptions, RunOptions};
use antoan_model::Report;
use antoan_store::Role;
use common::{png, Api, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PROVINCE: &str = "minh-chau";
const CITY: &str = "minh-chau/tp-minh-chau";
const DISTRICT: &str = "minh-chau/huyen-an-phu";

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-19 09:00 UTC)
}

/// `antoan audit --windows-export` of the Windows 7 / Office 2010 machine
/// (the wincollect fixture), as the agent there would make it.
fn windows7_report() -> Report {
    let export = here().join("../antoan-wincollect/tests/fixtures/win7-office2010/hive");
    let kb = antoan_kb::Knowledge::embedded().expect("embedded knowledge");
    let opts = antoan_audit::AuditOptions {
        source: antoan_audit::source_for(None),
        windows_export: Some(export),
        baseline: true,
        policies: Vec::new(),
        now: now(),
        vuln_store: None,
    };
    let mut r = antoan_audit::run(&opts, &kb).expect("audit of the Windows 7 fixture");
    // The export path differs between machines; the agent on the PC reports a live audit.
    r.host.source = "windows-export".into();
    r
}

/// `antoan scan --check-credentials` of a recorder whose web login still
/// takes the factory default: the real scanner, identification and
/// credential check, against a loopback HTTP Basic login server. The login
/// server runs its own runtime, so all of it runs on a plain thread.
async fn recorder_scan_report() -> Report {
    tokio::task::spawn_blocking(|| {
        std::thread::spawn(recorder_scan_blocking)
            .join()
            .expect("scan thread")
    })
    .await
    .expect("scan task")
}

fn recorder_scan_blocking() -> Report {
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
    .expect("targets");
    let cfg = antoan_probe::ScanConfig {
        ports: vec![server.addr.port()],
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
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

// ---------------------------------------------------------------- files

fn sha256_hex(b: &[u8]) -> String {
    antoan_inspect::evidence::sha256_hex(b)
}

// ---------------------------------------------------------------- helpers

async fn enroll_and_send(api: &Api, unit_path: &str, dir: &Path, report: Report) {
    let (s, v) = api
        .post("/api/v1/tokens", json!({"unit_path": unit_path, "days": 3}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().expect("token").to_string();
    let mut opts = EnrollOptions::new(api.base.clone(), token, dir);
    opts.hostname = Some(report.host.hostname.clone());
    opts.os = Some(report.host.os.name.clone());
    antoan_agent::enroll(opts).await.expect("enroll");
    let mut run = RunOptions::new(dir, AuditTarget::Report(Box::new(report)));
    run.now = Some(now());
    let s = antoan_agent::run_once(run).await.expect("run_once");
    assert!(s.all_delivered(), "{s:?}");
}

async fn upload(
    api: &Api,
    path: &str,
    item: Option<&str>,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(mime)
        .expect("mime");
    let mut form = reqwest::multipart::Form::new();
    if let Some(i) = item {
        form = form.text("item", i.to_string());
    }
    let form = form.part("file", part);
    let r = api
        .http
        .post(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = r.status();
    let t = r.text().await.unwrap_or_default();
    (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

async fn put(api: &Api, path: &str, body: Value) -> (StatusCode, Value) {
    let (s, t) = api.call(Method::PUT, path, Some(body)).await;
    (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

async fn get_bytes(api: &Api, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = api
        .http
        .get(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("get");
    let s = r.status();
    let h = r.headers().clone();
    (s, h, r.bytes().await.expect("body").to_vec())
}

/// Answers one item and checks it was taken.
async fn answer(api: &Api, base: &str, item: &str, answer: &str, notes: &str) {
    let (s, v) = put(
        api,
        &format!("{base}/items/{item}"),
        json!({"answer": answer, "notes": notes}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "answer {item}: {v}");
    let it = v["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item)
        .unwrap_or_else(|| panic!("no item {item}"))
        .clone();
    assert_eq!(it["answer"], answer, "{it}");
}

fn item<'a>(checklist: &'a Value, id: &str) -> &'a Value {
    checklist["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
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
        let out = std::env::temp_dir().join(format!("antoan-server-{name}"));
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

/// The PDF's first page as an image: not blank, with ink in the heading.
fn assert_pdf_page_not_blank(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("conclusion.pdf");
    std::fs::write(&pdf_path, pdf).unwrap();
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    for needle in ["KẾT LUẬN", "Số: 35/KL-STTTT", "tủ khóa", "Nguyễn Văn An"] {
        assert!(text.contains(needle), "PDF text lacks {needle:?}:\n{text}");
    }
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
        "page 1 is (nearly) blank: {dark} dark pixels"
    );
    let top_dark = px[..w * h / 5].iter().filter(|p| **p < 128).count();
    assert!(
        top_dark > 200,
        "no heading ink on the top fifth ({top_dark})"
    );
    // A PNG of page 1 for a look.
    let out = here().join("../../target/antoan-server-inspection");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("conclusion.vi.pdf"), pdf);
    let _ = Command::new("pdftoppm")
        .args(["-r", "80", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf_path)
        .arg(out.join("page"))
        .status();
}

/// The fixture inspection document, about the platform unit `CITY`.
fn inspection_doc(code: &str, number: &str, date: &str) -> Value {
    let text =
        std::fs::read_to_string(here().join("../antoan-inspect/tests/fixtures/inspection.json"))
            .expect("inspection fixture");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["id"] = json!(code);
    v["number"] = json!(number);
    v["date"] = json!(date);
    v["scope"]["units"][0]["id"] = json!(CITY);
    v
}

// ---------------------------------------------------------------- the suite

async fn suite(db_url: &str, check_documents: bool) {
    let srv = common::start(db_url).await;
    let store = srv.state.store.clone();
    let insp_pw = common::user(&store, "thanhtra", Role::ProvinceInspector, None).await;
    let api = Api::login(&srv.base, "thanhtra", &insp_pw).await;
    for (path, name) in [
        (PROVINCE, "Tỉnh Minh Châu"),
        (CITY, "UBND thành phố Minh Châu"),
        (DISTRICT, "UBND huyện An Phú"),
    ] {
        let (s, v) = api
            .post("/api/v1/units", json!({"path": path, "name": name}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let units = api.ok("/api/v1/units").await;
    let unit_id = |p: &str| {
        units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["path"] == p)
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("unit {p}"))
    };
    let (city, district) = (unit_id(CITY), unit_id(DISTRICT));

    // The accounting PC reports through the real agent and ingest path.
    let tmp = tempfile::tempdir().unwrap();
    enroll_and_send(&api, CITY, &tmp.path().join("pc"), windows7_report()).await;
    // A PC in the other district, to check scope.
    let mut other = windows7_report();
    other.host.hostname = "PC-ANPHU".into();
    other.host.machine_id = "an-phu-1".into();
    enroll_and_send(&api, DISTRICT, &tmp.path().join("pc2"), other).await;

    // Users: a viewer of the city, a unit admin of the district.
    let viewer_pw = common::user(&store, "xem-tp", Role::Viewer, Some(city)).await;
    let viewer = Api::login(&srv.base, "xem-tp", &viewer_pw).await;
    let other_pw = common::user(&store, "qt-anphu", Role::UnitAdmin, Some(district)).await;
    let other_admin = Api::login(&srv.base, "qt-anphu", &other_pw).await;

    // Create the inspection from its document.
    let (s, v) = viewer
        .post(
            "/api/v1/inspections",
            inspection_doc("KT-2026-07", "35/KL-STTTT", "2026-11-25"),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a viewer cannot create: {v}");
    let (s, v) = other_admin
        .post(
            "/api/v1/inspections",
            inspection_doc("KT-X", "1/KL", "2026-11-25"),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a unit outside the admin's subtree: {v}"
    );
    let mut bad = inspection_doc("KT-BAD", "1/KL", "2026-11-25");
    bad["level"] = json!(7);
    let (s, v) = api.post("/api/v1/inspections", bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"]["en"].as_str().unwrap().contains("level 7"),
        "{v}"
    );
    assert!(
        v["message"]["vi"].as_str().unwrap().contains("cấp độ 7"),
        "{v}"
    );
    let (s, v) = api
        .post(
            "/api/v1/inspections",
            inspection_doc("KT-2026-07", "35/KL-STTTT", "2026-11-25"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["state"], "open");
    let (s, _) = api
        .post(
            "/api/v1/inspections",
            inspection_doc("KT-2026-07", "36/KL-STTTT", "2026-11-25"),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "the code is taken");
    let base = format!("/api/v1/inspections/{id}/units/{city}");

    // Automatic items came from the agent's report; the recorder item waits for a scan.
    let cl = api.ok(&format!("{base}/checklist")).await;
    let eol = item(&cl, "M5.1/auto.eol-microsoft");
    assert_eq!(eol["answer"], "not-compliant", "{eol}");
    assert!(
        eol["observations"].to_string().contains("Windows 7"),
        "{eol}"
    );
    assert!(
        eol["observations"].to_string().contains("Office 2010"),
        "{eol}"
    );
    let dp = item(&cl, "T3.1/auto.default-passwords");
    assert_eq!(dp["answer"], "unanswered", "{dp}");

    // Scope and roles.
    for path in [
        format!("/api/v1/inspections/{id}"),
        format!("{base}/checklist"),
    ] {
        assert_eq!(
            other_admin.get(&path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = other_admin.ok("/api/v1/inspections").await;
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
    let (s, _) = put(
        &other_admin,
        &format!("{base}/items/P.3"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        viewer.ok(&format!("{base}/checklist")).await["unit_path"],
        CITY
    );
    let (s, v) = put(
        &viewer,
        &format!("{base}/items/P.3"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a viewer cannot answer: {v}");
    let (s, _) = upload(
        &viewer,
        &format!("{base}/evidence"),
        Some("P.3"),
        "a.png",
        "image/png",
        png(4, 4),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = put(
        &api,
        &format!("{base}/items/M5.1/auto.eol-microsoft"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "automatic items are not answered by hand: {v}"
    );
    let (s, v) = put(
        &api,
        &format!("{base}/items/P.3"),
        json!({"answer": "maybe"}),
    )
    .await;
    assert!(s.is_client_error(), "{s} {v}");
    let (s, v) = put(
        &api,
        &format!("{base}/items/P.3"),
        json!({"answer": "compliant", "version": 0}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "a stale version: {v}");

    // The recorder scan, uploaded as a scan report, fills the default-password item.
    let scan = recorder_scan_report().await;
    let scan_json = serde_json::to_vec_pretty(&scan).unwrap();
    let (s, v) = upload(
        &api,
        &format!("{base}/scans"),
        None,
        "nvr-01.json",
        "application/json",
        scan_json,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let audit_json = serde_json::to_vec(&windows7_report()).unwrap();
    let (s, v) = upload(
        &api,
        &format!("{base}/scans"),
        None,
        "pc.json",
        "application/json",
        audit_json,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "a host audit is not a scan: {v}"
    );
    let cl = api.ok(&format!("{base}/checklist")).await;
    let dp = item(&cl, "T3.1/auto.default-passwords");
    assert_eq!(dp["answer"], "not-compliant", "{dp}");
    assert!(
        dp["observations"]
            .to_string()
            .contains("NVR-01 (127.0.0.2)"),
        "{dp}"
    );
    // Refreshing reads the agent reports and the uploaded scan again.
    let (s, v) = api.post(&format!("{base}/refresh"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        item(&v, "T3.1/auto.default-passwords")["answer"],
        "not-compliant"
    );
    assert_eq!(
        item(&v, "M5.1/auto.eol-microsoft")["answer"],
        "not-compliant"
    );

    // What the inspectors saw, read and were told.
    for i in ["M1.1", "M2.1", "M2.2", "M4.1", "P.1", "P.4", "T1.1"] {
        answer(&api, &base, i, "compliant", "").await;
    }
    for i in ["T1.6", "M4.3"] {
        answer(
            &api,
            &base,
            i,
            "not-applicable",
            "Không có ứng dụng web, phần mềm thuê ngoài",
        )
        .await;
    }
    answer(
        &api,
        &base,
        "P.3",
        "not-compliant",
        "Đầu ghi camera của Bộ phận một cửa đặt trên kệ hở, không có tủ khóa",
    )
    .await;
    answer(
        &api,
        &base,
        "M3.1",
        "not-compliant",
        "Không có kế hoạch, tài liệu hay danh sách tham dự tập huấn năm 2026",
    )
    .await;
    answer(
        &api,
        &base,
        "M6.3",
        "not-compliant",
        "Chưa ban hành kế hoạch tự kiểm tra năm 2026",
    )
    .await;
    answer(
        &api,
        &base,
        "M5.4",
        "not-compliant",
        "Máy tính KETOAN-PC bàn giao tháng 6/2026 không cài lại hệ điều hành",
    )
    .await;
    answer(
        &api,
        &base,
        "T3.1",
        "not-compliant",
        "Mật khẩu quản trị máy tính đặt theo tên đơn vị, dùng chung cho nhiều máy",
    )
    .await;
    // The cabinet: severity, owner and deadline set by the inspector.
    let cl = api.ok(&format!("{base}/checklist")).await;
    let (s, v) = put(
        &api,
        &format!("{base}/items/P.3"),
        json!({"severity": "high", "owner": "Văn phòng HĐND và UBND thành phố", "deadline": "2026-12-31",
               "asset": "NVR-01", "observation": "Đầu ghi đặt trên kệ hở, không có tủ khóa",
               "version": cl["version"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = put(
        &api,
        &format!("{base}/items/P.3"),
        json!({"deadline": "31/12/2026"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Evidence: a photo is kept byte for byte; an oversized file and an EXE named .jpg are refused.
    let photo = png(64, 48);
    let (s, v) = upload(
        &api,
        &format!("{base}/evidence"),
        Some("P.3"),
        "dau-ghi-bo-phan-mot-cua.png",
        "image/png",
        photo.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["sha256"], sha256_hex(&photo));
    assert_eq!(v["media_type"], "image/png");
    let ev_id = v["id"].as_i64().unwrap();
    let (s, h, body) = get_bytes(&api, &format!("/api/v1/evidence/{ev_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, photo, "served back byte for byte");
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-content-sha256"].to_str().unwrap(), sha256_hex(&photo));
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline"),
        "{h:?}"
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"),
        "{h:?}"
    );
    assert_eq!(
        other_admin
            .get(&format!("/api/v1/evidence/{ev_id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.resize(4096, 0);
    let (s, v) = upload(
        &api,
        &format!("{base}/evidence"),
        Some("P.3"),
        "anh-tu-khoa.jpg",
        "image/jpeg",
        exe,
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert!(
        v["message"]["en"]
            .as_str()
            .unwrap()
            .contains("anh-tu-khoa.jpg"),
        "{v}"
    );
    assert!(
        v["message"]["en"].as_str().unwrap().contains("executable"),
        "{v}"
    );
    assert!(
        v["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("anh-tu-khoa.jpg"),
        "{v}"
    );
    let mut big = png(8, 8);
    big.resize(20 * 1024 * 1024 + 1, 0);
    let (s, v) = upload(
        &api,
        &format!("{base}/evidence"),
        Some("P.3"),
        "ban-chup-lon.png",
        "image/png",
        big,
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        v["message"]["en"]
            .as_str()
            .unwrap()
            .contains("ban-chup-lon.png"),
        "{v}"
    );
    assert!(
        v["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("ban-chup-lon.png"),
        "{v}"
    );
    let cl = api.ok(&format!("{base}/checklist")).await;
    let p3 = item(&cl, "P.3");
    assert_eq!(p3["evidence"].as_array().unwrap().len(), 1, "{p3}");
    assert_eq!(
        cl["evidence"].as_array().unwrap().len(),
        2,
        "the photo and the scan"
    );

    // Pages: the inspection and the checklist, in Vietnamese; a viewer's form post is refused.
    let b = Browser::login(&srv.base, "thanhtra", &insp_pw).await;
    let (s, page) = b.get(&format!("/inspections/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("KT-2026-07") && page.contains("Kết luận cuộc kiểm tra"),
        "{page}"
    );
    let (s, page) = b.get(&format!("/inspections/{id}/units/{city}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("dau-ghi-bo-phan-mot-cua.png")
            && page.contains(&format!("/evidence/{ev_id}"))
    );
    assert!(page.contains("Đầu ghi camera của Bộ phận một cửa"));
    let vb = Browser::login(&srv.base, "xem-tp", &viewer_pw).await;
    let r = vb
        .http
        .post(format!("{}/inspections/{id}/units/{city}/answer", srv.base))
        .header("cookie", &vb.cookie)
        .form(&[
            ("csrf", vb.csrf.as_str()),
            ("item", "P.3"),
            ("answer", "compliant"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a viewer's answer form");
    // The document: team and notes may change, the code, units and level may not.
    let before = api.ok(&format!("/api/v1/inspections/{id}")).await["inspection"]["document"]
        .as_str()
        .unwrap()
        .to_string();
    let mut changed = inspection_doc("KT-2026-07", "35/KL-STTTT", "2026-11-25");
    changed["level"] = json!(3);
    let r = api
        .http
        .put(format!("{}/api/v1/inspections/{id}/document", srv.base))
        .bearer_auth(&api.token)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "the level cannot change"
    );
    let (s, v) = put(
        &viewer,
        &format!("/api/v1/inspections/{id}/document"),
        inspection_doc("KT-2026-07", "35/KL-STTTT", "2026-11-25"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = put(
        &api,
        &format!("/api/v1/inspections/{id}/document"),
        inspection_doc("KT-2026-07", "35/KL-STTTT", "2026-11-25"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The unit's information through the page form: the fixture's own values
    // go through the form and come back the same; a bad systems line is named.
    let fixture: Value = serde_json::from_str(&before).unwrap();
    let u = &fixture["scope"]["units"][0];
    let o = &u["overview"];
    let systems: Vec<String> = o["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {}",
                s["name"].as_str().unwrap(),
                s["level"],
                if s["approved"] == true {
                    "có"
                } else {
                    "chưa"
                }
            )
        })
        .collect();
    let join = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut fields = vec![
        ("csrf", b.csrf.clone()),
        ("address", u["address"].as_str().unwrap().to_string()),
        ("head", u["head"].as_str().unwrap().to_string()),
        (
            "organisation",
            o["organisation"].as_str().unwrap().to_string(),
        ),
        (
            "infrastructure",
            o["infrastructure"].as_str().unwrap().to_string(),
        ),
        ("systems", systems.join("\n")),
        (
            "document_management",
            o["document_management"].as_str().unwrap().to_string(),
        ),
        (
            "digital_signatures",
            o["digital_signatures"].as_str().unwrap().to_string(),
        ),
        ("measures_on_site", join(&u["measures_on_site"])),
        ("strengths", join(&u["assessment"]["strengths"])),
        ("causes", join(&u["assessment"]["causes"])),
        (
            "responsibilities",
            join(&u["assessment"]["responsibilities"]),
        ),
        (
            "level_note",
            u["assessment"]["level_note"].as_str().unwrap().to_string(),
        ),
    ];
    let post_info = |fields: Vec<(&'static str, String)>| {
        b.http
            .post(format!("{}/inspections/{id}/units/{city}/info", srv.base))
            .header("cookie", &b.cookie)
            .form(&fields)
            .send()
    };
    let r = post_info(fields.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = api.ok(&format!("/api/v1/inspections/{id}")).await["inspection"]["document"]
        .as_str()
        .unwrap()
        .to_string();
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        after["scope"]["units"][0], fixture["scope"]["units"][0],
        "the form round-trips the unit"
    );
    fields[5].1 = "Cổng thông tin điện tử | cao".into();
    let r = post_info(fields).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("dòng hệ thống 1") && page.contains("Cổng thông tin điện tử"),
        "{page}"
    );

    // CSRF: a form without the token is refused; a file upload carries it in its action URL.
    let r = b
        .http
        .post(format!("{}/inspections/{id}/units/{city}/answer", srv.base))
        .header("cookie", &b.cookie)
        .form(&[("item", "P.4"), ("answer", "compliant")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an answer form without CSRF token"
    );
    let page_upload = |token: Option<&str>, query: &str| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("csrf", t.to_string());
        }
        let form = form.text("item", "P.4").part(
            "file",
            reqwest::multipart::Part::bytes(png(8, 8))
                .file_name("ups.png")
                .mime_str("image/png")
                .unwrap(),
        );
        b.http
            .post(format!(
                "{}/inspections/{id}/units/{city}/evidence{query}",
                srv.base
            ))
            .header("cookie", &b.cookie)
            .multipart(form)
            .send()
    };
    let r = page_upload(None, "").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an upload without CSRF token"
    );
    let r = page_upload(Some("wrong"), "").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an upload with a wrong token"
    );
    let r = page_upload(None, &format!("?csrf={}", b.csrf)).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a token in the URL is not taken: it belongs in the form"
    );
    let r = page_upload(Some(&b.csrf), "").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the page's upload form");
    let cl = api.ok(&format!("{base}/checklist")).await;
    assert_eq!(item(&cl, "P.4")["evidence"][0]["file_name"], "ups.png");
    let ob = Browser::login(&srv.base, "qt-anphu", &other_pw).await;
    assert_eq!(
        ob.get(&format!("/inspections/{id}")).await.0,
        StatusCode::NOT_FOUND
    );

    // Conclude: a viewer or another unit's admin cannot; the inspector can, once.
    assert_eq!(
        viewer
            .call(
                Method::POST,
                &format!("/api/v1/inspections/{id}/conclude"),
                None
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other_admin
            .call(
                Method::POST,
                &format!("/api/v1/inspections/{id}/conclude"),
                None
            )
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = api
        .post(&format!("/api/v1/inspections/{id}/conclude"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["opened"].as_u64().unwrap() >= 5, "{v}");
    let (s, _) = api
        .post(&format!("/api/v1/inspections/{id}/conclude"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // A concluded inspection refuses edits.
    let (s, v) = put(
        &api,
        &format!("{base}/items/P.3"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, _) = upload(
        &api,
        &format!("{base}/evidence"),
        Some("P.3"),
        "b.png",
        "image/png",
        png(4, 4),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = api
        .call(Method::POST, &format!("{base}/refresh"), None)
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The physical and process findings are in the findings lifecycle, with owner and deadline.
    let phys = api.ok("/api/v1/findings?kind=physical").await;
    let cab = phys
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "inspect.P.3")
        .unwrap_or_else(|| panic!("no cabinet finding: {phys}"))
        .clone();
    assert_eq!(cab["owner"], "Văn phòng HĐND và UBND thành phố", "{cab}");
    assert_eq!(cab["due"], "2026-12-31", "{cab}");
    assert_eq!(cab["unit_path"], CITY);
    assert_eq!(cab["severity"], "high");
    let process = api.ok("/api/v1/findings?kind=process").await;
    let training = process
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "inspect.M3.1")
        .unwrap_or_else(|| panic!("no training finding: {process}"));
    assert_eq!(training["owner"], "Chủ tịch UBND thành phố", "{training}");
    assert!(training["due"].is_string(), "{training}");
    assert!(other_admin
        .ok("/api/v1/findings?kind=physical")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    // ... and in the CSV exports (API and page), with the owner in the last column.
    let (s, _, csv) = get_bytes(&api, "/api/v1/findings.csv?kind=physical").await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",owner"), "{csv}");
    assert!(csv.contains("Văn phòng HĐND và UBND thành phố"), "{csv}");
    let (s, csv) = b.get("/findings.csv?kind=physical").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.contains("Văn phòng HĐND và UBND thành phố"), "{csv}");
    let (s, page) = b.get("/findings?kind=physical").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("tủ khóa"),
        "the findings page lists the cabinet finding"
    );
    assert!(
        page.contains("Văn phòng HĐND và UBND thành phố") && page.contains("2026-12-31"),
        "owner and deadline on the list"
    );
    let (s, page) = b
        .get(&format!("/findings/{}", cab["id"].as_i64().unwrap()))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Người chịu trách nhiệm")
            && page.contains("Văn phòng HĐND và UBND thành phố"),
        "owner on the finding page"
    );
    // The site host is not counted as a host.
    let hosts = api.ok("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 2, "{hosts}");

    // The conclusion: DOCX text pinned, HTML in both languages, PDF rendered to PNG.
    let (s, h, docx) = get_bytes(&api, &format!("{base}/conclusion?format=docx")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-disposition"].to_str().unwrap().contains(".docx"));
    let text = antoan_inspect::docx::docx_text(&docx, "conclusion.docx").expect("a DOCX");
    for needle in [
        "KẾT LUẬN",
        "35/KL-STTTT",
        "tủ khóa",
        "mật khẩu mặc định",
        "tập huấn",
        "Windows 7",
    ] {
        assert!(text.contains(needle), "DOCX lacks {needle:?}");
    }
    // The PC reports again, all fixed: the concluded inspection's conclusion
    // still reads the reports it was concluded on.
    let mut clean = windows7_report();
    clean.findings.clear();
    let mut run = RunOptions::new(tmp.path().join("pc"), AuditTarget::Report(Box::new(clean)));
    run.now = Some(now());
    assert!(antoan_agent::run_once(run)
        .await
        .expect("run_once")
        .all_delivered());
    let (_, _, again) = get_bytes(&api, &format!("{base}/conclusion?format=docx")).await;
    assert_eq!(
        antoan_inspect::docx::docx_text(&again, "again.docx").unwrap(),
        text,
        "a concluded inspection's conclusion does not change with later reports"
    );
    let (s, _, docx_en) = get_bytes(&api, &format!("{base}/conclusion?format=docx&lang=en")).await;
    assert_eq!(s, StatusCode::OK);
    let text_en = antoan_inspect::docx::docx_text(&docx_en, "conclusion.docx").unwrap();
    assert!(
        text_en.contains("CONCLUSION") || text_en.contains("Conclusion"),
        "{text_en}"
    );
    let (s, html) = b
        .get(&format!(
            "/inspections/{id}/units/{city}/conclusion/html?lang=en"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("35/KL-STTTT"));
    if check_documents {
        golden("inspection-conclusion.vi.docx.txt", &text);
        golden("inspection-conclusion.en.docx.txt", &text_en);
        let (s, h, pdf) = get_bytes(&api, &format!("{base}/conclusion?format=pdf")).await;
        if Path::new("/usr/bin/chromium").exists() {
            assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
            assert_eq!(h["content-type"], "application/pdf");
            assert_pdf_page_not_blank(&pdf);
        } else {
            assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
            assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        }
    }

    // Follow-up: the cabinet is now locked; the rest is as before.
    let (s, v) = api
        .post(
            &format!("/api/v1/inspections?previous_id={id}"),
            inspection_doc("KT-2027-02", "12/KL-STTTT", "2027-03-01"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id2 = v["id"].as_i64().unwrap();
    let base2 = format!("/api/v1/inspections/{id2}/units/{city}");
    answer(
        &api,
        &base2,
        "P.3",
        "compliant",
        "Đầu ghi đã đặt trong tủ thép có khóa",
    )
    .await;
    answer(&api, &base2, "M3.1", "not-compliant", "Vẫn chưa tập huấn").await;
    let d = api.ok(&format!("/api/v1/inspections/{id2}")).await;
    let items_of = |k: &str| -> Vec<String> {
        d["followup"][k]
            .as_array()
            .unwrap_or_else(|| panic!("followup.{k}: {d}"))
            .iter()
            .map(|f| f["attributes"]["item"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(
        items_of("fixed").contains(&"P.3".to_string()),
        "{}",
        d["followup"]
    );
    assert!(
        items_of("remaining").contains(&"M3.1".to_string()),
        "{}",
        d["followup"]
    );
    let (s, page) = b.get(&format!("/inspections/{id2}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("So sánh với lần kiểm tra trước") && page.contains("KT-2026-07"));
    let (s, v) = api
        .post(&format!("/api/v1/inspections/{id2}/conclude"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["fixed"].as_u64().unwrap() >= 1, "{v}");
    let f = api
        .ok(&format!("/api/v1/findings/{}", cab["id"].as_i64().unwrap()))
        .await;
    assert_eq!(
        f["finding"]["state"], "fixed",
        "the cabinet finding is fixed: {f}"
    );
    let tr = api.ok("/api/v1/findings?kind=process").await;
    assert!(
        tr.as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "inspect.M3.1" && f["state"] != "fixed"),
        "training stays open: {tr}"
    );

    // A self-inspection: the city's own admin creates, fills and concludes it, but
    // only reads the inspection the province's team leads.
    let city_pw = common::user(&store, "qt-tp", Role::UnitAdmin, Some(city)).await;
    let city_admin = Api::login(&srv.base, "qt-tp", &city_pw).await;
    let (s, v) = city_admin
        .post(
            "/api/v1/inspections",
            inspection_doc("TKT-2027-01", "01/KL-UBND", "2027-04-01"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let own = v["id"].as_i64().unwrap();
    let own_base = format!("/api/v1/inspections/{own}/units/{city}");
    answer(
        &city_admin,
        &own_base,
        "M3.1",
        "compliant",
        "Đã tập huấn ngày 15/03/2027, có danh sách tham dự",
    )
    .await;
    let (s, _) = put(
        &api,
        &format!("{base2}/items/P.4"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "the follow-up is concluded");
    let d = api.ok(&format!("/api/v1/inspections/{id2}")).await;
    assert_eq!(d["inspection"]["state"], "concluded");
    let (s, v) = api
        .post(
            "/api/v1/inspections",
            inspection_doc("KT-2027-05", "20/KL-STTTT", "2027-05-01"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let led = v["id"].as_i64().unwrap();
    let (s, _) = put(
        &city_admin,
        &format!("/api/v1/inspections/{led}/units/{city}/items/P.4"),
        json!({"answer": "compliant"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a unit admin only reads the team's inspection"
    );
    assert_eq!(
        city_admin.ok(&format!("/api/v1/inspections/{led}")).await["inspection"]["code"],
        "KT-2027-05"
    );
    let (s, v) = city_admin
        .post(&format!("/api/v1/inspections/{own}/conclude"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let tr = api.ok("/api/v1/findings?kind=process&state=all").await;
    let training = tr
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "inspect.M3.1")
        .unwrap_or_else(|| panic!("{tr}"));
    assert_eq!(
        training["state"], "fixed",
        "the self-inspection found the training held: {training}"
    );

    // The OpenAPI document lists the inspection routes.
    let doc = api.ok("/api/v1/openapi.json").await;
    for p in [
        "/api/v1/inspections",
        "/api/v1/inspections/{id}/units/{unit_id}/items/{item}",
        "/api/v1/inspections/{id}/units/{unit_id}/evidence",
        "/api/v1/inspections/{id}/units/{unit_id}/conclusion",
        "/api/v1/inspections/{id}/document",
    ] {
        assert!(doc["paths"].get(p).is_some(), "OpenAPI lacks {p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspection_replay_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suite(
        &format!("sqlite:{}", dir.path().join("antoan.db").display()),
        true,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspection_replay_postgres() {
    let Some(pg) = antoan_store::testing::PgCluster::shared() else {
        return;
    };
    let url = pg
        .create_database("server_inspections")
        .await
        .expect("create database");
    // The documents are the same on both backends; PostgreSQL checks the golden text too.
    suite(&url, true).await;
}

#[test]
fn the_png_maker_makes_a_png_the_evidence_check_accepts() {
    let p = png(3, 2);
    let r = antoan_inspect::evidence::validate_evidence(
        "x.png",
        Some("image/png"),
        &p,
        &antoan_inspect::evidence::EvidencePolicy::default(),
    )
    .unwrap();
    assert_eq!(r.media_type, "image/png");
}
