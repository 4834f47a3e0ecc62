//! Load generator for the platform benchmarks (bench/server-load.sh).
//!
//! It plays many agents against a running `antoan serve`: enrolls them with
//! the unit tokens it is given, then submits, round after round, one signed
//! report per host built from a real base report (`antoan audit --format
//! json`) grown to the requested number of packages and findings. Each round
//! changes a few findings per host so the server's findings lifecycle does
//! real work (fixed, new). Submissions are built and signed before the clock
//! starts, so the figures measure the server, not this tool.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use antoan_model::{Finding, FindingStatus, Package, PackageManager, Report};
use clap::Parser;
use ed25519_dalek::SigningKey;
use tokio::sync::Semaphore;

#[derive(Debug, Parser)]
#[command(name = "antoan-loadgen", about = "Enroll agents and submit signed reports to an antoan server")]
struct Args {
    /// Server base URL, e.g. http://127.0.0.1:8080 (loopback only).
    #[arg(long)]
    server: String,
    /// File with one enrollment token per line (`UNIT_PATH TOKEN` or just `TOKEN`).
    #[arg(long)]
    tokens: PathBuf,
    /// A real report (`antoan audit --format json`) the generated reports are grown from.
    #[arg(long)]
    base: PathBuf,
    #[arg(long, default_value_t = 10_000)]
    hosts: usize,
    #[arg(long, default_value_t = 1_000)]
    packages: usize,
    #[arg(long, default_value_t = 50)]
    findings: usize,
    /// Submission rounds (each host sends one report per round).
    #[arg(long, default_value_t = 2)]
    rounds: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

struct Agent {
    id: i64,
    key: SigningKey,
    hostname: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let url = reqwest::Url::parse(&args.server).context("--server")?;
    match url.host_str() {
        Some(h) if h == "localhost" || h.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false) => {}
        _ => bail!("--server must be a loopback address: benchmarks never leave 127.0.0.0/8"),
    }
    let base: Report = serde_json::from_slice(&std::fs::read(&args.base).with_context(|| format!("{}", args.base.display()))?)
        .with_context(|| format!("{}: not an antoan report", args.base.display()))?;
    let tokens: Vec<String> = std::fs::read_to_string(&args.tokens)
        .with_context(|| format!("{}", args.tokens.display()))?
        .lines()
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .collect();
    if tokens.is_empty() {
        bail!("{}: no tokens", args.tokens.display());
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(120))
        .build()?;
    let base_url = args.server.trim_end_matches('/').to_string();

    // Enrollment.
    let t0 = Instant::now();
    let sem = Arc::new(Semaphore::new(args.concurrency));
    let mut tasks = Vec::with_capacity(args.hosts);
    for i in 0..args.hosts {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("getrandom: {e}"))?;
        let key = SigningKey::from_bytes(&seed);
        let hostname = format!("pc-{i:05}");
        let req = antoan_wire::EnrollRequest {
            token: tokens[i % tokens.len()].clone(),
            public_key: antoan_wire::public_key_b64(&key.verifying_key()),
            hostname: hostname.clone(),
            os: base.host.os.name.clone(),
        };
        let client = client.clone();
        let url = format!("{base_url}{}", antoan_wire::ENROLL_PATH);
        let sem = sem.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await?;
            let resp = client.post(&url).json(&req).send().await?;
            let status = resp.status();
            if !status.is_success() {
                bail!("enroll {hostname}: HTTP {status}: {}", resp.text().await.unwrap_or_default());
            }
            let r: antoan_wire::EnrollResponse = resp.json().await?;
            Ok(Agent { id: r.agent_id, key, hostname })
        }));
    }
    let mut agents = Vec::with_capacity(args.hosts);
    for t in tasks {
        agents.push(t.await??);
    }
    let enroll_secs = t0.elapsed().as_secs_f64();
    println!("enroll: {} agents in {:.2} s ({:.0}/s)", agents.len(), enroll_secs, agents.len() as f64 / enroll_secs);

    let agents = Arc::new(agents);
    let base = Arc::new(base);
    for round in 1..=args.rounds {
        // Build and sign every submission of the round before the clock starts.
        let tb = Instant::now();
        let bodies = build_round(&agents, &base, round, &args).await?;
        let bytes: usize = bodies.iter().map(Vec::len).sum();
        println!(
            "round {round}: built {} submissions, {:.1} MiB, avg {:.0} KiB, in {:.1} s",
            bodies.len(),
            bytes as f64 / 1048576.0,
            bytes as f64 / bodies.len().max(1) as f64 / 1024.0,
            tb.elapsed().as_secs_f64()
        );
        let url = format!("{base_url}{}", antoan_wire::REPORTS_PATH);
        let t1 = Instant::now();
        let mut tasks = Vec::with_capacity(bodies.len());
        for body in bodies {
            let client = client.clone();
            let url = url.clone();
            let sem = sem.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = sem.acquire_owned().await?;
                let start = Instant::now();
                let resp = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                anyhow::Ok((status, start.elapsed(), text))
            }));
        }
        let mut lat = Vec::with_capacity(tasks.len());
        let mut bad = 0usize;
        let mut first_bad = None;
        for t in tasks {
            let (status, d, text) = t.await??;
            if status == 202 || status == 200 {
                lat.push(d);
            } else {
                bad += 1;
                first_bad.get_or_insert((status, text));
            }
        }
        let secs = t1.elapsed().as_secs_f64();
        lat.sort();
        let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
        println!(
            "round {round}: ingest {} accepted, {} refused in {:.2} s = {:.0} reports/s; latency p50 {:.1} ms, p99 {:.1} ms",
            lat.len(),
            bad,
            secs,
            lat.len() as f64 / secs,
            pct(0.50),
            pct(0.99)
        );
        println!("RESULT round={round} accepted={} refused={bad} secs={secs:.3} rps={:.1} p50_ms={:.1} p99_ms={:.1}", lat.len(), lat.len() as f64 / secs, pct(0.5), pct(0.99));
        if let Some((s, t)) = first_bad {
            eprintln!("first refusal: HTTP {s}: {}", t.chars().take(300).collect::<String>());
        }
    }
    Ok(())
}

