//! Parsers for the text outputs an administrator collects next to the hives:
//! `net accounts` and `secedit /export /cfg` (an INI file). Both yield the
//! account policy keyed by secedit's names, so checks need one vocabulary.
//!
//! Input may be UTF-16LE (with BOM; secedit writes it), UTF-8 (with or
//! without BOM) or a legacy code page; text that is not valid UTF-8 is read
//! lossily. Nothing here panics on any input.

use std::collections::BTreeMap;

/// Largest text file accepted (both outputs are a few kilobytes).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// A parsed account-policy value and the line it came from (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyValue {
    pub value: String,
    pub line: usize,
}

/// Why a text file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct TextError {
    pub origin: String,
    pub reason: String,
}

/// Decodes bytes: UTF-16LE/BE by BOM (or by NULs in the first bytes), UTF-8 otherwise.
pub fn decode(bytes: &[u8]) -> String {
    let utf16 = |b: &[u8], le: bool| -> String {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        return utf16(bytes, true);
    }
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    String::from_utf8_lossy(b).into_owned()
}

fn check_size(bytes: &[u8], origin: &str) -> Result<(), TextError> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(TextError {
            origin: origin.to_string(),
            reason: format!("file is too large ({} bytes, at most {MAX_TEXT_BYTES})", bytes.len()),
        });
    }
    Ok(())
}

/// `net accounts` fields, in the order Windows prints them, with the
/// secedit name each maps to. The order is used when the labels are in
/// another language (a localised Windows prints translated labels).
const NET_ACCOUNTS: [(&str, &str); 8] = [
    ("force user logoff", "ForceLogoffWhenHourExpire"),
    ("minimum password age", "MinimumPasswordAge"),
    ("maximum password age", "MaximumPasswordAge"),
    ("minimum password length", "MinimumPasswordLength"),
    ("length of password history", "PasswordHistorySize"),
    ("lockout threshold", "LockoutBadCount"),
    ("lockout duration", "LockoutDuration"),
    ("lockout observation window", "ResetLockoutCount"),
];

/// Normalises a `net accounts` value to secedit's form: numbers stay,
/// `Never`/`None` become 0 and `Unlimited` becomes -1 (secedit's "never
/// expires"); anything else is kept as written.
fn net_value(key: &str, raw: &str) -> String {
    let v = raw.trim();
    let lower = v.to_lowercase();
    if v.parse::<i64>().is_ok() {
        return v.to_string();
    }
    match lower.as_str() {
        "unlimited" => "-1".into(),
        "never" if key == "ForceLogoffWhenHourExpire" => "0".into(),
        "never" | "none" => "0".into(),
        _ => v.to_string(),
    }
}

/// Parses `net accounts` output into secedit-named values.
pub fn parse_net_accounts(bytes: &[u8], origin: &str) -> Result<BTreeMap<String, PolicyValue>, TextError> {
    check_size(bytes, origin)?;
    let text = decode(bytes);
    let mut out = BTreeMap::new();
    let mut positional = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((label, value)) = line.rsplit_once(':') else { continue };
        let label = label.trim().to_lowercase();
        let value = value.trim();
        if label.is_empty() || value.is_empty() {
            continue;
        }
        positional.push((i + 1, label.clone(), value.to_string()));
        if let Some((_, key)) = NET_ACCOUNTS.iter().find(|(l, _)| label.starts_with(l)) {
            out.insert(key.to_string(), PolicyValue { value: net_value(key, value), line: i + 1 });
        }
    }
    if out.is_empty() && positional.len() >= NET_ACCOUNTS.len() {
        // Translated labels: fall back to the fixed order.
        for ((line, _, value), (_, key)) in positional.iter().zip(NET_ACCOUNTS.iter()) {
            out.insert(key.to_string(), PolicyValue { value: net_value(key, value), line: *line });
        }
    }
    if out.is_empty() {
        return Err(TextError {
            origin: origin.to_string(),
            reason: "no `net accounts` fields found (expected lines such as 'Minimum password length: 8')".into(),
        });
    }
    Ok(out)
}

/// Parsed `secedit /export` output: `[System Access]` values and the
/// `[Registry Values]` section (`MACHINE\...\Name=type,value`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secedit {
    pub system_access: BTreeMap<String, PolicyValue>,
    pub event_audit: BTreeMap<String, PolicyValue>,
    /// Registry path as written after `MACHINE\` → (value text, line).
    pub registry_values: BTreeMap<String, PolicyValue>,
}

