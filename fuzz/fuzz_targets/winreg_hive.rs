//! Fuzz the regf hive reader: open (with the input also offered as a
//! transaction log, so log replay is exercised), then walk everything.
#![no_main]

use antoan_winreg::{HiveOptions, Registry};
use libfuzzer_sys::fuzz_target;

fn walk(reg: &Registry) {
    let _ = reg.validate();
    let mut stack = vec![reg.root()];
    let mut budget = 10_000;
    while let Some(k) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        let _ = k.name();
        let _ = k.last_written();
        let _: Vec<_> = k.values().collect();
        let _ = k.value("");
        stack.extend(k.subkeys());
    }
    let _ = reg.key("Microsoft\\Windows NT\\CurrentVersion").and_then(|k| k.value("CurrentBuild"));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(reg) = Registry::from_hive_bytes(data.to_vec(), "fuzz") {
        walk(&reg);
    }
    // The same bytes as a hive whose first half is the log and second the primary.
    if data.len() > 8192 {
        let (log, hive) = data.split_at(data.len() / 2);
        let logs = vec![("fuzz.LOG1".to_string(), log.to_vec())];
        let opts = HiveOptions { allow_bad_checksum: true, ..HiveOptions::default() };
        if let Ok(reg) = Registry::from_hive_bytes_with_logs(hive.to_vec(), &logs, "fuzz", &opts) {
            walk(&reg);
        }
    }
});
