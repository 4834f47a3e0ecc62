//! Default-credential checks (`antoan scan --check-credentials`): HTTP Basic
//! and Digest (RFC 7616, MD5), FTP USER/PASS, Telnet login prompts. Every attempt asks the
//! [`Pacer`] first and every connection goes through the [`Gate`].
//! Findings name the vendor and source of the default, never the password.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use antoan_model::{Evidence, Finding, FindingKind, FindingStatus, Severity, Text};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::credentials::{CredKind, CredService, Credential, CredentialList};
use crate::gate::Gate;
use crate::pacing::{AccountKey, Denied, Observation, Pacer};
use crate::service::Service;

#[derive(Debug, Clone)]
pub struct CredCheckOptions {
    pub timeout: Duration,
    /// Most bytes read from one response.
    pub max_response: usize,
    /// Attempts in flight on one service (1..=16). Keep 1 when pacing: a
    /// lockout signal then stops the very next attempt.
    pub parallel_per_service: usize,
}

impl Default for CredCheckOptions {
    fn default() -> Self {
        CredCheckOptions {
            timeout: Duration::from_secs(3),
            max_response: 16 * 1024,
            parallel_per_service: 1,
        }
    }
}

/// A login that worked. `password` is kept only to prove the hit in tests
/// of this crate; it is never put in a finding.
#[derive(Clone)]
pub struct WeakCredential {
    pub ip: IpAddr,
    pub port: u16,
    pub service: CredService,
    pub username: String,
    pub vendor: String,
    pub source: String,
    pub list: String,
    pub kind: CredKind,
}

impl std::fmt::Debug for WeakCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WeakCredential({}:{}/{} user {} — {})",
            self.ip,
            self.port,
            self.service.as_str(),
            self.username,
            self.vendor
        )
    }
}

/// What the credential pass did.
#[derive(Debug, Clone, Default)]
pub struct CredOutcome {
    pub found: Vec<WeakCredential>,
    /// Attempts made (requests that carried a credential).
    pub attempts: u64,
    /// Services left alone after a lockout signal: (ip, port, service).
    pub stopped: Vec<(IpAddr, u16, CredService)>,
    /// Accounts whose remaining candidates were skipped (window budget).
    pub skipped_budget: u64,
}

// ---------- small helpers ----------

fn b64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(crate) fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    let d = Md5::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A plain TCP or TLS connection.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Connects through the gate, then TLS (any certificate) when `tls`.
async fn open(
    gate: &Gate,
    addr: SocketAddr,
    tls: bool,
    opts: &CredCheckOptions,
) -> Option<Box<dyn Io>> {
    let stream = gate.connect(addr, opts.timeout).await.ok()?;
    if !tls {
        return Some(Box::new(stream));
    }
    let connector = crate::identify::tls_connector()?;
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let tls = tokio::time::timeout(opts.timeout, connector.connect(name, stream))
        .await
        .ok()?
        .ok()?;
    Some(Box::new(tls))
}

async fn read_some<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    max: usize,
    deadline: Instant,
) -> bool {
    let mut chunk = [0u8; 4096];
    if buf.len() >= max {
        return false;
    }
    match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
        Ok(Ok(n)) if n > 0 => {
            let room = max - buf.len();
            buf.extend_from_slice(&chunk[..n.min(room)]);
            true
        }
        _ => false,
    }
}

// ---------- HTTP ----------

/// An HTTP authentication challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpAuth {
    Basic,
    Digest {
        realm: String,
        nonce: String,
        opaque: Option<String>,
        qop_auth: bool,
    },
}

/// Parses `key="value", key=value` pairs of an auth header.
pub(crate) fn auth_params(s: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', ',', '\t']);
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let value;
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            value = r[..end].to_string();
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.insert(key, value);
    }
    out
}

/// The strongest supported challenge among `WWW-Authenticate` headers (Digest MD5 first).
pub fn parse_challenge(head: &str) -> Option<HttpAuth> {
    let mut basic = false;
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("www-authenticate") {
            continue;
        }
        let value = value.trim();
        let (scheme, params) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("digest") {
            let p = auth_params(params);
            let algo_ok = p
                .get("algorithm")
                .is_none_or(|a| a.eq_ignore_ascii_case("md5"));
            if let (true, Some(nonce)) = (algo_ok, p.get("nonce")) {
                return Some(HttpAuth::Digest {
                    realm: p.get("realm").cloned().unwrap_or_default(),
                    nonce: nonce.clone(),
                    opaque: p.get("opaque").cloned(),
                    qop_auth: p
                        .get("qop")
                        .is_some_and(|q| q.split(',').any(|x| x.trim() == "auth")),
                });
            }
        } else if scheme.eq_ignore_ascii_case("basic") {
            basic = true;
        }
    }
    basic.then_some(HttpAuth::Basic)
}

