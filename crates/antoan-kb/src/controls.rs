//! The controls catalog: the management and technical requirements (and the
//! physical and state-secret overlays) that findings and checks refer to.
//!
//! The catalog is data with a framework version (`legacy`: Circular
//! 12/2022/TT-BTTTT + TCVN 11930:2017). The default one is embedded from
//! `knowledge/controls.toml`; users may load their own with
//! [`ControlCatalog::parse`].

use std::collections::{BTreeMap, BTreeSet};

use antoan_model::Text;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{clean, line_of, quote, KbError};

/// Largest catalog file accepted.
pub const MAX_CATALOG_BYTES: usize = 4 * 1024 * 1024;

/// Broad kind of a control group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// Management requirements (M1–M7).
    Management,
    /// Technical requirements (T1–T4).
    Technical,
    /// Overlays applied on top of a level: physical (P), state secrets (S).
    Overlay,
}

/// How an inspector checks a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    Technical,
    Document,
    Interview,
    Observation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlGroup {
    pub id: String,
    pub kind: GroupKind,
    pub name: Text,
}

/// References to the official texts, by framework version. Clause numbers
/// only; the texts themselves are not copied.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// Circular 12/2022/TT-BTTTT and TCVN 11930:2017.
    #[serde(default)]
    pub legacy: Vec<String>,
    /// The replacing decree and TCVN 14423; empty until confirmed.
    #[serde(default)]
    pub current: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    pub id: String,
    /// Id of its group (`M5` for `M5.1`).
    pub group: String,
    pub name: Text,
    pub description: Text,
    /// Security levels (1–3) the control applies to.
    pub levels: BTreeSet<u8>,
    pub method: Vec<Method>,
    /// What an inspector typically looks at.
    pub evidence: Text,
    pub references: References,
}

