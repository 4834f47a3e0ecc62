//! crypt(3) verification. yescrypt (`$y$`) and gost-yescrypt (`$gy$`) go
//! through the system's libxcrypt (`crypt_rn` from libcrypt.so.1, the same
//! code `john --format=crypt` and the system's own login use, and faster
//! than the pure-Rust crate); the pure-Rust implementations stay as the
//! fallback for settings libxcrypt rejects. sha512crypt and sha256crypt,
//! bcrypt go through maintained RustCrypto/bcrypt crates; md5crypt, DES crypt
//! and gost-yescrypt's fallback are written here (small, and checked against
//! the system's `mkpasswd` in the tests).
//!
//! `verify` answers only true/false: errors of the underlying crates are
//! dropped so that no hash text can travel up in an error message.

use md5::{Digest, Md5};
use password_hash_compat::PasswordVerifier;
use zeroize::Zeroize;

use crate::hash::{CryptHash, CryptScheme};

mod password_hash_compat {
    pub use sha_crypt::PasswordVerifier;
}

const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// ---- libxcrypt ----

/// `CRYPT_OUTPUT_SIZE` in libxcrypt's crypt.h.
const CRYPT_OUTPUT_SIZE: usize = 384;
/// `CRYPT_MAX_PASSPHRASE_SIZE` (the terminating NUL included).
const CRYPT_MAX_PASSPHRASE_SIZE: usize = 512;
/// `sizeof(struct crypt_data)`: output, setting, input, reserved (767),
/// initialized (1), internal (30720).
const CRYPT_DATA_SIZE: usize =
    CRYPT_OUTPUT_SIZE + CRYPT_OUTPUT_SIZE + CRYPT_MAX_PASSPHRASE_SIZE + 767 + 1 + 30720;

/// libxcrypt's `struct crypt_data`, as an opaque byte area (it holds only
/// `char` fields). Over-aligned so the library's scratch area is aligned
/// whatever it casts it to.
#[repr(C, align(64))]
struct CryptData {
    bytes: [u8; CRYPT_DATA_SIZE],
}

mod ffi {
    use std::os::raw::{c_char, c_int, c_void};

    #[link(name = "crypt")]
    extern "C" {
        /// `char *crypt_rn(const char *phrase, const char *setting, void *data, int size);`
        /// Returns NULL on any failure (never a "*0"/"*1" failure token).
        pub fn crypt_rn(
            phrase: *const c_char,
            setting: *const c_char,
            data: *mut c_void,
            size: c_int,
        ) -> *mut c_char;
    }
}

/// What libxcrypt answered for one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SysAnswer {
    Match,
    NoMatch,
    /// libxcrypt could not hash this (rejected setting, phrase too long or
    /// holding a NUL, failure token): the caller falls back to Rust.
    Error,
}

