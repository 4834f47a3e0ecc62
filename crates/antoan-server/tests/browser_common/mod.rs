//! Shared by the browser tests: chromedriver started on a free loopback port
//! (killed when dropped), a headless Chromium session, and where the
//! screenshots go.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Chromium and chromedriver are installed; without them the test fails when `CI` is set and is
/// skipped with a message otherwise.
pub fn tools_present() -> bool {
    let ok = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{CHROMIUM} or {CHROMEDRIVER} is missing: CI must install chromium and chromium-driver");
        }
        eprintln!("skipping the browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    }
    ok
}

/// `target/browser-artifacts` (created), for screenshots.
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let d = target.join("browser-artifacts");
    std::fs::create_dir_all(&d).expect("create target/browser-artifacts");
    d
}

/// chromedriver, killed when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// Starts chromedriver on a free loopback port and waits until it answers.
pub async fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let status = format!("http://127.0.0.1:{port}/status");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = http.get(&status).send().await {
            if r.status().is_success() {
                return (driver, port);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer on port {port}");
}

/// A headless Chromium session (Vietnamese, 1280×1000) with its own profile; with `downloads`,
/// files are saved there without asking.
pub async fn browser(port: u16, profile: &Path, downloads: Option<&Path>) -> Client {
    let mut options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=vi",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if let Some(d) = downloads {
        options["prefs"] = json!({
            "download.default_directory": d.display().to_string(),
            "download.prompt_for_download": false,
            "download.directory_upgrade": true,
            "safebrowsing.enabled": false,
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("open a WebDriver session")
}

/// The text of the page's body, waiting up to 5 s for one.
pub async fn body_text(c: &Client) -> String {
    let mut last = None;
    for _ in 0..50 {
        match c.find(Locator::Css("body")).await {
            Ok(b) => match b.text().await {
                Ok(t) => return t,
                Err(e) => last = Some(e),
            },
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no page body at {:?}: {last:?}", c.current_url().await.ok());
}

/// Clicks something that loads a new page and waits until the new page has
/// loaded (the old document is marked first, so a same-URL reload counts),
/// polling every 50 ms at most `polls` times.
pub async fn click_nav(c: &Client, what: Locator<'_>, polls: u32) {
    c.execute("window.__antoan_old_page = true;", vec![])
        .await
        .expect("mark page");
    let el = c
        .find(what)
        .await
        .unwrap_or_else(|e| panic!("find {what:?}: {e}"));
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {what:?}: {e}"));
    for _ in 0..polls {
        let done = c
            .execute(
                "return window.__antoan_old_page === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(done, Ok(Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new page after clicking {what:?}");
}
