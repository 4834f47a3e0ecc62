//! Times `collect_linux` on the live system (or on a root given as the first
//! argument) and prints a summary. `cargo run --release -p antoan-collect
//! --example live_timing [-- ROOT] [--json]`
use std::time::Instant;

use antoan_collect::{collect_linux, Source};
use antoan_model::CollectRequest;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let source = match args.iter().find(|a| !a.starts_with("--")) {
        Some(p) => Source::Root(p.into()),
        None => Source::Live,
    };
    let req = CollectRequest::default();
    // A first run (page cache as it is), then the best of five.
    let t0 = Instant::now();
    let _ = collect_linux(&source, &req);
    let first = t0.elapsed().as_secs_f64();
    let mut best = f64::MAX;
    let mut result = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = collect_linux(&source, &req);
        best = best.min(t.elapsed().as_secs_f64());
        result = Some(r);
    }
    match result {
        Some(Ok((host, inv))) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&(host, &inv)).unwrap_or_default()
                );
            }
            eprintln!(
                "collect_linux({source:?}): first run {:.1} ms, best of 5 = {:.1} ms; {} packages, {} accounts, {} services, {} unsafe files",
                first * 1000.0,
                best * 1000.0,
                inv.packages.len(),
                inv.accounts.len(),
                inv.services.len(),
                inv.unsafe_files.world_writable.len() + inv.unsafe_files.ownerless.len() + inv.unsafe_files.world_writable_dirs.len()
            );
            for n in &inv.collection {
                eprintln!("  {:<16} {:?} {}", n.collector, n.status, n.reason);
            }
        }
        Some(Err(e)) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        None => {}
    }
}
