//! Benchmark of the vulnerability store (bench/vuln-match.sh runs this):
//! generates a full-size synthetic OSV Debian feed as an `all.zip` (one JSON
//! record per entry, like the real feed), imports it, and matches a
//! synthetic inventory against it.
//!
//! Usage: vuln_bench [ADVISORIES=50000] [PACKAGES=3000] [RUNS=20]
//!
//! The feed is shaped like Debian's: each advisory names one source package
//! in Debian 11, 12 and 13; about a fifth are for `linux` (the kernel has by
//! far the most CVEs), the rest spread over 6,000 source packages with a long
//! tail; ~12% have no fix (half of them no-DSA), fixed versions are Debian
//! security revisions (`+deb12uN`) around the installed ones.

use std::io::Write;
use std::time::Instant;

use antoan_model::{HostInfo, Inventory, OsInfo, Package, PackageManager};

/// A small deterministic generator (xorshift64*), so runs are comparable.
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

const SOURCES: u64 = 6000;

fn source_name(i: u64) -> String {
    if i == 0 {
        "linux".into()
    } else {
        format!("src{i:05}")
    }
}

/// Installed version of source `i` on the Debian 12 host.
fn installed(i: u64) -> String {
    format!(
        "{}.{}.{}-{}+deb12u{}",
        1 + i % 7,
        i % 13,
        i % 29,
        1 + i % 4,
        2 + i % 5
    )
}

fn pick_source(r: &mut Rng) -> u64 {
    if r.below(5) == 0 {
        return 0;
    }
    // Long tail: squaring a uniform number favours low ids.
    let u = r.below(1_000_000) as f64 / 1_000_000.0;
    1 + ((u * u) * (SOURCES - 1) as f64) as u64
}

fn record(r: &mut Rng, n: u64) -> String {
    let src = pick_source(r);
    let name = source_name(src);
    let base = installed(src);
    let (stem, deb) = base.rsplit_once("+deb12u").unwrap_or((&base, "2"));
    let deb: i64 = deb.parse().unwrap_or(2);
    let kind = r.below(100);
    let mut affected = Vec::new();
    for rel in ["11", "12", "13"] {
        let ranges = if kind < 6 {
            r#""ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],"database_specific":{"status":"no-dsa: Minor issue"}"#.to_string()
        } else if kind < 12 {
            r#""ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]"#.to_string()
        } else {
            // Fixed a few revisions before or after the installed one.
            let fixed_u = (deb + r.below(7) as i64 - 4).max(1);
            let fixed = match rel {
                "12" => format!("{stem}+deb12u{fixed_u}"),
                "11" => format!("{stem}~deb11u{fixed_u}"),
                _ => format!("{stem}.{fixed_u}-1"),
            };
            format!(
                r#""ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]"#
            )
        };
        affected.push(format!(
            r#"{{"package":{{"ecosystem":"Debian:{rel}","name":"{name}"}},{ranges}}}"#
        ));
    }
    format!(
        r#"{{"schema_version":"1.6.0","id":"DEBIAN-CVE-{year}-{num:05}","modified":"2026-0{m}-1{d}T00:00:00Z","published":"2025-01-01T00:00:00Z","upstream":["CVE-{year}-{num:05}"],"summary":"Synthetic issue {n} in {name}","details":"Generated for the antoan benchmark; not a real advisory. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.","affected":[{aff}],"references":[{{"type":"ADVISORY","url":"https://security-tracker.debian.org/tracker/CVE-{year}-{num:05}"}}]}}"#,
        year = 2014 + n % 12,
        num = n,
        m = 1 + n % 9,
        d = n % 10,
        aff = affected.join(","),
    )
}

