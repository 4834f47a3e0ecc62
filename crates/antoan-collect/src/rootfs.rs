//! `RootFs`: every file access of the collectors goes through here, so that a
//! mounted disk image is read the way the audited system would read itself,
//! and never outside it.
//!
//! Paths are given as the audited system sees them (`/etc/passwd`). They are
//! resolved component by component inside the root: an absolute symlink is
//! re-rooted, `..` stops at the root, and after 40 symlink hops the path is
//! reported as a loop. The returned host path has no symlink left in it (each
//! component was `lstat`ed), so opening it cannot leave the root.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// Largest file a collector reads (16 MiB). Larger files are reported, not read.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
/// Symlink hops allowed while resolving one path (the Linux limit).
pub const MAX_SYMLINK_HOPS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsError {
    /// The path (or one of its parents) does not exist.
    NotFound(String),
    /// Too many symlink hops: a loop.
    Loop(String),
    /// A parent component is not a directory.
    NotADirectory(String),
    /// The file is larger than the cap.
    TooLarge(String, u64),
    /// Any other IO error, with its message.
    Io(String, String),
}

impl FsError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::NotFound(_) | FsError::NotADirectory(_))
    }
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FsError::NotFound(p) => write!(f, "{p} does not exist"),
            FsError::Loop(p) => write!(f, "{p}: symlink loop (more than {MAX_SYMLINK_HOPS} hops)"),
            FsError::NotADirectory(p) => write!(f, "{p}: a parent is not a directory"),
            FsError::TooLarge(p, n) => {
                write!(
                    f,
                    "{p} is {n} bytes, larger than the {MAX_FILE_SIZE} byte limit; not read"
                )
            }
            FsError::Io(p, e) => write!(f, "{p}: {e}"),
        }
    }
}

impl std::error::Error for FsError {}

/// A text file read from the root.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub text: String,
    /// The file was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
    /// The file holds NUL bytes or many control characters: probably not text.
    pub binary: bool,
}

/// An entry of a directory listing.
#[derive(Debug, Clone)]
pub struct Entry {
    /// File name (lossy UTF-8).
    pub name: String,
    /// Path as the audited system sees it (`/etc/cron.d/foo`).
    pub path: String,
    /// lstat metadata (not following a symlink).
    pub meta: Metadata,
}

/// A view of a filesystem root.
#[derive(Debug, Clone)]
pub struct RootFs {
    root: PathBuf,
    live: bool,
}

fn vstr(components: &[OsString]) -> String {
    if components.is_empty() {
        return "/".to_string();
    }
    let mut s = String::new();
    for c in components {
        s.push('/');
        s.push_str(&c.to_string_lossy());
    }
    s
}

impl RootFs {
    /// The live system (`/`).
    pub fn live() -> RootFs {
        RootFs {
            root: PathBuf::from("/"),
            live: true,
        }
    }

    /// A root directory. The path is canonicalised by the caller (the root
    /// itself may be reached through a symlink on the host).
    pub fn new(root: impl Into<PathBuf>) -> RootFs {
        RootFs {
            root: root.into(),
            live: false,
        }
    }

