//! Signed bundles: built, verified, and refused when tampered with. Keys are
//! made at test time; none is committed.

use std::io::Write;
use std::path::PathBuf;

use antoan_vuln::bundle::{self, BundleInput, Trust};
use antoan_vuln::{import, Store, VulnErrorKind};

fn inputs() -> Vec<BundleInput> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    [
        "distro/DSA-5532-1.json",
        "distro/DSA-5514-1.json",
        "kev/kev.json",
    ]
    .iter()
    .map(|p| BundleInput {
        name: p.to_string(),
        bytes: std::fs::read(dir.join(p)).unwrap(),
        source: "antoan test fixtures".into(),
        licence: "Apache-2.0".into(),
    })
    .collect()
}

/// Rewrites one entry of a zip, keeping the others.
fn replace_entry(zip_bytes: &[u8], name: &str, f: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let n = e.name().unwrap().to_string();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut buf).unwrap();
        if n == name {
            f(&mut buf);
        }
        w.start_file(n, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&buf).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn signed_bundle_round_trip_and_import() {
    let key = bundle::generate_key().unwrap();
    let b = bundle::create(&inputs(), "2026-11-24", &key).unwrap();
    assert!(bundle::looks_like_bundle(&b));
    let o = bundle::open(&b, "kb.zip", Trust::Key(&key.verifying_key())).unwrap();
    assert!(o.signed);
    assert_eq!(o.manifest.files.len(), 3);
    assert_eq!(o.manifest.files[0].path, "data/DSA-5532-1.json");
    assert_eq!(o.files[2].origin, "kb.zip!data/kev.json");
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("vuln.sqlite");
    let r = import(&store, &o.files, "2026-11-24").unwrap();
    assert_eq!(r.written, 2);
    let st = Store::open(&store).unwrap().unwrap().status().unwrap();
    assert_eq!((st.advisories, st.kev), (2, 2));
    // Keys survive their hex form.
    let hex = bundle::signing_key_to_hex(&key);
    assert_eq!(
        bundle::signing_key_from_hex(&hex, "k").unwrap().to_bytes(),
        key.to_bytes()
    );
    let pubhex = bundle::verifying_key_to_hex(&key.verifying_key());
    assert_eq!(
        bundle::verifying_key_from_hex(&pubhex, "k.pub").unwrap(),
        key.verifying_key()
    );
    assert!(bundle::verifying_key_from_hex("zz", "k.pub").is_err());
}

#[test]
fn tampering_is_refused() {
    let key = bundle::generate_key().unwrap();
    let vk = key.verifying_key();
    let b = bundle::create(&inputs(), "2026-11-24", &key).unwrap();

    // A data file changed after signing: its sha256 no longer matches.
    let t = replace_entry(&b, "data/DSA-5514-1.json", |d| d.extend_from_slice(b" "));
    let e = bundle::open(&t, "kb.zip", Trust::Key(&vk)).err().unwrap();
    assert_eq!(e.kind, VulnErrorKind::Integrity);
    assert_eq!(e.file, "kb.zip!data/DSA-5514-1.json");
    assert!(e.message.contains("sha256 is"), "{e}");
    // Hashes are checked even when the signature is not.
    assert!(bundle::open(&t, "kb.zip", Trust::AllowUnsigned).is_err());

    // The manifest changed (a hash edited to match a swapped file): bad signature.
    let t = replace_entry(&b, "manifest.toml", |d| {
        let s = String::from_utf8(d.clone())
            .unwrap()
            .replace("Apache-2.0", "MIT");
        *d = s.into_bytes();
    });
    let e = bundle::open(&t, "kb.zip", Trust::Key(&vk)).err().unwrap();
    assert_eq!(e.kind, VulnErrorKind::Integrity);
    assert!(e.message.contains("signature does not match"), "{e}");
    // ... which --allow-unsigned accepts (the hashes still hold).
    assert!(
        !bundle::open(&t, "kb.zip", Trust::AllowUnsigned)
            .unwrap()
            .signed
    );

    // Signed by another key.
    let other = bundle::generate_key().unwrap();
    let e = bundle::open(&b, "kb.zip", Trust::Key(&other.verifying_key()))
        .err()
        .unwrap();
    assert!(e.message.contains("signed by another key"), "{e}");

    // No signature at all, or garbage in it.
    let t = replace_entry(&b, "manifest.sig", |d| *d = b"00".to_vec());
    assert!(bundle::open(&t, "kb.zip", Trust::Key(&vk))
        .err()
        .unwrap()
        .message
        .contains("not an Ed25519 signature"));

    // An extra file slipped in.
    let mut z = zip::ZipWriter::new_append(std::io::Cursor::new(b.clone())).unwrap();
    z.start_file("data/evil.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"{}").unwrap();
    let t = z.finish().unwrap().into_inner();
    let e = bundle::open(&t, "kb.zip", Trust::Key(&vk)).err().unwrap();
    assert_eq!(e.file, "kb.zip!data/evil.json");
    assert!(e.message.contains("not listed in the manifest"));

    // Truncated.
    for cut in [b.len() / 2, 100, 3] {
        let e = bundle::open(&b[..cut], "kb.zip", Trust::Key(&vk))
            .err()
            .unwrap();
        assert_eq!(e.kind, VulnErrorKind::Syntax, "{e}");
    }
}

#[test]
fn garbage_bundles_never_panic() {
    let key = bundle::generate_key().unwrap();
    let vk = key.verifying_key();
    let b = bundle::create(&inputs(), "2026-11-24", &key).unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300 {
        let mut t = b.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed % t.len() as u64) as usize;
            t[i] = (seed >> 32) as u8;
        }
        let _ = bundle::open(&t, "kb.zip", Trust::Key(&vk));
        let _ = bundle::open(&t, "kb.zip", Trust::AllowUnsigned);
    }
    assert!(bundle::open(b"", "kb.zip", Trust::AllowUnsigned).is_err());
    assert!(bundle::open(b"PK\x03\x04garbage", "kb.zip", Trust::AllowUnsigned).is_err());
}
