//! Host marks end to end, on SQLite and PostgreSQL: real signed submissions through the HTTP
//! ingest path, with reports from real audits (a Debian fixture root, the Windows 7 hive
//! export) and variations of them.
//!
//! - A state-secret host whose report shows remote-control software and allowed USB storage
//!   gets critical findings; a clean report fixes them; unmarking fixes them too.
//! - A device handover stays open on a report with an OS installed before the handover date
//!   (the reasons are shown), closes on a report with a later install date and fresh
//!   anti-malware signatures (naming the report), and an inspector's exception closes another.
//! - A unit admin of another unit gets 404 on all of it; a viewer cannot mark; the forms need
//!   the CSRF token.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use antoan_model::{Antivirus, Report};
use antoan_store::Role;
use antoan_wire::ed25519_dalek::SigningKey;
use common::{Api, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const WARD: &str = "lang-son/thanh-pho/phuong-chi-lang";
const OTHER: &str = "lang-son/huyen-cao-loc/xa-hop-thanh";
const SENT: &str = "2026-11-24T08:00:00Z";

fn audit(root: Option<&Path>, windows_export: Option<&Path>) -> Report {
    let kb = antoan_kb::Knowledge::embedded().expect("kb");
    let opts = antoan_audit::AuditOptions {
        source: antoan_audit::source_for(root.map(Path::to_path_buf)),
        windows_export: windows_export.map(Path::to_path_buf),
        baseline: true,
        policies: vec![],
        now: time::macros::datetime!(2026-11-19 09:00 UTC),
        vuln_store: None,
    };
    antoan_audit::run(&opts, &kb).expect("audit")
}

/// Debian 10, badly configured (usb-storage not disabled), with AnyDesk installed; and the
/// same machine cleaned up (AnyDesk removed, usb-storage disabled).
fn secret_reports() -> &'static (Report, Report) {
    static R: OnceLock<(Report, Report)> = OnceLock::new();
    R.get_or_init(|| {
        let fx = antoan_testkit::debian_10_misconfigured()
            .hostname("may-mat-01")
            .package("anydesk", "6.3.2", "");
        let dirty = audit(Some(fx.root()), None);
        let fx = fx.remove_package("anydesk").text(
            "/etc/modprobe.d/usb_storage.conf",
            "install usb-storage /bin/false\nblacklist usb-storage\n",
        );
        let clean = audit(Some(fx.root()), None);
        (dirty, clean)
    })
}

/// An Ubuntu 24.04 machine with ClamAV (signatures of 2026-11-18) as it was before the
/// handover (installed 2025-01-10) and after it was reinstalled (2026-06-03).
fn linux_handover_reports() -> &'static (Report, Report) {
    static R: OnceLock<(Report, Report)> = OnceLock::new();
    R.get_or_init(|| {
        let fx = antoan_testkit::ubuntu_24_04_clean()
            .hostname("may-ban-giao")
            .clamav_signatures("2026-11-18")
            .installed_on("2025-01-10");
        let before = audit(Some(fx.root()), None);
        let fx = fx.installed_on("2026-06-03");
        let after = audit(Some(fx.root()), None);
        (before, after)
    })
}

/// The Windows 7 / Office 2010 machine (hive export, installed 2014-03-05, no anti-malware),
/// audited on 2026-11-19.
fn win7_report() -> Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let export = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../antoan-wincollect/tests/fixtures/win7-office2010/hive");
        audit(None, Some(&export))
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
                      "hostname": hostname, "os": "test"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    Agent {
        id: v["agent_id"].as_i64().unwrap(),
        key,
    }
}

/// A signed submission through the HTTP ingest path; the report id of a 202.
async fn submit(base: &str, a: &Agent, seq: u64, report: &Report) -> i64 {
    let json = serde_json::to_vec(report).unwrap();
    let sub = antoan_wire::sign(&a.key, a.id, seq, SENT, &json);
    let r = common::client()
        .post(format!("{base}/api/v1/reports"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&sub).unwrap())
        .send()
        .await
        .unwrap();
    let s = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    v["report_id"].as_i64().unwrap()
}

