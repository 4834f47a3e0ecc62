//! Server configuration: where to listen, which database, TLS, limits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration as StdDuration;

/// How the listener speaks TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain HTTP. Only allowed on a loopback address.
    Off,
    /// A self-signed certificate kept in `dir` (made on first run). Agents pin it.
    SelfSigned { dir: PathBuf },
    /// PEM files made elsewhere (e.g. by the body's certificate authority).
    Files { cert: PathBuf, key: PathBuf },
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// `sqlite:PATH` or `postgres://…`.
    pub db_url: String,
    pub tls: TlsMode,
    /// How often agents are expected to report; hosts silent for longer count as "gone silent".
    pub expected_interval: time::Duration,
    /// Lifetime of a login session.
    pub session_ttl: time::Duration,
    /// Body limit of every request except report submissions.
    pub body_limit: usize,
    /// Body limit of `POST /api/v1/reports`.
    pub submission_limit: usize,
    /// Whole-request timeout (reading the body included).
    pub request_timeout: StdDuration,
    /// Failed logins per username and client allowed within `login_window`.
    pub login_max_failures: u32,
    pub login_window: time::Duration,
    /// Default lifetime of an enrollment token.
    pub token_days: i64,
}

impl ServerConfig {
    /// Defaults for everything but the listen address and the database.
    pub fn new(listen: SocketAddr, db_url: impl Into<String>, tls: TlsMode) -> ServerConfig {
        ServerConfig {
            listen,
            db_url: db_url.into(),
            tls,
            expected_interval: time::Duration::hours(26),
            session_ttl: time::Duration::hours(12),
            body_limit: 64 * 1024,
            submission_limit: antoan_wire::MAX_SUBMISSION_BYTES,
            request_timeout: StdDuration::from_secs(120),
            login_max_failures: 5,
            login_window: time::Duration::minutes(15),
            token_days: 7,
        }
    }

    /// Cookies get the `Secure` attribute when the server speaks TLS.
    pub fn secure_cookies(&self) -> bool {
        !matches!(self.tls, TlsMode::Off)
    }

    /// Plain HTTP is refused unless the listener is on loopback.
    pub fn validate(&self) -> Result<(), crate::ServeError> {
        if self.tls == TlsMode::Off && !self.listen.ip().is_loopback() {
            return Err(crate::ServeError::Config(antoan_model::Text::new(
                format!(
                    "không được chạy HTTP thường trên {} (chỉ cho phép trên loopback); dùng --tls self-signed hoặc --cert/--key",
                    self.listen
                ),
                format!(
                    "plain HTTP on {} is refused (only allowed on loopback); use --tls self-signed or --cert/--key",
                    self.listen
                ),
            )));
        }
        Ok(())
    }
}
