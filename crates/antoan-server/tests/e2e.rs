//! End-to-end: the server on a real store (SQLite, then PostgreSQL), two units,
//! two agents enrolled with the agent crate, audits of fixture roots, a fix in
//! one root and a resubmission → the finding is verified fixed; a ward admin
//! sees only their ward.

mod common;

use antoan_agent::{AuditTarget, EnrollOptions, RunOptions};
use antoan_store::Role;
use common::{Api, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const WARD_A: &str = "lang-son/thanh-pho/phuong-chi-lang";
const WARD_B: &str = "lang-son/huyen-cao-loc/xa-hop-thanh";

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-24 08:00 UTC)
}

async fn enroll(api: &Api, unit_path: &str, dir: &std::path::Path, hostname: &str) -> i64 {
    let (s, v) = api
        .post("/api/v1/tokens", json!({"unit_path": unit_path, "days": 3}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("aet_"));
    let mut opts = EnrollOptions::new(api.base.clone(), token.clone(), dir);
    opts.hostname = Some(hostname.to_string());
    opts.os = Some("Linux".into());
    let st = antoan_agent::enroll(opts).await.expect("enroll");
    assert_eq!(st.unit_path, unit_path);
    st.agent_id
}

async fn run(dir: &std::path::Path, root: &std::path::Path) -> antoan_agent::RunSummary {
    let mut opts = RunOptions::new(dir, AuditTarget::Root(root.to_path_buf()));
    opts.now = Some(now());
    let s = antoan_agent::run_once(opts).await.expect("run_once");
    assert!(s.all_delivered(), "{s:?}");
    s
}

fn find<'a>(list: &'a Value, key: &str, val: &str) -> Option<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key].as_str() == Some(val))
}

