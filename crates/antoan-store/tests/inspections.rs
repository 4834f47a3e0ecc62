//! Inspections, site hosts, state-secret marks and handovers (migration 0003), written once and
//! run on both backends like `tests/store.rs`: SQLite (a temp file) and PostgreSQL (a throw-away
//! cluster from `antoan_store::testing`).

use std::collections::BTreeMap;

use antoan_model::{
    Finding, FindingKind, FindingStatus, HostInfo, Inventory, OsFamily, OsInfo, Report, Score,
    Severity, Summary, Text, ToolInfo,
};
use antoan_store::testing::PgCluster;
use antoan_store::*;
use sha2::Digest;
use time::{Duration, OffsetDateTime};

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
                let url = pg
                    .create_database(concat!("insp_", stringify!($name)))
                    .await
                    .unwrap();
                let s = antoan_store::Store::open(&url).await.unwrap();
                assert_eq!(s.backend_name(), "postgres");
                super::$name(s).await;
            }
        }
    };
}

both!(inspections_create_list_scope);
both!(checklist_versions_and_concluded_refusals);
both!(evidence_round_trip);
both!(conclusion_findings_on_site_host);
both!(follow_up_fixes_and_leaves);
both!(site_findings_assign_and_waive);
both!(handovers_lifecycle);
both!(state_secret_and_marks);
both!(concurrent_saves_and_conclusions);

// ---------------------------------------------------------------- helpers

fn t0() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    OffsetDateTime::from_unix_timestamp(now.unix_timestamp()).unwrap()
}

fn sha(b: &[u8]) -> String {
    sha2::Sha256::digest(b)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pubkey(i: u8) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s: String = (0..42)
        .map(|j| alphabet[(j * 7 + i as usize) % 64] as char)
        .collect();
    s.push('A');
    s.push('=');
    s
}

fn inspector() -> Actor {
    Actor {
        user_id: None,
        name: "thanh-tra".into(),
    }
}

fn subtree(u: &Unit) -> Scope {
    Scope::Subtree {
        unit_id: u.id,
        path: u.path.clone(),
    }
}

