//! `os`: os-release, hostname, machine-id, architecture.

use std::collections::BTreeMap;

use antoan_model::{HostInfo, OsFamily, OsInfo, PackageManager};

use crate::{Ctx, Note};

/// Parses os-release (`KEY=value`, shell quoting with `"`/`'` and `\` escapes).
pub fn parse_os_release(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        out.insert(k.to_string(), shell_unquote(v.trim()));
    }
    out
}

fn shell_unquote(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    let mut q: Option<char> = None;
    while let Some(c) = chars.next() {
        match (c, q) {
            ('"' | '\'', None) => q = Some(c),
            (c, Some(open)) if c == open => q = None,
            ('\\', Some('"')) | ('\\', None) => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            ('#', None) if out.is_empty() => break,
            (c, _) => out.push(c),
        }
    }
    out
}

/// Maps dpkg/rpm architecture names to the kernel's (`uname -m`).
pub fn normalise_arch(a: &str) -> String {
    match a {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "i386" | "i586" | "i486" => "i686",
        "armhf" => "armv7l",
        "armel" => "armv5tel",
        "ppc64el" => "ppc64le",
        other => other,
    }
    .to_string()
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("")
        .to_string()
}

fn uname_machine() -> String {
    // SAFETY: utsname is plain data; uname fills it and NUL-terminates each field.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return String::new();
        }
        std::ffi::CStr::from_ptr(u.machine.as_ptr())
            .to_string_lossy()
            .into_owned()
    }
}

/// Parses `/etc/redhat-release` ("Rocky Linux release 9.3 (Blue Onyx)").
pub fn parse_redhat_release(text: &str) -> (String, String) {
    let l = first_line(text);
    if let Some(i) = l.find(" release ") {
        let name = l[..i].to_string();
        let ver = l[i + 9..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        (name, ver)
    } else {
        (l, String::new())
    }
}

pub(crate) fn collect(ctx: &mut Ctx) -> HostInfo {
    let mut note = Note::ok();
    let mut host = HostInfo::default();
    let mut os = OsInfo {
        family: OsFamily::Linux,
        ..Default::default()
    };
    let fs = ctx.fs.clone();

    let mut release = None;
    for f in ["/etc/os-release", "/usr/lib/os-release"] {
        match fs.read_text_opt(f) {
            Ok(Some(t)) => {
                if t.lossy {
                    note.warn(format!("{f} is not valid UTF-8; decoded lossily"));
                }
                release = Some(parse_os_release(&t.text));
                break;
            }
            Ok(None) => {}
            Err(e) => note.fail(e.to_string()),
        }
    }
    if let Some(r) = &release {
        os.name = r.get("NAME").cloned().unwrap_or_default();
        os.version = r.get("VERSION_ID").cloned().unwrap_or_default();
        os.id = r.get("ID").cloned().unwrap_or_default();
        os.id_like = r
            .get("ID_LIKE")
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        os.codename = r
            .get("VERSION_CODENAME")
            .filter(|s| !s.is_empty())
            .or_else(|| r.get("UBUNTU_CODENAME"))
            .cloned()
            .unwrap_or_default();
        os.edition = r.get("VARIANT").cloned().unwrap_or_default();
    }
    // Releases without os-release (CentOS 6, old Debian), or a missing VERSION_ID (Debian testing).
    if let Ok(Some(t)) = fs.read_text_opt("/etc/redhat-release") {
        let (name, ver) = parse_redhat_release(&t.text);
        if os.name.is_empty() {
            os.name = name.clone();
        }
        if os.version.is_empty() {
            os.version = ver;
        }
        if os.id.is_empty() {
            os.id = match name.to_ascii_lowercase() {
                n if n.starts_with("centos") => "centos".into(),
                n if n.starts_with("red hat") => "rhel".into(),
                n if n.starts_with("rocky") => "rocky".into(),
                n if n.starts_with("almalinux") => "almalinux".into(),
                n if n.starts_with("fedora") => "fedora".into(),
                _ => String::new(),
            };
        }
    }
    if let Ok(Some(t)) = fs.read_text_opt("/etc/debian_version") {
        let v = first_line(&t.text);
        if os.name.is_empty() {
            os.name = "Debian GNU/Linux".into();
            os.id = "debian".into();
        }
        if os.version.is_empty() && os.id == "debian" {
            os.version = v.split('.').next().unwrap_or("").to_string();
            if v.contains('/') {
                // "trixie/sid": testing has no number.
                os.version = String::new();
                if os.codename.is_empty() {
                    os.codename = v.split('/').next().unwrap_or("").to_string();
                }
            }
        }
    }
    if release.is_none() && os.name.is_empty() {
        note = Note::error("no os-release, redhat-release or debian_version could be read");
    }
    host.os = os;

    // Hostname: the running kernel's on the live system, else the configured one.
    if ctx.live() {
        if let Ok(t) = fs.read_text("/proc/sys/kernel/hostname") {
            host.hostname = first_line(&t.text);
        }
    }
    if host.hostname.is_empty() {
        match fs.read_text_opt("/etc/hostname") {
            Ok(Some(t)) => host.hostname = first_line(&t.text),
            Ok(None) => {}
            Err(e) => note.warn(e.to_string()),
        }
    }
    if host.hostname.is_empty() {
        if let Ok(Some(t)) = fs.read_text_opt("/etc/sysconfig/network") {
            let kv = parse_os_release(&t.text);
            if let Some(h) = kv.get("HOSTNAME") {
                host.hostname = h.clone();
            }
        }
    }
    if host.hostname.chars().any(|c| c.is_control()) {
        note.warn("/etc/hostname holds control characters; ignored");
        host.hostname.clear();
    }
    match fs.read_text_opt("/etc/machine-id") {
        Ok(Some(t)) => {
            let id = first_line(&t.text);
            if id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()) {
                host.machine_id = id;
            } else if !id.is_empty() && id != "uninitialized" {
                note.warn("/etc/machine-id:1 is not a 32-digit hex id; ignored");
            }
        }
        Ok(None) => {}
        Err(e) => note.warn(e.to_string()),
    }
    if ctx.live() {
        host.architecture = uname_machine();
    } else if let Ok(Some(t)) = fs.read_text_opt("/var/lib/dpkg/arch") {
        let a = first_line(&t.text);
        if !a.is_empty() {
            host.architecture = normalise_arch(&a);
        }
    }
    ctx.record("os", note);
    host
}

