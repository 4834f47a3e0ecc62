//! Large-hive benchmark: open + walk a SOFTWARE hive with 100k keys and
//! 2,000 Uninstall entries, and read the parts an audit needs.
//! Build the input and run it with `tests/fixtures/make_large.sh`.

mod common;

use antoan_winreg::Registry;
use std::time::Instant;

fn walk(reg: &Registry) -> (usize, usize, usize) {
    let (mut keys, mut values, mut bytes) = (0, 0, 0);
    let mut stack = vec![reg.root()];
    while let Some(k) = stack.pop() {
        keys += 1;
        bytes += k.name().len();
        for (name, v) in k.values() {
            values += 1;
            bytes += name.len() + v.as_str().map_or(0, str::len);
        }
        stack.extend(k.subkeys());
    }
    (keys, values, bytes)
}

fn audit_parts(reg: &Registry) -> usize {
    let cv = reg
        .key("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
        .expect("CurrentVersion");
    assert!(cv.value("CurrentBuild").is_some());
    let un = reg
        .key("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall")
        .expect("Uninstall");
    let mut n = 0;
    for app in un.subkeys() {
        if app.value("DisplayName").is_some() && app.value("DisplayVersion").is_some() {
            n += 1;
        }
    }
    n
}

#[test]
#[ignore = "needs the large hive: run tests/fixtures/make_large.sh"]
fn large_software_hive() {
    let Ok(dir) = std::env::var("ANTOAN_WINREG_LARGE") else {
        eprintln!("skipped: set ANTOAN_WINREG_LARGE to the directory made by make_large.sh");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let release = !cfg!(debug_assertions);

    let t = Instant::now();
    let hive = Registry::open_hive(&dir.join("SOFTWARE"))
        .expect("open")
        .with_mount_point("HKLM\\SOFTWARE");
    let open = t.elapsed();

    let t = Instant::now();
    let apps = audit_parts(&hive);
    let parts = t.elapsed();
    assert_eq!(apps, 2000);

    let t = Instant::now();
    let (keys, values, _) = walk(&hive);
    let full = t.elapsed();
    assert!(keys >= 100_000, "{keys} keys");

    let t = Instant::now();
    let v = hive.validate();
    let validate = t.elapsed();
    assert!(
        v.errors.is_empty(),
        "{:?}",
        &v.errors[..v.errors.len().min(3)]
    );

    let text = std::fs::read(dir.join("software.reg")).expect("software.reg");
    let t = Instant::now();
    let reg = Registry::parse_reg(&text, "software.reg").expect("parse .reg");
    let parse = t.elapsed();
    let t = Instant::now();
    assert_eq!(audit_parts(&reg), 2000);
    let reg_parts = t.elapsed();

    println!(
        "large hive: {keys} keys, {values} values ({} build)",
        if release { "release" } else { "debug" }
    );
    println!("  open hive (read file, base block, hbin chain): {open:?}");
    println!("  audit parts (CurrentVersion + 2,000 Uninstall entries): {parts:?}");
    println!("  full walk decoding every name and value:       {full:?}");
    println!("  validate (full walk with all checks):          {validate:?}");
    println!(
        "  open + walk:                                   {:?}",
        open + full
    );
    println!(
        "  .reg ({} MB) parse: {parse:?}; audit parts on it: {reg_parts:?}",
        text.len() >> 20
    );
    if release {
        assert!(
            (open + full).as_millis() < 1000,
            "open + walk took {:?}",
            open + full
        );
    }
}