/// The `Authorization` header value for one GET attempt.
pub fn authorization(auth: &HttpAuth, path: &str, user: &str, pass: &str, nc: u32) -> String {
    authorization_for("GET", auth, path, user, pass, nc)
}

/// The `Authorization` header value for one attempt with `method` on `uri`
/// (RTSP uses DESCRIBE and the full rtsp:// URL).
pub fn authorization_for(
    method: &str,
    auth: &HttpAuth,
    path: &str,
    user: &str,
    pass: &str,
    nc: u32,
) -> String {
    match auth {
        HttpAuth::Basic => format!("Basic {}", b64(format!("{user}:{pass}").as_bytes())),
        HttpAuth::Digest {
            realm,
            nonce,
            opaque,
            qop_auth,
        } => {
            let ha1 = md5_hex(&format!("{user}:{realm}:{pass}"));
            let ha2 = md5_hex(&format!("{method}:{path}"));
            let mut h = format!(
                "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{path}\", algorithm=MD5"
            );
            if *qop_auth {
                let nc = format!("{nc:08x}");
                let cnonce = md5_hex(&format!("antoan:{nonce}:{nc}"))[..16].to_string();
                let resp = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
                h.push_str(&format!(
                    ", qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{resp}\""
                ));
            } else {
                let resp = md5_hex(&format!("{ha1}:{nonce}:{ha2}"));
                h.push_str(&format!(", response=\"{resp}\""));
            }
            if let Some(o) = opaque {
                h.push_str(&format!(", opaque=\"{o}\""));
            }
            h
        }
    }
}

struct HttpResponse {
    status: Option<u16>,
    text: String,
}

/// Where an HTTP login lives: address and whether it is HTTPS.
#[derive(Clone, Copy)]
struct HttpAt {
    addr: SocketAddr,
    tls: bool,
}

async fn http_request(
    gate: &Gate,
    at: HttpAt,
    method: &str,
    path: &str,
    authz: Option<&str>,
    body: Option<&str>,
    opts: &CredCheckOptions,
) -> Option<HttpResponse> {
    let deadline = Instant::now() + opts.timeout;
    let mut stream = tokio::time::timeout_at(deadline, open(gate, at.addr, at.tls, opts))
        .await
        .ok()??;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: antoan-scan/{}\r\nConnection: close\r\n",
        at.addr,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(a) = authz {
        req.push_str(&format!("Authorization: {a}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    tokio::time::timeout_at(deadline, stream.write_all(req.as_bytes()))
        .await
        .ok()?
        .ok()?;
    let mut buf = Vec::new();
    while read_some(&mut stream, &mut buf, opts.max_response, deadline).await {}
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok());
    Some(HttpResponse { status, text })
}

async fn http_get(
    gate: &Gate,
    at: HttpAt,
    path: &str,
    authz: Option<&str>,
    opts: &CredCheckOptions,
) -> Option<HttpResponse> {
    http_request(gate, at, "GET", path, authz, None, opts).await
}

fn location(text: &str) -> Option<String> {
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case("location")
            .then(|| v.trim().to_string())
    })
}

/// Finds the protected path (following up to 3 same-origin relative
/// redirects from `/`) and its challenge.
async fn find_http_auth(
    gate: &Gate,
    at: HttpAt,
    opts: &CredCheckOptions,
) -> Option<(String, HttpAuth)> {
    let mut path = "/".to_string();
    for _ in 0..4 {
        let r = http_get(gate, at, &path, None, opts).await?;
        match r.status {
            Some(401) => {
                let head = r.text.split("\r\n\r\n").next().unwrap_or("");
                return parse_challenge(head).map(|a| (path, a));
            }
            Some(301 | 302 | 303 | 307 | 308) => {
                let loc = location(&r.text)?;
                // Only a path on the same origin; never another host.
                if !loc.starts_with('/') || loc.starts_with("//") {
                    return None;
                }
                path = loc;
            }
            _ => return None,
        }
    }
    None
}

// ---------- FTP ----------

/// Reads one complete FTP reply (multi-line aware); returns its code and text.
async fn ftp_reply(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    opts: &CredCheckOptions,
    deadline: Instant,
) -> Option<(u16, String)> {
    loop {
        let text = String::from_utf8_lossy(buf).into_owned();
        let mut consumed = 0;
        let mut code: Option<&str> = None;
        for line in text.split_inclusive('\n') {
            if !line.ends_with('\n') {
                break;
            }
            consumed += line.len();
            let l = line.trim_end();
            if code.is_none() {
                code = l.get(..3);
            }
            if let Some(c) = code {
                if l.len() >= 4 && l.starts_with(c) && l.as_bytes()[3] == b' ' || l.len() == 3 {
                    let n: u16 = c.parse().ok()?;
                    let reply = text[..consumed].to_string();
                    buf.drain(..consumed.min(buf.len()));
                    return Some((n, reply));
                }
            }
        }
        if !read_some(stream, buf, opts.max_response, deadline).await {
            return None;
        }
    }
}

