//! Dirty hives and transaction log replay. The "before" and "after" hives are
//! written by hivex (system.hive, then the same merged with system-update.reg);
//! the tests write the logs Windows would have left between the two states
//! and check that replaying them over "before" reads exactly like "after".

mod common;

use antoan_winreg::{HiveOptions, HiveState, Registry};
use common::*;

const SEED: u64 = 0x82EF_4D88_7A4E_55C2;

/// An independent copy of Marvin32 for writing test logs.
fn marvin32(seed: u64, data: &[u8]) -> u64 {
    let (mut lo, mut hi) = (seed as u32, (seed >> 32) as u32);
    let mix = |lo: &mut u32, hi: &mut u32| {
        *hi ^= *lo;
        *lo = lo.rotate_left(20).wrapping_add(*hi);
        *hi = hi.rotate_left(9) ^ *lo;
        *lo = lo.rotate_left(27).wrapping_add(*hi);
        *hi = hi.rotate_left(19);
    };
    let mut rest = data;
    while rest.len() >= 4 {
        lo = lo.wrapping_add(u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]));
        mix(&mut lo, &mut hi);
        rest = &rest[4..];
    }
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] = 0x80;
    lo = lo.wrapping_add(u32::from_le_bytes(last));
    mix(&mut lo, &mut hi);
    mix(&mut lo, &mut hi);
    u64::from(lo) | u64::from(hi) << 32
}

struct States {
    before: Vec<u8>,
    after: Vec<u8>,
}

fn states() -> States {
    States {
        before: read_fixture("system.hive"),
        after: read_fixture("system-updated.hive"),
    }
}

/// "before" as Windows leaves it when a write was logged but not yet reconciled.
fn dirty(before: &[u8]) -> (Vec<u8>, u32) {
    let mut p = before.to_vec();
    let seq = get_u32(&p, 8);
    put_u32(&mut p, 4, seq + 1);
    fix_checksum(&mut p);
    (p, seq)
}

/// 4096-byte pages of hive bins data that differ between the two states.
fn changed_pages(before: &[u8], after: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    for off in (4096..after.len()).step_by(4096) {
        let new = &after[off..off + 4096];
        if before.get(off..off + 4096) != Some(new) {
            out.push(((off - 4096) as u32, new.to_vec()));
        }
    }
    out
}

fn log_entry(seq: u32, bins_size: u32, pages: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut e = vec![0u8; 40];
    e[0..4].copy_from_slice(b"HvLE");
    for (off, p) in pages {
        e.extend_from_slice(&off.to_le_bytes());
        e.extend_from_slice(&(p.len() as u32).to_le_bytes());
    }
    for (_, p) in pages {
        e.extend_from_slice(p);
    }
    e.resize(e.len().div_ceil(512) * 512, 0);
    let size = e.len() as u32;
    put_u32(&mut e, 4, size);
    put_u32(&mut e, 12, seq);
    put_u32(&mut e, 16, bins_size);
    put_u32(&mut e, 20, pages.len() as u32);
    let h1 = marvin32(SEED, &e[40..]);
    e[24..32].copy_from_slice(&h1.to_le_bytes());
    let h2 = marvin32(SEED, &e[..32]);
    e[32..40].copy_from_slice(&h2.to_le_bytes());
    e
}

/// A new-format log: the hive's first sector with file type 6, then entries.
fn new_log(primary: &[u8], entries: &[Vec<u8>]) -> Vec<u8> {
    let mut log = primary[..512].to_vec();
    put_u32(&mut log, 28, 6);
    fix_checksum(&mut log);
    for e in entries {
        log.extend_from_slice(e);
    }
    log
}

fn root_dump(reg: &Registry) -> Vec<String> {
    dump(reg.root())
}

#[test]
fn fixtures_really_differ() {
    let s = states();
    let a = Registry::from_hive_bytes(s.before.clone(), "before").unwrap();
    let b = Registry::from_hive_bytes(s.after.clone(), "after").unwrap();
    assert_ne!(root_dump(&a), root_dump(&b));
    assert!(s.after.len() > s.before.len(), "the update grows the hive");
    let svc = b.key("ControlSet001\\Services").unwrap();
    assert!(svc.subkey("NewService").is_some() && svc.subkey("TermService").is_none());
}

