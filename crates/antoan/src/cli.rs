use std::path::PathBuf;

use antoan_model::{Lang, Severity};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "antoan",
    version,
    about = "Tự kiểm tra an toàn thông tin / Cybersecurity self-inspection",
    long_about = "antoan: tự kiểm tra an toàn, an ninh mạng cho cơ quan nhà nước.\n\
                  antoan: cybersecurity self-inspection for public bodies."
)]
pub struct Cli {
    /// Ngôn ngữ báo cáo / report language (vi, en). Mặc định theo môi trường / default from the environment.
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Kiểm kê và kiểm tra máy này hoặc một ổ đĩa gắn vào / inventory and check this host or a mounted disk.
    Audit(AuditArgs),
    /// Quét mạng: cổng mở, dịch vụ, thiết bị và các điểm phơi nhiễm; chỉ chạm tới địa chỉ được nêu / scan named network targets for open ports, services and risky exposures.
    Scan(crate::scan::ScanArgs),
    /// Kiểm tra mật khẩu yếu từ tệp hash (shadow, pwdump, SAM+SYSTEM), không đăng nhập thử / audit password hashes offline for weak passwords (shadow, pwdump, SAM+SYSTEM).
    Passwords(crate::passwords::PasswordsArgs),
    /// Tri thức ngoại tuyến: nạp dữ liệu lỗ hổng, xem tình trạng / offline knowledge: import vulnerability data, show status.
    Kb(crate::kb::KbArgs),
    /// Ký và kiểm tra chữ ký rời của kết luận, báo cáo (Ed25519, ngoại tuyến) / sign and verify conclusions and reports with detached Ed25519 signatures, offline.
    Report(crate::report_sign::ReportArgs),
    /// Tác tử: đăng ký với máy chủ, kiểm tra theo lịch và gửi báo cáo đã ký / agent: enroll with a server, audit on a schedule, send signed reports.
    Agent(crate::agent::AgentArgs),
    /// Máy chủ nền tảng: nhận báo cáo từ tác tử, API, bảng điều khiển / the platform server: agent reports, API, dashboard.
    Serve(crate::serve::ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Terminal,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Thư mục gốc cần kiểm tra (ổ đĩa gắn vào, hệ thống tệp giải nén) / root to audit instead of the live system.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Thư mục dữ liệu thu từ máy Windows bằng scripts/collect-windows.cmd (hive, .reg, net accounts, secedit) / audit a folder collected on a Windows PC.
    #[arg(long, value_name = "DIR", conflicts_with = "root")]
    pub windows_export: Option<PathBuf>,

    /// Định dạng đầu ra / output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    pub format: Format,

    /// Ghi ra tệp thay vì màn hình (ghi nguyên tử) / write to FILE instead of stdout (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Kho dữ liệu lỗ hổng (antoan kb import); không có thì bỏ qua / the vulnerability store (antoan kb import); skipped when absent.
    #[arg(long, value_name = "FILE", env = "ANTOAN_VULN_STORE", default_value = crate::kb::DEFAULT_STORE)]
    pub vuln_store: PathBuf,

    /// Cảnh báo khi dữ liệu lỗ hổng cũ hơn chừng này ngày / warn when the vulnerability data is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub kb_max_age_days: i64,

    /// Mã thoát 1 khi có phát hiện từ mức này trở lên / exit 1 when a finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Thêm tệp chính sách (TOML) / add a policy file (TOML); may be repeated.
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,

    /// Không dùng bộ kiểm tra cơ sở đi kèm / do not run the built-in baseline policy.
    #[arg(long)]
    pub no_baseline: bool,

    /// Đánh giá tại thời điểm này (YYYY-MM-DD hoặc RFC 3339) / evaluate as of this date (for reproducible reports).
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,

    /// Màu trên terminal / colour in terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Kiểm tra mật khẩu yếu của tài khoản cục bộ (shadow, SAM+SYSTEM), ngoại tuyến / also audit the local accounts' password hashes offline for weak passwords.
    #[arg(long)]
    pub passwords: bool,

    /// Thời gian tối đa cho --passwords, giây / time budget of --passwords in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300.0, requires = "passwords")]
    pub passwords_time_budget: f64,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// The report language from the environment: `ANTOAN_LANG`, then the usual
/// locale variables. Vietnamese unless the locale is English.
pub fn lang_from_env() -> Lang {
    for var in ["ANTOAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if var == "ANTOAN_LANG" {
                if let Ok(l) = v.parse() {
                    return l;
                }
                continue;
            }
            if v == "C" || v == "POSIX" || v.starts_with("C.") {
                continue;
            }
            return Lang::from_locale(v);
        }
    }
    Lang::Vi
}