/// Per-thread verification state: one heap `struct crypt_data`, allocated
/// zeroed on first use and wiped after every libxcrypt call and on drop.
/// Each worker thread of the audit owns one.
pub struct Verifier {
    data: Option<Box<CryptData>>,
    /// NUL-terminated copies of the setting and the phrase.
    setting: Vec<u8>,
    phrase: Vec<u8>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier {
            data: None,
            setting: Vec::with_capacity(CRYPT_OUTPUT_SIZE),
            phrase: Vec::with_capacity(CRYPT_MAX_PASSPHRASE_SIZE),
        }
    }

    /// True when `password` hashes to `hash`. Never panics (a panic inside a
    /// dependency is caught and counted as "no match").
    pub fn verify(&mut self, hash: &CryptHash, password: &[u8]) -> bool {
        let enc = hash.encoded();
        let scheme = hash.scheme();
        if matches!(scheme, CryptScheme::Yescrypt | CryptScheme::GostYescrypt) {
            match self.system_crypt(enc, password) {
                SysAnswer::Match => return true,
                SysAnswer::NoMatch => return false,
                SysAnswer::Error => {}
            }
        }
        std::panic::catch_unwind(|| verify_inner(scheme, enc, password)).unwrap_or(false)
    }

    /// Hashes `password` with `enc` as the setting through libxcrypt and
    /// compares the result with `enc` in constant time.
    fn system_crypt(&mut self, enc: &str, password: &[u8]) -> SysAnswer {
        let enc = enc.as_bytes();
        // A C string cannot hold a NUL; libxcrypt refuses over-long inputs.
        if enc.contains(&0)
            || password.contains(&0)
            || enc.len() >= CRYPT_OUTPUT_SIZE
            || password.len() >= CRYPT_MAX_PASSPHRASE_SIZE
        {
            return SysAnswer::Error;
        }
        let data = self.data.get_or_insert_with(|| {
            // SAFETY: CryptData is plain bytes; all zeroes is a valid value
            // (and what libxcrypt asks for before first use).
            unsafe { Box::<CryptData>::new_zeroed().assume_init() }
        });
        self.setting.clear();
        self.setting.extend_from_slice(enc);
        self.setting.push(0);
        self.phrase.clear();
        self.phrase.extend_from_slice(password);
        self.phrase.push(0);
        // SAFETY: both strings are NUL-terminated and outlive the call; `data`
        // points to CRYPT_DATA_SIZE writable bytes, the size passed, which is
        // sizeof(struct crypt_data). crypt_rn is thread-safe with a
        // per-caller data area, and each Verifier is used by one thread at a
        // time (&mut self).
        let out = unsafe {
            ffi::crypt_rn(
                self.phrase.as_ptr().cast(),
                self.setting.as_ptr().cast(),
                (&mut **data as *mut CryptData).cast(),
                CRYPT_DATA_SIZE as std::os::raw::c_int,
            )
        };
        let answer = if out.is_null() {
            SysAnswer::Error
        } else {
            // The result is written into data.output (NUL-terminated within
            // CRYPT_OUTPUT_SIZE); read it from there, not through the raw
            // pointer, so the length is bounded.
            let o = &data.bytes[..CRYPT_OUTPUT_SIZE];
            let len = o.iter().position(|&b| b == 0).unwrap_or(CRYPT_OUTPUT_SIZE);
            let produced = &o[..len];
            if len == 0 || produced[0] == b'*' {
                // "*0" / "*1" failure tokens (never a valid hash).
                SysAnswer::Error
            } else if ct_eq(produced, enc) {
                SysAnswer::Match
            } else {
                SysAnswer::NoMatch
            }
        };
        data.bytes.zeroize();
        self.phrase.zeroize();
        self.setting.zeroize();
        answer
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        if let Some(d) = self.data.as_mut() {
            d.bytes.zeroize();
        }
        self.phrase.zeroize();
        self.setting.zeroize();
    }
}

/// True when `password` hashes to `hash`. Never panics. Allocates a fresh
/// [`Verifier`] per call: loops should keep one per thread instead.
pub fn verify(hash: &CryptHash, password: &[u8]) -> bool {
    Verifier::new().verify(hash, password)
}

/// The pure-Rust path only (no libxcrypt): the fallback, and a reference
/// for the tests.
pub fn verify_rust(hash: &CryptHash, password: &[u8]) -> bool {
    let enc = hash.encoded();
    let scheme = hash.scheme();
    std::panic::catch_unwind(|| verify_inner(scheme, enc, password)).unwrap_or(false)
}

