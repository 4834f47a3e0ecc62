//! The whole audit on a pwdump file made at test time: weak passwords of
//! every rule family are found, strong ones are not, the structural
//! findings come out, and no output of any kind holds a planted password
//! or hash.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use antoan_model::FindingKind;
use antoan_passwords::candidates::{
    Base, CandidateSource, Chunk, Generator, RuleConfig, VecSource,
};
use antoan_passwords::engine::{audit, AuditOptions, FoundVia, Verdict};
use antoan_passwords::findings;
use antoan_passwords::nt::lm_hash;
use antoan_passwords::{audit_accounts, parse_bytes, Account, HashKind};
use common::Rng;
use md4::Digest;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// NT hash by the independent `md4` crate.
fn nt_ref(p: &str) -> String {
    let u: Vec<u8> = p.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    hex(&md4::Md4::digest(&u))
}

struct Planted {
    file: String,
    secrets: Vec<String>,
    weak: Vec<(&'static str, &'static str, Base)>,
}

fn plant() -> Planted {
    let mut rng = Rng(77);
    let empty_lm = "aad3b435b51404eeaad3b435b51404ee";
    let weak: Vec<(&str, &str, Base)> = vec![
        ("Administrator", "Admin@123", Base::CommonName),
        ("ketoan", "Ketoan@2024", Base::AccountName),
        ("vanthu", "langson123", Base::ContextWord),
        ("user1", "1qaz2wsx", Base::ZxcvbnList),
        ("user2", "12081985", Base::Date),
        ("user3", "0912345678", Base::Phone),
        ("user4", "matkhau", Base::VietWords),
        ("user5", "P@ssw0rd", Base::KeyboardWalks),
        ("user6", "Hanoi@2023", Base::VietWords),
        ("user7", "h@n01", Base::VietWords),
        // Built from the name of account "ketoan", found on another account.
        ("user8", "Ketoan@2021", Base::OtherAccountName),
    ];
    let mut secrets = Vec::new();
    let mut file = String::from("# pwdump made at test time\n");
    for (i, (name, pw, _)) in weak.iter().enumerate() {
        let nt = nt_ref(pw);
        file.push_str(&format!("{name}:{}:{empty_lm}:{nt}:::\n", 1000 + i));
        secrets.push(pw.to_string());
        secrets.push(nt);
    }
    let strong1 = rng.strong_password(15);
    let strong2 = rng.strong_password(15);
    let shared = rng.strong_password(15);
    for (name, pw) in [
        ("strong1", &strong1),
        ("strong2", &strong2),
        ("reuse1", &shared),
        ("reuse2", &shared),
    ] {
        let nt = nt_ref(pw);
        file.push_str(&format!("{name}:2000:{empty_lm}:{nt}:::\n"));
        secrets.push(pw.clone());
        secrets.push(nt);
    }
    // LM stored, weak: found through NT; and a strong one with LM stored.
    let lmw = "Hanoi2022";
    let (lm1, nt1) = (hex(&lm_hash(lmw.as_bytes()).unwrap().0), nt_ref(lmw));
    file.push_str(&format!("oldpc:3000:{lm1}:{nt1}:::\n"));
    let lms = rng.strong_password(12);
    let (lm2, nt2) = (hex(&lm_hash(lms.as_bytes()).unwrap().0), nt_ref(&lms));
    file.push_str(&format!("oldsrv:3001:{lm2}:{nt2}:::\n"));
    // LM only (NT missing): cracked through LM, case-insensitively.
    let lmo = "QWERTY";
    let lm3 = hex(&lm_hash(lmo.as_bytes()).unwrap().0);
    file.push_str(&format!(
        "lmonly:3002:{lm3}:NO PASSWORD*********************:::\n"
    ));
    file.push_str(&format!(
        "Guest:501:{empty_lm}:31d6cfe0d16ae931b73c59d7e0c089c0:::\n"
    ));
    secrets.extend([
        lmw.to_string(),
        lm1,
        nt1,
        lms,
        lm2,
        nt2,
        lmo.to_string(),
        lm3,
    ]);
    Planted {
        file,
        secrets,
        weak,
    }
}

