//! The store test suite, written once and run on both backends: SQLite (a temp
//! file) and PostgreSQL (a throw-away cluster from `antoan_store::testing`).
//! Each `both!(name)` makes `name::sqlite` and `name::postgres`.

use std::collections::BTreeMap;

use antoan_model::{
    Finding, FindingKind, FindingStatus, HostInfo, Inventory, OsFamily, OsInfo, Report, Score,
    Severity, Summary, Text, ToolInfo,
};
use antoan_store::testing::PgCluster;
use antoan_store::*;
use sha2::Digest;
use time::{Duration, OffsetDateTime};

// ---------------------------------------------------------------- harness

macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("antoan.db").display());
                let s = antoan_store::Store::open(&url).await.unwrap();
                assert_eq!(s.backend_name(), "sqlite");
                super::$name(s).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(pg) = antoan_store::testing::PgCluster::shared() else {
                    return;
                };
                let url = pg.create_database(stringify!($name)).await.unwrap();
                let s = antoan_store::Store::open(&url).await.unwrap();
                assert_eq!(s.backend_name(), "postgres");
                super::$name(s).await;
            }
        }
    };
}

both!(units_and_scopes);
both!(users_and_roles);
both!(sessions_expire);
both!(login_attempts);
both!(enrollment_and_agents);
both!(lifecycle_new_open_fixed_reopened);
both!(replay_and_duplicates);
both!(reports_round_trip);
both!(assignment);
both!(waivers);
both!(overview_numbers);
both!(audit_log_scoped);
both!(sql_injection_in_filters);
both!(vietnamese_text_round_trip);
both!(real_audits_lifecycle);
both!(concurrent_ingest);

fn t0() -> OffsetDateTime {
    // Millisecond precision, as stored.
    let now = OffsetDateTime::now_utc();
    OffsetDateTime::from_unix_timestamp(now.unix_timestamp()).unwrap()
}

fn sha(s: &str) -> String {
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pubkey(i: u8) -> String {
    // Standard base64 of 32 bytes (shape only; the store does not verify signatures).
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s: String = (0..42)
        .map(|j| alphabet[(j * 7 + i as usize) % 64] as char)
        .collect();
    s.push('A');
    s.push('=');
    s
}

fn admin() -> Actor {
    Actor {
        user_id: None,
        name: "test-admin".into(),
    }
}

fn subtree(u: &Unit) -> Scope {
    Scope::Subtree {
        unit_id: u.id,
        path: u.path.clone(),
    }
}

struct F<'a> {
    key: &'a str,
    check: &'a str,
    kind: FindingKind,
    sev: Severity,
}

fn f<'a>(key: &'a str, sev: Severity) -> F<'a> {
    F {
        key,
        check: "test.check",
        kind: FindingKind::Config,
        sev,
    }
}

fn finding(x: &F<'_>, status: FindingStatus) -> Finding {
    Finding {
        id: x.key.to_string(),
        check: x.check.to_string(),
        kind: x.kind,
        severity: x.sev,
        status,
        subject: format!("subject of {}", x.key),
        title: Text::new(
            format!("Lỗ hổng {} – mật khẩu yếu", x.key),
            format!("Problem {} - weak password", x.key),
        ),
        remediation: Text::new("Đổi mật khẩu ngay", "Change the password now"),
        evidence: vec![],
        controls: vec![],
        reason: None,
        attributes: BTreeMap::new(),
        references: vec![],
    }
}

