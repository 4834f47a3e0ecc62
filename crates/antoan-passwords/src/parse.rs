//! Parsers for Linux `shadow` files (and unshadowed `passwd` lines) and
//! pwdump-style Windows hash dumps, with content-based format detection.
//!
//! Errors name the file, the line and the reason. They never quote the line:
//! it may hold a hash.

use std::fmt;
use std::path::Path;

use antoan_model::Text;

use crate::hash::{Account, CryptHash, CryptScheme, Hash16, HashKind};

/// Largest file the audit reads (a shadow file of a million accounts is
/// about 100 MiB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Longest line accepted.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Which kind of hash file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// `/etc/shadow` (9 fields) or an unshadowed `passwd` (7 fields).
    Shadow,
    /// `user:rid:lmhex:nthex:::` as written by pwdump, secretsdump, fgdump.
    Pwdump,
}

impl FileFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Shadow => "shadow",
            FileFormat::Pwdump => "pwdump",
        }
    }
}

/// Why a line or a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseReason {
    NotUtf8,
    BinaryData,
    LineTooLong,
    FileTooLarge {
        bytes: u64,
    },
    Io(String),
    WrongFieldCount {
        expected: &'static str,
        found: usize,
    },
    EmptyUserName,
    BadRid,
    BadHashHex {
        which: &'static str,
    },
    UnknownFormat,
    Empty,
}

impl ParseReason {
    pub fn text(&self) -> Text {
        match self {
            ParseReason::NotUtf8 => Text::new(
                "dòng không phải văn bản UTF-8",
                "the line is not UTF-8 text",
            ),
            ParseReason::BinaryData => Text::new(
                "dòng chứa ký tự điều khiển hoặc dữ liệu nhị phân",
                "the line holds control characters or binary data",
            ),
            ParseReason::LineTooLong => Text::new(
                format!("dòng dài hơn {MAX_LINE_BYTES} byte"),
                format!("the line is longer than {MAX_LINE_BYTES} bytes"),
            ),
            ParseReason::FileTooLarge { bytes } => Text::new(
                format!("tệp quá lớn ({bytes} byte, tối đa {MAX_FILE_BYTES})"),
                format!("the file is too large ({bytes} bytes, at most {MAX_FILE_BYTES})"),
            ),
            ParseReason::Io(e) => Text::new(
                format!("không đọc được tệp: {e}"),
                format!("cannot read the file: {e}"),
            ),
            ParseReason::WrongFieldCount { expected, found } => Text::new(
                format!("cần {expected} trường ngăn cách bởi dấu hai chấm, có {found}"),
                format!("expected {expected} colon-separated fields, found {found}"),
            ),
            ParseReason::EmptyUserName => {
                Text::new("tên tài khoản trống", "the account name is empty")
            }
            ParseReason::BadRid => Text::new(
                "RID (trường thứ 2) không phải số",
                "the RID (second field) is not a number",
            ),
            ParseReason::BadHashHex { which } => Text::new(
                format!("hash {which} không phải 32 ký tự thập lục phân"),
                format!("the {which} hash is not 32 hexadecimal characters"),
            ),
            ParseReason::UnknownFormat => Text::new(
                "không nhận ra định dạng (cần tệp shadow hoặc pwdump)",
                "unrecognised format (expected a shadow or pwdump file)",
            ),
            ParseReason::Empty => {
                Text::new("tệp không có tài khoản nào", "the file holds no account")
            }
        }
    }
}

/// An error at `file:line` (line 0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub reason: ParseReason,
}

impl ParseError {
    /// The message in both languages, e.g. `shadow:3: expected 9 ...`.
    pub fn text(&self) -> Text {
        let r = self.reason.text();
        let loc = self.location();
        Text::new(format!("{loc}: {}", r.vi), format!("{loc}: {}", r.en))
    }

    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}", self.file, self.line)
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().en)
    }
}

impl std::error::Error for ParseError {}

/// A parsed file: the accounts read and the lines that could not be read.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub format: FileFormat,
    pub accounts: Vec<Account>,
    pub errors: Vec<ParseError>,
}

/// Reads and parses a hash file, detecting its format from its content.
pub fn parse_path(path: &Path) -> Result<ParsedFile, ParseError> {
    let name = path.display().to_string();
    let err = |reason| ParseError {
        file: name.clone(),
        line: 0,
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(ParseReason::Io(e.kind().to_string())))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(ParseReason::FileTooLarge { bytes: meta.len() }));
    }
    let data = std::fs::read(path).map_err(|e| err(ParseReason::Io(e.kind().to_string())))?;
    parse_bytes(&name, &data)
}