/// CPU time this thread has run, in ms (`/proc/thread-self/schedstat`, ns
/// resolution), so figures are comparable on a busy shared machine.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |ns| ns / 1e6)
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let advisories = args.first().copied().unwrap_or(50_000);
    let packages = args.get(1).copied().unwrap_or(3_000);
    let runs = args.get(2).copied().unwrap_or(20).max(1);
    let dir = std::env::temp_dir().join(format!("antoan-vuln-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    // 1. The feed.
    let t = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for n in 0..advisories {
        let rec = record(&mut rng, n);
        w.start_file(format!("DEBIAN-CVE-{:05}.json", n), opt)
            .expect("zip entry");
        w.write_all(rec.as_bytes()).expect("zip write");
    }
    let zip_bytes = w.finish().expect("zip").into_inner();
    let zip_path = dir.join("all.zip");
    std::fs::write(&zip_path, &zip_bytes).expect("write zip");
    println!(
        "feed: {advisories} advisories, all.zip {:.1} MiB, generated in {:.2} s",
        zip_bytes.len() as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );

    // 2. Import.
    let store = dir.join("vuln.sqlite");
    let t = Instant::now();
    let file = antoan_vuln::ImportFile::read(&zip_path).expect("read zip");
    let r = antoan_vuln::import(&store, &[file], "2026-11-24").expect("import");
    let import_s = t.elapsed().as_secs_f64();
    println!(
        "import: {:.2} s, {} advisories written, store {:.1} MiB",
        import_s,
        r.written,
        r.store_bytes as f64 / 1048576.0
    );

    // 3. The inventory: `packages` binary packages from about 2/3 as many sources, linux included.
    let mut inv = Inventory::default();
    let mut k = 0u64;
    let mut src = 0u64;
    while (inv.packages.len() as u64) < packages {
        let s = if src == 0 {
            0
        } else {
            1 + (src * 7919) % (SOURCES - 1)
        };
        let version = installed(s);
        let nbin = if k.is_multiple_of(2) { 2 } else { 1 };
        for b in 0..nbin {
            if inv.packages.len() as u64 >= packages {
                break;
            }
            inv.packages.push(Package {
                name: format!("{}-bin{b}", source_name(s)),
                version: version.clone(),
                arch: "amd64".into(),
                source_name: source_name(s),
                source_version: version.clone(),
                manager: PackageManager::Dpkg,
                vendor: String::new(),
            });
        }
        k += 1;
        src += 1;
    }
    let host = HostInfo {
        hostname: "bench".into(),
        os: OsInfo {
            id: "debian".into(),
            version: "12".into(),
            ..OsInfo::default()
        },
        source: "live".into(),
        ..HostInfo::default()
    };

    // 4. Match: open the store, look up, evaluate — what an audit pays.
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let c = cpu_ms();
        let out = antoan_vuln::audit(&store, &host, &inv)
            .expect("match")
            .expect("store present");
        cpu.push(cpu_ms() - c);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    cpu.sort_by(|a, b| a.total_cmp(b));
    // Where the time goes: store lookup vs pure evaluation.
    let eco = antoan_vuln::ecosystem_for(&host.os).expect("debian 12");
    let names: Vec<String> = antoan_vuln::source_packages(&inv, PackageManager::Dpkg)
        .into_iter()
        .map(|p| p.name)
        .collect();
    let t = Instant::now();
    {
        let c = rusqlite::Connection::open_with_flags(
            &store,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open");
        let mut q = c
            .prepare("SELECT entries FROM packages WHERE ecosystem=?1 AND package=?2")
            .expect("prepare");
        let mut bytes = 0usize;
        for n in &names {
            let r: Option<String> = q.query_row(rusqlite::params![eco, n], |r| r.get(0)).ok();
            bytes += r.map_or(0, |s| s.len());
        }
        println!(
            "split: raw SQL fetch {:.1} ms ({:.1} MiB of entries)",
            t.elapsed().as_secs_f64() * 1000.0,
            bytes as f64 / 1048576.0
        );
    }
    let t = Instant::now();
    let st = antoan_vuln::Store::open(&store)
        .expect("open")
        .expect("present");
    let lookup = st
        .lookup(&eco, names.iter().map(String::as_str))
        .expect("lookup");
    let lookup_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let _ = antoan_vuln::evaluate(&host, &inv, &lookup);
    let eval_ms = t.elapsed().as_secs_f64() * 1000.0;
    let rows: usize = lookup.entries.values().map(Vec::len).sum();
    println!(
        "split: open+lookup {lookup_ms:.1} ms ({rows} candidate entries), evaluate {eval_ms:.1} ms"
    );
    let (findings, _) = last.expect("one run");
    let open = findings
        .iter()
        .filter(|f| f.check == antoan_vuln::CHECK_ID)
        .count();
    let cves: usize = findings.iter().map(|f| f.evidence.len()).sum();
    println!(
        "match: {} packages ({} source packages) -> {} findings ({} fixable, {} unfixed; {} advisory hits)",
        inv.packages.len(),
        src,
        findings.len(),
        open,
        findings.len() - open,
        cves
    );
    println!(
        "match time over {runs} runs: min {:.1} ms, median {:.1} ms, max {:.1} ms (goal < 100 ms)",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    println!(
        "match CPU time (this thread, independent of other load): min {:.1} ms, median {:.1} ms",
        cpu[0],
        cpu[cpu.len() / 2]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
