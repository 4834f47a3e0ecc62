use thiserror::Error;

/// What can go wrong in the store. The server maps these to HTTP statuses:
/// NotFound → 404, Conflict → 409, Revoked → 403, Expired → 403 (or 401 for
/// sessions), Invalid → 400, Db → 500.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("revoked")]
    Revoked,
    #[error("expired")]
    Expired,
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Db(String),
}
