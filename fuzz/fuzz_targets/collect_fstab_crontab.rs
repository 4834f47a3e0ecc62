#![no_main]
//! fstab / mounts and crontab parsers.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = antoan_collect::mounts::parse_fstab(&text, "fstab");
    let _ = antoan_collect::mounts::unescape(&text);
    let _ = antoan_collect::scheduled::parse_crontab(&text, true, "");
    let _ = antoan_collect::scheduled::parse_crontab(&text, false, "user");
});