#[test]
fn new_format_single_log() {
    let s = states();
    let (primary, seq) = dirty(&s.before);
    let pages = changed_pages(&s.before, &s.after);
    assert!(pages.len() >= 2, "{}", pages.len());
    let bins = get_u32(&s.after, 40);
    let log = new_log(&primary, &[log_entry(seq, bins, &pages)]);
    let logs = vec![("SYSTEM.LOG1".to_string(), log)];
    let reg =
        Registry::from_hive_bytes_with_logs(primary, &logs, "SYSTEM", &HiveOptions::default())
            .unwrap();
    assert_eq!(
        reg.hive_state(),
        Some(&HiveState::Recovered {
            log_entries: 1,
            from: vec!["SYSTEM.LOG1".into()]
        })
    );
    assert!(reg.warnings().is_empty());
    let after = Registry::from_hive_bytes(s.after, "after").unwrap();
    assert_eq!(root_dump(&reg), root_dump(&after));
    assert_eq!(
        reg.key("ControlSet001\\Services\\LanmanServer\\Parameters")
            .unwrap()
            .value("SMB1")
            .and_then(|v| v.as_u32()),
        Some(1)
    );
}

#[test]
fn new_format_split_over_log1_and_log2_found_beside_the_hive() {
    let s = states();
    let (primary, seq) = dirty(&s.before);
    let pages = changed_pages(&s.before, &s.after);
    let bins = get_u32(&s.after, 40);
    let (first, second) = pages.split_at(1);
    // an old, already applied entry first: it must be skipped
    let stale = log_entry(seq - 1, get_u32(&s.before, 40), &[(0, vec![0xAB; 4096])]);
    let log1 = new_log(&primary, &[stale, log_entry(seq, bins, first)]);
    let log2 = new_log(&primary, &[log_entry(seq + 1, bins, second)]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("SYSTEM"), &primary).unwrap();
    std::fs::write(dir.path().join("SYSTEM.LOG1"), &log1).unwrap();
    std::fs::write(dir.path().join("system.log2"), &log2).unwrap();
    let reg = Registry::open_hive(&dir.path().join("SYSTEM")).unwrap();
    match reg.hive_state() {
        Some(HiveState::Recovered {
            log_entries: 2,
            from,
        }) => {
            assert!(
                from[0].ends_with("SYSTEM.LOG1") && from[1].ends_with("system.log2"),
                "{from:?}"
            )
        }
        other => panic!("{other:?} {:?}", reg.warnings()),
    }
    let after = Registry::from_hive_bytes(s.after, "after").unwrap();
    assert_eq!(root_dump(&reg), root_dump(&after));

    // With replay turned off the same files read as the stale primary.
    let opts = HiveOptions {
        apply_logs: false,
        ..HiveOptions::default()
    };
    let stale = Registry::open_hive_with(&dir.path().join("SYSTEM"), &opts).unwrap();
    assert_eq!(stale.hive_state(), Some(&HiveState::DirtyNotRecovered));
    assert!(stale.warnings()[0]
        .to_string()
        .contains("log replay turned off"));
}

#[test]
fn a_bad_entry_stops_replay() {
    let s = states();
    let (primary, seq) = dirty(&s.before);
    let pages = changed_pages(&s.before, &s.after);
    let bins = get_u32(&s.after, 40);
    let mut entry = log_entry(seq, bins, &pages);
    let n = entry.len();
    entry[n - 600] ^= 1; // page data no longer matches Hash-1
    let logs = vec![("SYSTEM.LOG1".to_string(), new_log(&primary, &[entry]))];
    let reg =
        Registry::from_hive_bytes_with_logs(primary, &logs, "SYSTEM", &HiveOptions::default())
            .unwrap();
    assert_eq!(reg.hive_state(), Some(&HiveState::DirtyNotRecovered));
    let msg = reg.warnings()[0].to_string();
    assert!(
        msg.starts_with("SYSTEM: dirty hive, transaction logs not applied"),
        "{msg}"
    );
    assert!(msg.contains("no valid log entries"), "{msg}");
    let before = Registry::from_hive_bytes(s.before, "before").unwrap();
    assert_eq!(root_dump(&reg), root_dump(&before));
}

