//! Debian and Ubuntu matching on hand-written records that follow real
//! advisories: backports, epochs, binary vs source names, releases, no-DSA,
//! not-affected, withdrawn. See fixtures/distro/README.md.

use std::path::{Path, PathBuf};

use antoan_model::{
    FindingKind, FindingStatus, HostInfo, Inventory, OsInfo, Package, PackageManager, Severity,
};
use antoan_version::dpkg;
use antoan_vuln::{audit, import, ImportFile};

fn fixture_files() -> Vec<ImportFile> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/distro");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v.iter().map(|p| ImportFile::read(p).unwrap()).collect()
}

fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vuln.sqlite");
    import(&path, &fixture_files(), "2026-11-24").unwrap();
    (dir, path)
}

fn host(id: &str, version: &str) -> HostInfo {
    HostInfo {
        hostname: "may-chu-1".into(),
        os: OsInfo {
            id: id.into(),
            version: version.into(),
            ..OsInfo::default()
        },
        source: "live".into(),
        ..HostInfo::default()
    }
}

/// (binary, version, source, source version)
fn inv(pkgs: &[(&str, &str, &str, &str)]) -> Inventory {
    let mut i = Inventory::default();
    for (name, version, src, srcv) in pkgs {
        i.packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            arch: "amd64".into(),
            source_name: src.to_string(),
            source_version: srcv.to_string(),
            manager: PackageManager::Dpkg,
            vendor: String::new(),
        });
    }
    i
}

fn run(path: &Path, h: &HostInfo, i: &Inventory) -> Vec<antoan_model::Finding> {
    audit(path, h, i).unwrap().unwrap().0
}

/// What a matcher comparing upstream versions only would say.
fn naive_upstream_vulnerable(installed: &str, fixed: &str) -> bool {
    let up = |v: &str| dpkg::DpkgVersion::split(v).upstream.to_string();
    dpkg::compare(&up(installed), &up(fixed)).is_lt()
}

#[test]
fn backported_fix_is_not_reported() {
    let (_d, p) = store();
    let h = host("debian", "12");
    // libssl3 and openssl built from openssl 3.0.11-1~deb12u2: Debian's backport of the fix.
    let i = inv(&[
        ("libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2"),
        ("openssl", "3.0.11-1~deb12u2", "", ""),
    ]);
    // Upstream fixed CVE-2023-5363 in 3.0.12: naive matching flags this host.
    assert!(naive_upstream_vulnerable("3.0.11-1~deb12u2", "3.0.12"));
    assert!(run(&p, &h, &i).is_empty());

    // One Debian revision older: vulnerable, and the finding says so precisely.
    let i = inv(&[("libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1")]);
    let f = run(&p, &h, &i);
    assert_eq!(f.len(), 1, "{f:#?}");
    let f = &f[0];
    assert_eq!(f.kind, FindingKind::Vulnerability);
    assert_eq!(f.status, FindingStatus::Open);
    assert_eq!(f.check, "vuln.osv");
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.subject, "openssl 3.0.11-1~deb12u1");
    assert_eq!(f.attributes["cve"], "CVE-2023-5363, CVE-2023-5678");
    assert_eq!(f.attributes["installed_version"], "3.0.11-1~deb12u1");
    assert_eq!(f.attributes["fixed_version"], "3.0.11-1~deb12u2");
    assert_eq!(f.attributes["binary_packages"], "libssl3");
    assert_eq!(f.attributes["source_date"], "2023-10-29");
    assert_eq!(f.attributes["ecosystem"], "Debian:12");
    assert!(
        f.attributes["source"].contains("DSA-5532-1.json"),
        "{}",
        f.attributes["source"]
    );
    assert_eq!(
        f.references,
        ["CVE-2023-5363", "CVE-2023-5678", "DSA-5532-1"]
    );
    assert!(f.title.vi.contains("openssl") && f.title.en.contains("openssl"));
    assert!(f.remediation.vi.contains("3.0.11-1~deb12u2"));
    assert_eq!(f.controls, ["T2.3", "M6.2"]);
    assert_eq!(
        f.evidence[0].observed,
        "openssl 3.0.11-1~deb12u1 < fixed 3.0.11-1~deb12u2 in Debian:12"
    );
    // The withdrawn record for openssl is never reported.
    assert!(!f.references.iter().any(|r| r.contains("9999")));
}

