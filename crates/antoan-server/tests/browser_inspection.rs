//! An inspection in a real headless Chromium, driven over WebDriver
//! (chromedriver) with fantoccini: log in, create an inspection through the
//! form, fill checklist items (radios and notes), upload a photo through
//! the file input (shown inline afterwards), conclude, and download the DOCX
//! conclusion into Chrome's download folder, whose text is then checked.
//! The server runs in-process on 127.0.0.1 with a fresh SQLite database; the
//! city's PC reports through the real agent and ingest path first.
//! Screenshots land in `target/browser-artifacts/inspection-*.png`.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: without them the test
//! fails when `CI` is set and is skipped with a message otherwise.

mod browser_common;
mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use antoan_agent::{AuditTarget, EnrollOptions, RunOptions};
use antoan_server::{app, AppState, ServerConfig, TlsMode};
use antoan_store::{Actor, NewUser, Role, Store};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use browser_common::{artifacts_dir, body_text, browser, start_driver, tools_present};
use common::png;

const CITY: &str = "minh-chau/tp-minh-chau";

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-19 09:00 UTC)
}

/// The Windows 7 / Office 2010 PC's audit, as its agent makes it.
fn windows7_report() -> antoan_model::Report {
    let export = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../antoan-wincollect/tests/fixtures/win7-office2010/hive");
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
    r.host.source = "windows-export".into();
    r
}

// ---------------------------------------------------------------- browser helpers

/// Clicks something that loads a new page and waits (up to 15 s) until it has loaded.
async fn click_nav(c: &Client, what: Locator<'_>) {
    browser_common::click_nav(c, what, 300).await
}

async fn shot(c: &Client, dir: &Path, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("inspection-{name}.png")), png).expect("write screenshot");
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    el.clear()
        .await
        .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Date inputs take typed text in the browser's locale order; set the value instead.
