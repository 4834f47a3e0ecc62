//! Device fingerprints (vendor families), kept as data in
//! `data/fingerprints.toml` and embedded in the binary.

use antoan_model::Text;
use serde::{Deserialize, Serialize};

use crate::service::Service;

pub const EMBEDDED: &str = include_str!("../data/fingerprints.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Server,
    Title,
    Realm,
    Body,
    Location,
    Banner,
    CertSubject,
    /// Shodan-style favicon hash; `contains` must equal it exactly.
    FaviconMmh3,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub field: Field,
    pub contains: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: String,
    pub vendor: String,
    pub family: Text,
    /// camera, camera-recorder, router, printer …
    pub kind: String,
    pub source: String,
    pub patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprints {
    #[serde(rename = "device")]
    pub devices: Vec<Device>,
}

/// Which device a service looks like, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceMatch {
    pub id: String,
    pub vendor: String,
    pub family: Text,
    pub kind: String,
    /// `field contains 'pattern'`.
    pub matched: String,
}

impl Fingerprints {
    /// Parses a fingerprint file; errors name the file and, from `toml`, the line.
    pub fn parse(name: &str, text: &str) -> Result<Fingerprints, String> {
        let fp: Fingerprints = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        for d in &fp.devices {
            if d.id.trim().is_empty() || d.patterns.is_empty() {
                return Err(format!(
                    "{name}: device '{}' needs an id and at least one pattern",
                    d.id
                ));
            }
            if let Some(p) = d.patterns.iter().find(|p| {
                p.field == Field::FaviconMmh3 && p.contains.trim().parse::<i32>().is_err()
            }) {
                return Err(format!(
                    "{name}: device '{}': favicon_mmh3 pattern '{}' is not a 32-bit number",
                    d.id, p.contains
                ));
            }
            if let Some(p) = d.patterns.iter().find(|p| p.contains.trim().len() < 3) {
                return Err(format!(
                    "{name}: device '{}': pattern '{}' is too short to be specific",
                    d.id, p.contains
                ));
            }
            if d.family.vi.trim().is_empty()
                || d.family.en.trim().is_empty()
                || d.source.trim().is_empty()
            {
                return Err(format!(
                    "{name}: device '{}' needs family.vi, family.en and source",
                    d.id
                ));
            }
        }
        Ok(fp)
    }

    pub fn embedded() -> Fingerprints {
        // Checked by a unit test; an empty set is the safe fallback.
        Fingerprints::parse("fingerprints.toml", EMBEDDED).unwrap_or(Fingerprints {
            devices: Vec::new(),
        })
    }

    /// The first device (in file order) with a pattern found in the service.
    pub fn identify(&self, s: &Service) -> Option<DeviceMatch> {
        for d in &self.devices {
            for p in &d.patterns {
                let needle = p.contains.to_lowercase();
                let hit = if p.field == Field::FaviconMmh3 {
                    s.favicon_mmh3
                        .is_some_and(|h| h.to_string() == p.contains.trim())
                } else {
                    field_values(s, p.field)
                        .iter()
                        .any(|v| v.to_lowercase().contains(&needle))
                };
                if hit {
                    return Some(DeviceMatch {
                        id: d.id.clone(),
                        vendor: d.vendor.clone(),
                        family: d.family.clone(),
                        kind: d.kind.clone(),
                        matched: format!("{} contains '{}'", field_name(p.field), p.contains),
                    });
                }
            }
        }
        None
    }
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Server => "server",
        Field::Title => "title",
        Field::Realm => "realm",
        Field::Body => "body",
        Field::Location => "location",
        Field::Banner => "banner",
        Field::CertSubject => "cert_subject",
        Field::FaviconMmh3 => "favicon_mmh3",
    }
}