fn checklist_json(unit: &str, answers: &str) -> String {
    format!(r#"{{"unit":"{unit}","items":[{answers}]}}"#)
}

fn new_inspection(code: &str, units: &[&Unit], previous: Option<i64>) -> NewInspection {
    NewInspection {
        code: code.into(),
        title: format!("Kiểm tra an toàn thông tin {code}"),
        level: 2,
        document: format!(r#"{{"code":"{code}","title":"Kiểm tra năm 2026"}}"#),
        previous_id: previous,
        checklists: units
            .iter()
            .map(|u| (u.id, checklist_json(&u.path, "")))
            .collect(),
    }
}

/// A finding as antoan_inspect::findings::checklist_findings makes it.
fn site_finding(key: &str, kind: FindingKind, sev: Severity, attrs: &[(&str, &str)]) -> Finding {
    Finding {
        id: key.into(),
        check: format!("inspection.{key}"),
        kind,
        severity: sev,
        status: FindingStatus::Open,
        subject: "Phòng máy chủ".into(),
        title: Text::new(
            format!("Đầu ghi {key} không đặt trong tủ có khoá"),
            format!("Recorder {key} not in a locked cabinet"),
        ),
        remediation: Text::new(
            "Đặt đầu ghi vào tủ có khoá",
            "Put the recorder in a locked cabinet",
        ),
        evidence: vec![],
        controls: vec![],
        reason: None,
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        references: vec![],
    }
}

fn report(hostname: &str, open: &[(&str, Severity)]) -> Report {
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
                family: OsFamily::Windows,
                name: "Windows 7".into(),
                version: "6.1".into(),
                ..Default::default()
            },
            architecture: "x86_64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory: Inventory::default(),
        findings: open
            .iter()
            .map(|(k, sev)| Finding {
                id: k.to_string(),
                check: "test.check".into(),
                kind: FindingKind::Config,
                severity: *sev,
                status: FindingStatus::Open,
                subject: "s".into(),
                title: Text::new("Tiêu đề", "Title"),
                remediation: Text::new("Khắc phục", "Fix"),
                evidence: vec![],
                controls: vec![],
                reason: None,
                attributes: BTreeMap::new(),
                references: vec![],
            })
            .collect(),
        checks: vec![],
        summary: Summary::default(),
        score: Score {
            value: 50,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

/// A unit with one enrolled agent.
async fn enrolled(s: &Store, unit_path: &str, hostname: &str, n: u8) -> (Unit, Agent) {
    let u = s.ensure_unit_path(unit_path).await.unwrap();
    let tok = format!("token-{unit_path}-{n}");
    s.create_enrollment_token(
        u.id,
        &sha(tok.as_bytes()),
        t0() + Duration::days(7),
        &inspector(),
    )
    .await
    .unwrap();
    let a = s
        .enroll_agent(
            &sha(tok.as_bytes()),
            &pubkey(n),
            hostname,
            "Windows 7",
            t0(),
        )
        .await
        .unwrap();
    (u, a)
}

/// Ingests a report; returns (report_id, host_id).
async fn ingest(s: &Store, agent: i64, seq: u64, r: &Report) -> (i64, i64) {
    let json = serde_json::to_vec(r).unwrap();
    match s
        .ingest_report(&IngestReport {
            agent_id: agent,
            seq,
            sent_at: t0(),
            received_at: t0(),
            report_json: &json,
            report: r,
        })
        .await
        .unwrap()
    {
        IngestOutcome::Accepted { report_id, host_id } => (report_id, host_id),
        other => panic!("expected Accepted, got {other:?}"),
    }
}

async fn site_findings(s: &Store, unit: &Unit) -> Vec<FindingRow> {
    s.findings(
        &subtree(unit),
        &FindingFilter {
            state: Some(FindingState::ALL.to_vec()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .filter(|f| f.hostname == unit.name)
    .collect()
}

fn by_key<'a>(rows: &'a [FindingRow], key: &str) -> &'a FindingRow {
    rows.iter()
        .find(|r| r.finding_key == key)
        .unwrap_or_else(|| panic!("no finding {key}"))
}

// ---------------------------------------------------------------- tests

async fn inspections_create_list_scope(s: Store) {
    let city = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let ward = s
        .ensure_unit_path("ha-tinh/tp-ha-tinh/phuong-bac-ha")
        .await
        .unwrap();
    let other = s.ensure_unit_path("ha-tinh/huyen-ky-anh").await.unwrap();
    let province = s.unit(city.parent_id.unwrap()).await.unwrap().unwrap();

    let a = s
        .create_inspection(
            &new_inspection("123/QĐ-STTTT", &[&ward, &city], None),
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(a.state, InspectionState::Open);
    assert_eq!(a.level, 2);
    assert_eq!(a.created_by, "thanh-tra");
    assert!(a.concluded_at.is_none());
    // Units sorted by path.
    let paths: Vec<&str> = a.units.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(
        paths,
        ["ha-tinh/tp-ha-tinh", "ha-tinh/tp-ha-tinh/phuong-bac-ha"]
    );
    let b = s
        .create_inspection(&new_inspection("KT-2", &[&other], Some(a.id)), &inspector())
        .await
        .unwrap();
    assert_eq!(b.previous_id, Some(a.id));

    // Refusals.
    assert!(matches!(
        s.create_inspection(&new_inspection("123/QĐ-STTTT", &[&other], None), &inspector())
            .await,
        Err(StoreError::Conflict(m)) if m.contains("already taken")
    ));
    let mut bad = new_inspection("KT-3", &[&other], None);
    bad.checklists.push((999_999, "{}".into()));
    assert!(matches!(
        s.create_inspection(&bad, &inspector()).await,
        Err(StoreError::NotFound("unit"))
    ));
    assert!(matches!(
        s.create_inspection(&new_inspection("KT-3", &[], None), &inspector())
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.create_inspection(&new_inspection("  ", &[&other], None), &inspector())
            .await,
        Err(StoreError::Invalid(_))
    ));
    let mut lvl = new_inspection("KT-4", &[&other], None);
    lvl.level = 4;
    assert!(matches!(
        s.create_inspection(&lvl, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    let mut twice = new_inspection("KT-5", &[&other], None);
    twice.checklists.push((other.id, "{}".into()));
    assert!(matches!(
        s.create_inspection(&twice, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.create_inspection(
            &new_inspection("KT-6", &[&other], Some(999_999)),
            &inspector()
        )
        .await,
        Err(StoreError::NotFound("inspection"))
    ));
    // A failed creation left nothing behind.
    assert_eq!(s.inspections(&Scope::All).await.unwrap().len(), 2);

    // Scope: newest first; an inspection is visible where at least one of its units is.
    let ids = |v: Vec<InspectionRow>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(s.inspections(&Scope::All).await.unwrap()), [b.id, a.id]);
    assert_eq!(
        ids(s.inspections(&subtree(&province)).await.unwrap()),
        [b.id, a.id]
    );
    assert_eq!(ids(s.inspections(&subtree(&ward)).await.unwrap()), [a.id]);
    assert_eq!(ids(s.inspections(&subtree(&city)).await.unwrap()), [a.id]);
    assert_eq!(ids(s.inspections(&subtree(&other)).await.unwrap()), [b.id]);
    let listed = s.inspections(&subtree(&ward)).await.unwrap();
    assert_eq!(listed[0].units.len(), 2, "every inspected unit is listed");

    // One inspection, its document, its checklists.
    let got = s.inspection(a.id).await.unwrap().unwrap();
    assert_eq!(got.code, "123/QĐ-STTTT");
    assert_eq!(got.units, a.units);
    assert!(s.inspection(999_999).await.unwrap().is_none());
    s.update_inspection_document(
        a.id,
        r#"{"code":"123/QĐ-STTTT","title":"Đã sửa"}"#,
        &inspector(),
    )
    .await
    .unwrap();
    assert!(s
        .inspection(a.id)
        .await
        .unwrap()
        .unwrap()
        .document
        .contains("Đã sửa"));
    assert!(matches!(
        s.update_inspection_document(999_999, "{}", &inspector())
            .await,
        Err(StoreError::NotFound("inspection"))
    ));
    let cls = s.checklists(a.id).await.unwrap();
    assert_eq!(cls.len(), 2);
    assert_eq!(cls[0].unit.path, "ha-tinh/tp-ha-tinh");
    assert_eq!(cls[1].unit.id, ward.id);
    assert!(cls
        .iter()
        .all(|c| c.version == 1 && c.updated_by == "thanh-tra"));
    let one = s.checklist(a.id, ward.id).await.unwrap().unwrap();
    assert_eq!(one.checklist, checklist_json(&ward.path, ""));
    assert!(s.checklist(a.id, other.id).await.unwrap().is_none());

    // Audit rows, one per inspected unit, seen in that unit's log.
    let log = s.audit_log(&subtree(&ward), 0).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "inspection.create" && e.object == format!("inspection:{}", a.id)));
    assert!(log.iter().any(|e| e.action == "inspection.update"));
    assert!(!s
        .audit_log(&subtree(&other), 0)
        .await
        .unwrap()
        .iter()
        .any(|e| e.object == format!("inspection:{}", a.id)));
}

async fn checklist_versions_and_concluded_refusals(s: Store) {
    let u = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let v = s.ensure_unit_path("ha-tinh/huyen-ky-anh").await.unwrap();
    let i = s
        .create_inspection(&new_inspection("KT-1", &[&u], None), &inspector())
        .await
        .unwrap();
    let c1 = checklist_json(&u.path, r#"{"id":"pc-1","answer":"compliant"}"#);
    let r = s
        .save_checklist(i.id, u.id, &c1, 1, &Actor::user(7, "can-bo"))
        .await
        .unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.checklist, c1);
    assert_eq!(r.updated_by, "can-bo");
    // A stale version (someone else saved meanwhile) is refused and changes nothing.
    let c2 = checklist_json(&u.path, r#"{"id":"pc-1","answer":"not-compliant"}"#);
    assert!(matches!(
        s.save_checklist(i.id, u.id, &c2, 1, &inspector()).await,
        Err(StoreError::Conflict(m)) if m.contains("version 2")
    ));
    assert_eq!(
        s.checklist(i.id, u.id).await.unwrap().unwrap().checklist,
        c1
    );
    let r = s
        .save_checklist(i.id, u.id, &c2, 2, &inspector())
        .await
        .unwrap();
    assert_eq!(r.version, 3);
    // A unit outside the inspection, an unknown inspection, an empty checklist.
    assert!(matches!(
        s.save_checklist(i.id, v.id, &c2, 1, &inspector()).await,
        Err(StoreError::NotFound("checklist"))
    ));
    assert!(matches!(
        s.save_checklist(999_999, u.id, &c2, 1, &inspector()).await,
        Err(StoreError::NotFound("inspection"))
    ));
    assert!(matches!(
        s.save_checklist(i.id, u.id, " ", 3, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));

    // Concluded: no more saves, documents, evidence; a second conclusion is refused.
    let out = s
        .conclude_inspection(i.id, &[], &inspector())
        .await
        .unwrap();
    assert_eq!(out, ConcludeOutcome::default());
    let got = s.inspection(i.id).await.unwrap().unwrap();
    assert_eq!(got.state, InspectionState::Concluded);
    assert!(got.concluded_at.is_some());
    assert!(matches!(
        s.save_checklist(i.id, u.id, &c2, 3, &inspector()).await,
        Err(StoreError::Conflict(m)) if m.contains("concluded")
    ));
    assert!(matches!(
        s.update_inspection_document(i.id, "{}", &inspector()).await,
        Err(StoreError::Conflict(_))
    ));
    let body = b"anh chup".to_vec();
    assert!(matches!(
        s.add_evidence(
            &NewEvidence {
                inspection_id: i.id,
                unit_id: u.id,
                item_id: "pc-1".into(),
                file_name: "a.jpg".into(),
                media_type: "image/jpeg".into(),
                sha256: sha(&body),
                body,
            },
            &c2,
            3,
            &inspector()
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.conclude_inspection(i.id, &[], &inspector()).await,
        Err(StoreError::Conflict(m)) if m.contains("already concluded")
    ));
    assert!(s.evidence_list(i.id, u.id).await.unwrap().is_empty());
    // No finding at all: no site host was created.
    let hosts = s
        .hosts(
            &Scope::All,
            &HostFilter {
                include_sites: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(hosts.is_empty());
    // An outcome for a unit outside the inspection is refused.
    let j = s
        .create_inspection(&new_inspection("KT-2", &[&u], None), &inspector())
        .await
        .unwrap();
    assert!(matches!(
        s.conclude_inspection(
            j.id,
            &[UnitOutcome {
                unit_id: v.id,
                findings: vec![],
                compliant_keys: vec![],
            }],
            &inspector()
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.inspection(j.id).await.unwrap().unwrap().state,
        InspectionState::Open
    );
}

async fn evidence_round_trip(s: Store) {
    let u = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let i = s
        .create_inspection(&new_inspection("KT-1", &[&u], None), &inspector())
        .await
        .unwrap();
    // Every byte value, a NUL, and invalid UTF-8 come back exactly.
    let mut body: Vec<u8> = (0..=255u8).collect();
    body.extend_from_slice(&[0, 0xff, 0xfe, 0xc3, 0x28]);
    body.extend(std::iter::repeat_n(0xabu8, 100_000));
    let cl = checklist_json(&u.path, r#"{"id":"phys-1","evidence":["anh-tu-khoa.jpg"]}"#);
    let e = NewEvidence {
        inspection_id: i.id,
        unit_id: u.id,
        item_id: "phys-1".into(),
        file_name: "ảnh tủ khoá.jpg".into(),
        media_type: "image/jpeg".into(),
        sha256: sha(&body),
        body: body.clone(),
    };
    let m = s.add_evidence(&e, &cl, 1, &inspector()).await.unwrap();
    assert_eq!(m.size, body.len() as i64);
    assert_eq!(m.sha256, sha(&body));
    assert_eq!(m.file_name, "ảnh tủ khoá.jpg");
    assert_eq!(m.uploaded_by, "thanh-tra");
    // The checklist that references it was saved in the same transaction.
    let c = s.checklist(i.id, u.id).await.unwrap().unwrap();
    assert_eq!((c.version, c.checklist.as_str()), (2, cl.as_str()));
    let (meta, bytes) = s.evidence(m.id).await.unwrap().unwrap();
    assert_eq!(bytes, body);
    assert_eq!(meta.id, m.id);
    assert_eq!(meta.item_id, "phys-1");
    assert!(s.evidence(999_999).await.unwrap().is_none());

    // Stale version: neither the file nor the checklist is stored.
    let e2 = NewEvidence {
        file_name: "bien-ban.pdf".into(),
        media_type: "application/pdf".into(),
        ..e.clone()
    };
    assert!(matches!(
        s.add_evidence(&e2, "{\"x\":1}", 1, &inspector()).await,
        Err(StoreError::Conflict(_))
    ));
    // A digest that does not match the bytes, a malformed digest, an empty file.
    let mut wrong = e2.clone();
    wrong.sha256 = sha(b"other");
    assert!(matches!(
        s.add_evidence(&wrong, &cl, 2, &inspector()).await,
        Err(StoreError::Invalid(m)) if m.contains("does not match")
    ));
    let mut shape = e2.clone();
    shape.sha256 = "ABC".into();
    assert!(matches!(
        s.add_evidence(&shape, &cl, 2, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    let mut empty = e2.clone();
    empty.body.clear();
    empty.sha256 = sha(b"");
    assert!(matches!(
        s.add_evidence(&empty, &cl, 2, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    let m2 = s.add_evidence(&e2, &cl, 2, &inspector()).await.unwrap();
    let list = s.evidence_list(i.id, u.id).await.unwrap();
    assert_eq!(list.iter().map(|m| m.id).collect::<Vec<_>>(), [m.id, m2.id]);
    assert_eq!(s.checklist(i.id, u.id).await.unwrap().unwrap().version, 3);
    let log = s.audit_log(&subtree(&u), 0).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "evidence.add").count(), 2);
}

async fn conclusion_findings_on_site_host(s: Store) {
    let now = t0();
    let (city, a1) = enrolled(&s, "ha-tinh/tp-ha-tinh", "pc-01", 1).await;
    s.rename_unit(city.id, "UBND thành phố Hà Tĩnh", &inspector())
        .await
        .unwrap();
    let city = s.unit(city.id).await.unwrap().unwrap();
    let province = s.unit(city.parent_id.unwrap()).await.unwrap().unwrap();
    let (_, host1) = ingest(
        &s,
        a1.id,
        1,
        &report("pc-01", &[("F-os", Severity::Critical)]),
    )
    .await;
    let before = s
        .overview(&Scope::All, now, Duration::hours(1))
        .await
        .unwrap();

    let i = s
        .create_inspection(&new_inspection("KT-1", &[&city], None), &inspector())
        .await
        .unwrap();
    let fs = vec![
        site_finding(
            "F-cabinet",
            FindingKind::Physical,
            Severity::High,
            &[
                ("owner", "Phòng Văn hoá – Thông tin"),
                ("deadline", "2026-12-31"),
            ],
        ),
        site_finding("F-training", FindingKind::Process, Severity::Medium, &[]),
        site_finding("F-recorder", FindingKind::Physical, Severity::Critical, &[]),
        // Listed twice: the most severe wins.
        site_finding("F-training", FindingKind::Process, Severity::High, &[]),
    ];
    let out = s
        .conclude_inspection(
            i.id,
            &[UnitOutcome {
                unit_id: city.id,
                findings: fs,
                compliant_keys: vec!["F-unknown".into()],
            }],
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        ConcludeOutcome {
            opened: 3,
            reopened: 0,
            kept: 0,
            fixed: 0
        }
    );

    // The site host: listed only on request, named after the unit, never counted as a host.
    let agents_only = s.hosts(&Scope::All, &HostFilter::default()).await.unwrap();
    assert_eq!(agents_only.len(), 1);
    assert_eq!(agents_only[0].id, host1);
    assert_eq!(agents_only[0].kind, "agent");
    let all = s
        .hosts(
            &Scope::All,
            &HostFilter {
                include_sites: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let site = all.iter().find(|h| h.kind == HOST_KIND_SITE).unwrap();
    assert_eq!(site.hostname, "UBND thành phố Hà Tĩnh");
    assert_eq!(site.os_name, "");
    assert_eq!(site.agent_id, None);
    assert_eq!(
        (site.open_critical, site.open_high, site.open_total),
        (1, 2, 3)
    );
    assert_eq!(s.host(site.id).await.unwrap().unwrap().kind, "site");
    // Never silent either.
    let silent = s
        .hosts(
            &Scope::All,
            &HostFilter {
                silent_since: Some(now + Duration::days(1)),
                include_sites: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(silent.iter().map(|h| h.id).collect::<Vec<_>>(), [host1]);

    // Overview: the same host numbers, the site findings counted as open findings.
    let ov = s
        .overview(&Scope::All, now, Duration::hours(1))
        .await
        .unwrap();
    for (b, a) in before.units.iter().zip(ov.units.iter()) {
        assert_eq!(
            (b.hosts, b.hosts_reporting, b.hosts_silent, b.hosts_os_eol),
            (a.hosts, a.hosts_reporting, a.hosts_silent, a.hosts_os_eol),
            "{}",
            a.unit.path
        );
    }
    let top = ov.units.iter().find(|u| u.unit.id == province.id).unwrap();
    assert_eq!(top.hosts, 1);
    assert_eq!(top.hosts_reporting, 1);
    assert_eq!(top.hosts_silent, 0);
    assert_eq!(
        (top.open_critical, top.open_high, top.open_total),
        (2, 2, 4)
    );
    let last = ov.trend.last().unwrap();
    assert_eq!(
        (last.open_critical, last.open_high, last.open_total),
        (2, 2, 4)
    );
    assert_eq!(last.reports, 1, "a conclusion is not a report");

    // The findings: new, kind physical/process, owner and due from the attributes.
    let rows = site_findings(&s, &city).await;
    assert_eq!(rows.len(), 3);
    let cab = by_key(&rows, "F-cabinet");
    assert_eq!(cab.state, FindingState::New);
    assert_eq!(cab.kind, "physical");
    assert_eq!(cab.owner.as_deref(), Some("Phòng Văn hoá – Thông tin"));
    assert_eq!(cab.due, Some(time::macros::date!(2026 - 12 - 31)));
    assert_eq!(cab.unit_path, city.path);
    assert_eq!(cab.host_id, site.id);
    let tr = by_key(&rows, "F-training");
    assert_eq!((tr.kind.as_str(), tr.severity), ("process", Severity::High));
    assert_eq!(tr.owner, None);
    let kinds = s
        .findings(
            &Scope::All,
            &FindingFilter {
                kind: Some("physical".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(kinds.len(), 2);
    let h = s.finding_history(cab.id).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        (
            h[0].event.as_str(),
            h[0].actor.as_str(),
            h[0].detail.as_str()
        ),
        ("new", "thanh-tra", "inspection KT-1")
    );
    // An agent's findings keep their derived "new" entry.
    let agent_f = s
        .findings(
            &Scope::All,
            &FindingFilter {
                host_id: Some(host1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ah = s.finding_history(agent_f[0].id).await.unwrap();
    assert_eq!(ah[0].event, "new");
    assert_eq!(ah[0].actor, format!("agent:{}", a1.id));

    // Audit, and the state.
    assert!(s
        .audit_log(&subtree(&city), 0)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == "inspection.conclude" && e.detail.contains("opened 3")));
    assert_eq!(
        s.inspection(i.id).await.unwrap().unwrap().state,
        InspectionState::Concluded
    );
    // The agent ingests again: the site findings stay untouched.
    ingest(&s, a1.id, 2, &report("pc-01", &[])).await;
    assert_eq!(
        site_findings(&s, &city)
            .await
            .iter()
            .filter(|f| f.state != FindingState::Fixed)
            .count(),
        3
    );
    let ov = s
        .overview(&Scope::All, now, Duration::hours(1))
        .await
        .unwrap();
    let top = ov.units.iter().find(|u| u.unit.id == province.id).unwrap();
    assert_eq!((top.hosts, top.open_total), (1, 3));
    // Renaming the unit renames its site host.
    s.rename_unit(city.id, "UBND TP Hà Tĩnh", &inspector())
        .await
        .unwrap();
    assert_eq!(
        s.host(site.id).await.unwrap().unwrap().hostname,
        "UBND TP Hà Tĩnh"
    );
    assert_eq!(s.host(host1).await.unwrap().unwrap().hostname, "pc-01");
}

async fn follow_up_fixes_and_leaves(s: Store) {
    let city = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let ward = s
        .ensure_unit_path("ha-tinh/tp-ha-tinh/phuong-bac-ha")
        .await
        .unwrap();
    let first = s
        .create_inspection(&new_inspection("KT-1", &[&city, &ward], None), &inspector())
        .await
        .unwrap();
    let f = |k: &str| {
        site_finding(
            k,
            FindingKind::Physical,
            Severity::High,
            &[("deadline", "2026-12-31")],
        )
    };
    s.conclude_inspection(
        first.id,
        &[
            UnitOutcome {
                unit_id: city.id,
                findings: vec![f("F-a"), f("F-b"), f("F-c"), f("F-d")],
                compliant_keys: vec![],
            },
            UnitOutcome {
                unit_id: ward.id,
                findings: vec![f("F-w")],
                compliant_keys: vec![],
            },
        ],
        &inspector(),
    )
    .await
    .unwrap();
    // Someone set a due date on F-c meanwhile: the next deadline does not replace it.
    let c_id = by_key(&site_findings(&s, &city).await, "F-c").id;
    s.assign_findings(
        &[c_id],
        None,
        Some(time::macros::date!(2026 - 12 - 01)),
        &inspector(),
    )
    .await
    .unwrap();

    // The follow-up: F-a answered compliant → fixed; F-b unanswered → left; F-c still not
    // compliant → kept (open); F-d compliant → fixed; F-e new. The ward is not in it.
    let second = s
        .create_inspection(
            &new_inspection("KT-2", &[&city], Some(first.id)),
            &inspector(),
        )
        .await
        .unwrap();
    let mut fc = f("F-c");
    fc.attributes.insert("deadline".into(), "2027-03-31".into());
    fc.attributes.insert("owner".into(), "Văn phòng".into());
    let out = s
        .conclude_inspection(
            second.id,
            &[UnitOutcome {
                unit_id: city.id,
                findings: vec![fc, f("F-e")],
                compliant_keys: vec!["F-a".into(), "F-d".into(), "F-nope".into()],
            }],
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        ConcludeOutcome {
            opened: 1,
            reopened: 0,
            kept: 1,
            fixed: 2
        }
    );
    let rows = site_findings(&s, &city).await;
    assert_eq!(by_key(&rows, "F-a").state, FindingState::Fixed);
    assert!(by_key(&rows, "F-a").fixed_at.is_some());
    assert_eq!(
        by_key(&rows, "F-b").state,
        FindingState::New,
        "not assessed verifies nothing"
    );
    let c = by_key(&rows, "F-c");
    assert_eq!(c.state, FindingState::Open);
    assert_eq!(c.due, Some(time::macros::date!(2026 - 12 - 01)));
    assert_eq!(c.owner.as_deref(), Some("Văn phòng"));
    assert_eq!(by_key(&rows, "F-d").state, FindingState::Fixed);
    assert_eq!(by_key(&rows, "F-e").state, FindingState::New);
    let ha = s.finding_history(by_key(&rows, "F-a").id).await.unwrap();
    assert_eq!(
        ha.iter()
            .map(|e| (e.event.as_str(), e.detail.as_str()))
            .collect::<Vec<_>>(),
        [("new", "inspection KT-1"), ("fixed", "inspection KT-2")]
    );
    // The ward, not in the follow-up, is untouched.
    assert_eq!(
        by_key(&site_findings(&s, &ward).await, "F-w").state,
        FindingState::New
    );
    // Counters follow: city site host has F-b, F-c, F-e open.
    let site = s
        .hosts(
            &subtree(&city),
            &HostFilter {
                include_sites: true,
                q: Some("tp-ha-tinh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.unit_id == city.id && h.kind == "site")
        .unwrap();
    assert_eq!((site.open_high, site.open_total), (3, 3));
    let ov = s
        .overview(&subtree(&city), t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(ov.units[0].open_total, 4, "city 3 + ward 1");
    assert_eq!(ov.units[0].hosts, 0);
    assert_eq!(ov.trend.last().unwrap().open_total, 4);

    // A third inspection finds F-a again: reopened.
    let third = s
        .create_inspection(
            &new_inspection("KT-3", &[&city], Some(second.id)),
            &inspector(),
        )
        .await
        .unwrap();
    let out = s
        .conclude_inspection(
            third.id,
            &[UnitOutcome {
                unit_id: city.id,
                findings: vec![f("F-a")],
                compliant_keys: vec!["F-b".into(), "F-c".into(), "F-e".into()],
            }],
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        ConcludeOutcome {
            opened: 0,
            reopened: 1,
            kept: 0,
            fixed: 3
        }
    );
    let rows = site_findings(&s, &city).await;
    let a = by_key(&rows, "F-a");
    assert_eq!(a.state, FindingState::Reopened);
    assert!(a.fixed_at.is_none());
    let ov = s
        .overview(&subtree(&city), t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(ov.units[0].open_total, 2, "city 1 + ward 1");
    // A bad deadline is refused and the conclusion rolls back.
    let fourth = s
        .create_inspection(&new_inspection("KT-4", &[&city], None), &inspector())
        .await
        .unwrap();
    let mut bad = f("F-z");
    bad.attributes
        .insert("deadline".into(), "31/12/2026".into());
    assert!(matches!(
        s.conclude_inspection(
            fourth.id,
            &[UnitOutcome {
                unit_id: city.id,
                findings: vec![bad],
                compliant_keys: vec!["F-a".into()],
            }],
            &inspector()
        )
        .await,
        Err(StoreError::Invalid(m)) if m.contains("deadline")
    ));
    assert_eq!(
        s.inspection(fourth.id).await.unwrap().unwrap().state,
        InspectionState::Open
    );
    assert_eq!(
        by_key(&site_findings(&s, &city).await, "F-a").state,
        FindingState::Reopened
    );
}

async fn site_findings_assign_and_waive(s: Store) {
    let city = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let i = s
        .create_inspection(&new_inspection("KT-1", &[&city], None), &inspector())
        .await
        .unwrap();
    s.conclude_inspection(
        i.id,
        &[UnitOutcome {
            unit_id: city.id,
            findings: vec![site_finding(
                "F-a",
                FindingKind::Process,
                Severity::Low,
                &[],
            )],
            compliant_keys: vec![],
        }],
        &inspector(),
    )
    .await
    .unwrap();
    let fid = site_findings(&s, &city).await[0].id;
    let user = s
        .create_user(
            &NewUser {
                username: "can-bo".into(),
                display_name: "Cán bộ".into(),
                password_phc: format!("$argon2id$v=19$m=19456,t=2,p=1${}", sha(b"x")),
                role: Role::UnitAdmin,
                unit_id: Some(city.id),
                must_change_password: false,
            },
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(
        s.assign_findings(&[fid], Some(user.id), None, &inspector())
            .await
            .unwrap(),
        1
    );
    let w = s
        .create_waiver(
            &NewWaiver {
                finding_id: fid,
                justification: "Đã có kế hoạch tập huấn quý I".into(),
                approver: "Giám đốc".into(),
                expires_on: (t0() + Duration::days(30)).date(),
            },
            &inspector(),
        )
        .await
        .unwrap();
    let f = s.finding(fid).await.unwrap().unwrap();
    assert_eq!(f.assignee.map(|a| a.0), Some(user.id));
    assert_eq!(f.waiver.map(|x| x.id), Some(w.id));
    assert_eq!(s.waivers(&subtree(&city)).await.unwrap().len(), 1);
    let events: Vec<String> = s
        .finding_history(fid)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(events, ["new", "assigned", "waived"]);
}

async fn handovers_lifecycle(s: Store) {
    let (city, a1) = enrolled(&s, "ha-tinh/tp-ha-tinh", "pc-01", 1).await;
    let (other, a2) = enrolled(&s, "ha-tinh/huyen-ky-anh", "pc-02", 2).await;
    let (_, h1) = ingest(&s, a1.id, 1, &report("pc-01", &[])).await;
    let (r2, h2) = ingest(&s, a2.id, 1, &report("pc-02", &[])).await;
    let day = time::macros::date!(2026 - 11 - 20);
    let ho1 = s
        .create_handover(
            &NewHandover {
                host_id: h1,
                date: day,
                reason: "Chuyển máy cho cán bộ mới".into(),
            },
            &inspector(),
        )
        .await
        .unwrap();
    assert_eq!(ho1.state, HandoverState::Open);
    assert_eq!(
        (ho1.hostname.as_str(), ho1.unit_path.as_str()),
        ("pc-01", city.path.as_str())
    );
    assert_eq!(ho1.date, day);
    assert_eq!(ho1.status, "");
    assert_eq!(ho1.opened_by, "thanh-tra");
    let ho2 = s
        .create_handover(
            &NewHandover {
                host_id: h2,
                date: day,
                reason: "Đổi chức năng".into(),
            },
            &inspector(),
        )
        .await
        .unwrap();
    // Refusals: unknown host, empty reason, a site host.
    assert!(matches!(
        s.create_handover(
            &NewHandover {
                host_id: 999_999,
                date: day,
                reason: "x".into()
            },
            &inspector()
        )
        .await,
        Err(StoreError::NotFound("host"))
    ));
    assert!(matches!(
        s.create_handover(
            &NewHandover {
                host_id: h1,
                date: day,
                reason: " ".into()
            },
            &inspector()
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let i = s
        .create_inspection(&new_inspection("KT-1", &[&city], None), &inspector())
        .await
        .unwrap();
    s.conclude_inspection(
        i.id,
        &[UnitOutcome {
            unit_id: city.id,
            findings: vec![site_finding(
                "F-a",
                FindingKind::Process,
                Severity::Low,
                &[],
            )],
            compliant_keys: vec![],
        }],
        &inspector(),
    )
    .await
    .unwrap();
    let site_id = site_findings(&s, &city).await[0].host_id;
    assert!(matches!(
        s.create_handover(
            &NewHandover {
                host_id: site_id,
                date: day,
                reason: "x".into()
            },
            &inspector()
        )
        .await,
        Err(StoreError::Invalid(_))
    ));

    // Lists: newest first, scoped, open only.
    let ids = |v: Vec<HandoverRow>| v.into_iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.handovers(&Scope::All, false).await.unwrap()),
        [ho2.id, ho1.id]
    );
    assert_eq!(
        ids(s.handovers(&subtree(&city), false).await.unwrap()),
        [ho1.id]
    );
    assert_eq!(
        ids(s.handovers(&subtree(&other), true).await.unwrap()),
        [ho2.id]
    );
    let ov = s
        .overview(&Scope::All, t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(ov.open_handovers, 2);
    let ov = s
        .overview(&subtree(&city), t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(ov.open_handovers, 1);

    // An evaluation that does not close it, then one that does.
    s.record_handover_status(ho1.id, r#"{"os_reinstalled":false}"#, None)
        .await
        .unwrap();
    let got = s.handover(ho1.id).await.unwrap().unwrap();
    assert_eq!(
        (got.state, got.status.as_str()),
        (HandoverState::Open, r#"{"os_reinstalled":false}"#)
    );
    // A report of another host cannot close it.
    assert!(matches!(
        s.record_handover_status(ho1.id, "{}", Some(r2)).await,
        Err(StoreError::Invalid(_))
    ));
    let (r1b, _) = ingest(&s, a1.id, 2, &report("pc-01", &[])).await;
    s.record_handover_status(ho1.id, r#"{"os_reinstalled":true}"#, Some(r1b))
        .await
        .unwrap();
    let got = s.handover(ho1.id).await.unwrap().unwrap();
    assert_eq!(got.state, HandoverState::Closed);
    assert_eq!(got.closed_report_id, Some(r1b));
    assert!(got.closed_at.is_some());
    assert_eq!(got.status, r#"{"os_reinstalled":true}"#);
    // A late evaluation changes nothing; an exception on a closed one is refused.
    s.record_handover_status(ho1.id, "{}", None).await.unwrap();
    assert_eq!(
        s.handover(ho1.id).await.unwrap().unwrap().status,
        r#"{"os_reinstalled":true}"#
    );
    assert!(matches!(
        s.handover_exception(ho1.id, "x", &inspector()).await,
        Err(StoreError::Conflict(_))
    ));

    // Exception: closed by an inspector.
    assert!(matches!(
        s.handover_exception(ho2.id, "", &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    s.handover_exception(
        ho2.id,
        "Máy thanh lý, đã huỷ ổ cứng",
        &Actor::user(3, "thanh-tra-2"),
    )
    .await
    .unwrap();
    let got = s.handover(ho2.id).await.unwrap().unwrap();
    assert_eq!(got.state, HandoverState::Exception);
    assert_eq!(got.exception_by.as_deref(), Some("thanh-tra-2"));
    assert_eq!(
        got.exception_reason.as_deref(),
        Some("Máy thanh lý, đã huỷ ổ cứng")
    );
    assert!(got.closed_at.is_some());
    assert!(s.handovers(&Scope::All, true).await.unwrap().is_empty());
    assert_eq!(s.handovers(&Scope::All, false).await.unwrap().len(), 2);
    assert!(matches!(
        s.handover_exception(999_999, "x", &inspector()).await,
        Err(StoreError::NotFound("handover"))
    ));
    assert!(matches!(
        s.record_handover_status(999_999, "{}", None).await,
        Err(StoreError::NotFound("handover"))
    ));
    assert!(s.handover(999_999).await.unwrap().is_none());
    assert_eq!(
        s.overview(&Scope::All, t0(), Duration::hours(1))
            .await
            .unwrap()
            .open_handovers,
        0
    );
    // Audit rows: open, close (by the system), exception.
    let log = s.audit_log(&Scope::All, 0).await.unwrap();
    let acts: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.action.starts_with("handover."))
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        acts,
        [
            ("handover.exception", "thanh-tra-2"),
            ("handover.close", "system"),
            ("handover.open", "thanh-tra"),
            ("handover.open", "thanh-tra"),
        ]
    );
}

async fn state_secret_and_marks(s: Store) {
    let (city, a1) = enrolled(&s, "ha-tinh/tp-ha-tinh", "pc-01", 1).await;
    let (other, a2) = enrolled(&s, "ha-tinh/huyen-ky-anh", "pc-02", 2).await;
    // No host yet: no marks.
    assert!(s.host_marks_by_agent(a1.id).await.unwrap().is_none());
    assert!(s.host_marks_by_agent(999_999).await.unwrap().is_none());
    let (_, h1) = ingest(&s, a1.id, 1, &report("pc-01", &[])).await;
    let (_, h2) = ingest(&s, a2.id, 1, &report("pc-02", &[])).await;
    let m = s.host_marks_by_agent(a1.id).await.unwrap().unwrap();
    assert_eq!(m.host_id, h1);
    assert!(!m.state_secret);
    assert!(m.open_handovers.is_empty());

    s.set_state_secret(h1, true, &inspector()).await.unwrap();
    assert!(s.host(h1).await.unwrap().unwrap().state_secret);
    let ho_a = s
        .create_handover(
            &NewHandover {
                host_id: h1,
                date: time::macros::date!(2026 - 11 - 01),
                reason: "a".into(),
            },
            &inspector(),
        )
        .await
        .unwrap();
    let ho_b = s
        .create_handover(
            &NewHandover {
                host_id: h1,
                date: time::macros::date!(2026 - 11 - 02),
                reason: "b".into(),
            },
            &inspector(),
        )
        .await
        .unwrap();
    s.create_handover(
        &NewHandover {
            host_id: h2,
            date: time::macros::date!(2026 - 11 - 02),
            reason: "c".into(),
        },
        &inspector(),
    )
    .await
    .unwrap();
    let m = s.host_marks_by_agent(a1.id).await.unwrap().unwrap();
    assert!(m.state_secret);
    assert_eq!(
        m.open_handovers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [ho_a.id, ho_b.id]
    );
    assert_eq!(m.open_handovers[0].hostname, "pc-01");
    assert_eq!(m.open_handovers[0].unit_path, city.path);
    s.handover_exception(ho_a.id, "ok", &inspector())
        .await
        .unwrap();
    let m = s.host_marks_by_agent(a1.id).await.unwrap().unwrap();
    assert_eq!(
        m.open_handovers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [ho_b.id]
    );
    let m2 = s.host_marks_by_agent(a2.id).await.unwrap().unwrap();
    assert_eq!(
        (m2.host_id, m2.state_secret, m2.open_handovers.len()),
        (h2, false, 1)
    );

    // Overview counts in scope.
    let ov = s
        .overview(&Scope::All, t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!((ov.state_secret_hosts, ov.open_handovers), (1, 2));
    let ov = s
        .overview(&subtree(&other), t0(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!((ov.state_secret_hosts, ov.open_handovers), (0, 1));
    s.set_state_secret(h1, false, &inspector()).await.unwrap();
    assert!(!s.host(h1).await.unwrap().unwrap().state_secret);
    assert_eq!(
        s.overview(&Scope::All, t0(), Duration::hours(1))
            .await
            .unwrap()
            .state_secret_hosts,
        0
    );
    // Unknown host; a site host.
    assert!(matches!(
        s.set_state_secret(999_999, true, &inspector()).await,
        Err(StoreError::NotFound("host"))
    ));
    let i = s
        .create_inspection(&new_inspection("KT-1", &[&city], None), &inspector())
        .await
        .unwrap();
    s.conclude_inspection(
        i.id,
        &[UnitOutcome {
            unit_id: city.id,
            findings: vec![site_finding(
                "F-a",
                FindingKind::Process,
                Severity::Low,
                &[],
            )],
            compliant_keys: vec![],
        }],
        &inspector(),
    )
    .await
    .unwrap();
    let site_id = site_findings(&s, &city).await[0].host_id;
    assert!(matches!(
        s.set_state_secret(site_id, true, &inspector()).await,
        Err(StoreError::Invalid(_))
    ));
    let log = s.audit_log(&subtree(&city), 0).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "host.state-secret.on" && e.object == format!("host:{h1}")));
    assert!(log.iter().any(|e| e.action == "host.state-secret.off"));
}

async fn concurrent_saves_and_conclusions(s: Store) {
    let city = s.ensure_unit_path("ha-tinh/tp-ha-tinh").await.unwrap();
    let i = s
        .create_inspection(&new_inspection("KT-0", &[&city], None), &inspector())
        .await
        .unwrap();
    // Eight editors save from the same version: exactly one wins.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let s = s.clone();
        let cl = checklist_json(&city.path, &format!(r#"{{"editor":{n}}}"#));
        tasks.push(tokio::spawn(async move {
            s.save_checklist(i.id, city.id, &cl, 1, &inspector()).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => {
                assert_eq!(r.version, 2);
                ok += 1;
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(
        s.checklist(i.id, city.id).await.unwrap().unwrap().version,
        2
    );

    // Four inspections of the same unit concluded at once: one site host, every finding on it,
    // the counters exact.
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(
            s.create_inspection(
                &new_inspection(&format!("KT-{n}"), &[&city], None),
                &inspector(),
            )
            .await
            .unwrap()
            .id,
        );
    }
    let mut tasks = Vec::new();
    for (n, id) in ids.into_iter().enumerate() {
        let s = s.clone();
        let cid = city.id;
        tasks.push(tokio::spawn(async move {
            s.conclude_inspection(
                id,
                &[UnitOutcome {
                    unit_id: cid,
                    findings: vec![
                        site_finding(
                            &format!("F-{n}"),
                            FindingKind::Physical,
                            Severity::High,
                            &[],
                        ),
                        site_finding("F-shared", FindingKind::Process, Severity::Critical, &[]),
                    ],
                    compliant_keys: vec![],
                }],
                &inspector(),
            )
            .await
        }));
    }
    let mut opened = 0;
    for t in tasks {
        let o = t.await.unwrap().unwrap();
        opened += o.opened;
    }
    assert_eq!(opened, 5, "F-0..F-3 and F-shared once");
    let sites: Vec<HostRow> = s
        .hosts(
            &Scope::All,
            &HostFilter {
                include_sites: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(
        (
            sites[0].open_critical,
            sites[0].open_high,
            sites[0].open_total
        ),
        (1, 4, 5)
    );
    let ov = s
        .overview(&Scope::All, t0(), Duration::hours(1))
        .await
        .unwrap();
    let top = &ov.units[0];
    assert_eq!(
        (top.hosts, top.open_critical, top.open_high, top.open_total),
        (0, 1, 4, 5)
    );
    assert_eq!(ov.trend.last().unwrap().open_total, 5);
}

// ---------------------------------------------------------------- migration 2 → 3

async fn migrate_2_to_3(url: &str) {
    let v2 = Store::open_at(url, Some(2)).await.unwrap();
    assert_eq!(v2.schema_version().await.unwrap(), 2);
    let (_, a) = enrolled(&v2, "ha-tinh/tp-ha-tinh", "pc-01", 1).await;
    let (_, host) = ingest(&v2, a.id, 1, &report("pc-01", &[("F-1", Severity::High)])).await;
    drop(v2);
    let s = Store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), 3);
    let h = s.host(host).await.unwrap().unwrap();
    assert_eq!((h.kind.as_str(), h.state_secret), ("agent", false));
    let f = s
        .findings(&Scope::All, &FindingFilter::default())
        .await
        .unwrap();
    assert_eq!((f.len(), f[0].owner.clone()), (1, None));
    let m = s.host_marks_by_agent(a.id).await.unwrap().unwrap();
    assert_eq!((m.host_id, m.state_secret), (host, false));
    assert!(s.inspections(&Scope::All).await.unwrap().is_empty());
}

#[tokio::test]
async fn migration_2_to_3_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("m.db").display());
    migrate_2_to_3(&url).await;
}

#[tokio::test]
async fn migration_2_to_3_postgres() {
    let Some(pg) = PgCluster::shared() else {
        return;
    };
    let url = pg.create_database("insp_migration").await.unwrap();
    migrate_2_to_3(&url).await;
}
