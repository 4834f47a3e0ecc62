//! `antoan passwords FILE...`: offline audit of password-hash files (shadow,
//! pwdump, or a folder with SAM and SYSTEM hives) → common report → exit code.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use antoan_model::{HostInfo, Inventory, Lang, OsFamily, OsInfo, Report, ToolInfo, SCHEMA_VERSION};
use antoan_passwords::engine::{Phase, Progress};
use antoan_passwords::{parse, run, sam, Account};
use time::OffsetDateTime;

use crate::cli::{ColorChoice, Format};
use crate::output::{self, UserError};

#[derive(Debug, clap::Args)]
pub struct PasswordsArgs {
    /// Tệp shadow, pwdump, hoặc thư mục chứa hive SAM và SYSTEM / shadow or pwdump files, or folders holding SAM and SYSTEM hives (the type is detected from the content).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<std::path::PathBuf>,

    /// Định dạng đầu ra / output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    pub format: Format,

    /// Ghi ra tệp thay vì màn hình (ghi nguyên tử) / write to FILE instead of stdout (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Thêm danh sách mật khẩu (mỗi dòng một mật khẩu) / add a word list (one candidate a line); may be repeated.
    #[arg(long = "wordlist", value_name = "FILE")]
    pub wordlists: Vec<std::path::PathBuf>,

    /// Kho tri thức: danh sách mật khẩu đã nạp bằng `antoan kb import` cũng được thử / the knowledge store: word lists imported with `antoan kb import` are tried too.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = crate::kb::DEFAULT_STORE)]
    pub kb_store: std::path::PathBuf,

    /// Thêm các luật dài (ngày tháng, số điện thoại, luật trên cả danh sách) / also the long tail of rules (dates, phone numbers, rules over whole lists).
    #[arg(long)]
    pub rules: bool,

    /// Chỉ dùng các tệp --wordlist, bỏ danh sách và luật đi kèm / only the --wordlist files, not the bundled lists and rules (benchmarks).
    #[arg(long, requires = "wordlists")]
    pub no_builtin: bool,

    /// Tên đơn vị, địa danh để ghép với năm và ký hiệu / unit or place names the rules combine with years and symbols; may be repeated.
    #[arg(long = "context", value_name = "WORD")]
    pub context: Vec<String>,

    /// Dừng sau chừng này giây và báo phạm vi đã thử / stop after this many seconds and report what was covered.
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub time_budget: Option<f64>,

    /// Mã thoát 1 khi có phát hiện từ mức này trở lên / exit 1 when a finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: antoan_model::Severity,

    /// Ngày giờ ghi trong báo cáo (YYYY-MM-DD hoặc RFC 3339) / report time (for reproducible reports).
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,

    /// Màu trên terminal / colour in terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

fn parse_severity(s: &str) -> Result<antoan_model::Severity, String> {
    s.parse()
}

fn parse_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(format!("'{s}' is not a positive number of seconds")),
    }
}

fn user(t: antoan_model::Text) -> UserError {
    UserError::new(t.vi, t.en)
}

/// What was read from the inputs.
struct Inputs {
    accounts: Vec<Account>,
    hostnames: Vec<String>,
    family: OsFamily,
}

fn read_inputs(args: &PasswordsArgs, lang: Lang) -> Result<Inputs, UserError> {
    let mut accounts = Vec::new();
    let mut hostnames = Vec::new();
    let mut families = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        if path.is_dir() {
            let Some((sam_path, system_path)) = sam::find_pair(path) else {
                return Err(UserError::new(
                    format!("thư mục {shown} không chứa hive SAM và SYSTEM (cũng không có trong config, System32/config, Windows/System32/config)"),
                    format!("folder {shown} holds no SAM and SYSTEM hives (nor in config, System32/config, Windows/System32/config)"),
                ));
            };
            let dump = sam::read_files(&sam_path, &system_path).map_err(|e| user(e.text()))?;
            for n in &dump.notes {
                output::print_warning(&n.vi, &n.en, lang);
            }
            if let Some(c) = dump.computer_name {
                hostnames.push(c);
            }
            families.push(OsFamily::Windows);
            accounts.extend(dump.accounts);
        } else {
            let parsed = parse::parse_path(path).map_err(|e| user(e.text()))?;
            for e in &parsed.errors {
                let t = e.text();
                output::print_warning(&t.vi, &t.en, lang);
            }
            families.push(match parsed.format {
                parse::FileFormat::Pwdump => OsFamily::Windows,
                _ => OsFamily::Linux,
            });
            accounts.extend(parsed.accounts);
        }
    }
    families.dedup();
    let family = match families.as_slice() {
        [one] => *one,
        _ => OsFamily::Unknown,
    };
    Ok(Inputs {
        accounts,
        hostnames,
        family,
    })
}

/// A progress bar with ETA on stderr, only when stderr is a terminal.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
    phase: Option<Phase>,
}