struct LoginResult {
    success: bool,
    status: Option<u16>,
    text: String,
}

async fn ftp_login(
    gate: &Gate,
    addr: SocketAddr,
    user: &str,
    pass: &str,
    opts: &CredCheckOptions,
) -> Option<LoginResult> {
    let mut stream = gate.connect(addr, opts.timeout).await.ok()?;
    let deadline = Instant::now() + opts.timeout;
    let mut buf = Vec::new();
    let (code, banner) = ftp_reply(&mut stream, &mut buf, opts, deadline).await?;
    if code != 220 {
        return Some(LoginResult {
            success: false,
            status: Some(code),
            text: banner,
        });
    }
    tokio::time::timeout_at(
        deadline,
        stream.write_all(format!("USER {user}\r\n").as_bytes()),
    )
    .await
    .ok()?
    .ok()?;
    let (code, text) = ftp_reply(&mut stream, &mut buf, opts, deadline).await?;
    let (code, text) = match code {
        230 => (230, text),
        331 | 332 => {
            tokio::time::timeout_at(
                deadline,
                stream.write_all(format!("PASS {pass}\r\n").as_bytes()),
            )
            .await
            .ok()?
            .ok()?;
            ftp_reply(&mut stream, &mut buf, opts, deadline).await?
        }
        c => (c, text),
    };
    let _ = stream.write_all(b"QUIT\r\n").await;
    Some(LoginResult {
        success: code == 230,
        status: Some(code),
        text,
    })
}

// ---------- Telnet ----------

/// Reads until the printable text (IAC stripped, options refused) ends with
/// one of `prompts` (lower case), or until the deadline; returns the text.
async fn telnet_until(
    stream: &mut TcpStream,
    prompts: &[&str],
    opts: &CredCheckOptions,
    deadline: Instant,
) -> (bool, String) {
    let mut raw = Vec::new();
    loop {
        let before = raw.len();
        if !read_some(stream, &mut raw, opts.max_response, deadline).await {
            let text = String::from_utf8_lossy(&crate::banner::strip_iac(&raw)).into_owned();
            return (false, text);
        }
        let refusals = crate::banner::telnet_refusals(&raw[before..]);
        if !refusals.is_empty() {
            let _ = stream.write_all(&refusals).await;
        }
        let text = String::from_utf8_lossy(&crate::banner::strip_iac(&raw)).into_owned();
        let tail = text.trim_end().to_lowercase();
        if prompts.iter().any(|p| tail.ends_with(p)) {
            return (true, text);
        }
    }
}

async fn telnet_login(
    gate: &Gate,
    addr: SocketAddr,
    user: &str,
    pass: &str,
    opts: &CredCheckOptions,
) -> Option<LoginResult> {
    let mut stream = gate.connect(addr, opts.timeout).await.ok()?;
    let deadline = Instant::now() + opts.timeout;
    let (ok, _) = telnet_until(
        &mut stream,
        &["login:", "username:", "user:"],
        opts,
        deadline,
    )
    .await;
    if !ok {
        return None;
    }
    stream
        .write_all(format!("{user}\r\n").as_bytes())
        .await
        .ok()?;
    let (ok, text) = telnet_until(&mut stream, &["password:"], opts, deadline).await;
    if !ok {
        return Some(LoginResult {
            success: false,
            status: None,
            text,
        });
    }
    stream
        .write_all(format!("{pass}\r\n").as_bytes())
        .await
        .ok()?;
    let (ok, text) = telnet_until(
        &mut stream,
        &["#", "$", ">", "login:", "username:", "password:"],
        opts,
        deadline,
    )
    .await;
    let tail = text.trim_end().to_lowercase();
    let refused = [
        "incorrect",
        "failed",
        "invalid",
        "denied",
        "login:",
        "username:",
        "password:",
    ]
    .iter()
    .any(|w| tail.rsplit('\n').next().unwrap_or("").contains(w) || tail.contains("incorrect"));
    let success = ok && !refused;
    let _ = stream.write_all(b"exit\r\n").await;
    Some(LoginResult {
        success,
        status: None,
        text,
    })
}

// ---------- RTSP ----------

/// Reads one RTSP response (headers, then Content-Length bytes of body).
async fn rtsp_response<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    opts: &CredCheckOptions,
    deadline: Instant,
) -> Option<(Option<u16>, String)> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            let total = end + 4 + len.min(opts.max_response);
            if buf.len() >= total || buf.len() >= opts.max_response {
                let text = String::from_utf8_lossy(&buf[..total.min(buf.len())]).into_owned();
                buf.drain(..total.min(buf.len()));
                let status = parse_rtsp_status(&text);
                return Some((status, text));
            }
        }
        if !read_some(stream, buf, opts.max_response, deadline).await {
            return None;
        }
    }
}

