//! Validates policy files and prints their check count, or the first error
//! as `file:line:column: reason`.
//!
//! `cargo run -p antoan-check --example check_policy -- policies/*.toml`

fn main() {
    let mut failed = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        let p = antoan_check::Policy::linux_baseline();
        println!("{} (embedded): {} checks", p.id, p.checks().len());
    }
    for path in args {
        match std::fs::read(&path) {
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                failed = true;
            }
            Ok(bytes) => match std::str::from_utf8(&bytes) {
                Err(e) => {
                    eprintln!("{path}: not UTF-8 text (byte {})", e.valid_up_to());
                    failed = true;
                }
                Ok(text) => match antoan_check::Policy::parse(text, &path) {
                    Ok(p) => println!("{path}: {} checks", p.checks().len()),
                    Err(e) => {
                        eprintln!("{e}");
                        failed = true;
                    }
                },
            },
        }
    }
    std::process::exit(i32::from(failed));
}
