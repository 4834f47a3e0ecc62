//! Malformed policies: each error names the file, line and column, and says
//! what is wrong. Garbage never panics.

use std::collections::BTreeSet;

use antoan_check::{validate_controls, Policy, PolicyError};

const HEAD: &str = r#"[policy]
id = "p"
name = { vi = "Chính sách", en = "Policy" }
version = "1"
os_family = "linux"
"#;

/// A valid check, with `{extra}` lines spliced in before fail_when.
fn check(id: &str, body: &str) -> String {
    format!(
        r#"
[[check]]
id = "{id}"
category = "ssh"
kind = "config"
severity = "high"
title = {{ vi = "Tiêu đề", en = "Title" }}
remediation = {{ vi = "Sửa", en = "Fix" }}
controls = ["T2.1"]
{body}
"#
    )
}

const FAIL: &str = r#"fail_when = { sshd = { option = "PermitRootLogin", eq = "yes" } }"#;

fn err(text: &str) -> PolicyError {
    match Policy::parse(text, "site.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// Line (1-based) of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let off = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    text[..off].matches('\n').count() + 1
}

#[track_caller]
fn expect(text: &str, at: &str, reason: &str) {
    let e = err(text);
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("site.toml:{}:", e.line)),
        "{shown}"
    );
    assert_eq!(e.origin, "site.toml");
    assert!(e.column >= 1);
    assert_eq!(
        e.line,
        line_of(text, at),
        "wrong line for {reason:?}: {shown}"
    );
    assert!(
        e.reason.contains(reason),
        "reason {:?} should contain {reason:?}",
        e.reason
    );
    assert_eq!(
        shown,
        format!("site.toml:{}:{}: {}", e.line, e.column, e.reason)
    );
}

#[test]
fn valid_policy_parses() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL));
    let p = Policy::parse(&text, "site.toml").unwrap();
    assert_eq!(p.checks().len(), 1);
    assert_eq!(p.checks()[0].id, "LNX-T-001");
}

#[test]
fn unknown_probe() {
    let text = format!(
        "{HEAD}{}",
        check(
            "LNX-T-001",
            r#"fail_when = { wmi = { class = "Win32_Service" } }"#
        )
    );
    expect(
        &text,
        "wmi",
        "unknown probe `wmi`, expected one of `all`, `any`, `none`, `sshd`",
    );
}

#[test]
fn unknown_field_in_probe() {
    let text = format!(
        "{HEAD}{}",
        check(
            "LNX-T-001",
            r#"fail_when = { sshd = { optoin = "PermitRootLogin", eq = "yes" } }"#
        )
    );
    expect(&text, "optoin", "unknown field `optoin`");
}

#[test]
fn unknown_field_in_check() {
    let text = format!(
        "{HEAD}{}",
        check("LNX-T-001", &format!("severty = \"low\"\n{FAIL}"))
    );
    expect(&text, "severty", "unknown field `severty`");
}

#[test]
fn duplicate_check_id() {
    let text = format!(
        "{HEAD}{}{}",
        check("LNX-T-001", FAIL),
        check("LNX-T-001", FAIL)
    );
    let e = err(&text);
    assert!(e.reason.contains("duplicate check id 'LNX-T-001'"), "{e}");
    let second = text.rfind("LNX-T-001").unwrap();
    assert_eq!(e.line, text[..second].matches('\n').count() + 1);
    assert!(e.reason.contains("first defined at line"));
}

#[test]
fn bad_severity() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL)).replace("\"high\"", "\"urgent\"");
    expect(&text, "urgent", "unknown variant `urgent`");
}

#[test]
fn bad_kind_and_category() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("kind = \"config\"", "kind = \"settings\"");
    expect(&text, "settings", "unknown variant `settings`");
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("category = \"ssh\"", "category = \"sshd\"");
    expect(&text, "\"sshd\"", "unknown category 'sshd'");
}

#[test]
fn missing_vi_or_en_text() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("title = { vi = \"Tiêu đề\", ", "title = { ");
    expect(&text, "title", "missing field `vi`");
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL)).replace("en = \"Fix\"", "en = \"  \"");
    expect(&text, "en = \"  \"", "`remediation.en` is empty");
}

#[test]
fn control_ids() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("[\"T2.1\"]", "[\"T2.1\", \"hardening\"]");
    expect(&text, "hardening", "'hardening' is not a control id");
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL)).replace("[\"T2.1\"]", "[]");
    expect(&text, "controls = []", "`controls` is empty");

    // Unknown to the catalog: checked by validate_controls, with the position.
    let text =
        format!("{HEAD}{}", check("LNX-T-001", FAIL)).replace("[\"T2.1\"]", "[\"T2.1\", \"T9.9\"]");
    let p = Policy::parse(&text, "site.toml").unwrap();
    let known: BTreeSet<String> = ["T2.1".to_string()].into();
    let e = validate_controls(&p, &known).unwrap_err();
    assert_eq!(e.line, line_of(&text, "T9.9"));
    assert_eq!(
        e.column,
        text.lines()
            .nth(e.line - 1)
            .unwrap()
            .find("\"T9.9\"")
            .unwrap()
            + 1
    );
    assert!(e.reason.contains("unknown control id 'T9.9'"), "{e}");
    let known: BTreeSet<String> = ["T2.1".to_string(), "T9.9".to_string()].into();
    assert!(validate_controls(&p, &known).is_ok());
}

