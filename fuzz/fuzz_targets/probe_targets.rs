//! Fuzzes the scan target parsers of antoan-probe (command-line specs and
//! `--targets-file`): arbitrary bytes give a target set or a clear error,
//! never a panic, and never a name lookup.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let no_dns = |_: &str| -> Result<Vec<std::net::IpAddr>, String> { Err("no dns".into()) };
    let _ = antoan_probe::targets::parse_targets_file("fuzz.txt", data);
    let req = antoan_probe::TargetRequest { file: Some(("fuzz.txt".into(), data.to_vec())), ..Default::default() };
    let _ = antoan_probe::targets::build(&req, &no_dns);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = antoan_probe::ports::parse_ports(s);
        let mut resolved = Vec::new();
        let _ = antoan_probe::targets::expand(s, &no_dns, &mut resolved);
    }
});
