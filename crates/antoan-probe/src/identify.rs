//! Service identification: the first banner, then a few light probes
//! (HTTP GET, TLS handshake, RTSP OPTIONS, FTP anonymous login, Redis PING).
//! Every connection goes through the [`Gate`]; every read has a timeout and
//! the whole identification of a port has a budget, so a tarpit costs at
//! most that budget.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{timeout, Instant};

use crate::banner::{self, classify_banner, clean, parse_response, Banner, HttpInfo};
use crate::fingerprint::Fingerprints;
use crate::gate::Gate;
use crate::service::{name_by_port, Service};

#[derive(Debug, Clone)]
pub struct IdentifyOptions {
    pub connect_timeout: Duration,
    /// How long to wait for a service that speaks first (SSH, FTP, Telnet).
    pub banner_wait: Duration,
    /// Idle time after which a read gives up.
    pub read_timeout: Duration,
    /// Total time for one port.
    pub budget: Duration,
    /// Ports probed with SMB NEGOTIATE (SMBv1 and SMB2 dialects).
    pub smb_ports: Vec<u16>,
    /// Fetch /favicon.ico from web services for its hash.
    pub favicon: bool,
}

impl Default for IdentifyOptions {
    fn default() -> Self {
        IdentifyOptions {
            connect_timeout: Duration::from_millis(800),
            banner_wait: Duration::from_millis(500),
            read_timeout: Duration::from_millis(1500),
            budget: Duration::from_secs(6),
            smb_ports: vec![445],
            favicon: true,
        }
    }
}

/// Largest response read from one request.
const MAX_READ: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Http,
    Tls,
    Rtsp,
    Redis,
    Rdp,
    /// Binary protocols that send nothing first and answer nothing we send cheaply.
    Quiet,
    None,
}

fn hint(port: u16) -> Hint {
    match port {
        80 | 81 | 631 | 5000 | 7547 | 8000 | 8008 | 8080 | 8081 | 8888 => Hint::Http,
        443 | 4443 | 7443 | 8443 | 9443 => Hint::Tls,
        554 | 8554 => Hint::Rtsp,
        6379 => Hint::Redis,
        3389 => Hint::Rdp,
        139 | 161 | 445 | 1433 | 5432 | 9100 | 27017 | 34567 | 37777 => Hint::Quiet,
        _ => Hint::None,
    }
}

/// Identifies the service on an open port. Never fails: what could not be
/// learnt stays empty, and the port number names the service as a last resort.
pub async fn identify(
    gate: &Gate,
    ip: IpAddr,
    port: u16,
    opts: &IdentifyOptions,
    fp: &Fingerprints,
) -> Service {
    let mut s = Service::new(ip, port);
    let _ = timeout(opts.budget, probe(gate, &mut s, opts)).await;
    if s.name == "unknown" {
        if let Some(n) = name_by_port(port) {
            s.name = n.to_string();
            s.by_port_only = true;
        }
    }
    s.device = fp.identify(&s);
    s
}

async fn probe(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) {
    if opts.smb_ports.contains(&s.port) {
        smb(gate, s, opts).await;
        return;
    }
    let done = match hint(s.port) {
        Hint::Http => http_plain(gate, s, opts).await,
        Hint::Tls => tls_http(gate, s, opts).await,
        Hint::Rtsp => rtsp(gate, s, opts).await,
        Hint::Redis => redis(gate, s, opts).await,
        Hint::Rdp => {
            rdp(gate, s, opts).await;
            true
        }
        Hint::Quiet => true,
        Hint::None => false,
    };
    if !done {
        generic(gate, s, opts).await;
    }
    if opts.favicon && s.http.is_some() {
        favicon(gate, s, opts).await;
    }
}

/// GET /favicon.ico on the same scheme; keeps its Shodan-style hash.
async fn favicon(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) {
    let bytes = if s.tls.is_some() {
        get_tls(gate, s, "/favicon.ico", opts).await.map(|(_, b)| b)
    } else {
        get_plain(gate, s, "/favicon.ico", opts).await
    };
    if let Some(icon) = bytes.as_deref().and_then(crate::favicon::icon_body) {
        s.favicon_mmh3 = Some(crate::favicon::favicon_hash(&icon));
    }
}

fn addr(s: &Service) -> SocketAddr {
    SocketAddr::new(s.ip, s.port)
}

