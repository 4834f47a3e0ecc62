//! KEV: catalogue parsing (JSON and CSV) and flagging of matched findings.

use std::path::PathBuf;

use antoan_model::{HostInfo, Inventory, OsInfo, Package, PackageManager, Severity};
use antoan_vuln::{audit, import, kev, ImportFile, Store, VulnErrorKind};

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

#[test]
fn json_and_csv_give_the_same_entries() {
    let j = std::fs::read(dir("kev").join("kev.json")).unwrap();
    let c = std::fs::read(dir("kev").join("kev.csv")).unwrap();
    assert!(kev::looks_like_kev(&j) && kev::looks_like_kev(&c));
    let a = kev::parse(&j, "kev.json").unwrap();
    let b = kev::parse(&c, "kev.csv").unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a, b);
    assert_eq!(a[1].cve, "CVE-2021-44228");
    assert_eq!(a[1].ransomware, "Known");
    assert_eq!(a[0].date_added, "2023-11-21");
}

#[test]
fn bad_catalogues_name_file_and_line() {
    let e = kev::parse(
        b"cveID,dateAdded\nCVE-2023-4911,2023-11-21\nnot-a-cve,2024-01-01\n",
        "k.csv",
    )
    .unwrap_err();
    assert_eq!((e.kind, e.line), (VulnErrorKind::Invalid, Some(3)));
    assert!(e.message.contains("not a CVE id"), "{e}");
    let e = kev::parse(b"cveID,notes\nCVE-2023-4911,\"open\n", "k.csv").unwrap_err();
    assert_eq!((e.kind, e.line), (VulnErrorKind::Syntax, Some(2)));
    let e = kev::parse(
        b"{\"catalogVersion\": \"1\", \"vulnerabilities\": 3}",
        "k.json",
    )
    .unwrap_err();
    assert_eq!(e.kind, VulnErrorKind::Syntax);
    let deep = format!(
        "{{\"catalogVersion\":\"1\",\"x\":{}{}}}",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    assert!(kev::parse(deep.as_bytes(), "k.json")
        .unwrap_err()
        .message
        .contains("nesting"));
    let e = kev::parse(b"cveID,x\n\xff\n", "k.csv").unwrap_err();
    assert_eq!(e.line, Some(2));
}

#[test]
fn known_exploited_raises_to_critical() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("vuln.sqlite");
    let mut files: Vec<ImportFile> = std::fs::read_dir(dir("distro"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| ImportFile::read(&p).unwrap())
        .collect();
    files.sort_by(|a, b| a.origin.cmp(&b.origin));
    import(&store, &files, "2026-11-24").unwrap();
    let host = HostInfo {
        hostname: "h".into(),
        os: OsInfo {
            id: "debian".into(),
            version: "12".into(),
            ..OsInfo::default()
        },
        source: "live".into(),
        ..HostInfo::default()
    };
    let mut inv = Inventory::default();
    for (n, v, s) in [
        ("libc6", "2.36-9+deb12u1", "glibc"),
        ("libssl3", "3.0.11-1~deb12u1", "openssl"),
    ] {
        inv.packages.push(Package {
            name: n.into(),
            version: v.into(),
            arch: "amd64".into(),
            source_name: s.into(),
            source_version: v.into(),
            manager: PackageManager::Dpkg,
            vendor: String::new(),
        });
    }
    let (before, _) = audit(&store, &host, &inv).unwrap().unwrap();
    assert_eq!(before[0].severity, Severity::High);

    // Import the catalogue (CSV here): glibc's CVE-2023-4911 is in it.
    import(
        &store,
        &[ImportFile::read(&dir("kev").join("kev.csv")).unwrap()],
        "2026-11-25",
    )
    .unwrap();
    assert_eq!(
        Store::open(&store).unwrap().unwrap().status().unwrap().kev,
        2
    );
    let (after, check) = audit(&store, &host, &inv).unwrap().unwrap();
    let glibc = after
        .iter()
        .find(|f| f.subject.starts_with("glibc"))
        .unwrap();
    assert_eq!(glibc.severity, Severity::Critical);
    assert_eq!(glibc.attributes["known_exploited"], "CVE-2023-4911");
    assert_eq!(glibc.attributes["kev_date_added"], "2023-11-21");
    assert!(glibc.title.en.ends_with("— known exploited"));
    assert!(glibc.title.vi.ends_with("— đang bị khai thác thực tế"));
    assert!(glibc
        .evidence
        .iter()
        .any(|e| e.source == "CISA KEV"
            && e.observed.starts_with("CVE-2023-4911 (GNU GNU C Library")));
    assert_eq!(check.severity, Severity::Critical);
    // openssl's CVEs are not in the catalogue: unchanged.
    let ssl = after
        .iter()
        .find(|f| f.subject.starts_with("openssl"))
        .unwrap();
    assert_eq!(ssl.severity, Severity::Medium);
    assert!(!ssl.attributes.contains_key("known_exploited"));

    // A newer catalogue replaces the old one entirely.
    let only_log4j = std::fs::read_to_string(dir("kev").join("kev.json"))
        .unwrap()
        .replace("CVE-2023-4911", "CVE-2023-99999");
    import(
        &store,
        &[ImportFile {
            origin: "kev2.json".into(),
            bytes: only_log4j.into_bytes(),
        }],
        "2026-11-26",
    )
    .unwrap();
    let (again, _) = audit(&store, &host, &inv).unwrap().unwrap();
    assert_eq!(
        again
            .iter()
            .find(|f| f.subject.starts_with("glibc"))
            .unwrap()
            .severity,
        Severity::High
    );
}