/// The status code of an `RTSP/1.0 401 Unauthorized` line.
pub fn parse_rtsp_status(text: &str) -> Option<u16> {
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    if !parts.next()?.starts_with("RTSP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

fn rtsp_url(addr: SocketAddr) -> String {
    format!("rtsp://{addr}/")
}

fn rtsp_describe(url: &str, cseq: u32, authz: Option<&str>) -> String {
    let mut r = format!(
        "DESCRIBE {url} RTSP/1.0\r\nCSeq: {cseq}\r\nAccept: application/sdp\r\nUser-Agent: antoan-scan/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(a) = authz {
        r.push_str(&format!("Authorization: {a}\r\n"));
    }
    r.push_str("\r\n");
    r
}

/// DESCRIBE without credentials: the challenge (None when the stream needs no login).
async fn find_rtsp_auth(
    gate: &Gate,
    addr: SocketAddr,
    opts: &CredCheckOptions,
) -> Option<HttpAuth> {
    let mut stream = gate.connect(addr, opts.timeout).await.ok()?;
    let deadline = Instant::now() + opts.timeout;
    let req = rtsp_describe(&rtsp_url(addr), 1, None);
    tokio::time::timeout_at(deadline, stream.write_all(req.as_bytes()))
        .await
        .ok()?
        .ok()?;
    let mut buf = Vec::new();
    let (status, text) = rtsp_response(&mut stream, &mut buf, opts, deadline).await?;
    (status == Some(401)).then(|| parse_challenge(&text))?
}

/// One RTSP login: a fresh challenge, then DESCRIBE with the credential, on one connection.
async fn rtsp_login(
    gate: &Gate,
    addr: SocketAddr,
    user: &str,
    pass: &str,
    opts: &CredCheckOptions,
) -> Option<LoginResult> {
    let mut stream = gate.connect(addr, opts.timeout).await.ok()?;
    let deadline = Instant::now() + opts.timeout;
    let url = rtsp_url(addr);
    let mut buf = Vec::new();
    let req = rtsp_describe(&url, 1, None);
    tokio::time::timeout_at(deadline, stream.write_all(req.as_bytes()))
        .await
        .ok()?
        .ok()?;
    let (status, text) = rtsp_response(&mut stream, &mut buf, opts, deadline).await?;
    if status != Some(401) {
        return Some(LoginResult {
            success: false,
            status,
            text,
        });
    }
    let auth = parse_challenge(&text)?;
    let a = authorization_for("DESCRIBE", &auth, &url, user, pass, 1);
    let req = rtsp_describe(&url, 2, Some(&a));
    tokio::time::timeout_at(deadline, stream.write_all(req.as_bytes()))
        .await
        .ok()?
        .ok()?;
    let (status, text) = rtsp_response(&mut stream, &mut buf, opts, deadline).await?;
    Some(LoginResult {
        success: status == Some(200),
        status,
        text,
    })
}

// ---------- Hikvision ISAPI ----------

/// The ISAPI path that checks a login (Digest on current firmware, Basic on older).
pub const HIKVISION_USER_CHECK: &str = "/ISAPI/Security/userCheck";

/// Reads a Hikvision `userCheck` answer: (login accepted, lockout signal).
/// Older firmware answers HTTP 200 with `<statusValue>401</statusValue>` on a
/// bad password; a locked account shows `<lockStatus>lock</lockStatus>`, and
/// `<retryLoginTime>` counts the tries left before the device locks.
pub fn hikvision_user_check(status: Option<u16>, text: &str) -> (bool, bool) {
    let lower = text.to_ascii_lowercase();
    let tag = |name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let start = lower.find(&open)? + open.len();
        let end = lower[start..].find('<')?;
        Some(lower[start..start + end].trim().to_string())
    };
    let locked = tag("lockstatus").is_some_and(|v| v == "lock")
        || tag("retrylogintime")
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|n| n <= 1);
    let ok = matches!(status, Some(200..=299))
        && tag("statusvalue").is_none_or(|v| v == "200")
        && !locked;
    (ok, locked)
}

// ---------- Dahua RPC2 ----------

/// What a Dahua `/RPC2_Login` call answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DahuaReply {
    pub result: bool,
    pub error_code: Option<i64>,
    pub message: String,
    pub random: Option<String>,
    pub realm: Option<String>,
    pub encryption: Option<String>,
    pub session: Option<String>,
}

/// Dahua's error code for a locked account.
pub const DAHUA_LOCKED: i64 = 268_632_081;

