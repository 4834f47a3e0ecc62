//! Runs antoan's password engine on a hash file and a word list, the way
//! `bench/passwords-*.sh` compare it with hashcat and John the Ripper (the
//! CLI `antoan passwords` will replace this). Prints counts and rates only,
//! never a password or a hash.
//!
//! usage: passwords_bench HASHFILE WORDLIST [--threads N] [--kernel NAME] [--budget SECS] [--rules]
//!   --rules: use the built-in lists and rules instead of WORDLIST (pass `-`)
use std::time::{Duration, Instant};

use antoan_passwords::candidates::{CandidateSource, Generator, RuleConfig, WordlistFile};
use antoan_passwords::engine::{audit, AuditOptions, Verdict};
use antoan_passwords::md4::Kernel;
use antoan_passwords::parse::parse_path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: passwords_bench HASHFILE WORDLIST [--threads N] [--kernel scalar|sse2|avx2|avx512] [--budget SECS] [--rules]");
        std::process::exit(2);
    }
    let mut opts = AuditOptions::default();
    let mut rules = false;
    let mut preload = false;
    let mut i = 3;
    while i < args.len() {
        match args[i].as_str() {
            "--threads" => {
                opts.threads = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(0);
                i += 1;
            }
            "--kernel" => {
                let want = args.get(i + 1).cloned().unwrap_or_default();
                opts.kernel = Kernel::available().into_iter().find(|k| k.name() == want);
                if opts.kernel.is_none() {
                    eprintln!("kernel {want} is not available on this CPU");
                    std::process::exit(2);
                }
                i += 1;
            }
            "--budget" => {
                opts.budget = args
                    .get(i + 1)
                    .and_then(|s| s.parse::<f64>().ok())
                    .map(Duration::from_secs_f64);
                i += 1;
            }
            "--rules" => rules = true,
            "--preload" => preload = true,
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let parsed = match parse_path(std::path::Path::new(&args[1])) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for e in &parsed.errors {
        eprintln!("warning: {e}");
    }
    let wordlist = args[2].clone();
    if preload {
        engine_only(
            &parsed.accounts,
            &wordlist,
            opts.kernel.unwrap_or_else(Kernel::detect),
        );
        return;
    }
    let names: Vec<String> = parsed.accounts.iter().map(|a| a.name.clone()).collect();
    let make = move || -> Box<dyn CandidateSource> {
        if rules {
            Box::new(Generator::new(RuleConfig {
                account_names: names.clone(),
                ..RuleConfig::default()
            }))
        } else {
            match std::fs::File::open(&wordlist) {
                Ok(f) => Box::new(WordlistFile::new(wordlist.clone(), f, None)),
                Err(e) => {
                    eprintln!("cannot open {wordlist}: {e}");
                    std::process::exit(2);
                }
            }
        }
    };
    let t = Instant::now();
    let out = audit(&parsed.accounts, &make, &opts, &mut |_| {});
    let wall = t.elapsed().as_secs_f64();
    let weak = out
        .accounts
        .iter()
        .filter(|a| matches!(a.verdict, Verdict::Weak { .. } | Verdict::Empty))
        .count();
    for (name, cov) in [("fast", &out.fast), ("salted", &out.salted)] {
        if cov.ran {
            println!(
                "antoan phase={name} format={} accounts={} kernel={} candidates={} seconds={:.3} rate={:.0} complete={}",
                parsed.format.as_str(),
                parsed.accounts.len(),
                out.kernel,
                cov.candidates_done,
                cov.elapsed.as_secs_f64(),
                cov.rate(),
                cov.complete
            );
        }
    }
    println!("antoan found={weak} wall_seconds={wall:.3}");
}

/// The NT engine alone on one core: the word list is read and split into
/// chunks first, then only hashing and matching are timed.
fn engine_only(accounts: &[antoan_passwords::Account], wordlist: &str, kernel: Kernel) {
    use antoan_passwords::candidates::Chunk;
    use antoan_passwords::nt::{NtWorker, Targets};
    let targets = Targets::new(
        accounts
            .iter()
            .enumerate()
            .filter_map(|(i, a)| match &a.hash {
                antoan_passwords::HashKind::Windows { nt: Some(h), .. } => Some((*h, i as u32)),
                _ => None,
            }),
    );
    let f = match std::fs::File::open(wordlist) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open {wordlist}: {e}");
            std::process::exit(2);
        }
    };
    let mut src = WordlistFile::new(wordlist.to_string(), f, None);
    let mut chunks = Vec::new();
    loop {
        let mut c = Chunk::new();
        if src.fill(&mut c, 1 << 15) == 0 {
            break;
        }
        chunks.push(c);
    }
    let n: usize = chunks.iter().map(|c| c.len()).sum();
    let mut w = NtWorker::new(kernel);
    let mut hits = Vec::new();
    let t = Instant::now();
    for c in &chunks {
        w.run(c, 0..c.len(), &targets, &mut hits);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "antoan engine-only kernel={} candidates={n} seconds={s:.3} rate={:.0} found={}",
        kernel.name(),
        n as f64 / s,
        hits.len()
    );
}
