//! `files`: metadata of the paths a policy asked for (lstat: a symlink is
//! reported as a symlink, never followed out of the root).
//!
//! `config`: key-value files a policy asked for. The format accepted covers
//! login.defs, pwquality.conf, journald.conf, sshd-style and ini files:
//! - blank lines and lines starting with `#` or `;` are skipped, and a
//!   trailing ` #…` comment is removed;
//! - `[section]` headers are ignored (keys of every section share one map);
//! - `key = value`, `key=value` and `key value` (whitespace-separated) are
//!   accepted; surrounding quotes of the value are removed;
//! - keys are kept as written (case preserved); the last occurrence wins;
//! - a file that does not exist is simply not in the map.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

use antoan_model::FileMeta;

use crate::{Ctx, Note};

/// Parses a key-value config text (see the module doc). Returns pairs in file order.
pub fn parse_kv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') || l.starts_with('[') {
            continue;
        }
        let l = match l.find(" #").or_else(|| l.find("\t#")) {
            Some(i) if !l[..i].contains('"') => l[..i].trim_end(),
            _ => l,
        };
        // Shell profile files: `export TMOUT=900`, `readonly TMOUT=900`,
        // `declare -r TMOUT=900` set the variable itself.
        let l = strip_shell_prefix(l);
        let eq = l.find('=');
        let ws = l.find(char::is_whitespace);
        let (k, v) = match (eq, ws) {
            (Some(e), Some(w)) if w < e && !l[w..e].trim().is_empty() => (&l[..w], &l[w..]),
            (Some(e), _) => (&l[..e], &l[e + 1..]),
            (None, Some(w)) => (&l[..w], &l[w..]),
            (None, None) => (l, ""),
        };
        let k = k.trim();
        if k.is_empty() {
            continue;
        }
        out.push((k.to_string(), crate::util::unquote(v.trim()).to_string()));
    }
    out
}

/// Drops the shell keywords that may stand before an assignment in a
/// profile script, so `readonly TMOUT=900` reads as `TMOUT = 900`. Only
/// when an assignment follows: `export PATH` alone is left as it is.
fn strip_shell_prefix(l: &str) -> &str {
    let mut rest = l;
    loop {
        let mut words = rest.splitn(2, char::is_whitespace);
        let (first, tail) = (words.next().unwrap_or(""), words.next().unwrap_or("").trim_start());
        let is_keyword = matches!(first, "export" | "readonly" | "declare" | "typeset" | "local")
            || (first.starts_with('-') && rest.len() != l.len());
        if !is_keyword || tail.is_empty() || !tail.contains('=') {
            return rest;
        }
        rest = tail;
    }
}

pub fn file_type_name(ft: std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "dir"
    } else if ft.is_file() {
        "file"
    } else {
        "other"
    }
}

pub(crate) fn collect_files(ctx: &mut Ctx) {
    let mut note = Note::ok();
    for path in &ctx.request.files {
        let vpath = if path.starts_with('/') {
            path.clone()
        } else {
            format!("/{path}")
        };
        let meta = match ctx.fs.lstat(&vpath) {
            Ok(Some(m)) => FileMeta {
                exists: true,
                file_type: file_type_name(m.file_type()).to_string(),
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
            },
            Ok(None) => FileMeta {
                exists: false,
                file_type: String::new(),
                mode: 0,
                uid: 0,
                gid: 0,
            },
            Err(e) => {
                note.fail(e.to_string());
                continue;
            }
        };
        ctx.inv.files.insert(vpath, meta);
    }
    ctx.record("files", note);
}

pub(crate) fn collect_config(ctx: &mut Ctx) {
    let mut note = Note::ok();
    for path in &ctx.request.config_files {
        let vpath = if path.starts_with('/') {
            path.clone()
        } else {
            format!("/{path}")
        };
        match ctx.fs.read_text_opt(&vpath) {
            Ok(Some(t)) => {
                if t.binary {
                    note.fail(format!("{vpath} holds binary data; not parsed"));
                    continue;
                }
                if t.lossy {
                    note.warn(format!("{vpath} is not valid UTF-8; decoded lossily"));
                }
                let map: BTreeMap<String, String> = parse_kv(&t.text).into_iter().collect();
                ctx.inv.config.insert(vpath, map);
            }
            Ok(None) => {}
            Err(e) => note.fail(e.to_string()),
        }
    }
    ctx.record("config", note);
}

#[cfg(test)]
mod tests {

    #[test]
    fn shell_assignments_in_profile_scripts() {
        let kv = parse_kv("readonly TMOUT=900\nexport HISTSIZE=1000\ndeclare -r -x UMASK=027\nexport PATH\nTMOUT2 = 5\n");
        assert!(kv.contains(&("TMOUT".to_string(), "900".to_string())), "{kv:?}");
        assert!(kv.contains(&("HISTSIZE".to_string(), "1000".to_string())));
        assert!(kv.contains(&("UMASK".to_string(), "027".to_string())));
        assert!(kv.contains(&("export".to_string(), "PATH".to_string())), "no assignment: left as written");
        assert!(kv.contains(&("TMOUT2".to_string(), "5".to_string())));
    }

    use super::*;

    #[test]
    fn kv_forms() {
        let t = "# login.defs\nPASS_MAX_DAYS\t90\nUMASK           027\n[section]\nminlen = 14\n; ini comment\nStorage=persistent\nquoted = \"a b\"\nx = 1 # trailing\nENCRYPT_METHOD SHA512\nflag\nPASS_MAX_DAYS 60\nk=v=w\n";
        let m: BTreeMap<_, _> = parse_kv(t).into_iter().collect();
        assert_eq!(m["PASS_MAX_DAYS"], "60");
        assert_eq!(m["UMASK"], "027");
        assert_eq!(m["minlen"], "14");
        assert_eq!(m["Storage"], "persistent");
        assert_eq!(m["quoted"], "a b");
        assert_eq!(m["x"], "1");
        assert_eq!(m["ENCRYPT_METHOD"], "SHA512");
        assert_eq!(m["flag"], "");
        assert_eq!(m["k"], "v=w");
    }
}
