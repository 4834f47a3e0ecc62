//! Writing results and errors where the user reads them.

use std::io::{IsTerminal, Write};
use std::path::Path;

use std::process::ExitCode;

use antoan_model::{Lang, Report, Severity};

use crate::cli::{ColorChoice, Format};

/// An error the user must act on, in both languages. The English detail of
/// a lower layer (which names the file and line) is kept in both.
#[derive(Debug)]
pub struct UserError {
    pub vi: String,
    pub en: String,
}

impl UserError {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> UserError {
        UserError { vi: vi.into(), en: en.into() }
    }
}

pub fn print_error(err: &UserError, lang: Lang) {
    let (label, msg) = match lang {
        Lang::Vi => ("lỗi", &err.vi),
        Lang::En => ("error", &err.en),
    };
    eprintln!("antoan: {label}: {msg}");
}

pub fn print_warning(vi: &str, en: &str, lang: Lang) {
    let (label, msg) = match lang {
        Lang::Vi => ("cảnh báo", vi),
        Lang::En => ("warning", en),
    };
    eprintln!("antoan: {label}: {msg}");
}

/// Writes `text` to `path` atomically: a temporary file in the same folder,
/// then a rename, so a failure never leaves a half-written report.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), UserError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        UserError::new(
            format!("không ghi được tệp {}: {e}", path.display()),
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Prints to stdout; a closed pipe (`antoan audit | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), UserError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(UserError::new(
            format!("không ghi được ra màn hình: {e}"),
            format!("cannot write to standard output: {e}"),
        )),
    }
}

pub fn stdout_is_color_terminal() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Where and how a command's report goes, shared by audit, passwords and scan.
pub struct Emit<'a> {
    pub format: Format,
    pub color: ColorChoice,
    pub output: Option<&'a Path>,
    pub fail_on: Severity,
}

/// Renders the report, writes it to stdout or atomically to the file, and
/// gives the exit code: 1 when an open finding is at or above `fail_on`.
pub fn emit(report: &Report, lang: Lang, e: Emit<'_>) -> Result<ExitCode, UserError> {
    let text = match e.format {
        Format::Json => antoan_report::render_json(report),
        Format::Html => antoan_report::render_html(report, lang),
        Format::Terminal => {
            let color = match e.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => e.output.is_none() && stdout_is_color_terminal(),
            };
            antoan_report::render_terminal(report, lang, color)
        }
    };
    match e.output {
        Some(path) => write_atomic(path, &text)?,
        None => print_stdout(&text)?,
    }
    if antoan_report::severity_at_or_above(&report.findings, e.fail_on) {
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
