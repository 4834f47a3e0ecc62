//! `antoan kb import FILE...` and `antoan kb status`: the local vulnerability
//! store (crates/antoan-vuln), which also keeps NVD records and the other
//! imported knowledge (program → CPE map, lifecycle data, credential and
//! password lists). Imports are atomic: a refused or failed
//! import leaves the previous store as it was.

use std::path::PathBuf;
use std::process::ExitCode;

use antoan_model::Lang;
use time::OffsetDateTime;

use antoan_vuln::bundle;

use crate::output::{self, UserError};

fn read_text(p: &std::path::Path) -> Result<String, UserError> {
    std::fs::read_to_string(p).map_err(|e| {
        UserError::new(
            format!("không đọc được {}: {e}", p.display()),
            format!("cannot read {}: {e}", p.display()),
        )
    })
}

fn read_pubkey(p: &std::path::Path) -> Result<bundle::VerifyingKey, UserError> {
    bundle::verifying_key_from_hex(&read_text(p)?, &p.display().to_string()).map_err(vuln_error)
}

fn write_err(p: &std::path::Path, e: std::io::Error) -> UserError {
    UserError::new(
        format!("không ghi được {}: {e}", p.display()),
        format!("cannot write {}: {e}", p.display()),
    )
}

fn keygen(a: KeygenArgs, lang: Lang) -> Result<ExitCode, UserError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let key = bundle::generate_key().map_err(|e| {
        UserError::new(
            format!("không tạo được khóa: {e}"),
            format!("cannot make a key: {e}"),
        )
    })?;
    let secret = a.prefix.with_extension("key");
    let public = a.prefix.with_extension("pub");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&secret)
        .map_err(|e| write_err(&secret, e))?;
    f.write_all(format!("{}\n", bundle::signing_key_to_hex(&key)).as_bytes())
        .map_err(|e| write_err(&secret, e))?;
    std::fs::write(
        &public,
        format!("{}\n", bundle::verifying_key_to_hex(&key.verifying_key())),
    )
    .map_err(|e| write_err(&public, e))?;
    say(
        lang,
        format!(
            "Khóa bí mật: {} (giữ kín); khóa công khai: {}",
            secret.display(),
            public.display()
        ),
        format!(
            "Private key: {} (keep it secret); public key: {}",
            secret.display(),
            public.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn make_bundle(a: BundleArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let key = bundle::signing_key_from_hex(&read_text(&a.key)?, &a.key.display().to_string())
        .map_err(vuln_error)?;
    let date = today(&a.now)?.to_string();
    let mut inputs = Vec::new();
    for p in &a.files {
        let f = antoan_vuln::ImportFile::read(p).map_err(vuln_error)?;
        inputs.push(bundle::BundleInput {
            name: f.origin,
            bytes: f.bytes,
            source: a.source.clone(),
            licence: a.licence.clone(),
        });
    }
    let bytes = bundle::create(&inputs, &date, &key).map_err(vuln_error)?;
    let tmp = a.output.with_extension("tmp-bundle");
    std::fs::write(&tmp, &bytes).map_err(|e| write_err(&tmp, e))?;
    std::fs::rename(&tmp, &a.output).map_err(|e| write_err(&a.output, e))?;
    say(
        lang,
        format!(
            "Đã ghi gói {} ({} tệp, {} byte), đã ký.",
            a.output.display(),
            inputs.len(),
            bytes.len()
        ),
        format!(
            "Wrote bundle {} ({} files, {} bytes), signed.",
            a.output.display(),
            inputs.len(),
            bytes.len()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(a: VerifyArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let key = read_pubkey(&a.pubkey)?;
    let f = antoan_vuln::ImportFile::read(&a.bundle).map_err(vuln_error)?;
    let o = bundle::open(&f.bytes, &f.origin, bundle::Trust::Key(&key)).map_err(vuln_error)?;
    say(
        lang,
        format!(
            "{}: chữ ký hợp lệ, tạo ngày {}",
            f.origin, o.manifest.created
        ),
        format!("{}: signature valid, made {}", f.origin, o.manifest.created),
    );
    for m in &o.manifest.files {
        say(
            lang,
            format!(
                "  {} sha256 {} khớp ({} byte; nguồn {}; giấy phép {})",
                m.path, m.sha256, m.bytes, m.source, m.licence
            ),
            format!(
                "  {} sha256 {} ok ({} bytes; source {}; licence {})",
                m.path, m.sha256, m.bytes, m.source, m.licence
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the store lives unless `--store` or `ANTOAN_VULN_STORE` says otherwise.
pub const DEFAULT_STORE: &str = "/var/lib/antoan/vuln.sqlite";

#[derive(Debug, clap::Args)]
pub struct KbArgs {
    #[command(subcommand)]
    pub command: KbCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum KbCommand {
    /// Nạp vào kho cục bộ: OSV (JSON, all.zip), NVD CVE API 2.0 JSON, CISA KEV (JSON, CSV), bảng ánh xạ chương trình → CPE, dữ liệu vòng đời endoflife.date (.md, JSON API), distro-info CSV, danh sách thông tin đăng nhập mặc định và mật khẩu yếu / import into the local store: OSV (JSON, all.zip), NVD CVE API 2.0 JSON, CISA KEV (JSON, CSV), a program → CPE map, endoflife.date lifecycle data (.md, API JSON), distro-info CSVs, default-credential and weak-password lists.
    Import(ImportArgs),
    /// Liệt kê tri thức đang dùng và tuổi của nó / list the knowledge in use and how old it is.
    Status(StatusArgs),
    /// Tạo cặp khóa Ed25519 để ký gói tri thức / make an Ed25519 key pair for signing bundles.
    Keygen(KeygenArgs),
    /// Đóng gói và ký các tệp tri thức / pack and sign knowledge files into a bundle.
    Bundle(BundleArgs),
    /// Kiểm tra chữ ký và sha256 của một gói / check a bundle's signature and hashes.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Tiền tố tệp: ghi PREFIX.key (bí mật, quyền 0600) và PREFIX.pub / writes PREFIX.key (secret, mode 0600) and PREFIX.pub.
    #[arg(value_name = "PREFIX")]
    pub prefix: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// Tệp tri thức cần đóng gói / knowledge files to pack.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Khóa bí mật (tệp .key của kb keygen) / the private key (a .key file from kb keygen).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Tệp gói cần ghi / the bundle to write.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Nguồn dữ liệu ghi trong bảng kê / source recorded in the manifest.
    #[arg(long, default_value = "unspecified")]
    pub source: String,
    /// Giấy phép của dữ liệu / licence of the data.
    #[arg(long, default_value = "unspecified")]
    pub licence: String,
    /// Ngày tạo gói (YYYY-MM-DD) / bundle date.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Gói cần kiểm tra / the bundle to check.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// Khóa công khai tin cậy (tệp .pub) / the trusted public key (a .pub file).
    #[arg(long, value_name = "FILE")]
    pub pubkey: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Tệp tri thức (định dạng nhận theo nội dung và tên tệp; xem README) / knowledge files (format told by content and file name; see the README).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Tệp kho dữ liệu lỗ hổng / the vulnerability store file.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Ngày ghi cho lần nạp (YYYY-MM-DD) / date recorded for this import.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// Khóa công khai tin cậy để kiểm tra gói đã ký / the trusted public key that signed bundles must verify with.
    #[arg(long, value_name = "FILE")]
    pub pubkey: Option<PathBuf>,
    /// Nhận gói không ký hoặc không kiểm tra được chữ ký (vẫn kiểm tra sha256) / accept bundles without a verifiable signature (sha256 still checked).
    #[arg(long)]
    pub allow_unsigned: bool,
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
        KbCommand::Keygen(a) => keygen(a, lang),
        KbCommand::Bundle(a) => make_bundle(a, lang),
        KbCommand::Verify(a) => verify(a, lang),
    }
}

fn say(lang: Lang, vi: String, en: String) {
    println!("{}", if lang == Lang::Vi { vi } else { en });
}

fn import(a: ImportArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let date = today(&a.now)?.to_string();
    let key = match &a.pubkey {
        Some(p) => Some(read_pubkey(p)?),
        None => None,
    };
    let mut files = Vec::new();
    for p in &a.files {
        let f = antoan_vuln::ImportFile::read(p).map_err(vuln_error)?;
        if !bundle::looks_like_bundle(&f.bytes) {
            files.push(f);
            continue;
        }
        let trust = match (&key, a.allow_unsigned) {
            (Some(k), false) => bundle::Trust::Key(k),
            (_, true) => bundle::Trust::AllowUnsigned,
            (None, false) => {
                return Err(UserError::new(
                    format!("{}: là gói tri thức; cần --pubkey để kiểm tra chữ ký (hoặc --allow-unsigned)", f.origin),
                    format!("{}: is a knowledge bundle; give --pubkey to verify its signature (or --allow-unsigned)", f.origin),
                ))
            }
        };
        let opened = bundle::open(&f.bytes, &f.origin, trust).map_err(vuln_error)?;
        if !opened.signed {
            output::print_warning(
                &format!(
                    "{}: nạp gói mà không kiểm tra chữ ký (--allow-unsigned)",
                    f.origin
                ),
                &format!(
                    "{}: importing a bundle without checking its signature (--allow-unsigned)",
                    f.origin
                ),
                lang,
            );
        }
        files.extend(opened.files);
    }
    // Credential lists are checked with the scanner's own reader as well.
    for f in &files {
        if f.bytes.windows(14).any(|w| w == b"[[credential]]") {
            let text = String::from_utf8_lossy(&f.bytes);
            if let Err(e) = antoan_probe::credentials::CredentialList::parse(&text, &f.origin) {
                return Err(UserError::new(
                    format!("danh sách thông tin đăng nhập không hợp lệ: {e}"),
                    format!("invalid credential list: {e}"),
                ));
            }
        }
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
            if st.nvd > 0 {
                say(
                    lang,
                    format!("  NVD: {} bản ghi CVE", st.nvd),
                    format!("  NVD: {} CVE records", st.nvd),
                );
            }
            for d in s.document_list().map_err(vuln_error)? {
                let short = d.sha256.get(..16).unwrap_or(&d.sha256);
                let newest = if d.newest.is_empty() { "-".to_string() } else { d.newest.clone() };
                say(
                    lang,
                    format!("  {} {} (sha256 {short}…): {} mục, dữ liệu đến {newest}, nạp {}", d.kind, d.name, d.items, d.imported),
                    format!("  {} {} (sha256 {short}…): {} entries, data up to {newest}, imported {}", d.kind, d.name, d.items, d.imported),
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

/// Warns (stderr) when the vulnerability store exists and its last import
/// is more than `max_days` before `today`. Errors are left to the audit,
/// which reports an unreadable store as not-assessed.
pub fn warn_if_stale(store: &std::path::Path, today: time::Date, max_days: i64, lang: Lang) {
    let Ok(Some(s)) = antoan_vuln::Store::open(store) else {
        return;
    };
    let Ok(updated) = s.updated() else { return };
    if let Some(d) = age(today, &updated).filter(|d| *d > max_days) {
        let shown = store.display();
        output::print_warning(
            &format!("dữ liệu lỗ hổng {shown} đã {d} ngày tuổi (quá {max_days} ngày); hãy nạp bản mới (antoan kb import)"),
            &format!("vulnerability data {shown} is {d} days old (more than {max_days} days); import a newer one (antoan kb import)"),
            lang,
        );
    }
}
