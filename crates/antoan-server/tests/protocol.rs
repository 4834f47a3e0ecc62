//! The agent protocol against the real server and store, and the security
//! properties of the HTTP layer: status codes of bad submissions, replay and
//! idempotent resend, revoked agents, enrollment tokens, CSRF, login rate
//! limiting, SQL injection through filters, hostile strings in reports.
//! Every test runs on SQLite and on PostgreSQL.

mod common;

use std::sync::OnceLock;

use antoan_model::Report;
use antoan_store::Role;
use antoan_wire::ed25519_dalek::SigningKey;
use common::{Api, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const WARD: &str = "lang-son/thanh-pho/phuong-chi-lang";
const OTHER: &str = "lang-son/huyen-cao-loc/xa-hop-thanh";
const SENT: &str = "2026-11-24T08:00:00Z";

/// One real report (audit of a fixture root), made once per process.
fn base_report() -> Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let fx = antoan_testkit::debian_10_misconfigured();
        let kb = antoan_kb::Knowledge::embedded().expect("kb");
        let opts = antoan_audit::AuditOptions {
            source: antoan_audit::source_for(Some(fx.root().to_path_buf())),
            windows_export: None,
            baseline: true,
            policies: vec![],
            now: time::macros::datetime!(2026-11-24 08:00 UTC),
            vuln_store: None,
        };
        antoan_audit::run(&opts, &kb).expect("audit")
    })
    .clone()
}

fn key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    SigningKey::from_bytes(&seed)
}

struct Agent {
    id: i64,
    key: SigningKey,
}