/// Architecture of an offline root from its base packages.
pub(crate) fn architecture_from_packages(ctx: &Ctx) -> String {
    for (name, mgr) in [
        ("libc6", PackageManager::Dpkg),
        ("base-files", PackageManager::Dpkg),
        ("dpkg", PackageManager::Dpkg),
        ("glibc", PackageManager::Rpm),
        ("bash", PackageManager::Rpm),
        ("bash", PackageManager::Dpkg),
        ("coreutils", PackageManager::Rpm),
    ] {
        if let Some(p) = ctx
            .inv
            .packages
            .iter()
            .find(|p| p.name == name && p.manager == mgr)
        {
            if !p.arch.is_empty() && p.arch != "all" && p.arch != "noarch" {
                return normalise_arch(&p.arch);
            }
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_quoting() {
        let r = parse_os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME='Debian GNU/Linux'\nVERSION_ID=\"12\"\nID=debian\n# c\nBAD LINE\nX=\"a\\\"b\"\n",
        );
        assert_eq!(r["NAME"], "Debian GNU/Linux");
        assert_eq!(r["VERSION_ID"], "12");
        assert_eq!(r["ID"], "debian");
        assert_eq!(r["X"], "a\"b");
        assert!(!r.contains_key("BAD LINE"));
    }

    #[test]
    fn redhat_release() {
        assert_eq!(
            parse_redhat_release("CentOS Linux release 7.9.2009 (Core)\n"),
            ("CentOS Linux".to_string(), "7.9.2009".to_string())
        );
    }

    #[test]
    fn arch_names() {
        assert_eq!(normalise_arch("amd64"), "x86_64");
        assert_eq!(normalise_arch("x86_64"), "x86_64");
    }
}
