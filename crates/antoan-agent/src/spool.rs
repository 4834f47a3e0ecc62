//! The on-disk spool of signed submissions waiting for the server.
//!
//! Layout: `DIR/spool/<seq, 20 digits>.json`, one file per report, each the complete signed
//! [`antoan_wire::Submission`] body exactly as it will be sent (so a resend after a lost response is
//! byte-identical and the server answers it idempotently). Files are written to a temp file, fsynced,
//! then renamed, so a crash or power loss leaves either no file or a complete one; temp leftovers are
//! removed by the next run (under the state-directory lock).
//!
//! Reports are sent in sequence order, oldest first; sending stops at the first one that cannot be
//! delivered now (network error, 5xx, 408, 429), because the server only accepts increasing sequence
//! numbers and a later report must not overtake an earlier one.
//!
//! Bounds: at most [`SpoolLimits::max_reports`] files and [`SpoolLimits::max_bytes`] bytes. When a new
//! report does not fit, the **oldest** spooled reports are deleted (with a logged warning naming their
//! sequence numbers) until it does: after a long outage the newest state of the host matters most.
//! A single report larger than `max_bytes` is refused.
//!
//! Refused reports (4xx other than the transient ones) are moved to `DIR/spool/rejected/` together
//! with a `<seq>.reason.txt` file saying why, so an administrator can look at them; that folder keeps
//! the newest [`REJECTED_KEEP`] reports.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{AgentError, Result};
use crate::state::{sync_dir, write_atomic};

/// How many refused reports `spool/rejected/` keeps.
pub const REJECTED_KEEP: usize = 50;

/// Bounds of the spool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpoolLimits {
    /// Most reports kept (default 200: 50 days at one report every 6 hours).
    pub max_reports: usize,
    /// Most bytes kept (default 512 MiB).
    pub max_bytes: u64,
}

impl Default for SpoolLimits {
    fn default() -> Self {
        SpoolLimits { max_reports: 200, max_bytes: 512 * 1024 * 1024 }
    }
}

/// One spooled report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolEntry {
    pub seq: u64,
    pub path: PathBuf,
    pub bytes: u64,
}

#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    limits: SpoolLimits,
}

fn entry_name(seq: u64) -> String {
    format!("{seq:020}.json")
}