/// Reads what arrives within `wait`, then whatever follows within a short settle time.
async fn read_some<S: AsyncRead + Unpin>(stream: &mut S, wait: Duration) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let mut out = Vec::new();
    let mut deadline = wait;
    loop {
        match timeout(deadline, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                out.extend_from_slice(&buf[..n]);
                if out.len() >= MAX_READ {
                    break;
                }
                deadline = Duration::from_millis(60);
            }
            _ => break,
        }
    }
    out
}

/// Reads an HTTP/RTSP response: until the peer closes, the body announced by
/// Content-Length (or a chunked end) is complete, the size limit, or idle time.
async fn read_response<S: AsyncRead + Unpin>(
    stream: &mut S,
    idle: Duration,
    headers_only: bool,
) -> Vec<u8> {
    let mut buf = vec![0u8; 8192];
    let mut out = Vec::new();
    loop {
        match timeout(idle, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                out.extend_from_slice(&buf[..n]);
                if out.len() >= MAX_READ || response_complete(&out, headers_only) {
                    break;
                }
            }
            _ => break,
        }
    }
    out
}

fn response_complete(buf: &[u8], headers_only: bool) -> bool {
    let Some(h) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    if headers_only {
        return true;
    }
    let head = String::from_utf8_lossy(&buf[..h]).to_ascii_lowercase();
    let body = buf.len() - (h + 4);
    for line in head.lines() {
        if let Some(v) = line.strip_prefix("content-length:") {
            if let Ok(n) = v.trim().parse::<usize>() {
                return body >= n;
            }
        }
        if line.starts_with("transfer-encoding:") && line.contains("chunked") {
            return buf.ends_with(b"0\r\n\r\n");
        }
    }
    false
}

