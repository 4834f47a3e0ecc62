//! Every store operation, written once against [`Tx`] and run on both backends.

use std::collections::{BTreeMap, HashMap, HashSet};

use antoan_model::{Severity, Text};
use time::{Date, OffsetDateTime};

use crate::db::{vals, Row, Tx, Val};
use crate::error::StoreError;
use crate::types::*;

type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) use crate::inspections::*;

// ---------------------------------------------------------------- helpers

/// The wall clock, for `created_at`-style stamps of user mutations (the store
/// is at the edge; evaluation never reads it).
pub(crate) fn clock() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Times are stored as unix milliseconds.
pub(crate) fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn from_ms(v: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(v as i128 * 1_000_000)
        .map_err(|e| StoreError::Db(format!("stored time {v} out of range: {e}")))
}

pub(crate) fn opt_from_ms(v: Option<i64>) -> Result<Option<OffsetDateTime>> {
    v.map(from_ms).transpose()
}

pub(crate) fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub(crate) fn parse_day(s: &str) -> Result<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|e| StoreError::Db(format!("stored date '{s}' is invalid: {e}")))
}

pub(crate) fn sev_rank(s: Severity) -> i64 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

pub(crate) fn sev_from_rank(v: i64) -> Severity {
    match v {
        i64::MIN..=0 => Severity::Info,
        1 => Severity::Low,
        2 => Severity::Medium,
        3 => Severity::High,
        _ => Severity::Critical,
    }
}

/// Escapes LIKE wildcards; used with `ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `(col = $a OR col LIKE $b)` restricting a unit path column to the scope.
pub(crate) fn scope_cond(scope: &Scope, col: &str, p: &mut Vec<Val>) -> String {
    match scope {
        Scope::All => "1 = 1".into(),
        Scope::Subtree { path, .. } => {
            p.push(Val::from(path.as_str()));
            let a = p.len();
            p.push(Val::from(format!("{}/%", like_escape(path))));
            let b = p.len();
            format!("({col} = ${a} OR {col} LIKE ${b} ESCAPE '\\')")
        }
    }
}

pub(crate) fn push(p: &mut Vec<Val>, v: impl Into<Val>) -> usize {
    p.push(v.into());
    p.len()
}

fn limit_clause(limit: u32, offset: u32, p: &mut Vec<Val>) -> String {
    let l = if limit == 0 { i64::MAX } else { limit as i64 };
    let a = push(p, l);
    let b = push(p, offset as i64);
    format!(" LIMIT ${a} OFFSET ${b}")
}

pub(crate) fn check_text(what: &str, s: &str, max_chars: usize, allow_empty: bool) -> Result<()> {
    if !allow_empty && s.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{what} is empty")));
    }
    if s.chars().count() > max_chars {
        return Err(StoreError::Invalid(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        || s.contains('\0')
    {
        return Err(StoreError::Invalid(format!(
            "{what} contains control characters"
        )));
    }
    Ok(())
}

pub(crate) fn check_sha256_hex(what: &str, s: &str) -> Result<()> {
    if s.len() != 64
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(StoreError::Invalid(format!(
            "{what} must be a lowercase hex SHA-256 (64 characters)"
        )));
    }
    Ok(())
}

fn check_public_key(s: &str) -> Result<()> {
    // Standard base64 of 32 bytes: 43 alphabet characters and one '='.
    let ok = s.len() == 44
        && s.ends_with('=')
        && s[..43]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "public key must be standard base64 of 32 bytes".into(),
        ))
    }
}

pub(crate) async fn audit<T: Tx>(
    tx: &mut T,
    at: OffsetDateTime,
    actor: &Actor,
    action: &str,
    object: &str,
    detail: &str,
    unit_path: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, actor_user_id, action, object, detail, unit_path) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &vals![ms(at), actor.name.as_str(), actor.user_id, action, object, detail, unit_path],
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- units

pub(crate) const UNIT_COLS: &str = "u.id, u.parent_id, u.path, u.slug, u.name, u.depth";

pub(crate) fn unit_row(r: &Row, o: usize) -> Result<Unit> {
    Ok(Unit {
        id: r.i64(o)?,
        parent_id: r.opt_i64(o + 1)?,
        path: r.text(o + 2)?,
        slug: r.text(o + 3)?,
        name: r.text(o + 4)?,
        depth: r.u32(o + 5)?,
    })
}

/// Splits and checks a unit path: slugs of `a-z 0-9 -`, at most 12 levels.
pub(crate) fn unit_path_segments(path: &str) -> Result<Vec<&str>> {
    let p = path.trim().trim_matches('/');
    if p.is_empty() {
        return Err(StoreError::Invalid(
            "unit path is empty (expected e.g. lang-son/thanh-pho)".into(),
        ));
    }
    let segs: Vec<&str> = p.split('/').collect();
    if segs.len() > 12 {
        return Err(StoreError::Invalid(
            "unit path has more than 12 levels".into(),
        ));
    }
    for s in &segs {
        let ok = !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if !ok {
            return Err(StoreError::Invalid(format!(
                "unit path segment '{}' is not a slug (lowercase a-z, 0-9 and '-', 1-63 characters, e.g. phuong-chi-lang)",
                s.chars().take(80).collect::<String>()
            )));
        }
    }
    Ok(segs)
}

pub(crate) async fn ensure_unit_path<T: Tx>(tx: &mut T, path: &str) -> Result<Unit> {
    let segs = unit_path_segments(path)?;
    let sel = format!("SELECT {UNIT_COLS} FROM units u WHERE u.path = $1");
    let mut parent: Option<i64> = None;
    let mut last: Option<Unit> = None;
    for i in 0..segs.len() {
        let p = segs[..=i].join("/");
        if let Some(r) = tx.query_opt(&sel, &vals![p.as_str()]).await? {
            let u = unit_row(&r, 0)?;
            parent = Some(u.id);
            last = Some(u);
            continue;
        }
        tx.execute(
            "INSERT INTO units (parent_id, path, slug, name, depth) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (path) DO NOTHING",
            &vals![parent, p.as_str(), segs[i], segs[i], i as i64],
        )
        .await?;
        let r = tx.query_one(&sel, &vals![p.as_str()]).await?;
        let u = unit_row(&r, 0)?;
        audit(
            tx,
            clock(),
            &Actor::system(),
            "unit.create",
            &format!("unit:{}", u.id),
            &p,
            Some(&p),
        )
        .await?;
        parent = Some(u.id);
        last = Some(u);
    }
    last.ok_or_else(|| StoreError::Invalid("unit path is empty".into()))
}

pub(crate) async fn unit<T: Tx>(tx: &mut T, id: i64) -> Result<Option<Unit>> {
    let r = tx
        .query_opt(
            &format!("SELECT {UNIT_COLS} FROM units u WHERE u.id = $1"),
            &vals![id],
        )
        .await?;
    r.map(|r| unit_row(&r, 0)).transpose()
}

pub(crate) async fn units<T: Tx>(tx: &mut T, scope: &Scope) -> Result<Vec<Unit>> {
    let mut p = vec![];
    let c = scope_cond(scope, "u.path", &mut p);
    let rows = tx
        .query(
            &format!("SELECT {UNIT_COLS} FROM units u WHERE {c} ORDER BY u.path"),
            &p,
        )
        .await?;
    rows.iter().map(|r| unit_row(r, 0)).collect()
}

pub(crate) async fn rename_unit<T: Tx>(
    tx: &mut T,
    id: i64,
    name: &str,
    actor: &Actor,
) -> Result<()> {
    check_text("unit name", name, 200, false)?;
    let u = unit(tx, id).await?.ok_or(StoreError::NotFound("unit"))?;
    tx.execute("UPDATE units SET name = $2 WHERE id = $1", &vals![id, name])
        .await?;
    // The unit's site host (inspection findings) is named after it.
    tx.execute(
        "UPDATE hosts SET hostname = $2 WHERE unit_id = $1 AND kind = 'site'",
        &vals![id, name],
    )
    .await?;
    audit(
        tx,
        clock(),
        actor,
        "unit.rename",
        &format!("unit:{id}"),
        &format!("{} -> {name}", u.name),
        Some(&u.path),
    )
    .await
}

