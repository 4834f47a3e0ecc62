//! `antoan serve` as users and the acceptance checks run it: the real binary.
//!
//! - init / token create print their secret alone on the last line; the API
//!   answers with the one-time password; an agent enrolled and run with the
//!   real `antoan agent` commands shows up with its findings;
//! - TLS: a self-signed certificate is made on first run and its pin printed;
//!   the agent enrolls with `--ca-pin` over HTTPS;
//! - reliability: kill -9 during a burst of signed submissions, restart on the
//!   same database: every report that got a 202 is there, whole, and nothing
//!   is half-stored (resending the in-flight sequence numbers is consistent).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antoan_wire::ed25519_dalek::SigningKey;
use serde_json::{json, Value};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("ANTOAN_LANG");
    c.env_remove("ANTOAN_DB");
    c.env("ANTOAN_VULN_STORE", "/nonexistent/antoan-tests/vuln.sqlite");
    c
}

fn run(args: &[&str]) -> Output {
    let o = bin().args(args).output().expect("run antoan");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "antoan panicked:\n{err}");
    o
}

fn last_line(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout.clone()).expect("utf-8");
    out.lines().last().expect("a last line").to_string()
}

/// A running `antoan serve` child (killed on drop).
struct Server {
    child: Child,
    url: String,
    pin: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str, extra: &[&str]) -> Server {
    let mut child = bin()
        .args([
            "--lang",
            "en",
            "serve",
            "--db",
            db,
            "--listen",
            "127.0.0.1:0",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn antoan serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("read");
    let url = first.split_whitespace().last().expect("url").to_string();
    assert!(first.contains("listening on"), "{first}");
    let pin = if url.starts_with("https://") {
        let l = lines.next().expect("pin line").expect("read");
        Some(l.split_whitespace().last().expect("pin").to_string())
    } else {
        None
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url, pin }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn login(c: &reqwest::Client, url: &str, user: &str, pw: &str) -> String {
    let r = c
        .post(format!("{url}/api/v1/session"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["token"].as_str().unwrap().to_string()
}

async fn get(c: &reqwest::Client, url: &str, token: &str, path: &str) -> Value {
    let r = c
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

#[test]
fn init_token_serve_and_agent_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("antoan.db").display());
    let otp = last_line(&run(&["serve", "init", "--db", &db, "--admin", "admin"]));
    assert_eq!(otp.len(), 20, "{otp}");
    assert!(otp.chars().all(|c| c.is_ascii_alphanumeric()));
    let again = run(&["serve", "init", "--db", &db, "--admin", "admin"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("admin"));
    let token = last_line(&run(&[
        "serve",
        "token",
        "create",
        "--db",
        &db,
        "--unit",
        "lang-son/thanh-pho/phuong-chi-lang",
    ]));
    assert!(token.starts_with("aet_") && token.len() > 40, "{token}");
    let bad = run(&[
        "serve",
        "token",
        "create",
        "--db",
        &db,
        "--unit",
        "Lạng Sơn//x",
    ]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
    // Nothing secret in the database in clear.
    let raw = std::fs::read(dir.path().join("antoan.db")).unwrap();
    let hay = String::from_utf8_lossy(&raw);
    assert!(
        !hay.contains(&otp) && !hay.contains(&token),
        "a secret is stored in clear"
    );

    let srv = serve(&db, &[]);
    assert!(srv.url.starts_with("http://127.0.0.1:"), "{}", srv.url);

    // The agent commands against it.
    let state = dir.path().join("agent");
    let fx = antoan_testkit::debian_10_misconfigured();
    let o = run(&[
        "agent",
        "enroll",
        "--server",
        &srv.url,
        "--token",
        &token,
        "--state-dir",
        state.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&[
        "agent",
        "run",
        "--once",
        "--state-dir",
        state.to_str().unwrap(),
        "--root",
        fx.root().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    rt().block_on(async {
        let c = http();
        let t = login(&c, &srv.url, "admin", &otp).await;
        let hosts = get(&c, &srv.url, &t, "/api/v1/hosts").await;
        assert_eq!(hosts.as_array().unwrap().len(), 1, "{hosts}");
        assert_eq!(hosts[0]["unit_path"], "lang-son/thanh-pho/phuong-chi-lang");
        let id = hosts[0]["id"].as_i64().unwrap();
        let findings = get(&c, &srv.url, &t, &format!("/api/v1/hosts/{id}/findings")).await;
        assert!(
            findings
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["check"] == "LNX-SSH-001"),
            "{findings}"
        );
    });

    // SIGTERM: graceful shutdown, exit 0.
    let mut srv = srv;
    let st = Command::new("kill")
        .args(["-TERM", &srv.child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(code) = srv.child.try_wait().unwrap() {
            assert!(code.success(), "exit after SIGTERM: {code:?}");
            break;
        }
        assert!(Instant::now() < deadline, "no exit 20 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn self_signed_tls_and_pinned_agent() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("antoan.db").display());
    let tls_dir = dir.path().join("tls");
    let token = last_line(&run(&[
        "serve", "token", "create", "--db", &db, "--unit", "lang-son",
    ]));
    let srv = serve(
        &db,
        &[
            "--tls",
            "self-signed",
            "--tls-dir",
            tls_dir.to_str().unwrap(),
        ],
    );
    assert!(srv.url.starts_with("https://"), "{}", srv.url);
    let pin = srv.pin.clone().expect("pin printed");
    // The pin is the SHA-256 of the certificate's DER.
    let pem = std::fs::read_to_string(tls_dir.join("server.crt")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64_decode(&b64);
    assert_eq!(pin, format!("sha256:{}", antoan_wire::sha256_hex(&der)));

    // A wrong pin is refused; the right one enrolls.
    let state = dir.path().join("agent");
    let wrong = format!("sha256:{}", "0".repeat(64));
    let o = run(&[
        "agent",
        "enroll",
        "--server",
        &srv.url,
        "--token",
        &token,
        "--state-dir",
        state.to_str().unwrap(),
        "--ca-pin",
        &wrong,
    ]);
    assert!(!o.status.success());
    let state = dir.path().join("agent2");
    let o = run(&[
        "agent",
        "enroll",
        "--server",
        &srv.url,
        "--token",
        &token,
        "--state-dir",
        state.to_str().unwrap(),
        "--ca-pin",
        &pin,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    drop(srv);

    // Same certificate after a restart; plain HTTP on a public address is refused.
    let srv = serve(
        &db,
        &[
            "--tls",
            "self-signed",
            "--tls-dir",
            tls_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(srv.pin.as_deref(), Some(pin.as_str()));
    let o = run(&[
        "serve",
        "--db",
        &db,
        "--listen",
        "0.0.0.0:0",
        "--tls",
        "off",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("loopback"));
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = A.iter().position(|a| *a == c).expect("base64") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

/// (agent index, seq, report id, payload) of a submission answered 202.
type Accepted = (usize, u64, i64, Vec<u8>);

/// A report document made by the real `antoan audit`.
fn report_json(root: &Path) -> Value {
    let o = run(&[
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2026-11-24",
    ]);
    serde_json::from_slice(&o.stdout).expect("report json")
}

#[test]
fn kill_9_during_a_burst_loses_no_accepted_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("antoan.db").display());
    let otp = last_line(&run(&["serve", "init", "--db", &db, "--admin", "admin"]));
    let token = last_line(&run(&[
        "serve",
        "token",
        "create",
        "--db",
        &db,
        "--unit",
        "lang-son/thanh-pho",
        "--days",
        "1",
    ]));
    let base = report_json(antoan_testkit::debian_10_misconfigured().root());
    let mut srv = serve(&db, &[]);
    let url = srv.url.clone();
    const AGENTS: usize = 4;
    const PER_AGENT: u64 = 60;
    const KILL_AFTER: usize = 60;

    // Enroll the agents.
    let rt = rt();
    let c = http();
    let agents: Vec<(i64, SigningKey)> = rt.block_on(async {
        let mut v = Vec::new();
        for i in 0..AGENTS {
            let mut seed = [0u8; 32];
            seed[0] = i as u8 + 1;
            seed[31] = 0x5a;
            let key = SigningKey::from_bytes(&seed);
            let r = c
                .post(format!("{url}/api/v1/agents/enroll"))
                .json(&json!({"token": token, "public_key": antoan_wire::public_key_b64(&key.verifying_key()),
                              "hostname": format!("may-{i}"), "os": "Debian 10"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let e: Value = r.json().await.unwrap();
            v.push((e["agent_id"].as_i64().unwrap(), key));
        }
        v
    });
    let body_of = |agent: usize, seq: u64| -> (Vec<u8>, Vec<u8>) {
        let mut r = base.clone();
        r["host"]["hostname"] = json!(format!("may-{agent}"));
        r["generated_at"] = json!(format!("2026-11-24T08:{:02}:{:02}Z", seq / 60, seq % 60));
        let payload = serde_json::to_vec(&r).unwrap();
        let (id, key) = &agents[agent];
        let sub = antoan_wire::sign(key, *id, seq, "2026-11-24T08:00:00Z", &payload);
        (serde_json::to_vec(&sub).unwrap(), payload)
    };

    // The burst: each agent sends its reports in order; the server is killed with SIGKILL midway.
    let accepted: Arc<Mutex<Vec<Accepted>>> = Arc::default();
    let started = Instant::now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for a in 0..AGENTS {
            let c = c.clone();
            let url = url.clone();
            let accepted = accepted.clone();
            let bodies: Vec<(Vec<u8>, Vec<u8>)> = (1..=PER_AGENT).map(|s| body_of(a, s)).collect();
            tasks.push(tokio::spawn(async move {
                for (i, (body, payload)) in bodies.into_iter().enumerate() {
                    let seq = i as u64 + 1;
                    let r = c
                        .post(format!("{url}/api/v1/reports"))
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 202 => {
                            let v: Value = match r.json().await {
                                Ok(v) => v,
                                Err(_) => return,
                            };
                            accepted.lock().unwrap().push((
                                a,
                                seq,
                                v["report_id"].as_i64().unwrap(),
                                payload,
                            ));
                        }
                        Ok(r) => panic!("agent {a} seq {seq}: unexpected {}", r.status()),
                        Err(_) => return, // the server is gone
                    }
                }
            }));
        }
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let n = accepted.lock().unwrap().len();
            if n >= KILL_AFTER || started.elapsed() > Duration::from_secs(120) {
                break;
            }
        }
        srv.child.kill().expect("kill -9"); // SIGKILL on Unix: no graceful shutdown
        srv.child.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let accepted = accepted.lock().unwrap().clone();
    assert!(
        accepted.len() >= KILL_AFTER,
        "only {} accepted before the kill",
        accepted.len()
    );
    assert!(
        accepted.len() < AGENTS * PER_AGENT as usize,
        "the kill came after the burst ended"
    );

    // Restart on the same database.
    drop(srv);
    let srv = serve(&db, &[]);
    let url = srv.url.clone();
    rt.block_on(async {
        let t = login(&c, &url, "admin", &otp).await;
        // Every 202 is there, byte for byte.
        for (a, seq, rid, payload) in &accepted {
            let r = c
                .get(format!("{url}/api/v1/reports/{rid}"))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "agent {a} seq {seq} report {rid} lost");
            assert_eq!(
                r.bytes().await.unwrap().as_ref(),
                payload.as_slice(),
                "agent {a} seq {seq} altered"
            );
        }
        // Nothing half-stored: per host, the reports are whole and gap-free, and the
        // agent's last sequence number matches the newest stored report.
        let agents_now = get(&c, &url, &t, "/api/v1/agents").await;
        let hosts = get(&c, &url, &t, "/api/v1/hosts").await;
        for (a, (id, _)) in agents.iter().enumerate() {
            let ag = agents_now
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == *id)
                .unwrap();
            let last_seq = ag["last_seq"].as_u64().unwrap();
            let acked = accepted
                .iter()
                .filter(|x| x.0 == a)
                .map(|x| x.1)
                .max()
                .unwrap_or(0);
            assert!(
                last_seq >= acked,
                "agent {a}: last_seq {last_seq} < acknowledged {acked}"
            );
            assert!(
                last_seq <= acked + 1,
                "agent {a}: at most one unacknowledged commit per agent"
            );
            if last_seq == 0 {
                continue;
            }
            let host = hosts
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["agent_id"] == *id)
                .expect("host");
            let reps = get(
                &c,
                &url,
                &t,
                &format!("/api/v1/hosts/{}/reports?limit=1000", host["id"]),
            )
            .await;
            let mut seqs: Vec<u64> = reps
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["seq"].as_u64().unwrap())
                .collect();
            seqs.sort_unstable();
            assert_eq!(
                seqs,
                (1..=last_seq).collect::<Vec<_>>(),
                "agent {a}: stored sequence numbers"
            );
            for r in reps.as_array().unwrap() {
                let doc = get(&c, &url, &t, &format!("/api/v1/reports/{}", r["id"])).await;
                assert_eq!(doc["host"]["hostname"], format!("may-{a}"));
            }
            assert_eq!(
                host["last_report_id"],
                reps.as_array()
                    .unwrap()
                    .iter()
                    .max_by_key(|r| r["seq"].as_u64())
                    .unwrap()["id"]
            );
            // Resending what was in flight: 200 if it had been committed, 202 if not; never an error.
            let (body, _) = body_of(a, last_seq);
            let r = c
                .post(format!("{url}/api/v1/reports"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                200,
                "agent {a}: resend of committed seq {last_seq}"
            );
            let (body, _) = body_of(a, last_seq + 1);
            let r = c
                .post(format!("{url}/api/v1/reports"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 202, "agent {a}: next seq after restart");
        }
    });
}