#[test]
fn revision_numbers_compare_as_numbers() {
    let (_d, p) = store();
    let h = host("debian", "12");
    let fixed = inv(&[("libc6", "2.36-9+deb12u10", "glibc", "2.36-9+deb12u10")]);
    // A string comparison would put "+deb12u10" before "+deb12u3".
    assert!("2.36-9+deb12u10" < "2.36-9+deb12u3");
    assert!(run(&p, &h, &fixed).is_empty());
    let old = inv(&[
        ("libc6", "2.36-9+deb12u1", "glibc", "2.36-9+deb12u1"),
        ("libc-bin", "2.36-9+deb12u1", "glibc", "2.36-9+deb12u1"),
    ]);
    let f = run(&p, &h, &old);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::High, "urgency high");
    assert_eq!(f[0].attributes["binary_packages"], "libc-bin, libc6");
    assert_eq!(f[0].attributes["cve"], "CVE-2023-4911");
}

#[test]
fn epochs_and_releases() {
    let (_d, p) = store();
    // bind9 9.18.19 with epoch 1: older than the fix 1:9.18.24-1.
    let i = inv(&[(
        "bind9",
        "1:9.18.19-1~deb12u1",
        "bind9",
        "1:9.18.19-1~deb12u1",
    )]);
    let f = run(&p, &host("debian", "12"), &i);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].attributes["fixed_version"], "1:9.18.24-1");
    assert_eq!(f[0].attributes["cve"], "CVE-2024-0001");
    // Without the epoch the version would look newer than a 9.16 fix: the
    // Debian 11 entry must not apply to a Debian 12 host and vice versa.
    let i11 = inv(&[("bind9", "1:9.16.48-1", "bind9", "1:9.16.48-1")]);
    assert!(run(&p, &host("debian", "11"), &i11).is_empty());
    let i11_old = inv(&[("bind9", "1:9.16.44-1", "bind9", "1:9.16.44-1")]);
    let f = run(&p, &host("debian", "11"), &i11_old);
    assert_eq!(f[0].attributes["fixed_version"], "1:9.16.48-1");
    // An epoch-1 version beats any epoch-0 one.
    let i = inv(&[("bind9", "2:1.0-1", "bind9", "2:1.0-1")]);
    assert!(run(&p, &host("debian", "12"), &i).is_empty());
}

#[test]
fn older_backport_is_still_vulnerable() {
    let (_d, p) = store();
    let i = inv(&[("foo", "2.0-1~bpo12+1", "foo", "2.0-1~bpo12+1")]);
    // Same upstream version as the fix: naive matching says fixed.
    assert!(!naive_upstream_vulnerable("2.0-1~bpo12+1", "2.0-1"));
    let f = run(&p, &host("debian", "12"), &i);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].attributes["fixed_version"], "2.0-1");
    let i = inv(&[("foo", "2.0-1+deb12u1", "foo", "2.0-1+deb12u1")]);
    assert!(run(&p, &host("debian", "12"), &i).is_empty());
}

