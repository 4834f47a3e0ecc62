//! `unsafe-files`: a walk of the system folders for world-writable files,
//! world-writable folders without the sticky bit, and files whose owner or
//! group has no account or group in the root.
//!
//! The walk never follows a symlink, stays on the filesystem of each start
//! folder (st_dev), and stops after `MAX_ENTRIES` entries (`truncated`).
//! /root is walked two levels deep only (its dotfiles and `.ssh`): below
//! that are caches and toolchains of the administrator, not system files,
//! and they can hold hundreds of thousands of entries.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use antoan_model::UnsafeFiles;

use crate::{Ctx, Note};

/// Folders walked (home folders are not: users own their files).
/// Folders walked, with the depth limit (None: unlimited).
pub const START: [(&str, Option<usize>); 12] = [
    ("/etc", None),
    ("/usr/bin", None),
    ("/usr/sbin", None),
    ("/usr/lib/systemd", None),
    ("/usr/local/bin", None),
    ("/usr/local/sbin", None),
    ("/bin", None),
    ("/sbin", None),
    ("/boot", None),
    ("/var/spool/cron", None),
    ("/root", Some(2)),
    ("/usr/local/etc", None),
];
pub const MAX_ENTRIES: usize = 300_000;
/// Longest list kept per kind; more sets `truncated`.
pub const MAX_LISTED: usize = 1000;

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let check_owner = ctx.inv.collected("accounts") || !ctx.inv.accounts.is_empty();
    if !check_owner {
        note.warn("accounts could not be read; ownerless files not checked");
    }
    let uids: HashSet<u32> = ctx.inv.accounts.iter().map(|a| a.uid).collect();
    let gids: HashSet<u32> = ctx.inv.groups.iter().map(|g| g.gid).collect();
    let mut out = UnsafeFiles::default();
    let mut seen = 0usize;
    let mut denied = 0usize;
    let mut visited_dirs: HashSet<(u64, u64)> = HashSet::new();

    'starts: for (start, max_depth) in START {
        let host = match fs.resolve_ex(start, false) {
            Ok((h, _)) => h,
            Err(_) => continue,
        };
        let Ok(meta) = std::fs::symlink_metadata(&host) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let dev = meta.dev();
        let mut stack: Vec<(PathBuf, String, usize)> = vec![(host, start.to_string(), 1)];
        while let Some((dir, vdir, depth)) = stack.pop() {
            let rd = match std::fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) => {
                    if e.kind() == std::io::ErrorKind::PermissionDenied {
                        denied += 1;
                    }
                    continue;
                }
            };
            for ent in rd {
                let Ok(ent) = ent else { continue };
                seen += 1;
                if seen > MAX_ENTRIES {
                    out.truncated = true;
                    note.warn(format!(
                        "the walk stopped after {MAX_ENTRIES} entries; lists are incomplete"
                    ));
                    break 'starts;
                }
                let Ok(m) = ent.metadata() else { continue };
                let name = ent.file_name();
                let vpath = format!("{vdir}/{}", name.to_string_lossy());
                let ft = m.file_type();
                if ft.is_symlink() {
                    // A symlink's own mode is always 0777 and meaningless; ownership still counts.
                } else if ft.is_dir() {
                    if m.mode() & 0o002 != 0 && m.mode() & 0o1000 == 0 {
                        push(
                            &mut out.world_writable_dirs,
                            vpath.clone(),
                            &mut out.truncated,
                        );
                    }
                    let deeper = max_depth.is_none_or(|d| depth < d);
                    if deeper && m.dev() == dev && visited_dirs.insert((m.dev(), m.ino())) {
                        stack.push((ent.path(), vpath.clone(), depth + 1));
                    }
                } else if m.mode() & 0o002 != 0 {
                    push(&mut out.world_writable, vpath.clone(), &mut out.truncated);
                }
                if check_owner && (!uids.contains(&m.uid()) || !gids.contains(&m.gid())) {
                    push(&mut out.ownerless, vpath, &mut out.truncated);
                }
            }
        }
    }
    if denied > 0 {
        note.warn(format!(
            "{denied} folders could not be read (permission denied); run as root for a full walk"
        ));
    }
    out.world_writable.sort();
    out.world_writable_dirs.sort();
    out.ownerless.sort();
    if out.truncated && seen <= MAX_ENTRIES {
        note.warn(format!(
            "more than {MAX_LISTED} unsafe files of one kind; lists cut"
        ));
    }
    ctx.inv.unsafe_files = out;
    ctx.record("unsafe-files", note);
}

fn push(list: &mut Vec<String>, p: String, truncated: &mut bool) {
    if list.len() < MAX_LISTED {
        list.push(p);
    } else {
        *truncated = true;
    }
}
