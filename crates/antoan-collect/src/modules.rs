//! `kernel-modules`: modules disabled in modprobe.d (`install X /bin/true`
//! or `/bin/false`, `blacklist X`) and, live, the modules loaded now.
//! Names use underscores, as the kernel does (`usb-storage` → `usb_storage`).

use std::collections::{BTreeMap, BTreeSet};

use crate::{Ctx, Note};

const DIRS: [&str; 5] = [
    "/etc/modprobe.d",
    "/run/modprobe.d",
    "/usr/local/lib/modprobe.d",
    "/usr/lib/modprobe.d",
    "/lib/modprobe.d",
];

pub fn normalise_module(name: &str) -> String {
    name.replace('-', "_")
}

/// Modules a modprobe.d text disables.
pub fn parse_modprobe(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, line) in crate::sudo::logical_lines(text) {
        let l = line.split('#').next().unwrap_or("").trim();
        let w: Vec<&str> = l.split_whitespace().collect();
        match w.as_slice() {
            ["blacklist", m, ..] => out.push(normalise_module(m)),
            ["install", m, cmd @ ..] if !cmd.is_empty() => {
                let c = cmd.join(" ");
                let first = c.split([';', '|', '&']).next().unwrap_or("").trim();
                let prog = first.split_whitespace().next().unwrap_or("");
                if matches!(
                    prog,
                    "/bin/true"
                        | "/bin/false"
                        | "/usr/bin/true"
                        | "/usr/bin/false"
                        | "true"
                        | "false"
                ) {
                    out.push(normalise_module(m));
                }
            }
            _ => {}
        }
    }
    out
}

/// Module names of /proc/modules.
pub fn parse_proc_modules(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(normalise_module)
        .collect()
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for d in DIRS {
        match fs.read_dir(d) {
            Ok(entries) => {
                for e in entries {
                    if e.name.ends_with(".conf") && !by_name.contains_key(&e.name) {
                        by_name.insert(e.name.clone(), e.path.clone());
                    }
                }
            }
            Err(e) => note.warn(e.to_string()),
        }
    }
    let mut disabled = BTreeSet::new();
    for f in by_name.values() {
        match fs.read_text(f) {
            Ok(t) => disabled.extend(parse_modprobe(&t.text)),
            Err(e) => note.warn(e.to_string()),
        }
    }
    ctx.inv.kernel_modules.disabled = disabled.into_iter().collect();
    if ctx.live() {
        match fs.read_text("/proc/modules") {
            Ok(t) => {
                let mut m = parse_proc_modules(&t.text);
                m.sort();
                m.dedup();
                ctx.inv.kernel_modules.loaded = Some(m);
            }
            Err(e) if e.is_not_found() => ctx.inv.kernel_modules.loaded = Some(Vec::new()),
            Err(e) => note.warn(e.to_string()),
        }
    }
    ctx.record("kernel-modules", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modprobe() {
        let m = parse_modprobe("install cramfs /bin/true\ninstall usb-storage /bin/false\nblacklist udf\ninstall sctp /sbin/modprobe --ignore-install sctp\ninstall dccp /bin/false # x\n# blacklist hfs\ninstall\n");
        assert_eq!(m, vec!["cramfs", "usb_storage", "udf", "dccp"]);
    }
}
