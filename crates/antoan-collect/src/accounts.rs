//! `accounts`: /etc/passwd, /etc/shadow, /etc/group, /etc/login.defs.
//! The password hash is classified (state, scheme) and then dropped: it is
//! never stored.

use std::collections::BTreeMap;

use antoan_model::{Account, Group, PasswordState};

use crate::rootfs::line_has_control;
use crate::{Ctx, Note};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    /// The password field as classified (never the hash itself).
    pub field_state: PwField,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
    pub shell: String,
}

/// What the passwd password field says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PwField {
    /// `x`: see shadow.
    Shadowed,
    /// The field holds the state itself (empty, locked or a hash).
    Direct(PasswordState, String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShadowEntry {
    pub name: String,
    pub state: Option<PasswordState>,
    pub scheme: String,
    pub last_change: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub warn: Option<i64>,
    pub inactive: Option<i64>,
    pub expire: Option<i64>,
}

/// Parse result: entries plus skipped lines (line number, reason).
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub entries: Vec<T>,
    pub bad_lines: Vec<(usize, String)>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            entries: Vec::new(),
            bad_lines: Vec::new(),
        }
    }
}

/// Classifies a password hash field: state and scheme. Never keeps the hash.
pub fn classify_hash(field: &str) -> (PasswordState, String) {
    let f = field.trim();
    if f.is_empty() {
        return (PasswordState::Empty, String::new());
    }
    if f.starts_with('!') || f.starts_with('*') || f == "x" || f == "LK" || f == "NP" {
        return (PasswordState::Locked, String::new());
    }
    let scheme = if let Some(rest) = f.strip_prefix('$') {
        let id = rest.split('$').next().unwrap_or("");
        match id {
            "y" => "yescrypt",
            "gy" => "gost-yescrypt",
            "7" => "scrypt",
            "6" => "sha512crypt",
            "5" => "sha256crypt",
            "1" => "md5crypt",
            "2a" | "2b" | "2y" | "2x" => "bcrypt",
            "sha1" => "sha1crypt",
            "md5" => "sunmd5",
            _ => "unknown",
        }
    } else if f.len() == 13
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/')
    {
        "des"
    } else if f.len() == 20 && f.starts_with('_') {
        "bsdicrypt"
    } else {
        // Not a valid crypt string: no password can match it.
        return (PasswordState::Locked, String::new());
    };
    (PasswordState::Set, scheme.to_string())
}

fn opt_num(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        s.parse().ok()
    }
}

/// The records of a colon-separated account file (passwd, shadow, group)
/// with their 1-based line numbers. Blank lines, comments and NIS `+`/`-`
/// entries are skipped; a line holding control characters is an error.
fn colon_records(text: &str) -> impl Iterator<Item = (usize, Result<Vec<&str>, &'static str>)> {
    text.split('\n').enumerate().filter_map(|(i, line)| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with('+') || line.starts_with('-') {
            return None;
        }
        if line_has_control(line) {
            return Some((i + 1, Err("binary data")));
        }
        Some((i + 1, Ok(line.split(':').collect())))
    })
}

/// Parses /etc/passwd. NIS `+`/`-` lines and comments are ignored; malformed
/// or binary lines are skipped and listed.
pub fn parse_passwd(text: &str) -> Parsed<PasswdEntry> {
    let mut out = Parsed::default();
    for (n, fields) in colon_records(text) {
        let f = match fields {
            Ok(f) => f,
            Err(why) => {
                out.bad_lines.push((n, why.into()));
                continue;
            }
        };
        if f.len() != 7 {
            out.bad_lines
                .push((n, format!("{} fields instead of 7", f.len())));
            continue;
        }
        let (Ok(uid), Ok(gid)) = (f[2].trim().parse::<u32>(), f[3].trim().parse::<u32>()) else {
            out.bad_lines.push((n, "uid or gid is not a number".into()));
            continue;
        };
        if f[0].is_empty() {
            out.bad_lines.push((n, "empty user name".into()));
            continue;
        }
        let field_state = if f[1] == "x" {
            PwField::Shadowed
        } else {
            let (s, scheme) = classify_hash(f[1]);
            PwField::Direct(s, scheme)
        };
        out.entries.push(PasswdEntry {
            name: f[0].to_string(),
            field_state,
            uid,
            gid,
            home: f[5].to_string(),
            shell: f[6].trim().to_string(),
        });
    }
    out
}

