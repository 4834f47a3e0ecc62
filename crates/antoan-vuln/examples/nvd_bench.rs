//! Benchmark of NVD matching (bench/vuln-nvd.sh runs this): generates a
//! synthetic NVD CVE API 2.0 feed split into yearly files, imports it, and
//! matches a Windows host with many installed programs against it.
//!
//! Usage: nvd_bench [CVES=50000] [PROGRAMS=300] [RUNS=20] [OUTDATED=100]
//!
//! OUTDATED: percent of the mapped programs at an old version (the others
//! are newer than every range in the feed). 100 is the worst case: every
//! mapped program is matched against all its CVEs and most of them hit.
//!
//! The feed is shaped like NVD's: 2,000 application products with a long
//! tail plus the products of antoan's program → CPE map (Chrome, Firefox,
//! Acrobat … get many CVEs, as in reality); each CVE has one configuration
//! with 1–3 `cpeMatch` ranges (`versionEndExcluding`, sometimes a start);
//! a tenth are `AND` configurations with a `vulnerable: false` Windows
//! platform node; 5% name a Windows 10/11 release with build bounds.
//! The host: Windows 10 22H2 with PROGRAMS programs, a sixth of them mapped
//! to NVD products, the rest unknown to the map.

use std::time::Instant;

use antoan_model::windows::{WindowsInventory, WindowsProgram, WindowsRole};
use antoan_model::{HostInfo, Inventory, OsFamily, OsInfo};
use antoan_vuln::nvd::PatchLevel;
use antoan_vuln::{import, ImportFile};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Products of the embedded map, with a DisplayName and publisher that map to them.
const MAPPED: [(&str, &str, &str); 14] = [
    ("google:chrome", "Google Chrome", "Google LLC"),
    ("mozilla:firefox", "Mozilla Firefox (x64 en-US)", "Mozilla"),
    (
        "adobe:acrobat_reader_dc",
        "Adobe Acrobat Reader DC",
        "Adobe Systems Incorporated",
    ),
    ("7-zip:7-zip", "7-Zip 19.00 (x64)", "Igor Pavlov"),
    ("rarlab:winrar", "WinRAR 6.02 (64-bit)", "win.rar GmbH"),
    (
        "foxit:pdf_reader",
        "Foxit PDF Reader",
        "Foxit Software Inc.",
    ),
    (
        "oracle:jre",
        "Java 8 Update 381 (64-bit)",
        "Oracle Corporation",
    ),
    ("teamviewer:teamviewer", "TeamViewer", "TeamViewer"),
    (
        "notepad-plus-plus:notepad++",
        "Notepad++ (64-bit x64)",
        "Notepad++ Team",
    ),
    ("videolan:vlc_media_player", "VLC media player", "VideoLAN"),
    (
        "microsoft:edge_chromium",
        "Microsoft Edge",
        "Microsoft Corporation",
    ),
    (
        "zoom:meetings",
        "Zoom Workplace",
        "Zoom Video Communications, Inc.",
    ),
    ("winscp:winscp", "WinSCP 6.1", "Martin Prikryl"),
    (
        "mozilla:thunderbird",
        "Mozilla Thunderbird (x64 vi)",
        "Mozilla",
    ),
];

fn version(r: &mut Rng) -> String {
    format!("{}.{}.{}", 1 + r.below(30), r.below(20), r.below(200))
}

fn escape(vendor_product: &str) -> String {
    vendor_product.replace('+', "\\\\+")
}

