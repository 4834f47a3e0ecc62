//! Every crypt scheme against hashes made at test time by the system's
//! crypt (`mkpasswd`, Debian package `whois`): weak passwords (from the
//! lists and from rules) are found, strong random ones are not.

mod common;

use std::time::Duration;

use antoan_passwords::candidates::{Chunk, Generator, Limited, RuleConfig};
use antoan_passwords::crypt::verify;
use antoan_passwords::engine::{audit, AuditOptions, FoundVia, Verdict};
use antoan_passwords::hash::{Account, HashKind};
use antoan_passwords::parse::{classify_shadow_hash, parse_bytes};
use antoan_passwords::{CandidateSource, CryptScheme};
use common::{mkpasswd, Rng};

const METHODS: &[(&str, CryptScheme, &[&str])] = &[
    ("yescrypt", CryptScheme::Yescrypt, &[]),
    ("gost-yescrypt", CryptScheme::GostYescrypt, &[]),
    ("sha512crypt", CryptScheme::Sha512Crypt, &[]),
    ("sha512crypt", CryptScheme::Sha512Crypt, &["-R", "1500"]),
    ("sha256crypt", CryptScheme::Sha256Crypt, &[]),
    ("md5crypt", CryptScheme::Md5Crypt, &[]),
    ("bcrypt", CryptScheme::Bcrypt, &["-R", "5"]),
    ("bcrypt-a", CryptScheme::Bcrypt, &["-R", "5"]),
    ("descrypt", CryptScheme::DesCrypt, &[]),
];

#[test]
fn verify_each_scheme_against_system_crypt() {
    if !common::have_mkpasswd() {
        return;
    }
    let mut rng = Rng(99);
    for (method, scheme, extra) in METHODS {
        for pw in ["Admin@123", "matkhau", "", "Ubnd@2022"] {
            if pw.is_empty() && *method == "descrypt" {
                continue; // some mkpasswd builds refuse
            }
            let Some(h) = mkpasswd(method, pw, extra) else {
                return;
            };
            let HashKind::Crypt(c) = classify_shadow_hash(&h) else {
                panic!("{method}: mkpasswd output not recognised as a crypt hash");
            };
            assert_eq!(c.scheme(), *scheme, "{method}");
            assert!(
                verify(&c, pw.as_bytes()),
                "{method}: the right password must verify"
            );
            let strong = rng.strong_password(16);
            assert!(
                !verify(&c, strong.as_bytes()),
                "{method}: a wrong password must not verify"
            );
        }
    }
}

#[test]
fn audit_flags_exactly_the_weak_shadow_accounts() {
    if !common::have_mkpasswd() {
        return;
    }
    let mut rng = Rng(2024);
    // (account, password, weak?)
    let mut plan: Vec<(String, String, bool, &str)> = Vec::new();
    let weak = [
        "123456",
        "Admin@123",
        "langson123",
        "matkhau",
        "1qaz2wsx",
        "password",
        "Ubnd@2022",
    ];
    for (i, (method, _, _)) in METHODS.iter().enumerate() {
        let w = weak[i % weak.len()];
        plan.push((format!("weak{i}"), w.to_string(), true, method));
        plan.push((format!("strong{i}"), rng.strong_password(14), false, method));
    }
    // A rule-generated one from the account name, and one from a unit name.
    plan.push(("ketoan".into(), "Ketoan@2023".into(), true, "sha512crypt"));
    plan.push(("vanthu".into(), "Ubnd@2022".into(), true, "yescrypt"));
    plan.push(("tuphap".into(), "Tuphap2022".into(), true, "md5crypt"));

    let mut shadow = String::new();
    for (name, pw, _, method) in &plan {
        let extra: &[&str] = if method.starts_with("bcrypt") {
            &["-R", "5"]
        } else {
            &[]
        };
        let Some(h) = mkpasswd(method, pw, extra) else {
            return;
        };
        shadow.push_str(&format!("{name}:{h}:19000:0:99999:7:::\n"));
    }
    shadow.push_str("locked:!:19000:0:99999:7:::\n");
    shadow.push_str("nologin:*:19000:0:99999:7:::\n");
    let parsed = parse_bytes("shadow", shadow.as_bytes()).expect("parses");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);

    let cfg = RuleConfig {
        account_names: parsed.accounts.iter().map(|a| a.name.clone()).collect(),
        context_words: vec!["ubnd".into(), "langson".into()],
        suffix_years: 2021..=2023,
        quick: true,
        ..RuleConfig::default()
    };
    // Slow hashes in a debug build: only the first LIMIT candidates, which
    // must hold every weak password of the plan (checked here).
    const LIMIT: u64 = 1500;
    {
        let mut g = Limited::new(Generator::new(cfg.clone()), LIMIT);
        let mut chunk = Chunk::new();
        g.fill(&mut chunk, LIMIT as usize);
        let all: Vec<&[u8]> = (0..chunk.len()).map(|i| chunk.get(i)).collect();
        for (name, pw, is_weak, _) in &plan {
            if *is_weak {
                assert!(
                    all.contains(&pw.as_bytes()),
                    "{name}: its weak password is not in the first {LIMIT} candidates"
                );
            }
        }
    }
    let make = || -> Box<dyn CandidateSource> {
        Box::new(Limited::new(Generator::new(cfg.clone()), LIMIT))
    };
    let opts = AuditOptions {
        budget: Some(Duration::from_secs(600)),
        ..AuditOptions::default()
    };
    let out = audit(&parsed.accounts, &make, &opts, &mut |_| {});
    assert!(
        out.salted.complete,
        "the {LIMIT} candidates must all be tried"
    );
    for (name, _, is_weak, method) in &plan {
        let r = out.accounts.iter().find(|r| &r.name == name).unwrap();
        match (&r.verdict, is_weak) {
            (
                Verdict::Weak {
                    via: FoundVia::Crypt(_),
                    ..
                },
                true,
            ) => {}
            (Verdict::NotFound { complete: true, .. }, false) => {}
            (v, _) => panic!("{name} ({method}): unexpected verdict {v:?}"),
        }
    }
    let locked: Vec<_> = out
        .accounts
        .iter()
        .filter(|r| r.verdict == Verdict::Locked)
        .collect();
    assert_eq!(locked.len(), 2);
}

#[test]
fn locked_hash_behind_bang_is_still_audited() {
    if !common::have_mkpasswd() {
        return;
    }
    let Some(h) = mkpasswd("sha512crypt", "123456", &[]) else {
        return;
    };
    let acc = Account::new("old", classify_shadow_hash(&format!("!{h}")));
    assert!(matches!(&acc.hash, HashKind::Locked(Some(_))));
    let make = || -> Box<dyn CandidateSource> {
        Box::new(Limited::new(
            Generator::new(RuleConfig {
                quick: true,
                ..Default::default()
            }),
            50,
        ))
    };
    let out = audit(&[acc], &make, &AuditOptions::default(), &mut |_| {});
    assert!(out.accounts[0].locked);
    assert!(matches!(out.accounts[0].verdict, Verdict::Weak { .. }));
}
