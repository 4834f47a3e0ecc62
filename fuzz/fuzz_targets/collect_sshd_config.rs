#![no_main]
//! sshd_config reader: the input is split into a main file and two
//! drop-ins (at NUL bytes) so Include, globs and loops are exercised.
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let mut files = BTreeMap::new();
    files.insert("/etc/ssh/sshd_config".to_string(), parts.next().unwrap_or("").to_string());
    files.insert("/etc/ssh/sshd_config.d/a.conf".to_string(), parts.next().unwrap_or("").to_string());
    files.insert("/etc/ssh/b".to_string(), parts.next().unwrap_or("").to_string());
    let eff = antoan_collect::sshd::effective(&files, "/etc/ssh/sshd_config");
    assert!(eff.settings.contains_key("permitrootlogin"));
    let _ = antoan_collect::sshd::parse_lines(&text);
});