// ---------------------------------------------------------------- users

const USER_COLS: &str =
    "us.id, us.username, us.display_name, us.role, us.unit_id, un.path, us.disabled, us.must_change_password";
const USER_FROM: &str = "users us LEFT JOIN units un ON un.id = us.unit_id";

fn user_row(r: &Row, o: usize) -> Result<User> {
    Ok(User {
        id: r.i64(o)?,
        username: r.text(o + 1)?,
        display_name: r.text(o + 2)?,
        role: r.text(o + 3)?.parse().map_err(StoreError::Db)?,
        unit_id: r.opt_i64(o + 4)?,
        unit_path: r.opt_text(o + 5)?,
        disabled: r.bool(o + 6)?,
        must_change_password: r.bool(o + 7)?,
    })
}

pub(crate) async fn user<T: Tx>(tx: &mut T, id: i64) -> Result<Option<User>> {
    let r = tx
        .query_opt(
            &format!("SELECT {USER_COLS} FROM {USER_FROM} WHERE us.id = $1"),
            &vals![id],
        )
        .await?;
    r.map(|r| user_row(&r, 0)).transpose()
}

pub(crate) async fn create_user<T: Tx>(tx: &mut T, u: &NewUser, actor: &Actor) -> Result<User> {
    check_text("username", &u.username, 64, false)?;
    if u.username.chars().any(char::is_whitespace) {
        return Err(StoreError::Invalid("username contains whitespace".into()));
    }
    check_text("display name", &u.display_name, 200, true)?;
    if u.password_phc.is_empty() {
        return Err(StoreError::Invalid("password hash is empty".into()));
    }
    let unit_path = match u.unit_id {
        Some(id) => Some(
            unit(tx, id)
                .await?
                .ok_or(StoreError::NotFound("unit"))?
                .path,
        ),
        None if u.role == Role::ProvinceInspector => None,
        None => {
            return Err(StoreError::Invalid(format!(
                "a {} needs a unit",
                u.role.as_str()
            )))
        }
    };
    let r = tx
        .query_one(
            "INSERT INTO users (username, display_name, password_phc, role, unit_id, must_change_password, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &vals![
                u.username.as_str(),
                u.display_name.as_str(),
                u.password_phc.as_str(),
                u.role.as_str(),
                u.unit_id,
                u.must_change_password,
                ms(clock())
            ],
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!("username '{}' is already taken", u.username)),
            e => e,
        })?;
    let id = r.i64(0)?;
    audit(
        tx,
        clock(),
        actor,
        "user.create",
        &format!("user:{id}"),
        &format!("{} ({})", u.username, u.role.as_str()),
        unit_path.as_deref(),
    )
    .await?;
    user(tx, id).await?.ok_or(StoreError::NotFound("user"))
}

pub(crate) async fn user_by_name<T: Tx>(
    tx: &mut T,
    username: &str,
) -> Result<Option<UserWithHash>> {
    let r = tx
        .query_opt(
            &format!("SELECT {USER_COLS}, us.password_phc FROM {USER_FROM} WHERE us.username = $1"),
            &vals![username],
        )
        .await?;
    match r {
        None => Ok(None),
        Some(r) => Ok(Some(UserWithHash {
            user: user_row(&r, 0)?,
            password_phc: r.text(8)?,
        })),
    }
}

pub(crate) async fn users<T: Tx>(tx: &mut T, scope: &Scope) -> Result<Vec<User>> {
    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let rows = tx
        .query(
            &format!("SELECT {USER_COLS} FROM {USER_FROM} WHERE {c} ORDER BY us.username"),
            &p,
        )
        .await?;
    rows.iter().map(|r| user_row(r, 0)).collect()
}

pub(crate) async fn set_password<T: Tx>(
    tx: &mut T,
    user_id: i64,
    phc: &str,
    must_change: bool,
    actor: &Actor,
) -> Result<()> {
    if phc.is_empty() {
        return Err(StoreError::Invalid("password hash is empty".into()));
    }
    let u = user(tx, user_id)
        .await?
        .ok_or(StoreError::NotFound("user"))?;
    tx.execute(
        "UPDATE users SET password_phc = $2, must_change_password = $3 WHERE id = $1",
        &vals![user_id, phc, must_change],
    )
    .await?;
    audit(
        tx,
        clock(),
        actor,
        "user.password",
        &format!("user:{user_id}"),
        &u.username,
        u.unit_path.as_deref(),
    )
    .await
}

// ---------------------------------------------------------------- sessions and logins

pub(crate) async fn create_session<T: Tx>(
    tx: &mut T,
    user_id: i64,
    token_sha256: &str,
    csrf: &str,
    expires_at: OffsetDateTime,
) -> Result<()> {
    check_sha256_hex("session token hash", token_sha256)?;
    check_text("csrf token", csrf, 200, false)?;
    let now = clock();
    tx.execute(
        "DELETE FROM sessions WHERE expires_at <= $1",
        &vals![ms(now)],
    )
    .await?;
    tx.execute(
        "INSERT INTO sessions (token_sha256, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &vals![token_sha256, user_id, csrf, ms(now), ms(expires_at)],
    )
    .await
    .map_err(|e| match e {
        StoreError::Invalid(_) => StoreError::NotFound("user"),
        e => e,
    })?;
    Ok(())
}

pub(crate) async fn session<T: Tx>(
    tx: &mut T,
    token_sha256: &str,
    now: OffsetDateTime,
) -> Result<Option<Session>> {
    let r = tx
        .query_opt(
            &format!(
                "SELECT {USER_COLS}, s.csrf, s.expires_at FROM sessions s JOIN users us ON us.id = s.user_id
                 LEFT JOIN units un ON un.id = us.unit_id
                 WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND us.disabled = 0"
            ),
            &vals![token_sha256, ms(now)],
        )
        .await?;
    match r {
        None => Ok(None),
        Some(r) => Ok(Some(Session {
            user: user_row(&r, 0)?,
            csrf: r.text(8)?,
            expires_at: from_ms(r.i64(9)?)?,
        })),
    }
}

pub(crate) async fn delete_session<T: Tx>(tx: &mut T, token_sha256: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM sessions WHERE token_sha256 = $1",
        &vals![token_sha256],
    )
    .await?;
    Ok(())
}

pub(crate) async fn record_login_attempt<T: Tx>(
    tx: &mut T,
    username: &str,
    client: &str,
    ok: bool,
    at: OffsetDateTime,
) -> Result<()> {
    // Attempts older than a day are never asked about: keep the table small.
    let horizon = ms(at) - 86_400_000;
    tx.execute(
        "DELETE FROM login_attempts WHERE username = $1 AND client = $2 AND at < $3",
        &vals![username, client, horizon],
    )
    .await?;
    tx.execute(
        "INSERT INTO login_attempts (username, client, ok, at) VALUES ($1, $2, $3, $4)",
        &vals![username, client, ok, ms(at)],
    )
    .await?;
    Ok(())
}

pub(crate) async fn failed_logins_since<T: Tx>(
    tx: &mut T,
    username: &str,
    client: &str,
    since: OffsetDateTime,
) -> Result<u32> {
    // A successful login resets the count.
    let r = tx
        .query_one(
            "SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND client = $2 AND ok = 0 AND at >= $3
               AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND client = $2 AND ok = 1), -1)",
            &vals![username, client, ms(since)],
        )
        .await?;
    r.u32(0)
}

// ---------------------------------------------------------------- enrollment tokens, agents

const TOKEN_COLS: &str =
    "t.id, t.unit_id, un.path, t.created_at, t.expires_at, t.revoked, t.used_count";

