//! Windows `SAM` + `SYSTEM` hives: the local accounts' NT and LM hashes,
//! decrypted offline with the boot key, entirely in Rust.
//!
//! 1. **Boot key** (SYSTEM): the class names of
//!    `ControlSet00N\Control\Lsa\{JD,Skew1,GBG,Data}` (the control set from
//!    `Select\Current`) are 4 × 8 hex digits; concatenated, decoded and
//!    permuted they give the 16-byte boot key.
//! 2. **Hashed boot key** (SAM `SAM\Domains\Account`, value `F`, key data at
//!    0x68): revision 1 is RC4 with an MD5-derived key and an MD5 checksum;
//!    revision 2 (Windows 10 1607 and later) is AES-128-CBC with the boot key
//!    and a salt, PKCS#7-padded. A wrong boot key fails the checksum (rev 1)
//!    or the padding (rev 2): [`SamErrorKind::WrongBootKey`].
//! 3. **Per user** (`Users\<RID>\V`): the NT and LM hash records, RC4
//!    (`MD5(hbk | rid | "NTPASSWORD\0")`) or AES-128-CBC (hashed boot key,
//!    per-record salt), then DES-ECB with two keys derived from the RID.
//!
//! The result is [`Account`]s with `HashKind::Windows { nt, lm }`; disabled
//! accounts are `HashKind::Locked(Some(..))`. A hash record that is present
//! but holds no hash (only its header) is how Windows stores an empty
//! password: it becomes the NT hash of "" (as secretsdump prints it).
//!
//! No key, hash or password appears in errors or `Debug` output; the key
//! material is zeroized on drop.

use std::fmt;
use std::path::{Path, PathBuf};

use antoan_model::Text;
use antoan_winreg::{KeyRef, RegError, Registry, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::hash::{Account, Hash16, HashKind, EMPTY_NT};

/// Largest hive read (a SAM is a few hundred KiB, a SYSTEM tens of MiB).
pub const MAX_HIVE_BYTES: u64 = 512 * 1024 * 1024;

/// The 16-byte boot key (syskey). Redacted in `Debug`, zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct BootKey(pub(crate) [u8; 16]);

impl BootKey {
    pub fn from_bytes(b: [u8; 16]) -> BootKey {
        BootKey(b)
    }
}

impl fmt::Debug for BootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BootKey(<redacted>)")
    }
}

impl Drop for BootKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The SAM domain key decrypted with the boot key. Redacted, zeroized.
pub struct HashedBootKey([u8; 16]);

impl fmt::Debug for HashedBootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashedBootKey(<redacted>)")
    }
}

impl Drop for HashedBootKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// How the SAM protects its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SamRevision {
    /// RC4 + MD5 (Windows up to 10 1511).
    Rc4,
    /// AES-128-CBC (Windows 10 1607 and later, Server 2016+).
    Aes,
}

impl SamRevision {
    pub fn as_str(self) -> &'static str {
        match self {
            SamRevision::Rc4 => "rc4",
            SamRevision::Aes => "aes",
        }
    }
}

/// What was read from a SAM + SYSTEM pair.
#[derive(Debug)]
pub struct SamDump {
    pub accounts: Vec<Account>,
    pub revision: SamRevision,
    /// `ControlSet001`, ...
    pub control_set: String,
    /// `ControlSet00N\Control\ComputerName\ComputerName`, where present.
    pub computer_name: Option<String>,
    /// Users whose records could not be read (the rest are still audited).
    pub notes: Vec<Text>,
}

/// Why a SAM + SYSTEM pair could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamErrorKind {
    /// The file could not be read or is not a usable hive (the reader's
    /// message, which names the file and offset).
    Hive(Text),
    /// A key or value the extraction needs is missing.
    Missing(String),
    /// A boot-key class name is absent or not 8 hex digits.
    BadClassName(String),
    /// The boot key does not open the SAM: the SYSTEM hive is from another
    /// machine, or a syskey startup password is in use.
    WrongBootKey,
    /// A key-data revision this reader does not know.
    UnknownRevision(u32),
    /// A structure is shorter or otherwise different than it must be.
    Malformed(String),
}