fn http_request(s: &Service, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: antoan-scan/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        s.host_port(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// Same-origin path of a redirect, or None (another host, a name, another scheme).
fn same_origin_path(location: &str, s: &Service, scheme: &str) -> Option<String> {
    if location.starts_with('/') && !location.starts_with("//") {
        return Some(location.to_string());
    }
    let rest = location.strip_prefix(&format!("{scheme}://"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let same =
        authority == s.host_port() || (s.port == default_port && authority == s.ip.to_string());
    same.then(|| path.to_string())
}

/// One HTTP GET on a fresh plain connection.
async fn get_plain(
    gate: &Gate,
    s: &Service,
    path: &str,
    opts: &IdentifyOptions,
) -> Option<Vec<u8>> {
    let mut stream = gate.connect(addr(s), opts.connect_timeout).await.ok()?;
    stream.write_all(&http_request(s, path)).await.ok()?;
    Some(read_response(&mut stream, opts.read_timeout, false).await)
}

/// Follows up to two same-origin redirects; keeps the first Location for fingerprints.
async fn follow_redirects(
    gate: &Gate,
    s: &mut Service,
    first: HttpInfo,
    tls: bool,
    opts: &IdentifyOptions,
) -> HttpInfo {
    let scheme = if tls { "https" } else { "http" };
    let mut current = first.clone();
    for _ in 0..2 {
        if !(300..400).contains(&current.status) {
            break;
        }
        let Some(loc) = current.location.clone() else {
            break;
        };
        let Some(path) = same_origin_path(&loc, s, scheme) else {
            s.redirect_not_followed = Some(loc);
            break;
        };
        let bytes = if tls {
            get_tls(gate, s, &path, opts).await.map(|(_, b)| b)
        } else {
            get_plain(gate, s, &path, opts).await
        };
        match bytes.and_then(|b| parse_response(&b, "HTTP").ok()) {
            Some(next) => current = next,
            None => break,
        }
    }
    if current.location.is_none() {
        current.location = first.location.clone();
    }
    current
}

fn set_http(s: &mut Service, info: HttpInfo, name: &str) {
    s.name = name.to_string();
    if s.product.is_none() {
        s.product = info.server.clone();
    }
    s.http = Some(info);
}

async fn http_plain(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) -> bool {
    let Some(bytes) = get_plain(gate, s, "/", opts).await else {
        return false;
    };
    match parse_response(&bytes, "HTTP") {
        Ok(info) => {
            let info = follow_redirects(gate, s, info, false, opts).await;
            set_http(s, info, "http");
            true
        }
        Err(_) if bytes.starts_with(b"RTSP/") => set_rtsp(s, &bytes),
        Err(_) => false,
    }
}

fn set_rtsp(s: &mut Service, bytes: &[u8]) -> bool {
    match parse_response(bytes, "RTSP") {
        Ok(info) => {
            s.name = "rtsp".into();
            s.product = info.server.clone();
            s.rtsp = Some(info);
            true
        }
        Err(_) => false,
    }
}

async fn rtsp(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) -> bool {
    let Ok(mut stream) = gate.connect(addr(s), opts.connect_timeout).await else {
        return false;
    };
    let req = format!(
        "OPTIONS rtsp://{}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: antoan-scan\r\n\r\n",
        s.host_port()
    );
    if stream.write_all(req.as_bytes()).await.is_err() {
        return false;
    }
    let bytes = read_response(&mut stream, opts.read_timeout, true).await;
    set_rtsp(s, &bytes)
}

async fn redis(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) -> bool {
    let Ok(mut stream) = gate.connect(addr(s), opts.connect_timeout).await else {
        return false;
    };
    if stream.write_all(b"PING\r\n").await.is_err() {
        return false;
    }
    let bytes = read_some(&mut stream, opts.read_timeout).await;
    if bytes.starts_with(b"+PONG") {
        s.name = "redis".into();
        s.redis_no_auth = Some(true);
        true
    } else if bytes.starts_with(b"-NOAUTH")
        || bytes.starts_with(b"-ERR")
        || bytes.starts_with(b"-DENIED")
    {
        s.name = "redis".into();
        s.redis_no_auth = Some(false);
        s.banner = Some(clean(&bytes));
        true
    } else {
        false
    }
}

/// RDP: offers TLS only (no CredSSP). A server that requires NLA refuses
/// with HYBRID_REQUIRED_BY_SERVER; one that accepts lets anyone reach its
/// login screen before authenticating.
async fn rdp(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) -> bool {
    use banner::RdpNegotiation;
    let Ok(mut stream) = gate.connect(addr(s), opts.connect_timeout).await else {
        return false;
    };
    if stream
        .write_all(&banner::rdp_connection_request(1))
        .await
        .is_err()
    {
        return false;
    }
    let bytes = read_some(&mut stream, opts.read_timeout).await;
    let Some(neg) = banner::parse_rdp_confirm(&bytes) else {
        return false;
    };
    s.name = "rdp".into();
    let (nla, product) = match neg {
        RdpNegotiation::Failure(5) => (Some(true), "RDP (NLA required)".to_string()),
        RdpNegotiation::Failure(code) => (None, format!("RDP (negotiation failure {code})")),
        RdpNegotiation::Selected(p) => (
            Some(false),
            format!("RDP (accepted protocol {p} without NLA)"),
        ),
        RdpNegotiation::Legacy => (Some(false), "RDP (standard RDP security only)".to_string()),
    };
    s.rdp_nla_required = nla;
    s.product = Some(product);
    true
}

/// SMB1 NEGOTIATE ("NT LM 0.12" only), then SMB2 NEGOTIATE, each on its own connection.
async fn smb(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) {
    use crate::smb::{self as m, SmbReply};
    for req in [m::smb1_negotiate_request(), m::smb2_negotiate_request()] {
        let Ok(mut stream) = gate.connect(addr(s), opts.connect_timeout).await else {
            return;
        };
        if stream.write_all(&req).await.is_err() {
            continue;
        }
        let bytes = read_smb(&mut stream, opts.read_timeout).await;
        match m::parse_negotiate_response(&bytes) {
            Some(SmbReply::Smb1 { accepted }) => {
                s.name = "smb".into();
                s.smb1 = Some(accepted);
            }
            Some(SmbReply::Smb2 { dialect }) => {
                s.name = "smb".into();
                if req[4] == 0xff {
                    // Answered an SMB1 request with SMB2: SMB1 refused.
                    s.smb1 = Some(false);
                } else {
                    s.smb2_dialect = Some(m::dialect_name(dialect));
                }
            }
            Some(SmbReply::Refused) => {
                s.name = "smb".into();
                if req[4] == 0xff {
                    s.smb1 = Some(false);
                }
            }
            // Closed or reset without an answer: SMB1 refused, as Windows does
            // with SMB1 disabled (decided once SMB2 answers below).
            None => {}
        }
    }
    if s.name == "smb" && s.smb1.is_none() {
        s.smb1 = Some(false);
    }
    if s.name == "smb" {
        let mut p = Vec::new();
        if s.smb1 == Some(true) {
            p.push("SMB 1 (NT LM 0.12)".to_string());
        }
        if let Some(d) = &s.smb2_dialect {
            p.push(format!("SMB {d}"));
        }
        if !p.is_empty() {
            s.product = Some(p.join(", "));
        }
    }
}

/// Reads one NetBIOS-framed message (at most 64 KiB).
async fn read_smb<S: AsyncRead + Unpin>(stream: &mut S, idle: Duration) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if buf.len() >= 4 {
            let len =
                (usize::from(buf[1]) << 16) | (usize::from(buf[2]) << 8) | usize::from(buf[3]);
            if buf.len() >= 4 + len || buf.len() >= MAX_READ {
                return buf;
            }
        }
        match timeout(idle, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return buf,
        }
    }
}

async fn generic(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) {
    let Ok(mut stream) = gate.connect(addr(s), opts.connect_timeout).await else {
        return;
    };
    let first = read_some(&mut stream, opts.banner_wait).await;
    if !first.is_empty() {
        on_banner(s, &mut stream, &first, opts).await;
        return;
    }
    // Silent: maybe a web server; ask.
    if stream.write_all(&http_request(s, "/")).await.is_ok() {
        let bytes = read_response(&mut stream, opts.read_timeout, false).await;
        if let Ok(info) = parse_response(&bytes, "HTTP") {
            drop(stream);
            let info = follow_redirects(gate, s, info, false, opts).await;
            set_http(s, info, "http");
            return;
        }
        if bytes.starts_with(b"RTSP/") && set_rtsp(s, &bytes) {
            return;
        }
        let tls_alert = bytes.first() == Some(&0x15);
        if !bytes.is_empty() && !tls_alert {
            s.banner = Some(clean(&bytes[..bytes.len().min(200)]));
            return;
        }
    }
    drop(stream);
    tls_http(gate, s, opts).await;
}

async fn on_banner<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut Service,
    stream: &mut S,
    first: &[u8],
    opts: &IdentifyOptions,
) {
    match classify_banner(first) {
        Banner::Ssh { version, software } => {
            s.name = "ssh".into();
            s.product = Some(if software.is_empty() {
                format!("SSH-{version}")
            } else {
                software
            });
            s.banner = Some(clean(first.split(|b| *b == b'\n').next().unwrap_or(first)));
        }
        Banner::Ftp { text } => {
            s.name = "ftp".into();
            s.banner = Some(text);
            s.ftp_anonymous = ftp_anonymous(stream, first, opts).await;
        }
        Banner::Smtp { text } => {
            s.name = "smtp".into();
            s.banner = Some(text);
        }
        Banner::Telnet { text } => {
            s.name = "telnet".into();
            let refusals = banner::telnet_refusals(first);
            let mut all = first.to_vec();
            if !refusals.is_empty() && stream.write_all(&refusals).await.is_ok() {
                all.extend(
                    read_some(stream, Duration::from_millis(300).min(opts.read_timeout)).await,
                );
            }
            let shown = clean(&banner::strip_iac(&all));
            s.banner = Some(if shown.is_empty() { text } else { shown });
        }
        Banner::Vnc { version } => {
            s.name = "vnc".into();
            s.product = Some(format!("RFB {version}"));
        }
        Banner::Mysql { version } => {
            s.name = "mysql".into();
            s.product = Some(format!("MySQL/MariaDB {version}"));
        }
        Banner::Http => {
            if let Ok(info) = parse_response(first, "HTTP") {
                set_http(s, info, "http");
            }
        }
        Banner::Rtsp => {
            set_rtsp(s, first);
        }
        Banner::Other { text } => {
            if !text.is_empty() {
                s.banner = Some(text);
            }
        }
    }
}

/// Tries the anonymous FTP login (one attempt, the public convention, no
/// real credential). `None` when the server did not answer clearly.
async fn ftp_anonymous<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    greeting: &[u8],
    opts: &IdentifyOptions,
) -> Option<bool> {
    if banner::ftp_reply_code(greeting).is_none() {
        // Multi-line greeting still arriving.
        let _ = ftp_reply(stream, opts.read_timeout).await;
    }
    stream.write_all(b"USER anonymous\r\n").await.ok()?;
    let code = ftp_reply(stream, opts.read_timeout).await?;
    let result = match code {
        230 => Some(true),
        331 => {
            stream
                .write_all(b"PASS anonymous@example.org\r\n")
                .await
                .ok()?;
            match ftp_reply(stream, opts.read_timeout).await? {
                230 => Some(true),
                c if (400..600).contains(&c) => Some(false),
                _ => None,
            }
        }
        c if (400..600).contains(&c) => Some(false),
        _ => None,
    };
    let _ = stream.write_all(b"QUIT\r\n").await;
    result
}

