//! Tests against the embedded knowledge and real-format inputs.

use std::collections::BTreeSet;

use antoan_model::{CheckOutcome, FindingStatus, HostInfo, OsFamily, OsInfo, Severity};
use time::macros::date;
use time::Date;

use super::*;

fn kb() -> Knowledge {
    Knowledge::embedded().expect("embedded knowledge loads")
}

// --- manifest and embedding ----------------------------------------------------

#[test]
fn every_embedded_file_matches_its_manifest_sha256() {
    let m = Manifest::parse(embedded::MANIFEST, "manifest.toml").unwrap();
    for (path, bytes) in embedded::FILES {
        let e = m
            .entry(path)
            .unwrap_or_else(|| panic!("{path} is embedded but not in manifest.toml"));
        let actual = sha256_hex(bytes);
        assert_eq!(
            actual, e.sha256,
            "sha256 of knowledge/{path} changed: put {actual} in manifest.toml"
        );
    }
    let embedded: BTreeSet<&str> = embedded::FILES.iter().map(|(p, _)| *p).collect();
    for e in &m.files {
        assert!(
            embedded.contains(e.path.as_str()),
            "{} is in manifest.toml but not embedded",
            e.path
        );
    }
}

#[test]
fn manifest_lists_every_file_in_the_knowledge_folder() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge");
    let mut on_disk = BTreeSet::new();
    // This manifest covers the top-level files and these folders; other
    // folders (e.g. passwords/) carry manifests of their own.
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                if dir == root && ["endoflife", "distro-info", "windows"].iter().any(|d| p.ends_with(d)) {
                    stack.push(p);
                }
            } else {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != "manifest.toml" && rel != "README.md" {
                    on_disk.insert(rel);
                }
            }
        }
    }
    let m = Manifest::parse(embedded::MANIFEST, "manifest.toml").unwrap();
    let listed: BTreeSet<String> = m.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(on_disk, listed);
    // Each data source travels with its licence.
    assert!(listed.contains("endoflife/LICENSE"));
    assert!(listed.contains("distro-info/copyright"));
}

#[test]
fn embedded_knowledge_loads_all_products_and_sources() {
    let k = kb();
    let names: Vec<&str> = k.lifecycle.products().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "android",
            "centos",
            "debian",
            "dotnetfx",
            "internet-explorer",
            "msexchange",
            "mssqlserver",
            "office",
            "rhel",
            "sharepoint",
            "ubuntu",
            "windows",
            "windows-embedded",
            "windows-server"
        ]
    );
    assert!(k.lifecycle.distro_info("debian").is_some());
    assert!(k.lifecycle.distro_info("ubuntu").is_some());
    // 14 endoflife files + 2 CSVs + the patch data + the catalog; licences are not sources.
    assert_eq!(k.sources.len(), 18);
    assert_eq!(k.patches.as_of, "2025-10");
    assert_eq!(k.patches.origin, "knowledge/windows/patch-builds.toml");
    assert!(k.sources.iter().any(|s| s.name == "antoan Windows update builds" && s.version == "2025-10"));
    let deb = k
        .sources
        .iter()
        .find(|s| s.name == "endoflife.date/debian")
        .unwrap();
    assert_eq!(
        (deb.version.as_str(), deb.date.as_str()),
        ("a70eca33", "2026-08-22")
    );
    assert_eq!(deb.sha256.len(), 64);
    assert!(k
        .sources
        .iter()
        .any(|s| s.name == "distro-info-data/ubuntu" && s.version == "0.58+deb12u7"));
}

#[test]
fn tampered_file_is_refused() {
    let mut files: Vec<(&str, Vec<u8>)> = embedded::FILES
        .iter()
        .map(|(p, b)| (*p, b.to_vec()))
        .collect();
    let debian = files
        .iter_mut()
        .find(|(p, _)| *p == "endoflife/debian.md")
        .unwrap();
    debian.1 = String::from_utf8(debian.1.clone())
        .unwrap()
        .replace("eol: 2022-09-10", "eol: 2032-09-10")
        .into_bytes();
    let refs = files.iter().map(|(p, b)| (*p, b.as_slice()));
    let e = Knowledge::from_files(embedded::MANIFEST, "m.toml", refs, "kb").unwrap_err();
    assert_eq!(e.kind, KbErrorKind::Integrity);
    assert_eq!(e.file, "kb/endoflife/debian.md");

    // A listed file that is missing.
    let refs = embedded::FILES
        .iter()
        .filter(|(p, _)| *p != "controls.toml")
        .map(|(p, b)| (*p, *b));
    let e = Knowledge::from_files(embedded::MANIFEST, "m.toml", refs, "kb").unwrap_err();
    assert_eq!(
        (e.kind, e.file.as_str()),
        (KbErrorKind::Integrity, "kb/controls.toml")
    );

    // A file that is not listed.
    let extra: &[u8] = b"x";
    let refs = embedded::FILES
        .iter()
        .map(|(p, b)| (*p, *b))
        .chain([("extra.md", extra)]);
    let e = Knowledge::from_files(embedded::MANIFEST, "m.toml", refs, "kb").unwrap_err();
    assert_eq!(
        (e.kind, e.file.as_str()),
        (KbErrorKind::Integrity, "kb/extra.md")
    );
}

