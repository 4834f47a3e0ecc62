//! `antoan serve`: the platform server, and its setup commands
//! (`antoan serve init`, `antoan serve token create`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use antoan_model::Lang;
use antoan_server::{ServerConfig, TlsMode};
use antoan_store::{Actor, NewUser, Role, Store};
use clap::{Args, Subcommand, ValueEnum};

use crate::output::UserError;

/// Default database: a SQLite file in the working directory.
pub const DEFAULT_DB: &str = "sqlite:antoan.db";

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,

    /// Cơ sở dữ liệu: sqlite:ĐƯỜNG_DẪN hoặc postgres://… / database: sqlite:PATH or postgres://…
    #[arg(long, value_name = "URL", env = "ANTOAN_DB", default_value = DEFAULT_DB)]
    pub db: String,

    /// Địa chỉ lắng nghe / address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// TLS: auto (tắt trên loopback, tự ký nơi khác / off on loopback, self-signed elsewhere), self-signed, off (chỉ loopback / loopback only).
    #[arg(long, value_enum, default_value_t = TlsChoice::Auto, conflicts_with = "cert")]
    pub tls: TlsChoice,

    /// Chứng chỉ PEM / PEM certificate (chain) file.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Khóa riêng PEM / PEM private key file.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Thư mục chứa chứng chỉ tự ký / folder of the self-signed certificate (default: next to the SQLite file, or ./antoan-tls).
    #[arg(long, value_name = "DIR")]
    pub tls_dir: Option<PathBuf>,

    /// Máy không gửi báo cáo quá chừng này giờ bị coi là im lặng / hosts silent longer than this many hours count as gone silent.
    #[arg(long, value_name = "HOURS", default_value_t = 26)]
    pub expected_interval_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsChoice {
    Auto,
    SelfSigned,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Tạo cơ sở dữ liệu và quản trị viên đầu tiên; in mật khẩu dùng một lần ở dòng cuối / create the schema and the first admin; prints a one-time password on the last line.
    Init(InitArgs),
    /// Mã đăng ký tác tử / agent enrollment tokens.
    Token(TokenArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long, value_name = "URL", env = "ANTOAN_DB", default_value = DEFAULT_DB)]
    pub db: String,
    /// Tên đăng nhập của quản trị viên (thanh tra tỉnh) / username of the first admin (a province inspector).
    #[arg(long, value_name = "NAME", default_value = "admin")]
    pub admin: String,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Tạo mã đăng ký cho một đơn vị (tạo đơn vị nếu chưa có); in mã ở dòng cuối / create an enrollment token for a unit (created if missing); prints the token on the last line.
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[arg(long, value_name = "URL", env = "ANTOAN_DB", default_value = DEFAULT_DB)]
    pub db: String,
    /// Đường dẫn đơn vị, ví dụ lang-son/thanh-pho/phuong-chi-lang / unit path.
    #[arg(long, value_name = "PATH")]
    pub unit: String,
    /// Số ngày hiệu lực / days the token stays valid (1-365).
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub days: i64,
}

fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            UserError::new(
                format!("không khởi động được bộ chạy bất đồng bộ: {e}"),
                format!("cannot start the async runtime: {e}"),
            )
        })
}

fn store_error(db: &str, e: antoan_store::StoreError) -> UserError {
    let shown = redact(db);
    UserError::new(
        format!("cơ sở dữ liệu {shown}: {e}"),
        format!("database {shown}: {e}"),
    )
}

/// The database URL without a password, for messages.
fn redact(url: &str) -> String {
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        if let Some((cred, host)) = rest.split_once('@') {
            let user = cred.split(':').next().unwrap_or("");
            return format!("postgres://{user}@{host}");
        }
    }
    url.to_string()
}

pub fn run(args: ServeArgs, lang: Lang) -> Result<ExitCode, UserError> {
    match args.command {
        Some(ServeCommand::Init(a)) => init(a, lang),
        Some(ServeCommand::Token(TokenArgs {
            command: TokenCommand::Create(a),
        })) => token_create(a, lang),
        None => serve(args, lang),
    }
}

fn say(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_string(),
        Lang::En => en.to_string(),
    }
}

