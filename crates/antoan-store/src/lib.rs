//! Storage layer of the antoan platform server.
//!
//! One API ([`Store`]) over two real backends: SQLite (rusqlite, WAL,
//! synchronous=FULL, foreign keys on) and PostgreSQL (tokio-postgres with a
//! deadpool pool). Versioned migrations per backend are embedded
//! (`migrations/{sqlite,postgres}/NNNN_name.sql`, recorded in `schema_version`)
//! and run by [`Store::open`]; a database from a newer antoan is refused.
//!
//! Every operation is written once (module `ops`) against a small transaction
//! trait; SQL uses `$n` placeholders and every value is a bound parameter.
//! SQLite writes go through one writer thread that commits waiting writes
//! together (group commit, each in its own savepoint) and answers only after
//! the durable commit; reads use a small pool of reader connections in
//! `spawn_blocking`. PostgreSQL writes retry on serialization failure/deadlock.
//!
//! Error mapping for the server ([`StoreError`]): `NotFound(what)` → 404 (for
//! ingest: unknown agent → 401/403), `Conflict` → 409 (replay, taken username,
//! duplicate session), `Revoked` → 403, `Expired` → 403/401, `Invalid` → 400
//! (bad unit path, bad hash shape, empty text…), `Db` → 500.
//!
//! Inspections (schema version 3): an inspection has one checklist per unit
//! (JSON of `antoan_inspect::Checklist`, saved optimistically with a version
//! number) and evidence files (bytes in the database, with their SHA-256).
//! Concluding it runs the findings lifecycle on each unit's *site host*: the one
//! pseudo-host per unit (`HostRow::kind == "site"`, hostname = the unit's name)
//! that carries the physical and process findings, so they are assigned, waived,
//! fixed and reopened like an agent's. Site hosts are never counted as hosts
//! (overview, coverage, silent hosts) and [`Store::hosts`] lists them only with
//! `HostFilter::include_sites`; their open findings do count in the open-finding
//! numbers and the trend. Hosts can be marked as holding state secrets, and
//! device handovers are opened on a host and closed by a later report
//! ([`Store::record_handover_status`]) or an inspector's exception;
//! [`Store::host_marks_by_agent`] gives ingest both in one indexed read.
//!
//! Times are stored as unix milliseconds (so values come back truncated to the
//! millisecond), dates as `YYYY-MM-DD`. Scopes use the unit path only.
//! The store reads the clock only for `created_at`-style stamps of user
//! mutations (audit rows, tokens, waivers) and the "active waiver" date.

mod db;
mod error;
mod inspections;
mod migrate;
mod ops;
mod pg;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod types;

pub use error::StoreError;
pub use types::*;

use std::io::{Read, Write};
use std::sync::Arc;

use time::OffsetDateTime;

pub use migrate::LATEST as DB_SCHEMA_VERSION;

enum Backend {
    Sqlite(sqlite::SqliteDb),
    Postgres(pg::PgDb),
}

/// The store: cheap to clone (one shared pool / writer inside).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Backend>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

/// Checks and splits a unit path ("lang-son/thanh-pho/phuong-chi-lang"): 1 to 12 slugs of
/// lowercase a-z, 0-9 and '-', each 1-63 characters, not starting or ending with '-'.
/// Leading/trailing slashes and surrounding whitespace are ignored.
pub fn parse_unit_path(path: &str) -> Result<Vec<String>, StoreError> {
    ops::unit_path_segments(path).map(|v| v.into_iter().map(str::to_owned).collect())
}

impl Scope {
    /// True when a unit with this path is inside the scope.
    pub fn contains(&self, unit_path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Subtree { path, .. } => {
                unit_path == path
                    || (unit_path.len() > path.len()
                        && unit_path.starts_with(path.as_str())
                        && unit_path.as_bytes()[path.len()] == b'/')
            }
        }
    }
}