async fn host_id(api: &Api, hostname: &str) -> i64 {
    let hosts = api.ok("/api/v1/hosts").await;
    hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hostname"] == hostname)
        .unwrap_or_else(|| panic!("no host {hostname}: {hosts}"))["id"]
        .as_i64()
        .unwrap()
}

/// The host's findings of the state-secret checks, by check id: (state, severity).
async fn secret_findings(api: &Api, host: i64) -> Vec<(String, String, String)> {
    let all = api
        .ok(&format!(
            "/api/v1/findings?host_id={host}&state=all&limit=100000"
        ))
        .await;
    let mut v: Vec<(String, String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("secret."))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn state_of<'a>(v: &'a [(String, String, String)], check: &str) -> Option<&'a str> {
    v.iter()
        .find(|(c, _, _)| c == check)
        .map(|(_, s, _)| s.as_str())
}

/// A cookie-session form POST (what the browser sends); `csrf` None leaves the field out.
async fn post_form(
    b: &Browser,
    path: &str,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut f: Vec<(&str, &str)> = fields.to_vec();
    if let Some(c) = csrf {
        f.push(("csrf", c));
    }
    let r = b
        .http
        .post(format!("{}{path}", b.base))
        .header("cookie", &b.cookie)
        .form(&f)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let loc = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    (s, loc, r.text().await.unwrap_or_default())
}

async fn handover(api: &Api, id: i64) -> Value {
    api.ok(&format!("/api/v1/handovers/{id}")).await
}

