//! Loopback login servers for the credential checks (feature `testbench`):
//! a recorder-like HTTP Basic server, an HTTP Digest server, an FTP server
//! with a password, and a server that locks an account after 3 failures.
//! Each counts the attempts it sees per username.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use crate::credcheck::{auth_params, md5_hex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    Basic,
    Digest,
    Ftp,
    /// A DVR-like Telnet login prompt (options negotiated first).
    Telnet,
    /// HTTP Basic that locks an account after `lock_after` failures in a row.
    Lockout {
        lock_after: u32,
    },
    /// HTTPS (self-signed, expired certificate) with Basic auth.
    BasicTls,
    /// HTTPS with Digest auth.
    DigestTls,
    /// An RTSP camera: DESCRIBE needs Digest (no qop, as cameras do).
    Rtsp,
    /// A Hikvision-like web server: a login page on `/`, Digest on
    /// `/ISAPI/Security/userCheck` with `<retryLoginTime>` in failures.
    Hikvision,
    /// A Dahua-like web server: `/RPC2_Login` challenge, then the MD5 hash.
    Dahua,
    /// An SSH server (russh) with password authentication.
    Ssh,
}

#[derive(Default)]
pub struct Counters {
    /// Login attempts per username.
    pub attempts: BTreeMap<String, u32>,
    pub failures: BTreeMap<String, u32>,
    /// Accounts the server locked (must stay empty in the tests).
    pub locked: BTreeSet<String>,
    pub successes: u32,
    nonces: BTreeSet<String>,
    /// Dahua sessions: session id → the random value of its challenge.
    dahua: BTreeMap<String, String>,
}

/// One running login server; it stops when dropped.
pub struct AuthServer {
    pub addr: SocketAddr,
    pub counters: Arc<Mutex<Counters>>,
    rt: Option<Runtime>,
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl AuthServer {
    /// Starts a server of `kind` on `ip` (an address in 127.0.0.0/8), port
    /// 0 = ephemeral, accepting the `accounts` (username, password).
    pub fn start(ip: &str, port: u16, kind: AuthKind, accounts: &[(&str, &str)]) -> AuthServer {
        assert!(ip.starts_with("127."), "the bench listens on loopback only");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("auth bench runtime");
        let listener = rt
            .block_on(TcpListener::bind((ip, port)))
            .unwrap_or_else(|e| panic!("auth bench: bind {ip}:{port}: {e}"));
        let addr = listener.local_addr().expect("local addr");
        let counters = Arc::new(Mutex::new(Counters::default()));
        let accounts: Arc<Vec<(String, String)>> = Arc::new(
            accounts
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
        );
        let c = counters.clone();
        let tls = match kind {
            AuthKind::BasicTls | AuthKind::DigestTls => crate::testbench::tls_acceptor(),
            _ => None,
        };
        let ssh = (kind == AuthKind::Ssh).then(ssh_config);
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (c, accounts, tls, ssh) =
                    (c.clone(), accounts.clone(), tls.clone(), ssh.clone());
                tokio::spawn(async move {
                    let _ = match kind {
                        AuthKind::Ftp => serve_ftp(stream, &c, &accounts).await,
                        AuthKind::Telnet => serve_telnet(stream, &c, &accounts).await,
                        AuthKind::Rtsp => serve_rtsp(stream, &c, &accounts).await,
                        AuthKind::Dahua => serve_dahua(stream, &c, &accounts).await,
                        AuthKind::Ssh => serve_ssh(stream, ssh, c.clone(), accounts.clone()).await,
                        AuthKind::BasicTls | AuthKind::DigestTls => match tls {
                            Some(acceptor) => match acceptor.accept(stream).await {
                                Ok(t) => serve_http(t, kind, &c, &accounts).await,
                                Err(_) => None,
                            },
                            None => None,
                        },
                        _ => serve_http(stream, kind, &c, &accounts).await,
                    };
                });
            }
        });
        AuthServer {
            addr,
            counters,
            rt: Some(rt),
        }
    }

    pub fn max_attempts_per_account(&self) -> u32 {
        let c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        c.attempts.values().copied().max().unwrap_or(0)
    }

    pub fn total_attempts(&self) -> u32 {
        let c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        c.attempts.values().sum()
    }

    pub fn locked(&self) -> usize {
        self.counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .locked
            .len()
    }
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim().trim_end_matches('=').as_bytes();
    let mut out = Vec::new();
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    Some(out)
}

async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

