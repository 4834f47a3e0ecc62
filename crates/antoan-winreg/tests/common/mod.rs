//! Helpers shared by the integration tests.
#![allow(dead_code)]

use antoan_winreg::{KeyRef, Registry};
use std::path::PathBuf;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// UTF-8 text to what `reg export` writes: UTF-16LE with a BOM.
pub fn to_utf16le_bom(text: &[u8]) -> Vec<u8> {
    let s = std::str::from_utf8(text).expect("fixture is UTF-8");
    let mut out = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// A canonical listing of a subtree: one line per key and per value (name
/// case kept, children sorted case-insensitively), so two registries can be
/// compared exactly. Uses the `try_` accessors, so corruption fails the test.
pub fn dump(key: KeyRef<'_>) -> Vec<String> {
    let mut out = Vec::new();
    dump_into(key, "", &mut out);
    out
}

fn dump_into(key: KeyRef<'_>, path: &str, out: &mut Vec<String>) {
    let mut values = key.try_raw_values().expect("values readable");
    values.sort_by_key(|v| v.name.to_uppercase());
    for v in values {
        out.push(format!("{path}|{}|{}|{}", v.name, v.ty, hex(&v.data)));
    }
    let mut subs = key.try_subkeys().expect("subkeys readable");
    subs.sort_by_key(|k| k.name().to_uppercase());
    for s in subs {
        let p = format!("{path}\\{}", s.name());
        out.push(format!("{p}\\"));
        dump_into(s, &p, out);
    }
}

pub fn dump_at(reg: &Registry, path: &str) -> Vec<String> {
    dump(
        reg.key(path)
            .unwrap_or_else(|| panic!("{path} missing in {}", reg.origin())),
    )
}

/// A tiny xorshift generator: deterministic "random" input without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

pub fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn get_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Recompute the base block checksum of a hive or log image.
pub fn fix_checksum(b: &mut [u8]) {
    let mut c = 0u32;
    for i in 0..127 {
        c ^= get_u32(b, i * 4);
    }
    if c == 0xFFFF_FFFF {
        c = 0xFFFF_FFFE;
    } else if c == 0 {
        c = 1;
    }
    put_u32(b, 508, c);
}

/// Builds small hives cell by cell, for structures hivex never writes
/// (index roots, big data) and for deliberate corruption.
pub struct HiveBuilder {
    /// Hive bins data, starting with one hbin header.
    pub bins: Vec<u8>,
}

pub const NIL: u32 = 0xFFFF_FFFF;

impl HiveBuilder {
    pub fn new() -> HiveBuilder {
        let mut bins = vec![0u8; 32];
        bins[0..4].copy_from_slice(b"hbin");
        HiveBuilder { bins }
    }

    /// Append an allocated cell; returns its offset in the hive bins data.
    pub fn cell(&mut self, payload: &[u8]) -> u32 {
        let off = self.bins.len() as u32;
        let size = (payload.len() + 4).div_ceil(8) * 8;
        self.bins.extend_from_slice(&(-(size as i32)).to_le_bytes());
        self.bins.extend_from_slice(payload);
        self.bins.resize(off as usize + size, 0);
        off
    }

    /// Overwrite the payload of a cell made earlier (same length or shorter).
    pub fn set(&mut self, off: u32, payload: &[u8]) {
        let at = off as usize + 4;
        self.bins[at..at + payload.len()].copy_from_slice(payload);
    }

    pub fn nk_payload(name: &str, parent: u32, subkeys: (u32, u32), values: (u32, u32)) -> Vec<u8> {
        let mut p = vec![0u8; 76];
        p[0..2].copy_from_slice(b"nk");
        p[2..4].copy_from_slice(&0x20u16.to_le_bytes()); // ASCII name
        p[4..12].copy_from_slice(&0x01D8_0000_0000_0000u64.to_le_bytes());
        put_u32(&mut p, 16, parent);
        put_u32(&mut p, 20, subkeys.0);
        put_u32(&mut p, 28, subkeys.1);
        put_u32(&mut p, 32, NIL);
        put_u32(&mut p, 36, values.0);
        put_u32(&mut p, 40, values.1);
        put_u32(&mut p, 44, NIL);
        put_u32(&mut p, 48, NIL);
        p[72..74].copy_from_slice(&(name.len() as u16).to_le_bytes());
        p.extend_from_slice(name.as_bytes());
        p
    }

    pub fn nk(&mut self, name: &str, parent: u32, subkeys: (u32, u32), values: (u32, u32)) -> u32 {
        self.cell(&Self::nk_payload(name, parent, subkeys, values))
    }

    pub fn vk(&mut self, name: &str, ty: u32, size_raw: u32, data_off: u32) -> u32 {
        let mut p = vec![0u8; 20];
        p[0..2].copy_from_slice(b"vk");
        p[2..4].copy_from_slice(&(name.len() as u16).to_le_bytes());
        put_u32(&mut p, 4, size_raw);
        put_u32(&mut p, 8, data_off);
        put_u32(&mut p, 12, ty);
        p[16..18].copy_from_slice(&1u16.to_le_bytes());
        p.extend_from_slice(name.as_bytes());
        self.cell(&p)
    }

    /// A subkey or value offset list: `sig` is "li", "lf", "lh", "ri" or "" (value list).
    pub fn list(&mut self, sig: &str, offs: &[u32]) -> u32 {
        let mut p = Vec::new();
        if !sig.is_empty() {
            p.extend_from_slice(sig.as_bytes());
            p.extend_from_slice(&(offs.len() as u16).to_le_bytes());
        }
        for &o in offs {
            p.extend_from_slice(&o.to_le_bytes());
            if sig == "lf" || sig == "lh" {
                p.extend_from_slice(&0u32.to_le_bytes());
            }
        }
        self.cell(&p)
    }

    /// The hive file: base block, then the hive bins padded to 4096 with a free cell.
    pub fn finish(mut self, root: u32) -> Vec<u8> {
        let used = self.bins.len();
        let total = (used + 8).div_ceil(4096) * 4096;
        let free = total - used;
        self.bins.extend_from_slice(&(free as i32).to_le_bytes());
        self.bins.resize(total, 0);
        put_u32(&mut self.bins, 8, total as u32);
        let mut base = vec![0u8; 4096];
        base[0..4].copy_from_slice(b"regf");
        put_u32(&mut base, 4, 7);
        put_u32(&mut base, 8, 7);
        put_u32(&mut base, 20, 1);
        put_u32(&mut base, 24, 5);
        put_u32(&mut base, 32, 1);
        put_u32(&mut base, 36, root);
        put_u32(&mut base, 40, total as u32);
        put_u32(&mut base, 44, 1);
        fix_checksum(&mut base);
        base.extend_from_slice(&self.bins);
        base
    }
}
