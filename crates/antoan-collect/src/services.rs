//! `services`: systemd unit enablement computed from the filesystem (the
//! same on the live system and on a disk: no D-Bus), plus SysV init scripts
//! enabled by rc?.d `S` links.
//!
//! - masked: a unit in /etc/systemd/system or /run/systemd/system that is a
//!   symlink to /dev/null (or an empty file);
//! - enabled: a link to the unit in a `*.wants/` or `*.requires/` folder of
//!   /etc/systemd/system; an alias symlink (`sshd.service` → `ssh.service`)
//!   takes its target's state;
//! - static: the unit file has no `[Install]` section, or is pulled in by a
//!   vendor `*.wants/` folder;
//! - disabled: otherwise.
//!
//! Services are named without `.service`; sockets and timers keep their suffix.

use std::collections::{BTreeMap, BTreeSet};

use antoan_model::{Service, ServiceState};

use crate::{Ctx, Note};

/// Unit folders in systemd's precedence order.
pub const UNIT_DIRS: [&str; 5] = [
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

const KINDS: [&str; 3] = [".service", ".socket", ".timer"];

/// Display name of a unit file name: `ssh.service` → `ssh`, `x.socket` unchanged.
pub fn display_name(unit: &str) -> String {
    unit.strip_suffix(".service").unwrap_or(unit).to_string()
}

fn is_unit(name: &str) -> bool {
    KINDS.iter().any(|k| name.ends_with(k))
}

/// Whether a unit file's text has an `[Install]` section with something in it.
pub fn has_install_section(text: &str) -> bool {
    let mut in_install = false;
    for l in text.lines() {
        let l = l.trim();
        if l.starts_with('[') {
            in_install = l.eq_ignore_ascii_case("[install]");
            continue;
        }
        if in_install
            && ["WantedBy", "RequiredBy", "Also", "Alias", "UpheldBy"]
                .iter()
                .any(|k| l.starts_with(k))
        {
            return true;
        }
    }
    false
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    // unit file name → (path, is masked)
    let mut units: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut enabled: BTreeSet<String> = BTreeSet::new();
    let mut vendor_wanted: BTreeSet<String> = BTreeSet::new();
    let mut found_any = false;

    for (i, dir) in UNIT_DIRS.iter().enumerate() {
        let entries = match fs.read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                note.warn(e.to_string());
                continue;
            }
        };
        if !entries.is_empty() {
            found_any = true;
        }
        let admin_dir = i < 2;
        for e in entries {
            let ft = e.meta.file_type();
            if ft.is_dir() && (e.name.ends_with(".wants") || e.name.ends_with(".requires")) {
                if let Ok(links) = fs.read_dir(&e.path) {
                    for l in links {
                        if is_unit(&l.name) {
                            if admin_dir {
                                enabled.insert(l.name.clone());
                            } else {
                                vendor_wanted.insert(l.name.clone());
                            }
                        }
                    }
                }
                continue;
            }
            if !is_unit(&e.name) || units.contains_key(&e.name) {
                continue;
            }
            // Templates (`getty@.service`) only count through their instances.
            if e.name.contains("@.") {
                continue;
            }
            if ft.is_symlink() {
                let target = fs.read_link(&e.path).unwrap_or_default();
                let t = target.to_string_lossy();
                if t == "/dev/null" {
                    units.insert(e.name.clone(), (e.path.clone(), true));
                    continue;
                }
                let base = t.rsplit('/').next().unwrap_or("").to_string();
                if admin_dir && !base.is_empty() && base != e.name && is_unit(&base) {
                    aliases.insert(e.name.clone(), base);
                    continue;
                }
                if !fs.exists(&e.path) {
                    continue; // dangling
                }
            } else if admin_dir && ft.is_file() && e.meta.len() == 0 {
                units.insert(e.name.clone(), (e.path.clone(), true));
                continue;
            }
            units.insert(e.name.clone(), (e.path.clone(), false));
        }
    }

    let mut out: BTreeMap<String, Service> = BTreeMap::new();
    let state_of = |name: &str, path: &str, masked: bool| -> ServiceState {
        if masked {
            ServiceState::Masked
        } else if enabled.contains(name) {
            ServiceState::Enabled
        } else if vendor_wanted.contains(name) {
            ServiceState::Static
        } else {
            match fs.read_text(path) {
                Ok(t) if !has_install_section(&t.text) => ServiceState::Static,
                _ => ServiceState::Disabled,
            }
        }
    };
    for (name, (path, masked)) in &units {
        let state = state_of(name, path, *masked);
        out.insert(
            name.clone(),
            Service {
                name: display_name(name),
                state,
                unit_file: path.clone(),
            },
        );
    }
    // Enabled instances of templates (getty@tty1.service).
    for name in &enabled {
        if !out.contains_key(name) && name.contains('@') {
            let (prefix, rest) = name.split_once('@').unwrap_or((name, ""));
            let suffix = rest.rsplit_once('.').map(|(_, s)| s).unwrap_or("service");
            let template = format!("{prefix}@.{suffix}");
            let path = UNIT_DIRS
                .iter()
                .map(|d| format!("{d}/{template}"))
                .find(|p| fs.exists(p))
                .unwrap_or_default();
            out.insert(
                name.clone(),
                Service {
                    name: display_name(name),
                    state: ServiceState::Enabled,
                    unit_file: path,
                },
            );
        }
    }
    for (alias, target) in &aliases {
        if out.contains_key(alias) {
            continue;
        }
        if let Some(t) = out.get(target).cloned() {
            let state = if enabled.contains(alias) {
                ServiceState::Enabled
            } else {
                t.state
            };
            out.insert(
                alias.clone(),
                Service {
                    name: display_name(alias),
                    state,
                    unit_file: t.unit_file,
                },
            );
        }
    }

    // SysV: scripts with an S link in runlevels 2-5 and no native unit.
    for rcdir in [
        "/etc/rc2.d",
        "/etc/rc3.d",
        "/etc/rc4.d",
        "/etc/rc5.d",
        "/etc/rc.d/rc3.d",
        "/etc/rc.d/rc5.d",
    ] {
        let Ok(entries) = fs.read_dir(rcdir) else {
            continue;
        };
        for e in entries {
            let Some(rest) = e.name.strip_prefix('S') else {
                continue;
            };
            let script = rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .to_string();
            if script.is_empty() {
                continue;
            }
            found_any = true;
            let unit = format!("{script}.service");
            if out.contains_key(&unit) {
                continue;
            }
            let init = if rcdir.starts_with("/etc/rc.d") {
                "/etc/rc.d/init.d"
            } else {
                "/etc/init.d"
            };
            out.insert(
                unit,
                Service {
                    name: script.clone(),
                    state: ServiceState::Enabled,
                    unit_file: format!("{init}/{script}"),
                },
            );
        }
    }
    if !found_any {
        ctx.record(
            "services",
            Note::absent("no systemd unit folder and no /etc/rc?.d links found"),
        );
        return;
    }
    let mut list: Vec<Service> = out.into_values().collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list.dedup_by(|a, b| a.name == b.name);
    ctx.inv.services = list;
    ctx.record("services", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_section() {
        assert!(has_install_section(
            "[Unit]\nDescription=x\n[Install]\nWantedBy=multi-user.target\n"
        ));
        assert!(!has_install_section(
            "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n"
        ));
        assert!(!has_install_section("[Install]\n# nothing\n"));
    }

    #[test]
    fn names() {
        assert_eq!(display_name("ssh.service"), "ssh");
        assert_eq!(display_name("telnet.socket"), "telnet.socket");
    }
}
