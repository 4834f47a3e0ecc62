//! The score and summary rules, one behaviour per test.

mod common;

use antoan_model::{CheckOutcome::*, FindingKind, FindingStatus, Severity, Severity::*};
use antoan_report::{breakdown, score, severity_at_or_above, summarize};
use common::{check, finding, F};

fn f(check_id: &'static str, severity: Severity, subject: &'static str) -> antoan_model::Finding {
    finding(F {
        check: check_id,
        kind: FindingKind::Config,
        severity,
        subject,
        title: ("Tiêu đề", "Title"),
        remediation: ("Khắc phục", "Fix it"),
        evidence: &[],
        controls: &[],
    })
}

#[test]
fn all_passed_is_100_without_drivers() {
    let c = vec![check("a", Pass, Critical, "x"), check("b", Pass, Low, "x")];
    let s = score(&c, &[]);
    assert_eq!(s.value, 100);
    assert!(s.drivers.is_empty());
}

#[test]
fn nothing_ran_is_0() {
    assert_eq!(score(&[], &[]).value, 0);
    let c = vec![
        check("a", NotAssessed, High, "x"),
        check("b", NotApplicable, High, "x"),
    ];
    assert_eq!(score(&c, &[]).value, 0);
    // Info checks weigh nothing: passing them is no evidence either.
    assert_eq!(score(&[check("i", Pass, Info, "x")], &[]).value, 0);
}

#[test]
fn not_assessed_and_not_applicable_neither_pass_nor_fail() {
    let base = vec![check("a", Pass, Medium, "x"), check("b", Fail, Medium, "x")];
    let mut more = base.clone();
    more.push(check("c", NotAssessed, Critical, "x"));
    more.push(check("d", NotApplicable, Critical, "x"));
    assert_eq!(score(&base, &[]).value, 50);
    assert_eq!(score(&more, &[]).value, 50);
}

#[test]
fn weights_follow_severity() {
    // 10 passed of 11 → 90; 1 passed of 11 → 9.
    let c = vec![check("a", Pass, Critical, "x"), check("b", Fail, Low, "x")];
    assert_eq!(score(&c, &[]).value, 90);
    let c = vec![
        check("a", Fail, Medium, "x"),
        check("b", Pass, Low, "x"),
        check("c", Fail, Low, "x"),
    ];
    assert_eq!(score(&c, &[]).value, 20);
}

#[test]
fn a_failure_never_scores_100() {
    let mut c: Vec<_> = (0..300)
        .map(|i| check(&format!("p{i:03}"), Pass, Critical, "x"))
        .collect();
    c.push(check("z", Fail, Low, "x"));
    assert_eq!(score(&c, &[]).value, 99);
}

#[test]
fn critical_failure_caps_at_40_high_at_70() {
    let mut c: Vec<_> = (0..50)
        .map(|i| check(&format!("p{i:02}"), Pass, Critical, "x"))
        .collect();
    c.push(check("crit", Fail, Critical, "x"));
    let b = breakdown(&c, &[]);
    assert_eq!(b.uncapped, 98);
    assert_eq!(b.cap, Some((Critical, 40)));
    assert_eq!(score(&c, &[]).value, 40);

    c.pop();
    c.push(check("high", Fail, High, "x"));
    assert_eq!(score(&c, &[]).value, 70);

    c.pop();
    c.push(check("med", Fail, Medium, "x"));
    assert!(score(&c, &[]).value > 90);
}

#[test]
fn cap_does_not_raise_a_lower_score() {
    let c = vec![
        check("a", Fail, Critical, "x"),
        check("b", Fail, High, "x"),
        check("c", Pass, Low, "x"),
    ];
    assert_eq!(score(&c, &[]).value, 5);
}

#[test]
fn an_open_finding_fails_its_check_at_its_severity() {
    // The result says pass, but a problem was seen: the check failed, and
    // weighs as its most severe finding.
    let c = vec![check("a", Pass, Low, "x"), check("b", Pass, Critical, "x")];
    let findings = vec![f("a", High, "one")];
    let s = score(&c, &findings);
    // total = 6 (a as high) + 10; lost = 6 → 62, capped at … 62 < 70.
    assert_eq!(s.value, 62);
    assert_eq!(s.drivers.len(), 1);
    assert_eq!(s.drivers[0].severity, High);
    assert_eq!(s.drivers[0].points, 37.5);
}

#[test]
fn a_finding_without_a_check_result_still_counts() {
    let c = vec![check("a", Pass, Medium, "x")];
    let s = score(&c, &[f("orphan", Medium, "s")]);
    assert_eq!(s.value, 50);
    assert_eq!(s.drivers[0].check, "orphan");
}

#[test]
fn not_assessed_findings_do_not_fail_a_check() {
    let c = vec![
        check("a", Pass, Medium, "x"),
        check("b", NotAssessed, High, "x"),
    ];
    let mut na = f("b", High, "s");
    na.status = FindingStatus::NotAssessed;
    assert_eq!(score(&c, &[na.clone()]).value, 100);
    assert!(!severity_at_or_above(&[na], Info));
}

