//! Versioned schema migrations, embedded per backend. `schema_version` holds
//! one row per applied migration; opening a database applies the missing ones
//! in order, each in the same transaction as its `schema_version` row.

use crate::error::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sql: include_str!("../migrations/sqlite/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "trend",
        sql: include_str!("../migrations/sqlite/0002_trend.sql"),
    },
    Migration {
        version: 3,
        name: "inspections",
        sql: include_str!("../migrations/sqlite/0003_inspections.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sql: include_str!("../migrations/postgres/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "trend",
        sql: include_str!("../migrations/postgres/0002_trend.sql"),
    },
    Migration {
        version: 3,
        name: "inspections",
        sql: include_str!("../migrations/postgres/0003_inspections.sql"),
    },
];

/// The schema version this build writes and reads.
pub const LATEST: i64 = 3;

fn too_new(found: i64) -> StoreError {
    StoreError::Invalid(format!(
        "the database schema is at version {found}, newer than this antoan understands ({LATEST}); \
         upgrade antoan / lược đồ cơ sở dữ liệu ở phiên bản {found}, mới hơn phiên bản antoan này hỗ trợ ({LATEST}); hãy nâng cấp antoan"
    ))
}

fn now_text() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Applies the SQLite migrations up to `target` (None = all).
pub(crate) fn sqlite(conn: &mut rusqlite::Connection, target: Option<i64>) -> Result<i64> {
    use crate::db::sqlite_err;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .map_err(sqlite_err)?;
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sqlite_err)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite_err)?;
    if current > LATEST {
        return Err(too_new(current));
    }
    let target = target.unwrap_or(LATEST);
    let mut v = current;
    for m in SQLITE
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        tx.execute_batch(m.sql).map_err(|e| {
            StoreError::Db(format!("sqlite migration {} ({}): {e}", m.version, m.name))
        })?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![m.version, m.name, now_text()],
        )
        .map_err(sqlite_err)?;
        v = m.version;
    }
    tx.commit().map_err(sqlite_err)?;
    Ok(v)
}

/// Applies the PostgreSQL migrations up to `target` (None = all). Several
/// replicas may start at once: an advisory lock serialises them.
pub(crate) async fn postgres(
    client: &mut deadpool_postgres::Client,
    target: Option<i64>,
) -> Result<i64> {
    use crate::db::pg_err;
    let tx = client.transaction().await.map_err(pg_err)?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(7316013001);
         CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
    )
    .await
    .map_err(pg_err)?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version",
            &[],
        )
        .await
        .map_err(pg_err)?
        .get(0);
    if current > LATEST {
        return Err(too_new(current));
    }
    let target = target.unwrap_or(LATEST);
    let mut v = current;
    for m in POSTGRES
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        tx.batch_execute(m.sql).await.map_err(|e| {
            StoreError::Db(format!(
                "postgres migration {} ({}): {}",
                m.version,
                m.name,
                pg_err(e)
            ))
        })?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &now_text()],
        )
        .await
        .map_err(pg_err)?;
        v = m.version;
    }
    tx.commit().await.map_err(pg_err)?;
    Ok(v)
}
