//! `sshd`: the effective settings of /etc/ssh/sshd_config outside any Match
//! block, the way sshd reads them:
//! - keywords are case-insensitive (stored lower-case);
//! - for most keywords the first value seen wins; a few accumulate
//!   (`allowusers`, `port`, `hostkey` …);
//! - `Include` (globs, relative to /etc/ssh) is read in place, at most 16
//!   deep; a file that includes itself (directly or not) is a loop, reported;
//! - a `Match` line ends the Match-free part of the file it is in; reading
//!   goes on in the file that included it;
//! - defaults are filled in for the common keywords.

use std::collections::{BTreeMap, BTreeSet};

use antoan_model::SshdConfig;

use crate::rootfs::RootFs;
use crate::util::{glob_match, has_glob, split_args, strip_hash_comment};
use crate::{Ctx, Note};

pub const MAIN: &str = "/etc/ssh/sshd_config";
const MAX_DEPTH: usize = 16;

/// Keywords whose values add up across lines instead of first-wins.
const ACCUMULATE: [&str; 11] = [
    "allowusers",
    "denyusers",
    "allowgroups",
    "denygroups",
    "acceptenv",
    "hostkey",
    "listenaddress",
    "port",
    "setenv",
    "hostcertificate",
    "subsystem",
];

/// Keywords with comma-separated algorithm lists (split, `+ - ^` applied).
const ALGO_LISTS: [&str; 7] = [
    "ciphers",
    "macs",
    "kexalgorithms",
    "hostkeyalgorithms",
    "pubkeyacceptedkeytypes",
    "pubkeyacceptedalgorithms",
    "casignaturealgorithms",
];

/// Keywords whose values are case-insensitive words (lower-cased).
const LOWER_VALUES: [&str; 30] = [
    "permitrootlogin",
    "passwordauthentication",
    "permitemptypasswords",
    "x11forwarding",
    "pubkeyauthentication",
    "hostbasedauthentication",
    "ignorerhosts",
    "permituserenvironment",
    "usepam",
    "allowtcpforwarding",
    "allowagentforwarding",
    "allowstreamlocalforwarding",
    "kbdinteractiveauthentication",
    "challengeresponseauthentication",
    "gssapiauthentication",
    "kerberosauthentication",
    "usedns",
    "compression",
    "tcpkeepalive",
    "strictmodes",
    "printmotd",
    "printlastlog",
    "permittunnel",
    "gatewayports",
    "disableforwarding",
    "x11uselocalhost",
    "ignoreuserknownhosts",
    "addressfamily",
    "fingerprinthash",
    "protocol",
];

pub const DEFAULT_CIPHERS: &str =
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
pub const DEFAULT_MACS: &str = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
pub const DEFAULT_KEX: &str = "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";

/// Defaults of OpenSSH's sshd for the keywords the checks use.
pub fn defaults() -> Vec<(&'static str, &'static str)> {
    vec![
        ("permitrootlogin", "prohibit-password"),
        ("passwordauthentication", "yes"),
        ("permitemptypasswords", "no"),
        ("x11forwarding", "no"),
        ("maxauthtries", "6"),
        ("pubkeyauthentication", "yes"),
        ("protocol", "2"),
        ("logingracetime", "120"),
        ("clientaliveinterval", "0"),
        ("clientalivecountmax", "3"),
        ("allowtcpforwarding", "yes"),
        ("allowagentforwarding", "yes"),
        ("usepam", "no"),
        ("hostbasedauthentication", "no"),
        ("ignorerhosts", "yes"),
        ("permituserenvironment", "no"),
        ("loglevel", "INFO"),
        ("maxsessions", "10"),
        ("maxstartups", "10:30:100"),
        ("kbdinteractiveauthentication", "yes"),
        ("gssapiauthentication", "no"),
        ("kerberosauthentication", "no"),
        ("permittunnel", "no"),
        ("gatewayports", "no"),
        ("strictmodes", "yes"),
        ("usedns", "no"),
        ("port", "22"),
        ("banner", "none"),
        ("syslogfacility", "AUTH"),
        ("ciphers", DEFAULT_CIPHERS),
        ("macs", DEFAULT_MACS),
        ("kexalgorithms", DEFAULT_KEX),
    ]
}