/// Runs an operation of `ops` on the backend. `write` operations run in one
/// transaction (SQLite: on the writer thread; PostgreSQL: retried up to 3
/// times on serialization failure or deadlock); `read` ones in a read
/// transaction. The body is an expression using `$tx: &mut impl Tx` that
/// evaluates to a future; every variable it uses must be owned ('static).
macro_rules! run {
    ($self:ident, $mode:ident, |$tx:ident| $body:expr) => {{
        match &*$self.inner {
            Backend::Sqlite(b) => {
                b.$mode(move |$tx: &mut db::SqliteTx<'_>| db::now_or_never($body))
                    .await
            }
            Backend::Postgres(b) => {
                let mut attempt = 0u32;
                loop {
                    attempt += 1;
                    let mut client = b.pool.get().await.map_err(pg::pool_err)?;
                    let t = client.transaction().await.map_err(db::pg_err)?;
                    let mut ptx = db::PgTx {
                        t: &t,
                        retry: false,
                    };
                    let r = {
                        let $tx = &mut ptx;
                        $body.await
                    };
                    let retry = ptx.retry;
                    match r {
                        Ok(v) => match t.commit().await {
                            Ok(()) => break Ok(v),
                            Err(e) if db::pg_retryable(&e) && attempt < 3 => continue,
                            Err(e) => break Err(db::pg_err(e)),
                        },
                        Err(e) => {
                            drop(t);
                            if retry && attempt < 3 {
                                continue;
                            }
                            break Err(e);
                        }
                    }
                }
            }
        }
    }};
}

const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

fn compress(json: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut e = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(json.len() / 6 + 64),
        flate2::Compression::fast(),
    );
    e.write_all(json)
        .map_err(|e| StoreError::Db(format!("compressing the report: {e}")))?;
    e.finish()
        .map_err(|e| StoreError::Db(format!("compressing the report: {e}")))
}