fn token_row(r: &Row) -> Result<EnrollmentToken> {
    Ok(EnrollmentToken {
        id: r.i64(0)?,
        unit_id: r.i64(1)?,
        unit_path: r.text(2)?,
        created_at: from_ms(r.i64(3)?)?,
        expires_at: from_ms(r.i64(4)?)?,
        revoked: r.bool(5)?,
        used_count: r.u32(6)?,
    })
}

async fn token_by_id<T: Tx>(tx: &mut T, id: i64) -> Result<Option<EnrollmentToken>> {
    let r = tx
        .query_opt(
            &format!("SELECT {TOKEN_COLS} FROM enrollment_tokens t JOIN units un ON un.id = t.unit_id WHERE t.id = $1"),
            &vals![id],
        )
        .await?;
    r.map(|r| token_row(&r)).transpose()
}

pub(crate) async fn create_enrollment_token<T: Tx>(
    tx: &mut T,
    unit_id: i64,
    token_sha256: &str,
    expires_at: OffsetDateTime,
    actor: &Actor,
) -> Result<EnrollmentToken> {
    check_sha256_hex("enrollment token hash", token_sha256)?;
    let u = unit(tx, unit_id)
        .await?
        .ok_or(StoreError::NotFound("unit"))?;
    let now = clock();
    let r = tx
        .query_one(
            "INSERT INTO enrollment_tokens (unit_id, token_sha256, created_at, expires_at, created_by)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &vals![unit_id, token_sha256, ms(now), ms(expires_at), actor.name.as_str()],
        )
        .await?;
    let id = r.i64(0)?;
    let detail = format!("expires {}", rfc3339(expires_at));
    audit(
        tx,
        now,
        actor,
        "token.create",
        &format!("token:{id}"),
        &detail,
        Some(&u.path),
    )
    .await?;
    token_by_id(tx, id)
        .await?
        .ok_or(StoreError::NotFound("enrollment token"))
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub(crate) async fn enrollment_tokens<T: Tx>(
    tx: &mut T,
    scope: &Scope,
) -> Result<Vec<EnrollmentToken>> {
    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let rows = tx
        .query(
            &format!(
                "SELECT {TOKEN_COLS} FROM enrollment_tokens t JOIN units un ON un.id = t.unit_id WHERE {c} ORDER BY t.id DESC"
            ),
            &p,
        )
        .await?;
    rows.iter().map(token_row).collect()
}

pub(crate) async fn revoke_enrollment_token<T: Tx>(
    tx: &mut T,
    id: i64,
    actor: &Actor,
) -> Result<()> {
    let t = token_by_id(tx, id)
        .await?
        .ok_or(StoreError::NotFound("enrollment token"))?;
    tx.execute(
        "UPDATE enrollment_tokens SET revoked = 1 WHERE id = $1",
        &vals![id],
    )
    .await?;
    audit(
        tx,
        clock(),
        actor,
        "token.revoke",
        &format!("token:{id}"),
        "",
        Some(&t.unit_path),
    )
    .await
}

const AGENT_COLS: &str = "a.id, a.unit_id, un.path, a.hostname, a.os, a.public_key, a.enrolled_at, a.revoked, a.last_seq, a.last_seen, h.id";
const AGENT_FROM: &str =
    "agents a JOIN units un ON un.id = a.unit_id LEFT JOIN hosts h ON h.agent_id = a.id";

fn agent_row(r: &Row) -> Result<Agent> {
    Ok(Agent {
        id: r.i64(0)?,
        unit_id: r.i64(1)?,
        unit_path: r.text(2)?,
        hostname: r.text(3)?,
        os: r.text(4)?,
        public_key: r.text(5)?,
        enrolled_at: from_ms(r.i64(6)?)?,
        revoked: r.bool(7)?,
        last_seq: r.i64(8)?.max(0) as u64,
        last_seen: opt_from_ms(r.opt_i64(9)?)?,
        host_id: r.opt_i64(10)?,
    })
}

pub(crate) async fn agent<T: Tx>(tx: &mut T, id: i64) -> Result<Option<Agent>> {
    let r = tx
        .query_opt(
            &format!("SELECT {AGENT_COLS} FROM {AGENT_FROM} WHERE a.id = $1"),
            &vals![id],
        )
        .await?;
    r.map(|r| agent_row(&r)).transpose()
}

pub(crate) async fn agents<T: Tx>(tx: &mut T, scope: &Scope) -> Result<Vec<Agent>> {
    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let rows = tx.query(&format!("SELECT {AGENT_COLS} FROM {AGENT_FROM} WHERE {c} ORDER BY un.path, a.hostname, a.id"), &p).await?;
    rows.iter().map(agent_row).collect()
}

pub(crate) async fn enroll_agent<T: Tx>(
    tx: &mut T,
    token_sha256: &str,
    public_key_b64: &str,
    hostname: &str,
    os: &str,
    now: OffsetDateTime,
) -> Result<Agent> {
    check_public_key(public_key_b64)?;
    check_text("hostname", hostname, 255, false)?;
    check_text("os", os, 255, true)?;
    let lock = if tx.is_pg() { " FOR UPDATE" } else { "" };
    let t = tx
        .query_opt(
            &format!("SELECT id, unit_id, expires_at, revoked FROM enrollment_tokens WHERE token_sha256 = $1{lock}"),
            &vals![token_sha256],
        )
        .await?
        .ok_or(StoreError::NotFound("enrollment token"))?;
    let (token_id, unit_id) = (t.i64(0)?, t.i64(1)?);
    if t.bool(3)? {
        return Err(StoreError::Revoked);
    }
    if t.i64(2)? <= ms(now) {
        return Err(StoreError::Expired);
    }
    let r = tx
        .query_one(
            "INSERT INTO agents (unit_id, token_id, hostname, os, public_key, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &vals![unit_id, token_id, hostname, os, public_key_b64, ms(now)],
        )
        .await?;
    let id = r.i64(0)?;
    tx.execute(
        "UPDATE enrollment_tokens SET used_count = used_count + 1 WHERE id = $1",
        &vals![token_id],
    )
    .await?;
    let a = agent(tx, id).await?.ok_or(StoreError::NotFound("agent"))?;
    let actor = Actor {
        user_id: None,
        name: format!("token:{token_id}"),
    };
    audit(
        tx,
        now,
        &actor,
        "agent.enroll",
        &format!("agent:{id}"),
        hostname,
        Some(&a.unit_path),
    )
    .await?;
    Ok(a)
}

pub(crate) async fn revoke_agent<T: Tx>(tx: &mut T, id: i64, actor: &Actor) -> Result<()> {
    let a = agent(tx, id).await?.ok_or(StoreError::NotFound("agent"))?;
    tx.execute("UPDATE agents SET revoked = 1 WHERE id = $1", &vals![id])
        .await?;
    audit(
        tx,
        clock(),
        actor,
        "agent.revoke",
        &format!("agent:{id}"),
        &a.hostname,
        Some(&a.unit_path),
    )
    .await
}

// ---------------------------------------------------------------- ingest

/// The check ids of the end-of-life verdicts (antoan-kb).
pub(crate) const CHECK_OS_EOL: &str = "eol.os";
pub(crate) const CHECK_OFFICE_EOL: &str = "eol.office";

pub(crate) struct NewFinding {
    key: String,
    check: String,
    kind: String,
    severity: i64,
    subject: String,
    title: Text,
    remediation: Text,
    fp: String,
}

pub(crate) fn fingerprint(f: &antoan_model::Finding) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in [
        f.severity.as_str(),
        f.check.as_str(),
        f.kind.as_str(),
        f.subject.as_str(),
        f.title.vi.as_str(),
        f.title.en.as_str(),
        f.remediation.vi.as_str(),
        f.remediation.en.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What ingest needs from a report, extracted before the transaction.
pub(crate) struct IngestData {
    pub agent_id: i64,
    pub seq: i64,
    pub sent_at: i64,
    pub received_at: i64,
    pub day: String,
    pub payload_sha256: String,
    pub encoding: &'static str,
    pub body: Vec<u8>,
    generated_at: String,
    hostname: String,
    os_name: String,
    os_version: String,
    score: i64,
    /// Open findings, one per key, sorted by key.
    findings: Vec<NewFinding>,
    /// Keys the report lists as not assessed: their state is left alone.
    not_assessed: HashSet<String>,
    os_eol: bool,
    office_eol: bool,
    open_critical: i64,
    open_high: i64,
}

impl IngestData {
    /// Extracts the findings and host facts; `payload_sha256` and `body` are filled by the caller.
    pub(crate) fn from_report(s: &IngestReport<'_>) -> Result<IngestData> {
        let seq = i64::try_from(s.seq)
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| {
                StoreError::Invalid(format!("sequence number {} out of range", s.seq))
            })?;
        let r = s.report;
        let mut by_key: BTreeMap<&str, &antoan_model::Finding> = BTreeMap::new();
        let mut not_assessed = HashSet::new();
        for f in &r.findings {
            match f.status {
                antoan_model::FindingStatus::Open => {
                    // A key listed twice: keep the most severe.
                    let e = by_key.entry(f.id.as_str()).or_insert(f);
                    if f.severity > e.severity {
                        *e = f;
                    }
                }
                antoan_model::FindingStatus::NotAssessed => {
                    not_assessed.insert(f.id.clone());
                }
            }
        }
        for (k, f) in &by_key {
            check_text("finding id", k, 200, false)
                .map_err(|e| StoreError::Invalid(format!("{e} (finding {})", f.check)))?;
        }
        let findings: Vec<NewFinding> = by_key
            .values()
            .map(|f| NewFinding {
                key: f.id.clone(),
                check: f.check.clone(),
                kind: f.kind.as_str().to_string(),
                severity: sev_rank(f.severity),
                subject: f.subject.clone(),
                title: f.title.clone(),
                remediation: f.remediation.clone(),
                fp: fingerprint(f),
            })
            .collect();
        let has = |check: &str| {
            by_key
                .values()
                .any(|f| f.check == check || f.check.starts_with(&format!("{check}.")))
        };
        let hostname = if r.host.hostname.trim().is_empty() {
            String::new()
        } else {
            r.host.hostname.clone()
        };
        Ok(IngestData {
            agent_id: s.agent_id,
            seq,
            sent_at: ms(s.sent_at),
            received_at: ms(s.received_at),
            day: day_text(s.received_at.to_offset(time::UtcOffset::UTC).date()),
            payload_sha256: String::new(),
            encoding: "identity",
            body: Vec::new(),
            generated_at: r.generated_at.clone(),
            hostname,
            os_name: r.host.os.name.clone(),
            os_version: r.host.os.version.clone(),
            score: r.score.value as i64,
            open_critical: findings.iter().filter(|f| f.severity == 4).count() as i64,
            open_high: findings.iter().filter(|f| f.severity == 3).count() as i64,
            os_eol: has(CHECK_OS_EOL),
            office_eol: has(CHECK_OFFICE_EOL),
            findings,
            not_assessed,
        })
    }
}

pub(crate) async fn event<T: Tx>(
    tx: &mut T,
    finding_id: i64,
    at: i64,
    ev: &str,
    actor: &str,
    detail: &str,
    report_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO finding_events (finding_id, at, event, actor, detail, report_id) VALUES ($1, $2, $3, $4, $5, $6)",
        &vals![finding_id, at, ev, actor, detail, report_id],
    )
    .await?;
    Ok(())
}

