//! CPE 2.3 formatted strings (NISTIR 7695 §6.2) as NVD writes them in
//! `cpeMatch[].criteria`: `cpe:2.3:part:vendor:product:version:update:
//! edition:language:sw_edition:target_sw:target_hw:other`.
//!
//! Each of the 11 attributes is `*` (ANY), `-` (NA) or a value. In a value,
//! letters, digits, `_`, `-` and `.` stand for themselves; any other printable
//! ASCII character must be quoted with `\` (`notepad\+\+`, `a\:b`); an
//! unquoted `*` or `?` at the start or end of a value is a wildcard (any
//! run of characters / one character). Values compare ASCII-case-insensitively.
//!
//! Why not the `cpe` crate (0.1.5): it has seen no release since 2021, pulls
//! in regex, lazy_static and derive_builder 0.9, checks the language
//! attribute as a BCP 47 tag (NVD writes `*`), and has no name matching; the
//! formatted-string grammar is small enough to own and fuzz here.

use std::fmt;

/// Longest CPE string accepted (NVD's longest are under 300 characters).
pub const MAX_CPE_LEN: usize = 1024;

/// One token of an attribute value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Tok {
    /// A literal character (lower-cased ASCII).
    Lit(char),
    /// Unquoted `*`: any run of characters (possibly empty).
    Many,
    /// Unquoted `?`: exactly one character.
    One,
}

/// One attribute of a CPE name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// `*`: any value.
    Any,
    /// `-`: not applicable (the attribute has no value).
    Na,
    /// A value, possibly with wildcards at its ends.
    Value(Vec<TokPub>),
}

/// Public wrapper so [`Component`] can derive its traits without exposing
/// the token enum's variants as API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokPub(Tok);

impl Component {
    /// The value as plain text (quotes removed), when it has no wildcard.
    pub fn literal(&self) -> Option<String> {
        match self {
            Component::Value(t) => t
                .iter()
                .map(|t| match t.0 {
                    Tok::Lit(c) => Some(c),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// Whether this attribute of a criteria matches a concrete `value` of
    /// the host (already plain text). ANY matches everything; NA matches only
    /// `None` (the host's attribute has no value); a value matches the same
    /// text, case-insensitively, wildcards included.
    pub fn matches(&self, value: Option<&str>) -> bool {
        match (self, value) {
            (Component::Any, _) => true,
            (Component::Na, v) => v.is_none(),
            (Component::Value(_), None) => false,
            (Component::Value(t), Some(v)) => {
                // Fast path: a plain literal (no wildcard), compared without allocating.
                if t.iter().all(|x| matches!(x.0, Tok::Lit(_))) {
                    let mut chars = v.chars();
                    return t.iter().all(|x| match (x.0.clone(), chars.next()) {
                        (Tok::Lit(c), Some(d)) => c == d.to_ascii_lowercase(),
                        _ => false,
                    }) && chars.next().is_none();
                }
                let v: Vec<char> = v.chars().map(|c| c.to_ascii_lowercase()).collect();
                glob(t, &v)
            }
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Component::Any => out.push('*'),
            Component::Na => out.push('-'),
            Component::Value(t) => {
                let lone_dash = t.len() == 1 && t[0].0 == Tok::Lit('-');
                for tok in t {
                    match tok.0 {
                        Tok::Many => out.push('*'),
                        Tok::One => out.push('?'),
                        Tok::Lit(c) => {
                            if lone_dash
                                || !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                            {
                                out.push('\\');
                            }
                            out.push(c);
                        }
                    }
                }
            }
        }
    }
}

fn glob(pat: &[TokPub], v: &[char]) -> bool {
    match pat.split_first() {
        None => v.is_empty(),
        Some((TokPub(Tok::Lit(c)), rest)) => v.first() == Some(c) && glob(rest, &v[1..]),
        Some((TokPub(Tok::One), rest)) => !v.is_empty() && glob(rest, &v[1..]),
        // Wildcards only sit at the ends, so this recursion is shallow.
        Some((TokPub(Tok::Many), rest)) => (0..=v.len()).any(|i| glob(rest, &v[i..])),
    }
}

/// A parsed CPE 2.3 name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpe {
    /// `a` (application), `o` (operating system), `h` (hardware), or ANY.
    pub part: Component,
    pub vendor: Component,
    pub product: Component,
    pub version: Component,
    pub update: Component,
    pub edition: Component,
    pub language: Component,
    pub sw_edition: Component,
    pub target_sw: Component,
    pub target_hw: Component,
    pub other: Component,
}

/// Why a string is not a CPE 2.3 formatted string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpeError {
    pub message: String,
}

impl fmt::Display for CpeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CpeError {}

fn err(m: impl Into<String>) -> CpeError {
    CpeError { message: m.into() }
}

const NAMES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

fn component(raw: &str, index: usize) -> Result<Component, CpeError> {
    let name = NAMES[index];
    match raw {
        "*" => return Ok(Component::Any),
        "-" => return Ok(Component::Na),
        "" => return Err(err(format!("attribute {name} is empty"))),
        _ => {}
    }
    // Fast path: plain lower-case-able values (almost all of NVD's).
    if raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Ok(Component::Value(
            raw.bytes()
                .map(|b| TokPub(Tok::Lit(char::from(b.to_ascii_lowercase()))))
                .collect(),
        ));
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut toks = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&q) = chars.get(i + 1) else {
                    return Err(err(format!("attribute {name} ends with a lone '\\'")));
                };
                if !q.is_ascii_graphic() {
                    return Err(err(format!(
                        "attribute {name}: '\\' quotes {:?}, which is not printable ASCII",
                        q
                    )));
                }
                toks.push(TokPub(Tok::Lit(q.to_ascii_lowercase())));
                i += 2;
            }
            '*' | '?' => {
                // Unquoted wildcards: only a leading or trailing run.
                let lead = toks.iter().all(|t| !matches!(t.0, Tok::Lit(_)));
                let trail = chars[i..].iter().all(|&c| c == '*' || c == '?');
                if !(lead || trail) {
                    return Err(err(format!(
                        "attribute {name}: unquoted '{c}' in the middle of a value (quote it as '\\{c}')"
                    )));
                }
                if c == '*' {
                    if toks.last().is_some_and(|t| t.0 == Tok::Many) {
                        return Err(err(format!("attribute {name}: '**' is not allowed")));
                    }
                    toks.push(TokPub(Tok::Many));
                } else {
                    toks.push(TokPub(Tok::One));
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') => {
                toks.push(TokPub(Tok::Lit(c.to_ascii_lowercase())));
                i += 1;
            }
            c if c.is_ascii_graphic() => {
                return Err(err(format!(
                    "attribute {name}: '{c}' must be quoted as '\\{c}'"
                )));
            }
            c => {
                return Err(err(format!(
                    "attribute {name}: {:?} is not printable ASCII",
                    c
                )));
            }
        }
    }
    if toks.iter().all(|t| !matches!(t.0, Tok::Lit(_))) {
        return Err(err(format!(
            "attribute {name} holds only wildcards (write '*' for ANY)"
        )));
    }
    Ok(Component::Value(toks))
}

