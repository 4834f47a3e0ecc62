//! `antoan scan`: targets → sweep → identification → report → exit code.
//! Only the named addresses are contacted (see antoan-probe's gate).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use antoan_model::{Lang, Severity};
use antoan_probe::targets::{self, TargetError, TargetRequest};
use antoan_probe::{ports, Cancel, Fingerprints, ScanConfig};
use clap::Args;
use time::OffsetDateTime;

use crate::cli::{ColorChoice, Format};
use crate::output::{self, UserError};

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Mục tiêu: IP, dải (127.0.0.2-127.0.0.9 hoặc 127.0.0.2-9), CIDR, tên máy / targets: IPs, ranges, CIDRs, host names.
    #[arg(value_name = "TARGETS")]
    pub targets: Vec<String>,

    /// Tệp danh sách mục tiêu, mỗi dòng một mục, # là chú thích / file of targets, one per line, # comments.
    #[arg(long, value_name = "FILE")]
    pub targets_file: Option<PathBuf>,

    /// Loại trừ các địa chỉ này (cùng cú pháp) / leave these out (same syntax); may be repeated.
    #[arg(long, value_name = "TARGET")]
    pub exclude: Vec<String>,

    /// Xác nhận quét hơn 256 địa chỉ / confirm a scan of more than 256 addresses.
    #[arg(long)]
    pub yes: bool,

    /// Danh sách cổng, ví dụ 22,80,8000-8100 / ports to check, e.g. 22,80,8000-8100.
    #[arg(long, value_name = "LIST", conflicts_with = "all_ports")]
    pub ports: Option<String>,

    /// Quét cả 65.535 cổng / check all 65,535 ports.
    #[arg(long)]
    pub all_ports: bool,

    /// Thời gian chờ kết nối (ms) / connect timeout in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 800)]
    pub timeout: u64,

    /// Số kết nối đồng thời tối đa tới một máy / connection attempts in flight per host.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_per_host: usize,

    /// Số kết nối đồng thời tối đa / connection attempts in flight overall.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_parallel: usize,

    /// Định dạng đầu ra / output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    pub format: Format,

    /// Ghi ra tệp thay vì màn hình (ghi nguyên tử) / write to FILE instead of stdout (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Mã thoát 1 khi có phát hiện từ mức này trở lên / exit 1 when a finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Đánh giá chứng thư tại thời điểm này (YYYY-MM-DD hoặc RFC 3339) / judge certificate expiry as of this date.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,

    /// Màu trên terminal / colour in terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Chỉ dò cổng mở, không nhận diện dịch vụ / only find open ports, do not identify services.
    #[arg(long)]
    pub ports_only: bool,

    /// Không hiện thanh tiến độ / no progress bar.
    #[arg(long)]
    pub no_progress: bool,

    /// Thử mật khẩu mặc định và mật khẩu yếu (HTTP(S) Basic/Digest, Hikvision ISAPI, Dahua RPC2, RTSP, SSH, FTP, Telnet), có giới hạn chống khóa tài khoản / try factory-default and common weak credentials (HTTP(S) Basic/Digest, Hikvision ISAPI, Dahua RPC2, RTSP, SSH, FTP, Telnet), lockout-safe.
    #[arg(long)]
    pub check_credentials: bool,

    /// Thêm danh sách thông tin đăng nhập (TOML, như data/credentials.toml) / an extra credential list (TOML, same format as data/credentials.toml).
    #[arg(long, value_name = "FILE", requires = "check_credentials")]
    pub credentials: Option<PathBuf>,

    /// Kho tri thức: danh sách thông tin đăng nhập đã nạp bằng `antoan kb import` cũng được thử / the knowledge store: credential lists imported with `antoan kb import` are tried too.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = crate::kb::DEFAULT_STORE)]
    pub kb_store: PathBuf,

    /// Số lần thử đăng nhập tối đa mỗi giây (0 = không giới hạn) / most login attempts per second overall (0 = unpaced).
    #[arg(long, value_name = "N", default_value_t = 10.0)]
    pub max_rate: f64,

    /// Số lần thử tối đa cho mỗi tài khoản trong 15 phút / most attempts per account (host, service, username) per 15 minutes.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_attempts_per_account: u32,

    /// Tệp ghi nhớ các lần thử đăng nhập giữa các lần chạy (mặc định $XDG_STATE_HOME/antoan/credential-ledger.json) / the file that remembers login attempts between runs (default $XDG_STATE_HOME/antoan/credential-ledger.json, else ~/.local/state/antoan/).
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,

    /// Nếu tệp trạng thái bị hỏng: giữ lại bản hỏng (.corrupt) và bắt đầu sổ mới / when the state file is corrupt, keep it as FILE.corrupt and start a fresh ledger.
    #[arg(long)]
    pub replace_corrupt_state: bool,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis().min(i64::MAX as u128) as i64)
        .unwrap_or(0)
}

