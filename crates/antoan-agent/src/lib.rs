//! The antoan agent.
//!
//! * [`enroll`] generates an Ed25519 key in the state directory, registers its public key with the
//!   server using an enrollment token, and records the agent id, the server URL and (for https) the
//!   server certificate's SHA-256 pin in `DIR/agent.toml`.
//! * [`run_once`] audits this host (or a mounted root / a Windows export) in-process with
//!   `antoan-audit`, signs the report with the next sequence number, puts it in the on-disk spool
//!   and sends every spooled report in order (see [`spool`] for the guarantees).
//! * [`run_service`] repeats that on a schedule with jitter, retrying undelivered reports with
//!   exponential backoff, until the shutdown future completes.

pub mod error;
pub mod spool;
pub mod state;
pub mod tls;

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use antoan_model::{Lang, Report, Text};
use antoan_wire::ed25519_dalek::SigningKey;
use antoan_wire::{EnrollRequest, EnrollResponse, MAX_SUBMISSION_BYTES};
use serde::Serialize;
use time::OffsetDateTime;

pub use error::{AgentError, Result};
pub use spool::{Spool, SpoolLimits};
pub use state::AgentState;
pub use tls::{cert_pin, parse_pin};

/// Default time limit of one HTTP request (a report upload included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Options of [`enroll`].
#[derive(Debug, Clone)]
pub struct EnrollOptions {
    /// Server base URL: `https://host[:port]`, or `http://` to a loopback address only.
    pub server: String,
    /// The enrollment token from the unit admin.
    pub token: String,
    pub state_dir: PathBuf,
    /// The server certificate's SHA-256 pin (hex). `None` = trust the certificate the server
    /// presents now (trust on first use) and pin it from then on.
    pub ca_pin: Option<String>,
    /// Name sent to the server; default: this machine's hostname.
    pub hostname: Option<String>,
    /// OS description sent to the server; default: this machine's.
    pub os: Option<String>,
    pub timeout: Duration,
    /// Language of log lines.
    pub lang: Lang,
}

impl EnrollOptions {
    pub fn new(server: impl Into<String>, token: impl Into<String>, state_dir: impl Into<PathBuf>) -> Self {
        EnrollOptions {
            server: server.into(),
            token: token.into(),
            state_dir: state_dir.into(),
            ca_pin: None,
            hostname: None,
            os: None,
            timeout: DEFAULT_TIMEOUT,
            lang: Lang::Vi,
        }
    }
}

/// What [`run_once`] audits.
#[derive(Debug, Clone)]
pub enum AuditTarget {
    /// The running system.
    Live,
    /// A mounted disk or extracted file system (`antoan audit --root`).
    Root(PathBuf),
    /// A folder collected on a Windows PC (`antoan audit --windows-export`).
    WindowsExport(PathBuf),
    /// Send this already-made report (tests, benchmarks, reports made elsewhere).
    Report(Box<Report>),
    /// Do not audit; only send what is in the spool.
    SpoolOnly,
}

/// Options of [`run_once`] and [`run_service`].
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub state_dir: PathBuf,
    pub audit: AuditTarget,
    /// Vulnerability store of `antoan kb import`; skipped when `None` or missing.
    pub vuln_store: Option<PathBuf>,
    /// Evaluate as of this instant instead of now (reproducible tests).
    pub now: Option<OffsetDateTime>,
    pub spool: SpoolLimits,
    pub timeout: Duration,
    /// Language of log lines.
    pub lang: Lang,
}

impl RunOptions {
    pub fn new(state_dir: impl Into<PathBuf>, audit: AuditTarget) -> Self {
        RunOptions {
            state_dir: state_dir.into(),
            audit,
            vuln_store: None,
            now: None,
            spool: SpoolLimits::default(),
            timeout: DEFAULT_TIMEOUT,
            lang: Lang::Vi,
        }
    }
}

/// A report the server took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivered {
    pub seq: u64,
    pub report_id: i64,
    /// The server already had it (200, idempotent resend) rather than newly accepting it (202).
    pub duplicate: bool,
}