/// Parses /etc/shadow.
pub fn parse_shadow(text: &str) -> Parsed<ShadowEntry> {
    let mut out = Parsed::default();
    for (n, fields) in colon_records(text) {
        let f = match fields {
            Ok(f) => f,
            Err(why) => {
                out.bad_lines.push((n, why.into()));
                continue;
            }
        };
        if f.len() < 2 || f[0].is_empty() {
            out.bad_lines.push((n, "not a shadow entry".into()));
            continue;
        }
        let (state, scheme) = classify_hash(f[1]);
        let g = |k: usize| f.get(k).and_then(|s| opt_num(s));
        out.entries.push(ShadowEntry {
            name: f[0].to_string(),
            state: Some(state),
            scheme,
            last_change: g(2),
            min: g(3),
            max: g(4),
            warn: g(5),
            inactive: g(6),
            expire: g(7),
        });
    }
    out
}

/// Parses /etc/group.
pub fn parse_group(text: &str) -> Parsed<Group> {
    let mut out = Parsed::default();
    for (n, fields) in colon_records(text) {
        let f = match fields {
            Ok(f) => f,
            Err(why) => {
                out.bad_lines.push((n, why.into()));
                continue;
            }
        };
        if f.len() != 4 || f[0].is_empty() {
            out.bad_lines
                .push((n, format!("{} fields instead of 4", f.len())));
            continue;
        }
        let Ok(gid) = f[2].trim().parse::<u32>() else {
            out.bad_lines.push((n, "gid is not a number".into()));
            continue;
        };
        let members = f[3]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        out.entries.push(Group {
            name: f[0].to_string(),
            gid,
            members,
        });
    }
    out
}

/// Parses login.defs-style `KEY value` lines (last one wins).
pub fn parse_login_defs(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let mut it = l.splitn(2, char::is_whitespace);
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            continue;
        };
        m.insert(k.to_string(), crate::util::unquote(v.trim()).to_string());
    }
    m
}