async fn suite(db_url: &str) {
    let srv = common::start(db_url).await;
    let store = srv.state.store.clone();
    let admin_pw = common::user(&store, "thanhtra", Role::ProvinceInspector, None).await;
    let admin = Api::login(&srv.base, "thanhtra", &admin_pw).await;

    // Two agents in two wards, auditing two fixture roots.
    let tmp = tempfile::tempdir().unwrap();
    let root_a = antoan_testkit::debian_10_misconfigured();
    let root_b = antoan_testkit::debian_12_clean();
    let agent_a = enroll(&admin, WARD_A, &tmp.path().join("a"), "may-chi-lang").await;
    let agent_b = enroll(&admin, WARD_B, &tmp.path().join("b"), "may-hop-thanh").await;
    assert_ne!(agent_a, agent_b);
    let s = run(&tmp.path().join("a"), root_a.root()).await;
    assert_eq!(s.sent.len(), 1);
    assert!(!s.sent[0].duplicate);
    run(&tmp.path().join("b"), root_b.root()).await;

    let hosts = admin.ok("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 2, "{hosts}");
    let host_a = find(&hosts, "unit_path", WARD_A)
        .expect("host of ward A")
        .clone();
    let host_b = find(&hosts, "unit_path", WARD_B)
        .expect("host of ward B")
        .clone();
    assert_eq!(host_a["hostname"], "srv-debian10");
    assert_eq!(host_a["os_eol"], true, "Debian 10 is end-of-life: {host_a}");
    let (ida, idb) = (
        host_a["id"].as_i64().unwrap(),
        host_b["id"].as_i64().unwrap(),
    );

    let findings = admin.ok(&format!("/api/v1/hosts/{ida}/findings")).await;
    let ssh = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "LNX-SSH-001")
        .unwrap_or_else(|| panic!("no PermitRootLogin finding: {findings}"))
        .clone();
    assert_eq!(ssh["state"], "new");
    assert_eq!(ssh["subject"], "sshd:PermitRootLogin");
    let ssh_id = ssh["id"].as_i64().unwrap();

    // Fix it in the root and audit again: verified fixed, the others stay open.
    let cfg_path = root_a.path("/etc/ssh/sshd_config");
    let text = std::fs::read_to_string(&cfg_path).unwrap();
    assert!(text.contains("PermitRootLogin yes"), "{text}");
    std::fs::write(
        &cfg_path,
        text.replace("PermitRootLogin yes", "PermitRootLogin no"),
    )
    .unwrap();
    let s = run(&tmp.path().join("a"), root_a.root()).await;
    assert_eq!(s.sent[0].seq, 2);

    let detail = admin.ok(&format!("/api/v1/findings/{ssh_id}")).await;
    assert_eq!(detail["finding"]["state"], "fixed", "{detail}");
    assert!(detail["finding"]["fixed_at"].is_string(), "{detail}");
    let events: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        events.contains(&"new") && events.contains(&"fixed"),
        "{events:?}"
    );
    let open_now = admin.ok(&format!("/api/v1/hosts/{ida}/findings")).await;
    assert!(
        open_now
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != ssh_id),
        "fixed finding still listed as open"
    );
    let others = open_now.as_array().unwrap();
    assert!(!others.is_empty());
    assert!(
        others.iter().all(|f| f["state"] == "open"),
        "seen twice → open: {open_now}"
    );
    let fixed = admin
        .ok(&format!("/api/v1/findings?host_id={ida}&state=fixed"))
        .await;
    assert_eq!(fixed.as_array().unwrap().len(), 1, "{fixed}");
    let reports = admin.ok(&format!("/api/v1/hosts/{ida}/reports")).await;
    assert_eq!(reports.as_array().unwrap().len(), 2);
    let rid = reports[0]["id"].as_i64().unwrap();
    let rep = admin.ok(&format!("/api/v1/reports/{rid}")).await;
    assert_eq!(rep["host"]["hostname"], "srv-debian10");

    // Undo the fix: the finding comes back as reopened.
    std::fs::write(&cfg_path, &text).unwrap();
    run(&tmp.path().join("a"), root_a.root()).await;
    let detail = admin.ok(&format!("/api/v1/findings/{ssh_id}")).await;
    assert_eq!(detail["finding"]["state"], "reopened", "{detail}");

    // A ward admin of ward A and a viewer of ward A.
    let units = admin.ok("/api/v1/units").await;
    let unit_a = find(&units, "path", WARD_A).unwrap()["id"]
        .as_i64()
        .unwrap();
    let ward_pw = common::password();
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "qt-chilang", "display_name": "Quản trị phường Chi Lăng",
            "role": "unit-admin", "unit_id": unit_a, "password": ward_pw}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "xem-chilang", "role": "viewer", "unit_path": WARD_A}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let viewer_otp = v["one_time_password"]
        .as_str()
        .expect("one-time password")
        .to_string();
    assert_eq!(v["user"]["must_change_password"], true);
    let ward = Api::login(&srv.base, "qt-chilang", &ward_pw).await;

    let hosts = ward.ok("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 1, "{hosts}");
    assert_eq!(hosts[0]["id"].as_i64(), Some(ida));
    assert_eq!(
        ward.get(&format!("/api/v1/hosts/{idb}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ward.get(&format!("/api/v1/hosts/{idb}/findings")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ward.get(&format!("/api/v1/hosts/{idb}/reports")).await.0,
        StatusCode::NOT_FOUND
    );
    let b_findings = admin
        .ok(&format!("/api/v1/findings?host_id={idb}&state=all"))
        .await;
    if let Some(fb) = b_findings.as_array().unwrap().first() {
        let fid = fb["id"].as_i64().unwrap();
        assert_eq!(
            ward.get(&format!("/api/v1/findings/{fid}")).await.0,
            StatusCode::NOT_FOUND
        );
        let (s, _) = ward
            .post(
                "/api/v1/findings/assign",
                json!({"ids": [fid], "assignee": null}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let b_reports = admin.ok(&format!("/api/v1/hosts/{idb}/reports")).await;
    let b_rid = b_reports[0]["id"].as_i64().unwrap();
    assert_eq!(
        ward.get(&format!("/api/v1/reports/{b_rid}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ward.get(&format!("/api/v1/reports/{rid}")).await.0,
        StatusCode::OK
    );
    let all = ward.ok("/api/v1/findings?state=all&limit=100000").await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|f| f["unit_path"] == WARD_A),
        "finding outside the ward"
    );
    let agents = ward.ok("/api/v1/agents").await;
    assert_eq!(agents.as_array().unwrap().len(), 1);
    assert_eq!(
        ward.call(
            Method::POST,
            &format!("/api/v1/agents/{agent_b}/revoke"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let units = ward.ok("/api/v1/units").await;
    assert!(
        units
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["path"].as_str().unwrap().starts_with(WARD_A)),
        "{units}"
    );
    let (s, _) = ward
        .post("/api/v1/tokens", json!({"unit_path": WARD_B}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = ward
        .post(
            "/api/v1/users",
            json!({"username": "x", "role": "inspector"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let audit = ward.ok("/api/v1/audit").await;
    assert!(audit.is_array());

    // The ward admin assigns a finding of their ward to the viewer and waives another.
    let users = ward.ok("/api/v1/users").await;
    let viewer_id = find(&users, "username", "xem-chilang").unwrap()["id"]
        .as_i64()
        .unwrap();
    assert!(
        find(&users, "username", "thanhtra").is_none(),
        "inspector visible to a ward admin"
    );
    let target = others[0]["id"].as_i64().unwrap();
    let (s, v) = ward
        .post(
            "/api/v1/findings/assign",
            json!({"ids": [target], "assignee": viewer_id, "due": "2026-12-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["updated"], 1);
    let f = ward.ok(&format!("/api/v1/findings/{target}")).await;
    assert_eq!(f["finding"]["assignee"][0].as_i64(), Some(viewer_id), "{f}");
    assert_eq!(f["finding"]["due"], "2026-12-31");
    let waive = others[1]["id"].as_i64().unwrap();
    let expires = (time::OffsetDateTime::now_utc().date() + time::Duration::days(90)).to_string();
    let (s, v) = ward
        .post("/api/v1/waivers", json!({"finding_id": waive, "justification": "Máy sắp thay thế", "approver": "Chủ tịch UBND phường", "expires_on": expires}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = ward.post("/api/v1/waivers", json!({"finding_id": waive, "justification": "", "approver": "x", "expires_on": expires})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let waived = ward.ok("/api/v1/findings?waived=true").await;
    assert_eq!(waived.as_array().unwrap().len(), 1, "{waived}");
    let waivers = ward.ok("/api/v1/waivers").await;
    assert_eq!(waivers.as_array().unwrap().len(), 1);

    // The viewer reads but changes nothing; must change the one-time password (pages).
    let viewer = Api::login(&srv.base, "xem-chilang", &viewer_otp).await;
    assert_eq!(
        viewer.ok("/api/v1/hosts").await.as_array().unwrap().len(),
        1
    );
    let (s, _) = viewer
        .post(
            "/api/v1/findings/assign",
            json!({"ids": [target], "assignee": null}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = viewer
        .post("/api/v1/tokens", json!({"unit_path": WARD_A}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = viewer
        .post(
            "/api/v1/session/password",
            json!({"current_password": viewer_otp, "new_password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let newpw = common::password();
    let (s, _) = viewer
        .post(
            "/api/v1/session/password",
            json!({"current_password": viewer_otp, "new_password": newpw}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    Api::login(&srv.base, "xem-chilang", &newpw).await;

    // CSV twins.
    let (s, csv) = ward.call(Method::GET, "/api/v1/hosts.csv", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.contains("srv-debian10") && !csv.contains("may-hop-thanh"),
        "{csv}"
    );
    let (_, csv2) = ward
        .call(Method::GET, "/api/v1/findings?format=csv&state=all", None)
        .await;
    assert!(
        csv2.contains("LNX-SSH-001") && csv2.contains("unit_path"),
        "{csv2}"
    );
    for p in [
        "/api/v1/units.csv",
        "/api/v1/agents.csv",
        "/api/v1/tokens.csv",
        "/api/v1/users.csv",
        "/api/v1/waivers.csv",
        "/api/v1/audit.csv",
    ] {
        let (s, body) = admin.call(Method::GET, p, None).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert!(body.starts_with('\u{feff}'), "{p}: no BOM");
    }
    let audit = admin.ok("/api/v1/audit").await;
    let actions: Vec<String> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(actions.len() >= 4, "{actions:?}");

    // The overview has coverage per unit.
    let o = admin.ok("/api/v1/overview").await;
    assert!(o["units"].as_array().unwrap().len() >= 3, "{o}");

    // Pages: the ward admin's browser session sees only the ward.
    let b = Browser::login(&srv.base, "qt-chilang", &ward_pw).await;
    let (s, _) = b.get(&format!("/api/v1/hosts/{idb}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, page) = b.get(&format!("/hosts/{idb}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another ward's host page");
    assert!(
        !page.contains("srv-debian12") && !page.contains("may-hop-thanh"),
        "{page}"
    );
    let (s, page) = b.get(&format!("/hosts/{ida}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("srv-debian10") && page.contains("lang=\"vi\""));
    for path in [
        "/",
        "/findings?state=all",
        "/agents",
        "/users",
        "/audit",
        "/waivers",
        "/findings.csv",
    ] {
        let (s, page) = b.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            !page.contains("srv-debian12")
                && !page.contains("may-hop-thanh")
                && !page.contains(WARD_B),
            "{path} shows ward B"
        );
    }
    let (s, page) = b.get("/logout").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&b.csrf));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suite(&format!(
        "sqlite:{}",
        dir.path().join("antoan.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_postgres() {
    let Some(pg) = antoan_store::testing::PgCluster::shared() else {
        return;
    };
    let url = pg
        .create_database("server_e2e")
        .await
        .expect("create database");
    suite(&url).await;
}
