//! Pure parsers of what services send: HTTP/RTSP responses, first banners,
//! FTP replies, telnet negotiation, X.509 certificates. All input is hostile;
//! nothing here panics, and every text kept is bounded and cleaned.

use serde::Serialize;

/// Longest text kept from a header, title or banner.
pub const MAX_TEXT: usize = 200;
/// Body bytes kept for fingerprint matching.
pub const MAX_BODY: usize = 16 * 1024;

/// Makes untrusted bytes into a bounded, single-line text: control
/// characters become spaces (renderers escape again), invalid UTF-8 is replaced.
pub fn clean(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut last_space = false;
    for c in s.chars() {
        let c = if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
        if out.chars().count() >= MAX_TEXT {
            out.push('…');
            break;
        }
    }
    out.trim().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthChallenge {
    /// basic, digest, ntlm, negotiate, bearer … (lower case)
    pub scheme: String,
    pub realm: Option<String>,
}

/// A parsed HTTP (or RTSP) response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HttpInfo {
    /// `HTTP/1.1` or `RTSP/1.0`.
    pub protocol: String,
    pub status: u16,
    pub server: Option<String>,
    pub title: Option<String>,
    pub auth: Vec<AuthChallenge>,
    /// The page has a password field.
    pub login_form: bool,
    pub location: Option<String>,
    /// RTSP `Public` methods.
    pub public: Option<String>,
    /// Lower-cased start of the body, for fingerprints; not reported.
    #[serde(skip)]
    pub body_lower: String,
}