/// Every host's signed submission of one round, built on all cores.
async fn build_round(agents: &Arc<Vec<Agent>>, base: &Arc<Report>, round: u64, args: &Args) -> Result<Vec<Vec<u8>>> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let chunk = agents.len().div_ceil(threads).max(1);
    let mut handles = Vec::new();
    for start in (0..agents.len()).step_by(chunk) {
        let agents = agents.clone();
        let base = base.clone();
        let (packages, findings) = (args.packages, args.findings);
        handles.push(tokio::task::spawn_blocking(move || -> Result<Vec<Vec<u8>>> {
            let end = (start + chunk).min(agents.len());
            let mut out = Vec::with_capacity(end - start);
            for (i, a) in agents[start..end].iter().enumerate() {
                let report = grow(&base, &a.hostname, start + i, round, packages, findings);
                let json = serde_json::to_vec(&report)?;
                let sent_at = antoan_wire::format_time(time::OffsetDateTime::now_utc());
                let sub = antoan_wire::sign(&a.key, a.id, round, &sent_at, &json);
                out.push(serde_json::to_vec(&sub)?);
            }
            Ok(out)
        }));
    }
    let mut all = Vec::with_capacity(agents.len());
    for h in handles {
        all.extend(h.await??);
    }
    Ok(all)
}

/// The base report made into host `index`'s report of `round`: its own
/// hostname and machine id, `packages` packages and `findings` open findings,
/// a tenth of which change from one round to the next (fixed, then new ones).
fn grow(base: &Report, hostname: &str, index: usize, round: u64, packages: usize, findings: usize) -> Report {
    let mut r = base.clone();
    r.host.hostname = hostname.to_string();
    r.host.machine_id = format!("{index:032x}");
    r.generated_at = antoan_wire::format_time(time::OffsetDateTime::now_utc());
    let key = r.host.identity_key();

    let seeds: Vec<Package> = if base.inventory.packages.is_empty() {
        vec![Package {
            name: "pkg".into(),
            version: "1.0-1".into(),
            arch: "amd64".into(),
            source_name: String::new(),
            source_version: String::new(),
            manager: PackageManager::Dpkg,
            vendor: String::new(),
        }]
    } else {
        base.inventory.packages.clone()
    };
    r.inventory.packages = (0..packages)
        .map(|k| {
            let mut p = seeds[k % seeds.len()].clone();
            if k >= seeds.len() {
                p.name = format!("{}-x{}", p.name, k / seeds.len());
            }
            p
        })
        .collect();

    let open: Vec<Finding> = base.findings.iter().filter(|f| f.status == FindingStatus::Open).cloned().collect();
    let templates = if open.is_empty() { base.findings.clone() } else { open };
    let mut out = Vec::with_capacity(findings);
    if !templates.is_empty() {
        // Slots 0..findings; in each round a tenth of the slots (rotating with
        // the round) carry a subject new to this round, so the previous
        // round's finding there is fixed and a new one appears.
        for k in 0..findings {
            let mut f = templates[k % templates.len()].clone();
            f.status = FindingStatus::Open;
            let changes = (k + index) % 10 == (round as usize) % 10;
            f.subject = if changes { format!("{}#{k}-r{round}", f.subject) } else { format!("{}#{k}", f.subject) };
            f.id = Finding::stable_id(&key, &f.check, &f.subject);
            out.push(f);
        }
    }
    r.findings = out;
    r
}
