//! PDF: the HTML conclusion printed by headless Chromium
//! (`--print-to-pdf`). The only part of this crate that runs a program.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::InspectError;

/// Where Chromium is looked for, in order, unless `ANTOAN_CHROMIUM` names it.
pub const CHROMIUM_CANDIDATES: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
];

/// The Chromium binary to use: `explicit`, else `ANTOAN_CHROMIUM`, else the
/// first of [`CHROMIUM_CANDIDATES`] that exists.
pub fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf, InspectError> {
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        return Err(absent(&p.display().to_string()));
    }
    if let Some(p) = std::env::var_os("ANTOAN_CHROMIUM") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        return Err(absent(&p.display().to_string()));
    }
    CHROMIUM_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| absent(&CHROMIUM_CANDIDATES.join(", ")))
}

fn absent(looked: &str) -> InspectError {
    InspectError::new(
        "",
        None,
        format!("không tìm thấy Chromium để xuất PDF (đã tìm: {looked}); hãy cài gói chromium hoặc đặt ANTOAN_CHROMIUM, hoặc xuất DOCX/HTML"),
        format!("Chromium was not found for PDF output (looked for: {looked}); install the chromium package or set ANTOAN_CHROMIUM, or export DOCX/HTML instead"),
    )
}

/// Prints `html` to PDF with headless Chromium. The page is written to a
/// private temporary directory; nothing is fetched from the network (the
/// page is self-contained). Gives up after `timeout`.
pub fn render_pdf(
    html: &str,
    chromium: Option<&Path>,
    timeout: Duration,
) -> Result<Vec<u8>, InspectError> {
    let bin = find_chromium(chromium)?;
    let io = |what: &str, e: std::io::Error| {
        InspectError::new(
            "",
            None,
            format!("lỗi khi xuất PDF ({what}): {e}"),
            format!("PDF output failed ({what}): {e}"),
        )
    };
    let dir = tempdir().map_err(|e| io("temporary directory", e))?;
    let page = dir.join("conclusion.html");
    let out = dir.join("conclusion.pdf");
    let profile = dir.join("profile");
    std::fs::write(&page, html).map_err(|e| io("write page", e))?;
    let mut child = Command::new(&bin)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--disable-dev-shm-usage")
        .arg("--no-first-run")
        .arg("--disable-extensions")
        .arg("--disable-background-networking")
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| io(&bin.display().to_string(), e))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| io("wait", e))? {
            Some(s) => break s,
            None if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&dir);
                return Err(InspectError::new(
                    "",
                    None,
                    format!(
                        "Chromium không xuất xong PDF sau {} giây",
                        timeout.as_secs()
                    ),
                    format!(
                        "Chromium did not finish the PDF within {} seconds",
                        timeout.as_secs()
                    ),
                ));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let pdf = std::fs::read(&out);
    let _ = std::fs::remove_dir_all(&dir);
    match pdf {
        Ok(b) if b.starts_with(b"%PDF-") => Ok(b),
        _ => Err(InspectError::new(
            "",
            None,
            format!(
                "Chromium ({}) không tạo được PDF (mã thoát {status})",
                bin.display()
            ),
            format!(
                "Chromium ({}) did not produce a PDF (exit status {status})",
                bin.display()
            ),
        )),
    }
}

/// A fresh private directory under the system temporary directory.
fn tempdir() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::temp_dir();
    let mut seed = [0u8; 8];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        let _ = f.read_exact(&mut seed);
    }
    let name = format!(
        "antoan-pdf-{}-{}",
        std::process::id(),
        u64::from_le_bytes(seed)
    );
    let p = base.join(name);
    std::fs::DirBuilder::new().mode(0o700).create(&p)?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_chromium_is_a_clear_error() {
        let e = render_pdf(
            "<p>x</p>",
            Some(Path::new("/nonexistent/chromium")),
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(e.message.en.contains("Chromium was not found"), "{e}");
        assert!(e.message.en.contains("/nonexistent/chromium"), "{e}");
        assert!(e.message.vi.contains("không tìm thấy Chromium"), "{e}");
    }

    #[test]
    fn a_program_that_makes_no_pdf_is_reported() {
        // /bin/true exits at once without writing the PDF.
        let e = render_pdf(
            "<p>x</p>",
            Some(Path::new("/bin/true")),
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(e.message.en.contains("did not produce a PDF"), "{e}");
    }
}
