//! Storage layer of the antoan platform server.
//!
//! One API ([`Store`]) over two real backends: SQLite (rusqlite, WAL,
//! synchronous=FULL, foreign keys on) and PostgreSQL (tokio-postgres with a
//! deadpool pool). Versioned migrations per backend are embedded and run by
//! [`Store::open`].

mod error;
mod types;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::StoreError;
pub use types::*;

use time::OffsetDateTime;

/// The store: cheap to clone (shared pool inside).
#[derive(Clone)]
pub struct Store {
    _private: (),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend_name()).finish()
    }
}

impl Store {
    /// "sqlite:PATH" (file created if missing) or "postgres://…"/"postgresql://…". Runs migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let _ = url;
        todo!()
    }
    pub fn backend_name(&self) -> &'static str {
        todo!()
    }
    pub async fn ensure_unit_path(&self, path: &str) -> Result<Unit, StoreError> {
        let _ = path;
        todo!()
    }
    pub async fn unit(&self, id: i64) -> Result<Option<Unit>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn units(&self, scope: &Scope) -> Result<Vec<Unit>, StoreError> {
        let _ = scope;
        todo!()
    }
    pub async fn rename_unit(&self, id: i64, name: &str, actor: &Actor) -> Result<(), StoreError> {
        let _ = (id, name, actor);
        todo!()
    }
    pub async fn create_user(&self, u: &NewUser, actor: &Actor) -> Result<User, StoreError> {
        let _ = (u, actor);
        todo!()
    }
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserWithHash>, StoreError> {
        let _ = username;
        todo!()
    }
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn users(&self, scope: &Scope) -> Result<Vec<User>, StoreError> {
        let _ = scope;
        todo!()
    }
    pub async fn set_password(&self, user_id: i64, phc: &str, must_change: bool, actor: &Actor) -> Result<(), StoreError> {
        let _ = (user_id, phc, must_change, actor);
        todo!()
    }
    pub async fn create_session(&self, user_id: i64, token_sha256: &str, csrf: &str, expires_at: OffsetDateTime) -> Result<(), StoreError> {
        let _ = (user_id, token_sha256, csrf, expires_at);
        todo!()
    }
    pub async fn session(&self, token_sha256: &str, now: OffsetDateTime) -> Result<Option<Session>, StoreError> {
        let _ = (token_sha256, now);
        todo!()
    }
    pub async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        let _ = token_sha256;
        todo!()
    }
    pub async fn record_login_attempt(&self, username: &str, client: &str, ok: bool, at: OffsetDateTime) -> Result<(), StoreError> {
        let _ = (username, client, ok, at);
        todo!()
    }
    pub async fn failed_logins_since(&self, username: &str, client: &str, since: OffsetDateTime) -> Result<u32, StoreError> {
        let _ = (username, client, since);
        todo!()
    }
    pub async fn create_enrollment_token(&self, unit_id: i64, token_sha256: &str, expires_at: OffsetDateTime, actor: &Actor) -> Result<EnrollmentToken, StoreError> {
        let _ = (unit_id, token_sha256, expires_at, actor);
        todo!()
    }
    pub async fn enrollment_tokens(&self, scope: &Scope) -> Result<Vec<EnrollmentToken>, StoreError> {
        let _ = scope;
        todo!()
    }
    pub async fn revoke_enrollment_token(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let _ = (id, actor);
        todo!()
    }
    pub async fn enroll_agent(&self, token_sha256: &str, public_key_b64: &str, hostname: &str, os: &str, now: OffsetDateTime) -> Result<Agent, StoreError> {
        let _ = (token_sha256, public_key_b64, hostname, os, now);
        todo!()
    }
    pub async fn agent(&self, id: i64) -> Result<Option<Agent>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn agents(&self, scope: &Scope) -> Result<Vec<Agent>, StoreError> {
        let _ = scope;
        todo!()
    }
    pub async fn revoke_agent(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let _ = (id, actor);
        todo!()
    }
    pub async fn ingest_report(&self, s: &IngestReport<'_>) -> Result<IngestOutcome, StoreError> {
        let _ = s;
        todo!()
    }
    pub async fn hosts(&self, scope: &Scope, f: &HostFilter) -> Result<Vec<HostRow>, StoreError> {
        let _ = (scope, f);
        todo!()
    }
    pub async fn host(&self, id: i64) -> Result<Option<HostRow>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn host_reports(&self, host_id: i64, limit: u32) -> Result<Vec<ReportMeta>, StoreError> {
        let _ = (host_id, limit);
        todo!()
    }
    pub async fn report_json(&self, report_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let _ = report_id;
        todo!()
    }
    pub async fn findings(&self, scope: &Scope, f: &FindingFilter) -> Result<Vec<FindingRow>, StoreError> {
        let _ = (scope, f);
        todo!()
    }
    pub async fn finding(&self, id: i64) -> Result<Option<FindingRow>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn finding_history(&self, id: i64) -> Result<Vec<FindingEvent>, StoreError> {
        let _ = id;
        todo!()
    }
    pub async fn assign_findings(&self, ids: &[i64], assignee_user_id: Option<i64>, due: Option<time::Date>, actor: &Actor) -> Result<u32, StoreError> {
        let _ = (ids, assignee_user_id, due, actor);
        todo!()
    }
    pub async fn create_waiver(&self, w: &NewWaiver, actor: &Actor) -> Result<Waiver, StoreError> {
        let _ = (w, actor);
        todo!()
    }
    pub async fn waivers(&self, scope: &Scope) -> Result<Vec<Waiver>, StoreError> {
        let _ = scope;
        todo!()
    }
    pub async fn revoke_waiver(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let _ = (id, actor);
        todo!()
    }
    pub async fn overview(&self, scope: &Scope, now: OffsetDateTime, expected_interval: time::Duration) -> Result<Overview, StoreError> {
        let _ = (scope, now, expected_interval);
        todo!()
    }
    pub async fn audit_log(&self, scope: &Scope, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let _ = (scope, limit);
        todo!()
    }
}