fn verify_inner(scheme: CryptScheme, enc: &str, password: &[u8]) -> bool {
    match scheme {
        CryptScheme::Yescrypt => yescrypt::Yescrypt::default()
            .verify_password(password, enc)
            .is_ok(),
        CryptScheme::Sha512Crypt => sha_crypt::ShaCrypt::SHA512
            .verify_password(password, enc)
            .is_ok(),
        CryptScheme::Sha256Crypt => sha_crypt::ShaCrypt::SHA256
            .verify_password(password, enc)
            .is_ok(),
        CryptScheme::Bcrypt => bcrypt::verify(password, enc).unwrap_or(false),
        CryptScheme::Md5Crypt => {
            let Some(rest) = enc.strip_prefix("$1$") else {
                return false;
            };
            let Some((salt, _)) = rest.split_once('$') else {
                return false;
            };
            ct_eq(
                md5_crypt(password, salt.as_bytes()).as_bytes(),
                enc.as_bytes(),
            )
        }
        CryptScheme::DesCrypt => {
            let b = enc.as_bytes();
            if b.len() != 13 {
                return false;
            }
            match des_crypt(password, &b[..2]) {
                Some(h) => ct_eq(h.as_bytes(), b),
                None => false,
            }
        }
        CryptScheme::GostYescrypt => gost_yescrypt_verify(enc, password),
    }
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn to64(out: &mut String, mut v: u32, n: usize) {
    for _ in 0..n {
        out.push(ITOA64[(v & 0x3f) as usize] as char);
        v >>= 6;
    }
}

/// md5crypt (`$1$`), as in FreeBSD and glibc. Returns the full string.
pub fn md5_crypt(password: &[u8], salt: &[u8]) -> String {
    let salt = &salt[..salt.len().min(8)];
    let mut alt = Md5::new();
    alt.update(password);
    alt.update(salt);
    alt.update(password);
    let alt = alt.finalize();
    let mut ctx = Md5::new();
    ctx.update(password);
    ctx.update(b"$1$");
    ctx.update(salt);
    let mut pl = password.len();
    while pl > 0 {
        let n = pl.min(16);
        ctx.update(&alt[..n]);
        pl -= n;
    }
    let mut i = password.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(&password[..1]);
        }
        i >>= 1;
    }
    let mut fin: [u8; 16] = ctx.finalize().into();
    for i in 0..1000 {
        let mut c = Md5::new();
        if i & 1 == 1 {
            c.update(password);
        } else {
            c.update(fin);
        }
        if i % 3 != 0 {
            c.update(salt);
        }
        if i % 7 != 0 {
            c.update(password);
        }
        if i & 1 == 1 {
            c.update(fin);
        } else {
            c.update(password);
        }
        fin = c.finalize().into();
    }
    let mut out = String::with_capacity(34);
    out.push_str("$1$");
    out.push_str(&String::from_utf8_lossy(salt));
    out.push('$');
    let f = |a: usize, b: usize, c: usize| {
        ((fin[a] as u32) << 16) | ((fin[b] as u32) << 8) | fin[c] as u32
    };
    to64(&mut out, f(0, 6, 12), 4);
    to64(&mut out, f(1, 7, 13), 4);
    to64(&mut out, f(2, 8, 14), 4);
    to64(&mut out, f(3, 9, 15), 4);
    to64(&mut out, f(4, 10, 5), 4);
    to64(&mut out, fin[11] as u32, 2);
    out
}

// ---- DES, bit by bit, with the crypt(3) salt ----