/// A report the server refused; it was moved to `spool/rejected/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub seq: u64,
    pub status: u16,
    pub reason: String,
}

/// What one [`run_once`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Sequence number given to the report made by this run (none for `SpoolOnly`).
    pub new_seq: Option<u64>,
    /// Delivered in this run, in order.
    pub sent: Vec<Delivered>,
    /// Still in the spool, to be sent later (oldest first).
    pub pending: Vec<u64>,
    pub rejected: Vec<Rejected>,
    /// Deleted unsent because the spool was full (oldest first).
    pub dropped: Vec<u64>,
    /// Why sending stopped early (network error, 5xx …), if it did.
    pub send_error: Option<String>,
}

impl RunSummary {
    /// Everything was delivered: nothing pending, nothing refused, nothing dropped.
    pub fn all_delivered(&self) -> bool {
        self.pending.is_empty() && self.rejected.is_empty() && self.dropped.is_empty()
    }
}

pub(crate) fn log(lang: Lang, level: &str, vi: impl AsRef<str>, en: impl AsRef<str>) {
    let now = antoan_wire::format_time(OffsetDateTime::now_utc());
    let msg = match lang {
        Lang::Vi => vi.as_ref(),
        _ => en.as_ref(),
    };
    eprintln!("{now} antoan-agent {level}: {msg}");
}

/// The error and its causes, one after the other (reqwest hides the interesting part in `source`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// A parsed server URL.
#[derive(Debug, Clone)]
struct ServerUrl {
    base: String,
    https: bool,
    host: String,
    port: u16,
    loopback: bool,
}

fn parse_server(url: &str) -> Result<ServerUrl> {
    let bad = |reason: &str| AgentError::BadUrl { url: url.chars().take(200).collect(), reason: reason.to_string() };
    let u = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
    let https = match u.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(bad("scheme must be https or http")),
    };
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad("credentials in the URL are not allowed"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad("query or fragment not allowed"));
    }
    let (host, loopback) = match u.host() {
        Some(url::Host::Ipv4(ip)) => (ip.to_string(), ip.is_loopback()),
        Some(url::Host::Ipv6(ip)) => (ip.to_string(), ip.is_loopback()),
        Some(url::Host::Domain(d)) => (d.to_string(), d.eq_ignore_ascii_case("localhost")),
        None => return Err(bad("no host")),
    };
    let port = u.port_or_known_default().ok_or_else(|| bad("no port"))?;
    if !https && !loopback {
        return Err(AgentError::InsecureUrl(url.chars().take(200).collect()));
    }
    let base = u.as_str().trim_end_matches('/').to_string();
    Ok(ServerUrl { base, https, host, port, loopback })
}

fn http_client(server: &ServerUrl, pin: Option<&str>, timeout: Duration) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(30)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("antoan-agent/", env!("CARGO_PKG_VERSION")));
    if server.loopback {
        b = b.no_proxy();
    }
    if server.https {
        let pin = pin.ok_or_else(|| AgentError::Tls("no certificate pin recorded for this https server".into()))?;
        b = b.use_preconfigured_tls(tls::pinned_config(pin)?);
    }
    b.build().map_err(|e| AgentError::Tls(chain(&e)))
}

