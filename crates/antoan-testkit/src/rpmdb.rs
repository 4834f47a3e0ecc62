//! An encoder for RPM header blobs and a writer of rpm's sqlite database
//! (`rpmdb.sqlite`), as rpm ≥ 4.16 stores it: table `Packages(hnum, blob)`
//! plus index tables, one header blob (without the 8-byte magic) per package.
//!
//! Blob layout: `il` (u32 BE), `dl` (u32 BE), `il` index entries of 16 bytes
//! (tag, type, offset, count; u32 BE each), then `dl` bytes of data. The first
//! entry is the immutable region tag (63) whose 16-byte trailer closes the
//! data store, as in headers that rpm writes.

use std::path::Path;

pub const TAG_HEADERIMMUTABLE: u32 = 63;
pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_EPOCH: u32 = 1003;
pub const TAG_SUMMARY: u32 = 1004;
pub const TAG_VENDOR: u32 = 1011;
pub const TAG_LICENSE: u32 = 1014;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_SOURCERPM: u32 = 1044;

pub const TYPE_INT32: u32 = 4;
pub const TYPE_STRING: u32 = 6;
pub const TYPE_BIN: u32 = 7;
pub const TYPE_I18NSTRING: u32 = 9;

/// A header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    I18n(String),
    Int32(u32),
}

/// An installed rpm package, as the fixture writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmPackage {
    pub name: String,
    pub epoch: Option<u32>,
    pub version: String,
    pub release: String,
    pub arch: String,
    pub source_rpm: String,
    pub vendor: String,
}

impl RpmPackage {
    /// Header tags of this package.
    pub fn tags(&self) -> Vec<(u32, Value)> {
        let mut t = vec![
            (TAG_NAME, Value::Str(self.name.clone())),
            (TAG_VERSION, Value::Str(self.version.clone())),
            (TAG_RELEASE, Value::Str(self.release.clone())),
        ];
        if let Some(e) = self.epoch {
            t.push((TAG_EPOCH, Value::Int32(e)));
        }
        t.push((
            TAG_SUMMARY,
            Value::I18n(format!("The {} package", self.name)),
        ));
        if !self.vendor.is_empty() {
            t.push((TAG_VENDOR, Value::Str(self.vendor.clone())));
        }
        t.push((TAG_LICENSE, Value::Str("GPLv2+".into())));
        t.push((TAG_ARCH, Value::Str(self.arch.clone())));
        if !self.source_rpm.is_empty() {
            t.push((TAG_SOURCERPM, Value::Str(self.source_rpm.clone())));
        }
        t
    }
}

/// Encodes a header blob (sorted by tag, INT32 data 4-aligned, immutable region first).
pub fn encode_header(tags: &[(u32, Value)]) -> Vec<u8> {
    let mut tags = tags.to_vec();
    tags.sort_by_key(|(t, _)| *t);
    let mut index: Vec<[u32; 4]> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    for (tag, v) in &tags {
        match v {
            Value::Str(s) | Value::I18n(s) => {
                let ty = if matches!(v, Value::Str(_)) {
                    TYPE_STRING
                } else {
                    TYPE_I18NSTRING
                };
                index.push([*tag, ty, data.len() as u32, 1]);
                data.extend_from_slice(s.as_bytes());
                data.push(0);
            }
            Value::Int32(n) => {
                while !data.len().is_multiple_of(4) {
                    data.push(0);
                }
                index.push([*tag, TYPE_INT32, data.len() as u32, 1]);
                data.extend_from_slice(&n.to_be_bytes());
            }
        }
    }
    // Immutable region: the entry points at a 16-byte trailer at the end of
    // the data; the trailer's offset is minus the size of the index.
    let il = index.len() as u32 + 1;
    let trailer_offset = data.len() as u32;
    let neg = (-((il as i64) * 16)) as i32 as u32;
    for x in [TAG_HEADERIMMUTABLE, TYPE_BIN, neg, 16] {
        data.extend_from_slice(&x.to_be_bytes());
    }
    index.insert(0, [TAG_HEADERIMMUTABLE, TYPE_BIN, trailer_offset, 16]);
    let mut out = Vec::with_capacity(8 + index.len() * 16 + data.len());
    out.extend_from_slice(&il.to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    for e in &index {
        for x in e {
            out.extend_from_slice(&x.to_be_bytes());
        }
    }
    out.extend_from_slice(&data);
    out
}

/// Writes an rpmdb.sqlite holding these packages (replacing any file there).
pub fn write_sqlite_rpmdb(path: &Path, packages: &[RpmPackage]) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE;
         CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
         CREATE TABLE IF NOT EXISTS 'Name' (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum));
         CREATE INDEX IF NOT EXISTS 'Name_key_idx' ON 'Name'(key ASC);
         CREATE TABLE IF NOT EXISTS 'Sourcepkgid' (key BLOB NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum));",
    )?;
    let tx = conn.unchecked_transaction()?;
    for p in packages {
        tx.execute(
            "INSERT INTO Packages (blob) VALUES (?1)",
            [encode_header(&p.tags())],
        )?;
        let hnum = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO Name (key, hnum, idx) VALUES (?1, ?2, 0)",
            rusqlite::params![p.name, hnum],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Writes a file that looks like a Berkeley DB hash database (rpm < 4.16):
/// the BDB hash magic at offset 12, no usable content.
pub fn write_bdb_placeholder(path: &Path) -> std::io::Result<()> {
    let mut page = vec![0u8; 4096];
    page[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
    page[16..20].copy_from_slice(&9u32.to_le_bytes());
    page[20..24].copy_from_slice(&4096u32.to_le_bytes());
    std::fs::write(path, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let b = encode_header(&[
            (TAG_NAME, Value::Str("a".into())),
            (TAG_EPOCH, Value::Int32(2)),
        ]);
        let il = u32::from_be_bytes(b[0..4].try_into().unwrap());
        let dl = u32::from_be_bytes(b[4..8].try_into().unwrap());
        assert_eq!(il, 3);
        assert_eq!(b.len(), 8 + 16 * il as usize + dl as usize);
        // First entry: the region tag.
        assert_eq!(
            u32::from_be_bytes(b[8..12].try_into().unwrap()),
            TAG_HEADERIMMUTABLE
        );
    }
}
