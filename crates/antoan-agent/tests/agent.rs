//! The agent against a real HTTP(S) peer on 127.0.0.1 that verifies every signature with antoan-wire.

mod peer;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use antoan_agent::{
    enroll, run_once, run_service, AgentError, AuditTarget, EnrollOptions, RunOptions, Schedule, SpoolLimits,
};
use antoan_model::Report;
use antoan_testkit::Fixture;
use peer::{Peer, PeerState};

const TOKEN: &str = "tok-phuong-chi-lang";

fn peer_state() -> Arc<PeerState> {
    let st = Arc::new(PeerState::default());
    st.add_token(TOKEN);
    st
}

async fn enrolled(peer: &Peer, dir: &Path) -> antoan_agent::AgentState {
    let mut o = EnrollOptions::new(peer.url(), TOKEN, dir);
    o.hostname = Some("máy-kiểm-thử".to_string());
    o.os = Some("Debian 12".to_string());
    enroll(o).await.expect("enroll")
}

/// A small, real report made once by the audit pipeline (so the spool tests stay fast).
fn sample_report() -> Report {
    static CELL: std::sync::OnceLock<Report> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let fx = Fixture::debian("12");
        let kb = antoan_kb::Knowledge::embedded().expect("kb");
        let opts = antoan_audit::AuditOptions {
            source: antoan_audit::source_for(Some(fx.root().to_path_buf())),
            windows_export: None,
            baseline: true,
            policies: vec![],
            now: time::macros::datetime!(2026-11-24 12:00 UTC),
            vuln_store: None,
        };
        antoan_audit::run(&opts, &kb).expect("audit")
    })
    .clone()
}

fn report_run(dir: &Path) -> RunOptions {
    RunOptions::new(dir, AuditTarget::Report(Box::new(sample_report())))
}

fn spool_seqs(dir: &Path) -> Vec<u64> {
    antoan_agent::Spool::open(dir, SpoolLimits::default())
        .expect("spool")
        .list()
        .expect("list")
        .iter()
        .map(|e| e.seq)
        .collect()
}

#[tokio::test]
async fn enroll_then_audit_a_fixture_root_and_send() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("state");
    let st = enrolled(&peer, &dir).await;
    assert_eq!(st.agent_id, 1);
    assert_eq!(st.unit_path, "lang-son/thanh-pho/phuong-chi-lang");
    assert_eq!(st.server_pin_sha256, None);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("agent.key")).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key file mode {mode:o}");
        let dmode = std::fs::metadata(&dir).expect("dir").permissions().mode();
        assert_eq!(dmode & 0o077, 0, "state dir mode {dmode:o}");
    }
    let toml = std::fs::read_to_string(dir.join("agent.toml")).expect("agent.toml");
    assert!(toml.contains("agent_id = 1"), "{toml}");

    let fx = Fixture::debian("12");
    let mut opts = RunOptions::new(&dir, AuditTarget::Root(fx.root().to_path_buf()));
    opts.now = Some(time::macros::datetime!(2026-11-24 12:00 UTC));
    let s = run_once(opts.clone()).await.expect("run");
    assert_eq!(s.new_seq, Some(1));
    assert_eq!(s.sent.len(), 1);
    assert!(!s.sent[0].duplicate);
    assert!(s.all_delivered(), "{s:?}");
    let got = peer.state.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].report.host.hostname, "srv-debian12");
    assert!(!got[0].report.findings.is_empty());
    assert_eq!(got[0].report_id, s.sent[0].report_id);

    let s = run_once(opts).await.expect("second run");
    assert_eq!(s.new_seq, Some(2));
    assert_eq!(peer.state.seqs(1), vec![1, 2]);
    assert!(spool_seqs(&dir).is_empty());
}

