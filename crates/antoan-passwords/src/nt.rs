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
    let mut buf: Vec<u8> = password
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
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
        let want = (map.len().max(1) * 64)
            .next_power_of_two()
            .clamp(1 << 16, 1 << 28);
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
    avx2: bool,
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
            #[cfg(target_arch = "x86_64")]
            avx2: kernel != Kernel::Scalar
                && kernel != Kernel::Sse2
                && std::is_x86_feature_detected!("avx2"),
            #[cfg(not(target_arch = "x86_64"))]
            avx2: false,
        }
    }

    /// NT-hashes candidates `range` of `chunk` and pushes every match.
    pub fn run(
        &mut self,
        chunk: &Chunk,
        range: std::ops::Range<usize>,
        targets: &Targets,
        hits: &mut Vec<Hit>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU has AVX2.
            unsafe { run_avx2(self, chunk, range, targets, hits) };
            return;
        }
        self.run_scalar(chunk, range, targets, hits)
    }

    fn run_scalar(
        &mut self,
        chunk: &Chunk,
        range: std::ops::Range<usize>,
        targets: &Targets,
        hits: &mut Vec<Hit>,
    ) {
        let mut lanes = 0usize;
        for i in range {
            let c = chunk.get(i);
            if c.len() <= 27 && self.pack(c, lanes) {
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

    /// Writes candidate `c` (at most 27 bytes) as the UTF-16LE MD4 block of
    /// lane `lane`; false (nothing written) if it is not ASCII.
    #[inline]
    fn pack(&mut self, c: &[u8], lane: usize) -> bool {
        if !c.is_ascii() {
            return false;
        }
        let mut buf = [0u8; 28];
        buf[..c.len()].copy_from_slice(c);
        buf[c.len()] = 0x80;
        let b = &mut *self.block;
        for j in 0..14 {
            b[j][lane] = buf[2 * j] as u32 | (buf[2 * j + 1] as u32) << 16;
        }
        b[14][lane] = (c.len() as u32) * 16;
        buf.fill(0);
        true
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

/// The NT loop with AVX2 packing: each candidate is masked, end-marked,
/// checked for ASCII and widened to UTF-16LE in registers; groups of 8 are
/// transposed (8x8 of u32) into the kernel's word-major block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn run_avx2(
    w: &mut NtWorker,
    chunk: &Chunk,
    range: std::ops::Range<usize>,
    targets: &Targets,
    hits: &mut Vec<Hit>,
) {
    use std::arch::x86_64::*;
    let iota = _mm256_setr_epi8(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31,
    );
    let x80 = _mm256_set1_epi8(0x80u8 as i8);
    let zero = _mm256_setzero_si256();
    let mut lo = [zero; 8];
    let mut hi = [zero; 8];
    let mut lens = [0u32; 8];
    let mut g = 0usize; // candidates in the current group of 8
    let mut lanes = 0usize; // lanes of the block filled by whole groups
    let mut tmp = [0u8; 32];

    // Writes the group (padded with zero rows) at lane `lanes`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store_group(
        block: &mut Block,
        at: usize,
        lo: &[__m256i; 8],
        hi: &[__m256i; 8],
        lens: &[u32; 8],
    ) {
        // SAFETY: stores of 8 u32 into rows of LANES u32 at `at`, and
        // `at + 8 <= LANES` (slicing checks it).
        unsafe {
            let t = transpose8(lo);
            for (j, v) in t.iter().enumerate() {
                _mm256_storeu_si256(block[j][at..at + 8].as_mut_ptr().cast(), *v);
            }
            let t = transpose8(hi);
            for (j, v) in t.iter().enumerate().take(6) {
                _mm256_storeu_si256(block[8 + j][at..at + 8].as_mut_ptr().cast(), *v);
            }
            block[14][at..at + 8].copy_from_slice(lens);
        }
    }

    for i in range {
        let c = chunk.get(i);
        let n = c.len();
        if n <= 27 {
            let win: &[u8; 32] = match chunk.window32(i) {
                Some(x) => x,
                None => {
                    tmp = [0u8; 32];
                    tmp[..n].copy_from_slice(c);
                    &tmp
                }
            };
            // SAFETY: a 32-byte load from a 32-byte array.
            let v = unsafe { _mm256_loadu_si256(win.as_ptr().cast()) };
            let lenv = _mm256_set1_epi8(n as i8);
            let v = _mm256_and_si256(v, _mm256_cmpgt_epi8(lenv, iota));
            if _mm256_movemask_epi8(v) == 0 {
                let v = _mm256_or_si256(v, _mm256_and_si256(_mm256_cmpeq_epi8(iota, lenv), x80));
                lo[g] = _mm256_cvtepu8_epi16(_mm256_castsi256_si128(v));
                hi[g] = _mm256_cvtepu8_epi16(_mm256_extracti128_si256::<1>(v));
                lens[g] = (n as u32) * 16;
                w.lane_cand[lanes + g] = i as u32;
                g += 1;
                if g == 8 {
                    store_group(&mut w.block, lanes, &lo, &hi, &lens);
                    g = 0;
                    lanes += 8;
                    if lanes == LANES {
                        w.flush(lanes, targets, hits);
                        lanes = 0;
                    }
                }
                continue;
            }
        }
        if let Ok(s) = std::str::from_utf8(c) {
            let h = nt_hash(s);
            if let Some(accs) = targets.get(&h) {
                hits.extend(accs.iter().map(|&a| (i as u32, a)));
            }
        }
    }
    if g > 0 {
        for k in g..8 {
            lo[k] = zero;
            hi[k] = zero;
            lens[k] = 0;
        }
        store_group(&mut w.block, lanes, &lo, &hi, &lens);
        lanes += g;
    }
    if lanes > 0 {
        w.flush(lanes, targets, hits);
    }
    tmp.fill(0);
    lo = [zero; 8];
    hi = [zero; 8];
    let _ = (lo, hi);
}

/// 8x8 transpose of u32: row `j` of the result is element `j` of every input.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
fn transpose8(r: &[std::arch::x86_64::__m256i; 8]) -> [std::arch::x86_64::__m256i; 8] {
    use std::arch::x86_64::*;
    let t0 = _mm256_unpacklo_epi32(r[0], r[1]);
    let t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    let t2 = _mm256_unpacklo_epi32(r[2], r[3]);
    let t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    let t4 = _mm256_unpacklo_epi32(r[4], r[5]);
    let t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    let t6 = _mm256_unpacklo_epi32(r[6], r[7]);
    let t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    let u0 = _mm256_unpacklo_epi64(t0, t2);
    let u1 = _mm256_unpackhi_epi64(t0, t2);
    let u2 = _mm256_unpacklo_epi64(t1, t3);
    let u3 = _mm256_unpackhi_epi64(t1, t3);
    let u4 = _mm256_unpacklo_epi64(t4, t6);
    let u5 = _mm256_unpackhi_epi64(t4, t6);
    let u6 = _mm256_unpacklo_epi64(t5, t7);
    let u7 = _mm256_unpackhi_epi64(t5, t7);
    [
        _mm256_permute2x128_si256::<0x20>(u0, u4),
        _mm256_permute2x128_si256::<0x20>(u1, u5),
        _mm256_permute2x128_si256::<0x20>(u2, u6),
        _mm256_permute2x128_si256::<0x20>(u3, u7),
        _mm256_permute2x128_si256::<0x31>(u0, u4),
        _mm256_permute2x128_si256::<0x31>(u1, u5),
        _mm256_permute2x128_si256::<0x31>(u2, u6),
        _mm256_permute2x128_si256::<0x31>(u3, u7),
    ]
}
