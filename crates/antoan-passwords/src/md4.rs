//! MD4, scalar and multi-buffer (SSE2, AVX2, AVX-512), for NT hashes.
//!
//! The multi-buffer kernels hash many single-block messages at once: the
//! caller lays out message word `k` of lane `l` at `x[k][l]` (a transposed
//! layout), so each SIMD register holds the same word of 4, 8 or 16
//! messages. Every kernel computes exactly what [`md4_block`] computes, which
//! the tests check lane by lane against an independent implementation.

pub const INIT: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
const K2: u32 = 0x5a82_7999;
const K3: u32 = 0x6ed9_eba1;

/// One MD4 compression of a 64-byte block (as 16 little-endian words).
pub fn md4_block(state: &mut [u32; 4], x: &[u32; 16]) {
    let [mut a, mut b, mut c, mut d] = *state;
    macro_rules! ff {
        ($a:ident, $b:ident, $c:ident, $d:ident, $k:expr, $s:expr) => {
            $a = $a
                .wrapping_add((($c ^ $d) & $b) ^ $d)
                .wrapping_add(x[$k])
                .rotate_left($s)
        };
    }
    macro_rules! gg {
        ($a:ident, $b:ident, $c:ident, $d:ident, $k:expr, $s:expr) => {
            $a = $a
                .wrapping_add(($b & $c) | ($d & ($b | $c)))
                .wrapping_add(x[$k])
                .wrapping_add(K2)
                .rotate_left($s)
        };
    }
    macro_rules! hh {
        ($a:ident, $b:ident, $c:ident, $d:ident, $k:expr, $s:expr) => {
            $a = $a
                .wrapping_add($b ^ $c ^ $d)
                .wrapping_add(x[$k])
                .wrapping_add(K3)
                .rotate_left($s)
        };
    }
    for i in 0..4 {
        ff!(a, b, c, d, 4 * i, 3);
        ff!(d, a, b, c, 4 * i + 1, 7);
        ff!(c, d, a, b, 4 * i + 2, 11);
        ff!(b, c, d, a, 4 * i + 3, 19);
    }
    for i in 0..4 {
        gg!(a, b, c, d, i, 3);
        gg!(d, a, b, c, i + 4, 5);
        gg!(c, d, a, b, i + 8, 9);
        gg!(b, c, d, a, i + 12, 13);
    }
    for i in [0, 2, 1, 3] {
        hh!(a, b, c, d, i, 3);
        hh!(d, a, b, c, i + 8, 9);
        hh!(c, d, a, b, i + 4, 11);
        hh!(b, c, d, a, i + 12, 15);
    }
    state[0] = state[0].wrapping_add(a);
    state[1] = state[1].wrapping_add(b);
    state[2] = state[2].wrapping_add(c);
    state[3] = state[3].wrapping_add(d);
}

