//! The regf (hive file) reader: base block, hive bins, and lazy, bounds-checked
//! access to key nodes, subkey lists, values and big data.
//!
//! Nothing is parsed until it is asked for; every offset is checked against
//! the hive bins data before use, so corrupt input gives an error, never a panic.

use crate::error::{Location, Reason, RegError};
use crate::txlog;

pub(crate) const BASE_BLOCK: usize = 4096;
const HBIN_HEADER: usize = 32;
/// Offset value meaning "no cell".
pub(crate) const NIL: u32 = 0xFFFF_FFFF;
/// Most bytes one big data segment carries.
const BIG_DATA_SEGMENT: usize = 16344;
/// Windows limits key nesting to 512 levels.
pub(crate) const MAX_DEPTH: usize = 512;

const KEY_COMP_NAME: u16 = 0x0020;
const VALUE_COMP_NAME: u16 = 0x0001;

/// Options for opening a hive.
#[derive(Debug, Clone)]
pub struct HiveOptions {
    /// Replay `.LOG1`/`.LOG2` (new format) or `.LOG` (old format) beside a
    /// dirty hive. Default: true.
    pub apply_logs: bool,
    /// Open a hive whose base block checksum is wrong (and cannot be repaired
    /// from a log) instead of failing; the problem is listed in warnings.
    /// Default: false.
    pub allow_bad_checksum: bool,
    /// Largest value data returned, in bytes. Default: 64 MiB.
    pub max_value_size: u64,
}

impl Default for HiveOptions {
    fn default() -> Self {
        HiveOptions {
            apply_logs: true,
            allow_bad_checksum: false,
            max_value_size: 64 << 20,
        }
    }
}

/// What happened to a dirty hive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HiveState {
    /// The base block says the last write completed.
    Clean,
    /// The hive was dirty and transaction log entries were applied.
    Recovered {
        log_entries: usize,
        from: Vec<String>,
    },
    /// The hive was dirty and no log could be applied; see the warnings.
    DirtyNotRecovered,
}

/// A low-level error before the origin is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HErr {
    pub offset: u64,
    pub reason: Reason,
}

pub(crate) type HResult<T> = Result<T, HErr>;

fn herr(offset: u64, reason: Reason) -> HErr {
    HErr { offset, reason }
}

#[inline]
pub(crate) fn rd_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

#[inline]
pub(crate) fn rd_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

#[inline]
pub(crate) fn rd_u64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// XOR-32 checksum of the first 508 bytes of a base block, with Windows' fix-ups.
pub(crate) fn base_checksum(b: &[u8]) -> u32 {
    let mut c = 0u32;
    for i in 0..127 {
        c ^= rd_u32(b, i * 4).unwrap_or(0);
    }
    match c {
        0xFFFF_FFFF => 0xFFFF_FFFE,
        0 => 1,
        c => c,
    }
}

/// Base block fields this reader uses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseBlock {
    pub seq1: u32,
    pub seq2: u32,
    pub timestamp: u64,
    pub major: u32,
    pub minor: u32,
    pub file_type: u32,
    pub root: u32,
    pub bins_size: u32,
    pub stored_checksum: u32,
    pub computed_checksum: u32,
}

impl BaseBlock {
    /// Parse a base block (only its first 512 bytes are needed).
    pub(crate) fn parse(b: &[u8]) -> Option<BaseBlock> {
        if b.len() < 512 || &b[0..4] != b"regf" {
            return None;
        }
        Some(BaseBlock {
            seq1: rd_u32(b, 4)?,
            seq2: rd_u32(b, 8)?,
            timestamp: rd_u64(b, 12)?,
            major: rd_u32(b, 20)?,
            minor: rd_u32(b, 24)?,
            file_type: rd_u32(b, 28)?,
            root: rd_u32(b, 36)?,
            bins_size: rd_u32(b, 40)?,
            stored_checksum: rd_u32(b, 508)?,
            computed_checksum: base_checksum(b),
        })
    }

    pub(crate) fn checksum_ok(&self) -> bool {
        self.stored_checksum == self.computed_checksum
    }

    pub(crate) fn is_dirty(&self) -> bool {
        !self.checksum_ok() || self.seq1 != self.seq2
    }
}

