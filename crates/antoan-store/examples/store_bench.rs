//! Store-level benchmark (no HTTP): ingest throughput and overview latency.
//!
//! cargo run --release -p antoan-store --features testing --example store_bench -- [sqlite|postgres] [HOSTS] [ROUNDS] [CONC]
//!
//! Builds reports of ~1,000 packages and ~50 findings for HOSTS hosts, ingests
//! them ROUNDS times with CONC concurrent tasks (round 2+ changes a tenth of the
//! findings: the steady state), then times 200 overview calls.

use std::time::Instant;

use antoan_model::*;
use antoan_store::*;
use sha2::Digest;
use time::{Duration, OffsetDateTime};

fn report(host: usize, round: usize) -> Report {
    let packages = (0..1000)
        .map(|i| Package {
            name: format!("package-{i}"),
            version: format!("1.{i}.{host}-1+deb12u1"),
            arch: "amd64".into(),
            source_name: format!("src-{i}"),
            source_version: format!("1.{i}"),
            manager: PackageManager::Dpkg,
            vendor: String::new(),
        })
        .collect();
    let findings = (0..50)
        .map(|i| {
            // Round r: findings 0..5 replaced by new ones (fixed + new).
            let k = if i < 5 && round > 0 {
                1000 * round + i
            } else {
                i
            };
            Finding {
                id: format!("F-{host:06}-{k:04}"),
                check: if k == 0 {
                    "eol.os".into()
                } else {
                    format!("check.{}", k % 40)
                },
                kind: if k == 0 {
                    FindingKind::Eol
                } else {
                    FindingKind::Config
                },
                severity: Severity::ALL[k % 5],
                status: FindingStatus::Open,
                subject: format!("subject {k}"),
                title: Text::new(
                    format!("Tiêu đề phát hiện số {k} về cấu hình"),
                    format!("Finding {k} about configuration"),
                ),
                remediation: Text::new(
                    "Sửa cấu hình theo hướng dẫn",
                    "Fix the configuration as described",
                ),
                evidence: vec![Evidence::new(
                    "/etc/ssh/sshd_config:12",
                    "PermitRootLogin yes",
                )],
                controls: vec!["C-1".into()],
                reason: None,
                attributes: Default::default(),
                references: vec![],
            }
        })
        .collect();
    Report {
        schema_version: antoan_model::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "bench".into(),
        },
        generated_at: "2026-11-24T10:00:00Z".into(),
        host: HostInfo {
            hostname: format!("pc-{host:05}"),
            os: OsInfo {
                family: OsFamily::Linux,
                name: "Debian GNU/Linux".into(),
                version: "12".into(),
                ..Default::default()
            },
            architecture: "x86_64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory: Inventory {
            packages,
            ..Default::default()
        },
        findings,
        checks: vec![],
        summary: Summary::default(),
        score: Score {
            value: 70,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

fn sha(s: &str) -> String {
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let hosts: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2);
    let conc: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(32);
    let dir = tempfile::tempdir().unwrap();
    let _pg;
    let url = match backend {
        "postgres" => {
            let pg = antoan_store::testing::PgCluster::start().unwrap();
            let url = pg.create_database("bench").await.unwrap();
            _pg = pg;
            url
        }
        _ => format!("sqlite:{}", dir.path().join("bench.db").display()),
    };
    let s = Store::open(&url).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let mut agents = Vec::with_capacity(hosts);
    for w in 0..100 {
        let u = s
            .ensure_unit_path(&format!("tinh/tp-{}/phuong-{w}", w / 10))
            .await
            .unwrap();
        s.create_enrollment_token(
            u.id,
            &sha(&format!("t{w}")),
            now + Duration::days(1),
            &Actor::system(),
        )
        .await
        .unwrap();
    }
    let key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for h in 0..hosts {
        let a = s
            .enroll_agent(
                &sha(&format!("t{}", h % 100)),
                key,
                &format!("pc-{h:05}"),
                "Debian 12",
                now,
            )
            .await
            .unwrap();
        agents.push(a.id);
    }
    for round in 0..rounds {
        // Build every submission before the clock starts, as an agent would send it.
        let t = Instant::now();
        let subs: Vec<(i64, Report, Vec<u8>)> = (0..hosts)
            .map(|h| {
                // 500 distinct report bodies, shared by hosts (finding keys are per host in the
                // store anyway): 10,000 distinct 160 KB reports would not fit in memory twice.
                let r = report(h % 500, round);
                let json = serde_json::to_vec(&r).unwrap();
                (agents[h], r, json)
            })
            .collect();
        let avg = subs.iter().map(|s| s.2.len()).sum::<usize>() / hosts.max(1);
        eprintln!(
            "round {round}: built {hosts} reports (avg {avg} bytes JSON) in {:.1}s",
            t.elapsed().as_secs_f64()
        );
        let subs = std::sync::Arc::new(subs);
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let t = Instant::now();
        let mut tasks = vec![];
        for _ in 0..conc {
            let (s, subs, next) = (s.clone(), subs.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = vec![];
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((agent, r, json)) = subs.get(i) else {
                        break;
                    };
                    let t = Instant::now();
                    let at = OffsetDateTime::now_utc();
                    let out = s
                        .ingest_report(&IngestReport {
                            agent_id: *agent,
                            seq: round as u64 + 1,
                            sent_at: at,
                            received_at: at,
                            report_json: json,
                            report: r,
                        })
                        .await
                        .unwrap();
                    assert!(matches!(out, IngestOutcome::Accepted { .. }));
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut lat = vec![];
        for t in tasks {
            lat.extend(t.await.unwrap());
        }
        let secs = t.elapsed().as_secs_f64();
        lat.sort();
        let p = |q: f64| {
            lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0
        };
        println!(
            "{backend} round {round}: {hosts} reports in {secs:.2}s = {:.0} reports/s (latency p50 {:.1} ms, p99 {:.1} ms)",
            hosts as f64 / secs,
            p(0.5),
            p(0.99)
        );
    }
    let mut lat = vec![];
    for _ in 0..200 {
        let t = Instant::now();
        let ov = s
            .overview(&Scope::All, OffsetDateTime::now_utc(), Duration::hours(24))
            .await
            .unwrap();
        assert_eq!(
            ov.units
                .iter()
                .find(|u| u.unit.depth == 0)
                .map(|u| u.hosts as usize),
            Some(hosts)
        );
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "{backend} overview ({hosts} hosts): p50 {:.1} ms, p99 {:.1} ms",
        lat[100].as_secs_f64() * 1000.0,
        lat[197].as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let fs = s
        .findings(
            &Scope::All,
            &FindingFilter {
                severity: Some(vec![Severity::Critical]),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    println!(
        "{backend} findings page (critical, 100 of {} hosts): {:.1} ms ({} rows)",
        hosts,
        t.elapsed().as_secs_f64() * 1000.0,
        fs.len()
    );
    let t = Instant::now();
    let hs = s
        .hosts(
            &Scope::All,
            &HostFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    println!(
        "{backend} hosts page: {:.1} ms ({} rows)",
        t.elapsed().as_secs_f64() * 1000.0,
        hs.len()
    );
}