#[test]
fn no_dsa_and_unfixed_are_info_and_not_affected_is_silent() {
    let (_d, p) = store();
    let i = inv(&[
        ("libtiff6", "4.5.0-6+deb12u1", "tiff", "4.5.0-6+deb12u1"),
        ("curl", "7.88.1-10+deb12u5", "curl", "7.88.1-10+deb12u5"),
    ]);
    let (f, check) = audit(&p, &host("debian", "12"), &i).unwrap().unwrap();
    assert_eq!(check.outcome, antoan_model::CheckOutcome::Pass);
    assert_eq!(f.len(), 1, "{f:#?}");
    let f = &f[0];
    assert_eq!(f.check, "vuln.osv-unfixed");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.kind, FindingKind::Vulnerability);
    assert_eq!(
        f.attributes["advisories"],
        "DEBIAN-CVE-2024-0002, DEBIAN-CVE-2024-0004"
    );
    assert_eq!(
        f.attributes["status_reason"],
        "no fixed version is published; no-dsa: minor issue"
    );
    assert!(f
        .evidence
        .iter()
        .any(|e| e.observed.ends_with("no fix: no-dsa: minor issue")));
    assert!(!f.attributes.contains_key("fixed_version"));
}

#[test]
fn ubuntu_lts_and_pro() {
    let (_d, p) = store();
    let h = host("ubuntu", "22.04");
    let i = inv(&[(
        "libssl3",
        "3.0.2-0ubuntu1.10",
        "openssl",
        "3.0.2-0ubuntu1.10",
    )]);
    let f = run(&p, &h, &i);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::High, "Ubuntu priority high");
    assert_eq!(f[0].attributes["ecosystem"], "Ubuntu:22.04");
    assert_eq!(f[0].attributes["cve"], "CVE-2023-5363");
    assert!(f[0].remediation.en.contains("3.0.2-0ubuntu1.12"));
    let fixed = inv(&[(
        "libssl3",
        "3.0.2-0ubuntu1.12",
        "openssl",
        "3.0.2-0ubuntu1.12",
    )]);
    assert!(run(&p, &h, &fixed).is_empty());
    // The Debian record does not leak into Ubuntu and the Pro entry needs Pro.
    let i = inv(&[(
        "libssl1.0.0",
        "1.0.2n-1ubuntu5.10",
        "openssl1.0",
        "1.0.2n-1ubuntu5.10",
    )]);
    assert!(run(&p, &host("ubuntu", "18.04"), &i).is_empty());
}

#[test]
fn no_store_or_unknown_release_is_not_an_error() {
    let (_d, p) = store();
    let i = inv(&[("libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1")]);
    let missing = p.with_file_name("none.sqlite");
    assert!(audit(&missing, &host("debian", "12"), &i)
        .unwrap()
        .is_none());
    assert!(audit(&p, &host("debian", ""), &i).unwrap().is_none());
    assert!(audit(&p, &host("windows", "10"), &i).unwrap().is_none());
}

#[test]
fn findings_are_deterministic_and_sorted() {
    let (_d, p) = store();
    let h = host("debian", "12");
    let i = inv(&[
        ("libtiff6", "4.5.0-6", "tiff", "4.5.0-6"),
        ("libssl3", "3.0.9-1", "openssl", "3.0.9-1"),
        ("libc6", "2.36-9", "glibc", "2.36-9"),
        (
            "bind9",
            "1:9.18.19-1~deb12u1",
            "bind9",
            "1:9.18.19-1~deb12u1",
        ),
    ]);
    let a = serde_json::to_string(&run(&p, &h, &i)).unwrap();
    let mut rev = i.clone();
    rev.packages.reverse();
    let b = serde_json::to_string(&run(&p, &h, &rev)).unwrap();
    assert_eq!(a, b);
    let f = run(&p, &h, &i);
    let subjects: Vec<&str> = f.iter().map(|f| f.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "bind9 1:9.18.19-1~deb12u1",
            "glibc 2.36-9",
            "openssl 3.0.9-1",
            "tiff 4.5.0-6"
        ]
    );
    let (_, check) = audit(&p, &h, &i).unwrap().unwrap();
    assert_eq!(check.outcome, antoan_model::CheckOutcome::Fail);
    assert_eq!(check.severity, Severity::High);
    // Ids are stable and distinct per check and subject.
    let mut ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), f.len());
}