/// One `keyword args` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub line: usize,
    /// Lower-case keyword.
    pub keyword: String,
    pub args: Vec<String>,
}

/// Splits a config text into directives (comments and blank lines dropped,
/// `keyword=value` accepted as sshd does).
pub fn parse_lines(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let l = strip_hash_comment(raw).trim();
        if l.is_empty() {
            continue;
        }
        let (kw, rest) = match l.find(|c: char| c.is_whitespace() || c == '=') {
            Some(p) => (
                &l[..p],
                l[p..]
                    .trim_start_matches(|c: char| c.is_whitespace())
                    .trim_start_matches('='),
            ),
            None => (l, ""),
        };
        if kw.is_empty() {
            continue;
        }
        out.push(Directive {
            line: i + 1,
            keyword: kw.to_ascii_lowercase(),
            args: split_args(rest),
        });
    }
    out
}

/// Where config text comes from: the root, or memory (tests, fuzzing).
pub trait ConfigSource {
    /// `Ok(None)` when absent.
    fn read(&self, path: &str) -> Result<Option<String>, String>;
    /// Paths matching a glob, sorted.
    fn glob(&self, pattern: &str) -> Vec<String>;
}

impl ConfigSource for RootFs {
    fn read(&self, path: &str) -> Result<Option<String>, String> {
        self.read_text_opt(path)
            .map(|o| o.map(|t| t.text))
            .map_err(|e| e.to_string())
    }
    fn glob(&self, pattern: &str) -> Vec<String> {
        RootFs::glob(self, pattern)
    }
}

impl ConfigSource for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<Option<String>, String> {
        Ok(self.get(path).cloned())
    }
    fn glob(&self, pattern: &str) -> Vec<String> {
        let pc: Vec<&str> = pattern.split('/').collect();
        self.keys()
            .filter(|k| {
                let kc: Vec<&str> = k.split('/').collect();
                kc.len() == pc.len() && pc.iter().zip(&kc).all(|(p, k)| glob_match(p, k))
            })
            .cloned()
            .collect()
    }
}

/// Effective settings plus problems met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effective {
    pub settings: BTreeMap<String, Vec<String>>,
    pub origins: BTreeMap<String, String>,
    /// Problems (`file:line: reason`); a loop or unreadable include makes the result incomplete.
    pub problems: Vec<String>,
    /// Files read.
    pub files: Vec<String>,
}

struct Reader<'a> {
    src: &'a dyn ConfigSource,
    eff: Effective,
    stack: Vec<String>,
    budget: usize,
}

