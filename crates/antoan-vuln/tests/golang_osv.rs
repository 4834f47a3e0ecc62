//! Real data: the OSV records shipped by Debian's golang-golang-x-vuln-dev.

use std::path::PathBuf;

use antoan_version::Scheme;
use antoan_vuln::osv::{self, RangeScheme};
use antoan_vuln::{import, judge, ImportFile, Store, Verdict};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golang-vuln");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_shipped_record_parses() {
    let files = fixtures();
    assert_eq!(files.len(), 9);
    let mut copies = 0;
    let mut ids = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let adv = osv::parse_json(&bytes, &f.display().to_string()).unwrap();
        assert!(!adv.is_empty(), "{}", f.display());
        for a in &adv {
            assert!(a.id.starts_with("GO-"), "{}", a.id);
            assert!(!a.affected.is_empty());
            assert!(a.affected.iter().all(|x| x.ecosystem == "Go"));
            assert!(a
                .affected
                .iter()
                .flat_map(|x| &x.ranges)
                .all(|r| r.scheme == RangeScheme::Semver));
            ids.push(a.id.clone());
        }
        copies += adv.len();
    }
    assert_eq!(copies, 18);
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids,
        [
            "GO-2020-0015",
            "GO-2021-0054",
            "GO-2021-0059",
            "GO-2021-0113",
            "GO-2021-0157",
            "GO-2021-0159",
            "GO-2021-0265",
            "GO-2022-0463",
            "GO-2022-0569",
            "GO-2022-0572",
            "GO-2022-0592"
        ]
    );
}

#[test]
fn import_and_match_go_modules() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("vuln.sqlite");
    let files: Vec<ImportFile> = fixtures()
        .iter()
        .map(|p| ImportFile::read(p).unwrap())
        .collect();
    let r = import(&store_path, &files, "2026-11-24").unwrap();
    assert_eq!(r.files.len(), 9);
    assert_eq!(r.generation, 1);
    // 11 distinct advisories; the other 7 copies are the same records again.
    assert_eq!(r.written, 11);
    assert_eq!(r.unchanged, 7);
    let store = Store::open(&store_path).unwrap().unwrap();
    let st = store.status().unwrap();
    assert_eq!(st.advisories, 11);
    assert_eq!(st.ecosystems, vec![("Go".to_string(), 14)]);
    assert_eq!(st.sources.len(), 9);
    assert_eq!(st.updated, "2026-11-24");

    let verdict = |pkg: &str, ver: &str| -> Vec<(String, Verdict)> {
        let l = store.lookup("Go", [pkg]).unwrap();
        l.entries
            .get(pkg)
            .map(|v| {
                v.iter()
                    .map(|(i, a)| (i.id.clone(), judge(ver, a, Scheme::Semver)))
                    .filter(|(_, v)| *v != Verdict::NotAffected)
                    .collect()
            })
            .unwrap_or_default()
    };
    let fixable = |fixed: &str| Verdict::Fixable {
        fixed: fixed.into(),
        severity: None,
    };

    // gjson 1.6.5: GO-2021-0054 (fixed 1.6.6), -0265 and -0592 (fixed 1.9.3); -0059 fixed 1.6.4 already.
    assert_eq!(
        verdict("github.com/tidwall/gjson", "v1.6.5"),
        vec![
            ("GO-2021-0054".into(), fixable("1.6.6")),
            ("GO-2021-0265".into(), fixable("1.9.3")),
            ("GO-2022-0592".into(), fixable("1.9.3")),
        ]
    );
    assert!(verdict("github.com/tidwall/gjson", "1.9.3").is_empty());
    assert_eq!(verdict("github.com/tidwall/gjson", "1.6.3").len(), 4);
    // golang.org/x/text 0.3.5: only GO-2021-0113 (fixed 0.3.7).
    assert_eq!(
        verdict("golang.org/x/text", "0.3.5"),
        vec![("GO-2021-0113".into(), fixable("0.3.7"))]
    );
    // beego v1 has GO-2022-0572 with no fix at all: unfixed, with a reason.
    let b = verdict("github.com/beego/beego", "1.12.11");
    assert_eq!(
        b,
        vec![(
            "GO-2022-0572".into(),
            Verdict::Unfixed {
                reason: "no fixed version is published".into()
            }
        )]
    );
    // beego/v2 1.x does not exist in the v2 path; 2.0.2 is hit by all three, 2.0.4 by none.
    assert_eq!(verdict("github.com/beego/beego/v2", "2.0.2").len(), 3);
    assert!(verdict("github.com/beego/beego/v2", "2.0.4").is_empty());
    // stdlib 1.4.2: two advisories, fixed 1.4.3; CVE aliases kept.
    let l = store.lookup("Go", ["stdlib"]).unwrap();
    let cves: Vec<Vec<String>> = l.entries["stdlib"].iter().map(|(i, _)| i.cves()).collect();
    assert_eq!(
        cves,
        vec![
            vec!["CVE-2015-5739".to_string()],
            vec![
                "CVE-2015-5739".into(),
                "CVE-2015-5740".into(),
                "CVE-2015-5741".into()
            ]
        ]
    );
    assert_eq!(verdict("stdlib", "1.4.2").len(), 2);
    assert!(verdict("stdlib", "1.4.3").is_empty());
    // Another ecosystem or package name: nothing.
    assert!(store
        .lookup("Debian:12", ["stdlib"])
        .unwrap()
        .entries
        .is_empty());

    // Importing the same files again changes nothing but the generation.
    let r2 = import(&store_path, &files, "2026-11-25").unwrap();
    assert_eq!((r2.written, r2.unchanged, r2.generation), (0, 18, 2));
}
