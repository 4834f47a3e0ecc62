//! The one place the scanner opens a TCP connection.
//!
//! A [`Gate`] is made only from a [`TargetSet`]; [`Gate::connect`] refuses
//! any address outside it before a packet is sent. Redirects, `Location`
//! headers and names seen in banners can therefore never lead the scan to an
//! address the user did not name. (A test in this crate checks that no other
//! source file calls `TcpStream::connect` or `TcpSocket::connect`.)

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};

use crate::targets::TargetSet;

#[derive(Debug)]
pub enum ConnectError {
    /// The address is not in the named target set; nothing was sent.
    NotNamed(IpAddr),
    /// No answer within the timeout (filtered, tarpit, host down).
    Timeout,
    /// Actively refused (closed port).
    Refused,
    Io(std::io::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::NotNamed(ip) => {
                write!(f, "{ip} is not in the named targets; not contacted")
            }
            ConnectError::Timeout => f.write_str("connect timed out"),
            ConnectError::Refused => f.write_str("connection refused"),
            ConnectError::Io(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Gate {
    allowed: Arc<BTreeSet<IpAddr>>,
    refused: Arc<AtomicU64>,
    attempts: Arc<AtomicU64>,
}

impl Gate {
    pub fn new(targets: &TargetSet) -> Gate {
        Gate {
            allowed: Arc::new(targets.addresses().collect()),
            refused: Arc::new(AtomicU64::new(0)),
            attempts: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether the address may be contacted.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allowed.contains(&ip)
    }

    /// Connections refused because their address was not named.
    pub fn refused_unnamed(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Connections attempted through the gate.
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Starts a non-blocking connect to `addr` if, and only if, its address
    /// was named (for the port sweep, which polls many sockets at once).
    pub fn start_connect(&self, addr: SocketAddr) -> Result<socket2::Socket, ConnectError> {
        self.start_connect_reusing(addr, None)
    }

    /// Like [`Gate::start_connect`], on `spare` when given: a non-blocking
    /// TCP socket of the same family as `addr` (the caller keeps IPv4 and
    /// IPv6 spares apart) whose earlier connect failed and that
    /// was disconnected (the sweep reuses sockets to save a socket()/close()
    /// pair per closed port).
    pub fn start_connect_reusing(
        &self,
        addr: SocketAddr,
        spare: Option<socket2::Socket>,
    ) -> Result<socket2::Socket, ConnectError> {
        if !self.permits(addr.ip()) {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(ConnectError::NotNamed(addr.ip()));
        }
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let domain = socket2::Domain::for_address(addr);
        let socket = match spare {
            Some(s) => s,
            None => {
                // Created non-blocking in one call (SOCK_NONBLOCK), no fcntl round trips.
                let kind = socket2::Type::STREAM.nonblocking();
                socket2::Socket::new(domain, kind, Some(socket2::Protocol::TCP))
                    .map_err(ConnectError::Io)?
            }
        };
        match socket.connect(&addr.into()) {
            Ok(()) => Ok(socket),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(socket),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                Err(ConnectError::Refused)
            }
            Err(e) => Err(ConnectError::Io(e)),
        }
    }

    /// Connects to `addr` if, and only if, its address was named.
    pub async fn connect(
        &self,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<TcpStream, ConnectError> {
        if !self.permits(addr.ip()) {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(ConnectError::NotNamed(addr.ip()));
        }
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4(),
            SocketAddr::V6(_) => TcpSocket::new_v6(),
        }
        .map_err(ConnectError::Io)?;
        match tokio::time::timeout(timeout, socket.connect(addr)).await {
            Err(_) => Err(ConnectError::Timeout),
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                Ok(s)
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                Err(ConnectError::Refused)
            }
            Ok(Err(e)) => Err(ConnectError::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{build, TargetRequest};

    #[tokio::test]
    async fn unnamed_address_is_refused_before_any_packet() {
        // A listener on 127.0.0.19 that is not named must see no connection.
        let listener = tokio::net::TcpListener::bind("127.0.0.19:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let named = build(
            &TargetRequest {
                specs: vec!["127.0.0.18".into()],
                ..Default::default()
            },
            &|_| Err("no dns".into()),
        )
        .unwrap();
        let gate = Gate::new(&named);
        let r = gate
            .connect(
                SocketAddr::new("127.0.0.19".parse().unwrap(), port),
                Duration::from_millis(300),
            )
            .await;
        assert!(matches!(r, Err(ConnectError::NotNamed(_))));
        assert_eq!(gate.refused_unnamed(), 1);
        assert_eq!(gate.attempts(), 0);
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "the unnamed listener was contacted");
    }

    #[test]
    fn no_other_source_file_opens_connections() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // testbench.rs is test-only server code (feature `testbench`): it
            // fills its own tarpit's backlog on 127.0.0.8.
            if path
                .file_name()
                .is_some_and(|n| n == "gate.rs" || n == "testbench.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for needle in [
                "TcpStream::connect",
                "TcpSocket::new",
                "std::net::TcpStream",
                "UdpSocket",
                "Socket::new",
                ".connect(&",
            ] {
                assert!(
                    !text.contains(needle),
                    "{} uses {needle}: connections must go through the gate",
                    path.display()
                );
            }
        }
    }
}
