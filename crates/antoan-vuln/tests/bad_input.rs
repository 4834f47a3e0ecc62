//! Bad input is refused with a clear message naming the file (and line),
//! and the store is left exactly as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use antoan_vuln::osv::{parse_file, parse_json, parse_zip};
use antoan_vuln::{import, import_with_progress, ImportFile, Store, VulnErrorKind};

const GOOD: &str = r#"{"id":"DSA-1-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1"],
"affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]}]}]}"#;

fn file(origin: &str, bytes: impl Into<Vec<u8>>) -> ImportFile {
    ImportFile {
        origin: origin.into(),
        bytes: bytes.into(),
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opt).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A store with one good import, and its bytes.
fn store() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    import(&p, &[file("good.json", GOOD)], "2026-11-01").unwrap();
    let bytes = std::fs::read(&p).unwrap();
    (dir, p, bytes)
}

fn only_store_left(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["vuln.sqlite"], "temporary files left behind");
}

/// Imports `bad` after a good file; checks the error and that the store is untouched.
fn refused(bad: ImportFile, want_file: &str, want_msg: &str) -> antoan_vuln::VulnError {
    let (dir, p, before) = store();
    let e = import(
        &p,
        &[file("other.json", GOOD.replace("DSA-1-1", "DSA-2-1")), bad],
        "2026-11-02",
    )
    .unwrap_err();
    assert_eq!(e.file, want_file, "{e}");
    assert!(e.to_string().contains(want_msg), "{e}");
    assert!(e.text().vi.contains(want_file) && e.text().en.contains(want_file));
    assert_eq!(std::fs::read(&p).unwrap(), before, "store changed");
    only_store_left(dir.path());
    let st = Store::open(&p).unwrap().unwrap().status().unwrap();
    assert_eq!((st.generation, st.advisories), (1, 1));
    e
}

#[test]
fn huge_nesting() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = refused(
        file("deep.json", deep),
        "deep.json",
        "nesting is deeper than 128 levels",
    );
    assert_eq!(e.kind, VulnErrorKind::Syntax);
    // Deep nesting inside a field of a record too.
    let inner = format!(
        r#"{{"id":"X","affected":[{{"package":{{"ecosystem":"Debian:12","name":"a"}},"ecosystem_specific":{}1{}}}]}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let e = parse_json(inner.as_bytes(), "inner.json").unwrap_err();
    assert!(e.message.contains("nesting"), "{e}");
    // Brackets inside strings (and escaped quotes) are text, not nesting.
    let text = GOOD.replace(
        "\"aliases\"",
        &format!("\"summary\":\"\\\"{}\",\"aliases\"", "[{".repeat(500)),
    );
    assert!(parse_json(text.as_bytes(), "text.json").unwrap()[0]
        .summary
        .starts_with("\"[{"));
}

#[test]
fn truncated_zip() {
    let z = zip_of(&[
        ("DSA-3-1.json", GOOD.as_bytes()),
        (
            "DSA-4-1.json",
            GOOD.replace("DSA-1-1", "DSA-4-1").as_bytes(),
        ),
    ]);
    assert_eq!(parse_zip(&z, "all.zip").unwrap().len(), 2);
    for cut in [z.len() / 2, z.len() - 10, 30, 4] {
        let e = refused(file("all.zip", z[..cut].to_vec()), "all.zip", "zip");
        assert_eq!(e.kind, VulnErrorKind::Syntax, "{e}");
    }
    // Corrupt compressed data inside an intact directory: named by entry.
    let mut bad = z.clone();
    for b in bad.iter_mut().skip(50).take(40) {
        *b ^= 0x5a;
    }
    let e = parse_zip(&bad, "all.zip").unwrap_err();
    assert!(e.file.starts_with("all.zip"), "{e}");
}

