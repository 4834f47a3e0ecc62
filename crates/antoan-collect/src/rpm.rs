//! `packages.rpm`: the sqlite rpmdb (`rpmdb.sqlite`, table `Packages`, one
//! header blob per package), with the RPM header format parsed here.
//!
//! Header blob layout (as stored by rpm's sqlite backend, i.e. without the
//! 8-byte magic of an on-disk header, which is also accepted):
//! `il: u32 BE` index entries, `dl: u32 BE` data bytes, `il` × 16-byte
//! entries (`tag`, `type`, `offset`, `count`, all u32 BE), then `dl` bytes of
//! data. Every offset and count is bounds-checked.

use std::collections::BTreeMap;

use antoan_model::{Package, PackageManager};

use crate::{Ctx, Note};

pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_EPOCH: u32 = 1003;
pub const TAG_VENDOR: u32 = 1011;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_SOURCERPM: u32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX).
const MAX_INDEX: u32 = 0xffff;
const MAX_DATA: u32 = 256 * 1024 * 1024;

const MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];

/// A value of a header tag the collector uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    Str(String),
    Int(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("header blob is {0} bytes, shorter than its 8-byte preamble")]
    TooShort(usize),
    #[error("header declares {0} index entries, more than rpm allows")]
    TooManyEntries(u32),
    #[error("header declares {0} data bytes, more than rpm allows")]
    DataTooLarge(u32),
    #[error("header declares {need} bytes but the blob has {have}")]
    Truncated { need: usize, have: usize },
    #[error("tag {tag}: offset {offset} is outside the {dl}-byte data store")]
    BadOffset { tag: u32, offset: u32, dl: u32 },
    #[error("tag {tag}: string is not NUL-terminated inside the data store")]
    Unterminated { tag: u32 },
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses the tags this collector needs from a header blob. Unknown tags and
/// types are skipped; a malformed header is an error, never a panic.
pub fn parse_header(blob: &[u8]) -> Result<BTreeMap<u32, HeaderValue>, HeaderError> {
    let blob = blob.strip_prefix(&MAGIC[..]).unwrap_or(blob);
    if blob.len() < 8 {
        return Err(HeaderError::TooShort(blob.len()));
    }
    let il = be32(blob, 0).ok_or(HeaderError::TooShort(blob.len()))?;
    let dl = be32(blob, 4).ok_or(HeaderError::TooShort(blob.len()))?;
    if il > MAX_INDEX {
        return Err(HeaderError::TooManyEntries(il));
    }
    if dl > MAX_DATA {
        return Err(HeaderError::DataTooLarge(dl));
    }
    let index_end = 8 + il as usize * 16;
    let need = index_end + dl as usize;
    if blob.len() < need {
        return Err(HeaderError::Truncated {
            need,
            have: blob.len(),
        });
    }
    let data = &blob[index_end..need];
    let mut out = BTreeMap::new();
    for i in 0..il as usize {
        let e = 8 + i * 16;
        let (Some(tag), Some(ty), Some(offset), Some(count)) = (
            be32(blob, e),
            be32(blob, e + 4),
            be32(blob, e + 8),
            be32(blob, e + 12),
        ) else {
            return Err(HeaderError::Truncated {
                need: e + 16,
                have: blob.len(),
            });
        };
        let wanted = matches!(
            tag,
            TAG_NAME
                | TAG_VERSION
                | TAG_RELEASE
                | TAG_EPOCH
                | TAG_VENDOR
                | TAG_ARCH
                | TAG_SOURCERPM
        );
        if !wanted {
            continue;
        }
        if offset as usize >= data.len() && !(ty == TYPE_INT32 && count == 0) {
            return Err(HeaderError::BadOffset { tag, offset, dl });
        }
        match ty {
            TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING => {
                let rest = &data[offset as usize..];
                let end = rest
                    .iter()
                    .position(|b| *b == 0)
                    .ok_or(HeaderError::Unterminated { tag })?;
                let s = String::from_utf8_lossy(&rest[..end]).into_owned();
                out.insert(tag, HeaderValue::Str(s));
            }
            TYPE_INT32 => {
                if count == 0 {
                    continue;
                }
                let v = be32(data, offset as usize).ok_or(HeaderError::BadOffset {
                    tag,
                    offset,
                    dl,
                })?;
                out.insert(tag, HeaderValue::Int(v));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Splits a source rpm file name `openssl-3.0.7-24.el9.src.rpm` into
/// (`openssl`, `3.0.7-24.el9`).
pub fn split_source_rpm(s: &str) -> Option<(String, String)> {
    let base = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
    let (nv, release) = base.rsplit_once('-')?;
    let (name, version) = nv.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name.to_string(), format!("{version}-{release}")))
}

/// Builds a package from a parsed header; `None` for headers without a name
/// or version, and for the `gpg-pubkey` pseudo-packages.
pub fn package_from_header(h: &BTreeMap<u32, HeaderValue>) -> Option<Package> {
    let s = |t: u32| match h.get(&t) {
        Some(HeaderValue::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let name = s(TAG_NAME);
    let version = s(TAG_VERSION);
    if name.is_empty() || version.is_empty() || name == "gpg-pubkey" {
        return None;
    }
    let release = s(TAG_RELEASE);
    let epoch = match h.get(&TAG_EPOCH) {
        Some(HeaderValue::Int(e)) if *e > 0 => format!("{e}:"),
        _ => String::new(),
    };
    let evr = if release.is_empty() {
        format!("{epoch}{version}")
    } else {
        format!("{epoch}{version}-{release}")
    };
    let (source_name, source_version) = match split_source_rpm(&s(TAG_SOURCERPM)) {
        Some((n, v)) => (n, format!("{epoch}{v}")),
        None => (String::new(), String::new()),
    };
    Some(Package {
        name,
        version: evr,
        arch: s(TAG_ARCH),
        source_name,
        source_version,
        manager: PackageManager::Rpm,
        vendor: s(TAG_VENDOR),
    })
}

/// Percent-encodes a path for an SQLite `file:` URI.
fn uri_path(p: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut s = String::from("file:");
    for b in p.as_os_str().as_bytes() {
        match *b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' | b'~' => {
                s.push(*b as char)
            }
            b => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// Reads every package of a sqlite rpmdb. Opened read-only and immutable, so
/// nothing (no journal, no WAL) is written into the audited disk.
pub fn read_sqlite_rpmdb(path: &std::path::Path) -> Result<(Vec<Package>, Vec<String>), String> {
    use rusqlite::{Connection, OpenFlags};
    let uri = format!("{}?immutable=1", uri_path(path));
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(|e| e.to_string())?;
    let mut pkgs = Vec::new();
    let mut bad = Vec::new();
    for row in rows {
        match row {
            Ok((hnum, blob)) => match parse_header(&blob) {
                Ok(h) => {
                    if let Some(p) = package_from_header(&h) {
                        pkgs.push(p);
                    }
                }
                Err(e) => bad.push(format!("package #{hnum}: {e}")),
            },
            Err(e) => bad.push(e.to_string()),
        }
    }
    Ok((pkgs, bad))
}

pub(crate) fn collect(ctx: &mut Ctx) {
    const DIRS: [&str; 2] = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];
    for dir in DIRS {
        let sqlite = format!("{dir}/rpmdb.sqlite");
        if ctx.fs.is_file(&sqlite) {
            let note = match ctx.fs.resolve(&sqlite) {
                Ok(host) => match read_sqlite_rpmdb(&host) {
                    Ok((pkgs, bad)) => {
                        let mut n = Note::ok();
                        for b in bad {
                            n.fail(format!("{sqlite}: {b}; skipped"));
                        }
                        ctx.inv.packages.extend(pkgs);
                        n
                    }
                    Err(e) => {
                        Note::error(format!("{sqlite} cannot be read as an rpm database: {e}"))
                    }
                },
                Err(e) => Note::error(e.to_string()),
            };
            ctx.record("packages.rpm", note);
            return;
        }
    }
    for dir in DIRS {
        for (file, format) in [("Packages", "bdb (Berkeley DB)"), ("Packages.db", "ndb")] {
            let p = format!("{dir}/{file}");
            if ctx.fs.is_file(&p) {
                ctx.record(
                    "packages.rpm",
                    Note::error(format!(
                        "{p}: rpmdb format {format} not supported, only sqlite"
                    )),
                );
                return;
            }
        }
    }
    ctx.record(
        "packages.rpm",
        Note::absent("no rpm database (/var/lib/rpm/rpmdb.sqlite) found"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny independent encoder for unit tests (the testkit has the full one).
    fn blob(entries: &[(u32, u32, &[u8])]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, bytes) in entries {
            if *ty == TYPE_INT32 {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
            }
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&ty.to_be_bytes());
            index.extend_from_slice(&(data.len() as u32).to_be_bytes());
            index.extend_from_slice(&1u32.to_be_bytes());
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn parses_a_header() {
        let b = blob(&[
            (TAG_NAME, TYPE_STRING, b"openssl\0"),
            (TAG_VERSION, TYPE_STRING, b"3.0.7\0"),
            (TAG_RELEASE, TYPE_STRING, b"24.el9\0"),
            (TAG_EPOCH, TYPE_INT32, &1u32.to_be_bytes()),
            (TAG_ARCH, TYPE_STRING, b"x86_64\0"),
            (
                TAG_SOURCERPM,
                TYPE_STRING,
                b"openssl-3.0.7-24.el9.src.rpm\0",
            ),
            (
                TAG_VENDOR,
                TYPE_STRING,
                b"Rocky Enterprise Software Foundation\0",
            ),
        ]);
        let p = package_from_header(&parse_header(&b).unwrap()).unwrap();
        assert_eq!(p.name, "openssl");
        assert_eq!(p.version, "1:3.0.7-24.el9");
        assert_eq!(p.source_name, "openssl");
        assert_eq!(p.source_version, "1:3.0.7-24.el9");
        assert_eq!(p.arch, "x86_64");
        let mut with_magic = MAGIC.to_vec();
        with_magic.extend_from_slice(&b);
        assert_eq!(
            parse_header(&with_magic).unwrap(),
            parse_header(&b).unwrap()
        );
    }

    #[test]
    fn malformed_headers_are_errors() {
        let b = blob(&[(TAG_NAME, TYPE_STRING, b"openssl\0")]);
        for i in 0..b.len() {
            assert!(parse_header(&b[..i]).is_err(), "prefix {i}");
        }
        // Unterminated string.
        let b = blob(&[(TAG_NAME, TYPE_STRING, b"openssl")]);
        assert!(matches!(
            parse_header(&b),
            Err(HeaderError::Unterminated { .. })
        ));
        // Offset out of range.
        let mut b = blob(&[(TAG_NAME, TYPE_STRING, b"x\0")]);
        b[8 + 8..8 + 12].copy_from_slice(&100u32.to_be_bytes());
        assert!(matches!(
            parse_header(&b),
            Err(HeaderError::BadOffset { .. })
        ));
        // Huge counts.
        let mut b = vec![0xff; 8];
        assert!(parse_header(&b).is_err());
        b[0..4].copy_from_slice(&1u32.to_be_bytes());
        assert!(parse_header(&b).is_err());
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            split_source_rpm("glibc-2.34-83.el9_3.7.src.rpm"),
            Some(("glibc".into(), "2.34-83.el9_3.7".into()))
        );
        assert_eq!(
            split_source_rpm("python3-dnf-plugins-core-4.3.0-11.el9.src.rpm")
                .unwrap()
                .0,
            "python3-dnf-plugins-core"
        );
        assert_eq!(split_source_rpm("garbage"), None);
        assert_eq!(split_source_rpm("-.src.rpm"), None);
    }
}