/// An error naming the hive file and the reason. Never holds key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamError {
    pub file: String,
    pub kind: SamErrorKind,
}

impl SamError {
    fn new(file: &str, kind: SamErrorKind) -> SamError {
        SamError {
            file: file.to_string(),
            kind,
        }
    }

    /// The message in both languages.
    pub fn text(&self) -> Text {
        let f = &self.file;
        match &self.kind {
            SamErrorKind::Hive(t) => Text::new(
                format!("không đọc được hive {f}: {}", t.vi),
                format!("cannot read hive {f}: {}", t.en),
            ),
            SamErrorKind::Missing(what) => Text::new(
                format!("{f}: thiếu {what}"),
                format!("{f}: {what} is missing"),
            ),
            SamErrorKind::BadClassName(key) => Text::new(
                format!("{f}: tên lớp (class name) của khóa {key} không phải 8 chữ số hex, không dựng được boot key"),
                format!("{f}: the class name of key {key} is not 8 hex digits, so the boot key cannot be built"),
            ),
            SamErrorKind::WrongBootKey => Text::new(
                format!("{f}: boot key không mở được SAM (hive SYSTEM của máy khác, hoặc dùng mật khẩu khởi động syskey)"),
                format!("{f}: the boot key does not open the SAM (SYSTEM hive from another machine, or a syskey startup password is in use)"),
            ),
            SamErrorKind::UnknownRevision(r) => Text::new(
                format!("{f}: phiên bản khóa SAM {r} chưa được hỗ trợ"),
                format!("{f}: SAM key revision {r} is not supported"),
            ),
            SamErrorKind::Malformed(what) => Text::new(
                format!("{f}: cấu trúc SAM hỏng: {what}"),
                format!("{f}: malformed SAM structure: {what}"),
            ),
        }
    }
}

impl fmt::Display for SamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().en)
    }
}

impl std::error::Error for SamError {}

fn hive_err(e: &RegError) -> SamError {
    SamError::new(&e.origin, SamErrorKind::Hive(e.text()))
}

