//! Knowledge files other than vulnerability records that `kb import`
//! validates and keeps in the store as documents (one table, see
//! [`crate::store::Document`]). Recognised by content and file name:
//!
//! | kind | file | validated with |
//! | --- | --- | --- |
//! | `program-cpe` | TOML with `[[program]]` | [`crate::program_cpe::ProgramMap::parse`] |
//! | `lifecycle` | endoflife.date `products/NAME.md` (YAML front matter) | antoan-kb's endoflife.date reader |
//! | `lifecycle` | endoflife.date API JSON (`/api/NAME.json` cycle list, or v1 `{"result":{"releases":…}}`) | converted to the `.md` form, then as above |
//! | `distro-info` | distro-info-data `debian.csv` / `ubuntu.csv` | antoan-kb's distro-info reader |
//! | `credentials` | TOML with `[[credential]]` (antoan-probe's `credentials.toml` format) | TOML shape here; the CLI also runs antoan-probe's own parser |
//! | `wordlist` | `*.lst` / `*.txt`: one password a line, `#` comment lines | UTF-8, entry length |
//!
//! The product of a lifecycle file is its file stem (`debian.md`,
//! `debian.json` → `debian`), as in the embedded data. A newer import of the
//! same kind and name replaces the older one; a program map or credential
//! list replaces the previous one whatever its name.

use std::collections::BTreeMap;

use antoan_kb::{Lifecycle, Product};
use antoan_model::KnowledgeSource;

use crate::error::{clean, line_of, VulnError, VulnErrorKind};
use crate::store::{Document, ImportFile, NewDocument, Store, DOC_PROGRAM_CPE};

pub const DOC_LIFECYCLE: &str = "lifecycle";
pub const DOC_DISTRO_INFO: &str = "distro-info";
pub const DOC_CREDENTIALS: &str = "credentials";
pub const DOC_WORDLIST: &str = "wordlist";

/// Longest accepted word-list entry, in bytes.
pub const MAX_WORD_BYTES: usize = 256;
/// Largest document accepted.
pub const MAX_DOC_BYTES: usize = 64 << 20;

fn utf8<'a>(f: &'a ImportFile, what: &str) -> Result<&'a str, VulnError> {
    if f.bytes.len() > MAX_DOC_BYTES {
        return Err(VulnError::new(
            VulnErrorKind::Io,
            &f.origin,
            None,
            format!("file is larger than {} MiB", MAX_DOC_BYTES >> 20),
        ));
    }
    let b = f
        .bytes
        .strip_prefix(&[0xef, 0xbb, 0xbf])
        .unwrap_or(&f.bytes);
    if b.starts_with(&[0xff, 0xfe]) || b.starts_with(&[0xfe, 0xff]) {
        return Err(VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            None,
            format!("text is UTF-16; {what} must be UTF-8"),
        ));
    }
    if let Some(p) = b.iter().position(|&c| c == 0) {
        return Err(VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            Some(line_of(b, p)),
            format!("contains a NUL byte (binary data or UTF-16?); {what} must be UTF-8 text"),
        ));
    }
    std::str::from_utf8(b).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            Some(line_of(b, e.valid_up_to())),
            format!(
                "not UTF-8 (byte at offset {}); {what} must be UTF-8",
                e.valid_up_to()
            ),
        )
    })
}

fn base_name(origin: &str) -> String {
    origin
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(origin)
        .to_string()
}

fn stem(origin: &str) -> String {
    let b = base_name(origin);
    match b.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s.to_string(),
        _ => b,
    }
}

fn has_ext(origin: &str, exts: &[&str]) -> bool {
    let b = base_name(origin).to_ascii_lowercase();
    exts.iter().any(|e| b.ends_with(e))
}

fn kb_err(e: antoan_kb::KbError, origin: &str) -> VulnError {
    VulnError::new(
        VulnErrorKind::Invalid,
        origin,
        e.line,
        clean(&e.message, 300),
    )
}

/// The newest date a product's data states (a release or a latest point
/// release): newer data adds releases and point releases.
pub fn product_newest(p: &Product) -> String {
    p.cycles
        .iter()
        .flat_map(|c| [c.release_date, c.latest_release_date])
        .flatten()
        .max()
        .map(antoan_kb::iso)
        .unwrap_or_default()
}

