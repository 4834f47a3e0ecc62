//! Runs one loopback HTTP Basic login server (recorder-like, 127.0.0.2) until
//! stdin closes, for the credential benchmark (bench/scan-credentials.sh):
//! `cargo run -p antoan-probe --example auth_bench -- PASSWORD`. Prints
//! `basic ADDRESS`, then `ready`; each line read on stdin prints
//! `attempts N` (login attempts received so far).

use std::io::{BufRead, Write};

use antoan_probe::authbench::{AuthKind, AuthServer};

fn main() {
    let pass = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench-secret".into());
    let s = AuthServer::start("127.0.0.2", 0, AuthKind::Basic, &[("admin", pass.as_str())]);
    println!("basic {}", s.addr);
    println!("ready");
    let _ = std::io::stdout().flush();
    // Each line on stdin asks for the attempt count so far.
    for _ in std::io::stdin().lock().lines() {
        println!("attempts {}", s.total_attempts());
        let _ = std::io::stdout().flush();
    }
    println!("attempts {}", s.total_attempts());
}