fn io_err(file: &str, vi: String, en: String) -> SamError {
    SamError::new(file, SamErrorKind::Hive(Text::new(vi, en)))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn rc4_apply(key: &[u8], data: &mut [u8]) {
    use rc4::{KeyInit, StreamCipher};
    // Keys here are 16-byte MD5 digests: always a valid RC4 key length.
    if let Ok(mut c) = rc4::Rc4::new_from_slice(key) {
        c.apply_keystream(data);
    }
}

/// AES-128-CBC decryption of whole blocks in place (a short tail is padded
/// with zeros first, as Windows' readers do).
fn aes_cbc_decrypt(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Zeroizing<Vec<u8>> {
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
    let mut buf = Zeroizing::new(data.to_vec());
    let padded = buf.len().div_ceil(16) * 16;
    buf.resize(padded, 0);
    let mut dec = cbc::Decryptor::<aes::Aes128>::new(&(*key).into(), &(*iv).into());
    for chunk in buf.chunks_exact_mut(16) {
        let mut block = aes::Block::try_from(&*chunk).unwrap_or_default();
        dec.decrypt_block(&mut block);
        chunk.copy_from_slice(&block);
        block.zeroize();
    }
    buf
}

/// The 7-byte to 8-byte DES key expansion (parity bits left zero).
fn des_key(k7: &[u8; 7]) -> [u8; 8] {
    let b = k7;
    let k = [
        b[0] >> 1,
        ((b[0] & 0x01) << 6) | (b[1] >> 2),
        ((b[1] & 0x03) << 5) | (b[2] >> 3),
        ((b[2] & 0x07) << 4) | (b[3] >> 4),
        ((b[3] & 0x0f) << 3) | (b[4] >> 5),
        ((b[4] & 0x1f) << 2) | (b[5] >> 6),
        ((b[5] & 0x3f) << 1) | (b[6] >> 7),
        b[6] & 0x7f,
    ];
    k.map(|x| x << 1)
}

/// The two DES keys derived from a RID ([MS-SAMR] 2.2.11.1.3).
pub(crate) fn rid_keys(rid: u32) -> ([u8; 8], [u8; 8]) {
    let i = rid.to_le_bytes();
    let k1 = [i[0], i[1], i[2], i[3], i[0], i[1], i[2]];
    let k2 = [i[3], i[0], i[1], i[2], i[3], i[0], i[1]];
    (des_key(&k1), des_key(&k2))
}

fn des_decrypt_with_rid(rid: u32, obf: &[u8; 16]) -> Hash16 {
    use des::cipher::{BlockCipherDecrypt, KeyInit};
    let (k1, k2) = rid_keys(rid);
    let mut out = [0u8; 16];
    for (half, key) in [(0usize, k1), (8, k2)] {
        let mut block = des::cipher::Block::<des::Des>::default();
        block.copy_from_slice(&obf[half..half + 8]);
        if let Ok(c) = des::Des::new_from_slice(&key) {
            c.decrypt_block(&mut block);
        }
        out[half..half + 8].copy_from_slice(&block);
        block.zeroize();
    }
    Hash16(out)
}

const QWERTY: &[u8] = b"!@#$%^&*()qwertyUIOPAzxcvbnmQQQQQQQQQQQQ)(*@&%\0";
const DIGITS: &[u8] = b"0123456789012345678901234567890123456789\0";
const NTPASSWORD: &[u8] = b"NTPASSWORD\0";
const LMPASSWORD: &[u8] = b"LMPASSWORD\0";
/// The order the 16 boot-key bytes are taken in.
const PERMUTATION: [usize; 16] = [8, 5, 4, 2, 11, 9, 13, 3, 0, 6, 1, 12, 14, 10, 15, 7];

fn control_set(system: &Registry) -> Result<String, SamError> {
    let origin = system.origin();
    let root = system.root();
    let pick = |name: &str| -> Option<String> {
        let sel = root.key("Select")?;
        match sel.value(name)? {
            Value::Dword(n) if n > 0 && n < 1000 => Some(format!("ControlSet{n:03}")),
            _ => None,
        }
    };
    for cand in [pick("Current"), pick("Default")].into_iter().flatten() {
        if root.key(&cand).is_some() {
            return Ok(cand);
        }
    }
    // No usable Select: the first control set present.
    for n in 1..=9 {
        let cand = format!("ControlSet{n:03}");
        if root.key(&cand).is_some() {
            return Ok(cand);
        }
    }
    Err(SamError::new(
        origin,
        SamErrorKind::Missing(
            "Select\\Current and every ControlSet00N key (is this a SYSTEM hive?)".into(),
        ),
    ))
}

/// The boot key from a SYSTEM hive, and the control set it was read from.
pub fn boot_key(system: &Registry) -> Result<(BootKey, String), SamError> {
    let origin = system.origin();
    let cs = control_set(system)?;
    let lsa_path = format!("{cs}\\Control\\Lsa");
    let lsa = system
        .root()
        .key(&lsa_path)
        .ok_or_else(|| SamError::new(origin, SamErrorKind::Missing(format!("key {lsa_path}"))))?;
    let mut hex = Zeroizing::new(String::with_capacity(32));
    for part in ["JD", "Skew1", "GBG", "Data"] {
        let shown = format!("{lsa_path}\\{part}");
        let k = lsa
            .subkey(part)
            .ok_or_else(|| SamError::new(origin, SamErrorKind::Missing(format!("key {shown}"))))?;
        let class = Zeroizing::new(
            k.try_class_name()
                .map_err(|e| hive_err(&e))?
                .ok_or_else(|| SamError::new(origin, SamErrorKind::BadClassName(shown.clone())))?,
        );
        // Windows writes the 8 digits and sometimes a terminating NUL.
        let digits = class.trim_end_matches('\0');
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SamError::new(origin, SamErrorKind::BadClassName(shown)));
        }
        hex.push_str(digits);
    }
    let mut raw = Zeroizing::new([0u8; 16]);
    for (i, byte) in raw.iter_mut().enumerate() {
        let pair = &hex[i * 2..i * 2 + 2];
        *byte = u8::from_str_radix(pair, 16).unwrap_or(0);
    }
    let mut key = [0u8; 16];
    for (i, &p) in PERMUTATION.iter().enumerate() {
        key[i] = raw[p];
    }
    Ok((BootKey(key), cs))
}

