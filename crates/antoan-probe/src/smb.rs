//! SMB dialect negotiation: does the server still accept SMBv1
//! (dialect "NT LM 0.12")? And which SMB2/3 dialect does it pick?
//! Requests are built here and responses parsed without trusting lengths.

/// An SMB1 NEGOTIATE offering only "NT LM 0.12" (the one SMBv1 dialect
/// every SMB1 server speaks), with its NetBIOS session header.
pub fn smb1_negotiate_request() -> Vec<u8> {
    let mut smb = Vec::with_capacity(64);
    smb.extend_from_slice(b"\xffSMB");
    smb.push(0x72); // SMB_COM_NEGOTIATE
    smb.extend_from_slice(&[0, 0, 0, 0]); // status
    smb.push(0x18); // flags: case-insensitive paths, canonicalised
    smb.extend_from_slice(&0xc801u16.to_le_bytes()); // flags2: unicode, NT status, long names
    smb.extend_from_slice(&[0; 2]); // PID high
    smb.extend_from_slice(&[0; 8]); // security features
    smb.extend_from_slice(&[0; 2]); // reserved
    smb.extend_from_slice(&[0xff, 0xff]); // TID
    smb.extend_from_slice(&0xfeffu16.to_le_bytes()); // PID
    smb.extend_from_slice(&[0; 2]); // UID
    smb.extend_from_slice(&[0; 2]); // MID
    smb.push(0); // word count
    let dialects: &[u8] = b"\x02NT LM 0.12\x00";
    smb.extend_from_slice(&(dialects.len() as u16).to_le_bytes());
    smb.extend_from_slice(dialects);
    netbios(smb)
}

/// The SMB2 dialects offered: 2.0.2, 2.1, 3.0, 3.0.2 (3.1.1 needs
/// negotiate contexts, which a dialect check does not need).
pub const SMB2_DIALECTS: &[u16] = &[0x0202, 0x0210, 0x0300, 0x0302];

/// An SMB2 NEGOTIATE offering [`SMB2_DIALECTS`].
pub fn smb2_negotiate_request() -> Vec<u8> {
    let mut smb = Vec::with_capacity(128);
    smb.extend_from_slice(b"\xfeSMB");
    smb.extend_from_slice(&64u16.to_le_bytes()); // structure size
    smb.extend_from_slice(&0u16.to_le_bytes()); // credit charge
    smb.extend_from_slice(&0u32.to_le_bytes()); // status
    smb.extend_from_slice(&0u16.to_le_bytes()); // command: NEGOTIATE
    smb.extend_from_slice(&1u16.to_le_bytes()); // credits requested
    smb.extend_from_slice(&0u32.to_le_bytes()); // flags
    smb.extend_from_slice(&0u32.to_le_bytes()); // next command
    smb.extend_from_slice(&0u64.to_le_bytes()); // message id
    smb.extend_from_slice(&0u32.to_le_bytes()); // process id
    smb.extend_from_slice(&0u32.to_le_bytes()); // tree id
    smb.extend_from_slice(&0u64.to_le_bytes()); // session id
    smb.extend_from_slice(&[0; 16]); // signature
    smb.extend_from_slice(&36u16.to_le_bytes()); // structure size
    smb.extend_from_slice(&(SMB2_DIALECTS.len() as u16).to_le_bytes());
    smb.extend_from_slice(&1u16.to_le_bytes()); // security mode: signing enabled
    smb.extend_from_slice(&0u16.to_le_bytes()); // reserved
    smb.extend_from_slice(&0u32.to_le_bytes()); // capabilities
    smb.extend_from_slice(b"antoan-scan-guid"); // client GUID (16 bytes)
    smb.extend_from_slice(&0u64.to_le_bytes()); // client start time
    for d in SMB2_DIALECTS {
        smb.extend_from_slice(&d.to_le_bytes());
    }
    netbios(smb)
}

fn netbios(msg: Vec<u8>) -> Vec<u8> {
    let len = msg.len() as u32;
    let mut out = vec![0, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    out.extend(msg);
    out
}

/// What a server answered to a NEGOTIATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmbReply {
    /// An SMB1 NEGOTIATE response; `accepted`: it picked one of our dialects.
    Smb1 { accepted: bool },
    /// An SMB2 NEGOTIATE response with the chosen dialect (0x02ff: "SMB2 wildcard").
    Smb2 { dialect: u16 },
    /// An SMB message that is not a successful NEGOTIATE response (e.g. an error status).
    Refused,
}

/// Parses a NEGOTIATE response (NetBIOS header included). None when it is
/// not SMB at all or too short to tell.
pub fn parse_negotiate_response(b: &[u8]) -> Option<SmbReply> {
    let msg = b.get(4..)?;
    if msg.starts_with(b"\xffSMB") {
        let command = *msg.get(4)?;
        let status = u32::from_le_bytes(msg.get(5..9)?.try_into().ok()?);
        if command != 0x72 || status != 0 {
            return Some(SmbReply::Refused);
        }
        let words = *msg.get(32)?;
        if words == 0 {
            return Some(SmbReply::Smb1 { accepted: false });
        }
        let index = u16::from_le_bytes(msg.get(33..35)?.try_into().ok()?);
        // We offered one dialect: index 0 is acceptance, 0xFFFF refusal.
        return Some(SmbReply::Smb1 {
            accepted: index == 0,
        });
    }
    if msg.starts_with(b"\xfeSMB") {
        let status = u32::from_le_bytes(msg.get(8..12)?.try_into().ok()?);
        let command = u16::from_le_bytes(msg.get(12..14)?.try_into().ok()?);
        if command != 0 || status != 0 {
            return Some(SmbReply::Refused);
        }
        let dialect = u16::from_le_bytes(msg.get(68..70)?.try_into().ok()?);
        return Some(SmbReply::Smb2 { dialect });
    }
    None
}