/// A shell that gives an interactive login.
pub fn is_interactive_shell(shell: &str) -> bool {
    let s = shell.trim();
    if s.is_empty() {
        // An empty shell field means /bin/sh.
        return true;
    }
    let base = s.rsplit('/').next().unwrap_or(s);
    !matches!(
        base,
        "nologin" | "false" | "sync" | "shutdown" | "halt" | "true" | "git-shell"
    )
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let passwd = match fs.read_text_opt("/etc/passwd") {
        Ok(Some(t)) => t,
        Ok(None) => {
            ctx.record("accounts", Note::absent("/etc/passwd does not exist"));
            return;
        }
        Err(e) => {
            ctx.record("accounts", Note::error(e.to_string()));
            return;
        }
    };
    if passwd.lossy {
        note.warn("/etc/passwd is not valid UTF-8; decoded lossily");
    }
    let pw = parse_passwd(&passwd.text);
    for (l, why) in &pw.bad_lines {
        note.fail(format!("/etc/passwd:{l}: {why}; line skipped"));
    }
    let shadow = match fs.read_text_opt("/etc/shadow") {
        Ok(Some(t)) => {
            let s = parse_shadow(&t.text);
            for (l, why) in &s.bad_lines {
                note.fail(format!("/etc/shadow:{l}: {why}; line skipped"));
            }
            s.entries
                .into_iter()
                .map(|e| (e.name.clone(), e))
                .collect::<BTreeMap<_, _>>()
        }
        Ok(None) => {
            note.warn("/etc/shadow does not exist; password states unknown");
            BTreeMap::new()
        }
        Err(e) => {
            note.warn(format!("{e}; password states unknown"));
            BTreeMap::new()
        }
    };
    let groups = match fs.read_text_opt("/etc/group") {
        Ok(Some(t)) => {
            let g = parse_group(&t.text);
            for (l, why) in &g.bad_lines {
                note.fail(format!("/etc/group:{l}: {why}; line skipped"));
            }
            g.entries
        }
        Ok(None) => {
            note.warn("/etc/group does not exist");
            Vec::new()
        }
        Err(e) => {
            note.fail(e.to_string());
            Vec::new()
        }
    };
    let defs = match fs.read_text_opt("/etc/login.defs") {
        Ok(Some(t)) => parse_login_defs(&t.text),
        _ => BTreeMap::new(),
    };
    let uid_min: u32 = defs
        .get("UID_MIN")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let uid_max: u32 = defs
        .get("UID_MAX")
        .and_then(|v| v.parse().ok())
        .unwrap_or(60000);

    let mut accounts = Vec::new();
    for e in pw.entries {
        let sh = shadow.get(&e.name);
        let (password, hash_scheme) = match (&e.field_state, sh) {
            (PwField::Direct(s, scheme), _) => (*s, scheme.clone()),
            (PwField::Shadowed, Some(s)) => {
                (s.state.unwrap_or(PasswordState::Unknown), s.scheme.clone())
            }
            (PwField::Shadowed, None) => (PasswordState::Unknown, String::new()),
        };
        let mut member_of: Vec<String> = groups
            .iter()
            .filter(|g| g.members.iter().any(|m| m == &e.name))
            .map(|g| g.name.clone())
            .collect();
        member_of.sort();
        member_of.dedup();
        accounts.push(Account {
            interactive: is_interactive_shell(&e.shell),
            system: e.uid < uid_min || e.uid > uid_max,
            name: e.name,
            uid: e.uid,
            gid: e.gid,
            home: e.home,
            shell: e.shell,
            password,
            hash_scheme,
            last_change_days: sh.and_then(|s| s.last_change),
            max_days: sh.and_then(|s| s.max),
            min_days: sh.and_then(|s| s.min),
            warn_days: sh.and_then(|s| s.warn),
            inactive_days: sh.and_then(|s| s.inactive),
            expire_days: sh.and_then(|s| s.expire),
            groups: member_of,
        });
    }
    ctx.inv.accounts = accounts;
    ctx.inv.groups = groups;
    ctx.record("accounts", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_schemes() {
        let salt = "abcdefgh";
        assert_eq!(
            classify_hash(&format!("$6${salt}$xyz")),
            (PasswordState::Set, "sha512crypt".into())
        );
        assert_eq!(classify_hash(&format!("$y$j9T${salt}$xyz")).1, "yescrypt");
        assert_eq!(
            classify_hash(&format!("$gy$j9T${salt}$xyz")).1,
            "gost-yescrypt"
        );
        assert_eq!(classify_hash(&format!("$1${salt}$xyz")).1, "md5crypt");
        assert_eq!(classify_hash(&format!("$2b$10${salt}")).1, "bcrypt");
        assert_eq!(classify_hash(&format!("$5${salt}$x")).1, "sha256crypt");
        assert_eq!(classify_hash("abcdefghijklm").1, "des");
        assert_eq!(classify_hash(""), (PasswordState::Empty, String::new()));
        assert_eq!(classify_hash("!").0, PasswordState::Locked);
        assert_eq!(classify_hash("!!").0, PasswordState::Locked);
        assert_eq!(classify_hash("*").0, PasswordState::Locked);
        assert_eq!(
            classify_hash(&format!("!$6${salt}$x")).0,
            PasswordState::Locked
        );
        assert_eq!(classify_hash("garbage!").0, PasswordState::Locked);
    }

    #[test]
    fn passwd_with_garbage() {
        let t = "root:x:0:0:root:/root:/bin/bash\n\u{0}\u{1}garbage\nbad:x:notnum:0::/:/bin/sh\nshort:x:1\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        let p = parse_passwd(t);
        assert_eq!(p.entries.len(), 2);
        assert_eq!(
            p.bad_lines.iter().map(|b| b.0).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
    }

    #[test]
    fn latin1_gecos_keeps_the_account() {
        // A uid 0 account must never be hidden because its comment is not UTF-8.
        let t = String::from_utf8_lossy(b"toor:x:0:0:Nguy\xe9n:/root:/bin/bash\n").into_owned();
        let p = parse_passwd(&t);
        assert_eq!(p.entries.len(), 1);
        assert_eq!(p.entries[0].uid, 0);
    }

    #[test]
    fn shadow_fields() {
        let s = parse_shadow("root:!:19700:0:99999:7:::\nalice::19000:1:90:7:30:20000:\n");
        assert_eq!(s.entries[0].state, Some(PasswordState::Locked));
        assert_eq!(s.entries[0].max, Some(99999));
        assert_eq!(s.entries[1].state, Some(PasswordState::Empty));
        assert_eq!(s.entries[1].inactive, Some(30));
        assert_eq!(s.entries[1].expire, Some(20000));
    }

    #[test]
    fn shells() {
        assert!(is_interactive_shell("/bin/bash"));
        assert!(!is_interactive_shell("/usr/sbin/nologin"));
        assert!(!is_interactive_shell("/bin/false"));
        assert!(!is_interactive_shell("/bin/sync"));
        assert!(is_interactive_shell(""));
    }

    #[test]
    fn groups() {
        let g = parse_group("sudo:x:27:alice,bob\nbad\n");
        assert_eq!(g.entries[0].members, vec!["alice", "bob"]);
        assert_eq!(g.bad_lines.len(), 1);
    }
}
