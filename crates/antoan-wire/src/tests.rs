use super::*;
use antoan_model::{HostInfo, Inventory, OsFamily, OsInfo, Score, Summary, ToolInfo};

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn pubkey(k: &SigningKey) -> String {
    public_key_b64(&k.verifying_key())
}

fn report() -> Report {
    Report {
        schema_version: "1".to_string(),
        tool: ToolInfo { name: "antoan".to_string(), version: "0.1.0".to_string() },
        generated_at: "2026-11-24T22:00:00Z".to_string(),
        host: HostInfo {
            hostname: "máy-phường-chi-lăng".to_string(),
            os: OsInfo {
                family: OsFamily::Linux,
                name: "Debian GNU/Linux".to_string(),
                version: "12".to_string(),
                ..OsInfo::default()
            },
            source: "live".to_string(),
            ..HostInfo::default()
        },
        inventory: Inventory::default(),
        findings: vec![],
        checks: vec![],
        summary: Summary::default(),
        score: Score { value: 100, drivers: vec![] },
        knowledge: vec![],
    }
}

fn report_json() -> Vec<u8> {
    serde_json::to_vec(&report()).expect("serialize report")
}

const SENT: &str = "2026-11-24T22:05:00Z";

fn body(s: &Submission) -> Vec<u8> {
    serde_json::to_vec(s).expect("serialize submission")
}

#[test]
fn round_trip() {
    let k = key(7);
    let json = report_json();
    let sub = sign(&k, 42, 3, SENT, &json);
    let raw = decode(&body(&sub)).expect("decode");
    assert_eq!(raw.agent_id, 42);
    assert_eq!(raw.seq, 3);
    assert_eq!(raw.payload, json);
    assert_eq!(raw.payload_sha256(), sha256_hex(&json));
    let v = raw.verify(&pubkey(&k)).expect("verify");
    assert_eq!(v.agent_id, 42);
    assert_eq!(v.seq, 3);
    assert_eq!(format_time(v.sent_at), SENT);
    assert_eq!(v.report_json, json);
    assert_eq!(v.report, report());
}

