//! The team lines of the "new inspection" form (`name | role | position`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for lang in [antoan_model::Lang::Vi, antoan_model::Lang::En] {
        if let Ok(team) = antoan_server::api::inspections::parse_team(&text, lang) {
            assert!(team.len() <= 50);
            assert!(
                team.is_empty()
                    || team
                        .iter()
                        .any(|m| m.role == antoan_inspect::TeamRole::Lead)
            );
        }
    }
});