fn init(a: InitArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let name = a.admin.trim().to_string();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(UserError::new(
            "tên quản trị viên: 1–64 ký tự a-z, 0-9, . _ - @",
            "admin name: 1-64 characters of a-z, 0-9, . _ - @",
        ));
    }
    runtime()?.block_on(async {
        let store = Store::open(&a.db)
            .await
            .map_err(|e| store_error(&a.db, e))?;
        if store
            .user_by_name(&name)
            .await
            .map_err(|e| store_error(&a.db, e))?
            .is_some()
        {
            return Err(UserError::new(
                format!("người dùng \"{name}\" đã tồn tại; không tạo lại"),
                format!("user \"{name}\" already exists; not created again"),
            ));
        }
        let otp = antoan_server::auth::one_time_password();
        let pw = otp.clone();
        let phc = tokio::task::spawn_blocking(move || antoan_server::auth::hash_password(&pw))
            .await
            .map_err(|e| {
                UserError::new(format!("lỗi nội bộ: {e}"), format!("internal error: {e}"))
            })?
            .map_err(|e| UserError::new(e.message.vi, e.message.en))?;
        let user = NewUser {
            username: name.clone(),
            display_name: name.clone(),
            password_phc: phc,
            role: Role::ProvinceInspector,
            unit_id: None,
            must_change_password: true,
        };
        store
            .create_user(&user, &Actor::system())
            .await
            .map_err(|e| store_error(&a.db, e))?;
        println!(
            "{}",
            say(
                lang,
                &format!(
                    "Đã tạo cơ sở dữ liệu ({}) và quản trị viên \"{name}\" (thanh tra tỉnh).",
                    store.backend_name()
                ),
                &format!(
                    "Created the database ({}) and the admin \"{name}\" (province inspector).",
                    store.backend_name()
                ),
            )
        );
        println!(
            "{}",
            say(
                lang,
                "Mật khẩu dùng một lần (phải đổi ở lần đăng nhập đầu tiên; không hiển thị lại):",
                "One-time password (must be changed at first login; not shown again):",
            )
        );
        println!("{otp}");
        Ok(ExitCode::SUCCESS)
    })
}

fn token_create(a: TokenCreateArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let unit_path = a.unit.trim().trim_matches('/').to_string();
    runtime()?.block_on(async {
        let store = Store::open(&a.db)
            .await
            .map_err(|e| store_error(&a.db, e))?;
        let unit = store
            .ensure_unit_path(&unit_path)
            .await
            .map_err(|e| store_error(&a.db, e))?;
        let token = antoan_server::api::admin::new_enrollment_token();
        let expires = time::OffsetDateTime::now_utc() + time::Duration::days(a.days);
        let actor = Actor {
            user_id: None,
            name: "cli".into(),
        };
        let t = store
            .create_enrollment_token(
                unit.id,
                &antoan_server::auth::sha256_hex(&token),
                expires,
                &actor,
            )
            .await
            .map_err(|e| store_error(&a.db, e))?;
        let until = antoan_wire::format_time(t.expires_at);
        println!(
            "{}",
            say(
                lang,
                &format!(
                    "Mã đăng ký tác tử cho đơn vị {} (hiệu lực đến {until}; không hiển thị lại):",
                    t.unit_path
                ),
                &format!(
                    "Agent enrollment token for unit {} (valid until {until}; not shown again):",
                    t.unit_path
                ),
            )
        );
        println!("{token}");
        Ok(ExitCode::SUCCESS)
    })
}

fn default_tls_dir(db: &str) -> PathBuf {
    if let Some(path) = db.strip_prefix("sqlite:") {
        let p = Path::new(path.trim_start_matches("//"));
        if let Some(parent) = p.parent() {
            return parent.join("antoan-tls");
        }
    }
    PathBuf::from("antoan-tls")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn serve(args: ServeArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let tls = match (&args.cert, &args.key, args.tls) {
        (Some(cert), Some(key), _) => TlsMode::Files {
            cert: cert.clone(),
            key: key.clone(),
        },
        (_, _, TlsChoice::Off) => TlsMode::Off,
        (_, _, TlsChoice::Auto) if args.listen.ip().is_loopback() => TlsMode::Off,
        _ => TlsMode::SelfSigned {
            dir: args
                .tls_dir
                .clone()
                .unwrap_or_else(|| default_tls_dir(&args.db)),
        },
    };
    let mut cfg = ServerConfig::new(args.listen, args.db.clone(), tls);
    cfg.expected_interval = time::Duration::hours(i64::from(args.expected_interval_hours.max(1)));
    let db_shown = redact(&args.db);
    runtime()?.block_on(async move {
        let result = antoan_server::serve_with(cfg, shutdown_signal(), |started| {
            let scheme = if started.tls_pin.is_some() {
                "https"
            } else {
                "http"
            };
            println!(
                "{}",
                say(
                    lang,
                    &format!(
                        "antoan serve: cơ sở dữ liệu {db_shown}; đang lắng nghe tại {scheme}://{}",
                        started.addr
                    ),
                    &format!(
                        "antoan serve: database {db_shown}; listening on {scheme}://{}",
                        started.addr
                    ),
                )
            );
            if let Some(pin) = &started.tls_pin {
                println!(
                    "{}",
                    say(
                        lang,
                        &format!(
                            "antoan serve: mã ghim chứng chỉ (đưa cho tác tử: --ca-pin) {pin}"
                        ),
                        &format!("antoan serve: certificate pin (give to agents: --ca-pin) {pin}"),
                    )
                );
            }
        })
        .await;
        match result {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => {
                let t = e.text();
                Err(UserError::new(t.vi, t.en))
            }
        }
    })
}
