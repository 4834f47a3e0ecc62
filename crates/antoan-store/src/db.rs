//! The small database abstraction the operations are written against once.
//!
//! Operations are `async fn op<T: Tx>(tx: &mut T, …)`. On PostgreSQL `T` is a
//! live transaction of tokio-postgres and the futures really wait on the
//! network. On SQLite `T` wraps a rusqlite connection whose methods never
//! suspend, so the whole operation runs to completion in one poll on a
//! blocking thread ([`now_or_never`]).
//!
//! SQL is written once with PostgreSQL placeholders (`$1`, `$2`, reusable);
//! for SQLite they are rewritten to the equivalent numbered form (`?1`, `?2`).
//! Every value reaches the database as a bound parameter.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};

use crate::error::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    I64(i64),
    F64(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<u32> for Val {
    fn from(v: u32) -> Val {
        Val::I64(v as i64)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Val {
        Val::I64(v as i64)
    }
}
/// PostgreSQL text cannot hold NUL: both backends store U+FFFD instead, so
/// data and lookups behave the same everywhere (a NUL in a filter matches nothing).
fn no_nul(v: String) -> String {
    if v.contains('\0') {
        v.replace('\0', "\u{FFFD}")
    } else {
        v
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(no_nul(v.to_owned()))
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Val {
        Val::Text(no_nul(v.clone()))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(no_nul(v))
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Val {
        Val::Blob(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        match v {
            Some(v) => v.into(),
            None => Val::Null,
        }
    }
}

/// `vals![a, b, c]` → `[Val; 3]`.
macro_rules! vals {
    ($($v:expr),+ $(,)?) => { [$($crate::db::Val::from($v)),+] };
}
pub(crate) use vals;

/// One result row.
#[derive(Debug, Clone)]
pub(crate) struct Row(pub Vec<Val>);

impl Row {
    fn at(&self, i: usize) -> Result<&Val> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Db(format!("internal: no column {i} in result row")))
    }
    pub fn i64(&self, i: usize) -> Result<i64> {
        match self.at(i)? {
            Val::I64(v) => Ok(*v),
            other => Err(StoreError::Db(format!(
                "internal: column {i}: expected an integer, got {other:?}"
            ))),
        }
    }
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.i64(i).map(Some),
        }
    }
    pub fn u32(&self, i: usize) -> Result<u32> {
        let v = self.i64(i)?;
        Ok(v.clamp(0, u32::MAX as i64) as u32)
    }
    pub fn bool(&self, i: usize) -> Result<bool> {
        Ok(self.i64(i)? != 0)
    }
    pub fn text(&self, i: usize) -> Result<String> {
        match self.at(i)? {
            Val::Text(s) => Ok(s.clone()),
            other => Err(StoreError::Db(format!(
                "internal: column {i}: expected text, got {other:?}"
            ))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>> {
        match self.at(i)? {
            Val::Blob(b) => Ok(b.clone()),
            Val::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(StoreError::Db(format!(
                "internal: column {i}: expected bytes, got {other:?}"
            ))),
        }
    }
}

/// A transaction (or, for reads, a consistent snapshot) on either backend.
pub(crate) trait Tx {
    /// True on PostgreSQL (for the few dialect differences, e.g. `FOR UPDATE`).
    fn is_pg(&self) -> bool;
    async fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    async fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64>;

    async fn query_opt(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>> {
        let mut rows = self.query(sql, params).await?;
        if rows.is_empty() {
            Ok(None)
        } else {
            Ok(Some(rows.swap_remove(0)))
        }
    }
    async fn query_one(&mut self, sql: &str, params: &[Val]) -> Result<Row> {
        self.query_opt(sql, params).await?.ok_or_else(|| {
            StoreError::Db("internal: a query that returns one row returned none".into())
        })
    }
}

// ---------------------------------------------------------------- SQLite

pub(crate) struct SqliteTx<'c> {
    pub conn: &'c rusqlite::Connection,
}

/// `$12` → `?12`; everything else unchanged. Our SQL has no `$` in literals.
pub(crate) fn sqlite_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let b = sql.as_bytes();
    for (i, c) in sql.char_indices() {
        if c == '$' && b.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Val::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::I64(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Val::F64(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn sqlite_row(row: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
    use rusqlite::types::ValueRef;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match row.get_ref(i)? {
            ValueRef::Null => Val::Null,
            ValueRef::Integer(v) => Val::I64(v),
            ValueRef::Real(v) => Val::F64(v),
            ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Val::Blob(b.to_vec()),
        });
    }
    Ok(Row(out))
}

impl Tx for SqliteTx<'_> {
    fn is_pg(&self) -> bool {
        false
    }
    async fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let sql = sqlite_sql(sql);
        let mut st = self.conn.prepare_cached(&sql).map_err(sqlite_err)?;
        let n = st.column_count();
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                sqlite_row(r, n)
            })
            .map_err(sqlite_err)?;
        rows.collect::<rusqlite::Result<Vec<Row>>>()
            .map_err(sqlite_err)
    }
    async fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let sql = sqlite_sql(sql);
        let mut st = self.conn.prepare_cached(&sql).map_err(sqlite_err)?;
        st.execute(rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(sqlite_err)
    }
}

pub(crate) fn sqlite_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        if f.code == rusqlite::ErrorCode::ConstraintViolation {
            let m = msg.clone().unwrap_or_else(|| e.to_string());
            return match f.extended_code {
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => StoreError::Conflict(m),
                rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                    StoreError::Invalid(format!("a referenced row does not exist ({m})"))
                }
                _ => StoreError::Invalid(m),
            };
        }
    }
    StoreError::Db(format!("sqlite: {e}"))
}

