//! SSH password logins for the default-credential check (russh client).
//! The connection goes through the [`Gate`]; the server's host key is not
//! checked (nothing but the login is sent, and the session is closed at once).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::gate::Gate;

/// The outcome of one SSH password attempt.
#[derive(Debug, Clone)]
pub struct SshLogin {
    pub success: bool,
    /// What the server said when it refused or closed (for lockout signals).
    pub text: String,
}

struct AnyHostKey;

impl russh::client::Handler for AnyHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Tries `user`/`pass` with SSH password authentication. None when the
/// service could not be reached or is not SSH.
pub async fn ssh_login(
    gate: &Gate,
    addr: SocketAddr,
    user: &str,
    pass: &str,
    timeout: Duration,
) -> Option<SshLogin> {
    let stream = gate.connect(addr, timeout).await.ok()?;
    let config = Arc::new(russh::client::Config {
        inactivity_timeout: Some(timeout),
        nodelay: true,
        ..Default::default()
    });
    let attempt = async {
        let mut handle = russh::client::connect_stream(config, stream, AnyHostKey)
            .await
            .ok()?;
        let result = match handle.authenticate_password(user, pass).await {
            Ok(r) => SshLogin {
                success: r.success(),
                text: String::new(),
            },
            // A disconnect during authentication (e.g. "too many
            // authentication failures") is kept as text for the pacer.
            Err(e) => SshLogin {
                success: false,
                text: e.to_string(),
            },
        };
        let _ = handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
        Some(result)
    };
    tokio::time::timeout(timeout * 2, attempt).await.ok()?
}