#[test]
fn malformed_manifests_are_refused() {
    assert!(Manifest::parse("schema = 2\n", "m").is_err());
    assert!(Manifest::parse("schema = 1\n[[files]]\npath = \"a\"\n", "m").is_err());
    let entry = |path: &str, sha: &str| {
        format!(
            "schema = 1\n[[files]]\npath = \"{path}\"\nkind = \"licence\"\nname = \"n\"\nsource = \"s\"\nversion = \"v\"\ndate = \"d\"\nlicence = \"MIT\"\nsha256 = \"{sha}\"\n"
        )
    };
    let good = "0".repeat(64);
    assert!(Manifest::parse(&entry("a/b", &good), "m").is_ok());
    assert!(Manifest::parse(&entry("../etc/passwd", &good), "m").is_err());
    assert!(Manifest::parse(&entry("/abs", &good), "m").is_err());
    assert!(Manifest::parse(&entry("a", "ABC"), "m").is_err());
    let e = Manifest::parse("schema = 1\n\n[[files]\n", "m.toml").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
}

// --- endoflife.date parser -----------------------------------------------------------

#[test]
fn endoflife_fields_and_placeholders() {
    let k = kb();
    let deb = k.lifecycle.product("debian").unwrap();
    assert_eq!(deb.title, "Debian");
    let c = deb.cycle("10").unwrap();
    assert_eq!(c.label, "10 (Buster)");
    assert_eq!(c.codename.as_deref(), Some("Buster"));
    assert_eq!(c.release_date, Some(date!(2019 - 07 - 06)));
    assert_eq!(c.eol, SupportDate::Date(date!(2022 - 09 - 10)));
    assert_eq!(c.eoes, SupportDate::Date(date!(2024 - 06 - 30)));
    assert_eq!(c.latest.as_deref(), Some("10.13"));
    assert_eq!(c.latest_release_date, Some(date!(2022 - 09 - 10)));
    assert_eq!(
        c.link.as_deref(),
        Some("https://www.debian.org/News/2022/20220910")
    );
    assert_eq!(deb.cycle_by_codename("bookworm").unwrap().cycle, "12");

    let ubu = k.lifecycle.product("ubuntu").unwrap();
    let j = ubu.cycle("22.04").unwrap();
    assert_eq!(j.label, "22.04 'Jammy Jellyfish'");
    assert!(j.is_lts());
    assert_eq!(j.eoas, SupportDate::Date(date!(2024 - 09 - 30)));
    assert_eq!(ubu.cycle_by_codename("jammy").unwrap().cycle, "22.04");
    assert_eq!(
        ubu.cycle("8.10").unwrap().link,
        None,
        "link: null is no link"
    );

    // RHEL's lts is a date, not a boolean.
    let rhel = k.lifecycle.product("rhel").unwrap();
    assert_eq!(rhel.title, "Red Hat Enterprise Linux");
    assert_eq!(
        rhel.cycle("8").unwrap().lts,
        SupportDate::Date(date!(2029 - 05 - 31))
    );
    assert_eq!(rhel.cycle("8").unwrap().label, "8");

    // Per-release labels, custom fields.
    let sql = k.lifecycle.product("mssqlserver").unwrap();
    assert_eq!(sql.custom_fields, ["latestGdr", "latestGdrLink"]);
    let dallas = sql.cycle("16.0").unwrap();
    assert_eq!(dallas.label, "2022 'Dallas'");
    assert_eq!(
        dallas.extra.get("latestGdr").map(String::as_str),
        Some("16.0.1190.2")
    );

    // Unquoted build numbers stay text; boolean milestones stay booleans.
    let win = k.lifecycle.product("windows").unwrap();
    assert_eq!(
        win.cycle("11-24h2-e-lts").unwrap().latest.as_deref(),
        Some("10.0.26100")
    );
    let exchange = k.lifecycle.product("msexchange").unwrap();
    assert!(exchange
        .cycles
        .iter()
        .any(|c| matches!(c.eol, SupportDate::Bool(_))));
    assert!(exchange
        .cycles
        .iter()
        .any(|c| matches!(c.eoas, SupportDate::Bool(_))));
}