/// Enrolls this machine: see the crate documentation.
pub async fn enroll(opts: EnrollOptions) -> Result<AgentState> {
    let server = parse_server(&opts.server)?;
    let dir = opts.state_dir.clone();
    state::ensure_dir(&dir)?;
    let _lock = state::lock(&dir)?;
    if dir.join(state::STATE_FILE).exists() {
        return Err(AgentError::AlreadyEnrolled(dir));
    }
    let pin = if server.https {
        match &opts.ca_pin {
            Some(p) => Some(tls::parse_pin(p)?),
            None => {
                let pin = tls::fetch_server_pin(&server.host, server.port, opts.timeout).await?;
                log(
                    opts.lang,
                    "WARN",
                    format!("tin chứng chỉ máy chủ ở lần dùng đầu tiên; mã ghim SHA-256: {pin} — hãy đối chiếu với mã máy chủ in ra"),
                    format!("trusting the server certificate on first use; SHA-256 pin: {pin} — compare it with the one the server printed"),
                );
                Some(pin)
            }
        }
    } else {
        None
    };
    let client = http_client(&server, pin.as_deref(), opts.timeout)?;

    let key = state::generate_key()?;
    state::save_key(&dir, &key)?;
    let public_key = antoan_wire::public_key_b64(&key.verifying_key());
    let hostname = opts.hostname.clone().unwrap_or_else(state::local_hostname);
    let req = EnrollRequest {
        token: opts.token.trim().to_string(),
        public_key: public_key.clone(),
        hostname: hostname.clone(),
        os: opts.os.clone().unwrap_or_else(state::local_os),
    };
    let url = format!("{}{}", server.base, antoan_wire::ENROLL_PATH);
    let resp = client.post(&url).json(&req).send().await.map_err(|e| net_error(&e))?;
    let status = resp.status().as_u16();
    let body = read_capped(resp).await.map_err(|e| net_error(&e))?;
    if !(200..300).contains(&status) {
        return Err(AgentError::Server { status, body: body_excerpt(&body) });
    }
    let er: EnrollResponse = serde_json::from_slice(&body)
        .map_err(|e| AgentError::Server { status, body: format!("unexpected enrollment answer: {e}") })?;
    if let Ok(server_time) = antoan_wire::parse_time(&er.server_time) {
        let skew = (OffsetDateTime::now_utc() - server_time).abs();
        if skew > time::Duration::minutes(5) {
            log(
                opts.lang,
                "WARN",
                format!("đồng hồ máy này lệch {} giây so với máy chủ", skew.whole_seconds()),
                format!("this machine's clock differs from the server's by {} seconds", skew.whole_seconds()),
            );
        }
    }
    let st = AgentState {
        agent_id: er.agent_id,
        server: server.base.clone(),
        server_pin_sha256: pin,
        unit_path: er.unit_path,
        public_key,
        enrolled_at: antoan_wire::format_time(OffsetDateTime::now_utc()),
        hostname,
    };
    state::save_seq(&dir, 0)?;
    state::save_state(&dir, &st)?;
    Ok(st)
}

/// Largest server answer read; the agent only needs a few fields from it.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Reads at most [`MAX_ANSWER_BYTES`] of an answer (the rest is ignored).
async fn read_capped(mut resp: reqwest::Response) -> std::result::Result<Vec<u8>, reqwest::Error> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = MAX_ANSWER_BYTES - out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= MAX_ANSWER_BYTES {
            break;
        }
    }
    Ok(out)
}

fn net_error(e: &reqwest::Error) -> AgentError {
    let s = chain(e);
    if s.contains("certificate") || s.contains("pinned") || s.contains("TLS") || s.contains("tls") {
        AgentError::Tls(s)
    } else {
        AgentError::Network(s)
    }
}

