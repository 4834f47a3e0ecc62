mod common;

use antoan_model::Lang;

#[test]
fn print_samples() {
    let r = common::report();
    let dir = std::env::var("SAMPLE_DIR").unwrap_or_default();
    if dir.is_empty() {
        return;
    }
    std::fs::write(format!("{dir}/vi.txt"), antoan_report::render_terminal(&r, Lang::Vi, false)).unwrap();
    std::fs::write(format!("{dir}/en.txt"), antoan_report::render_terminal(&r, Lang::En, false)).unwrap();
    std::fs::write(format!("{dir}/vi.color.txt"), antoan_report::render_terminal(&r, Lang::Vi, true)).unwrap();
    std::fs::write(format!("{dir}/vi.html"), antoan_report::render_html(&r, Lang::Vi)).unwrap();
    std::fs::write(format!("{dir}/en.html"), antoan_report::render_html(&r, Lang::En)).unwrap();
    std::fs::write(format!("{dir}/report.json"), antoan_report::render_json(&r)).unwrap();
}