const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6,
    64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61,
    53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP: [u8; 64] = [
    40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30,
    37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
    34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E: [u8; 48] = [
    32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18,
    19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19,
    13, 30, 6, 22, 11, 4, 25,
];
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
    52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29,
    21, 13, 5, 28, 20, 12, 4,
];
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
    31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS: [u8; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const SBOX: [[u8; 64]; 8] = [
    [
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12,
        11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9,
        1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
    ],
    [
        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1,
        10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15,
        4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
    ],
    [
        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5,
        14, 12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6,
        9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
    ],
    [
        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2,
        12, 1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1,
        13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
    ],
    [
        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15,
        10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14,
        2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
    ],
    [
        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13,
        14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5,
        15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
    ],
    [
        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5,
        12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4,
        10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
    ],
    [
        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6,
        11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10,
        8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ],
];

/// DES key schedule: 16 subkeys of 48 bits (one bit a byte).
fn des_subkeys(key: &[u8; 64]) -> [[u8; 48]; 16] {
    let mut cd = [0u8; 56];
    for (i, &p) in PC1.iter().enumerate() {
        cd[i] = key[p as usize - 1];
    }
    let mut ks = [[0u8; 48]; 16];
    for (r, &s) in SHIFTS.iter().enumerate() {
        cd[..28].rotate_left(s as usize);
        cd[28..].rotate_left(s as usize);
        for (i, &p) in PC2.iter().enumerate() {
            ks[r][i] = cd[p as usize - 1];
        }
    }
    ks
}

/// Encrypts `block` (64 bits, one a byte) in place with the given
/// expansion table (salted for crypt(3)).
fn des_encrypt_bits(block: &mut [u8; 64], ks: &[[u8; 48]; 16], e: &[u8; 48]) {
    let mut lr = [0u8; 64];
    for (i, &p) in IP.iter().enumerate() {
        lr[i] = block[p as usize - 1];
    }
    let (mut l, mut r) = ([0u8; 32], [0u8; 32]);
    l.copy_from_slice(&lr[..32]);
    r.copy_from_slice(&lr[32..]);
    for k in ks {
        let mut x = [0u8; 48];
        for i in 0..48 {
            x[i] = r[e[i] as usize - 1] ^ k[i];
        }
        let mut f = [0u8; 32];
        for s in 0..8 {
            let b = &x[s * 6..s * 6 + 6];
            let row = (b[0] << 1) | b[5];
            let col = (b[1] << 3) | (b[2] << 2) | (b[3] << 1) | b[4];
            let v = SBOX[s][(row * 16 + col) as usize];
            for j in 0..4 {
                f[s * 4 + j] = (v >> (3 - j)) & 1;
            }
        }
        let mut nr = [0u8; 32];
        for i in 0..32 {
            nr[i] = l[i] ^ f[P[i] as usize - 1];
        }
        l = r;
        r = nr;
    }
    // Final swap: R16 L16.
    lr[..32].copy_from_slice(&r);
    lr[32..].copy_from_slice(&l);
    for (i, &p) in FP.iter().enumerate() {
        block[i] = lr[p as usize - 1];
    }
}

fn bits_of(bytes: &[u8; 8]) -> [u8; 64] {
    let mut b = [0u8; 64];
    for i in 0..64 {
        b[i] = (bytes[i / 8] >> (7 - i % 8)) & 1;
    }
    b
}

fn bytes_of(bits: &[u8; 64]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for i in 0..64 {
        out[i / 8] |= bits[i] << (7 - i % 8);
    }
    out
}

/// Plain DES encryption of one block (used to test the tables against the
/// `des` crate).
pub fn des_encrypt(key: &[u8; 8], block: &[u8; 8]) -> [u8; 8] {
    let ks = des_subkeys(&bits_of(key));
    let mut b = bits_of(block);
    des_encrypt_bits(&mut b, &ks, &E);
    bytes_of(&b)
}

fn a64_value(c: u8) -> Option<u8> {
    ITOA64.iter().position(|&x| x == c).map(|p| p as u8)
}

/// Traditional DES crypt: the first 8 characters of `password`, a
/// 2-character salt. `None` for a salt outside the crypt alphabet.
pub fn des_crypt(password: &[u8], salt: &[u8]) -> Option<String> {
    if salt.len() < 2 {
        return None;
    }
    let s0 = a64_value(salt[0])?;
    let s1 = a64_value(salt[1])?;
    let mut e = E;
    for (i, v) in [s0, s1].into_iter().enumerate() {
        for j in 0..6 {
            if (v >> j) & 1 == 1 {
                e.swap(6 * i + j, 6 * i + j + 24);
            }
        }
    }
    let mut key = [0u8; 8];
    for (k, &c) in key.iter_mut().zip(password.iter().take(8)) {
        *k = c << 1;
    }
    let ks = des_subkeys(&bits_of(&key));
    let mut block = [0u8; 64];
    for _ in 0..25 {
        des_encrypt_bits(&mut block, &ks, &e);
    }
    let mut out = String::with_capacity(13);
    out.push(salt[0] as char);
    out.push(salt[1] as char);
    let mut bits = [0u8; 66];
    bits[..64].copy_from_slice(&block);
    for i in 0..11 {
        let mut c = 0u8;
        for j in 0..6 {
            c = (c << 1) | bits[6 * i + j];
        }
        out.push(ITOA64[c as usize] as char);
    }
    key.fill(0);
    Some(out)
}

// ---- gost-yescrypt ($gy$), as in libxcrypt ----

type HmacStreebog = hmac::SimpleHmac<streebog::Streebog256>;

fn hmac_gost(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut m =
        <HmacStreebog as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac());
    m.update(msg);
    let out = m.finalize().into_bytes();
    let mut r = [0u8; 32];
    r.copy_from_slice(&out);
    r
}

#[cold]
fn unreachable_hmac() -> HmacStreebog {
    // HMAC takes keys of any length; this is never reached.
    <HmacStreebog as hmac::KeyInit>::new_from_slice(&[0u8; 32]).unwrap_or_else(|_| unreachable!())
}