const MD: &str = "---\ntitle: Demo\nreleaseLabel: \"v__RELEASE_CYCLE__ __CODENAME__ (__LATEST__)\"\ncustomFields:\n  - name: extraThing\n    display: api-only\nreleases:\n  - releaseCycle: 8.10\n    codename: Alpha\n    releaseDate: 2020-01-01\n    eol: true\n    eoes: false\n    latest: 8.10.1\n    extraThing: 7\n    nested: [1, 2]\n  - releaseCycle: \"2\"\n    releaseLabel: \"Two\"\n    releaseDate: 2021-02-03\n    eol: 2024-02-29\n---\n\nProse with --- inside.\n---\nMore prose.\n";

#[test]
fn endoflife_parser_reads_synthetic_product() {
    let p = Lifecycle::from_endoflife_md(MD, "some/dir/demo.md").unwrap();
    assert_eq!((p.name.as_str(), p.title.as_str()), ("demo", "Demo"));
    assert_eq!(p.custom_fields, ["extraThing"]);
    let a = &p.cycles[0];
    assert_eq!(a.cycle, "8.10", "unquoted 8.10 keeps its text");
    assert_eq!(a.label, "v8.10 Alpha (8.10.1)");
    assert_eq!(a.eol, SupportDate::Bool(true));
    assert_eq!(a.eoes, SupportDate::Bool(false));
    assert_eq!(a.extra.get("extraThing").map(String::as_str), Some("7"));
    assert!(!a.extra.contains_key("nested"));
    assert_eq!(a.line, Some(8));
    assert_eq!(p.cycles[1].label, "Two");
    assert_eq!(p.cycles[1].eol, SupportDate::Date(date!(2024 - 02 - 29)));
}

fn md_err(text: &str) -> KbError {
    Lifecycle::from_endoflife_md(text, "p.md").unwrap_err()
}

#[test]
fn endoflife_parser_errors_name_file_and_line() {
    let e = md_err("title: x\nreleases: []\n");
    assert_eq!((e.kind, e.line), (KbErrorKind::Syntax, Some(1)));
    assert!(e.message.contains("`---`"), "{e}");

    let e = md_err("---\ntitle: x\nreleases: []\n");
    assert!(e.message.contains("never closed"), "{e}");

    let e = md_err("---\ntitle: x\nreleases:\n  - releaseCycle: \"1\"\n    eol: 2024-02-30\n---\n");
    assert_eq!((e.file.as_str(), e.line), ("p.md", Some(5)), "{e}");
    assert!(e.message.contains("2024-02-30"), "{e}");

    let e = md_err("---\ntitle: x\nreleases:\n  - releaseCycle: \"1\"\n    eol: soon\n---\n");
    assert_eq!(e.line, Some(5), "{e}");
    assert!(e.message.contains("YYYY-MM-DD"), "{e}");

    let e =
        md_err("---\ntitle: x\nreleases:\n  - releaseCycle: \"1\"\n    releaseDate: true\n---\n");
    assert_eq!(e.line, Some(5), "{e}");

    let e = md_err("---\ntitle: [x\nreleases: []\n---\n");
    assert_eq!(e.kind, KbErrorKind::Syntax);
    assert!(e.line.is_some(), "{e}");

    let e = md_err("---\ntitle: x\n---\n");
    assert!(e.message.contains("releases"), "{e}");

    let e = md_err("---\ntitle: x\nreleases:\n  - codename: y\n---\n");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.contains("releaseCycle"), "{e}");

    let e = md_err("---\nreleases:\n  - releaseCycle: \"1\"\n  - releaseCycle: 1\n---\n");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.message.contains("duplicate"), "{e}");

    let e = md_err("---\nreleases: 5\n---\n");
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn endoflife_parser_survives_garbage_and_truncation() {
    let real = String::from_utf8(embedded::FILES[2].1.to_vec()).unwrap();
    let mut samples = vec![
        MD.to_string(),
        real,
        String::from_utf8_lossy(b"---\n\x00\xff\xfe: [\n---\n").into_owned(),
        "---\n&a [*a]\n---\n".into(),
        "---\na: &a [1,2]\nb: [*a,*a,*a,*a]\nreleases: []\n---\n".into(),
        "---\nreleases:\n  - releaseCycle: \"Xin chào\"\n    codename: \"Tiếng Việt có dấu\"\n---\n".into(),
        "\u{feff}---\r\nreleases: []\r\n---\r\n".into(),
    ];
    samples.push("---\n".to_string() + &"- ".repeat(5000) + "\n---\n");
    for s in &samples {
        let _ = Lifecycle::from_endoflife_md(s, "g.md");
        let step = (s.len() / 200).max(1);
        for cut in (0..s.len()).step_by(step) {
            if s.is_char_boundary(cut) {
                let _ = Lifecycle::from_endoflife_md(&s[..cut], "g.md");
            }
        }
    }
    assert!(
        Lifecycle::from_endoflife_md("\u{feff}---\r\nreleases: []\r\n---\r\n", "bom.md").is_ok()
    );
}