/// A loaded hive.
pub(crate) struct Hive {
    pub data: Vec<u8>,
    /// End of the hive bins data (absolute file offset), never beyond `data.len()`.
    pub bins_end: usize,
    pub root: u32,
    pub minor: u32,
    pub max_value_size: u64,
    pub state: HiveState,
}

/// A key node, borrowed from the hive.
#[derive(Clone, Copy)]
pub(crate) struct Nk<'a> {
    pub off: u32,
    pub flags: u16,
    pub last_written: u64,
    pub parent: u32,
    pub subkey_count: u32,
    pub subkey_list: u32,
    pub value_count: u32,
    pub value_list: u32,
    /// Cell offset of the class name (NIL when none) and its length in bytes.
    pub class_off: u32,
    pub class_len: u16,
    pub name: &'a [u8],
}

impl Nk<'_> {
    pub(crate) fn name(&self) -> String {
        decode_name(self.name, self.flags & KEY_COMP_NAME != 0)
    }

    pub(crate) fn name_matches(&self, query: &[char]) -> bool {
        name_matches(self.name, self.flags & KEY_COMP_NAME != 0, query)
    }
}

/// A value record, borrowed from the hive.
#[derive(Clone, Copy)]
pub(crate) struct Vk<'a> {
    pub off: u32,
    pub name: &'a [u8],
    pub comp_name: bool,
    pub size_raw: u32,
    pub data_off: u32,
    pub ty: u32,
}

impl Vk<'_> {
    pub(crate) fn name(&self) -> String {
        decode_name(self.name, self.comp_name)
    }

    pub(crate) fn name_matches(&self, query: &[char]) -> bool {
        name_matches(self.name, self.comp_name, query)
    }
}

fn decode_name(raw: &[u8], comp: bool) -> String {
    if comp {
        // "ASCII" names are really one byte per character (Latin-1).
        raw.iter().map(|&b| b as char).collect()
    } else {
        let u: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&u)
    }
}

/// Compare a stored name with a query already folded to uppercase characters.
fn name_matches(raw: &[u8], comp: bool, query: &[char]) -> bool {
    use crate::fold::fold_char;
    if comp {
        raw.len() == query.len()
            && raw
                .iter()
                .zip(query)
                .all(|(&b, &q)| fold_char(b as char) == q)
    } else {
        if raw.len() / 2 < query.len() || raw.len() / 2 > query.len() * 2 {
            return false;
        }
        let units = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let chars = char::decode_utf16(units).map(|r| fold_char(r.unwrap_or('\u{FFFD}')));
        chars.eq(query.iter().copied())
    }
}

impl Hive {
    /// Parse a hive from its bytes; `logs` are (origin, bytes) of transaction
    /// logs in the order Windows applies them (`.LOG1`, `.LOG2`, or `.LOG`).
    pub(crate) fn load(
        mut data: Vec<u8>,
        logs: &[(String, Vec<u8>)],
        origin: &str,
        opts: &HiveOptions,
        warnings: &mut Vec<RegError>,
    ) -> Result<Hive, RegError> {
        let err = |at: u64, reason: Reason| RegError::new(origin, Location::Offset(at), reason);
        if data.len() < 4 || &data[0..4] != b"regf" {
            return Err(RegError::new(origin, Location::Offset(0), Reason::NotAHive));
        }
        if data.len() < BASE_BLOCK {
            return Err(err(
                0,
                Reason::Truncated {
                    needed: BASE_BLOCK as u64,
                    available: data.len() as u64,
                },
            ));
        }
        let mut bb = BaseBlock::parse(&data).ok_or_else(|| err(0, Reason::NotAHive))?;
        if bb.major != 1 {
            return Err(err(
                20,
                Reason::UnsupportedVersion {
                    major: bb.major,
                    minor: bb.minor,
                },
            ));
        }
        if bb.file_type != 0 {
            return Err(err(
                28,
                Reason::NotPrimary {
                    file_type: bb.file_type,
                },
            ));
        }

        let mut state = HiveState::Clean;
        if bb.is_dirty() {
            let why = if bb.checksum_ok() {
                format!("sequence numbers differ ({} and {})", bb.seq1, bb.seq2)
            } else {
                "base block checksum mismatch".to_string()
            };
            let outcome = if opts.apply_logs && !logs.is_empty() {
                txlog::recover(&mut data, logs)
            } else {
                txlog::Outcome::NotApplied(if opts.apply_logs {
                    "no transaction log (.LOG1/.LOG2/.LOG) found beside the hive".into()
                } else {
                    "log replay turned off".into()
                })
            };
            match outcome {
                txlog::Outcome::Applied { entries, from } => {
                    state = HiveState::Recovered {
                        log_entries: entries,
                        from,
                    };
                    bb = BaseBlock::parse(&data).ok_or_else(|| err(0, Reason::NotAHive))?;
                }
                txlog::Outcome::NotApplied(detail) => {
                    if !bb.checksum_ok() && !opts.allow_bad_checksum {
                        return Err(err(
                            508,
                            Reason::BadChecksum {
                                stored: bb.stored_checksum,
                                computed: bb.computed_checksum,
                            },
                        ));
                    }
                    state = HiveState::DirtyNotRecovered;
                    warnings.push(RegError::new(
                        origin,
                        Location::File,
                        Reason::DirtyNotRecovered {
                            detail: format!("{why}; {detail}"),
                        },
                    ));
                }
            }
        }

        let declared_end = BASE_BLOCK as u64 + u64::from(bb.bins_size);
        if declared_end > data.len() as u64 {
            return Err(err(
                40,
                Reason::Truncated {
                    needed: declared_end,
                    available: data.len() as u64,
                },
            ));
        }
        let bins_end = declared_end as usize;
        check_hbins(&data, bins_end).map_err(|e| err(e.offset, e.reason))?;

        let hive = Hive {
            data,
            bins_end,
            root: bb.root,
            minor: bb.minor,
            max_value_size: opts.max_value_size,
            state,
        };
        hive.nk(bb.root).map_err(|e| err(e.offset, e.reason))?;
        Ok(hive)
    }

