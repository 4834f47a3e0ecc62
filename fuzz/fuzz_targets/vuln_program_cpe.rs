//! The program → CPE map (TOML) and mapping programs with it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(m) = antoan_vuln::program_cpe::ProgramMap::parse(s, "fuzz.toml") {
        let p = antoan_model::windows::WindowsProgram {
            name: s.chars().take(40).collect(),
            version: s.chars().rev().take(12).collect(),
            publisher: String::new(),
            scope: "machine".into(),
            key: "k".into(),
            install_date: String::new(),
        };
        let _ = m.platforms(&[p]);
    }
});