#[test]
fn mode_not_octal() {
    let text = format!(
        "{HEAD}{}",
        check(
            "LNX-T-001",
            r#"fail_when = { file = { path = "/etc/shadow", mode_max = "0648" } }"#
        )
    );
    expect(&text, "0648", "mode_max '0648' is not an octal mode");
}

#[test]
fn probe_validation() {
    let cases = [
        (
            r#"fail_when = { sshd = { option = "X11Forwarding", eq = "yes", ne = "no" } }"#,
            "exactly one comparison",
        ),
        (
            r#"fail_when = { sshd = { option = "X11Forwarding" } }"#,
            "exactly one comparison",
        ),
        (
            r#"fail_when = { sysctl = { key = "kernel.sysrq", ne = "0", default = "1", missing = true } }"#,
            "either `default` or `missing`",
        ),
        (
            r#"fail_when = { file = { path = "etc/shadow", exists = true } }"#,
            "must be absolute",
        ),
        (
            r#"fail_when = { all = [] }"#,
            "`all` needs at least one condition",
        ),
        (
            r#"fail_when = { service = { name = "telnet", state = "running" } }"#,
            "unknown service state 'running'",
        ),
        (
            r#"fail_when = { unsafe_files = { world_writable = true, ownerless = true } }"#,
            "exactly one of",
        ),
        (
            r#"fail_when = { accounts = { where = { password = "blank" } } }"#,
            "password state 'blank'",
        ),
        (
            r#"fail_when = { accounts = { where = { uid_gt = 0 } } }"#,
            "unknown field `uid_gt`",
        ),
        (
            r#"fail_when = { sshd = { option = "MaxAuthTries", gt = "four" } }"#,
            "invalid type",
        ),
    ];
    for (body, reason) in cases {
        let text = format!("{HEAD}{}", check("LNX-T-001", body));
        expect(&text, "fail_when", reason);
    }
}

#[test]
fn two_probes_in_one_table() {
    let text = format!(
        "{HEAD}{}",
        check(
            "LNX-T-001",
            r#"fail_when = { sshd = { option = "A", eq = "1" }, package = { installed = "x" } }"#
        )
    );
    let e = err(&text);
    assert_eq!(e.line, line_of(&text, "fail_when"));
    eprintln!("two probes: {e}");
}

#[test]
fn pass_when_and_missing_fail_when() {
    let text = format!(
        "{HEAD}{}",
        check(
            "LNX-T-001",
            r#"pass_when = { firewall = { active = true } }"#
        )
    );
    expect(&text, "pass_when", "`pass_when` is not supported");
    let text = format!("{HEAD}{}", check("LNX-T-001", ""));
    let e = err(&text);
    assert!(e.reason.contains("missing `fail_when`"), "{e}");
}

#[test]
fn bad_ids_and_metadata() {
    let text = format!("{HEAD}{}", check("lnx ssh 1", FAIL));
    expect(&text, "lnx ssh 1", "check id 'lnx ssh 1' is not valid");
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("os_family = \"linux\"", "os_family = \"beos\"");
    expect(&text, "beos", "unknown os_family 'beos'");
    let e = err("[policy]\nid = \"p\"\n");
    assert!(e.reason.contains("missing field"), "{e}");
    let e = err(HEAD);
    assert!(e.reason.contains("no [[check]] entries"), "{e}");
}

#[test]
fn syntax_errors_have_positions() {
    let text = format!("{HEAD}{}", check("LNX-T-001", FAIL))
        .replace("severity = \"high\"", "severity = \"high");
    let e = err(&text);
    assert_eq!(e.line, line_of(&text, "severity"));
    let e = err("[policy\nid=1");
    assert_eq!(e.line, 1);
}

#[test]
fn nesting_is_bounded() {
    let mut cond = r#"{ package = { installed = "x" } }"#.to_string();
    for _ in 0..40 {
        cond = format!("{{ all = [ {cond} ] }}");
    }
    let text = format!(
        "{HEAD}{}",
        check("LNX-T-001", &format!("fail_when = {cond}"))
    );
    let e = err(&text);
    assert!(e.reason.contains("nested deeper"), "{e}");
    // Far deeper still: rejected before the TOML parser recurses.
    let deep = format!("{HEAD}x = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = err(&deep);
    assert!(e.reason.contains("nested deeper"), "{e}");
}

#[test]
fn garbage_never_panics() {
    let valid = format!("{HEAD}{}", check("LNX-T-001", FAIL));
    let mut inputs: Vec<String> = vec![
        String::new(),
        "\u{0}\u{1}\u{2}".into(),
        "ÿþ[policy]".into(),
        "🦀 = 🦀".into(),
        "[[check]]\n".repeat(50),
        "a = \"unterminated".into(),
        format!("{HEAD}[[check]]\nid = \"Nhật-ký\"\n"),
    ];
    // Every truncation of a valid policy.
    for cut in 0..valid.len() {
        if valid.is_char_boundary(cut) {
            inputs.push(valid[..cut].to_string());
        }
    }
    // Pseudo-random byte soup (deterministic).
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..200 {
        let mut bytes = Vec::new();
        for _ in 0..(x % 300) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let alphabet = b"[]{}=\"',.#\n abcxyz01_-TF";
            bytes.push(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    for s in &inputs {
        if let Err(e) = Policy::parse(s, "junk.toml") {
            assert!(e.to_string().starts_with("junk.toml:"), "{e}");
            assert!(e.line >= 1 && e.column >= 1);
        }
    }
    let huge = "#".repeat(antoan_check::MAX_POLICY_BYTES + 1);
    assert!(err(&huge).reason.contains("too large"));
}
