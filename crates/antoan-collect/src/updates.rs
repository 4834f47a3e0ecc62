//! `updates`: automatic security updates (unattended-upgrades, dnf-automatic,
//! yum-cron): installed, configured to install, and scheduled.

use std::collections::BTreeMap;

use antoan_model::AutoUpdates;

use crate::{Ctx, Note};

/// Reads apt.conf text into `Scope::Name` → values. Handles the flat form
/// (`APT::Periodic::Unattended-Upgrade "1";`), nested scopes
/// (`APT { Periodic { … }; };`) and lists (`Origins-Pattern { "…"; };`).
pub fn parse_apt_conf(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Tokenise: strings, words, braces, semicolons; comments removed.
    let mut tokens: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::from("\"");
                for d in chars.by_ref() {
                    if d == '"' {
                        break;
                    }
                    s.push(d);
                }
                tokens.push(s);
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '{' | '}' | ';' => tokens.push(c.to_string()),
            c if c.is_whitespace() => {}
            c => {
                let mut s = String::from(c);
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '{' | '}' | ';' | '"') {
                        break;
                    }
                    s.push(d);
                    chars.next();
                }
                tokens.push(s);
            }
        }
    }
    let mut scope: Vec<String> = Vec::new();
    let mut pending_key: Option<String> = None;
    for t in tokens {
        match t.as_str() {
            "{" => {
                scope.push(pending_key.take().unwrap_or_default());
                if scope.len() > 64 {
                    break;
                }
            }
            "}" => {
                scope.pop();
                pending_key = None;
            }
            ";" => pending_key = None,
            s if s.starts_with('"') => {
                let val = s[1..].to_string();
                let key = match pending_key.take() {
                    Some(k) => join(&scope, &k),
                    None => scope
                        .iter()
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("::"),
                };
                out.entry(key).or_default().push(val);
            }
            s => pending_key = Some(s.to_string()),
        }
    }
    out
}

fn join(scope: &[String], key: &str) -> String {
    let mut parts: Vec<&str> = scope
        .iter()
        .filter(|s| !s.is_empty())
        .map(String::as_str)
        .collect();
    parts.push(key);
    parts.join("::")
}

fn truthy(v: &str) -> bool {
    let v = v.trim().to_ascii_lowercase();
    matches!(v.as_str(), "yes" | "true" | "on" | "1")
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut u = AutoUpdates::default();

    if ctx.has_package("unattended-upgrades")
        || fs.exists("/etc/apt/apt.conf.d/50unattended-upgrades")
    {
        let mut conf: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut periodic_src = String::new();
        let mut files: Vec<String> = Vec::new();
        if fs.is_file("/etc/apt/apt.conf") {
            files.push("/etc/apt/apt.conf".into());
        }
        match fs.read_dir("/etc/apt/apt.conf.d") {
            Ok(entries) => files.extend(
                entries
                    .into_iter()
                    .filter(|e| !e.name.ends_with('~') && !e.name.starts_with('.'))
                    .map(|e| e.path),
            ),
            Err(e) => note.warn(e.to_string()),
        }
        for f in &files {
            if let Ok(Some(t)) = fs.read_text_opt(f) {
                for (k, v) in parse_apt_conf(&t.text) {
                    // Later files override single values; lists accumulate.
                    if k == "APT::Periodic::Unattended-Upgrade" {
                        periodic_src = f.clone();
                        conf.insert(k, v);
                    } else {
                        conf.entry(k).or_default().extend(v);
                    }
                }
            }
        }
        let periodic = conf
            .get("APT::Periodic::Unattended-Upgrade")
            .and_then(|v| v.last())
            .map(|v| v.trim() != "0" && !v.trim().is_empty() && v.trim() != "false")
            .unwrap_or(false);
        let security = [
            "Unattended-Upgrade::Origins-Pattern",
            "Unattended-Upgrade::Allowed-Origins",
        ]
        .iter()
        .filter_map(|k| conf.get(*k))
        .flatten()
        .any(|o| o.to_ascii_lowercase().contains("security"));
        u.mechanism = "unattended-upgrades".into();
        u.enabled = ctx.has_package("unattended-upgrades") && periodic && security;
        u.source = if periodic_src.is_empty() {
            "/etc/apt/apt.conf.d".into()
        } else {
            periodic_src
        };
    }
    if u.mechanism.is_empty()
        && (ctx.has_package("dnf-automatic") || ctx.has_package("dnf5-plugin-automatic"))
    {
        let path = "/etc/dnf/automatic.conf";
        let apply = match fs.read_text_opt(path) {
            Ok(Some(t)) => crate::files::parse_kv(&t.text)
                .into_iter()
                .rfind(|(k, _)| k == "apply_updates")
                .map(|(_, v)| truthy(&v))
                .unwrap_or(false),
            Ok(None) => false,
            Err(e) => {
                note.warn(e.to_string());
                false
            }
        };
        let timer = ctx.service_enabled("dnf-automatic.timer");
        let install_timer = ctx.service_enabled("dnf-automatic-install.timer");
        u.mechanism = "dnf-automatic".into();
        u.enabled = (apply && timer) || install_timer;
        u.source = path.into();
    }
    if u.mechanism.is_empty() && ctx.has_package("yum-cron") {
        let path = "/etc/yum/yum-cron.conf";
        let apply = match fs.read_text_opt(path) {
            Ok(Some(t)) => crate::files::parse_kv(&t.text)
                .into_iter()
                .rfind(|(k, _)| k == "apply_updates")
                .map(|(_, v)| truthy(&v))
                .unwrap_or(false),
            _ => false,
        };
        u.mechanism = "yum-cron".into();
        u.enabled = apply && ctx.service_enabled("yum-cron");
        u.source = path.into();
    }
    ctx.inv.updates = u;
    ctx.record("updates", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apt_conf_forms() {
        let t = "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n// comment\nUnattended-Upgrade::Origins-Pattern {\n  \"origin=Debian,codename=${distro_codename},label=Debian-Security\";\n  // \"o=Debian,a=proposed\";\n};\nAPT {\n  Periodic {\n    AutocleanInterval \"7\";\n  };\n};\nUnattended-Upgrade::Allowed-Origins {\n\t\"${distro_id}:${distro_codename}-security\";\n};\n";
        let c = parse_apt_conf(t);
        assert_eq!(c["APT::Periodic::Unattended-Upgrade"], vec!["1"]);
        assert_eq!(c["APT::Periodic::AutocleanInterval"], vec!["7"]);
        assert_eq!(c["Unattended-Upgrade::Origins-Pattern"].len(), 1);
        assert!(c["Unattended-Upgrade::Allowed-Origins"][0].ends_with("-security"));
        let _ = parse_apt_conf("{{{{\"");
        let _ = parse_apt_conf("}}};;\"x");
    }
}
