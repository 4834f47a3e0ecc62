//! NT/LM/MD4 and the crypt implementations against independent ones.

mod common;

use antoan_passwords::md4::{md4, Kernel, LANES};
use antoan_passwords::nt::{lm_hash, nt_hash};
use common::Rng;
use md4::Digest;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn md4_rfc1320_vectors() {
    let v = [
        ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
        ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
        ("message digest", "d9130a8164549fe818874806e1c7014b"),
        (
            "abcdefghijklmnopqrstuvwxyz",
            "d79e1c308aa5bbcdeea8ed63df412da9",
        ),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "043f8582f241db351ce627e153e7f0e4",
        ),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "e33b4ddc9c38f2199c3e7b164fcc0536",
        ),
    ];
    for (m, want) in v {
        assert_eq!(hex(&md4(m.as_bytes())), want, "MD4({m:?})");
    }
}

fn reference_nt(p: &str) -> [u8; 16] {
    let utf16: Vec<u8> = p.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    md4::Md4::digest(&utf16).into()
}

#[test]
fn nt_hash_matches_reference_md4_crate() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut words: Vec<String> = vec![
        "".into(),
        "password".into(),
        "Admin@123".into(),
        "mậtkhẩu".into(),
        "Ubnd@2022".into(),
    ];
    for len in 0..70 {
        words.push(rng.strong_password(len));
    }
    for w in &words {
        assert_eq!(
            nt_hash(w).0,
            reference_nt(w),
            "NT mismatch for a word of {} chars",
            w.chars().count()
        );
    }
    // Well-known value, also cross-checked with `mkpasswd -m nt` below.
    assert_eq!(
        hex(&nt_hash("password").0),
        "8846f7eaee8fb117ad06bdd830b7586c"
    );
}

#[test]
fn nt_hash_matches_mkpasswd_nt() {
    if !common::have_mkpasswd() {
        return;
    }
    for w in ["password", "Admin@123", "langson123", "x"] {
        let Some(h) = common::mkpasswd("nt", w, &[]) else {
            return;
        };
        // "$3$$" + hex
        let got = h.trim_start_matches("$3$$");
        assert_eq!(got, hex(&nt_hash(w).0));
    }
}

#[test]
fn every_kernel_matches_scalar_lane_by_lane() {
    let mut rng = Rng(42);
    for kernel in Kernel::available() {
        let mut block = Box::new([[0u32; LANES]; 16]);
        let mut msgs = Vec::new();
        for l in 0..LANES {
            let len = (rng.next() % 28) as usize;
            let pw = rng.strong_password(len);
            let mut bytes: Vec<u8> = pw.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            msgs.push(bytes.clone());
            bytes.push(0x80);
            bytes.resize(56, 0);
            bytes.extend_from_slice(&((len as u64) * 16).to_le_bytes());
            for k in 0..16 {
                block[k][l] = u32::from_le_bytes(bytes[k * 4..k * 4 + 4].try_into().unwrap());
            }
        }
        let mut out = Box::new([[0u32; LANES]; 4]);
        kernel.md4_lanes(&block, &mut out);
        for (l, m) in msgs.iter().enumerate() {
            let want: [u8; 16] = md4::Md4::digest(m).into();
            let mut got = [0u8; 16];
            for w in 0..4 {
                got[w * 4..w * 4 + 4].copy_from_slice(&out[w][l].to_le_bytes());
            }
            assert_eq!(got, want, "kernel {} lane {l}", kernel.name());
        }
    }
}

#[test]
fn lm_known_values() {
    assert_eq!(
        hex(&lm_hash(b"").unwrap().0),
        "aad3b435b51404eeaad3b435b51404ee"
    );
    assert_eq!(
        hex(&lm_hash(b"password").unwrap().0),
        "e52cac67419a9a224a3b108f3fa6cb6d"
    );
    assert_eq!(lm_hash(b"PASSWORD"), lm_hash(b"password"));
    assert!(lm_hash(b"fifteen-chars-x").is_none());
}

#[test]
fn own_des_matches_des_crate() {
    use des::cipher::{BlockCipherEncrypt, KeyInit};
    let mut rng = Rng(7);
    for _ in 0..50 {
        let key = rng.next().to_be_bytes();
        let block = rng.next().to_be_bytes();
        let c = des::Des::new_from_slice(&key).unwrap();
        let mut b = des::cipher::Block::<des::Des>::from(block);
        c.encrypt_block(&mut b);
        assert_eq!(
            antoan_passwords::crypt::des_encrypt(&key, &block),
            <[u8; 8]>::from(b)
        );
    }
}

#[test]
fn nt_worker_finds_every_candidate_with_every_kernel() {
    use antoan_passwords::candidates::{Chunk, Meta, ANY_ACCOUNT};
    use antoan_passwords::nt::{NtWorker, Targets};
    use antoan_passwords::{Hash16, Why};
    let mut rng = Rng(2026);
    let mut words: Vec<String> = Vec::new();
    for i in 0..500 {
        let len = (rng.next() % 34) as usize;
        let mut w = rng.strong_password(len);
        if i % 17 == 0 {
            w.push('ệ'); // non-ASCII: scalar path
        }
        words.push(w);
    }
    words.push(String::new());
    words.push("x".repeat(27));
    words.push("y".repeat(28));
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    let targets = Targets::new(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (Hash16(reference_nt(w)), i as u32)),
    );
    let meta = Meta {
        why: Why::of(antoan_passwords::candidates::Base::UserList, 1),
        only: ANY_ACCOUNT,
    };
    for kernel in Kernel::available() {
        // Two layouts: pushed one by one, and as one region of lines
        // (where the 32-byte window reads across neighbours).
        let mut a = Chunk::new();
        for w in &words {
            a.push(w.as_bytes(), meta);
        }
        let mut b = Chunk::new();
        let region: String = words.iter().map(|w| format!("{w}\r\n")).collect();
        b.push_ranked_region(region.as_bytes(), meta, usize::MAX);
        for chunk in [&a, &b] {
            assert_eq!(chunk.len(), words.len());
            let mut worker = NtWorker::new(kernel);
            let mut hits = Vec::new();
            worker.run(chunk, 0..chunk.len(), &targets, &mut hits);
            hits.sort();
            let want: Vec<(u32, u32)> = (0..words.len() as u32).map(|i| (i, i)).collect();
            assert_eq!(hits, want, "kernel {}", kernel.name());
        }
    }
}
