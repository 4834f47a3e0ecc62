//! Renderers: golden files for the sample report, escaping of hostile
//! input, width, colour and JSON stability.

mod common;

use antoan_model::{Evidence, Lang, Report, Text};
use unicode_width::UnicodeWidthStr;

#[test]
fn terminal_vi() {
    insta::assert_snapshot!(
        "terminal_vi",
        antoan_report::render_terminal(&common::report(), Lang::Vi, false)
    );
}

#[test]
fn terminal_en() {
    insta::assert_snapshot!(
        "terminal_en",
        antoan_report::render_terminal(&common::report(), Lang::En, false)
    );
}

#[test]
fn html_vi() {
    insta::assert_snapshot!(
        "html_vi",
        antoan_report::render_html(&common::report(), Lang::Vi)
    );
}

#[test]
fn html_en() {
    insta::assert_snapshot!(
        "html_en",
        antoan_report::render_html(&common::report(), Lang::En)
    );
}

#[test]
fn json() {
    insta::assert_snapshot!("json", antoan_report::render_json(&common::report()));
}

/// A report whose every outside string tries to break out.
fn hostile() -> Report {
    let mut r = common::report();
    r.host.hostname = "<script>alert('host')</script>\u{1b}]0;pwned\u{7}\u{1b}[2J".into();
    r.host.source = "/mnt/<b>disk</b>\u{202e}txt.exe".into();
    r.host.os.name = "Debian <i>GNU</i>".into();
    r.inventory.packages[0].name = "<script>alert('pkg')</script>".into();
    r.inventory.packages[0].version = "1.0\"><img src=x onerror=alert(2)>".into();
    r.inventory.accounts[0].name = "<script>alert('acct')</script>".into();
    r.inventory.services[0].name = "<svg onload=alert(3)>".into();
    r.knowledge[0].name = "<iframe src=//evil>".into();
    let f = &mut r.findings[0];
    f.subject = "\"><svg onload=alert(4)>\u{1b}[31m".into();
    f.title = Text::new("<b>đậm</b>", "<b>bold</b>");
    f.evidence.insert(
        0,
        Evidence::new(
            "<script>src</script>",
            "</pre><img src=x onerror=alert(5)>\u{1b}[2K\r\nsecond line",
        ),
    );
    f.references = vec![
        "javascript:alert(6)".into(),
        "https://example.com/\"onmouseover=alert(7)".into(),
    ];
    f.attributes.insert("<k>".into(), "<v>".into());
    r.score.drivers[0].title = Text::new("<script>alert(8)</script>", "<script>alert(8)</script>");
    let na = r.findings.iter_mut().find(|f| f.reason.is_some()).unwrap();
    na.reason = Some(Text::new(
        "<script>alert(9)</script>\u{1b}[H",
        "<script>alert(9)</script>\u{1b}[H",
    ));
    r
}

#[test]
fn html_escapes_everything_from_the_host() {
    for lang in [Lang::Vi, Lang::En] {
        let html = antoan_report::render_html(&hostile(), lang);
        for bad in [
            "<script",
            "<img",
            "<svg",
            "<iframe",
            "<b>",
            "<i>",
            "<k>",
            "href=\"javascript",
            "\"onmouseover",
        ] {
            assert!(!html.contains(bad), "{bad:?} reached the HTML unescaped");
        }
        assert!(html.contains("&lt;script&gt;alert('host')&lt;/script&gt;"));
        assert!(html.contains("&lt;script&gt;alert('pkg')&lt;/script&gt;"));
        assert!(html.contains("&lt;/pre&gt;&lt;img src=x onerror=alert(5)&gt;"));
        assert!(html.contains("&lt;script&gt;alert(9)&lt;/script&gt;"));
        // Control and bidirectional-override characters are shown, not obeyed.
        for c in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
            assert!(!html.contains(c), "{c:?} in the HTML");
        }
        assert!(html.contains("/mnt/&lt;b&gt;disk&lt;/b&gt;\\u{202e}txt.exe"));
        // The non-web reference is text, not a link.
        assert!(html.contains("javascript:alert(6)"));
    }
}

#[test]
fn html_is_self_contained_and_script_free() {
    for lang in [Lang::Vi, Lang::En] {
        let html = antoan_report::render_html(&common::report(), lang);
        assert!(html.starts_with("<!DOCTYPE html><html lang=\""));
        assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<style>"));
        assert!(html.contains("@media print"));
        for external in ["<script", "<link", " src=", "@import", "url("] {
            assert!(
                !html.contains(external),
                "{external:?} in a self-contained page"
            );
        }
        assert!(
            html.contains("<details>"),
            "the package list is collapsible"
        );
        assert!(html.ends_with("</html>\n"));
    }
}

#[test]
fn html_shows_the_sample_in_vietnamese() {
    let html = antoan_report::render_html(&common::report(), Lang::Vi);
    for s in [
        "mc-vanban01.soyte.example.vn",
        "Điểm an toàn",
        "Hệ điều hành Debian GNU/Linux 10 đã hết hỗ trợ từ ngày 30/06/2024",
        "Chưa đánh giá được (2)",
        "không đọc được /var/lib/clamav/daily.cld: không có quyền truy cập",
        "postgresql-11",
        "Đồng bộ thời gian",
        "ntp.soyte.example.vn",
    ] {
        assert!(html.contains(s), "missing {s:?}");
    }
    let en = antoan_report::render_html(&common::report(), Lang::En);
    assert!(en.contains("Debian GNU/Linux 10 reached end of life on 2024-06-30"));
    assert!(!en.contains("Điểm an toàn"));
}

