//! SQLite backend: one writer thread with group commit, a small pool of
//! reader connections used from `spawn_blocking`.
//!
//! Every write is a job sent to the writer thread. The thread takes all jobs
//! waiting (up to [`MAX_BATCH`]), runs them in one `BEGIN IMMEDIATE`
//! transaction, each inside its own savepoint (a failing job rolls back only
//! itself), commits once (WAL, synchronous=FULL: the commit is durable when it
//! returns) and only then answers each job. Under load this turns N fsyncs
//! into one; with one client it is a plain transaction per write.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::db::{sqlite_err, SqliteTx};
use crate::error::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

const MAX_BATCH: usize = 64;
const MAX_IDLE_READERS: usize = 4;

pub(crate) struct SqliteDb {
    writer: Mutex<mpsc::Sender<Box<dyn WriteJob>>>,
    readers: Arc<ReaderPool>,
}

struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection, writer: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(sqlite_err)?;
    if writer {
        // journal_mode returns a row; query it rather than execute.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sqlite_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Db(format!(
                "sqlite: could not switch to WAL mode (got {mode})"
            )));
        }
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(sqlite_err)?;
    if !writer {
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(sqlite_err)?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn open_conn(path: &Path, writer: bool) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    if writer {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Db(format!("sqlite: cannot open {}: {e}", path.display())))?;
    configure(&conn, writer)?;
    Ok(conn)
}

impl SqliteDb {
    /// Opens (creating if missing) and migrates up to `target` (None = latest). Blocking.
    pub fn open(path: &Path, target: Option<i64>) -> Result<SqliteDb> {
        if path.as_os_str().is_empty() {
            return Err(StoreError::Invalid(
                "empty SQLite path (expected sqlite:PATH)".into(),
            ));
        }
        let mut conn = open_conn(path, true)?;
        crate::migrate::sqlite(&mut conn, target)?;
        let (tx, rx) = mpsc::channel::<Box<dyn WriteJob>>();
        std::thread::Builder::new()
            .name("antoan-store-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Db(format!("cannot start the SQLite writer thread: {e}")))?;
        Ok(SqliteDb {
            writer: Mutex::new(tx),
            readers: Arc::new(ReaderPool {
                path: path.to_path_buf(),
                idle: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Runs `f` in a write transaction on the writer thread; returns after the commit.
    pub async fn write<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut SqliteTx<'_>) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        let job: Box<dyn WriteJob> = Box::new(Job {
            f: Some(f),
            out: None,
            reply: Some(reply),
        });
        {
            let sender = self
                .writer
                .lock()
                .map_err(|_| StoreError::Db("internal: writer lock poisoned".into()))?;
            sender
                .send(job)
                .map_err(|_| StoreError::Db("the SQLite writer thread has stopped".into()))?;
        }
        rx.await
            .map_err(|_| StoreError::Db("the SQLite writer thread dropped a job".into()))?
    }

    /// Runs `f` on a reader connection inside a read transaction (a consistent snapshot).
    pub async fn read<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut SqliteTx<'_>) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let r = (|| {
                let tx = conn.unchecked_transaction().map_err(sqlite_err)?;
                let r = catch_unwind(AssertUnwindSafe(|| f(&mut SqliteTx { conn: &tx })))
                    .unwrap_or_else(|_| {
                        Err(StoreError::Db("internal: a store read panicked".into()))
                    });
                drop(tx); // read-only: rollback == commit
                r
            })();
            pool.put(conn);
            r
        })
        .await
        .map_err(|e| StoreError::Db(format!("internal: reader task failed: {e}")))?
    }
}

impl ReaderPool {
    fn take(&self) -> Result<Connection> {
        if let Some(c) = self.idle.lock().ok().and_then(|mut v| v.pop()) {
            return Ok(c);
        }
        open_conn(&self.path, false)
    }
    fn put(&self, c: Connection) {
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < MAX_IDLE_READERS {
                v.push(c);
            }
        }
    }
}

trait WriteJob: Send {
    /// Runs the job inside its own savepoint; false if it failed (and was rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Delivers the result once the batch's commit is known.
    fn finish(self: Box<Self>, commit: &Result<()>);
}

struct Job<R, F> {
    f: Option<F>,
    out: Option<Result<R>>,
    reply: Option<oneshot::Sender<Result<R>>>,
}

impl<R, F> WriteJob for Job<R, F>
where
    F: FnOnce(&mut SqliteTx<'_>) -> Result<R> + Send,
    R: Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(f) = self.f.take() else { return false };
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            self.out = Some(Err(sqlite_err(e)));
            return false;
        }
        let r = catch_unwind(AssertUnwindSafe(|| f(&mut SqliteTx { conn }))).unwrap_or_else(|_| {
            Err(StoreError::Db(
                "internal: a store operation panicked".into(),
            ))
        });
        let ok = r.is_ok();
        let end = if ok {
            conn.execute_batch("RELEASE job")
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
        };
        self.out = Some(match (r, end) {
            (Ok(_), Err(e)) => Err(sqlite_err(e)),
            (r, _) => r,
        });
        ok && self.out.as_ref().is_some_and(|o| o.is_ok())
    }

    fn finish(mut self: Box<Self>, commit: &Result<()>) {
        let out = match (self.out.take(), commit) {
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(e.clone()),
            (Some(Err(e)), _) => Err(e),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(())) => Err(StoreError::Db("internal: job was not run".into())),
        };
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(out);
        }
    }
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Box<dyn WriteJob>>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let commit = match conn.execute_batch("BEGIN IMMEDIATE") {
            Err(e) => Err(sqlite_err(e)),
            Ok(()) => {
                for j in batch.iter_mut() {
                    j.run(&conn);
                }
                if conn.is_autocommit() {
                    // SQLite rolled the whole transaction back (e.g. disk full).
                    Err(StoreError::Db("sqlite: the transaction was aborted".into()))
                } else {
                    match conn.execute_batch("COMMIT") {
                        Ok(()) => Ok(()),
                        Err(e) => {
                            let _ = conn.execute_batch("ROLLBACK");
                            Err(sqlite_err(e))
                        }
                    }
                }
            }
        };
        for j in batch {
            j.finish(&commit);
        }
    }
}