async fn serve_http<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    kind: AuthKind,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    let head = read_head(&mut stream).await?;
    let mut parts = head.lines().next()?.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    if kind == AuthKind::Hikvision && path != crate::credcheck::HIKVISION_USER_CHECK {
        let body = "<html><head><title>Login</title></head><body><script src=\"/doc/script/login.js\"></script></body></html>";
        let r = format!(
            "HTTP/1.1 200 OK\r\nServer: webserver\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(r.as_bytes()).await.ok()?;
        return Some(());
    }
    if path == "/" {
        let r = "HTTP/1.1 302 Found\r\nLocation: /doc/page/login.asp\r\nServer: DNVRS-Webs\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        stream.write_all(r.as_bytes()).await.ok()?;
        return Some(());
    }
    let nonce = {
        let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
        let n = md5_hex(&format!("nonce{}", c.nonces.len()));
        c.nonces.insert(n.clone());
        n
    };
    let challenge = match kind {
        AuthKind::Digest | AuthKind::DigestTls | AuthKind::Hikvision => format!(
            "Digest realm=\"IP Camera\", qop=\"auth\", nonce=\"{nonce}\", opaque=\"0a1b2c\""
        ),
        _ => "Basic realm=\"DS-7608NI-K2\"".to_string(),
    };
    let mut verdict: Option<bool> = None; // None: no credentials sent
    let mut user = String::new();
    if let Some(a) = header(&head, "authorization") {
        if let Some(b) = a.strip_prefix("Basic ") {
            let dec = b64_decode(b).map(|d| String::from_utf8_lossy(&d).into_owned());
            if let Some((u, p)) = dec.as_deref().and_then(|d| d.split_once(':')) {
                user = u.to_string();
                verdict = Some(accounts.iter().any(|(au, ap)| au == u && ap == p));
            }
        } else if let Some(d) = a.strip_prefix("Digest ") {
            let p = auth_params(d);
            user = p.get("username").cloned().unwrap_or_default();
            let ok = (|| {
                let issued = c
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .nonces
                    .contains(p.get("nonce")?);
                let pass = &accounts.iter().find(|(au, _)| *au == user)?.1;
                let ha1 = md5_hex(&format!("{user}:IP Camera:{pass}"));
                let ha2 = md5_hex(&format!("{method}:{}", p.get("uri")?));
                let expect = md5_hex(&format!(
                    "{ha1}:{}:{}:{}:auth:{ha2}",
                    p.get("nonce")?,
                    p.get("nc")?,
                    p.get("cnonce")?
                ));
                Some(issued && p.get("qop")? == "auth" && *p.get("response")? == expect)
            })()
            .unwrap_or(false);
            verdict = Some(ok);
        }
    }
    let mut locked_now = false;
    if let Some(ok) = verdict {
        let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
        *c.attempts.entry(user.clone()).or_default() += 1;
        if let AuthKind::Lockout { lock_after } = kind {
            if c.locked.contains(&user) {
                locked_now = true;
            } else if !ok {
                let f = c.failures.entry(user.clone()).or_default();
                *f += 1;
                if *f > lock_after {
                    c.locked.insert(user.clone());
                    locked_now = true;
                }
            }
        }
        if ok && !locked_now {
            c.successes += 1;
        }
    }
    let failures = c
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .failures
        .get(&user)
        .copied()
        .unwrap_or(0);
    let resp = if kind == AuthKind::Hikvision {
        if verdict == Some(true) {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<userCheck><statusValue>200</statusValue><statusString>OK</statusString></userCheck>";
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        } else {
            if verdict.is_some() {
                let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
                *c.failures.entry(user.clone()).or_default() += 1;
            }
            let left = 7u32.saturating_sub(failures + u32::from(verdict.is_some()));
            let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString><lockStatus>unlock</lockStatus><unlockTime>0</unlockTime><retryLoginTime>{left}</retryLoginTime></userCheck>");
            format!(
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    } else if locked_now {
        "HTTP/1.1 423 Locked\r\nContent-Length: 23\r\nConnection: close\r\n\r\nAccount locked (khóa)\r\n".to_string()
    } else if verdict == Some(true) {
        let body = "<html><title>NVR</title>ok</html>";
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    } else {
        let body =
            "<html><head><title>Login</title></head><body>Network Video Recorder</body></html>";
        format!(
            "HTTP/1.1 401 Unauthorized\r\nServer: DNVRS-Webs\r\nWWW-Authenticate: {challenge}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    stream.write_all(resp.as_bytes()).await.ok()?;
    let _ = stream.shutdown().await;
    Some(())
}

/// Checks a Digest `Authorization` value (with or without qop=auth) against
/// the accounts; returns (username, verdict).
fn digest_ok(
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
    realm: &str,
    method: &str,
    value: &str,
) -> (String, bool) {
    let p = auth_params(value);
    let user = p.get("username").cloned().unwrap_or_default();
    let ok = (|| {
        let issued = c
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .nonces
            .contains(p.get("nonce")?);
        let pass = &accounts.iter().find(|(au, _)| *au == user)?.1;
        let ha1 = md5_hex(&format!("{user}:{realm}:{pass}"));
        let ha2 = md5_hex(&format!("{method}:{}", p.get("uri")?));
        let expect = match p.get("qop") {
            Some(q) if q == "auth" => md5_hex(&format!(
                "{ha1}:{}:{}:{}:auth:{ha2}",
                p.get("nonce")?,
                p.get("nc")?,
                p.get("cnonce")?
            )),
            Some(_) => return Some(false),
            None => md5_hex(&format!("{ha1}:{}:{ha2}", p.get("nonce")?)),
        };
        Some(issued && *p.get("response")? == expect)
    })()
    .unwrap_or(false);
    (user, ok)
}

fn new_nonce(c: &Mutex<Counters>) -> String {
    let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
    let n = md5_hex(&format!("nonce{}", c.nonces.len()));
    c.nonces.insert(n.clone());
    n
}

fn count_attempt(c: &Mutex<Counters>, user: &str, ok: bool) {
    let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
    *c.attempts.entry(user.to_string()).or_default() += 1;
    if ok {
        c.successes += 1;
    } else {
        *c.failures.entry(user.to_string()).or_default() += 1;
    }
}

async fn serve_rtsp(
    mut stream: TcpStream,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    loop {
        let head = read_head(&mut stream).await?;
        let method = head.split_whitespace().next()?.to_string();
        let cseq = header(&head, "cseq").unwrap_or("0").to_string();
        let resp = if method == "OPTIONS" {
            format!("RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\nServer: Rtsp Server/3.0\r\n\r\n")
        } else {
            let verdict = header(&head, "authorization")
                .and_then(|a| a.strip_prefix("Digest "))
                .map(|d| digest_ok(c, accounts, "IP Camera(C1234)", &method, d));
            if let Some((user, ok)) = &verdict {
                count_attempt(c, user, *ok);
            }
            if verdict.as_ref().is_some_and(|v| v.1) {
                let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Media Presentation\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n";
                format!(
                    "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                    sdp.len()
                )
            } else {
                let nonce = new_nonce(c);
                format!(
                    "RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: Digest realm=\"IP Camera(C1234)\", nonce=\"{nonce}\", stale=\"FALSE\"\r\nWWW-Authenticate: Basic realm=\"IP Camera(C1234)\"\r\n\r\n"
                )
            }
        };
        stream.write_all(resp.as_bytes()).await.ok()?;
    }
}

async fn serve_dahua(
    mut stream: TcpStream,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    let head = read_head(&mut stream).await?;
    let end = head.find("\r\n\r\n")? + 4;
    let mut body = head.as_bytes()[end..].to_vec();
    let len: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    let mut chunk = [0u8; 2048];
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let path = head.split_whitespace().nth(1)?.to_string();
    let reply = if path == "/RPC2_Login" || path == "/RPC2" {
        let v: serde_json::Value = serde_json::from_slice(&body).ok()?;
        let id = v["id"].clone();
        let params = &v["params"];
        let user = params["userName"].as_str().unwrap_or("").to_string();
        let pass = params["password"].as_str().unwrap_or("");
        if v["method"] == "global.logout" {
            serde_json::json!({"id": id, "params": null, "result": true, "session": v["session"]})
        } else if pass.is_empty() {
            let (random, session) = {
                let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
                let n = c.dahua.len();
                let random = md5_hex(&format!("random{n}"))[..10].to_string();
                let session = md5_hex(&format!("session{n}"));
                c.dahua.insert(session.clone(), random.clone());
                (random, session)
            };
            serde_json::json!({
                "error": {"code": 268632079, "message": "Component error: login challenge!"},
                "id": id,
                "params": {"authorization": "7ab2a0b1", "encryption": "Default", "mac": "3CEF8C000000",
                           "random": random, "realm": "Login to 4M04C7APAZ00000"},
                "result": false, "session": session
            })
        } else {
            let session = v["session"].as_str().unwrap_or("").to_string();
            let random = c
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .dahua
                .get(&session)
                .cloned();
            let ok = random.is_some_and(|r| {
                accounts.iter().any(|(au, ap)| {
                    *au == user
                        && crate::credcheck::dahua_hash(au, ap, "Login to 4M04C7APAZ00000", &r)
                            == pass
                })
            });
            count_attempt(c, &user, ok);
            if ok {
                serde_json::json!({"id": id, "params": {"keepAliveInterval": 60}, "result": true, "session": session})
            } else {
                serde_json::json!({
                    "error": {"code": 268632085, "message": "Component error: User or password not valid!"},
                    "id": id, "params": {"remainLockTimes": 4}, "result": false, "session": session
                })
            }
        }
    } else {
        let body = "<html><head><title>WEB SERVICE</title></head><body></body></html>";
        let r = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(r.as_bytes()).await.ok()?;
        return Some(());
    };
    let text = reply.to_string();
    let r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(r.as_bytes()).await.ok()?;
    Some(())
}

fn ssh_config() -> Arc<russh::server::Config> {
    use russh::keys::ssh_key::private::Ed25519Keypair;
    // A throwaway host key made at run time (never a committed key).
    let mut seed = [0u8; 32];
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let h = md5_hex(&format!("antoan-bench-host-key-{t}-{}", std::process::id()));
    for (i, b) in h.bytes().take(32).enumerate() {
        seed[i] = b;
    }
    let key = russh::keys::PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-dropbear_2019.78".into()),
        methods: russh::MethodSet::from(&[russh::MethodKind::Password][..]),
        auth_rejection_time: std::time::Duration::ZERO,
        auth_rejection_time_initial: Some(std::time::Duration::ZERO),
        inactivity_timeout: Some(std::time::Duration::from_secs(10)),
        keys: vec![key],
        ..Default::default()
    })
}

struct SshBench {
    c: Arc<Mutex<Counters>>,
    accounts: Arc<Vec<(String, String)>>,
}

impl russh::server::Handler for SshBench {
    type Error = russh::Error;

    async fn auth_password(
        &mut self,
        user: &str,
        password: &str,
    ) -> Result<russh::server::Auth, Self::Error> {
        let ok = self
            .accounts
            .iter()
            .any(|(au, ap)| au == user && ap == password);
        count_attempt(&self.c, user, ok);
        Ok(if ok {
            russh::server::Auth::Accept
        } else {
            russh::server::Auth::reject()
        })
    }
}

async fn serve_ssh(
    stream: TcpStream,
    config: Option<Arc<russh::server::Config>>,
    c: Arc<Mutex<Counters>>,
    accounts: Arc<Vec<(String, String)>>,
) -> Option<()> {
    let session = russh::server::run_stream(config?, stream, SshBench { c, accounts })
        .await
        .ok()?;
    let _ = session.await;
    Some(())
}

async fn serve_ftp(
    mut stream: TcpStream,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    stream
        .write_all(b"220 NAS FTP server ready\r\n")
        .await
        .ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    let mut user = None::<String>;
    loop {
        while !buf.contains(&b'\n') {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 || buf.len() > 4096 {
                return Some(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let pos = buf.iter().position(|b| *b == b'\n')?;
        let line: Vec<u8> = buf.drain(..=pos).collect();
        let line = String::from_utf8_lossy(&line).trim_end().to_string();
        let (cmd, arg) = line.split_once(' ').unwrap_or((&line, ""));
        let reply = match cmd.to_ascii_uppercase().as_str() {
            "USER" => {
                user = Some(arg.to_string());
                "331 Password required\r\n"
            }
            "PASS" => {
                let u = user.clone().unwrap_or_default();
                let ok = accounts.iter().any(|(au, ap)| *au == u && ap == arg);
                let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
                *c.attempts.entry(u).or_default() += 1;
                if ok {
                    c.successes += 1;
                    "230 Login successful\r\n"
                } else {
                    "530 Login incorrect\r\n"
                }
            }
            "QUIT" => {
                let _ = stream.write_all(b"221 Bye\r\n").await;
                return Some(());
            }
            _ => "500 Unknown command\r\n",
        };
        stream.write_all(reply.as_bytes()).await.ok()?;
    }
}

async fn telnet_line(stream: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    loop {
        let n = stream.read(&mut b).await.ok()?;
        if n == 0 || line.len() > 1024 {
            return None;
        }
        match b[0] {
            b'\n' => break,
            b'\r' | 0 => {}
            c => line.push(c),
        }
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

async fn serve_telnet(
    mut stream: TcpStream,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    // WILL ECHO, WILL SUPPRESS-GO-AHEAD, then the prompt.
    stream.write_all(&[255, 251, 1, 255, 251, 3]).await.ok()?;
    stream.write_all(b"\r\nDVR login: ").await.ok()?;
    for _ in 0..3 {
        let mut user = telnet_line(&mut stream).await?;
        // Drop the client's option refusals (IAC sequences) if any.
        user.retain(|ch| !ch.is_control() && ch != '\u{FFFD}');
        stream.write_all(b"Password: ").await.ok()?;
        let pass = telnet_line(&mut stream).await?;
        let ok = accounts.iter().any(|(au, ap)| *au == user && *ap == pass);
        {
            let mut c = c.lock().unwrap_or_else(|p| p.into_inner());
            *c.attempts.entry(user.clone()).or_default() += 1;
            if ok {
                c.successes += 1;
            }
        }
        if ok {
            stream
                .write_all(b"\r\nBusyBox v1.20.2 built-in shell (ash)\r\n# ")
                .await
                .ok()?;
            return Some(());
        }
        stream
            .write_all(b"\r\nLogin incorrect\r\nDVR login: ")
            .await
            .ok()?;
    }
    Some(())
}