/// Runs a future that must complete without waiting (a SQLite operation).
pub(crate) fn now_or_never<R>(f: impl Future<Output = Result<R>>) -> Result<R> {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => Err(StoreError::Db(
            "internal: a SQLite operation tried to wait".into(),
        )),
    }
}

// ---------------------------------------------------------------- PostgreSQL

pub(crate) struct PgTx<'a, 'b> {
    pub t: &'a deadpool_postgres::Transaction<'b>,
    /// Set when a statement failed with a serialization failure or deadlock:
    /// the whole transaction may be retried.
    pub retry: bool,
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::I64(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => v.to_string().to_sql(ty, out),
                _ => Err(format!("cannot bind an integer to a {ty} parameter").into()),
            },
            Val::F64(v) => match *ty {
                Type::FLOAT8 => v.to_sql(ty, out),
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => Err(format!("cannot bind a float to a {ty} parameter").into()),
            },
            Val::Text(s) => s.as_str().to_sql(ty, out),
            Val::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    tokio_postgres::types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Val {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Val, Box<dyn std::error::Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => Val::I64(i64::from_sql(ty, raw)?),
            Type::INT4 => Val::I64(i32::from_sql(ty, raw)? as i64),
            Type::INT2 => Val::I64(i16::from_sql(ty, raw)? as i64),
            Type::BOOL => Val::I64(bool::from_sql(ty, raw)? as i64),
            Type::FLOAT8 => Val::F64(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Val::F64(f32::from_sql(ty, raw)? as f64),
            Type::BYTEA => Val::Blob(Vec::<u8>::from_sql(ty, raw)?),
            _ => Val::Text(String::from_sql(ty, raw)?),
        })
    }
    fn from_sql_null(
        _ty: &Type,
    ) -> std::result::Result<Val, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Val::Null)
    }
    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::FLOAT8
                | Type::FLOAT4
                | Type::BYTEA
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::UNKNOWN
        )
    }
}

fn pg_row(r: &tokio_postgres::Row) -> Result<Row> {
    let mut out = Vec::with_capacity(r.len());
    for i in 0..r.len() {
        out.push(r.try_get::<_, Val>(i).map_err(pg_err)?);
    }
    Ok(Row(out))
}

fn pg_params(params: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

pub(crate) fn pg_retryable(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    matches!(e.code(), Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED)
}

pub(crate) fn pg_err(e: tokio_postgres::Error) -> StoreError {
    use tokio_postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let m = match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_string(),
        };
        let c = db.code();
        if *c == SqlState::UNIQUE_VIOLATION {
            return StoreError::Conflict(m);
        }
        if *c == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::Invalid(format!("a referenced row does not exist ({m})"));
        }
        if *c == SqlState::NOT_NULL_VIOLATION || *c == SqlState::CHECK_VIOLATION {
            return StoreError::Invalid(m);
        }
        return StoreError::Db(format!("postgres: {} {m}", c.code()));
    }
    StoreError::Db(format!("postgres: {e}"))
}

impl PgTx<'_, '_> {
    fn note(&mut self, e: tokio_postgres::Error) -> StoreError {
        if pg_retryable(&e) {
            self.retry = true;
        }
        pg_err(e)
    }
}

impl Tx for PgTx<'_, '_> {
    fn is_pg(&self) -> bool {
        true
    }
    async fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let st = match self.t.prepare_cached(sql).await {
            Ok(s) => s,
            Err(e) => return Err(self.note(e)),
        };
        let rows = match self.t.query(&st, &pg_params(params)).await {
            Ok(r) => r,
            Err(e) => return Err(self.note(e)),
        };
        rows.iter().map(pg_row).collect()
    }
    async fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let st = match self.t.prepare_cached(sql).await {
            Ok(s) => s,
            Err(e) => return Err(self.note(e)),
        };
        match self.t.execute(&st, &pg_params(params)).await {
            Ok(n) => Ok(n),
            Err(e) => Err(self.note(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_for_sqlite() {
        assert_eq!(
            sqlite_sql("SELECT a FROM t WHERE x = $1 AND y = $12 OR z = $1"),
            "SELECT a FROM t WHERE x = ?1 AND y = ?12 OR z = ?1"
        );
        assert_eq!(sqlite_sql("SELECT 'đ' || $2"), "SELECT 'đ' || ?2");
        assert_eq!(sqlite_sql("SELECT 1"), "SELECT 1");
    }
}