/// MD4 of any message.
pub fn md4(msg: &[u8]) -> [u8; 16] {
    let mut state = INIT;
    let mut chunks = msg.chunks_exact(64);
    let mut x = [0u32; 16];
    for block in &mut chunks {
        for (w, b) in x.iter_mut().zip(block.chunks_exact(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        md4_block(&mut state, &x);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let blocks = if rest.len() < 56 { 1 } else { 2 };
    let bits = (msg.len() as u64).wrapping_mul(8);
    tail[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_le_bytes());
    for block in tail[..blocks * 64].chunks_exact(64) {
        for (w, b) in x.iter_mut().zip(block.chunks_exact(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        md4_block(&mut state, &x);
    }
    let mut out = [0u8; 16];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_le_bytes());
    }
    out
}

/// Which multi-buffer kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// Messages per kernel call: the widest kernel's lane count. Narrower
/// kernels loop over it.
pub const LANES: usize = 32;

/// Transposed message words of [`LANES`] single-block messages.
pub type Block = [[u32; LANES]; 16];
/// Transposed output states (A, B, C, D) of [`LANES`] messages.
pub type Digests = [[u32; LANES]; 4];

impl Kernel {
    /// The best kernel this processor runs.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return Kernel::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
            Kernel::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        Kernel::Scalar
    }

    /// Every kernel this processor runs (for tests and benchmarks).
    pub fn available() -> Vec<Kernel> {
        let mut v = vec![Kernel::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            v.push(Kernel::Sse2);
            if std::is_x86_feature_detected!("avx2") {
                v.push(Kernel::Avx2);
            }
            if std::is_x86_feature_detected!("avx512f") {
                v.push(Kernel::Avx512);
            }
        }
        v
    }

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Scalar => "scalar",
            #[cfg(target_arch = "x86_64")]
            Kernel::Sse2 => "sse2",
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => "avx2",
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => "avx512",
        }
    }

    /// Hashes [`LANES`] single-block messages from the initial state; writes
    /// the final A, B, C, D words.
    pub fn md4_lanes(self, x: &Block, out: &mut Digests) {
        match self {
            Kernel::Scalar => scalar_lanes(x, out),
            // SAFETY: each arm runs only if `detect`/`available` saw the
            // feature (a `Kernel` of that kind is only made there), and SSE2
            // is part of the x86_64 baseline.
            #[cfg(target_arch = "x86_64")]
            Kernel::Sse2 => unsafe { x86::sse2(x, out) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { x86::avx2(x, out) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { x86::avx512(x, out) },
        }
    }
}

fn scalar_lanes(x: &Block, out: &mut Digests) {
    let mut w = [0u32; 16];
    for l in 0..LANES {
        for k in 0..16 {
            w[k] = x[k][l];
        }
        let mut st = INIT;
        md4_block(&mut st, &w);
        for i in 0..4 {
            out[i][l] = st[i];
        }
    }
}

/// The MD4 rounds over `N` interleaved vectors, written once for every ISA.
/// Expects in scope: `V`, `W` (lanes per vector), and functions
/// `ld(&[u32]) -> V`, `st(&mut [u32], V)`, `splat(u32) -> V`, `add`,
/// `fsel` (F), `maj` (G), `xor3` (H) and `rot::<S, R>` (rotate left by S).
#[cfg(target_arch = "x86_64")]
macro_rules! md4_kernel {
    ($x:ident, $out:ident, $n:expr) => {{
        const N: usize = $n;
        let mut g = 0;
        while g < LANES {
            // Load the message words of N vectors.
            let mut m = [[splat(0); N]; 16];
            for k in 0..16 {
                for j in 0..N {
                    m[k][j] = ld(&$x[k][g + j * W..g + (j + 1) * W]);
                }
            }
            let mut a = [splat(INIT[0]); N];
            let mut b = [splat(INIT[1]); N];
            let mut c = [splat(INIT[2]); N];
            let mut d = [splat(INIT[3]); N];
            macro_rules! step {
                ($f:ident, $A:ident, $B:ident, $C:ident, $D:ident, $k:expr, $kc:expr, $s:literal, $r:literal) => {
                    for j in 0..N {
                        let t = add(add($A[j], $f($B[j], $C[j], $D[j])), add(m[$k][j], splat($kc)));
                        $A[j] = rot::<$s, $r>(t);
                    }
                };
            }
            for i in 0..4 {
                step!(fsel, a, b, c, d, 4 * i, 0, 3, 29);
                step!(fsel, d, a, b, c, 4 * i + 1, 0, 7, 25);
                step!(fsel, c, d, a, b, 4 * i + 2, 0, 11, 21);
                step!(fsel, b, c, d, a, 4 * i + 3, 0, 19, 13);
            }
            for i in 0..4 {
                step!(maj, a, b, c, d, i, K2, 3, 29);
                step!(maj, d, a, b, c, i + 4, K2, 5, 27);
                step!(maj, c, d, a, b, i + 8, K2, 9, 23);
                step!(maj, b, c, d, a, i + 12, K2, 13, 19);
            }
            for i in [0, 2, 1, 3] {
                step!(xor3, a, b, c, d, i, K3, 3, 29);
                step!(xor3, d, a, b, c, i + 8, K3, 9, 23);
                step!(xor3, c, d, a, b, i + 4, K3, 11, 21);
                step!(xor3, b, c, d, a, i + 12, K3, 15, 17);
            }
            for j in 0..N {
                let o = g + j * W..g + (j + 1) * W;
                st(&mut $out[0][o.clone()], add(a[j], splat(INIT[0])));
                st(&mut $out[1][o.clone()], add(b[j], splat(INIT[1])));
                st(&mut $out[2][o.clone()], add(c[j], splat(INIT[2])));
                st(&mut $out[3][o], add(d[j], splat(INIT[3])));
            }
            g += N * W;
        }
    }};
}

#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)]
mod x86 {
    use super::{Block, Digests, INIT, K2, K3, LANES};

    pub(super) mod v128 {
        use std::arch::x86_64::*;
        pub type V = __m128i;
        pub const W: usize = 4;
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn ld(s: &[u32]) -> V {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 4 u32; unaligned load.
            unsafe { _mm_loadu_si128(s.as_ptr().cast()) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn st(s: &mut [u32], v: V) {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 4 u32; unaligned store.
            unsafe { _mm_storeu_si128(s.as_mut_ptr().cast(), v) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn splat(v: u32) -> V {
            unsafe { _mm_set1_epi32(v as i32) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn add(a: V, b: V) -> V {
            unsafe { _mm_add_epi32(a, b) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn fsel(b: V, c: V, d: V) -> V {
            unsafe { _mm_xor_si128(_mm_and_si128(_mm_xor_si128(c, d), b), d) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn maj(b: V, c: V, d: V) -> V {
            unsafe { _mm_or_si128(_mm_and_si128(b, c), _mm_and_si128(d, _mm_or_si128(b, c))) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn xor3(b: V, c: V, d: V) -> V {
            unsafe { _mm_xor_si128(_mm_xor_si128(b, c), d) }
        }
        #[inline]
        #[target_feature(enable = "sse2")]
        pub fn rot<const S: i32, const R: i32>(x: V) -> V {
            unsafe { _mm_or_si128(_mm_slli_epi32::<S>(x), _mm_srli_epi32::<R>(x)) }
        }
    }

    pub(super) mod v256 {
        use std::arch::x86_64::*;
        pub type V = __m256i;
        pub const W: usize = 8;
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn ld(s: &[u32]) -> V {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 8 u32; unaligned load.
            unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn st(s: &mut [u32], v: V) {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 8 u32; unaligned store.
            unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn splat(v: u32) -> V {
            unsafe { _mm256_set1_epi32(v as i32) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn add(a: V, b: V) -> V {
            unsafe { _mm256_add_epi32(a, b) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn fsel(b: V, c: V, d: V) -> V {
            unsafe { _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256(c, d), b), d) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn maj(b: V, c: V, d: V) -> V {
            unsafe {
                _mm256_or_si256(
                    _mm256_and_si256(b, c),
                    _mm256_and_si256(d, _mm256_or_si256(b, c)),
                )
            }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn xor3(b: V, c: V, d: V) -> V {
            unsafe { _mm256_xor_si256(_mm256_xor_si256(b, c), d) }
        }
        #[inline]
        #[target_feature(enable = "avx2")]
        pub fn rot<const S: i32, const R: i32>(x: V) -> V {
            unsafe { _mm256_or_si256(_mm256_slli_epi32::<S>(x), _mm256_srli_epi32::<R>(x)) }
        }
    }

    pub(super) mod v512 {
        use std::arch::x86_64::*;
        pub type V = __m512i;
        pub const W: usize = 16;
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn ld(s: &[u32]) -> V {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 16 u32; unaligned load.
            unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn st(s: &mut [u32], v: V) {
            assert!(s.len() >= W);
            // SAFETY: the slice holds at least 16 u32; unaligned store.
            unsafe { _mm512_storeu_si512(s.as_mut_ptr().cast(), v) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn splat(v: u32) -> V {
            unsafe { _mm512_set1_epi32(v as i32) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn add(a: V, b: V) -> V {
            unsafe { _mm512_add_epi32(a, b) }
        }
        /// F: b ? c : d (truth table 0xCA).
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn fsel(b: V, c: V, d: V) -> V {
            unsafe { _mm512_ternarylogic_epi32::<0xCA>(b, c, d) }
        }
        /// G: majority (truth table 0xE8).
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn maj(b: V, c: V, d: V) -> V {
            unsafe { _mm512_ternarylogic_epi32::<0xE8>(b, c, d) }
        }
        /// H: b ^ c ^ d (truth table 0x96).
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn xor3(b: V, c: V, d: V) -> V {
            unsafe { _mm512_ternarylogic_epi32::<0x96>(b, c, d) }
        }
        #[inline]
        #[target_feature(enable = "avx512f")]
        pub fn rot<const S: i32, const R: i32>(x: V) -> V {
            unsafe { _mm512_rol_epi32::<S>(x) }
        }
    }

    #[target_feature(enable = "sse2")]
    pub(super) unsafe fn sse2(x: &Block, out: &mut Digests) {
        use v128::*;
        md4_kernel!(x, out, 2);
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2(x: &Block, out: &mut Digests) {
        use v256::*;
        md4_kernel!(x, out, 2);
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn avx512(x: &Block, out: &mut Digests) {
        use v512::*;
        md4_kernel!(x, out, 2);
    }
}
