//! End-of-life software and firmware recognised from banners and `Server`
//! headers (`data/firmware_eol.toml`). Evaluation is pure: the date to judge
//! against is passed in.

use serde::Deserialize;

use crate::service::Service;

pub const EMBEDDED: &str = include_str!("../data/firmware_eol.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EolField {
    Server,
    Banner,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EolEntry {
    pub id: String,
    pub product: String,
    pub field: EolField,
    pub contains: String,
    /// YYYY-MM-DD.
    pub eol_date: String,
    pub source: String,
    #[serde(default)]
    pub note_vi: Option<String>,
    #[serde(default)]
    pub note_en: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EolList {
    #[serde(default, rename = "eol")]
    pub entries: Vec<EolEntry>,
}

/// What matched: the entry, the text it was found in, and whether the date has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EolMatch<'a> {
    pub entry: &'a EolEntry,
    pub seen: String,
}

/// Days since 1970-01-01 of a YYYY-MM-DD date.
fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    let month = time::Month::try_from(m).ok()?;
    let date = time::Date::from_calendar_date(y, month, d).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

impl EolList {
    /// Parses the data file; `file` names it in errors (with the line when known).
    pub fn parse(text: &str, file: &str) -> Result<EolList, String> {
        let list: EolList = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => format!("{file}:{l}: {}", e.message().trim()),
                None => format!("{file}: {}", e.message().trim()),
            }
        })?;
        for e in &list.entries {
            if e.id.trim().is_empty() || e.product.trim().is_empty() || e.source.trim().is_empty() {
                return Err(format!(
                    "{file}: entry '{}' needs id, product and source",
                    e.id
                ));
            }
            if e.contains.trim().len() < 4 {
                return Err(format!(
                    "{file}: entry '{}': pattern '{}' is too short to be specific",
                    e.id, e.contains
                ));
            }
            if parse_date(&e.eol_date).is_none() {
                return Err(format!(
                    "{file}: entry '{}': eol_date '{}' is not a YYYY-MM-DD date",
                    e.id, e.eol_date
                ));
            }
        }
        Ok(list)
    }

    /// The embedded list, parsed once.
    pub fn shared() -> &'static EolList {
        static LIST: std::sync::OnceLock<EolList> = std::sync::OnceLock::new();
        LIST.get_or_init(EolList::embedded)
    }

    pub fn embedded() -> EolList {
        // Checked by a unit test; an empty list is the safe fallback.
        EolList::parse(EMBEDDED, "firmware_eol.toml").unwrap_or_default()
    }

    /// Entries whose end of life is on or before `now_unix` and whose
    /// pattern appears in the service's server header or banner.
    pub fn matches(&self, s: &Service, now_unix: i64) -> Vec<EolMatch<'_>> {
        let servers: Vec<&str> = s
            .http
            .iter()
            .chain(s.rtsp.iter())
            .filter_map(|h| h.server.as_deref())
            .collect();
        let mut out = Vec::new();
        for e in &self.entries {
            if parse_date(&e.eol_date).is_none_or(|d| d > now_unix) {
                continue;
            }
            let needle = e.contains.to_lowercase();
            let seen = match e.field {
                EolField::Server => servers
                    .iter()
                    .find(|v| v.to_lowercase().contains(&needle))
                    .map(|v| v.to_string()),
                EolField::Banner => s
                    .banner
                    .as_deref()
                    .filter(|b| b.to_lowercase().contains(&needle))
                    .map(str::to_string),
            };
            if let Some(seen) = seen {
                out.push(EolMatch { entry: e, seen });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banner::parse_response;

    fn web(server: &str) -> Service {
        Service {
            name: "http".into(),
            http: Some(
                parse_response(
                    format!("HTTP/1.1 200 OK\r\nServer: {server}\r\n\r\n").as_bytes(),
                    "HTTP",
                )
                .unwrap(),
            ),
            ..Default::default()
        }
    }

    const NOW: i64 = 1_795_000_000; // 2026-11

    #[test]
    fn embedded_list_parses_and_has_sources() {
        let l = EolList::parse(EMBEDDED, "firmware_eol.toml").unwrap();
        assert!(l.entries.len() >= 8);
        assert!(l.entries.iter().all(|e| !e.source.is_empty()));
        assert_eq!(EolList::embedded(), l);
    }

    #[test]
    fn server_headers_and_banners_match_after_the_date() {
        let l = EolList::embedded();
        let m = l.matches(&web("Microsoft-IIS/7.5"), NOW);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].entry.id, "iis-7.5");
        assert_eq!(m[0].seen, "Microsoft-IIS/7.5");
        assert_eq!(l.matches(&web("Microsoft-IIS/10.0"), NOW), vec![]);
        assert_eq!(l.matches(&web("Apache/2.4.62 (Debian)"), NOW), vec![]);
        assert_eq!(
            l.matches(&web("Apache/2.2.15 (CentOS)"), NOW)[0].entry.id,
            "apache-httpd-2.2"
        );
        assert_eq!(l.matches(&web("Boa/0.94.14rc21"), NOW)[0].entry.id, "boa");
        // Before the published date there is no verdict (the date is an input).
        let before_2023 = 1_600_000_000; // 2020-09
        assert_eq!(l.matches(&web("Microsoft-IIS/8.5"), before_2023), vec![]);
        assert_eq!(l.matches(&web("Microsoft-IIS/8.5"), NOW).len(), 1);
        let ssh = Service {
            name: "ssh".into(),
            banner: Some("SSH-2.0-OpenSSH_5.3".into()),
            ..Default::default()
        };
        assert_eq!(l.matches(&ssh, NOW)[0].entry.id, "openssh-5");
    }

    #[test]
    fn bad_files_are_clear_errors_and_garbage_never_panics() {
        let e = EolList::parse("[[eol]]\nid = 3\n", "f.toml").unwrap_err();
        assert!(e.starts_with("f.toml:"), "{e}");
        let bad_date = "[[eol]]\nid='x'\nproduct='p'\nfield='server'\ncontains='abcd/1'\neol_date='2020-13-01'\nsource='s'\n";
        assert!(EolList::parse(bad_date, "f.toml")
            .unwrap_err()
            .contains("not a YYYY-MM-DD"));
        for cut in (0..EMBEDDED.len()).step_by(41) {
            if EMBEDDED.is_char_boundary(cut) {
                let _ = EolList::parse(&EMBEDDED[..cut], "f.toml");
            }
        }
        for g in ["\u{0}\u{ff}", "[[eol]", "eol = 1", "[[eol]]\nfield='x'"] {
            let _ = EolList::parse(g, "f.toml");
        }
    }
}
