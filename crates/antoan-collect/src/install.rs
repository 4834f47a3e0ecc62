//! `os-install`: when the operating system was installed — the earliest
//! credible of:
//! - the birth time of the root filesystem's top directory (statx, through
//!   `Metadata::created`), only when that directory is a filesystem root
//!   (live `/`, or a `--root` that is a mount point: an extracted copy's
//!   birth time is the copy's);
//! - the Debian/Ubuntu installer logs in `/var/log/installer/`;
//! - the RHEL-family installer's `/root/anaconda-ks.cfg` and `/var/log/anaconda/`.
//!
//! A time counts as credible from 1995 to one day after now; file times are
//! modification times (the installer writes these files once, at the end).

use std::os::unix::fs::MetadataExt;
use std::time::{SystemTime, UNIX_EPOCH};

use antoan_model::OsInstall;

use crate::rootfs::RootFs;
use crate::util::date_from_unix;
use crate::{Ctx, Note};

/// 1995-01-01.
const EARLIEST: i64 = 788_918_400;

/// Files whose modification time tells the installation date, in order of preference within their folder.
const INSTALLER_FILES: [&str; 8] = [
    "/var/log/installer/syslog",
    "/var/log/installer/subiquity-server-debug.log",
    "/var/log/installer/curtin-install.log",
    "/var/log/installer/status",
    "/var/log/installer/installer-journal.txt",
    "/root/anaconda-ks.cfg",
    "/var/log/anaconda/anaconda.log",
    "/var/log/anaconda/syslog",
];

/// The earliest credible candidate: (unix seconds, source).
pub fn earliest_credible(candidates: &[(i64, String)], now: i64) -> Option<(i64, String)> {
    candidates
        .iter()
        .filter(|(t, _)| *t >= EARLIEST && *t <= now + 86_400)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
        .cloned()
}

fn unix_of(t: SystemTime) -> Option<i64> {
    t.duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// The root directory's birth time, when it is a filesystem root.
fn root_birth(fs: &RootFs) -> Option<i64> {
    let root = fs.root();
    let meta = std::fs::metadata(root).ok()?;
    if !fs.is_live() {
        let parent = std::fs::metadata(root.join("..")).ok()?;
        // Same device as its parent: a plain folder, not a mounted filesystem.
        if parent.dev() == meta.dev() && parent.ino() != meta.ino() {
            return None;
        }
    }
    meta.created().ok().and_then(unix_of)
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let now = unix_of(SystemTime::now()).unwrap_or(i64::MAX / 2);
    let mut candidates: Vec<(i64, String)> = Vec::new();
    if let Some(t) = root_birth(&fs) {
        candidates.push((t, "root filesystem birth time".to_string()));
    }
    let mut seen_dir = std::collections::BTreeSet::new();
    for f in INSTALLER_FILES {
        let dir = f.rsplit_once('/').map(|(d, _)| d).unwrap_or("/");
        if f.starts_with("/var/log/") && seen_dir.contains(dir) {
            continue; // the first file found in a folder speaks for it
        }
        if let Ok(Some(m)) = fs.lstat(f) {
            if m.is_file() {
                if let Some(t) = m.modified().ok().and_then(unix_of) {
                    candidates.push((t, f.to_string()));
                    seen_dir.insert(dir.to_string());
                }
            }
        }
    }
    let dirs = ["/var/log/installer", "/var/log/anaconda"];
    for d in dirs {
        if seen_dir.contains(d) {
            continue;
        }
        if let Ok(Some(m)) = fs.lstat(d) {
            if m.is_dir() {
                if let Some(t) = m.modified().ok().and_then(unix_of) {
                    candidates.push((t, d.to_string()));
                }
            }
        }
    }
    match earliest_credible(&candidates, now) {
        Some((t, source)) => {
            ctx.inv.os_install = Some(OsInstall {
                date: date_from_unix(t),
                source,
            });
            ctx.record("os-install", Note::ok());
        }
        None => {
            let why = if candidates.is_empty() {
                "no installation trace: the root filesystem's birth time is not available and there is no /var/log/installer, /root/anaconda-ks.cfg or /var/log/anaconda".to_string()
            } else {
                let list: Vec<String> = candidates
                    .iter()
                    .map(|(t, s)| format!("{s} {}", date_from_unix(*t)))
                    .collect();
                format!(
                    "no credible installation time (before 1995 or in the future): {}",
                    list.join(", ")
                )
            };
            ctx.record("os-install", Note::absent(why));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_credible_wins() {
        let now = 1_800_000_000;
        let c = vec![
            (1_700_000_000, "root filesystem birth time".to_string()),
            (1_600_000_000, "/var/log/installer/syslog".to_string()),
            (0, "/root/anaconda-ks.cfg".to_string()),
            (now + 10 * 86_400, "future".to_string()),
        ];
        assert_eq!(
            earliest_credible(&c, now),
            Some((1_600_000_000, "/var/log/installer/syslog".into()))
        );
        assert_eq!(earliest_credible(&c[2..], now), None);
        assert_eq!(earliest_credible(&[], now), None);
    }
}