#[test]
fn distro_info_data_agrees_with_endoflife_on_release_dates() {
    // Cross-check of the two sources: releases they both list.
    let k = kb();
    for name in ["debian", "ubuntu"] {
        let eol = k.lifecycle.product(name).unwrap();
        let di = k.lifecycle.distro_info(name).unwrap();
        let mut both = 0;
        for c in &di.cycles {
            if let Some(e) = eol.cycle(&c.cycle) {
                both += 1;
                let gap = (e.release_date.unwrap() - c.release_date.unwrap())
                    .whole_days()
                    .abs();
                assert!(
                    gap <= 120,
                    "{name} {}: release dates differ by {gap} days",
                    c.cycle
                );
            }
        }
        assert!(both >= 10, "{name}: only {both} releases in common");
    }
}

// --- controls catalog -----------------------------------------------------------------

const CONTROL_IDS: &[&str] = &[
    "M1.1", "M1.2", "M2.1", "M2.2", "M2.3", "M2.4", "M3.1", "M3.2", "M3.3", "M3.4", "M4.1", "M4.2",
    "M4.3", "M4.4", "M5.1", "M5.2", "M5.3", "M5.4", "M6.1", "M6.2", "M6.3", "M7.1", "T1.1", "T1.2",
    "T1.3", "T1.4", "T1.5", "T1.6", "T1.7", "T1.8", "T2.1", "T2.2", "T2.3", "T2.4", "T2.5", "T2.6",
    "T2.7", "T2.8", "T3.1", "T3.2", "T3.3", "T3.4", "T3.5", "T3.6", "T3.7", "T3.8", "T3.9", "T4.1",
    "T4.2", "T4.3", "T4.4", "T4.5", "P.1", "P.2", "P.3", "P.4", "S.1", "S.2", "S.3", "S.4", "S.5",
];

#[test]
fn catalog_has_exactly_the_fixed_control_ids() {
    let c = kb().controls;
    let want: BTreeSet<String> = CONTROL_IDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(c.ids(), want);
    assert_eq!(c.framework, "legacy");
    let groups: Vec<&str> = c.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        groups,
        ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "T1", "T2", "T3", "T4", "P", "S"]
    );
    for g in &c.groups {
        let want = match &g.id[..1] {
            "M" => GroupKind::Management,
            "T" => GroupKind::Technical,
            _ => GroupKind::Overlay,
        };
        assert_eq!(g.kind, want, "{}", g.id);
        assert!(c.in_group(&g.id).count() > 0, "group {} is empty", g.id);
    }
    for id in EOL_CONTROLS {
        assert!(c.get(id).is_some());
    }
}

fn has_vietnamese_diacritics(s: &str) -> bool {
    s.chars().any(|c| {
        "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
            .contains(c.to_lowercase().next().unwrap_or(c))
    })
}

#[test]
fn every_control_is_complete_in_both_languages() {
    let c = kb().controls;
    for g in &c.groups {
        assert!(
            has_vietnamese_diacritics(&g.name.vi),
            "group {} vi name lacks diacritics",
            g.id
        );
        assert!(!g.name.en.trim().is_empty());
    }
    for k in &c.controls {
        for (field, t) in [
            ("name", &k.name),
            ("description", &k.description),
            ("evidence", &k.evidence),
        ] {
            assert!(
                !t.vi.trim().is_empty() && !t.en.trim().is_empty(),
                "{} {field}",
                k.id
            );
            assert!(
                has_vietnamese_diacritics(&t.vi),
                "{} {field}.vi lacks diacritics: {}",
                k.id,
                t.vi
            );
            assert_ne!(t.vi, t.en, "{} {field}: vi and en are the same text", k.id);
        }
        assert!(
            !k.levels.is_empty() && k.levels.iter().all(|l| (1..=3).contains(l)),
            "{}",
            k.id
        );
        assert!(!k.method.is_empty(), "{}", k.id);
        assert!(
            !k.references.legacy.is_empty(),
            "{} has no legacy reference",
            k.id
        );
        assert!(
            k.references.current.is_empty(),
            "{}: current references are to be confirmed first",
            k.id
        );
    }
    // Spot checks of levels from the fixed list.
    let lv = |id: &str| {
        c.get(id)
            .unwrap()
            .levels
            .iter()
            .copied()
            .collect::<Vec<u8>>()
    };
    assert_eq!(lv("M2.4"), [3]);
    assert_eq!(lv("M2.3"), [2, 3]);
    assert_eq!(lv("T2.5"), [3]);
    assert_eq!(lv("M5.1"), [1, 2, 3]);
}

// --- OS end-of-life verdicts -----------------------------------------------------------