fn field_values(s: &Service, f: Field) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for h in s.http.iter().chain(s.rtsp.iter()) {
        match f {
            Field::Server => v.extend(h.server.as_deref()),
            Field::Title => v.extend(h.title.as_deref()),
            Field::Realm => v.extend(h.auth.iter().filter_map(|a| a.realm.as_deref())),
            Field::Body => v.push(&h.body_lower),
            Field::Location => v.extend(h.location.as_deref()),
            _ => {}
        }
    }
    match f {
        Field::Banner => v.extend(s.banner.as_deref()),
        Field::CertSubject => v.extend(s.tls.as_ref().map(|c| c.subject.as_str())),
        _ => {}
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banner::parse_response;

    #[test]
    fn embedded_file_parses_and_covers_the_vendors() {
        let fp = Fingerprints::parse("fingerprints.toml", EMBEDDED).unwrap();
        let ids: Vec<&str> = fp.devices.iter().map(|d| d.id.as_str()).collect();
        for want in [
            "hikvision",
            "dahua",
            "kbvision",
            "ezviz",
            "imou",
            "tp-link",
            "tenda",
            "draytek",
            "huawei-gateway",
            "zte-gateway",
        ] {
            assert!(ids.contains(&want), "{want}");
        }
    }

    #[test]
    fn matches_by_field() {
        let fp = Fingerprints::embedded();
        let mut s = Service {
            http: Some(
                parse_response(b"HTTP/1.1 302 Found\r\nLocation: /doc/page/login.asp?_1\r\nServer: webserver\r\n\r\n", "HTTP")
                    .unwrap(),
            ),
            ..Default::default()
        };
        let m = fp.identify(&s).unwrap();
        assert_eq!(m.id, "hikvision");
        assert_eq!(m.matched, "location contains '/doc/page/login.asp'");
        s.http = Some(
            parse_response(b"HTTP/1.1 401 x\r\nWWW-Authenticate: Basic realm=\"TP-LINK Wireless N Router WR840N\"\r\n\r\n", "HTTP")
                .unwrap(),
        );
        assert_eq!(fp.identify(&s).unwrap().id, "tp-link");
        s.http = Some(
            parse_response(
                b"HTTP/1.1 200 OK\r\n\r\n<title>KBVISION</title>dahua",
                "HTTP",
            )
            .unwrap(),
        );
        assert_eq!(fp.identify(&s).unwrap().id, "kbvision");
        s.http =
            Some(parse_response(b"HTTP/1.1 200 OK\r\n\r\n<title>Welcome</title>", "HTTP").unwrap());
        assert_eq!(fp.identify(&s), None);
    }

    #[test]
    fn favicon_hash_matches_exactly() {
        let text = "[[device]]\nid='cam'\nvendor='V'\nkind='camera'\nsource='s'\nfamily={vi='a',en='b'}\npatterns=[{field='favicon_mmh3',contains='-123456'}]";
        let fp = Fingerprints::parse("f.toml", text).unwrap();
        let mut s = Service {
            favicon_mmh3: Some(-123456),
            ..Default::default()
        };
        assert_eq!(
            fp.identify(&s).unwrap().matched,
            "favicon_mmh3 contains '-123456'"
        );
        s.favicon_mmh3 = Some(-1234567);
        assert_eq!(fp.identify(&s), None, "no substring match on hashes");
        let bad = text.replace("-123456", "abc");
        assert!(Fingerprints::parse("f.toml", &bad)
            .unwrap_err()
            .contains("not a 32-bit number"));
    }

    #[test]
    fn bad_files_are_clear_errors() {
        assert!(Fingerprints::parse("f.toml", "[[device]]\nid = 3")
            .unwrap_err()
            .starts_with("f.toml:"));
        let short = "[[device]]\nid='x'\nvendor='v'\nkind='k'\nsource='s'\nfamily={vi='a',en='b'}\npatterns=[{field='title',contains='a'}]";
        assert!(Fingerprints::parse("f.toml", short)
            .unwrap_err()
            .contains("too short"));
        assert!(Fingerprints::parse("f.toml", "\u{0}\u{ff}garbage").is_err());
    }
}
