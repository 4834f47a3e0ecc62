//! `kernel` (running and installed kernels) and `boot` (last boot, pending
//! kernel update, reboot-required flag).

use antoan_model::{KernelInfo, PackageManager};

use crate::util::{rfc3339_from_unix, version_cmp};
use crate::{Ctx, Note};

/// Kernel release from a dpkg package name `linux-image-6.1.0-18-amd64`
/// (not the meta packages `linux-image-amd64`, `linux-image-generic`).
pub fn release_from_dpkg_name(name: &str) -> Option<String> {
    let rest = name
        .strip_prefix("linux-image-unsigned-")
        .or_else(|| name.strip_prefix("linux-image-"))?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains('.') {
        Some(rest.to_string())
    } else {
        None
    }
}

/// Collects kernels; returns the release to show as the OS build (running
/// live, else the newest installed).
pub(crate) fn collect(ctx: &mut Ctx) -> String {
    let mut note = Note::ok();
    let mut k = KernelInfo::default();
    if ctx.live() {
        match ctx.fs.read_text("/proc/sys/kernel/osrelease") {
            Ok(t) => k.running = t.text.trim().to_string(),
            Err(e) => note.warn(e.to_string()),
        }
    }
    let mut installed: Vec<String> = Vec::new();
    match ctx.fs.read_dir("/boot") {
        Ok(entries) => {
            for e in entries {
                if let Some(r) = e.name.strip_prefix("vmlinuz-") {
                    if !r.is_empty() && !r.contains("rescue") {
                        installed.push(r.to_string());
                    }
                }
            }
        }
        Err(e) => note.warn(e.to_string()),
    }
    for p in &ctx.inv.packages {
        match p.manager {
            PackageManager::Dpkg => {
                if let Some(r) = release_from_dpkg_name(&p.name) {
                    installed.push(r);
                }
            }
            PackageManager::Rpm => {
                if p.name == "kernel" || p.name == "kernel-core" {
                    // rpm kernels are named version-release.arch in /boot.
                    let v = p
                        .version
                        .split_once(':')
                        .map(|(_, v)| v)
                        .unwrap_or(&p.version);
                    installed.push(if p.arch.is_empty() {
                        v.to_string()
                    } else {
                        format!("{v}.{}", p.arch)
                    });
                }
            }
            PackageManager::Windows => {}
        }
    }
    installed.sort_by(|a, b| version_cmp(a, b).then_with(|| a.cmp(b)));
    installed.dedup();
    k.installed = installed;
    let build = if !k.running.is_empty() {
        k.running.clone()
    } else {
        k.installed.last().cloned().unwrap_or_default()
    };
    if k.running.is_empty() && k.installed.is_empty() {
        ctx.record(
            "kernel",
            Note::absent("no running kernel known and no /boot/vmlinuz-* or kernel package found"),
        );
        return build;
    }
    ctx.inv.kernel = Some(k);
    ctx.record("kernel", note);
    build
}

/// Parses `btime` from /proc/stat.
pub fn parse_btime(stat: &str) -> Option<i64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime ").and_then(|v| v.trim().parse().ok()))
}

pub(crate) fn collect_boot(ctx: &mut Ctx) {
    let mut note = Note::ok();
    if ctx.live() {
        match ctx.fs.read_text("/proc/stat") {
            Ok(t) => match parse_btime(&t.text) {
                Some(b) => ctx.inv.boot.last_boot = Some(rfc3339_from_unix(b)),
                None => note.warn("/proc/stat has no btime line"),
            },
            Err(e) => note.warn(e.to_string()),
        }
        if let Some(k) = &ctx.inv.kernel {
            if let (false, Some(newest)) = (k.running.is_empty(), k.installed.last()) {
                // The running kernel may not be in /boot (containers): compare only when known.
                let pending = version_cmp(newest, &k.running) == std::cmp::Ordering::Greater;
                ctx.inv.boot.kernel_update_pending = Some(pending);
            }
        }
    }
    ctx.inv.boot.reboot_required =
        ctx.fs.exists("/run/reboot-required") || ctx.fs.exists("/var/run/reboot-required");
    ctx.record("boot", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_kernel_names() {
        assert_eq!(
            release_from_dpkg_name("linux-image-6.1.0-18-amd64").as_deref(),
            Some("6.1.0-18-amd64")
        );
        assert_eq!(release_from_dpkg_name("linux-image-amd64"), None);
        assert_eq!(release_from_dpkg_name("linux-image-generic"), None);
        assert_eq!(
            release_from_dpkg_name("linux-image-5.15.0-91-generic").as_deref(),
            Some("5.15.0-91-generic")
        );
    }

    #[test]
    fn btime() {
        assert_eq!(
            parse_btime("cpu 1 2\nbtime 1700000000\nprocesses 3\n"),
            Some(1_700_000_000)
        );
        assert_eq!(parse_btime("garbage"), None);
    }
}