async fn suite(db_url: &str) {
    let srv = common::start(db_url).await;
    let base = srv.base.clone();
    let store = srv.state.store.clone();
    let insp_pw = common::user(&store, "thanhtra", Role::ProvinceInspector, None).await;
    let insp = Api::login(&base, "thanhtra", &insp_pw).await;

    // Units and their people: a ward admin, a ward viewer, the admin of another commune.
    let secret_agent = enroll(&insp, WARD, "may-mat-01").await;
    let win_agent = enroll(&insp, WARD, "KETOAN-PC").await;
    let other_agent = enroll(&insp, OTHER, "may-xa").await;
    let units = insp.ok("/api/v1/units").await;
    let unit_id = |path: &str| {
        units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["path"] == path)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ward_unit, other_unit) = (unit_id(WARD), unit_id(OTHER));
    let admin_pw = common::user(&store, "qt-chilang", Role::UnitAdmin, Some(ward_unit)).await;
    let viewer_pw = common::user(&store, "xem-chilang", Role::Viewer, Some(ward_unit)).await;
    let other_pw = common::user(&store, "qt-hopthanh", Role::UnitAdmin, Some(other_unit)).await;
    let admin = Api::login(&base, "qt-chilang", &admin_pw).await;
    let viewer = Api::login(&base, "xem-chilang", &viewer_pw).await;
    let other = Api::login(&base, "qt-hopthanh", &other_pw).await;

    // ------------------------------------------------------------ state-secret host
    let (dirty, clean) = secret_reports();
    assert_eq!(dirty.host.hostname, "may-mat-01");
    assert!(
        dirty
            .checks
            .iter()
            .any(|c| c.check == "LNX-KRN-026" && c.outcome == antoan_model::CheckOutcome::Fail),
        "the fixture allows USB storage"
    );
    submit(&base, &secret_agent, 1, dirty).await;
    let sh = host_id(&insp, "may-mat-01").await;
    assert!(
        secret_findings(&insp, sh).await.is_empty(),
        "an unmarked host gets no state-secret finding"
    );
    submit(&base, &other_agent, 1, &win7_report()).await;
    let other_host = host_id(&insp, "KETOAN-PC").await;

    // A viewer cannot mark (API and form); another commune's admin does not even see it.
    let (s, _) = viewer
        .post(
            &format!("/api/v1/hosts/{sh}/state-secret"),
            json!({"on": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = other
        .post(
            &format!("/api/v1/hosts/{sh}/state-secret"),
            json!({"on": true}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let vb = Browser::login(&base, "xem-chilang", &viewer_pw).await;
    let (s, _, _) = post_form(
        &vb,
        &format!("/hosts/{sh}/state-secret"),
        Some(&vb.csrf),
        &[("on", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, page) = vb.get(&format!("/hosts/{sh}")).await;
    assert!(page.contains("Máy này không được đánh dấu là máy bí mật nhà nước."));
    assert!(
        !page.contains("/state-secret\""),
        "a viewer gets the mark form"
    );
    assert_eq!(
        insp.ok(&format!("/api/v1/hosts/{sh}")).await["state_secret"],
        false
    );

    // CSRF: the form without the token, with a wrong one, and the API by cookie without the header.
    let ab = Browser::login(&base, "qt-chilang", &admin_pw).await;
    let (s, _, _) = post_form(
        &ab,
        &format!("/hosts/{sh}/state-secret"),
        None,
        &[("on", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = post_form(
        &ab,
        &format!("/hosts/{sh}/state-secret"),
        Some("forged"),
        &[("on", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = ab
        .http
        .post(format!("{base}/api/v1/hosts/{sh}/state-secret"))
        .header("cookie", &ab.cookie)
        .json(&json!({"on": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        insp.ok(&format!("/api/v1/hosts/{sh}")).await["state_secret"],
        false,
        "forged requests changed nothing"
    );

    // The ward admin marks it with the form.
    let (_, page) = ab.get(&format!("/hosts/{sh}")).await;
    assert!(
        page.contains("Đánh dấu là máy bí mật nhà nước"),
        "mark button"
    );
    let (s, loc, _) = post_form(
        &ab,
        &format!("/hosts/{sh}/state-secret"),
        Some(&ab.csrf),
        &[("on", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.starts_with(&format!("/hosts/{sh}")), "{loc}");
    assert_eq!(
        insp.ok(&format!("/api/v1/hosts/{sh}")).await["state_secret"],
        true
    );

    // Its next report: remote-control software and USB storage are critical findings.
    submit(&base, &secret_agent, 2, dirty).await;
    let f = secret_findings(&insp, sh).await;
    assert_eq!(state_of(&f, "secret.remote-control"), Some("new"), "{f:?}");
    assert_eq!(state_of(&f, "secret.usb"), Some("new"), "{f:?}");
    assert!(
        f.iter()
            .filter(|(_, s, _)| s == "new")
            .all(|(_, _, sev)| sev == "critical"),
        "{f:?}"
    );
    let all = insp
        .ok(&format!(
            "/api/v1/findings?host_id={sh}&state=all&limit=100000"
        ))
        .await;
    let rc = all
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "secret.remote-control")
        .unwrap();
    assert!(
        rc["title"]["vi"]
            .as_str()
            .unwrap()
            .contains("bí mật nhà nước")
            && rc["title"]["en"]
                .as_str()
                .unwrap()
                .contains("remote-control"),
        "{rc}"
    );
    // The stored body is still the agent's exact report (no state-secret finding in it).
    let reports = insp.ok(&format!("/api/v1/hosts/{sh}/reports")).await;
    let rid = reports[0]["id"].as_i64().unwrap();
    let (_, body) = insp
        .call(Method::GET, &format!("/api/v1/reports/{rid}"), None)
        .await;
    assert_eq!(
        body.as_bytes(),
        serde_json::to_vec(dirty).unwrap().as_slice()
    );

    // The mark shows on the host page, in the hosts list and on the overview.
    let (_, page) = ab.get(&format!("/hosts/{sh}")).await;
    assert!(page.contains("Máy này được đánh dấu là máy soạn thảo, lưu trữ bí mật nhà nước."));
    assert!(page.contains("Bỏ đánh dấu bí mật nhà nước"));
    let (_, list) = ab.get("/hosts").await;
    assert!(
        list.contains("Bí mật nhà nước"),
        "hosts list shows the mark"
    );
    let (_, list) = ab.get("/hosts?lang=en").await;
    assert!(list.contains("State secret"));
    let hosts = admin.ok("/api/v1/hosts").await;
    assert!(hosts
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == sh && h["state_secret"] == true));
    let (_, csv) = ab.get("/hosts.csv").await;
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.ends_with(",state_secret"), "{csv}");
    assert!(csv.lines().skip(1).any(|l| l.ends_with(",true")), "{csv}");

    // The machine is cleaned up: the next report fixes both findings.
    submit(&base, &secret_agent, 3, clean).await;
    let f = secret_findings(&insp, sh).await;
    assert_eq!(
        state_of(&f, "secret.remote-control"),
        Some("fixed"),
        "{f:?}"
    );
    assert_eq!(state_of(&f, "secret.usb"), Some("fixed"), "{f:?}");

    // AnyDesk comes back (reopened), then the host is unmarked (API): the next report fixes them.
    submit(&base, &secret_agent, 4, dirty).await;
    let f = secret_findings(&insp, sh).await;
    assert_eq!(
        state_of(&f, "secret.remote-control"),
        Some("reopened"),
        "{f:?}"
    );
    let (s, v) = insp
        .post(
            &format!("/api/v1/hosts/{sh}/state-secret"),
            json!({"on": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state_secret"], false);
    submit(&base, &secret_agent, 5, dirty).await;
    let f = secret_findings(&insp, sh).await;
    assert!(
        f.iter().all(|(_, s, _)| s == "fixed"),
        "unmarked: every state-secret finding is fixed: {f:?}"
    );
    let (s, _) = insp
        .post(
            &format!("/api/v1/hosts/{sh}/state-secret"),
            json!({"yes": 1}),
        )
        .await;
    assert_eq!(s.as_u16() / 100, 4, "a malformed body is refused");

    // ------------------------------------------------------------ device handovers
    let win = win7_report();
    assert_eq!(win.host.hostname, "KETOAN-PC");
    submit(&base, &win_agent, 1, &win).await;
    let hosts = insp.ok("/api/v1/hosts").await;
    let wh = hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hostname"] == "KETOAN-PC" && h["unit_path"] == WARD)
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Opening: a viewer may not, another commune's admin gets 404, bad input is refused.
    let body = json!({"host_id": wh, "date": "2026-06-01", "reason": "Chuyển cho kế toán mới"});
    assert_eq!(
        viewer.post("/api/v1/handovers", body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.post("/api/v1/handovers", body.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    for bad in [
        json!({"host_id": wh, "date": "01/06/2026", "reason": "x"}),
        json!({"host_id": wh, "date": "2099-01-01", "reason": "x"}),
        json!({"host_id": wh, "date": "2026-06-01", "reason": "  "}),
    ] {
        assert_eq!(
            admin.post("/api/v1/handovers", bad.clone()).await.0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let (s, h1) = admin.post("/api/v1/handovers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{h1}");
    assert_eq!(h1["state"], "open");
    let h1 = h1["id"].as_i64().unwrap();
    // The second one through the host page's form (CSRF first).
    let (s, _, _) = post_form(
        &ab,
        &format!("/hosts/{wh}/handovers"),
        None,
        &[("date", "2026-07-01"), ("reason", "Đổi chức năng")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = post_form(
        &vb,
        &format!("/hosts/{wh}/handovers"),
        Some(&vb.csrf),
        &[("date", "2026-07-01"), ("reason", "Đổi chức năng")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, loc, _) = post_form(
        &ab,
        &format!("/hosts/{wh}/handovers"),
        Some(&ab.csrf),
        &[("date", "2026-07-01"), ("reason", "Đổi chức năng máy")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.starts_with(&format!("/hosts/{wh}")), "{loc}");
    let open = insp.ok("/api/v1/handovers").await;
    assert_eq!(open.as_array().unwrap().len(), 2, "{open}");
    let h2 = open
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["reason"] == "Đổi chức năng máy")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let o = insp.ok("/api/v1/overview").await;
    assert_eq!(o["open_handovers"], 2, "{o}");

    // A report with the 2014 installation keeps both open, with the reasons.
    submit(&base, &win_agent, 2, &win).await;
    let h = handover(&insp, h1).await;
    assert_eq!(h["state"], "open", "{h}");
    let status = h["status"].as_str().unwrap();
    assert!(
        status.contains("installed on 2014-03-05, not after the handover"),
        "{status}"
    );
    assert!(status.contains("No anti-malware"), "{status}");
    let (_, page) = ab.get("/handovers").await;
    assert!(
        page.contains("Hệ điều hành cài ngày 2014-03-05, không sau ngày bàn giao 2026-06-01"),
        "Vietnamese reason on /handovers"
    );
    assert!(page.contains("Bàn giao chưa đóng (2)"));
    let (_, page) = ab.get("/handovers?lang=en").await;
    assert!(page.contains("not after the handover on 2026-06-01"));
    let (_, page) = ab.get(&format!("/hosts/{wh}")).await;
    assert!(
        page.contains("Bàn giao của máy này (2)"),
        "host page lists its handovers"
    );
    let (_, page) = ab.get("/").await;
    assert!(
        page.contains("href=\"/handovers\""),
        "overview links the open handovers"
    );
    assert!(page.contains("Bàn giao chưa đóng"));

    // The exception: inspectors only; another commune's admin gets 404 (API and form).
    let exc = json!({"reason": "Máy đã thanh lý"});
    assert_eq!(
        admin
            .post(&format!("/api/v1/handovers/{h2}/exception"), exc.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .post(&format!("/api/v1/handovers/{h2}/exception"), exc.clone())
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let ob = Browser::login(&base, "qt-hopthanh", &other_pw).await;
    let (s, _, _) = post_form(
        &ob,
        &format!("/handovers/{h2}/exception"),
        Some(&ob.csrf),
        &[("reason", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let ib = Browser::login(&base, "thanhtra", &insp_pw).await;
    let (s, _, _) = post_form(
        &ib,
        &format!("/handovers/{h2}/exception"),
        None,
        &[("reason", "Máy đã thanh lý")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "exception form without CSRF");
    let (_, page) = ib.get("/handovers").await;
    assert!(
        page.contains(&format!("/handovers/{h2}/exception")),
        "inspector gets the form"
    );
    let (s, loc, _) = post_form(
        &ib,
        &format!("/handovers/{h2}/exception"),
        Some(&ib.csrf),
        &[("reason", "Máy đã thanh lý")],
    )
    .await;
    assert_eq!((s, loc.as_str()), (StatusCode::SEE_OTHER, "/handovers"));
    let h = handover(&insp, h2).await;
    assert_eq!(h["state"], "exception", "{h}");
    assert_eq!(h["exception_reason"], "Máy đã thanh lý");
    assert!(h["closed_at"].is_string());
    assert_eq!(
        insp.post(&format!("/api/v1/handovers/{h2}/exception"), exc.clone())
            .await
            .0,
        StatusCode::CONFLICT
    );

    // Reinstalled after the handover, with current Defender signatures: the next report closes it.
    let mut fresh = win.clone();
    fresh.generated_at = "2026-11-20T09:00:00Z".into();
    fresh.inventory.windows.as_mut().unwrap().install_date = Some("2026-06-03".into());
    fresh.inventory.antivirus = vec![Antivirus {
        name: "Microsoft Defender".into(),
        source: "registry".into(),
        realtime: Some(true),
        signature_date: Some("2026-11-19".into()),
    }];
    if !fresh.inventory.collected("antivirus") {
        fresh
            .inventory
            .collection
            .push(antoan_model::CollectorNote {
                collector: "antivirus".into(),
                status: antoan_model::CollectorStatus::Ok,
                reason: String::new(),
            });
    }
    let closing = submit(&base, &win_agent, 3, &fresh).await;
    let h = handover(&insp, h1).await;
    assert_eq!(h["state"], "closed", "{h}");
    assert_eq!(h["closed_report_id"].as_i64(), Some(closing), "{h}");
    assert!(h["status"].as_str().unwrap().contains("2026-06-03"), "{h}");
    assert!(insp
        .ok("/api/v1/handovers")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let all = insp.ok("/api/v1/handovers?state=all").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, page) = ab.get("/handovers").await;
    assert!(
        page.contains("Đã cài lại hệ điều hành ngày 2026-06-03"),
        "closing facts shown"
    );
    assert!(page.contains(&format!("/api/v1/reports/{closing}")));
    let (s, csv) = insp
        .call(Method::GET, "/api/v1/handovers.csv?state=all", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("KETOAN-PC") && csv.contains("closed"),
        "{csv}"
    );

    // A Linux host (real audits of a fixture root): the installer's date before the handover
    // keeps it open, a reinstallation after it (ClamAV signatures current) closes it.
    let linux_agent = enroll(&insp, WARD, "may-ban-giao").await;
    let (before, after) = linux_handover_reports();
    submit(&base, &linux_agent, 1, before).await;
    let lh = host_id(&insp, "may-ban-giao").await;
    let (s, v) = admin
        .post(
            "/api/v1/handovers",
            json!({"host_id": lh, "date": "2026-06-01", "reason": "Máy chuyển sang bộ phận một cửa"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let h3 = v["id"].as_i64().unwrap();
    submit(&base, &linux_agent, 2, before).await;
    let h = handover(&insp, h3).await;
    assert_eq!(h["state"], "open", "{h}");
    assert!(
        h["status"].as_str().unwrap().contains("2025-01-10"),
        "the reason names the installation date: {h}"
    );
    let closing = submit(&base, &linux_agent, 3, after).await;
    let h = handover(&insp, h3).await;
    assert_eq!(h["state"], "closed", "{h}");
    assert_eq!(h["closed_report_id"].as_i64(), Some(closing), "{h}");
    assert!(h["status"].as_str().unwrap().contains("ClamAV"), "{h}");

    // Another commune's admin sees none of it.
    assert_eq!(
        other.get(&format!("/api/v1/handovers/{h1}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(other
        .ok("/api/v1/handovers?state=all")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let (_, csv) = other
        .call(Method::GET, "/api/v1/handovers.csv?state=all", None)
        .await;
    assert!(!csv.contains(WARD), "{csv}");
    let (s, _) = ob.get(&format!("/hosts/{wh}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, page) = ob.get("/handovers?all=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("Chuyển cho kế toán mới") && !page.contains(WARD),
        "other commune sees ward handovers"
    );
    let (s, _, _) = post_form(
        &ob,
        &format!("/hosts/{wh}/handovers"),
        Some(&ob.csrf),
        &[("date", "2026-07-01"), ("reason", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = post_form(
        &ob,
        &format!("/hosts/{sh}/state-secret"),
        Some(&ob.csrf),
        &[("on", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // And the other commune's own host is theirs to mark.
    let (s, v) = other
        .post(
            &format!("/api/v1/hosts/{other_host}/state-secret"),
            json!({"on": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suite(&format!(
        "sqlite:{}",
        dir.path().join("antoan.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_postgres() {
    let Some(pg) = antoan_store::testing::PgCluster::shared() else {
        return;
    };
    let url = pg
        .create_database("server_marks")
        .await
        .expect("create database");
    suite(&url).await;
}
