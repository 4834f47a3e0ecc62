//! The conclusion as one self-contained HTML page (A4, Times New Roman),
//! laid out like an official administrative document. Also the input of
//! the PDF renderer.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::conclusion::{Block, Document, Section, Table};

const CSS: &str = r#"
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
html { background: #fff; }
body { font-family: "Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif", serif; font-size: 13pt; line-height: 1.35; color: #000; max-width: 165mm; margin: 0 auto; }
table.head, table.foot { width: 100%; border-collapse: collapse; }
table.foot { margin-top: 12pt; page-break-inside: avoid; }
table.head td, table.foot td { vertical-align: top; border: none; padding: 0; }
table.head td { text-align: center; font-size: 12.5pt; }
.parent { text-transform: uppercase; }
.body, .nation, .motto, .kind, .title, h2, .sig-title, .sig-name { font-weight: bold; }
.nation { font-size: 12pt; white-space: nowrap; }
.rule { width: 30%; margin: 2pt auto 6pt auto; border-top: 1px solid #000; }
.rule.long { width: 55%; }
.number { margin-top: 4pt; font-size: 13pt; }
.place-date { font-style: italic; margin-top: 6pt; }
.kind { text-align: center; font-size: 14pt; margin-top: 18pt; }
.title { text-align: center; font-size: 14pt; margin: 0 10% 12pt 10%; }
h2 { font-size: 13pt; margin: 12pt 0 4pt 0; }
h3 { font-size: 13pt; font-weight: bold; font-style: italic; margin: 8pt 0 3pt 0; }
p { text-align: justify; margin: 3pt 0; text-indent: 10mm; }
ul { margin: 2pt 0 4pt 0; padding-left: 10mm; list-style: "- "; }
li { text-align: justify; margin: 1pt 0; }
table.data { width: 99.6%; border-collapse: collapse; margin: 4pt 0 8pt 0; font-size: 11pt; page-break-inside: auto; }
table.data th, table.data td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
table.data th { font-weight: bold; text-align: center; }
@media print { body { max-width: none; } }
.dist-title { font-weight: bold; font-style: italic; font-size: 12pt; }
.dist { font-size: 11pt; }
.dist div { margin: 0; }
td.sig { text-align: center; }
.sig-space { height: 60pt; }
section.appendix { page-break-before: always; }
section.appendix h2 { text-align: center; }
"#;

fn table(t: &Table) -> Markup {
    let total: u32 = t.widths.iter().map(|w| u32::from(*w)).sum::<u32>().max(1);
    html! {
        table.data {
            @if !t.widths.is_empty() {
                colgroup {
                    @for w in &t.widths {
                        col style=(format!("width:{}%", u32::from(*w) * 100 / total));
                    }
                }
            }
            thead { tr { @for h in &t.header { th { (h) } } } }
            tbody {
                @for r in &t.rows {
                    tr { @for c in r { td { (c) } } }
                }
            }
        }
    }
}

fn block(b: &Block) -> Markup {
    match b {
        Block::Subheading { text } => html! { h3 { (text) } },
        Block::Paragraph { text } => html! { p { (text) } },
        Block::Bullets { items } => html! { ul { @for i in items { li { (i) } } } },
        Block::Table(t) => table(t),
    }
}

fn section(s: &Section, class: &str) -> Markup {
    html! {
        section class=(class) {
            h2 { (s.title) }
            @for b in &s.blocks { (block(b)) }
        }
    }
}

/// The whole document as HTML.
pub fn render_html(d: &Document) -> String {
    let h = &d.heading;
    let lang = d.lang.code();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                title { (h.kind) " " (h.number) }
                style { (PreEscaped(CSS)) }
            }
            body {
                table.head {
                    tr {
                        td style="width:42%" {
                            @if !h.parent.is_empty() { div.parent { (h.parent) } }
                            div.body { (h.body) }
                            div.rule {}
                            div.number { (h.number) }
                        }
                        td style="width:58%" {
                            div.nation { (h.nation) }
                            div.motto { (h.motto) }
                            div.rule.long {}
                            div.place-date { (h.place_date) }
                        }
                    }
                }
                div.kind { (h.kind) }
                div.title { (h.title) }
                div.rule {}
                @for s in &d.sections { (section(s, "part")) }
                table.foot {
                    tr {
                        td style="width:45%" {
                            div.dist-title { (if lang == "vi" { "Nơi nhận:" } else { "Distribution:" }) }
                            div.dist { @for x in &d.distribution { div { (x) } } }
                        }
                        td.sig style="width:55%" {
                            @if !d.signature.on_behalf.is_empty() { div.sig-title { (d.signature.on_behalf) } }
                            div.sig-title { (d.signature.title) }
                            div.sig-space {}
                            div.sig-name { (d.signature.name) }
                        }
                    }
                }
                @for s in &d.appendices { (section(s, "appendix")) }
            }
        }
    };
    markup.into_string()
}

/// The visible text of an HTML page, one line per block element: what a
/// reader sees, for golden tests and quick checks.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    let mut skip = false;
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
        }
        line.clear();
    };
    for ch in html.chars() {
        if in_tag {
            if ch == '>' {
                in_tag = false;
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let closing = tag.starts_with('/');
                match name.as_str() {
                    "style" | "title" => skip = !closing,
                    "td" | "th" if closing => line.push_str(" | "),
                    "div" | "p" | "li" | "tr" | "h2" | "h3" | "table" | "section" => {
                        flush(&mut line, &mut out)
                    }
                    _ => {}
                }
                tag.clear();
            } else {
                tag.push(ch);
            }
        } else if ch == '<' {
            in_tag = true;
        } else if !skip {
            line.push(ch);
        }
    }
    flush(&mut line, &mut out);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}