fn host(id: &str, version: &str, codename: &str) -> HostInfo {
    HostInfo {
        hostname: "srv01".into(),
        os: OsInfo {
            family: OsFamily::Linux,
            name: String::new(),
            version: version.into(),
            build: String::new(),
            edition: String::new(),
            id: id.into(),
            id_like: Vec::new(),
            codename: codename.into(),
        },
        architecture: "x86_64".into(),
        machine_id: "0123456789abcdef0123456789abcdef".into(),
        source: "live".into(),
    }
}

const TODAY: Date = date!(2026 - 11 - 24);

/// The severity of the finding, `None` for a pass; panics on not-assessed.
fn verdict(
    lc: &Lifecycle,
    id: &str,
    version: &str,
    codename: &str,
    today: Date,
) -> Option<Severity> {
    let (f, check) = os_eol(&host(id, version, codename), lc, today);
    assert_eq!(check.check, "eol.os");
    assert_eq!(check.category, "lifecycle");
    match f {
        None => {
            assert_eq!(check.outcome, CheckOutcome::Pass);
            None
        }
        Some(f) => {
            assert_eq!(
                f.status,
                FindingStatus::Open,
                "{id} {version}: {:?}",
                f.reason
            );
            assert_eq!(check.outcome, CheckOutcome::Fail);
            assert_eq!(check.severity, f.severity);
            Some(f.severity)
        }
    }
}

#[test]
fn verdicts_on_2026_11_24() {
    let lc = kb().lifecycle;
    use Severity::*;
    let cases: &[(&str, &str, &str, Option<Severity>)] = &[
        ("debian", "10", "buster", Some(Critical)),
        ("debian", "11", "bullseye", Some(Critical)), // LTS ended 2026-08-31
        ("debian", "12", "bookworm", Some(Medium)),   // LTS until 2028-06-30
        ("debian", "13", "trixie", None),
        ("ubuntu", "18.04", "bionic", Some(Medium)), // ESM until 2028-04-01
        ("ubuntu", "20.04", "focal", Some(Medium)),
        ("ubuntu", "22.04", "jammy", Some(Low)), // standard support ends 2027-04-01
        ("ubuntu", "24.04", "noble", None),
        ("ubuntu", "23.10", "mantic", Some(Critical)), // interim, no ESM
        ("centos", "7", "", Some(Critical)),
        ("rhel", "7.9", "", Some(Medium)), // ELS until 2029-05-31
        ("rhel", "8.10", "", None),
        ("rhel", "9.4", "", None),
    ];
    for (id, v, cn, want) in cases {
        assert_eq!(verdict(&lc, id, v, cn, TODAY), *want, "{id} {v}");
    }
}

#[test]
fn verdicts_over_time_exercise_every_branch() {
    let lc = kb().lifecycle;
    use Severity::*;
    // Debian 12: eol 2026-07-11, LTS until 2028-06-30.
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2025 - 01 - 01)),
        None
    );
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2026 - 01 - 12)),
        None
    ); // 180 days left
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2026 - 01 - 13)),
        Some(Low)
    ); // 179 days left
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2026 - 07 - 10)),
        Some(Low)
    );
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2026 - 07 - 11)),
        Some(Medium)
    ); // ends that day
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2028 - 06 - 29)),
        Some(Medium)
    );
    assert_eq!(
        verdict(&lc, "debian", "12", "", date!(2028 - 06 - 30)),
        Some(Critical)
    );
    // RHEL 8: eol 2029-05-31, ELS until 2033-05-31.
    assert_eq!(
        verdict(&lc, "rhel", "8.10", "", date!(2029 - 01 - 01)),
        Some(Low)
    );
    assert_eq!(
        verdict(&lc, "rhel", "8.10", "", date!(2030 - 01 - 01)),
        Some(Medium)
    );
    assert_eq!(
        verdict(&lc, "rhel", "9.4", "", date!(2037 - 01 - 01)),
        Some(Critical)
    );
    // Ubuntu 24.04 in its last months of standard support.
    assert_eq!(
        verdict(&lc, "ubuntu", "24.04", "", date!(2029 - 03 - 01)),
        Some(Low)
    );
    // Debian 13 before its release is still a pass.
    assert_eq!(
        verdict(&lc, "debian", "13", "", date!(2025 - 01 - 01)),
        None
    );
    // Raspberry Pi OS uses Debian's numbering.
    assert_eq!(
        verdict(&lc, "raspbian", "10", "buster", TODAY),
        Some(Critical)
    );
    // Codename alone is enough when VERSION_ID is missing.
    assert_eq!(verdict(&lc, "debian", "", "buster", TODAY), Some(Critical));
}

