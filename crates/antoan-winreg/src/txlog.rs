//! Transaction log replay for dirty hives.
//!
//! * New format (Windows 8.1+, file type 6): `HvLE` log entries in `.LOG1`
//!   then `.LOG2`; each entry's Marvin32 hashes are verified and entries are
//!   applied in sequence-number order from the hive's secondary sequence
//!   number on, stopping at the first gap or bad entry.
//! * Old format (file type 1 or 2, `DIRT` vector): the log whose base block
//!   timestamp matches the hive's is applied page by page.
//!
//! Every size and offset read from a log is checked; a bad log is ignored,
//! never trusted.

use crate::hive::{base_checksum, rd_u32, rd_u64, BaseBlock, BASE_BLOCK};

/// Seed Windows uses for the log entry hashes.
const MARVIN_SEED: u64 = 0x82EF_4D88_7A4E_55C2;
const SECTOR: usize = 512;

pub(crate) enum Outcome {
    Applied { entries: usize, from: Vec<String> },
    NotApplied(String),
}

/// The Marvin32 hash (as used by .NET and the Windows registry).
pub(crate) fn marvin32(seed: u64, data: &[u8]) -> u64 {
    let mut lo = seed as u32;
    let mut hi = (seed >> 32) as u32;
    fn block(lo: &mut u32, hi: &mut u32) {
        *hi ^= *lo;
        *lo = lo.rotate_left(20).wrapping_add(*hi);
        *hi = hi.rotate_left(9) ^ *lo;
        *lo = lo.rotate_left(27).wrapping_add(*hi);
        *hi = hi.rotate_left(19);
    }
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        lo = lo.wrapping_add(u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        block(&mut lo, &mut hi);
    }
    let r = chunks.remainder();
    let fin = match r.len() {
        0 => 0x80,
        1 => 0x8000 | u32::from(r[0]),
        2 => 0x80_0000 | u32::from(r[0]) | u32::from(r[1]) << 8,
        _ => 0x8000_0000 | u32::from(r[0]) | u32::from(r[1]) << 8 | u32::from(r[2]) << 16,
    };
    lo = lo.wrapping_add(fin);
    block(&mut lo, &mut hi);
    block(&mut lo, &mut hi);
    u64::from(lo) | u64::from(hi) << 32
}

/// One verified new-format log entry.
struct Entry<'a> {
    seq: u32,
    bins_size: u32,
    /// (offset in hive bins data, page bytes)
    pages: Vec<(usize, &'a [u8])>,
    log: usize,
}