#[test]
fn bad_entry_inside_zip_is_named() {
    let latin1 = b"{\"id\":\"DSA-5-1\",\n\"summary\":\"caf\xe9\"}";
    let z = zip_of(&[
        ("ok.json", GOOD.as_bytes()),
        ("sub/bad.json", latin1),
        ("README", b"not json"),
    ]);
    let e = refused(file("all.zip", z), "all.zip!sub/bad.json", "not UTF-8");
    assert_eq!(e.line, Some(2));
}

#[test]
fn wrong_encodings() {
    // UTF-16 with a byte-order mark.
    let mut u16le = vec![0xff, 0xfe];
    for c in GOOD.encode_utf16() {
        u16le.extend(c.to_le_bytes());
    }
    refused(file("u16.json", u16le.clone()), "u16.json", "UTF-16");
    // Without one: NUL bytes.
    refused(
        file("u16-nobom.json", u16le[2..].to_vec()),
        "u16-nobom.json",
        "NUL byte",
    );
    // Latin-1 (Vietnamese typed in a legacy code page): byte and line.
    let mut latin = GOOD
        .replace("\"aliases\"", "\n\"summary\":\"X\",\"aliases\"")
        .into_bytes();
    let x = latin.iter().position(|&b| b == b'X').unwrap();
    latin[x] = 0xe0;
    let e = refused(
        file("latin1.json", latin),
        "latin1.json",
        "not UTF-8 (byte 0xe0",
    );
    assert_eq!(e.line, Some(2));
    // A UTF-8 byte-order mark and Vietnamese text are fine.
    let bom = [
        &[0xef, 0xbb, 0xbf][..],
        GOOD.replace(
            "\"aliases\"",
            "\"summary\":\"Lỗ hổng trong OpenSSL\",\"aliases\"",
        )
        .as_bytes(),
    ]
    .concat();
    let a = parse_json(&bom, "bom.json").unwrap();
    assert_eq!(a[0].summary, "Lỗ hổng trong OpenSSL");
}

#[test]
fn garbage_and_wrong_shapes() {
    for (bytes, msg) in [
        (&b""[..], "file is empty"),
        (b"   \n", "file is empty"),
        (b"42", "expected an OSV record"),
        (b"\x7fELF\x02\x01\x01", "expected an OSV record"),
        (b"{\"id\": ", "EOF while parsing"),
        (b"{\"summary\": \"x\"}", "missing field `id`"),
        (b"{\"id\": \"\"}", "record id"),
        (b"{\"id\": \"a b\"}", "record id"),
        (b"{\"id\": \"X\", \"affected\": 5}", "invalid type"),
        (
            b"[{\"id\":\"A\"},\n{\"id\":\"B\",\n\"affected\":[{\"ranges\":[{\"events\":{}}]}]}]",
            "invalid type",
        ),
    ] {
        let e = parse_file(bytes, "x.json").unwrap_err();
        assert!(
            e.message.contains(msg),
            "{:?}: {e}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(e.file, "x.json");
    }
    let e = parse_file(
        b"[{\"id\":\"A\"},\n{\"id\":\"B\",\n\"affected\":[{\"ranges\":[{\"events\":{}}]}]}]",
        "x.json",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3));
    // Bytes of every value never panic.
    let mut seed = 0x9e3779b97f4a7c15u64;
    for n in 0..300 {
        let mut v = Vec::new();
        for _ in 0..(n % 97) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let alphabet = b"{}[]\":,0aPK\x03\x04\xff\n";
            v.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let _ = parse_file(&v, "fuzz.json");
    }
}

#[test]
fn too_big() {
    let big = vec![b' '; antoan_vuln::osv::MAX_JSON_BYTES + 1];
    let e = parse_json(&big, "big.json").unwrap_err();
    assert_eq!(e.kind, VulnErrorKind::Io);
    assert!(e.message.contains("MiB limit"));
}

