//! HTTPS with certificate pinning against a self-signed certificate on 127.0.0.1.

mod peer;

use std::sync::Arc;

use antoan_agent::{cert_pin, enroll, run_once, AgentError, AuditTarget, EnrollOptions, RunOptions};
use antoan_model::Report;
use peer::{Peer, PeerState};

const TOKEN: &str = "tok-tls";

fn self_signed() -> (Vec<u8>, Vec<u8>) {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("rcgen");
    (ck.cert.der().to_vec(), ck.signing_key.serialize_der())
}

fn report() -> Report {
    let fx = antoan_testkit::Fixture::debian("12");
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
}

#[tokio::test]
async fn right_pin_accepted_wrong_pin_refused_first_use_recorded() {
    let state = Arc::new(PeerState::default());
    state.add_token(TOKEN);
    let (cert, key) = self_signed();
    let pin = cert_pin(&cert);
    let peer = Peer::start_tls("127.0.0.1:0".parse().expect("addr"), state.clone(), cert, key).await;
    let url = format!("https://127.0.0.1:{}", peer.addr.port());
    let tmp = tempfile::tempdir().expect("tmp");

    // Wrong pin: the handshake fails before the token is ever sent.
    let mut o = EnrollOptions::new(&url, TOKEN, tmp.path().join("wrong"));
    o.ca_pin = Some("ab".repeat(32));
    let err = enroll(o).await.expect_err("wrong pin");
    assert!(matches!(err, AgentError::Tls(_)), "{err:?}");
    assert!(err.to_string().contains("pinned"), "{err}");
    assert_eq!(state.agent_count(), 0);

    // Right pin, given in the colon-separated upper-case form people copy from tools.
    let spaced: Vec<String> = pin.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect();
    let mut o = EnrollOptions::new(&url, TOKEN, tmp.path().join("right"));
    o.ca_pin = Some(spaced.join(":"));
    let st = enroll(o).await.expect("right pin");
    assert_eq!(st.server_pin_sha256.as_deref(), Some(pin.as_str()));
    assert_eq!(state.agent_count(), 1);

    // Trust on first use records the certificate the server presented.
    let tofu_dir = tmp.path().join("tofu");
    let st = enroll(EnrollOptions::new(&url, TOKEN, &tofu_dir)).await.expect("tofu");
    assert_eq!(st.server_pin_sha256.as_deref(), Some(pin.as_str()));
    let toml = std::fs::read_to_string(tofu_dir.join("agent.toml")).expect("toml");
    assert!(toml.contains(&pin), "{toml}");

    let rep = report();
    let s = run_once(RunOptions::new(&tofu_dir, AuditTarget::Report(Box::new(rep.clone())))).await.expect("run");
    assert!(s.all_delivered(), "{s:?}");
    assert_eq!(state.seqs(st.agent_id), vec![1]);

    // The server comes back with another certificate on the same port: nothing is sent, the
    // report stays in the spool.
    let addr = peer.addr;
    peer.stop().await;
    let (cert2, key2) = self_signed();
    let peer = Peer::start_tls(addr, state.clone(), cert2, key2).await;
    let s = run_once(RunOptions::new(&tofu_dir, AuditTarget::Report(Box::new(rep)))).await.expect("run");
    assert_eq!(s.pending, vec![2]);
    assert!(s.send_error.as_deref().unwrap_or("").contains("pinned"), "{s:?}");
    assert_eq!(state.seqs(st.agent_id), vec![1]);
    peer.stop().await;
}
