//! NVD CVE API 2.0: real records (tests/fixtures/nvd, see its README)
//! imported into the store and matched against Windows hosts; bad input
//! refused with the store left byte-identical.

use std::path::{Path, PathBuf};

use antoan_model::windows::{WindowsInventory, WindowsProgram, WindowsRole};
use antoan_model::{Finding, FindingKind, HostInfo, Inventory, OsFamily, OsInfo, Severity};
use antoan_vuln::nvd::PatchLevel;
use antoan_vuln::{audit_windows, import, ImportFile, Store, VulnErrorKind};

fn fixture(name: &str) -> ImportFile {
    ImportFile::read(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/nvd")
            .join(name),
    )
    .unwrap()
}

fn fixtures() -> Vec<ImportFile> {
    [
        "CVE-2017-0144.json",
        "CVE-2023-38831.json",
        "CVE-2022-29072.json",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect()
}

fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    let r = import(&p, &fixtures(), "2026-11-20").unwrap();
    assert_eq!(r.written, 3);
    assert_eq!(r.files.iter().map(|f| f.1).sum::<usize>(), 3);
    (dir, p)
}

fn program(name: &str, version: &str, publisher: &str) -> WindowsProgram {
    WindowsProgram {
        name: name.into(),
        version: version.into(),
        publisher: publisher.into(),
        scope: "machine".into(),
        key: name.into(),
        install_date: String::new(),
    }
}

fn host(
    product: &str,
    server: bool,
    build: u32,
    ubr: u32,
    programs: Vec<WindowsProgram>,
) -> (HostInfo, Inventory) {
    let host = HostInfo {
        hostname: "pc-01".into(),
        os: OsInfo {
            family: OsFamily::Windows,
            name: product.into(),
            ..OsInfo::default()
        },
        source: "test".into(),
        ..HostInfo::default()
    };
    let win = WindowsInventory {
        product_name: product.into(),
        installation_type: if server { "Server" } else { "Client" }.into(),
        build,
        ubr: Some(ubr),
        architecture: "x64".into(),
        role: if server {
            WindowsRole::MemberServer
        } else {
            WindowsRole::Workstation
        },
        programs,
        ..WindowsInventory::default()
    };
    let inv = Inventory {
        windows: Some(win),
        ..Inventory::default()
    };
    (host, inv)
}

fn find<'a>(f: &'a [Finding], check: &str, subject_has: &str) -> Option<&'a Finding> {
    f.iter()
        .find(|x| x.check == check && x.subject.contains(subject_has))
}

fn old_apps() -> Vec<WindowsProgram> {
    vec![
        program("7-Zip 21.07 (x64)", "21.07", "Igor Pavlov"),
        program("WinRAR 6.22 (64-bit)", "6.22.0", "win.rar GmbH"),
        program("Google Chrome", "120.0.6099.130", "Google LLC"),
    ]
}