#[tokio::test]
async fn enrollment_errors() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("s");

    let err = enroll(EnrollOptions::new(peer.url(), "wrong-token", &dir)).await.expect_err("bad token");
    assert!(matches!(err, AgentError::Server { status: 401, .. }), "{err:?}");
    assert!(!dir.join("agent.toml").exists());
    // A failed enrollment can be retried.
    enrolled(&peer, &dir).await;
    let err = enroll(EnrollOptions::new(peer.url(), TOKEN, &dir)).await.expect_err("twice");
    assert!(matches!(err, AgentError::AlreadyEnrolled(_)), "{err:?}");

    let err = enroll(EnrollOptions::new("http://192.0.2.1:8080", TOKEN, tmp.path().join("x")))
        .await
        .expect_err("plain http off loopback");
    assert!(matches!(err, AgentError::InsecureUrl(_)), "{err:?}");

    let err = run_once(report_run(&tmp.path().join("never-enrolled"))).await.expect_err("not enrolled");
    assert!(matches!(err, AgentError::NotEnrolled(_)), "{err:?}");

    // Nobody listens on this port any more.
    let addr = peer.addr;
    peer.stop().await;
    let err = enroll(EnrollOptions::new(format!("http://{addr}"), TOKEN, tmp.path().join("y")))
        .await
        .expect_err("server down");
    assert!(matches!(err, AgentError::Network(_)), "{err:?}");
}

#[tokio::test]
async fn spool_keeps_reports_through_downtime_and_sends_them_in_order() {
    let peer = Peer::start(peer_state()).await;
    let addr = peer.addr;
    let state = peer.state.clone();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    enrolled(&peer, &dir).await;
    peer.stop().await;

    for expected in 1..=3u64 {
        let s = run_once(report_run(&dir)).await.expect("run while down");
        assert_eq!(s.new_seq, Some(expected));
        assert!(s.sent.is_empty());
        assert_eq!(s.pending, (1..=expected).collect::<Vec<_>>());
        assert!(s.send_error.is_some());
    }
    assert_eq!(spool_seqs(&dir), vec![1, 2, 3]);
    assert_eq!(std::fs::read_to_string(dir.join("seq")).expect("seq").trim(), "3");

    // Back up, but failing with 503 for a while: still kept.
    let peer = Peer::start_on(addr, state.clone()).await;
    state.fail_status.store(503, Ordering::SeqCst);
    let s = run_once(RunOptions::new(&dir, AuditTarget::SpoolOnly)).await.expect("503");
    assert_eq!(s.pending, vec![1, 2, 3]);
    assert!(s.send_error.as_deref().unwrap_or("").contains("503"), "{s:?}");
    assert_eq!(state.answers(), vec![503], "sending stops at the first failure");

    state.fail_status.store(0, Ordering::SeqCst);
    let s = run_once(report_run(&dir)).await.expect("up");
    assert_eq!(s.new_seq, Some(4));
    assert_eq!(s.sent.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert!(s.all_delivered());
    assert_eq!(state.seqs(1), vec![1, 2, 3, 4]);
    assert!(spool_seqs(&dir).is_empty());
    peer.stop().await;
}

#[tokio::test]
async fn lost_answer_is_resent_byte_identical_and_acknowledged_idempotently() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;

    peer.state.accept_then_fail.store(502, Ordering::SeqCst);
    let s = run_once(report_run(tmp.path())).await.expect("run");
    assert_eq!(s.pending, vec![1]);
    assert_eq!(peer.state.seqs(1), vec![1], "the server stored it");

    peer.state.accept_then_fail.store(0, Ordering::SeqCst);
    let s = run_once(RunOptions::new(tmp.path(), AuditTarget::SpoolOnly)).await.expect("resend");
    assert_eq!(s.sent.len(), 1);
    assert!(s.sent[0].duplicate, "{s:?}");
    assert_eq!(s.sent[0].report_id, peer.state.received()[0].report_id);
    assert_eq!(peer.state.answers(), vec![502, 200]);
    assert_eq!(peer.state.seqs(1), vec![1], "stored once");
    assert!(spool_seqs(tmp.path()).is_empty());
}

