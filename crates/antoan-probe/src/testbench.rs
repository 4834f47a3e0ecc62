//! Loopback test bench (feature `testbench`, for tests and benchmarks only):
//! small servers that behave like the devices of an office LAN, bound to
//! 127.0.0.2 … 127.0.0.9. Nothing here listens or connects outside 127/8.
//!
//! | address | server |
//! |---|---|
//! | 127.0.0.2 | recorder-like web admin: redirect to `/doc/page/login.asp`, HTTP Basic auth |
//! | 127.0.0.3 | router-like login page over plain HTTP; servers that redirect to 127.0.0.9 and to a host name |
//! | 127.0.0.4 | FTP that accepts anonymous login |
//! | 127.0.0.5 | Telnet-like login prompt |
//! | 127.0.0.6 | SSH banner; RTSP; MySQL-like greeting |
//! | 127.0.0.7 | TLS admin page, expired self-signed certificate |
//! | 127.0.0.8 | tarpits: one accepts and never answers, one never accepts |
//! | 127.0.0.5:3389, 127.0.0.6:3389 | RDP without NLA, RDP requiring NLA (once per process) |
//! | 127.0.0.9 | a listener that must never be contacted (counts accepts) |

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The running bench; servers stop when it is dropped.
pub struct Bench {
    pub recorder: SocketAddr,
    pub web: SocketAddr,
    pub redirect: SocketAddr,
    pub redirect_name: SocketAddr,
    pub ftp: SocketAddr,
    pub telnet: SocketAddr,
    pub ssh: SocketAddr,
    pub rtsp: SocketAddr,
    pub mysql: SocketAddr,
    pub tls: SocketAddr,
    pub tarpit_silent: SocketAddr,
    pub tarpit_no_accept: SocketAddr,
    pub unnamed: SocketAddr,
    /// RDP on 127.0.0.5:3389 that accepts TLS without NLA (shared by every bench of the process).
    pub rdp_no_nla: SocketAddr,
    /// RDP on 127.0.0.6:3389 that requires NLA.
    pub rdp_nla: SocketAddr,
    /// SMB on 127.0.0.7:445 that accepts SMBv1 (and SMB 2.1).
    pub smb1: SocketAddr,
    /// SMB on 127.0.0.8:445 that only speaks SMB2/3 (closes on SMB1).
    pub smb2_only: SocketAddr,
    unnamed_accepts: Arc<AtomicUsize>,
    rt: Option<Runtime>,
    _held: Vec<std::net::TcpStream>,
}

impl Bench {
    /// Connections the unnamed listener on 127.0.0.9 accepted (must stay 0).
    pub fn unnamed_accepts(&self) -> usize {
        self.unnamed_accepts.load(Ordering::SeqCst)
    }