fn body_excerpt(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    let s = s.trim();
    if s.chars().count() > 500 {
        let mut t: String = s.chars().take(500).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// Audits (per `opts.audit`) and returns the report JSON; `None` for `SpoolOnly`.
async fn produce_report(opts: &RunOptions) -> Result<Option<Vec<u8>>> {
    let (source, windows_export) = match &opts.audit {
        AuditTarget::SpoolOnly => return Ok(None),
        AuditTarget::Report(r) => {
            return serde_json::to_vec(r)
                .map(Some)
                .map_err(|e| AgentError::Audit(Text { vi: e.to_string(), en: e.to_string() }))
        }
        AuditTarget::Live => (antoan_audit::source_for(None), None),
        AuditTarget::Root(p) => (antoan_audit::source_for(Some(p.clone())), None),
        AuditTarget::WindowsExport(p) => (antoan_audit::source_for(None), Some(p.clone())),
    };
    let now = opts.now.unwrap_or_else(OffsetDateTime::now_utc);
    let vuln_store = opts.vuln_store.clone();
    let job = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let kb = antoan_kb::Knowledge::embedded().map_err(|e| {
            AgentError::Audit(Text {
                vi: format!("kho tri thức nhúng bị hỏng: {e}"),
                en: format!("the embedded knowledge is damaged: {e}"),
            })
        })?;
        let ao = antoan_audit::AuditOptions {
            source,
            windows_export,
            baseline: true,
            policies: Vec::new(),
            now,
            vuln_store,
        };
        let report = antoan_audit::run(&ao, &kb).map_err(|e| AgentError::Audit(e.text().clone()))?;
        serde_json::to_vec(&report).map_err(|e| AgentError::Audit(Text { vi: e.to_string(), en: e.to_string() }))
    });
    match job.await {
        Ok(r) => r.map(Some),
        Err(e) => Err(AgentError::Audit(Text {
            vi: format!("tiến trình kiểm tra bị dừng: {e}"),
            en: format!("the audit task stopped: {e}"),
        })),
    }
}

/// Reserves a seq (durably), signs, and spools. Synchronous on purpose: no await point between
/// reserving the number and writing the spooled file.
fn spool_report(
    opts: &RunOptions,
    st: &AgentState,
    key: &SigningKey,
    spool: &Spool,
    report_json: &[u8],
    summary: &mut RunSummary,
) -> Result<()> {
    // base64 grows the payload by 4/3; refuse before using a sequence number.
    let estimated = report_json.len() / 3 * 4 + 4 + 1024;
    if estimated > MAX_SUBMISSION_BYTES {
        return Err(AgentError::ReportTooLarge(report_json.len()));
    }
    let seq = state::next_seq(&opts.state_dir)?;
    let sent_at = antoan_wire::format_time(OffsetDateTime::now_utc());
    let sub = antoan_wire::sign(key, st.agent_id, seq, &sent_at, report_json);
    let body = serde_json::to_vec(&sub).map_err(|e| AgentError::io(spool.dir(), e))?;
    let dropped = spool.put(seq, &body)?;
    if !dropped.is_empty() {
        log(
            opts.lang,
            "WARN",
            format!("hàng đợi đầy: đã xóa {} báo cáo cũ nhất chưa gửi (số thứ tự {:?})", dropped.len(), dropped),
            format!("spool full: deleted the {} oldest unsent report(s) (seq {:?})", dropped.len(), dropped),
        );
    }
    summary.new_seq = Some(seq);
    summary.dropped = dropped;
    Ok(())
}

enum Outcome {
    Delivered {
        report_id: i64,
        duplicate: bool,
    },
    /// Keep it and try later.
    Later(String),
    /// Never acceptable: move to rejected/.
    Refused {
        status: u16,
        reason: String,
        server_last_seq: Option<u64>,
    },
}

async fn send_one(client: &reqwest::Client, url: &str, body: Vec<u8>) -> Outcome {
    let resp = match client.post(url).header("content-type", "application/json").body(body).send().await {
        Ok(r) => r,
        Err(e) => return Outcome::Later(chain(&e)),
    };
    let status = resp.status().as_u16();
    let bytes = match read_capped(resp).await {
        Ok(b) => b,
        Err(e) if (200..300).contains(&status) => {
            // The server took it but the answer was lost; the resend will get the idempotent 200.
            return Outcome::Later(format!("HTTP {status}, answer lost: {}", chain(&e)));
        }
        Err(_) => Default::default(),
    };
    match status {
        200..=299 => {
            let report_id =
                serde_json::from_slice::<antoan_wire::SubmissionAccepted>(&bytes).map(|a| a.report_id).unwrap_or(0);
            Outcome::Delivered { report_id, duplicate: status == 200 }
        }
        408 | 425 | 429 | 500..=599 => Outcome::Later(format!("HTTP {status}: {}", body_excerpt(&bytes))),
        400..=499 => {
            let server_last_seq = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("last_seq").and_then(|s| s.as_u64()));
            Outcome::Refused { status, reason: format!("HTTP {status}: {}", body_excerpt(&bytes)), server_last_seq }
        }
        _ => Outcome::Later(format!("HTTP {status}: {}", body_excerpt(&bytes))),
    }
}

