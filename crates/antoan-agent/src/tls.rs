//! HTTPS to the antoan server with certificate pinning.
//!
//! The server usually runs with a self-signed certificate made on its first start, so the agent does
//! not use any certificate authority: it trusts exactly one certificate, named by the SHA-256 of its
//! DER encoding (the "pin"), given at enrollment (`--ca-pin`) or recorded on first use. The TLS
//! handshake signature is still verified against that certificate's key, so only the holder of the
//! pinned certificate's private key can complete the handshake. No system root store is needed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::error::{AgentError, Result};

/// Lowercase hex SHA-256 of a certificate's DER bytes: the pin format the agent stores and accepts.
pub fn cert_pin(der: &[u8]) -> String {
    antoan_wire::sha256_hex(der)
}

/// Normalises a pin given by a person: hex digits, optionally separated by `:` or spaces, optionally
/// prefixed with `sha256:` or `sha256/`; case-insensitive. Returns 64 lowercase hex characters.
pub fn parse_pin(s: &str) -> Result<String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.strip_prefix("sha256:").or_else(|| lower.strip_prefix("sha256/")).unwrap_or(&lower);
    let hex: String = body.chars().filter(|c| *c != ':' && *c != ' ').collect();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AgentError::BadPin(t.chars().take(100).collect()));
    }
    Ok(hex)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What the verifier does with the server's certificate.
#[derive(Debug)]
enum Trust {
    /// Accept exactly the certificate with this pin.
    Pinned(String),
    /// Accept any certificate and remember it: used once, at trust-on-first-use enrollment, to
    /// learn the pin.
    Capture(Mutex<Option<Vec<u8>>>),
}

/// The one certificate verifier of the agent. Either way the TLS handshake signature is still
/// verified against the presented certificate's key.
#[derive(Debug)]
struct Verifier {
    trust: Trust,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.trust {
            Trust::Pinned(pin) => {
                let got = cert_pin(end_entity.as_ref());
                if got == *pin {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(rustls::Error::General(format!(
                        "server certificate does not match the pinned one (pinned sha256 {pin}, server presented {got})"
                    )))
                }
            }
            Trust::Capture(captured) => {
                if let Ok(mut g) = captured.lock() {
                    *g = Some(end_entity.as_ref().to_vec());
                }
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

fn config_with(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| AgentError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// A rustls client configuration that accepts exactly the certificate with this pin.
pub fn pinned_config(pin: &str) -> Result<ClientConfig> {
    let pin = parse_pin(pin)?;
    let mut cfg = config_with(Arc::new(Verifier { trust: Trust::Pinned(pin), provider: provider() }))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

/// Connects to `host:port`, completes a TLS handshake and returns the pin of the certificate the
/// server presented (trust on first use).
pub async fn fetch_server_pin(host: &str, port: u16, timeout: Duration) -> Result<String> {
    let verifier = Arc::new(Verifier { trust: Trust::Capture(Mutex::new(None)), provider: provider() });
    let cfg = config_with(verifier.clone())?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let name = ServerName::try_from(host.to_string()).map_err(|e| AgentError::Tls(format!("{host}: {e}")))?;
    let work = async {
        let tcp = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| AgentError::Network(format!("{host}:{port}: {e}")))?;
        connector.connect(name, tcp).await.map_err(|e| AgentError::Tls(format!("{host}:{port}: {e}")))
    };
    let _stream = tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| AgentError::Network(format!("{host}:{port}: timed out after {}s", timeout.as_secs())))??;
    let captured = match &verifier.trust {
        Trust::Capture(c) => c.lock().ok().and_then(|g| g.clone()),
        Trust::Pinned(_) => None,
    };
    let der = captured
        .ok_or_else(|| AgentError::Tls(format!("{host}:{port}: the server presented no certificate")))?;
    Ok(cert_pin(&der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_normalised() {
        let hex = "AB".repeat(32);
        let want = "ab".repeat(32);
        assert_eq!(parse_pin(&hex).expect("plain"), want);
        assert_eq!(parse_pin(&format!("sha256:{hex}")).expect("prefix"), want);
        let colons: Vec<String> = (0..32).map(|_| "AB".to_string()).collect();
        assert_eq!(parse_pin(&colons.join(":")).expect("colons"), want);
        for bad in ["", "abc", &"zz".repeat(32), &"ab".repeat(33), "đồng-hồ"] {
            assert!(matches!(parse_pin(bad), Err(AgentError::BadPin(_))), "{bad}");
        }
    }
}