fn decompress(encoding: &str, body: Vec<u8>) -> Result<Vec<u8>, StoreError> {
    match encoding {
        "identity" => Ok(body),
        "deflate" => {
            let mut out = Vec::with_capacity(body.len() * 6);
            flate2::read::DeflateDecoder::new(body.as_slice())
                .take(MAX_REPORT_BYTES)
                .read_to_end(&mut out)
                .map_err(|e| StoreError::Db(format!("stored report is corrupt: {e}")))?;
            Ok(out)
        }
        other => Err(StoreError::Db(format!(
            "stored report has an unknown encoding '{other}'"
        ))),
    }
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(b);
    let mut s = String::with_capacity(64);
    for x in d {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

impl Store {
    /// "sqlite:PATH" (file created if missing) or "postgres://…"/"postgresql://…". Runs migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_at(url, None).await
    }

    /// Opens and migrates only up to `version` (for migration tests). Not for production use.
    #[doc(hidden)]
    pub async fn open_at(url: &str, version: Option<i64>) -> Result<Store, StoreError> {
        let backend = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Invalid(
                    "sqlite: needs a file path (sqlite:PATH); in-memory databases are not supported".into(),
                ));
            }
            let path = std::path::PathBuf::from(path);
            let db = tokio::task::spawn_blocking(move || sqlite::SqliteDb::open(&path, version))
                .await
                .map_err(|e| {
                    StoreError::Db(format!("internal: opening the database failed: {e}"))
                })??;
            Backend::Sqlite(db)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(pg::PgDb::open(url, version).await?)
        } else {
            return Err(StoreError::Invalid(
                "database URL must start with sqlite: or postgres:// (e.g. sqlite:antoan.db)"
                    .into(),
            ));
        };
        Ok(Store {
            inner: Arc::new(backend),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match &*self.inner {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The schema version recorded in the database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        run!(self, read, |tx| async move {
            use db::Tx;
            tx.query_one(
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_version",
                &[],
            )
            .await?
            .i64(0)
        })
    }

    // ---- units

    /// Creates the unit and any missing ancestors (named after their slugs); returns the last one.
    pub async fn ensure_unit_path(&self, path: &str) -> Result<Unit, StoreError> {
        let path = path.to_owned();
        run!(self, write, |tx| ops::ensure_unit_path(tx, &path))
    }
    pub async fn unit(&self, id: i64) -> Result<Option<Unit>, StoreError> {
        run!(self, read, |tx| ops::unit(tx, id))
    }
    /// Units in scope, sorted by path.
    pub async fn units(&self, scope: &Scope) -> Result<Vec<Unit>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::units(tx, &scope))
    }
    pub async fn rename_unit(&self, id: i64, name: &str, actor: &Actor) -> Result<(), StoreError> {
        let (name, actor) = (name.to_owned(), actor.clone());
        run!(self, write, |tx| ops::rename_unit(tx, id, &name, &actor))
    }

    // ---- users

    pub async fn create_user(&self, u: &NewUser, actor: &Actor) -> Result<User, StoreError> {
        let (u, actor) = (u.clone(), actor.clone());
        run!(self, write, |tx| ops::create_user(tx, &u, &actor))
    }
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserWithHash>, StoreError> {
        let username = username.to_owned();
        run!(self, read, |tx| ops::user_by_name(tx, &username))
    }
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        run!(self, read, |tx| ops::user(tx, id))
    }
    /// Users whose unit is in scope (Scope::All: every user), sorted by username.
    pub async fn users(&self, scope: &Scope) -> Result<Vec<User>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::users(tx, &scope))
    }
    pub async fn set_password(
        &self,
        user_id: i64,
        phc: &str,
        must_change: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let (phc, actor) = (phc.to_owned(), actor.clone());
        run!(self, write, |tx| ops::set_password(
            tx,
            user_id,
            &phc,
            must_change,
            &actor
        ))
    }

    // ---- sessions

    pub async fn create_session(
        &self,
        user_id: i64,
        token_sha256: &str,
        csrf: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (tok, csrf) = (token_sha256.to_owned(), csrf.to_owned());
        run!(self, write, |tx| ops::create_session(
            tx, user_id, &tok, &csrf, expires_at
        ))
    }
    /// The session with its user; None if unknown, expired, or the user is disabled.
    pub async fn session(
        &self,
        token_sha256: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Session>, StoreError> {
        let tok = token_sha256.to_owned();
        run!(self, read, |tx| ops::session(tx, &tok, now))
    }
    pub async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        let tok = token_sha256.to_owned();
        run!(self, write, |tx| ops::delete_session(tx, &tok))
    }
    pub async fn record_login_attempt(
        &self,
        username: &str,
        client: &str,
        ok: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (username, client) = (username.to_owned(), client.to_owned());
        run!(self, write, |tx| ops::record_login_attempt(
            tx, &username, &client, ok, at
        ))
    }
    /// Failed attempts for this username+client at or after `since`, and after the last successful one.
    pub async fn failed_logins_since(
        &self,
        username: &str,
        client: &str,
        since: OffsetDateTime,
    ) -> Result<u32, StoreError> {
        let (username, client) = (username.to_owned(), client.to_owned());
        run!(self, read, |tx| ops::failed_logins_since(
            tx, &username, &client, since
        ))
    }

    // ---- enrollment tokens and agents

    pub async fn create_enrollment_token(
        &self,
        unit_id: i64,
        token_sha256: &str,
        expires_at: OffsetDateTime,
        actor: &Actor,
    ) -> Result<EnrollmentToken, StoreError> {
        let (tok, actor) = (token_sha256.to_owned(), actor.clone());
        run!(self, write, |tx| ops::create_enrollment_token(
            tx, unit_id, &tok, expires_at, &actor
        ))
    }
    pub async fn enrollment_tokens(
        &self,
        scope: &Scope,
    ) -> Result<Vec<EnrollmentToken>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::enrollment_tokens(tx, &scope))
    }
    pub async fn revoke_enrollment_token(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let actor = actor.clone();
        run!(self, write, |tx| ops::revoke_enrollment_token(
            tx, id, &actor
        ))
    }
    /// Validates the token (exists → else NotFound, not revoked → else Revoked, not expired → else
    /// Expired) and creates the agent in the token's unit.
    pub async fn enroll_agent(
        &self,
        token_sha256: &str,
        public_key_b64: &str,
        hostname: &str,
        os: &str,
        now: OffsetDateTime,
    ) -> Result<Agent, StoreError> {
        let (tok, key, hostname, os) = (
            token_sha256.to_owned(),
            public_key_b64.to_owned(),
            hostname.to_owned(),
            os.to_owned(),
        );
        run!(self, write, |tx| ops::enroll_agent(
            tx, &tok, &key, &hostname, &os, now
        ))
    }
    pub async fn agent(&self, id: i64) -> Result<Option<Agent>, StoreError> {
        run!(self, read, |tx| ops::agent(tx, id))
    }
    pub async fn agents(&self, scope: &Scope) -> Result<Vec<Agent>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::agents(tx, &scope))
    }
    pub async fn revoke_agent(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let actor = actor.clone();
        run!(self, write, |tx| ops::revoke_agent(tx, id, &actor))
    }

    /// One transaction: replay check (seq must be > the agent's last accepted seq; an equal or
    /// lower seq whose stored payload has the same sha256 → `Duplicate`, else `Conflict`), host
    /// upsert (one host per agent), report stored (deflate-compressed), findings lifecycle,
    /// agent last_seq/last_seen. Unknown agent → NotFound("agent"); revoked → Revoked.
    pub async fn ingest_report(&self, s: &IngestReport<'_>) -> Result<IngestOutcome, StoreError> {
        self.ingest(s, None).await
    }

    /// [`Store::ingest_report`] for a caller that already has the lowercase hex SHA-256 of
    /// `s.report_json` (the server computes it once to check the agent's signature); the store
    /// then does not hash the payload again. `payload_sha256` must be exactly that digest.
    pub async fn ingest_report_with_sha256(
        &self,
        s: &IngestReport<'_>,
        payload_sha256: String,
    ) -> Result<IngestOutcome, StoreError> {
        self.ingest(s, Some(payload_sha256)).await
    }

    async fn ingest(
        &self,
        s: &IngestReport<'_>,
        sha: Option<String>,
    ) -> Result<IngestOutcome, StoreError> {
        let mut d = ops::IngestData::from_report(s)?;
        let json = s.report_json.to_vec();
        let (sha, body) =
            tokio::task::spawn_blocking(move || -> Result<(String, Vec<u8>), StoreError> {
                let sha = sha.unwrap_or_else(|| sha256_hex(&json));
                Ok((sha, compress(&json)?))
            })
            .await
            .map_err(|e| StoreError::Db(format!("internal: compression task failed: {e}")))??;
        d.payload_sha256 = sha;
        d.body = body;
        d.encoding = "deflate";
        run!(self, write, |tx| ops::ingest_report(tx, &d))
    }

    // ---- hosts, reports, findings

    pub async fn hosts(&self, scope: &Scope, f: &HostFilter) -> Result<Vec<HostRow>, StoreError> {
        let (scope, f) = (scope.clone(), f.clone());
        run!(self, read, |tx| ops::hosts(tx, &scope, &f))
    }
    pub async fn host(&self, id: i64) -> Result<Option<HostRow>, StoreError> {
        run!(self, read, |tx| ops::host(tx, id))
    }
    /// Newest first; limit 0 = all.
    pub async fn host_reports(
        &self,
        host_id: i64,
        limit: u32,
    ) -> Result<Vec<ReportMeta>, StoreError> {
        run!(self, read, |tx| ops::host_reports(tx, host_id, limit))
    }
    /// The report JSON exactly as received.
    pub async fn report_json(&self, report_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let r = run!(self, read, |tx| ops::report_body(tx, report_id))?;
        match r {
            None => Ok(None),
            Some((enc, body)) => tokio::task::spawn_blocking(move || decompress(&enc, body))
                .await
                .map_err(|e| StoreError::Db(format!("internal: decompression task failed: {e}")))?
                .map(Some),
        }
    }
    /// Sorted by severity (most severe first), then id. `unit_id` selects that unit's subtree.
    pub async fn findings(
        &self,
        scope: &Scope,
        f: &FindingFilter,
    ) -> Result<Vec<FindingRow>, StoreError> {
        let (scope, f) = (scope.clone(), f.clone());
        run!(self, read, |tx| ops::findings(tx, &scope, &f))
    }
    pub async fn finding(&self, id: i64) -> Result<Option<FindingRow>, StoreError> {
        run!(self, read, |tx| ops::finding(tx, id))
    }
    /// Oldest first.
    pub async fn finding_history(&self, id: i64) -> Result<Vec<FindingEvent>, StoreError> {
        run!(self, read, |tx| ops::finding_history(tx, id))
    }
    /// Sets (or clears, with None) assignee and due date; unknown ids are skipped. Returns how
    /// many findings changed. The caller checks the ids are in the user's scope.
    pub async fn assign_findings(
        &self,
        ids: &[i64],
        assignee_user_id: Option<i64>,
        due: Option<time::Date>,
        actor: &Actor,
    ) -> Result<u32, StoreError> {
        let (ids, actor) = (ids.to_vec(), actor.clone());
        run!(self, write, |tx| ops::assign_findings(
            tx,
            &ids,
            assignee_user_id,
            due,
            &actor
        ))
    }
    pub async fn create_waiver(&self, w: &NewWaiver, actor: &Actor) -> Result<Waiver, StoreError> {
        let (w, actor) = (w.clone(), actor.clone());
        run!(self, write, |tx| ops::create_waiver(tx, &w, &actor))
    }
    /// Every waiver in scope (active, expired and revoked), newest first.
    pub async fn waivers(&self, scope: &Scope) -> Result<Vec<Waiver>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::waivers(tx, &scope))
    }
    pub async fn revoke_waiver(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let actor = actor.clone();
        run!(self, write, |tx| ops::revoke_waiver(tx, id, &actor))
    }

    // ---- inspections

    /// Creates an open inspection with one checklist (version 1) per unit. A taken `code` →
    /// Conflict; an unknown unit → NotFound("unit"); no checklist, an empty code/title, a level
    /// outside 1-3 or a unit listed twice → Invalid.
    pub async fn create_inspection(
        &self,
        n: &NewInspection,
        actor: &Actor,
    ) -> Result<InspectionRow, StoreError> {
        let (n, actor) = (n.clone(), actor.clone());
        run!(self, write, |tx| ops::create_inspection(tx, &n, &actor))
    }
    /// The inspections with at least one unit in scope, newest first.
    pub async fn inspections(&self, scope: &Scope) -> Result<Vec<InspectionRow>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::inspections(tx, &scope))
    }
    pub async fn inspection(&self, id: i64) -> Result<Option<InspectionRow>, StoreError> {
        run!(self, read, |tx| ops::inspection(tx, id))
    }
    /// Replaces the inspection document (antoan_inspect::Inspection JSON). Concluded → Conflict.
    pub async fn update_inspection_document(
        &self,
        id: i64,
        document: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let (document, actor) = (document.to_owned(), actor.clone());
        run!(self, write, |tx| ops::update_inspection_document(
            tx, id, &document, &actor
        ))
    }
    /// The inspection's checklists, sorted by unit path.
    pub async fn checklists(&self, inspection_id: i64) -> Result<Vec<ChecklistRow>, StoreError> {
        run!(self, read, |tx| ops::checklists(tx, inspection_id))
    }
    pub async fn checklist(
        &self,
        inspection_id: i64,
        unit_id: i64,
    ) -> Result<Option<ChecklistRow>, StoreError> {
        run!(self, read, |tx| ops::checklist(tx, inspection_id, unit_id))
    }
    /// Optimistic: `expected_version` must equal the stored version (else Conflict); bumps it;
    /// Conflict when concluded.
    pub async fn save_checklist(
        &self,
        inspection_id: i64,
        unit_id: i64,
        checklist: &str,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<ChecklistRow, StoreError> {
        let (checklist, actor) = (checklist.to_owned(), actor.clone());
        run!(self, write, |tx| ops::save_checklist(
            tx,
            inspection_id,
            unit_id,
            &checklist,
            expected_version,
            &actor
        ))
    }
    /// Stores the file and, in the same transaction, the checklist JSON that now references it
    /// (same version rule as [`Store::save_checklist`]). `sha256` must be the lowercase hex
    /// digest of `body` (else Invalid).
    pub async fn add_evidence(
        &self,
        e: &NewEvidence,
        checklist: &str,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<EvidenceMeta, StoreError> {
        let (e, checklist, actor) = (e.clone(), checklist.to_owned(), actor.clone());
        run!(self, write, |tx| ops::add_evidence(
            tx,
            &e,
            &checklist,
            expected_version,
            &actor
        ))
    }
    /// The evidence files of one unit's checklist (metadata only), oldest first.
    pub async fn evidence_list(
        &self,
        inspection_id: i64,
        unit_id: i64,
    ) -> Result<Vec<EvidenceMeta>, StoreError> {
        run!(self, read, |tx| ops::evidence_list(
            tx,
            inspection_id,
            unit_id
        ))
    }
    /// One evidence file with its bytes.
    pub async fn evidence(&self, id: i64) -> Result<Option<(EvidenceMeta, Vec<u8>)>, StoreError> {
        run!(self, read, |tx| ops::evidence(tx, id))
    }
    /// One transaction: findings lifecycle on each unit's site host (created on first use), state
    /// → concluded. Already concluded → Conflict; a unit not in the inspection → Invalid.
    pub async fn conclude_inspection(
        &self,
        id: i64,
        outcomes: &[UnitOutcome],
        actor: &Actor,
    ) -> Result<ConcludeOutcome, StoreError> {
        let (outcomes, actor) = (outcomes.to_vec(), actor.clone());
        run!(self, write, |tx| ops::conclude_inspection(
            tx, id, &outcomes, &actor
        ))
    }

    // ---- host marks: state secrets and handovers

    /// Marks (or unmarks) a host as holding state secrets. A site host → Invalid.
    pub async fn set_state_secret(
        &self,
        host_id: i64,
        on: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        run!(self, write, |tx| ops::set_state_secret(
            tx, host_id, on, &actor
        ))
    }
    /// Opens a device handover on a host. Unknown host → NotFound("host"); site host → Invalid.
    pub async fn create_handover(
        &self,
        n: &NewHandover,
        actor: &Actor,
    ) -> Result<HandoverRow, StoreError> {
        let (n, actor) = (n.clone(), actor.clone());
        run!(self, write, |tx| ops::create_handover(tx, &n, &actor))
    }
    /// Handovers of hosts in scope (only the open ones with `open_only`), newest first.
    pub async fn handovers(
        &self,
        scope: &Scope,
        open_only: bool,
    ) -> Result<Vec<HandoverRow>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::handovers(tx, &scope, open_only))
    }
    pub async fn handover(&self, id: i64) -> Result<Option<HandoverRow>, StoreError> {
        run!(self, read, |tx| ops::handover(tx, id))
    }
    /// Records the latest evaluation (status JSON); `closed_report_id: Some(_)` closes it (state
    /// closed, closed_at now). An audit row (actor "system") only when it closes. A handover no
    /// longer open (closed or excepted meanwhile) is left unchanged (Ok); unknown →
    /// NotFound("handover"); a closing report of another host → Invalid.
    pub async fn record_handover_status(
        &self,
        id: i64,
        status: &str,
        closed_report_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let status = status.to_owned();
        run!(self, write, |tx| ops::record_handover_status(
            tx,
            id,
            &status,
            closed_report_id
        ))
    }
    /// An inspector's exception closes an open handover (state exception). Not open → Conflict.
    pub async fn handover_exception(
        &self,
        id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let (reason, actor) = (reason.to_owned(), actor.clone());
        run!(self, write, |tx| ops::handover_exception(
            tx, id, &reason, &actor
        ))
    }
    /// The marks of the agent's host (state secret, open handovers) in one indexed read; None
    /// when the agent has no host yet.
    pub async fn host_marks_by_agent(
        &self,
        agent_id: i64,
    ) -> Result<Option<HostMarks>, StoreError> {
        run!(self, read, |tx| ops::host_marks_by_agent(tx, agent_id))
    }

    // ---- dashboard

    pub async fn overview(
        &self,
        scope: &Scope,
        now: OffsetDateTime,
        expected_interval: time::Duration,
    ) -> Result<Overview, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::overview(
            tx,
            &scope,
            now,
            expected_interval
        ))
    }
    /// Newest first; limit 0 = all. Entries without a unit (none today) are only in Scope::All.
    pub async fn audit_log(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let scope = scope.clone();
        run!(self, read, |tx| ops::audit_log(tx, &scope, limit))
    }
}

/// Compile-time check: the futures the server awaits in axum handlers are Send.
#[allow(dead_code)]
fn _futures_are_send(
    s: &Store,
    r: &IngestReport<'_>,
    f: &FindingFilter,
    h: &HostFilter,
    u: &NewUser,
    a: &Actor,
) {
    fn send<T: Send>(_: T) {}
    let now = OffsetDateTime::UNIX_EPOCH;
    send(s.ingest_report(r));
    send(s.findings(&Scope::All, f));
    send(s.hosts(&Scope::All, h));
    send(s.overview(&Scope::All, now, time::Duration::hours(1)));
    send(s.create_user(u, a));
    send(s.session("x", now));
    send(s.enroll_agent("x", "k", "h", "o", now));
    send(s.report_json(1));
    send(s.host_marks_by_agent(1));
    send(s.conclude_inspection(1, &[], a));
    send(s.add_evidence(
        &NewEvidence {
            inspection_id: 1,
            unit_id: 1,
            item_id: String::new(),
            file_name: String::new(),
            media_type: String::new(),
            sha256: String::new(),
            body: vec![],
        },
        "",
        1,
        a,
    ));
}
