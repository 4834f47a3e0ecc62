//! A private, throw-away PostgreSQL cluster for tests (feature `testing`).

/// A PostgreSQL cluster started from the `initdb`/`postgres` binaries on a
/// free 127.0.0.1 port, with its data in a temp dir; stopped and removed on Drop.
pub struct PgCluster {
    port: u16,
}

impl PgCluster {
    /// Starts a new cluster. Err when the binaries are missing or it fails to start.
    pub fn start() -> Result<PgCluster, String> {
        todo!()
    }
    /// `start()`, but when the binaries are missing: panics if the env var `CI`
    /// is set, else prints a line and returns None (the caller returns early).
    pub fn start_or_skip() -> Option<PgCluster> {
        todo!()
    }
    /// One cluster shared by every test of the process (stopped when the process exits).
    pub fn shared() -> Option<&'static PgCluster> {
        todo!()
    }
    pub fn port(&self) -> u16 {
        self.port
    }
    /// URL of database `db` (which must exist: see `create_database`).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
    /// Creates a fresh database and returns its `postgres://` URL.
    pub async fn create_database(&self, name: &str) -> Result<String, String> {
        let _ = name;
        todo!()
    }
}