#[test]
fn debian_10_finding_in_full() {
    let lc = kb().lifecycle;
    let h = host("debian", "10", "buster");
    let (f, _) = os_eol(&h, &lc, TODAY);
    let f = f.unwrap();
    assert_eq!(f.subject, "os:Debian 10 (Buster)");
    assert_eq!(
        f.id,
        antoan_model::Finding::stable_id(&h.identity_key(), "eol.os", "os:Debian 10 (Buster)")
    );
    assert_eq!(f.kind, antoan_model::FindingKind::Eol);
    assert_eq!(
        f.title.vi,
        "Debian 10 (Buster) hết hỗ trợ từ 2022-09-10 (LTS đến 2024-06-30)"
    );
    assert_eq!(
        f.title.en,
        "Debian 10 (Buster) out of support since 2022-09-10 (LTS until 2024-06-30)"
    );
    assert_eq!(
        f.remediation.en,
        "Upgrade to Debian 13 (Trixie) or replace the system; until then limit the host's network exposure and keep important data off it."
    );
    assert_eq!(
        f.remediation.vi,
        "Nâng cấp lên Debian 13 (Trixie) hoặc thay thế hệ thống; trong lúc chờ, hạn chế kết nối mạng của máy và không lưu dữ liệu quan trọng trên đó."
    );
    assert_eq!(f.controls, ["M5.1", "T2.3"]);
    let a = |k: &str| f.attributes.get(k).map(String::as_str);
    assert_eq!(a("product"), Some("debian"));
    assert_eq!(a("cycle"), Some("10"));
    assert_eq!(a("eol_date"), Some("2022-09-10"));
    assert_eq!(a("extended_until"), Some("2024-06-30"));
    assert_eq!(a("days_past"), Some("1536"));
    assert_eq!(a("days_left"), None);
    assert_eq!(f.evidence[0].source, "/etc/os-release");
    assert!(f.evidence[0].observed.contains("VERSION_ID=\"10\""));
    assert!(
        f.evidence[1]
            .source
            .starts_with("knowledge/endoflife/debian.md:"),
        "{}",
        f.evidence[1].source
    );
    assert!(f.evidence[1].observed.contains("eol 2022-09-10"));
    // distro-info-data is shown as a cross-check, including its ELTS date.
    assert!(f.evidence[2]
        .source
        .starts_with("knowledge/distro-info/debian.csv:"));
    assert!(
        f.evidence[2].observed.contains("eol-elts 2029-06-30"),
        "{}",
        f.evidence[2].observed
    );
    assert!(f
        .references
        .contains(&"https://endoflife.date/debian".to_string()));
}

#[test]
fn medium_and_low_texts_say_the_dates() {
    let lc = kb().lifecycle;
    let (f, _) = os_eol(&host("debian", "12", "bookworm"), &lc, TODAY);
    let f = f.unwrap();
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.title.vi,
        "Debian 12 (Bookworm) đã hết hỗ trợ thường từ 2026-07-11, đang dựa vào LTS đến 2028-06-30"
    );
    assert_eq!(f.title.en, "Debian 12 (Bookworm) is past regular support since 2026-07-11 and relies on LTS until 2028-06-30");
    assert_eq!(
        f.attributes.get("days_past").map(String::as_str),
        Some("136")
    );

    let (f, _) = os_eol(&host("ubuntu", "22.04", "jammy"), &lc, TODAY);
    let f = f.unwrap();
    assert_eq!(f.subject, "os:Ubuntu 22.04 LTS (Jammy Jellyfish)");
    assert_eq!(
        f.title.en,
        "Ubuntu 22.04 LTS (Jammy Jellyfish) reaches end of support in 128 days (2027-04-01)"
    );
    assert_eq!(
        f.title.vi,
        "Ubuntu 22.04 LTS (Jammy Jellyfish) sắp hết hỗ trợ: còn 128 ngày (đến 2027-04-01)"
    );
    assert_eq!(
        f.attributes.get("days_left").map(String::as_str),
        Some("128")
    );
    assert_eq!(
        f.attributes.get("extended_until").map(String::as_str),
        Some("2032-04-09")
    );
    assert_eq!(
        f.remediation.en,
        "Plan the upgrade to Ubuntu 26.04 (Resolute Raccoon) before 2027-04-01."
    );
    assert_eq!(
        f.remediation.vi,
        "Lập kế hoạch nâng cấp lên Ubuntu 26.04 (Resolute Raccoon) trước 2027-04-01."
    );

    let (f, _) = os_eol(&host("ubuntu", "20.04", "focal"), &lc, TODAY);
    assert!(f
        .unwrap()
        .title
        .en
        .ends_with("relies on ESM until 2030-04-02"));

    let (f, _) = os_eol(&host("rhel", "7.9", ""), &lc, TODAY);
    let f = f.unwrap();
    assert_eq!(f.subject, "os:Red Hat Enterprise Linux 7");
    assert!(
        f.title.en.ends_with("relies on ELS until 2029-05-31"),
        "{}",
        f.title.en
    );

    let (f, _) = os_eol(&host("centos", "7", ""), &lc, TODAY);
    let f = f.unwrap();
    assert_eq!(f.title.en, "CentOS 7 out of support since 2024-06-30");
    assert_eq!(f.title.vi, "CentOS 7 hết hỗ trợ từ 2024-06-30");
    assert!(
        f.remediation.en.starts_with(
            "Upgrade to a supported operating system (no CentOS release is supported any more)"
        ),
        "{}",
        f.remediation.en
    );

    let (f, _) = os_eol(&host("ubuntu", "23.10", "mantic"), &lc, TODAY);
    assert_eq!(
        f.unwrap().title.en,
        "Ubuntu 23.10 (Mantic Minotaur) out of support since 2024-07-12"
    );
}