impl Reader<'_> {
    fn file(&mut self, path: &str, depth: usize) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let text = match self.src.read(path) {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => {
                self.eff.problems.push(e);
                return;
            }
        };
        self.eff.files.push(path.to_string());
        self.stack.push(path.to_string());
        for d in parse_lines(&text) {
            let at = format!("{path}:{}", d.line);
            match d.keyword.as_str() {
                "match" => break,
                "include" => {
                    if depth + 1 > MAX_DEPTH {
                        self.eff.problems.push(format!(
                            "{at}: Include nested more than {MAX_DEPTH} deep; not followed"
                        ));
                        continue;
                    }
                    for arg in &d.args {
                        let pat = if arg.starts_with('/') {
                            arg.clone()
                        } else {
                            format!("/etc/ssh/{arg}")
                        };
                        let files = if has_glob(&pat) {
                            self.src.glob(&pat)
                        } else {
                            vec![pat.clone()]
                        };
                        for f in files {
                            if self.stack.contains(&f) {
                                self.eff
                                    .problems
                                    .push(format!("{at}: Include loop: {f} includes itself"));
                                continue;
                            }
                            self.file(&f, depth + 1);
                        }
                    }
                }
                kw => self.set(kw, d.args, at),
            }
        }
        self.stack.pop();
    }

    fn set(&mut self, kw: &str, args: Vec<String>, at: String) {
        let lower = LOWER_VALUES.contains(&kw);
        let args: Vec<String> = if lower {
            args.into_iter().map(|a| a.to_ascii_lowercase()).collect()
        } else {
            args
        };
        if ACCUMULATE.contains(&kw) {
            if kw == "subsystem" {
                // First definition of a subsystem name wins.
                let name = args.first().cloned().unwrap_or_default();
                let e = self.eff.settings.entry(kw.to_string()).or_default();
                if e.iter()
                    .any(|v| v.split_whitespace().next() == Some(name.as_str()))
                {
                    return;
                }
                e.push(args.join(" "));
            } else {
                self.eff
                    .settings
                    .entry(kw.to_string())
                    .or_default()
                    .extend(args);
            }
            self.eff.origins.entry(kw.to_string()).or_insert(at);
            return;
        }
        if self.eff.settings.contains_key(kw) {
            return;
        }
        self.eff.settings.insert(kw.to_string(), args);
        self.eff.origins.insert(kw.to_string(), at);
    }
}