/// Parses the bytes of a hash file named `file` (used in errors), detecting
/// its format. A file of an unknown format, or with no account, is an error;
/// single bad lines are collected in [`ParsedFile::errors`].
pub fn parse_bytes(file: &str, data: &[u8]) -> Result<ParsedFile, ParseError> {
    if data.len() as u64 > MAX_FILE_BYTES {
        return Err(ParseError {
            file: file.into(),
            line: 0,
            reason: ParseReason::FileTooLarge {
                bytes: data.len() as u64,
            },
        });
    }
    let format = detect_format(data).ok_or_else(|| ParseError {
        file: file.into(),
        line: 0,
        reason: if meaningful_lines(data).next().is_none() {
            ParseReason::Empty
        } else {
            ParseReason::UnknownFormat
        },
    })?;
    let mut out = ParsedFile {
        format,
        accounts: Vec::new(),
        errors: Vec::new(),
    };
    for (lineno, raw) in numbered_lines(data) {
        let line = match check_line(raw) {
            Ok(Some(l)) => l,
            Ok(None) => continue,
            Err(reason) => {
                out.errors.push(ParseError {
                    file: file.into(),
                    line: lineno,
                    reason,
                });
                continue;
            }
        };
        let parsed = match format {
            FileFormat::Shadow => parse_shadow_line(line),
            FileFormat::Pwdump => parse_pwdump_line(line),
        };
        match parsed {
            Ok(mut acc) => {
                acc.origin = Some(format!("{file}:{lineno}"));
                out.accounts.push(acc);
            }
            Err(reason) => out.errors.push(ParseError {
                file: file.into(),
                line: lineno,
                reason,
            }),
        }
    }
    if out.accounts.is_empty() && out.errors.is_empty() {
        return Err(ParseError {
            file: file.into(),
            line: 0,
            reason: ParseReason::Empty,
        });
    }
    Ok(out)
}

/// Guesses the format from the first meaningful lines: the one most lines
/// fit. `None` when neither fits any line.
pub fn detect_format(data: &[u8]) -> Option<FileFormat> {
    let (mut shadow, mut pwdump) = (0usize, 0usize);
    for raw in meaningful_lines(data).take(50) {
        let Ok(Some(line)) = check_line(raw) else {
            continue;
        };
        if parse_pwdump_line(line).is_ok() {
            pwdump += 1;
        } else if let Ok(acc) = parse_shadow_line(line) {
            // A line of junk with 8 colons parses as a shadow line whose hash
            // is "unsupported"; count only lines whose hash field means something.
            if !matches!(acc.hash, HashKind::Unsupported { .. }) {
                shadow += 1;
            }
        }
    }
    match (shadow, pwdump) {
        (0, 0) => None,
        (s, p) if p > s => Some(FileFormat::Pwdump),
        _ => Some(FileFormat::Shadow),
    }
}

fn numbered_lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    data.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

fn meaningful_lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    numbered_lines(data).map(|(_, l)| l).filter(|l| {
        let t = l.trim_ascii();
        !t.is_empty() && !t.starts_with(b"#")
    })
}

/// `Ok(None)`: blank or comment line.
fn check_line(raw: &[u8]) -> Result<Option<&str>, ParseReason> {
    if raw.len() > MAX_LINE_BYTES {
        return Err(ParseReason::LineTooLong);
    }
    let line = std::str::from_utf8(raw).map_err(|_| ParseReason::NotUtf8)?;
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    if t.chars().any(|c| c.is_control() && c != '\t') {
        return Err(ParseReason::BinaryData);
    }
    Ok(Some(t))
}

/// Parses one shadow line (`name:hash:lastchg:min:max:warn:inactive:expire:`)
/// or unshadowed passwd line (`name:hash:uid:gid:gecos:home:shell`).
pub fn parse_shadow_line(line: &str) -> Result<Account, ParseReason> {
    let fields: Vec<&str> = line.split(':').collect();
    if fields.len() != 9 && fields.len() != 7 {
        return Err(ParseReason::WrongFieldCount {
            expected: "9 (shadow) or 7 (passwd)",
            found: fields.len(),
        });
    }
    let name = fields[0].trim();
    if name.is_empty() {
        return Err(ParseReason::EmptyUserName);
    }
    let hash = classify_shadow_hash(fields[1]);
    Ok(Account::new(name, hash))
}

/// Classifies a shadow hash field. Never fails: what is not recognised is
/// [`HashKind::Unsupported`] with only the scheme identifier kept.
pub fn classify_shadow_hash(field: &str) -> HashKind {
    if field.is_empty() {
        return HashKind::NoPassword;
    }
    if field == "*LK*" || field == "*NP*" {
        return HashKind::Locked(None);
    }
    if field.starts_with('!') || field.starts_with('*') {
        let inner = field.trim_start_matches('!');
        if inner.is_empty() || inner.starts_with('*') || field.starts_with('*') {
            return HashKind::Locked(None);
        }
        return match classify_shadow_hash(inner) {
            HashKind::Unsupported { .. } | HashKind::NoPassword | HashKind::Locked(_) => {
                HashKind::Locked(None)
            }
            h => HashKind::Locked(Some(Box::new(h))),
        };
    }
    if field == "x" {
        return HashKind::Unsupported {
            scheme: "x (in shadow)".into(),
        };
    }
    match classify_crypt(field) {
        Some(scheme) => HashKind::Crypt(CryptHash::new(scheme, field.to_string())),
        None => {
            let scheme = if let Some(rest) = field.strip_prefix('$') {
                let id: String = rest
                    .split('$')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(12)
                    .collect();
                if id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    && !id.is_empty()
                {
                    format!("${id}$")
                } else {
                    "unknown".into()
                }
            } else {
                "unknown".into()
            };
            HashKind::Unsupported { scheme }
        }
    }
}

