//! `antoan agent`: enroll with a server, then audit on a schedule and send signed reports.
//! The work is done by the `antoan-agent` crate; this file maps options and errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use antoan_agent::{AgentError, AuditTarget, EnrollOptions, RunOptions, RunSummary, Schedule, SpoolLimits};
use antoan_model::Lang;
use clap::{Args, Subcommand};

use crate::output::{self, UserError};

/// Default state directory of the agent.
#[cfg(unix)]
pub const DEFAULT_STATE_DIR: &str = "/var/lib/antoan/agent";
#[cfg(not(unix))]
pub const DEFAULT_STATE_DIR: &str = "C:\\ProgramData\\antoan\\agent";

#[derive(Debug, Args)]
pub struct AgentArgs {
    #[command(subcommand)]
    pub command: AgentCommand,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Đăng ký máy này với máy chủ bằng mã đăng ký của đơn vị / enroll this machine with a server using the unit's enrollment token.
    Enroll(EnrollArgs),
    /// Kiểm tra theo lịch và gửi báo cáo đã ký; --once chạy một lần / audit on a schedule and send signed reports; --once for a single run.
    Run(RunArgs),
    /// Trạng thái đăng ký và hàng đợi báo cáo / show the enrollment and the report spool.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// Địa chỉ máy chủ (https://…; http chỉ cho loopback) / server URL (https://…; plain http only to loopback).
    #[arg(long, value_name = "URL", env = "ANTOAN_SERVER")]
    pub server: String,

    /// Mã đăng ký do quản trị đơn vị cấp / enrollment token from the unit admin.
    #[arg(long, value_name = "TOKEN", env = "ANTOAN_ENROLL_TOKEN", hide_env_values = true)]
    pub token: String,

    /// Thư mục trạng thái của tác tử (khóa, hàng đợi) / the agent's state directory (key, spool).
    #[arg(long, value_name = "DIR", env = "ANTOAN_AGENT_DIR", default_value = DEFAULT_STATE_DIR)]
    pub state_dir: PathBuf,

    /// SHA-256 (hex) của chứng chỉ máy chủ, như máy chủ in ra / SHA-256 (hex) of the server certificate, as the server prints it.
    #[arg(long, value_name = "SHA256", conflicts_with = "insecure_first_use")]
    pub ca_pin: Option<String>,

    /// Tin chứng chỉ máy chủ ở lần kết nối đầu và ghim nó (mặc định khi không có --ca-pin; cờ này tắt cảnh báo) / trust the server certificate seen now and pin it (the default without --ca-pin; this flag silences the warning).
    #[arg(long)]
    pub insecure_first_use: bool,

    /// Tên máy gửi lên máy chủ (mặc định: tên máy này) / host name sent to the server (default: this machine's).
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Chạy một lần rồi thoát (cho cron/Task Scheduler) / run once and exit (for cron / Task Scheduler).
    #[arg(long)]
    pub once: bool,

    /// Thư mục trạng thái của tác tử / the agent's state directory.
    #[arg(long, value_name = "DIR", env = "ANTOAN_AGENT_DIR", default_value = DEFAULT_STATE_DIR)]
    pub state_dir: PathBuf,

    /// Kiểm tra thư mục gốc này thay vì hệ thống đang chạy / audit this root instead of the live system.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Kiểm tra thư mục dữ liệu thu từ máy Windows / audit a folder collected on a Windows PC.
    #[arg(long, value_name = "DIR", conflicts_with = "root")]
    pub windows_export: Option<PathBuf>,

    /// Khoảng cách giữa hai lần kiểm tra (vd 6h, 90m, 1d) / time between audits (e.g. 6h, 90m, 1d).
    #[arg(long, value_name = "DURATION", default_value = "6h", value_parser = parse_duration)]
    pub interval: Duration,

    /// Độ trễ ngẫu nhiên thêm vào mỗi lần (tránh mọi máy gửi cùng lúc) / random delay added to each wait.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = parse_duration)]
    pub jitter: Duration,

    /// Kho dữ liệu lỗ hổng (antoan kb import); không có thì bỏ qua / the vulnerability store; skipped when absent.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = crate::kb::DEFAULT_STORE)]
    pub vuln_store: PathBuf,

    /// Số báo cáo tối đa giữ trong hàng đợi khi chưa gửi được / most reports kept in the spool while the server is unreachable.
    #[arg(long, value_name = "N", default_value_t = SpoolLimits::default().max_reports)]
    pub spool_max_reports: usize,

    /// Dung lượng tối đa của hàng đợi, MiB / most spool size in MiB.
    #[arg(long, value_name = "MIB", default_value_t = SpoolLimits::default().max_bytes / (1024 * 1024))]
    pub spool_max_mib: u64,

    /// Đánh giá tại thời điểm này (YYYY-MM-DD hoặc RFC 3339) / evaluate as of this date.
    #[arg(long, value_name = "DATE", hide = true)]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Thư mục trạng thái của tác tử / the agent's state directory.
    #[arg(long, value_name = "DIR", env = "ANTOAN_AGENT_DIR", default_value = DEFAULT_STATE_DIR)]
    pub state_dir: PathBuf,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    antoan_agent::parse_duration(s)
}

fn user(e: AgentError) -> UserError {
    let t = e.text();
    UserError::new(t.vi, t.en)
}

fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| {
        UserError::new(
            format!("không khởi tạo được bộ chạy bất đồng bộ: {e}"),
            format!("cannot start the async runtime: {e}"),
        )
    })
}

pub fn run(args: AgentArgs, lang: Lang) -> Result<ExitCode, UserError> {
    match args.command {
        AgentCommand::Enroll(a) => enroll(a, lang),
        AgentCommand::Run(a) => run_agent(a, lang),
        AgentCommand::Status(a) => status(a, lang),
    }
}

