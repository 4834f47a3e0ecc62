//! The dashboard's routes through the whole app (CSRF middleware, session
//! extractor, store on a temporary SQLite file): CSRF, roles, ward scope,
//! injection through filters, escaping of hostile host names.

use antoan_model::{
    Finding, FindingKind, FindingStatus, HostInfo, Inventory, OsFamily, OsInfo, Report, Score,
    Severity, Summary, Text, ToolInfo,
};
use antoan_store::{
    Actor, FindingFilter, IngestOutcome, IngestReport, NewUser, Role, Scope, Store, User,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use time::OffsetDateTime;
use tower::ServiceExt;

use crate::auth::sha256_hex;
use crate::{app, AppState, ServerConfig, TlsMode};

/// A valid waiver expiry: a month from now.
fn soon() -> String {
    super::layout::fmt_date(OffsetDateTime::now_utc().date() + time::Duration::days(30))
}

const EVIL: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

struct Fixture {
    app: Router,
    store: Store,
    _dir: tempfile::TempDir,
    /// session cookie and csrf per user
    inspector: (String, String),
    ward_admin: (String, String),
    viewer: (String, String),
    /// Chi Lăng host and finding; Đông Kinh host and finding
    host_a: i64,
    finding_a: i64,
    host_b: i64,
    finding_b: i64,
    unit_b: i64,
    root: i64,
    inspector_id: i64,
}

fn report(hostname: &str) -> Report {
    let key = format!("host:{hostname}");
    Report {
        schema_version: antoan_model::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-11-24T21:00:00Z".into(),
        host: HostInfo {
            hostname: hostname.into(),
            os: OsInfo {
                family: OsFamily::Windows,
                name: "Windows 7".into(),
                version: "SP1".into(),
                ..Default::default()
            },
            architecture: "x64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory: Inventory::default(),
        findings: vec![Finding {
            id: Finding::stable_id(&key, "eol.os", "Windows 7"),
            check: "eol.os".into(),
            kind: FindingKind::Eol,
            severity: Severity::Critical,
            status: FindingStatus::Open,
            subject: EVIL.into(),
            title: Text::new("Windows 7 đã hết hỗ trợ", "Windows 7 is end-of-life"),
            remediation: Text::new("Nâng cấp", "Upgrade"),
            evidence: vec![],
            controls: vec![],
            reason: None,
            attributes: Default::default(),
            references: vec![],
        }],
        checks: vec![],
        summary: Summary::default(),
        score: Score {
            value: 30,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

async fn session(store: &Store, user: &User) -> (String, String) {
    let token = crate::auth::random_token(32);
    let csrf = crate::auth::random_token(24);
    store
        .create_session(
            user.id,
            &sha256_hex(&token),
            &csrf,
            OffsetDateTime::now_utc() + time::Duration::hours(1),
        )
        .await
        .expect("session");
    (token, csrf)
}

async fn user(store: &Store, name: &str, role: Role, unit: Option<i64>) -> User {
    // Never logged in with a password here: sessions are made directly.
    let phc = format!(
        "$argon2id$v=19$m=19456,t=2,p=1${}",
        crate::auth::random_token(16)
    );
    store
        .create_user(
            &NewUser {
                username: name.into(),
                display_name: format!("Người dùng {name}"),
                password_phc: phc,
                role,
                unit_id: unit,
                must_change_password: false,
            },
            &Actor::system(),
        )
        .await
        .expect("user")
}

async fn host_with_report(store: &Store, unit_id: i64, hostname: &str) -> (i64, i64) {
    let now = OffsetDateTime::now_utc();
    let tok = crate::auth::random_token(32);
    store
        .create_enrollment_token(
            unit_id,
            &sha256_hex(&tok),
            now + time::Duration::days(1),
            &Actor::system(),
        )
        .await
        .expect("token");
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("random");
    let key = antoan_wire::public_key_b64(
        &antoan_wire::ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key(),
    );
    let agent = store
        .enroll_agent(&sha256_hex(&tok), &key, hostname, "Windows 7", now)
        .await
        .expect("enroll");
    let r = report(hostname);
    let json = serde_json::to_vec(&r).expect("json");
    let out = store
        .ingest_report(&IngestReport {
            agent_id: agent.id,
            seq: 1,
            sent_at: now,
            received_at: now,
            report_json: &json,
            report: &r,
        })
        .await
        .expect("ingest");
    let host_id = match out {
        IngestOutcome::Accepted { host_id, .. } => host_id,
        IngestOutcome::Duplicate { .. } => panic!("duplicate"),
    };
    let f = store
        .findings(
            &Scope::All,
            &FindingFilter {
                host_id: Some(host_id),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("findings");
    (host_id, f[0].id)
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    let store = Store::open(&url).await.expect("store");
    let root = store.ensure_unit_path("lang-son").await.expect("unit").id;
    let a = store
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .expect("unit");
    let b = store
        .ensure_unit_path("lang-son/thanh-pho/phuong-dong-kinh")
        .await
        .expect("unit");
    let (host_a, finding_a) = host_with_report(&store, a.id, "pc-chi-lang").await;
    let (host_b, finding_b) = host_with_report(&store, b.id, &format!("{EVIL}dk")).await;
    let insp = user(&store, "thanhtra", Role::ProvinceInspector, None).await;
    let ward = user(&store, "qt-chilang", Role::UnitAdmin, Some(a.id)).await;
    let view = user(&store, "xem", Role::Viewer, Some(root)).await;
    let cfg = ServerConfig::new("127.0.0.1:0".parse().unwrap(), url, TlsMode::Off);
    let app = app(AppState::new(store.clone(), cfg));
    Fixture {
        app,
        inspector: session(&store, &insp).await,
        ward_admin: session(&store, &ward).await,
        viewer: session(&store, &view).await,
        store,
        _dir: dir,
        host_a,
        finding_a,
        host_b,
        finding_b,
        unit_b: b.id,
        root,
        inspector_id: insp.id,
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let loc = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned(), loc)
}

async fn get(app: &Router, path: &str, who: &(String, String)) -> (StatusCode, String) {
    let req = Request::get(path)
        .header(header::COOKIE, format!("antoan_session={}", who.0))
        .body(Body::empty())
        .unwrap();
    let (s, b, _) = send(app, req).await;
    (s, b)
}

async fn post(
    app: &Router,
    path: &str,
    who: &(String, String),
    form: &str,
) -> (StatusCode, String, Option<String>) {
    let req = Request::post(path)
        .header(header::COOKIE, format!("antoan_session={}", who.0))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    send(app, req).await
}

async fn assignee(store: &Store, finding: i64) -> Option<(i64, String)> {
    store
        .finding(finding)
        .await
        .expect("finding")
        .expect("exists")
        .assignee
}

#[tokio::test]
async fn anonymous_pages_redirect_to_login() {
    let f = fixture().await;
    let (s, _, loc) = send(
        &f.app,
        Request::get("/findings?q=x").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(s.is_redirection());
    assert_eq!(loc.as_deref(), Some("/login?next=%2Ffindings%3Fq%3Dx"));
}

#[tokio::test]
async fn forms_need_the_session_csrf_token() {
    let f = fixture().await;
    let body = format!("ids={}&assignee={}", f.finding_a, f.inspector_id);
    let (s, _, _) = post(&f.app, "/findings/assign", &f.inspector, &body).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no token");
    let (s, _, _) = post(
        &f.app,
        "/findings/assign",
        &f.inspector,
        &format!("{body}&csrf=wrong"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "wrong token");
    // another user's token does not do either
    let (s, _, _) = post(
        &f.app,
        "/findings/assign",
        &f.inspector,
        &format!("{body}&csrf={}", f.viewer.1),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "someone else's token");
    assert_eq!(assignee(&f.store, f.finding_a).await, None);
    let (s, _, loc) = post(
        &f.app,
        "/findings/assign",
        &f.inspector,
        &format!("{body}&csrf={}", f.inspector.1),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/findings?assigned=1"));
    assert_eq!(
        assignee(&f.store, f.finding_a).await.map(|a| a.0),
        Some(f.inspector_id)
    );
}

#[tokio::test]
async fn viewers_only_read() {
    let f = fixture().await;
    let (s, page) = get(&f.app, "/findings", &f.viewer).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("/findings/assign"),
        "no bulk form for viewers"
    );
    let csrf = &f.viewer.1;
    for (path, form) in [
        (
            "/findings/assign".to_string(),
            format!("ids={}&csrf={csrf}", f.finding_a),
        ),
        (
            format!("/findings/{}/waiver", f.finding_a),
            format!("justification=x&approver=y&expires_on=2099-01-01&csrf={csrf}"),
        ),
        (
            "/agents/tokens".to_string(),
            format!("unit={}&days=7&csrf={csrf}", f.root),
        ),
        (
            "/users".to_string(),
            format!(
                "username=x&display_name=x&role=viewer&unit={}&csrf={csrf}",
                f.root
            ),
        ),
    ] {
        let (s, _, _) = post(&f.app, &path, &f.viewer, &form).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_ward_admin_sees_and_changes_only_their_ward() {
    let f = fixture().await;
    let w = &f.ward_admin;
    let (s, page) = get(&f.app, "/", w).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("phuong-chi-lang") && !page.contains("dong-kinh"));
    for path in [
        format!("/hosts/{}", f.host_b),
        format!("/hosts/{}/report.html", f.host_b),
        format!("/findings/{}", f.finding_b),
        format!("/units/{}", f.unit_b),
        format!("/units/{}", f.root),
        format!("/hosts?unit={}", f.unit_b),
    ] {
        let (s, page) = get(&f.app, &path, w).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.contains("Không tìm thấy"),
            "{path}: a page in Vietnamese"
        );
    }
    for path in [
        "/findings",
        "/findings.csv",
        "/hosts",
        "/hosts.csv",
        "/agents",
        "/agents.csv",
        "/audit",
    ] {
        let (s, page) = get(&f.app, path, w).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            !page.contains("&gt;dk") && !page.contains(">dk"),
            "{path} shows the other ward's host"
        );
        assert!(!page.contains("dong-kinh"), "{path} shows the other ward");
    }
    let csrf = &w.1;
    let (s, _, _) = post(
        &f.app,
        "/findings/assign",
        w,
        &format!("ids={}&ids={}&csrf={csrf}", f.finding_a, f.finding_b),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "one foreign finding fails the whole assignment"
    );
    assert_eq!(assignee(&f.store, f.finding_a).await, None);
    // an assignee outside the ward is refused
    let (s, _, _) = post(
        &f.app,
        "/findings/assign",
        w,
        &format!(
            "ids={}&assignee={}&csrf={csrf}",
            f.finding_a, f.inspector_id
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = post(
        &f.app,
        &format!("/findings/{}/waiver", f.finding_b),
        w,
        &format!(
            "justification=x&approver=y&expires_on={}&csrf={csrf}",
            soon()
        ),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = post(
        &f.app,
        "/agents/tokens",
        w,
        &format!("unit={}&days=7&csrf={csrf}", f.unit_b),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, page, _) = post(
        &f.app,
        "/users",
        w,
        &format!("username=boss&display_name=B&role=inspector&unit=&csrf={csrf}"),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a unit admin can not make an inspector: {page}"
    );
    let (s, _, _) = post(
        &f.app,
        "/users",
        w,
        &format!(
            "username=v2&display_name=V&role=viewer&unit={}&csrf={csrf}",
            f.unit_b
        ),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = post(
        &f.app,
        "/users",
        w,
        &format!("username=v3&display_name=V&role=viewer&csrf={csrf}"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a unit is required");
    // inside the ward everything works
    let (s, _, loc) = post(
        &f.app,
        &format!("/findings/{}/waiver", f.finding_a),
        w,
        &format!("justification=Kiosk+tra+c%E1%BB%A9u&approver=Tr%C6%B0%E1%BB%9Fng+ph%C3%B2ng&expires_on={}&csrf={csrf}", soon()),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc, Some(format!("/findings/{}?saved=1", f.finding_a)));
    let row = f.store.finding(f.finding_a).await.unwrap().unwrap();
    assert_eq!(
        row.waiver.map(|w| w.justification),
        Some("Kiosk tra cứu".to_string())
    );
    let (s, page, _) = post(
        &f.app,
        "/users",
        w,
        &format!(
            "username=xem2&display_name=X&role=viewer&unit={}&csrf={csrf}",
            {
                f.store
                    .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
                    .await
                    .unwrap()
                    .id
            }
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"new-password\""));
}

#[tokio::test]
async fn bad_waivers_are_refused_with_the_form_again() {
    let f = fixture().await;
    let csrf = &f.inspector.1;
    for form in [
        format!("justification=&approver=y&expires_on={}", soon()),
        format!("justification=x&approver=&expires_on={}", soon()),
        "justification=x&approver=y&expires_on=2001-01-01".to_string(),
        "justification=x&approver=y&expires_on=2999-01-01".to_string(),
        "justification=x&approver=y&expires_on=not-a-date".to_string(),
        format!(
            "justification={}&approver=y&expires_on=2099-01-01",
            "a".repeat(2001)
        ),
    ] {
        let (s, page, _) = post(
            &f.app,
            &format!("/findings/{}/waiver", f.finding_a),
            &f.inspector,
            &format!("{form}&csrf={csrf}"),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{form}");
        assert!(page.contains("id=\"waiver\""), "the form is shown again");
    }
    assert!(f
        .store
        .finding(f.finding_a)
        .await
        .unwrap()
        .unwrap()
        .waiver
        .is_none());
}

#[tokio::test]
async fn filters_are_values_not_sql() {
    let f = fixture().await;
    for q in [
        "q=%27%20OR%201%3D1--",
        "q=%25",
        "q=%22%3B%20DROP%20TABLE%20findings%3B--",
        "kind=eol%27%20OR%20%271%27%3D%271",
        "unit=1%20OR%201%3D1",
        "severity=critical%27--&state=open%27",
        "assignee=0%20OR%201%3D1",
    ] {
        let (s, page) = get(&f.app, &format!("/findings?{q}"), &f.ward_admin).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        assert!(!page.contains("dong-kinh"), "{q} leaks another ward");
        let (s, _) = get(&f.app, &format!("/hosts?{q}"), &f.ward_admin).await;
        assert_eq!(s, StatusCode::OK, "{q}");
    }
    let (_, page) = get(&f.app, "/findings?q=%27%20OR%201%3D1--", &f.inspector).await;
    assert!(
        page.contains("Không có phát hiện nào"),
        "a quote matches nothing"
    );
    // the tables are still there
    assert!(f.store.finding(f.finding_b).await.unwrap().is_some());
}

#[tokio::test]
async fn hostile_names_are_escaped_everywhere() {
    let f = fixture().await;
    for path in [
        "/".to_string(),
        "/hosts".to_string(),
        format!("/hosts/{}", f.host_b),
        format!("/hosts/{}/report.html", f.host_b),
        "/findings".to_string(),
        format!("/findings/{}", f.finding_b),
        "/agents".to_string(),
    ] {
        let (s, page) = get(&f.app, &path, &f.inspector).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            !page.contains("<script>alert") && !page.contains("<img src=x"),
            "{path} is not escaped"
        );
    }
    let (_, page) = get(&f.app, &format!("/hosts/{}", f.host_b), &f.inspector).await;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let (_, page) = get(&f.app, &format!("/hosts/{}", f.host_a), &f.inspector).await;
    assert!(page.contains("pc-chi-lang"));
}

#[tokio::test]
async fn language_switch_sets_a_cookie() {
    let f = fixture().await;
    let req = Request::get("/?lang=en")
        .header(header::COOKIE, format!("antoan_session={}", f.inspector.0))
        .body(Body::empty())
        .unwrap();
    let resp = f.app.clone().oneshot(req).await.unwrap();
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(cookie.starts_with("antoan_lang=en"), "{cookie}");
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("Overview"));
    let req = Request::get("/findings")
        .header(
            header::COOKIE,
            format!("antoan_session={}; antoan_lang=en", f.inspector.0),
        )
        .body(Body::empty())
        .unwrap();
    let (_, page, _) = send(&f.app, req).await;
    assert!(page.contains("Findings") && page.contains("lang=\"en\""));
    let (_, page) = get(&f.app, "/findings", &f.inspector).await;
    assert!(
        page.contains("Phát hiện") && page.contains("lang=\"vi\""),
        "Vietnamese by default"
    );
}

#[tokio::test]
async fn csv_twins_are_csv() {
    let f = fixture().await;
    for path in [
        "/findings.csv",
        "/hosts.csv",
        "/waivers.csv",
        "/agents.csv",
        "/tokens.csv",
        "/users.csv",
        "/audit.csv",
    ] {
        let req = Request::get(path)
            .header(header::COOKIE, format!("antoan_session={}", f.inspector.0))
            .body(Body::empty())
            .unwrap();
        let resp = f.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(
            resp.headers()[header::CONTENT_TYPE],
            "text/csv; charset=utf-8",
            "{path}"
        );
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{path}: BOM");
    }
    let (_, csv) = get(&f.app, "/hosts.csv", &f.inspector).await;
    assert!(csv.contains("pc-chi-lang"));
    let (_, csv) = get(&f.app, "/hosts.csv?office_eol=1", &f.inspector).await;
    assert!(
        !csv.contains("pc-chi-lang"),
        "no Office end-of-life host in the fixture"
    );
}

#[tokio::test]
async fn a_one_time_password_must_be_replaced_first() {
    let f = fixture().await;
    let phc = format!(
        "$argon2id$v=19$m=19456,t=2,p=1${}",
        crate::auth::random_token(16)
    );
    let u = f
        .store
        .create_user(
            &NewUser {
                username: "moi".into(),
                display_name: "Người mới".into(),
                password_phc: phc,
                role: Role::UnitAdmin,
                unit_id: Some(f.root),
                must_change_password: true,
            },
            &Actor::system(),
        )
        .await
        .expect("user");
    let who = session(&f.store, &u).await;
    let req = Request::get("/findings?severity=high")
        .header(header::COOKIE, format!("antoan_session={}", who.0))
        .body(Body::empty())
        .unwrap();
    let (s, _, loc) = send(&f.app, req).await;
    assert!(s.is_redirection(), "{s}");
    assert_eq!(
        loc.as_deref(),
        Some("/account/password?next=%2Ffindings%3Fseverity%3Dhigh")
    );
    let (s, _, _) = post(
        &f.app,
        "/findings/assign",
        &who,
        &format!("ids={}&csrf={}", f.finding_a, who.1),
    )
    .await;
    assert!(
        s.is_redirection(),
        "no change before the password is replaced"
    );
    assert_eq!(assignee(&f.store, f.finding_a).await, None);
}
