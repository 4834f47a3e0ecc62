//! A set of registries (hive files and `.reg` exports) seen as one logical
//! registry, and the IO edge that opens them from a Windows volume or an
//! export folder.

use std::path::{Path, PathBuf};

use antoan_model::{CollectorNote, CollectorStatus, Text};
use antoan_winreg::{KeyRef, Registry, SourceKind, Value};

use crate::text::{self, Secedit};

/// Largest `.reg` or hive file opened (a full SOFTWARE hive is ~100 MB at worst).
pub const MAX_REGISTRY_FILE: u64 = 1024 * 1024 * 1024;

/// The machine hives, by logical root.
pub const HIVES: [(&str, &str); 4] = [
    ("SOFTWARE", "HKLM\\SOFTWARE"),
    ("SYSTEM", "HKLM\\SYSTEM"),
    ("SAM", "HKLM\\SAM"),
    ("SECURITY", "HKLM\\SECURITY"),
];

/// Why a Windows source could not be opened at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.en)]
pub struct WinCollectError(pub Text);

impl WinCollectError {
    fn new(vi: String, en: String) -> WinCollectError {
        WinCollectError(Text::new(vi, en))
    }
}

/// Parsed `net accounts` output: (origin, values by secedit name).
pub type NetAccounts = (String, std::collections::BTreeMap<String, text::PolicyValue>);

/// Everything loaded from one Windows source.
#[derive(Default)]
pub struct WindowsSources {
    /// Hive files first (mounted at their logical roots), then `.reg` exports.
    pub registries: Vec<Registry>,
    /// `net accounts` output, when present: (origin, bytes).
    pub net_accounts: Option<(String, Vec<u8>)>,
    /// `secedit /export` output, when present: (origin, bytes).
    pub secedit: Option<(String, Vec<u8>)>,
    /// `Windows\System32\Tasks` task files: (task path, XML bytes).
    pub tasks: Vec<(String, Vec<u8>)>,
    /// WLAN profile files (of a Windows volume, or `netsh wlan export
    /// profile` files in an export folder), already reduced to their SSID:
    /// (path, SSID or why not). `None` when the source has none to look at.
    pub wlan_profiles: Option<Vec<(String, Result<String, String>)>>,
    /// Problems met while opening (a damaged hive, an unreadable file).
    pub notes: Vec<CollectorNote>,
    /// The root or folder audited, for `HostInfo::source`.
    pub source: String,
}

/// Canonical short form of a predefined root key.
pub fn canonical_root(s: &str) -> Option<&'static str> {
    match s.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => Some("HKLM"),
        "HKCU" | "HKEY_CURRENT_USER" => Some("HKCU"),
        "HKU" | "HKEY_USERS" => Some("HKU"),
        "HKCR" | "HKEY_CLASSES_ROOT" => Some("HKCR"),
        "HKCC" | "HKEY_CURRENT_CONFIG" => Some("HKCC"),
        _ => None,
    }
}

/// `HKEY_LOCAL_MACHINE\Software\X` → `HKLM\SOFTWARE` (the hive a path lives in).
pub fn hive_of(path: &str) -> String {
    let mut it = path.split('\\').filter(|c| !c.is_empty());
    let root = it.next().map(|r| canonical_root(r).unwrap_or("?")).unwrap_or("?");
    match root {
        "HKLM" => match it.next() {
            Some(h) => format!("HKLM\\{}", h.to_ascii_uppercase()),
            None => "HKLM".into(),
        },
        r => r.to_string(),
    }
}

