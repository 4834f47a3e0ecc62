//! The spool survives the process: one process spools reports while the server is down, a new
//! process sends them once it is back.

mod peer;

use std::path::Path;
use std::sync::Arc;

use antoan_agent::{enroll, run_once, AuditTarget, EnrollOptions, RunOptions};
use peer::{Peer, PeerState};

const DIR_VAR: &str = "ANTOAN_AGENT_TEST_CHILD_DIR";
const MODE_VAR: &str = "ANTOAN_AGENT_TEST_CHILD_MODE";

/// Not a test by itself: the body of the child processes started below (does nothing otherwise).
#[test]
fn child_process_step() {
    let Ok(dir) = std::env::var(DIR_VAR) else { return };
    let mode = std::env::var(MODE_VAR).unwrap_or_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let fx = antoan_testkit::Fixture::debian("12");
    let audit = if mode == "audit" { AuditTarget::Root(fx.root().to_path_buf()) } else { AuditTarget::SpoolOnly };
    let mut opts = RunOptions::new(&dir, audit);
    opts.now = Some(time::macros::datetime!(2026-11-24 12:00 UTC));
    let s = rt.block_on(run_once(opts)).expect("child run");
    println!("CHILD-SUMMARY {}", serde_json::to_string(&s).expect("json"));
}

fn child(dir: &Path, mode: &str) -> serde_json::Value {
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe)
        .args(["--exact", "child_process_step", "--nocapture", "--test-threads=1"])
        .env(DIR_VAR, dir)
        .env(MODE_VAR, mode)
        .output()
        .expect("spawn child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let Some(line) = stdout.lines().find_map(|l| l.split_once("CHILD-SUMMARY ").map(|(_, rest)| rest)) else {
        panic!("no summary line in the child output:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr))
    };
    serde_json::from_str(line).expect("summary json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_sends_what_the_old_one_left() {
    let state = Arc::new(PeerState::default());
    state.add_token("t");
    let peer = Peer::start(state.clone()).await;
    let addr = peer.addr;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    enroll(EnrollOptions::new(peer.url(), "t", &dir)).await.expect("enroll");
    peer.stop().await;

    let d = dir.clone();
    let first = tokio::task::spawn_blocking(move || (child(&d, "audit"), child(&d, "audit"))).await.expect("join");
    assert_eq!(first.0["pending"], serde_json::json!([1]));
    assert_eq!(first.1["pending"], serde_json::json!([1, 2]));

    let peer = Peer::start_on(addr, state.clone()).await;
    let d = dir.clone();
    let second = tokio::task::spawn_blocking(move || child(&d, "spool-only")).await.expect("join");
    assert_eq!(second["sent"].as_array().map(|a| a.len()), Some(2), "{second}");
    assert_eq!(second["pending"], serde_json::json!([]));
    assert_eq!(state.seqs(1), vec![1, 2]);
    let got = state.received();
    assert_eq!(got[0].report.host.hostname, "srv-debian12");

    // And the numbering continues after the restarts.
    let s = run_once(RunOptions::new(&dir, AuditTarget::Report(Box::new(got[0].report.clone())))).await.expect("run");
    assert_eq!(s.new_seq, Some(3));
    assert_eq!(state.seqs(1), vec![1, 2, 3]);
    peer.stop().await;
}