    /// Every port of the bench except the unnamed listener, as `--ports` text.
    pub fn ports_arg(&self) -> String {
        let mut p: Vec<u16> = [
            self.recorder,
            self.web,
            self.redirect,
            self.redirect_name,
            self.ftp,
            self.telnet,
            self.ssh,
            self.rtsp,
            self.mysql,
            self.tls,
            self.tarpit_silent,
            self.tarpit_no_accept,
            self.rdp_no_nla,
            self.rdp_nla,
            self.smb1,
            self.smb2_only,
        ]
        .iter()
        .map(|a| a.port())
        .collect();
        p.push(self.unnamed.port());
        p.sort_unstable();
        p.dedup();
        p.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Starts the bench on ephemeral ports.
    pub fn start() -> Bench {
        Bench::start_with(false)
    }

    /// `standard`: the five identification listeners on their usual ports
    /// (recorder 127.0.0.2:80, web 127.0.0.3:80, FTP 127.0.0.4:21, SSH
    /// 127.0.0.6:22, TLS 127.0.0.7:443; needs the right to bind them).
    pub fn start_with(standard: bool) -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("bench runtime");
        let port = |p: u16| if standard { p } else { 0 };
        let bind = |ip: &str, p: u16| -> TcpListener {
            rt.block_on(async {
                loop {
                    let l = TcpListener::bind((ip, p))
                        .await
                        .unwrap_or_else(|e| panic!("bench: bind {ip}:{p}: {e}"));
                    // An ephemeral port that the scanner treats specially by
                    // number (34567, 37777: quiet recorder protocols) would
                    // change what it sends; take another.
                    let got = l.local_addr().map(|a| a.port()).unwrap_or(0);
                    if p != 0 || !matches!(got, 34567 | 37777) {
                        break l;
                    }
                }
            })
        };
        let recorder = bind("127.0.0.2", port(80));
        let web = bind("127.0.0.3", port(80));
        let redirect = bind("127.0.0.3", 0);
        let redirect_name = bind("127.0.0.3", 0);
        let ftp = bind("127.0.0.4", port(21));
        let telnet = bind("127.0.0.5", 0);
        let ssh = bind("127.0.0.6", port(22));
        let rtsp = bind("127.0.0.6", 0);
        let mysql = bind("127.0.0.6", 0);
        let tls = bind("127.0.0.7", port(443));
        let tarpit_silent = bind("127.0.0.8", 0);
        let unnamed = bind("127.0.0.9", 0);
        // A listener with a backlog of one whose queue is kept full: further
        // connection attempts get no answer at all.
        let no_accept = rt.block_on(async {
            let s = tokio::net::TcpSocket::new_v4().expect("socket");
            s.bind("127.0.0.8:0".parse().expect("addr"))
                .expect("bind tarpit");
            s.listen(1).expect("listen")
        });
        let addr = |l: &TcpListener| l.local_addr().expect("local addr");
        let no_accept_addr = addr(&no_accept);
        let mut held = Vec::new();
        for _ in 0..4 {
            if let Ok(s) =
                std::net::TcpStream::connect_timeout(&no_accept_addr, Duration::from_millis(200))
            {
                held.push(s);
            }
        }
        let (rdp_no_nla, rdp_nla) = rdp_servers();
        let (smb1, smb2_only) = smb_servers();
        let unnamed_accepts = Arc::new(AtomicUsize::new(0));
        let unnamed_port = addr(&unnamed).port();
        let mut bench = Bench {
            recorder: addr(&recorder),
            web: addr(&web),
            redirect: addr(&redirect),
            redirect_name: addr(&redirect_name),
            ftp: addr(&ftp),
            telnet: addr(&telnet),
            ssh: addr(&ssh),
            rtsp: addr(&rtsp),
            mysql: addr(&mysql),
            tls: addr(&tls),
            tarpit_silent: addr(&tarpit_silent),
            tarpit_no_accept: no_accept_addr,
            unnamed: addr(&unnamed),
            rdp_no_nla,
            rdp_nla,
            smb1,
            smb2_only,
            unnamed_accepts: unnamed_accepts.clone(),
            rt: None,
            _held: held,
        };
        rt.spawn(serve(recorder, |path| recorder_page(&path)));
        rt.spawn(serve(web, |path| {
            if path == "/favicon.ico" {
                response("200 OK", &[("Content-Type", "image/x-icon")], BENCH_FAVICON)
            } else {
                router_page()
            }
        }));
        rt.spawn(serve(redirect, move |_| {
            redirect_page(&format!("http://127.0.0.9:{unnamed_port}/login"))
        }));
        rt.spawn(serve(redirect_name, |_| {
            redirect_page("http://nvr-cloud.example/login")
        }));
        rt.spawn(serve_ftp(ftp));
        rt.spawn(serve_greeting(telnet, {
            let mut v = vec![255, 251, 1, 255, 251, 3, 255, 253, 24];
            v.extend_from_slice(b"\r\n\r\nDVR login: ");
            v
        }));
        rt.spawn(serve_greeting(
            ssh,
            b"SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1\r\n".to_vec(),
        ));
        rt.spawn(serve(rtsp, |_| {
            "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\nWWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"abc\"\r\n\r\n".to_string()
        }));
        rt.spawn(serve_greeting(mysql, {
            let body = b"\x0a8.0.36\x00\x08\x00\x00\x00abcdefgh\x00";
            let mut v = vec![body.len() as u8, 0, 0, 0];
            v.extend_from_slice(body);
            v
        }));
        rt.spawn(serve_tls(tls));
        rt.spawn(async move {
            // Accepts and never answers; keeps the connections open.
            let mut held = Vec::new();
            while let Ok((s, _)) = tarpit_silent.accept().await {
                held.push(s);
            }
        });
        rt.spawn(async move {
            let _keep = no_accept;
            std::future::pending::<()>().await;
        });
        rt.spawn(async move {
            while let Ok((_s, _)) = unnamed.accept().await {
                unnamed_accepts.fetch_add(1, Ordering::SeqCst);
            }
        });
        bench.rt = Some(rt);
        bench
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// RDP answers need the usual port (the scanner picks the RDP probe by port),
/// so these two listeners are started once per process, with SO_REUSEPORT so
/// that parallel test processes can each have theirs, and live until exit.
fn rdp_servers() -> (SocketAddr, SocketAddr) {
    static RDP: std::sync::OnceLock<(SocketAddr, SocketAddr)> = std::sync::OnceLock::new();
    *RDP.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("rdp runtime");
            rt.block_on(async move {
                let listen = |ip: &str| {
                    let s = tokio::net::TcpSocket::new_v4().expect("socket");
                    let _ = s.set_reuseaddr(true);
                    let _ = s.set_reuseport(true);
                    let a: SocketAddr = format!("{ip}:3389").parse().expect("addr");
                    s.bind(a).unwrap_or_else(|e| panic!("bench: bind {a}: {e}"));
                    s.listen(64).expect("listen")
                };
                let open = listen("127.0.0.5");
                let nla = listen("127.0.0.6");
                let _ = tx.send((
                    open.local_addr().expect("addr"),
                    nla.local_addr().expect("addr"),
                ));
                // Connection confirm: RDP_NEG_RSP selecting TLS (1), or RDP_NEG_FAILURE 5 (NLA required).
                let confirm = |kind: u8, value: u32| {
                    let mut v = vec![3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, kind, 0, 8, 0];
                    v.extend_from_slice(&value.to_le_bytes());
                    v
                };
                let a = tokio::spawn(serve_rdp(open, confirm(2, 1)));
                let b = tokio::spawn(serve_rdp(nla, confirm(3, 5)));
                let _ = tokio::join!(a, b);
            });
        });
        rx.recv().expect("rdp bench started")
    })
}