async fn ftp_reply<S: AsyncRead + Unpin>(stream: &mut S, idle: Duration) -> Option<u16> {
    let mut buf = vec![0u8; 2048];
    let mut out = Vec::new();
    let end = Instant::now() + idle * 2;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match timeout(left.min(idle), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                out.extend_from_slice(&buf[..n]);
                if let Some(code) = banner::ftp_reply_code(&out) {
                    return Some(code);
                }
                if out.len() > 16 * 1024 {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

// --- TLS -------------------------------------------------------------------

mod record {
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, SignatureScheme};

    /// Accepts any certificate so that it can be inspected and reported
    /// (expired, self-signed); handshake signatures are still checked.
    #[derive(Debug)]
    pub struct RecordingVerifier(pub std::sync::Arc<CryptoProvider>);

    impl ServerCertVerifier for RecordingVerifier {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

pub(crate) fn tls_connector() -> Option<tokio_rustls::TlsConnector> {
    static CONNECTOR: std::sync::OnceLock<Option<tokio_rustls::TlsConnector>> =
        std::sync::OnceLock::new();
    CONNECTOR
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .ok()?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(record::RecordingVerifier(provider)))
                .with_no_client_auth();
            Some(tokio_rustls::TlsConnector::from(Arc::new(config)))
        })
        .clone()
}

/// TLS handshake and one GET: (certificate DER, response bytes).
async fn get_tls(
    gate: &Gate,
    s: &Service,
    path: &str,
    opts: &IdentifyOptions,
) -> Option<(Option<Vec<u8>>, Vec<u8>)> {
    let (cert, mut tls) = tls_handshake(gate, s, opts).await.ok()?;
    tls.write_all(&http_request(s, path)).await.ok()?;
    let bytes = read_response(&mut tls, opts.read_timeout, false).await;
    Some((cert, bytes))
}

type TlsStream = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

async fn tls_handshake(
    gate: &Gate,
    s: &Service,
    opts: &IdentifyOptions,
) -> Result<(Option<Vec<u8>>, TlsStream), String> {
    let connector = tls_connector().ok_or("TLS is not available")?;
    let stream = gate
        .connect(addr(s), opts.connect_timeout)
        .await
        .map_err(|e| e.to_string())?;
    let name = rustls::pki_types::ServerName::IpAddress(s.ip.into());
    let tls = match timeout(opts.read_timeout, connector.connect(name, stream)).await {
        Err(_) => return Err("TLS handshake timed out".into()),
        Ok(Err(e)) => return Err(format!("TLS handshake failed: {e}")),
        Ok(Ok(t)) => t,
    };
    let cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.as_ref().to_vec());
    Ok((cert, tls))
}

