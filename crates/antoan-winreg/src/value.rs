//! Registry values: the raw (type, bytes) pair as stored, and its decoded form.

/// REG_NONE
pub const REG_NONE: u32 = 0;
/// REG_SZ
pub const REG_SZ: u32 = 1;
/// REG_EXPAND_SZ
pub const REG_EXPAND_SZ: u32 = 2;
/// REG_BINARY
pub const REG_BINARY: u32 = 3;
/// REG_DWORD (little endian)
pub const REG_DWORD: u32 = 4;
/// REG_DWORD_BIG_ENDIAN
pub const REG_DWORD_BIG_ENDIAN: u32 = 5;
/// REG_LINK
pub const REG_LINK: u32 = 6;
/// REG_MULTI_SZ
pub const REG_MULTI_SZ: u32 = 7;
/// REG_QWORD (little endian)
pub const REG_QWORD: u32 = 11;

/// A decoded registry value.
///
/// Strings are decoded from UTF-16LE up to the first NUL (invalid UTF-16 is
/// replaced by U+FFFD). A `REG_DWORD` or `REG_QWORD` whose data has the wrong
/// length is returned as [`Value::Other`] so nothing is invented. `REG_NONE`
/// carries no decoded data; use [`crate::KeyRef::raw_value`] for its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Sz(String),
    ExpandSz(String),
    MultiSz(Vec<String>),
    Dword(u32),
    Qword(u64),
    Binary(Vec<u8>),
    None,
    Other { ty: u32, data: Vec<u8> },
}

impl Value {
    /// Decode raw registry data of type `ty`.
    pub fn from_raw(ty: u32, data: &[u8]) -> Value {
        match ty {
            REG_NONE => Value::None,
            REG_SZ => Value::Sz(utf16_until_nul(data)),
            REG_EXPAND_SZ => Value::ExpandSz(utf16_until_nul(data)),
            REG_BINARY => Value::Binary(data.to_vec()),
            REG_DWORD if data.len() == 4 => {
                Value::Dword(u32::from_le_bytes([data[0], data[1], data[2], data[3]]))
            }
            REG_QWORD if data.len() == 8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(data);
                Value::Qword(u64::from_le_bytes(b))
            }
            REG_MULTI_SZ => Value::MultiSz(utf16_multi(data)),
            _ => Value::Other {
                ty,
                data: data.to_vec(),
            },
        }
    }

    /// The registry type number (REG_SZ = 1, ...).
    pub fn ty(&self) -> u32 {
        match self {
            Value::Sz(_) => REG_SZ,
            Value::ExpandSz(_) => REG_EXPAND_SZ,
            Value::MultiSz(_) => REG_MULTI_SZ,
            Value::Dword(_) => REG_DWORD,
            Value::Qword(_) => REG_QWORD,
            Value::Binary(_) => REG_BINARY,
            Value::None => REG_NONE,
            Value::Other { ty, .. } => *ty,
        }
    }

    /// The text of a `REG_SZ` or `REG_EXPAND_SZ` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Sz(s) | Value::ExpandSz(s) => Some(s),
            _ => None,
        }
    }

    /// A `REG_DWORD` value.
    pub fn as_u32(&self) -> Option<u32> {
        match self {
            Value::Dword(v) => Some(*v),
            _ => None,
        }
    }

    /// A `REG_DWORD` or `REG_QWORD` value, widened.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Dword(v) => Some(u64::from(*v)),
            Value::Qword(v) => Some(*v),
            _ => None,
        }
    }

    /// A number from a DWORD/QWORD, or from a string holding a decimal number
    /// (many programs store versions and builds as strings, e.g. `CurrentBuild`).
    pub fn to_number(&self) -> Option<u64> {
        match self {
            Value::Sz(s) | Value::ExpandSz(s) => s.trim().parse().ok(),
            other => other.as_u64(),
        }
    }
}

/// A value exactly as stored: its name, type number and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// The name; the default value (`@` in `.reg` files) has the empty name.
    pub name: String,
    pub ty: u32,
    pub data: Vec<u8>,
}

impl RawValue {
    /// The decoded value.
    pub fn value(&self) -> Value {
        Value::from_raw(self.ty, &self.data)
    }
}

fn units(data: &[u8]) -> impl Iterator<Item = u16> + '_ {
    data.chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
}

pub(crate) fn utf16_until_nul(data: &[u8]) -> String {
    let u: Vec<u16> = units(data).take_while(|&c| c != 0).collect();
    String::from_utf16_lossy(&u)
}

fn utf16_multi(data: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<u16> = Vec::new();
    for c in units(data) {
        if c == 0 {
            if cur.is_empty() {
                break; // the empty string ends the list
            }
            out.push(String::from_utf16_lossy(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(String::from_utf16_lossy(&cur));
    }
    out
}

/// Encode a string as REG_SZ data: UTF-16LE with a terminating NUL.
pub(crate) fn encode_sz(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() * 2 + 2);
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v.extend_from_slice(&[0, 0]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode() {
        assert_eq!(
            Value::from_raw(REG_SZ, &encode_sz("Tiếng Việt")),
            Value::Sz("Tiếng Việt".into())
        );
        assert_eq!(Value::from_raw(REG_SZ, b"a\0b"), Value::Sz("a".into())); // odd length
        assert_eq!(Value::from_raw(REG_DWORD, &[1, 0, 0, 0]), Value::Dword(1));
        assert_eq!(
            Value::from_raw(REG_DWORD, &[1, 0]),
            Value::Other {
                ty: 4,
                data: vec![1, 0]
            }
        );
        assert_eq!(
            Value::from_raw(REG_QWORD, &[1, 0, 0, 0, 0, 0, 0, 1]),
            Value::Qword(0x0100_0000_0000_0001)
        );
        assert_eq!(
            Value::from_raw(REG_MULTI_SZ, &[b'a', 0, b'b', 0, 0, 0, b'c', 0, 0, 0, 0, 0]),
            Value::MultiSz(vec!["ab".into(), "c".into()])
        );
        assert_eq!(
            Value::from_raw(REG_MULTI_SZ, &[b'a', 0]),
            Value::MultiSz(vec!["a".into()])
        );
        assert_eq!(Value::from_raw(REG_MULTI_SZ, &[]), Value::MultiSz(vec![]));
        assert_eq!(Value::from_raw(REG_NONE, &[1]), Value::None);
        assert_eq!(
            Value::from_raw(99, &[1]),
            Value::Other {
                ty: 99,
                data: vec![1]
            }
        );
        assert_eq!(Value::Sz(" 19045 ".into()).to_number(), Some(19045));
    }
}
