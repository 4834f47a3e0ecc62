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
    ctx.inv.boot.bootloader_password = bootloader_password(ctx, &mut note);
    ctx.record("boot", note);
}

/// GRUB configuration files that may set a password, in the order GRUB
/// reads them: the generated grub.cfg, RHEL's user.cfg, and the sources
/// grub-mkconfig builds from.
const GRUB_FILES: [&str; 5] = [
    "/boot/grub/grub.cfg",
    "/boot/grub2/grub.cfg",
    "/boot/grub2/user.cfg",
    "/boot/grub/user.cfg",
    "/etc/default/grub",
];

/// Whether the boot loader asks for a password: `Some(true)` when GRUB sets
/// superusers with a password (or RHEL's `GRUB2_PASSWORD`), `Some(false)` when
/// a GRUB configuration exists without one, `None` when no GRUB configuration
/// was found (another boot loader, a container): then the check is not assessed.
fn bootloader_password(ctx: &Ctx, note: &mut Note) -> Option<bool> {
    let mut found_config = false;
    let mut texts = Vec::new();
    for path in GRUB_FILES {
        match ctx.fs.read_text_opt(path) {
            Ok(Some(t)) => {
                found_config = true;
                texts.push(t.text);
            }
            Ok(None) => {}
            Err(e) => note.warn(e.to_string()),
        }
    }
    if let Ok(entries) = ctx.fs.read_dir("/etc/grub.d") {
        for e in entries {
            if let Ok(Some(t)) = ctx.fs.read_text_opt(&e.path) {
                texts.push(t.text);
            }
        }
    }
    if !found_config {
        return None;
    }
    Some(texts.iter().any(|t| grub_sets_password(t)))
}

/// A GRUB script sets a password when it names superusers and gives one of
/// them a password (`password_pbkdf2 user HASH` or `password user TEXT`), or
/// when RHEL's user.cfg defines `GRUB2_PASSWORD`. Comments are ignored.
pub fn grub_sets_password(text: &str) -> bool {
    let mut superusers = false;
    let mut password = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('#') {
            continue;
        }
        if l.starts_with("GRUB2_PASSWORD=") && l.len() > "GRUB2_PASSWORD=".len() {
            return true;
        }
        // In /etc/grub.d scripts the commands sit inside `cat <<EOF` blocks.
        if l.contains("set superusers=") {
            superusers = true;
        }
        let mut words = l.split_whitespace();
        if let (Some(cmd), Some(_user), Some(_secret)) = (words.next(), words.next(), words.next()) {
            if cmd == "password_pbkdf2" || cmd == "password" {
                password = true;
            }
        }
    }
    superusers && password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grub_password_detection() {
        let pw = format!("grub.pbkdf2.sha512.10000.{}.{}", "A1".repeat(32), "B2".repeat(64));
        assert!(grub_sets_password(&format!("set superusers=\"root\"\npassword_pbkdf2 root {pw}\n")));
        assert!(grub_sets_password(&format!("cat <<EOF\nset superusers=\"admin\"\npassword_pbkdf2 admin {pw}\nEOF\n")));
        assert!(grub_sets_password(&format!("GRUB2_PASSWORD={pw}\n")));
        assert!(!grub_sets_password("GRUB2_PASSWORD=\n"));
        // A password without superusers protects nothing.
        assert!(!grub_sets_password(&format!("password_pbkdf2 root {pw}\n")));
        assert!(!grub_sets_password(&format!("# set superusers=\"root\"\n# password_pbkdf2 root {pw}\n")));
        assert!(!grub_sets_password("menuentry 'Debian' {\n linux /vmlinuz root=/dev/sda1\n}\n"));
        assert!(!grub_sets_password("\u{0}\u{ff}garbage"));
    }

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