pub(crate) async fn ingest_report<T: Tx>(tx: &mut T, d: &IngestData) -> Result<IngestOutcome> {
    let lock = if tx.is_pg() { " FOR UPDATE" } else { "" };
    let a = tx
        .query_opt(
            &format!("SELECT unit_id, revoked, last_seq, hostname FROM agents WHERE id = $1{lock}"),
            &vals![d.agent_id],
        )
        .await?
        .ok_or(StoreError::NotFound("agent"))?;
    if a.bool(1)? {
        return Err(StoreError::Revoked);
    }
    let (agent_unit, last_seq) = (a.i64(0)?, a.i64(2)?);
    if d.seq <= last_seq {
        let prev = tx
            .query_opt(
                "SELECT id, payload_sha256 FROM reports WHERE agent_id = $1 AND seq = $2",
                &vals![d.agent_id, d.seq],
            )
            .await?;
        if let Some(prev) = prev {
            if prev.text(1)? == d.payload_sha256 {
                return Ok(IngestOutcome::Duplicate {
                    report_id: prev.i64(0)?,
                });
            }
        }
        return Err(StoreError::Conflict(format!(
            "sequence number {} is not greater than the last accepted one ({last_seq}): replayed or out of order",
            d.seq
        )));
    }
    let hostname = if d.hostname.is_empty() {
        a.text(3)?
    } else {
        d.hostname.clone()
    };
    let actor = format!("agent:{}", d.agent_id);

    // The host: one per agent.
    let h = tx
        .query_opt("SELECT id, unit_id, open_critical, open_high, open_total FROM hosts WHERE agent_id = $1", &vals![d.agent_id])
        .await?;
    let (host_id, unit_id, old) = match h {
        Some(h) => (h.i64(0)?, h.i64(1)?, [h.i64(2)?, h.i64(3)?, h.i64(4)?]),
        None => {
            let r = tx
                .query_one(
                    "INSERT INTO hosts (unit_id, agent_id, hostname, os_name, os_version) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &vals![agent_unit, d.agent_id, hostname.as_str(), d.os_name.as_str(), d.os_version.as_str()],
                )
                .await?;
            (r.i64(0)?, agent_unit, [0, 0, 0])
        }
    };

    let report_id = tx
        .query_one(
            "INSERT INTO reports (host_id, agent_id, seq, payload_sha256, generated_at, sent_at, received_at, score, findings_open, encoding, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                Val::I64(host_id),
                Val::I64(d.agent_id),
                Val::I64(d.seq),
                Val::from(d.payload_sha256.as_str()),
                Val::from(d.generated_at.as_str()),
                Val::I64(d.sent_at),
                Val::I64(d.received_at),
                Val::I64(d.score),
                Val::I64(d.findings.len() as i64),
                Val::from(d.encoding),
                Val::Blob(d.body.clone()),
            ],
        )
        .await?
        .i64(0)?;

    // Findings lifecycle.
    let rows = tx
        .query(
            "SELECT id, finding_key, state, fp FROM findings WHERE host_id = $1",
            &vals![host_id],
        )
        .await?;
    let mut known: HashMap<String, (i64, String, String)> = HashMap::with_capacity(rows.len());
    for r in &rows {
        known.insert(r.text(1)?, (r.i64(0)?, r.text(2)?, r.text(3)?));
    }
    let at = d.received_at;
    let rdetail = format!("report {report_id}");
    // Still present with the same content (state new, open or reopened): no row statement
    // of their own, see below.
    let mut unchanged: Vec<(i64, String)> = Vec::new();
    let mut fresh: Vec<&NewFinding> = Vec::new();
    for f in &d.findings {
        match known.remove(&f.key) {
            None => fresh.push(f),
            Some((id, state, fp)) if state != "fixed" && fp == f.fp => unchanged.push((id, state)),
            Some((id, state, _)) => {
                let next = if state == "fixed" { "reopened" } else { "open" };
                tx.execute(
                    "UPDATE findings SET state = $2, last_seen = $3, last_report_id = $4, fixed_at = NULL, severity = $5,
                            check_id = $6, kind = $7, subject = $8, title_vi = $9, title_en = $10,
                            remediation_vi = $11, remediation_en = $12, fp = $13
                     WHERE id = $1",
                    &vals![
                        id,
                        next,
                        at,
                        report_id,
                        f.severity,
                        f.check.as_str(),
                        f.kind.as_str(),
                        f.subject.as_str(),
                        f.title.vi.as_str(),
                        f.title.en.as_str(),
                        f.remediation.vi.as_str(),
                        f.remediation.en.as_str(),
                        f.fp.as_str()
                    ],
                )
                .await?;
                match state.as_str() {
                    "fixed" => {
                        event(tx, id, at, "reopened", &actor, &rdetail, Some(report_id)).await?
                    }
                    "new" | "reopened" => {
                        event(tx, id, at, "seen", &actor, &rdetail, Some(report_id)).await?
                    }
                    _ => {}
                }
            }
        }
    }
    // New findings: multi-row inserts (a new host brings them all at once).
    for chunk in fresh.chunks(200) {
        let mut p: Vec<Val> = Vec::with_capacity(chunk.len() * 12 + 3);
        let (h, a, r) = (
            push(&mut p, host_id),
            push(&mut p, at),
            push(&mut p, report_id),
        );
        let mut rows = Vec::with_capacity(chunk.len());
        for f in chunk {
            let b = p.len();
            p.extend([
                Val::from(f.key.as_str()),
                Val::from(f.check.as_str()),
                Val::from(f.kind.as_str()),
                Val::I64(f.severity),
                Val::from(f.subject.as_str()),
                Val::from(f.title.vi.as_str()),
                Val::from(f.title.en.as_str()),
                Val::from(f.remediation.vi.as_str()),
                Val::from(f.remediation.en.as_str()),
                Val::from(f.fp.as_str()),
            ]);
            let c: Vec<String> = (1..=10).map(|i| format!("${}", b + i)).collect();
            rows.push(format!(
                "(${h}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'new', ${a}, ${a}, ${r}, ${r}, {})",
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]
            ));
        }
        tx.execute(
            &format!(
                "INSERT INTO findings (host_id, finding_key, check_id, kind, severity, subject, title_vi, title_en,
                                       remediation_vi, remediation_en, state, first_seen, last_seen, last_report_id,
                                       first_report_id, fp) VALUES {}",
                rows.join(", ")
            ),
            &p,
        )
        .await?;
    }
    // Known, not fixed, and absent from this report: verified fixed (unless the
    // report says the check could not run: that verifies nothing).
    let mut gone: Vec<i64> = Vec::new();
    let mut kept_open = false;
    for (k, (id, st, _)) in known {
        if st == "fixed" {
            continue;
        }
        if d.not_assessed.contains(&k) {
            kept_open = true;
        } else {
            gone.push(id);
        }
    }
    gone.sort_unstable();
    for id in gone {
        tx.execute(
            "UPDATE findings SET state = 'fixed', fixed_at = $2, last_report_id = $3 WHERE id = $1",
            &vals![id, at, report_id],
        )
        .await?;
        event(tx, id, at, "fixed", &actor, &rdetail, Some(report_id)).await?;
    }
    // Unchanged findings → open ("seen" once when they were new or reopened): two statements
    // for all of them, whatever their number (the steady state of a province).
    if !unchanged.is_empty() {
        if kept_open {
            // Some not-assessed findings stay as they are: name every row.
            unchanged.sort_unstable();
            for (id, state) in unchanged {
                tx.execute(
                    "UPDATE findings SET state = 'open', last_seen = $2, last_report_id = $3 WHERE id = $1",
                    &vals![id, at, report_id],
                )
                .await?;
                if state != "open" {
                    event(tx, id, at, "seen", &actor, &rdetail, Some(report_id)).await?;
                }
            }
        } else {
            // Every finding of this host not fixed (fixed_at IS NULL) and not yet touched by
            // this report (last_report_id) is in `unchanged`. The conditions avoid equality on
            // `state`, which would lead SQLite's planner to the (state, severity) index.
            tx.execute(
                "INSERT INTO finding_events (finding_id, at, event, actor, detail, report_id)
                 SELECT id, $2, 'seen', $3, $4, $5 FROM findings
                  WHERE host_id = $1 AND fixed_at IS NULL AND last_report_id <> $5 AND state <> 'open'
                  ORDER BY id",
                &vals![host_id, at, actor.as_str(), rdetail.as_str(), report_id],
            )
            .await?;
            tx.execute(
                "UPDATE findings SET state = 'open', last_seen = $2, last_report_id = $3
                  WHERE host_id = $1 AND fixed_at IS NULL AND last_report_id <> $3",
                &vals![host_id, at, report_id],
            )
            .await?;
        }
    }

    let new = [d.open_critical, d.open_high, d.findings.len() as i64];
    tx.execute(
        "UPDATE hosts SET hostname = $2, os_name = $3, os_version = $4, os_eol = $5, office_eol = $6, last_report_id = $7,
                last_seen = $8, score = $9, open_critical = $10, open_high = $11, open_total = $12
         WHERE id = $1",
        &vals![
            host_id,
            hostname.as_str(),
            d.os_name.as_str(),
            d.os_version.as_str(),
            d.os_eol,
            d.office_eol,
            report_id,
            at,
            d.score,
            new[0],
            new[1],
            new[2]
        ],
    )
    .await?;
    // Always update the unit row (even by 0): it serialises concurrent ingests
    // of one unit on PostgreSQL before the daily snapshot below reads it.
    tx.execute(
        "UPDATE units SET open_critical = open_critical + $2, open_high = open_high + $3, open_total = open_total + $4 WHERE id = $1",
        &vals![unit_id, new[0] - old[0], new[1] - old[1], new[2] - old[2]],
    )
    .await?;
    tx.execute(
        "INSERT INTO unit_daily (unit_id, day, open_critical, open_high, open_total, reports)
         SELECT id, $2, open_critical, open_high, open_total, 1 FROM units WHERE id = $1
         ON CONFLICT (unit_id, day) DO UPDATE SET open_critical = excluded.open_critical, open_high = excluded.open_high,
             open_total = excluded.open_total, reports = unit_daily.reports + 1",
        &vals![unit_id, d.day.as_str()],
    )
    .await?;
    tx.execute(
        "UPDATE agents SET last_seq = $2, last_seen = $3 WHERE id = $1",
        &vals![d.agent_id, d.seq, at],
    )
    .await?;
    Ok(IngestOutcome::Accepted { report_id, host_id })
}

