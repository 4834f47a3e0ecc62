//! PDF export of a host report: the report's HTML printed by headless
//! Chromium (`--print-to-pdf`), when Chromium is installed on the server.
//! One render at a time, with a time limit, in a private temporary folder
//! that is removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where Chromium is expected (Debian's `chromium` package).
pub const CHROMIUM: &str = "/usr/bin/chromium";
const TIME_LIMIT: Duration = Duration::from_secs(90);

/// Why no PDF was made.
#[derive(Debug)]
pub enum PdfError {
    /// Chromium is not installed.
    Unavailable,
    /// Chromium ran and failed (or timed out); the reason, in English.
    Failed(String),
}

/// Only one Chromium at a time: the server runs on modest machines.
static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn print_blocking(chromium: &Path, html: &str, dir: &Path) -> Result<Vec<u8>, PdfError> {
    let input = dir.join("report.html");
    let output = dir.join("report.pdf");
    let profile = dir.join("profile");
    std::fs::write(&input, html)
        .map_err(|e| PdfError::Failed(format!("writing {}: {e}", input.display())))?;
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", output.display()))
        .arg(format!("file://{}", input.display()))
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| PdfError::Failed(format!("starting {}: {e}", chromium.display())))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    return Err(PdfError::Failed(format!("chromium exited with {status}")));
                }
                break;
            }
            Ok(None) if start.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PdfError::Failed(format!(
                    "chromium took longer than {}s",
                    TIME_LIMIT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(PdfError::Failed(format!("waiting for chromium: {e}"))),
        }
    }
    let pdf = std::fs::read(&output)
        .map_err(|e| PdfError::Failed(format!("reading {}: {e}", output.display())))?;
    if !pdf.starts_with(b"%PDF") {
        return Err(PdfError::Failed(
            "chromium wrote something that is not a PDF".into(),
        ));
    }
    Ok(pdf)
}

/// Prints `html` (a self-contained page without outside resources) to PDF
/// with the Chromium at `chromium`.
pub async fn html_to_pdf_with(chromium: &Path, html: String) -> Result<Vec<u8>, PdfError> {
    if !chromium.exists() {
        return Err(PdfError::Unavailable);
    }
    let _permit = ONE_AT_A_TIME
        .acquire()
        .await
        .map_err(|_| PdfError::Failed("shutting down".into()))?;
    let dir = std::env::temp_dir().join(format!("antoan-pdf-{}", crate::auth::random_token(12)));
    std::fs::create_dir(&dir)
        .map_err(|e| PdfError::Failed(format!("creating {}: {e}", dir.display())))?;
    let dir = TempDir(dir);
    let chromium = chromium.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let r = print_blocking(&chromium, &html, &dir.0);
        drop(dir);
        r
    })
    .await
    .map_err(|e| PdfError::Failed(format!("render task: {e}")))?
}

pub async fn html_to_pdf(html: String) -> Result<Vec<u8>, PdfError> {
    html_to_pdf_with(Path::new(CHROMIUM), html).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn missing_chromium_is_unavailable() {
        let r = html_to_pdf_with(Path::new("/nonexistent/chromium"), "<p>x</p>".into()).await;
        assert!(matches!(r, Err(PdfError::Unavailable)));
    }

    #[tokio::test]
    async fn prints_a_pdf_when_chromium_is_installed() {
        if !Path::new(CHROMIUM).exists() {
            if std::env::var_os("CI").is_some() {
                panic!("{CHROMIUM} is missing (CI must install chromium)");
            }
            eprintln!("skipping: {CHROMIUM} is not installed");
            return;
        }
        let pdf =
            html_to_pdf("<!DOCTYPE html><meta charset=utf-8><h1>Báo cáo an toàn</h1>".into()).await;
        let pdf = pdf.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(pdf.starts_with(b"%PDF") && pdf.len() > 500);
    }
}
