//! `firewall`: nftables, iptables-save files, ufw and firewalld, from their
//! configuration and the services that load it at boot. `active` means some
//! front-end is enabled with a drop/reject/deny inbound default or with
//! filtering rules.

use antoan_model::{Firewall, FirewallFrontend};

use crate::rootfs::RootFs;
use crate::util::strip_hash_comment;
use crate::{Ctx, Note};

/// Rules and the input-hook policy of an nftables ruleset text.
pub fn parse_nft(text: &str) -> (u32, String, Vec<String>) {
    let mut rules = 0u32;
    let mut policy = String::new();
    let mut includes = Vec::new();
    let mut depth = 0i32;
    let mut chain_depth: Option<i32> = None;
    let mut chain_is_input = false;
    for raw in text.lines() {
        let l = strip_hash_comment(raw).trim();
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix("include ") {
            includes.push(crate::util::unquote(rest.trim()).to_string());
            continue;
        }
        let opens = l.matches('{').count() as i32;
        let closes = l.matches('}').count() as i32;
        if l.starts_with("chain ") && opens > 0 {
            chain_depth = Some(depth + 1);
            chain_is_input = false;
        } else if let Some(cd) = chain_depth {
            if depth == cd {
                for stmt in l
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "}")
                {
                    if stmt.starts_with("type ") {
                        if stmt.contains("hook input") {
                            chain_is_input = true;
                        }
                    } else if let Some(p) = stmt.strip_prefix("policy ") {
                        if chain_is_input {
                            policy = p.trim().trim_end_matches(';').to_ascii_lowercase();
                        }
                    } else if !stmt.starts_with("comment ") {
                        rules += 1;
                    }
                }
            }
        }
        depth += opens - closes;
        if let Some(cd) = chain_depth {
            if depth < cd {
                chain_depth = None;
            }
        }
    }
    (rules, policy, includes)
}

/// Rules and the filter-table INPUT policy of an iptables-save file.
pub fn parse_iptables_save(text: &str) -> (u32, String) {
    let mut table = String::new();
    let mut rules = 0u32;
    let mut policy = String::new();
    for l in text.lines() {
        let l = l.trim();
        if let Some(t) = l.strip_prefix('*') {
            table = t.to_string();
        } else if table == "filter" {
            if let Some(rest) = l.strip_prefix(":INPUT ") {
                policy = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
            } else if l.starts_with("-A ") {
                rules += 1;
            }
        }
    }
    (rules, policy)
}

fn kv(text: &str) -> std::collections::BTreeMap<String, String> {
    crate::files::parse_kv(text).into_iter().collect()
}

