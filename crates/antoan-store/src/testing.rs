//! A private, throw-away PostgreSQL cluster for tests (feature `testing`).
//!
//! ```no_run
//! # async fn t() {
//! use antoan_store::{testing::PgCluster, Store};
//! let Some(pg) = PgCluster::shared() else { return }; // binaries missing, CI unset: skipped
//! let url = pg.create_database("my_test").await.unwrap();
//! let store = Store::open(&url).await.unwrap();
//! # }
//! ```
//!
//! The cluster runs `initdb` and `postgres` found on PATH or under
//! `/usr/lib/postgresql/*/bin`, listens on 127.0.0.1 on a free port (and a
//! socket in its temp dir), with fsync off. It is stopped and its directory
//! removed on Drop; a small watchdog process also stops it when the test
//! process exits without dropping it (the [`PgCluster::shared`] one, a
//! panic, a kill), so no postgres is left running.
//!
//! When run as root (containers, CI), the server runs as the `postgres`
//! user if it exists, else `nobody`, since postgres refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running throw-away PostgreSQL cluster.
pub struct PgCluster {
    port: u16,
    dir: PathBuf,
    postgres: Option<Child>,
    watchdog: Option<(Child, ChildStdin)>,
}

impl std::fmt::Debug for PgCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgCluster")
            .field("port", &self.port)
            .field("dir", &self.dir)
            .finish()
    }
}

/// The directory holding `initdb` and `postgres`, if any.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has(&d) {
                // Resolve symlinks (Debian links /usr/local/bin/initdb → /usr/lib/postgresql/N/bin).
                let real = std::fs::canonicalize(d.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf));
                return Some(real.filter(|r| has(r)).unwrap_or(d));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d)
}