fn cve_json(i: u64, year: u64, r: &mut Rng, products: u64) -> String {
    let id = format!("CVE-{year}-{:05}", 10000 + i);
    let pick = r.below(100);
    let (product, windows) = if pick < 5 {
        (String::new(), true)
    } else if pick < 30 {
        (
            MAPPED[r.below(MAPPED.len() as u64) as usize].0.to_string(),
            false,
        )
    } else {
        // Long tail: low ids are much more frequent.
        let k = r.below(products).min(r.below(products));
        (format!("vendor{k:04}:product{k:04}"), false)
    };
    let sev = ["LOW", "MEDIUM", "HIGH", "CRITICAL"][r.below(4) as usize];
    let mut matches = Vec::new();
    if windows {
        let (prod, build) = [
            ("windows_10_22h2", 19045),
            ("windows_11_23h2", 22631),
            ("windows_11_24h2", 26100),
        ][r.below(3) as usize];
        matches.push(format!(
            r#"{{"vulnerable":true,"criteria":"cpe:2.3:o:microsoft:{prod}:*:*:*:*:*:*:x64:*","versionEndExcluding":"10.0.{build}.{}"}}"#,
            3000 + r.below(4000)
        ));
    } else {
        for _ in 0..1 + r.below(3) {
            let start = if r.below(3) == 0 {
                format!(r#","versionStartIncluding":"{}""#, version(r))
            } else {
                String::new()
            };
            let vp = escape(&product);
            matches.push(format!(
                r#"{{"vulnerable":true,"criteria":"cpe:2.3:a:{}:*:*:*:*:*:*:*:*"{start},"versionEndExcluding":"{}"}}"#,
                vp,
                version(r)
            ));
        }
    }
    let config = if !windows && r.below(10) == 0 {
        format!(
            r#"{{"operator":"AND","nodes":[{{"operator":"OR","negate":false,"cpeMatch":[{}]}},{{"operator":"OR","negate":false,"cpeMatch":[{{"vulnerable":false,"criteria":"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"}}]}}]}}"#,
            matches.join(",")
        )
    } else {
        format!(
            r#"{{"nodes":[{{"operator":"OR","negate":false,"cpeMatch":[{}]}}]}}"#,
            matches.join(",")
        )
    };
    format!(
        r#"{{"cve":{{"id":"{id}","sourceIdentifier":"cve@mitre.org","published":"{year}-0{}-1{}T10:15:00.000","lastModified":"2026-0{}-01T00:00:00.000","vulnStatus":"Analyzed","descriptions":[{{"lang":"en","value":"Synthetic vulnerability {i} for the benchmark: a crafted file may lead to code execution."}}],"metrics":{{"cvssMetricV31":[{{"source":"nvd@nist.gov","type":"Primary","cvssData":{{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H","baseScore":8.8,"baseSeverity":"{sev}"}}}}]}},"configurations":[{config}],"references":[{{"url":"https://example.invalid/{id}","source":"cve@mitre.org"}}]}}}}"#,
        1 + r.below(9),
        r.below(10),
        1 + r.below(9),
    )
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let cves = args.first().copied().unwrap_or(50_000);
    let programs = args.get(1).copied().unwrap_or(300);
    let runs = args.get(2).copied().unwrap_or(20).max(1);
    let outdated = args.get(3).copied().unwrap_or(100).min(100);
    let mut r = Rng(0x5eed_1234_abcd_9876);

    // 1. Yearly feed files.
    let t = Instant::now();
    let years = 5u64;
    let per = cves.div_ceil(years);
    let mut files = Vec::new();
    let mut bytes = 0usize;
    for y in 0..years {
        let year = 2021 + y;
        let n = per.min(cves.saturating_sub(y * per));
        let items: Vec<String> = (0..n)
            .map(|i| cve_json(y * per + i, year, &mut r, 2000))
            .collect();
        let feed = format!(
            r#"{{"resultsPerPage":{n},"startIndex":0,"totalResults":{n},"format":"NVD_CVE","version":"2.0","timestamp":"2026-11-01T00:00:00.000","vulnerabilities":[{}]}}"#,
            items.join(",")
        );
        bytes += feed.len();
        files.push(ImportFile {
            origin: format!("nvdcve-2.0-{year}.json"),
            bytes: feed.into_bytes(),
        });
    }
    println!(
        "generated {cves} CVEs in {} yearly feed files ({:.1} MB JSON) in {:.2} s",
        files.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // 2. Import.
    let dir = std::env::temp_dir().join(format!("antoan-nvd-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store = dir.join("vuln.sqlite");
    let t = Instant::now();
    let rep = import(&store, &files, "2026-11-24").expect("import");
    let import_s = t.elapsed().as_secs_f64();
    println!(
        "import: {} CVEs written in {import_s:.2} s ({:.0} CVEs/s); store {:.1} MB",
        rep.written,
        rep.written as f64 / import_s,
        rep.store_bytes as f64 / 1e6
    );

    // 3. The host.
    let mut progs = Vec::new();
    for i in 0..programs {
        if i % 6 == 0 {
            let (_, name, publisher) = MAPPED[(i / 6) as usize % MAPPED.len()];
            // `outdated` in 100 mapped programs are old (any version); the
            // others are current (newer than every range in the feed).
            let v = if r.below(100) < outdated {
                version(&mut r)
            } else {
                format!("31.{}.{}", r.below(20), r.below(200))
            };
            progs.push(WindowsProgram {
                name: name.into(),
                version: v,
                publisher: publisher.into(),
                scope: "machine".into(),
                key: format!("k{i}"),
                install_date: String::new(),
            });
        } else {
            progs.push(WindowsProgram {
                name: format!("Line-of-business tool {i}"),
                version: version(&mut r),
                publisher: format!("Vendor {i}"),
                scope: "machine".into(),
                key: format!("k{i}"),
                install_date: String::new(),
            });
        }
    }
    let host = HostInfo {
        hostname: "bench".into(),
        os: OsInfo {
            family: OsFamily::Windows,
            name: "Windows 10 Pro".into(),
            ..OsInfo::default()
        },
        source: "bench".into(),
        ..HostInfo::default()
    };
    let inv = Inventory {
        windows: Some(WindowsInventory {
            product_name: "Windows 10 Pro".into(),
            installation_type: "Client".into(),
            display_version: "22H2".into(),
            build: 19045,
            ubr: Some(5371),
            architecture: "x64".into(),
            role: WindowsRole::Workstation,
            programs: progs,
            ..WindowsInventory::default()
        }),
        ..Inventory::default()
    };

    // 4. Match: open store + map + lookup + evaluate, as the audit does.
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out =
            antoan_vuln::audit_windows(&store, &host, &inv, PatchLevel::Month("2025-01".into()))
                .expect("match")
                .expect("store has NVD data");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    // Where the time goes: read (lookup) vs evaluate.
    {
        let s = antoan_vuln::Store::open(&store)
            .expect("open")
            .expect("store");
        let map = antoan_vuln::program_map(&s).expect("map");
        let win = inv.windows.as_ref().expect("windows");
        let mut platforms =
            antoan_vuln::nvd_match::windows_platforms(win, PatchLevel::Month("2025-01".into()));
        platforms.extend(map.platforms(&win.programs));
        let keys = antoan_vuln::nvd_match::lookup_keys(&platforms);
        let t = Instant::now();
        let lookup = s
            .nvd_lookup(keys.iter().map(String::as_str))
            .expect("lookup");
        let read_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let _ = antoan_vuln::nvd_match::evaluate(&host, &platforms, &lookup);
        let eval_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "one run split: read {} candidate CVEs for {} products {read_ms:.1} ms, evaluate {eval_ms:.1} ms",
            lookup.cves.len(),
            keys.len()
        );
    }
    let (findings, check) = last.expect("ran");
    let cves_named: usize = findings
        .iter()
        .map(|f| f.attributes.get("cve").map_or(0, |c| c.split(", ").count()))
        .sum();
    println!(
        "match: {programs} programs (+ Windows 10 22H2), {outdated}% of the mapped ones outdated → {} findings naming {cves_named} CVEs, check {:?}",
        findings.len(),
        check.outcome
    );
    println!(
        "match time over {runs} runs: median {:.1} ms, min {:.1} ms, max {:.1} ms (goal < 100 ms)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