fn scan(haystack: &str, secrets: &[String], what: &str) {
    let lower = haystack.to_lowercase();
    for s in secrets {
        assert!(
            !lower.contains(&s.to_lowercase()),
            "{what} holds a planted secret of {} chars",
            s.len()
        );
    }
}

#[test]
fn nt_audit_finds_the_weak_and_leaks_nothing() {
    let p = plant();
    let parsed = parse_bytes("SAM-dump.txt", p.file.as_bytes()).unwrap();
    assert!(parsed.errors.is_empty());
    let mut calls = 0u32;
    let mut last_done = 0u64;
    let (outcome, fs) = audit_accounts(
        "host-1",
        &parsed.accounts,
        &["ubnd".to_string(), "langson".to_string()],
        None,
        &mut |pr| {
            calls += 1;
            last_done = pr.done;
            assert!(pr.total.is_some());
        },
    );
    assert!(calls >= 1 && last_done > 0);
    assert!(outcome.fast.complete);
    for (name, _, base) in &p.weak {
        let r = outcome.accounts.iter().find(|r| r.name == *name).unwrap();
        match &r.verdict {
            Verdict::Weak {
                why,
                via: FoundVia::Nt,
                ..
            } => assert_eq!(why.base, *base, "{name}: {why}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    let verdict = |n: &str| {
        outcome
            .accounts
            .iter()
            .find(|r| r.name == n)
            .unwrap()
            .clone()
    };
    for n in ["strong1", "strong2", "reuse1", "reuse2", "oldsrv"] {
        assert!(
            matches!(verdict(n).verdict, Verdict::NotFound { complete: true, .. }),
            "{n}"
        );
    }
    assert!(matches!(
        verdict("oldpc").verdict,
        Verdict::Weak {
            via: FoundVia::Nt,
            ..
        }
    ));
    assert!(matches!(
        verdict("lmonly").verdict,
        Verdict::Weak {
            via: FoundVia::Lm,
            ..
        }
    ));
    assert_eq!(verdict("Guest").verdict, Verdict::Empty);
    assert!(
        verdict("oldpc").lm_stored && verdict("oldsrv").lm_stored && !verdict("user1").lm_stored
    );
    assert_eq!(
        verdict("reuse1").shares_hash_with,
        vec!["reuse2".to_string()]
    );

    // Findings: kinds, controls, ids.
    let by = |check: &str| {
        fs.iter()
            .filter(|f| f.check == check)
            .map(|f| f.subject.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(by(findings::CHECK_EMPTY), vec!["Guest"]);
    assert_eq!(by(findings::CHECK_REUSE), vec!["reuse1", "reuse2"]);
    assert_eq!(by(findings::CHECK_LM), vec!["lmonly", "oldpc", "oldsrv"]);
    assert_eq!(by(findings::CHECK_WEAK).len(), p.weak.len() + 2);
    for f in &fs {
        assert_eq!(f.controls, vec!["T3.1", "T3.2"]);
        assert_eq!(
            f.id,
            antoan_model::Finding::stable_id("host-1", &f.check, &f.subject)
        );
        assert!(!f.title.vi.is_empty() && !f.title.en.is_empty() && !f.remediation.vi.is_empty());
        match f.check.as_str() {
            findings::CHECK_WEAK | findings::CHECK_EMPTY => {
                assert_eq!(f.kind, FindingKind::WeakCredential)
            }
            findings::CHECK_LM => assert_eq!(f.kind, FindingKind::Config),
            findings::CHECK_REUSE => assert_eq!(f.kind, FindingKind::Account),
            _ => {}
        }
    }

    // Nothing anywhere holds a planted password or hash.
    scan(&format!("{outcome:?}"), &p.secrets, "Debug of the outcome");
    scan(&format!("{fs:?}"), &p.secrets, "Debug of the findings");
    scan(
        &serde_json::to_string(&fs).unwrap(),
        &p.secrets,
        "findings JSON",
    );
    scan(
        &format!("{:?}", parsed.accounts),
        &p.secrets,
        "Debug of the accounts",
    );
    scan(
        &format!("{parsed:?}"),
        &p.secrets,
        "Debug of the parsed file",
    );

    // Deterministic: a second run gives identical findings.
    let (_, fs2) = audit_accounts(
        "host-1",
        &parsed.accounts,
        &["ubnd".into(), "langson".into()],
        None,
        &mut |_| {},
    );
    assert_eq!(
        serde_json::to_string(&fs).unwrap(),
        serde_json::to_string(&fs2).unwrap()
    );
}

#[test]
fn single_thread_and_every_kernel_agree() {
    let p = plant();
    let parsed = parse_bytes("d", p.file.as_bytes()).unwrap();
    let cfg = RuleConfig {
        account_names: parsed.accounts.iter().map(|a| a.name.clone()).collect(),
        context_words: vec!["langson".into()],
        ..RuleConfig::default()
    };
    let make = || -> Box<dyn CandidateSource> { Box::new(Generator::new(cfg.clone())) };
    let mut prev = None;
    for k in antoan_passwords::md4::Kernel::available() {
        let opts = AuditOptions {
            threads: 1,
            kernel: Some(k),
            ..AuditOptions::default()
        };
        let out = audit(&parsed.accounts, &make, &opts, &mut |_| {});
        let v: Vec<_> = out.accounts.iter().map(|a| a.verdict.clone()).collect();
        if let Some(p) = &prev {
            assert_eq!(p, &v, "kernel {}", k.name());
        }
        prev = Some(v);
    }
}

#[test]
fn budget_stops_cleanly_and_reports_coverage() {
    let mut rng = Rng(3);
    let acc = Account::new(
        "x",
        HashKind::Windows {
            nt: Some(antoan_passwords::nt::nt_hash(&rng.strong_password(20))),
            lm: None,
        },
    );
    let make = || -> Box<dyn CandidateSource> { Box::new(Generator::new(RuleConfig::default())) };
    let opts = AuditOptions {
        budget: Some(Duration::ZERO),
        ..AuditOptions::default()
    };
    let out = audit(&[acc], &make, &opts, &mut |_| {});
    assert!(!out.fast.complete);
    assert!(out.fast.stopped_by_budget);
    assert!(matches!(
        out.accounts[0].verdict,
        Verdict::NotFound {
            complete: false,
            ..
        }
    ));
}

#[test]
fn generator_is_deterministic_deduplicated_and_has_the_office_patterns() {
    let cfg = RuleConfig {
        account_names: vec!["ketoan".into(), "CORP\\vanthu".into()],
        context_words: vec!["UBND".into(), "langson".into()],
        ..RuleConfig::default()
    };
    let collect = || {
        let mut g = Generator::new(cfg.clone());
        let total = g.total_hint().unwrap();
        let mut c = Chunk::new();
        let mut all = Vec::new();
        while g.fill(&mut c, 10_000) > 0 {
            for i in 0..c.len() {
                all.push((c.get(i).to_vec(), c.meta(i)));
            }
            c.clear();
        }
        assert_eq!(all.len() as u64, total);
        all
    };
    let a = collect();
    let b = collect();
    assert!(a == b, "two runs differ");
    let mut seen = HashSet::new();
    for (s, m) in &a {
        assert!(seen.insert((s.clone(), m.only)), "duplicate candidate");
    }
    let set: HashSet<&[u8]> = a.iter().map(|(s, _)| s.as_slice()).collect();
    for want in [
        "Admin@123",
        "Ubnd@2022",
        "langson123",
        "ketoan",
        "Vanthu@2024",
        "matkhau",
        "vietnam",
        "hanoi",
        "qwerty",
        "1qaz2wsx",
        "123qwe",
        "01011990",
        "1990",
        "0912345678",
        "p@ssw0rd",
        "HANOI",
        "hANOI",
        "L@ngs0n",
        "Ketoan#2021",
        "thanhhoa2020",
        "ubndubnd",
        "",
    ] {
        assert!(set.contains(want.as_bytes()), "missing {want:?}");
    }
    // The why of a candidate never holds the candidate. (All-digit and
    // all-lowercase words may coincide with a word of the fixed texts,
    // "list" in "in list": skip those.)
    for (s, m) in &a {
        let plain =
            s.iter().all(|b| b.is_ascii_digit()) || s.iter().all(|b| b.is_ascii_lowercase());
        if s.len() >= 4 && !plain {
            let t = m.why.text();
            let s = String::from_utf8_lossy(s);
            assert!(
                !t.en.contains(&*s) && !t.vi.contains(&*s),
                "why {:?} holds its candidate {s:?}",
                t.en
            );
        }
    }
}

#[test]
fn why_texts_never_show_a_rank() {
    for base in [
        Base::JohnList,
        Base::ZxcvbnList,
        Base::VietWords,
        Base::KeyboardWalks,
        Base::UserList,
    ] {
        let t = antoan_passwords::Why::of(base, 4242).text_with("my-list.txt");
        for s in [&t.en, &t.vi] {
            assert!(
                !s.contains("4242") && !s.contains("rank") && !s.contains("hạng"),
                "{s}"
            );
        }
    }
    let t = antoan_passwords::Why::of(Base::JohnList, 7).text();
    assert_eq!(t.en, "in list john-password.lst");
    assert_eq!(t.vi, "có trong danh sách john-password.lst");
}

#[test]
fn vec_source_and_non_ascii_candidates() {
    // A Vietnamese password with diacritics goes through the scalar NT path.
    let pw = "mậtkhẩu2024";
    let acc = Account::new(
        "u",
        HashKind::Windows {
            nt: Some(antoan_passwords::nt::nt_hash(pw)),
            lm: None,
        },
    );
    let meta = antoan_passwords::candidates::Meta {
        why: antoan_passwords::Why::of(Base::UserList, 1),
        only: antoan_passwords::candidates::ANY_ACCOUNT,
    };
    let make = || -> Box<dyn CandidateSource> {
        Box::new(VecSource::new(vec![(pw.as_bytes().to_vec(), meta)]))
    };
    let out = audit(&[acc], &make, &AuditOptions::default(), &mut |_| {});
    assert!(matches!(out.accounts[0].verdict, Verdict::Weak { .. }));
}

#[test]
fn wordlist_file_lines_ranks_and_odd_input() {
    use antoan_passwords::candidates::WordlistFile;
    // CRLF, empty lines, no final newline, a 5 MiB line, binary bytes.
    let mut data = b"alpha\r\nbeta\n\ngamma\n".to_vec();
    data.extend(std::iter::repeat_n(b'z', 5 << 20));
    data.extend_from_slice(b"\n\xff\xfe\x00bin\nlast");
    let mut src = WordlistFile::new("list.txt", std::io::Cursor::new(data), None);
    let mut all = Vec::new();
    let mut c = Chunk::new();
    while src.fill(&mut c, 3) > 0 {
        for i in 0..c.len() {
            all.push((c.get(i).len(), c.meta(i).why.rank));
        }
        c.clear();
    }
    let lens: Vec<usize> = all.iter().map(|a| a.0).collect();
    let ranks: Vec<u32> = all.iter().map(|a| a.1).collect();
    assert_eq!(lens[..4], [5, 4, 0, 5]);
    assert_eq!(*lens.last().unwrap(), 4);
    assert_eq!(ranks, (1..=ranks.len() as u32).collect::<Vec<_>>());
    assert_eq!(lens.iter().filter(|&&l| l > 1000).sum::<usize>(), 5 << 20);
}