/// Applies an algorithm list value (`+add`, `-remove`, `^prepend`, or a
/// replacement) to the default list.
pub fn apply_algo_list(default: &str, value: &str) -> Vec<String> {
    let d: Vec<String> = default.split(',').map(String::from).collect();
    if let Some(add) = value.strip_prefix('+') {
        let mut out = d;
        for a in add.split(',').filter(|s| !s.is_empty()) {
            if !out.iter().any(|x| x == a) {
                out.push(a.to_string());
            }
        }
        out
    } else if let Some(rm) = value.strip_prefix('-') {
        let pats: Vec<&str> = rm.split(',').collect();
        d.into_iter()
            .filter(|x| !pats.iter().any(|p| glob_match(p, x)))
            .collect()
    } else if let Some(pre) = value.strip_prefix('^') {
        let mut out: Vec<String> = pre
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        out.extend(d.into_iter().filter(|x| !pre.split(',').any(|p| p == x)));
        out
    } else {
        value
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}

/// Reads the effective Match-free settings starting at `main`.
pub fn effective(src: &dyn ConfigSource, main: &str) -> Effective {
    let mut r = Reader {
        src,
        eff: Effective::default(),
        stack: Vec::new(),
        budget: 256,
    };
    r.file(main, 0);
    if r.budget == 0 {
        r.eff.problems.push(format!(
            "{main}: more than 256 files included; the rest not read"
        ));
    }
    let mut eff = r.eff;
    for (kw, def) in defaults() {
        let algo = ALGO_LISTS.contains(&kw);
        match eff.settings.get(kw).cloned() {
            Some(v) if algo => {
                let joined = v.first().cloned().unwrap_or_default();
                eff.settings
                    .insert(kw.to_string(), apply_algo_list(def, &joined));
            }
            Some(_) => {}
            None => {
                let v = if algo {
                    def.split(',').map(String::from).collect()
                } else {
                    vec![def.to_string()]
                };
                eff.settings.insert(kw.to_string(), v);
            }
        }
    }
    for kw in ALGO_LISTS {
        if let Some(v) = eff.settings.get(kw).cloned() {
            if v.len() == 1 && v[0].contains(',') {
                eff.settings
                    .insert(kw.to_string(), apply_algo_list("", &v[0]));
            }
        }
    }
    eff
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let installed = ctx.has_package("openssh-server")
        || fs.is_file("/usr/sbin/sshd")
        || fs.is_file("/usr/bin/sshd");
    let config_exists = fs.exists(MAIN);
    if !installed && !config_exists {
        ctx.record(
            "sshd",
            Note::absent(
                "no sshd (openssh-server package, /usr/sbin/sshd) and no /etc/ssh/sshd_config",
            ),
        );
        return;
    }
    let mut note = Note::ok();
    if let Err(e) = fs.read_text(MAIN) {
        if !e.is_not_found() {
            ctx.record("sshd", Note::error(e.to_string()));
            return;
        }
        note.warn(format!("{MAIN} does not exist; sshd defaults assumed"));
    }
    let eff = effective(&fs, MAIN);
    for p in &eff.problems {
        note.fail(p.clone());
    }
    ctx.inv.ssh = Some(SshdConfig {
        settings: eff.settings,
        origins: eff.origins,
        installed,
    });
    ctx.record("sshd", note);
}

/// Files that the sshd reader would open (for `BTreeSet`-based callers).
pub fn files_read(src: &dyn ConfigSource) -> BTreeSet<String> {
    effective(src, MAIN).files.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn first_value_wins_with_includes() {
        let m = mem(&[
            (MAIN, "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nPasswordAuthentication yes\nAllowUsers a b\nAllowUsers c\nMatch User x\nPermitRootLogin no\n"),
            ("/etc/ssh/sshd_config.d/10-hard.conf", "passwordauthentication NO\nCiphers aes256-gcm@openssh.com,aes128-ctr\n"),
            ("/etc/ssh/sshd_config.d/20-x.conf", "PasswordAuthentication yes\nMACs -hmac-sha1*,umac-64*\n"),
        ]);
        let e = effective(&m, MAIN);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.settings["passwordauthentication"], vec!["no"]);
        assert_eq!(
            e.origins["passwordauthentication"],
            "/etc/ssh/sshd_config.d/10-hard.conf:1"
        );
        assert_eq!(e.settings["permitrootlogin"], vec!["yes"]);
        assert_eq!(e.origins["permitrootlogin"], "/etc/ssh/sshd_config:2");
        assert_eq!(e.settings["allowusers"], vec!["a", "b", "c"]);
        assert_eq!(
            e.settings["ciphers"],
            vec!["aes256-gcm@openssh.com", "aes128-ctr"]
        );
        assert!(!e.settings["macs"]
            .iter()
            .any(|m| m.starts_with("hmac-sha1") || m.starts_with("umac-64")));
        assert_eq!(e.settings["maxauthtries"], vec!["6"]);
        assert!(!e.origins.contains_key("maxauthtries"));
    }

    #[test]
    fn include_loop_is_reported() {
        let m = mem(&[
            (MAIN, "Include sshd_config\nPort 2222\n"),
            ("/etc/ssh/a", "Include /etc/ssh/b\n"),
            ("/etc/ssh/b", "Include a\n"),
        ]);
        let e = effective(&m, MAIN);
        assert!(
            e.problems.iter().any(|p| p.contains("loop")),
            "{:?}",
            e.problems
        );
        assert_eq!(e.settings["port"], vec!["2222"]);
        let m2 = mem(&[
            (MAIN, "Include a\n"),
            ("/etc/ssh/a", "Include /etc/ssh/b\n"),
            ("/etc/ssh/b", "Include a\n"),
        ]);
        let e = effective(&m2, MAIN);
        assert!(e.problems.iter().any(|p| p.contains("loop")));
    }

    #[test]
    fn equals_syntax_and_quotes() {
        let d = parse_lines("PermitRootLogin=no\nBanner \"/etc/issue net\"\n  # c\nX\n");
        assert_eq!(d[0].keyword, "permitrootlogin");
        assert_eq!(d[0].args, vec!["no"]);
        assert_eq!(d[1].args, vec!["/etc/issue net"]);
        assert_eq!(d[2].args, Vec::<String>::new());
    }

    #[test]
    fn algo_lists() {
        assert_eq!(apply_algo_list("a,b", "+c,a"), vec!["a", "b", "c"]);
        assert_eq!(apply_algo_list("a,b,c", "^c"), vec!["c", "a", "b"]);
        assert_eq!(apply_algo_list("a,b", "x"), vec!["x"]);
    }
}
