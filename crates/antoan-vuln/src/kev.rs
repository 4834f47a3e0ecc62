//! CISA Known Exploited Vulnerabilities (KEV) catalogue, JSON
//! (`known_exploited_vulnerabilities.json`) or CSV (`…csv`). A vulnerability
//! finding whose CVE is in the catalogue is flagged `known-exploited` and
//! raised to `critical`.

use serde::Deserialize;

use crate::error::{clean, line_of, VulnError, VulnErrorKind};

/// One catalogue entry (the fields antoan shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    pub cve: String,
    pub vendor: String,
    pub product: String,
    pub name: String,
    /// YYYY-MM-DD the entry was added.
    pub date_added: String,
    /// `Known` when used in ransomware campaigns.
    pub ransomware: String,
}

#[derive(Deserialize)]
struct WireCatalog {
    #[serde(rename = "catalogVersion", default)]
    _version: Option<String>,
    vulnerabilities: Vec<WireEntry>,
}

#[derive(Deserialize)]
struct WireEntry {
    #[serde(rename = "cveID")]
    cve: String,
    #[serde(rename = "vendorProject", default)]
    vendor: String,
    #[serde(default)]
    product: String,
    #[serde(rename = "vulnerabilityName", default)]
    name: String,
    #[serde(rename = "dateAdded", default)]
    date_added: String,
    #[serde(rename = "knownRansomwareCampaignUse", default)]
    ransomware: String,
}

/// Whether `bytes` look like the KEV catalogue (JSON or CSV).
pub fn looks_like_kev(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let head = &b[..b.len().min(4096)];
    b.starts_with(b"cveID,")
        || (head.first() == Some(&b'{')
            || head.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{'))
            && head.windows(16).any(|w| w == b"\"catalogVersion\"")
}

pub(crate) fn valid_cve(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((y, n)) = rest.split_once('-') else {
        return false;
    };
    y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && (4..=10).contains(&n.len())
        && n.bytes().all(|b| b.is_ascii_digit())
}

fn entry(w: WireEntry, origin: &str, line: Option<u64>) -> Result<KevEntry, VulnError> {
    let cve = w.cve.trim().to_string();
    if !valid_cve(&cve) {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            line,
            format!("{:?} is not a CVE id", clean(&cve, 40)),
        ));
    }
    Ok(KevEntry {
        cve,
        vendor: clean(w.vendor.trim(), 80),
        product: clean(w.product.trim(), 80),
        name: clean(w.name.trim(), 200),
        date_added: clean(w.date_added.trim(), 10),
        ransomware: clean(w.ransomware.trim(), 20),
    })
}

/// Parses the catalogue, JSON or CSV. Errors name the file and line.
pub fn parse(bytes: &[u8], origin: &str) -> Result<Vec<KevEntry>, VulnError> {
    let b = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let text = std::str::from_utf8(b).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            Some(line_of(b, e.valid_up_to())),
            "not UTF-8; the KEV catalogue must be UTF-8",
        )
    })?;
    if text.starts_with("cveID,") {
        return parse_csv(text, origin);
    }
    // Reuse the OSV reader's encoding and nesting checks.
    crate::osv::precheck(bytes, origin)?;
    let cat: WireCatalog = serde_json::from_str(text).map_err(|e| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            Some(e.line() as u64),
            clean(&e.to_string(), 200),
        )
    })?;
    cat.vulnerabilities
        .into_iter()
        .map(|w| entry(w, origin, None))
        .collect()
}

/// RFC 4180 CSV: quoted fields may hold commas, `""` and line breaks.
fn csv_records(text: &str) -> Result<Vec<(u64, Vec<String>)>, u64> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut rec = Vec::new();
    let (mut line, mut rec_line) = (1u64, 1u64);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => rec.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                rec.push(std::mem::take(&mut field));
                out.push((rec_line, std::mem::take(&mut rec)));
                line += 1;
                rec_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(rec_line);
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        out.push((rec_line, rec));
    }
    Ok(out)
}

fn parse_csv(text: &str, origin: &str) -> Result<Vec<KevEntry>, VulnError> {
    let recs = csv_records(text).map_err(|l| {
        VulnError::new(
            VulnErrorKind::Syntax,
            origin,
            Some(l),
            "a quoted field is not closed",
        )
    })?;
    let mut it = recs.into_iter();
    let Some((_, header)) = it.next() else {
        return Ok(Vec::new());
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let Some(cve_col) = col("cveID") else {
        return Err(VulnError::new(
            VulnErrorKind::Invalid,
            origin,
            Some(1),
            "no cveID column",
        ));
    };
    let (v, p, n, d, r) = (
        col("vendorProject"),
        col("product"),
        col("vulnerabilityName"),
        col("dateAdded"),
        col("knownRansomwareCampaignUse"),
    );
    let get = |rec: &Vec<String>, i: Option<usize>| {
        i.and_then(|i| rec.get(i)).cloned().unwrap_or_default()
    };
    let mut out = Vec::new();
    for (line, rec) in it {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let w = WireEntry {
            cve: get(&rec, Some(cve_col)),
            vendor: get(&rec, v),
            product: get(&rec, p),
            name: get(&rec, n),
            date_added: get(&rec, d),
            ransomware: get(&rec, r),
        };
        out.push(entry(w, origin, Some(line))?);
    }
    Ok(out)
}
