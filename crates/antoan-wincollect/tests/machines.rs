//! The five fixture machines (tests/fixtures, built by make.sh): each is
//! read from real hive files (written by hivex) and from `.reg` exports
//! (re-encoded here as UTF-16LE with BOM, like `reg export`), both must give
//! the same inventory and findings, and those are pinned by golden files.

use std::path::{Path, PathBuf};

use antoan_check::{evaluate_with, EvalOptions, Policy};
use antoan_model::{CheckResult, Finding, HostInfo, Inventory, Severity};
use serde::Serialize;

const MACHINES: [&str; 5] = ["win7-office2010", "win10-office2016", "win11-m365", "server2012r2-dc", "server2022-member"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The .reg sources re-encoded as `reg export` writes them (UTF-16LE, BOM).
fn utf16_export(machine: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(fixtures().join(machine).join("reg")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &dir.path().join(p.file_name().unwrap()));
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let out = if p.extension().is_some_and(|x| x == "reg") {
            let text = String::from_utf8(bytes).unwrap();
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            b
        } else {
            bytes
        };
        std::fs::write(dir.path().join(p.file_name().unwrap()), out).unwrap();
    }
    dir
}

/// Task files are copied as they are (already UTF-16LE, like Windows writes them).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[derive(Serialize)]
struct Golden {
    host: HostInfo,
    inventory: Inventory,
    findings: Vec<Finding>,
    checks: Vec<CheckResult>,
}

fn audit(dir: &Path, machine: &str) -> Golden {
    let src = antoan_wincollect::open_export_dir(dir).unwrap();
    let policy = Policy::windows_baseline();
    let (mut host, mut inv) = antoan_wincollect::collect(&src, &policy.request());
    host.source = machine.to_string();
    for n in &mut inv.collection {
        if n.reason.starts_with("read from ") {
            n.reason = "read".into();
        }
        n.reason = n.reason.replace(&dir.display().to_string(), "<export>");
    }
    let kb = antoan_kb::Knowledge::embedded().unwrap();
    let today = time::macros::date!(2026 - 11 - 24);
    let mut ev = evaluate_with(&host, &inv, &[policy], &EvalOptions { today: Some("2026-11-24".into()) });
    let (f, c) = antoan_kb::windows_verdicts(&host, &inv, &kb.lifecycle, &kb.patches, today);
    ev.findings.extend(f);
    ev.checks.extend(c);
    ev.findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.status.cmp(&b.status)).then(a.check.cmp(&b.check)).then(a.subject.cmp(&b.subject)));
    ev.checks.sort_by(|a, b| a.check.cmp(&b.check));
    Golden { host, inventory: inv, findings: ev.findings, checks: ev.checks }
}

fn summary(g: &Golden) -> Vec<String> {
    g.findings
        .iter()
        .map(|f| format!("{:?} {:?} {} {} | {}", f.severity, f.status, f.check, f.subject, f.title.en))
        .collect()
}

#[test]
fn hives_and_reg_exports_agree_and_match_golden_files() {
    for m in MACHINES {
        let from_hive = audit(&fixtures().join(m).join("hive"), m);
        let export = utf16_export(m);
        let from_reg = audit(export.path(), m);
        let a = serde_json::to_string_pretty(&from_hive).unwrap();
        let b = serde_json::to_string_pretty(&from_reg).unwrap();
        if a != b {
            let _ = std::fs::write(format!("/tmp/{m}-hive.json"), &a);
            let _ = std::fs::write(format!("/tmp/{m}-reg.json"), &b);
        }
        assert!(a == b, "{m}: hive and .reg export differ (see /tmp/{m}-hive.json and -reg.json)");
        insta::assert_json_snapshot!(format!("{m}-summary"), summary(&from_hive));
        insta::assert_json_snapshot!(m, from_hive);
    }
}

#[test]
fn windows7_with_office2010_has_two_critical_eol_findings_with_dates() {
    let g = audit(&fixtures().join("win7-office2010/hive"), "win7");
    let eol: Vec<&Finding> = g.findings.iter().filter(|f| f.check.starts_with("eol.") && f.severity == Severity::Critical).collect();
    let os = eol.iter().find(|f| f.check == "eol.os").expect("OS eol finding");
    assert_eq!(os.attributes["eol_date"], "2020-01-14");
    assert!(os.title.en.contains("2020-01-14"), "{}", os.title.en);
    let office = eol.iter().find(|f| f.check == "eol.office").expect("Office eol finding");
    assert_eq!(office.attributes["eol_date"], "2020-10-13");
    assert!(office.title.en.contains("Office 2010"), "{}", office.title.en);
}

#[test]
fn no_secret_reaches_the_inventory() {
    for m in MACHINES {
        let g = audit(&fixtures().join(m).join("hive"), m);
        let json = serde_json::to_string(&g).unwrap();
        assert!(!json.contains("xxxxxxxxx"), "{m}: the Winlogon DefaultPassword leaked");
    }
}