    /// The data of an allocated cell (without its size field).
    pub(crate) fn cell(&self, off: u32, what: &'static str) -> HResult<&[u8]> {
        let bad = |detail: &'static str| {
            herr(
                BASE_BLOCK as u64 + u64::from(off),
                Reason::BadOffset {
                    what,
                    target: off,
                    detail,
                },
            )
        };
        if off == NIL {
            return Err(bad("the null offset"));
        }
        if off % 8 != 0 {
            return Err(bad("not aligned to 8 bytes"));
        }
        let abs = BASE_BLOCK + off as usize;
        if abs < BASE_BLOCK + HBIN_HEADER || abs.saturating_add(4) > self.bins_end {
            return Err(bad("outside the hive bins data"));
        }
        let size = rd_u32(&self.data, abs).ok_or_else(|| bad("outside the hive bins data"))? as i32;
        if size >= 0 {
            return Err(bad("a free (unallocated) cell"));
        }
        let len = size.unsigned_abs() as usize;
        if len < 8 {
            return Err(bad("a cell too small to hold a record"));
        }
        let end = abs
            .checked_add(len)
            .ok_or_else(|| bad("a cell extending past the hive bins data"))?;
        if end > self.bins_end {
            return Err(bad("a cell extending past the hive bins data"));
        }
        Ok(&self.data[abs + 4..end])
    }

    pub(crate) fn nk(&self, off: u32) -> HResult<Nk<'_>> {
        let c = self.cell(off, "key node reference")?;
        let at = BASE_BLOCK as u64 + u64::from(off) + 4;
        if c.len() < 76 || &c[0..2] != b"nk" {
            return Err(herr(at, Reason::BadSignature { expected: "nk" }));
        }
        let name_len = rd_u16(c, 72).unwrap_or(0) as usize;
        let name = c.get(76..76 + name_len).ok_or_else(|| {
            herr(
                at,
                Reason::Malformed(format!("key name of {name_len} bytes overruns its cell")),
            )
        })?;
        Ok(Nk {
            off,
            flags: rd_u16(c, 2).unwrap_or(0),
            last_written: rd_u64(c, 4).unwrap_or(0),
            parent: rd_u32(c, 16).unwrap_or(NIL),
            subkey_count: rd_u32(c, 20).unwrap_or(0),
            subkey_list: rd_u32(c, 28).unwrap_or(NIL),
            value_count: rd_u32(c, 36).unwrap_or(0),
            value_list: rd_u32(c, 40).unwrap_or(NIL),
            class_off: rd_u32(c, 48).unwrap_or(NIL),
            class_len: rd_u16(c, 74).unwrap_or(0),
            name,
        })
    }

    /// The class name of a key as stored (UTF-16LE bytes), or None when the
    /// key has none. A class name that does not fit its cell is an error.
    pub(crate) fn class_name(&self, nk: &Nk<'_>) -> HResult<Option<&[u8]>> {
        if nk.class_off == NIL || nk.class_len == 0 {
            return Ok(None);
        }
        let c = self.cell(nk.class_off, "class name")?;
        let len = usize::from(nk.class_len);
        c.get(..len).map(Some).ok_or_else(|| {
            herr(
                BASE_BLOCK as u64 + u64::from(nk.class_off),
                Reason::Malformed(format!(
                    "class name of {len} bytes overruns its cell of {} bytes",
                    c.len()
                )),
            )
        })
    }

    /// Offsets of the (stable) subkeys of a key, in list order.
    pub(crate) fn subkey_offsets(&self, nk: &Nk<'_>) -> HResult<Vec<u32>> {
        let mut out = Vec::new();
        if nk.subkey_count == 0 {
            return Ok(out);
        }
        self.read_list(nk.subkey_list, &mut out, false)?;
        // Each subkey must name this key as its parent and appear once: this
        // rules out cycles and cross-links (a path from the root can only
        // enter a cycle through a key whose parent field points elsewhere).
        if out.len() > 1 {
            let mut seen = out.clone();
            seen.sort_unstable();
            if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
                return Err(herr(
                    BASE_BLOCK as u64 + u64::from(nk.subkey_list),
                    Reason::SubkeyCycle { target: w[0] },
                ));
            }
        }
        Ok(out)
    }

    fn read_list(&self, off: u32, out: &mut Vec<u32>, inside_ri: bool) -> HResult<()> {
        let c = self.cell(off, "subkey list reference")?;
        let at = BASE_BLOCK as u64 + u64::from(off) + 4;
        let sig = c.get(0..2).unwrap_or(b"");
        let count = rd_u16(c, 2).unwrap_or(0) as usize;
        let stride = match sig {
            b"li" | b"ri" => 4,
            b"lf" | b"lh" => 8,
            _ => {
                return Err(herr(
                    at,
                    Reason::BadSignature {
                        expected: "li/lf/lh/ri",
                    },
                ))
            }
        };
        if 4 + count * stride > c.len() {
            return Err(herr(
                at,
                Reason::Malformed(format!("subkey list of {count} entries overruns its cell")),
            ));
        }
        let entries = (0..count).filter_map(|i| rd_u32(c, 4 + i * stride));
        if sig == b"ri" {
            if inside_ri {
                return Err(herr(at, Reason::NestedIndexRoot));
            }
            for sub in entries {
                self.read_list(sub, out, true)?;
            }
        } else {
            out.extend(entries);
        }
        Ok(())
    }

    /// A child key node, checked to really be a child of `parent`.
    pub(crate) fn child(&self, parent: &Nk<'_>, off: u32) -> HResult<Nk<'_>> {
        let nk = self.nk(off)?;
        if nk.parent != parent.off || off == self.root || off == parent.off {
            return Err(herr(
                BASE_BLOCK as u64 + u64::from(parent.subkey_list),
                Reason::SubkeyCycle { target: off },
            ));
        }
        Ok(nk)
    }

    pub(crate) fn value_offsets(&self, nk: &Nk<'_>) -> HResult<Vec<u32>> {
        if nk.value_count == 0 {
            return Ok(Vec::new());
        }
        let c = self.cell(nk.value_list, "value list reference")?;
        let n = nk.value_count as usize;
        if n.saturating_mul(4) > c.len() {
            return Err(herr(
                BASE_BLOCK as u64 + u64::from(nk.value_list) + 4,
                Reason::Malformed(format!("value list of {n} entries overruns its cell")),
            ));
        }
        Ok((0..n).filter_map(|i| rd_u32(c, i * 4)).collect())
    }

    pub(crate) fn vk(&self, off: u32) -> HResult<Vk<'_>> {
        let c = self.cell(off, "value reference")?;
        let at = BASE_BLOCK as u64 + u64::from(off) + 4;
        if c.len() < 20 || &c[0..2] != b"vk" {
            return Err(herr(at, Reason::BadSignature { expected: "vk" }));
        }
        let name_len = rd_u16(c, 2).unwrap_or(0) as usize;
        let name = c.get(20..20 + name_len).ok_or_else(|| {
            herr(
                at,
                Reason::Malformed(format!("value name of {name_len} bytes overruns its cell")),
            )
        })?;
        Ok(Vk {
            off,
            name,
            comp_name: rd_u16(c, 16).unwrap_or(0) & VALUE_COMP_NAME != 0,
            size_raw: rd_u32(c, 4).unwrap_or(0),
            data_off: rd_u32(c, 8).unwrap_or(NIL),
            ty: rd_u32(c, 12).unwrap_or(0),
        })
    }

    /// The data of a value, following big data segments when needed.
    pub(crate) fn value_data(&self, vk: &Vk<'_>) -> HResult<Vec<u8>> {
        let at = BASE_BLOCK as u64 + u64::from(vk.off) + 4;
        let size = u64::from(vk.size_raw & 0x7FFF_FFFF);
        if vk.size_raw & 0x8000_0000 != 0 {
            // Small data lives in the offset field itself.
            if size > 4 {
                return Err(herr(at, Reason::ValueTooLarge { size, limit: 4 }));
            }
            return Ok(vk.data_off.to_le_bytes()[..size as usize].to_vec());
        }
        if size == 0 {
            return Ok(Vec::new());
        }
        if size > self.max_value_size {
            return Err(herr(
                at,
                Reason::ValueTooLarge {
                    size,
                    limit: self.max_value_size,
                },
            ));
        }
        // Data can never be larger than the hive itself: refuse before allocating.
        if size > self.bins_end as u64 {
            return Err(herr(
                at,
                Reason::ValueTooLarge {
                    size,
                    limit: self.bins_end as u64,
                },
            ));
        }
        let size = size as usize;
        let c = self.cell(vk.data_off, "value data reference")?;
        if size > BIG_DATA_SEGMENT && self.minor >= 4 && c.len() >= 8 && &c[0..2] == b"db" {
            let segments = rd_u16(c, 2).unwrap_or(0) as usize;
            let list_off = rd_u32(c, 4).unwrap_or(NIL);
            let list = self.cell(list_off, "big data segment list reference")?;
            if segments * 4 > list.len() {
                return Err(herr(
                    BASE_BLOCK as u64 + u64::from(list_off) + 4,
                    Reason::Malformed(format!(
                        "big data list of {segments} segments overruns its cell"
                    )),
                ));
            }
            let mut out = Vec::with_capacity(size);
            for i in 0..segments {
                if out.len() >= size {
                    break;
                }
                let seg_off = rd_u32(list, i * 4).unwrap_or(NIL);
                let seg = self.cell(seg_off, "big data segment reference")?;
                let take = (size - out.len()).min(BIG_DATA_SEGMENT).min(seg.len());
                out.extend_from_slice(&seg[..take]);
            }
            if out.len() < size {
                return Err(herr(
                    at,
                    Reason::ValueTooLarge {
                        size: size as u64,
                        limit: out.len() as u64,
                    },
                ));
            }
            return Ok(out);
        }
        if c.len() < size {
            return Err(herr(
                at,
                Reason::ValueTooLarge {
                    size: size as u64,
                    limit: c.len() as u64,
                },
            ));
        }
        Ok(c[..size].to_vec())
    }
}

/// Walk the chain of hive bins: each must carry `hbin`, its own offset, and a
/// size that is a positive multiple of 4096 staying inside the data.
fn check_hbins(data: &[u8], bins_end: usize) -> HResult<()> {
    let mut pos = BASE_BLOCK;
    while pos < bins_end {
        let at = pos as u64;
        if pos + HBIN_HEADER > bins_end || &data[pos..pos + 4] != b"hbin" {
            return Err(herr(at, Reason::BadSignature { expected: "hbin" }));
        }
        let off = rd_u32(data, pos + 4).unwrap_or(NIL) as usize;
        let size = rd_u32(data, pos + 8).unwrap_or(0) as usize;
        if off != pos - BASE_BLOCK {
            return Err(herr(
                at + 4,
                Reason::Malformed(format!(
                    "hive bin at file offset 0x{pos:x} says it is at 0x{off:x}"
                )),
            ));
        }
        if size == 0 || size % 4096 != 0 || pos + size > bins_end {
            return Err(herr(
                at + 8,
                Reason::Malformed(format!("hive bin has a bad size {size}")),
            ));
        }
        pos += size;
    }
    Ok(())
}
