//! The dashboard in a real headless Chromium, driven over WebDriver
//! (chromedriver) with fantoccini.
//!
//! The server runs in-process on 127.0.0.1 with a fresh SQLite database.
//! Units, enrollment tokens, agents and their signed reports go through the
//! real API and ingest path. The browser then logs in through the form,
//! browses the tree down to a host, assigns a finding, accepts a risk,
//! creates a ward admin whose view must not include the other ward, and
//! checks Vietnamese text and that hostile host names stay text.
//! Screenshots land in `target/browser-artifacts/`.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian `chromium`,
//! `chromium-driver`): without them the test fails when `CI` is set and is
//! skipped with a message otherwise.

mod browser_common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use antoan_model::{
    Finding, FindingKind, FindingStatus, HostInfo, Inventory, OsFamily, OsInfo, Report, Score,
    Severity, Summary, Text, ToolInfo, WindowsInventory, WindowsProgram,
};
use antoan_server::{app, AppState, ServerConfig, TlsMode};
use antoan_store::{Actor, NewUser, Role, Store};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use browser_common::{artifacts_dir, body_text, browser, start_driver, tools_present};

/// A host name an attacker controls on their own machine.
const EVIL_HOST: &str = "<script>alert(\"xss\")</script>dk-02";
const EVIL_PROGRAM: &str = "\"><img src=x onerror=alert(1)>Phần mềm";

// ---------------------------------------------------------------- reports

fn finding(
    host_key: &str,
    check: &str,
    kind: FindingKind,
    sev: Severity,
    subject: &str,
    vi: &str,
    en: &str,
) -> Finding {
    Finding {
        id: Finding::stable_id(host_key, check, subject),
        check: check.into(),
        kind,
        severity: sev,
        status: FindingStatus::Open,
        subject: subject.into(),
        title: Text::new(vi, en),
        remediation: Text::new(
            "Nâng cấp hoặc gỡ bỏ; xem hướng dẫn của đơn vị.",
            "Upgrade or remove; see the unit's guidance.",
        ),
        evidence: vec![],
        controls: vec![],
        reason: None,
        attributes: Default::default(),
        references: vec![],
    }
}

