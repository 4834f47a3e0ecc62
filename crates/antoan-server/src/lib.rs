//! The antoan platform server: REST API under `/api/v1`, signed report ingest
//! from agents, sessions and roles, Prometheus metrics, and the web dashboard
//! (module `web`, owned by the dashboard).
//!
//! `app(state)` builds the router (tests serve it on 127.0.0.1:0);
//! `serve(cfg, shutdown)` opens the store, binds, speaks TLS when configured and
//! shuts down gracefully.

pub mod api;
pub mod auth;
pub mod config;
pub mod csvout;
pub mod error;
pub mod ingest;
pub mod marks;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod tls;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use antoan_model::Text;
use antoan_store::Store;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

pub use auth::{check_csrf, AuthVia, CurrentUser, RequestLang};
pub use config::{ServerConfig, TlsMode};
pub use error::ApiError;
pub use metrics::Metrics;

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ServerConfig>,
}

impl AppState {
    pub fn new(store: Store, config: ServerConfig) -> AppState {
        let metrics = Arc::new(Metrics::new(store.backend_name()));
        AppState { store, metrics, config: Arc::new(config) }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{}", .0.en)]
    Config(Text),
    #[error("{}", .0.en)]
    Tls(Text),
    #[error("database: {0}")]
    Store(#[from] antoan_store::StoreError),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

impl ServeError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            ServeError::Config(t) | ServeError::Tls(t) => t.clone(),
            ServeError::Store(e) => Text::new(format!("cơ sở dữ liệu: {e}"), format!("database: {e}")),
            ServeError::Io(e) => Text::new(format!("mạng: {e}"), format!("network: {e}")),
        }
    }
}

/// Writes a server-side error line to stderr (the service manager's journal).
/// Never called with secrets: store errors carry no passwords or tokens.
pub fn log_error(msg: &str) {
    eprintln!("{} antoan-server error: {msg}", antoan_wire::format_time(time::OffsetDateTime::now_utc()));
}

/// Counts every request by method, matched route and status.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let resp = next.run(req).await;
    state.metrics.http(&method, &route, resp.status().as_u16(), start.elapsed());
    resp
}

/// Security headers on every answer.
async fn headers(req: Request, next: Next) -> Response {
    use axum::http::{header, HeaderValue};
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    ));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    resp
}

/// The whole application: API, ingest, login pages, metrics and the dashboard.
pub fn app(state: AppState) -> Router {
    let ingest = Router::new()
        .route(antoan_wire::REPORTS_PATH, axum::routing::post(ingest::submit))
        // The handler enforces the submission limit itself (and counts rejections).
        .layer(DefaultBodyLimit::disable());
    let rest = Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(web::router())
        .route("/metrics", axum::routing::get(metrics_text))
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(state.config.body_limit));
    Router::new()
        .merge(ingest)
        .merge(rest)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(middleware::from_fn(headers))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", "không có trang này", "no such page")
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    use axum::response::IntoResponse;
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
        .into_response()
}

/// A started server: where it listens and the TLS pin (when TLS is on).
#[derive(Debug, Clone)]
pub struct Started {
    pub addr: SocketAddr,
    pub tls_pin: Option<String>,
}

/// Opens the store (running migrations), binds `cfg.listen`, calls `on_start`
/// once listening, and serves until `shutdown` resolves (then drains open
/// requests: graceful shutdown).
pub async fn serve_with(
    cfg: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_start: impl FnOnce(&Started),
) -> Result<(), ServeError> {
    cfg.validate()?;
    let store = Store::open(&cfg.db_url).await?;
    let extra = if cfg.listen.ip().is_unspecified() { vec![] } else { vec![cfg.listen.ip().to_string()] };
    let tls = tls::load(&cfg.tls, &extra)?;
    let listener = std::net::TcpListener::bind(cfg.listen)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = AppState::new(store, cfg);
    let router = app(state).into_make_service_with_connect_info::<SocketAddr>();
    on_start(&Started { addr, tls_pin: tls.as_ref().map(|t| t.pin.clone()) });
    match tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, router).with_graceful_shutdown(shutdown).await?;
        }
        Some(t) => {
            let handle = axum_server::Handle::new();
            let h2 = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                h2.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            let rustls_cfg = axum_server::tls_rustls::RustlsConfig::from_config(t.config);
            axum_server::from_tcp_rustls(listener, rustls_cfg).handle(handle).serve(router).await?;
        }
    }
    Ok(())
}

/// `serve_with` without a start callback.
pub async fn serve(cfg: ServerConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
    serve_with(cfg, shutdown, |_| {}).await
}