/// The effective uid, from /proc (no libc dependency).
fn euid() -> Option<u32> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// uid/gid of a user from /etc/passwd.
fn passwd_ids(name: &str) -> Option<(u32, u32)> {
    let s = std::fs::read_to_string("/etc/passwd").ok()?;
    s.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

impl PgCluster {
    /// Starts a new cluster. Err when the binaries are missing or it fails to start.
    pub fn start() -> Result<PgCluster, String> {
        let bin = find_bin_dir().ok_or_else(|| {
            "PostgreSQL server binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin".to_string()
        })?;
        let dir = tempfile::Builder::new()
            .prefix("antoan-pg-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp dir: {e}"))?
            .keep();
        let run_as = if euid() == Some(0) {
            let ids = passwd_ids("postgres")
                .or_else(|| passwd_ids("nobody"))
                .unwrap_or((65534, 65534));
            std::os::unix::fs::chown(&dir, Some(ids.0), Some(ids.1))
                .map_err(|e| format!("cannot chown {}: {e}", dir.display()))?;
            Some(ids)
        } else {
            None
        };
        let r = Self::start_in(&bin, &dir, run_as);
        if r.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        r
    }

    fn command(program: PathBuf, dir: &Path, run_as: Option<(u32, u32)>) -> Command {
        use std::os::unix::process::CommandExt;
        let mut c = Command::new(program);
        c.current_dir(dir).env_remove("PGDATA").env("LC_ALL", "C");
        if let Some((uid, gid)) = run_as {
            c.uid(uid).gid(gid).env("HOME", dir);
        }
        c
    }

    fn start_in(bin: &Path, dir: &Path, run_as: Option<(u32, u32)>) -> Result<PgCluster, String> {
        let data = dir.join("data");
        let out = Self::command(bin.join("initdb"), dir, run_as)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let mut last_err = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let log_path = dir.join(format!("postgres-{port}.log"));
            let log = std::fs::File::create(&log_path)
                .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
            if let Some((uid, gid)) = run_as {
                let _ = std::os::unix::fs::chown(&log_path, Some(uid), Some(gid));
            }
            let log2 = log.try_clone().map_err(|e| e.to_string())?;
            let mut child = Self::command(bin.join("postgres"), dir, run_as)
                .arg("-D")
                .arg(&data)
                .args(["-p", &port.to_string(), "-h", "127.0.0.1", "-F"])
                .arg("-k")
                .arg(dir)
                .args([
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "shared_buffers=32MB",
                    "-c",
                    "dynamic_shared_memory_type=mmap",
                ])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log2)
                .spawn()
                .map_err(|e| format!("cannot run postgres: {e}"))?;
            let watchdog = spawn_watchdog(child.id(), dir);
            let mut cluster = PgCluster {
                port,
                dir: dir.to_path_buf(),
                postgres: None,
                watchdog: None,
            };
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    last_err = format!(
                        "postgres exited ({status}): {}",
                        std::fs::read_to_string(&log_path).unwrap_or_default()
                    );
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && ready(bin, port) {
                    cluster.postgres = Some(child);
                    cluster.watchdog = watchdog;
                    return Ok(cluster);
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_err = format!(
                        "postgres did not become ready within 60 s: {}",
                        std::fs::read_to_string(&log_path).unwrap_or_default()
                    );
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if let Some((mut w, stdin)) = watchdog {
                // The postgres it guards is gone; stop the watchdog without removing the dir.
                let _ = w.kill();
                drop(stdin);
                let _ = w.wait();
            }
        }
        Err(last_err)
    }

    /// `start()`, but when the binaries are missing: panics if the env var `CI` is set (CI must
    /// run the PostgreSQL tests), else prints a line and returns None. Other start failures panic.
    pub fn start_or_skip() -> Option<PgCluster> {
        if find_bin_dir().is_none() {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but the PostgreSQL server binaries (initdb, postgres) are missing: install postgresql");
            }
            println!("skipped: PostgreSQL server binaries (initdb, postgres) not found; install postgresql to run these tests");
            return None;
        }
        match PgCluster::start() {
            Ok(c) => Some(c),
            Err(e) => panic!("could not start a throw-away PostgreSQL cluster: {e}"),
        }
    }

    /// One cluster shared by every test of the process, started on first use (stopped by its
    /// watchdog when the process exits). None when skipped (see `start_or_skip`).
    pub fn shared() -> Option<&'static PgCluster> {
        static SHARED: OnceLock<Option<PgCluster>> = OnceLock::new();
        SHARED.get_or_init(PgCluster::start_or_skip).as_ref()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// URL of database `db` (which must exist: see `create_database`; "postgres" always does).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates a fresh, empty database and returns its `postgres://` URL. `name`: 1-63 of
    /// `a-z 0-9 _`, starting with a letter or `_`.
    pub async fn create_database(&self, name: &str) -> Result<String, String> {
        let ok = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !name.as_bytes()[0].is_ascii_digit();
        if !ok {
            return Err(format!("bad database name '{name}' (use a-z, 0-9 and _)"));
        }
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .map_err(|e| format!("cannot connect to the test cluster: {e}"))?;
        let task = tokio::spawn(async move {
            let _ = conn.await;
        });
        let r = client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await;
        drop(client);
        let _ = task.await;
        r.map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
        Ok(self.url(name))
    }
}

/// pg_isready if it is there, else a successful TCP connect is taken as ready.
fn ready(bin: &Path, port: u16) -> bool {
    let isready = [bin.join("pg_isready"), PathBuf::from("/usr/bin/pg_isready")]
        .into_iter()
        .find(|p| p.is_file());
    match isready {
        None => true,
        Some(p) => Command::new(p)
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false),
    }
}

/// A shell that waits for its stdin to close (our process ended or dropped the cluster), then
/// stops postgres (fast shutdown, SIGKILL after 5 s) and removes the directory.
fn spawn_watchdog(pid: u32, dir: &Path) -> Option<(Child, ChildStdin)> {
    let script = r#"read _ignored; kill -INT "$1" 2>/dev/null; i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL "$1" 2>/dev/null; rm -rf -- "$2""#;
    let mut c = Command::new("sh")
        .args(["-c", script, "antoan-pg-watchdog", &pid.to_string()])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdin = c.stdin.take()?;
    Some((c, stdin))
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Disarm the watchdog (it is for the case where Drop never runs), then stop postgres.
        if let Some((mut w, stdin)) = self.watchdog.take() {
            let _ = w.kill();
            drop(stdin);
            let _ = w.wait();
        }
        if let Some(mut p) = self.postgres.take() {
            let _ = Command::new("kill")
                .args(["-INT", &p.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                match p.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    _ => {
                        let _ = p.kill();
                        let _ = p.wait();
                        break;
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