/// Parses the JSON body of a `/RPC2_Login` HTTP response (head included or not).
pub fn parse_dahua_reply(text: &str) -> Option<DahuaReply> {
    let body = match text.find("\r\n\r\n") {
        Some(i) if text.starts_with("HTTP/") => &text[i + 4..],
        _ => text,
    };
    let start = body.find('{')?;
    let end = body.rfind('}')?;
    if end < start {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&body[start..=end]).ok()?;
    let o = v.as_object()?;
    let s = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::String(s) => Some(s.chars().take(512).collect()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let params = o.get("params").and_then(|p| p.as_object());
    let err = o.get("error").and_then(|e| e.as_object());
    Some(DahuaReply {
        result: o.get("result").and_then(|r| r.as_bool()).unwrap_or(false),
        error_code: err.and_then(|e| e.get("code")).and_then(|c| c.as_i64()),
        message: s(err.and_then(|e| e.get("message"))).unwrap_or_default(),
        random: s(params.and_then(|p| p.get("random"))),
        realm: s(params.and_then(|p| p.get("realm"))),
        encryption: s(params.and_then(|p| p.get("encryption"))),
        session: s(o.get("session")),
    })
}

/// The password field of Dahua's "Default" login: upper-case
/// MD5(user:random:MD5(user:realm:password)).
pub fn dahua_hash(user: &str, pass: &str, realm: &str, random: &str) -> String {
    let inner = md5_hex(&format!("{user}:{realm}:{pass}")).to_ascii_uppercase();
    md5_hex(&format!("{user}:{random}:{inner}")).to_ascii_uppercase()
}

async fn dahua_call(
    gate: &Gate,
    at: HttpAt,
    path: &str,
    body: &serde_json::Value,
    opts: &CredCheckOptions,
) -> Option<(HttpResponse, Option<DahuaReply>)> {
    let r = http_request(gate, at, "POST", path, None, Some(&body.to_string()), opts).await?;
    let reply = parse_dahua_reply(&r.text);
    Some((r, reply))
}

/// The first, password-less step: a challenge when the device speaks Dahua RPC2.
async fn dahua_challenge(
    gate: &Gate,
    at: HttpAt,
    user: &str,
    opts: &CredCheckOptions,
) -> Option<DahuaReply> {
    let body = serde_json::json!({
        "method": "global.login",
        "params": {"userName": user, "password": "", "clientType": "Web3.0"},
        "id": 1
    });
    let (_, reply) = dahua_call(gate, at, "/RPC2_Login", &body, opts).await?;
    let reply = reply?;
    (reply.random.is_some() && reply.realm.is_some()).then_some(reply)
}

async fn dahua_login(
    gate: &Gate,
    at: HttpAt,
    user: &str,
    pass: &str,
    opts: &CredCheckOptions,
) -> Option<LoginResult> {
    let ch = dahua_challenge(gate, at, user, opts).await?;
    let (random, realm) = (ch.random.clone()?, ch.realm.clone()?);
    let password = match ch.encryption.as_deref() {
        None | Some("Default") => dahua_hash(user, pass, &realm, &random),
        // Other schemes (OldDigest, RSA/AES on new firmware) are not tried.
        _ => return None,
    };
    let mut body = serde_json::json!({
        "method": "global.login",
        "params": {
            "userName": user, "password": password, "clientType": "Web3.0",
            "authorityType": "Default", "passwordType": "Default"
        },
        "id": 2
    });
    if let Some(sess) = &ch.session {
        body["session"] = serde_json::Value::String(sess.clone());
    }
    let (r, reply) = dahua_call(gate, at, "/RPC2_Login", &body, opts).await?;
    let reply = reply.unwrap_or_default();
    if reply.result {
        // Log the session out again.
        let bye = serde_json::json!({
            "method": "global.logout", "params": null, "id": 3,
            "session": reply.session.clone().or(ch.session.clone()).unwrap_or_default()
        });
        let _ = dahua_call(gate, at, "/RPC2", &bye, opts).await;
    }
    let mut text = reply.message.clone();
    if reply.error_code == Some(DAHUA_LOCKED) {
        text.push_str(" (account locked)");
    }
    Some(LoginResult {
        success: reply.result,
        status: r.status,
        text,
    })
}

// ---------- the pass over services ----------

/// Which credential protocol a service speaks, and where.
enum Target {
    Http {
        at: HttpAt,
        path: String,
        auth: HttpAuth,
        service: CredService,
    },
    Ftp,
    Telnet,
    Rtsp,
    Dahua(HttpAt),
    Ssh,
}

impl Target {
    fn service(&self) -> CredService {
        match self {
            Target::Http { service, .. } => *service,
            Target::Ftp => CredService::Ftp,
            Target::Telnet => CredService::Telnet,
            Target::Rtsp => CredService::Rtsp,
            Target::Dahua(_) => CredService::DahuaRpc2,
            Target::Ssh => CredService::Ssh,
        }
    }
}

struct Shared<'a> {
    queue: std::sync::Mutex<std::collections::VecDeque<&'a Credential>>,
    found_users: std::sync::Mutex<Vec<String>>,
    outcome: std::sync::Mutex<CredOutcome>,
    nc: std::sync::atomic::AtomicU32,
}

