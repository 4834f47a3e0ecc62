#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(list) = antoan_probe::eol::EolList::parse(text, "fuzz.toml") {
            let s = antoan_probe::Service {
                banner: Some(text.chars().take(200).collect()),
                ..Default::default()
            };
            let _ = list.matches(&s, 1_800_000_000);
        }
    }
});