#[test]
fn cancelled_import_leaves_store_intact() {
    let (dir, p, before) = store();
    let many: String = {
        let recs: Vec<String> = (0..2500)
            .map(|i| GOOD.replace("DSA-1-1", &format!("DSA-{}-1", i + 10)))
            .collect();
        format!("[{}]", recs.join(","))
    };
    let mut calls = 0;
    let e = import_with_progress(
        &p,
        &[file("many.json", many.clone())],
        "2026-11-03",
        &mut |n| {
            calls += 1;
            n < 2000
        },
    )
    .unwrap_err();
    assert!(e.message.contains("cancelled"), "{e}");
    assert_eq!(calls, 2);
    assert_eq!(std::fs::read(&p).unwrap(), before);
    only_store_left(dir.path());
    // The same import, not cancelled, goes through.
    let r = import(&p, &[file("many.json", many)], "2026-11-03").unwrap();
    assert_eq!((r.written, r.generation), (2500, 2));
    assert_eq!(
        Store::open(&p)
            .unwrap()
            .unwrap()
            .status()
            .unwrap()
            .advisories,
        2501
    );
}

#[test]
fn stale_temporary_file_from_a_crash_is_replaced() {
    let (dir, p, _) = store();
    // A previous import of this process died after writing half a file.
    let tmp = dir
        .path()
        .join(format!("vuln.sqlite.import-{}.tmp", std::process::id()));
    std::fs::write(&tmp, b"SQLite format 3\0garbage").unwrap();
    let r = import(
        &p,
        &[file("other.json", GOOD.replace("DSA-1-1", "DSA-2-1"))],
        "2026-11-02",
    )
    .unwrap();
    assert_eq!(r.generation, 2);
    only_store_left(dir.path());
}

#[test]
fn corrupt_store_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vuln.sqlite");
    for junk in [
        &b"not a database at all, just text"[..],
        b"SQLite format 3\0\x10\x00\x01\x01garbage",
    ] {
        std::fs::write(&p, junk).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert_eq!(e.kind, VulnErrorKind::Store, "{e}");
        let e = import(&p, &[file("good.json", GOOD)], "2026-11-02").unwrap_err();
        assert_eq!(e.kind, VulnErrorKind::Store);
        assert_eq!(std::fs::read(&p).unwrap(), junk);
        only_store_left(dir.path());
    }
    // A SQLite file of some other program.
    std::fs::remove_file(&p).unwrap();
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1);")
        .unwrap();
    drop(c);
    let e = Store::open(&p).err().unwrap();
    assert!(
        e.message.contains("not an antoan vulnerability store"),
        "{e}"
    );
}

#[test]
fn withdrawn_record_removes_the_advisory() {
    let (_d, p, _) = store();
    let w = GOOD.replace(
        "2024-01-01T00:00:00Z\"",
        "2024-02-01T00:00:00Z\",\"withdrawn\":\"2024-02-01T00:00:00Z\"",
    );
    let r = import(&p, &[file("w.json", w)], "2026-11-02").unwrap();
    assert_eq!((r.written, r.withdrawn), (0, 1));
    assert_eq!(
        Store::open(&p)
            .unwrap()
            .unwrap()
            .status()
            .unwrap()
            .advisories,
        0
    );
    // An older copy imported later does not bring back a newer one.
    let (_d, p, _) = store();
    let newer = GOOD
        .replace("2024-01-01", "2024-06-01")
        .replace("3.0.11-1~deb12u2", "3.0.11-1~deb12u3");
    import(&p, &[file("new.json", newer)], "2026-11-02").unwrap();
    let r = import(&p, &[file("old.json", GOOD)], "2026-11-03").unwrap();
    assert_eq!((r.written, r.unchanged), (0, 1));
    let s = Store::open(&p).unwrap().unwrap();
    let l = s.lookup("Debian:12", ["openssl"]).unwrap();
    assert_eq!(l.entries["openssl"][0].0.modified, "2024-06-01");
}