/// "3.0.2" for 0x0302, "2.1" for 0x0210.
pub fn dialect_name(d: u16) -> String {
    match d {
        0x0202 => "2.0.2".into(),
        0x0210 => "2.1".into(),
        0x02ff => "2.x".into(),
        0x0300 => "3.0".into(),
        0x0302 => "3.0.2".into(),
        0x0311 => "3.1.1".into(),
        other => format!("0x{other:04x}"),
    }
}

/// A server's SMB1 NEGOTIATE response choosing dialect `index` (for test servers).
pub fn smb1_negotiate_response(index: u16) -> Vec<u8> {
    let mut smb = Vec::new();
    smb.extend_from_slice(b"\xffSMB\x72");
    smb.extend_from_slice(&[0, 0, 0, 0]);
    smb.push(0x98);
    smb.extend_from_slice(&0xc801u16.to_le_bytes());
    smb.extend_from_slice(&[0; 12]);
    smb.extend_from_slice(&[0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0]);
    smb.push(17); // word count of the NT LM 0.12 response
    smb.extend_from_slice(&index.to_le_bytes());
    smb.extend_from_slice(&[0; 32]); // the remaining words (security mode, limits, time …)
    smb.extend_from_slice(&0u16.to_le_bytes()); // byte count
    netbios(smb)
}

/// A server's SMB2 NEGOTIATE response choosing `dialect` (for test servers).
pub fn smb2_negotiate_response(dialect: u16) -> Vec<u8> {
    let mut smb = Vec::new();
    smb.extend_from_slice(b"\xfeSMB");
    smb.extend_from_slice(&64u16.to_le_bytes());
    smb.extend_from_slice(&[0; 2]);
    smb.extend_from_slice(&0u32.to_le_bytes());
    smb.extend_from_slice(&0u16.to_le_bytes());
    smb.extend_from_slice(&1u16.to_le_bytes());
    smb.extend_from_slice(&1u32.to_le_bytes()); // flags: server to redirector
    smb.extend_from_slice(&[0; 44]);
    smb.extend_from_slice(&65u16.to_le_bytes()); // structure size
    smb.extend_from_slice(&1u16.to_le_bytes()); // security mode
    smb.extend_from_slice(&dialect.to_le_bytes());
    smb.extend_from_slice(&[0; 58]);
    netbios(smb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_have_consistent_lengths() {
        for r in [smb1_negotiate_request(), smb2_negotiate_request()] {
            let len = (usize::from(r[1]) << 16) | (usize::from(r[2]) << 8) | usize::from(r[3]);
            assert_eq!(len + 4, r.len());
        }
        let r = smb1_negotiate_request();
        assert_eq!(&r[4..8], b"\xffSMB");
        assert_eq!(r[8], 0x72);
        assert!(r.ends_with(b"\x02NT LM 0.12\x00"));
        let r = smb2_negotiate_request();
        assert_eq!(r.len(), 4 + 64 + 36 + 2 * SMB2_DIALECTS.len());
    }

    #[test]
    fn responses_parse() {
        assert_eq!(
            parse_negotiate_response(&smb1_negotiate_response(0)),
            Some(SmbReply::Smb1 { accepted: true })
        );
        assert_eq!(
            parse_negotiate_response(&smb1_negotiate_response(0xffff)),
            Some(SmbReply::Smb1 { accepted: false })
        );
        assert_eq!(
            parse_negotiate_response(&smb2_negotiate_response(0x0302)),
            Some(SmbReply::Smb2 { dialect: 0x0302 })
        );
        // An SMB1 error (STATUS_NOT_SUPPORTED).
        let mut err = smb1_negotiate_response(0);
        err[9..13].copy_from_slice(&0xc00000bbu32.to_le_bytes());
        assert_eq!(parse_negotiate_response(&err), Some(SmbReply::Refused));
        assert_eq!(parse_negotiate_response(b"HTTP/1.1 400 Bad"), None);
        assert_eq!(dialect_name(0x0210), "2.1");
    }

    #[test]
    fn truncated_and_garbage_responses_never_panic() {
        for full in [smb1_negotiate_response(0), smb2_negotiate_response(0x0300)] {
            for cut in 0..full.len() {
                let _ = parse_negotiate_response(&full[..cut]);
            }
        }
        for g in [
            &b""[..],
            b"\x00\x00",
            b"\x00\x00\x00\x05\xffSMB",
            b"\x00\x00\x00\x05\xfeSMB\xff",
        ] {
            let _ = parse_negotiate_response(g);
        }
    }
}
