//! The credential-attempt ledger kept between runs, so the per-account
//! limit of the [`Pacer`](crate::pacing::Pacer) holds across consecutive
//! `antoan scan --check-credentials` runs, not only within one.
//!
//! A small JSON file (default `$XDG_STATE_HOME/antoan/credential-ledger.json`,
//! else `~/.local/state/antoan/credential-ledger.json`) records, per
//! (host, port, service, username), the wall-clock times of recent login
//! attempts, and per (host, port, service) the lockout signals seen. It holds
//! usernames and times only, never a password. Writes are atomic (a
//! temporary file in the same folder, then rename) and merge with what is on
//! disk, so two runs that overlap lose neither's attempts.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::credentials::CredService;
use crate::pacing::LockSignal;

/// The `format` value of a ledger file.
pub const FORMAT: &str = "antoan-credential-ledger/1";
/// Largest ledger file read (a real one holds a few kilobytes).
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// Most attempts kept per account (more than any sane per-account limit).
const MAX_PER_ACCOUNT: usize = 1000;

/// One account's recent attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    pub host: IpAddr,
    pub port: u16,
    pub service: CredService,
    pub username: String,
    /// Unix times in milliseconds, ascending.
    pub attempts: Vec<i64>,
}

/// A service that gave a lockout signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoppedEntry {
    pub host: IpAddr,
    pub port: u16,
    pub service: CredService,
    /// `status-423`, `status-429`, `text` or `slow-responses`.
    pub signal: String,
    /// Unix time in milliseconds.
    pub at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    pub format: String,
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
    #[serde(default)]
    pub stopped: Vec<StoppedEntry>,
}

/// A ledger file that could not be read or written: which file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
    /// The file exists but its content is not a ledger (as opposed to an IO error).
    pub corrupt: bool,
}

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for LedgerError {}

pub(crate) fn signal_name(s: LockSignal) -> String {
    match s {
        LockSignal::Status(c) => format!("status-{c}"),
        LockSignal::Text => "text".into(),
        LockSignal::SlowResponses => "slow-responses".into(),
    }
}

pub(crate) fn signal_from_name(s: &str) -> Option<LockSignal> {
    match s {
        "text" => Some(LockSignal::Text),
        "slow-responses" => Some(LockSignal::SlowResponses),
        _ => s
            .strip_prefix("status-")
            .and_then(|c| c.parse().ok())
            .map(LockSignal::Status),
    }
}

type AccountId = (IpAddr, u16, CredService, String);
type ServiceId = (IpAddr, u16, CredService);

impl Ledger {
    pub fn new() -> Ledger {
        Ledger {
            format: FORMAT.into(),
            ..Default::default()
        }
    }

