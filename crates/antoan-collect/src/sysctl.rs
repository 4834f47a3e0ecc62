//! `sysctl`: kernel parameters. Live: running values from /proc/sys for a
//! fixed list of keys the checks use, plus every key named in the sysctl
//! configuration. Offline: the configured values, with systemd-sysctl's
//! precedence (sysctl.d folders merged by file name, /etc first; files
//! applied in name order, later values win; /etc/sysctl.conf last).

use std::collections::BTreeMap;

use crate::rootfs::RootFs;
use crate::{Ctx, Note};

/// Keys read live even when no configuration names them.
pub const KEYS: &[&str] = &[
    "dev.tty.ldisc_autoload",
    "fs.protected_fifos",
    "fs.protected_hardlinks",
    "fs.protected_regular",
    "fs.protected_symlinks",
    "fs.suid_dumpable",
    "kernel.core_uses_pid",
    "kernel.dmesg_restrict",
    "kernel.kexec_load_disabled",
    "kernel.kptr_restrict",
    "kernel.modules_disabled",
    "kernel.perf_event_paranoid",
    "kernel.randomize_va_space",
    "kernel.sysrq",
    "kernel.unprivileged_bpf_disabled",
    "kernel.unprivileged_userns_clone",
    "kernel.yama.ptrace_scope",
    "net.core.bpf_jit_harden",
    "net.ipv4.conf.all.accept_redirects",
    "net.ipv4.conf.all.accept_source_route",
    "net.ipv4.conf.all.log_martians",
    "net.ipv4.conf.all.rp_filter",
    "net.ipv4.conf.all.secure_redirects",
    "net.ipv4.conf.all.send_redirects",
    "net.ipv4.conf.default.accept_redirects",
    "net.ipv4.conf.default.accept_source_route",
    "net.ipv4.conf.default.log_martians",
    "net.ipv4.conf.default.rp_filter",
    "net.ipv4.conf.default.secure_redirects",
    "net.ipv4.conf.default.send_redirects",
    "net.ipv4.icmp_echo_ignore_broadcasts",
    "net.ipv4.icmp_ignore_bogus_error_responses",
    "net.ipv4.ip_forward",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_timestamps",
    "net.ipv6.conf.all.accept_ra",
    "net.ipv6.conf.all.accept_redirects",
    "net.ipv6.conf.all.accept_source_route",
    "net.ipv6.conf.all.disable_ipv6",
    "net.ipv6.conf.all.forwarding",
    "net.ipv6.conf.default.accept_ra",
    "net.ipv6.conf.default.accept_redirects",
    "net.ipv6.conf.default.accept_source_route",
    "net.ipv6.conf.default.disable_ipv6",
    "user.max_user_namespaces",
    "vm.mmap_min_addr",
];

const DIRS: [&str; 5] = [
    "/etc/sysctl.d",
    "/run/sysctl.d",
    "/usr/local/lib/sysctl.d",
    "/usr/lib/sysctl.d",
    "/lib/sysctl.d",
];

/// Normalises a key: `/` separators become `.` (sysctl's rule: when the
/// first separator is `/`, slashes and dots swap).
pub fn normalise_key(k: &str) -> String {
    let k = k.trim().trim_start_matches('-');
    let first_sep = k.find(['.', '/']);
    if first_sep.is_some_and(|i| k.as_bytes()[i] == b'/') {
        k.chars()
            .map(|c| match c {
                '/' => '.',
                '.' => '/',
                c => c,
            })
            .collect()
    } else {
        k.to_string()
    }
}

/// Parses a sysctl.conf text: `key = value` lines (`#`/`;` comments). Returns (line, key, value).
pub fn parse_sysctl_conf(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let key = normalise_key(k);
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push((i + 1, key, value));
    }
    out
}

/// Configured values in the root, in effect order.
fn configured(fs: &RootFs, note: &mut Note) -> BTreeMap<String, String> {
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
    let mut files: Vec<String> = by_name.into_values().collect();
    files.push("/etc/sysctl.conf".into());
    let mut out = BTreeMap::new();
    for f in files {
        match fs.read_text_opt(&f) {
            Ok(Some(t)) => {
                for (_, k, v) in parse_sysctl_conf(&t.text) {
                    out.insert(k, v);
                }
            }
            Ok(None) => {}
            Err(e) => note.warn(e.to_string()),
        }
    }
    out
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let conf = configured(&fs, &mut note);
    if !ctx.live() {
        ctx.inv.sysctl = conf;
        ctx.record("sysctl", note);
        return;
    }
    let mut keys: Vec<String> = KEYS.iter().map(|s| s.to_string()).collect();
    keys.extend(conf.into_keys());
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    for k in keys {
        // Keys hold dots only as separators here; a component with a dot (vlan names) is not supported.
        if k.contains("..") || k.contains('*') {
            continue;
        }
        let path = format!("/proc/sys/{}", k.replace('.', "/"));
        if let Ok(t) = fs.read_text(&path) {
            out.insert(k, t.text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    ctx.inv.sysctl = out;
    ctx.record("sysctl", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_normalise() {
        let v = parse_sysctl_conf("# c\nnet.ipv4.ip_forward = 0\nnet/ipv4/conf/all/rp_filter=1\n-kernel.sysrq = 0\nbad line\nnet.ipv4.tcp_rmem = 4096\t87380   6291456\n");
        assert_eq!(v[0].1, "net.ipv4.ip_forward");
        assert_eq!(v[1].1, "net.ipv4.conf.all.rp_filter");
        assert_eq!(v[2].1, "kernel.sysrq");
        assert_eq!(v[3].2, "4096 87380 6291456");
        assert_eq!(v.len(), 4);
    }
}
