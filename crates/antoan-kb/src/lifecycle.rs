//! Lifecycle (end-of-life) data: products and their release cycles, read
//! from endoflife.date product files and Debian's distro-info-data CSVs.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::MessageFormatter;
use time::Date;

use crate::date::{iso, parse_iso, SupportDate};
use crate::error::{clean, quote, KbError};

/// Largest lifecycle file accepted (the biggest shipped one is ~16 KB).
pub const MAX_LIFECYCLE_BYTES: usize = 2 * 1024 * 1024;

/// Where a product's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProductSource {
    Endoflife,
    DistroInfo,
}

/// One product (an OS, an office suite, a database) and its release cycles,
/// newest first as the source lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Short name: the file stem (`debian`, `windows-server`).
    pub name: String,
    /// Display name (`Debian`, `Microsoft Windows`).
    pub title: String,
    pub source: ProductSource,
    /// The file it was read from, as given to the parser.
    pub origin: String,
    /// Names of product-specific per-release fields (`customFields`).
    pub custom_fields: Vec<String>,
    pub cycles: Vec<Cycle>,
}

impl Product {
    /// The cycle with exactly this key (`12`, `22.04`, `2012-r2`).
    pub fn cycle(&self, key: &str) -> Option<&Cycle> {
        self.cycles.iter().find(|c| c.cycle == key)
    }

    /// The cycle whose codename matches, ignoring case and taking the first
    /// word (`bookworm` matches `Bookworm`, `jammy` matches `Jammy Jellyfish`).
    pub fn cycle_by_codename(&self, codename: &str) -> Option<&Cycle> {
        let want = codename.trim().to_lowercase();
        if want.is_empty() {
            return None;
        }
        self.cycles.iter().find(|c| {
            let Some(cn) = &c.codename else { return false };
            let cn = cn.to_lowercase();
            cn == want || cn.split_whitespace().next() == Some(want.as_str())
        })
    }
}

/// One release cycle of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cycle {
    /// The cycle key (`releaseCycle`).
    pub cycle: String,
    /// Human label with placeholders filled (`12 (Bookworm)`).
    pub label: String,
    pub codename: Option<String>,
    pub release_date: Option<Date>,
    /// End of active support (bug fixes, new hardware).
    pub eoas: SupportDate,
    /// End of (security) support: end of life.
    pub eol: SupportDate,
    /// End of extended support (Debian LTS, Ubuntu ESM, RHEL ELS, Microsoft ESU).
    pub eoes: SupportDate,
    /// Long-term support: `true`, or the date LTS ends.
    pub lts: SupportDate,
    pub latest: Option<String>,
    pub latest_release_date: Option<Date>,
    pub link: Option<String>,
    /// Other per-release fields, as text (e.g. SQL Server's `latestGdr`,
    /// distro-info's `eol-elts`).
    pub extra: BTreeMap<String, String>,
    /// Line of the cycle in its file, for messages.
    pub line: Option<u64>,
}

impl Cycle {
    fn empty(cycle: String) -> Cycle {
        Cycle {
            label: cycle.clone(),
            cycle,
            codename: None,
            release_date: None,
            eoas: SupportDate::None,
            eol: SupportDate::None,
            eoes: SupportDate::None,
            lts: SupportDate::None,
            latest: None,
            latest_release_date: None,
            link: None,
            extra: BTreeMap::new(),
            line: None,
        }
    }

    /// Whether the cycle is a long-term-support release.
    pub fn is_lts(&self) -> bool {
        self.lts.is_set()
    }
}

/// A product, parsed now or on first use.
#[derive(Debug, Clone)]
struct Slot {
    /// Text and origin still to parse (`None` once inserted parsed).
    pending: Option<(String, String)>,
    parsed: OnceLock<Result<Product, KbError>>,
}

impl Slot {
    fn ready(p: Product) -> Slot {
        let parsed = OnceLock::new();
        let _ = parsed.set(Ok(p));
        Slot {
            pending: None,
            parsed,
        }
    }

    fn get(&self, source: ProductSource) -> &Result<Product, KbError> {
        self.parsed.get_or_init(|| match &self.pending {
            Some((text, origin)) => match source {
                ProductSource::Endoflife => parse_endoflife_md(text, origin),
                ProductSource::DistroInfo => {
                    crate::distro_info::parse_distro_info_csv(text, origin)
                }
            },
            None => Err(KbError::invalid("(lifecycle)", None, "empty product slot")),
        })
    }
}

/// All lifecycle data loaded: endoflife.date products and distro-info tables.
///
/// Files can be added unparsed ([`Lifecycle::add_endoflife_md`]); each is
/// parsed the first time it is asked for, so an audit that needs only its
/// own OS does not pay for parsing every product.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    products: BTreeMap<String, Slot>,
    distro_info: BTreeMap<String, Slot>,
}