impl Cpe {
    /// Parses a CPE 2.3 formatted string.
    pub fn parse(s: &str) -> Result<Cpe, CpeError> {
        if s.len() > MAX_CPE_LEN {
            return Err(err(format!(
                "longer than {MAX_CPE_LEN} characters ({} bytes)",
                s.len()
            )));
        }
        let Some(rest) = s.strip_prefix("cpe:2.3:") else {
            return Err(err("does not start with 'cpe:2.3:'"));
        };
        // Split on ':' that is not quoted (slices of `rest`, no copies).
        let mut raw: Vec<&str> = Vec::with_capacity(11);
        let mut start = 0;
        let mut it = rest.char_indices();
        while let Some((i, c)) = it.next() {
            match c {
                '\\' => {
                    it.next();
                }
                ':' => {
                    raw.push(&rest[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        raw.push(&rest[start..]);
        if raw.len() != 11 {
            return Err(err(format!(
                "has {} attributes after 'cpe:2.3:', expected 11",
                raw.len()
            )));
        }
        let mut c = Vec::with_capacity(11);
        for (i, r) in raw.iter().enumerate() {
            c.push(component(r, i)?);
        }
        match &c[0] {
            Component::Any => {}
            Component::Value(_) if matches!(c[0].literal().as_deref(), Some("a" | "o" | "h")) => {}
            _ => return Err(err("attribute part must be 'a', 'o', 'h' or '*'")),
        }
        let mut it = c.into_iter();
        let mut next = || it.next().unwrap_or(Component::Any);
        Ok(Cpe {
            part: next(),
            vendor: next(),
            product: next(),
            version: next(),
            update: next(),
            edition: next(),
            language: next(),
            sw_edition: next(),
            target_sw: next(),
            target_hw: next(),
            other: next(),
        })
    }

    /// `vendor:product` in lower case, plain text, when both are literal
    /// values: the key the store indexes criteria by.
    pub fn key(&self) -> Option<String> {
        Some(format!(
            "{}:{}",
            self.vendor.literal()?,
            self.product.literal()?
        ))
    }

    fn parts(&self) -> [&Component; 11] {
        [
            &self.part,
            &self.vendor,
            &self.product,
            &self.version,
            &self.update,
            &self.edition,
            &self.language,
            &self.sw_edition,
            &self.target_sw,
            &self.target_hw,
            &self.other,
        ]
    }
}

impl fmt::Display for Cpe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::from("cpe:2.3");
        for c in self.parts() {
            s.push(':');
            c.write(&mut s);
        }
        f.write_str(&s)
    }
}

impl std::str::FromStr for Cpe {
    type Err = CpeError;
    fn from_str(s: &str) -> Result<Cpe, CpeError> {
        Cpe::parse(s)
    }
}

impl serde::Serialize for Cpe {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Cpe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cpe, D::Error> {
        let s = String::deserialize(d)?;
        Cpe::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nvd_examples_parse_and_round_trip() {
        for s in [
            "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:x64:*",
            "cpe:2.3:a:rarlab:winrar:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.6.2:*:*:*:*:*:*:*",
            "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:a\\:b:1.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:prod*:*:*:*:*:*:*:*:*",
        ] {
            let c = Cpe::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(c.to_string(), s);
        }
        let c =
            Cpe::parse("cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.6.2:*:*:*:*:*:*:*").unwrap();
        assert_eq!(c.key().as_deref(), Some("notepad-plus-plus:notepad++"));
        assert_eq!(c.version.literal().as_deref(), Some("8.6.2"));
        let dash = Cpe::parse("cpe:2.3:a:v:\\-:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(dash.product.literal().as_deref(), Some("-"));
        assert_eq!(Cpe::parse(&dash.to_string()).unwrap(), dash);
        let c = Cpe::parse("cpe:2.3:a:vendor:a\\:b:1.0:*:*:*:*:*:*:*").unwrap();
        assert_eq!(c.product.literal().as_deref(), Some("a:b"));
        assert_eq!(c.version.literal().as_deref(), Some("1.0"));
    }

    #[test]
    fn matching_any_na_values_wildcards() {
        let c = Cpe::parse("cpe:2.3:o:Microsoft:windows_7:-:sp1:*:*:*:*:*:*").unwrap();
        assert!(c.vendor.matches(Some("microsoft")));
        assert!(c.update.matches(Some("SP1")));
        assert!(!c.update.matches(None));
        assert!(c.version.matches(None));
        assert!(!c.version.matches(Some("6.1")));
        assert!(c.edition.matches(Some("anything")) && c.edition.matches(None));
        let w = Cpe::parse("cpe:2.3:a:v:foo*:?.0:*:*:*:*:*:*:*").unwrap();
        assert!(w.product.matches(Some("foo")) && w.product.matches(Some("foobar")));
        assert!(!w.product.matches(Some("fo")));
        assert!(w.version.matches(Some("1.0")) && !w.version.matches(Some("10.0")));
    }

    #[test]
    fn bad_strings_are_refused_with_a_reason() {
        let cases = [
            ("", "does not start"),
            ("cpe:/a:microsoft:ie:6", "does not start"),
            ("cpe:2.3:a:v:p:1", "expected 11"),
            ("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*", "expected 11"),
            ("cpe:2.3:x:v:p:*:*:*:*:*:*:*:*", "part must be"),
            ("cpe:2.3:a:v:p+p:*:*:*:*:*:*:*:*", "must be quoted"),
            ("cpe:2.3:a:v:p:*:*:*:*:*:*:*:\\", "lone"),
            ("cpe:2.3:a::p:*:*:*:*:*:*:*:*", "vendor is empty"),
            ("cpe:2.3:a:v:a*b:*:*:*:*:*:*:*:*", "middle"),
            ("cpe:2.3:a:v:**:*:*:*:*:*:*:*:*", "not allowed"),
            ("cpe:2.3:a:v:?:*:*:*:*:*:*:*:*", "only wildcards"),
            (
                "cpe:2.3:a:v:ph\u{1ea1}m:*:*:*:*:*:*:*:*",
                "not printable ASCII",
            ),
            ("cpe:2.3:a:v:p\u{0}:*:*:*:*:*:*:*:*", "not printable ASCII"),
        ];
        for (s, want) in cases {
            let e = Cpe::parse(s).expect_err(s);
            assert!(e.message.contains(want), "{s:?}: {e}");
        }
        let long = format!("cpe:2.3:a:v:{}:*:*:*:*:*:*:*:*", "x".repeat(2000));
        assert!(Cpe::parse(&long).unwrap_err().message.contains("longer"));
        // Garbage never panics.
        for n in 0..300u32 {
            let s: String = (0..(n % 40))
                .map(|i| char::from_u32((n * 7 + i * 13) % 128).unwrap_or('x'))
                .collect();
            let _ = Cpe::parse(&format!("cpe:2.3:{s}"));
        }
    }
}
