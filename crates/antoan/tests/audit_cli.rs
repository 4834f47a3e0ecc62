//! End-to-end tests of `antoan audit`: the real binary on fixture roots.
//!
//! Golden files (insta snapshots under tests/snapshots) pin what users see:
//! the exact findings of each fixture host, and the terminal and HTML output.
//! A change of output is a reviewed snapshot diff.

use std::process::{Command, Output};

use antoan_testkit::Fixture;
use serde_json::Value;

const NOW: &str = "2026-11-24";
/// Stands for the fixture root in snapshots. Fixture roots are temp dirs
/// named `antoan-root-XXXXXX` (18 characters); the placeholder has the same width
/// so wrapped terminal lines stay the same.
const ROOT_MARK: &str = "<fixture-root-dir>";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_antoan"));
    c.env_remove("LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("ANTOAN_LANG");
    c.env("NO_COLOR", "1");
    // Golden outputs must not depend on a vulnerability store this machine may have.
    c.env("ANTOAN_VULN_STORE", "/nonexistent/antoan-tests/vuln.sqlite");
    c
}

/// Runs `antoan audit` on a fixture from the root's parent folder with a
/// relative `--root`, so the path printed has a fixed width.
fn audit(f: &Fixture, args: &[&str]) -> Output {
    let root = f.root();
    let parent = root.parent().expect("fixture root has a parent");
    let name = root.file_name().expect("fixture root has a name").to_str().expect("utf-8 name");
    assert_eq!(name.len(), ROOT_MARK.len(), "fixture root name '{name}' has an unexpected width");
    bin()
        .current_dir(parent)
        .args(["audit", "--root", name, "--now", NOW])
        .args(args)
        .output()
        .expect("run antoan")
}

fn stdout(o: &Output, f: &Fixture) -> String {
    let name = f.root().file_name().unwrap().to_str().unwrap();
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8").replace(name, ROOT_MARK)
}

fn no_panic(o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "antoan panicked:\n{err}");
    assert_ne!(o.status.code(), Some(101), "antoan panicked:\n{err}");
}

fn json_report(f: &Fixture) -> (Value, i32) {
    let o = audit(f, &["--format", "json"]);
    no_panic(&o);
    let code = o.status.code().expect("exit code");
    assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_str(&stdout(&o, f)).expect("valid JSON");
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("report does not match schema/report.schema.json:\n{}", errors.join("\n"));
    }
    (v, code)
}

/// One line per finding: what a reviewer needs to see that the verdicts are right.
fn findings_digest(v: &Value) -> String {
    let mut out = String::new();
    let s = &v["summary"];
    out.push_str(&format!(
        "score {} | checks {} run, {} passed, {} failed, {} not assessed, {} not applicable\n",
        v["score"]["value"], s["checks_run"], s["passed"], s["failed"], s["not_assessed"], s["not_applicable"]
    ));
    for f in v["findings"].as_array().expect("findings array") {
        out.push_str(&format!(
            "{:<8} {:<12} {:<15} {:<14} {}\n",
            f["severity"].as_str().unwrap(),
            f["status"].as_str().unwrap(),
            f["kind"].as_str().unwrap(),
            f["check"].as_str().unwrap(),
            f["subject"].as_str().unwrap(),
        ));
    }
    out
}

fn fixtures() -> Vec<(&'static str, Fixture)> {
    vec![
        ("debian_12_clean", antoan_testkit::debian_12_clean()),
        ("debian_10_misconfigured", antoan_testkit::debian_10_misconfigured()),
        ("ubuntu_24_04_clean", antoan_testkit::ubuntu_24_04_clean()),
        ("ubuntu_18_04_misconfigured", antoan_testkit::ubuntu_18_04_misconfigured()),
        ("rocky_9_clean", antoan_testkit::rocky_9_clean()),
        ("centos_7_misconfigured", antoan_testkit::centos_7_misconfigured()),
    ]
}

#[test]
fn fixture_hosts_yield_exactly_the_expected_findings() {
    for (name, f) in fixtures() {
        let (v, code) = json_report(&f);
        let digest = findings_digest(&v);
        insta::assert_snapshot!(format!("findings_{name}"), digest);
        let expected_code = if name.ends_with("_clean") { 0 } else { 1 };
        assert_eq!(code, expected_code, "{name}: exit code with --fail-on high");
    }
}

