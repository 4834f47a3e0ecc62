//! `.reg` export parser ("Windows Registry Editor Version 5.00" and
//! "REGEDIT4"), into an in-memory tree.
//!
//! Encodings: UTF-16LE with BOM (what `reg export` and regedit write),
//! UTF-16BE with BOM, UTF-8 with or without BOM, and otherwise Windows-1252
//! ("ANSI"). Deletions (`[-key]`, `"name"=-`) are applied in file order, so the
//! tree is the state the file would leave behind when imported into an empty
//! registry.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::{Location, Reason, RegError};
use crate::fold::fold;
use crate::hive::MAX_DEPTH;
use crate::value::{
    encode_sz, RawValue, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ,
};

/// One key of a parsed `.reg` file.
pub(crate) struct TNode {
    pub name: String,
    pub children: Vec<u32>,
    pub values: Vec<RawValue>,
    /// Folded value names, parallel to `values`.
    value_keys: Vec<String>,
}

/// The keys of a `.reg` file under a nameless root; the first level holds the
/// predefined keys (`HKEY_LOCAL_MACHINE`, ...), looked up by long or short name.
pub(crate) struct Tree {
    pub nodes: Vec<TNode>,
    index: HashMap<(u32, String), u32>,
}

/// Short canonical name of a predefined root key, if `name` is one.
pub(crate) fn canonical_root(name: &str) -> Option<&'static str> {
    const ROOTS: [(&str, &str); 12] = [
        ("HKEY_LOCAL_MACHINE", "HKLM"),
        ("HKLM", "HKLM"),
        ("HKEY_CURRENT_USER", "HKCU"),
        ("HKCU", "HKCU"),
        ("HKEY_CLASSES_ROOT", "HKCR"),
        ("HKCR", "HKCR"),
        ("HKEY_USERS", "HKU"),
        ("HKU", "HKU"),
        ("HKEY_CURRENT_CONFIG", "HKCC"),
        ("HKCC", "HKCC"),
        ("HKEY_PERFORMANCE_DATA", "HKPD"),
        ("HKPD", "HKPD"),
    ];
    ROOTS
        .iter()
        .find(|(long, _)| long.eq_ignore_ascii_case(name))
        .map(|(_, short)| *short)
}

/// The lookup key of a name at a given depth (roots use their short form).
pub(crate) fn lookup_key(name: &str, top_level: bool) -> String {
    if top_level {
        if let Some(short) = canonical_root(name) {
            return short.to_string();
        }
    }
    fold(name)
}

impl Tree {
    fn new() -> Tree {
        Tree {
            nodes: vec![TNode {
                name: String::new(),
                children: Vec::new(),
                values: Vec::new(),
                value_keys: Vec::new(),
            }],
            index: HashMap::new(),
        }
    }

    pub(crate) fn child(&self, parent: u32, name: &str) -> Option<u32> {
        self.index
            .get(&(parent, lookup_key(name, parent == 0)))
            .copied()
    }

    fn create(&mut self, comps: &[&str]) -> u32 {
        let mut cur = 0u32;
        for c in comps {
            let k = (cur, lookup_key(c, cur == 0));
            cur = match self.index.get(&k) {
                Some(&n) => n,
                None => {
                    let n = self.nodes.len() as u32;
                    self.nodes.push(TNode {
                        name: (*c).to_string(),
                        children: Vec::new(),
                        values: Vec::new(),
                        value_keys: Vec::new(),
                    });
                    self.nodes[cur as usize].children.push(n);
                    self.index.insert(k, n);
                    n
                }
            };
        }
        cur
    }

    fn delete(&mut self, comps: &[&str]) {
        let mut cur = 0u32;
        let mut parent = 0u32;
        for c in comps {
            match self.child(cur, c) {
                Some(n) => {
                    parent = cur;
                    cur = n;
                }
                None => return, // deleting a missing key is not an error
            }
        }
        if cur == 0 {
            return;
        }
        let key = lookup_key(&self.nodes[cur as usize].name, parent == 0);
        self.index.remove(&(parent, key));
        self.nodes[parent as usize].children.retain(|&c| c != cur);
    }

    pub(crate) fn value_index(&self, node: u32, name: &str) -> Option<usize> {
        let key = fold(name);
        self.nodes[node as usize]
            .value_keys
            .iter()
            .position(|k| *k == key)
    }

    fn set_value(&mut self, node: u32, name: String, ty: u32, data: Vec<u8>) {
        match self.value_index(node, &name) {
            Some(i) => self.nodes[node as usize].values[i] = RawValue { name, ty, data },
            None => {
                let n = &mut self.nodes[node as usize];
                n.value_keys.push(fold(&name));
                n.values.push(RawValue { name, ty, data });
            }
        }
    }

    fn delete_value(&mut self, node: u32, name: &str) {
        if let Some(i) = self.value_index(node, name) {
            let n = &mut self.nodes[node as usize];
            n.values.remove(i);
            n.value_keys.remove(i);
        }
    }
}