// ---------------------------------------------------------------- hosts, reports

const HOST_COLS: &str = "h.id, h.unit_id, un.path, h.agent_id, h.hostname, h.os_name, h.os_version, h.os_eol, h.office_eol,
    h.last_report_id, h.last_seen, h.score, h.open_critical, h.open_high, h.open_total, h.kind, h.state_secret";

fn host_row(r: &Row) -> Result<HostRow> {
    Ok(HostRow {
        id: r.i64(0)?,
        unit_id: r.i64(1)?,
        unit_path: r.text(2)?,
        agent_id: r.opt_i64(3)?,
        hostname: r.text(4)?,
        os_name: r.text(5)?,
        os_version: r.text(6)?,
        os_eol: r.bool(7)?,
        office_eol: r.bool(8)?,
        last_report_id: r.opt_i64(9)?,
        last_seen: opt_from_ms(r.opt_i64(10)?)?,
        score: r.opt_i64(11)?.map(|v| v.clamp(0, u32::MAX as i64) as u32),
        open_critical: r.u32(12)?,
        open_high: r.u32(13)?,
        open_total: r.u32(14)?,
        kind: r.text(15)?,
        state_secret: r.bool(16)?,
    })
}

/// `%q%` lowercased and escaped, for `lower(col) LIKE $n ESCAPE '\'`.
fn q_pattern(q: &str) -> String {
    format!("%{}%", like_escape(&q.trim().to_lowercase()))
}