#[test]
fn every_finding_is_complete_and_maps_to_the_catalog() {
    let catalog = antoan_kb::Knowledge::embedded().expect("embedded knowledge").controls.ids();
    for (name, f) in fixtures() {
        let (v, _) = json_report(&f);
        for finding in v["findings"].as_array().unwrap() {
            let id = finding["check"].as_str().unwrap();
            for lang in ["vi", "en"] {
                assert!(!finding["title"][lang].as_str().unwrap().is_empty(), "{name} {id}: title.{lang}");
                assert!(!finding["remediation"][lang].as_str().unwrap().is_empty(), "{name} {id}: remediation.{lang}");
            }
            let controls = finding["controls"].as_array().unwrap();
            assert!(!controls.is_empty(), "{name} {id}: no control");
            for c in controls {
                assert!(catalog.contains(c.as_str().unwrap()), "{name} {id}: unknown control {c}");
            }
            if finding["status"] == "open" {
                assert!(!finding["evidence"].as_array().unwrap().is_empty(), "{name} {id}: no evidence");
            }
        }
    }
}

#[test]
fn end_of_life_verdicts_carry_dates() {
    let (v, _) = json_report(&antoan_testkit::debian_10_misconfigured());
    let eol: Vec<&Value> = v["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "eol").collect();
    assert_eq!(eol.len(), 1, "one OS end-of-life finding");
    assert_eq!(eol[0]["severity"], "critical");
    assert!(eol[0]["title"]["en"].as_str().unwrap().contains("2022-09-10"), "{}", eol[0]["title"]["en"]);
    assert!(eol[0]["title"]["vi"].as_str().unwrap().contains("2022-09-10"));

    let (v, _) = json_report(&antoan_testkit::ubuntu_24_04_clean());
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["kind"] != "eol"), "24.04 is supported in 2026");
}

#[test]
fn same_input_gives_byte_identical_json() {
    let f = antoan_testkit::debian_10_misconfigured();
    let a = stdout(&audit(&f, &["--format", "json"]), &f);
    let b = stdout(&audit(&f, &["--format", "json"]), &f);
    assert_eq!(a, b);
}

#[test]
fn golden_terminal_and_html() {
    let f = antoan_testkit::debian_10_misconfigured();
    for lang in ["vi", "en"] {
        let o = audit(&f, &["--lang", lang, "--color", "never"]);
        no_panic(&o);
        insta::assert_snapshot!(format!("terminal_debian_10_misconfigured_{lang}"), stdout(&o, &f));
        let o = audit(&f, &["--lang", lang, "--format", "html"]);
        no_panic(&o);
        let html = stdout(&o, &f);
        assert!(html.starts_with("<!DOCTYPE html>"), "HTML document");
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        insta::assert_snapshot!(format!("html_debian_10_misconfigured_{lang}"), html);
    }
}

#[test]
fn colour_only_when_asked() {
    let f = antoan_testkit::debian_12_clean();
    let plain = stdout(&audit(&f, &["--color", "never"]), &f);
    assert!(!plain.contains('\u{1b}'), "no escape codes with --color never");
    let coloured = stdout(&audit(&f, &["--color", "always"]), &f);
    assert!(coloured.contains("\u{1b}["), "escape codes with --color always");
    // Auto: stdout is a pipe here, so no colour.
    let auto = stdout(&audit(&f, &[]), &f);
    assert!(!auto.contains('\u{1b}'));
}

