//! `mounts`: live /proc/self/mounts (real filesystems, plus tmpfs on /tmp,
//! /var/tmp, /dev/shm), or offline /etc/fstab (source `fstab`). Offline, a
//! /tmp tmpfs from an enabled systemd `tmp.mount` is added with source `systemd`.

use antoan_model::Mount;

use crate::{Ctx, Note};

const PSEUDO: [&str; 25] = [
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "securityfs",
    "pstore",
    "bpf",
    "debugfs",
    "tracefs",
    "configfs",
    "fusectl",
    "mqueue",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "efivarfs",
    "nsfs",
    "rpc_pipefs",
    "devtmpfs",
    "selinuxfs",
    "fuse.gvfsd-fuse",
    "fuse.portal",
    "ramfs",
    "tmpfs",
];
const KEEP_TMPFS: [&str; 4] = ["/tmp", "/var/tmp", "/dev/shm", "/run/shm"];

/// Decodes the octal escapes of mount tables (`\040` is a space).
pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') as u32 * 64
                + (b[i + 2] - b'0') as u32 * 8
                + (b[i + 3] - b'0') as u32;
            if v <= 255 {
                out.push(v as u8);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses fstab / mounts text: (line, Mount). Malformed lines are listed.
/// Parsed lines with their numbers, and skipped lines with the reason.
pub type ParsedMounts = (Vec<(usize, Mount)>, Vec<(usize, String)>);

pub fn parse_fstab(text: &str, source: &str) -> ParsedMounts {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if crate::rootfs::line_is_garbage(l) {
            bad.push((i + 1, "binary data".into()));
            continue;
        }
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() < 3 {
            bad.push((i + 1, "fewer than 3 fields".into()));
            continue;
        }
        let options = f
            .get(3)
            .map(|o| {
                o.split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        out.push((
            i + 1,
            Mount {
                device: unescape(f[0]),
                mountpoint: unescape(f[1]),
                fstype: f[2].to_string(),
                options,
                source: source.to_string(),
            },
        ));
    }
    (out, bad)
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut mounts = Vec::new();
    if ctx.live() {
        match fs.read_text("/proc/self/mounts") {
            Ok(t) => {
                let (list, _) = parse_fstab(&t.text, "mounts");
                for (_, m) in list {
                    let pseudo = PSEUDO.contains(&m.fstype.as_str());
                    let keep_tmp =
                        m.fstype == "tmpfs" && KEEP_TMPFS.contains(&m.mountpoint.as_str());
                    let snap = m.fstype == "squashfs" && m.mountpoint.starts_with("/snap/");
                    if (!pseudo || keep_tmp) && !snap {
                        mounts.push(m);
                    }
                }
            }
            Err(e) => {
                ctx.record("mounts", Note::error(e.to_string()));
                return;
            }
        }
    } else {
        match fs.read_text_opt("/etc/fstab") {
            Ok(Some(t)) => {
                let (list, bad) = parse_fstab(&t.text, "fstab");
                for (l, why) in bad {
                    note.warn(format!("/etc/fstab:{l}: {why}; line skipped"));
                }
                mounts.extend(list.into_iter().map(|(_, m)| m));
            }
            Ok(None) => note.warn("/etc/fstab does not exist"),
            Err(e) => note.fail(e.to_string()),
        }
        if !mounts.iter().any(|m| m.mountpoint == "/tmp") {
            if let Some(m) = systemd_tmp_mount(ctx) {
                mounts.push(m);
            }
        }
    }
    ctx.inv.mounts = mounts;
    ctx.record("mounts", note);
}

/// /tmp from an enabled `tmp.mount` unit (enabled in local-fs.target.wants).
fn systemd_tmp_mount(ctx: &Ctx) -> Option<Mount> {
    let fs = &ctx.fs;
    let wants = "/etc/systemd/system/local-fs.target.wants/tmp.mount";
    if fs.lstat(wants).ok()??.file_type().is_symlink() {
        let unit = [
            "/etc/systemd/system/tmp.mount",
            "/usr/lib/systemd/system/tmp.mount",
            "/lib/systemd/system/tmp.mount",
            "/usr/share/systemd/tmp.mount",
        ]
        .into_iter()
        .find_map(|p| fs.read_text(p).ok())?;
        let get = |k: &str| {
            unit.text.lines().find_map(|l| {
                l.trim()
                    .strip_prefix(k)
                    .and_then(|r| r.strip_prefix('='))
                    .map(|v| v.trim().to_string())
            })
        };
        return Some(Mount {
            device: get("What").unwrap_or_else(|| "tmpfs".into()),
            mountpoint: "/tmp".into(),
            fstype: get("Type").unwrap_or_else(|| "tmpfs".into()),
            options: get("Options")
                .map(|o| o.split(',').map(String::from).collect())
                .unwrap_or_default(),
            source: "systemd".into(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstab() {
        let t = "# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\ntmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0\n/dev/sdb1 /mnt/My\\040Disk vfat defaults 0 0\nbad\n";
        let (m, bad) = parse_fstab(t, "fstab");
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[1].1.options,
            vec!["defaults", "nodev", "nosuid", "noexec"]
        );
        assert_eq!(m[2].1.mountpoint, "/mnt/My Disk");
        assert_eq!(bad.len(), 1);
        assert_eq!(unescape("\\"), "\\");
        assert_eq!(unescape("a\\04"), "a\\04");
    }
}
