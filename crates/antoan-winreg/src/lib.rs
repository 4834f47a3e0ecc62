//! # antoan-winreg
//!
//! A read-only Windows registry reader in plain Rust, for hive files
//! (`SOFTWARE`, `SYSTEM`, `SAM`, `SECURITY`, `NTUSER.DAT` from
//! `Windows\System32\config` or `reg save`) and `.reg` exports, behind one API:
//!
//! ```no_run
//! use antoan_winreg::Registry;
//! # fn main() -> Result<(), antoan_winreg::RegError> {
//! let hive = Registry::open_hive("/mnt/win/Windows/System32/config/SOFTWARE".as_ref())?
//!     .with_mount_point("HKLM\\SOFTWARE");
//! let export = Registry::parse_reg(&std::fs::read("software.reg").unwrap(), "software.reg")?;
//! for reg in [&hive, &export] {
//!     if let Some(k) = reg.key("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion") {
//!         println!("{:?}", k.value("CurrentBuild"));
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! ## Paths and mount points
//!
//! Every registry has a *mount point*: the logical path of its root. Paths
//! given to [`Registry::key`] are logical paths, compared case-insensitively
//! (ASCII and Unicode simple uppercase, like Windows); the predefined root
//! keys may be written long or short (`HKEY_LOCAL_MACHINE` = `HKLM`, `HKCU`,
//! `HKCR`, `HKU`, `HKCC`).
//!
//! * A `.reg` file keeps its full key paths; its mount point is empty, so
//!   `key("HKLM\\SOFTWARE\\Microsoft")` finds `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft]`.
//! * A hive file only knows paths relative to its root key. Its mount point
//!   is empty until the caller sets one ([`Registry::with_mount_point`]); with
//!   `HKLM\SOFTWARE` set, `key("HKLM\\SOFTWARE\\Microsoft")` finds `Microsoft`
//!   under the hive root. Without one, paths are relative to the hive root.
//!
//! So a caller that mounts a SOFTWARE hive at `HKLM\SOFTWARE` can ask the same
//! questions of it and of a `.reg` export. [`Registry::root`] and
//! [`KeyRef::key`] give relative lookups when that is more convenient.
//!
//! ## Why an own hive reader, not notatin
//!
//! notatin (Apache-2.0) was evaluated: it reads big data, replays
//! `.LOG1`/`.LOG2`, and survived a mutation test without panics. It was not
//! taken because (1) every dependency in its manifest is an open `>=`
//! requirement, so it only builds after pinning `nom` to 7.1.3 in the lock
//! file — any fresh resolution or `cargo update` breaks the build, and the
//! next major release of any of ~80 transitive crates can too (it pulls in
//! crossterm, chrono, blake3, md5, regex for a library); (2) its API needs a
//! `&mut Parser` for lookups and clones key nodes, where this crate wants a
//! borrowed, lazy `KeyRef`; (3) it parses eagerly and logs problems instead of
//! returning them; (4) it walked our 100k-key benchmark hive more slowly (see
//! the crate README / benchmark test for numbers). The regf format is small
//! and well documented, so this crate reads it itself: lazily (nothing is
//! decoded until asked for), with every offset bounds-checked, subkey lists
//! checked against cycles and cross-links (a subkey must name its parent and
//! appear once), nesting limited to 512 levels, value sizes limited, and
//! dirty hives recovered from new-format (`HvLE`) or old-format (`DIRT`)
//! transaction logs. Malformed input yields a [`RegError`] naming the file and
//! byte offset (or line for `.reg`), never a panic.
//!
//! ## What is and is not read
//!
//! Keys, values (all types, big data), names in ASCII/Latin-1 or UTF-16, and
//! last-write times. Subkeys come in stored order (hives keep them sorted by
//! uppercase name; `.reg` files in file order). Key class names are
//! read on request ([`KeyRef::class_name`]; the SAM boot key is kept in the
//! class names of four `Lsa` keys). Not read: security
//! descriptors, volatile keys (they are never on disk), and
//! registry symbolic links are not followed (the link key is returned as a
//! key with its `SymbolicLinkValue`).
//!
//! ## Errors while walking
//!
//! Lookups are lazy, so corruption deep in a hive is met while walking.
//! The plain accessors ([`KeyRef::subkeys`], [`KeyRef::values`], ...) skip
//! what cannot be read; the `try_` variants return the first [`RegError`];
//! [`Registry::validate`] walks everything and lists all problems.