fn locked<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes credentials off the service's queue and tries them; worker `i`
/// of `parallel` (workers past `parallel` return at once).
#[allow(clippy::too_many_arguments)]
async fn worker(
    i: usize,
    parallel: usize,
    gate: &Gate,
    s: &Service,
    addr: SocketAddr,
    service: CredService,
    target: &Target,
    list_name: &str,
    pacer: &Pacer,
    opts: &CredCheckOptions,
    shared: &Shared<'_>,
) {
    if i >= parallel {
        return;
    }
    loop {
        let Some(c) = locked(&shared.queue).pop_front() else {
            return;
        };
        if locked(&shared.found_users).contains(&c.username) {
            continue;
        }
        let key = AccountKey {
            host: s.ip,
            port: s.port,
            service,
            username: c.username.clone(),
        };
        match pacer.acquire(&key).await {
            Ok(()) => {}
            Err(Denied::AccountBudget) => {
                locked(&shared.outcome).skipped_budget += 1;
                continue;
            }
            Err(Denied::Stopped(_)) => return,
        }
        locked(&shared.outcome).attempts += 1;
        let started = Instant::now();
        let result = match target {
            Target::Http {
                at,
                path,
                auth,
                service,
            } => {
                let nc = shared.nc.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let a = authorization(auth, path, &c.username, &c.password, nc);
                http_get(gate, *at, path, Some(&a), opts).await.map(|r| {
                    if *service == CredService::HikvisionIsapi {
                        let (ok, locked) = hikvision_user_check(r.status, &r.text);
                        if locked {
                            pacer.stop(s.ip, s.port, *service, crate::pacing::LockSignal::Text);
                        }
                        LoginResult {
                            success: ok,
                            status: r.status,
                            text: r.text,
                        }
                    } else {
                        LoginResult {
                            success: r.status.is_some_and(|c| (200..400).contains(&c)),
                            status: r.status,
                            text: r.text,
                        }
                    }
                })
            }
            Target::Ftp => ftp_login(gate, addr, &c.username, &c.password, opts).await,
            Target::Telnet => telnet_login(gate, addr, &c.username, &c.password, opts).await,
            Target::Rtsp => rtsp_login(gate, addr, &c.username, &c.password, opts).await,
            Target::Dahua(at) => dahua_login(gate, *at, &c.username, &c.password, opts).await,
            Target::Ssh => {
                crate::ssh::ssh_login(gate, addr, &c.username, &c.password, opts.timeout)
                    .await
                    .map(|r| LoginResult {
                        success: r.success,
                        status: None,
                        text: r.text,
                    })
            }
        };
        let Some(result) = result else { continue };
        let obs = Observation {
            status: if matches!(
                target,
                Target::Http { .. } | Target::Rtsp | Target::Dahua(_)
            ) {
                result.status
            } else {
                None
            },
            text: &result.text,
            elapsed: started.elapsed(),
        };
        if !result.success && pacer.observe(&key, &obs).is_some() {
            return;
        }
        if pacer.stopped(s.ip, s.port, service).is_some() {
            return;
        }
        if result.success {
            let mut users = locked(&shared.found_users);
            if users.contains(&c.username) {
                continue;
            }
            users.push(c.username.clone());
            locked(&shared.outcome).found.push(WeakCredential {
                ip: s.ip,
                port: s.port,
                service,
                username: c.username.clone(),
                vendor: c.vendor.clone(),
                source: c.source.clone(),
                list: list_name.to_string(),
                kind: c.kind,
            });
        }
    }
}

/// Which login a service offers: HTTP(S) Basic/Digest on `/` (following
/// same-origin redirects), else Hikvision ISAPI or Dahua RPC2 on an HTTP(S)
/// service; FTP, Telnet, RTSP (Digest/Basic) and SSH by the identified name.
async fn find_target(gate: &Gate, s: &Service, opts: &CredCheckOptions) -> Option<Target> {
    let addr = SocketAddr::new(s.ip, s.port);
    let is_http = s
        .http
        .as_ref()
        .is_some_and(|h| h.protocol.starts_with("HTTP"));
    if is_http {
        let at = HttpAt {
            addr,
            tls: s.tls.is_some(),
        };
        let root_auth = s.http.as_ref().is_some_and(|h| {
            h.auth
                .iter()
                .any(|a| a.scheme == "basic" || a.scheme == "digest")
        });
        if root_auth {
            let (path, auth) = find_http_auth(gate, at, opts).await?;
            let service = match auth {
                HttpAuth::Basic => CredService::HttpBasic,
                HttpAuth::Digest { .. } => CredService::HttpDigest,
            };
            return Some(Target::Http {
                at,
                path,
                auth,
                service,
            });
        }
        // A login page: try the camera/recorder login APIs (one request each, no password).
        if let Some(r) = http_get(gate, at, HIKVISION_USER_CHECK, None, opts).await {
            if r.status == Some(401) {
                let head = r.text.split("\r\n\r\n").next().unwrap_or("");
                if let Some(auth) = parse_challenge(head) {
                    return Some(Target::Http {
                        at,
                        path: HIKVISION_USER_CHECK.to_string(),
                        auth,
                        service: CredService::HikvisionIsapi,
                    });
                }
            }
        }
        if dahua_challenge(gate, at, "admin", opts).await.is_some() {
            return Some(Target::Dahua(at));
        }
        return None;
    }
    match s.name.as_str() {
        "ftp" => Some(Target::Ftp),
        "telnet" => Some(Target::Telnet),
        "ssh" => Some(Target::Ssh),
        "rtsp" => find_rtsp_auth(gate, addr, opts).await.map(|_| Target::Rtsp),
        _ => None,
    }
}

