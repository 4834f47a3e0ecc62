//! The conclusion as an editable Word document (DOCX, Office Open XML),
//! written directly: a handful of XML parts in a ZIP with fixed timestamps,
//! so the same document gives the same bytes. Times New Roman 13 pt, A4,
//! margins of an administrative document (top/bottom 20 mm, left 30 mm,
//! right 15 mm), language vi-VN or en-GB.

use std::io::{Cursor, Read, Write};

use antoan_model::Lang;
use zip::write::SimpleFileOptions;

use crate::conclusion::{Block, Document, Table};
use crate::InspectError;

pub const FONT: &str = "Times New Roman";
/// Text width of the page in twentieths of a point (A4 minus the margins).
const TEXT_WIDTH: u32 = 11906 - 1701 - 850;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // XML 1.0 forbids most C0 controls.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    center: bool,
    justify: bool,
    /// Half-points; 0 = default (13 pt).
    size: u32,
    indent_first: bool,
    /// Space after, twips.
    after: u32,
    keep_next: bool,
    page_break_before: bool,
    underline: bool,
}

fn run(text: &str, st: Style) -> String {
    let mut rpr = String::new();
    if st.bold {
        rpr.push_str("<w:b/>");
    }
    if st.italic {
        rpr.push_str("<w:i/>");
    }
    if st.underline {
        rpr.push_str("<w:u w:val=\"single\"/>");
    }
    if st.size > 0 {
        rpr.push_str(&format!(
            "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
            st.size
        ));
    }
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    format!(
        "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn para(text: &str, st: Style) -> String {
    let mut ppr = String::new();
    if st.keep_next {
        ppr.push_str("<w:keepNext/>");
    }
    if st.page_break_before {
        ppr.push_str("<w:pageBreakBefore/>");
    }
    ppr.push_str(&format!(
        "<w:spacing w:before=\"0\" w:after=\"{}\"/>",
        st.after
    ));
    if st.indent_first {
        ppr.push_str("<w:ind w:firstLine=\"567\"/>");
    }
    if st.center {
        ppr.push_str("<w:jc w:val=\"center\"/>");
    } else if st.justify {
        ppr.push_str("<w:jc w:val=\"both\"/>");
    }
    let body = if text.is_empty() {
        String::new()
    } else {
        run(text, st)
    };
    format!("<w:p><w:pPr>{ppr}</w:pPr>{body}</w:p>")
}

/// A short centred horizontal line under a heading block (a bottom border
/// on an empty paragraph, indented to the wanted width).
fn rule(indent: u32) -> String {
    format!(
        "<w:p><w:pPr><w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr><w:spacing w:before=\"0\" w:after=\"60\"/><w:ind w:left=\"{indent}\" w:right=\"{indent}\"/><w:rPr><w:sz w:val=\"8\"/></w:rPr></w:pPr></w:p>"
    )
}

fn cell(width: u32, content: &str, borders: bool) -> String {
    let b = if borders {
        ""
    } else {
        "<w:tcBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/></w:tcBorders>"
    };
    // A cell must end with a paragraph.
    let content = if content.ends_with("</w:p>") {
        content.to_string()
    } else {
        format!("{content}<w:p/>")
    };
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{b}</w:tcPr>{content}</w:tc>")
}

fn layout_table(widths: &[u32], rows: &[Vec<String>]) -> String {
    let grid: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_WIDTH}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    );
    for r in rows {
        x.push_str("<w:tr>");
        for (w, c) in widths.iter().zip(r) {
            x.push_str(&cell(*w, c, false));
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

fn data_table(t: &Table) -> String {
    let n = t.header.len().max(1);
    let total: u32 = t.widths.iter().map(|w| u32::from(*w)).sum();
    let widths: Vec<u32> = if t.widths.len() == n && total > 0 {
        t.widths
            .iter()
            .map(|w| u32::from(*w) * TEXT_WIDTH / total)
            .collect()
    } else {
        vec![TEXT_WIDTH / n as u32; n]
    };
    let grid: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"";
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_WIDTH}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    );
    let small = Style {
        size: 22,
        ..Default::default()
    };
    x.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (w, h) in widths.iter().zip(&t.header) {
        x.push_str(&cell(
            *w,
            &para(
                h,
                Style {
                    bold: true,
                    center: true,
                    ..small
                },
            ),
            true,
        ));
    }
    x.push_str("</w:tr>");
    for r in &t.rows {
        x.push_str("<w:tr>");
        for (i, w) in widths.iter().enumerate() {
            let text = r.get(i).map(String::as_str).unwrap_or("");
            x.push_str(&cell(*w, &para(text, small), true));
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    // Space after a table.
    x.push_str(&para(
        "",
        Style {
            after: 60,
            ..Default::default()
        },
    ));
    x
}

fn blocks(bs: &[Block], out: &mut String) {
    for b in bs {
        match b {
            Block::Subheading { text } => out.push_str(&para(
                text,
                Style {
                    bold: true,
                    italic: true,
                    justify: true,
                    after: 60,
                    keep_next: true,
                    ..Default::default()
                },
            )),
            Block::Paragraph { text } => out.push_str(&para(
                text,
                Style {
                    justify: true,
                    indent_first: true,
                    after: 60,
                    ..Default::default()
                },
            )),
            Block::Bullets { items } => {
                for i in items {
                    out.push_str(&para(
                        &format!("- {i}"),
                        Style {
                            justify: true,
                            indent_first: true,
                            after: 40,
                            ..Default::default()
                        },
                    ));
                }
            }
            Block::Table(t) => out.push_str(&data_table(t)),
        }
    }
}

/// `word/document.xml` of the conclusion.
pub fn document_xml(d: &Document) -> String {
    let h = &d.heading;
    let mut body = String::new();
    let c = |bold: bool| Style {
        bold,
        center: true,
        ..Default::default()
    };
    let left_w = TEXT_WIDTH * 44 / 100;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = String::new();
    if !h.parent.is_empty() {
        left.push_str(&para(&h.parent, c(false)));
    }
    left.push_str(&para(&h.body, c(true)));
    left.push_str(&rule(left_w / 3));
    left.push_str(&para(&h.number, c(false)));
    let mut right = String::new();
    right.push_str(&para(
        &h.nation,
        Style {
            size: 24,
            ..c(true)
        },
    ));
    right.push_str(&para(&h.motto, c(true)));
    right.push_str(&rule(right_w / 5));
    right.push_str(&para(
        &h.place_date,
        Style {
            italic: true,
            ..c(false)
        },
    ));
    body.push_str(&layout_table(&[left_w, right_w], &[vec![left, right]]));
    body.push_str(&para("", Style::default()));
    body.push_str(&para(
        &h.kind,
        Style {
            size: 28,
            after: 0,
            ..c(true)
        },
    ));
    body.push_str(&para(
        &h.title,
        Style {
            size: 28,
            after: 0,
            ..c(true)
        },
    ));
    body.push_str(&rule(TEXT_WIDTH * 2 / 5));
    for s in &d.sections {
        body.push_str(&para(
            &s.title,
            Style {
                bold: true,
                after: 60,
                keep_next: true,
                ..Default::default()
            },
        ));
        blocks(&s.blocks, &mut body);
    }
    // Distribution and signature.
    let dist_w = TEXT_WIDTH * 45 / 100;
    let mut dist = para(
        if d.lang == Lang::Vi {
            "Nơi nhận:"
        } else {
            "Distribution:"
        },
        Style {
            bold: true,
            italic: true,
            size: 24,
            ..Default::default()
        },
    );
    for x in &d.distribution {
        dist.push_str(&para(
            x,
            Style {
                size: 22,
                ..Default::default()
            },
        ));
    }
    let mut sig = String::new();
    if !d.signature.on_behalf.is_empty() {
        sig.push_str(&para(&d.signature.on_behalf, c(true)));
    }
    sig.push_str(&para(&d.signature.title, c(true)));
    for _ in 0..4 {
        sig.push_str(&para("", Style::default()));
    }
    sig.push_str(&para(&d.signature.name, c(true)));
    body.push_str(&layout_table(
        &[dist_w, TEXT_WIDTH - dist_w],
        &[vec![dist, sig]],
    ));
    for s in &d.appendices {
        body.push_str(&para(
            &s.title,
            Style {
                bold: true,
                center: true,
                after: 120,
                page_break_before: true,
                keep_next: true,
                ..Default::default()
            },
        ));
        blocks(&s.blocks, &mut body);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

fn styles_xml(lang: Lang) -> String {
    let l = match lang {
        Lang::Vi => "vi-VN",
        Lang::En => "en-GB",
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{FONT}\" w:hAnsi=\"{FONT}\" w:eastAsia=\"{FONT}\" w:cs=\"{FONT}\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/><w:lang w:val=\"{l}\" w:eastAsia=\"{l}\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:rPr><w:rFonts w:ascii=\"{FONT}\" w:hAnsi=\"{FONT}\" w:eastAsia=\"{FONT}\" w:cs=\"{FONT}\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style><w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

fn core_xml(d: &Document) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>antoan</dc:creator><dc:language>{}</dc:language></cp:coreProperties>",
        esc(&format!("{} {} — {}", d.heading.kind, d.heading.number, d.heading.title)),
        d.lang.code()
    )
}

fn zip_err(e: impl std::fmt::Display) -> InspectError {
    InspectError::new(
        "",
        None,
        format!("không tạo được tệp DOCX: {e}"),
        format!("cannot build the DOCX: {e}"),
    )
}

/// The DOCX bytes. Deterministic: same document, same bytes.
pub fn render_docx(d: &Document) -> Result<Vec<u8>, InspectError> {
    let parts: [(&str, String); 5] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(d)),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/styles.xml", styles_xml(d.lang)),
    ];
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, text) in &parts {
        z.start_file(*name, opts).map_err(zip_err)?;
        z.write_all(text.as_bytes()).map_err(zip_err)?;
    }
    z.start_file("word/document.xml", opts).map_err(zip_err)?;
    z.write_all(document_xml(d).as_bytes()).map_err(zip_err)?;
    Ok(z.finish().map_err(zip_err)?.into_inner())
}

/// Largest DOCX [`docx_text`] opens, and largest `document.xml` it inflates.
pub const MAX_DOCX_BYTES: usize = 64 * 1024 * 1024;

/// The text of a DOCX's `word/document.xml`, one line per paragraph and
/// table cells separated by ` | ` — for golden tests and quick checks.
/// Refuses anything that is not a readable DOCX with a clear error.
pub fn docx_text(bytes: &[u8], origin: &str) -> Result<String, InspectError> {
    let bad = |vi: String, en: String| InspectError::new(origin, None, vi, en);
    if bytes.len() > MAX_DOCX_BYTES {
        return Err(bad(
            format!("tệp quá lớn ({} byte)", bytes.len()),
            format!("file is too large ({} bytes)", bytes.len()),
        ));
    }
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        bad(
            format!("không phải tệp DOCX (ZIP): {e}"),
            format!("not a DOCX (ZIP) file: {e}"),
        )
    })?;
    let f = z.by_name("word/document.xml").map_err(|e| {
        bad(
            format!("thiếu word/document.xml: {e}"),
            format!("no word/document.xml: {e}"),
        )
    })?;
    let mut xml = String::new();
    f.take(MAX_DOCX_BYTES as u64 + 1)
        .read_to_string(&mut xml)
        .map_err(|e| {
            bad(
                format!("không đọc được word/document.xml: {e}"),
                format!("cannot read word/document.xml: {e}"),
            )
        })?;
    if xml.len() > MAX_DOCX_BYTES {
        return Err(bad(
            "word/document.xml quá lớn".into(),
            "word/document.xml is too large".into(),
        ));
    }
    Ok(xml_text(&xml))
}

fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut rest = xml;
    let mut in_text = false;
    // Depth of table cells: paragraphs inside a cell join the row's line.
    let mut cells = 0usize;
    let emit = |line: &mut String, out: &mut String| {
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
        }
        line.clear();
    };
    while let Some(i) = rest.find('<') {
        if in_text {
            line.push_str(&unesc(&rest[..i]));
        }
        let Some(j) = rest[i..].find('>') else { break };
        let tag = &rest[i + 1..i + j];
        let name = tag.split([' ', '/']).find(|s| !s.is_empty()).unwrap_or("");
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        match name {
            "w:t" => in_text = !closing && !self_closing,
            "w:tab" => line.push(' '),
            "w:tc" if !closing && !self_closing => cells += 1,
            "w:tc" if closing => {
                cells = cells.saturating_sub(1);
                line.push_str(" |");
            }
            "w:p" if closing || self_closing => {
                if cells == 0 {
                    emit(&mut line, &mut out);
                } else {
                    line.push(' ');
                }
            }
            "w:tr" if closing && cells == 0 => {
                let l = line.trim_end().trim_end_matches('|').to_string();
                line = l;
                emit(&mut line, &mut out);
            }
            _ => {}
        }
        rest = &rest[i + j + 1..];
    }
    emit(&mut line, &mut out);
    out
}

