//! Debian's distro-info-data CSVs (`/usr/share/distro-info/debian.csv`,
//! `ubuntu.csv`): one release per row, columns named by the header.
//!
//! Known columns: `version,codename,series,created,release,eol` and the
//! optional `eol-lts`, `eol-elts` (Debian), `eol-server`, `eol-esm`,
//! `eol-legacy` (Ubuntu). Rows may stop early (a release not yet out has no
//! `release` or `eol`); empty cells mean "not known". Unknown columns are
//! kept in [`Cycle::extra`]. Rows without a version (sid, experimental) are
//! development series and are skipped.

use std::collections::BTreeMap;

use crate::date::{parse_iso, SupportDate};
use crate::error::{quote, KbError};
use crate::lifecycle::{stem, Cycle, Product, ProductSource, MAX_LIFECYCLE_BYTES};

const REQUIRED: [&str; 3] = ["version", "codename", "series"];
const DATE_COLUMNS: [&str; 8] = [
    "created",
    "release",
    "eol",
    "eol-lts",
    "eol-elts",
    "eol-server",
    "eol-esm",
    "eol-legacy",
];

pub(crate) fn parse_distro_info_csv(text: &str, origin: &str) -> Result<Product, KbError> {
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
    let mut lines = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l));

    let header = loop {
        match lines.next() {
            None => return Err(KbError::syntax(origin, None, "empty file: no header line")),
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((n, l)) => {
                break (
                    n,
                    split_row(l).map_err(|m| KbError::syntax(origin, Some(n), m))?,
                )
            }
        }
    };
    let (header_line, columns) = header;
    let columns: Vec<String> = columns
        .into_iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    for req in REQUIRED {
        if !columns.iter().any(|c| c == req) {
            return Err(KbError::syntax(
                origin,
                Some(header_line),
                format!("header has no `{req}` column (expected version,codename,series,created,release,eol…)"),
            ));
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() {
            return Err(KbError::syntax(
                origin,
                Some(header_line),
                format!("header column {} has no name", i + 1),
            ));
        }
        if columns[..i].contains(c) {
            return Err(KbError::syntax(
                origin,
                Some(header_line),
                format!("header names column `{}` twice", quote(c)),
            ));
        }
    }

    let mut cycles: Vec<Cycle> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_row(line).map_err(|m| KbError::syntax(origin, Some(n), m))?;
        if cells.len() > columns.len() {
            return Err(KbError::syntax(
                origin,
                Some(n),
                format!(
                    "row has {} fields but the header names {} columns",
                    cells.len(),
                    columns.len()
                ),
            ));
        }
        let mut row: BTreeMap<&str, &str> = BTreeMap::new();
        for (col, cell) in columns.iter().zip(cells.iter()) {
            let cell = cell.trim();
            if !cell.is_empty() {
                row.insert(col.as_str(), cell);
            }
        }
        let mut dates: BTreeMap<&str, time::Date> = BTreeMap::new();
        for col in DATE_COLUMNS {
            if let Some(v) = row.get(col) {
                let d = parse_iso(v).ok_or_else(|| {
                    KbError::invalid(
                        origin,
                        Some(n),
                        format!("column `{col}`: {} is not a date (YYYY-MM-DD)", quote(v)),
                    )
                })?;
                dates.insert(col, d);
            }
        }
        let Some(version) = row.get("version") else {
            continue;
        };
        let (key, lts) = match version.strip_suffix("LTS") {
            Some(v) => (v.trim().to_string(), true),
            None => (version.to_string(), false),
        };
        if key.is_empty() {
            return Err(KbError::invalid(
                origin,
                Some(n),
                format!("version {} has no number", quote(version)),
            ));
        }
        if let Some(prev) = seen.insert(key.clone(), n) {
            return Err(KbError::invalid(
                origin,
                Some(n),
                format!("version {} already listed on line {prev}", quote(&key)),
            ));
        }
        let mut c = Cycle {
            label: String::new(),
            cycle: key,
            codename: row.get("codename").map(|s| s.to_string()),
            release_date: dates.get("release").copied(),
            eoas: SupportDate::None,
            eol: dates
                .get("eol")
                .map(|d| SupportDate::Date(*d))
                .unwrap_or_default(),
            // Ubuntu's ESM, else Debian's LTS, is the extended window.
            eoes: dates
                .get("eol-esm")
                .or_else(|| dates.get("eol-lts"))
                .map(|d| SupportDate::Date(*d))
                .unwrap_or_default(),
            lts: if lts {
                SupportDate::Bool(true)
            } else {
                SupportDate::None
            },
            latest: None,
            latest_release_date: None,
            link: None,
            extra: BTreeMap::new(),
            line: Some(n),
        };
        for (col, v) in &row {
            if !matches!(*col, "version" | "codename" | "release" | "eol") {
                c.extra.insert(col.to_string(), v.to_string());
            }
        }
        c.label = match &c.codename {
            Some(cn) => format!("{} ({cn})", c.cycle),
            None => c.cycle.clone(),
        };
        cycles.push(c);
    }
    let name = stem(origin);
    let title = match name.as_str() {
        "debian" => "Debian".to_string(),
        "ubuntu" => "Ubuntu".to_string(),
        other => other.to_string(),
    };
    Ok(Product {
        name,
        title,
        source: ProductSource::DistroInfo,
        origin: origin.to_string(),
        custom_fields: Vec::new(),
        cycles,
    })
}