fn is_crypt64(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

/// Validates a crypt(3) string and names its scheme; `None` if it is not a
/// well-formed hash of a known scheme.
pub fn classify_crypt(s: &str) -> Option<CryptScheme> {
    if s.len() == 13 && is_crypt64(s) {
        return Some(CryptScheme::DesCrypt);
    }
    let rest = s.strip_prefix('$')?;
    let parts: Vec<&str> = rest.split('$').collect();
    match parts.as_slice() {
        ["y", params, salt, hash] | ["gy", params, salt, hash] => {
            let ok = is_crypt64(params) && is_crypt64(salt) && hash.len() == 43 && is_crypt64(hash);
            let scheme = if parts[0] == "y" {
                CryptScheme::Yescrypt
            } else {
                CryptScheme::GostYescrypt
            };
            ok.then_some(scheme)
        }
        ["6", tail @ ..] | ["5", tail @ ..] => {
            let (scheme, len) = if parts[0] == "6" {
                (CryptScheme::Sha512Crypt, 86)
            } else {
                (CryptScheme::Sha256Crypt, 43)
            };
            let (salt, hash) = match tail {
                [rounds, salt, hash] => {
                    let n = rounds.strip_prefix("rounds=")?;
                    if n.is_empty() || n.len() > 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    (salt, hash)
                }
                [salt, hash] => (salt, hash),
                _ => return None,
            };
            // glibc accepts an empty salt and truncates salts at 16 characters.
            let salt_ok =
                salt.len() <= 16 && salt.bytes().all(|b| b != b':' && b != b'\n' && b != b'$');
            (salt_ok && hash.len() == len && is_crypt64(hash)).then_some(scheme)
        }
        ["1", salt, hash] => (salt.len() <= 8 && hash.len() == 22 && is_crypt64(hash))
            .then_some(CryptScheme::Md5Crypt),
        [v, cost, body] if matches!(*v, "2a" | "2b" | "2y") => {
            let cost_ok = cost.len() == 2
                && cost.bytes().all(|b| b.is_ascii_digit())
                && (4..=31).contains(&cost.parse::<u32>().ok()?);
            (cost_ok && body.len() == 53 && is_crypt64(body)).then_some(CryptScheme::Bcrypt)
        }
        _ => None,
    }
}

/// Parses one pwdump line: `user:rid:lmhex:nthex:::` (any trailing fields
/// are ignored). `NO PASSWORD*********************` or 32 `*` mean "not stored".
pub fn parse_pwdump_line(line: &str) -> Result<Account, ParseReason> {
    let fields: Vec<&str> = line.split(':').collect();
    if fields.len() < 4 {
        return Err(ParseReason::WrongFieldCount {
            expected: "at least 4 (user:rid:lm:nt)",
            found: fields.len(),
        });
    }
    let name = fields[0].trim();
    if name.is_empty() {
        return Err(ParseReason::EmptyUserName);
    }
    let rid = fields[1].trim();
    if rid.is_empty() || rid.len() > 10 || !rid.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseReason::BadRid);
    }
    let rid: u32 = rid.parse().map_err(|_| ParseReason::BadRid)?;
    let lm = parse_hex16(fields[2]).map_err(|_| ParseReason::BadHashHex { which: "LM" })?;
    let nt = parse_hex16(fields[3]).map_err(|_| ParseReason::BadHashHex { which: "NT" })?;
    let mut acc = Account::new(name, HashKind::Windows { nt, lm });
    acc.rid = Some(rid);
    Ok(acc)
}

/// `Ok(None)` for "no hash stored" markers.
fn parse_hex16(field: &str) -> Result<Option<Hash16>, ()> {
    let f = field.trim();
    if f.len() == 32 && (f.starts_with("NO PASSWORD") || f.bytes().all(|b| b == b'*')) {
        return Ok(None);
    }
    if f.len() != 32 {
        return Err(());
    }
    let mut out = [0u8; 16];
    for (i, pair) in f.as_bytes().chunks_exact(2).enumerate() {
        let hi = hex_val(pair[0]).ok_or(())?;
        let lo = hex_val(pair[1]).ok_or(())?;
        out[i] = (hi << 4) | lo;
    }
    Ok(Some(Hash16(out)))
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
