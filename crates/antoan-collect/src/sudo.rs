//! `sudo`: members of the sudo/wheel/admin groups, and the user
//! specifications of /etc/sudoers and its includes.

use std::collections::{BTreeMap, BTreeSet};

use antoan_model::SudoRule;

use crate::rootfs::RootFs;
use crate::{Ctx, Note};

const ADMIN_GROUPS: [&str; 3] = ["sudo", "wheel", "admin"];
const MAX_DEPTH: usize = 8;

/// A user specification line of sudoers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    /// Users, `%group`s or aliases as written.
    pub principals: Vec<String>,
    pub nopasswd: bool,
    pub all_commands: bool,
    /// Line number in its file.
    pub line: usize,
}

/// What one sudoers file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sudoers {
    pub specs: Vec<UserSpec>,
    /// `User_Alias NAME = a, b`.
    pub user_aliases: BTreeMap<String, Vec<String>>,
    /// `Cmnd_Alias NAME = …` that contain `ALL`.
    pub all_cmnd_aliases: BTreeSet<String>,
    /// `#include` / `@include` (file) and `#includedir` / `@includedir` (dir), with line.
    pub includes: Vec<(String, bool, usize)>,
    /// `Defaults !authenticate` seen.
    pub no_authenticate: bool,
}

/// Joins backslash-continued lines, keeping the first line number.
pub fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        if cur.is_empty() {
            start = i + 1;
        }
        if let Some(l) = line.strip_suffix('\\') {
            cur.push_str(l);
            cur.push(' ');
        } else {
            cur.push_str(line);
            out.push((start, std::mem::take(&mut cur)));
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// Parses one sudoers file (without following includes).
pub fn parse_sudoers(text: &str) -> Sudoers {
    let mut s = Sudoers::default();
    for (n, line) in logical_lines(text) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        for (kw, dir) in [
            ("#includedir", true),
            ("@includedir", true),
            ("#include", false),
            ("@include", false),
        ] {
            if let Some(rest) = t.strip_prefix(kw) {
                if rest.starts_with(char::is_whitespace) {
                    s.includes
                        .push((crate::util::unquote(rest.trim()).to_string(), dir, n));
                }
            }
        }
        if t.starts_with('#') || t.starts_with('@') {
            continue;
        }
        let t = crate::util::strip_hash_comment(t).trim();
        let first = t.split_whitespace().next().unwrap_or("");
        if first.starts_with("Defaults") {
            if t.split(|c: char| c == ',' || c.is_whitespace())
                .any(|w| w == "!authenticate")
            {
                s.no_authenticate = true;
            }
            continue;
        }
        match first {
            "User_Alias" | "Cmnd_Alias" | "Cmd_Alias" | "Host_Alias" | "Runas_Alias" => {
                let body = t[first.len()..].trim();
                for def in body.split(':') {
                    let Some((name, members)) = def.split_once('=') else {
                        continue;
                    };
                    let name = name.trim().to_string();
                    let members: Vec<String> = members
                        .split(',')
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty())
                        .collect();
                    if first == "User_Alias" {
                        s.user_aliases.insert(name, members);
                    } else if first.starts_with("Cm") && members.iter().any(|m| m == "ALL") {
                        s.all_cmnd_aliases.insert(name);
                    }
                }
                continue;
            }
            _ => {}
        }
        // user_list host_list = [(runas)] [TAG:] cmnd_list [: host = …]
        let Some((left, right)) = t.split_once('=') else {
            continue;
        };
        let left = left.trim();
        let Some(split) = left.rfind(char::is_whitespace) else {
            continue;
        };
        let users = &left[..split];
        let principals: Vec<String> = users
            .split(',')
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
        if principals.is_empty() {
            continue;
        }
        let nopasswd = right.contains("NOPASSWD:");
        let mut all = false;
        for cmd in right.split(',') {
            let mut c = cmd.trim();
            // Strip a run-as list and tags.
            if c.starts_with('(') {
                c = c.split_once(')').map(|(_, r)| r.trim()).unwrap_or("");
            }
            while let Some((tag, rest)) = c.split_once(':') {
                if !tag.is_empty() && tag.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_') {
                    c = rest.trim();
                } else {
                    break;
                }
            }
            let word = c.split_whitespace().next().unwrap_or("");
            if word == "ALL" || s.all_cmnd_aliases.contains(word) {
                all = true;
            }
        }
        s.specs.push(UserSpec {
            principals,
            nopasswd,
            all_commands: all,
            line: n,
        });
    }
    s
}

/// A sudoers user spec with its file.
struct Located {
    file: String,
    spec: UserSpec,
}

#[derive(Default)]
struct Walk {
    specs: Vec<Located>,
    aliases: BTreeMap<String, Vec<String>>,
    no_authenticate: bool,
    seen: BTreeSet<String>,
}