async fn enroll(api: &Api, unit: &str, hostname: &str) -> Agent {
    let (s, v) = api.post("/api/v1/tokens", json!({"unit_path": unit})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap();
    let key = key();
    let r = common::client()
        .post(format!("{}/api/v1/agents/enroll", api.base))
        .json(
            &json!({"token": token, "public_key": antoan_wire::public_key_b64(&key.verifying_key()),
                      "hostname": hostname, "os": "Debian GNU/Linux 10"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["unit_path"], unit);
    Agent {
        id: v["agent_id"].as_i64().unwrap(),
        key,
    }
}

async fn submit_body(base: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = common::client()
        .post(format!("{base}/api/v1/reports"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let t = r.text().await.unwrap();
    (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

async fn submit(base: &str, a: &Agent, seq: u64, report: &Report) -> (StatusCode, Value) {
    let json = serde_json::to_vec(report).unwrap();
    let sub = antoan_wire::sign(&a.key, a.id, seq, SENT, &json);
    submit_body(base, serde_json::to_vec(&sub).unwrap()).await
}

async fn setup(db_url: &str) -> (common::TestServer, Api) {
    let srv = common::start(db_url).await;
    let pw = common::user(&srv.state.store, "thanhtra", Role::ProvinceInspector, None).await;
    let api = Api::login(&srv.base, "thanhtra", &pw).await;
    (srv, api)
}

async fn submissions(db_url: &str) {
    let (srv, api) = setup(db_url).await;
    let base = srv.base.clone();
    let a = enroll(&api, WARD, "may-1").await;
    let report = base_report();

    // Accepted, then an identical resend is idempotent (200, same id).
    let (s, v) = submit(&base, &a, 1, &report).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let rid = v["report_id"].as_i64().unwrap();
    assert_eq!(v["seq"], 1);
    let json = serde_json::to_vec(&report).unwrap();
    let first = antoan_wire::sign(&a.key, a.id, 1, SENT, &json);
    let (s, v) = submit_body(&base, serde_json::to_vec(&first).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["report_id"].as_i64(), Some(rid));

    // Replay of seq 1 with another payload, and a non-increasing seq: 409.
    let mut other = report.clone();
    other.generated_at = "2026-11-24T09:00:00Z".into();
    let (s, v) = submit(&base, &a, 1, &other).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, _) = submit(&base, &a, 5, &other).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, v) = submit(&base, &a, 3, &other).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], "replay");

    // Malformed: not JSON, unknown fields, bad base64, seq 0, bad time, payload not a report.
    for body in [
        b"not json".to_vec(),
        b"{}".to_vec(),
        b"\xff\xfe\x00garbage".to_vec(),
        serde_json::to_vec(&json!({"agent_id": a.id, "seq": 6, "sent_at": SENT, "payload": "@@@", "signature": "AA=="})).unwrap(),
        serde_json::to_vec(&json!({"agent_id": a.id, "seq": 0, "sent_at": SENT, "payload": "e30=", "signature": "AA=="})).unwrap(),
        serde_json::to_vec(&json!({"agent_id": a.id, "seq": 6, "sent_at": "yesterday", "payload": "e30=", "signature": "AA=="})).unwrap(),
        serde_json::to_vec(&antoan_wire::sign(&a.key, a.id, 6, SENT, b"{\"not\": \"a report\"}")).unwrap(),
        serde_json::to_vec(&antoan_wire::sign(&a.key, a.id, 6, SENT, &vec![b'['; 100_000])).unwrap(),
    ] {
        let (s, v) = submit_body(&base, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{}: {v}", String::from_utf8_lossy(&body[..body.len().min(80)]));
        assert!(v["message"]["vi"].is_string() && v["message"]["en"].is_string(), "{v}");
    }

    // Oversized: 413 from the declared length, before any of the body is read.
    // (Raw TCP: an HTTP client still writing 32 MiB may see the early answer as a reset.)
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = base.trim_start_matches("http://");
        let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /api/v1/reports HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{",
            antoan_wire::MAX_SUBMISSION_BYTES + 1
        );
        sock.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = sock.read(&mut buf).await.unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    }

    // Oversized without a declared length (chunked): cut off at the limit while reading.
    {
        use tower::ServiceExt;
        let req = axum::http::Request::post("/api/v1/reports")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(vec![b' '; antoan_wire::MAX_SUBMISSION_BYTES + 1]))
            .unwrap();
        assert!(req.headers().get("content-length").is_none());
        let resp = antoan_server::app(srv.state.clone()).oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    // Forged: signed with another key, or claiming another agent: 401.
    let mallory = Agent {
        id: a.id,
        key: key(),
    };
    let (s, v) = submit(&base, &mallory, 7, &report).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"], "bad-signature");
    let ghost = Agent {
        id: 999_999,
        key: key(),
    };
    let (s, _) = submit(&base, &ghost, 1, &report).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Revoked agent: 403, and nothing stored.
    let (s, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/agents/{}/revoke", a.id),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = submit(&base, &a, 8, &report).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let host = &api.ok("/api/v1/hosts").await[0];
    let reports = api
        .ok(&format!("/api/v1/hosts/{}/reports", host["id"]))
        .await;
    assert_eq!(reports.as_array().unwrap().len(), 2, "{reports}");

    // Enrollment: unknown, revoked and expired-by-revocation tokens are 401; bad keys 400.
    let enroll_raw = |token: String, pk: String| {
        let base = base.clone();
        async move {
            common::client()
                .post(format!("{base}/api/v1/agents/enroll"))
                .json(&json!({"token": token, "public_key": pk, "hostname": "h", "os": "x"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let pk = antoan_wire::public_key_b64(&key().verifying_key());
    assert_eq!(
        enroll_raw("aet_nope".into(), pk.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, t) = api
        .post("/api/v1/tokens", json!({"unit_path": WARD, "days": 1}))
        .await;
    let token = t["token"].as_str().unwrap().to_string();
    assert_eq!(
        enroll_raw(token.clone(), "AAAA".into()).await,
        StatusCode::BAD_REQUEST
    );
    let (s, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/tokens/{}/revoke", t["id"]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(enroll_raw(token, pk).await, StatusCode::UNAUTHORIZED);
    let tokens = api.ok("/api/v1/tokens").await;
    assert!(tokens
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("token").is_none() && t.get("token_sha256").is_none()));

    // Metrics count each outcome.
    let m = common::client()
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains("antoan_reports_total{outcome=\"accepted\"} 2"),
        "{m}"
    );
    assert!(
        m.contains("antoan_reports_total{outcome=\"duplicate\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("antoan_reports_total{outcome=\"replay\"} 2"),
        "{m}"
    );
    assert!(
        m.contains("antoan_reports_total{outcome=\"bad-signature\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("antoan_reports_total{outcome=\"agent-revoked\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("antoan_reports_total{outcome=\"too-large\"} 2"),
        "{m}"
    );
    assert!(m.contains("antoan_ingest_seconds_count 2"), "{m}");
    assert!(
        m.contains(&format!(
            "antoan_db_backend{{backend=\"{}\"}} 1",
            srv.state.store.backend_name()
        )),
        "{m}"
    );
    assert!(m.contains("antoan_http_requests_total{method=\"POST\",route=\"/api/v1/reports\",status=\"202\"} 2"), "{m}");
}

async fn web_security(db_url: &str) {
    let (srv, api) = setup(db_url).await;
    let base = srv.base.clone();

    // Hostile strings arrive through a signed report: hostname, package name, finding subject.
    let a = enroll(&api, WARD, "<b>may</b>").await;
    let b = enroll(&api, OTHER, "may-2").await;
    let xss = "<script>alert('xss')</script>";
    let mut r = base_report();
    r.host.hostname = format!("srv{xss}\"'&");
    r.inventory.packages[0].name = "pkg<img src=x onerror=alert(1)>".to_string();
    r.findings[0].subject = xss.to_string();
    assert_eq!(submit(&base, &a, 1, &r).await.0, StatusCode::ACCEPTED);
    assert_eq!(
        submit(&base, &b, 1, &base_report()).await.0,
        StatusCode::ACCEPTED
    );
    let hosts = api.ok("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 2);
    let h = hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["unit_path"] == WARD)
        .unwrap();
    assert_eq!(
        h["hostname"].as_str().unwrap(),
        format!("srv{xss}\"'&"),
        "JSON keeps the value as is"
    );
    let (_, ct) = {
        let r = common::client()
            .get(format!("{base}/api/v1/hosts"))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        (
            r.status(),
            r.headers()["content-type"].to_str().unwrap().to_string(),
        )
    };
    assert!(ct.starts_with("application/json"), "{ct}");
    let (_, csv) = api.call(Method::GET, "/api/v1/hosts.csv", None).await;
    assert!(csv.contains("srv<script>"), "CSV is data, not markup");

    // SQL injection through every filter: values are bound parameters, never SQL.
    let injections = [
        "' OR '1'='1",
        "'; DROP TABLE hosts; --",
        "\" OR 1=1 --",
        "1) OR (1=1",
        "x' UNION SELECT password_phc, 1, 1 FROM users --",
        "phường' --",
    ];
    for inj in injections {
        let q: String = percent_encode(inj);
        let (s, v) = api.get(&format!("/api/v1/hosts?q={q}")).await;
        assert_eq!(s, StatusCode::OK, "{inj}: {v}");
        assert_eq!(v.as_array().unwrap().len(), 0, "q={inj} matched: {v}");
        let (s, v) = api.get(&format!("/api/v1/findings?kind={q}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v.as_array().unwrap().len(), 0, "kind={inj} matched");
        let (s, v) = api.get(&format!("/api/v1/findings?q={q}&state=all")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(v.as_array().unwrap().is_empty(), "q={inj} matched findings");
        let (s, _) = api.get(&format!("/api/v1/findings?state={q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "state={inj}");
        let (s, _) = api.get(&format!("/api/v1/findings?severity={q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "severity={inj}");
        let (s, _) = api.get(&format!("/api/v1/findings?unit_id={q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "unit_id={inj}");
        let (s, _) = api.get(&format!("/api/v1/hosts?os_eol={q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "os_eol={inj}");
    }
    assert_eq!(
        api.ok("/api/v1/hosts").await.as_array().unwrap().len(),
        2,
        "tables intact"
    );
    let (s, v) = api
        .get(&format!(
            "/api/v1/findings?q={}&state=all&host_id={}",
            percent_encode("<script>alert('xss')</script>"),
            h["id"]
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!v.as_array().unwrap().is_empty());

    // CSRF: a cookie-authenticated unsafe request needs the session's token.
    let ward_pw = common::password();
    let (s, _) = api
        .post("/api/v1/users", json!({"username": "qt-phuong", "role": "unit-admin", "unit_path": WARD, "password": ward_pw}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let br = Browser::login(&base, "qt-phuong", &ward_pw).await;

    // Pages escape what agents send: the host page, the findings list and the overview.
    let host_id = h["id"].as_i64().unwrap();
    for path in [
        format!("/hosts/{host_id}"),
        "/findings?state=all".to_string(),
        "/".to_string(),
        "/agents".to_string(),
    ] {
        let (s, page) = br.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            !page.contains("<script>alert"),
            "{path}: unescaped script tag"
        );
        assert!(!page.contains("<img src=x"), "{path}: unescaped img tag");
        assert!(
            !page.contains("<b>may</b>"),
            "{path}: unescaped agent hostname"
        );
    }
    let (_, page) = br.get(&format!("/hosts/{host_id}")).await;
    assert!(
        page.contains("&lt;script&gt;alert"),
        "the hostile hostname is shown as text"
    );
    let post = |path: &str, csrf: Option<&str>| {
        let mut rb = br
            .http
            .post(format!("{base}{path}"))
            .header("cookie", &br.cookie)
            .json(&json!({"unit_path": WARD}));
        if let Some(c) = csrf {
            rb = rb.header("x-csrf-token", c);
        }
        rb.send()
    };
    let r = post("/api/v1/tokens", None).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "csrf");
    assert_eq!(
        post("/api/v1/tokens", Some("wrong"))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post("/api/v1/tokens", Some(&br.csrf))
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    // Forms: the `csrf` field.
    let form = |csrf: &str| {
        br.http
            .post(format!("{base}/logout"))
            .header("cookie", &br.cookie)
            .form(&[("csrf", csrf)])
            .send()
    };
    assert_eq!(form("nope").await.unwrap().status(), StatusCode::FORBIDDEN);
    let (s, _) = br.get("/api/v1/session").await;
    assert_eq!(s, StatusCode::OK, "still logged in after the forged logout");
    let r = form(&br.csrf).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (s, _) = br.get("/api/v1/session").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "session ended by logout");

    // Not logged in: API 401 JSON, pages redirect to the login form.
    let r = common::client()
        .get(format!("{base}/api/v1/hosts"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = common::client()
        .get(format!("{base}/account/password?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Faccount%2Fpassword%3Fx%3D1"
    );
    let r = common::client()
        .get(format!("{base}/login?next=//evil.example/"))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains("name=\"next\" value=\"/\""),
        "open redirect kept: {page}"
    );
    assert!(page.contains("Đăng nhập") && page.contains("lang=\"vi\""));

    // Bearer token ends with DELETE /api/v1/session.
    let other = Api::login(&base, "qt-phuong", &ward_pw).await;
    assert_eq!(
        other.call(Method::DELETE, "/api/v1/session", None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(other.get("/api/v1/hosts").await.0, StatusCode::UNAUTHORIZED);

    // Login rate limit: 5 failures per username and client in 15 minutes → 429, even with the right password.
    for _ in 0..5 {
        let r = common::client()
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "qt-phuong", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = common::client()
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "qt-phuong", "password": ward_pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = common::client()
        .post(format!("{base}/login"))
        .form(&[("username", "qt-phuong"), ("password", ward_pw.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("15"));

    // Nothing secret in answers: no hashes, no stored token digests.
    for p in [
        "/api/v1/users",
        "/api/v1/agents",
        "/api/v1/tokens",
        "/api/v1/audit",
    ] {
        let (_, body) = api.call(Method::GET, p, None).await;
        assert!(!body.contains("$argon2"), "{p} leaks a password hash");
        assert!(!body.contains(&api.token), "{p} leaks a session token");
    }

    // The OpenAPI document lists the API.
    let doc: Value = common::client()
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/session",
        "/api/v1/hosts",
        "/api/v1/hosts/{id}/findings",
        "/api/v1/reports",
        "/api/v1/findings/assign",
        "/api/v1/agents/enroll",
        "/api/v1/hosts/{id}/state-secret",
        "/api/v1/handovers",
        "/api/v1/handovers/{id}/exception",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} missing from openapi.json"
        );
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn pg_url(name: &str) -> Option<String> {
    let pg = antoan_store::testing::PgCluster::shared()?;
    Some(pg.create_database(name).await.expect("create database"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    submissions(&format!("sqlite:{}", dir.path().join("a.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_postgres() {
    let Some(url) = pg_url("server_submissions").await else {
        return;
    };
    submissions(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_security_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    web_security(&format!("sqlite:{}", dir.path().join("a.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_security_postgres() {
    let Some(url) = pg_url("server_web_security").await else {
        return;
    };
    web_security(&url).await;
}
