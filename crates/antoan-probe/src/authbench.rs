//! Loopback login servers for the credential checks (feature `testbench`):
//! a recorder-like HTTP Basic server, an HTTP Digest server, an FTP server
//! with a password, and a server that locks an account after 3 failures.
//! Each counts the attempts it sees per username.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (c, accounts) = (c.clone(), accounts.clone());
                tokio::spawn(async move {
                    let _ = match kind {
                        AuthKind::Ftp => serve_ftp(stream, &c, &accounts).await,
                        AuthKind::Telnet => serve_telnet(stream, &c, &accounts).await,
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

async fn read_head(stream: &mut TcpStream) -> Option<String> {
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

async fn serve_http(
    mut stream: TcpStream,
    kind: AuthKind,
    c: &Mutex<Counters>,
    accounts: &[(String, String)],
) -> Option<()> {
    let head = read_head(&mut stream).await?;
    let mut parts = head.lines().next()?.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
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
        AuthKind::Digest => format!(
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
    let resp = if locked_now {
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