async fn set_date(c: &Client, name: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![json!(format!("input[name={name}]")), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {name}: {e}"));
}

/// Answers one checklist item through its form and waits for the page to come back.
async fn answer_item(c: &Client, item: &str, answer: &str, notes: &str) {
    let sec = format!("section[data-item='{item}']");
    c.find(Locator::Css(&format!(
        "{sec} input[name=answer][value={answer}]"
    )))
    .await
    .unwrap_or_else(|e| panic!("radio {answer} of {item}: {e}"))
    .click()
    .await
    .expect("click radio");
    if !notes.is_empty() {
        type_into(c, &format!("{sec} textarea[name=notes]"), notes).await;
    }
    click_nav(
        c,
        Locator::Css(&format!("{sec} form.answer button[type=submit]")),
    )
    .await;
    let text = body_text(c).await;
    assert!(
        text.contains("Đã lưu."),
        "saved notice after {item}: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspection_in_headless_chromium() {
    if !tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", tmp.path().join("antoan.db").display());
    let store = Store::open(&db).await.expect("open store");
    let pw = antoan_server::auth::one_time_password();
    let p2 = pw.clone();
    let phc = tokio::task::spawn_blocking(move || antoan_server::auth::hash_password(&p2))
        .await
        .unwrap()
        .unwrap();
    store
        .create_user(
            &NewUser {
                username: "thanhtra".into(),
                display_name: "Nguyễn Văn An".into(),
                password_phc: phc,
                role: Role::ProvinceInspector,
                unit_id: None,
                must_change_password: false,
            },
            &Actor::system(),
        )
        .await
        .expect("inspector");
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let cfg = ServerConfig::new(addr, db.clone(), TlsMode::Off);
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let router = app(AppState::new(store, cfg)).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    // Units and the city's PC, through the API and the real agent.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "thanhtra", "password": pw}))
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, name) in [
        ("minh-chau", "Tỉnh Minh Châu"),
        (CITY, "UBND thành phố Minh Châu"),
    ] {
        let r = http
            .post(format!("{base}/api/v1/units"))
            .bearer_auth(&token)
            .json(&json!({"path": path, "name": name}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "unit {path}: {}", r.status());
    }
    let units: Value = http
        .get(format!("{base}/api/v1/units"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let city = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["path"] == CITY)
        .and_then(|u| u["id"].as_i64())
        .expect("city unit");
    let t: Value = http
        .post(format!("{base}/api/v1/tokens"))
        .bearer_auth(&token)
        .json(&json!({"unit_path": CITY, "days": 3}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let agent_dir = tmp.path().join("agent");
    let report = windows7_report();
    let mut eo = EnrollOptions::new(base.clone(), t["token"].as_str().unwrap(), &agent_dir);
    eo.hostname = Some(report.host.hostname.clone());
    eo.os = Some(report.host.os.name.clone());
    antoan_agent::enroll(eo).await.expect("enroll");
    let mut ro = RunOptions::new(&agent_dir, AuditTarget::Report(Box::new(report)));
    ro.now = Some(now());
    assert!(antoan_agent::run_once(ro)
        .await
        .expect("run")
        .all_delivered());

    let photo = png(160, 120);
    let photo_path = tmp.path().join("tu-dau-ghi.png");
    std::fs::write(&photo_path, &photo).unwrap();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();

    let artifacts = artifacts_dir();
    let (_driver, dport) = start_driver().await;
    let c = browser(dport, &tmp.path().join("profile"), Some(&downloads)).await;
    let client = c.clone();
    let dl = downloads.clone();
    let run = async move {
        let c = client;
        // Log in through the form.
        c.goto(&format!("{base}/inspections")).await.unwrap();
        assert_eq!(c.current_url().await.unwrap().path(), "/login");
        type_into(&c, "input[name=username]", "thanhtra").await;
        type_into(&c, "input[name=password]", &pw).await;
        click_nav(
            &c,
            Locator::Css("form[action='/login'] button[type=submit]"),
        )
        .await;
        assert_eq!(c.current_url().await.unwrap().path(), "/inspections");
        let text = body_text(&c).await;
        assert!(
            text.contains("Các cuộc kiểm tra") && text.contains("Kiểm tra"),
            "{text}"
        );

        // Create the inspection through the form.
        click_nav(&c, Locator::LinkText("Tạo cuộc kiểm tra mới")).await;
        type_into(&c, "input[name=code]", "KT-2026-07").await;
        type_into(&c, "input[name=decision_number]", "125/QĐ-STTTT").await;
        set_date(&c, "decision_date", "2026-11-10").await;
        type_into(
            &c,
            "input[name=decision_issuer]",
            "Giám đốc Sở Thông tin và Truyền thông tỉnh Minh Châu",
        )
        .await;
        type_into(&c, "input[name=issuing_parent]", "UBND tỉnh Minh Châu").await;
        type_into(
            &c,
            "input[name=issuing_name]",
            "Sở Thông tin và Truyền thông",
        )
        .await;
        type_into(&c, "input[name=number]", "35/KL-STTTT").await;
        type_into(&c, "input[name=place]", "Minh Châu").await;
        set_date(&c, "date", "2026-11-25").await;
        set_date(&c, "period_from", "2026-11-18").await;
        set_date(&c, "period_to", "2026-11-20").await;
        c.find(Locator::Css("select[name=level]"))
            .await
            .unwrap()
            .select_by_value("2")
            .await
            .unwrap();
        type_into(
            &c,
            "textarea[name=team]",
            "Nguyễn Văn An | trưởng đoàn | Phó Giám đốc Sở TT&TT\nPhạm Thu Dung | thư ký | Chuyên viên, Sở TT&TT",
        )
        .await;
        c.find(Locator::Css(&format!("input[name=unit][value='{city}']")))
            .await
            .expect("unit checkbox")
            .click()
            .await
            .unwrap();
        type_into(&c, "input[name=head]", "Chủ tịch UBND thành phố").await;
        shot(&c, &artifacts, "01-new").await;
        click_nav(&c, Locator::Css("#new-inspection button[type=submit]")).await;
        let url = c.current_url().await.unwrap();
        assert!(url.path().starts_with("/inspections/"), "{url}");
        let text = body_text(&c).await;
        assert!(
            text.contains("KT-2026-07") && text.contains("Đang kiểm tra"),
            "{text}"
        );
        shot(&c, &artifacts, "02-inspection").await;

        // The checklist: automatic items already filled from the agent's report.
        click_nav(&c, Locator::LinkText("UBND thành phố Minh Châu")).await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Bảng kiểm") && text.contains("Windows 7"),
            "{text}"
        );
        answer_item(
            &c,
            "P.3",
            "not-compliant",
            "Đầu ghi camera của Bộ phận một cửa đặt trên kệ hở, không có tủ khóa",
        )
        .await;
        answer_item(
            &c,
            "M3.1",
            "not-compliant",
            "Không có danh sách tham dự tập huấn năm 2026",
        )
        .await;
        answer_item(
            &c,
            "T3.1",
            "not-compliant",
            "Mật khẩu quản trị dùng chung cho nhiều máy",
        )
        .await;
        answer_item(&c, "M1.1", "compliant", "").await;
        let p3 = c
            .find(Locator::Css("section[data-item='P.3'] .answer"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(p3, "Không đạt");

        // The unit's overview for section II of the conclusion (a <details> form).
        c.find(Locator::Css("#unit-info summary"))
            .await
            .expect("unit information")
            .click()
            .await
            .unwrap();
        type_into(
            &c,
            "#unit-info textarea[name=infrastructure]",
            "Mạng LAN 85 máy tính; 1 đầu ghi camera tại Bộ phận một cửa",
        )
        .await;
        type_into(
            &c,
            "#unit-info textarea[name=systems]",
            "Hệ thống quản lý văn bản và điều hành | 2 | có",
        )
        .await;
        click_nav(&c, Locator::Css("#unit-info button[type=submit]")).await;
        let text = body_text(&c).await;
        assert!(text.contains("Đã lưu thông tin đơn vị."), "{text}");

        // A photo through the file input, shown inline afterwards.
        c.find(Locator::Css(
            "section[data-item='P.3'] form.evidence input[type=file]",
        ))
        .await
        .expect("file input")
        .send_keys(&photo_path.display().to_string())
        .await
        .expect("choose the file");
        click_nav(
            &c,
            Locator::Css("section[data-item='P.3'] form.evidence button[type=submit]"),
        )
        .await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Đã tải lên minh chứng.") && text.contains("tu-dau-ghi.png"),
            "{text}"
        );
        let mut shown = Value::Null;
        for _ in 0..50 {
            shown = c
                .execute(
                    "const i = document.querySelector(\"section[data-item='P.3'] img.evidence\"); return i && i.complete ? i.naturalWidth : null;",
                    vec![],
                )
                .await
                .unwrap();
            if shown.is_number() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(shown, json!(160), "the photo is shown inline");
        c.execute(
            "document.querySelector(\"section[data-item='P.3']\").scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        shot(&c, &artifacts, "03-checklist").await;

        // Conclude from the inspection page.
        click_nav(&c, Locator::Css("p.crumbs a[href^='/inspections/']")).await;
        click_nav(&c, Locator::Css("#conclude button[type=submit]")).await;
        let text = body_text(&c).await;
        assert!(text.contains("Đã kết luận"), "{text}");
        assert!(
            c.find(Locator::Css("#conclude")).await.is_err(),
            "no conclude button any more"
        );
        shot(&c, &artifacts, "04-concluded").await;

        // Download the DOCX conclusion.
        c.find(Locator::Css("a[href$='/conclusion/docx']"))
            .await
            .expect("DOCX link")
            .click()
            .await
            .unwrap();
        let mut file = None;
        for _ in 0..200 {
            if let Ok(rd) = std::fs::read_dir(&dl) {
                file = rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .find(|p| p.extension().is_some_and(|x| x == "docx"));
            }
            if file.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let file = file.expect("the DOCX conclusion was downloaded");
        let bytes = std::fs::read(&file).unwrap();
        let text = antoan_inspect::docx::docx_text(&bytes, "conclusion.docx").expect("a DOCX");
        for needle in [
            "KẾT LUẬN",
            "Số: 35/KL-STTTT",
            "UBND thành phố Minh Châu",
            "tủ khóa",
            "tu-dau-ghi.png",
            "Windows 7",
            "Nguyễn Văn An",
            "Mạng LAN 85 máy tính",
            "Hệ thống quản lý văn bản và điều hành",
        ] {
            assert!(
                text.contains(needle),
                "the downloaded DOCX lacks {needle:?}:\n{text}"
            );
        }
        // The findings page lists the physical finding.
        c.goto(&format!("{base}/findings?kind=physical"))
            .await
            .unwrap();
        let text = body_text(&c).await;
        assert!(text.contains("tủ khóa"), "{text}");
        shot(&c, &artifacts, "05-findings").await;
    };
    let outcome = tokio::time::timeout(Duration::from_secs(240), tokio::spawn(run)).await;
    let _ = c.close().await;
    server.abort();
    match outcome {
        Err(_) => panic!("the browser test took longer than 4 minutes"),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("browser steps: {e}"),
        Ok(Ok(())) => {}
    }
}