#[test]
fn unpatched_windows_10_1607_with_old_7zip_and_winrar() {
    let (_d, p) = store();
    let (h, inv) = host(
        "Windows 10 Enterprise 2016 LTSB",
        false,
        14393,
        693,
        old_apps(),
    );
    let (f, check) = audit_windows(&p, &h, &inv, PatchLevel::Month("2017-01".into()))
        .unwrap()
        .unwrap();
    assert_eq!(check.check, "vuln.nvd");
    assert_eq!(check.severity, Severity::Critical);
    assert_eq!(f.len(), 3, "{f:#?}");

    // MS17-010: NVD names windows_10_1607 without bounds; January's update predates March 2017.
    let w = find(&f, "vuln.nvd", "Windows 10").unwrap();
    assert_eq!(w.kind, FindingKind::Vulnerability);
    assert_eq!(w.severity, Severity::Critical, "known exploited");
    assert_eq!(w.attributes["cve"], "CVE-2017-0144");
    assert_eq!(w.attributes["installed_version"], "10.0.14393.693");
    assert_eq!(
        w.attributes["fixed_version"],
        "cumulative update of 2017-03 or later"
    );
    assert_eq!(w.attributes["known_exploited"], "CVE-2017-0144");
    assert_eq!(w.attributes["kev_date_added"], "2022-02-10");
    assert_eq!(w.attributes["source"], "NVD (CVE-2017-0144.json)");
    assert_eq!(w.attributes["source_date"], "2025-04-20");
    assert!(w.attributes["cpe"].starts_with("cpe:2.3:o:microsoft:windows_10_1607:"));
    assert!(w.title.en.contains("known exploited") && w.title.vi.contains("khai thác"));

    // WinRAR < 6.23, KEV.
    let r = find(&f, "vuln.nvd", "WinRAR").unwrap();
    assert_eq!(r.attributes["cve"], "CVE-2023-38831");
    assert_eq!(r.attributes["fixed_version"], "6.23");
    assert_eq!(r.attributes["installed_version"], "6.22.0");
    assert_eq!(r.severity, Severity::Critical);
    assert!(r.remediation.en.contains("6.23") && r.remediation.vi.contains("6.23"));

    // 7-Zip <= 21.07 on Windows (AND with a vulnerable:false platform node).
    let z = find(&f, "vuln.nvd", "7-Zip").unwrap();
    assert_eq!(z.attributes["cve"], "CVE-2022-29072");
    assert_eq!(z.attributes["affected_ranges"], "CVE-2022-29072: <= 21.07");
    assert_eq!(z.severity, Severity::High);
    assert!(!z.attributes.contains_key("fixed_version"));
    // The platform condition (o:microsoft:windows) is never a finding of its own.
    assert!(f.iter().all(|x| !x.attributes["cpe"].contains(":windows:")));

    // Same inputs, same bytes.
    let again = audit_windows(&p, &h, &inv, PatchLevel::Month("2017-01".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        serde_json::to_string(&again.0).unwrap()
    );
}

#[test]
fn patched_and_newer_hosts_give_nothing() {
    let (_d, p) = store();
    // March 2017 cumulative update (KB4013429, 14393.953) carries MS17-010.
    let (h, inv) = host("Windows 10 Enterprise 2016 LTSB", false, 14393, 953, vec![]);
    let (f, check) = audit_windows(&p, &h, &inv, PatchLevel::Month("2017-03".into()))
        .unwrap()
        .unwrap();
    assert!(f.is_empty(), "{f:#?}");
    assert_eq!(check.outcome, antoan_model::CheckOutcome::Pass);
    // Windows 10 22H2 is not in the record; fixed 7-Zip and WinRAR are outside the ranges.
    let (h, inv) = host(
        "Windows 10 Pro",
        false,
        19045,
        5371,
        vec![
            program("7-Zip 24.07 (x64)", "24.07", "Igor Pavlov"),
            program("WinRAR 7.01 (64-bit)", "7.01.0", "win.rar GmbH"),
            program("WinRAR 6.23 (32-bit)", "6.23.0", "win.rar GmbH"),
        ],
    );
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Unknown)
        .unwrap()
        .unwrap();
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn server_2016_and_2012_r2_by_patch_standing() {
    let (_d, p) = store();
    // Server 2016 shares build 14393 with 1607 but is named windows_server_2016.
    let (h, inv) = host("Windows Server 2016 Standard", true, 14393, 6709, vec![]);
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Before("2024-02".into()))
        .unwrap()
        .unwrap();
    // Older than every known update, but the oldest known is after 2017-03: cannot tell.
    let u = find(&f, "vuln.nvd-unversioned", "Server 2016").unwrap();
    assert_eq!(u.attributes["cve"], "CVE-2017-0144");
    assert_eq!(
        u.severity,
        Severity::Critical,
        "KEV raises even an undecided match"
    );
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Month("2024-02".into()))
        .unwrap()
        .unwrap();
    assert!(f.is_empty(), "{f:#?}");
    // Server 2012 R2: windows_server_2012:r2 matches, windows_server_2012:- does not double it.
    let (h, inv) = host("Windows Server 2012 R2 Standard", true, 9600, 17000, vec![]);
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Month("2016-11".into()))
        .unwrap()
        .unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].attributes["installed_version"], "6.3.9600.17000");
    assert!(f[0]
        .evidence
        .iter()
        .any(|e| e.source.contains("CVE-2017-0144")));
}

#[test]
fn kev_catalogue_in_the_store_names_the_entry() {
    let (_d, p) = store();
    let kev = ImportFile {
        origin: "kev.json".into(),
        bytes: br#"{"catalogVersion":"2026.11.20","vulnerabilities":[{"cveID":"CVE-2022-29072","vendorProject":"7-Zip","product":"7-Zip","vulnerabilityName":"test entry","dateAdded":"2026-01-02","knownRansomwareCampaignUse":"Unknown"}]}"#.to_vec(),
    };
    import(&p, &[kev], "2026-11-21").unwrap();
    let (h, inv) = host("Windows 10 Pro", false, 19045, 5371, old_apps());
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Unknown)
        .unwrap()
        .unwrap();
    let z = find(&f, "vuln.nvd", "7-Zip").unwrap();
    assert_eq!(z.severity, Severity::Critical);
    assert_eq!(z.attributes["kev_date_added"], "2026-01-02");
    assert!(z
        .evidence
        .iter()
        .any(|e| e.source == "CISA KEV" && e.observed.contains("test entry")));
}

#[test]
fn user_program_map_is_imported_and_overrides() {
    let (_d, p) = store();
    // Map "Nén Tệp" (a renamed 7-Zip build) to 7-zip and drop the default 7-Zip rule.
    let map = "schema = 1\n\
        [[program]]\nid = \"7-zip\"\nname_prefix = [\"Nén Tệp\"]\ncpe = [\"7-zip:7-zip\"]\n";
    let r = import(
        &p,
        &[ImportFile {
            origin: "/tmp/my-map.toml".into(),
            bytes: map.as_bytes().to_vec(),
        }],
        "2026-11-21",
    )
    .unwrap();
    assert_eq!(r.files, [("/tmp/my-map.toml".to_string(), 1)]);
    let s = Store::open(&p).unwrap().unwrap();
    let docs = s.document_list().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(
        (docs[0].kind.as_str(), docs[0].name.as_str(), docs[0].items),
        ("program-cpe", "my-map.toml", 1)
    );
    let m = antoan_vuln::program_map(&s).unwrap();
    assert_eq!(m.origins[0], "my-map.toml");
    let (h, inv) = host(
        "Windows 10 Pro",
        false,
        19045,
        5371,
        vec![
            program("Nén Tệp 21.07", "21.07", ""),
            program("7-Zip 21.07", "21.07", "Igor Pavlov"),
        ],
    );
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Unknown)
        .unwrap()
        .unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].subject.starts_with("Nén Tệp"));
}