fn read_nft(fs: &RootFs, path: &str, depth: usize, note: &mut Note) -> Option<(u32, String)> {
    let t = match fs.read_text_opt(path) {
        Ok(Some(t)) => t,
        Ok(None) => return None,
        Err(e) => {
            note.warn(e.to_string());
            return None;
        }
    };
    let (mut rules, mut policy, includes) = parse_nft(&t.text);
    if depth < 8 {
        for inc in includes {
            let pat = if inc.starts_with('/') {
                inc
            } else {
                format!("/etc/{inc}")
            };
            let files = if crate::util::has_glob(&pat) {
                fs.glob(&pat)
            } else {
                vec![pat]
            };
            for f in files {
                if let Some((r, p)) = read_nft(fs, &f, depth + 1, note) {
                    rules += r;
                    if policy.is_empty() {
                        policy = p;
                    }
                }
            }
        }
    }
    Some((rules, policy))
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut fw = Firewall::default();

    // nftables
    for path in ["/etc/nftables.conf", "/etc/sysconfig/nftables.conf"] {
        if let Some((rules, policy)) = read_nft(&fs, path, 0, &mut note) {
            fw.frontends.push(FirewallFrontend {
                name: "nftables".into(),
                enabled: ctx.service_enabled("nftables"),
                rules,
                default_input: policy,
                source: path.into(),
            });
            break;
        }
    }
    // iptables-save files
    for (path, services) in [
        (
            "/etc/iptables/rules.v4",
            &["netfilter-persistent", "iptables-persistent"][..],
        ),
        (
            "/etc/iptables/rules.v6",
            &["netfilter-persistent", "iptables-persistent"][..],
        ),
        ("/etc/sysconfig/iptables", &["iptables"][..]),
        ("/etc/sysconfig/ip6tables", &["ip6tables"][..]),
    ] {
        match fs.read_text_opt(path) {
            Ok(Some(t)) => {
                let (rules, policy) = parse_iptables_save(&t.text);
                fw.frontends.push(FirewallFrontend {
                    name: "iptables".into(),
                    enabled: services.iter().any(|s| ctx.service_enabled(s)),
                    rules,
                    default_input: policy,
                    source: path.into(),
                });
            }
            Ok(None) => {}
            Err(e) => note.warn(e.to_string()),
        }
    }
    // ufw
    if let Ok(Some(t)) = fs.read_text_opt("/etc/ufw/ufw.conf") {
        let conf = kv(&t.text);
        let enabled = conf
            .get("ENABLED")
            .map(|v| crate::util::unquote(v).eq_ignore_ascii_case("yes"))
            .unwrap_or(false);
        let mut policy = String::new();
        if let Ok(Some(d)) = fs.read_text_opt("/etc/default/ufw") {
            if let Some(p) = kv(&d.text).get("DEFAULT_INPUT_POLICY") {
                policy = crate::util::unquote(p).to_ascii_lowercase();
            }
        }
        let mut rules = 0;
        for f in ["/etc/ufw/user.rules", "/etc/ufw/user6.rules"] {
            if let Ok(Some(r)) = fs.read_text_opt(f) {
                rules += r
                    .text
                    .lines()
                    .filter(|l| {
                        l.starts_with("-A ufw-user-input") || l.starts_with("-A ufw6-user-input")
                    })
                    .count() as u32;
            }
        }
        fw.frontends.push(FirewallFrontend {
            name: "ufw".into(),
            enabled,
            rules,
            default_input: policy,
            source: "/etc/ufw/ufw.conf".into(),
        });
    }
    // firewalld
    let firewalld_conf = "/etc/firewalld/firewalld.conf";
    if ctx.has_package("firewalld") || fs.exists(firewalld_conf) {
        let mut zone = "public".to_string();
        if let Ok(Some(t)) = fs.read_text_opt(firewalld_conf) {
            if let Some(z) = kv(&t.text).get("DefaultZone") {
                zone = crate::util::unquote(z).to_string();
            }
        }
        let mut rules = 0u32;
        let mut target = String::new();
        for dir in ["/etc/firewalld/zones", "/usr/lib/firewalld/zones"] {
            if let Ok(Some(t)) = fs.read_text_opt(&format!("{dir}/{zone}.xml")) {
                rules = ["<service ", "<port ", "<rule", "<source ", "<forward-port "]
                    .iter()
                    .map(|e| t.text.matches(e).count() as u32)
                    .sum();
                if let Some(i) = t.text.find("target=\"") {
                    target = t.text[i + 8..]
                        .split('"')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                }
                break;
            }
        }
        let default_input = match (zone.as_str(), target.as_str()) {
            (_, "accept") | ("trusted", _) => "accept",
            (_, "drop") | ("drop", _) => "drop",
            _ => "reject",
        };
        fw.frontends.push(FirewallFrontend {
            name: "firewalld".into(),
            enabled: ctx.service_enabled("firewalld"),
            rules,
            default_input: default_input.into(),
            source: firewalld_conf.into(),
        });
    }
    fw.active = fw.frontends.iter().any(|f| {
        f.enabled && (matches!(f.default_input.as_str(), "drop" | "reject" | "deny") || f.rules > 0)
    });
    ctx.inv.firewall = fw;
    ctx.record("firewall", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nft() {
        let t = "#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n  chain input {\n    type filter hook input priority filter; policy drop;\n    ct state established,related accept\n    iif lo accept\n    tcp dport 22 accept # ssh\n  }\n  chain forward {\n    type filter hook forward priority filter; policy drop;\n  }\n  chain output {\n    type filter hook output priority filter; policy accept;\n  }\n}\n";
        let (rules, policy, _) = parse_nft(t);
        assert_eq!(rules, 3);
        assert_eq!(policy, "drop");
        let (rules, policy, _) = parse_nft(
            "table inet filter {\n chain input {\n  type filter hook input priority 0;\n }\n}\n",
        );
        assert_eq!((rules, policy.as_str()), (0, ""));
    }

    #[test]
    fn iptables() {
        let t = "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
        assert_eq!(parse_iptables_save(t), (2, "drop".to_string()));
    }
}