/// Tries the credentials of `list` (named `list_name` in findings) on
/// every service that offers a login we know (see `find_target`), under
/// the pacer's limits. Services are checked one after the
/// other, attempts on one service one after the other.
pub async fn check(
    gate: &Gate,
    services: &[Service],
    list: &CredentialList,
    list_name: &str,
    pacer: &Pacer,
    opts: &CredCheckOptions,
) -> CredOutcome {
    let mut outcome = CredOutcome::default();
    for s in services {
        let addr = SocketAddr::new(s.ip, s.port);
        let Some(target) = find_target(gate, s, opts).await else {
            continue;
        };
        let service = target.service();
        let queue = std::sync::Mutex::new(
            list.for_service(service)
                .into_iter()
                .collect::<std::collections::VecDeque<&Credential>>(),
        );
        let shared = Shared {
            queue,
            found_users: std::sync::Mutex::new(Vec::new()),
            outcome: std::sync::Mutex::new(CredOutcome::default()),
            nc: std::sync::atomic::AtomicU32::new(0),
        };
        let w = |i: usize| {
            worker(
                i,
                opts.parallel_per_service.max(1),
                gate,
                s,
                addr,
                service,
                &target,
                list_name,
                pacer,
                opts,
                &shared,
            )
        };
        tokio::join!(
            w(0),
            w(1),
            w(2),
            w(3),
            w(4),
            w(5),
            w(6),
            w(7),
            w(8),
            w(9),
            w(10),
            w(11),
            w(12),
            w(13),
            w(14),
            w(15)
        );
        let o = shared
            .outcome
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        outcome.attempts += o.attempts;
        outcome.skipped_budget += o.skipped_budget;
        outcome.found.extend(o.found);
        if pacer.stopped(s.ip, s.port, service).is_some() {
            outcome.stopped.push((s.ip, s.port, service));
        }
    }
    outcome
        .found
        .sort_by(|a, b| (a.ip, a.port, &a.username).cmp(&(b.ip, b.port, &b.username)));
    outcome
}

