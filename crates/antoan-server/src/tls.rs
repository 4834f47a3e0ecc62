//! TLS: the first-run self-signed certificate (rcgen), loading PEM files, and
//! the certificate pin agents use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use antoan_model::Text;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::config::TlsMode;
use crate::ServeError;

/// File names inside the self-signed directory.
pub const CERT_FILE: &str = "server.crt";
pub const KEY_FILE: &str = "server.key";

fn err(vi: String, en: String) -> ServeError {
    ServeError::Tls(Text::new(vi, en))
}

/// The pin of a certificate: `sha256:` + lower-case hex of the SHA-256 of its DER bytes.
pub fn certificate_pin(cert_der: &[u8]) -> String {
    format!("sha256:{}", crate::auth::hex(&Sha256::digest(cert_der)))
}

/// Makes `dir/server.crt` and `dir/server.key` if they are missing (the key
/// readable by the owner only). Returns the certificate and key paths.
pub fn ensure_self_signed(
    dir: &Path,
    extra_names: &[String],
) -> Result<(PathBuf, PathBuf), ServeError> {
    let cert_path = dir.join(CERT_FILE);
    let key_path = dir.join(KEY_FILE);
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        err(
            format!("không tạo được thư mục chứng chỉ {}: {e}", dir.display()),
            format!(
                "cannot create the certificate directory {}: {e}",
                dir.display()
            ),
        )
    })?;
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    for n in extra_names {
        if !n.is_empty() && !names.contains(n) {
            names.push(n.clone());
        }
    }
    let ck = rcgen::generate_simple_self_signed(names).map_err(|e| {
        err(
            format!("không tạo được chứng chỉ tự ký: {e}"),
            format!("cannot make the self-signed certificate: {e}"),
        )
    })?;
    write_private(&key_path, ck.key_pair.serialize_pem().as_bytes())?;
    std::fs::write(&cert_path, ck.cert.pem()).map_err(|e| {
        err(
            format!("không ghi được {}: {e}", cert_path.display()),
            format!("cannot write {}: {e}", cert_path.display()),
        )
    })?;
    Ok((cert_path, key_path))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServeError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| {
        err(
            format!("không ghi được {}: {e}", path.display()),
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| {
        err(
            format!("không ghi được {}: {e}", path.display()),
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

/// Loaded certificate chain and key, with the pin of the leaf certificate.
pub struct TlsMaterial {
    pub config: Arc<rustls::ServerConfig>,
    pub pin: String,
}

/// Loads (making it first for `SelfSigned`) the TLS material of `mode`. None for `Off`.
pub fn load(mode: &TlsMode, extra_names: &[String]) -> Result<Option<TlsMaterial>, ServeError> {
    let (cert, key) = match mode {
        TlsMode::Off => return Ok(None),
        TlsMode::SelfSigned { dir } => ensure_self_signed(dir, extra_names)?,
        TlsMode::Files { cert, key } => (cert.clone(), key.clone()),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            err(
                format!("không đọc được chứng chỉ {}: {e}", cert.display()),
                format!("cannot read the certificate {}: {e}", cert.display()),
            )
        })?;
    let Some(leaf) = certs.first() else {
        return Err(err(
            format!("{} không chứa chứng chỉ PEM nào", cert.display()),
            format!("{} holds no PEM certificate", cert.display()),
        ));
    };
    let pin = certificate_pin(leaf.as_ref());
    let key_der = PrivateKeyDer::from_pem_file(&key).map_err(|e| {
        err(
            format!("không đọc được khóa riêng {}: {e}", key.display()),
            format!("cannot read the private key {}: {e}", key.display()),
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key_der))
        .map_err(|e| {
            err(
                format!(
                    "chứng chỉ/khóa TLS không dùng được ({}, {}): {e}",
                    cert.display(),
                    key.display()
                ),
                format!(
                    "unusable TLS certificate/key ({}, {}): {e}",
                    cert.display(),
                    key.display()
                ),
            )
        })?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(TlsMaterial {
        config: Arc::new(cfg),
        pin,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_is_made_once_and_pinned() {
        let dir = tempfile::tempdir().unwrap();
        let m = load(
            &TlsMode::SelfSigned {
                dir: dir.path().join("tls"),
            },
            &[],
        )
        .unwrap()
        .unwrap();
        assert!(m.pin.starts_with("sha256:") && m.pin.len() == 7 + 64);
        // Second start: same certificate, same pin.
        let m2 = load(
            &TlsMode::SelfSigned {
                dir: dir.path().join("tls"),
            },
            &[],
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.pin, m2.pin);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls").join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "key readable by others");
        }
    }

    #[test]
    fn garbage_pem_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c.pem");
        let k = dir.path().join("k.pem");
        std::fs::write(&c, b"\x00\xffnot pem").unwrap();
        std::fs::write(&k, b"-----BEGIN PRIVATE KEY-----\nZZZ\n").unwrap();
        let e = load(&TlsMode::Files { cert: c, key: k }, &[])
            .err()
            .unwrap();
        assert!(e.to_string().contains("c.pem"), "{e}");
    }
}
