//! Linux collectors of `antoan audit`.
//!
//! Everything is read from a root: the live `/` ([`Source::Live`]) or a
//! directory holding a mounted disk image or an extracted filesystem
//! ([`Source::Root`]). All file access goes through [`rootfs::RootFs`], which
//! resolves every path inside the root (absolute symlinks are re-rooted, `..`
//! stops at the root, loops are reported), so a hostile image cannot make the
//! collectors read the host's own files or loop forever.
//!
//! [`collect_linux`] fails only when the root itself is unusable. Every
//! collector leaves one [`CollectorNote`] in `Inventory::collection` saying
//! whether it read its source (`ok`), found none (`absent`), could not read
//! it (`error`, with the file and line), or did not run in this mode
//! (`skipped`). A collector's failure never stops the others.
//!
//! Normalisations a check author should know:
//! - architecture uses the kernel's names (`x86_64`, `aarch64`, `i686`,
//!   `armv7l`, `ppc64le`, `s390x`), also when read from dpkg (`amd64` → `x86_64`);
//! - kernel module names use underscores (`usb-storage` → `usb_storage`), as
//!   the kernel and `/proc/modules` do;
//! - sysctl keys use dots (`net/ipv4/ip_forward` → `net.ipv4.ip_forward`);
//! - sshd keywords are lower-case; values of yes/no style keywords too;
//!   comma-separated lists (ciphers, macs, kexalgorithms …) are split into
//!   one value per algorithm with `+`/`-`/`^` applied to the default list.

use std::path::{Path, PathBuf};

use antoan_model::{CollectRequest, CollectorNote, CollectorStatus, HostInfo, Inventory, OsFamily};

pub mod accounts;
pub mod antivirus;
pub mod dpkg;
pub mod files;
pub mod firewall;
pub mod install;
pub mod kernel;
pub mod listening;
pub mod modules;
pub mod mounts;
pub mod network;
pub mod os;
pub mod pam;
pub mod rootfs;
pub mod rpm;
pub mod scheduled;
pub mod services;
pub mod sshd;
pub mod sudo;
pub mod sysctl;
pub mod timesync;
pub mod unsafe_files;
pub mod updates;
pub mod util;

use rootfs::RootFs;

/// Where to collect from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The running system (`/`), with its kernel state (/proc).
    Live,
    /// A directory holding a Linux root (mounted disk image, extracted filesystem).
    Root(PathBuf),
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Live => "live".to_string(),
            Source::Root(p) => p.display().to_string(),
        }
    }
}

/// The root cannot be audited at all.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("the root directory {0} does not exist; give the folder where the disk is mounted")]
    RootMissing(PathBuf),
    #[error("{0} is not a directory; give the folder where the disk is mounted")]
    NotADirectory(PathBuf),
    #[error(
        "{0} does not look like a Linux root (no etc/os-release, usr/lib/os-release, etc/redhat-release or etc/debian_version); give the folder that holds etc/ and usr/"
    )]
    NotLinux(PathBuf),
    #[error("{0} looks like a Windows system, not Linux; audit it with the Windows collectors")]
    IsWindows(PathBuf),
    #[error("the root directory {path} cannot be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
}

/// A collector's outcome, turned into a [`CollectorNote`].
#[derive(Debug, Clone)]
pub(crate) struct Note {
    status: CollectorStatus,
    reason: String,
    warnings: Vec<String>,
}

/// Most warnings listed in one note (the rest are counted).
const MAX_WARNINGS: usize = 8;

impl Note {
    pub(crate) fn ok() -> Note {
        Note {
            status: CollectorStatus::Ok,
            reason: String::new(),
            warnings: Vec::new(),
        }
    }
    pub(crate) fn absent(reason: impl Into<String>) -> Note {
        Note {
            status: CollectorStatus::Absent,
            reason: reason.into(),
            warnings: Vec::new(),
        }
    }
    pub(crate) fn error(reason: impl Into<String>) -> Note {
        Note {
            status: CollectorStatus::Error,
            reason: reason.into(),
            warnings: Vec::new(),
        }
    }
    pub(crate) fn skipped(reason: impl Into<String>) -> Note {
        Note {
            status: CollectorStatus::Skipped,
            reason: reason.into(),
            warnings: Vec::new(),
        }
    }
    /// Adds a warning; the status stays as it is.
    pub(crate) fn warn(&mut self, w: impl Into<String>) {
        self.warnings.push(w.into());
    }
    /// Adds a warning and marks the collection as failed (the data is incomplete).
    pub(crate) fn fail(&mut self, w: impl Into<String>) {
        self.status = CollectorStatus::Error;
        self.warnings.push(w.into());
    }
    pub(crate) fn into_note(self, collector: &str) -> CollectorNote {
        let mut parts: Vec<String> = Vec::new();
        if !self.reason.is_empty() {
            parts.push(self.reason);
        }
        let n = self.warnings.len();
        parts.extend(self.warnings.into_iter().take(MAX_WARNINGS));
        if n > MAX_WARNINGS {
            parts.push(format!("and {} more", n - MAX_WARNINGS));
        }
        CollectorNote {
            collector: collector.to_string(),
            status: self.status,
            reason: parts.join("; "),
        }
    }
}

/// Shared state of one collection run.
pub(crate) struct Ctx<'a> {
    pub fs: RootFs,
    pub request: &'a CollectRequest,
    pub inv: Inventory,
}