#[test]
fn terminal_output_cannot_drive_the_terminal() {
    for lang in [Lang::Vi, Lang::En] {
        let plain = antoan_report::render_terminal(&hostile(), lang, false);
        for c in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
            assert!(!plain.contains(c), "{c:?} printed raw");
        }
        assert!(plain.contains("\\e]0;pwned\\u{7}\\e[2J"));
        assert!(plain.contains("\\u{202e}"));

        // With colour on, the only escapes are our own SGR sequences.
        let colored = antoan_report::render_terminal(&hostile(), lang, true);
        let mut rest = colored.as_str();
        while let Some(i) = rest.find('\u{1b}') {
            let seq = &rest[i + 1..];
            let end = seq.find('m').expect("escape sequence ends with m");
            assert!(
                seq.starts_with('['),
                "non-SGR escape: {:?}",
                &seq[..end.min(10)]
            );
            assert!(
                seq[1..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
                "odd SGR: {:?}",
                &seq[..end]
            );
            rest = &seq[end..];
        }
    }
}

#[test]
fn terminal_fits_100_columns() {
    for report in [common::report(), hostile()] {
        for lang in [Lang::Vi, Lang::En] {
            let out = antoan_report::render_terminal(&report, lang, false);
            for line in out.lines() {
                assert!(line.width() <= 100, "{} columns: {line}", line.width());
            }
        }
    }
}

#[test]
fn terminal_colour_only_when_asked() {
    let r = common::report();
    assert!(!antoan_report::render_terminal(&r, Lang::Vi, false).contains('\u{1b}'));
    let colored = antoan_report::render_terminal(&r, Lang::Vi, true);
    assert!(colored.contains("\u{1b}[1;91m"));
    // Colour changes nothing but the escapes.
    let stripped = strip_sgr(&colored);
    assert_eq!(
        stripped,
        antoan_report::render_terminal(&r, Lang::Vi, false)
    );
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\u{1b}' {
            for c in it.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn empty_report_renders() {
    let mut r = common::report();
    r.findings.clear();
    r.checks.clear();
    r.knowledge.clear();
    r.inventory = Default::default();
    r.host = Default::default();
    r.summary = antoan_report::summarize(&[], &[]);
    r.score = antoan_report::score(&[], &[]);
    for lang in [Lang::Vi, Lang::En] {
        let t = antoan_report::render_terminal(&r, lang, false);
        assert!(t.contains(if lang == Lang::Vi {
            "Không có phát hiện nào."
        } else {
            "No findings."
        }));
        assert!(t.contains(if lang == Lang::Vi {
            "chưa kiểm tra nào chạy được"
        } else {
            "no check could run"
        }));
        let h = antoan_report::render_html(&r, lang);
        assert!(h.contains("0<span class=\"score-of\">/100</span>"));
    }
}

#[test]
fn json_is_pretty_stable_and_round_trips() {
    let r = common::report();
    let a = antoan_report::render_json(&r);
    assert!(a.ends_with("}\n"));
    assert!(a.starts_with("{\n  \"schema_version\": \"1.0\",\n  \"tool\""));
    assert_eq!(a, antoan_report::render_json(&r));
    let back: Report = serde_json::from_str(&a).unwrap();
    assert_eq!(back, r);
    let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&a)
        .map(|m| m.keys().cloned().collect())
        .unwrap();
    // serde_json's Map without preserve_order is sorted; check order in the text instead.
    let mut last = 0;
    for k in [
        "schema_version",
        "tool",
        "generated_at",
        "host",
        "inventory",
        "findings",
        "checks",
        "summary",
        "score",
        "knowledge",
    ] {
        assert!(keys.contains(&k.to_string()));
        let at = a.find(&format!("\n  \"{k}\":")).unwrap();
        assert!(at > last || last == 0, "{k} out of order");
        last = at;
    }
}

/// `SAMPLE_DIR=/tmp/x cargo test -p antoan-report --test render -- --ignored`
/// writes the sample renderings there, to look at them.
#[test]
#[ignore]
fn write_samples() {
    let dir = std::env::var("SAMPLE_DIR").expect("set SAMPLE_DIR");
    let r = common::report();
    let w = |name: &str, s: String| std::fs::write(format!("{dir}/{name}"), s).unwrap();
    w(
        "vi.txt",
        antoan_report::render_terminal(&r, Lang::Vi, false),
    );
    w(
        "en.txt",
        antoan_report::render_terminal(&r, Lang::En, false),
    );
    w(
        "vi.color.txt",
        antoan_report::render_terminal(&r, Lang::Vi, true),
    );
    w("vi.html", antoan_report::render_html(&r, Lang::Vi));
    w("en.html", antoan_report::render_html(&r, Lang::En));
    w(
        "hostile.html",
        antoan_report::render_html(&hostile(), Lang::En),
    );
    w(
        "hostile.txt",
        antoan_report::render_terminal(&hostile(), Lang::En, false),
    );
    w("report.json", antoan_report::render_json(&r));
}