impl WindowsSources {
    /// The key at a logical path, from the first registry that has it.
    /// `HKLM\SYSTEM\CurrentControlSet` is also looked up as the control set
    /// `Select\Current` names (a hive has no CurrentControlSet link).
    pub fn key(&self, path: &str) -> Option<KeyRef<'_>> {
        for r in &self.registries {
            if let Some(k) = r.key(path) {
                return Some(k);
            }
        }
        let comps: Vec<&str> = path.split('\\').filter(|c| !c.is_empty()).collect();
        if comps.len() >= 3
            && canonical_root(comps[0]) == Some("HKLM")
            && comps[1].eq_ignore_ascii_case("SYSTEM")
            && comps[2].eq_ignore_ascii_case("CurrentControlSet")
        {
            let set = self.current_control_set();
            let mut p = vec!["HKLM", "SYSTEM", set.as_str()];
            p.extend_from_slice(&comps[3..]);
            let alt = p.join("\\");
            for r in &self.registries {
                if let Some(k) = r.key(&alt) {
                    return Some(k);
                }
            }
        }
        None
    }

    /// `ControlSet001` unless `HKLM\SYSTEM\Select\Current` says otherwise.
    pub fn current_control_set(&self) -> String {
        let n = self
            .registries
            .iter()
            .find_map(|r| r.key("HKLM\\SYSTEM\\Select"))
            .and_then(|k| k.value("Current"))
            .and_then(|v| v.as_u32())
            .filter(|n| (1..=999).contains(n))
            .unwrap_or(1);
        format!("ControlSet{n:03}")
    }

    /// Whether a machine hive was loaded (as a hive file or in an export).
    pub fn has_hive(&self, root: &str) -> bool {
        self.registries.iter().any(|r| r.key(root).is_some())
    }

    /// Where a hive came from, for notes.
    pub fn origin_of(&self, root: &str) -> Option<String> {
        let origins: Vec<&str> =
            self.registries.iter().filter(|r| r.key(root).is_some()).map(|r| r.origin()).collect();
        (!origins.is_empty()).then(|| origins.join(", "))
    }

    /// Per-user roots: `HKU\<profile>` of loaded NTUSER.DAT hives, and
    /// `HKCU` / `HKU\<sid>` keys of `.reg` exports. (display name, path).
    pub fn user_roots(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for r in &self.registries {
            match r.kind() {
                SourceKind::Hive => {
                    let m = r.mount_point();
                    if let Some(name) = m.strip_prefix("HKU\\") {
                        out.push((name.to_string(), m.to_string()));
                    }
                }
                SourceKind::RegFile => {
                    if r.key("HKCU").is_some() {
                        out.push(("current-user".into(), "HKCU".into()));
                    }
                    if let Some(hku) = r.key("HKU") {
                        for k in hku.subkeys() {
                            let n = k.name().to_string();
                            if !n.to_ascii_lowercase().ends_with("_classes") {
                                out.push((n.clone(), format!("HKU\\{n}")));
                            }
                        }
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Parsed `net accounts` / `secedit` outputs, with notes on failure.
    pub fn texts(&self, notes: &mut Vec<CollectorNote>) -> (Option<NetAccounts>, Option<(String, Secedit)>) {
        let net = self.net_accounts.as_ref().and_then(|(o, b)| match text::parse_net_accounts(b, o) {
            Ok(m) => Some((o.clone(), m)),
            Err(e) => {
                notes.push(note("account-policy.net-accounts", CollectorStatus::Error, e.to_string()));
                None
            }
        });
        let sec = self.secedit.as_ref().and_then(|(o, b)| match text::parse_secedit(b, o) {
            Ok(s) => Some((o.clone(), s)),
            Err(e) => {
                notes.push(note("account-policy.secedit", CollectorStatus::Error, e.to_string()));
                None
            }
        });
        (net, sec)
    }
}

pub(crate) fn note(collector: &str, status: CollectorStatus, reason: impl Into<String>) -> CollectorNote {
    CollectorNote { collector: collector.to_string(), status, reason: reason.into() }
}

/// A value as text: numbers in decimal, strings as written, multi-strings
/// joined with `,`, binary in hex.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Sz(s) | Value::ExpandSz(s) => s.clone(),
        Value::MultiSz(v) => v.join(","),
        Value::Dword(n) => n.to_string(),
        Value::Qword(n) => n.to_string(),
        Value::Binary(b) | Value::Other { data: b, .. } => b.iter().map(|x| format!("{x:02x}")).collect(),
        Value::None => String::new(),
    }
}

fn find_ci(dir: &Path, name: &str) -> Option<PathBuf> {
    let rd = std::fs::read_dir(dir).ok()?;
    rd.filter_map(|e| e.ok())
        .find(|e| e.file_name().to_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|e| e.path())
}

fn too_big(p: &Path) -> Option<WinCollectError> {
    let len = std::fs::metadata(p).ok()?.len();
    (len > MAX_REGISTRY_FILE).then(|| {
        WinCollectError::new(
            format!("{}: tệp quá lớn ({len} byte, tối đa {MAX_REGISTRY_FILE})", p.display()),
            format!("{}: file is too large ({len} bytes, at most {MAX_REGISTRY_FILE})", p.display()),
        )
    })
}

/// Opens one registry file; a failure becomes a note (status error) so the
/// checks that need it say not-assessed.
fn open_into(src: &mut WindowsSources, path: &Path, mount: Option<&str>, collector: &str) {
    if let Some(e) = too_big(path) {
        src.notes.push(note(collector, CollectorStatus::Error, e.0.en));
        return;
    }
    match Registry::open(path) {
        Ok(r) => {
            let r = match (mount, r.kind()) {
                (Some(m), SourceKind::Hive) => r.with_mount_point(m),
                _ => r,
            };
            for w in r.warnings() {
                // A dirty hive whose logs could not be applied may miss recent
                // changes: shown as an error note so the report says so.
                let status = if w.is_dirty_warning() { CollectorStatus::Error } else { CollectorStatus::Ok };
                src.notes.push(note(&format!("{collector}.warning"), status, w.to_string()));
            }
            src.registries.push(r);
        }
        Err(e) => src.notes.push(note(collector, CollectorStatus::Error, e.to_string())),
    }
}

fn read_small(path: &Path) -> Option<Vec<u8>> {
    let len = std::fs::metadata(path).ok()?.len();
    if len > text::MAX_TEXT_BYTES as u64 {
        return Some(vec![0; text::MAX_TEXT_BYTES + 1]);
    }
    std::fs::read(path).ok()
}

fn load_tasks(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>, depth: usize) {
    if depth > 8 || out.len() >= 2000 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Some(name) = e.file_name().to_str().map(str::to_string) else { continue };
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            load_tasks(&p, &format!("{prefix}\\{name}"), out, depth + 1);
        } else if ft.is_file() {
            if let Some(b) = read_small(&p) {
                out.push((format!("{prefix}\\{name}"), b));
            }
        }
    }
}