fn sam_key<'a>(sam: &'a Registry, path: &str) -> Result<KeyRef<'a>, SamError> {
    sam.root()
        .key(path)
        .ok_or_else(|| SamError::new(sam.origin(), SamErrorKind::Missing(format!("key {path}"))))
}

const ACCOUNT: &str = "SAM\\Domains\\Account";

/// The SAM's hashed boot key and key revision.
pub fn hashed_boot_key(
    sam: &Registry,
    boot: &BootKey,
) -> Result<(HashedBootKey, SamRevision), SamError> {
    let origin = sam.origin();
    let malformed = |w: &str| SamError::new(origin, SamErrorKind::Malformed(w.to_string()));
    let account = sam_key(sam, ACCOUNT)?;
    let f = account
        .try_raw_value("F")
        .map_err(|e| hive_err(&e))?
        .ok_or_else(|| SamError::new(origin, SamErrorKind::Missing(format!("value {ACCOUNT}\\F"))))?
        .data;
    let f = Zeroizing::new(f);
    let rev =
        u32_at(&f, 0x68).ok_or_else(|| malformed("domain F value shorter than its key data"))?;
    match rev {
        1 => {
            let salt = f
                .get(0x70..0x80)
                .ok_or_else(|| malformed("domain key data truncated"))?;
            let mut kc = Zeroizing::new(
                f.get(0x80..0xA0)
                    .ok_or_else(|| malformed("domain key data truncated"))?
                    .to_vec(),
            );
            let mut rc4_key = md5(&[salt, QWERTY, &boot.0, DIGITS]);
            rc4_apply(&rc4_key, &mut kc);
            rc4_key.zeroize();
            let check = md5(&[&kc[..16], DIGITS, &kc[..16], QWERTY]);
            if check[..] != kc[16..32] {
                return Err(SamError::new(origin, SamErrorKind::WrongBootKey));
            }
            let mut k = [0u8; 16];
            k.copy_from_slice(&kc[..16]);
            Ok((HashedBootKey(k), SamRevision::Rc4))
        }
        2 => {
            let data_len =
                u32_at(&f, 0x74).ok_or_else(|| malformed("domain key data truncated"))? as usize;
            let salt: [u8; 16] = f
                .get(0x78..0x88)
                .and_then(|s| s.try_into().ok())
                .ok_or_else(|| malformed("domain key data truncated"))?;
            let end = 0x88usize
                .checked_add(data_len)
                .ok_or_else(|| malformed("domain key data length overflows"))?;
            let data = f
                .get(0x88..end)
                .ok_or_else(|| malformed("domain key data longer than the F value"))?;
            if data.len() < 16 {
                return Err(malformed("domain key data shorter than one AES block"));
            }
            let plain = aes_cbc_decrypt(&boot.0, &salt, data);
            // Windows' CryptDecrypt removes PKCS#7 padding; a wrong key
            // leaves random bytes that almost never pad correctly.
            if plain.len() >= 32 && data.len() % 16 == 0 {
                let pad = plain[plain.len() - 1] as usize;
                let ok = (1..=16).contains(&pad)
                    && plain[plain.len() - pad..]
                        .iter()
                        .all(|&b| b as usize == pad)
                    && plain.len() - pad >= 16;
                if !ok {
                    return Err(SamError::new(origin, SamErrorKind::WrongBootKey));
                }
            }
            let mut k = [0u8; 16];
            k.copy_from_slice(&plain[..16]);
            Ok((HashedBootKey(k), SamRevision::Aes))
        }
        other => Err(SamError::new(origin, SamErrorKind::UnknownRevision(other))),
    }
}

