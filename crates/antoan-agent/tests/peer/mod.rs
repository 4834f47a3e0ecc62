//! A small real HTTP(S) peer for the agent tests: it speaks the antoan-wire protocol, checks every
//! signature with antoan-wire and enforces increasing sequence numbers with idempotent resends,
//! the way the contract says the product server does. It is a test peer, not the product server
//! (the end-to-end test against `antoan-server` lives in that crate).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use antoan_model::Report;
use antoan_wire::{EnrollRequest, EnrollResponse, SubmissionAccepted};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub agent_id: i64,
    pub seq: u64,
    pub report_id: i64,
    pub report: Report,
}

#[derive(Default)]
struct AgentRec {
    public_key: String,
    last_seq: u64,
    /// seq → (payload sha256, report id)
    seen: BTreeMap<u64, (String, i64)>,
}

#[derive(Default)]
struct Inner {
    tokens: BTreeSet<String>,
    agents: BTreeMap<i64, AgentRec>,
    next_agent: i64,
    next_report: i64,
    received: Vec<Received>,
    /// Every status code answered to /reports, in order.
    answers: Vec<u16>,
}

#[derive(Default)]
pub struct PeerState {
    inner: Mutex<Inner>,
    /// When non-zero, /reports answers this status without looking at the body.
    pub fail_status: AtomicU16,
    /// When non-zero, /reports stores the report and then answers this status (a lost answer).
    pub accept_then_fail: AtomicU16,
}

impl PeerState {
    pub fn add_token(&self, t: &str) {
        self.lock().tokens.insert(t.to_string());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    pub fn seqs(&self, agent_id: i64) -> Vec<u64> {
        self.lock().received.iter().filter(|r| r.agent_id == agent_id).map(|r| r.seq).collect()
    }

    pub fn agent_count(&self) -> usize {
        self.lock().agents.len()
    }

    pub fn answers(&self) -> Vec<u16> {
        self.lock().answers.clone()
    }

    /// Pretends the server already accepted up to `seq` from this agent.
    pub fn set_last_seq(&self, agent_id: i64, seq: u64) {
        if let Some(a) = self.lock().agents.get_mut(&agent_id) {
            a.last_seq = seq;
        }
    }
}

async fn enroll(State(st): State<Arc<PeerState>>, Json(req): Json<EnrollRequest>) -> Response {
    let mut g = st.lock();
    if !g.tokens.contains(&req.token) {
        return (StatusCode::UNAUTHORIZED, "unknown enrollment token").into_response();
    }
    if antoan_wire::parse_public_key(&req.public_key).is_err() {
        return (StatusCode::BAD_REQUEST, "bad public key").into_response();
    }
    g.next_agent += 1;
    let id = g.next_agent;
    g.agents.insert(id, AgentRec { public_key: req.public_key, ..AgentRec::default() });
    Json(EnrollResponse {
        agent_id: id,
        unit_path: "lang-son/thanh-pho/phuong-chi-lang".to_string(),
        server_time: antoan_wire::format_time(time::OffsetDateTime::now_utc()),
    })
    .into_response()
}

fn answer(g: &mut Inner, status: StatusCode, body: serde_json::Value) -> Response {
    g.answers.push(status.as_u16());
    (status, Json(body)).into_response()
}

async fn reports(State(st): State<Arc<PeerState>>, body: Bytes) -> Response {
    let fail = st.fail_status.load(Ordering::SeqCst);
    let lost = st.accept_then_fail.load(Ordering::SeqCst);
    let mut g = st.lock();
    if fail != 0 {
        let s = StatusCode::from_u16(fail).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return answer(&mut g, s, serde_json::json!({"error": "forced failure"}));
    }
    let raw = match antoan_wire::decode(&body) {
        Ok(r) => r,
        Err(e) => {
            let s = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            return answer(&mut g, s, serde_json::json!({"error": e.to_string()}));
        }
    };
    let Some(pk) = g.agents.get(&raw.agent_id).map(|a| a.public_key.clone()) else {
        return answer(&mut g, StatusCode::UNAUTHORIZED, serde_json::json!({"error": "unknown agent"}));
    };
    let v = match raw.verify(&pk) {
        Ok(v) => v,
        Err(e) => {
            let s = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            return answer(&mut g, s, serde_json::json!({"error": e.to_string()}));
        }
    };
    let hash = raw.payload_sha256();
    let (last_seq, seen) = {
        let a = g.agents.get(&v.agent_id).expect("agent present");
        (a.last_seq, a.seen.get(&v.seq).cloned())
    };
    if let Some((h, id)) = seen {
        if h == hash {
            return answer(&mut g, StatusCode::OK, serde_json::json!(SubmissionAccepted { report_id: id, seq: v.seq }));
        }
        return answer(&mut g, StatusCode::CONFLICT, serde_json::json!({"error": "replay", "last_seq": last_seq}));
    }
    if v.seq <= last_seq {
        return answer(
            &mut g,
            StatusCode::CONFLICT,
            serde_json::json!({"error": "non-increasing seq", "last_seq": last_seq}),
        );
    }
    g.next_report += 1;
    let id = g.next_report;
    if let Some(a) = g.agents.get_mut(&v.agent_id) {
        a.last_seq = v.seq;
        a.seen.insert(v.seq, (hash, id));
    }
    g.received.push(Received { agent_id: v.agent_id, seq: v.seq, report_id: id, report: v.report });
    if lost != 0 {
        let s = StatusCode::from_u16(lost).unwrap_or(StatusCode::BAD_GATEWAY);
        return answer(&mut g, s, serde_json::json!({"error": "answer lost on the way"}));
    }
    answer(&mut g, StatusCode::ACCEPTED, serde_json::json!(SubmissionAccepted { report_id: id, seq: v.seq }))
}

pub fn router(state: Arc<PeerState>) -> Router {
    Router::new()
        .route(antoan_wire::ENROLL_PATH, post(enroll))
        .route(antoan_wire::REPORTS_PATH, post(reports))
        .layer(axum::extract::DefaultBodyLimit::max(antoan_wire::MAX_SUBMISSION_BYTES))
        .with_state(state)
}

/// A running peer; stopped (and its port freed) by `stop()` or on drop.
pub struct Peer {
    pub addr: SocketAddr,
    pub state: Arc<PeerState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Peer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn start(state: Arc<PeerState>) -> Peer {
        Self::start_on("127.0.0.1:0".parse().expect("addr"), state).await
    }

    /// Starts on a given address (to come back on the same port after a "downtime").
    pub async fn start_on(addr: SocketAddr, state: Arc<PeerState>) -> Peer {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Peer { addr, state, stop: Some(tx), task: Some(task) }
    }

    /// Serves HTTPS with the given certificate and key (DER).
    pub async fn start_tls(addr: SocketAddr, state: Arc<PeerState>, cert_der: Vec<u8>, key_der: Vec<u8>) -> Peer {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![rustls::pki_types::CertificateDer::from(cert_der)],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key_der.into()),
            )
            .expect("server config");
        let tls = TlsListener { tcp: listener, acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(cfg)) };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(tls, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Peer { addr, state, stop: Some(tx), task: Some(task) }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

struct TlsListener {
    tcp: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else { continue };
            // A client that refuses our certificate fails here; keep serving the others.
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
