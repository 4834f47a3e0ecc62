//! `antoan kb import FILE...` and `antoan kb status`: the local vulnerability
//! store (crates/antoan-vuln). Imports are atomic: a refused or failed
//! import leaves the previous store as it was.

use std::path::PathBuf;
use std::process::ExitCode;

use antoan_model::Lang;
use time::OffsetDateTime;

use crate::output::{self, UserError};

/// Where the store lives unless `--store` or `ANTOAN_VULN_STORE` says otherwise.
pub const DEFAULT_STORE: &str = "/var/lib/antoan/vuln.sqlite";

#[derive(Debug, clap::Args)]
pub struct KbArgs {
    #[command(subcommand)]
    pub command: KbCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum KbCommand {
    /// Nạp dữ liệu lỗ hổng OSV (tệp JSON, danh sách JSON, all.zip) và danh mục CISA KEV (JSON, CSV) vào kho cục bộ / import OSV vulnerability data (JSON records, lists, all.zip) and the CISA KEV catalogue (JSON, CSV) into the local store.
    Import(ImportArgs),
    /// Liệt kê tri thức đang dùng và tuổi của nó / list the knowledge in use and how old it is.
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Tệp OSV: một bản ghi JSON, một mảng bản ghi, hoặc all.zip / OSV files: a JSON record, a JSON array of records, or an all.zip.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Tệp kho dữ liệu lỗ hổng / the vulnerability store file.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Ngày ghi cho lần nạp (YYYY-MM-DD) / date recorded for this import.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Tệp kho dữ liệu lỗ hổng / the vulnerability store file.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Ngày hôm nay (YYYY-MM-DD) để tính tuổi dữ liệu / today's date, to compute ages.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// Cảnh báo khi dữ liệu cũ hơn chừng này ngày / warn when data is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub max_age_days: i64,
}

fn today(now: &Option<String>) -> Result<time::Date, UserError> {
    match now {
        None => Ok(OffsetDateTime::now_utc().date()),
        Some(s) => parse_date(s).ok_or_else(|| {
            UserError::new(
                format!("ngày '{s}' không hợp lệ (cần YYYY-MM-DD)"),
                format!("invalid date '{s}' (expected YYYY-MM-DD)"),
            )
        }),
    }
}

fn parse_date(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.get(..10)?, &fmt).ok()
}

fn vuln_error(e: antoan_vuln::VulnError) -> UserError {
    let t = e.text();
    UserError::new(t.vi, t.en)
}

pub fn run(args: KbArgs, lang: Lang) -> Result<ExitCode, UserError> {
    match args.command {
        KbCommand::Import(a) => import(a, lang),
        KbCommand::Status(a) => status(a, lang),
    }
}

fn say(lang: Lang, vi: String, en: String) {
    println!("{}", if lang == Lang::Vi { vi } else { en });
}

fn import(a: ImportArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let date = today(&a.now)?.to_string();
    let mut files = Vec::new();
    for p in &a.files {
        files.push(antoan_vuln::ImportFile::read(p).map_err(vuln_error)?);
    }
    if let Some(dir) = a.store.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            UserError::new(
                format!("không tạo được thư mục {}: {e}", dir.display()),
                format!("cannot create folder {}: {e}", dir.display()),
            )
        })?;
    }
    let r = antoan_vuln::import(&a.store, &files, &date).map_err(vuln_error)?;
    for (f, n) in &r.files {
        say(
            lang,
            format!("{f}: {n} bản ghi"),
            format!("{f}: {n} records"),
        );
    }
    say(
        lang,
        format!(
            "Đã nạp vào {} (phiên bản {}): {} bản ghi mới hoặc cập nhật, {} không đổi, {} bị thu hồi; {} byte.",
            a.store.display(),
            r.generation,
            r.written,
            r.unchanged,
            r.withdrawn,
            r.store_bytes
        ),
        format!(
            "Imported into {} (generation {}): {} new or updated, {} unchanged, {} withdrawn; {} bytes.",
            a.store.display(),
            r.generation,
            r.written,
            r.unchanged,
            r.withdrawn,
            r.store_bytes
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn age(today: time::Date, date: &str) -> Option<i64> {
    parse_date(date).map(|d| (today - d).whole_days())
}

fn status(a: StatusArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let today = today(&a.now)?;
    let mut stale = Vec::new();
    match antoan_kb::Knowledge::embedded() {
        Ok(k) => {
            say(
                lang,
                "Tri thức nhúng sẵn:".into(),
                "Embedded knowledge:".into(),
            );
            for s in &k.sources {
                let days = age(today, &s.date)
                    .map(|d| format!("{d}"))
                    .unwrap_or_else(|| "?".into());
                say(
                    lang,
                    format!("  {} {} ({}, {days} ngày tuổi)", s.name, s.version, s.date),
                    format!("  {} {} ({}, {days} days old)", s.name, s.version, s.date),
                );
            }
        }
        Err(e) => {
            let t = e.text();
            output::print_warning(&t.vi, &t.en, lang);
        }
    }
    let shown = a.store.display().to_string();
    match antoan_vuln::Store::open(&a.store).map_err(vuln_error)? {
        None => say(
            lang,
            format!("Kho lỗ hổng {shown}: chưa có (chưa nạp dữ liệu nào; kiểm tra lỗ hổng sẽ không có gì để đối chiếu)."),
            format!("Vulnerability store {shown}: none (nothing imported; vulnerability matching has nothing to match)."),
        ),
        Some(s) => {
            let st = s.status().map_err(vuln_error)?;
            let days = age(today, &st.updated);
            let d = days.map(|d| d.to_string()).unwrap_or_else(|| "?".into());
            say(
                lang,
                format!(
                    "Kho lỗ hổng {shown}: phiên bản {}, nạp ngày {} ({d} ngày tuổi), {} bản ghi, {} mục gói",
                    st.generation, st.updated, st.advisories, st.affected
                ),
                format!(
                    "Vulnerability store {shown}: generation {}, imported {} ({d} days old), {} advisories, {} package entries",
                    st.generation, st.updated, st.advisories, st.affected
                ),
            );
            if st.kev > 0 {
                say(
                    lang,
                    format!("  CISA KEV: {} lỗ hổng đang bị khai thác", st.kev),
                    format!("  CISA KEV: {} known exploited vulnerabilities", st.kev),
                );
            }
            for (eco, n) in &st.ecosystems {
                say(lang, format!("  {eco}: {n} mục"), format!("  {eco}: {n} entries"));
            }
            for (file, sha, imported, records, newest) in &st.sources {
                let short = sha.get(..16).unwrap_or(sha);
                say(
                    lang,
                    format!("  nguồn {file} (sha256 {short}…): {records} bản ghi, mới nhất {}, nạp {imported}", newest.get(..10).unwrap_or(newest)),
                    format!("  source {file} (sha256 {short}…): {records} records, newest {}, imported {imported}", newest.get(..10).unwrap_or(newest)),
                );
            }
            if days.is_some_and(|d| d > a.max_age_days) {
                stale.push((shown.clone(), d));
            }
        }
    }
    for (what, d) in stale {
        output::print_warning(
            &format!(
                "dữ liệu lỗ hổng {what} đã {d} ngày tuổi (quá {} ngày); hãy nạp bản mới",
                a.max_age_days
            ),
            &format!(
                "vulnerability data {what} is {d} days old (more than {} days); import a newer one",
                a.max_age_days
            ),
            lang,
        );
    }
    Ok(ExitCode::SUCCESS)
}