/// SMB answers need port 445 (the scanner picks the SMB probe by port), so
/// like RDP these start once per process with SO_REUSEPORT.
fn smb_servers() -> (SocketAddr, SocketAddr) {
    static SMB: std::sync::OnceLock<(SocketAddr, SocketAddr)> = std::sync::OnceLock::new();
    *SMB.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("smb runtime");
            rt.block_on(async move {
                let listen = |ip: &str| {
                    let s = tokio::net::TcpSocket::new_v4().expect("socket");
                    let _ = s.set_reuseaddr(true);
                    let _ = s.set_reuseport(true);
                    let a: SocketAddr = format!("{ip}:445").parse().expect("addr");
                    s.bind(a).unwrap_or_else(|e| panic!("bench: bind {a}: {e}"));
                    s.listen(64).expect("listen")
                };
                let v1 = listen("127.0.0.7");
                let v2 = listen("127.0.0.8");
                let _ = tx.send((
                    v1.local_addr().expect("addr"),
                    v2.local_addr().expect("addr"),
                ));
                let a = tokio::spawn(serve_smb(v1, true));
                let b = tokio::spawn(serve_smb(v2, false));
                let _ = tokio::join!(a, b);
            });
        });
        rx.recv().expect("smb bench started")
    })
}

async fn serve_smb(l: TcpListener, smb1: bool) {
    while let Ok((mut s, _)) = l.accept().await {
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await
            else {
                return;
            };
            let msg = &buf[..n];
            let answer = if msg.get(4..8) == Some(b"\xffSMB") {
                // Windows with SMB1 disabled drops the connection.
                smb1.then(|| crate::smb::smb1_negotiate_response(0))
            } else if msg.get(4..8) == Some(b"\xfeSMB") {
                Some(crate::smb::smb2_negotiate_response(if smb1 {
                    0x0210
                } else {
                    0x0302
                }))
            } else {
                None
            };
            if let Some(a) = answer {
                let _ = s.write_all(&a).await;
            }
        });
    }
}

async fn serve_rdp(l: TcpListener, answer: Vec<u8>) {
    while let Ok((mut s, _)) = l.accept().await {
        let answer = answer.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 64];
            if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await
            {
                if n >= 11 && buf[0] == 3 && buf[5] == 0xe0 {
                    let _ = s.write_all(&answer).await;
                }
            }
        });
    }
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut s = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    s
}

