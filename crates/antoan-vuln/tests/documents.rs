//! `kb import` of lifecycle data (endoflife.date product files and API
//! dumps, distro-info-data CSVs), credential and password lists: validated,
//! stored atomically, listed, and laid over the embedded lifecycle data
//! when newer.

use std::path::{Path, PathBuf};

use antoan_kb::Knowledge;
use antoan_vuln::documents::{DOC_CREDENTIALS, DOC_DISTRO_INFO, DOC_LIFECYCLE, DOC_WORDLIST};
use antoan_vuln::{import, overlay_lifecycle, ImportFile, Store};

fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(p)
}

fn file_at(path: PathBuf, origin: &str) -> ImportFile {
    ImportFile {
        origin: origin.into(),
        bytes: std::fs::read(path).unwrap(),
    }
}

fn text(origin: &str, t: &str) -> ImportFile {
    ImportFile {
        origin: origin.into(),
        bytes: t.as_bytes().to_vec(),
    }
}

fn newer_debian_md() -> String {
    let md = std::fs::read_to_string(repo("knowledge/endoflife/debian.md")).unwrap();
    md.replacen(
        "releases:\n",
        "releases:\n  - releaseCycle: \"14\"\n    codename: \"Forky\"\n    releaseDate: 2027-07-01\n    eol: 2030-07-01\n\n",
        1,
    )
}

#[test]
fn real_lifecycle_files_are_imported_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    let files = [
        file_at(repo("knowledge/endoflife/ubuntu.md"), "/data/ubuntu.md"),
        file_at(
            repo("knowledge/distro-info/debian.csv"),
            "/usr/share/distro-info/debian.csv",
        ),
        file_at(repo("knowledge/distro-info/ubuntu.csv"), "ubuntu.csv"),
        file_at(
            repo("crates/antoan-vuln/tests/fixtures/endoflife/debian.json"),
            "api/debian.json",
        ),
        file_at(
            repo("crates/antoan-probe/data/credentials.toml"),
            "credentials.toml",
        ),
        file_at(
            repo("knowledge/passwords/vietnamese-words.txt"),
            "vietnamese-words.txt",
        ),
        file_at(
            repo("knowledge/passwords/john-password.lst"),
            "john-password.lst",
        ),
    ];
    let r = import(&p, &files, "2026-11-24").unwrap();
    assert_eq!(r.written, 7);
    let s = Store::open(&p).unwrap().unwrap();
    let docs = s.document_list().unwrap();
    let listed: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d.kind.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (DOC_CREDENTIALS, "credentials.toml"),
            (DOC_DISTRO_INFO, "debian.csv"),
            (DOC_DISTRO_INFO, "ubuntu.csv"),
            (DOC_LIFECYCLE, "debian.md"),
            (DOC_LIFECYCLE, "ubuntu.md"),
            (DOC_WORDLIST, "john-password.lst"),
            (DOC_WORDLIST, "vietnamese-words.txt"),
        ]
    );
    let deb = docs.iter().find(|d| d.name == "debian.md").unwrap();
    assert_eq!((deb.items, deb.newest.as_str()), (3, "2026-07-11"));
    let john = docs.iter().find(|d| d.name == "john-password.lst").unwrap();
    assert_eq!(john.items, 3545, "john's list without its #!comment lines");
    assert!(docs
        .iter()
        .all(|d| d.imported == "2026-11-24" && d.sha256.len() == 64));
    // The converted API dump parses as the product file it stands for.
    let converted = s.documents(DOC_LIFECYCLE).unwrap();
    let p12 = antoan_kb::Lifecycle::from_endoflife_md(&converted[0].content, "debian.md").unwrap();
    let c = p12.cycle("12").unwrap();
    assert_eq!(c.codename.as_deref(), Some("Bookworm"));
    assert_eq!(
        c.eoes.date().map(antoan_kb::iso).as_deref(),
        Some("2028-06-30")
    );
    assert_eq!(c.latest.as_deref(), Some("12.15"));
}

#[test]
fn v1_api_dump_converts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    import(
        &p,
        &[file_at(
            repo("crates/antoan-vuln/tests/fixtures/endoflife/ubuntu.json"),
            "ubuntu-v1.json",
        )],
        "2026-11-24",
    )
    .unwrap();
    let s = Store::open(&p).unwrap().unwrap();
    let d = s.document(DOC_LIFECYCLE).unwrap().unwrap();
    assert_eq!(d.name, "ubuntu.md", "the v1 dump names its product");
    let prod = antoan_kb::Lifecycle::from_endoflife_md(&d.content, "ubuntu.md").unwrap();
    let noble = prod.cycle("24.04").unwrap();
    assert!(noble.is_lts());
    assert_eq!(
        noble.eol.date().map(antoan_kb::iso).as_deref(),
        Some("2029-05-31")
    );
    assert_eq!(
        noble.eoes.date().map(antoan_kb::iso).as_deref(),
        Some("2036-05-31")
    );
    assert_eq!(
        noble.latest_release_date.map(antoan_kb::iso).as_deref(),
        Some("2026-02-12")
    );
}