// `is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
#![allow(clippy::manual_is_multiple_of)]

mod error;
mod fold;
mod hive;
mod regfile;
mod txlog;
mod value;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use error::{Location, Reason, RegError};
pub use fold::eq_ignore_case;
pub use hive::{HiveOptions, HiveState};
pub use value::{
    RawValue, Value, REG_BINARY, REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_EXPAND_SZ, REG_LINK,
    REG_MULTI_SZ, REG_NONE, REG_QWORD, REG_SZ,
};

use hive::{HErr, Hive, MAX_DEPTH};
use regfile::Tree;

/// What a [`Registry`] was loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Hive,
    RegFile,
}

enum Backend {
    Hive(Hive),
    Reg(Tree),
}

/// One loaded hive or `.reg` file, mounted at a logical path.
pub struct Registry {
    origin: String,
    mount: String,
    mount_comps: Vec<String>,
    backend: Backend,
    warnings: Vec<RegError>,
}

/// A FILETIME: 100-nanosecond intervals since 1601-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileTime(pub u64);

impl FileTime {
    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(self) -> i64 {
        (self.0 / 10_000_000) as i64 - 11_644_473_600
    }
}

/// Counts from a full walk of a registry ([`Registry::validate`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validation {
    pub keys: usize,
    pub values: usize,
    /// Problems found, at most [`Validation::MAX_ERRORS`].
    pub errors: Vec<RegError>,
}

impl Validation {
    pub const MAX_ERRORS: usize = 100;
}

/// Split a logical path into components, shortening a predefined root name.
fn path_comps(path: &str) -> Vec<&str> {
    path.split('\\').filter(|c| !c.is_empty()).collect()
}

fn same_comp(a: &str, b: &str, first: bool) -> bool {
    if first {
        if let (Some(x), Some(y)) = (regfile::canonical_root(a), regfile::canonical_root(b)) {
            return x == y;
        }
    }
    eq_ignore_case(a, b)
}

fn io_error(origin: &str, e: &std::io::Error) -> RegError {
    RegError::new(origin, Location::File, Reason::Io(e.to_string()))
}

/// Transaction logs beside a hive, in the order they are applied.
fn find_logs(path: &Path) -> Vec<PathBuf> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let entries: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for ext in ["LOG1", "LOG2", "LOG"] {
        let want = format!("{name}.{ext}");
        // Copies from Windows keep the case; copies through other tools may not.
        if let Some(found) = entries.iter().find(|e| e.eq_ignore_ascii_case(&want)) {
            out.push(dir.join(found));
        }
    }
    out
}

impl Registry {
    /// Open a hive file, replaying `.LOG1`/`.LOG2` (or `.LOG`) beside it when
    /// the hive is dirty. A dirty hive without usable logs still opens, with a
    /// warning in [`Registry::warnings`].
    pub fn open_hive(path: &Path) -> Result<Registry, RegError> {
        Registry::open_hive_with(path, &HiveOptions::default())
    }

    /// [`Registry::open_hive`] with options.
    pub fn open_hive_with(path: &Path, opts: &HiveOptions) -> Result<Registry, RegError> {
        let origin = path.display().to_string();
        let data = std::fs::read(path).map_err(|e| io_error(&origin, &e))?;
        let mut logs = Vec::new();
        if opts.apply_logs && hive::BaseBlock::parse(&data).is_some_and(|b| b.is_dirty()) {
            for p in find_logs(path) {
                if let Ok(bytes) = std::fs::read(&p) {
                    logs.push((p.display().to_string(), bytes));
                }
            }
        }
        Registry::from_hive_bytes_with_logs(data, &logs, &origin, opts)
    }

    /// A hive from bytes in memory (no transaction logs).
    pub fn from_hive_bytes(data: Vec<u8>, origin: &str) -> Result<Registry, RegError> {
        Registry::from_hive_bytes_with_logs(data, &[], origin, &HiveOptions::default())
    }