/// Parses a response of `protocol` (`HTTP` or `RTSP`) from raw bytes.
pub fn parse_response(bytes: &[u8], protocol: &str) -> Result<HttpInfo, String> {
    let head_end = find(bytes, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(bytes, b"\n\n").map(|i| (i, i + 2)));
    let (head, body) = match head_end {
        Some((h, b)) => (&bytes[..h], &bytes[b..]),
        None => (bytes, &bytes[bytes.len()..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let proto = parts.next().unwrap_or("");
    if !proto.starts_with(&format!("{protocol}/")) {
        return Err(format!("not an {protocol} response"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| format!("bad {protocol} status line"))?;
    let mut info = HttpInfo {
        protocol: clean(proto.as_bytes()),
        status,
        ..Default::default()
    };
    for line in lines.take(200) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "server" => info.server = Some(clean(value.as_bytes())),
            "location" => info.location = Some(clean(value.as_bytes())),
            "public" => info.public = Some(clean(value.as_bytes())),
            "www-authenticate" if info.auth.len() < 8 => info.auth.push(parse_challenge(value)),
            _ => {}
        }
    }
    let body = &body[..body.len().min(MAX_BODY)];
    let lower = String::from_utf8_lossy(body).to_lowercase();
    info.title = title(&lower, body);
    info.login_form = lower.contains("type=\"password\"")
        || lower.contains("type='password'")
        || lower.contains("type=password");
    info.body_lower = lower;
    Ok(info)
}

fn parse_challenge(value: &str) -> AuthChallenge {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let realm = rest.split(',').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        if k.trim().eq_ignore_ascii_case("realm") {
            Some(clean(v.trim().trim_matches('"').as_bytes()))
        } else {
            None
        }
    });
    AuthChallenge {
        scheme: clean(scheme.to_ascii_lowercase().as_bytes()),
        realm,
    }
}

/// The page title, from the lower-cased body (for finding) and the original
/// bytes (to keep the case).
fn title(lower: &str, body: &[u8]) -> Option<String> {
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    // `lower` may differ in length from the original only for non-ASCII
    // case changes; take the original slice when the offsets agree.
    let original = String::from_utf8_lossy(body);
    let text = if original.len() == lower.len() {
        original.get(open_end..close)?.to_string()
    } else {
        lower[open_end..close].to_string()
    };
    let text = decode_entities(&text);
    let t = clean(text.as_bytes());
    if t.is_empty() {
        None
    } else {
        Some(t)
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What a first banner (sent before we said anything) shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Ssh { version: String, software: String },
    Ftp { text: String },
    Smtp { text: String },
    Telnet { text: String },
    Vnc { version: String },
    Mysql { version: String },
    Http,
    Rtsp,
    Other { text: String },
}

/// Telnet IAC command bytes.
const IAC: u8 = 255;

/// Classifies the bytes a server sent first.
pub fn classify_banner(bytes: &[u8]) -> Banner {
    if bytes.starts_with(b"SSH-") {
        let line = first_line(bytes);
        let mut parts = line.splitn(3, '-');
        let _ = parts.next();
        let version = parts.next().unwrap_or("").to_string();
        let software = parts
            .next()
            .unwrap_or("")
            .split(' ')
            .next()
            .unwrap_or("")
            .to_string();
        return Banner::Ssh {
            version: clean(version.as_bytes()),
            software: clean(software.as_bytes()),
        };
    }
    if bytes.starts_with(b"RFB ") {
        return Banner::Vnc {
            version: clean(&bytes[4..bytes.len().min(11)]),
        };
    }
    if bytes.starts_with(b"HTTP/") {
        return Banner::Http;
    }
    if bytes.starts_with(b"RTSP/") {
        return Banner::Rtsp;
    }
    if bytes.first() == Some(&IAC) && bytes.get(1).is_some_and(|b| (251..=254).contains(b)) {
        return Banner::Telnet {
            text: clean(&strip_iac(bytes)),
        };
    }
    if bytes.len() > 5 && bytes[3] == 0 && bytes[4] == 10 {
        // MySQL handshake: 3-byte length, sequence 0, protocol 10, version NUL-terminated.
        let v = &bytes[5..];
        let end = v.iter().position(|b| *b == 0).unwrap_or(v.len().min(40));
        return Banner::Mysql {
            version: clean(&v[..end]),
        };
    }
    let line = first_line(bytes);
    if line.starts_with("220") {
        let lower = line.to_ascii_lowercase();
        if lower.contains("smtp") && !lower.contains("ftp") {
            return Banner::Smtp {
                text: clean(line.as_bytes()),
            };
        }
        return Banner::Ftp {
            text: clean(line.as_bytes()),
        };
    }
    let lower = String::from_utf8_lossy(bytes).to_lowercase();
    if lower.contains("login:") || lower.contains("username:") || lower.contains("password:") {
        return Banner::Telnet {
            text: clean(&strip_iac(bytes)),
        };
    }
    Banner::Other {
        text: clean(first_line(bytes).as_bytes()),
    }
}

fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end])
        .trim_end_matches('\r')
        .to_string()
}