const V_DATA: usize = 0xCC;

fn v_entry(v: &[u8], idx: usize) -> Option<&[u8]> {
    let off = u32_at(v, idx)? as usize;
    let len = u32_at(v, idx + 4)? as usize;
    let start = V_DATA.checked_add(off)?;
    v.get(start..start.checked_add(len)?)
}

/// A decrypted hash record: `None` no record, `Some(None)` a record without a hash.
type Decrypted = Option<Option<Hash16>>;

/// Decrypts one hash record of a V value. `Ok(None)`: no record at all;
/// `Ok(Some(None))`: a record without a hash (empty password).
fn decrypt_record(
    rec: &[u8],
    rid: u32,
    hbk: &HashedBootKey,
    constant: &[u8],
) -> Result<Decrypted, String> {
    if rec.is_empty() {
        return Ok(None);
    }
    let rev = u16_at(rec, 2).ok_or("hash record shorter than its header")?;
    match rev {
        1 => {
            if rec.len() < 20 {
                return Ok(Some(None));
            }
            let mut obf = [0u8; 16];
            obf.copy_from_slice(&rec[4..20]);
            let mut key = md5(&[&hbk.0, &rid.to_le_bytes(), constant]);
            rc4_apply(&key, &mut obf);
            key.zeroize();
            let h = des_decrypt_with_rid(rid, &obf);
            obf.zeroize();
            Ok(Some(Some(h)))
        }
        2 => {
            if rec.len() < 24 {
                return Err("AES hash record shorter than its header".into());
            }
            let data = &rec[24..];
            if data.is_empty() {
                return Ok(Some(None));
            }
            if data.len() < 16 {
                return Err("AES hash record holds less than one block".into());
            }
            let mut salt = [0u8; 16];
            salt.copy_from_slice(&rec[8..24]);
            let plain = aes_cbc_decrypt(&hbk.0, &salt, data);
            let mut obf = [0u8; 16];
            obf.copy_from_slice(&plain[..16]);
            let h = des_decrypt_with_rid(rid, &obf);
            obf.zeroize();
            Ok(Some(Some(h)))
        }
        other => Err(format!("unknown hash record revision {other}")),
    }
}

/// `ACB_DISABLED` in the user's F value.
const ACB_DISABLED: u16 = 0x0001;