/// Sends every spooled report in order; stops at the first that cannot be delivered now.
async fn flush(opts: &RunOptions, st: &AgentState, spool: &Spool, summary: &mut RunSummary) -> Result<()> {
    let entries = spool.list()?;
    if entries.is_empty() {
        return Ok(());
    }
    let server = parse_server(&st.server)?;
    let client = match http_client(&server, st.server_pin_sha256.as_deref(), opts.timeout) {
        Ok(c) => c,
        Err(e) => {
            summary.pending = entries.iter().map(|e| e.seq).collect();
            summary.send_error = Some(e.to_string());
            return Ok(());
        }
    };
    let url = format!("{}{}", server.base, antoan_wire::REPORTS_PATH);
    for (i, entry) in entries.iter().enumerate() {
        let body = spool.read(entry.seq)?;
        // Check what we are about to send: a damaged file is set aside, not retried forever.
        let local = match antoan_wire::decode(&body) {
            Ok(raw) if raw.agent_id != st.agent_id => {
                Some(format!("spooled for agent {} but this state directory is agent {}", raw.agent_id, st.agent_id))
            }
            Ok(raw) if raw.seq != entry.seq => {
                Some(format!("file name says seq {} but the content says {}", entry.seq, raw.seq))
            }
            Ok(_) => None,
            Err(e) => Some(format!("damaged spool file: {e}")),
        };
        if let Some(reason) = local {
            log(
                opts.lang,
                "WARN",
                format!("báo cáo số {} trong hàng đợi hỏng, chuyển sang rejected/: {reason}", entry.seq),
                format!("spooled report seq {} is damaged, moved to rejected/: {reason}", entry.seq),
            );
            spool.reject(entry.seq, &reason)?;
            summary.rejected.push(Rejected { seq: entry.seq, status: 0, reason });
            continue;
        }
        match send_one(&client, &url, body).await {
            Outcome::Delivered { report_id, duplicate } => {
                spool.remove(entry.seq)?;
                summary.sent.push(Delivered { seq: entry.seq, report_id, duplicate });
            }
            Outcome::Later(reason) => {
                log(
                    opts.lang,
                    "WARN",
                    format!(
                        "chưa gửi được báo cáo số {}, giữ lại {} báo cáo để gửi sau: {reason}",
                        entry.seq,
                        entries.len() - i
                    ),
                    format!(
                        "could not send report seq {}, keeping {} report(s) for later: {reason}",
                        entry.seq,
                        entries.len() - i
                    ),
                );
                summary.pending = entries[i..].iter().map(|e| e.seq).collect();
                summary.send_error = Some(reason);
                return Ok(());
            }
            Outcome::Refused { status, reason, server_last_seq } => {
                log(
                    opts.lang,
                    "ERROR",
                    format!("máy chủ từ chối báo cáo số {}, chuyển sang spool/rejected/: {reason}", entry.seq),
                    format!("the server refused report seq {}, moved to spool/rejected/: {reason}", entry.seq),
                );
                spool.reject(entry.seq, &reason)?;
                if status == 409 {
                    // The server already holds this or a later seq (e.g. the state directory was
                    // restored from a backup): continue numbering after the server's.
                    if let Some(last) = server_last_seq {
                        if last > state::load_seq(&opts.state_dir)? {
                            state::save_seq(&opts.state_dir, last)?;
                        }
                    }
                }
                summary.rejected.push(Rejected { seq: entry.seq, status, reason });
            }
        }
    }
    Ok(())
}

