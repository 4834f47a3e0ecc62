//! Several stateless server replicas on one PostgreSQL database, as a
//! province runs them behind a load balancer: a session made on one replica
//! works on the other, a report accepted by one is a duplicate (or a replay)
//! on the other, the same sequence number raced to both replicas is accepted
//! exactly once, and the login rate limit counts failures on every replica.

mod common;

use std::sync::OnceLock;

use antoan_model::Report;
use antoan_store::Role;
use antoan_wire::ed25519_dalek::SigningKey;
use common::Api;
use reqwest::StatusCode;
use serde_json::{json, Value};

const WARD: &str = "lang-son/thanh-pho/phuong-vinh-trai";
const SENT: &str = "2026-11-24T08:00:00Z";

fn base_report() -> Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let fx = antoan_testkit::debian_12_clean();
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

async fn post_body(base: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = common::client()
        .post(format!("{base}/api/v1/reports"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("submit");
    let s = r.status();
    let t = r.text().await.expect("body");
    (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

fn body(key: &SigningKey, agent: i64, seq: u64, report: &Report) -> Vec<u8> {
    let json = serde_json::to_vec(report).expect("report json");
    serde_json::to_vec(&antoan_wire::sign(key, agent, seq, SENT, &json)).expect("submission json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres() {
    let Some(pg) = antoan_store::testing::PgCluster::shared() else {
        return;
    };
    let url = pg
        .create_database("server_replicas")
        .await
        .expect("create database");
    // Both replicas open (and migrate) the same database.
    let a = common::start(&url).await;
    let b = common::start(&url).await;

    // A session made on A is valid on B: sessions live in the database.
    let pw = common::user(&a.state.store, "thanhtra", Role::ProvinceInspector, None).await;
    let on_a = Api::login(&a.base, "thanhtra", &pw).await;
    let on_b = Api {
        base: b.base.clone(),
        ..on_a.clone()
    };
    assert_eq!(on_b.get("/api/v1/hosts").await.0, StatusCode::OK);

    // Enroll through A.
    let (s, v) = on_a
        .post("/api/v1/tokens", json!({"unit_path": WARD}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().expect("token").to_string();
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("random");
    let key = SigningKey::from_bytes(&seed);
    let r = common::client()
        .post(format!("{}/api/v1/agents/enroll", a.base))
        .json(
            &json!({"token": token, "public_key": antoan_wire::public_key_b64(&key.verifying_key()),
                      "hostname": "may-chu-1", "os": "Debian GNU/Linux 12"}),
        )
        .send()
        .await
        .expect("enroll");
    assert_eq!(r.status(), StatusCode::OK);
    let agent = r.json::<Value>().await.expect("json")["agent_id"]
        .as_i64()
        .expect("agent_id");

    // Accepted on A; the identical resend to B is the same report (200); a
    // different payload with the same sequence number on B is a replay (409).
    let report = base_report();
    let first = body(&key, agent, 1, &report);
    let (s, v) = post_body(&a.base, first.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let rid = v["report_id"].as_i64().expect("report_id");
    let (s, v) = post_body(&b.base, first).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["report_id"].as_i64(), Some(rid));
    let mut changed = report.clone();
    changed.generated_at = "2026-11-24T09:00:00Z".into();
    let (s, v) = post_body(&b.base, body(&key, agent, 1, &changed)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // Race: two different reports with the same sequence number, one to each
    // replica at the same time, ten times over. Exactly one wins each time.
    for seq in 2..12u64 {
        let mut r1 = report.clone();
        r1.generated_at = format!("2026-11-24T10:{seq:02}:00Z");
        let mut r2 = report.clone();
        r2.generated_at = format!("2026-11-24T11:{seq:02}:00Z");
        let (x, y) = tokio::join!(
            post_body(&a.base, body(&key, agent, seq, &r1)),
            post_body(&b.base, body(&key, agent, seq, &r2))
        );
        let mut statuses = [x.0, y.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::ACCEPTED, StatusCode::CONFLICT],
            "seq {seq}: {x:?} / {y:?}"
        );
    }
    // Every accepted report is stored once: eleven reports for the host.
    let hosts = on_b.ok("/api/v1/hosts").await;
    let host_id = hosts
        .as_array()
        .and_then(|h| h.first())
        .and_then(|h| h["id"].as_i64())
        .unwrap_or_else(|| panic!("one host: {hosts}"));
    let reports = on_a.ok(&format!("/api/v1/hosts/{host_id}/reports")).await;
    assert_eq!(reports.as_array().map(Vec::len), Some(11), "{reports}");

    // The login rate limit counts failures made on either replica.
    for i in 0..5 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let r = common::client()
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "thanhtra", "password": "sai-mat-khau"}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for base in [&a.base, &b.base] {
        let r = common::client()
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "thanhtra", "password": pw}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
