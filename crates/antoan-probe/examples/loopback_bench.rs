//! Runs the loopback test bench until killed, for benchmarks and manual
//! checks: `cargo run -p antoan-probe --example loopback_bench [--standard-ports]`.
//! Prints one line `name address` per listener, then `ready`.

use antoan_probe::testbench::Bench;

fn main() {
    let standard = std::env::args().any(|a| a == "--standard-ports");
    let b = Bench::start_with(standard);
    for (name, a) in [
        ("recorder", b.recorder),
        ("web", b.web),
        ("redirect", b.redirect),
        ("redirect_name", b.redirect_name),
        ("ftp", b.ftp),
        ("telnet", b.telnet),
        ("ssh", b.ssh),
        ("rtsp", b.rtsp),
        ("mysql", b.mysql),
        ("tls", b.tls),
        ("tarpit_silent", b.tarpit_silent),
        ("tarpit_no_accept", b.tarpit_no_accept),
        ("unnamed", b.unnamed),
    ] {
        println!("{name} {a}");
    }
    println!("ports {}", b.ports_arg());
    println!("ready");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