impl Bar {
    fn new() -> Bar {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:>14} [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        });
        Bar { bar, phase: None }
    }

    fn update(&mut self, p: &Progress) {
        let Some(b) = &self.bar else { return };
        if self.phase != Some(p.phase) {
            self.phase = Some(p.phase);
            b.reset();
            b.set_message(match p.phase {
                Phase::Fast => "NT/LM",
                Phase::Salted => "crypt",
            });
        }
        if let Some(t) = p.total {
            b.set_length(t);
        }
        b.set_position(p.done);
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

pub fn run(args: PasswordsArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let now = match &args.now {
        Some(s) => antoan_audit::parse_now(s).map_err(|e| user(e.text().clone()))?,
        None => OffsetDateTime::now_utc(),
    };
    for w in &args.wordlists {
        if !w.is_file() {
            let shown = w.display();
            return Err(UserError::new(
                format!("không tìm thấy danh sách mật khẩu {shown}"),
                format!("word list {shown} not found"),
            ));
        }
    }
    let inputs = read_inputs(&args, lang)?;

    let hostname = inputs.hostnames.first().cloned().unwrap_or_else(|| {
        args.files
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| p.display().to_string())
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    let source = args
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let host = HostInfo {
        hostname: hostname.clone(),
        os: OsInfo {
            family: inputs.family,
            name: match inputs.family {
                OsFamily::Linux => "Linux (shadow)".into(),
                OsFamily::Windows => "Windows (SAM / pwdump)".into(),
                OsFamily::Unknown => String::new(),
            },
            ..OsInfo::default()
        },
        architecture: String::new(),
        machine_id: String::new(),
        source,
    };
    let mut context_words: Vec<String> = inputs
        .hostnames
        .iter()
        .flat_map(|h| run::context_words_from(h))
        .collect();
    context_words.extend(args.context.iter().map(|w| w.to_lowercase()));
    context_words.sort();
    context_words.dedup();

    // Word lists imported into the knowledge store are written to a private
    // temporary folder under their imported names (findings say "in list
    // <name>"), and tried after the caller's own lists.
    let (_imported_dir, imported) = imported_wordlists(&args.kb_store)?;
    let mut wordlists = args.wordlists.clone();
    wordlists.extend(imported);
    let opts = run::RunOptions {
        host_key: host.identity_key(),
        context_words,
        wordlists,
        full_rules: args.rules,
        no_builtin: args.no_builtin,
        budget: args.time_budget.map(Duration::from_secs_f64),
        threads: 0,
    };
    let mut bar = Bar::new();
    let result = run::run(&inputs.accounts, &opts, &mut |p: &Progress| bar.update(p));
    bar.finish();
    let result = result.map_err(user)?;
    let cov = antoan_passwords::findings::coverage_text(&result.outcome);
    match lang {
        Lang::Vi => eprintln!("antoan: {} tài khoản; {}", inputs.accounts.len(), cov.vi),
        Lang::En => eprintln!("antoan: {} accounts; {}", inputs.accounts.len(), cov.en),
    }

    let mut findings = result.findings;
    antoan_audit::sort_findings(&mut findings);
    let checks = result.checks;
    let summary = antoan_report::summarize(&checks, &findings);
    let score = antoan_report::score(&checks, &findings);
    let report = Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: antoan_audit::rfc3339(now),
        host,
        inventory: Inventory::default(),
        findings,
        checks,
        summary,
        score,
        knowledge: Vec::new(),
    };

    output::emit(
        &report,
        lang,
        output::Emit {
            format: args.format,
            color: args.color,
            output: args.output.as_deref(),
            fail_on: args.fail_on,
        },
    )
}

/// `antoan audit --passwords`: the same audit on the audited system's local
/// accounts, through antoan-audit, with the same progress bar.
pub fn audit_passwords(
    opts: &antoan_audit::AuditOptions,
    report: &mut Report,
    budget_secs: f64,
    lang: Lang,
) -> Result<(), UserError> {
    let pw = antoan_audit::passwords::PasswordOptions {
        budget: (budget_secs.is_finite() && budget_secs > 0.0)
            .then(|| Duration::from_secs_f64(budget_secs)),
        full_rules: false,
    };
    let mut bar = Bar::new();
    let r =
        antoan_audit::passwords::append_password_audit(opts, &pw, report, &mut |p: &Progress| {
            bar.update(p)
        });
    bar.finish();
    let s = r.map_err(|e| user(e.text().clone()))?;
    match lang {
        Lang::Vi => eprintln!(
            "antoan: mật khẩu: {} tài khoản; {}",
            s.accounts, s.coverage.vi
        ),
        Lang::En => eprintln!(
            "antoan: passwords: {} accounts; {}",
            s.accounts, s.coverage.en
        ),
    }
    Ok(())
}

/// The word lists imported into the knowledge store (`antoan kb import`),
/// written to a temporary folder that lives as long as the returned guard.
/// A missing store adds nothing; a store that cannot be read stops the run
/// with a message naming it.
fn imported_wordlists(
    store: &std::path::Path,
) -> Result<(Option<tempfile::TempDir>, Vec<std::path::PathBuf>), UserError> {
    let vuln_error = |e: antoan_vuln::VulnError| {
        let t = e.text();
        UserError::new(t.vi, t.en)
    };
    let Some(store) = antoan_vuln::Store::open(store).map_err(vuln_error)? else {
        return Ok((None, Vec::new()));
    };
    let docs = store
        .documents(antoan_vuln::documents::DOC_WORDLIST)
        .map_err(vuln_error)?;
    if docs.is_empty() {
        return Ok((None, Vec::new()));
    }
    let io = |e: std::io::Error| {
        UserError::new(
            format!("không ghi được danh sách mật khẩu tạm: {e}"),
            format!("cannot write a temporary word list: {e}"),
        )
    };
    let dir = tempfile::Builder::new()
        .prefix("antoan-wordlists-")
        .tempdir()
        .map_err(io)?;
    let mut paths = Vec::new();
    for d in docs {
        // Only the file name part of the imported name: never a path.
        let name = std::path::Path::new(&d.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "imported.lst".to_string());
        let p = dir.path().join(&name);
        std::fs::write(&p, d.content.as_bytes()).map_err(io)?;
        paths.push(p);
    }
    Ok((Some(dir), paths))
}