#[test]
fn newer_imported_lifecycle_overrides_the_embedded_data() {
    let kb = Knowledge::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    // The same data as embedded: not newer, not used.
    import(
        &p,
        &[file_at(repo("knowledge/endoflife/debian.md"), "debian.md")],
        "2026-11-24",
    )
    .unwrap();
    let mut l = kb.lifecycle.clone();
    assert!(overlay_lifecycle(&p, &mut l).unwrap().is_empty());
    assert!(l.product("debian").unwrap().cycle("14").is_none());
    // A newer copy (a later release) replaces it.
    import(&p, &[text("debian.md", &newer_debian_md())], "2026-11-25").unwrap();
    let mut l = kb.lifecycle.clone();
    let used = overlay_lifecycle(&p, &mut l).unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].name, "debian.md (imported)");
    assert_eq!(
        (used[0].version.as_str(), used[0].date.as_str()),
        ("2027-07-01", "2026-11-25")
    );
    let deb = l.product("debian").unwrap();
    assert_eq!(deb.cycle("14").unwrap().codename.as_deref(), Some("Forky"));
    assert_eq!(deb.origin, "debian.md (imported)");
    // Other products stay embedded.
    assert!(l
        .product("ubuntu")
        .unwrap()
        .origin
        .starts_with("knowledge/"));
    // No store: nothing.
    assert!(overlay_lifecycle(&dir.path().join("none.sqlite"), &mut l)
        .unwrap()
        .is_empty());
}

fn refused(p: &Path, bad: ImportFile, want: &str) {
    let before = std::fs::read(p).unwrap();
    let good = text("vietnamese-words.txt", "matkhau\n");
    let e = import(p, &[good, bad.clone()], "2026-11-26").unwrap_err();
    assert_eq!(e.file, bad.origin, "{e}");
    assert!(e.to_string().contains(want), "{e}");
    assert_eq!(std::fs::read(p).unwrap(), before, "store changed");
    assert_eq!(
        std::fs::read_dir(p.parent().unwrap()).unwrap().count(),
        1,
        "temporary files left"
    );
}

#[test]
fn bad_documents_are_refused_and_the_store_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    import(&p, &[text("a.lst", "123456\n")], "2026-11-24").unwrap();
    let md = std::fs::read_to_string(repo("knowledge/endoflife/debian.md")).unwrap();
    // Truncated front matter.
    refused(&p, text("debian.md", &md[..md.len() / 3]), "debian.md");
    // A date that is no date.
    refused(
        &p,
        text(
            "debian.md",
            &md.replacen("releaseDate: 2023-06-10", "releaseDate: 2023-13-45", 1),
        ),
        "debian.md",
    );
    // distro-info CSV with a broken row.
    let csv = std::fs::read_to_string(repo("knowledge/distro-info/debian.csv")).unwrap();
    refused(
        &p,
        text(
            "debian.csv",
            &csv.replacen("1.2,Rex,rex,1996-06-17", "1.2,Rex,rex,17/06/1996", 1),
        ),
        "debian.csv",
    );
    // UTF-16 word list.
    let mut u16 = vec![0xff, 0xfe];
    for c in "matkhau\n123456\n".encode_utf16() {
        u16.extend(c.to_le_bytes());
    }
    refused(
        &p,
        ImportFile {
            origin: "w.txt".into(),
            bytes: u16,
        },
        "UTF-16",
    );
    refused(
        &p,
        ImportFile {
            origin: "w.txt".into(),
            bytes: b"abc\n\xff\xfe\n".to_vec(),
        },
        "not UTF-8",
    );
    refused(&p, text("w.lst", &"x".repeat(1000)), "more than 256");
    refused(&p, text("w.lst", "# only comments\n"), "no entries");
    // Credential list with a missing field.
    refused(
        &p,
        text("c.toml", "[[credential]]\nvendor = \"X\"\nservice = \"ftp\"\nusername = \"a\"\nsource = \"manual\"\n"),
        "missing field `password`",
    );
    // endoflife.date API dump with a release lacking its cycle; huge nesting.
    refused(
        &p,
        text("debian.json", "[{\"cycle\":\"12\"},{\"eol\":true}]"),
        "release 1 has no cycle",
    );
    let deep = format!("[{{\"cycle\":{}{}}}]", "[".repeat(5000), "]".repeat(5000));
    refused(&p, text("debian.json", &deep), "nesting");
}