/// Folders of `Users` that are not user profiles.
const NOT_USERS: [&str; 5] = ["Default", "Default User", "Public", "All Users", "defaultuser0"];

/// Opens the hives of a Windows volume: `Windows/System32/config/{SOFTWARE,
/// SYSTEM,SAM,SECURITY}` and each `Users/*/NTUSER.DAT` (names matched
/// case-insensitively), plus the scheduled task files.
pub fn open_windows_root(root: &Path) -> Result<WindowsSources, WinCollectError> {
    let config = ["Windows", "System32", "config"]
        .iter()
        .try_fold(root.to_path_buf(), |d, part| find_ci(&d, part));
    let Some(config) = config else {
        return Err(WinCollectError::new(
            format!("{}: không có thư mục Windows/System32/config", root.display()),
            format!("{}: no Windows/System32/config folder", root.display()),
        ));
    };
    let mut src = WindowsSources { source: root.display().to_string(), ..Default::default() };
    for (file, mount) in HIVES {
        match find_ci(&config, file) {
            Some(p) => open_into(&mut src, &p, Some(mount), &format!("registry:{mount}")),
            None => src.notes.push(note(
                &format!("registry:{mount}"),
                CollectorStatus::Absent,
                format!("{} has no {file} hive", config.display()),
            )),
        }
    }
    if let Some(users) = find_ci(root, "Users") {
        if let Ok(rd) = std::fs::read_dir(&users) {
            let mut dirs: Vec<_> = rd.filter_map(|e| e.ok()).filter(|e| e.path().is_dir()).collect();
            dirs.sort_by_key(|e| e.file_name());
            for d in dirs {
                let name = d.file_name().to_string_lossy().to_string();
                // Profile templates and shared folders are not users.
                if NOT_USERS.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    continue;
                }
                if let Some(p) = find_ci(&d.path(), "NTUSER.DAT") {
                    open_into(&mut src, &p, Some(&format!("HKU\\{name}")), "registry:HKU");
                }
            }
        }
    }
    if let Some(tasks) = find_ci(&config.join(".."), "Tasks") {
        load_tasks(&tasks, "", &mut src.tasks, 0);
    }
    src.wlan_profiles = Some(load_wlan_profiles(root));
    Ok(src)
}