#[test]
fn updates_and_rejections() {
    let (_d, p) = store();
    // Same record again: unchanged.
    let r = import(&p, &[fixture("CVE-2023-38831.json")], "2026-11-21").unwrap();
    assert_eq!((r.written, r.unchanged), (0, 1));
    // A rejected newer copy removes it.
    let rejected = br#"{"cve":{"id":"CVE-2023-38831","sourceIdentifier":"cve@mitre.org","published":"2023-08-23T17:15:11.357","lastModified":"2026-01-01T00:00:00.000","vulnStatus":"Rejected","descriptions":[{"lang":"en","value":"** REJECT **"}],"configurations":[]}}"#;
    let r = import(
        &p,
        &[ImportFile {
            origin: "rej.json".into(),
            bytes: rejected.to_vec(),
        }],
        "2026-11-22",
    )
    .unwrap();
    assert_eq!(r.withdrawn, 1);
    let s = Store::open(&p).unwrap().unwrap();
    assert_eq!(s.status().unwrap().nvd, 2);
    let (h, inv) = host("Windows 10 Pro", false, 19045, 5371, old_apps());
    let (f, _) = audit_windows(&p, &h, &inv, PatchLevel::Unknown)
        .unwrap()
        .unwrap();
    assert!(find(&f, "vuln.nvd", "WinRAR").is_none());
}

fn refused(p: &Path, bad: ImportFile, want: &str) {
    let before = std::fs::read(p).unwrap();
    let e = import(
        p,
        &[fixture("CVE-2023-38831.json"), bad.clone()],
        "2026-11-23",
    )
    .unwrap_err();
    assert_eq!(e.file, bad.origin, "{e}");
    assert!(e.to_string().contains(want), "{e}");
    assert!(e.text().vi.contains(&bad.origin));
    assert_eq!(std::fs::read(p).unwrap(), before, "store changed");
    let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
    assert_eq!(names.len(), 1, "temporary files left behind");
}

#[test]
fn bad_nvd_input_is_refused_and_the_store_is_untouched() {
    let (_d, p) = store();
    let good = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nvd/CVE-2017-0144.json"),
    )
    .unwrap();
    let f = |name: &str, b: Vec<u8>| ImportFile {
        origin: name.into(),
        bytes: b,
    };
    // Truncated in the middle of the configurations.
    refused(
        &p,
        f("trunc.json", good[..good.len() * 2 / 3].to_vec()),
        "EOF while parsing",
    );
    // A criteria that is not CPE 2.3.
    let bad_cpe = String::from_utf8(good.clone()).unwrap().replace(
        "cpe:2.3:o:microsoft:windows_10_1607:-",
        "cpe:2.3:o:microsoft:windows 10:-",
    );
    refused(
        &p,
        f("badcpe.json", bad_cpe.into_bytes()),
        "configurations[0].nodes[0].cpeMatch[2]",
    );
    // An unknown operator.
    let bad_op = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"operator\": \"OR\"", "\"operator\": \"NAND\"");
    refused(
        &p,
        f("badop.json", bad_op.into_bytes()),
        "neither AND nor OR",
    );
    // UTF-16 with a byte-order mark.
    let mut u16 = vec![0xff, 0xfe];
    for c in String::from_utf8(good.clone()).unwrap().encode_utf16() {
        u16.extend(c.to_le_bytes());
    }
    refused(&p, f("utf16.json", u16), "UTF-16");
    // Huge nesting inside an NVD feed.
    let deep = format!(
        "{{\"format\":\"NVD_CVE\",\"vulnerabilities\":[{{\"cve\":{{\"id\":\"CVE-2024-0001\",\"x\":{}{}}}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    refused(&p, f("deep.json", deep.into_bytes()), "nesting");
    // Not a CVE id.
    refused(
        &p,
        f(
            "id.json",
            br#"{"cve":{"id":"MS17-010","sourceIdentifier":"x","configurations":[]}}"#.to_vec(),
        ),
        "not a CVE id",
    );
    // A broken program map.
    refused(
        &p,
        f(
            "map.toml",
            b"schema = 1\n[[program]]\nid = \"x\"\ncpe = [\"a:b\"]\n".to_vec(),
        ),
        "needs name_prefix",
    );
    assert!(Store::open(&p).unwrap().unwrap().status().unwrap().nvd == 3);
    let e = import(
        &p,
        &[f("bin.json", b"{\"sourceIdentifier\": \xff}".to_vec())],
        "2026-11-23",
    )
    .unwrap_err();
    assert_eq!(e.kind, VulnErrorKind::Syntax);
}