pub(crate) async fn hosts<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    f: &HostFilter,
) -> Result<Vec<HostRow>> {
    let mut p = vec![];
    let mut w = vec![scope_cond(scope, "un.path", &mut p)];
    if !f.include_sites {
        w.push("h.kind = 'agent'".into());
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let n = push(&mut p, q_pattern(q));
        w.push(format!(
            "(lower(h.hostname) LIKE ${n} ESCAPE '\\' OR lower(h.os_name) LIKE ${n} ESCAPE '\\' OR lower(un.path) LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(e) = f.os_eol {
        let n = push(&mut p, e);
        w.push(format!("h.os_eol = ${n}"));
    }
    if let Some(t) = f.silent_since {
        let n = push(&mut p, ms(t));
        // A site host never reports: it is never silent.
        w.push(format!(
            "h.kind = 'agent' AND (h.last_seen IS NULL OR h.last_seen < ${n})"
        ));
    }
    let lim = limit_clause(f.limit, f.offset, &mut p);
    let sql = format!(
        "SELECT {HOST_COLS} FROM hosts h JOIN units un ON un.id = h.unit_id WHERE {} ORDER BY un.path, h.hostname, h.id{lim}",
        w.join(" AND ")
    );
    let rows = tx.query(&sql, &p).await?;
    rows.iter().map(host_row).collect()
}

pub(crate) async fn host<T: Tx>(tx: &mut T, id: i64) -> Result<Option<HostRow>> {
    let r = tx
        .query_opt(&format!("SELECT {HOST_COLS} FROM hosts h JOIN units un ON un.id = h.unit_id WHERE h.id = $1"), &vals![id])
        .await?;
    r.map(|r| host_row(&r)).transpose()
}

pub(crate) async fn host_reports<T: Tx>(
    tx: &mut T,
    host_id: i64,
    limit: u32,
) -> Result<Vec<ReportMeta>> {
    let mut p = vals![host_id].to_vec();
    let lim = limit_clause(limit, 0, &mut p);
    let rows = tx
        .query(
            &format!(
                "SELECT id, host_id, seq, generated_at, received_at, score, findings_open FROM reports WHERE host_id = $1 ORDER BY id DESC{lim}"
            ),
            &p,
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ReportMeta {
                id: r.i64(0)?,
                host_id: r.i64(1)?,
                seq: r.i64(2)?.max(0) as u64,
                generated_at: r.text(3)?,
                received_at: from_ms(r.i64(4)?)?,
                score: r.opt_i64(5)?.map(|v| v.clamp(0, u32::MAX as i64) as u32),
                findings_open: r.u32(6)?,
            })
        })
        .collect()
}

pub(crate) async fn report_body<T: Tx>(
    tx: &mut T,
    report_id: i64,
) -> Result<Option<(String, Vec<u8>)>> {
    let r = tx
        .query_opt(
            "SELECT encoding, body FROM reports WHERE id = $1",
            &vals![report_id],
        )
        .await?;
    match r {
        None => Ok(None),
        Some(r) => Ok(Some((r.text(0)?, r.blob(1)?))),
    }
}

// ---------------------------------------------------------------- findings

const FINDING_SELECT: &str = "SELECT f.id, f.host_id, h.hostname, un.path, f.finding_key, f.check_id, f.kind, f.severity, f.subject,
       f.title_vi, f.title_en, f.remediation_vi, f.remediation_en, f.state, f.first_seen, f.last_seen, f.fixed_at,
       f.assignee_id, us.display_name, us.username, f.due,
       w.id, w.finding_id, w.justification, w.approver, w.created_by, w.created_at, w.expires_on, w.revoked,
       f.owner
  FROM findings f
  JOIN hosts h ON h.id = f.host_id
  JOIN units un ON un.id = h.unit_id
  LEFT JOIN users us ON us.id = f.assignee_id
  LEFT JOIN waivers w ON w.id = (SELECT MAX(w2.id) FROM waivers w2
                                  WHERE w2.finding_id = f.id AND w2.revoked = 0 AND w2.expires_on >= $1)";

const WAIVER_COLS: &str = "w.id, w.finding_id, w.justification, w.approver, w.created_by, w.created_at, w.expires_on, w.revoked";

fn waiver_row(r: &Row, o: usize) -> Result<Waiver> {
    Ok(Waiver {
        id: r.i64(o)?,
        finding_id: r.i64(o + 1)?,
        justification: r.text(o + 2)?,
        approver: r.text(o + 3)?,
        created_by: r.text(o + 4)?,
        created_at: from_ms(r.i64(o + 5)?)?,
        expires_on: parse_day(&r.text(o + 6)?)?,
        revoked: r.bool(o + 7)?,
    })
}

fn finding_row(r: &Row) -> Result<FindingRow> {
    let assignee = match r.opt_i64(17)? {
        None => None,
        Some(id) => {
            let display = r.opt_text(18)?.unwrap_or_default();
            let name = if display.trim().is_empty() {
                r.opt_text(19)?.unwrap_or_default()
            } else {
                display
            };
            Some((id, name))
        }
    };
    Ok(FindingRow {
        id: r.i64(0)?,
        host_id: r.i64(1)?,
        hostname: r.text(2)?,
        unit_path: r.text(3)?,
        finding_key: r.text(4)?,
        check: r.text(5)?,
        kind: r.text(6)?,
        severity: sev_from_rank(r.i64(7)?),
        subject: r.text(8)?,
        title: Text {
            vi: r.text(9)?,
            en: r.text(10)?,
        },
        remediation: Text {
            vi: r.text(11)?,
            en: r.text(12)?,
        },
        state: r.text(13)?.parse().map_err(StoreError::Db)?,
        first_seen: from_ms(r.i64(14)?)?,
        last_seen: from_ms(r.i64(15)?)?,
        fixed_at: opt_from_ms(r.opt_i64(16)?)?,
        assignee,
        due: r.opt_text(20)?.map(|s| parse_day(&s)).transpose()?,
        waiver: match r.opt_i64(21)? {
            None => None,
            Some(_) => Some(waiver_row(r, 21)?),
        },
        owner: r.opt_text(29)?,
    })
}

pub(crate) fn today() -> String {
    day_text(clock().date())
}

pub(crate) async fn findings<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    f: &FindingFilter,
) -> Result<Vec<FindingRow>> {
    let mut p = vals![today()].to_vec();
    let mut w = vec![scope_cond(scope, "un.path", &mut p)];
    if let Some(uid) = f.unit_id {
        let n = push(&mut p, uid);
        w.push(format!(
            "h.unit_id IN (SELECT s.id FROM units s, units t WHERE t.id = ${n} AND (s.path = t.path OR s.path LIKE t.path || '/%'))"
        ));
    }
    if let Some(hid) = f.host_id {
        let n = push(&mut p, hid);
        w.push(format!("f.host_id = ${n}"));
    }
    match &f.state {
        None => w.push("f.state <> 'fixed'".into()),
        Some(states) if states.is_empty() => w.push("1 = 0".into()),
        Some(states) => {
            let ns: Vec<String> = states
                .iter()
                .map(|s| format!("${}", push(&mut p, s.as_str())))
                .collect();
            w.push(format!("f.state IN ({})", ns.join(", ")));
        }
    }
    match &f.severity {
        None => {}
        Some(sevs) if sevs.is_empty() => w.push("1 = 0".into()),
        Some(sevs) => {
            let ns: Vec<String> = sevs
                .iter()
                .map(|s| format!("${}", push(&mut p, sev_rank(*s))))
                .collect();
            w.push(format!("f.severity IN ({})", ns.join(", ")));
        }
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        let n = push(&mut p, k);
        w.push(format!("f.kind = ${n}"));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let n = push(&mut p, q_pattern(q));
        let cols = [
            "f.subject",
            "f.check_id",
            "f.finding_key",
            "h.hostname",
            "f.title_vi",
            "f.title_en",
        ];
        let ors: Vec<String> = cols
            .iter()
            .map(|c| format!("lower({c}) LIKE ${n} ESCAPE '\\'"))
            .collect();
        w.push(format!("({})", ors.join(" OR ")));
    }
    if let Some(a) = f.assignee {
        let n = push(&mut p, a);
        w.push(format!("f.assignee_id = ${n}"));
    }
    match f.waived {
        Some(true) => w.push("w.id IS NOT NULL".into()),
        Some(false) => w.push("w.id IS NULL".into()),
        None => {}
    }
    let lim = limit_clause(f.limit, f.offset, &mut p);
    let sql = format!(
        "{FINDING_SELECT} WHERE {} ORDER BY f.severity DESC, f.id{lim}",
        w.join(" AND ")
    );
    let rows = tx.query(&sql, &p).await?;
    rows.iter().map(finding_row).collect()
}