fn walk(fs: &RootFs, path: &str, depth: usize, w: &mut Walk, note: &mut Note) {
    if depth > MAX_DEPTH {
        note.fail(format!(
            "{path}: includes nested more than {MAX_DEPTH} deep; not read"
        ));
        return;
    }
    if !w.seen.insert(path.to_string()) {
        return;
    }
    let t = match fs.read_text_opt(path) {
        Ok(Some(t)) => t,
        Ok(None) => return,
        Err(e) => {
            note.fail(e.to_string());
            return;
        }
    };
    let s = parse_sudoers(&t.text);
    w.no_authenticate |= s.no_authenticate;
    w.aliases.extend(s.user_aliases);
    for spec in s.specs {
        w.specs.push(Located {
            file: path.to_string(),
            spec,
        });
    }
    let dir = path
        .rsplit_once('/')
        .map(|(d, _)| if d.is_empty() { "/" } else { d })
        .unwrap_or("/");
    for (inc, is_dir, _line) in s.includes {
        let inc = inc.replace("%h", "");
        let p = if inc.starts_with('/') {
            inc
        } else {
            crate::rootfs::vjoin(dir, &inc)
        };
        if is_dir {
            match fs.read_dir(&p) {
                Ok(entries) => {
                    for e in entries {
                        // sudo skips names ending in `~` or containing a `.`.
                        if e.name.ends_with('~') || e.name.contains('.') {
                            continue;
                        }
                        walk(fs, &e.path, depth + 1, w, note);
                    }
                }
                Err(e) => note.fail(e.to_string()),
            }
        } else {
            walk(fs, &p, depth + 1, w, note);
        }
    }
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut w = Walk::default();
    let have_sudoers = fs.exists("/etc/sudoers");
    walk(&fs, "/etc/sudoers", 0, &mut w, &mut note);

    let mut rules: Vec<SudoRule> = Vec::new();
    // Expand aliases to their members; keep other principals as written.
    for l in &w.specs {
        let mut principals = Vec::new();
        for p in &l.spec.principals {
            let p = p.trim_start_matches('!');
            match w.aliases.get(p) {
                Some(members) => principals.extend(members.iter().cloned()),
                None => principals.push(p.to_string()),
            }
        }
        for p in principals {
            rules.push(SudoRule {
                principal: p,
                source: format!("{}:{}", l.file, l.spec.line),
                nopasswd: l.spec.nopasswd || w.no_authenticate,
                all_commands: l.spec.all_commands,
            });
        }
    }
    // Members of the administrative groups, with what the rules grant the group.
    let accounts = &ctx.inv.accounts;
    let mut any_group = false;
    for g in ctx
        .inv
        .groups
        .iter()
        .filter(|g| ADMIN_GROUPS.contains(&g.name.as_str()))
    {
        any_group = true;
        let key = format!("%{}", g.name);
        let grants: Vec<&SudoRule> = rules.iter().filter(|r| r.principal == key).collect();
        let nopasswd = grants.iter().any(|r| r.nopasswd);
        let all = grants.iter().any(|r| r.all_commands);
        let mut members: BTreeSet<String> = g.members.iter().cloned().collect();
        members.extend(
            accounts
                .iter()
                .filter(|a| a.gid == g.gid)
                .map(|a| a.name.clone()),
        );
        for m in members {
            rules.push(SudoRule {
                principal: m,
                source: format!("group:{}", g.name),
                nopasswd,
                all_commands: all,
            });
        }
    }
    rules.sort_by(|a, b| (&a.principal, &a.source).cmp(&(&b.principal, &b.source)));
    rules.dedup();
    ctx.inv.sudo = rules;
    if !have_sudoers && !any_group {
        ctx.record(
            "sudo",
            Note::absent("no /etc/sudoers and no sudo/wheel/admin group"),
        );
    } else {
        if !have_sudoers {
            note.warn("/etc/sudoers does not exist");
        }
        ctx.record("sudo", note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let s = parse_sudoers(
            "Defaults env_reset\n# comment\nroot ALL=(ALL:ALL) ALL\n%sudo   ALL=(ALL:ALL) ALL\nalice ALL=(ALL) NOPASSWD: ALL\nbob host1 = /usr/bin/apt, \\\n  /usr/bin/systemctl\nUser_Alias ADMINS = carol, dave\nCmnd_Alias EVERY = ALL\nADMINS ALL = (root) NOPASSWD:SETENV: EVERY\n@includedir /etc/sudoers.d\n#includedir /etc/sudoers.d\n",
        );
        assert_eq!(s.specs.len(), 5);
        assert!(s.specs[0].all_commands && !s.specs[0].nopasswd);
        assert!(s.specs[2].nopasswd && s.specs[2].all_commands);
        assert!(!s.specs[3].all_commands);
        assert_eq!(s.specs[3].line, 6);
        assert!(s.specs[4].nopasswd && s.specs[4].all_commands);
        assert_eq!(s.user_aliases["ADMINS"], vec!["carol", "dave"]);
        assert_eq!(s.includes.len(), 2);
    }

    #[test]
    fn garbage_does_not_panic() {
        for t in [
            "=",
            "a=",
            " = ALL",
            "(((",
            "\\",
            "x y = (ALL",
            "Defaults",
            "User_Alias",
            "a b = ) :",
        ] {
            let _ = parse_sudoers(t);
        }
    }
}
