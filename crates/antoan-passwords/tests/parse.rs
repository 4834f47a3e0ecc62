//! Shadow and pwdump parsing: every hash form, bad lines, garbage.

mod common;

use antoan_passwords::hash::{CryptScheme, HashKind, EMPTY_LM, EMPTY_NT};
use antoan_passwords::parse::{
    classify_crypt, classify_shadow_hash, detect_format, parse_bytes, parse_pwdump_line,
    parse_shadow_line, FileFormat, ParseReason,
};
use common::Rng;

const C64: &str = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A syntactically valid (random, not real) crypt string of `n` chars.
fn r64(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| C64.as_bytes()[(rng.next() % 64) as usize] as char)
        .collect()
}

fn hexs(rng: &mut Rng) -> String {
    (0..16)
        .map(|_| format!("{:02x}", rng.next() as u8))
        .collect()
}

#[test]
fn shadow_hash_forms() {
    let mut r = Rng(5);
    let cases = [
        (
            format!("$y$j9T${}${}", r64(&mut r, 22), r64(&mut r, 43)),
            Some(CryptScheme::Yescrypt),
        ),
        (
            format!("$gy$j9T${}${}", r64(&mut r, 22), r64(&mut r, 43)),
            Some(CryptScheme::GostYescrypt),
        ),
        (
            format!("$6${}${}", r64(&mut r, 16), r64(&mut r, 86)),
            Some(CryptScheme::Sha512Crypt),
        ),
        (
            format!("$6$rounds=656000${}${}", r64(&mut r, 8), r64(&mut r, 86)),
            Some(CryptScheme::Sha512Crypt),
        ),
        (
            format!("$5${}${}", r64(&mut r, 16), r64(&mut r, 43)),
            Some(CryptScheme::Sha256Crypt),
        ),
        (
            format!("$1${}${}", r64(&mut r, 8), r64(&mut r, 22)),
            Some(CryptScheme::Md5Crypt),
        ),
        (
            format!("$2a$10${}", r64(&mut r, 53)),
            Some(CryptScheme::Bcrypt),
        ),
        (
            format!("$2b$12${}", r64(&mut r, 53)),
            Some(CryptScheme::Bcrypt),
        ),
        (
            format!("$2y$05${}", r64(&mut r, 53)),
            Some(CryptScheme::Bcrypt),
        ),
        (r64(&mut r, 13), Some(CryptScheme::DesCrypt)),
        // malformed: wrong lengths, bad rounds, bad cost
        (format!("$6${}${}", r64(&mut r, 16), r64(&mut r, 85)), None),
        (
            format!("$6$rounds=x${}${}", r64(&mut r, 8), r64(&mut r, 86)),
            None,
        ),
        (format!("$2b$99${}", r64(&mut r, 53)), None),
        (format!("$1${}", r64(&mut r, 22)), None),
        (r64(&mut r, 12), None),
        ("$7$abc".to_string(), None),
    ];
    for (s, want) in &cases {
        assert_eq!(classify_crypt(s), *want, "case of length {}", s.len());
    }
    assert_eq!(classify_shadow_hash(""), HashKind::NoPassword);
    for locked in ["!", "*", "!!", "!*", "*LK*", "*NP*"] {
        assert_eq!(
            classify_shadow_hash(locked),
            HashKind::Locked(None),
            "{locked}"
        );
    }
    let h = format!("!$6${}${}", r64(&mut r, 16), r64(&mut r, 86));
    match classify_shadow_hash(&h) {
        HashKind::Locked(Some(inner)) => assert!(
            matches!(*inner, HashKind::Crypt(ref c) if c.scheme() == CryptScheme::Sha512Crypt)
        ),
        other => panic!("{other:?}"),
    }
    match classify_shadow_hash("$7$CU..../....abc$def") {
        HashKind::Unsupported { scheme } => assert_eq!(scheme, "$7$"),
        other => panic!("{other:?}"),
    }
    match classify_shadow_hash("zz") {
        HashKind::Unsupported { scheme } => assert_eq!(scheme, "unknown"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn shadow_lines() {
    let mut r = Rng(6);
    let h = format!("$6${}${}", r64(&mut r, 8), r64(&mut r, 86));
    let a = parse_shadow_line(&format!("root:{h}:19000:0:99999:7:::")).unwrap();
    assert_eq!(a.name, "root");
    assert!(matches!(a.hash, HashKind::Crypt(_)));
    // unshadowed passwd line
    let a = parse_shadow_line(&format!(
        "admin:{h}:1000:1000:Admin,,,:/home/admin:/bin/bash"
    ))
    .unwrap();
    assert_eq!(a.name, "admin");
    assert!(matches!(
        parse_shadow_line("root:x:0"),
        Err(ParseReason::WrongFieldCount { found: 3, .. })
    ));
    assert!(matches!(
        parse_shadow_line(":!:1:2:3:4:5:6:"),
        Err(ParseReason::EmptyUserName)
    ));
}

#[test]
fn pwdump_lines() {
    let mut r = Rng(8);
    let (lm, nt) = (hexs(&mut r), hexs(&mut r));
    let a = parse_pwdump_line(&format!("Administrator:500:{lm}:{nt}:::")).unwrap();
    assert_eq!(a.rid, Some(500));
    assert!(matches!(
        a.hash,
        HashKind::Windows {
            nt: Some(_),
            lm: Some(_)
        }
    ));
    let empty_lm = "aad3b435b51404eeaad3b435b51404ee";
    let empty_nt = "31d6cfe0d16ae931b73c59d7e0c089c0";
    let a = parse_pwdump_line(&format!("Guest:501:{empty_lm}:{empty_nt}:::")).unwrap();
    assert_eq!(
        a.hash,
        HashKind::Windows {
            nt: Some(EMPTY_NT),
            lm: Some(EMPTY_LM)
        }
    );
    let a = parse_pwdump_line(&format!(
        "CORP\\user:1104:NO PASSWORD*********************:{nt}:::"
    ))
    .unwrap();
    assert!(matches!(
        a.hash,
        HashKind::Windows {
            nt: Some(_),
            lm: None
        }
    ));
    // truncated lines
    assert!(matches!(
        parse_pwdump_line("user:1001:"),
        Err(ParseReason::WrongFieldCount { .. })
    ));
    assert!(matches!(
        parse_pwdump_line(&format!("user:1001:{lm}:{}", &nt[..20])),
        Err(ParseReason::BadHashHex { which: "NT" })
    ));
    assert!(matches!(
        parse_pwdump_line(&format!("user:abc:{lm}:{nt}:::")),
        Err(ParseReason::BadRid)
    ));
    assert!(matches!(
        parse_pwdump_line(&format!("user:1:{}:{nt}:::", "zz".repeat(16))),
        Err(ParseReason::BadHashHex { which: "LM" })
    ));
}

#[test]
fn detects_format_by_content() {
    let mut r = Rng(9);
    let shadow = format!(
        "root:$6${}${}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n",
        r64(&mut r, 8),
        r64(&mut r, 86)
    );
    assert_eq!(detect_format(shadow.as_bytes()), Some(FileFormat::Shadow));
    let pw = format!(
        "# dump\nAdministrator:500:{}:{}:::\nGuest:501:{}:{}:::\n",
        hexs(&mut r),
        hexs(&mut r),
        hexs(&mut r),
        hexs(&mut r)
    );
    assert_eq!(detect_format(pw.as_bytes()), Some(FileFormat::Pwdump));
    assert_eq!(
        detect_format(b"hello world\nthis is not a hash file\n"),
        None
    );
    assert_eq!(detect_format(b""), None);
}

#[test]
fn errors_name_file_and_line_and_never_echo_the_hash() {
    let mut r = Rng(10);
    let (lm, nt) = (hexs(&mut r), hexs(&mut r));
    let good = format!("a:1000:{lm}:{nt}:::");
    let bad_nt = format!("b:1001:{lm}:{}:::", &nt[..31]);
    let text = format!("{good}\n{bad_nt}\nc:1002:{lm}\n\u{0}\u{1}binary:1:2:3\n");
    let p = parse_bytes("dump.txt", text.as_bytes()).unwrap();
    assert_eq!(p.format, FileFormat::Pwdump);
    assert_eq!(p.accounts.len(), 1);
    assert_eq!(p.accounts[0].origin.as_deref(), Some("dump.txt:1"));
    let lines: Vec<usize> = p.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    for e in &p.errors {
        let t = e.text();
        for s in [&t.vi, &t.en, &format!("{e:?}"), &e.to_string()] {
            assert!(s.starts_with("dump.txt:") || s.contains("dump.txt"), "{s}");
            assert!(
                !s.contains(&nt[..20]) && !s.contains(&lm),
                "an error echoes a hash: {s}"
            );
        }
    }
    assert!(
        format!("{:?}", p.accounts).find(&nt).is_none(),
        "Debug of accounts shows a hash"
    );
}

#[test]
fn garbage_never_panics() {
    let mut r = Rng(11);
    let mut seeds: Vec<Vec<u8>> = vec![
        vec![],
        b"\n\n\n".to_vec(),
        b"::::::::".to_vec(),
        b"root:$6$".to_vec(),
        b"root:$6$rounds=99999999999999999999$a$b:1:2:3:4:5:6:".to_vec(),
        b"u:4294967296:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"
            .to_vec(),
        "người dùng:$y$j9T$ờ$ệ:1:2:3:4:5:6:".as_bytes().to_vec(),
        vec![0xff, 0xfe, b':', 0x00, b'\n'],
        vec![b'a'; 70_000],
    ];
    for _ in 0..300 {
        let n = (r.next() % 200) as usize;
        seeds.push(
            (0..n)
                .map(|_| {
                    let x = r.next() as u8;
                    if x.is_multiple_of(5) {
                        b':'
                    } else if x.is_multiple_of(7) {
                        b'$'
                    } else if x.is_multiple_of(11) {
                        b'\n'
                    } else {
                        x
                    }
                })
                .collect(),
        );
    }
    for s in &seeds {
        let _ = parse_bytes("fuzz", s);
        let _ = detect_format(s);
        if let Ok(t) = std::str::from_utf8(s) {
            let _ = parse_shadow_line(t);
            let _ = parse_pwdump_line(t);
            let _ = classify_shadow_hash(t);
        }
    }
    let e = parse_bytes("junk.bin", &[0u8, 1, 2, 3, 0xff]).unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.to_string().starts_with("junk.bin:"));
    let e = parse_bytes("empty", b"# only a comment\n").unwrap_err();
    assert_eq!(e.reason, ParseReason::Empty);
}

#[test]
fn bundled_lists_match_the_manifest() {
    assert!(antoan_passwords::candidates::bundled::verify().is_empty());
    let john: Vec<&str> =
        antoan_passwords::candidates::bundled::entries(antoan_passwords::candidates::bundled::JOHN)
            .collect();
    assert_eq!(
        john.len(),
        3545,
        "3545 non-empty entries (the header says 3546)"
    );
    assert!(antoan_passwords::candidates::bundled::JOHN
        .starts_with("#!comment: This list has been compiled by Solar Designer"));
    let zx: Vec<&str> = antoan_passwords::candidates::bundled::entries(
        antoan_passwords::candidates::bundled::ZXCVBN,
    )
    .collect();
    assert_eq!(zx.len(), 30000);
}