pub(crate) async fn finding<T: Tx>(tx: &mut T, id: i64) -> Result<Option<FindingRow>> {
    let r = tx
        .query_opt(
            &format!("{FINDING_SELECT} WHERE f.id = $2"),
            &vals![today(), id],
        )
        .await?;
    r.map(|r| finding_row(&r)).transpose()
}

pub(crate) async fn finding_history<T: Tx>(tx: &mut T, id: i64) -> Result<Vec<FindingEvent>> {
    let Some(f) = tx
        .query_opt(
            "SELECT f.first_seen, f.first_report_id, h.agent_id, h.kind FROM findings f JOIN hosts h ON h.id = f.host_id WHERE f.id = $1",
            &vals![id],
        )
        .await?
    else {
        return Ok(vec![]);
    };
    // The "new" entry of an agent's finding comes from the finding row itself (see migration
    // 0001); a site host's findings (inspections) have an explicit "new" event row.
    let first_report = f.opt_i64(1)?;
    let mut out = Vec::new();
    if f.text(3)? == HOST_KIND_AGENT {
        out.push(FindingEvent {
            at: from_ms(f.i64(0)?)?,
            event: "new".into(),
            actor: f
                .opt_i64(2)?
                .map(|a| format!("agent:{a}"))
                .unwrap_or_else(|| "agent".into()),
            detail: first_report
                .map(|r| format!("report {r}"))
                .unwrap_or_default(),
            report_id: first_report,
        });
    }
    let rows = tx
        .query(
            "SELECT at, event, actor, detail, report_id FROM finding_events WHERE finding_id = $1 ORDER BY at, id",
            &vals![id],
        )
        .await?;
    for r in &rows {
        out.push(FindingEvent {
            at: from_ms(r.i64(0)?)?,
            event: r.text(1)?,
            actor: r.text(2)?,
            detail: r.text(3)?,
            report_id: r.opt_i64(4)?,
        });
    }
    Ok(out)
}

async fn finding_unit_path<T: Tx>(tx: &mut T, finding_id: i64) -> Result<Option<String>> {
    let r = tx
        .query_opt(
            "SELECT un.path FROM findings f JOIN hosts h ON h.id = f.host_id JOIN units un ON un.id = h.unit_id WHERE f.id = $1",
            &vals![finding_id],
        )
        .await?;
    r.map(|r| r.text(0)).transpose()
}

