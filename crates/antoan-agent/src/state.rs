//! The agent's state directory:
//!
//! ```text
//! DIR/agent.toml      enrollment: agent id, server URL, certificate pin (written once, atomically)
//! DIR/agent.key       the Ed25519 secret seed, 32 raw bytes, mode 0600
//! DIR/seq             the last sequence number used (persisted before a report is signed)
//! DIR/lock            held (flock) while an agent works in DIR
//! DIR/spool/          signed submissions waiting to be sent, see `spool.rs`
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use antoan_wire::ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::error::{AgentError, Result};

pub const STATE_FILE: &str = "agent.toml";
pub const KEY_FILE: &str = "agent.key";
pub const SEQ_FILE: &str = "seq";
pub const LOCK_FILE: &str = "lock";

/// What enrollment left in `DIR/agent.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    pub agent_id: i64,
    /// Server base URL, e.g. `https://antoan.langson.gov.vn:8443`.
    pub server: String,
    /// Lowercase hex SHA-256 of the server certificate (DER) for https; none for loopback http.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_pin_sha256: Option<String>,
    #[serde(default)]
    pub unit_path: String,
    /// base64 of the public key registered with the server.
    pub public_key: String,
    /// RFC 3339.
    pub enrolled_at: String,
    #[serde(default)]
    pub hostname: String,
}

/// Creates `dir` (mode 0700 on Unix) if missing.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| AgentError::io(dir, e))
}

fn random_suffix() -> u64 {
    let mut b = [0u8; 8];
    // A failing OS random source only makes a temp name collision possible, which create_new catches.
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory (created with `mode`),
/// fsync, rename over `path`, fsync of the directory. A crash leaves either the old or the new file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}-{:016x}", std::process::id(), random_suffix()));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| {
        let mut f = opts.open(&tmp).map_err(|e| AgentError::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| AgentError::io(&tmp, e))?;
        f.sync_all().map_err(|e| AgentError::io(&tmp, e))?;
        drop(f);
        fs::rename(&tmp, path).map_err(|e| AgentError::io(path, e))?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// fsync a directory so a rename in it is durable (best effort; not possible on Windows).
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An exclusive lock on the state directory, released on drop.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

pub(crate) fn lock(dir: &Path) -> Result<StateLock> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| AgentError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(StateLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(AgentError::Locked(dir.to_path_buf())),
        Err(fs::TryLockError::Error(e)) => Err(AgentError::io(&path, e)),
    }
}

/// Reads `DIR/agent.toml` (for status displays).
pub fn read_state(dir: &Path) -> Result<AgentState> {
    load_state(dir)
}

/// The last sequence number used, from `DIR/seq` (0 when none yet).
pub fn read_seq(dir: &Path) -> Result<u64> {
    load_seq(dir)
}

pub(crate) fn load_state(dir: &Path) -> Result<AgentState> {
    let path = dir.join(STATE_FILE);
    let text = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AgentError::NotEnrolled(dir.to_path_buf())),
        Err(e) => return Err(AgentError::io(&path, e)),
    };
    let text = String::from_utf8(text).map_err(|_| AgentError::corrupt(&path, "not UTF-8"))?;
    toml::from_str(&text).map_err(|e| AgentError::corrupt(&path, e.message()))
}

pub(crate) fn save_state(dir: &Path, st: &AgentState) -> Result<()> {
    let path = dir.join(STATE_FILE);
    let text = toml::to_string(st).map_err(|e| AgentError::io(&path, e))?;
    let text = format!("# antoan agent enrollment; written by `antoan agent enroll`.\n{text}");
    write_atomic(&path, text.as_bytes(), 0o600)
}

pub(crate) fn generate_key() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| AgentError::Io { path: PathBuf::from("<os random source>"), reason: e.to_string() })?;
    Ok(SigningKey::from_bytes(&seed))
}

pub(crate) fn save_key(dir: &Path, key: &SigningKey) -> Result<()> {
    write_atomic(&dir.join(KEY_FILE), key.as_bytes(), 0o600)
}

pub(crate) fn load_key(dir: &Path) -> Result<SigningKey> {
    let path = dir.join(KEY_FILE);
    let bytes = fs::read(&path).map_err(|e| AgentError::io(&path, e))?;
    let seed: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| AgentError::corrupt(&path, format!("expected 32 bytes, found {}", bytes.len())))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The last sequence number used (0 when none yet).
pub(crate) fn load_seq(dir: &Path) -> Result<u64> {
    let path = dir.join(SEQ_FILE);
    match fs::read(&path) {
        Ok(b) => {
            let s = std::str::from_utf8(&b).map_err(|_| AgentError::corrupt(&path, "not UTF-8"))?;
            s.trim().parse::<u64>().map_err(|_| AgentError::corrupt(&path, format!("not a number: {:?}", s.trim())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(AgentError::io(&path, e)),
    }
}

pub(crate) fn save_seq(dir: &Path, seq: u64) -> Result<()> {
    write_atomic(&dir.join(SEQ_FILE), format!("{seq}\n").as_bytes(), 0o600)
}

/// Reserves the next sequence number: it is durably written before it is used, so a crash
/// after this point never signs a different payload with the same number.
pub(crate) fn next_seq(dir: &Path) -> Result<u64> {
    let seq = load_seq(dir)?.checked_add(1).ok_or_else(|| AgentError::corrupt(&dir.join(SEQ_FILE), "overflow"))?;
    save_seq(dir, seq)?;
    Ok(seq)
}

/// This machine's name, best effort.
pub fn local_hostname() -> String {
    if let Ok(v) = std::env::var("COMPUTERNAME") {
        if !v.trim().is_empty() {
            return v.trim().to_string();
        }
    }
    for path in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(s) = fs::read_to_string(path) {
            if !s.trim().is_empty() {
                return s.trim().to_string();
            }
        }
    }
    "unknown".to_string()
}

/// A short OS description, best effort (`PRETTY_NAME` of os-release on Linux).
pub fn local_os() -> String {
    if let Ok(s) = fs::read_to_string("/etc/os-release") {
        for line in s.lines() {
            if let Some(v) = line.strip_prefix("PRETTY_NAME=") {
                let v = v.trim().trim_matches('"');
                if !v.is_empty() {
                    return v.to_string();
                }
            }
        }
    }
    std::env::consts::OS.to_string()
}
