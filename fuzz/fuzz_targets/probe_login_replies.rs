#![no_main]
use libfuzzer_sys::fuzz_target;

// RTSP status lines, Dahua RPC2 JSON replies and Hikvision userCheck XML.
fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_probe::credcheck::parse_rtsp_status(&text);
    let _ = antoan_probe::credcheck::parse_dahua_reply(&text);
    let _ = antoan_probe::credcheck::hikvision_user_check(Some(200), &text);
    let _ = antoan_probe::credcheck::parse_challenge(&text);
});
