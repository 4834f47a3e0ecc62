//! Fuzzes what antoan-probe reads from scanned services: HTTP/RTSP
//! responses, first banners, telnet negotiation, FTP replies and X.509
//! certificates. Hostile bytes must never panic.
#![no_main]

use antoan_probe::banner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = banner::parse_response(data, "HTTP") {
        assert!(h.title.as_ref().is_none_or(|t| t.chars().count() <= banner::MAX_TEXT + 1));
    }
    let _ = banner::parse_response(data, "RTSP");
    let _ = banner::classify_banner(data);
    let _ = banner::strip_iac(data);
    let _ = banner::telnet_refusals(data);
    let _ = banner::ftp_reply_code(data);
    let _ = banner::parse_certificate(data);
    let _ = banner::clean(data);
});