/// Parses a `secedit /export /cfg FILE` INI file.
pub fn parse_secedit(bytes: &[u8], origin: &str) -> Result<Secedit, TextError> {
    check_size(bytes, origin)?;
    let text = decode(bytes);
    let mut out = Secedit::default();
    let mut section = String::new();
    let mut saw_section = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            saw_section = true;
            continue;
        }
        let Some((k, v)) = line.split_once('=') else { continue };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() {
            continue;
        }
        let pv = PolicyValue { value: v.trim_matches('"').to_string(), line: i + 1 };
        match section.as_str() {
            "system access" => {
                out.system_access.insert(k.to_string(), pv);
            }
            "event audit" => {
                out.event_audit.insert(k.to_string(), pv);
            }
            "registry values" => {
                // `4,1` (type,value) → keep the value part.
                let value = v.split_once(',').map(|(_, x)| x).unwrap_or(v);
                out.registry_values.insert(
                    k.to_string(),
                    PolicyValue { value: value.trim_matches('"').to_string(), line: i + 1 },
                );
            }
            _ => {}
        }
    }
    if !saw_section || (out.system_access.is_empty() && out.registry_values.is_empty()) {
        return Err(TextError {
            origin: origin.to_string(),
            reason: "not a secedit export: no [System Access] or [Registry Values] section".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET_EN: &str = "Force user logoff how long after time expires?:       Never\r\n\
Minimum password age (days):                          0\r\n\
Maximum password age (days):                          Unlimited\r\n\
Minimum password length:                              0\r\n\
Length of password history maintained:                None\r\n\
Lockout threshold:                                    Never\r\n\
Lockout duration (minutes):                           30\r\n\
Lockout observation window (minutes):                 30\r\n\
Computer role:                                        WORKSTATION\r\n\
The command completed successfully.\r\n";

    #[test]
    fn net_accounts_english() {
        let m = parse_net_accounts(NET_EN.as_bytes(), "net.txt").unwrap();
        assert_eq!(m["MinimumPasswordLength"].value, "0");
        assert_eq!(m["MaximumPasswordAge"].value, "-1");
        assert_eq!(m["PasswordHistorySize"].value, "0");
        assert_eq!(m["LockoutBadCount"].value, "0");
        assert_eq!(m["LockoutDuration"].value, "30");
        assert_eq!(m["LockoutDuration"].line, 7);
    }

    #[test]
    fn net_accounts_translated_labels_use_order() {
        let t = "Buộc đăng xuất sau bao lâu?: Không bao giờ\nTuổi tối thiểu của mật khẩu (ngày): 1\nTuổi tối đa (ngày): 90\nĐộ dài tối thiểu: 8\nLịch sử mật khẩu: 5\nNgưỡng khóa: 5\nThời gian khóa (phút): 30\nCửa sổ quan sát (phút): 30\nVai trò máy tính: WORKSTATION\n";
        let m = parse_net_accounts(t.as_bytes(), "net.txt").unwrap();
        assert_eq!(m["MinimumPasswordLength"].value, "8");
        assert_eq!(m["LockoutBadCount"].value, "5");
    }

    #[test]
    fn net_accounts_utf16() {
        let mut b = vec![0xFF, 0xFE];
        for u in NET_EN.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let m = parse_net_accounts(&b, "net.txt").unwrap();
        assert_eq!(m["MaximumPasswordAge"].value, "-1");
    }

    #[test]
    fn secedit_sections() {
        let t = "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordAge = 0\r\nMinimumPasswordLength = 8\r\nPasswordComplexity = 1\r\nClearTextPassword = 0\r\nLockoutBadCount = 0\r\nNewAdministratorName = \"quantri\"\r\n[Event Audit]\r\nAuditLogonEvents = 3\r\n[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel=4,5\r\n";
        let s = parse_secedit(t.as_bytes(), "secpol.inf").unwrap();
        assert_eq!(s.system_access["MinimumPasswordLength"].value, "8");
        assert_eq!(s.system_access["NewAdministratorName"].value, "quantri");
        assert_eq!(s.event_audit["AuditLogonEvents"].value, "3");
        assert_eq!(s.registry_values["MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel"].value, "5");
    }

    #[test]
    fn garbage_and_truncated_are_errors_not_panics() {
        for input in [
            &b""[..],
            b"\xff\xfe\x00",
            b"\xff\xfe\x41",
            b"\x00\x01\x02\x03\xff\xfe\xfd",
            b"[System Access",
            b"=====\n:::::\n[]\n",
            "Độ dài: \u{0}".as_bytes(),
        ] {
            assert!(parse_net_accounts(input, "x").is_err() || input.len() > 3);
            let _ = parse_secedit(input, "x");
        }
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert!(parse_secedit(&big, "big").unwrap_err().reason.contains("too large"));
        // Cut a valid file anywhere: never a panic.
        for n in 0..NET_EN.len() {
            let _ = parse_net_accounts(&NET_EN.as_bytes()[..n], "cut");
        }
    }
}