    /// Parses a ledger; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Ledger, LedgerError> {
        let bad = |line: Option<usize>, reason: String| LedgerError {
            file: file.to_string(),
            line,
            reason,
            corrupt: true,
        };
        let l: Ledger = serde_json::from_str(text).map_err(|e| {
            bad(
                (e.line() > 0).then_some(e.line()),
                format!("not a credential ledger: {e}"),
            )
        })?;
        if l.format != FORMAT {
            return Err(bad(
                None,
                format!("format is {:?}, expected {FORMAT:?}", l.format),
            ));
        }
        for a in &l.accounts {
            if a.username.len() > 512 || a.username.contains(['\r', '\n', '\0']) {
                return Err(bad(
                    None,
                    "a username is too long or has a line break".into(),
                ));
            }
            if a.attempts.len() > MAX_PER_ACCOUNT {
                return Err(bad(
                    None,
                    format!("more than {MAX_PER_ACCOUNT} attempts for one account"),
                ));
            }
        }
        for s in &l.stopped {
            if signal_from_name(&s.signal).is_none() {
                return Err(bad(None, format!("unknown lockout signal {:?}", s.signal)));
            }
        }
        Ok(l.normalized())
    }

    /// Reads the ledger at `path`; `Ok(None)` when there is no file yet.
    pub fn load(path: &Path) -> Result<Option<Ledger>, LedgerError> {
        let name = path.display().to_string();
        let io = |reason: String| LedgerError {
            file: name.clone(),
            line: None,
            reason,
            corrupt: false,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e.to_string())),
        };
        if !meta.is_file() {
            return Err(io("not a regular file".into()));
        }
        if meta.len() > MAX_BYTES {
            return Err(LedgerError {
                corrupt: true,
                ..io(format!("larger than {MAX_BYTES} bytes"))
            });
        }
        let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
        let text = std::str::from_utf8(&bytes).map_err(|e| LedgerError {
            corrupt: true,
            ..io(format!("not UTF-8 text: {e}"))
        })?;
        Ledger::parse(text, &name).map(Some)
    }

    /// Each account's attempts as a multiset (time → how many attempts).
    fn counts(&self) -> BTreeMap<AccountId, BTreeMap<i64, usize>> {
        let mut out: BTreeMap<AccountId, BTreeMap<i64, usize>> = BTreeMap::new();
        for a in &self.accounts {
            let m = out
                .entry((a.host, a.port, a.service, a.username.clone()))
                .or_default();
            for t in &a.attempts {
                *m.entry(*t).or_default() += 1;
            }
        }
        out
    }

    fn from_parts(
        accounts: BTreeMap<AccountId, BTreeMap<i64, usize>>,
        stopped: Vec<StoppedEntry>,
    ) -> Ledger {
        let mut stops: BTreeMap<ServiceId, (i64, String)> = BTreeMap::new();
        for s in stopped {
            let e = stops
                .entry((s.host, s.port, s.service))
                .or_insert((s.at, s.signal.clone()));
            if s.at > e.0 {
                *e = (s.at, s.signal);
            }
        }
        Ledger {
            format: FORMAT.into(),
            accounts: accounts
                .into_iter()
                .filter_map(|((host, port, service, username), m)| {
                    // Two attempts in the same millisecond are two attempts.
                    let t: Vec<i64> = m
                        .into_iter()
                        .flat_map(|(t, n)| std::iter::repeat_n(t, n))
                        .collect();
                    let skip = t.len().saturating_sub(MAX_PER_ACCOUNT);
                    (!t.is_empty()).then(|| AccountEntry {
                        host,
                        port,
                        service,
                        username,
                        attempts: t[skip..].to_vec(),
                    })
                })
                .collect(),
            stopped: stops
                .into_iter()
                .map(|((host, port, service), (at, signal))| StoppedEntry {
                    host,
                    port,
                    service,
                    signal,
                    at,
                })
                .collect(),
        }
    }

    /// Sorted, one entry per account and per service.
    fn normalized(self) -> Ledger {
        let counts = self.counts();
        Ledger::from_parts(counts, self.stopped)
    }

    /// Both ledgers' entries together. An attempt recorded in both (the
    /// same account and millisecond) counts once per copy in the ledger that
    /// has more of it, so merging a ledger with an older copy of itself
    /// does not double its attempts.
    pub fn merged(self, other: Ledger) -> Ledger {
        let mut a = self.counts();
        for (k, m) in other.counts() {
            let e = a.entry(k).or_default();
            for (t, n) in m {
                let c = e.entry(t).or_default();
                *c = (*c).max(n);
            }
        }
        let mut stopped = self.stopped;
        stopped.extend(other.stopped);
        Ledger::from_parts(a, stopped)
    }

    /// Drops attempts older than `keep_attempts_ms` and lockout signals older
    /// than `keep_stops_ms` before `now_ms`.
    pub fn pruned(mut self, now_ms: i64, keep_attempts_ms: i64, keep_stops_ms: i64) -> Ledger {
        for a in &mut self.accounts {
            a.attempts
                .retain(|t| now_ms.saturating_sub(*t) < keep_attempts_ms);
        }
        self.accounts.retain(|a| !a.attempts.is_empty());
        self.stopped
            .retain(|s| now_ms.saturating_sub(s.at) < keep_stops_ms);
        self.normalized()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// Writes the ledger to `path` atomically, merged with the ledger that is
    /// on disk now (written by an overlapping run); a corrupt file on disk is
    /// replaced. Creates the folder (mode 0700) and the file (mode 0600).
    pub fn save_merged(&self, path: &Path) -> Result<Ledger, LedgerError> {
        let name = path.display().to_string();
        let io = |what: &str, e: std::io::Error| LedgerError {
            file: name.clone(),
            line: None,
            reason: format!("{what}: {e}"),
            corrupt: false,
        };
        let merged = match Ledger::load(path) {
            Ok(Some(on_disk)) => self.clone().merged(on_disk),
            Ok(None) => self.clone().normalized(),
            Err(e) if e.corrupt => self.clone().normalized(),
            Err(e) => return Err(e),
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.exists() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            b.create(&dir)
                .map_err(|e| io("cannot create the folder", e))?;
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "credential-ledger.json".into());
        let tmp = dir.join(format!(".{file_name}.tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let mut f = o.open(&tmp)?;
            f.write_all(merged.to_json().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("cannot write", e));
        }
        Ok(merged)
    }
}

/// Where the ledger lives by default: `$XDG_STATE_HOME/antoan/…`, else
/// `$HOME/.local/state/antoan/…` (None when neither is set).
pub fn default_path() -> Option<PathBuf> {
    default_path_from(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

pub fn default_path_from(
    xdg_state_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let base = match xdg_state_home {
        // The XDG spec: a relative path is invalid and must be ignored.
        Some(x) if Path::new(&x).is_absolute() => PathBuf::from(x),
        _ => {
            let h = home.filter(|h| !h.is_empty())?;
            Path::new(&h).join(".local").join("state")
        }
    };
    Some(base.join("antoan").join("credential-ledger.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("antoan-ledger-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn entry(user: &str, t: &[i64]) -> AccountEntry {
        AccountEntry {
            host: "127.0.0.5".parse().unwrap(),
            port: 8080,
            service: CredService::HttpBasic,
            username: user.into(),
            attempts: t.to_vec(),
        }
    }

    #[test]
    fn round_trip_merge_and_prune() {
        let mut a = Ledger::new();
        a.accounts.push(entry("admin", &[30, 10]));
        a.stopped.push(StoppedEntry {
            host: "127.0.0.5".parse().unwrap(),
            port: 8080,
            service: CredService::Ftp,
            signal: "status-423".into(),
            at: 20,
        });
        let mut b = Ledger::new();
        b.accounts.push(entry("admin", &[10, 40]));
        b.accounts.push(entry("root", &[5]));
        let m = a.clone().merged(b);
        assert_eq!(m.accounts.len(), 2);
        assert_eq!(m.accounts[0].attempts, vec![10, 30, 40]);
        // Merging with an older copy of itself adds nothing; two attempts
        // in one millisecond stay two.
        assert_eq!(m.clone().merged(a.clone()), m);
        let mut twice = Ledger::new();
        twice.accounts.push(entry("admin", &[50, 50]));
        let m2 = m.clone().merged(twice.clone()).merged(twice);
        assert_eq!(m2.accounts[0].attempts, vec![10, 30, 40, 50, 50]);
        let back = Ledger::parse(&m.to_json(), "l.json").unwrap();
        assert_eq!(back, m);
        let p = m.pruned(45, 20, 1000);
        assert_eq!(p.accounts.len(), 1);
        assert_eq!(p.accounts[0].attempts, vec![30, 40]);
        assert_eq!(p.stopped.len(), 1);
        assert_eq!(
            signal_from_name(&p.stopped[0].signal),
            Some(LockSignal::Status(423))
        );
        assert!(p.pruned(45, 20, 10).stopped.is_empty());
    }

    #[test]
    fn save_is_atomic_merges_and_is_private() {
        let dir = tmpdir("save");
        let path = dir.join("sub").join("ledger.json");
        assert_eq!(Ledger::load(&path).unwrap(), None);
        let mut a = Ledger::new();
        a.accounts.push(entry("admin", &[1]));
        a.save_merged(&path).unwrap();
        let mut b = Ledger::new();
        b.accounts.push(entry("admin", &[2]));
        let m = b.save_merged(&path).unwrap();
        assert_eq!(m.accounts[0].attempts, vec![1, 2]);
        assert_eq!(Ledger::load(&path).unwrap().unwrap(), m);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn corrupt_files_are_named_in_the_error() {
        let dir = tmpdir("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ledger.json");
        for (content, want) in [
            (
                &b"{\"format\": \"antoan-credential-ledger/1\",\n \"accounts\": [ {"[..],
                "not a credential ledger",
            ),
            (b"\xff\xfe\x00garbage", "not UTF-8"),
            (b"{\"format\": \"other/2\"}", "format is"),
            (b"", "not a credential ledger"),
        ] {
            std::fs::write(&path, content).unwrap();
            let e = Ledger::load(&path).unwrap_err();
            assert!(e.corrupt);
            assert!(
                e.to_string().starts_with(&path.display().to_string()),
                "{e}"
            );
            assert!(e.reason.contains(want), "{e}");
        }
        // Saving over a corrupt file replaces it.
        let mut a = Ledger::new();
        a.accounts.push(entry("admin", &[7]));
        a.save_merged(&path).unwrap();
        assert_eq!(Ledger::load(&path).unwrap().unwrap().accounts.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn garbage_never_panics() {
        let good = {
            let mut a = Ledger::new();
            a.accounts.push(entry("quản trị", &[1, 2, 3]));
            a.to_json()
        };
        let mut inputs: Vec<String> = vec![
            "null".into(),
            "[]".into(),
            "{\"format\":\"antoan-credential-ledger/1\",\"stopped\":[{\"host\":\"127.0.0.1\",\"port\":1,\"service\":\"ftp\",\"signal\":\"status-x\",\"at\":1}]}".into(),
            "{\"format\":\"antoan-credential-ledger/1\",\"accounts\":[{\"host\":\"999.1.1.1\"}]}".into(),
        ];
        for cut in 0..good.len() {
            if good.is_char_boundary(cut) {
                inputs.push(good[..cut].to_string());
            }
        }
        for i in inputs {
            let _ = Ledger::parse(&i, "x.json");
        }
    }

    #[test]
    fn default_path_follows_xdg() {
        let p = default_path_from(Some("/s".into()), Some("/h".into())).unwrap();
        assert_eq!(p, PathBuf::from("/s/antoan/credential-ledger.json"));
        let p = default_path_from(Some("rel".into()), Some("/h".into())).unwrap();
        assert_eq!(
            p,
            PathBuf::from("/h/.local/state/antoan/credential-ledger.json")
        );
        assert_eq!(default_path_from(None, None), None);
    }
}