impl Control {
    pub fn applies_at(&self, level: u8) -> bool {
        self.levels.contains(&level)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlCatalog {
    /// Framework version the references follow (`legacy`, `current`).
    pub framework: String,
    /// Groups in catalog order.
    pub groups: Vec<ControlGroup>,
    /// Controls in catalog order.
    pub controls: Vec<Control>,
}

impl ControlCatalog {
    /// Parses and validates a catalog in TOML. `origin` names the file in
    /// errors, which carry the line where known.
    pub fn parse(text: &str, origin: &str) -> Result<ControlCatalog, KbError> {
        parse_catalog(text, origin)
    }

    /// Every control id.
    pub fn ids(&self) -> BTreeSet<String> {
        self.controls.iter().map(|c| c.id.clone()).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&ControlGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The controls of one group, in catalog order.
    pub fn in_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Control> + 'a {
        self.controls.iter().filter(move |c| c.group == group)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    framework: Spanned<String>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    controls: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    kind: GroupKind,
    name: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: Spanned<String>,
    group: String,
    name: Text,
    description: Text,
    levels: Vec<u8>,
    method: Vec<Method>,
    evidence: Text,
    #[serde(default)]
    references: References,
}

fn parse_catalog(text: &str, origin: &str) -> Result<ControlCatalog, KbError> {
    if text.len() > MAX_CATALOG_BYTES {
        return Err(KbError::invalid(
            origin,
            None,
            format!(
                "file is too large ({} bytes, at most {MAX_CATALOG_BYTES})",
                text.len()
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawCatalog = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        KbError::syntax(origin, line, clean(e.message(), 300))
    })?;
    let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));

    let framework = raw.framework.get_ref().trim().to_string();
    if framework.is_empty() {
        return Err(KbError::invalid(
            origin,
            at(raw.framework.span()),
            "`framework` is empty",
        ));
    }

    let mut groups = Vec::with_capacity(raw.groups.len());
    let mut group_lines: BTreeMap<String, u64> = BTreeMap::new();
    for g in raw.groups {
        let line = at(g.id.span());
        let id = g.id.into_inner();
        check_id(&id, origin, line)?;
        if let Some(prev) = group_lines.insert(id.clone(), line.unwrap_or(0)) {
            return Err(KbError::invalid(
                origin,
                line,
                format!("group {id} is defined twice (first on line {prev})"),
            ));
        }
        check_text(&g.name, "name", &id, origin, line)?;
        groups.push(ControlGroup {
            id,
            kind: g.kind,
            name: g.name,
        });
    }

    let mut controls = Vec::with_capacity(raw.controls.len());
    let mut control_lines: BTreeMap<String, u64> = BTreeMap::new();
    for c in raw.controls {
        let line = at(c.id.span());
        let id = c.id.into_inner();
        check_id(&id, origin, line)?;
        if let Some(prev) = control_lines.insert(id.clone(), line.unwrap_or(0)) {
            return Err(KbError::invalid(
                origin,
                line,
                format!("control {id} is defined twice (first on line {prev})"),
            ));
        }
        if !group_lines.contains_key(&c.group) {
            return Err(KbError::invalid(
                origin,
                line,
                format!(
                    "control {id} names group {} which is not defined",
                    quote(&c.group)
                ),
            ));
        }
        if !id.starts_with(&format!("{}.", c.group)) {
            return Err(KbError::invalid(
                origin,
                line,
                format!(
                    "control id {id} does not start with its group id `{}.`",
                    c.group
                ),
            ));
        }
        check_text(&c.name, "name", &id, origin, line)?;
        check_text(&c.description, "description", &id, origin, line)?;
        check_text(&c.evidence, "evidence", &id, origin, line)?;
        if c.levels.is_empty() {
            return Err(KbError::invalid(
                origin,
                line,
                format!("control {id} has no levels"),
            ));
        }
        if let Some(bad) = c.levels.iter().find(|l| !(1..=3).contains(*l)) {
            return Err(KbError::invalid(
                origin,
                line,
                format!("control {id}: level {bad} is outside 1..=3"),
            ));
        }
        if c.method.is_empty() {
            return Err(KbError::invalid(
                origin,
                line,
                format!("control {id} has no check method"),
            ));
        }
        let mut method = c.method;
        method.sort();
        method.dedup();
        controls.push(Control {
            id,
            group: c.group,
            name: c.name,
            description: c.description,
            levels: c.levels.into_iter().collect(),
            method,
            evidence: c.evidence,
            references: c.references,
        });
    }
    Ok(ControlCatalog {
        framework,
        groups,
        controls,
    })
}

fn check_id(id: &str, origin: &str, line: Option<u64>) -> Result<(), KbError> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(KbError::invalid(
            origin,
            line,
            format!(
                "id {} must be 1–32 characters of A–Z, a–z, 0–9, `.`, `-`, `_`",
                quote(id)
            ),
        ))
    }
}

fn check_text(
    t: &Text,
    field: &str,
    id: &str,
    origin: &str,
    line: Option<u64>,
) -> Result<(), KbError> {
    for (lang, s) in [("vi", &t.vi), ("en", &t.en)] {
        if s.trim().is_empty() {
            return Err(KbError::invalid(
                origin,
                line,
                format!("{id}: `{field}.{lang}` is empty"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
framework = "legacy"

[[groups]]
id = "M1"
kind = "management"
name = { vi = "Chính sách", en = "Policy" }

[[controls]]
id = "M1.1"
group = "M1"
name = { vi = "Quy chế", en = "Regulation" }
description = { vi = "Có quy chế.", en = "There is a regulation." }
levels = [1, 2, 3]
method = ["document", "interview", "document"]
evidence = { vi = "Quyết định ban hành", en = "Signed decision" }
references = { legacy = ["TCVN 11930:2017"], current = [] }
"#;

    #[test]
    fn parses_a_minimal_catalog() {
        let c = ControlCatalog::parse(MINI, "mini.toml").unwrap();
        assert_eq!(c.framework, "legacy");
        assert_eq!(c.ids().into_iter().collect::<Vec<_>>(), ["M1.1"]);
        let m = c.get("M1.1").unwrap();
        assert_eq!(m.method, [Method::Document, Method::Interview]);
        assert!(m.applies_at(2));
        assert_eq!(c.group("M1").unwrap().kind, GroupKind::Management);
        assert_eq!(c.in_group("M1").count(), 1);
    }

    fn err(text: &str) -> KbError {
        ControlCatalog::parse(text, "c.toml").unwrap_err()
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = err("framework = \"legacy\"\n[[groups]]\nid = \"M1\"\nkind = \"managment\"\nname = { vi = \"a\", en = \"b\" }\n");
        assert_eq!((e.file.as_str(), e.line), ("c.toml", Some(4)), "{e}");

        let e = err(&MINI.replace("levels = [1, 2, 3]", "levels = [1, 4]"));
        assert_eq!(e.line, Some(10), "{e}");
        assert!(e.message.contains("level 4"), "{e}");

        let e = err(&MINI.replace("group = \"M1\"", "group = \"M9\""));
        assert!(e.message.contains("M9"), "{e}");

        let e = err(&MINI.replace("en = \"Regulation\"", "en = \" \""));
        assert!(e.message.contains("name.en"), "{e}");

        let e = err(&MINI.replace(
            "{ vi = \"Quy chế\", en = \"Regulation\" }",
            "{ en = \"Regulation\" }",
        ));
        assert_eq!(e.line, Some(12), "{e}");

        let e = err(&format!("{MINI}\n[[controls]]\nid = \"M1.1\"\ngroup = \"M1\"\nname = {{ vi = \"x\", en = \"y\" }}\ndescription = {{ vi = \"x\", en = \"y\" }}\nlevels = [1]\nmethod = [\"document\"]\nevidence = {{ vi = \"x\", en = \"y\" }}\n"));
        assert!(e.message.contains("twice"), "{e}");
        assert_eq!(e.line, Some(20), "{e}");

        let e = err(&MINI.replace(
            "method = [\"document\", \"interview\", \"document\"]",
            "method = []",
        ));
        assert!(e.message.contains("method"), "{e}");

        let e = err(&MINI.replace("id = \"M1.1\"", "id = \"T1.1\""));
        assert!(e.message.contains("group id"), "{e}");

        let e = err(&MINI.replace(
            "framework = \"legacy\"",
            "framework = \"legacy\"\nextra = 1",
        ));
        assert_eq!(e.line, Some(3), "{e}");

        let e = err("[[groups]\n");
        assert_eq!(e.line, Some(1), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            String::from_utf8_lossy(b"\x00\xff\xfe[[controls]]\x01").into_owned(),
            "framework = 1".into(),
            "framework = \"\"".into(),
            "Xin chào = \"thế giới\"".into(),
            "framework = \"x\"\ncontrols = 5".into(),
            MINI.to_string(),
        ];
        for t in &inputs {
            for cut in 0..=t.len() {
                if t.is_char_boundary(cut) {
                    let _ = ControlCatalog::parse(&t[..cut], "g.toml");
                }
            }
        }
    }
}
