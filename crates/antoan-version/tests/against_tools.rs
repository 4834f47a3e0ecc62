//! Property tests: our orderings against the reference implementations.
//!
//! * dpkg: `dpkg --compare-versions` (always present on Debian/Ubuntu, the
//!   test fails when it is missing).
//! * rpm: python3-rpm's `rpm.labelCompare` (Debian package `python3-rpm`,
//!   installed by .ci/run). Without it the test says so and checks only the
//!   rpm test-suite vectors in the unit tests.
//!
//! Pairs are generated in batches so one process answers many comparisons.

use std::cmp::Ordering;
use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;

use antoan_version::{dpkg, rpm};

/// Pieces real Debian versions are made of, so generated pairs often share
/// prefixes and differ in the interesting places.
const DEB_PIECES: &[&str] = &[
    "0", "1", "2", "9", "10", "01", "00", "99", ".", "~", "+", "a", "b", "z", "A", "Z", "~rc",
    "~bpo", "+deb12u", "+dfsg", "~beta", "+b", "ubuntu", "build", "+really", "~~", "..",
    "+git2023",
];

fn deb_part(first_digit: bool, allow_hyphen: bool) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(DEB_PIECES), 0..6).prop_flat_map(move |pieces| {
        (0u8..10, prop::bool::ANY).prop_map(move |(d, hyphen)| {
            let mut s = String::new();
            if first_digit {
                s.push((b'0' + d) as char);
            }
            for p in &pieces {
                s.push_str(p);
            }
            if allow_hyphen && hyphen && !s.is_empty() {
                s.push_str("-1");
            }
            s
        })
    })
}

fn deb_version() -> impl Strategy<Value = String> {
    (
        prop::option::weighted(0.2, 0u8..3),
        deb_part(true, true),
        prop::option::of(deb_part(true, false)),
    )
        .prop_map(|(epoch, up, rev)| {
            let mut s = String::new();
            if let Some(e) = epoch {
                s.push_str(&format!("{e}:"));
            }
            s.push_str(&up);
            if let Some(r) = rev {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
}

/// A pair: independent, or the second derived from the first by a small edit.
fn deb_pair() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (deb_version(), deb_version()),
        (
            deb_version(),
            prop::sample::select(&["~", "+deb12u1", "~bpo12+1", "0", "a", ".0", "+b1", "-1"][..])
        )
            .prop_map(|(a, suffix)| {
                let b = format!("{a}{suffix}");
                (a, b)
            }),
        deb_version().prop_map(|a| (a.clone(), a)),
    ]
}

fn ord_char(o: Ordering) -> char {
    match o {
        Ordering::Less => '<',
        Ordering::Equal => '=',
        Ordering::Greater => '>',
    }
}

/// Asks dpkg about every pair in one shell run; returns '<', '=' or '>' per pair.
fn dpkg_batch(pairs: &[(String, String)]) -> Vec<char> {
    let mut script = String::new();
    for (a, b) in pairs {
        // Versions are made of [0-9A-Za-z.+~:-] only: safe inside single quotes.
        script.push_str(&format!(
            "if dpkg --compare-versions '{a}' lt '{b}'; then echo '<'; elif dpkg --compare-versions '{a}' eq '{b}'; then echo '='; else echo '>'; fi\n"
        ));
    }
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .stderr(Stdio::null())
        .output()
        .expect("sh runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.lines()
        .map(|l| l.chars().next().unwrap_or('?'))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// 8 batches of 400 pairs = 3,200 pairs per run.
    #[test]
    fn dpkg_matches_dpkg_compare_versions(pairs in prop::collection::vec(deb_pair(), 400)) {
        assert!(Command::new("dpkg").arg("--version").output().is_ok(), "dpkg is required for this test");
        let want = dpkg_batch(&pairs);
        prop_assert_eq!(want.len(), pairs.len());
        for ((a, b), w) in pairs.iter().zip(want) {
            prop_assert!(dpkg::DpkgVersion::parse(a).is_ok(), "generator made invalid {}", a);
            prop_assert_eq!(ord_char(dpkg::compare(a, b)), w, "{} vs {}", a, b);
        }
    }
}

const RPM_PIECES: &[&str] = &[
    "0", "1", "2", "9", "10", "01", "00", ".", "~", "^", "_", "+", "a", "b", "rc", "git", "el",
    "fc", "p", "~rc", "^git", "..", "~~", "^^", "Z",
];

fn rpm_part() -> impl Strategy<Value = String> {
    (
        0u8..10,
        prop::collection::vec(prop::sample::select(RPM_PIECES), 0..6),
    )
        .prop_map(|(d, p)| {
            let mut s = String::new();
            s.push((b'0' + d) as char);
            for x in p {
                s.push_str(x);
            }
            s
        })
}

/// (epoch, version, release) with the release always present, as in a package.
fn rpm_evr() -> impl Strategy<Value = (u8, String, String)> {
    (0u8..3, rpm_part(), rpm_part())
}

fn python_rpm() -> Option<std::path::PathBuf> {
    for py in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(py)
            .args(["-c", "import rpm"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(py.into());
        }
    }
    None
}

type Evr = (u8, String, String);

fn rpm_batch(py: &std::path::Path, pairs: &[(Evr, Evr)]) -> Vec<i32> {
    let code = "import rpm,sys\nfor l in sys.stdin:\n a=l.split()\n print(rpm.labelCompare((a[0],a[1],a[2]),(a[3],a[4],a[5])))\n";
    let mut child = Command::new(py)
        .args(["-c", code])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for ((e1, v1, r1), (e2, v2, r2)) in pairs {
            writeln!(stdin, "{e1} {v1} {r1} {e2} {v2} {r2}").expect("write");
        }
    }
    let out = child.wait_with_output().expect("python3 finishes");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| l.trim().parse().expect("number"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5, ..ProptestConfig::default() })]

    /// 5 batches of 1,000 pairs.
    #[test]
    fn rpm_matches_python_rpm(pairs in prop::collection::vec((rpm_evr(), rpm_evr()), 1000)) {
        let Some(py) = python_rpm() else {
            eprintln!("python3-rpm is not installed: rpm ordering checked against rpm's test vectors only");
            return Ok(());
        };
        let want = rpm_batch(&py, &pairs);
        prop_assert_eq!(want.len(), pairs.len());
        for (((e1, v1, r1), (e2, v2, r2)), w) in pairs.iter().zip(want) {
            let a = format!("{e1}:{v1}-{r1}");
            let b = format!("{e2}:{v2}-{r2}");
            prop_assert_eq!(rpm::compare(&a, &b), w.cmp(&0), "{} vs {}", a, b);
        }
    }
}