#[test]
fn language_follows_the_environment_unless_given() {
    let f = antoan_testkit::debian_12_clean();
    let run = |env: Option<(&str, &str)>, args: &[&str]| {
        let root = f.root();
        let mut c = bin();
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let o = c.args(["audit", "--now", NOW, "--root"]).arg(root).args(args).output().unwrap();
        String::from_utf8(o.stdout).unwrap()
    };
    assert!(run(Some(("LANG", "en_US.UTF-8")), &[]).contains("FINDINGS") || run(Some(("LANG", "en_US.UTF-8")), &[]).contains("Security score"));
    assert!(run(Some(("LANG", "vi_VN.UTF-8")), &[]).contains("Điểm an toàn"));
    assert!(run(None, &[]).contains("Điểm an toàn"), "Vietnamese by default");
    assert!(run(Some(("LANG", "vi_VN.UTF-8")), &["--lang", "en"]).contains("Security score"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let f = antoan_testkit::debian_12_clean();
    // The clean Debian 12 host still has its medium end-of-life finding (LTS only since 2026-07-11).
    assert_eq!(audit(&f, &["--format", "json", "--fail-on", "high"]).status.code(), Some(0));
    assert_eq!(audit(&f, &["--format", "json", "--fail-on", "medium"]).status.code(), Some(1));
    let bad = audit(&f, &["--fail-on", "severe"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn output_file_is_written_whole() {
    let f = antoan_testkit::debian_12_clean();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = bin()
        .args(["audit", "--now", NOW, "--format", "json", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    no_panic(&o);
    assert!(o.stdout.is_empty(), "nothing on stdout with --output");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["schema_version"], "1.0");
    // Only the report is left in the folder: no temporary file behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let missing = dir.path().join("no/such/dir/report.json");
    let o = bin().args(["audit", "--root"]).arg(f.root()).arg("-o").arg(&missing).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir"));
    assert!(!missing.exists());
}

#[test]
fn bad_root_is_a_usage_error() {
    let o = bin().args(["audit", "--lang", "en", "--root", "/nonexistent/antoan-root"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/nonexistent/antoan-root") && err.contains("does not exist"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let o = bin().args(["audit", "--lang", "vi", "--root"]).arg(empty.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("không nhận ra hệ điều hành"));
}

#[test]
fn malformed_policy_is_rejected_with_file_and_line() {
    let f = antoan_testkit::debian_12_clean();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("bad.toml");
    std::fs::write(
        &policy,
        "[policy]\nid = \"local\"\nname = { vi = \"Cục bộ\", en = \"Local\" }\nversion = \"1\"\nos_family = \"linux\"\n\n\
         [[check]]\nid = \"LOCAL-001\"\ncategory = \"ssh\"\nkind = \"config\"\nseverity = \"terrible\"\n",
    )
    .unwrap();
    let o = bin()
        .args(["audit", "--lang", "en", "--root"])
        .arg(f.root())
        .arg("--policy")
        .arg(&policy)
        .output()
        .unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:11:"), "names file and line: {err}");

    std::fs::write(&policy, b"\xff\xfe[policy]\n").unwrap();
    let o = bin().args(["audit", "--lang", "en", "--root"]).arg(f.root()).arg("--policy").arg(&policy).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not UTF-8"));
}

#[test]
fn a_user_policy_adds_checks() {
    let f = antoan_testkit::debian_12_clean();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("local.toml");
    std::fs::write(
        &policy,
        r#"[policy]
id = "local"
name = { vi = "Chính sách của đơn vị", en = "Unit policy" }
version = "1"
os_family = "linux"

[[check]]
id = "LOCAL-001"
category = "services"
kind = "config"
severity = "high"
controls = ["T2.2"]
title = { vi = "Máy chủ có cài OpenSSH", en = "OpenSSH server is installed" }
remediation = { vi = "Gỡ openssh-server nếu không cần.", en = "Remove openssh-server if not needed." }
fail_when = { package = { installed = "openssh-server" } }
"#,
    )
    .unwrap();
    let o = bin()
        .args(["audit", "--format", "json", "--now", NOW, "--no-baseline", "--root"])
        .arg(f.root())
        .arg("--policy")
        .arg(&policy)
        .output()
        .unwrap();
    no_panic(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&o.stderr));
    });
    let checks: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["check"].as_str().unwrap()).collect();
    assert!(checks.contains(&"LOCAL-001"), "{checks:?}");
    assert!(checks.iter().all(|c| !c.starts_with("LNX-")), "--no-baseline: {checks:?}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn hostile_roots_give_notes_not_panics() {
    let cases: Vec<(&str, Fixture, &str)> = vec![
        ("truncated dpkg status", Fixture::hostile_truncated_dpkg(), "packages.dpkg"),
        ("binary passwd", Fixture::hostile_binary_passwd(), "accounts"),
        ("symlink loop", Fixture::hostile_symlink_loop(), ""),
        ("sshd Include loop", Fixture::hostile_sshd_include_loop(), "sshd"),
    ];
    for (what, f, collector) in cases {
        let (v, _) = json_report(&f);
        if collector.is_empty() {
            continue;
        }
        let note = v["inventory"]["collection"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["collector"] == collector)
            .unwrap_or_else(|| panic!("{what}: no note of {collector}"));
        // A partly readable source is `ok` with a reason (what was dropped); an unreadable one is `error`.
        assert!(note["reason"].as_str().is_some_and(|r| r.contains("/etc") || r.contains("/var")), "{what}: reason names the file: {note}");
    }
}

#[test]
fn live_audit_of_this_machine_validates() {
    let o = bin().args(["audit", "--format", "json"]).output().unwrap();
    no_panic(&o);
    let code = o.status.code().unwrap();
    if code == 2 {
        let err = String::from_utf8_lossy(&o.stderr);
        // A build container without os-release is a legitimate usage error, not a failure.
        assert!(err.contains("os-release"), "{err}");
        return;
    }
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("live report does not validate:\n{}", errors.join("\n"));
    }
    assert_eq!(v["host"]["source"], "live");
    assert!(!v["findings"].as_array().unwrap().is_empty() || v["summary"]["checks_run"].as_u64().unwrap() > 50);
}


// ---------------------------------------------------------------- Windows

fn windows_fixture(machine: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../antoan-wincollect/tests/fixtures").join(machine)
}

fn run_json(args: &[&std::ffi::OsStr]) -> Value {
    let o = bin().args(["audit", "--format", "json", "--now", NOW]).args(args).output().unwrap();
    no_panic(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    if let Err(errors) = antoan_report::schema::validate_json(&v) {
        panic!("Windows report does not validate:\n{}", errors.join("\n"));
    }
    v
}

fn open_eol(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "eol" && f["status"] == "open")
        .map(|f| (f["check"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn windows_volume_and_export_folder_give_the_same_findings() {
    // A mounted Windows volume: hives under Windows/System32/config.
    let vol = tempfile::tempdir().unwrap();
    let config = vol.path().join("Windows/System32/config");
    std::fs::create_dir_all(&config).unwrap();
    for hive in ["SOFTWARE", "SYSTEM", "SAM"] {
        std::fs::copy(windows_fixture("win7-office2010").join("hive").join(hive), config.join(hive)).unwrap();
    }
    // Task files live beside config, in Windows/System32/Tasks.
    copy_tree(&windows_fixture("win7-office2010").join("hive/Tasks"), &vol.path().join("Windows/System32/Tasks"));
    let from_volume = run_json(&["--root".as_ref(), vol.path().as_os_str()]);
    let export = windows_fixture("win7-office2010").join("reg");
    let from_export = run_json(&["--windows-export".as_ref(), export.as_os_str()]);

    assert_eq!(from_volume["host"]["os"]["family"], "windows");
    let eol = open_eol(&from_volume);
    for check in ["eol.os", "eol.office"] {
        assert!(
            eol.iter().any(|(c, s)| c == check && s == "critical"),
            "Windows 7 + Office 2010 must give a critical {check}: {eol:?}"
        );
    }
    let key = |v: &Value| -> Vec<(String, String, String)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (f["check"].as_str().unwrap().into(), f["subject"].as_str().unwrap().into(), f["severity"].as_str().unwrap().into())
            })
            .collect()
    };
    assert_eq!(key(&from_volume), key(&from_export), "hives and .reg exports give the same findings");
    // No Linux check ran on a Windows host.
    assert!(from_volume["checks"].as_array().unwrap().iter().all(|c| !c["check"].as_str().unwrap().starts_with("LNX-")));
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A dirty hive (sequence numbers differ) whose transaction log is damaged:
/// the audit still runs on what the hive holds, and the report says, in a
/// collection note with status error, that recent changes may be missing.
#[test]
fn dirty_hive_without_usable_logs_is_a_collection_note_in_the_report() {
    let vol = tempfile::tempdir().unwrap();
    let config = vol.path().join("Windows/System32/config");
    std::fs::create_dir_all(&config).unwrap();
    for hive in ["SYSTEM", "SAM"] {
        std::fs::copy(windows_fixture("win10-office2016").join("hive").join(hive), config.join(hive)).unwrap();
    }
    let mut sw = std::fs::read(windows_fixture("win10-office2016").join("hive/SOFTWARE")).unwrap();
    let seq = u32::from_le_bytes(sw[4..8].try_into().unwrap());
    sw[4..8].copy_from_slice(&(seq + 1).to_le_bytes());
    let sum = match sw[..508].chunks_exact(4).fold(0u32, |a, c| a ^ u32::from_le_bytes(c.try_into().unwrap())) {
        0 => 1,
        u32::MAX => u32::MAX - 1,
        x => x,
    };
    sw[508..512].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(config.join("SOFTWARE"), &sw).unwrap();
    std::fs::write(config.join("SOFTWARE.LOG1"), b"not a log").unwrap();
    let v = run_json(&["--root".as_ref(), vol.path().as_os_str()]);
    let notes = v["inventory"]["collection"].as_array().unwrap();
    let dirty = notes
        .iter()
        .find(|n| n["collector"] == "registry:HKLM\\SOFTWARE.warning")
        .unwrap_or_else(|| panic!("no dirty-hive note: {notes:?}"));
    assert_eq!(dirty["status"], "error");
    assert!(dirty["reason"].as_str().unwrap().contains("transaction logs not applied"), "{dirty}");
    // The hive's contents are still used.
    assert_eq!(v["host"]["os"]["build"], "19045.5737");
}

#[test]
fn missing_windows_export_is_a_usage_error() {
    let o = bin().args(["audit", "--lang", "en", "--windows-export", "/nonexistent/export"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/export"));
}