impl Lifecycle {
    pub fn new() -> Lifecycle {
        Lifecycle::default()
    }

    /// Adds (or replaces) a parsed product. Products from distro-info go to
    /// their own table, so endoflife.date stays the primary source.
    pub fn insert(&mut self, product: Product) {
        let table = match product.source {
            ProductSource::Endoflife => &mut self.products,
            ProductSource::DistroInfo => &mut self.distro_info,
        };
        table.insert(product.name.clone(), Slot::ready(product));
    }

    /// Adds an endoflife.date product file, parsed on first use. The product
    /// name is the file stem of `origin`.
    pub fn add_endoflife_md(&mut self, text: String, origin: &str) {
        let slot = Slot {
            pending: Some((text, origin.to_string())),
            parsed: OnceLock::new(),
        };
        self.products.insert(stem(origin), slot);
    }

    /// Adds a distro-info-data CSV, parsed on first use. The distribution
    /// name is the file stem of `origin`.
    pub fn add_distro_info_csv(&mut self, text: String, origin: &str) {
        let slot = Slot {
            pending: Some((text, origin.to_string())),
            parsed: OnceLock::new(),
        };
        self.distro_info.insert(stem(origin), slot);
    }

    /// An endoflife.date product by name (`debian`, `windows`, `mssqlserver`).
    /// `None` when there is no such product or its file does not parse (see
    /// [`Lifecycle::try_product`] for the error).
    pub fn product(&self, name: &str) -> Option<&Product> {
        self.try_product(name).ok().flatten()
    }

    /// Like [`Lifecycle::product`], with the parse error of a bad file.
    pub fn try_product(&self, name: &str) -> Result<Option<&Product>, KbError> {
        match self.products.get(name) {
            None => Ok(None),
            Some(slot) => slot
                .get(ProductSource::Endoflife)
                .as_ref()
                .map(Some)
                .map_err(Clone::clone),
        }
    }

    /// A distro-info table by distribution (`debian`, `ubuntu`).
    pub fn distro_info(&self, name: &str) -> Option<&Product> {
        self.try_distro_info(name).ok().flatten()
    }

    /// Like [`Lifecycle::distro_info`], with the parse error of a bad file.
    pub fn try_distro_info(&self, name: &str) -> Result<Option<&Product>, KbError> {
        match self.distro_info.get(name) {
            None => Ok(None),
            Some(slot) => slot
                .get(ProductSource::DistroInfo)
                .as_ref()
                .map(Some)
                .map_err(Clone::clone),
        }
    }

    /// Names of the endoflife.date products, without parsing them.
    pub fn product_names(&self) -> impl Iterator<Item = &str> {
        self.products.keys().map(String::as_str)
    }

    /// Endoflife.date products, by name (parses them all; files that fail
    /// to parse are left out: [`Lifecycle::parse_all`] reports them).
    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products
            .values()
            .filter_map(|s| s.get(ProductSource::Endoflife).as_ref().ok())
    }

    /// Parses every file now and returns the first error.
    pub fn parse_all(&self) -> Result<(), KbError> {
        for s in self.products.values() {
            s.get(ProductSource::Endoflife)
                .as_ref()
                .map_err(Clone::clone)?;
        }
        for s in self.distro_info.values() {
            s.get(ProductSource::DistroInfo)
                .as_ref()
                .map_err(Clone::clone)?;
        }
        Ok(())
    }

    /// Parses an endoflife.date product file (`products/NAME.md`): YAML front
    /// matter between `---` lines, then prose that is ignored. The product
    /// name is the file stem of `origin`.
    pub fn from_endoflife_md(text: &str, origin: &str) -> Result<Product, KbError> {
        parse_endoflife_md(text, origin)
    }

    /// Parses a distro-info-data CSV (`debian.csv`, `ubuntu.csv`). The
    /// distribution name is the file stem of `origin`.
    pub fn from_distro_info_csv(text: &str, origin: &str) -> Result<Product, KbError> {
        crate::distro_info::parse_distro_info_csv(text, origin)
    }
}

/// The stem of a path-like origin: `knowledge/endoflife/debian.md` → `debian`.
pub(crate) fn stem(origin: &str) -> String {
    let base = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    match base.rfind('.') {
        Some(i) if i > 0 => base[..i].to_string(),
        _ => base.to_string(),
    }
}

// ---------------------------------------------------------------------------
// endoflife.date product files