/// The local accounts of a SAM, decrypted with its hashed boot key.
/// Unreadable users are left out with a note.
pub fn accounts(
    sam: &Registry,
    hbk: &HashedBootKey,
) -> Result<(Vec<Account>, Vec<Text>), SamError> {
    let origin = sam.origin();
    let users_path = format!("{ACCOUNT}\\Users");
    let users = sam_key(sam, &users_path)?;
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let subs = users.try_subkeys().map_err(|e| hive_err(&e))?;
    for k in subs {
        let key_name = k.name().to_string();
        if key_name.eq_ignore_ascii_case("Names") {
            continue;
        }
        let Ok(rid) = u32::from_str_radix(&key_name, 16) else {
            continue;
        };
        let note = |en: String, vi: String| Text::new(vi, en);
        let v = match k.try_raw_value("V") {
            Ok(Some(v)) => Zeroizing::new(v.data),
            Ok(None) => {
                notes.push(note(
                    format!("{origin}: user {key_name} has no V value; skipped"),
                    format!("{origin}: người dùng {key_name} không có giá trị V; bỏ qua"),
                ));
                continue;
            }
            Err(e) => {
                notes.push(note(
                    format!("{origin}: user {key_name} unreadable: {e}"),
                    format!("{origin}: không đọc được người dùng {key_name}: {e}"),
                ));
                continue;
            }
        };
        let name = v_entry(&v, 0x0C).filter(|n| n.len() % 2 == 0).map(|b| {
            let u: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&u)
        });
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            notes.push(note(
                format!("{origin}: user {key_name}: the V value holds no readable name; skipped"),
                format!("{origin}: người dùng {key_name}: giá trị V không có tên đọc được; bỏ qua"),
            ));
            continue;
        };
        let lm_rec = if v.len() >= V_DATA {
            v_entry(&v, 0x9C)
        } else {
            None
        };
        let nt_rec = if v.len() >= V_DATA {
            v_entry(&v, 0xA8)
        } else {
            None
        };
        let hashes = (|| -> Result<(Decrypted, Decrypted), String> {
            let nt = match nt_rec {
                Some(r) => decrypt_record(r, rid, hbk, NTPASSWORD)?,
                None => None,
            };
            let lm = match lm_rec {
                Some(r) => decrypt_record(r, rid, hbk, LMPASSWORD)?,
                None => None,
            };
            Ok((nt, lm))
        })();
        let hash = match hashes {
            Ok((nt, lm)) => HashKind::Windows {
                nt: match nt {
                    Some(Some(h)) => Some(h),
                    // A record without a hash: the empty password.
                    Some(None) => Some(EMPTY_NT),
                    None => None,
                },
                lm: lm.flatten(),
            },
            Err(why) => {
                notes.push(note(
                    format!("{origin}: user {name}: {why}; not assessed"),
                    format!(
                        "{origin}: người dùng {name}: bản ghi hash hỏng ({why}); không kiểm tra"
                    ),
                ));
                HashKind::Unsupported {
                    scheme: "unreadable SAM hash record".into(),
                }
            }
        };
        let disabled = k
            .raw_value("F")
            .and_then(|f| u16_at(&f.data, 0x38))
            .is_some_and(|acb| acb & ACB_DISABLED != 0);
        let hash = if disabled && !matches!(hash, HashKind::Unsupported { .. }) {
            HashKind::Locked(Some(Box::new(hash)))
        } else {
            hash
        };
        let mut a = Account::new(name, hash).with_origin(format!("{origin} (RID {rid})"));
        a.rid = Some(rid);
        out.push(a);
    }
    out.sort_by_key(|a| a.rid);
    Ok((out, notes))
}

/// Reads the local accounts from a SAM and SYSTEM pair already opened.
pub fn read(sam: &Registry, system: &Registry) -> Result<SamDump, SamError> {
    let (boot, control_set) = boot_key(system)?;
    let (hbk, revision) = hashed_boot_key(sam, &boot)?;
    let (accounts, notes) = accounts(sam, &hbk)?;
    let computer_name = system
        .root()
        .key(&format!(
            "{control_set}\\Control\\ComputerName\\ComputerName"
        ))
        .and_then(|k| match k.value("ComputerName") {
            Some(Value::Sz(s)) => Some(s),
            _ => None,
        })
        .filter(|s| !s.is_empty());
    Ok(SamDump {
        accounts,
        revision,
        control_set,
        computer_name,
        notes,
    })
}

fn open(path: &Path) -> Result<Registry, SamError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_err(&shown, e.to_string(), e.to_string()))?;
    if meta.len() > MAX_HIVE_BYTES {
        return Err(io_err(
            &shown,
            format!("{} byte, vượt giới hạn {MAX_HIVE_BYTES} byte", meta.len()),
            format!(
                "{} bytes, more than the {MAX_HIVE_BYTES}-byte limit",
                meta.len()
            ),
        ));
    }
    Registry::open_hive(path).map_err(|e| hive_err(&e))
}

/// Reads the local accounts from SAM and SYSTEM hive files (their `.LOG1`/
/// `.LOG2` are replayed when the hives are dirty).
pub fn read_files(sam: &Path, system: &Path) -> Result<SamDump, SamError> {
    let system = open(system)?;
    let sam = open(sam)?;
    read(&sam, &system)
}