fn recorder_page(path: &str) -> String {
    if path == "/" {
        return response(
            "302 Found",
            &[
                ("Location", "/doc/page/login.asp?_1700000000"),
                ("Server", "DNVRS-Webs"),
            ],
            "",
        );
    }
    response(
        "401 Unauthorized",
        &[
            ("Server", "DNVRS-Webs"),
            ("WWW-Authenticate", "Basic realm=\"DS-7608NI-K2\""),
        ],
        "<html><head><title>Login</title></head><body>Network Video Recorder</body></html>",
    )
}

/// The icon the bench's router page serves at /favicon.ico.
pub const BENCH_FAVICON: &str = "\u{0}\u{0}\u{1}\u{0}\u{1}\u{0}antoan bench router icon";

fn router_page() -> String {
    response(
        "200 OK",
        &[("Server", "httpd")],
        "<html><head><title>Tenda | Đăng nhập</title></head><body><form action=\"/login/Auth\">\
         <input type=\"password\" name=\"password\"><a href=\"http://tendawifi.com\">tendawifi.com</a></form></body></html>",
    )
}

fn redirect_page(location: &str) -> String {
    response("302 Found", &[("Location", location)], "")
}

async fn read_request(s: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 16384 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    Some(text.split(' ').nth(1).unwrap_or("/").to_string())
}

async fn serve<F>(l: TcpListener, page: F)
where
    F: Fn(String) -> String + Send + Sync + Clone + 'static,
{
    while let Ok((mut s, _)) = l.accept().await {
        let page = page.clone();
        tokio::spawn(async move {
            if let Some(path) = read_request(&mut s).await {
                let _ = s.write_all(page(path).as_bytes()).await;
                let _ = s.shutdown().await;
            }
        });
    }
}

async fn serve_greeting(l: TcpListener, greeting: Vec<u8>) {
    while let Ok((mut s, _)) = l.accept().await {
        let g = greeting.clone();
        tokio::spawn(async move {
            let _ = s.write_all(&g).await;
            let mut buf = [0u8; 512];
            // Keep the conversation open briefly, as a real login prompt does.
            let _ = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await;
        });
    }
}

async fn serve_ftp(l: TcpListener) {
    while let Ok((mut s, _)) = l.accept().await {
        tokio::spawn(async move {
            if s.write_all(b"220-Welcome to the recorder FTP\r\n220 FTP server ready\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut buf = vec![0u8; 1024];
            let mut line = Vec::new();
            loop {
                let n = match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => n,
                    _ => return,
                };
                line.extend_from_slice(&buf[..n]);
                while let Some(i) = line.iter().position(|b| *b == b'\n') {
                    let cmd = String::from_utf8_lossy(&line[..i]).trim().to_string();
                    line.drain(..=i);
                    let verb = cmd.split(' ').next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "USER" if cmd.eq_ignore_ascii_case("USER anonymous") => {
                            b"331 Please specify the password.\r\n"
                        }
                        "USER" => b"331 Password required.\r\n",
                        "PASS" => b"230 Login successful.\r\n",
                        "QUIT" => {
                            let _ = s.write_all(b"221 Goodbye.\r\n").await;
                            return;
                        }
                        _ => b"500 Unknown command.\r\n",
                    };
                    if s.write_all(reply).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

async fn serve_tls(l: TcpListener) {
    let Some(acceptor) = tls_acceptor() else {
        return;
    };
    while let Ok((s, _)) = l.accept().await {
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let Ok(Ok(mut tls)) =
                tokio::time::timeout(Duration::from_secs(5), acceptor.accept(s)).await
            else {
                return;
            };
            let mut buf = vec![0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf)).await;
            let page = response(
                "200 OK",
                &[("Server", "lighttpd/1.4.35")],
                "<html><head><title>NVR Web Service</title></head><body><input type=\"password\"></body></html>",
            );
            let _ = tls.write_all(page.as_bytes()).await;
            let _ = tls.shutdown().await;
        });
    }
}

/// A self-signed certificate that expired on 2020-01-01, made at run time.
pub(crate) fn tls_acceptor() -> Option<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = rcgen::KeyPair::generate().ok()?;
    let mut params = rcgen::CertificateParams::new(vec!["nvr.local".to_string()]).ok()?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "NVR admin");
    params.not_before = rcgen::date_time_ymd(2018, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let cert = params.self_signed(&key).ok()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .ok()?;
    Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