#[test]
fn missing_data_is_not_assessed_never_a_pass() {
    let lc = kb().lifecycle;
    let cases = [
        host("rocky", "9.3", ""),
        host("almalinux", "8.9", ""),
        host("debian", "99", ""),
        host("debian", "14", "forky"), // in distro-info only, no end date yet
        host("debian", "", "sid"),
        host("", "", ""),
    ];
    for h in cases {
        let (f, check) = os_eol(&h, &lc, TODAY);
        let f = f.unwrap_or_else(|| panic!("{} {}: no finding", h.os.id, h.os.version));
        assert_eq!(
            check.outcome,
            CheckOutcome::NotAssessed,
            "{} {}",
            h.os.id,
            h.os.version
        );
        assert_eq!(f.status, FindingStatus::NotAssessed);
        let reason = f.reason.unwrap();
        assert!(!reason.vi.is_empty() && !reason.en.is_empty());
    }
    let mut rocky = host("rocky", "9.3", "");
    rocky.os.id_like = vec!["rhel".into(), "centos".into(), "fedora".into()];
    let (f, _) = os_eol(&rocky, &lc, TODAY);
    assert_eq!(
        f.unwrap().reason.unwrap().en,
        "no lifecycle data for the distribution 'rocky' (ID_LIKE: rhel centos fedora)"
    );

    let mut win = host("", "10", "");
    win.os.family = OsFamily::Windows;
    assert_eq!(
        os_eol(&win, &lc, TODAY).1.outcome,
        CheckOutcome::NotAssessed
    );
}

#[test]
fn data_for_another_distribution_is_used_when_loaded() {
    let mut lc = kb().lifecycle;
    let rocky = "---\ntitle: Rocky Linux\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2022-07-14\n    eol: 2032-05-31\n  - releaseCycle: \"8\"\n    releaseDate: 2021-06-21\n    eol: 2029-05-31\n---\n";
    lc.insert(Lifecycle::from_endoflife_md(rocky, "rocky-linux.md").unwrap());
    assert_eq!(verdict(&lc, "rocky", "9.3", "", TODAY), None);
    assert_eq!(
        verdict(&lc, "rocky", "8.9", "", date!(2030 - 01 - 01)),
        Some(Severity::Critical)
    );
}

#[test]
fn every_embedded_lifecycle_file_parses() {
    let k = kb();
    k.lifecycle.parse_all().unwrap();
    assert_eq!(k.lifecycle.product_names().count(), 14);
}

#[test]
fn a_bad_lifecycle_file_is_reported_not_passed() {
    let mut lc = Lifecycle::new();
    lc.add_endoflife_md(
        "---\nreleases:\n  - releaseCycle: \"12\"\n    eol: someday\n---\n".into(),
        "kb/debian.md",
    );
    assert!(lc.product("debian").is_none());
    let e = lc.try_product("debian").unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("kb/debian.md", Some(4)));
    assert!(lc.parse_all().is_err());
    let (f, check) = os_eol(&host("debian", "12", "bookworm"), &lc, TODAY);
    assert_eq!(check.outcome, CheckOutcome::NotAssessed);
    let reason = f.unwrap().reason.unwrap();
    assert!(reason.en.contains("kb/debian.md:4"), "{}", reason.en);
}

#[test]
fn verdicts_are_deterministic() {
    let lc = kb().lifecycle;
    let a = os_eol(&host("debian", "11", "bullseye"), &lc, TODAY);
    let b = os_eol(&host("debian", "11", "bullseye"), &lc, TODAY);
    assert_eq!(a, b);
}

// --- Windows verdicts ----------------------------------------------------------

fn windows_host(id: &str, w: antoan_model::WindowsInventory) -> (HostInfo, antoan_model::Inventory) {
    let host = HostInfo {
        hostname: "pc".into(),
        os: OsInfo { family: OsFamily::Windows, name: w.product_name.clone(), id: id.into(), ..Default::default() },
        ..Default::default()
    };
    let inv = antoan_model::Inventory { windows: Some(w), ..Default::default() };
    (host, inv)
}