fn parse_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".json")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl Spool {
    /// Opens (creating if needed) `state_dir/spool`.
    pub fn open(state_dir: &Path, limits: SpoolLimits) -> Result<Spool> {
        let dir = state_dir.join("spool");
        crate::state::ensure_dir(&dir)?;
        crate::state::ensure_dir(&dir.join("rejected"))?;
        Ok(Spool { dir, limits: SpoolLimits { max_reports: limits.max_reports.max(1), ..limits } })
    }

    /// Removes temp files a crash left behind. Only call it while holding the state-directory lock
    /// (another agent could be writing one).
    pub fn remove_temp_leftovers(&self) {
        for d in [self.dir.clone(), self.rejected_dir()] {
            let Ok(rd) = fs::read_dir(&d) else { continue };
            for e in rd.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && name.contains(".tmp-") {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn rejected_dir(&self) -> PathBuf {
        self.dir.join("rejected")
    }

    /// Spooled reports, oldest (lowest seq) first. Files whose names are not `<digits>.json` are ignored.
    pub fn list(&self) -> Result<Vec<SpoolEntry>> {
        list_dir(&self.dir)
    }

    /// The reports in `rejected/`, oldest first.
    pub fn rejected(&self) -> Result<Vec<SpoolEntry>> {
        list_dir(&self.rejected_dir())
    }

    /// Adds a signed submission, first deleting the oldest reports if it would not fit within the
    /// bounds. Returns the sequence numbers deleted to make room.
    pub fn put(&self, seq: u64, body: &[u8]) -> Result<Vec<u64>> {
        let len = body.len() as u64;
        if len > self.limits.max_bytes {
            return Err(AgentError::ReportTooLarge(body.len()));
        }
        let mut entries = self.list()?;
        entries.retain(|e| e.seq != seq);
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        let mut dropped = Vec::new();
        let mut i = 0;
        while i < entries.len()
            && (entries.len() - i + 1 > self.limits.max_reports || total + len > self.limits.max_bytes)
        {
            let e = &entries[i];
            fs::remove_file(&e.path).map_err(|err| AgentError::io(&e.path, err))?;
            total -= e.bytes;
            dropped.push(e.seq);
            i += 1;
        }
        write_atomic(&self.dir.join(entry_name(seq)), body, 0o600)?;
        Ok(dropped)
    }

    pub fn read(&self, seq: u64) -> Result<Vec<u8>> {
        let path = self.dir.join(entry_name(seq));
        fs::read(&path).map_err(|e| AgentError::io(&path, e))
    }

    /// Deletes a delivered report.
    pub fn remove(&self, seq: u64) -> Result<()> {
        let path = self.dir.join(entry_name(seq));
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AgentError::io(&path, e)),
        }
    }

    /// Moves a refused report to `rejected/` with the reason next to it.
    pub fn reject(&self, seq: u64, reason: &str) -> Result<()> {
        let rej = self.rejected_dir();
        let reason_path = rej.join(format!("{seq:020}.reason.txt"));
        write_atomic(&reason_path, format!("{reason}\n").as_bytes(), 0o600)?;
        let from = self.dir.join(entry_name(seq));
        let to = rej.join(entry_name(seq));
        fs::rename(&from, &to).map_err(|e| AgentError::io(&from, e))?;
        sync_dir(&self.dir);
        sync_dir(&rej);
        let old = self.rejected()?;
        if old.len() > REJECTED_KEEP {
            for e in &old[..old.len() - REJECTED_KEEP] {
                let _ = fs::remove_file(&e.path);
                let _ = fs::remove_file(rej.join(format!("{:020}.reason.txt", e.seq)));
            }
        }
        Ok(())
    }
}

fn list_dir(dir: &Path) -> Result<Vec<SpoolEntry>> {
    let rd = fs::read_dir(dir).map_err(|e| AgentError::io(dir, e))?;
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|err| AgentError::io(dir, err))?;
        let name = e.file_name();
        let Some(seq) = name.to_str().and_then(parse_name) else { continue };
        let meta = e.metadata().map_err(|err| AgentError::io(&e.path(), err))?;
        if !meta.is_file() {
            continue;
        }
        out.push(SpoolEntry { seq, path: e.path(), bytes: meta.len() });
    }
    out.sort_by_key(|e| e.seq);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spool(limits: SpoolLimits) -> (tempfile::TempDir, Spool) {
        let t = tempfile::tempdir().expect("tempdir");
        let s = Spool::open(t.path(), limits).expect("open");
        (t, s)
    }

    #[test]
    fn lists_in_numeric_order_and_ignores_strangers() {
        let (_t, s) = spool(SpoolLimits::default());
        for seq in [10, 2, 100, 1] {
            s.put(seq, format!("r{seq}").as_bytes()).expect("put");
        }
        fs::write(s.dir().join("notes.txt"), "x").expect("write");
        fs::write(s.dir().join("12x.json"), "x").expect("write");
        let seqs: Vec<u64> = s.list().expect("list").iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![1, 2, 10, 100]);
        assert_eq!(s.read(10).expect("read"), b"r10");
    }

    #[test]
    fn count_bound_drops_oldest() {
        let (_t, s) = spool(SpoolLimits { max_reports: 3, max_bytes: 1 << 20 });
        for seq in 1..=3 {
            assert!(s.put(seq, b"abc").expect("put").is_empty());
        }
        assert_eq!(s.put(4, b"abc").expect("put"), vec![1]);
        assert_eq!(s.put(5, b"abc").expect("put"), vec![2]);
        let seqs: Vec<u64> = s.list().expect("list").iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);
    }

    #[test]
    fn byte_bound_drops_oldest_and_refuses_oversized() {
        let (_t, s) = spool(SpoolLimits { max_reports: 100, max_bytes: 10 });
        s.put(1, b"1234").expect("put");
        s.put(2, b"1234").expect("put");
        assert_eq!(s.put(3, b"1234567").expect("put"), vec![1, 2]);
        assert_eq!(s.list().expect("list").len(), 1);
        assert!(matches!(s.put(4, b"12345678901"), Err(AgentError::ReportTooLarge(11))));
        assert_eq!(s.list().expect("list")[0].seq, 3);
    }

    #[test]
    fn reject_moves_with_reason_and_is_bounded() {
        let (_t, s) = spool(SpoolLimits::default());
        for seq in 1..=(REJECTED_KEEP as u64 + 3) {
            s.put(seq, b"x").expect("put");
            s.reject(seq, "400 Bad Request: nope").expect("reject");
        }
        assert!(s.list().expect("list").is_empty());
        let rej = s.rejected().expect("rejected");
        assert_eq!(rej.len(), REJECTED_KEEP);
        assert_eq!(rej[0].seq, 4);
        let reason = fs::read_to_string(s.rejected_dir().join(format!("{:020}.reason.txt", 4))).expect("reason");
        assert!(reason.contains("nope"));
        assert!(!s.rejected_dir().join(format!("{:020}.reason.txt", 1)).exists());
    }

    #[test]
    fn open_removes_temp_leftovers_and_survives_reopen() {
        let t = tempfile::tempdir().expect("tempdir");
        {
            let s = Spool::open(t.path(), SpoolLimits::default()).expect("open");
            s.put(7, b"seven").expect("put");
            fs::write(s.dir().join(".00000000000000000008.json.tmp-1-2"), b"half").expect("write");
        }
        let s = Spool::open(t.path(), SpoolLimits::default()).expect("reopen");
        s.remove_temp_leftovers();
        let names: Vec<String> = fs::read_dir(s.dir())
            .expect("read_dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".tmp-")), "{names:?}");
        assert_eq!(s.list().expect("list").iter().map(|e| e.seq).collect::<Vec<_>>(), vec![7]);
        s.remove(7).expect("remove");
        s.remove(7).expect("remove twice is fine");
        assert!(s.list().expect("list").is_empty());
    }
}