    /// A hive from bytes with its transaction logs as `(origin, bytes)`, in the
    /// order Windows applies them (`.LOG1`, `.LOG2`, then `.LOG`).
    pub fn from_hive_bytes_with_logs(
        data: Vec<u8>,
        logs: &[(String, Vec<u8>)],
        origin: &str,
        opts: &HiveOptions,
    ) -> Result<Registry, RegError> {
        let mut warnings = Vec::new();
        let hive = Hive::load(data, logs, origin, opts, &mut warnings)?;
        Ok(Registry {
            origin: origin.to_string(),
            mount: String::new(),
            mount_comps: Vec::new(),
            backend: Backend::Hive(hive),
            warnings,
        })
    }

    /// Parse a `.reg` export (UTF-16LE with BOM, UTF-8, or ANSI).
    pub fn parse_reg(bytes: &[u8], origin: &str) -> Result<Registry, RegError> {
        let tree = regfile::parse(bytes, origin)?;
        Ok(Registry {
            origin: origin.to_string(),
            mount: String::new(),
            mount_comps: Vec::new(),
            backend: Backend::Reg(tree),
            warnings: Vec::new(),
        })
    }

    /// Read and parse a `.reg` file.
    pub fn open_reg(path: &Path) -> Result<Registry, RegError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| io_error(&origin, &e))?;
        Registry::parse_reg(&bytes, &origin)
    }

    /// Open either kind, telling them apart by the `regf` signature.
    pub fn open(path: &Path) -> Result<Registry, RegError> {
        let origin = path.display().to_string();
        let mut head = Vec::with_capacity(4);
        std::fs::File::open(path)
            .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 4), &mut head))
            .map_err(|e| io_error(&origin, &e))?;
        if head == b"regf" {
            Registry::open_hive(path)
        } else {
            Registry::open_reg(path)
        }
    }

    /// Set the logical path of this registry's root (e.g. `HKLM\SOFTWARE` for a
    /// SOFTWARE hive, `HKU\S-1-5-21-...` for an NTUSER.DAT).
    pub fn with_mount_point(mut self, path: &str) -> Registry {
        self.set_mount_point(path);
        self
    }

    /// See [`Registry::with_mount_point`].
    pub fn set_mount_point(&mut self, path: &str) {
        let comps = path_comps(path);
        self.mount = comps.join("\\");
        self.mount_comps = comps.iter().map(|c| c.to_string()).collect();
    }

    /// The logical path of the root ("" when none was set).
    pub fn mount_point(&self) -> &str {
        &self.mount
    }

    /// The file (or caller-given name) this registry was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn kind(&self) -> SourceKind {
        match self.backend {
            Backend::Hive(_) => SourceKind::Hive,
            Backend::Reg(_) => SourceKind::RegFile,
        }
    }

    /// Problems that did not stop loading (e.g. a dirty hive whose logs were not applied).
    pub fn warnings(&self) -> &[RegError] {
        &self.warnings
    }

    /// For hives: whether it was clean, recovered from logs, or dirty.
    pub fn hive_state(&self) -> Option<&HiveState> {
        match &self.backend {
            Backend::Hive(h) => Some(&h.state),
            Backend::Reg(_) => None,
        }
    }

    /// The root key: the hive's root key, or the nameless root above
    /// `HKEY_LOCAL_MACHINE` etc. of a `.reg` file.
    pub fn root(&self) -> KeyRef<'_> {
        match &self.backend {
            Backend::Hive(h) => KeyRef {
                reg: self,
                node: Node::Hive {
                    off: h.root,
                    depth: 0,
                },
            },
            Backend::Reg(_) => KeyRef {
                reg: self,
                node: Node::Tree { id: 0, depth: 0 },
            },
        }
    }

    /// The key at a logical path (case-insensitive), or None when it does not
    /// exist, is outside the mount point, or cannot be read.
    pub fn key(&self, path: &str) -> Option<KeyRef<'_>> {
        self.try_key(path).ok().flatten()
    }

    /// Like [`Registry::key`], but reports corruption met on the way.
    pub fn try_key(&self, path: &str) -> Result<Option<KeyRef<'_>>, RegError> {
        let comps = path_comps(path);
        if comps.len() < self.mount_comps.len() {
            return Ok(None);
        }
        for (i, (m, c)) in self.mount_comps.iter().zip(&comps).enumerate() {
            if !same_comp(m, c, i == 0) {
                return Ok(None);
            }
        }
        self.root().try_descend(&comps[self.mount_comps.len()..])
    }

    /// Walk every key and value, counting them and listing problems.
    pub fn validate(&self) -> Validation {
        let mut v = Validation::default();
        let mut stack = vec![self.root()];
        while let Some(k) = stack.pop() {
            v.keys += 1;
            match k.try_raw_values() {
                Ok(vals) => v.values += vals.len(),
                Err(e) => push_err(&mut v.errors, e),
            }
            match k.try_subkeys() {
                Ok(subs) => stack.extend(subs.into_iter().rev()),
                Err(e) => push_err(&mut v.errors, e),
            }
        }
        v
    }

    fn hive_err(&self, e: HErr) -> RegError {
        RegError::new(&self.origin, Location::Offset(e.offset), e.reason)
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("origin", &self.origin)
            .field("kind", &self.kind())
            .field("mount_point", &self.mount)
            .field("warnings", &self.warnings)
            .finish()
    }
}

