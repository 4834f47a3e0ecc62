//! The factory-default credential list (`data/credentials.toml`) checked by
//! `antoan scan --check-credentials`. Every entry names its source; reports
//! cite the vendor and source, never the password.

use serde::Deserialize;

/// Login protocols a credential applies to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CredService {
    HttpBasic,
    HttpDigest,
    Ftp,
    Telnet,
    /// RTSP DESCRIBE with Digest (or Basic) authentication.
    Rtsp,
    /// Hikvision ISAPI `/ISAPI/Security/userCheck` (Digest or Basic).
    HikvisionIsapi,
    /// Dahua web RPC `/RPC2_Login` (challenge, then an MD5 hash).
    DahuaRpc2,
    /// SSH password authentication.
    Ssh,
}

/// Whether an entry is a vendor's factory default or a commonly used weak password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredKind {
    #[default]
    FactoryDefault,
    Weak,
}

impl CredService {
    pub fn as_str(self) -> &'static str {
        match self {
            CredService::HttpBasic => "http-basic",
            CredService::HttpDigest => "http-digest",
            CredService::Ftp => "ftp",
            CredService::Telnet => "telnet",
            CredService::Rtsp => "rtsp",
            CredService::HikvisionIsapi => "hikvision-isapi",
            CredService::DahuaRpc2 => "dahua-rpc2",
            CredService::Ssh => "ssh",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub vendor: String,
    pub service: CredService,
    pub username: String,
    pub password: String,
    pub source: String,
    /// `factory-default` (when absent) or `weak`.
    #[serde(default)]
    pub kind: CredKind,
}

// The password stays out of Debug output so it cannot leak into logs.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("vendor", &self.vendor)
            .field("service", &self.service)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("source", &self.source)
            .field("kind", &self.kind)
            .finish()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    credential: Vec<Credential>,
}

/// A credential list that failed to parse: which file, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for CredentialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for CredentialError {}

#[derive(Debug, Clone, Default)]
pub struct CredentialList {
    pub entries: Vec<Credential>,
}

const EMBEDDED: &str = include_str!("../data/credentials.toml");

/// Longest accepted field (usernames, passwords, vendor and source text).
const MAX_FIELD: usize = 512;

impl CredentialList {
    /// The list shipped with antoan.
    pub fn embedded() -> CredentialList {
        // The embedded file is checked by a unit test; an error here would
        // be a build defect, so fall back to an empty list rather than panic.
        CredentialList::parse(EMBEDDED, "data/credentials.toml").unwrap_or_default()
    }

    /// Parses a credential list; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<CredentialList, CredentialError> {
        let parsed: File = toml::from_str(text).map_err(|e| CredentialError {
            file: file.to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            reason: e.message().trim().to_string(),
        })?;
        for (i, c) in parsed.credential.iter().enumerate() {
            let bad = |reason: String| CredentialError {
                file: file.to_string(),
                line: None,
                reason: format!("credential #{} ({}): {reason}", i + 1, c.vendor),
            };
            if c.vendor.trim().is_empty() {
                return Err(bad("vendor is empty".into()));
            }
            if c.source.trim().is_empty() {
                return Err(bad(
                    "source is empty: every default must name where it is documented".into(),
                ));
            }
            if !c.password.is_empty()
                && (c.source.contains(&c.password) || c.vendor.contains(&c.password))
            {
                return Err(bad(
                    "source or vendor repeats the password (they are shown in reports)".into(),
                ));
            }
            if c.username.is_empty() && c.service != CredService::Ftp {
                return Err(bad("username is empty".into()));
            }
            for (name, v) in [
                ("vendor", &c.vendor),
                ("username", &c.username),
                ("password", &c.password),
                ("source", &c.source),
            ] {
                if v.len() > MAX_FIELD {
                    return Err(bad(format!("{name} is longer than {MAX_FIELD} bytes")));
                }
                if v.chars().any(|ch| ch == '\r' || ch == '\n' || ch == '\0') {
                    return Err(bad(format!("{name} contains a line break or NUL")));
                }
            }
        }
        Ok(CredentialList {
            entries: parsed.credential,
        })
    }

    /// The entries for one service, in file order, without duplicates.
    pub fn for_service(&self, service: CredService) -> Vec<&Credential> {
        let mut out: Vec<&Credential> = Vec::new();
        for c in self.entries.iter().filter(|c| c.service == service) {
            if !out
                .iter()
                .any(|o| o.username == c.username && o.password == c.password)
            {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_parses_and_every_entry_has_a_source() {
        let list = CredentialList::parse(EMBEDDED, "data/credentials.toml").unwrap();
        assert!(list.entries.len() >= 8);
        for c in &list.entries {
            assert!(!c.source.is_empty() && !c.vendor.is_empty());
        }
        for s in [
            CredService::HttpBasic,
            CredService::HttpDigest,
            CredService::Ftp,
            CredService::Telnet,
            CredService::Rtsp,
            CredService::HikvisionIsapi,
            CredService::DahuaRpc2,
            CredService::Ssh,
        ] {
            assert!(!list.for_service(s).is_empty(), "{s:?}");
        }
        assert_eq!(CredentialList::embedded().entries.len(), list.entries.len());
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "[[credential]]\nvendor = \"X\"\nservice = \"smtp\"\nusername = \"a\"\npassword = \"b\"\nsource = \"s\"\n";
        let e = CredentialList::parse(text, "creds.toml").unwrap_err();
        assert_eq!(e.file, "creds.toml");
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().starts_with("creds.toml:3:"), "{e}");

        let text = "[[credential]]\nvendor = \"X\"\nservice = \"ftp\"\nusername = \"a\"\npassword = \"b\"\nsource = \" \"\n";
        let e = CredentialList::parse(text, "creds.toml").unwrap_err();
        assert!(e.reason.contains("source is empty"), "{e}");

        let text = "[[credential]]\nvendor = \"X\"\nservice = \"ftp\"\nusername = \"a\"\npassword = \"b\"\nsource = \"s\"\nextra = 1\n";
        assert!(CredentialList::parse(text, "c").is_err());

        let text = "[[credential]]\nvendor = \"X\"\nservice = \"ftp\"\nusername = \"a\"\npassword = \"pw9\"\nsource = \"manual says pw9\"\n";
        let e = CredentialList::parse(text, "c").unwrap_err();
        assert!(e.reason.contains("repeats the password"), "{e}");
    }

    #[test]
    fn garbage_and_truncated_input_never_panics() {
        let mut inputs: Vec<String> = vec![
            String::new(),
            "\u{0}\u{1}\u{2}".into(),
            "[[credential]".into(),
            "[[credential]]\nvendor = \"Camera khóa".into(),
            "credential = 5".into(),
            "[[credential]]\nvendor = \"Đầu ghi\"\nservice = \"telnet\"\nusername = \"\"\npassword = \"\"\nsource = \"s\"\n".into(),
        ];
        for cut in (0..EMBEDDED.len()).step_by(37) {
            if EMBEDDED.is_char_boundary(cut) {
                inputs.push(EMBEDDED[..cut].to_string());
            }
        }
        for i in inputs {
            let _ = CredentialList::parse(&i, "x.toml");
        }
    }

    #[test]
    fn debug_output_hides_the_password() {
        let list = CredentialList::embedded();
        let dbg = format!("{:?}", list);
        assert!(!dbg.contains("12345") && !dbg.contains("vizxv"), "{dbg}");
    }
}
