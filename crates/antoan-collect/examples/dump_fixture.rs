//! Prints the host facts and inventory collected from a testkit fixture, to
//! see what check authors get: `cargo run -p antoan-collect --example
//! dump_fixture -- debian_10_misconfigured`.
use antoan_collect::{collect_linux, Source};
use antoan_model::CollectRequest;
use antoan_testkit as tk;

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "debian_12_clean".into());
    let f = match name.as_str() {
        "debian_12_clean" => tk::debian_12_clean(),
        "debian_10_misconfigured" => tk::debian_10_misconfigured(),
        "ubuntu_24_04_clean" => tk::ubuntu_24_04_clean(),
        "ubuntu_18_04_misconfigured" => tk::ubuntu_18_04_misconfigured(),
        "rocky_9_clean" => tk::rocky_9_clean(),
        "centos_7_misconfigured" => tk::centos_7_misconfigured(),
        other => {
            eprintln!("unknown fixture {other}");
            std::process::exit(2);
        }
    };
    match collect_linux(
        &Source::Root(f.root().to_path_buf()),
        &CollectRequest::default(),
    ) {
        Ok(r) => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