/// Findings for the logins that worked: subject `host:port/service`,
/// evidence names the vendor and source of the default, never the password.
pub fn findings(outcome: &CredOutcome) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in &outcome.found {
        let host_port = match w.ip {
            IpAddr::V4(v) => format!("{v}:{}", w.port),
            IpAddr::V6(v) => format!("[{v}]:{}", w.port),
        };
        let subject = format!("{host_port}/{}", w.service.as_str());
        let check = "net.default-credential";
        let mut attributes = BTreeMap::new();
        attributes.insert("service".to_string(), w.service.as_str().to_string());
        attributes.insert("username".to_string(), w.username.clone());
        attributes.insert("default_vendor".to_string(), w.vendor.clone());
        out.push(Finding {
            id: Finding::stable_id(&w.ip.to_string(), check, &format!("{subject}/{}", w.username)),
            check: check.to_string(),
            kind: FindingKind::WeakCredential,
            severity: Severity::Critical,
            status: FindingStatus::Open,
            subject,
            title: match w.kind {
                CredKind::FactoryDefault => Text {
                    vi: format!(
                        "Tài khoản \"{}\" đăng nhập được bằng mật khẩu mặc định ({})",
                        w.username,
                        w.service.as_str()
                    ),
                    en: format!(
                        "Account \"{}\" accepts a default password ({})",
                        w.username,
                        w.service.as_str()
                    ),
                },
                CredKind::Weak => Text {
                    vi: format!(
                        "Tài khoản \"{}\" dùng mật khẩu yếu, phổ biến ({})",
                        w.username,
                        w.service.as_str()
                    ),
                    en: format!(
                        "Account \"{}\" uses a common weak password ({})",
                        w.username,
                        w.service.as_str()
                    ),
                },
            },
            remediation: Text {
                vi: "Đổi ngay mật khẩu mặc định thành mật khẩu mạnh, riêng cho thiết bị; cập nhật firmware và chỉ cho phép truy cập trang quản trị từ mạng quản trị.".into(),
                en: "Change the default password now to a strong, device-unique one; update the firmware and allow the admin interface only from the management network.".into(),
            },
            evidence: vec![Evidence {
                source: format!("{} login as {}", w.service.as_str(), w.username),
                observed: match w.kind {
                    CredKind::FactoryDefault => format!(
                        "factory default for {} ({}), in list {}",
                        w.vendor, w.source, w.list
                    ),
                    CredKind::Weak => format!(
                        "common weak password ({}), in list {}",
                        w.source, w.list
                    ),
                },
            }],
            controls: vec!["T3.1".to_string()],
            reason: None,
            attributes,
            references: Vec::new(),
        });
    }
    out.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(i.as_bytes()), o);
        }
    }

    #[test]
    fn digest_response_matches_rfc2617_example() {
        // RFC 2617 section 3.5 (MD5, qop=auth), with its cnonce replaced by ours:
        // check HA1/HA2 chaining against an independent computation.
        let auth = HttpAuth::Digest {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            qop_auth: false,
        };
        let h = authorization(&auth, "/dir/index.html", "Mufasa", "Circle Of Life", 1);
        // RFC 2069-style (no qop) response for the same inputs.
        let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        assert_eq!(ha1, "939e7578ed9e3c518a452acee763bce9");
        let ha2 = md5_hex("GET:/dir/index.html");
        assert_eq!(ha2, "39aff3a2bab6126f332b942af96d3366");
        let resp = md5_hex(&format!("{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:{ha2}"));
        assert!(h.contains(&format!("response=\"{resp}\"")), "{h}");
        assert!(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    }

    #[test]
    fn challenges_parse() {
        let head = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nWWW-Authenticate: Digest realm=\"cam\", qop=\"auth,auth-int\", nonce=\"n1\", opaque=\"o\"\r\n";
        assert_eq!(
            parse_challenge(head),
            Some(HttpAuth::Digest {
                realm: "cam".into(),
                nonce: "n1".into(),
                opaque: Some("o".into()),
                qop_auth: true
            })
        );
        assert_eq!(
            parse_challenge("WWW-Authenticate: Basic realm=\"DS\""),
            Some(HttpAuth::Basic)
        );
        assert_eq!(
            parse_challenge("WWW-Authenticate: Digest algorithm=SHA-256, nonce=\"x\""),
            None
        );
        for g in [
            "WWW-Authenticate: Digest nonce=\"",
            "WWW-Authenticate:",
            "\u{0}=,=\"",
            "a=b",
        ] {
            let _ = parse_challenge(g);
            let _ = auth_params(g);
        }
    }

    #[test]
    fn dahua_hash_matches_an_independent_computation() {
        // Computed with Python's hashlib: MD5(u:random:MD5(u:realm:p).upper()).upper().
        assert_eq!(
            dahua_hash("admin", "admin", "Login to 4M04C7APAZ00000", "1234567890"),
            "C10FC5300CC3CEBEF67A167290AF6A29"
        );
    }

    #[test]
    fn login_replies_parse_and_garbage_never_panics() {
        let challenge = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"error\":{\"code\":268632079,\"message\":\"Component error: login challenge!\"},\"id\":1,\"params\":{\"encryption\":\"Default\",\"random\":\"r1\",\"realm\":\"Login to X\"},\"result\":false,\"session\":1234}";
        let r = parse_dahua_reply(challenge).unwrap();
        assert_eq!(r.random.as_deref(), Some("r1"));
        assert_eq!(r.realm.as_deref(), Some("Login to X"));
        assert_eq!(r.session.as_deref(), Some("1234"));
        assert_eq!(r.error_code, Some(268632079));
        assert!(!r.result);
        assert!(parse_dahua_reply("{\"result\":true}").unwrap().result);
        assert_eq!(
            parse_rtsp_status("RTSP/1.0 401 Unauthorized\r\n"),
            Some(401)
        );
        assert_eq!(parse_rtsp_status("HTTP/1.1 200 OK"), None);
        let garbage = [
            "",
            "}{",
            "{",
            "HTTP/1.1 200\r\n\r\n}",
            "RTSP/",
            "RTSP/1.0 99999999999",
            "<userCheck><statusValue>",
            "<retryLoginTime>-1</retryLoginTime>",
            "\u{0}\u{ffff}khóa",
            "{\"params\":[1,2],\"error\":\"x\",\"session\":null}",
        ];
        for g in garbage {
            let _ = parse_dahua_reply(g);
            let _ = parse_rtsp_status(g);
            let _ = hikvision_user_check(Some(200), g);
            let _ = parse_challenge(g);
        }
        for cut in 0..challenge.len() {
            let _ = parse_dahua_reply(&challenge[..cut]);
        }
    }
}