fn parse_endoflife_md(text: &str, origin: &str) -> Result<Product, KbError> {
    if text.len() > MAX_LIFECYCLE_BYTES {
        return Err(KbError::invalid(
            origin,
            None,
            format!(
                "file is too large ({} bytes, at most {MAX_LIFECYCLE_BYTES})",
                text.len()
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let yaml = front_matter(text, origin)?;
    // The slice starts with the opening `---` line, so the YAML parser's
    // line numbers are the file's line numbers.
    let fm: FrontMatter = serde_saphyr::from_str(yaml).map_err(|e| yaml_error(origin, &e))?;

    let name = stem(origin);
    let title = fm
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| name.clone());
    let mut cycles = Vec::with_capacity(fm.releases.len());
    let mut seen: BTreeMap<String, Option<u64>> = BTreeMap::new();
    for raw in fm.releases {
        let Some(key) = raw.release_cycle.filter(|k| !k.trim().is_empty()) else {
            return Err(KbError::invalid(
                origin,
                raw.line,
                "a release has no `releaseCycle`",
            ));
        };
        if let Some(prev) = seen.insert(key.clone(), raw.line) {
            let prev = prev
                .map(|l| format!(" (first at line {l})"))
                .unwrap_or_default();
            return Err(KbError::invalid(
                origin,
                raw.line,
                format!("duplicate releaseCycle {}{prev}", quote(&key)),
            ));
        }
        let mut c = Cycle::empty(key);
        c.codename = raw.codename.filter(|s| !s.is_empty());
        c.release_date = raw.release_date;
        c.eoas = raw.eoas;
        c.eol = raw.eol;
        c.eoes = raw.eoes;
        c.lts = raw.lts;
        c.latest = raw.latest.filter(|s| !s.is_empty());
        c.latest_release_date = raw.latest_release_date;
        c.link = raw.link.filter(|s| !s.is_empty());
        c.extra = raw.extra;
        c.line = raw.line;
        let template = raw
            .release_label
            .or_else(|| fm.release_label.clone())
            .unwrap_or_else(|| "__RELEASE_CYCLE__".into());
        c.label = fill_label(&template, &c);
        cycles.push(c);
    }
    Ok(Product {
        name,
        title,
        source: ProductSource::Endoflife,
        origin: origin.to_string(),
        custom_fields: fm
            .custom_fields
            .into_iter()
            .filter_map(|f| f.name)
            .collect(),
        cycles,
    })
}

/// Returns the front matter with its opening `---` line, without the
/// closing one.
fn front_matter<'a>(text: &'a str, origin: &str) -> Result<&'a str, KbError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(KbError::syntax(
            origin,
            Some(1),
            "no front matter: the file must start with a line `---` followed by YAML and a closing `---`",
        ));
    }
    let mut offset = first.len();
    for line in lines {
        if line.trim_end() == "---" {
            return Ok(&text[..offset]);
        }
        offset += line.len();
    }
    Err(KbError::syntax(
        origin,
        Some(1),
        "front matter opened by `---` on line 1 is never closed by another `---` line",
    ))
}

fn yaml_error(origin: &str, e: &serde_saphyr::Error) -> KbError {
    let inner = e.without_snippet();
    let line = inner.location().map(|l| l.line()).filter(|&l| l > 0);
    let msg = serde_saphyr::DefaultMessageFormatter.format_message(inner);
    KbError::syntax(origin, line, format!("front matter: {}", clean(&msg, 300)))
}

fn fill_label(template: &str, c: &Cycle) -> String {
    template
        .replace("__CODENAME__", c.codename.as_deref().unwrap_or(""))
        .replace("__RELEASE_CYCLE__", &c.cycle)
        .replace("__LATEST__", c.latest.as_deref().unwrap_or(""))
        .trim()
        .to_string()
}

#[derive(Deserialize)]
struct FrontMatter {
    #[serde(default, deserialize_with = "opt_text")]
    title: Option<String>,
    #[serde(default, rename = "releaseLabel", deserialize_with = "opt_text")]
    release_label: Option<String>,
    #[serde(default, rename = "customFields")]
    custom_fields: Vec<CustomField>,
    releases: Vec<RawRelease>,
}

#[derive(Deserialize)]
struct CustomField {
    #[serde(default, deserialize_with = "opt_text")]
    name: Option<String>,
}

/// A release as written; built by hand so that every scalar keeps its text
/// (`8.10` stays `8.10`) and unknown keys land in `extra`.
struct RawRelease {
    line: Option<u64>,
    release_cycle: Option<String>,
    release_label: Option<String>,
    codename: Option<String>,
    release_date: Option<Date>,
    eoas: SupportDate,
    eol: SupportDate,
    eoes: SupportDate,
    lts: SupportDate,
    latest: Option<String>,
    latest_release_date: Option<Date>,
    link: Option<String>,
    extra: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for RawRelease {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ReleaseVisitor)
    }
}