#[test]
fn signing_bytes_layout() {
    let b = signing_bytes(-1, 9, "t", b"abc");
    assert_eq!(
        String::from_utf8(b).expect("utf8"),
        "antoan-submission-v1\n-1\n9\nt\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn tampered_fields_fail_verification() {
    let k = key(7);
    let pk = pubkey(&k);
    let json = report_json();
    let good = sign(&k, 42, 3, SENT, &json);

    let mut s = good.clone();
    let mut other = report();
    other.host.hostname = "kẻ-giả-mạo".to_string();
    s.payload = B64.encode(serde_json::to_vec(&other).expect("json"));
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    let mut s = good.clone();
    s.seq = 4;
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    let mut s = good.clone();
    s.agent_id = 43;
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    let mut s = good.clone();
    s.sent_at = "2026-11-24T22:05:01Z".to_string();
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    // Same instant, different spelling: the signature covers the string as sent.
    let mut s = good.clone();
    s.sent_at = "2026-11-24T22:05:00+00:00".to_string();
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    let mut s = good.clone();
    let mut sig = B64.decode(&s.signature).expect("b64");
    sig[10] ^= 1;
    s.signature = B64.encode(sig);
    assert_eq!(decode(&body(&s)).expect("decode").verify(&pk), Err(WireError::BadSignature));

    assert!(decode(&body(&good)).expect("decode").verify(&pk).is_ok());
}

#[test]
fn wrong_or_bad_key() {
    let json = report_json();
    let sub = sign(&key(7), 1, 1, SENT, &json);
    let raw = decode(&body(&sub)).expect("decode");
    assert_eq!(raw.verify(&pubkey(&key(8))), Err(WireError::BadSignature));
    assert_eq!(raw.verify("not base64!"), Err(WireError::BadKey));
    assert_eq!(raw.verify(&B64.encode([1u8; 31])), Err(WireError::BadKey));
    // The identity point is a weak key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(raw.verify(&B64.encode(identity)), Err(WireError::BadKey));
}

#[test]
fn signed_garbage_is_bad_report() {
    let k = key(1);
    for payload in [&b"{}"[..], b"not json", b"\xff\xfe\x00garbage", b"[[[[[[]]]]]]"] {
        let sub = sign(&k, 1, 1, SENT, payload);
        let raw = decode(&body(&sub)).expect("decode");
        match raw.verify(&pubkey(&k)) {
            Err(WireError::BadReport(_)) => {}
            other => panic!("expected BadReport for {payload:?}, got {other:?}"),
        }
    }
}

#[test]
fn signed_deeply_nested_report_is_refused_without_overflow() {
    let k = key(1);
    let mut deep = String::from("{\"schema_version\":");
    deep.push_str(&"[".repeat(100_000));
    deep.push_str(&"]".repeat(100_000));
    deep.push('}');
    let sub = sign(&k, 1, 1, SENT, deep.as_bytes());
    let raw = decode(&body(&sub)).expect("decode");
    assert!(matches!(raw.verify(&pubkey(&k)), Err(WireError::BadReport(_))));
}

#[test]
fn truncated_bodies_are_malformed() {
    let b = body(&sign(&key(3), 5, 9, SENT, &report_json()));
    for cut in [0, 1, 10, b.len() / 2, b.len() - 1] {
        match decode(&b[..cut]) {
            Err(WireError::Malformed(_)) => {}
            other => panic!("cut {cut}: expected Malformed, got {other:?}"),
        }
    }
}

#[test]
fn huge_body_is_too_large() {
    let big = vec![b' '; MAX_SUBMISSION_BYTES + 1];
    assert_eq!(decode(&big), Err(WireError::TooLarge));
    assert_eq!(WireError::TooLarge.status_code(), 413);
}

#[test]
fn non_utf8_and_garbage() {
    assert!(matches!(decode(b"\xff\xfe\xfd"), Err(WireError::Malformed(_))));
    assert!(matches!(decode(b"{\"agent_id\":1,\"seq\":1,\"sent_at\":\"\xff\"}"), Err(WireError::Malformed(_))));
    assert!(matches!(decode(b"null"), Err(WireError::Malformed(_))));
    assert!(matches!(decode(b"[1,2,3]"), Err(WireError::Malformed(_))));
    assert!(matches!(decode("\u{0}\u{1}Tiếng Việt".as_bytes()), Err(WireError::Malformed(_))));
}

#[test]
fn deeply_nested_body_is_malformed() {
    let mut deep = "[".repeat(200_000);
    deep.push_str(&"]".repeat(200_000));
    assert!(matches!(decode(deep.as_bytes()), Err(WireError::Malformed(_))));
    let mut deep = String::from("{\"agent_id\":");
    deep.push_str(&"{\"a\":".repeat(50_000));
    assert!(matches!(decode(deep.as_bytes()), Err(WireError::Malformed(_))));
}

#[test]
fn unknown_and_missing_fields_are_malformed() {
    let sub = sign(&key(3), 5, 9, SENT, &report_json());
    let mut v = serde_json::to_value(&sub).expect("value");
    v["extra"] = serde_json::json!(true);
    let err = decode(&serde_json::to_vec(&v).expect("json")).expect_err("unknown field");
    assert!(matches!(&err, WireError::Malformed(m) if m.contains("extra")), "{err:?}");

    let mut v = serde_json::to_value(&sub).expect("value");
    v.as_object_mut().expect("object").remove("signature");
    assert!(matches!(decode(&serde_json::to_vec(&v).expect("json")), Err(WireError::Malformed(_))));

    let mut v = serde_json::to_value(&sub).expect("value");
    v["seq"] = serde_json::json!(-1);
    assert!(matches!(decode(&serde_json::to_vec(&v).expect("json")), Err(WireError::Malformed(_))));

    let mut v = serde_json::to_value(&sub).expect("value");
    v["agent_id"] = serde_json::json!("12");
    assert!(matches!(decode(&serde_json::to_vec(&v).expect("json")), Err(WireError::Malformed(_))));

    let bad = br#"{"token":"t","public_key":"k","hostname":"h","os":"o","x":1}"#;
    assert!(serde_json::from_slice::<EnrollRequest>(bad).is_err());
}

#[test]
fn field_level_errors() {
    let good = sign(&key(3), 5, 9, SENT, &report_json());

    let mut s = good.clone();
    s.seq = 0;
    assert!(matches!(decode(&body(&s)), Err(WireError::Malformed(_))));

    let mut s = good.clone();
    s.payload = "@@not base64@@".to_string();
    assert_eq!(decode(&body(&s)), Err(WireError::BadBase64("payload")));

    let mut s = good.clone();
    s.payload = String::new();
    assert_eq!(decode(&body(&s)), Err(WireError::BadBase64("payload")));

    let mut s = good.clone();
    s.signature = B64.encode([0u8; 63]);
    assert_eq!(decode(&body(&s)), Err(WireError::BadBase64("signature")));

    let mut s = good.clone();
    s.signature = "%%%".to_string();
    assert_eq!(decode(&body(&s)), Err(WireError::BadBase64("signature")));

    for t in ["yesterday", "", "2026-13-01T00:00:00Z", "2026-11-24 22:05:00"] {
        let mut s = good.clone();
        s.sent_at = t.to_string();
        assert!(matches!(decode(&body(&s)), Err(WireError::BadTime(_))), "{t}");
    }
    let mut s = good.clone();
    s.sent_at = "9".repeat(10_000);
    assert!(matches!(decode(&body(&s)), Err(WireError::BadTime(_))));

    // A non-UTC offset is accepted and normalised to UTC.
    let mut s = good.clone();
    s.sent_at = "2026-11-25T05:05:00+07:00".to_string();
    assert_eq!(format_time(decode(&body(&s)).expect("decode").sent_at), SENT);
}

#[test]
fn errors_have_both_languages_and_status_codes() {
    let all = [
        WireError::TooLarge,
        WireError::Malformed("x".into()),
        WireError::BadBase64("payload"),
        WireError::BadSignature,
        WireError::BadKey,
        WireError::BadReport("y".into()),
        WireError::BadTime("z".into()),
    ];
    for e in all {
        let t = e.text();
        assert!(!t.vi.is_empty() && !t.en.is_empty());
        assert_ne!(t.vi, t.en);
        assert!(matches!(e.status_code(), 400 | 401 | 413));
        assert!(!e.reason().is_empty());
        assert!(!e.to_string().is_empty());
    }
    assert!(WireError::BadSignature.text().vi.contains("chữ ký"));
}

#[test]
fn garbage_never_panics() {
    // A small deterministic generator over mutated valid bodies.
    let k = key(9);
    let pk = pubkey(&k);
    let base = body(&sign(&k, 2, 2, SENT, &report_json()));
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut b = base.clone();
        let n = (state % 8) as usize + 1;
        for i in 0..n {
            let pos = ((state >> (i * 7)) as usize) % b.len();
            b[pos] = (state >> (i * 3)) as u8;
        }
        if let Ok(raw) = decode(&b) {
            let _ = raw.verify(&pk);
        }
    }
}

#[test]
fn into_verified_matches_verify_and_hashes_once() {
    let k = key(9);
    let json = report_json();
    let sub = sign(&k, 5, 2, SENT, &json);
    let raw = decode(&body(&sub)).expect("decode");
    let by_ref = raw.verify(&pubkey(&k)).expect("verify");
    let (owned, sha) = raw.clone().into_verified(&pubkey(&k)).expect("into_verified");
    assert_eq!(owned, by_ref);
    assert_eq!(sha, sha256_hex(&json));
    assert_eq!(raw.clone().into_verified(&pubkey(&key(10))), Err(WireError::BadSignature));
}

#[test]
fn escaped_strings_still_decode() {
    // JSON escapes force the decoder off its borrowed fast path: same result.
    let k = key(11);
    let sub = sign(&k, 6, 1, SENT, &report_json());
    let plain = String::from_utf8(body(&sub)).expect("utf8");
    let escaped = plain.replace('/', "\\/").replacen("2026", "\\u0032026", 1);
    assert_ne!(plain, escaped);
    let a = decode(plain.as_bytes()).expect("plain");
    let b = decode(escaped.as_bytes()).expect("escaped");
    assert_eq!(a, b);
    assert!(b.verify(&pubkey(&k)).is_ok());
}