/// The credential ledger of earlier runs (empty when there is none yet).
fn load_ledger(
    path: &std::path::Path,
    replace_corrupt: bool,
    lang: Lang,
) -> Result<antoan_probe::ledger::Ledger, UserError> {
    use antoan_probe::ledger::Ledger;
    match Ledger::load(path) {
        Ok(Some(l)) => Ok(l),
        Ok(None) => Ok(Ledger::new()),
        Err(e) if e.corrupt && replace_corrupt => {
            let mut kept = path.as_os_str().to_owned();
            kept.push(".corrupt");
            let kept = PathBuf::from(kept);
            std::fs::rename(path, &kept).map_err(|err| {
                UserError::new(
                    format!("không đổi tên được tệp trạng thái hỏng {}: {err}", path.display()),
                    format!("cannot rename the corrupt state file {}: {err}", path.display()),
                )
            })?;
            output::print_warning(
                &format!(
                    "tệp trạng thái hỏng ({e}); đã giữ lại ở {} và bắt đầu sổ mới",
                    kept.display()
                ),
                &format!(
                    "corrupt state file ({e}); kept as {} and starting a fresh ledger",
                    kept.display()
                ),
                lang,
            );
            Ok(Ledger::new())
        }
        Err(e) if e.corrupt => Err(UserError::new(
            format!(
                "tệp trạng thái hỏng: {e}. Sửa hoặc xóa tệp, hoặc chạy lại với --replace-corrupt-state (các lần thử trước đó sẽ bị quên)"
            ),
            format!(
                "corrupt state file: {e}. Fix or delete it, or run again with --replace-corrupt-state (earlier attempts are then forgotten)"
            ),
        )),
        Err(e) => Err(UserError::new(
            format!("không đọc được tệp trạng thái: {e}"),
            format!("cannot read the state file: {e}"),
        )),
    }
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn user(e: TargetError) -> UserError {
    UserError::new(e.0.vi, e.0.en)
}

pub fn run(args: ScanArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let now = match &args.now {
        Some(s) => antoan_audit::parse_now(s)
            .map_err(|e| UserError::new(e.text().vi.clone(), e.text().en.clone()))?,
        None => OffsetDateTime::now_utc(),
    };
    let file = match &args.targets_file {
        Some(p) => Some(targets::read_targets_file(p).map_err(user)?),
        None => None,
    };
    let req = TargetRequest {
        specs: args.targets.clone(),
        file,
        exclude: args.exclude.clone(),
        confirmed: args.yes,
    };
    let set = targets::build(&req, &targets::system_resolver).map_err(user)?;
    for r in &set.resolved {
        let addrs: Vec<String> = r.addresses.iter().map(|a| a.to_string()).collect();
        match lang {
            Lang::Vi => eprintln!("antoan: {} → {}", r.name, addrs.join(", ")),
            Lang::En => eprintln!("antoan: {} resolves to {}", r.name, addrs.join(", ")),
        }
    }
    let port_list = if args.all_ports {
        ports::all_ports()
    } else if let Some(p) = &args.ports {
        ports::parse_ports(p).map_err(user)?
    } else {
        ports::DEFAULT_PORTS.to_vec()
    };
    if args.timeout == 0 || args.max_per_host == 0 || args.max_parallel == 0 {
        return Err(UserError::new(
            "--timeout, --max-per-host và --max-parallel phải lớn hơn 0",
            "--timeout, --max-per-host and --max-parallel must be greater than 0",
        ));
    }
    let mut cfg = ScanConfig {
        ports: port_list,
        ..Default::default()
    };
    cfg.sweep.connect_timeout = Duration::from_millis(args.timeout);
    cfg.identify.connect_timeout = Duration::from_millis(args.timeout);
    cfg.sweep.per_host = args.max_per_host;
    cfg.sweep.global = args.max_parallel;
    cfg.identify_services = !args.ports_only;

    let mut specs = args.targets.clone();
    if let Some(p) = &args.targets_file {
        specs.push(format!("@{}", p.display()));
    }
    let description = set.describe(&specs);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            UserError::new(
                format!("không khởi tạo được bộ chạy bất đồng bộ: {e}"),
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    let cancel = Cancel::default();
    let total = set.len() as u64 * cfg.ports.len() as u64;
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} {msg} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let progress: Option<antoan_probe::Progress> = bar.clone().map(|b| {
        let found = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let label = match lang {
            Lang::Vi => "cổng mở",
            Lang::En => "open",
        };
        Arc::new(move |_addr: std::net::SocketAddr, open: bool| {
            if open {
                let n = found.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                b.set_message(format!("{n} {label}"));
            }
            b.inc(1);
        }) as antoan_probe::Progress
    });
    let fp = Fingerprints::embedded();
    let creds = if args.check_credentials {
        // Order of trial (the per-account budget is small): the user's own
        // file, then lists imported into the knowledge store, then the
        // embedded defaults.
        let mut list = antoan_probe::credentials::CredentialList::embedded();
        let mut front = Vec::new();
        let mut sources = Vec::new();
        if let Some(p) = &args.credentials {
            let text = std::fs::read_to_string(p).map_err(|e| {
                UserError::new(
                    format!("không đọc được {}: {e}", p.display()),
                    format!("cannot read {}: {e}", p.display()),
                )
            })?;
            let extra =
                antoan_probe::credentials::CredentialList::parse(&text, &p.display().to_string())
                    .map_err(|e| {
                    UserError::new(
                        format!("danh sách thông tin đăng nhập không hợp lệ: {e}"),
                        format!("invalid credential list: {e}"),
                    )
                })?;
            front.extend(extra.entries);
            sources.push(p.display().to_string());
        }
        for (shown, imported) in imported_credentials(&args.kb_store)? {
            front.extend(imported.entries);
            sources.push(shown);
        }
        front.append(&mut list.entries);
        list.entries = front;
        let name = std::iter::once("antoan defaults".to_string())
            .chain(sources)
            .collect::<Vec<_>>()
            .join(" + ");
        if !args.max_rate.is_finite() || args.max_rate < 0.0 {
            return Err(UserError::new(
                "--max-rate phải là số không âm",
                "--max-rate must be a number of 0 or more",
            ));
        }
        let policy = antoan_probe::pacing::PacingPolicy {
            per_account: args.max_attempts_per_account,
            max_rate: (args.max_rate > 0.0).then_some(args.max_rate),
            ..Default::default()
        };
        let state_path = match args.state_file.clone().or_else(antoan_probe::ledger::default_path) {
            Some(p) => p,
            None => {
                return Err(UserError::new(
                    "không xác định được nơi lưu sổ các lần thử đăng nhập (không có HOME hay XDG_STATE_HOME); dùng --state-file",
                    "cannot tell where to keep the login-attempt ledger (neither HOME nor XDG_STATE_HOME is set); use --state-file",
                ))
            }
        };
        let ledger = load_ledger(&state_path, args.replace_corrupt_state, lang)?;
        let pacer = antoan_probe::pacing::Pacer::with_ledger(policy, &ledger, now_ms());
        Some((list, name, pacer, state_path))
    } else {
        None
    };
    let mut result = rt.block_on(async {
        let c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                c.cancel();
            }
        });
        antoan_probe::scan(&set, &cfg, &fp, &cancel, progress).await
    });
    if let (Some((list, name, pacer, _)), false) = (&creds, result.cancelled) {
        let opts = antoan_probe::credcheck::CredCheckOptions {
            timeout: Duration::from_millis(args.timeout.max(1500)),
            // Unpaced (--max-rate 0) runs attempts in parallel; paced stays serial.
            parallel_per_service: if args.max_rate > 0.0 { 1 } else { 16 },
            ..Default::default()
        };
        rt.block_on(antoan_probe::check_credentials(
            &set,
            &mut result,
            list,
            name,
            pacer,
            &opts,
        ));
    }
    if let Some((_, _, pacer, path)) = &creds {
        let p = pacer.policy();
        let now = now_ms();
        let ledger = pacer.ledger(now).pruned(
            now,
            p.window.as_millis().min(i64::MAX as u128) as i64,
            p.stop_memory.as_millis().min(i64::MAX as u128) as i64,
        );
        if let Err(e) = ledger.save_merged(path) {
            output::print_warning(
                &format!("không lưu được sổ các lần thử đăng nhập: {e}; lần chạy sau có thể thử lại quá giới hạn"),
                &format!("cannot save the login-attempt ledger: {e}; the next run may exceed the per-account limit"),
                lang,
            );
        }
    }
    rt.shutdown_background();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if result.cancelled {
        output::print_warning(
            &format!(
                "đã dừng theo yêu cầu: {}/{} lần thử cổng; kết quả chưa đầy đủ",
                result.sweep.done, result.sweep.total
            ),
            &format!(
                "interrupted: {} of {} port probes done; results are partial",
                result.sweep.done, result.sweep.total
            ),
            lang,
        );
    }

    let report = antoan_probe::build_report(&result, &description, now);
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

/// The credential lists imported into the knowledge store (`antoan kb import`),
/// each named `kb:<file name>`. A missing store adds nothing; a store or list
/// that cannot be read stops the scan with a message naming it.
fn imported_credentials(
    store: &std::path::Path,
) -> Result<Vec<(String, antoan_probe::credentials::CredentialList)>, UserError> {
    let vuln_error = |e: antoan_vuln::VulnError| {
        let t = e.text();
        UserError::new(t.vi, t.en)
    };
    let Some(store) = antoan_vuln::Store::open(store).map_err(vuln_error)? else {
        return Ok(Vec::new());
    };
    let docs = store
        .documents(antoan_vuln::documents::DOC_CREDENTIALS)
        .map_err(vuln_error)?;
    let mut out = Vec::new();
    for d in docs {
        let shown = format!("kb:{}", d.name);
        let list =
            antoan_probe::credentials::CredentialList::parse(&d.content, &shown).map_err(|e| {
                UserError::new(
                    format!("danh sách thông tin đăng nhập đã nạp không hợp lệ: {e}"),
                    format!("invalid imported credential list: {e}"),
                )
            })?;
        out.push((shown, list));
    }
    Ok(out)
}
