//! Decoding of the SAM hive's binary records: the domain `F` record
//! (password and lockout policy), user `F`/`V` records and alias `C`
//! records (group members). Only flags, times, names and the *length* of
//! the stored NT hash are read; hash bytes are never touched.
//!
//! Layouts follow the public descriptions (Samba's `DOMAIN_ACCOUNT_F`,
//! impacket's `USER_ACCOUNT_V`, RegRipper's samparse). Every read is
//! bounds-checked; a short or odd record gives `None`, never a panic.

/// User account control bits of the `F` record.
pub const ACB_DISABLED: u16 = 0x0001;
pub const ACB_PWNOTREQ: u16 = 0x0004;
pub const ACB_NORMAL: u16 = 0x0010;
pub const ACB_PWNOEXP: u16 = 0x0200;
pub const ACB_AUTOLOCK: u16 = 0x0400;

fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
fn i64_at(b: &[u8], off: usize) -> Option<i64> {
    Some(i64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}
fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

/// FILETIME → Unix seconds; `None` for 0 and "never" (0x7FFF…).
pub fn filetime_unix(ft: u64) -> Option<i64> {
    if ft == 0 || ft >= 0x7FFF_FFFF_FFFF_0000 {
        return None;
    }
    Some((ft / 10_000_000) as i64 - 11_644_473_600)
}

/// The domain policy of the `SAM\Domains\Account` `F` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainPolicy {
    /// Days; -1 = never expires.
    pub max_password_age_days: i64,
    pub min_password_age_days: i64,
    /// Minutes; -1 = until an administrator unlocks.
    pub lockout_duration_min: i64,
    pub lockout_window_min: i64,
    pub password_properties: u32,
    pub min_password_length: u16,
    pub password_history: u16,
    pub lockout_threshold: u16,
}

/// A negative 100-ns interval → whole units of `unit` seconds; `i64::MIN` (never) → -1.
fn interval(v: i64, unit: i64) -> i64 {
    if v == i64::MIN || v == 0x8000_0000_0000_0000u64 as i64 {
        return -1;
    }
    let secs = v.unsigned_abs() / 10_000_000;
    (secs as i64) / unit
}

pub fn domain_policy(f: &[u8]) -> Option<DomainPolicy> {
    if f.len() < 0x56 {
        return None;
    }
    Some(DomainPolicy {
        max_password_age_days: interval(i64_at(f, 0x18)?, 86_400),
        min_password_age_days: interval(i64_at(f, 0x20)?, 86_400),
        lockout_duration_min: interval(i64_at(f, 0x30)?, 60),
        lockout_window_min: interval(i64_at(f, 0x38)?, 60),
        password_properties: u32_at(f, 0x4C)?,
        min_password_length: u16_at(f, 0x50)?,
        password_history: u16_at(f, 0x52)?,
        lockout_threshold: u16_at(f, 0x54)?,
    })
}

/// The fixed part of a user's `F` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserF {
    pub last_logon: Option<i64>,
    pub password_last_set: Option<i64>,
    pub rid: u32,
    pub acb: u16,
    pub logon_count: u16,
}

pub fn user_f(f: &[u8]) -> Option<UserF> {
    if f.len() < 0x44 {
        return None;
    }
    Some(UserF {
        last_logon: filetime_unix(u64_at(f, 0x08)?),
        password_last_set: filetime_unix(u64_at(f, 0x18)?),
        rid: u32_at(f, 0x30)?,
        acb: u16_at(f, 0x38)?,
        logon_count: u16_at(f, 0x42)?,
    })
}

/// What is read from a user's `V` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserV {
    pub name: String,
    pub full_name: String,
    /// No NT hash is stored (length of the NT hash entry only).
    pub nt_hash_empty: Option<bool>,
}

const V_DATA: usize = 0xCC;

fn v_entry(v: &[u8], idx_off: usize) -> Option<(usize, usize)> {
    let off = u32_at(v, idx_off)? as usize;
    let len = u32_at(v, idx_off + 4)? as usize;
    Some((off, len))
}