/// Splits one CSV line. Fields may be double-quoted (`""` is a quote inside
/// a quoted field); a quoted field cannot span lines in these files.
fn split_row(line: &str) -> Result<Vec<String>, String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut at_start = true;
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                    match chars.peek() {
                        None | Some(',') => {}
                        Some(_) => {
                            return Err("text after a closing quote (expected a comma)".into())
                        }
                    }
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                out.push(std::mem::take(&mut cur));
                at_start = true;
                continue;
            }
            '"' if at_start && cur.trim().is_empty() => {
                cur.clear();
                in_quotes = true;
            }
            '"' => return Err("stray double quote inside an unquoted field".into()),
            c if c.is_control() && c != '\t' => {
                return Err(format!(
                    "control character {} in the line",
                    c.escape_default()
                ));
            }
            c => cur.push(c),
        }
        at_start = false;
    }
    if in_quotes {
        return Err("quoted field is not closed on this line".into());
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::iso;

    #[test]
    fn splits_rows() {
        assert_eq!(split_row("a,b,,d").unwrap(), ["a", "b", "", "d"]);
        assert_eq!(
            split_row("\"x, y\",\"say \"\"hi\"\"\"").unwrap(),
            ["x, y", "say \"hi\""]
        );
        assert!(split_row("\"open").is_err());
        assert!(split_row("a\"b").is_err());
        assert!(split_row("\"a\"b").is_err());
    }

    #[test]
    fn reads_debian_rows_with_missing_columns() {
        let csv = "version,codename,series,created,release,eol,eol-lts,eol-elts\n\
                   6.0,Squeeze,squeeze,2009-02-14,2011-02-06,2014-05-31,2016-02-29\n\
                   10,Buster,buster,2017-06-17,2019-07-06,2022-09-10,2024-06-30,2029-06-30\n\
                   14,Forky,forky,2025-08-09\n\
                   ,Sid,sid,1993-08-16\n";
        let p = parse_distro_info_csv(csv, "distro-info/debian.csv").unwrap();
        assert_eq!(p.name, "debian");
        assert_eq!(p.cycles.len(), 3);
        let b = p.cycle("10").unwrap();
        assert_eq!(b.label, "10 (Buster)");
        assert_eq!(b.eol.to_string(), "2022-09-10");
        assert_eq!(b.eoes.to_string(), "2024-06-30");
        assert_eq!(
            b.extra.get("eol-elts").map(String::as_str),
            Some("2029-06-30")
        );
        assert_eq!(b.line, Some(3));
        let f = p.cycle("14").unwrap();
        assert_eq!(f.release_date, None);
        assert!(f.eol.is_none());
        assert_eq!(
            p.cycle("6.0").unwrap().release_date.map(iso).as_deref(),
            Some("2011-02-06")
        );
    }

    #[test]
    fn reads_ubuntu_lts_marker_and_esm() {
        let csv = "version,codename,series,created,release,eol,eol-server,eol-esm,eol-legacy\r\n\
                   22.04 LTS,Jammy Jellyfish,jammy,2021-10-14,2022-04-21,2027-06-01,2027-06-01,2032-04-21,2034-04-25\r\n\
                   23.10,Mantic Minotaur,mantic,2023-04-20,2023-10-12,2024-07-11\r\n";
        let p = parse_distro_info_csv(csv, "ubuntu.csv").unwrap();
        let j = p.cycle("22.04").unwrap();
        assert!(j.is_lts());
        assert_eq!(j.eoes.to_string(), "2032-04-21");
        assert_eq!(
            p.cycle_by_codename("jammy").map(|c| c.cycle.as_str()),
            Some("22.04")
        );
        let m = p.cycle("23.10").unwrap();
        assert!(!m.is_lts());
        assert!(m.eoes.is_none());
    }

    #[test]
    fn bad_input_names_file_and_line() {
        let e = parse_distro_info_csv("", "x.csv").unwrap_err();
        assert_eq!(e.file, "x.csv");
        assert!(e.message.contains("header"), "{e}");

        let e = parse_distro_info_csv("codename,series\n", "x.csv").unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("`version`")),
            (Some(1), true),
            "{e}"
        );

        let csv = "version,codename,series,created,release,eol\n10,Buster,buster,2017-06-17,2019-07-06,2022-09-31\n";
        let e = parse_distro_info_csv(csv, "d.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv:2: column `eol`: 2022-09-31 is not a date (YYYY-MM-DD)"
        );

        let csv = "version,codename,series\n10,Buster,buster,extra\n";
        let e = parse_distro_info_csv(csv, "d.csv").unwrap_err();
        assert_eq!(e.line, Some(2));

        let csv = "version,codename,series\n10,Buster,buster\n10,Buster,buster\n";
        let e = parse_distro_info_csv(csv, "d.csv").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");

        let csv = "version,version,series,codename\n";
        assert!(parse_distro_info_csv(csv, "d.csv").is_err());
    }

    #[test]
    fn garbage_never_panics() {
        let samples: [&[u8]; 6] = [
            b"\x00\x01\x02\xff\xfe",
            b"version,codename,series\n\"",
            b"version,codename,series\n,,,,,,,,,,,,",
            "version,codename,series\nXin chào,Tiếng Việt,thử\n".as_bytes(),
            b"version,codename,series,release\n1,a,b,2024-02-30\n",
            b"\xef\xbb\xbfversion,codename,series\n1 LTS,a,b\n LTS,x,y\n",
        ];
        for s in samples {
            let text = String::from_utf8_lossy(s);
            let _ = parse_distro_info_csv(&text, "g.csv");
            for cut in 0..text.len() {
                if text.is_char_boundary(cut) {
                    let _ = parse_distro_info_csv(&text[..cut], "g.csv");
                }
            }
        }
    }
}