/// Removes telnet negotiation sequences, keeping the text.
pub fn strip_iac(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == IAC {
            match bytes.get(i + 1) {
                Some(251..=254) => i += 3,
                Some(250) => {
                    // Subnegotiation until IAC SE.
                    let mut j = i + 2;
                    while j + 1 < bytes.len() && !(bytes[j] == IAC && bytes[j + 1] == 240) {
                        j += 1;
                    }
                    i = j + 2;
                }
                Some(_) => i += 2,
                None => i += 1,
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Our refusals of every option the server asked about (`DO x` → `WONT x`,
/// `WILL x` → `DONT x`), which makes most telnet servers print their prompt.
pub fn telnet_refusals(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < bytes.len() + 1 && i < bytes.len() {
        if bytes[i] == IAC {
            if let (Some(cmd), Some(opt)) = (bytes.get(i + 1), bytes.get(i + 2)) {
                match cmd {
                    253 => out.extend_from_slice(&[IAC, 252, *opt]),
                    251 => out.extend_from_slice(&[IAC, 254, *opt]),
                    _ => {}
                }
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The code of the last line of an FTP reply, once the reply is complete.
/// `None` while more lines are expected.
pub fn ftp_reply_code(bytes: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(bytes);
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
        let b = line.as_bytes();
        if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' ' {
            return line[..3].parse().ok();
        }
        if b.len() == 3 && b.iter().all(u8::is_ascii_digit) && text.ends_with('\n') {
            return line.parse().ok();
        }
    }
    None
}

/// An RDP X.224 Connection Request asking for `protocols` (1 = TLS only, 2 = CredSSP/NLA).
pub fn rdp_connection_request(protocols: u32) -> Vec<u8> {
    let mut v = vec![3, 0, 0, 19, 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0];
    v.extend_from_slice(&protocols.to_le_bytes());
    v
}

/// What an RDP server answered to the negotiation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdpNegotiation {
    /// The server chose this protocol (0 standard RDP security, 1 TLS, 2 CredSSP, 8 RDSTLS).
    Selected(u32),
    /// The server refused; 5 means it requires NLA (CredSSP).
    Failure(u32),
    /// A connection confirm without negotiation data: only standard RDP security.
    Legacy,
}

/// Parses a TPKT + X.224 Connection Confirm with optional RDP negotiation data.
pub fn parse_rdp_confirm(bytes: &[u8]) -> Option<RdpNegotiation> {
    if bytes.len() < 11 || bytes[0] != 3 || bytes[5] & 0xf0 != 0xd0 {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
    if total < 11 || bytes.len() < total.min(19) {
        return None;
    }
    if total < 19 || bytes.len() < 19 {
        return Some(RdpNegotiation::Legacy);
    }
    let value = u32::from_le_bytes([bytes[15], bytes[16], bytes[17], bytes[18]]);
    match bytes[11] {
        2 => Some(RdpNegotiation::Selected(value)),
        3 => Some(RdpNegotiation::Failure(value)),
        _ => None,
    }
}

/// Facts from a server certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Subject and issuer are the same name.
    pub self_signed: bool,
    /// SHA-256 of the certificate (public).
    pub sha256: String,
}

pub fn parse_certificate(der: &[u8]) -> Result<CertInfo, String> {
    use sha2::{Digest, Sha256};
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("certificate does not parse: {e}"))?;
    let subject = cert.subject();
    let issuer = cert.issuer();
    let digest = Sha256::digest(der);
    Ok(CertInfo {
        subject: clean(subject.to_string().as_bytes()),
        issuer: clean(issuer.to_string().as_bytes()),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        self_signed: subject.as_raw() == issuer.as_raw(),
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_response_with_basic_auth() {
        let r = "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nWWW-Authenticate: Basic realm=\"DS-7608NI\"\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"1\"\r\n\r\n<html><head><TITLE>Đăng nhập &amp; NVR</TITLE></head><input type=\"password\"></html>".as_bytes();
        let h = parse_response(r, "HTTP").unwrap();
        assert_eq!(h.status, 401);
        assert_eq!(h.server.as_deref(), Some("App-webs/"));
        assert_eq!(
            h.auth[0],
            AuthChallenge {
                scheme: "basic".into(),
                realm: Some("DS-7608NI".into())
            }
        );
        assert_eq!(h.auth[1].scheme, "digest");
        assert_eq!(h.title.as_deref(), Some("Đăng nhập & NVR"));
        assert!(h.login_form);
    }

    #[test]
    fn rtsp_and_non_http() {
        let r = b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE\r\nServer: Rtsp Server/3.0\r\n\r\n";
        let h = parse_response(r, "RTSP").unwrap();
        assert_eq!(h.public.as_deref(), Some("OPTIONS, DESCRIBE"));
        assert!(parse_response(r, "HTTP").is_err());
        assert!(parse_response(b"SSH-2.0-x\r\n", "HTTP").is_err());
        assert!(parse_response(b"HTTP/1.1 abc\r\n", "HTTP").is_err());
    }

    #[test]
    fn banners() {
        assert_eq!(
            classify_banner(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3\r\n"),
            Banner::Ssh {
                version: "2.0".into(),
                software: "OpenSSH_9.6p1".into()
            }
        );
        assert!(matches!(
            classify_banner(b"220 (vsFTPd 3.0.5)\r\n"),
            Banner::Ftp { .. }
        ));
        assert!(matches!(
            classify_banner(b"220 mail ESMTP Postfix\r\n"),
            Banner::Smtp { .. }
        ));
        assert!(matches!(
            classify_banner(&[255, 253, 24, 255, 251, 1]),
            Banner::Telnet { .. }
        ));
        assert!(matches!(
            classify_banner(b"\r\nDVR login: "),
            Banner::Telnet { .. }
        ));
        assert_eq!(
            classify_banner(b"RFB 003.008\n"),
            Banner::Vnc {
                version: "003.008".into()
            }
        );
        let mut my = vec![0x4a, 0, 0, 0, 10];
        my.extend_from_slice(b"8.0.36\0rest");
        assert_eq!(
            classify_banner(&my),
            Banner::Mysql {
                version: "8.0.36".into()
            }
        );
        assert!(matches!(classify_banner(b"\x00\x01"), Banner::Other { .. }));
    }

    #[test]
    fn telnet_helpers() {
        let b = [
            255, 253, 24, 255, 251, 1, b'l', b'o', b'g', b'i', b'n', b':', 255, 250, 1, 2, 255,
            240, b' ',
        ];
        assert_eq!(strip_iac(&b), b"login: ");
        assert_eq!(telnet_refusals(&b[..6]), [255, 252, 24, 255, 254, 1]);
    }

    #[test]
    fn rdp_negotiation() {
        let req = rdp_connection_request(1);
        assert_eq!(req.len(), 19);
        let cc = |t: u8, v: u32| {
            let mut b = vec![3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, t, 0, 8, 0];
            b.extend_from_slice(&v.to_le_bytes());
            b
        };
        assert_eq!(
            parse_rdp_confirm(&cc(2, 1)),
            Some(RdpNegotiation::Selected(1))
        );
        assert_eq!(
            parse_rdp_confirm(&cc(3, 5)),
            Some(RdpNegotiation::Failure(5))
        );
        assert_eq!(
            parse_rdp_confirm(&[3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0]),
            Some(RdpNegotiation::Legacy)
        );
        assert_eq!(parse_rdp_confirm(b"HTTP/1.1 400"), None);
        assert_eq!(parse_rdp_confirm(&cc(2, 1)[..15]), None);
    }

    #[test]
    fn ftp_codes() {
        assert_eq!(ftp_reply_code(b"230 Login successful.\r\n"), Some(230));
        assert_eq!(ftp_reply_code(b"220-Welcome\r\n"), None);
        assert_eq!(ftp_reply_code(b"220-Welcome\r\n220 ready\r\n"), Some(220));
    }

    #[test]
    fn clean_removes_controls_and_bounds() {
        assert_eq!(clean(b"a\x1b[31mb\r\n\xe2\x80\xaec"), "a [31mb c");
        assert!(clean(&[b'x'; 1000]).chars().count() <= MAX_TEXT + 1);
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed: u64 = 1;
        let alphabet: &[u8] =
            b"HTTP/1.1 200\r\n:<title>password=\"'RTSP/SSH-220 \xff\xfb\xfa\xf0\x00\x0a";
        for n in 0..4000 {
            let len = n % 97;
            let mut v = Vec::with_capacity(len);
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                v.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let _ = parse_response(&v, "HTTP");
            let _ = parse_response(&v, "RTSP");
            let _ = classify_banner(&v);
            let _ = strip_iac(&v);
            let _ = telnet_refusals(&v);
            let _ = ftp_reply_code(&v);
            let _ = parse_certificate(&v);
            let _ = parse_rdp_confirm(&v);
            for cut in [0, len / 2] {
                let _ = parse_response(&v[..cut], "HTTP");
            }
        }
    }
}