/// Windows-1252 to Unicode for 0x80..=0x9F (other bytes map to U+00xx).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

fn cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => {
                char::from_u32(u32::from(CP1252_HIGH[(b - 0x80) as usize])).unwrap_or('\u{FFFD}')
            }
            _ => b as char,
        })
        .collect()
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            if big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        })
        .collect();
    String::from_utf16_lossy(&units)
}

fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Cow::Owned(utf16(rest, false));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Cow::Owned(utf16(rest, true));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // UTF-16LE without a BOM: "W\0i\0" or "R\0E\0"
    if body.len() >= 4 && body[1] == 0 && body[3] == 0 && body[0] != 0 && body[2] != 0 {
        return Cow::Owned(utf16(body, false));
    }
    match std::str::from_utf8(body) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(cp1252(body)),
    }
}

/// `"..."` with `\\` and `\"` escapes; returns the text and what follows the
/// closing quote, or None when the quote is not closed on this line.
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut it = body.char_indices();
    while let Some((i, c)) = it.next() {
        match c {
            '\\' => match it.next() {
                Some((_, '\\')) => out.push('\\'),
                Some((_, '"')) => out.push('"'),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => return None,
            },
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn split_path(p: &str) -> Vec<&str> {
    p.split('\\').filter(|c| !c.is_empty()).collect()
}

fn parse_hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 3 + 1);
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let n = parts.len();
    for (i, p) in parts.into_iter().enumerate() {
        if p.is_empty() {
            if i + 1 == n {
                break; // trailing comma, or no data at all
            }
            return Err("empty byte in hex data (two commas in a row)".into());
        }
        if p.len() > 2 {
            return Err(format!("'{}' is not a hex byte", truncate(p)));
        }
        out.push(
            u8::from_str_radix(p, 16)
                .map_err(|_| format!("'{}' is not a hex byte", truncate(p)))?,
        );
    }
    Ok(out)
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        let t: String = s.chars().take(40).collect();
        format!("{t}…")
    } else {
        s.to_string()
    }
}

/// Data after `=`; `lines`/`i` let hex data continue on following lines.
enum Data {
    Delete,
    Set(u32, Vec<u8>),
}

fn parse_data(data: &str, lines: &[&str], i: &mut usize, regedit4: bool) -> Result<Data, String> {
    let data = data.trim();
    if data == "-" {
        return Ok(Data::Delete);
    }
    if data.starts_with('"') {
        let (s, rest) = parse_quoted(data).ok_or("string value has no closing '\"'")?;
        let rest = rest.trim();
        if !rest.is_empty() && !rest.starts_with(';') {
            return Err(format!(
                "unexpected text after the string: '{}'",
                truncate(rest)
            ));
        }
        return Ok(Data::Set(REG_SZ, encode_sz(&s)));
    }
    let lower = data
        .get(..6)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower == "dword:" {
        let h = data[6..].trim();
        if h.is_empty() || h.len() > 8 {
            return Err(format!(
                "dword needs 1 to 8 hex digits, found '{}'",
                truncate(h)
            ));
        }
        let v = u32::from_str_radix(h, 16)
            .map_err(|_| format!("'{}' is not a hex dword", truncate(h)))?;
        return Ok(Data::Set(REG_DWORD, v.to_le_bytes().to_vec()));
    }
    if lower == "qword:" {
        let h = data[6..].trim();
        if h.is_empty() || h.len() > 16 {
            return Err(format!(
                "qword needs 1 to 16 hex digits, found '{}'",
                truncate(h)
            ));
        }
        let v = u64::from_str_radix(h, 16)
            .map_err(|_| format!("'{}' is not a hex qword", truncate(h)))?;
        return Ok(Data::Set(REG_QWORD, v.to_le_bytes().to_vec()));
    }
    if data.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("hex")) {
        let rest = &data[3..];
        let (ty, rest) = if let Some(r) = rest.strip_prefix('(') {
            let close = r.find(')').ok_or("hex( has no closing ')'")?;
            let t = r[..close].trim();
            if t.is_empty() || t.len() > 8 {
                return Err(format!("bad value type in hex({})", truncate(t)));
            }
            let ty = u32::from_str_radix(t, 16)
                .map_err(|_| format!("bad value type in hex({})", truncate(t)))?;
            (ty, &r[close + 1..])
        } else {
            (crate::value::REG_BINARY, rest)
        };
        let rest = rest
            .trim_start()
            .strip_prefix(':')
            .ok_or("expected ':' after hex")?;
        let mut text = rest.trim_end().to_string();
        while text.ends_with('\\') {
            text.pop();
            let next = lines
                .get(*i)
                .map(|l| l.trim().trim_end_matches('\0'))
                .unwrap_or("");
            if next.is_empty() {
                return Err(
                    if lines[*i..]
                        .iter()
                        .all(|l| l.trim().trim_matches('\0').is_empty())
                    {
                        "hex data continues ('\\') past the end of the file".into()
                    } else {
                        "hex data continues ('\\') into an empty line".into()
                    },
                );
            }
            *i += 1;
            text.push_str(next);
        }
        let mut bytes = parse_hex_bytes(&text)?;
        if regedit4 && matches!(ty, REG_SZ | REG_EXPAND_SZ | REG_MULTI_SZ) {
            // REGEDIT4 writes string data in the ANSI code page, one byte per character.
            let s = cp1252(&bytes);
            bytes = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        }
        return Ok(Data::Set(ty, bytes));
    }
    Err(format!(
        "unknown value data '{}' (expected \"string\", dword:, hex:, hex(N): or -)",
        truncate(data)
    ))
}