fn push_err(errors: &mut Vec<RegError>, e: RegError) {
    if errors.len() < Validation::MAX_ERRORS {
        errors.push(e);
    }
}

#[derive(Clone, Copy)]
enum Node {
    Hive { off: u32, depth: u16 },
    Tree { id: u32, depth: u16 },
}

/// A key, borrowed from its [`Registry`].
#[derive(Clone, Copy)]
pub struct KeyRef<'a> {
    reg: &'a Registry,
    node: Node,
}

impl std::fmt::Debug for KeyRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRef")
            .field("origin", &self.reg.origin)
            .field("name", &self.name())
            .finish()
    }
}

impl<'a> KeyRef<'a> {
    fn hive(&self) -> Option<&'a Hive> {
        match &self.reg.backend {
            Backend::Hive(h) => Some(h),
            Backend::Reg(_) => None,
        }
    }

    fn tree(&self) -> Option<&'a Tree> {
        match &self.reg.backend {
            Backend::Reg(t) => Some(t),
            Backend::Hive(_) => None,
        }
    }

    fn depth(&self) -> u16 {
        match self.node {
            Node::Hive { depth, .. } | Node::Tree { depth, .. } => depth,
        }
    }

    /// The registry this key belongs to.
    pub fn registry(&self) -> &'a Registry {
        self.reg
    }

    /// The key's name as stored (case preserved). The root of a `.reg` file is "".
    pub fn name(&self) -> Cow<'a, str> {
        match self.node {
            Node::Hive { off, .. } => Cow::Owned(
                self.hive()
                    .and_then(|h| h.nk(off).ok())
                    .map(|nk| nk.name())
                    .unwrap_or_default(),
            ),
            Node::Tree { id, .. } => Cow::Borrowed(
                self.tree()
                    .map(|t| t.nodes[id as usize].name.as_str())
                    .unwrap_or(""),
            ),
        }
    }

    /// The key's class name (hives only; `.reg` files carry none), decoded
    /// from UTF-16LE. `Ok(None)` when the key has no class name.
    pub fn try_class_name(&self) -> Result<Option<String>, RegError> {
        match self.node {
            Node::Hive { off, .. } => {
                let Some(h) = self.hive() else {
                    return Ok(None);
                };
                let nk = h.nk(off).map_err(|e| self.reg.hive_err(e))?;
                let raw = h.class_name(&nk).map_err(|e| self.reg.hive_err(e))?;
                Ok(raw.map(|b| {
                    let u: Vec<u16> = b
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16_lossy(&u)
                }))
            }
            Node::Tree { .. } => Ok(None),
        }
    }

    /// [`KeyRef::try_class_name`], with unreadable class names as None.
    pub fn class_name(&self) -> Option<String> {
        self.try_class_name().ok().flatten()
    }

    /// When the key was last written (hives only; `.reg` files carry no times).
    pub fn last_written(&self) -> Option<FileTime> {
        match self.node {
            Node::Hive { off, .. } => self
                .hive()?
                .nk(off)
                .ok()
                .map(|nk| FileTime(nk.last_written)),
            Node::Tree { .. } => None,
        }
    }

    /// The subkeys, in stored order; unreadable ones are skipped.
    pub fn subkeys(&self) -> Subkeys<'a> {
        Subkeys {
            inner: self.collect_subkeys(true).unwrap_or_default().into_iter(),
        }
    }

    /// The subkeys, or the first problem met reading them.
    pub fn try_subkeys(&self) -> Result<Vec<KeyRef<'a>>, RegError> {
        self.collect_subkeys(false)
    }

    fn collect_subkeys(&self, lenient: bool) -> Result<Vec<KeyRef<'a>>, RegError> {
        let depth = self.depth();
        let too_deep = usize::from(depth) + 1 >= MAX_DEPTH;
        match self.node {
            Node::Hive { off, .. } => {
                let Some(h) = self.hive() else {
                    return Ok(Vec::new());
                };
                let nk = h.nk(off).map_err(|e| self.reg.hive_err(e))?;
                if nk.subkey_count == 0 {
                    return Ok(Vec::new());
                }
                if too_deep {
                    return Err(RegError::new(
                        &self.reg.origin,
                        Location::Offset(hive::BASE_BLOCK as u64 + u64::from(off)),
                        Reason::TooDeep { limit: MAX_DEPTH },
                    ));
                }
                let offs = h.subkey_offsets(&nk).map_err(|e| self.reg.hive_err(e))?;
                let mut out = Vec::with_capacity(offs.len());
                for o in offs {
                    match h.child(&nk, o) {
                        Ok(_) => out.push(KeyRef {
                            reg: self.reg,
                            node: Node::Hive {
                                off: o,
                                depth: depth + 1,
                            },
                        }),
                        Err(e) if !lenient => return Err(self.reg.hive_err(e)),
                        Err(_) => {}
                    }
                }
                Ok(out)
            }
            Node::Tree { id, .. } => {
                let Some(t) = self.tree() else {
                    return Ok(Vec::new());
                };
                Ok(t.nodes[id as usize]
                    .children
                    .iter()
                    .map(|&c| KeyRef {
                        reg: self.reg,
                        node: Node::Tree {
                            id: c,
                            depth: depth.saturating_add(1),
                        },
                    })
                    .collect())
            }
        }
    }

    /// The direct subkey with this name (case-insensitive).
    pub fn subkey(&self, name: &str) -> Option<KeyRef<'a>> {
        self.try_descend(&[name]).ok().flatten()
    }

    /// The key at a path relative to this one (case-insensitive).
    pub fn key(&self, rel_path: &str) -> Option<KeyRef<'a>> {
        self.try_descend(&path_comps(rel_path)).ok().flatten()
    }

    fn try_descend(&self, comps: &[&str]) -> Result<Option<KeyRef<'a>>, RegError> {
        let mut cur = *self;
        for c in comps {
            match cur.find_child(c)? {
                Some(k) => cur = k,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    fn find_child(&self, name: &str) -> Result<Option<KeyRef<'a>>, RegError> {
        let depth = self.depth();
        match self.node {
            Node::Tree { id, .. } => {
                let Some(t) = self.tree() else {
                    return Ok(None);
                };
                Ok(t.child(id, name).map(|c| KeyRef {
                    reg: self.reg,
                    node: Node::Tree {
                        id: c,
                        depth: depth.saturating_add(1),
                    },
                }))
            }
            Node::Hive { off, .. } => {
                let Some(h) = self.hive() else {
                    return Ok(None);
                };
                let nk = h.nk(off).map_err(|e| self.reg.hive_err(e))?;
                if nk.subkey_count == 0 {
                    return Ok(None);
                }
                if usize::from(depth) + 1 >= MAX_DEPTH {
                    return Ok(None);
                }
                let query: Vec<char> = name.chars().map(fold::fold_char).collect();
                let offs = h.subkey_offsets(&nk).map_err(|e| self.reg.hive_err(e))?;
                for o in offs {
                    // A corrupt sibling does not hide the key asked for.
                    let Ok(child) = h.child(&nk, o) else { continue };
                    if child.name_matches(&query) {
                        return Ok(Some(KeyRef {
                            reg: self.reg,
                            node: Node::Hive {
                                off: o,
                                depth: depth + 1,
                            },
                        }));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Number of subkeys (as listed; for hives, as the key node says).
    pub fn subkey_count(&self) -> usize {
        match self.node {
            Node::Hive { off, .. } => self
                .hive()
                .and_then(|h| h.nk(off).ok())
                .map_or(0, |nk| nk.subkey_count as usize),
            Node::Tree { id, .. } => self
                .tree()
                .map_or(0, |t| t.nodes[id as usize].children.len()),
        }
    }

    /// The values as stored (name, type, bytes); unreadable ones are skipped.
    pub fn raw_values(&self) -> Vec<RawValue> {
        self.collect_values(true).unwrap_or_default()
    }

    /// The values as stored, or the first problem met reading them.
    pub fn try_raw_values(&self) -> Result<Vec<RawValue>, RegError> {
        self.collect_values(false)
    }

    fn collect_values(&self, lenient: bool) -> Result<Vec<RawValue>, RegError> {
        match self.node {
            Node::Tree { id, .. } => Ok(self
                .tree()
                .map(|t| t.nodes[id as usize].values.clone())
                .unwrap_or_default()),
            Node::Hive { off, .. } => {
                let Some(h) = self.hive() else {
                    return Ok(Vec::new());
                };
                let nk = h.nk(off).map_err(|e| self.reg.hive_err(e))?;
                let offs = h.value_offsets(&nk).map_err(|e| self.reg.hive_err(e))?;
                let mut out = Vec::with_capacity(offs.len());
                for o in offs {
                    let r = h.vk(o).and_then(|vk| {
                        let data = h.value_data(&vk)?;
                        Ok(RawValue {
                            name: vk.name(),
                            ty: vk.ty,
                            data,
                        })
                    });
                    match r {
                        Ok(v) => out.push(v),
                        Err(e) if !lenient => return Err(self.reg.hive_err(e)),
                        Err(_) => {}
                    }
                }
                Ok(out)
            }
        }
    }

    /// The values, decoded, as (name, value); the default value has the name "".
    pub fn values(&self) -> impl Iterator<Item = (String, Value)> + 'a {
        self.raw_values().into_iter().map(|r| {
            let v = r.value();
            (r.name, v)
        })
    }

    /// Decoded values, or the first problem met reading them.
    pub fn try_values(&self) -> Result<Vec<(String, Value)>, RegError> {
        Ok(self
            .try_raw_values()?
            .into_iter()
            .map(|r| {
                let v = r.value();
                (r.name, v)
            })
            .collect())
    }

    /// The value with this name (case-insensitive; "" is the default value).
    pub fn value(&self, name: &str) -> Option<Value> {
        self.raw_value(name).map(|r| r.value())
    }

    /// The value with this name as stored.
    pub fn raw_value(&self, name: &str) -> Option<RawValue> {
        self.try_raw_value(name).ok().flatten()
    }

    /// Like [`KeyRef::raw_value`], but reports corruption met on the way.
    pub fn try_raw_value(&self, name: &str) -> Result<Option<RawValue>, RegError> {
        match self.node {
            Node::Tree { id, .. } => {
                let Some(t) = self.tree() else {
                    return Ok(None);
                };
                Ok(t.value_index(id, name)
                    .map(|i| t.nodes[id as usize].values[i].clone()))
            }
            Node::Hive { off, .. } => {
                let Some(h) = self.hive() else {
                    return Ok(None);
                };
                let nk = h.nk(off).map_err(|e| self.reg.hive_err(e))?;
                let query: Vec<char> = name.chars().map(fold::fold_char).collect();
                for o in h.value_offsets(&nk).map_err(|e| self.reg.hive_err(e))? {
                    let Ok(vk) = h.vk(o) else { continue };
                    if vk.name_matches(&query) {
                        let data = h.value_data(&vk).map_err(|e| self.reg.hive_err(e))?;
                        return Ok(Some(RawValue {
                            name: vk.name(),
                            ty: vk.ty,
                            data,
                        }));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Number of values (as listed).
    pub fn value_count(&self) -> usize {
        match self.node {
            Node::Hive { off, .. } => self
                .hive()
                .and_then(|h| h.nk(off).ok())
                .map_or(0, |nk| nk.value_count as usize),
            Node::Tree { id, .. } => self.tree().map_or(0, |t| t.nodes[id as usize].values.len()),
        }
    }
}

/// Iterator over the subkeys of a key.
pub struct Subkeys<'a> {
    inner: std::vec::IntoIter<KeyRef<'a>>,
}

impl<'a> Iterator for Subkeys<'a> {
    type Item = KeyRef<'a>;
    fn next(&mut self) -> Option<KeyRef<'a>> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Subkeys<'_> {}