#[tokio::test]
async fn refused_reports_go_to_rejected_with_the_reason() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;

    peer.state.fail_status.store(400, Ordering::SeqCst);
    let s = run_once(report_run(tmp.path())).await.expect("run");
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.rejected[0].status, 400);
    assert!(s.pending.is_empty());
    let rej = tmp.path().join("spool/rejected");
    assert!(rej.join(format!("{:020}.json", 1)).exists());
    let reason = std::fs::read_to_string(rej.join(format!("{:020}.reason.txt", 1))).expect("reason");
    assert!(reason.contains("400") && reason.contains("forced failure"), "{reason}");

    // A damaged spool file is set aside too, and the next report still goes through.
    peer.state.fail_status.store(0, Ordering::SeqCst);
    let spool_dir = tmp.path().join("spool");
    std::fs::write(spool_dir.join(format!("{:020}.json", 2)), b"\x00\xffgarbage{").expect("write");
    std::fs::write(tmp.path().join("seq"), "2\n").expect("seq");
    let s = run_once(report_run(tmp.path())).await.expect("run");
    assert_eq!(s.new_seq, Some(3));
    assert_eq!(s.rejected.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2]);
    assert!(s.rejected[0].reason.contains("damaged"), "{:?}", s.rejected);
    assert_eq!(s.sent.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![3]);
}

#[tokio::test]
async fn conflict_moves_the_report_aside_and_resyncs_the_sequence() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;
    // As if the state directory had been restored from an old backup.
    peer.state.set_last_seq(1, 10);
    let s = run_once(report_run(tmp.path())).await.expect("run");
    assert_eq!(s.new_seq, Some(1));
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.rejected[0].status, 409);
    let s = run_once(report_run(tmp.path())).await.expect("run");
    assert_eq!(s.new_seq, Some(11));
    assert_eq!(s.sent.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![11]);
}

#[tokio::test]
async fn spool_bound_drops_the_oldest_reports() {
    let peer = Peer::start(peer_state()).await;
    let addr = peer.addr;
    let state = peer.state.clone();
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;
    peer.stop().await;
    let mut opts = report_run(tmp.path());
    opts.spool = SpoolLimits { max_reports: 2, max_bytes: 1 << 30 };
    run_once(opts.clone()).await.expect("1");
    run_once(opts.clone()).await.expect("2");
    let s = run_once(opts.clone()).await.expect("3");
    assert_eq!(s.dropped, vec![1]);
    assert_eq!(s.pending, vec![2, 3]);
    assert!(!s.all_delivered());

    let peer = Peer::start_on(addr, state).await;
    let s = run_once(RunOptions { audit: AuditTarget::SpoolOnly, ..opts }).await.expect("up");
    assert_eq!(s.sent.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(peer.state.seqs(1), vec![2, 3]);
}

#[tokio::test]
async fn only_one_agent_works_in_a_state_directory_at_a_time() {
    let peer = Peer::start(peer_state()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;
    // Another process (or task) holds the lock: flock is per open file, so this conflicts.
    let f = std::fs::OpenOptions::new().write(true).open(tmp.path().join("lock")).expect("lock file");
    f.try_lock().expect("take the lock");
    let err = run_once(report_run(tmp.path())).await.expect_err("locked");
    assert!(matches!(err, AgentError::Locked(_)), "{err:?}");
    drop(f);
    assert!(run_once(report_run(tmp.path())).await.expect("unlocked").all_delivered());
}

#[tokio::test]
async fn service_loop_retries_until_the_server_is_back_and_stops_on_request() {
    let peer = Peer::start(peer_state()).await;
    let addr = peer.addr;
    let state = peer.state.clone();
    let tmp = tempfile::tempdir().expect("tmp");
    enrolled(&peer, tmp.path()).await;
    state.fail_status.store(503, Ordering::SeqCst);

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let schedule = Schedule {
        interval: Duration::from_millis(400),
        jitter: Duration::from_millis(50),
        retry_initial: Duration::from_millis(50),
    };
    let dir = tmp.path().to_path_buf();
    let service = tokio::spawn(run_service(report_run(&dir), schedule, async move {
        let _ = rx.await;
    }));
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(state.seqs(1).is_empty());
    assert!(!spool_seqs(&dir).is_empty(), "reports wait in the spool");
    peer.stop().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let peer = Peer::start_on(addr, state.clone()).await;
    state.fail_status.store(0, Ordering::SeqCst);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while state.seqs(1).len() < 3 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = tx.send(());
    tokio::time::timeout(Duration::from_secs(10), service)
        .await
        .expect("service stops promptly")
        .expect("join")
        .expect("service result");
    let seqs = state.seqs(1);
    assert!(seqs.len() >= 3, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    assert_eq!(seqs[0], 1, "nothing lost: {seqs:?}");
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "no gap: {seqs:?}");
    peer.stop().await;
}