    pub fn is_live(&self) -> bool {
        self.live
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn host_of(&self, components: &[OsString]) -> PathBuf {
        let mut p = self.root.clone();
        for c in components {
            p.push(c);
        }
        p
    }

    /// Resolves `path` inside the root. With `follow_last` false the final
    /// component is not followed if it is a symlink (lstat semantics).
    /// Returns the host path and the virtual path it resolved to.
    pub fn resolve_ex(&self, path: &str, follow_last: bool) -> Result<(PathBuf, String), FsError> {
        let mut queue: VecDeque<OsString> = VecDeque::new();
        for c in Path::new(path).components() {
            match c {
                Component::Normal(s) => queue.push_back(s.to_os_string()),
                Component::ParentDir => queue.push_back(OsString::from("..")),
                _ => {}
            }
        }
        let mut stack: Vec<OsString> = Vec::new();
        let mut hops = 0usize;
        while let Some(c) = queue.pop_front() {
            if c == OsStr::new("..") {
                stack.pop();
                continue;
            }
            if c == OsStr::new(".") {
                continue;
            }
            stack.push(c);
            let is_last = queue.is_empty();
            if is_last && !follow_last {
                break;
            }
            let host = self.host_of(&stack);
            let meta = match std::fs::symlink_metadata(&host) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if is_last {
                        // Let the caller's open/stat report it with the right path.
                        return Err(FsError::NotFound(vstr(&stack)));
                    }
                    return Err(FsError::NotFound(path.to_string()));
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                    return Err(FsError::NotADirectory(path.to_string()))
                }
                Err(e) => return Err(FsError::Io(path.to_string(), e.to_string())),
            };
            if meta.file_type().is_symlink() {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(FsError::Loop(path.to_string()));
                }
                let target = std::fs::read_link(&host)
                    .map_err(|e| FsError::Io(path.to_string(), e.to_string()))?;
                stack.pop();
                if target.is_absolute() {
                    stack.clear();
                }
                let mut new: Vec<OsString> = Vec::new();
                for tc in target.components() {
                    match tc {
                        Component::Normal(s) => new.push(s.to_os_string()),
                        Component::ParentDir => new.push(OsString::from("..")),
                        _ => {}
                    }
                }
                for n in new.into_iter().rev() {
                    queue.push_front(n);
                }
            } else if !is_last && !meta.is_dir() {
                return Err(FsError::NotADirectory(path.to_string()));
            }
        }
        Ok((self.host_of(&stack), vstr(&stack)))
    }

    /// Host path of `path`, following symlinks inside the root.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, FsError> {
        self.resolve_ex(path, true).map(|(p, _)| p)
    }

    /// Metadata without following a final symlink. `Ok(None)` when absent.
    pub fn lstat(&self, path: &str) -> Result<Option<Metadata>, FsError> {
        let host = match self.resolve_ex(path, false) {
            Ok((h, _)) => h,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        match std::fs::symlink_metadata(&host) {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FsError::Io(path.to_string(), e.to_string())),
        }
    }

    /// Metadata following symlinks inside the root. `Ok(None)` when absent
    /// (including a dangling symlink).
    pub fn stat(&self, path: &str) -> Result<Option<Metadata>, FsError> {
        let host = match self.resolve(path) {
            Ok(h) => h,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        match std::fs::symlink_metadata(&host) {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FsError::Io(path.to_string(), e.to_string())),
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(_)))
    }

    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(m)) if m.is_file())
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(m)) if m.is_dir())
    }

    /// Target of a symlink (as written), `None` when not a symlink.
    pub fn read_link(&self, path: &str) -> Option<PathBuf> {
        let (host, _) = self.resolve_ex(path, false).ok()?;
        std::fs::read_link(host).ok()
    }

    /// Reads a file's bytes (at most `MAX_FILE_SIZE`).
    pub fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        use std::os::unix::fs::OpenOptionsExt;
        let host = self.resolve(path)?;
        // Check the type before opening: opening a FIFO would block.
        let pre = std::fs::symlink_metadata(&host).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FsError::NotFound(path.to_string()),
            _ => FsError::Io(path.to_string(), e.to_string()),
        })?;
        if pre.is_dir() {
            return Err(FsError::Io(path.to_string(), "is a directory".into()));
        }
        if !pre.is_file() {
            return Err(FsError::Io(path.to_string(), "not a regular file".into()));
        }
        // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or FIFO after the check is not followed or waited on.
        let f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&host)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => FsError::NotFound(path.to_string()),
                _ => FsError::Io(path.to_string(), e.to_string()),
            })?;
        let meta = f
            .metadata()
            .map_err(|e| FsError::Io(path.to_string(), e.to_string()))?;
        if !meta.is_file() {
            return Err(FsError::Io(path.to_string(), "not a regular file".into()));
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(FsError::TooLarge(path.to_string(), meta.len()));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        // /proc files report size 0: read to EOF, but never past the cap.
        f.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut buf)
            .map_err(|e| FsError::Io(path.to_string(), e.to_string()))?;
        if buf.len() as u64 > MAX_FILE_SIZE {
            return Err(FsError::TooLarge(path.to_string(), buf.len() as u64));
        }
        Ok(buf)
    }

    /// Reads a text file, decoding non-UTF-8 content lossily.
    pub fn read_text(&self, path: &str) -> Result<TextFile, FsError> {
        let bytes = self.read(path)?;
        Ok(decode_text(bytes))
    }

    /// Reads a text file; `Ok(None)` when it does not exist.
    pub fn read_text_opt(&self, path: &str) -> Result<Option<TextFile>, FsError> {
        match self.read_text(path) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists a directory (following symlinks to reach it), sorted by name.
    /// Entries carry lstat metadata. `Ok(vec![])` when it does not exist.
    pub fn read_dir(&self, path: &str) -> Result<Vec<Entry>, FsError> {
        let (host, vpath) = match self.resolve_ex(path, true) {
            Ok(x) => x,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let rd = match std::fs::read_dir(&host) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return Ok(Vec::new()),
            Err(e) => return Err(FsError::Io(path.to_string(), e.to_string())),
        };
        let mut out = Vec::new();
        for ent in rd {
            let ent = match ent {
                Ok(e) => e,
                Err(_) => continue,
            };
            let meta = match ent.metadata() {
                Ok(m) => m,
                Err(_) => continue,
            };
            let name = ent.file_name().to_string_lossy().into_owned();
            let path = if vpath == "/" {
                format!("/{name}")
            } else {
                format!("{vpath}/{name}")
            };
            out.push(Entry { name, path, meta });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Expands a glob pattern (`*`, `?`, `[…]` in any component) inside the
    /// root; results sorted like glob(3). A name starting with `.` matches
    /// only a pattern starting with `.`. At most 4096 results.
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        let mut current: Vec<String> = vec!["/".to_string()];
        for comp in pattern.split('/').filter(|c| !c.is_empty() && *c != ".") {
            let mut next = Vec::new();
            for base in &current {
                if crate::util::has_glob(comp) {
                    if let Ok(entries) = self.read_dir(base) {
                        for e in entries {
                            if e.name.starts_with('.') && !comp.starts_with('.') {
                                continue;
                            }
                            if crate::util::glob_match(comp, &e.name) {
                                next.push(vjoin(base, &e.name));
                            }
                        }
                    }
                } else {
                    next.push(vjoin(base, comp));
                }
                if next.len() > 4096 {
                    break;
                }
            }
            current = next;
        }
        let mut out: Vec<String> = current
            .into_iter()
            .filter(|p| p != "/" && self.exists(p))
            .collect();
        out.sort();
        out.truncate(4096);
        out
    }

    /// Host path of a virtual path without resolving anything (for the walk,
    /// which never follows symlinks itself).
    pub fn host_path_raw(&self, path: &str) -> PathBuf {
        let mut p = self.root.clone();
        for c in Path::new(path).components() {
            if let Component::Normal(s) = c {
                p.push(s);
            }
        }
        p
    }
}

/// Decodes bytes as text: lossy when not UTF-8, flags binary content.
pub fn decode_text(bytes: Vec<u8>) -> TextFile {
    let binary = looks_binary(&bytes);
    match String::from_utf8(bytes) {
        Ok(text) => TextFile {
            text,
            lossy: false,
            binary,
        },
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            TextFile {
                text,
                lossy: true,
                binary,
            }
        }
    }
}