/// `ProgramData\Microsoft\Wlansvc\Profiles\Interfaces\*\*.xml`, each read
/// and reduced to its SSID at once (the file, with any key material, is not kept).
fn load_wlan_profiles(root: &Path) -> Vec<(String, Result<String, String>)> {
    let mut out = Vec::new();
    let dir = crate::network::WLAN_PROFILES_DIR
        .split('\\')
        .try_fold(root.to_path_buf(), |d, part| find_ci(&d, part));
    let Some(dir) = dir else { return out };
    let Ok(rd) = std::fs::read_dir(&dir) else { return out };
    let mut ifaces: Vec<_> = rd.filter_map(|e| e.ok()).filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).collect();
    ifaces.sort_by_key(|e| e.file_name());
    for i in ifaces {
        let Ok(rd) = std::fs::read_dir(i.path()) else { continue };
        let mut files: Vec<_> = rd
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| e.file_name().to_string_lossy().to_ascii_lowercase().ends_with(".xml"))
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files.into_iter().take(1000) {
            let rel = format!(
                "{}\\{}\\{}",
                crate::network::WLAN_PROFILES_DIR,
                i.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            );
            let r = match read_small(&f.path()) {
                Some(b) => crate::network::parse_wlan_profile(&b, &rel).map_err(|e| e.to_string()),
                None => Err(format!("{rel}: cannot be read")),
            };
            out.push((rel, r));
        }
    }
    out
}

/// Opens an export folder made by `scripts/collect-windows.cmd`: hive files
/// (`SOFTWARE`, `SYSTEM`, `SAM`, `SECURITY`, optionally with `.hiv`/`.hive`,
/// and `NTUSER-<profile>.DAT`), any `.reg` exports, `net-accounts.txt`,
/// `secedit.inf` and WLAN profiles exported by `netsh wlan export profile`
/// (`*.xml`; the SSID only). Sub-folders are not searched, except `Tasks`.
pub fn open_export_dir(dir: &Path) -> Result<WindowsSources, WinCollectError> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        WinCollectError::new(
            format!("không đọc được thư mục {}: {e}", dir.display()),
            format!("cannot read folder {}: {e}", dir.display()),
        )
    })?;
    let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    let mut src = WindowsSources { source: dir.display().to_string(), ..Default::default() };
    let mut regs = Vec::new();
    for p in &files {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else { continue };
        let lower = name.to_ascii_lowercase();
        let stem = lower.split('.').next().unwrap_or("");
        if let Some((_, mount)) = HIVES.iter().find(|(f, _)| f.eq_ignore_ascii_case(stem)) {
            if lower.ends_with(".log1") || lower.ends_with(".log2") || lower.ends_with(".log") {
                continue;
            }
            if lower.ends_with(".reg") {
                regs.push(p.clone());
            } else {
                open_into(&mut src, p, Some(mount), &format!("registry:{mount}"));
            }
        } else if let Some(profile) = lower.strip_prefix("ntuser-").and_then(|r| r.strip_suffix(".dat")) {
            let original = &name[7..7 + profile.len()];
            open_into(&mut src, p, Some(&format!("HKU\\{original}")), "registry:HKU");
        } else if lower.ends_with(".reg") {
            regs.push(p.clone());
        } else if lower == "net-accounts.txt" {
            if let Some(b) = read_small(p) {
                src.net_accounts = Some((name.to_string(), b));
            }
        } else if lower == "secedit.inf" {
            if let Some(b) = read_small(p) {
                src.secedit = Some((name.to_string(), b));
            }
        } else if lower.ends_with(".xml") {
            // `netsh wlan export profile folder=…`: reduced to the SSID at once.
            if let Some(b) = read_small(p) {
                if crate::text::decode(&b[..b.len().min(4096)]).contains("WLANProfile") {
                    let r = crate::network::parse_wlan_profile(&b, name).map_err(|e| e.to_string());
                    src.wlan_profiles.get_or_insert_with(Vec::new).push((name.to_string(), r));
                }
            }
        }
    }
    for p in regs {
        open_into(&mut src, &p, None, "registry:reg-file");
    }
    if let Some(tasks) = find_ci(dir, "Tasks") {
        load_tasks(&tasks, "", &mut src.tasks, 0);
    }
    if src.registries.is_empty() {
        let why = src.notes.iter().map(|n| n.reason.clone()).collect::<Vec<_>>().join("; ");
        let tail = if why.is_empty() { String::new() } else { format!(" ({why})") };
        return Err(WinCollectError::new(
            format!("{}: không có tệp hive hay .reg nào đọc được{tail}", dir.display()),
            format!("{}: no readable hive or .reg file{tail}", dir.display()),
        ));
    }
    Ok(src)
}
