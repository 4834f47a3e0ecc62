//! Times what every audit pays for knowledge: `Knowledge::embedded()`
//! (verify every sha256, parse the controls catalog) plus the OS verdict,
//! which parses the one lifecycle product it needs. Also times parsing every
//! lifecycle file, for comparison. Run with
//! `cargo run --release -p antoan-kb --example kb_load`.

use std::time::{Duration, Instant};

use antoan_model::{HostInfo, OsFamily, OsInfo};

fn mean(runs: u32, f: impl Fn()) -> Duration {
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed() / runs
}

fn main() {
    const RUNS: u32 = 50;
    let host = HostInfo {
        hostname: "bench".into(),
        os: OsInfo {
            family: OsFamily::Linux,
            id: "debian".into(),
            version: "12".into(),
            codename: "bookworm".into(),
            ..OsInfo::default()
        },
        source: "live".into(),
        ..HostInfo::default()
    };
    let today = time::macros::date!(2026 - 11 - 24);
    let audit_path = || {
        let kb = antoan_kb::Knowledge::embedded().expect("embedded knowledge loads");
        let _ = antoan_kb::os_eol(&host, &kb.lifecycle, today);
    };

    let first = Instant::now();
    audit_path();
    let first = first.elapsed();
    let load = mean(RUNS, || {
        let _ = antoan_kb::Knowledge::embedded();
    });
    let audit = mean(RUNS, audit_path);
    let all = mean(RUNS, || {
        let kb = antoan_kb::Knowledge::embedded().expect("embedded knowledge loads");
        kb.lifecycle
            .parse_all()
            .expect("every lifecycle file parses");
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("first load + OS verdict:          {:.2} ms", ms(first));
    println!(
        "Knowledge::embedded():            {:.2} ms (mean of {RUNS})",
        ms(load)
    );
    println!(
        "embedded() + os_eol (debian):     {:.2} ms (mean of {RUNS})",
        ms(audit)
    );
    println!(
        "embedded() + parse every product: {:.2} ms (mean of {RUNS})",
        ms(all)
    );
}