#[test]
fn bad_checksum_is_repaired_from_the_log() {
    let s = states();
    let (mut primary, seq) = dirty(&s.before);
    let pages = changed_pages(&s.before, &s.after);
    let bins = get_u32(&s.after, 40);
    let log = new_log(&primary, &[log_entry(seq, bins, &pages)]);
    primary[0x30] ^= 0xFF; // torn base block write
    let logs = vec![("SYSTEM.LOG1".to_string(), log)];
    let reg =
        Registry::from_hive_bytes_with_logs(primary, &logs, "SYSTEM", &HiveOptions::default())
            .unwrap();
    assert!(matches!(
        reg.hive_state(),
        Some(HiveState::Recovered { .. })
    ));
    let after = Registry::from_hive_bytes(s.after, "after").unwrap();
    assert_eq!(root_dump(&reg), root_dump(&after));
}

#[test]
fn old_format_dirty_vector_log() {
    let s = states();
    let (primary, _) = dirty(&s.before);
    let bins = get_u32(&s.after, 40) as usize;
    // 512-byte page granularity
    let mut bitmap = vec![0u8; (bins / 512).div_ceil(8)];
    let mut pages = Vec::new();
    for p in 0..bins / 512 {
        let at = 4096 + p * 512;
        let new = &s.after[at..at + 512];
        if s.before.get(at..at + 512) != Some(new) {
            bitmap[p / 8] |= 1 << (p % 8);
            pages.extend_from_slice(new);
        }
    }
    let mut log = primary[..512].to_vec();
    put_u32(&mut log, 4, get_u32(&primary, 4));
    put_u32(&mut log, 8, get_u32(&primary, 4));
    put_u32(&mut log, 28, 1);
    put_u32(&mut log, 40, bins as u32);
    fix_checksum(&mut log);
    log.extend_from_slice(b"DIRT");
    log.extend_from_slice(&bitmap);
    log.resize(log.len().div_ceil(512) * 512, 0);
    log.extend_from_slice(&pages);
    let logs = vec![("SYSTEM.LOG".to_string(), log)];
    let reg =
        Registry::from_hive_bytes_with_logs(primary, &logs, "SYSTEM", &HiveOptions::default())
            .unwrap();
    assert!(
        matches!(reg.hive_state(), Some(HiveState::Recovered { .. })),
        "{:?}",
        reg.warnings()
    );
    let after = Registry::from_hive_bytes(s.after, "after").unwrap();
    assert_eq!(root_dump(&reg), root_dump(&after));
}

#[test]
fn garbage_and_mutated_logs_never_panic() {
    let s = states();
    let (primary, seq) = dirty(&s.before);
    let pages = changed_pages(&s.before, &s.after);
    let good = new_log(&primary, &[log_entry(seq, get_u32(&s.after, 40), &pages)]);
    let mut rng = Rng(99);
    for i in 0..300 {
        let log = if i % 3 == 0 {
            let n = rng.below(20_000);
            let mut g = rng.bytes(n);
            if g.len() >= 512 {
                g[..512].copy_from_slice(&good[..512]);
            }
            g
        } else {
            let mut g = good.clone();
            for _ in 0..1 + rng.below(8) {
                // hit the entry header often: that is where sizes and counts live
                let at = if rng.below(2) == 0 {
                    512 + rng.below(64)
                } else {
                    rng.below(g.len())
                };
                g[at] = rng.next() as u8;
            }
            if i % 5 == 0 {
                // re-sign the mutated entry so that its fields are trusted as far as they go
                let size = (get_u32(&g, 516) as usize).min(g.len() - 512);
                if size >= 40 {
                    let h1 = marvin32(SEED, &g[552..512 + size]);
                    g[536..544].copy_from_slice(&h1.to_le_bytes());
                    let h2 = marvin32(SEED, &g[512..544]);
                    g[544..552].copy_from_slice(&h2.to_le_bytes());
                }
            }
            g
        };
        let logs = vec![("SYSTEM.LOG1".to_string(), log)];
        if let Ok(reg) = Registry::from_hive_bytes_with_logs(
            primary.clone(),
            &logs,
            "SYSTEM",
            &HiveOptions::default(),
        ) {
            let _ = reg.validate();
        }
    }
}