/// `$gy$params$salt$hash`: HMAC(HMAC(GOST(pw), "$gy$params$salt"), yescrypt(pw)).
fn gost_yescrypt_verify(enc: &str, password: &[u8]) -> bool {
    let Some(rest) = enc.strip_prefix("$gy$") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('$').collect();
    let [params, salt, hash] = parts.as_slice() else {
        return false;
    };
    let Ok(params) = params.parse::<yescrypt::Params>() else {
        return false;
    };
    let Ok(salt_raw) = mcf::Base64::Crypt.decode_vec(salt) else {
        return false;
    };
    let Ok(expected) = mcf::Base64::Crypt.decode_vec(hash) else {
        return false;
    };
    let mut y = [0u8; 32];
    if yescrypt::yescrypt(password, &salt_raw, &params, &mut y).is_err() {
        return false;
    }
    let hk = {
        use streebog::Digest as _;
        let d = streebog::Streebog256::digest(password);
        let mut k = [0u8; 32];
        k.copy_from_slice(&d);
        k
    };
    // The message is as many bytes of the `$gy$` setting as the `$y$`
    // setting "$y$params$salt$" has: "$gy$params$salt".
    let setting_len = enc.len() - hash.len() - 1;
    let interm = hmac_gost(&hk, &enc.as_bytes()[..setting_len]);
    let out = hmac_gost(&interm, &y);
    y.fill(0);
    ct_eq(&out, &expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// `mkpasswd -m METHOD --stdin` (Debian package `whois`, libxcrypt);
    /// `None` when mkpasswd is missing.
    fn mkpasswd(method: &str, password: &str) -> Option<String> {
        use std::io::Write;
        let mut c = Command::new("mkpasswd")
            .args(["-m", method, "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdin = c.stdin.take()?;
        stdin.write_all(password.as_bytes()).ok()?;
        drop(stdin);
        let out = c.wait_with_output().ok()?;
        assert!(out.status.success(), "mkpasswd -m {method} failed");
        Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
    }

    fn strong(seed: u64) -> String {
        const A: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_=+";
        let mut x = seed | 1;
        (0..20)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                A[(x % A.len() as u64) as usize] as char
            })
            .collect()
    }

    /// The libxcrypt path agrees with hashes the system's `mkpasswd` made,
    /// for weak and strong passwords, and with the pure-Rust path.
    #[test]
    fn libxcrypt_path_agrees_with_mkpasswd() {
        let weak = ["123456", "Admin@123", "Ubnd@2022", "matkhau", "langson123"];
        let wrong = ["123457", "admin@123", "", "Ubnd@2023"];
        let mut ver = Verifier::new();
        for (method, scheme) in [
            ("yescrypt", CryptScheme::Yescrypt),
            ("gost-yescrypt", CryptScheme::GostYescrypt),
        ] {
            let mut passwords: Vec<String> = weak.iter().map(|s| s.to_string()).collect();
            passwords.push(strong(7));
            passwords.push(strong(99));
            for pw in &passwords {
                let Some(enc) = mkpasswd(method, pw) else {
                    eprintln!("SKIPPED: mkpasswd not found; install Debian package `whois`");
                    return;
                };
                assert_eq!(crate::parse::classify_crypt(&enc), Some(scheme));
                let h = CryptHash::new(scheme, enc);
                // libxcrypt itself, then through the public entry points.
                assert_eq!(
                    ver.system_crypt(h.encoded(), pw.as_bytes()),
                    SysAnswer::Match,
                    "{method}: libxcrypt rejects its own hash"
                );
                assert!(ver.verify(&h, pw.as_bytes()), "{method}");
                assert!(verify(&h, pw.as_bytes()), "{method}");
                assert!(verify_rust(&h, pw.as_bytes()), "{method} (Rust)");
                for w in wrong.iter().map(|s| s.to_string()).chain([strong(8)]) {
                    assert_eq!(
                        ver.system_crypt(h.encoded(), w.as_bytes()),
                        SysAnswer::NoMatch,
                        "{method}"
                    );
                    assert!(!ver.verify(&h, w.as_bytes()), "{method}");
                }
                // The work area is wiped after each call.
                assert!(ver
                    .data
                    .as_ref()
                    .is_some_and(|d| d.bytes.iter().all(|&b| b == 0)));
            }
        }
    }

    /// Settings libxcrypt rejects (NULL, never a "*0"/"*1" match), phrases it
    /// cannot take: errors, and the Rust fallback decides.
    #[test]
    fn libxcrypt_errors_are_not_matches() {
        let mut ver = Verifier::new();
        for bad in [
            "$y$",
            "$y$j9T$",
            "$y$!!$abc$def",
            "*0",
            "*1",
            "$gy$zz$$",
            "$y$j9T$salt$hash\u{7f}",
        ] {
            let h = CryptHash::new(CryptScheme::Yescrypt, bad.to_string());
            for pw in ["", "*0", "*1", "password"] {
                assert_ne!(
                    ver.system_crypt(bad, pw.as_bytes()),
                    SysAnswer::Match,
                    "{bad:?}"
                );
                assert!(!ver.verify(&h, pw.as_bytes()), "{bad:?}");
            }
        }
        // A phrase with a NUL or over 511 bytes cannot go to libxcrypt.
        assert_eq!(
            ver.system_crypt("$y$j9T$abc$def", b"a\0b"),
            SysAnswer::Error
        );
        assert_eq!(
            ver.system_crypt("$y$j9T$abc$def", &[b'a'; CRYPT_MAX_PASSPHRASE_SIZE]),
            SysAnswer::Error
        );
    }
}