async fn tls_http(gate: &Gate, s: &mut Service, opts: &IdentifyOptions) -> bool {
    let (cert, mut tls) = match tls_handshake(gate, s, opts).await {
        Ok(x) => x,
        Err(e) => {
            s.tls_error = Some(e);
            return false;
        }
    };
    s.tls_error = None;
    if let Some(der) = cert {
        match banner::parse_certificate(&der) {
            Ok(c) => s.tls = Some(c),
            Err(e) => s.tls_error = Some(e),
        }
    }
    s.name = "tls".into();
    if tls.write_all(&http_request(s, "/")).await.is_ok() {
        let bytes = read_response(&mut tls, opts.read_timeout, false).await;
        drop(tls);
        if let Ok(info) = parse_response(&bytes, "HTTP") {
            let info = follow_redirects(gate, s, info, true, opts).await;
            set_http(s, info, "https");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_origin_rules() {
        let s = Service::new("127.0.0.2".parse().unwrap(), 8080);
        assert_eq!(
            same_origin_path("/login", &s, "http").as_deref(),
            Some("/login")
        );
        assert_eq!(
            same_origin_path("http://127.0.0.2:8080/x", &s, "http").as_deref(),
            Some("/x")
        );
        assert_eq!(
            same_origin_path("http://127.0.0.9:8080/x", &s, "http"),
            None
        );
        assert_eq!(same_origin_path("http://evil.example/x", &s, "http"), None);
        assert_eq!(same_origin_path("//127.0.0.9/x", &s, "http"), None);
        assert_eq!(
            same_origin_path("https://127.0.0.2:8080/x", &s, "http"),
            None
        );
    }

    #[test]
    fn completeness() {
        assert!(response_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab",
            false
        ));
        assert!(!response_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab",
            false
        ));
        assert!(response_complete(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
            false
        ));
        assert!(!response_complete(b"HTTP/1.1 200 OK\r\n", true));
    }
}