fn head(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(4096)]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Recognises and validates a document file; `Ok(None)` when `f` is not one
/// (it is then read as vulnerability data).
pub fn classify(f: &ImportFile) -> Result<Option<NewDocument>, VulnError> {
    let b = f
        .bytes
        .strip_prefix(&[0xef, 0xbb, 0xbf])
        .unwrap_or(&f.bytes);
    let first = b.iter().find(|c| !c.is_ascii_whitespace()).copied();
    if crate::program_cpe::looks_like_map(b) {
        let text = utf8(f, "a program → CPE map")?;
        let map = crate::program_cpe::ProgramMap::parse(text, &f.origin)?;
        return Ok(Some(doc(
            DOC_PROGRAM_CPE,
            base_name(&f.origin),
            text,
            map.rules.len(),
            "",
            true,
        )));
    }
    if contains(&b[..b.len().min(64 * 1024)], b"[[credential]]") {
        let text = utf8(f, "a credential list")?;
        let n = credentials_shape(text, &f.origin)?;
        return Ok(Some(doc(
            DOC_CREDENTIALS,
            base_name(&f.origin),
            text,
            n,
            "",
            true,
        )));
    }
    if has_ext(&f.origin, &[".md"]) && b.starts_with(b"---") {
        let text = utf8(f, "an endoflife.date product file")?;
        let name = format!("{}.md", stem(&f.origin));
        let p = Lifecycle::from_endoflife_md(text, &name).map_err(|e| kb_err(e, &f.origin))?;
        let newest = product_newest(&p);
        return Ok(Some(doc(
            DOC_LIFECYCLE,
            name,
            text,
            p.cycles.len(),
            &newest,
            false,
        )));
    }
    if has_ext(&f.origin, &[".csv"]) && b.starts_with(b"version,codename,series") {
        let text = utf8(f, "a distro-info CSV")?;
        let name = format!("{}.csv", stem(&f.origin));
        let p = Lifecycle::from_distro_info_csv(text, &name).map_err(|e| kb_err(e, &f.origin))?;
        let newest = product_newest(&p);
        return Ok(Some(doc(
            DOC_DISTRO_INFO,
            name,
            text,
            p.cycles.len(),
            &newest,
            false,
        )));
    }
    if has_ext(&f.origin, &[".json"])
        && matches!(first, Some(b'[' | b'{'))
        && (contains(head(b), b"\"cycle\"") || contains(head(b), b"\"schema_version\""))
    {
        if let Some(md) = endoflife_json(f)? {
            let name = format!("{}.md", md.0);
            let p = Lifecycle::from_endoflife_md(&md.1, &name).map_err(|e| kb_err(e, &f.origin))?;
            let newest = product_newest(&p);
            return Ok(Some(doc(
                DOC_LIFECYCLE,
                name,
                &md.1,
                p.cycles.len(),
                &newest,
                false,
            )));
        }
    }
    if has_ext(&f.origin, &[".lst", ".txt"]) {
        let text = utf8(f, "a password list")?;
        let n = wordlist_entries(text, &f.origin)?;
        return Ok(Some(doc(
            DOC_WORDLIST,
            base_name(&f.origin),
            text,
            n,
            "",
            false,
        )));
    }
    Ok(None)
}

fn doc(
    kind: &str,
    name: String,
    text: &str,
    items: usize,
    newest: &str,
    replace_kind: bool,
) -> NewDocument {
    NewDocument {
        kind: kind.into(),
        name,
        content: text.to_string(),
        items: items as u64,
        newest: newest.to_string(),
        replace_kind,
    }
}

/// Entries of a word list: lines that are not empty and not comments
/// (`#`, including john's `#!comment:`).
fn wordlist_entries(text: &str, origin: &str) -> Result<usize, VulnError> {
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_end_matches('\r');
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.len() > MAX_WORD_BYTES {
            return Err(VulnError::new(
                VulnErrorKind::Invalid,
                origin,
                Some(i as u64 + 1),
                format!("entry is {} bytes, more than {MAX_WORD_BYTES}", l.len()),
            ));
        }
        if l.chars().any(|c| c.is_control() && c != '\t') {
            return Err(VulnError::new(
                VulnErrorKind::Invalid,
                origin,
                Some(i as u64 + 1),
                "entry holds a control character",
            ));
        }
        n += 1;
    }
    if n == 0 {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            None,
            "the list has no entries",
        ));
    }
    Ok(n)
}

/// Shape of antoan-probe's credential list: `[[credential]]` tables with
/// string fields vendor, service, username, password, source (kind optional).
fn credentials_shape(text: &str, origin: &str) -> Result<usize, VulnError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        credential: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        vendor: String,
        service: String,
        username: String,
        password: String,
        source: String,
        #[serde(default)]
        kind: Option<String>,
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            e.span().map(|s| line_of(text.as_bytes(), s.start)),
            clean(e.message(), 200),
        )
    })?;
    if raw.credential.is_empty() {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            None,
            "no [[credential]] entries",
        ));
    }
    Ok(raw.credential.len())
}

