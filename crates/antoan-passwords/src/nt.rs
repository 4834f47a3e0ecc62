//! NT and LM hashing of candidates, checked against every target at once.
//!
//! NT: MD4 of the UTF-16LE password. ASCII candidates of up to 27
//! characters fit one MD4 block and go through the multi-buffer kernel
//! ([`crate::md4::Kernel`]); others take the scalar path. Each digest is first
//! tested against a bitmap of the targets' first words, so one pass over the
//! candidates checks all accounts for the cost of one.
//!
//! LM: DES of `KGS!@#$%` under the two 7-character halves of the
//! upper-cased password (ASCII, at most 14 characters).

use std::collections::HashMap;

use des::cipher::{BlockCipherEncrypt, KeyInit};

use crate::candidates::Chunk;
use crate::hash::Hash16;
use crate::md4::{md4, Block, Digests, Kernel, LANES};

/// NT hash of a password given as UTF-8 text.
pub fn nt_hash(password: &str) -> Hash16 {
    let mut buf: Vec<u8> = password.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let h = md4(&buf);
    zeroize::Zeroize::zeroize(&mut buf);
    Hash16(h)
}

/// LM hash of a password, `None` if it has no LM hash (longer than 14
/// characters, or not ASCII: we do not guess the OEM code page).
pub fn lm_hash(password: &[u8]) -> Option<Hash16> {
    if password.len() > 14 || !password.is_ascii() {
        return None;
    }
    let mut p = [0u8; 14];
    for (d, s) in p.iter_mut().zip(password) {
        *d = s.to_ascii_uppercase();
    }
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&lm_half(&p[..7]));
    out[8..].copy_from_slice(&lm_half(&p[7..]));
    zeroize::Zeroize::zeroize(&mut p);
    Some(Hash16(out))
}

fn lm_half(k7: &[u8]) -> [u8; 8] {
    let b = k7;
    let mut k = [
        b[0] >> 1,
        ((b[0] & 0x01) << 6) | (b[1] >> 2),
        ((b[1] & 0x03) << 5) | (b[2] >> 3),
        ((b[2] & 0x07) << 4) | (b[3] >> 4),
        ((b[3] & 0x0f) << 3) | (b[4] >> 5),
        ((b[4] & 0x1f) << 2) | (b[5] >> 6),
        ((b[5] & 0x3f) << 1) | (b[6] >> 7),
        b[6] & 0x7f,
    ];
    for x in k.iter_mut() {
        *x <<= 1;
    }
    let mut block = des::cipher::Block::<des::Des>::from(*b"KGS!@#$%");
    match des::Des::new_from_slice(&k) {
        Ok(c) => c.encrypt_block(&mut block),
        Err(_) => return [0; 8], // 8-byte key: never happens
    }
    zeroize::Zeroize::zeroize(&mut k);
    let mut r = [0u8; 8];
    r.copy_from_slice(&block);
    r
}

/// The hashes searched for, each mapped to the indexes of the accounts that
/// have it.
#[derive(Default)]
pub struct Targets {
    map: HashMap<Hash16, Vec<u32>>,
    bitmap: Vec<u64>,
    mask: u32,
}

impl std::fmt::Debug for Targets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Targets({} hashes, <redacted>)", self.map.len())
    }
}

impl Targets {
    pub fn new(items: impl IntoIterator<Item = (Hash16, u32)>) -> Targets {
        let mut map: HashMap<Hash16, Vec<u32>> = HashMap::new();
        for (h, i) in items {
            map.entry(h).or_default().push(i);
        }
        // About one bit set in 64, at least 2^16 bits, at most 2^28.
        let want = (map.len().max(1) * 64).next_power_of_two().clamp(1 << 16, 1 << 28);
        let mut bitmap = vec![0u64; want / 64];
        let mask = (want - 1) as u32;
        for h in map.keys() {
            let a = u32::from_le_bytes([h.0[0], h.0[1], h.0[2], h.0[3]]) & mask;
            bitmap[(a >> 6) as usize] |= 1 << (a & 63);
        }
        Targets { map, bitmap, mask }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn map_values(&self) -> impl Iterator<Item = &Vec<u32>> {
        self.map.values()
    }

    #[inline]
    fn maybe(&self, a: u32) -> bool {
        let a = a & self.mask;
        self.bitmap[(a >> 6) as usize] & (1 << (a & 63)) != 0
    }

    #[inline]
    pub fn get(&self, h: &Hash16) -> Option<&[u32]> {
        if !self.maybe(u32::from_le_bytes([h.0[0], h.0[1], h.0[2], h.0[3]])) {
            return None;
        }
        self.map.get(h).map(|v| v.as_slice())
    }
}

/// A hit: candidate index in the chunk, account index.
pub type Hit = (u32, u32);

/// Per-thread NT hashing state.
pub struct NtWorker {
    kernel: Kernel,
    block: Box<Block>,
    out: Box<Digests>,
    lane_cand: [u32; LANES],
}

impl std::fmt::Debug for NtWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NtWorker({})", self.kernel.name())
    }
}

impl Drop for NtWorker {
    fn drop(&mut self) {
        for w in self.block.iter_mut() {
            w.fill(0);
        }
    }
}

impl NtWorker {
    pub fn new(kernel: Kernel) -> NtWorker {
        NtWorker {
            kernel,
            block: Box::new([[0; LANES]; 16]),
            out: Box::new([[0; LANES]; 4]),
            lane_cand: [0; LANES],
        }
    }

    /// NT-hashes candidates `range` of `chunk` and pushes every match.
    pub fn run(&mut self, chunk: &Chunk, range: std::ops::Range<usize>, targets: &Targets, hits: &mut Vec<Hit>) {
        let mut lanes = 0usize;
        for i in range {
            let c = chunk.get(i);
            if c.len() <= 27 && c.is_ascii() {
                if lanes == 0 {
                    for w in self.block.iter_mut() {
                        w.fill(0);
                    }
                }
                let b = &mut self.block;
                let mut k = 0;
                while k + 1 < c.len() {
                    b[k / 2][lanes] = c[k] as u32 | (c[k + 1] as u32) << 16;
                    k += 2;
                }
                b[k / 2][lanes] = if k < c.len() { c[k] as u32 | 0x80 << 16 } else { 0x80 };
                b[14][lanes] = (c.len() as u32) * 16;
                self.lane_cand[lanes] = i as u32;
                lanes += 1;
                if lanes == LANES {
                    self.flush(lanes, targets, hits);
                    lanes = 0;
                }
            } else if let Ok(s) = std::str::from_utf8(c) {
                let h = nt_hash(s);
                if let Some(accs) = targets.get(&h) {
                    hits.extend(accs.iter().map(|&a| (i as u32, a)));
                }
            }
        }
        if lanes > 0 {
            self.flush(lanes, targets, hits);
        }
    }

    fn flush(&mut self, lanes: usize, targets: &Targets, hits: &mut Vec<Hit>) {
        self.kernel.md4_lanes(&self.block, &mut self.out);
        for l in 0..lanes {
            if targets.maybe(self.out[0][l]) {
                let mut h = [0u8; 16];
                for w in 0..4 {
                    h[w * 4..w * 4 + 4].copy_from_slice(&self.out[w][l].to_le_bytes());
                }
                if let Some(accs) = targets.map.get(&Hash16(h)) {
                    hits.extend(accs.iter().map(|&a| (self.lane_cand[l], a)));
                }
            }
        }
    }
}