/// Parse the valid entries of a new-format log; stops at the first bad one.
fn entries(log: &[u8], which: usize) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    let mut pos = SECTOR;
    while pos + 40 <= log.len() {
        let e = &log[pos..];
        if &e[0..4] != b"HvLE" {
            break;
        }
        let size = rd_u32(e, 4).unwrap_or(0) as usize;
        if size < 40 || size % SECTOR != 0 || size > e.len() {
            break;
        }
        let e = &e[..size];
        let hash1 = rd_u64(e, 24).unwrap_or(0);
        let hash2 = rd_u64(e, 32).unwrap_or(0);
        if marvin32(MARVIN_SEED, &e[40..]) != hash1 || marvin32(MARVIN_SEED, &e[..32]) != hash2 {
            break;
        }
        let seq = rd_u32(e, 12).unwrap_or(0);
        let bins_size = rd_u32(e, 16).unwrap_or(0);
        let count = rd_u32(e, 20).unwrap_or(0) as usize;
        let refs_end = match count.checked_mul(8).and_then(|n| n.checked_add(40)) {
            Some(n) if n <= size => n,
            _ => break,
        };
        let mut pages = Vec::with_capacity(count);
        let mut data_pos = refs_end;
        let mut ok = true;
        for i in 0..count {
            let off = rd_u32(e, 40 + i * 8).unwrap_or(0) as usize;
            let len = rd_u32(e, 44 + i * 8).unwrap_or(0) as usize;
            let end = data_pos.checked_add(len);
            match end {
                Some(end)
                    if end <= size
                        && off
                            .checked_add(len)
                            .is_some_and(|x| x <= bins_size as usize) =>
                {
                    pages.push((off, &e[data_pos..end]));
                    data_pos = end;
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok || bins_size as usize % 4096 != 0 {
            break;
        }
        out.push(Entry {
            seq,
            bins_size,
            pages,
            log: which,
        });
        pos += size;
    }
    out
}

/// Recover a dirty hive in place from its logs (given in LOG1, LOG2 / LOG order).
pub(crate) fn recover(hive: &mut Vec<u8>, logs: &[(String, Vec<u8>)]) -> Outcome {
    let Some(primary) = BaseBlock::parse(hive) else {
        return Outcome::NotApplied("the hive's base block is unreadable".into());
    };
    let mut reasons = Vec::new();

    // New format first (all entries of all type-6 logs together).
    let mut all: Vec<Entry<'_>> = Vec::new();
    let mut new_base: Option<(&[u8], u32)> = None; // (log base block, its seq)
    for (i, (name, bytes)) in logs.iter().enumerate() {
        match BaseBlock::parse(bytes) {
            Some(bb) if bb.file_type == 6 => {
                if !bb.checksum_ok() {
                    reasons.push(format!("{name}: bad base block checksum"));
                    continue;
                }
                if new_base.is_none_or(|(_, s)| bb.seq1 > s) {
                    new_base = Some((&bytes[..SECTOR], bb.seq1));
                }
                let found = entries(bytes, i);
                if found.is_empty() {
                    reasons.push(format!("{name}: no valid log entries"));
                }
                all.extend(found);
            }
            Some(bb) if bb.file_type == 1 || bb.file_type == 2 => {}
            Some(bb) => reasons.push(format!("{name}: unexpected file type {}", bb.file_type)),
            None => reasons.push(format!("{name}: not a transaction log")),
        }
    }
    if !all.is_empty() {
        // A base block with a bad checksum is replaced by the log's copy.
        let mut base = primary;
        if !primary.checksum_ok() {
            if let Some((bytes, _)) = new_base {
                hive[..SECTOR].copy_from_slice(bytes);
                hive[28..32].copy_from_slice(&0u32.to_le_bytes());
                if let Some(bb) = BaseBlock::parse(hive) {
                    base = bb;
                }
            }
        }
        all.sort_by_key(|e| e.seq);
        let mut next = base.seq2;
        let mut applied = 0;
        let mut used = Vec::new();
        let limit = hive.len() + logs.iter().map(|(_, b)| b.len()).sum::<usize>() + (1 << 20);
        let mut bins_size = base.bins_size;
        for e in all.iter().filter(|e| e.seq >= base.seq2) {
            if applied > 0 && e.seq < next {
                continue; // the same entry again (kept in both logs)
            }
            if e.seq != next && applied > 0 {
                break; // a gap: later entries depend on missing ones
            }
            let new_len = BASE_BLOCK + e.bins_size as usize;
            if new_len > limit {
                break;
            }
            if hive.len() < new_len {
                hive.resize(new_len, 0);
            }
            for (off, page) in &e.pages {
                let at = BASE_BLOCK + off;
                hive[at..at + page.len()].copy_from_slice(page);
            }
            bins_size = e.bins_size;
            next = e.seq.wrapping_add(1);
            applied += 1;
            if !used.contains(&e.log) {
                used.push(e.log);
            }
        }
        if applied > 0 {
            let seq = next.wrapping_sub(1);
            finish(hive, seq, bins_size);
            let from = used.iter().map(|&i| logs[i].0.clone()).collect();
            return Outcome::Applied {
                entries: applied,
                from,
            };
        }
        reasons.push(format!(
            "no log entry continues from the hive's sequence number {}",
            base.seq2
        ));
    }

    // Old format: the log whose timestamp matches the hive's.
    for (name, bytes) in logs {
        let Some(bb) = BaseBlock::parse(bytes) else {
            continue;
        };
        if bb.file_type != 1 && bb.file_type != 2 {
            continue;
        }
        if !bb.checksum_ok() || bb.seq1 != bb.seq2 {
            reasons.push(format!("{name}: log base block is invalid or incomplete"));
            continue;
        }
        if bb.timestamp != primary.timestamp && primary.checksum_ok() {
            reasons.push(format!("{name}: log belongs to another write of the hive"));
            continue;
        }
        match apply_old(hive, bytes, &bb) {
            Ok(()) => {
                return Outcome::Applied {
                    entries: 1,
                    from: vec![name.clone()],
                }
            }
            Err(e) => reasons.push(format!("{name}: {e}")),
        }
    }
    if reasons.is_empty() {
        reasons.push("no usable transaction log".into());
    }
    Outcome::NotApplied(reasons.join("; "))
}

fn apply_old(hive: &mut Vec<u8>, log: &[u8], bb: &BaseBlock) -> Result<(), String> {
    let bins = bb.bins_size as usize;
    if bins % 4096 != 0 || bins > hive.len() + log.len() + (1 << 20) {
        return Err(format!("implausible hive bins size {bins}"));
    }
    if log.get(SECTOR..SECTOR + 4) != Some(b"DIRT") {
        return Err("no dirty vector".into());
    }
    let pages = bins / SECTOR;
    let bitmap_len = pages.div_ceil(8);
    let bitmap = log
        .get(SECTOR + 4..SECTOR + 4 + bitmap_len)
        .ok_or("dirty vector is truncated")?;
    let mut src = (SECTOR + 4 + bitmap_len).div_ceil(SECTOR) * SECTOR;
    let mut writes = Vec::new();
    for page in 0..pages {
        if bitmap[page / 8] & (1 << (page % 8)) != 0 {
            let data = log
                .get(src..src + SECTOR)
                .ok_or("dirty pages are truncated")?;
            writes.push((page * SECTOR, data));
            src += SECTOR;
        }
    }
    let new_len = BASE_BLOCK + bins;
    if hive.len() < new_len {
        hive.resize(new_len, 0);
    }
    for (off, data) in writes {
        hive[BASE_BLOCK + off..BASE_BLOCK + off + SECTOR].copy_from_slice(data);
    }
    finish(hive, bb.seq1, bb.bins_size);
    Ok(())
}

/// Mark the recovered base block clean: equal sequence numbers, new size, checksum.
fn finish(hive: &mut [u8], seq: u32, bins_size: u32) {
    hive[4..8].copy_from_slice(&seq.to_le_bytes());
    hive[8..12].copy_from_slice(&seq.to_le_bytes());
    hive[28..32].copy_from_slice(&0u32.to_le_bytes());
    hive[40..44].copy_from_slice(&bins_size.to_le_bytes());
    let c = base_checksum(hive);
    hive[508..512].copy_from_slice(&c.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::marvin32;

    #[test]
    fn marvin32_vectors() {
        // Published test vectors of the Marvin32 hash (.NET's MarvinTests).
        let seed = 0x004F_B61A_001B_DBCC;
        assert_eq!(marvin32(seed, &[]), 0x30ED_35C1_00CD_3C7D);
        assert_eq!(marvin32(seed, &[0xAF]), 0x48E7_3FC7_7D75_DDC1);
        assert_eq!(marvin32(seed, &[0xE7, 0x0F]), 0xB5F6_E1FC_485D_BFF8);
        assert_eq!(marvin32(seed, &[0x37, 0xF4, 0x95]), 0xF0B0_7C78_9B8C_F7E8);
        assert_eq!(
            marvin32(seed, &[0x86, 0x42, 0xDC, 0x59]),
            0x7008_F2E8_7E9C_F556
        );
        assert_eq!(
            marvin32(seed, &[0x15, 0x3F, 0xB7, 0x98, 0x26]),
            0xE6C0_8C6D_A2AF_A997
        );
        let seed3 = 0x804F_B61A_801B_DBCC;
        assert_eq!(marvin32(seed3, &[0xFF, 0x00, 0xFF]), 0x9D85_77C0_FE0D_30BF);
    }
}
