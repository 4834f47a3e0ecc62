//! Account and hash types shared by the parsers and engines.
//!
//! Every type here that holds a hash has a hand-written `Debug` that redacts
//! it: a `{:?}` of an [`Account`] names the account and the scheme, never the
//! hash bytes.

use std::fmt;

use zeroize::Zeroize;

/// An NT (MD4 of UTF-16LE) or LM hash: 16 raw bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash16(pub [u8; 16]);

impl fmt::Debug for Hash16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hash16(<redacted>)")
    }
}

/// NT hash of the empty password, `31d6cfe0d16ae931b73c59d7e0c089c0`.
pub const EMPTY_NT: Hash16 = Hash16([
    0x31, 0xd6, 0xcf, 0xe0, 0xd1, 0x6a, 0xe9, 0x31, 0xb7, 0x3c, 0x59, 0xd7, 0xe0, 0xc0, 0x89, 0xc0,
]);
/// LM hash of the empty password (also what Windows stores when LM is
/// disabled), `aad3b435b51404eeaad3b435b51404ee`.
pub const EMPTY_LM: Hash16 = Hash16([
    0xaa, 0xd3, 0xb4, 0x35, 0xb5, 0x14, 0x04, 0xee, 0xaa, 0xd3, 0xb4, 0x35, 0xb5, 0x14, 0x04, 0xee,
]);

/// The crypt(3) schemes the audit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CryptScheme {
    /// `$y$`
    Yescrypt,
    /// `$gy$`
    GostYescrypt,
    /// `$6$`
    Sha512Crypt,
    /// `$5$`
    Sha256Crypt,
    /// `$1$`
    Md5Crypt,
    /// `$2a$`, `$2b$`, `$2y$`
    Bcrypt,
    /// Traditional 13-character DES crypt.
    DesCrypt,
}

impl CryptScheme {
    /// A short stable name, used in attributes and texts.
    pub fn as_str(self) -> &'static str {
        match self {
            CryptScheme::Yescrypt => "yescrypt",
            CryptScheme::GostYescrypt => "gost-yescrypt",
            CryptScheme::Sha512Crypt => "sha512crypt",
            CryptScheme::Sha256Crypt => "sha256crypt",
            CryptScheme::Md5Crypt => "md5crypt",
            CryptScheme::Bcrypt => "bcrypt",
            CryptScheme::DesCrypt => "descrypt",
        }
    }

    /// Schemes that are weak by design whatever the password: DES crypt
    /// keeps only 8 characters and has a 12-bit salt; md5crypt is fast enough
    /// for GPUs to try billions of passwords a second.
    pub fn is_weak_algorithm(self) -> bool {
        matches!(self, CryptScheme::DesCrypt | CryptScheme::Md5Crypt)
    }
}

/// A crypt(3) hash string such as `$6$salt$...`. The string is kept private,
/// zeroized on drop, and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct CryptHash {
    scheme: CryptScheme,
    encoded: String,
}

impl CryptHash {
    /// Wraps an already validated crypt string. Use [`crate::parse::classify_crypt`]
    /// to validate one.
    pub(crate) fn new(scheme: CryptScheme, encoded: String) -> CryptHash {
        CryptHash { scheme, encoded }
    }

    pub fn scheme(&self) -> CryptScheme {
        self.scheme
    }

    /// The full crypt string. Only the engines read it.
    pub(crate) fn encoded(&self) -> &str {
        &self.encoded
    }
}

impl Drop for CryptHash {
    fn drop(&mut self) {
        self.encoded.zeroize();
    }
}

impl fmt::Debug for CryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CryptHash({}, <redacted>)", self.scheme.as_str())
    }
}

/// What is stored for an account's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashKind {
    /// The hash field is empty: the account logs in with no password.
    NoPassword,
    /// Locked (`!`, `*`, `!!`, `*LK*`), possibly with the hash it had before
    /// it was locked (`!$6$...`), which is still worth auditing: unlocking
    /// brings the password back.
    Locked(Option<Box<HashKind>>),
    /// Windows: NT hash and, where stored, LM hash (from pwdump or SAM).
    /// `None` where the source says no hash is stored.
    Windows {
        nt: Option<Hash16>,
        lm: Option<Hash16>,
    },
    /// A crypt(3) hash.
    Crypt(CryptHash),
    /// A scheme the audit does not handle (scrypt `$7$`, SHA1 `$sha1$`, ...).
    /// `scheme` is only the identifier, never the hash.
    Unsupported { scheme: String },
}

impl HashKind {
    /// A short name of the hash type for reports: `sha512crypt`, `nt`,
    /// `nt+lm`, `none`, `locked`, ...
    pub fn type_name(&self) -> String {
        match self {
            HashKind::NoPassword => "none".into(),
            HashKind::Locked(None) => "locked".into(),
            HashKind::Locked(Some(inner)) => format!("locked {}", inner.type_name()),
            HashKind::Windows { nt, lm } => {
                let lm_real = matches!(lm, Some(h) if *h != EMPTY_LM);
                match (nt.is_some(), lm_real) {
                    (true, true) => "nt+lm".into(),
                    (true, false) => "nt".into(),
                    (false, true) => "lm".into(),
                    (false, false) => "nt (absent)".into(),
                }
            }
            HashKind::Crypt(c) => c.scheme().as_str().into(),
            HashKind::Unsupported { scheme } => format!("unsupported ({scheme})"),
        }
    }

    /// The hash that a password check runs against: the inner hash of a
    /// locked account, or the hash itself.
    pub fn effective(&self) -> &HashKind {
        match self {
            HashKind::Locked(Some(inner)) => inner.effective(),
            other => other,
        }
    }

    pub fn is_locked(&self) -> bool {
        matches!(self, HashKind::Locked(_))
    }
}

/// One account and its stored password hash. Built by the shadow and pwdump
/// parsers here, and by the SAM reader (`antoan-winreg`) with
/// `Account::new(name, HashKind::Windows { nt, lm })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub hash: HashKind,
    /// Where the account was read: `file:line`, a hive path. Shown in evidence.
    pub origin: Option<String>,
    /// Windows relative id, where known.
    pub rid: Option<u32>,
}

impl Account {
    pub fn new(name: impl Into<String>, hash: HashKind) -> Account {
        Account {
            name: name.into(),
            hash,
            origin: None,
            rid: None,
        }
    }

    pub fn with_origin(mut self, origin: impl Into<String>) -> Account {
        self.origin = Some(origin.into());
        self
    }
}