/// Loads the enrollment and key, checking they belong together.
fn load_enrollment(opts: &RunOptions) -> Result<(AgentState, SigningKey)> {
    let st = state::load_state(&opts.state_dir)?;
    let key = state::load_key(&opts.state_dir)?;
    if antoan_wire::public_key_b64(&key.verifying_key()) != st.public_key {
        return Err(AgentError::corrupt(
            &opts.state_dir.join(state::KEY_FILE),
            "the key does not match the public key registered at enrollment",
        ));
    }
    Ok((st, key))
}

/// One audit-and-send cycle: audit, sign with the next seq, spool, send the spool in order.
/// Network trouble is not an error: the reports stay in the spool and the summary says so.
pub async fn run_once(opts: RunOptions) -> Result<RunSummary> {
    if !opts.state_dir.join(state::STATE_FILE).exists() {
        return Err(AgentError::NotEnrolled(opts.state_dir.clone()));
    }
    let _lock = state::lock(&opts.state_dir)?;
    let (st, key) = load_enrollment(&opts)?;
    let spool = Spool::open(&opts.state_dir, opts.spool)?;
    spool.remove_temp_leftovers();
    let mut summary = RunSummary::default();
    if let Some(json) = produce_report(&opts).await? {
        spool_report(&opts, &st, &key, &spool, &json, &mut summary)?;
    }
    flush(&opts, &st, &spool, &mut summary).await?;
    Ok(summary)
}

/// When to audit in [`run_service`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Duration,
    /// A random delay in `[0, jitter)` added to each wait, so that many agents do not all
    /// report at the same minute.
    pub jitter: Duration,
    /// First retry delay for undelivered reports; doubles up to one hour.
    pub retry_initial: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: Duration::from_secs(6 * 3600),
            jitter: Duration::from_secs(30 * 60),
            retry_initial: Duration::from_secs(60),
        }
    }
}

/// Parses `90s`, `30m`, `6h`, `1d`, `1h30m`, or a plain number of seconds.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".to_string());
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Duration::from_secs(n));
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(format!("{t:?}: unknown unit {c:?} (use s, m, h, d)")),
        };
        let n: u64 = num.parse().map_err(|_| format!("{t:?}: a number must come before {c:?}"))?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(|| format!("{t:?}: too long"))?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!("{t:?}: a unit must follow {num} (s, m, h, d)"));
    }
    Ok(Duration::from_secs(total))
}

fn random_below(max: Duration) -> Duration {
    if max.is_zero() {
        return Duration::ZERO;
    }
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    let millis = max.as_millis().min(u128::from(u64::MAX)) as u64;
    Duration::from_millis(u64::from_le_bytes(b) % millis.max(1))
}