fn report(hostname: &str, program: &str) -> Report {
    let key = format!("host:{hostname}");
    let findings = vec![
        finding(
            &key,
            "eol.os",
            FindingKind::Eol,
            Severity::Critical,
            "Windows 7 Professional",
            "Windows 7 đã hết hỗ trợ",
            "Windows 7 is end-of-life",
        ),
        finding(
            &key,
            "accounts.empty-password",
            FindingKind::Account,
            Severity::High,
            "Guest",
            "Tài khoản không có mật khẩu",
            "Account without a password",
        ),
        finding(
            &key,
            "software.unwanted",
            FindingKind::Config,
            Severity::Medium,
            program,
            "Phần mềm không được phép",
            "Unapproved software",
        ),
    ];
    let inventory = Inventory {
        windows: Some(WindowsInventory {
            product_name: "Windows 7 Professional".into(),
            programs: vec![
                WindowsProgram {
                    name: program.into(),
                    version: "1.0".into(),
                    publisher: "<b>Không rõ</b>".into(),
                    scope: "machine".into(),
                    key: "k1".into(),
                    install_date: String::new(),
                },
                WindowsProgram {
                    name: "Bkav Pro".into(),
                    version: "2024".into(),
                    publisher: "Bkav".into(),
                    scope: "machine".into(),
                    key: "k2".into(),
                    install_date: String::new(),
                },
            ],
            ..Default::default()
        }),
        ..Default::default()
    };
    Report {
        schema_version: antoan_model::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "0.1.0".into(),
        },
        generated_at: antoan_wire::format_time(time::OffsetDateTime::now_utc()),
        host: HostInfo {
            hostname: hostname.into(),
            os: OsInfo {
                family: OsFamily::Windows,
                name: "Windows 7 Professional".into(),
                version: "SP1".into(),
                ..Default::default()
            },
            architecture: "x64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory,
        findings,
        checks: vec![],
        summary: Summary {
            critical: 1,
            high: 1,
            medium: 1,
            failed: 3,
            checks_run: 3,
            ..Default::default()
        },
        score: Score {
            value: 30,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

// ---------------------------------------------------------------- API seeding

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn login(base: &str, username: &str, password: &str) -> Api {
        let http = reqwest::Client::new();
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("POST /api/v1/session");
        assert!(r.status().is_success(), "login: {}", r.status());
        let v: Value = r.json().await.expect("session json");
        let token = v["token"].as_str().expect("token").to_string();
        Api {
            http,
            base: base.into(),
            token,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect(path);
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect(path);
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.expect("json")
    }
}

/// A JSON list, whether bare or wrapped in an object.
fn items(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Object(o) => o
            .values()
            .find_map(|x| x.as_array().cloned())
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// Enrolls an agent with a token and sends one signed report; returns the agent id.
async fn agent_sends(base: &str, token: &str, report: &Report) -> i64 {
    let http = reqwest::Client::new();
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("random key");
    let key = antoan_wire::ed25519_dalek::SigningKey::from_bytes(&seed);
    let enroll = antoan_wire::EnrollRequest {
        token: token.into(),
        public_key: antoan_wire::public_key_b64(&key.verifying_key()),
        hostname: report.host.hostname.clone(),
        os: report.host.os.name.clone(),
    };
    let r = http
        .post(format!("{base}{}", antoan_wire::ENROLL_PATH))
        .json(&enroll)
        .send()
        .await
        .expect("enroll");
    assert!(r.status().is_success(), "enroll: {}", r.status());
    let er: antoan_wire::EnrollResponse = r.json().await.expect("enroll response");
    let body = serde_json::to_vec(report).expect("report json");
    let sent_at = antoan_wire::format_time(time::OffsetDateTime::now_utc());
    let sub = antoan_wire::sign(&key, er.agent_id, 1, &sent_at, &body);
    let r = http
        .post(format!("{base}{}", antoan_wire::REPORTS_PATH))
        .json(&sub)
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status().as_u16(), 202, "report accepted");
    er.agent_id
}

// ---------------------------------------------------------------- browser helpers

/// Clicks something that loads a new page and waits (up to 10 s) until it has loaded.
async fn click_nav(c: &Client, what: Locator<'_>) {
    browser_common::click_nav(c, what, 200).await
}

async fn shot(c: &Client, dir: &Path, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

async fn login(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/")).await.expect("goto /");
    let url = c.current_url().await.expect("url");
    assert_eq!(
        url.path(),
        "/login",
        "an anonymous visit goes to the login form"
    );
    c.find(Locator::Css("input[name=username]"))
        .await
        .expect("username")
        .send_keys(username)
        .await
        .expect("type");
    c.find(Locator::Css("input[name=password]"))
        .await
        .expect("password")
        .send_keys(password)
        .await
        .expect("type");
    click_nav(c, Locator::Css("form[action='/login'] button[type=submit]")).await;
}

async fn logout(c: &Client) {
    click_nav(c, Locator::Css("form[action='/logout'] button")).await;
}

/// No JavaScript dialog opened (an injected `alert` would have).
async fn assert_no_alert(c: &Client) {
    assert!(
        c.get_alert_text().await.is_err(),
        "a script ran: an alert is open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_headless_chromium() {
    if !tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", tmp.path().join("antoan.db").display());
    let store = Store::open(&db).await.expect("open store");

    // The first inspector, as `antoan serve init` makes it (password made now).
    let admin_pw = antoan_server::auth::one_time_password();
    let pw = admin_pw.clone();
    let phc = tokio::task::spawn_blocking(move || antoan_server::auth::hash_password(&pw))
        .await
        .unwrap()
        .unwrap();
    store
        .create_user(
            &NewUser {
                username: "thanhtra".into(),
                display_name: "Thanh tra Sở TT&TT".into(),
                password_phc: phc,
                role: Role::ProvinceInspector,
                unit_id: None,
                must_change_password: false,
            },
            &Actor::system(),
        )
        .await
        .expect("first admin");

    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let cfg = ServerConfig::new(addr, db.clone(), TlsMode::Off);
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let router = app(AppState::new(store, cfg)).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    // Units, tokens, agents and reports through the API and ingest.
    let api = Api::login(&base, "thanhtra", &admin_pw).await;
    for (path, name) in [
        ("lang-son", "Tỉnh Lạng Sơn"),
        ("lang-son/thanh-pho", "Thành phố Lạng Sơn"),
        ("lang-son/thanh-pho/phuong-chi-lang", "Phường Chi Lăng"),
        ("lang-son/thanh-pho/phuong-dong-kinh", "Phường Đông Kinh"),
    ] {
        api.post("/api/v1/units", json!({"path": path, "name": name}))
            .await;
    }
    let tok_a = api
        .post(
            "/api/v1/tokens",
            json!({"unit_path": "lang-son/thanh-pho/phuong-chi-lang", "days": 7}),
        )
        .await;
    let tok_b = api
        .post(
            "/api/v1/tokens",
            json!({"unit_path": "lang-son/thanh-pho/phuong-dong-kinh", "days": 7}),
        )
        .await;
    agent_sends(
        &base,
        tok_a["token"].as_str().expect("token a"),
        &report("pc-chi-lang-01", "Zalo PC"),
    )
    .await;
    agent_sends(
        &base,
        tok_b["token"].as_str().expect("token b"),
        &report(EVIL_HOST, EVIL_PROGRAM),
    )
    .await;

    let hosts = items(&api.get("/api/v1/hosts").await);
    let host_id = |name: &str| {
        hosts
            .iter()
            .find(|h| h["hostname"] == name)
            .and_then(|h| h["id"].as_i64())
            .unwrap_or_else(|| panic!("host {name}"))
    };
    let host_a = host_id("pc-chi-lang-01");
    let host_b = host_id(EVIL_HOST);
    let fa = items(&api.get(&format!("/api/v1/hosts/{host_a}/findings")).await);
    let crit_a = fa
        .iter()
        .find(|f| f["check"] == "eol.os")
        .and_then(|f| f["id"].as_i64())
        .expect("eol finding of host a");
    let high_a = fa
        .iter()
        .find(|f| f["check"] == "accounts.empty-password")
        .and_then(|f| f["id"].as_i64())
        .expect("account finding");

    // PDF and HTML report exports (Bearer works on pages too).
    let r = api
        .http
        .get(format!("{base}/hosts/{host_b}/report.html"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        !page.contains("<script>alert"),
        "report HTML escapes the host name"
    );
    let r = api
        .http
        .get(format!("{base}/hosts/{host_a}/report.pdf"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let units = items(&api.get("/api/v1/units").await);
    let province = units
        .iter()
        .find(|u| u["path"] == "lang-son")
        .and_then(|u| u["id"].as_i64())
        .expect("province");
    let r = api
        .http
        .get(format!("{base}/units/{province}/report.pdf"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "unit report as PDF");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));

    let artifacts = artifacts_dir();
    let (_driver, dport) = start_driver().await;
    let profile = tmp.path().join("chromium-profile");
    let c = browser(dport, &profile, None).await;

    // The steps run in their own task so that a failed assertion still
    // closes the browser session below (no Chromium left behind).
    let client = c.clone();
    let run = async move {
        let c = client;
        // Log in through the form; the overview is in Vietnamese.
        login(&c, &base, "thanhtra", &admin_pw).await;
        let text = body_text(&c).await;
        assert!(text.contains("Tổng quan"), "overview heading: {text}");
        assert!(
            text.contains("Độ phủ báo cáo")
                && text.contains("HĐH hết hỗ trợ")
                && text.contains("Xu hướng 30 ngày")
        );
        assert!(text.contains("Phường Chi Lăng") && text.contains("Phường Đông Kinh"));
        assert!(
            c.find(Locator::Css("svg.chart polyline")).await.is_ok(),
            "trend chart drawn"
        );
        shot(&c, &artifacts, "01-overview").await;

        // The end-of-life card leads to the list of those hosts.
        click_nav(&c, Locator::Css("a.stat[href='/hosts?os_eol=1']")).await;
        let text = body_text(&c).await;
        assert!(
            text.contains("pc-chi-lang-01") && text.contains(EVIL_HOST),
            "end-of-life hosts: {text}"
        );
        assert_no_alert(&c).await;
        c.goto(&format!("{base}/")).await.unwrap();

        // Browse the tree down to a host.
        click_nav(&c, Locator::LinkText("Tỉnh Lạng Sơn")).await;
        click_nav(&c, Locator::LinkText("Thành phố Lạng Sơn")).await;
        shot(&c, &artifacts, "02-unit").await;
        click_nav(&c, Locator::LinkText("Phường Chi Lăng")).await;
        click_nav(&c, Locator::LinkText("pc-chi-lang-01")).await;
        assert_eq!(
            c.current_url().await.unwrap().path(),
            format!("/hosts/{host_a}")
        );
        let text = body_text(&c).await;
        assert!(
            text.contains("Windows 7 đã hết hỗ trợ")
                && text.contains("Chương trình Windows")
                && text.contains("Bkav Pro")
        );
        assert!(text.contains("Lịch sử báo cáo"));
        shot(&c, &artifacts, "03-host").await;

        // The other ward's host: hostile name and program shown as text, no script ran.
        c.goto(&format!("{base}/hosts/{host_b}")).await.unwrap();
        assert_no_alert(&c).await;
        let h1 = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(h1, EVIL_HOST);
        assert!(body_text(&c).await.contains(EVIL_PROGRAM));
        assert!(
            c.find_all(Locator::Css("main img"))
                .await
                .unwrap()
                .is_empty(),
            "no injected image element"
        );
        shot(&c, &artifacts, "04-hostile-host").await;

        // Assign the critical finding of host A from the findings list.
        c.goto(&format!("{base}/findings?severity=critical"))
            .await
            .unwrap();
        assert_no_alert(&c).await;
        c.find(Locator::Id(&format!("sel-{crit_a}")))
            .await
            .expect("checkbox")
            .click()
            .await
            .unwrap();
        let bulk = c
            .find(Locator::Css("#bulk select[name=assignee]"))
            .await
            .expect("assignee select");
        bulk.select_by_label("Thanh tra Sở TT&TT (thanhtra)")
            .await
            .expect("choose assignee");
        click_nav(&c, Locator::Css("#bulk button[type=submit]")).await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Đã giao 1 phát hiện."),
            "assignment notice: {text}"
        );
        shot(&c, &artifacts, "05-findings").await;
        let f = api.get(&format!("/api/v1/findings/{crit_a}")).await;
        let row = if f.get("finding").is_some() {
            &f["finding"]
        } else {
            &f
        };
        assert_eq!(
            row["assignee"][1], "Thanh tra Sở TT&TT",
            "assigned in the store: {f}"
        );

        // Accept the risk of the account finding.
        c.goto(&format!("{base}/findings/{high_a}")).await.unwrap();
        c.find(Locator::Css("#waiver textarea[name=justification]"))
            .await
            .expect("waiver form")
            .send_keys("Máy dùng riêng cho kiosk tra cứu, không nối mạng nội bộ")
            .await
            .unwrap();
        c.find(Locator::Css("#waiver input[name=approver]"))
            .await
            .unwrap()
            .send_keys("Trưởng phòng CNTT")
            .await
            .unwrap();
        click_nav(&c, Locator::Css("#waiver button[type=submit]")).await;
        let text = body_text(&c).await;
        assert!(
            text.contains("Rủi ro đã được chấp nhận") && text.contains("Trưởng phòng CNTT"),
            "waiver shown: {text}"
        );
        assert!(text.contains("Đã chấp nhận rủi ro"));
        shot(&c, &artifacts, "06-waiver").await;
        c.goto(&format!("{base}/waivers")).await.unwrap();
        assert!(body_text(&c).await.contains("kiosk tra cứu"));

        // Agents page: create an enrollment token, shown once.
        c.goto(&format!("{base}/agents")).await.unwrap();
        click_nav(&c, Locator::Css("form[action='/agents/tokens'] button")).await;
        let tok = c
            .find(Locator::Id("new-token"))
            .await
            .expect("new token")
            .text()
            .await
            .unwrap();
        assert!(tok.len() >= 40, "a long random token: {tok}");
        shot(&c, &artifacts, "07-agents").await;

        // Create the Chi Lăng ward admin through the users page.
        c.goto(&format!("{base}/users")).await.unwrap();
        let units = items(&api.get("/api/v1/units").await);
        let chi_lang = units
            .iter()
            .find(|u| u["path"] == "lang-son/thanh-pho/phuong-chi-lang")
            .and_then(|u| u["id"].as_i64())
            .expect("unit id");
        c.find(Locator::Css("form[action='/users'] input[name=username]"))
            .await
            .unwrap()
            .send_keys("qt.chilang")
            .await
            .unwrap();
        c.find(Locator::Css(
            "form[action='/users'] input[name=display_name]",
        ))
        .await
        .unwrap()
        .send_keys("Quản trị Phường Chi Lăng")
        .await
        .unwrap();
        c.find(Locator::Css("form[action='/users'] select[name=role]"))
            .await
            .unwrap()
            .select_by_value("unit-admin")
            .await
            .unwrap();
        c.find(Locator::Css("form[action='/users'] select[name=unit]"))
            .await
            .unwrap()
            .select_by_value(&chi_lang.to_string())
            .await
            .unwrap();
        click_nav(&c, Locator::Css("form[action='/users'] button")).await;
        let otp = c
            .find(Locator::Id("new-password"))
            .await
            .expect("one-time password")
            .text()
            .await
            .unwrap();
        assert!(otp.len() >= 12);
        shot(&c, &artifacts, "08-users").await;

        // English on request, remembered by cookie.
        c.goto(&format!("{base}/?lang=en")).await.unwrap();
        assert!(body_text(&c).await.contains("Reporting coverage"));
        c.goto(&format!("{base}/findings")).await.unwrap();
        assert!(body_text(&c).await.contains("Assign the selected findings"));
        c.goto(&format!("{base}/?lang=vi")).await.unwrap();
        logout(&c).await;

        // The ward admin: must choose a password, then sees only the ward.
        login(&c, &base, "qt.chilang", &otp).await;
        assert_eq!(c.current_url().await.unwrap().path(), "/account/password");
        let new_pw = format!("Phuong-{}", antoan_server::auth::one_time_password());
        c.find(Locator::Css("input[name=current]"))
            .await
            .unwrap()
            .send_keys(&otp)
            .await
            .unwrap();
        c.find(Locator::Css("input[name=new]"))
            .await
            .unwrap()
            .send_keys(&new_pw)
            .await
            .unwrap();
        c.find(Locator::Css("input[name=confirm]"))
            .await
            .unwrap()
            .send_keys(&new_pw)
            .await
            .unwrap();
        click_nav(&c, Locator::Css("form button[type=submit]")).await;
        assert_eq!(c.current_url().await.unwrap().path(), "/");
        let text = body_text(&c).await;
        assert!(
            text.contains("Tổng quan") && text.contains("Phường Chi Lăng"),
            "ward overview: {text}"
        );
        assert!(
            !text.contains("Đông Kinh"),
            "the other ward is not visible: {text}"
        );
        shot(&c, &artifacts, "09-ward-admin").await;
        c.goto(&format!("{base}/findings")).await.unwrap();
        let text = body_text(&c).await;
        assert!(
            text.contains("pc-chi-lang-01") && !text.contains("dk-02"),
            "findings of the ward only: {text}"
        );
        c.goto(&format!("{base}/hosts/{host_b}")).await.unwrap();
        assert!(
            body_text(&c).await.contains("Không tìm thấy"),
            "another ward's host is not found"
        );
        c.goto(&format!("{base}/agents")).await.unwrap();
        assert!(!body_text(&c).await.contains("dk-02"));
        c.goto(&format!(
            "{base}/units/{}",
            units
                .iter()
                .find(|u| u["path"] == "lang-son")
                .and_then(|u| u["id"].as_i64())
                .unwrap()
        ))
        .await
        .unwrap();
        assert!(
            body_text(&c).await.contains("Không tìm thấy"),
            "a unit above the ward is not visible"
        );
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