pub(crate) async fn assign_findings<T: Tx>(
    tx: &mut T,
    ids: &[i64],
    assignee: Option<i64>,
    due: Option<Date>,
    actor: &Actor,
) -> Result<u32> {
    if ids.len() > 10_000 {
        return Err(StoreError::Invalid(
            "more than 10000 findings in one assignment".into(),
        ));
    }
    let name = match assignee {
        None => "-".to_string(),
        Some(uid) => {
            user(tx, uid)
                .await?
                .ok_or(StoreError::NotFound("user"))?
                .username
        }
    };
    let due_s = due.map(day_text);
    let detail = format!("assignee: {name}; due: {}", due_s.as_deref().unwrap_or("-"));
    let now = clock();
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut n = 0u32;
    for id in ids {
        let Some(path) = finding_unit_path(tx, id).await? else {
            continue;
        };
        tx.execute(
            "UPDATE findings SET assignee_id = $2, due = $3 WHERE id = $1",
            &vals![id, assignee, due_s.clone()],
        )
        .await?;
        event(tx, id, ms(now), "assigned", &actor.name, &detail, None).await?;
        audit(
            tx,
            now,
            actor,
            "finding.assign",
            &format!("finding:{id}"),
            &detail,
            Some(&path),
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

async fn waiver_by_id<T: Tx>(tx: &mut T, id: i64) -> Result<Option<Waiver>> {
    let r = tx
        .query_opt(
            &format!("SELECT {WAIVER_COLS} FROM waivers w WHERE w.id = $1"),
            &vals![id],
        )
        .await?;
    r.map(|r| waiver_row(&r, 0)).transpose()
}

pub(crate) async fn create_waiver<T: Tx>(
    tx: &mut T,
    w: &NewWaiver,
    actor: &Actor,
) -> Result<Waiver> {
    check_text("justification", &w.justification, 4000, false)?;
    check_text("approver", &w.approver, 200, false)?;
    let path = finding_unit_path(tx, w.finding_id)
        .await?
        .ok_or(StoreError::NotFound("finding"))?;
    let now = clock();
    let expires = day_text(w.expires_on);
    let id = tx
        .query_one(
            "INSERT INTO waivers (finding_id, justification, approver, created_by, created_by_user_id, created_at, expires_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &vals![
                w.finding_id,
                w.justification.as_str(),
                w.approver.as_str(),
                actor.name.as_str(),
                actor.user_id,
                ms(now),
                expires.as_str()
            ],
        )
        .await?
        .i64(0)?;
    let detail = format!(
        "waiver {id}; approver: {}; expires: {expires}; {}",
        w.approver, w.justification
    );
    event(
        tx,
        w.finding_id,
        ms(now),
        "waived",
        &actor.name,
        &detail,
        None,
    )
    .await?;
    audit(
        tx,
        now,
        actor,
        "waiver.create",
        &format!("finding:{}", w.finding_id),
        &detail,
        Some(&path),
    )
    .await?;
    waiver_by_id(tx, id)
        .await?
        .ok_or(StoreError::NotFound("waiver"))
}

pub(crate) async fn waivers<T: Tx>(tx: &mut T, scope: &Scope) -> Result<Vec<Waiver>> {
    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let rows = tx
        .query(
            &format!(
                "SELECT {WAIVER_COLS} FROM waivers w JOIN findings f ON f.id = w.finding_id JOIN hosts h ON h.id = f.host_id
                 JOIN units un ON un.id = h.unit_id WHERE {c} ORDER BY w.id DESC"
            ),
            &p,
        )
        .await?;
    rows.iter().map(|r| waiver_row(r, 0)).collect()
}

pub(crate) async fn revoke_waiver<T: Tx>(tx: &mut T, id: i64, actor: &Actor) -> Result<()> {
    let w = waiver_by_id(tx, id)
        .await?
        .ok_or(StoreError::NotFound("waiver"))?;
    if w.revoked {
        return Ok(());
    }
    let path = finding_unit_path(tx, w.finding_id).await?;
    let now = clock();
    tx.execute("UPDATE waivers SET revoked = 1 WHERE id = $1", &vals![id])
        .await?;
    let detail = format!("waiver {id}");
    event(
        tx,
        w.finding_id,
        ms(now),
        "waiver-revoked",
        &actor.name,
        &detail,
        None,
    )
    .await?;
    audit(
        tx,
        now,
        actor,
        "waiver.revoke",
        &format!("finding:{}", w.finding_id),
        &detail,
        path.as_deref(),
    )
    .await
}

// ---------------------------------------------------------------- dashboard

#[derive(Default, Clone, Copy)]
struct Counts {
    hosts: u32,
    reporting: u32,
    os_eol: u32,
    office_eol: u32,
    critical: u32,
    high: u32,
    total: u32,
}

pub(crate) async fn overview<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    now: OffsetDateTime,
    expected_interval: time::Duration,
) -> Result<Overview> {
    let units = units(tx, scope).await?;
    let index: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();

    // Per-unit sums over the hosts directly in each unit (one pass over hosts).
    let mut p = vals![ms(now - expected_interval)].to_vec();
    let c = scope_cond(scope, "u.path", &mut p);
    let rows = tx
        .query(
            &format!(
                "SELECT h.unit_id, CAST(COALESCE(SUM(CASE WHEN h.kind = 'agent' THEN 1 ELSE 0 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(CASE WHEN h.kind = 'agent' AND h.last_seen >= $1 THEN 1 ELSE 0 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(h.os_eol), 0) AS BIGINT), CAST(COALESCE(SUM(h.office_eol), 0) AS BIGINT),
                        CAST(COALESCE(SUM(h.open_critical), 0) AS BIGINT), CAST(COALESCE(SUM(h.open_high), 0) AS BIGINT),
                        CAST(COALESCE(SUM(h.open_total), 0) AS BIGINT),
                        CAST(COALESCE(SUM(CASE WHEN h.kind = 'agent' THEN h.state_secret ELSE 0 END), 0) AS BIGINT)
                   FROM hosts h JOIN units u ON u.id = h.unit_id WHERE {c} GROUP BY h.unit_id"
            ),
            &p,
        )
        .await?;
    let mut totals = vec![Counts::default(); units.len()];
    let mut state_secret_hosts = 0u32;
    for r in &rows {
        if index.contains_key(&r.i64(0)?) {
            state_secret_hosts += r.u32(8)?;
        }
        let direct = Counts {
            hosts: r.u32(1)?,
            reporting: r.u32(2)?,
            os_eol: r.u32(3)?,
            office_eol: r.u32(4)?,
            critical: r.u32(5)?,
            high: r.u32(6)?,
            total: r.u32(7)?,
        };
        // Add to the unit and every ancestor in scope.
        let mut cur = index.get(&r.i64(0)?).copied();
        while let Some(i) = cur {
            let t = &mut totals[i];
            t.hosts += direct.hosts;
            t.reporting += direct.reporting;
            t.os_eol += direct.os_eol;
            t.office_eol += direct.office_eol;
            t.critical += direct.critical;
            t.high += direct.high;
            t.total += direct.total;
            cur = units[i].parent_id.and_then(|pid| index.get(&pid).copied());
        }
    }
    let stats = units
        .iter()
        .zip(totals.iter())
        .map(|(u, t)| UnitStats {
            unit: u.clone(),
            hosts: t.hosts,
            hosts_reporting: t.reporting,
            hosts_silent: t.hosts - t.reporting,
            hosts_os_eol: t.os_eol,
            hosts_office_eol: t.office_eol,
            open_critical: t.critical,
            open_high: t.high,
            open_total: t.total,
        })
        .collect();

    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let open_handovers = tx
        .query_one(
            &format!(
                "SELECT COUNT(*) FROM handovers ho JOIN hosts h ON h.id = ho.host_id JOIN units un ON un.id = h.unit_id
                  WHERE ho.state = 'open' AND {c}"
            ),
            &p,
        )
        .await?
        .u32(0)?;

    // Trend: daily snapshots per unit, carried forward over days without reports.
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let start = today - time::Duration::days(29);
    let (start_s, today_s) = (day_text(start), day_text(today));
    let mut p = vals![start_s.as_str()].to_vec();
    let c = scope_cond(scope, "u.path", &mut p);
    let base = tx
        .query(
            &format!(
                "SELECT d.unit_id, d.open_critical, d.open_high, d.open_total FROM unit_daily d JOIN units u ON u.id = d.unit_id
                  WHERE {c} AND (d.unit_id, d.day) IN (SELECT unit_id, MAX(day) FROM unit_daily WHERE day < $1 GROUP BY unit_id)"
            ),
            &p,
        )
        .await?;
    let mut p = vals![start_s.as_str(), today_s.as_str()].to_vec();
    let c = scope_cond(scope, "u.path", &mut p);
    let window = tx
        .query(
            &format!(
                "SELECT d.unit_id, d.day, d.open_critical, d.open_high, d.open_total, d.reports FROM unit_daily d
                   JOIN units u ON u.id = d.unit_id WHERE {c} AND d.day >= $1 AND d.day <= $2 ORDER BY d.day"
            ),
            &p,
        )
        .await?;
    let mut current: HashMap<i64, [i64; 3]> = HashMap::new();
    for r in &base {
        current.insert(r.i64(0)?, [r.i64(1)?, r.i64(2)?, r.i64(3)?]);
    }
    let mut by_day: BTreeMap<String, Vec<(i64, [i64; 3], i64)>> = BTreeMap::new();
    for r in &window {
        by_day.entry(r.text(1)?).or_default().push((
            r.i64(0)?,
            [r.i64(2)?, r.i64(3)?, r.i64(4)?],
            r.i64(5)?,
        ));
    }
    let mut trend = Vec::with_capacity(30);
    let mut day = start;
    while day <= today {
        let mut reports = 0i64;
        if let Some(rows) = by_day.get(&day_text(day)) {
            for (uid, c, n) in rows {
                current.insert(*uid, *c);
                reports += n;
            }
        }
        let sum = |i: usize| {
            current
                .values()
                .map(|c| c[i])
                .sum::<i64>()
                .clamp(0, u32::MAX as i64) as u32
        };
        trend.push(TrendPoint {
            day,
            open_critical: sum(0),
            open_high: sum(1),
            open_total: sum(2),
            reports: reports.clamp(0, u32::MAX as i64) as u32,
        });
        match day.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    Ok(Overview {
        units: stats,
        trend,
        open_handovers,
        state_secret_hosts,
    })
}

pub(crate) async fn audit_log<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    let mut p = vec![];
    let c = scope_cond(scope, "a.unit_path", &mut p);
    let lim = limit_clause(limit, 0, &mut p);
    let rows = tx
        .query(&format!("SELECT a.id, a.at, a.actor, a.action, a.object, a.detail FROM audit_log a WHERE {c} ORDER BY a.id DESC{lim}"), &p)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.i64(0)?,
                at: from_ms(r.i64(1)?)?,
                actor: r.text(2)?,
                action: r.text(3)?,
                object: r.text(4)?,
                detail: r.text(5)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_paths_garbage_and_good() {
        assert_eq!(
            unit_path_segments(" /lang-son/thanh-pho/ ").unwrap(),
            ["lang-son", "thanh-pho"]
        );
        assert_eq!(unit_path_segments("a1/0-9").unwrap(), ["a1", "0-9"]);
        let long = "a/".repeat(13);
        let big = "x".repeat(64);
        for bad in [
            "",
            " ",
            "/",
            "//",
            "a//b",
            "A",
            "a b",
            "-a",
            "a-",
            "ph\u{1b0}\u{1edd}ng",
            "a/../b",
            "a\0b",
            "\u{feff}a",
            long.as_str(),
            big.as_str(),
            "a/b%",
            "a_b",
            "\u{ff}\u{fe}",
            "a\nb",
        ] {
            assert!(
                matches!(unit_path_segments(bad), Err(StoreError::Invalid(_))),
                "{bad:?}"
            );
        }
        // Arbitrary bytes, lossily decoded, never panic.
        let mut x: u32 = 7;
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..(x % 40))
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = unit_path_segments(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(q_pattern(" PC_01 "), "%pc\\_01%");
    }

    #[test]
    fn times_round_trip_at_millisecond_precision() {
        let t = time::macros::datetime!(2026-11-24 22:03:04.123456789 UTC);
        assert_eq!(
            from_ms(ms(t)).unwrap(),
            time::macros::datetime!(2026-11-24 22:03:04.123 UTC)
        );
        assert_eq!(day_text(t.date()), "2026-11-24");
        assert_eq!(parse_day("2026-11-24").unwrap(), t.date());
        assert!(parse_day("garbage").is_err());
    }
}
