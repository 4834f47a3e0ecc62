#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(antoan_probe::smb::SmbReply::Smb2 { dialect }) =
        antoan_probe::smb::parse_negotiate_response(data)
    {
        let _ = antoan_probe::smb::dialect_name(dialect);
    }
});