impl Ctx<'_> {
    pub(crate) fn live(&self) -> bool {
        self.fs.is_live()
    }
    pub(crate) fn record(&mut self, collector: &str, note: Note) {
        self.inv.collection.push(note.into_note(collector));
    }
    /// Whether a package is installed (any manager).
    pub(crate) fn has_package(&self, name: &str) -> bool {
        self.inv.packages.iter().any(|p| p.name == name)
    }
    /// Whether a service (unit name without `.service`) is enabled.
    pub(crate) fn service_enabled(&self, name: &str) -> bool {
        self.inv
            .services
            .iter()
            .any(|s| s.name == name && s.state == antoan_model::ServiceState::Enabled)
    }
}

/// Lists `Windows/System32/config` case-insensitively (NTFS mounts keep case).
fn has_windows_dir(root: &Path) -> bool {
    fn child_ci(dir: &Path, name: &str) -> Option<PathBuf> {
        let rd = std::fs::read_dir(dir).ok()?;
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().eq_ignore_ascii_case(name) {
                let p = e.path();
                // Never follow a symlink here: only real directories count.
                if std::fs::symlink_metadata(&p).ok()?.is_dir() {
                    return Some(p);
                }
            }
        }
        None
    }
    let mut p = root.to_path_buf();
    for part in ["Windows", "System32", "config"] {
        match child_ci(&p, part) {
            Some(c) => p = c,
            None => return false,
        }
    }
    true
}

/// Detects the OS family of a root (Linux: etc/os-release or usr/lib/os-release,
/// also etc/redhat-release or etc/debian_version for releases older than
/// os-release; Windows: Windows/System32/config).
pub fn detect_family(source: &Source) -> OsFamily {
    let fs = match source {
        Source::Live => {
            return if cfg!(target_os = "linux") {
                OsFamily::Linux
            } else {
                OsFamily::Unknown
            };
        }
        Source::Root(p) => RootFs::new(p.clone()),
    };
    for f in [
        "/etc/os-release",
        "/usr/lib/os-release",
        "/etc/redhat-release",
        "/etc/debian_version",
    ] {
        if fs.is_file(f) {
            return OsFamily::Linux;
        }
    }
    if has_windows_dir(fs.root()) {
        return OsFamily::Windows;
    }
    OsFamily::Unknown
}

/// Collects the host facts and inventory. Errors only when the root itself is
/// unusable (does not exist, not a directory, not a Linux root); every
/// per-collector problem goes into `Inventory::collection` and collection
/// continues.
pub fn collect_linux(
    source: &Source,
    request: &CollectRequest,
) -> Result<(HostInfo, Inventory), CollectError> {
    let fs = match source {
        Source::Live => RootFs::live(),
        Source::Root(p) => {
            let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => CollectError::RootMissing(p.clone()),
                _ => CollectError::Unreadable {
                    path: p.clone(),
                    reason: e.to_string(),
                },
            })?;
            if !meta.is_dir() {
                return Err(CollectError::NotADirectory(p.clone()));
            }
            let canon = p.canonicalize().map_err(|e| CollectError::Unreadable {
                path: p.clone(),
                reason: e.to_string(),
            })?;
            std::fs::read_dir(&canon).map_err(|e| CollectError::Unreadable {
                path: p.clone(),
                reason: e.to_string(),
            })?;
            match detect_family(&Source::Root(canon.clone())) {
                OsFamily::Linux => {}
                OsFamily::Windows => return Err(CollectError::IsWindows(p.clone())),
                OsFamily::Unknown => return Err(CollectError::NotLinux(p.clone())),
            }
            RootFs::new(canon)
        }
    };
    let mut ctx = Ctx {
        fs,
        request,
        inv: Inventory::default(),
    };

    let trace = std::env::var_os("ANTOAN_COLLECT_TRACE").is_some();
    let mut t = std::time::Instant::now();
    let mut lap = |what: &str| {
        if trace {
            eprintln!(
                "antoan-collect: {what:<24} {:>8.2} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        t = std::time::Instant::now();
    };
    let mut host = os::collect(&mut ctx);
    lap("os::collect");
    host.source = source.label();
    dpkg::collect(&mut ctx);
    lap("dpkg::collect");
    rpm::collect(&mut ctx);
    lap("rpm::collect");
    ctx.inv.packages.sort();
    if host.architecture.is_empty() {
        host.architecture = os::architecture_from_packages(&ctx);
    }
    let kernel_release = kernel::collect(&mut ctx);
    lap("kernel::collect");
    if host.os.build.is_empty() {
        host.os.build = kernel_release;
    }
    accounts::collect(&mut ctx);
    lap("accounts::collect");
    sudo::collect(&mut ctx);
    lap("sudo::collect");
    services::collect(&mut ctx);
    lap("services::collect");
    sshd::collect(&mut ctx);
    lap("sshd::collect");
    listening::collect(&mut ctx);
    lap("listening::collect");
    firewall::collect(&mut ctx);
    lap("firewall::collect");
    updates::collect(&mut ctx);
    lap("updates::collect");
    antivirus::collect(&mut ctx);
    lap("antivirus::collect");
    timesync::collect(&mut ctx);
    lap("timesync::collect");
    sysctl::collect(&mut ctx);
    lap("sysctl::collect");
    files::collect_files(&mut ctx);
    lap("files::collect_files");
    files::collect_config(&mut ctx);
    lap("files::collect_config");
    pam::collect(&mut ctx);
    lap("pam::collect");
    modules::collect(&mut ctx);
    lap("modules::collect");
    unsafe_files::collect(&mut ctx);
    lap("unsafe_files::collect");
    scheduled::collect(&mut ctx);
    lap("scheduled::collect");
    mounts::collect(&mut ctx);
    lap("mounts::collect");
    kernel::collect_boot(&mut ctx);
    lap("kernel::collect_boot");
    network::collect(&mut ctx);
    lap("network::collect");
    install::collect(&mut ctx);
    lap("install::collect");
    Ok((host, ctx.inv))
}