fn utf16_at(v: &[u8], off: usize, len: usize) -> Option<String> {
    let start = V_DATA.checked_add(off)?;
    let bytes = v.get(start..start.checked_add(len)?)?;
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Some(String::from_utf16_lossy(&units))
}

pub fn user_v(v: &[u8]) -> Option<UserV> {
    if v.len() < V_DATA {
        return None;
    }
    let (no, nl) = v_entry(v, 0x0C)?;
    let name = utf16_at(v, no, nl)?;
    let full_name = v_entry(v, 0x18).and_then(|(o, l)| utf16_at(v, o, l)).unwrap_or_default();
    // NT hash entry: RC4 form is 4 bytes of header (+16 with a hash); the
    // AES form (Windows 10 1607+) is 0x18 bytes of header (+ data with one).
    let nt_hash_empty = v_entry(v, 0xA8).map(|(_, l)| l == 4 || l == 0x18 || l == 0);
    Some(UserV { name, full_name, nt_hash_empty })
}

/// A SID in text form, from its binary form at the start of `b`; with its byte length.
pub fn sid_at(b: &[u8]) -> Option<(String, usize)> {
    let rev = *b.first()?;
    let n = *b.get(1)? as usize;
    if rev != 1 || n > 15 {
        return None;
    }
    let len = 8 + 4 * n;
    let auth = b.get(2..8)?;
    let mut authority: u64 = 0;
    for x in auth {
        authority = (authority << 8) | *x as u64;
    }
    let mut s = format!("S-1-{authority}");
    for i in 0..n {
        s.push_str(&format!("-{}", u32_at(b, 8 + 4 * i)?));
    }
    Some((s, len))
}

/// The machine SID (`S-1-5-21-x-y-z`) at the end of the `SAM\Domains\Account` `V` value.
pub fn machine_sid(v: &[u8]) -> Option<String> {
    let pat = [1u8, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0];
    let pos = v.windows(pat.len()).rposition(|w| w == pat)?;
    sid_at(&v[pos..]).map(|(s, _)| s)
}

/// An alias (`C` value): its name and member SIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasC {
    pub name: String,
    pub members: Vec<String>,
}

const C_DATA: usize = 0x34;

pub fn alias_c(c: &[u8]) -> Option<AliasC> {
    if c.len() < C_DATA {
        return None;
    }
    let no = u32_at(c, 0x10)? as usize;
    let nl = u32_at(c, 0x14)? as usize;
    let start = C_DATA.checked_add(no)?;
    let bytes = c.get(start..start.checked_add(nl)?)?;
    let units: Vec<u16> = bytes.chunks_exact(2).map(|x| u16::from_le_bytes([x[0], x[1]])).collect();
    let name = String::from_utf16_lossy(&units);
    let mo = u32_at(c, 0x28)? as usize;
    let count = u32_at(c, 0x30)? as usize;
    let mut members = Vec::new();
    let mut pos = C_DATA.checked_add(mo)?;
    for _ in 0..count.min(10_000) {
        let Some((sid, len)) = c.get(pos..).and_then(sid_at) else { break };
        members.push(sid);
        pos += len;
    }
    Some(AliasC { name, members })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_garbage_records_give_none() {
        for n in 0..0x100 {
            let b = vec![0xFFu8; n];
            let _ = domain_policy(&b);
            let _ = user_f(&b);
            let _ = user_v(&b);
            let _ = alias_c(&b);
            let _ = machine_sid(&b);
            let _ = sid_at(&b);
        }
        assert!(user_f(&[0u8; 10]).is_none());
        assert!(user_v(&[0u8; 10]).is_none());
    }

    #[test]
    fn sid_text() {
        let mut b = vec![1u8, 5, 0, 0, 0, 0, 0, 5];
        for x in [21u32, 1, 2, 3, 500] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        assert_eq!(sid_at(&b), Some(("S-1-5-21-1-2-3-500".into(), 28)));
    }

    #[test]
    fn interval_never() {
        assert_eq!(interval(i64::MIN, 86_400), -1);
        assert_eq!(interval(-42 * 86_400 * 10_000_000, 86_400), 42);
    }
}