struct ReleaseVisitor;

impl<'de> Visitor<'de> for ReleaseVisitor {
    type Value = RawRelease;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a release (a mapping with releaseCycle, releaseDate, eol …)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRelease, A::Error> {
        let mut r = RawRelease {
            line: None,
            release_cycle: None,
            release_label: None,
            codename: None,
            release_date: None,
            eoas: SupportDate::None,
            eol: SupportDate::None,
            eoes: SupportDate::None,
            lts: SupportDate::None,
            latest: None,
            latest_release_date: None,
            link: None,
            extra: BTreeMap::new(),
        };
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
            if r.line.is_none() {
                r.line = Some(key.referenced.line()).filter(|&l| l > 0);
            }
            match key.value.as_str() {
                "releaseCycle" => r.release_cycle = map.next_value::<OptText>()?.0,
                "releaseLabel" => r.release_label = map.next_value::<OptText>()?.0,
                "codename" => r.codename = map.next_value::<OptText>()?.0,
                "latest" => r.latest = map.next_value::<OptText>()?.0,
                "link" => r.link = map.next_value::<OptText>()?.0,
                "releaseDate" => r.release_date = map.next_value::<PlainDate>()?.0,
                "latestReleaseDate" => r.latest_release_date = map.next_value::<PlainDate>()?.0,
                "eoas" => r.eoas = map.next_value::<Milestone>()?.0,
                "eol" => r.eol = map.next_value::<Milestone>()?.0,
                "eoes" => r.eoes = map.next_value::<Milestone>()?.0,
                "lts" => r.lts = map.next_value::<Milestone>()?.0,
                _ => {
                    if let Some(v) = map.next_value::<AnyScalar>()?.0 {
                        r.extra.insert(key.value, v);
                    }
                }
            }
        }
        Ok(r)
    }
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(OptText::deserialize(d)?.0)
}

/// A scalar taken as its text (`8.10` stays `8.10`); `null` gives `None`.
struct OptText(Option<String>);

impl<'de> Deserialize<'de> for OptText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Opt;
        impl<'de> Visitor<'de> for Opt {
            type Value = OptText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text value")
            }
            fn visit_none<E: de::Error>(self) -> Result<OptText, E> {
                Ok(OptText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OptText, E> {
                Ok(OptText(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OptText, D::Error> {
                d.deserialize_string(TextVisitor).map(|s| OptText(Some(s)))
            }
        }
        d.deserialize_option(Opt)
    }
}

/// Accepts any scalar as text.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Any value: a scalar becomes its text, `null` and nested collections are
/// skipped (`None`).
struct AnyScalar(Option<String>);

impl<'de> Deserialize<'de> for AnyScalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyScalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyScalar, E> {
                Ok(AnyScalar(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AnyScalar, E> {
                Ok(AnyScalar(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<AnyScalar, E> {
                Ok(AnyScalar(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AnyScalar, D::Error> {
                AnyScalar::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyScalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(AnyScalar(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyScalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyScalar(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A date field that must be a date when present (`releaseDate`).
struct PlainDate(Option<Date>);

impl<'de> Deserialize<'de> for PlainDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Milestone::deserialize(d)?.0 {
            SupportDate::None => Ok(PlainDate(None)),
            SupportDate::Date(x) => Ok(PlainDate(Some(x))),
            SupportDate::Bool(b) => Err(de::Error::custom(format!(
                "expected a date (YYYY-MM-DD), found the boolean {b}"
            ))),
        }
    }
}

/// A milestone: an ISO date, a boolean, or null.
struct Milestone(SupportDate);

impl<'de> Deserialize<'de> for Milestone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Milestone;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (YYYY-MM-DD) or true/false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Milestone, E> {
                Ok(Milestone(SupportDate::Bool(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Milestone, E> {
                match parse_iso(v) {
                    Some(d) => Ok(Milestone(SupportDate::Date(d))),
                    None => Err(E::custom(format!(
                        "expected a date (YYYY-MM-DD) or true/false, found {}",
                        quote(v)
                    ))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Milestone, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Milestone, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Milestone, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Milestone, E> {
                Ok(Milestone(SupportDate::None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Milestone, E> {
                Ok(Milestone(SupportDate::None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Milestone, D::Error> {
                Milestone::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

/// For tests and for other modules that print dates.
#[allow(dead_code)]
pub(crate) fn fmt_date(d: Option<Date>) -> String {
    d.map(iso).unwrap_or_else(|| "-".into())
}
