//! `antoan kb import` / `antoan kb status` end to end.

use std::path::PathBuf;
use std::process::Command;

fn antoan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_antoan"))
}

fn fixtures() -> Vec<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../antoan-vuln/tests/fixtures/distro");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn import_then_status_then_refused_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("sub/vuln.sqlite");
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "import",
            "--now",
            "2026-11-24",
            "--store",
        ])
        .arg(&store)
        .args(fixtures())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("(generation 1): 8 new or updated, 0 unchanged, 1 withdrawn"),
        "{stdout}"
    );

    // Status in Vietnamese, fresh data: no warning.
    let out = antoan()
        .args([
            "--lang",
            "vi",
            "kb",
            "status",
            "--now",
            "2026-11-30",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("Tri thức nhúng sẵn:"), "{stdout}");
    assert!(
        stdout.contains("phiên bản 1, nạp ngày 2026-11-24 (6 ngày tuổi), 8 bản ghi"),
        "{stdout}"
    );
    assert!(stdout.contains("  Debian:12: 8 mục"), "{stdout}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Old data: a warning naming the age.
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "status",
            "--now",
            "2027-03-01",
            "--max-age-days",
            "60",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is 97 days old (more than 60 days)"),
        "{stderr}"
    );

    // A truncated file is refused (exit 2, file and line named), the store is untouched.
    let before = std::fs::read(&store).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[{\"id\": \"DSA-1-1\",\n\"affected\": [").unwrap();
    let out = antoan()
        .args(["--lang", "en", "kb", "import", "--store"])
        .arg(&store)
        .arg(fixtures()[0].clone())
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2: EOF while parsing", bad.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

#[test]
fn status_without_a_store_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = antoan()
        .args([
            "--lang",
            "en",
            "kb",
            "status",
            "--now",
            "2026-11-30",
            "--store",
        ])
        .arg(dir.path().join("none.sqlite"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(": none (nothing imported"));
}