/// A NUL byte, or more than 10% control characters other than whitespace.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let ctrl = bytes
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    !bytes.is_empty() && ctrl * 10 > bytes.len()
}

/// Whether a line holds binary garbage (NUL, control characters, U+FFFD from lossy decoding).
pub fn line_is_garbage(line: &str) -> bool {
    line.chars()
        .any(|c| c == '\u{fffd}' || c == '\0' || (c.is_control() && c != '\t' && c != '\r'))
}

/// Whether a line holds NUL or control characters (binary data). Unlike
/// [`line_is_garbage`], text decoded lossily from another encoding passes.
pub fn line_has_control(line: &str) -> bool {
    line.chars().any(|c| c == '\0' || (c.is_control() && c != '\t' && c != '\r'))
}

/// Joins a virtual directory and a name.
pub fn vjoin(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Bytes of an OsStr path (for st_dev-free comparisons).
pub fn os_bytes(s: &OsStr) -> &[u8] {
    s.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn setup() -> (tempfile::TempDir, RootFs) {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("etc/ssh")).unwrap();
        std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/bash\n").unwrap();
        (d, RootFs::new(root))
    }

    #[test]
    fn absolute_symlink_is_rerooted() {
        let (_d, fs) = setup();
        symlink("/etc/passwd", fs.root().join("etc/link")).unwrap();
        let t = fs.read_text("/etc/link").unwrap();
        assert!(t.text.starts_with("root:x:0:0"));
        assert_eq!(
            fs.resolve("/etc/link").unwrap(),
            fs.root().join("etc/passwd")
        );
    }

    #[test]
    fn dotdot_cannot_escape() {
        let (_d, fs) = setup();
        symlink(
            "../../../../../../../../etc/passwd",
            fs.root().join("etc/ssh/up"),
        )
        .unwrap();
        assert_eq!(
            fs.resolve("/etc/ssh/up").unwrap(),
            fs.root().join("etc/passwd")
        );
        assert_eq!(
            fs.resolve("/../../../etc/passwd").unwrap(),
            fs.root().join("etc/passwd")
        );
        // A link to the host's /etc/hostname stays inside the root: absent here.
        symlink("/etc/hostname", fs.root().join("etc/h")).unwrap();
        assert!(fs.read_text("/etc/h").unwrap_err().is_not_found());
    }

    #[test]
    fn symlink_loop_is_reported() {
        let (_d, fs) = setup();
        symlink("/etc/b", fs.root().join("etc/a")).unwrap();
        symlink("a", fs.root().join("etc/b")).unwrap();
        let e = fs.read_text("/etc/a").unwrap_err();
        assert!(matches!(e, FsError::Loop(_)), "{e:?}");
        assert!(e.to_string().contains("loop"));
        // Self loop in a directory position.
        symlink(".", fs.root().join("etc/self")).unwrap();
        assert_eq!(
            fs.resolve("/etc/self/self/self/passwd").unwrap(),
            fs.root().join("etc/passwd")
        );
        symlink("loopdir/x", fs.root().join("etc/loopdir")).unwrap();
        assert!(matches!(fs.read_dir("/etc/loopdir"), Err(FsError::Loop(_))));
    }

    #[test]
    fn lstat_does_not_follow() {
        let (_d, fs) = setup();
        symlink("/etc/passwd", fs.root().join("etc/l")).unwrap();
        assert!(fs
            .lstat("/etc/l")
            .unwrap()
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs.stat("/etc/l").unwrap().unwrap().is_file());
        assert!(fs.lstat("/etc/none").unwrap().is_none());
        symlink("/nonexistent", fs.root().join("etc/dangling")).unwrap();
        assert!(fs.stat("/etc/dangling").unwrap().is_none());
        assert!(fs.lstat("/etc/dangling").unwrap().is_some());
    }

    #[test]
    fn read_dir_sorted_and_virtual_paths() {
        let (_d, fs) = setup();
        std::fs::write(fs.root().join("etc/ssh/b"), "").unwrap();
        std::fs::write(fs.root().join("etc/ssh/a"), "").unwrap();
        let e = fs.read_dir("/etc/ssh").unwrap();
        assert_eq!(
            e.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            vec!["/etc/ssh/a", "/etc/ssh/b"]
        );
        assert!(fs.read_dir("/nope").unwrap().is_empty());
    }

    #[test]
    fn lossy_and_binary() {
        let t = decode_text(vec![b'a', 0xff, b'\n']);
        assert!(t.lossy);
        assert!(!t.binary);
        let t = decode_text(vec![0, 1, 2, 3]);
        assert!(t.binary);
        let t = decode_text("Tiếng Việt có dấu\n".as_bytes().to_vec());
        assert!(!t.lossy && !t.binary);
    }

    #[test]
    fn fifo_in_root_is_not_read() {
        let (_d, fs) = setup();
        let p = fs.root().join("etc/fifo");
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        // SAFETY: valid NUL-terminated path.
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
        assert!(fs.read("/etc/fifo").is_err());
    }
}