/// Reads the local accounts from hive bytes in memory (fuzzing, tests).
pub fn read_bytes(sam: Vec<u8>, system: Vec<u8>) -> Result<SamDump, SamError> {
    let system = Registry::from_hive_bytes(system, "SYSTEM").map_err(|e| hive_err(&e))?;
    let sam = Registry::from_hive_bytes(sam, "SAM").map_err(|e| hive_err(&e))?;
    read(&sam, &system)
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let direct = dir.join(name);
    if direct.is_file() {
        return Some(direct);
    }
    std::fs::read_dir(dir).ok()?.find_map(|e| {
        let e = e.ok()?;
        let n = e.file_name();
        let n = n.to_str()?;
        (n.eq_ignore_ascii_case(name) && e.path().is_file()).then(|| e.path())
    })
}

fn find_dir(dir: &Path, name: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir).ok()?.find_map(|e| {
        let e = e.ok()?;
        let n = e.file_name();
        let n = n.to_str()?;
        (n.eq_ignore_ascii_case(name) && e.path().is_dir()).then(|| e.path())
    })
}

/// The SAM and SYSTEM hives in a folder: the folder itself (`reg save`
/// copies), its `config`, `System32/config` or `Windows/System32/config`
/// (a mounted Windows volume), names compared case-insensitively.
pub fn find_pair(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut cands = vec![dir.to_path_buf()];
    let walk = |parts: &[&str]| {
        let mut cur = dir.to_path_buf();
        for p in parts {
            cur = find_dir(&cur, p)?;
        }
        Some(cur)
    };
    cands.extend(walk(&["config"]));
    cands.extend(walk(&["System32", "config"]));
    cands.extend(walk(&["Windows", "System32", "config"]));
    cands
        .into_iter()
        .find_map(|d| Some((find_file(&d, "SAM")?, find_file(&d, "SYSTEM")?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rid_keys_match_ms_samr_example() {
        // RID 500 (0x1F4): I = f4 01 00 00.
        let (k1, k2) = rid_keys(500);
        assert_eq!(k1.len(), 8);
        assert_ne!(k1, k2);
        assert_eq!(des_key(&[0; 7]), [0; 8]);
        assert_eq!(des_key(&[0xFF; 7]), [0xFE; 8]);
    }

    #[test]
    fn debug_redacts_keys() {
        let b = BootKey([0xAB; 16]);
        assert_eq!(format!("{b:?}"), "BootKey(<redacted>)");
        let h = HashedBootKey([0xCD; 16]);
        assert!(!format!("{h:?}").contains("cd"));
    }

    #[test]
    fn garbage_and_truncated_hives_are_errors_not_panics() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        for len in [0usize, 1, 4, 100, 4096, 5000, 8192] {
            let mut b = vec![0u8; len];
            for x in b.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *x = seed as u8;
            }
            if len >= 4 {
                b[..4].copy_from_slice(b"regf");
            }
            assert!(read_bytes(b.clone(), b).is_err());
        }
    }

    #[test]
    fn record_decoder_handles_short_and_odd_records() {
        let hbk = HashedBootKey([7; 16]);
        assert_eq!(decrypt_record(&[], 500, &hbk, NTPASSWORD), Ok(None));
        assert!(decrypt_record(&[0, 0], 500, &hbk, NTPASSWORD).is_err());
        assert_eq!(
            decrypt_record(&[0, 0, 1, 0], 500, &hbk, NTPASSWORD),
            Ok(Some(None))
        );
        assert!(decrypt_record(&[0, 0, 2, 0, 0], 500, &hbk, NTPASSWORD).is_err());
        assert_eq!(
            decrypt_record(
                &[0, 0, 2, 0, 0x10, 0, 0, 0]
                    .iter()
                    .chain(&[0u8; 16])
                    .copied()
                    .collect::<Vec<_>>(),
                500,
                &hbk,
                NTPASSWORD
            ),
            Ok(Some(None))
        );
        assert!(decrypt_record(&[0, 0, 9, 0, 0, 0, 0, 0], 500, &hbk, NTPASSWORD).is_err());
        assert!(matches!(
            decrypt_record(
                &[0u8, 0, 1, 0]
                    .iter()
                    .chain(&[3u8; 16])
                    .copied()
                    .collect::<Vec<_>>(),
                500,
                &hbk,
                NTPASSWORD
            ),
            Ok(Some(Some(_)))
        ));
    }
}
