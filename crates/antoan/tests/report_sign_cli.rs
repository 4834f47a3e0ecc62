//! `antoan report sign|verify` end to end, with keys from `antoan kb keygen`.

use std::process::{Command, Output};

fn antoan(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_antoan"))
        .args(args)
        .output()
        .unwrap()
}

fn s(x: &str) -> &std::ffi::OsStr {
    x.as_ref()
}

#[test]
fn sign_verify_and_a_tampered_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for who in ["unit", "other"] {
        let out = antoan(&[s("kb"), s("keygen"), d.join(who).as_os_str()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let doc = d.join("ket-luan-35.docx");
    std::fs::write(&doc, "Kết luận kiểm tra số 35/KL-STTTT".as_bytes()).unwrap();

    let out = antoan(&[
        s("--lang"),
        s("en"),
        s("report"),
        s("sign"),
        doc.as_os_str(),
        s("--key"),
        d.join("unit.key").as_os_str(),
        s("--signer"),
        s("Sở TT&TT tỉnh Minh Châu"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = d.join("ket-luan-35.docx.sig");
    let sig_text = std::fs::read_to_string(&sig).unwrap();
    assert!(
        sig_text.contains("\"signer\": \"Sở TT&TT tỉnh Minh Châu\""),
        "{sig_text}"
    );
    assert!(sig_text.contains("\"sha256\""), "{sig_text}");
    // The private key never reaches the signature file.
    let secret = std::fs::read_to_string(d.join("unit.key")).unwrap();
    assert!(!sig_text.contains(secret.trim()));

    // Verifies with the signer's public key, and for integrity without one.
    let out = antoan(&[
        s("--lang"),
        s("en"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
        s("--pubkey"),
        d.join("unit.pub").as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with("VALID: "),
        "{stdout}"
    );
    assert!(stdout.contains("Sở TT&TT tỉnh Minh Châu"), "{stdout}");
    let out = antoan(&[
        s("--lang"),
        s("vi"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("chưa đối chiếu khóa tin cậy"));

    // Another unit's key: refused.
    let out = antoan(&[
        s("--lang"),
        s("en"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
        s("--sig"),
        sig.as_os_str(),
        s("--pubkey"),
        d.join("other.pub").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not signed with the given public key"));

    // One changed byte: refused, in plain words, in both languages.
    let mut bytes = std::fs::read(&doc).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&doc, &bytes).unwrap();
    let out = antoan(&[
        s("--lang"),
        s("en"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
        s("--pubkey"),
        d.join("unit.pub").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("INVALID: the file was changed after it was signed"),
        "{stderr}"
    );
    let out = antoan(&[
        s("--lang"),
        s("vi"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tệp đã bị thay đổi sau khi ký"));

    // A damaged .sig: a clear error naming it (exit 2).
    std::fs::write(&sig, "{ not json").unwrap();
    let out = antoan(&[
        s("--lang"),
        s("en"),
        s("report"),
        s("verify"),
        doc.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ket-luan-35.docx.sig:1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