fn seq_list(v: &[u64]) -> String {
    if v.is_empty() {
        return "-".to_string();
    }
    v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

fn log_summary(lang: Lang, s: &RunSummary) {
    if s.new_seq.is_none() && s.sent.is_empty() && s.pending.is_empty() && s.rejected.is_empty() {
        return;
    }
    let new = s.new_seq.map(|n| n.to_string()).unwrap_or_else(|| "-".to_string());
    let sent = seq_list(&s.sent.iter().map(|d| d.seq).collect::<Vec<_>>());
    let pending = seq_list(&s.pending);
    let refused = seq_list(&s.rejected.iter().map(|r| r.seq).collect::<Vec<_>>());
    log(
        lang,
        "INFO",
        format!("báo cáo mới số {new}; đã gửi {sent}; chờ gửi {pending}; bị từ chối {refused}"),
        format!("new report seq {new}; sent {sent}; pending {pending}; refused {refused}"),
    );
}

/// Runs until `shutdown` completes: audits every `interval + random(jitter)`, and while reports are
/// pending retries with exponential backoff (`retry_initial`, doubling up to 1 h, never past the next
/// audit).
/// Spooled files are written atomically, so stopping at any point loses nothing already spooled.
pub async fn run_service(opts: RunOptions, schedule: Schedule, shutdown: impl Future<Output = ()>) -> Result<()> {
    tokio::pin!(shutdown);
    // Send what a previous run left before anything else.
    let mut first = true;
    loop {
        let audit_opts = if first {
            first = false;
            RunOptions { audit: AuditTarget::SpoolOnly, ..opts.clone() }
        } else {
            opts.clone()
        };
        let is_audit = !matches!(audit_opts.audit, AuditTarget::SpoolOnly);
        let result = tokio::select! {
            r = run_once(audit_opts) => r,
            _ = &mut shutdown => return Ok(()),
        };
        let mut pending = match result {
            Ok(s) => {
                log_summary(opts.lang, &s);
                !s.pending.is_empty()
            }
            Err(e @ (AgentError::NotEnrolled(_) | AgentError::Corrupt { .. } | AgentError::Locked(_))) => {
                return Err(e)
            }
            Err(e) => {
                let t = e.text();
                log(opts.lang, "ERROR", t.vi, t.en);
                false
            }
        };
        let wait =
            if is_audit { schedule.interval + random_below(schedule.jitter) } else { random_below(schedule.jitter) };
        let next_audit = tokio::time::Instant::now() + wait;
        let mut backoff = schedule.retry_initial.max(Duration::from_millis(10));
        while pending {
            let now = tokio::time::Instant::now();
            if now >= next_audit {
                break;
            }
            let delay = (backoff + random_below(backoff / 4)).min(next_audit - now);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = &mut shutdown => return Ok(()),
            }
            if tokio::time::Instant::now() >= next_audit {
                break;
            }
            let retry = RunOptions { audit: AuditTarget::SpoolOnly, ..opts.clone() };
            let r = tokio::select! {
                r = run_once(retry) => r,
                _ = &mut shutdown => return Ok(()),
            };
            match r {
                Ok(s) => {
                    if !s.sent.is_empty() || !s.rejected.is_empty() {
                        log_summary(opts.lang, &s);
                    }
                    pending = !s.pending.is_empty();
                }
                Err(e) => {
                    let t = e.text();
                    log(opts.lang, "ERROR", t.vi, t.en);
                }
            }
            backoff = (backoff * 2).min(Duration::from_secs(3600));
        }
        tokio::select! {
            _ = tokio::time::sleep_until(next_audit) => {}
            _ = &mut shutdown => return Ok(()),
        }
    }
}

/// Completes on Ctrl-C or (Unix) SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("6h"), Ok(Duration::from_secs(21600)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86400)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        for bad in ["", "h", "5x", "5 giờ", "99999999999999999999d", "1h5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(random_below(Duration::from_secs(10)) < Duration::from_secs(10));
        assert_eq!(random_below(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn server_urls() {
        assert!(parse_server("https://antoan.example.gov.vn").is_ok());
        let s = parse_server("https://10.0.0.5:8443/").expect("url");
        assert_eq!((s.base.as_str(), s.port, s.https, s.loopback), ("https://10.0.0.5:8443", 8443, true, false));
        assert!(parse_server("http://127.0.0.1:8080").expect("loopback").loopback);
        assert!(parse_server("http://[::1]:8080").expect("loopback v6").loopback);
        assert!(parse_server("http://localhost:8080").is_ok());
        assert!(matches!(parse_server("http://10.0.0.5:8080"), Err(AgentError::InsecureUrl(_))));
        assert!(matches!(parse_server("http://antoan.example.gov.vn"), Err(AgentError::InsecureUrl(_))));
        assert!(matches!(parse_server("ftp://x"), Err(AgentError::BadUrl { .. })));
        assert!(matches!(parse_server("không phải url"), Err(AgentError::BadUrl { .. })));
        assert!(matches!(parse_server("https://u:p@x"), Err(AgentError::BadUrl { .. })));
    }

    #[test]
    fn errors_are_bilingual() {
        let e = AgentError::InsecureUrl("http://x".into());
        let t = e.text();
        assert!(t.vi.contains("loopback") && t.en.contains("loopback"));
        assert_ne!(t.vi, t.en);
    }
}