fn report(hostname: &str, open: &[F<'_>]) -> Report {
    report_with(hostname, open, &[])
}

fn report_with(hostname: &str, open: &[F<'_>], not_assessed: &[F<'_>]) -> Report {
    let mut findings: Vec<Finding> = open
        .iter()
        .map(|x| finding(x, FindingStatus::Open))
        .collect();
    findings.extend(
        not_assessed
            .iter()
            .map(|x| finding(x, FindingStatus::NotAssessed)),
    );
    Report {
        schema_version: antoan_model::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "test".into(),
        },
        generated_at: "2026-11-24T10:00:00Z".into(),
        host: HostInfo {
            hostname: hostname.into(),
            os: OsInfo {
                family: OsFamily::Linux,
                name: "Debian GNU/Linux".into(),
                version: "10".into(),
                ..Default::default()
            },
            architecture: "x86_64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory: Inventory::default(),
        findings,
        checks: vec![],
        summary: Summary::default(),
        score: Score {
            value: 61,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

async fn ingest(
    s: &Store,
    agent: i64,
    seq: u64,
    r: &Report,
    at: OffsetDateTime,
) -> Result<IngestOutcome, StoreError> {
    let json = serde_json::to_vec(r).unwrap();
    s.ingest_report(&IngestReport {
        agent_id: agent,
        seq,
        sent_at: at,
        received_at: at,
        report_json: &json,
        report: r,
    })
    .await
}

async fn accepted(s: &Store, agent: i64, seq: u64, r: &Report, at: OffsetDateTime) -> (i64, i64) {
    match ingest(s, agent, seq, r, at).await.unwrap() {
        IngestOutcome::Accepted { report_id, host_id } => (report_id, host_id),
        other => panic!("expected Accepted, got {other:?}"),
    }
}

/// A unit, a token for it, and an agent enrolled with it.
async fn enrolled(s: &Store, unit_path: &str, hostname: &str, n: u8) -> (Unit, Agent) {
    let u = s.ensure_unit_path(unit_path).await.unwrap();
    let tok = format!("token-{unit_path}-{n}");
    let _ = s
        .create_enrollment_token(u.id, &sha(&tok), t0() + Duration::days(7), &admin())
        .await;
    let a = s
        .enroll_agent(
            &sha(&tok),
            &pubkey(n),
            hostname,
            "Debian GNU/Linux 10",
            t0(),
        )
        .await
        .unwrap();
    (u, a)
}

async fn by_key(s: &Store, host_id: i64, key: &str) -> FindingRow {
    let all = s
        .findings(
            &Scope::All,
            &FindingFilter {
                host_id: Some(host_id),
                state: Some(FindingState::ALL.to_vec()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    all.into_iter()
        .find(|r| r.finding_key == key)
        .unwrap_or_else(|| panic!("no finding {key}"))
}

fn new_user(name: &str, role: Role, unit_id: Option<i64>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("Nguyễn Văn {name}"),
        // Built at run time; not a real hash.
        password_phc: format!(
            "$argon2id$v=19$m=19456,t=2,p=1${}${}",
            sha(name),
            sha(&format!("{name}x"))
        ),
        role,
        unit_id,
        must_change_password: true,
    }
}

// ---------------------------------------------------------------- tests

async fn units_and_scopes(s: Store) {
    let ward = s
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .unwrap();
    assert_eq!(ward.path, "lang-son/thanh-pho/phuong-chi-lang");
    assert_eq!(ward.slug, "phuong-chi-lang");
    assert_eq!(ward.depth, 2);
    let again = s
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .unwrap();
    assert_eq!(again, ward, "idempotent");
    let city = s.unit(ward.parent_id.unwrap()).await.unwrap().unwrap();
    assert_eq!(city.path, "lang-son/thanh-pho");
    let prov = s.unit(city.parent_id.unwrap()).await.unwrap().unwrap();
    assert_eq!(
        (prov.path.as_str(), prov.parent_id, prov.depth),
        ("lang-son", None, 0)
    );
    // A sibling whose path shares a prefix must not leak into the subtree.
    let other = s.ensure_unit_path("lang-son-2/x").await.unwrap();
    s.ensure_unit_path("lang-son/huyen-cao-loc").await.unwrap();

    let all: Vec<String> = s
        .units(&Scope::All)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.path)
        .collect();
    assert_eq!(
        all,
        [
            "lang-son",
            "lang-son-2",
            "lang-son-2/x",
            "lang-son/huyen-cao-loc",
            "lang-son/thanh-pho",
            "lang-son/thanh-pho/phuong-chi-lang"
        ]
    );
    let sub: Vec<String> = s
        .units(&subtree(&prov))
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.path)
        .collect();
    assert_eq!(
        sub,
        [
            "lang-son",
            "lang-son/huyen-cao-loc",
            "lang-son/thanh-pho",
            "lang-son/thanh-pho/phuong-chi-lang"
        ]
    );
    let sub: Vec<String> = s
        .units(&subtree(&city))
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.path)
        .collect();
    assert_eq!(
        sub,
        ["lang-son/thanh-pho", "lang-son/thanh-pho/phuong-chi-lang"]
    );
    assert!(subtree(&prov).contains("lang-son/thanh-pho"));
    assert!(!subtree(&prov).contains("lang-son-2/x"));
    assert!(Scope::All.contains(&other.path));

    for bad in [
        "",
        "/",
        "Lang-Son",
        "a//b",
        "../etc",
        "a b",
        "a/-b",
        "lang-son/phường",
        "a/b%",
        "x_y",
    ] {
        match s.ensure_unit_path(bad).await {
            Err(StoreError::Invalid(_)) => {}
            other => panic!("{bad:?}: expected Invalid, got {other:?}"),
        }
    }

    s.rename_unit(ward.id, "Phường Chi Lăng", &admin())
        .await
        .unwrap();
    assert_eq!(
        s.unit(ward.id).await.unwrap().unwrap().name,
        "Phường Chi Lăng"
    );
    assert_eq!(
        s.rename_unit(999_999, "x", &admin()).await,
        Err(StoreError::NotFound("unit"))
    );
    assert!(matches!(
        s.rename_unit(ward.id, "  ", &admin()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.unit(999_999).await.unwrap(), None);
    let log = s.audit_log(&Scope::All, 0).await.unwrap();
    assert!(log.iter().any(|e| e.action == "unit.rename"
        && e.actor == "test-admin"
        && e.detail.contains("Phường Chi Lăng")));
}

async fn users_and_roles(s: Store) {
    let ward = s
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .unwrap();
    let other = s.ensure_unit_path("lang-son/huyen-cao-loc").await.unwrap();
    let root = s
        .create_user(
            &new_user("admin", Role::ProvinceInspector, None),
            &Actor::system(),
        )
        .await
        .unwrap();
    assert_eq!(
        (root.role, root.unit_id, root.unit_path.clone()),
        (Role::ProvinceInspector, None, None)
    );
    assert!(root.must_change_password);
    assert_eq!(root.display_name, "Nguyễn Văn admin");
    let actor = Actor::user(root.id, "admin");
    let wadmin = s
        .create_user(
            &new_user("ward-admin", Role::UnitAdmin, Some(ward.id)),
            &actor,
        )
        .await
        .unwrap();
    assert_eq!(
        wadmin.unit_path.as_deref(),
        Some("lang-son/thanh-pho/phuong-chi-lang")
    );
    s.create_user(&new_user("viewer", Role::Viewer, Some(other.id)), &actor)
        .await
        .unwrap();

    assert!(matches!(
        s.create_user(&new_user("ward-admin", Role::Viewer, Some(ward.id)), &actor).await,
        Err(StoreError::Conflict(m)) if m.contains("ward-admin")
    ));
    assert!(matches!(
        s.create_user(&new_user("nounit", Role::UnitAdmin, None), &actor)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.create_user(&new_user("ghost", Role::Viewer, Some(424_242)), &actor)
            .await
            .unwrap_err(),
        StoreError::NotFound("unit")
    );
    assert!(matches!(
        s.create_user(&new_user("has space", Role::Viewer, Some(ward.id)), &actor)
            .await,
        Err(StoreError::Invalid(_))
    ));

    let wh = s.user_by_name("ward-admin").await.unwrap().unwrap();
    assert_eq!(wh.user, wadmin);
    assert!(wh.password_phc.starts_with("$argon2id$"));
    assert!(s.user_by_name("nobody").await.unwrap().is_none());
    assert_eq!(s.user(wadmin.id).await.unwrap().unwrap(), wadmin);

    let names = |v: Vec<User>| v.into_iter().map(|u| u.username).collect::<Vec<_>>();
    assert_eq!(
        names(s.users(&Scope::All).await.unwrap()),
        ["admin", "viewer", "ward-admin"]
    );
    let prov = s.ensure_unit_path("lang-son").await.unwrap();
    assert_eq!(
        names(s.users(&subtree(&prov)).await.unwrap()),
        ["viewer", "ward-admin"]
    );
    assert_eq!(
        names(s.users(&subtree(&ward)).await.unwrap()),
        ["ward-admin"]
    );

    let new_phc = format!("$argon2id$v=19$m=19456,t=2,p=1${}${}", sha("n1"), sha("n2"));
    s.set_password(wadmin.id, &new_phc, false, &actor)
        .await
        .unwrap();
    let wh = s.user_by_name("ward-admin").await.unwrap().unwrap();
    assert_eq!(wh.password_phc, new_phc);
    assert!(!wh.user.must_change_password);
    assert_eq!(
        s.set_password(777_777, &new_phc, false, &actor).await,
        Err(StoreError::NotFound("user"))
    );

    // Serialising never shows the hash.
    let json = serde_json::to_string(&wh).unwrap();
    assert!(!json.contains("argon2"), "{json}");

    let log = s.audit_log(&Scope::All, 0).await.unwrap();
    let pw = log.iter().find(|e| e.action == "user.password").unwrap();
    assert_eq!(pw.actor, "admin");
    assert!(!pw.detail.contains("argon2"));
    assert!(log
        .iter()
        .any(|e| e.action == "user.create" && e.detail.contains("ward-admin")));
}

async fn sessions_expire(s: Store) {
    let u = s
        .create_user(
            &new_user("admin", Role::ProvinceInspector, None),
            &Actor::system(),
        )
        .await
        .unwrap();
    let now = t0();
    let (a, b) = (sha("session-a"), sha("session-b"));
    s.create_session(u.id, &a, "csrf-a", now + Duration::hours(8))
        .await
        .unwrap();
    s.create_session(u.id, &b, "csrf-b", now + Duration::minutes(1))
        .await
        .unwrap();
    let sa = s.session(&a, now).await.unwrap().unwrap();
    assert_eq!(
        (sa.user.id, sa.csrf.as_str(), sa.expires_at),
        (u.id, "csrf-a", now + Duration::hours(8))
    );
    assert!(s.session(&b, now).await.unwrap().is_some());
    assert!(
        s.session(&b, now + Duration::minutes(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        s.session(&a, now + Duration::hours(8))
            .await
            .unwrap()
            .is_none(),
        "expires at expires_at"
    );
    assert!(s.session(&sha("unknown"), now).await.unwrap().is_none());
    s.delete_session(&a).await.unwrap();
    assert!(s.session(&a, now).await.unwrap().is_none(), "deleted");
    // Plain tokens are refused: only hashes are stored.
    assert!(matches!(
        s.create_session(u.id, "plain-token", "c", now).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.create_session(999_999, &sha("x"), "c", now + Duration::hours(1))
            .await,
        Err(StoreError::NotFound("user"))
    );
    assert!(matches!(
        s.create_session(u.id, &b, "again", now + Duration::hours(1))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

async fn login_attempts(s: Store) {
    let now = t0();
    for i in 0..3 {
        s.record_login_attempt("admin", "10.0.0.1", false, now + Duration::seconds(i))
            .await
            .unwrap();
    }
    s.record_login_attempt("admin", "10.0.0.2", false, now)
        .await
        .unwrap();
    s.record_login_attempt("other", "10.0.0.1", false, now)
        .await
        .unwrap();
    assert_eq!(
        s.failed_logins_since("admin", "10.0.0.1", now - Duration::minutes(15))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.failed_logins_since("admin", "10.0.0.1", now + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.failed_logins_since("admin", "10.0.0.2", now - Duration::minutes(15))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.failed_logins_since("nobody", "10.0.0.1", now - Duration::minutes(15))
            .await
            .unwrap(),
        0
    );
    // A success resets the count.
    s.record_login_attempt("admin", "10.0.0.1", true, now + Duration::seconds(10))
        .await
        .unwrap();
    assert_eq!(
        s.failed_logins_since("admin", "10.0.0.1", now - Duration::minutes(15))
            .await
            .unwrap(),
        0
    );
    s.record_login_attempt("admin", "10.0.0.1", false, now + Duration::seconds(11))
        .await
        .unwrap();
    assert_eq!(
        s.failed_logins_since("admin", "10.0.0.1", now - Duration::minutes(15))
            .await
            .unwrap(),
        1
    );
}

async fn enrollment_and_agents(s: Store) {
    let ward = s
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .unwrap();
    let other = s.ensure_unit_path("lang-son/huyen-cao-loc").await.unwrap();
    let now = t0();
    let tok = s
        .create_enrollment_token(ward.id, &sha("tok-ward"), now + Duration::days(1), &admin())
        .await
        .unwrap();
    assert_eq!(
        (
            tok.unit_id,
            tok.unit_path.as_str(),
            tok.revoked,
            tok.used_count
        ),
        (ward.id, ward.path.as_str(), false, 0)
    );
    s.create_enrollment_token(
        other.id,
        &sha("tok-other"),
        now + Duration::days(1),
        &admin(),
    )
    .await
    .unwrap();
    s.create_enrollment_token(
        ward.id,
        &sha("tok-expired"),
        now - Duration::seconds(1),
        &admin(),
    )
    .await
    .unwrap();
    let revoked = s
        .create_enrollment_token(
            ward.id,
            &sha("tok-revoked"),
            now + Duration::days(1),
            &admin(),
        )
        .await
        .unwrap();
    s.revoke_enrollment_token(revoked.id, &admin())
        .await
        .unwrap();
    assert_eq!(
        s.revoke_enrollment_token(123_456, &admin()).await,
        Err(StoreError::NotFound("enrollment token"))
    );
    assert_eq!(
        s.create_enrollment_token(999_999, &sha("t"), now, &admin())
            .await
            .unwrap_err(),
        StoreError::NotFound("unit")
    );
    assert!(matches!(
        s.create_enrollment_token(ward.id, "not-a-hash", now, &admin())
            .await,
        Err(StoreError::Invalid(_))
    ));

    let a1 = s
        .enroll_agent(&sha("tok-ward"), &pubkey(1), "pc-01", "Debian 12", now)
        .await
        .unwrap();
    let a2 = s
        .enroll_agent(&sha("tok-ward"), &pubkey(2), "pc-02", "Windows 10 Pro", now)
        .await
        .unwrap();
    let a3 = s
        .enroll_agent(&sha("tok-other"), &pubkey(3), "pc-03", "Ubuntu 22.04", now)
        .await
        .unwrap();
    assert_eq!(
        (
            a1.unit_id,
            a1.unit_path.as_str(),
            a1.last_seq,
            a1.last_seen,
            a1.host_id
        ),
        (ward.id, ward.path.as_str(), 0, None, None)
    );
    assert_eq!(a1.public_key, pubkey(1));
    assert_eq!(
        s.enroll_agent(&sha("tok-expired"), &pubkey(4), "x", "y", now)
            .await
            .unwrap_err(),
        StoreError::Expired
    );
    assert_eq!(
        s.enroll_agent(&sha("tok-revoked"), &pubkey(4), "x", "y", now)
            .await
            .unwrap_err(),
        StoreError::Revoked
    );
    assert_eq!(
        s.enroll_agent(&sha("nope"), &pubkey(4), "x", "y", now)
            .await
            .unwrap_err(),
        StoreError::NotFound("enrollment token")
    );
    // Expiry is checked against the `now` given.
    assert_eq!(
        s.enroll_agent(
            &sha("tok-ward"),
            &pubkey(4),
            "x",
            "y",
            now + Duration::days(2)
        )
        .await
        .unwrap_err(),
        StoreError::Expired
    );
    assert!(matches!(
        s.enroll_agent(&sha("tok-ward"), "short", "x", "y", now)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.enroll_agent(&sha("tok-ward"), &pubkey(5), "", "y", now)
            .await,
        Err(StoreError::Invalid(_))
    ));

    let toks = s.enrollment_tokens(&subtree(&ward)).await.unwrap();
    assert_eq!(toks.len(), 3);
    let t = toks.iter().find(|t| t.id == tok.id).unwrap();
    assert_eq!(t.used_count, 2);
    assert!(toks.iter().find(|t| t.id == revoked.id).unwrap().revoked);
    assert_eq!(s.enrollment_tokens(&Scope::All).await.unwrap().len(), 4);

    let ids = |v: Vec<Agent>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.agents(&subtree(&ward)).await.unwrap()),
        [a1.id, a2.id]
    );
    assert_eq!(ids(s.agents(&subtree(&other)).await.unwrap()), [a3.id]);
    assert_eq!(s.agents(&Scope::All).await.unwrap().len(), 3);

    // Reports from a revoked agent are refused.
    accepted(&s, a1.id, 1, &report("pc-01", &[]), now).await;
    let a1_now = s.agent(a1.id).await.unwrap().unwrap();
    assert_eq!((a1_now.last_seq, a1_now.last_seen), (1, Some(now)));
    assert!(a1_now.host_id.is_some());
    s.revoke_agent(a1.id, &admin()).await.unwrap();
    assert!(s.agent(a1.id).await.unwrap().unwrap().revoked);
    assert_eq!(
        ingest(&s, a1.id, 2, &report("pc-01", &[]), now)
            .await
            .unwrap_err(),
        StoreError::Revoked
    );
    assert_eq!(
        ingest(&s, 987_654, 1, &report("pc-01", &[]), now)
            .await
            .unwrap_err(),
        StoreError::NotFound("agent")
    );
    assert_eq!(
        s.revoke_agent(987_654, &admin()).await,
        Err(StoreError::NotFound("agent"))
    );
    let log = s.audit_log(&Scope::All, 0).await.unwrap();
    for action in [
        "token.create",
        "token.revoke",
        "agent.enroll",
        "agent.revoke",
    ] {
        assert!(
            log.iter().any(|e| e.action == action),
            "{action} in the audit log"
        );
    }
}

async fn lifecycle_new_open_fixed_reopened(s: Store) {
    let (_, a) = enrolled(&s, "lang-son/thanh-pho", "pc-01", 1).await;
    let now = t0();
    let fa = f("F-aaaa", Severity::Critical);
    let fb = f("F-bbbb", Severity::High);
    let fc = f("F-cccc", Severity::Medium);
    let (r1, host) = accepted(
        &s,
        a.id,
        1,
        &report(
            "pc-01",
            &[
                f("F-aaaa", Severity::Critical),
                f("F-bbbb", Severity::High),
                f("F-cccc", Severity::Medium),
            ],
        ),
        now,
    )
    .await;
    for k in ["F-aaaa", "F-bbbb", "F-cccc"] {
        let r = by_key(&s, host, k).await;
        assert_eq!(
            (r.state, r.first_seen, r.last_seen, r.fixed_at),
            (FindingState::New, now, now, None),
            "{k}"
        );
    }
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!(
        (
            h.open_critical,
            h.open_high,
            h.open_total,
            h.last_report_id,
            h.score
        ),
        (1, 1, 3, Some(r1), Some(61))
    );
    assert_eq!(
        (
            h.hostname.as_str(),
            h.os_name.as_str(),
            h.os_version.as_str()
        ),
        ("pc-01", "Debian GNU/Linux", "10")
    );
    assert_eq!(h.agent_id, Some(a.id));

    // Second report: C is gone → fixed (verified); A, B → open.
    let t2 = now + Duration::hours(1);
    let (r2, host2) = accepted(&s, a.id, 2, &report("pc-01", &[fa, fb]), t2).await;
    assert_eq!(host2, host, "one host per agent");
    assert_eq!(by_key(&s, host, "F-aaaa").await.state, FindingState::Open);
    let c = by_key(&s, host, "F-cccc").await;
    assert_eq!(
        (c.state, c.fixed_at, c.last_seen),
        (FindingState::Fixed, Some(t2), now)
    );
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!(
        (h.open_critical, h.open_high, h.open_total, h.last_report_id),
        (1, 1, 2, Some(r2))
    );
    // Default filter: not fixed.
    let open = s
        .findings(
            &Scope::All,
            &FindingFilter {
                host_id: Some(host),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        open.iter()
            .map(|f| f.finding_key.as_str())
            .collect::<Vec<_>>(),
        ["F-aaaa", "F-bbbb"],
        "by severity"
    );
    let fixed = s
        .findings(
            &Scope::All,
            &FindingFilter {
                state: Some(vec![FindingState::Fixed]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fixed.len(), 1);

    // Third: C is back → reopened; fourth: → open.
    let t3 = now + Duration::hours(2);
    accepted(
        &s,
        a.id,
        3,
        &report(
            "pc-01",
            &[
                f("F-aaaa", Severity::Critical),
                f("F-bbbb", Severity::High),
                fc,
            ],
        ),
        t3,
    )
    .await;
    let c = by_key(&s, host, "F-cccc").await;
    assert_eq!(
        (c.state, c.fixed_at, c.last_seen, c.first_seen),
        (FindingState::Reopened, None, t3, now)
    );
    let t4 = now + Duration::hours(3);
    accepted(
        &s,
        a.id,
        4,
        &report(
            "pc-01",
            &[
                f("F-aaaa", Severity::Critical),
                f("F-bbbb", Severity::High),
                f("F-cccc", Severity::Medium),
            ],
        ),
        t4,
    )
    .await;
    assert_eq!(by_key(&s, host, "F-cccc").await.state, FindingState::Open);
    let events: Vec<String> = s
        .finding_history(c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(events, ["new", "fixed", "reopened", "seen"]);
    let hist = s.finding_history(c.id).await.unwrap();
    assert_eq!(hist[0].actor, format!("agent:{}", a.id));
    assert_eq!(hist[1].at, t2);
    assert!(hist[1].report_id.is_some());

    // Not-assessed is not "fixed": a check that could not run verifies nothing.
    let t5 = now + Duration::hours(4);
    accepted(
        &s,
        a.id,
        5,
        &report_with(
            "pc-01",
            &[f("F-aaaa", Severity::Critical), f("F-bbbb", Severity::High)],
            &[f("F-cccc", Severity::Medium)],
        ),
        t5,
    )
    .await;
    assert_eq!(by_key(&s, host, "F-cccc").await.state, FindingState::Open);
    // Severity changes follow the latest report.
    accepted(
        &s,
        a.id,
        6,
        &report(
            "pc-01",
            &[
                f("F-aaaa", Severity::Low),
                f("F-bbbb", Severity::High),
                f("F-cccc", Severity::Medium),
            ],
        ),
        t5,
    )
    .await;
    assert_eq!(by_key(&s, host, "F-aaaa").await.severity, Severity::Low);
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!((h.open_critical, h.open_high, h.open_total), (0, 1, 3));
    // A host with everything fixed.
    accepted(&s, a.id, 7, &report("pc-01", &[]), t5).await;
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!((h.open_critical, h.open_high, h.open_total), (0, 0, 0));
    assert!(s
        .findings(&Scope::All, &FindingFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert!(s.finding(999_999).await.unwrap().is_none());
    assert!(s.finding_history(999_999).await.unwrap().is_empty());
}

async fn replay_and_duplicates(s: Store) {
    let (_, a) = enrolled(&s, "lang-son", "pc-01", 1).await;
    let now = t0();
    let r1 = report("pc-01", &[f("F-1", Severity::High)]);
    let (id1, _) = accepted(&s, a.id, 1, &r1, now).await;
    // The same (agent, seq, payload) again: idempotent.
    assert_eq!(
        ingest(&s, a.id, 1, &r1, now).await.unwrap(),
        IngestOutcome::Duplicate { report_id: id1 }
    );
    // Same seq, other payload: a replay / forgery.
    let other = report("pc-01", &[f("F-2", Severity::High)]);
    assert!(matches!(
        ingest(&s, a.id, 1, &other, now).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        ingest(&s, a.id, 0, &other, now).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        ingest(&s, a.id, u64::MAX, &other, now).await,
        Err(StoreError::Invalid(_))
    ));
    let (id3, _) = accepted(&s, a.id, 3, &other, now).await;
    // Lower than the last accepted: refused unless it is a resend of what was accepted.
    assert!(matches!(
        ingest(&s, a.id, 2, &other, now).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        ingest(&s, a.id, 1, &r1, now).await.unwrap(),
        IngestOutcome::Duplicate { report_id: id1 }
    );
    assert_eq!(
        ingest(&s, a.id, 3, &other, now).await.unwrap(),
        IngestOutcome::Duplicate { report_id: id3 }
    );
    assert_eq!(s.agent(a.id).await.unwrap().unwrap().last_seq, 3);
    // Nothing was stored by the refused ones.
    let host = s.agent(a.id).await.unwrap().unwrap().host_id.unwrap();
    assert_eq!(s.host_reports(host, 0).await.unwrap().len(), 2);
}

async fn reports_round_trip(s: Store) {
    let (_, a) = enrolled(&s, "lang-son", "máy-chủ-01", 1).await;
    let now = t0();
    let r = report(
        "máy-chủ-01",
        &[f("F-1", Severity::High), f("F-2", Severity::Low)],
    );
    // Exactly the bytes the agent signed, whitespace included.
    let json = serde_json::to_vec_pretty(&r).unwrap();
    let out = s
        .ingest_report(&IngestReport {
            agent_id: a.id,
            seq: 1,
            sent_at: now,
            received_at: now,
            report_json: &json,
            report: &r,
        })
        .await
        .unwrap();
    let IngestOutcome::Accepted { report_id, host_id } = out else {
        panic!("{out:?}")
    };
    assert_eq!(s.report_json(report_id).await.unwrap().unwrap(), json);
    assert_eq!(s.report_json(report_id + 1000).await.unwrap(), None);
    let (r2, _) = accepted(
        &s,
        a.id,
        2,
        &report("máy-chủ-01", &[]),
        now + Duration::minutes(5),
    )
    .await;
    let metas = s.host_reports(host_id, 10).await.unwrap();
    assert_eq!(
        metas
            .iter()
            .map(|m| (m.id, m.seq, m.findings_open))
            .collect::<Vec<_>>(),
        [(r2, 2, 0), (report_id, 1, 2)]
    );
    assert_eq!(metas[1].generated_at, "2026-11-24T10:00:00Z");
    assert_eq!(metas[1].received_at, now);
    assert_eq!(metas[1].score, Some(61));
    assert_eq!(s.host_reports(host_id, 1).await.unwrap().len(), 1);
}

async fn assignment(s: Store) {
    let (ward, a) = enrolled(&s, "lang-son/thanh-pho/phuong-chi-lang", "pc-01", 1).await;
    let u = s
        .create_user(
            &new_user("tuan", Role::UnitAdmin, Some(ward.id)),
            &Actor::system(),
        )
        .await
        .unwrap();
    let (_, host) = accepted(
        &s,
        a.id,
        1,
        &report(
            "pc-01",
            &[
                f("F-1", Severity::High),
                f("F-2", Severity::Low),
                f("F-3", Severity::Low),
            ],
        ),
        t0(),
    )
    .await;
    let f1 = by_key(&s, host, "F-1").await;
    let f2 = by_key(&s, host, "F-2").await;
    let due = time::macros::date!(2026 - 12 - 31);
    let actor = Actor::user(u.id, "tuan");
    assert_eq!(
        s.assign_findings(
            &[f1.id, f2.id, 999_999, f1.id],
            Some(u.id),
            Some(due),
            &actor
        )
        .await
        .unwrap(),
        2
    );
    let f1 = s.finding(f1.id).await.unwrap().unwrap();
    assert_eq!(
        (f1.assignee.clone(), f1.due),
        (Some((u.id, "Nguyễn Văn tuan".to_string())), Some(due))
    );
    let mine = s
        .findings(
            &Scope::All,
            &FindingFilter {
                assignee: Some(u.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    let hist = s.finding_history(f1.id).await.unwrap();
    let last = hist.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.actor.as_str()),
        ("assigned", "tuan")
    );
    assert!(last.detail.contains("2026-12-31"));
    assert_eq!(
        s.assign_findings(&[f1.id], Some(424_242), None, &actor)
            .await
            .unwrap_err(),
        StoreError::NotFound("user")
    );
    // Unassign.
    assert_eq!(
        s.assign_findings(&[f2.id], None, None, &actor)
            .await
            .unwrap(),
        1
    );
    let f2 = s.finding(f2.id).await.unwrap().unwrap();
    assert_eq!((f2.assignee, f2.due), (None, None));
    let log = s.audit_log(&subtree(&ward), 0).await.unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "finding.assign").count(),
        3
    );
    // JSON shape for the server.
    let v = serde_json::to_value(&f1).unwrap();
    assert_eq!(v["due"], "2026-12-31");
    assert_eq!(v["state"], "new");
    assert_eq!(v["severity"], "high");
}

async fn waivers(s: Store) {
    let (ward, a) = enrolled(&s, "lang-son/thanh-pho/phuong-chi-lang", "pc-01", 1).await;
    let (other, b) = enrolled(&s, "lang-son/huyen-cao-loc", "pc-02", 2).await;
    let (_, host) = accepted(
        &s,
        a.id,
        1,
        &report(
            "pc-01",
            &[f("F-1", Severity::High), f("F-2", Severity::Low)],
        ),
        t0(),
    )
    .await;
    accepted(
        &s,
        b.id,
        1,
        &report("pc-02", &[f("F-9", Severity::High)]),
        t0(),
    )
    .await;
    let f1 = by_key(&s, host, "F-1").await;
    let f2 = by_key(&s, host, "F-2").await;
    let today = OffsetDateTime::now_utc().date();
    let w = s
        .create_waiver(
            &NewWaiver {
                finding_id: f1.id,
                justification: "Máy tách mạng, chấp nhận rủi ro đến khi thay thế".into(),
                approver: "Trần Thị Hoa (Giám đốc)".into(),
                expires_on: today + Duration::days(30),
            },
            &Actor::user(1, "tuan"),
        )
        .await
        .unwrap();
    assert_eq!(
        (w.finding_id, w.revoked, w.created_by.as_str()),
        (f1.id, false, "tuan")
    );
    assert_eq!(
        w.justification,
        "Máy tách mạng, chấp nhận rủi ro đến khi thay thế"
    );
    // An already expired waiver is no overlay.
    s.create_waiver(
        &NewWaiver {
            finding_id: f2.id,
            justification: "old".into(),
            approver: "x".into(),
            expires_on: today - Duration::days(1),
        },
        &admin(),
    )
    .await
    .unwrap();
    assert_eq!(
        s.finding(f1.id).await.unwrap().unwrap().waiver,
        Some(w.clone())
    );
    assert_eq!(s.finding(f2.id).await.unwrap().unwrap().waiver, None);
    let waived = s
        .findings(
            &Scope::All,
            &FindingFilter {
                waived: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(waived.iter().map(|f| f.id).collect::<Vec<_>>(), [f1.id]);
    let not = s
        .findings(
            &Scope::All,
            &FindingFilter {
                waived: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(not.len(), 2);
    assert_eq!(s.waivers(&subtree(&ward)).await.unwrap().len(), 2);
    assert_eq!(s.waivers(&subtree(&other)).await.unwrap().len(), 0);
    assert!(matches!(
        s.create_waiver(
            &NewWaiver {
                finding_id: f1.id,
                justification: " ".into(),
                approver: "x".into(),
                expires_on: today
            },
            &admin()
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.create_waiver(
            &NewWaiver {
                finding_id: 999_999,
                justification: "j".into(),
                approver: "x".into(),
                expires_on: today
            },
            &admin()
        )
        .await
        .unwrap_err(),
        StoreError::NotFound("finding")
    );
    s.revoke_waiver(w.id, &admin()).await.unwrap();
    s.revoke_waiver(w.id, &admin()).await.unwrap(); // idempotent
    assert_eq!(
        s.revoke_waiver(999_999, &admin()).await,
        Err(StoreError::NotFound("waiver"))
    );
    assert_eq!(s.finding(f1.id).await.unwrap().unwrap().waiver, None);
    assert!(s
        .waivers(&Scope::All)
        .await
        .unwrap()
        .iter()
        .any(|x| x.id == w.id && x.revoked));
    let events: Vec<String> = s
        .finding_history(f1.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(events, ["new", "waived", "waiver-revoked"]);
    let log = s.audit_log(&Scope::All, 0).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "waiver.create" && e.actor == "tuan"));
    assert!(log.iter().any(|e| e.action == "waiver.revoke"));
}

async fn overview_numbers(s: Store) {
    let now = t0();
    let (ward, a1) = enrolled(&s, "lang-son/thanh-pho/phuong-chi-lang", "pc-01", 1).await;
    let (_, a2) = enrolled(&s, "lang-son/thanh-pho/phuong-chi-lang", "pc-02", 2).await;
    let (district, a3) = enrolled(&s, "lang-son/huyen-cao-loc", "pc-03", 3).await;
    let (_, a4) = enrolled(&s, "ha-noi", "pc-04", 4).await;
    let os_eol = F {
        key: "F-os",
        check: "eol.os",
        kind: FindingKind::Eol,
        sev: Severity::Critical,
    };
    let office_eol = F {
        key: "F-office",
        check: "eol.office",
        kind: FindingKind::Eol,
        sev: Severity::High,
    };
    // Three days ago: pc-01 reports 3 findings.
    let d3 = now - Duration::days(3);
    accepted(
        &s,
        a1.id,
        1,
        &report(
            "pc-01",
            &[
                f("F-1", Severity::Critical),
                f("F-2", Severity::High),
                f("F-3", Severity::Low),
            ],
        ),
        d3,
    )
    .await;
    // Today: pc-01 fixed one; pc-02 on an EOL OS; pc-03 silent for 2 days with Office EOL.
    accepted(
        &s,
        a1.id,
        2,
        &report(
            "pc-01",
            &[f("F-1", Severity::Critical), f("F-3", Severity::Low)],
        ),
        now,
    )
    .await;
    accepted(
        &s,
        a2.id,
        1,
        &report("pc-02", &[os_eol, f("F-5", Severity::Medium)]),
        now,
    )
    .await;
    accepted(
        &s,
        a3.id,
        1,
        &report("pc-03", &[office_eol]),
        now - Duration::days(2),
    )
    .await;
    accepted(
        &s,
        a4.id,
        1,
        &report("pc-04", &[f("F-7", Severity::High)]),
        now,
    )
    .await;

    let ov = s
        .overview(&Scope::All, now, Duration::days(1))
        .await
        .unwrap();
    let get = |p: &str| ov.units.iter().find(|u| u.unit.path == p).unwrap().clone();
    let prov = get("lang-son");
    assert_eq!(
        (
            prov.hosts,
            prov.hosts_reporting,
            prov.hosts_silent,
            prov.hosts_os_eol,
            prov.hosts_office_eol
        ),
        (3, 2, 1, 1, 1)
    );
    assert_eq!(
        (prov.open_critical, prov.open_high, prov.open_total),
        (2, 1, 5)
    );
    let w = get("lang-son/thanh-pho/phuong-chi-lang");
    assert_eq!(
        (
            w.hosts,
            w.hosts_reporting,
            w.open_critical,
            w.open_high,
            w.open_total
        ),
        (2, 2, 2, 0, 4)
    );
    assert_eq!(
        get("lang-son/thanh-pho"),
        UnitStats {
            unit: get("lang-son/thanh-pho").unit,
            ..w.clone()
        }
    );
    let d = get("lang-son/huyen-cao-loc");
    assert_eq!(
        (d.hosts, d.hosts_silent, d.hosts_office_eol, d.open_high),
        (1, 1, 1, 1)
    );
    assert_eq!(get("ha-noi").hosts, 1);
    assert_eq!(ov.units.len(), 5);

    // Trend: 30 days, today last.
    assert_eq!(ov.trend.len(), 30);
    let today = now.date();
    assert_eq!(ov.trend.last().unwrap().day, today);
    assert_eq!(ov.trend[0].day, today - Duration::days(29));
    let at = |d: time::Date| ov.trend.iter().find(|p| p.day == d).unwrap().clone();
    let p3 = at(today - Duration::days(3));
    assert_eq!(
        (p3.open_critical, p3.open_high, p3.open_total, p3.reports),
        (1, 1, 3, 1)
    );
    // Carried forward over a day without reports.
    let p2 = at(today - Duration::days(2));
    assert_eq!(
        (p2.open_critical, p2.open_high, p2.open_total, p2.reports),
        (1, 2, 4, 1)
    );
    let p1 = at(today - Duration::days(1));
    assert_eq!((p1.open_total, p1.reports), (4, 0));
    let p0 = at(today);
    assert_eq!(
        (p0.open_critical, p0.open_high, p0.open_total, p0.reports),
        (2, 2, 6, 3)
    );
    assert_eq!(at(today - Duration::days(10)).open_total, 0);

    // A subtree sees only its units.
    let ov = s
        .overview(&subtree(&ward), now, Duration::days(1))
        .await
        .unwrap();
    assert_eq!(ov.units.len(), 1);
    assert_eq!(ov.units[0].hosts, 2);
    assert_eq!(ov.trend.last().unwrap().open_total, 4);
    assert_eq!(ov.trend.last().unwrap().reports, 2);
    let ov = s
        .overview(&subtree(&district), now, Duration::days(3))
        .await
        .unwrap();
    assert_eq!(
        (ov.units[0].hosts_reporting, ov.units[0].hosts_silent),
        (1, 0)
    );

    // Host list filters.
    let hs = s
        .hosts(
            &Scope::All,
            &HostFilter {
                os_eol: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        hs.iter().map(|h| h.hostname.as_str()).collect::<Vec<_>>(),
        ["pc-02"]
    );
    assert!(hs[0].os_eol && !hs[0].office_eol);
    let silent = s
        .hosts(
            &Scope::All,
            &HostFilter {
                silent_since: Some(now - Duration::days(1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        silent
            .iter()
            .map(|h| h.hostname.as_str())
            .collect::<Vec<_>>(),
        ["pc-03"]
    );
    let q = s
        .hosts(
            &Scope::All,
            &HostFilter {
                q: Some("PC-0".into()),
                limit: 2,
                offset: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(q.len(), 2);
    let scoped = s
        .hosts(&subtree(&ward), &HostFilter::default())
        .await
        .unwrap();
    assert_eq!(
        scoped
            .iter()
            .map(|h| h.hostname.as_str())
            .collect::<Vec<_>>(),
        ["pc-01", "pc-02"]
    );
    // Findings by unit subtree, severity, kind.
    let prov_unit = s.ensure_unit_path("lang-son").await.unwrap();
    let fs = s
        .findings(
            &Scope::All,
            &FindingFilter {
                unit_id: Some(prov_unit.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fs.len(), 5);
    let fs = s
        .findings(
            &Scope::All,
            &FindingFilter {
                severity: Some(vec![Severity::Critical]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fs.len(), 2);
    let fs = s
        .findings(
            &Scope::All,
            &FindingFilter {
                kind: Some("eol".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fs.len(), 2);
    let fs = s
        .findings(
            &subtree(&ward),
            &FindingFilter {
                kind: Some("eol".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        fs.iter().map(|f| f.check.as_str()).collect::<Vec<_>>(),
        ["eol.os"]
    );
    let none = s
        .findings(
            &Scope::All,
            &FindingFilter {
                severity: Some(vec![]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn audit_log_scoped(s: Store) {
    let ward = s
        .ensure_unit_path("lang-son/thanh-pho/phuong-chi-lang")
        .await
        .unwrap();
    let other = s.ensure_unit_path("lang-son/huyen-cao-loc").await.unwrap();
    s.rename_unit(ward.id, "Phường Chi Lăng", &admin())
        .await
        .unwrap();
    s.rename_unit(other.id, "Huyện Cao Lộc", &admin())
        .await
        .unwrap();
    let all = s.audit_log(&Scope::All, 0).await.unwrap();
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(s.audit_log(&Scope::All, 2).await.unwrap().len(), 2);
    let w = s.audit_log(&subtree(&ward), 0).await.unwrap();
    assert!(
        w.iter().all(|e| e.object == format!("unit:{}", ward.id)),
        "{w:?}"
    );
    assert_eq!(w.iter().filter(|e| e.action == "unit.rename").count(), 1);
    assert_eq!(w[0].detail, "phuong-chi-lang -> Phường Chi Lăng");
    let prov = s.ensure_unit_path("lang-son").await.unwrap();
    let p = s.audit_log(&subtree(&prov), 0).await.unwrap();
    assert_eq!(p.iter().filter(|e| e.action == "unit.rename").count(), 2);
}

async fn sql_injection_in_filters(s: Store) {
    let (ward, a) = enrolled(&s, "lang-son/thanh-pho", "pc-01", 1).await;
    accepted(
        &s,
        a.id,
        1,
        &report("pc-01", &[f("F-1", Severity::High)]),
        t0(),
    )
    .await;
    let evil = [
        "'; DROP TABLE hosts; --",
        "' OR '1'='1",
        "\" OR 1=1 --",
        "%",
        "_",
        "\\",
        "'); DELETE FROM findings; --",
        "pc-01' --",
        "1; SELECT * FROM users",
        "\u{0}",
    ];
    for q in evil {
        let hs = s
            .hosts(
                &Scope::All,
                &HostFilter {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(&hs, Ok(v) if v.is_empty()),
            "hosts q={q:?}: {hs:?}"
        );
        let fs = s
            .findings(
                &Scope::All,
                &FindingFilter {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(fs.is_empty(), "findings q={q:?}");
        let fs = s
            .findings(
                &Scope::All,
                &FindingFilter {
                    kind: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(fs.is_empty(), "findings kind={q:?}");
        assert!(s.user_by_name(q).await.unwrap().is_none());
        assert!(s.session(q, t0()).await.unwrap().is_none());
        assert_eq!(
            s.failed_logins_since(q, q, t0() - Duration::days(1))
                .await
                .unwrap(),
            0
        );
        // A scope path that is not a real unit sees nothing.
        let sc = Scope::Subtree {
            unit_id: ward.id,
            path: q.to_string(),
        };
        assert!(
            s.hosts(&sc, &HostFilter::default())
                .await
                .unwrap()
                .is_empty(),
            "scope {q:?}"
        );
        assert!(s.units(&sc).await.unwrap().is_empty());
        assert!(s.audit_log(&sc, 0).await.unwrap().is_empty());
        s.record_login_attempt(q, q, false, t0()).await.unwrap();
    }
    assert!(matches!(
        s.ensure_unit_path("x'; DROP TABLE units; --").await,
        Err(StoreError::Invalid(_))
    ));
    // Everything is still there.
    assert_eq!(
        s.hosts(&Scope::All, &HostFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.findings(&Scope::All, &FindingFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.units(&Scope::All).await.unwrap().len(), 2);
    assert_eq!(
        s.failed_logins_since(
            "'; DROP TABLE hosts; --",
            "'; DROP TABLE hosts; --",
            t0() - Duration::days(1)
        )
        .await
        .unwrap(),
        1
    );
    // LIKE wildcards in q are literal.
    let hs = s
        .hosts(
            &Scope::All,
            &HostFilter {
                q: Some("pc_01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(hs.is_empty());
    let hs = s
        .hosts(
            &Scope::All,
            &HostFilter {
                q: Some("pc-01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(hs.len(), 1);
}

async fn vietnamese_text_round_trip(s: Store) {
    let (ward, a) = enrolled(
        &s,
        "lang-son/thanh-pho/phuong-chi-lang",
        "máy-chủ-Đà-Nẵng",
        1,
    )
    .await;
    assert_eq!(a.hostname, "máy-chủ-Đà-Nẵng");
    s.rename_unit(ward.id, "Phường Chi Lăng — Ủy ban nhân dân", &admin())
        .await
        .unwrap();
    assert_eq!(
        s.unit(ward.id).await.unwrap().unwrap().name,
        "Phường Chi Lăng — Ủy ban nhân dân"
    );
    let (_, host) = accepted(
        &s,
        a.id,
        1,
        &report("máy-chủ-Đà-Nẵng", &[f("F-1", Severity::High)]),
        t0(),
    )
    .await;
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!(h.hostname, "máy-chủ-Đà-Nẵng");
    let r = by_key(&s, host, "F-1").await;
    assert_eq!(r.title.vi, "Lỗ hổng F-1 – mật khẩu yếu");
    assert_eq!(r.remediation.vi, "Đổi mật khẩu ngay");
    assert_eq!(r.hostname, "máy-chủ-Đà-Nẵng");
    // Search with Vietnamese words.
    let fs = s
        .findings(
            &Scope::All,
            &FindingFilter {
                q: Some("mật khẩu yếu".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(fs.len(), 1);
    let hs = s
        .hosts(
            &Scope::All,
            &HostFilter {
                q: Some("chủ".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(hs.len(), 1);
    let u = s
        .create_user(
            &NewUser {
                display_name: "Lê Thị Hồng Nhung".into(),
                ..new_user("nhung", Role::Viewer, Some(ward.id))
            },
            &admin(),
        )
        .await
        .unwrap();
    assert_eq!(
        s.user(u.id).await.unwrap().unwrap().display_name,
        "Lê Thị Hồng Nhung"
    );
}

/// Real reports: antoan-audit over antoan-testkit fixture roots.
async fn real_audits_lifecycle(s: Store) {
    let (_, a) = enrolled(&s, "lang-son/thanh-pho", "srv-01", 1).await;
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let now = time::macros::datetime!(2026-11-24 08:00 UTC);
    let audit = |root: &std::path::Path| {
        let opts = antoan_audit::AuditOptions {
            source: antoan_audit::source_for(Some(root.to_path_buf())),
            windows_export: None,
            baseline: true,
            policies: vec![],
            now,
            vuln_store: None,
        };
        antoan_audit::run(&opts, &kb).unwrap()
    };
    let fx = antoan_testkit::debian_10_misconfigured().hostname("srv-01");
    let r1 = audit(fx.root());
    let open1: Vec<&Finding> = r1
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    assert!(open1.len() >= 5, "a misconfigured Debian 10 has findings");
    let (_, host) = accepted(&s, a.id, 1, &r1, now).await;
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!(
        h.open_total as usize,
        open1
            .iter()
            .map(|f| &f.id)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    assert!(h.os_eol, "Debian 10 is end of life on 2026-11-24");
    assert_eq!(h.hostname, "srv-01");

    // Fix sshd → the ssh findings are verified fixed by the next report.
    let fixed_cfg = "PermitRootLogin no\nPermitEmptyPasswords no\nPasswordAuthentication no\nX11Forwarding no\nMaxAuthTries 4\n";
    let fx = fx.sshd_config(fixed_cfg);
    let r2 = audit(fx.root());
    let ids2: std::collections::BTreeSet<&str> = r2
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .map(|f| f.id.as_str())
        .collect();
    let gone: Vec<&&Finding> = open1
        .iter()
        .filter(|f| !ids2.contains(f.id.as_str()))
        .collect();
    assert!(!gone.is_empty(), "fixing sshd removes findings");
    accepted(&s, a.id, 2, &r2, now + Duration::hours(6)).await;
    for g in &gone {
        let row = by_key(&s, host, &g.id).await;
        assert_eq!(row.state, FindingState::Fixed, "{} ({})", g.id, g.check);
        assert_eq!(row.fixed_at, Some(now + Duration::hours(6)));
    }
    // Still-present findings are open.
    let still = open1.iter().find(|f| ids2.contains(f.id.as_str())).unwrap();
    assert_eq!(by_key(&s, host, &still.id).await.state, FindingState::Open);

    // Break it again → reopened.
    let r3 = audit(
        antoan_testkit::debian_10_misconfigured()
            .hostname("srv-01")
            .root(),
    );
    accepted(&s, a.id, 3, &r3, now + Duration::hours(12)).await;
    for g in &gone {
        let row = by_key(&s, host, &g.id).await;
        assert_eq!(row.state, FindingState::Reopened, "{}", g.id);
        let ev: Vec<String> = s
            .finding_history(row.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(ev, ["new", "fixed", "reopened"]);
    }
}

async fn concurrent_ingest(s: Store) {
    let mut agents = vec![];
    for i in 0..8u8 {
        let unit = if i % 2 == 0 {
            "lang-son/a"
        } else {
            "lang-son/b"
        };
        agents.push(enrolled(&s, unit, &format!("pc-{i}"), i).await.1);
    }
    s.revoke_agent(agents[7].id, &admin()).await.unwrap();
    let now = t0();
    let mut tasks = vec![];
    for a in &agents {
        let s = s.clone();
        let id = a.id;
        let name = a.hostname.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = vec![];
            for seq in 1..=5u64 {
                let keys: Vec<String> = (0..seq).map(|k| format!("F-{k}")).collect();
                let fs: Vec<F<'_>> = keys.iter().map(|k| f(k, Severity::High)).collect();
                out.push(ingest(&s, id, seq, &report(&name, &fs), now).await);
            }
            out
        }));
    }
    let mut ok = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        for r in t.await.unwrap() {
            if i == 7 {
                assert_eq!(r.unwrap_err(), StoreError::Revoked);
            } else {
                assert!(matches!(r, Ok(IngestOutcome::Accepted { .. })), "{r:?}");
                ok += 1;
            }
        }
    }
    assert_eq!(ok, 35);
    let ov = s
        .overview(&Scope::All, now, Duration::hours(1))
        .await
        .unwrap();
    let root = ov.units.iter().find(|u| u.unit.path == "lang-son").unwrap();
    assert_eq!((root.hosts, root.open_high, root.open_total), (7, 35, 35));
    let last = ov.trend.last().unwrap();
    assert_eq!((last.reports, last.open_total), (35, 35));
}

// ---------------------------------------------------------------- migrations (per backend)

async fn migrate_up(url: &str, bump: impl AsyncFnOnce()) {
    let v1 = Store::open_at(url, Some(1)).await.unwrap();
    assert_eq!(v1.schema_version().await.unwrap(), 1);
    let u = v1.ensure_unit_path("lang-son/thanh-pho").await.unwrap();
    drop(v1);
    let s = Store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), DB_SCHEMA_VERSION);
    assert_eq!(
        s.unit(u.id).await.unwrap().unwrap().path,
        "lang-son/thanh-pho"
    );
    // Version 2's tables work on the migrated database.
    let (_, a) = enrolled(&s, "lang-son/thanh-pho", "pc-01", 1).await;
    accepted(
        &s,
        a.id,
        1,
        &report("pc-01", &[f("F-1", Severity::High)]),
        t0(),
    )
    .await;
    let ov = s
        .overview(&Scope::All, t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(ov.trend.last().unwrap().open_high, 1);
    drop(s);
    // Opening again is a no-op.
    let s = Store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), DB_SCHEMA_VERSION);
    drop(s);
    // A database from a newer antoan is refused.
    bump().await;
    assert!(matches!(Store::open(url).await, Err(StoreError::Invalid(m)) if m.contains("newer")));
}

#[tokio::test]
async fn migrations_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let url = format!("sqlite:{}", path.display());
    migrate_up(&url, async || {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 'x')",
            [],
        )
        .unwrap();
    })
    .await;
    // Journal mode is WAL.
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn migrations_postgres() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let url = pg.create_database("migrations").await.unwrap();
    let u2 = url.clone();
    migrate_up(&url, async move || {
        let (c, conn) = tokio_postgres::connect(&u2, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        c.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 'x')",
            &[],
        )
        .await
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn bad_urls_are_refused() {
    for url in [
        "",
        "mysql://x",
        "sqlite:",
        "sqlite::memory:",
        "postgres://user@127.0.0.1:1/x?sslmode=bogus",
    ] {
        assert!(Store::open(url).await.is_err(), "{url}");
    }
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database at all, just text \x00\x01\x02",
    )
    .unwrap();
    let e = Store::open(&format!("sqlite:{}", garbage.display()))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Db(_)), "{e:?}");
}

#[test]
fn private_cluster_starts_and_stops() {
    let Some(pg) = PgCluster::start_or_skip() else {
        return;
    };
    let dir_port = pg.port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", dir_port)).is_ok());
    drop(pg);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", dir_port)).is_err(),
        "stopped on drop"
    );
}