#[test]
fn drivers_are_top_five_by_points_then_check_id() {
    let c = vec![
        check("m.b", Fail, Medium, "x"),
        check("h.z", Fail, High, "x"),
        check("h.a", Fail, High, "x"),
        check("c.only", Fail, Critical, "x"),
        check("l.a", Fail, Low, "x"),
        check("m.a", Fail, Medium, "x"),
        check("i.a", Fail, Info, "x"),
        check("p", Pass, Critical, "x"),
    ];
    let s = score(&c, &[]);
    let ids: Vec<&str> = s.drivers.iter().map(|d| d.check.as_str()).collect();
    assert_eq!(ids, ["c.only", "h.a", "h.z", "m.a", "m.b"]);
    // total = 3+6+6+10+1+3+0+10 = 39
    assert_eq!(s.drivers[0].points, 25.6);
    assert_eq!(s.drivers[1].points, 15.4);
    assert_eq!(s.drivers[3].points, 7.7);
    assert_eq!(s.drivers[0].title.en, "Check c.only failed");
    assert_eq!(s.drivers[0].title.vi, "Kiểm tra c.only không đạt");
}

#[test]
fn info_failures_cost_nothing_and_are_not_drivers() {
    let c = vec![check("a", Pass, High, "x"), check("i", Fail, Info, "x")];
    let s = score(&c, &[f("i", Info, "s")]);
    assert_eq!(s.value, 100);
    assert!(s.drivers.is_empty());
}

#[test]
fn driver_title_comes_from_the_findings() {
    let c = vec![check("acct", Fail, High, "x"), check("p", Pass, High, "x")];
    let mut a = f("acct", High, "bob");
    a.title = antoan_model::Text::new(
        "Tài khoản bob có mật khẩu rỗng",
        "Account bob has an empty password",
    );
    let mut b = f("acct", High, "alice");
    b.title = antoan_model::Text::new(
        "Tài khoản alice có mật khẩu rỗng",
        "Account alice has an empty password",
    );
    let mut c2 = f("acct", Medium, "aaa");
    c2.title = antoan_model::Text::new("ít nghiêm trọng hơn", "less severe");
    let s = score(&c, &[a, b, c2]);
    assert_eq!(
        s.drivers[0].title.en,
        "Account alice has an empty password (and 2 more findings)"
    );
    assert_eq!(
        s.drivers[0].title.vi,
        "Tài khoản alice có mật khẩu rỗng (và 2 phát hiện khác)"
    );

    let one = score(&c, &[f("acct", High, "x")]);
    assert_eq!(one.drivers[0].title.en, "Title");
}

#[test]
fn order_of_input_does_not_matter() {
    let r = common::report();
    let mut checks = r.checks.clone();
    let mut findings = r.findings.clone();
    checks.reverse();
    findings.reverse();
    assert_eq!(score(&checks, &findings), score(&r.checks, &r.findings));
    assert_eq!(
        summarize(&checks, &findings),
        summarize(&r.checks, &r.findings)
    );
}

#[test]
fn duplicate_results_keep_the_worst() {
    let c = vec![
        check("a", Pass, Low, "x"),
        check("a", Fail, High, "x"),
        check("b", Pass, High, "x"),
    ];
    let s = score(&c, &[]);
    assert_eq!(s.value, 50);
    assert_eq!(summarize(&c, &[]).failed, 1);
    assert_eq!(summarize(&c, &[]).passed, 1);
}

#[test]
fn sample_report_score_and_summary() {
    let r = common::report();
    let b = breakdown(&r.checks, &r.findings);
    assert_eq!((b.total, b.lost, b.uncapped), (89, 45, 49));
    assert_eq!(r.score.value, 40);
    assert_eq!(r.score.drivers.len(), 5);
    assert_eq!(r.score.drivers[0].check, "accounts.empty-password");
    assert_eq!(r.score.drivers[1].check, "os.eol");
    let s = &r.summary;
    assert_eq!(
        (
            s.checks_run,
            s.passed,
            s.failed,
            s.not_assessed,
            s.not_applicable
        ),
        (16, 7, 9, 2, 1)
    );
    assert_eq!(
        (s.critical, s.high, s.medium, s.low, s.info),
        (2, 3, 2, 1, 1)
    );
}

#[test]
fn severity_threshold_counts_open_findings_only() {
    let r = common::report();
    assert!(severity_at_or_above(&r.findings, Critical));
    assert!(severity_at_or_above(&r.findings, Info));
    let only_low = vec![f("a", Low, "s")];
    assert!(severity_at_or_above(&only_low, Low));
    assert!(!severity_at_or_above(&only_low, Medium));
    assert!(!severity_at_or_above(&[], Info));
}