fn server_2012_r2() -> antoan_model::WindowsInventory {
    antoan_model::WindowsInventory {
        product_name: "Windows Server 2012 R2 Standard".into(),
        edition_id: "ServerStandard".into(),
        installation_type: "Server".into(),
        product_type: "LanmanNT".into(),
        build: 9600,
        internet_explorer: Some("11.0.9600.21616".into()),
        ..Default::default()
    }
}

#[test]
fn ie_and_os_verdicts_do_not_depend_on_host_os_id() {
    let k = kb();
    // host.os.id empty, as a caller that fills HostInfo differently would leave it.
    for id in ["", "windows-server"] {
        let (host, inv) = windows_host(id, server_2012_r2());
        let (f, _) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2026 - 11 - 24));
        let ie = f.iter().find(|f| f.check == CHECK_IE).unwrap_or_else(|| panic!("id {id:?}: no IE finding"));
        assert_eq!(ie.status, FindingStatus::Open, "id {id:?}");
        assert_eq!(ie.severity, Severity::Critical);
        assert_eq!(ie.attributes["eol_date"], "2023-10-10");
        assert_eq!(ie.attributes["extended_until"], "2026-10-13");
        assert!(ie.title.en.contains("Windows Server 2012 R2"), "{}", ie.title.en);
        let os = f.iter().find(|f| f.check == WINDOWS_CHECK_OS).unwrap();
        assert_eq!(os.attributes["product"], "windows-server", "id {id:?}");
    }
    // Inside the ESU window, IE on 2012 R2 is high (ESU needed), as the OS is.
    let (host, inv) = windows_host("", server_2012_r2());
    let (f, _) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2025 - 01 - 01));
    let ie = f.iter().find(|f| f.check == CHECK_IE).unwrap();
    assert_eq!(ie.severity, Severity::High);
}

#[test]
fn ie_on_server_2022_lives_until_its_own_end() {
    let k = kb();
    let w = antoan_model::WindowsInventory {
        product_name: "Windows Server 2022 Standard".into(),
        installation_type: "Server".into(),
        product_type: "ServerNT".into(),
        build: 20348,
        ubr: Some(4294),
        internet_explorer: Some("11.0.20348.1".into()),
        ..Default::default()
    };
    let (host, inv) = windows_host("", w);
    let (f, c) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2025 - 11 - 01));
    assert!(f.iter().all(|f| f.check != CHECK_IE), "{f:?}");
    assert!(c.iter().any(|c| c.check == CHECK_IE && c.outcome == CheckOutcome::Pass));
    // Patch data is one month old: the newest build passes.
    assert!(c.iter().any(|c| c.check == CHECK_PATCH && c.outcome == CheckOutcome::Pass), "{c:?}");
}

#[test]
fn patch_level_reports_months_behind_and_stale_data() {
    let k = kb();
    let w = |ubr| antoan_model::WindowsInventory {
        product_name: "Windows 10 Pro".into(),
        edition_id: "Professional".into(),
        installation_type: "Client".into(),
        build: 19045,
        ubr: Some(ubr),
        ..Default::default()
    };
    // Fresh data: 4 months behind, high; evidence names the data file and the KB.
    let (host, inv) = windows_host("windows", w(5965));
    let (f, _) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2025 - 11 - 20));
    let p = f.iter().find(|f| f.check == CHECK_PATCH).unwrap();
    assert_eq!((p.severity, p.attributes["months_behind"].as_str()), (Severity::High, "4"));
    assert_eq!(p.attributes["latest_known_kb"], "KB5066791");
    assert!(p.evidence[1].source.starts_with("knowledge/windows/patch-builds.toml"));
    assert!(!p.evidence[1].observed.contains("further behind"), "{}", p.evidence[1].observed);
    // A year later the same data is stale, and the finding says so.
    let (f, _) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2026 - 11 - 24));
    let p = f.iter().find(|f| f.check == CHECK_PATCH).unwrap();
    assert_eq!(p.attributes["patch_data_age_months"], "13");
    assert!(p.evidence[1].observed.contains("13 months older"), "{}", p.evidence[1].observed);
    // Up to date by stale data is not a pass.
    let (host, inv) = windows_host("windows", w(6456));
    let (f, c) = windows_verdicts(&host, &inv, &k.lifecycle, &k.patches, date!(2026 - 11 - 24));
    assert!(c.iter().any(|c| c.check == CHECK_PATCH && c.outcome == CheckOutcome::NotAssessed));
    let p = f.iter().find(|f| f.check == CHECK_PATCH).unwrap();
    assert!(p.reason.as_ref().unwrap().en.contains("2025-10"));
    // Without patch data the check is not assessed, never passed.
    let (f, _) = windows_verdicts(&host, &inv, &k.lifecycle, &PatchData::default(), date!(2025 - 10 - 20));
    let p = f.iter().find(|f| f.check == CHECK_PATCH).unwrap();
    assert_eq!(p.status, FindingStatus::NotAssessed);
}