fn unesc(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[doc(hidden)]
pub mod tests_support {
    /// A tiny but valid DOCX, for tests of code that reads DOCX files.
    pub fn tiny_docx() -> Vec<u8> {
        use crate::conclusion::*;
        let d = Document {
            lang: antoan_model::Lang::Vi,
            heading: Heading {
                parent: String::new(),
                body: "SỞ".into(),
                number: "Số: 1/KL".into(),
                nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
                motto: "Độc lập - Tự do - Hạnh phúc".into(),
                place_date: "Hà Tĩnh".into(),
                kind: "KẾT LUẬN".into(),
                title: "Thử".into(),
            },
            sections: vec![Section {
                title: "I".into(),
                blocks: vec![Block::Paragraph {
                    text: "Nội dung <&>".into(),
                }],
            }],
            distribution: vec![],
            signature: SignatureBlock {
                on_behalf: String::new(),
                title: "TRƯỞNG ĐOÀN".into(),
                name: "A".into(),
            },
            appendices: vec![],
        };
        super::render_docx(&d).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_text_and_deterministic_bytes() {
        let a = tests_support::tiny_docx();
        let b = tests_support::tiny_docx();
        assert_eq!(a, b);
        let t = docx_text(&a, "t.docx").unwrap();
        assert!(t.contains("Nội dung <&>"), "{t}");
        assert!(t.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{t}");
    }

    #[test]
    fn garbage_is_refused_with_the_file_name() {
        for bad in [
            &b""[..],
            b"PK\x03\x04",
            b"not a zip",
            &tests_support::tiny_docx()[..100],
        ] {
            let e = docx_text(bad, "x.docx").unwrap_err();
            assert!(e.message.en.starts_with("x.docx: "), "{e}");
        }
    }
}