enum Current {
    Nothing,
    Key(u32),
    Deleted,
}

pub(crate) fn parse(bytes: &[u8], origin: &str) -> Result<Tree, RegError> {
    let text = decode(bytes);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| {
            l.strip_suffix('\r')
                .unwrap_or(l)
                .trim_start_matches('\u{FEFF}')
        })
        .collect();
    let err =
        |line: usize, m: String| RegError::new(origin, Location::Line(line), Reason::Syntax(m));

    let Some(header_at) = lines
        .iter()
        .position(|l| !l.trim().trim_matches('\0').is_empty())
    else {
        return Err(RegError::new(origin, Location::Line(1), Reason::NotRegFile));
    };
    let header = lines[header_at].trim();
    let regedit4 = if header == "Windows Registry Editor Version 5.00" {
        false
    } else if header.eq_ignore_ascii_case("REGEDIT4") {
        true
    } else {
        return Err(RegError::new(
            origin,
            Location::Line(header_at + 1),
            Reason::NotRegFile,
        ));
    };

    let mut tree = Tree::new();
    let mut cur = Current::Nothing;
    let mut i = header_at + 1;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim_start().trim_end_matches(['\0', ' ', '\t']);
        i += 1;
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(body) = line.strip_prefix('[') {
            let end = body
                .rfind(']')
                .ok_or_else(|| err(lineno, "key line has no closing ']'".into()))?;
            let (deleting, path) = match body[..end].strip_prefix('-') {
                Some(p) => (true, p),
                None => (false, &body[..end]),
            };
            let comps = split_path(path);
            if comps.is_empty() {
                return Err(err(lineno, "empty key path".into()));
            }
            if comps.len() > MAX_DEPTH {
                return Err(RegError::new(
                    origin,
                    Location::Line(lineno),
                    Reason::TooDeep { limit: MAX_DEPTH },
                ));
            }
            if deleting {
                tree.delete(&comps);
                cur = Current::Deleted;
            } else {
                cur = Current::Key(tree.create(&comps));
            }
            continue;
        }
        let (name, rest) = if let Some(r) = line.strip_prefix('@') {
            (String::new(), r)
        } else if line.starts_with('"') {
            parse_quoted(line)
                .ok_or_else(|| err(lineno, "value name has no closing '\"'".into()))?
        } else {
            return Err(err(
                lineno,
                format!(
                    "unexpected text '{}' (expected [key], \"name\"=, @= or ;comment)",
                    truncate(line)
                ),
            ));
        };
        let data = rest
            .trim_start()
            .strip_prefix('=')
            .ok_or_else(|| err(lineno, "expected '=' after the value name".into()))?;
        let parsed = parse_data(data, &lines, &mut i, regedit4).map_err(|m| err(lineno, m))?;
        match cur {
            Current::Nothing => return Err(err(lineno, "value before any [key] line".into())),
            Current::Deleted => {} // values of a deleted key are ignored, as regedit does
            Current::Key(n) => match parsed {
                Data::Delete => tree.delete_value(n, &name),
                Data::Set(ty, bytes) => tree.set_value(n, name, ty, bytes),
            },
        }
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted() {
        assert_eq!(
            parse_quoted(r#""a\\b\"c" = x"#),
            Some(("a\\b\"c".to_string(), " = x"))
        );
        assert_eq!(parse_quoted(r#""open"#), None);
        assert_eq!(parse_quoted(r#""end\"#), None);
    }

    #[test]
    fn hex_bytes() {
        assert_eq!(parse_hex_bytes("00,ff, 1 ,").unwrap(), vec![0, 255, 1]);
        assert_eq!(parse_hex_bytes("").unwrap(), Vec::<u8>::new());
        assert!(parse_hex_bytes("00,,01").is_err());
        assert!(parse_hex_bytes("zz").is_err());
        assert!(parse_hex_bytes("123").is_err());
    }

    #[test]
    fn ansi_fallback() {
        assert_eq!(decode(b"caf\xe9 \x80"), "café €");
    }
}