/// Converts an endoflife.date API JSON dump to the product file form:
/// (product name, `.md` text). `Ok(None)` when the JSON is not one.
fn endoflife_json(f: &ImportFile) -> Result<Option<(String, String)>, VulnError> {
    use serde_json::Value;
    crate::osv::precheck(&f.bytes, &f.origin)?;
    let b = f
        .bytes
        .strip_prefix(&[0xef, 0xbb, 0xbf])
        .unwrap_or(&f.bytes);
    let v: Value = serde_json::from_slice(b).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            &f.origin,
            Some(e.line() as u64),
            crate::osv::json_message(&e),
        )
    })?;
    let invalid = |m: String| VulnError::new(VulnErrorKind::Invalid, &f.origin, None, m);
    // (product, releases, v1?)
    let (name, releases, v1) = match &v {
        Value::Array(a) if a.first().is_some_and(|r| r.get("cycle").is_some()) => {
            (stem(&f.origin), a.clone(), false)
        }
        Value::Object(o) => match o
            .get("result")
            .and_then(|r| r.get("releases"))
            .and_then(Value::as_array)
        {
            Some(a) => {
                let n = o
                    .get("result")
                    .and_then(|r| r.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| stem(&f.origin));
                (n, a.clone(), true)
            }
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(invalid(format!(
            "product name {:?} is not a plain name",
            clean(&name, 60)
        )));
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let is_date = |s: &str| {
        s.len() == 10
            && s.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    // A support field: a date, or a boolean.
    let support = |x: Option<&Value>| -> Option<String> {
        match x? {
            Value::Bool(b) => Some(b.to_string()),
            Value::String(s) if is_date(s) => Some(s.clone()),
            _ => None,
        }
    };
    let text_of = |x: Option<&Value>| -> Option<String> {
        match x? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut md = format!("---\ntitle: {}\nreleases:\n", q(&name));
    for (i, r) in releases.iter().enumerate() {
        let Some(o) = r.as_object() else {
            return Err(invalid(format!("release {i} is not an object")));
        };
        let mut fields: BTreeMap<&str, String> = BTreeMap::new();
        let get = |k: &str| o.get(k);
        let cycle = if v1 {
            text_of(get("name"))
        } else {
            text_of(get("cycle"))
        };
        let Some(cycle) = cycle else {
            return Err(invalid(format!(
                "release {i} has no {}",
                if v1 { "name" } else { "cycle" }
            )));
        };
        if let Some(c) = text_of(get("codename")) {
            fields.insert("codename", q(&c));
        }
        if let Some(d) = text_of(get("releaseDate")).filter(|d| is_date(d)) {
            fields.insert("releaseDate", d);
        }
        if v1 {
            let pick = |flag: &str, from: &str| support(get(from)).or_else(|| support(get(flag)));
            if let Some(x) = pick("isEol", "eolFrom") {
                fields.insert("eol", x);
            }
            if let Some(x) = pick("isEoas", "eoasFrom") {
                fields.insert("eoas", x);
            }
            if let Some(x) = pick("isEoes", "eoesFrom") {
                fields.insert("eoes", x);
            }
            if let Some(x) = support(get("isLts")) {
                fields.insert("lts", x);
            }
            if let Some(l) = get("latest").and_then(Value::as_object) {
                if let Some(n) = text_of(l.get("name")) {
                    fields.insert("latest", q(&n));
                }
                if let Some(d) = text_of(l.get("date")).filter(|d| is_date(d)) {
                    fields.insert("latestReleaseDate", d);
                }
                if let Some(u) = text_of(l.get("link")) {
                    fields.insert("link", q(&u));
                }
            }
        } else {
            for (from, to) in [
                ("eol", "eol"),
                ("support", "eoas"),
                ("extendedSupport", "eoes"),
                ("lts", "lts"),
            ] {
                if let Some(x) = support(get(from)) {
                    fields.insert(to, x);
                }
            }
            if let Some(l) = text_of(get("latest")) {
                fields.insert("latest", q(&l));
            }
            if let Some(d) = text_of(get("latestReleaseDate")).filter(|d| is_date(d)) {
                fields.insert("latestReleaseDate", d);
            }
            if let Some(u) = text_of(get("link")) {
                fields.insert("link", q(&u));
            }
        }
        md.push_str(&format!("  - releaseCycle: {}\n", q(&cycle)));
        for (k, val) in fields {
            md.push_str(&format!("    {k}: {val}\n"));
        }
    }
    md.push_str("---\n");
    Ok(Some((name, md)))
}

/// Lifecycle data imported into the store, laid over `lifecycle`: an
/// imported endoflife.date product or distro-info table replaces the one
/// already there when its newest stated date is later (or when there is
/// none). Returns the knowledge sources used, for the report.
pub fn overlay_lifecycle(
    store: &Store,
    lifecycle: &mut Lifecycle,
) -> Result<Vec<KnowledgeSource>, VulnError> {
    let mut used = Vec::new();
    for (kind, distro) in [(DOC_LIFECYCLE, false), (DOC_DISTRO_INFO, true)] {
        for d in store.documents(kind)? {
            let name = stem(&d.name);
            let shown = format!("{} (imported)", d.name);
            let product = if distro {
                Lifecycle::from_distro_info_csv(&d.content, &d.name)
            } else {
                Lifecycle::from_endoflife_md(&d.content, &d.name)
            }
            .map_err(|e| kb_err(e, &shown))?;
            let current = if distro {
                lifecycle.distro_info(&name)
            } else {
                lifecycle.product(&name)
            };
            let newer = match current {
                None => true,
                Some(c) => product_newest(&product) > product_newest(c),
            };
            if newer {
                let mut product = product;
                product.origin = shown.clone();
                lifecycle.insert(product);
                used.push(source_of(&d, &shown));
            }
        }
    }
    Ok(used)
}

fn source_of(d: &Document, shown: &str) -> KnowledgeSource {
    KnowledgeSource {
        name: shown.to_string(),
        version: d.newest.clone(),
        date: d.imported.clone(),
        sha256: d.sha256.clone(),
    }
}