fn enroll(a: EnrollArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let mut o = EnrollOptions::new(a.server, a.token, a.state_dir.clone());
    o.ca_pin = a.ca_pin;
    o.hostname = a.hostname;
    o.lang = lang;
    let st = runtime()?.block_on(antoan_agent::enroll(o)).map_err(user)?;
    let pin = st.server_pin_sha256.as_deref().unwrap_or("-");
    let text = match lang {
        Lang::Vi => format!(
            "Đã đăng ký: tác tử số {} thuộc đơn vị {}\nMáy chủ: {}\nGhim chứng chỉ (SHA-256): {pin}\nThư mục trạng thái: {}\n",
            st.agent_id,
            st.unit_path,
            st.server,
            a.state_dir.display()
        ),
        Lang::En => format!(
            "Enrolled: agent {} in unit {}\nServer: {}\nCertificate pin (SHA-256): {pin}\nState directory: {}\n",
            st.agent_id,
            st.unit_path,
            st.server,
            a.state_dir.display()
        ),
    };
    output::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn summary_text(s: &RunSummary, lang: Lang) -> String {
    let sent: Vec<String> = s.sent.iter().map(|d| d.seq.to_string()).collect();
    let mut out = match lang {
        Lang::Vi => format!(
            "Báo cáo mới: {}; đã gửi: {}; còn chờ: {}; bị từ chối: {}; bị bỏ do hàng đợi đầy: {}\n",
            s.new_seq.map(|n| format!("số {n}")).unwrap_or_else(|| "không".into()),
            if sent.is_empty() { "0".to_string() } else { sent.join(", ") },
            s.pending.len(),
            s.rejected.len(),
            s.dropped.len()
        ),
        Lang::En => format!(
            "New report: {}; sent: {}; pending: {}; refused: {}; dropped (spool full): {}\n",
            s.new_seq.map(|n| format!("seq {n}")).unwrap_or_else(|| "none".into()),
            if sent.is_empty() { "0".to_string() } else { sent.join(", ") },
            s.pending.len(),
            s.rejected.len(),
            s.dropped.len()
        ),
    };
    if let Some(e) = &s.send_error {
        match lang {
            Lang::Vi => out.push_str(&format!("Chưa gửi được, sẽ thử lại lần sau: {e}\n")),
            Lang::En => out.push_str(&format!("Not sent yet, will retry next time: {e}\n")),
        }
    }
    for r in &s.rejected {
        match lang {
            Lang::Vi => out.push_str(&format!("Báo cáo số {} bị từ chối: {}\n", r.seq, r.reason)),
            Lang::En => out.push_str(&format!("Report seq {} refused: {}\n", r.seq, r.reason)),
        }
    }
    out
}

fn run_agent(a: RunArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let audit = match (&a.root, &a.windows_export) {
        (Some(r), _) => AuditTarget::Root(r.clone()),
        (None, Some(w)) => AuditTarget::WindowsExport(w.clone()),
        (None, None) => AuditTarget::Live,
    };
    let mut opts = RunOptions::new(a.state_dir.clone(), audit);
    opts.lang = lang;
    opts.vuln_store = Some(a.vuln_store.clone());
    opts.spool =
        SpoolLimits { max_reports: a.spool_max_reports.max(1), max_bytes: a.spool_max_mib.saturating_mul(1024 * 1024) };
    if let Some(n) = &a.now {
        opts.now = Some(antoan_audit::parse_now(n).map_err(|e| {
            let t = e.text();
            UserError::new(t.vi.clone(), t.en.clone())
        })?);
    }
    let rt = runtime()?;
    if a.once {
        let s = rt.block_on(antoan_agent::run_once(opts)).map_err(user)?;
        output::print_stdout(&summary_text(&s, lang))?;
        // 0: everything delivered; 1: something is still pending, was refused or was dropped.
        return Ok(if s.all_delivered() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let schedule = Schedule { interval: a.interval, jitter: a.jitter, ..Schedule::default() };
    rt.block_on(antoan_agent::run_service(opts, schedule, antoan_agent::shutdown_signal())).map_err(user)?;
    Ok(ExitCode::SUCCESS)
}

fn status(a: StatusArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let st = antoan_agent::state::read_state(&a.state_dir).map_err(user)?;
    let spool = antoan_agent::Spool::open(&a.state_dir, SpoolLimits::default()).map_err(user)?;
    let pending = spool.list().map_err(user)?;
    let rejected = spool.rejected().map_err(user)?;
    let last_seq = antoan_agent::state::read_seq(&a.state_dir).map_err(user)?;
    let bytes: u64 = pending.iter().map(|e| e.bytes).sum();
    let pin = st.server_pin_sha256.as_deref().unwrap_or("-");
    let text = match lang {
        Lang::Vi => format!(
            "Tác tử số {} — đơn vị {}\nMáy chủ: {}\nGhim chứng chỉ (SHA-256): {pin}\nĐăng ký lúc: {}\nSố thứ tự đã dùng: {last_seq}\nHàng đợi: {} báo cáo ({} byte)\nBị từ chối (spool/rejected): {}\n",
            st.agent_id,
            st.unit_path,
            st.server,
            st.enrolled_at,
            pending.len(),
            bytes,
            rejected.len()
        ),
        Lang::En => format!(
            "Agent {} — unit {}\nServer: {}\nCertificate pin (SHA-256): {pin}\nEnrolled at: {}\nLast sequence number: {last_seq}\nSpool: {} report(s) ({} bytes)\nRefused (spool/rejected): {}\n",
            st.agent_id,
            st.unit_path,
            st.server,
            st.enrolled_at,
            pending.len(),
            bytes,
            rejected.len()
        ),
    };
    output::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
