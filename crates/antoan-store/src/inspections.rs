//! Inspections (checklists, evidence, conclusion → findings on site hosts), state-secret marks
//! and device handovers. Written once against [`Tx`] like `ops`.
//!
//! A *site host* (`hosts.kind = 'site'`) is the one pseudo-host per unit that carries the unit's
//! physical and process findings from inspections. It is created by the first conclusion that
//! gives the unit a finding, is never counted as a host (overview, coverage, silent hosts) and is
//! listed by `hosts()` only with `HostFilter::include_sites`; its findings live in the same
//! lifecycle as an agent's (states, events, assignment, waivers, unit counters and trend).

use std::collections::{BTreeMap, HashMap};

use time::{Date, OffsetDateTime};

use crate::db::{vals, Row, Tx, Val};
use crate::error::StoreError;
use crate::ops::{
    audit, check_sha256_hex, check_text, clock, day_text, event, fingerprint, from_ms, ms,
    opt_from_ms, parse_day, push, scope_cond, sev_rank, unit, unit_row, UNIT_COLS,
};
use crate::types::*;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Largest inspection document or checklist JSON the store keeps (characters).
const MAX_DOCUMENT_CHARS: usize = 16 * 1024 * 1024;
/// Largest evidence file the store keeps; the server enforces its own, smaller limits.
const MAX_EVIDENCE_BYTES: usize = 64 * 1024 * 1024;

fn lock_clause<T: Tx>(tx: &T) -> &'static str {
    if tx.is_pg() {
        " FOR UPDATE"
    } else {
        ""
    }
}

// ---------------------------------------------------------------- inspections

const INSPECTION_COLS: &str = "i.id, i.code, i.title, i.level, i.state, i.document, i.previous_id, i.created_by, i.created_at, i.concluded_at";

fn inspection_row(r: &Row) -> Result<InspectionRow> {
    Ok(InspectionRow {
        id: r.i64(0)?,
        code: r.text(1)?,
        title: r.text(2)?,
        level: r.i64(3)?.clamp(0, u8::MAX as i64) as u8,
        state: r.text(4)?.parse().map_err(StoreError::Db)?,
        document: r.text(5)?,
        previous_id: r.opt_i64(6)?,
        units: Vec::new(),
        created_by: r.text(7)?,
        created_at: from_ms(r.i64(8)?)?,
        concluded_at: opt_from_ms(r.opt_i64(9)?)?,
    })
}

/// Fills `units` of the given inspections (one query).
async fn fill_units<T: Tx>(tx: &mut T, rows: &mut [InspectionRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut p: Vec<Val> = Vec::with_capacity(rows.len());
    let ns: Vec<String> = rows
        .iter()
        .map(|r| format!("${}", push(&mut p, r.id)))
        .collect();
    let q = format!(
        "SELECT iu.inspection_id, {UNIT_COLS} FROM inspection_units iu JOIN units u ON u.id = iu.unit_id
          WHERE iu.inspection_id IN ({}) ORDER BY u.path",
        ns.join(", ")
    );
    let mut by_id: HashMap<i64, Vec<Unit>> = HashMap::new();
    for r in tx.query(&q, &p).await? {
        by_id.entry(r.i64(0)?).or_default().push(unit_row(&r, 1)?);
    }
    for row in rows {
        row.units = by_id.remove(&row.id).unwrap_or_default();
    }
    Ok(())
}

/// The inspection row, locked for update on PostgreSQL.
async fn inspection_locked<T: Tx>(tx: &mut T, id: i64) -> Result<InspectionRow> {
    let lock = lock_clause(tx);
    let r = tx
        .query_opt(
            &format!("SELECT {INSPECTION_COLS} FROM inspections i WHERE i.id = $1{lock}"),
            &vals![id],
        )
        .await?
        .ok_or(StoreError::NotFound("inspection"))?;
    let mut rows = [inspection_row(&r)?];
    fill_units(tx, &mut rows).await?;
    let [row] = rows;
    Ok(row)
}

fn refuse_concluded(i: &InspectionRow) -> Result<()> {
    if i.state == InspectionState::Concluded {
        return Err(StoreError::Conflict(format!(
            "inspection {} is concluded and can no longer be changed",
            i.code
        )));
    }
    Ok(())
}

fn unit_path_of(i: &InspectionRow, unit_id: i64) -> Option<&str> {
    i.units
        .iter()
        .find(|u| u.id == unit_id)
        .map(|u| u.path.as_str())
}

/// One audit row per inspected unit, so each unit sees it in its log.
async fn audit_units<T: Tx>(
    tx: &mut T,
    at: OffsetDateTime,
    actor: &Actor,
    action: &str,
    i: &InspectionRow,
    detail: &str,
) -> Result<()> {
    let object = format!("inspection:{}", i.id);
    for u in &i.units {
        audit(tx, at, actor, action, &object, detail, Some(&u.path)).await?;
    }
    Ok(())
}

pub(crate) async fn create_inspection<T: Tx>(
    tx: &mut T,
    n: &NewInspection,
    actor: &Actor,
) -> Result<InspectionRow> {
    check_text("inspection code", &n.code, 100, false)?;
    check_text("inspection title", &n.title, 1000, false)?;
    check_text(
        "inspection document",
        &n.document,
        MAX_DOCUMENT_CHARS,
        false,
    )?;
    if !(1..=3).contains(&n.level) {
        return Err(StoreError::Invalid(format!(
            "inspection level {} is not 1, 2 or 3",
            n.level
        )));
    }
    if n.checklists.is_empty() {
        return Err(StoreError::Invalid(
            "an inspection needs at least one unit (checklist)".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (uid, cl) in &n.checklists {
        if !seen.insert(*uid) {
            return Err(StoreError::Invalid(format!(
                "unit {uid} is listed twice in the inspection"
            )));
        }
        check_text("checklist", cl, MAX_DOCUMENT_CHARS, false)?;
        unit(tx, *uid).await?.ok_or(StoreError::NotFound("unit"))?;
    }
    if let Some(prev) = n.previous_id {
        tx.query_opt("SELECT id FROM inspections WHERE id = $1", &vals![prev])
            .await?
            .ok_or(StoreError::NotFound("inspection"))?;
    }
    let now = clock();
    let id = tx
        .query_one(
            "INSERT INTO inspections (code, title, level, state, document, previous_id, created_by, created_by_user_id, created_at)
             VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8) RETURNING id",
            &vals![
                n.code.trim(),
                n.title.as_str(),
                n.level as i64,
                n.document.as_str(),
                n.previous_id,
                actor.name.as_str(),
                actor.user_id,
                ms(now)
            ],
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "inspection code '{}' is already taken",
                n.code.trim()
            )),
            e => e,
        })?
        .i64(0)?;
    for (uid, cl) in &n.checklists {
        tx.execute(
            "INSERT INTO inspection_units (inspection_id, unit_id, checklist, version, updated_at, updated_by)
             VALUES ($1, $2, $3, 1, $4, $5)",
            &vals![id, *uid, cl.as_str(), ms(now), actor.name.as_str()],
        )
        .await?;
    }
    let row = inspection_locked(tx, id).await?;
    let detail = format!("{} — {} (level {})", row.code, row.title, row.level);
    audit_units(tx, now, actor, "inspection.create", &row, &detail).await?;
    Ok(row)
}

pub(crate) async fn inspections<T: Tx>(tx: &mut T, scope: &Scope) -> Result<Vec<InspectionRow>> {
    let mut p = vec![];
    let c = scope_cond(scope, "u.path", &mut p);
    let q = format!(
        "SELECT {INSPECTION_COLS} FROM inspections i
          WHERE EXISTS (SELECT 1 FROM inspection_units iu JOIN units u ON u.id = iu.unit_id
                         WHERE iu.inspection_id = i.id AND {c})
          ORDER BY i.created_at DESC, i.id DESC"
    );
    let mut rows = tx
        .query(&q, &p)
        .await?
        .iter()
        .map(inspection_row)
        .collect::<Result<Vec<_>>>()?;
    fill_units(tx, &mut rows).await?;
    Ok(rows)
}

pub(crate) async fn inspection<T: Tx>(tx: &mut T, id: i64) -> Result<Option<InspectionRow>> {
    let Some(r) = tx
        .query_opt(
            &format!("SELECT {INSPECTION_COLS} FROM inspections i WHERE i.id = $1"),
            &vals![id],
        )
        .await?
    else {
        return Ok(None);
    };
    let mut rows = [inspection_row(&r)?];
    fill_units(tx, &mut rows).await?;
    let [row] = rows;
    Ok(Some(row))
}

pub(crate) async fn update_inspection_document<T: Tx>(
    tx: &mut T,
    id: i64,
    document: &str,
    actor: &Actor,
) -> Result<()> {
    check_text("inspection document", document, MAX_DOCUMENT_CHARS, false)?;
    let i = inspection_locked(tx, id).await?;
    refuse_concluded(&i)?;
    tx.execute(
        "UPDATE inspections SET document = $2 WHERE id = $1",
        &vals![id, document],
    )
    .await?;
    audit_units(tx, clock(), actor, "inspection.update", &i, &i.code).await
}

const CHECKLIST_SELECT: &str = "SELECT iu.inspection_id, iu.checklist, iu.version, iu.updated_at, iu.updated_by, u.id, u.parent_id, u.path, u.slug, u.name, u.depth
  FROM inspection_units iu JOIN units u ON u.id = iu.unit_id";

fn checklist_row(r: &Row) -> Result<ChecklistRow> {
    Ok(ChecklistRow {
        inspection_id: r.i64(0)?,
        checklist: r.text(1)?,
        version: r.i64(2)?,
        updated_at: from_ms(r.i64(3)?)?,
        updated_by: r.text(4)?,
        unit: unit_row(r, 5)?,
    })
}

pub(crate) async fn checklists<T: Tx>(tx: &mut T, inspection_id: i64) -> Result<Vec<ChecklistRow>> {
    tx.query(
        &format!("{CHECKLIST_SELECT} WHERE iu.inspection_id = $1 ORDER BY u.path"),
        &vals![inspection_id],
    )
    .await?
    .iter()
    .map(checklist_row)
    .collect()
}

pub(crate) async fn checklist<T: Tx>(
    tx: &mut T,
    inspection_id: i64,
    unit_id: i64,
) -> Result<Option<ChecklistRow>> {
    tx.query_opt(
        &format!("{CHECKLIST_SELECT} WHERE iu.inspection_id = $1 AND iu.unit_id = $2"),
        &vals![inspection_id, unit_id],
    )
    .await?
    .map(|r| checklist_row(&r))
    .transpose()
}

/// The version rule shared by `save_checklist` and `add_evidence`: the inspection is open, the
/// unit is in it, the stored version is `expected_version`; the checklist is replaced and its
/// version bumped. Returns the inspection (for the audit rows).
async fn replace_checklist<T: Tx>(
    tx: &mut T,
    inspection_id: i64,
    unit_id: i64,
    checklist_json: &str,
    expected_version: i64,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<InspectionRow> {
    check_text("checklist", checklist_json, MAX_DOCUMENT_CHARS, false)?;
    let i = inspection_locked(tx, inspection_id).await?;
    refuse_concluded(&i)?;
    if unit_path_of(&i, unit_id).is_none() {
        return Err(StoreError::NotFound("checklist"));
    }
    let n = tx
        .execute(
            "UPDATE inspection_units SET checklist = $3, version = version + 1, updated_at = $4, updated_by = $5
              WHERE inspection_id = $1 AND unit_id = $2 AND version = $6",
            &vals![
                inspection_id,
                unit_id,
                checklist_json,
                ms(now),
                actor.name.as_str(),
                expected_version
            ],
        )
        .await?;
    if n == 0 {
        let cur = tx
            .query_one(
                "SELECT version FROM inspection_units WHERE inspection_id = $1 AND unit_id = $2",
                &vals![inspection_id, unit_id],
            )
            .await?
            .i64(0)?;
        return Err(StoreError::Conflict(format!(
            "the checklist was changed by someone else (version {cur}, expected {expected_version}); reload it"
        )));
    }
    Ok(i)
}

pub(crate) async fn save_checklist<T: Tx>(
    tx: &mut T,
    inspection_id: i64,
    unit_id: i64,
    checklist_json: &str,
    expected_version: i64,
    actor: &Actor,
) -> Result<ChecklistRow> {
    let now = clock();
    let i = replace_checklist(
        tx,
        inspection_id,
        unit_id,
        checklist_json,
        expected_version,
        actor,
        now,
    )
    .await?;
    let path = unit_path_of(&i, unit_id).map(str::to_owned);
    audit(
        tx,
        now,
        actor,
        "checklist.save",
        &format!("inspection:{inspection_id}"),
        &format!("{}; version {}", i.code, expected_version + 1),
        path.as_deref(),
    )
    .await?;
    checklist(tx, inspection_id, unit_id)
        .await?
        .ok_or(StoreError::NotFound("checklist"))
}

const EVIDENCE_COLS: &str = "e.id, e.inspection_id, e.unit_id, e.item_id, e.file_name, e.media_type, e.size, e.sha256, e.uploaded_by, e.uploaded_at";

fn evidence_row(r: &Row) -> Result<EvidenceMeta> {
    Ok(EvidenceMeta {
        id: r.i64(0)?,
        inspection_id: r.i64(1)?,
        unit_id: r.i64(2)?,
        item_id: r.text(3)?,
        file_name: r.text(4)?,
        media_type: r.text(5)?,
        size: r.i64(6)?,
        sha256: r.text(7)?,
        uploaded_by: r.text(8)?,
        uploaded_at: from_ms(r.i64(9)?)?,
    })
}

pub(crate) async fn add_evidence<T: Tx>(
    tx: &mut T,
    e: &NewEvidence,
    checklist_json: &str,
    expected_version: i64,
    actor: &Actor,
) -> Result<EvidenceMeta> {
    check_text("evidence item id", &e.item_id, 200, false)?;
    check_text("evidence file name", &e.file_name, 255, false)?;
    check_text("evidence media type", &e.media_type, 255, false)?;
    check_sha256_hex("evidence sha256", &e.sha256)?;
    if e.body.is_empty() {
        return Err(StoreError::Invalid("evidence file is empty".into()));
    }
    if e.body.len() > MAX_EVIDENCE_BYTES {
        return Err(StoreError::Invalid(format!(
            "evidence file is larger than {} MiB",
            MAX_EVIDENCE_BYTES / (1024 * 1024)
        )));
    }
    if crate::sha256_hex(&e.body) != e.sha256 {
        return Err(StoreError::Invalid(
            "evidence sha256 does not match the file's content".into(),
        ));
    }
    let now = clock();
    let i = replace_checklist(
        tx,
        e.inspection_id,
        e.unit_id,
        checklist_json,
        expected_version,
        actor,
        now,
    )
    .await?;
    let id = tx
        .query_one(
            "INSERT INTO evidence (inspection_id, unit_id, item_id, file_name, media_type, size, sha256, body, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                Val::I64(e.inspection_id),
                Val::I64(e.unit_id),
                Val::from(e.item_id.as_str()),
                Val::from(e.file_name.as_str()),
                Val::from(e.media_type.as_str()),
                Val::I64(e.body.len() as i64),
                Val::from(e.sha256.as_str()),
                Val::Blob(e.body.clone()),
                Val::from(actor.name.as_str()),
                Val::I64(ms(now)),
            ],
        )
        .await?
        .i64(0)?;
    let path = unit_path_of(&i, e.unit_id).map(str::to_owned);
    audit(
        tx,
        now,
        actor,
        "evidence.add",
        &format!("evidence:{id}"),
        &format!(
            "{}; item {}; {} ({} bytes, sha256 {})",
            i.code,
            e.item_id,
            e.file_name,
            e.body.len(),
            e.sha256
        ),
        path.as_deref(),
    )
    .await?;
    let r = tx
        .query_one(
            &format!("SELECT {EVIDENCE_COLS} FROM evidence e WHERE e.id = $1"),
            &vals![id],
        )
        .await?;
    evidence_row(&r)
}

pub(crate) async fn evidence_list<T: Tx>(
    tx: &mut T,
    inspection_id: i64,
    unit_id: i64,
) -> Result<Vec<EvidenceMeta>> {
    tx.query(
        &format!(
            "SELECT {EVIDENCE_COLS} FROM evidence e WHERE e.inspection_id = $1 AND e.unit_id = $2 ORDER BY e.id"
        ),
        &vals![inspection_id, unit_id],
    )
    .await?
    .iter()
    .map(evidence_row)
    .collect()
}

pub(crate) async fn evidence<T: Tx>(
    tx: &mut T,
    id: i64,
) -> Result<Option<(EvidenceMeta, Vec<u8>)>> {
    let Some(r) = tx
        .query_opt(
            &format!("SELECT {EVIDENCE_COLS}, e.body FROM evidence e WHERE e.id = $1"),
            &vals![id],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((evidence_row(&r)?, r.blob(10)?)))
}

// ---------------------------------------------------------------- conclusion

/// The site host of a unit, created on first use (hostname = the unit's current name).
async fn site_host<T: Tx>(tx: &mut T, u: &Unit) -> Result<(i64, [i64; 3])> {
    let lock = lock_clause(tx);
    let found = tx
        .query_opt(
            &format!("SELECT id, open_critical, open_high, open_total, hostname FROM hosts WHERE unit_id = $1 AND kind = 'site'{lock}"),
            &vals![u.id],
        )
        .await?;
    if let Some(h) = found {
        let id = h.i64(0)?;
        if h.text(4)? != u.name {
            tx.execute(
                "UPDATE hosts SET hostname = $2 WHERE id = $1",
                &vals![id, u.name.as_str()],
            )
            .await?;
        }
        return Ok((id, [h.i64(1)?, h.i64(2)?, h.i64(3)?]));
    }
    // Two conclusions for the same unit at once: the second waits for the first's row and
    // then uses it (PostgreSQL, read committed); the counters are read again under the lock.
    tx.execute(
        "INSERT INTO hosts (unit_id, agent_id, hostname, os_name, os_version, kind) VALUES ($1, NULL, $2, '', '', 'site')
         ON CONFLICT (unit_id) WHERE kind = 'site' DO NOTHING",
        &vals![u.id, u.name.as_str()],
    )
    .await?;
    let h = tx
        .query_one(
            &format!("SELECT id, open_critical, open_high, open_total FROM hosts WHERE unit_id = $1 AND kind = 'site'{lock}"),
            &vals![u.id],
        )
        .await?;
    Ok((h.i64(0)?, [h.i64(1)?, h.i64(2)?, h.i64(3)?]))
}

fn deadline(f: &antoan_model::Finding) -> Result<Option<Date>> {
    match f.attributes.get("deadline").map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => parse_day(s).map(Some).map_err(|_| {
            StoreError::Invalid(format!(
                "finding {}: deadline '{}' is not a date (YYYY-MM-DD)",
                f.id,
                s.chars().take(40).collect::<String>()
            ))
        }),
    }
}

fn owner_of(f: &antoan_model::Finding) -> Result<Option<String>> {
    match f.attributes.get("owner").map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => {
            check_text("finding owner", s, 500, false)?;
            Ok(Some(s.to_string()))
        }
    }
}

pub(crate) async fn conclude_inspection<T: Tx>(
    tx: &mut T,
    id: i64,
    outcomes: &[UnitOutcome],
    actor: &Actor,
) -> Result<ConcludeOutcome> {
    let i = inspection_locked(tx, id).await?;
    if i.state == InspectionState::Concluded {
        return Err(StoreError::Conflict(format!(
            "inspection {} is already concluded",
            i.code
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for o in outcomes {
        if unit_path_of(&i, o.unit_id).is_none() {
            return Err(StoreError::Invalid(format!(
                "unit {} is not part of inspection {}",
                o.unit_id, i.code
            )));
        }
        if !seen.insert(o.unit_id) {
            return Err(StoreError::Invalid(format!(
                "unit {} has two outcomes",
                o.unit_id
            )));
        }
    }
    let now = clock();
    let at = ms(now);
    let day = day_text(now.to_offset(time::UtcOffset::UTC).date());
    let detail = format!("inspection {}", i.code);
    let mut out = ConcludeOutcome::default();
    let mut per_unit: BTreeMap<String, ConcludeOutcome> = BTreeMap::new();

    for o in outcomes {
        let u = i
            .units
            .iter()
            .find(|u| u.id == o.unit_id)
            .cloned()
            .ok_or(StoreError::NotFound("unit"))?;
        let mut uo = ConcludeOutcome::default();
        // Open findings, one per key (the most severe when listed twice), sorted by key.
        let mut by_key: BTreeMap<&str, &antoan_model::Finding> = BTreeMap::new();
        for f in &o.findings {
            if f.status != antoan_model::FindingStatus::Open {
                continue;
            }
            check_text("finding id", &f.id, 200, false)?;
            let e = by_key.entry(f.id.as_str()).or_insert(f);
            if f.severity > e.severity {
                *e = f;
            }
        }
        let mut compliant: Vec<&str> = o
            .compliant_keys
            .iter()
            .map(String::as_str)
            .filter(|k| !by_key.contains_key(k))
            .collect();
        compliant.sort_unstable();
        compliant.dedup();

        // Nothing to record and no site host yet: do not create one.
        let existing = tx
            .query_opt(
                "SELECT id FROM hosts WHERE unit_id = $1 AND kind = 'site'",
                &vals![u.id],
            )
            .await?;
        if by_key.is_empty() && existing.is_none() {
            per_unit.insert(u.path.clone(), uo);
            continue;
        }
        let (host_id, old) = site_host(tx, &u).await?;

        let rows = tx
            .query(
                "SELECT id, finding_key, state, due FROM findings WHERE host_id = $1",
                &vals![host_id],
            )
            .await?;
        let mut known: HashMap<String, (i64, String, bool)> = HashMap::with_capacity(rows.len());
        for r in &rows {
            known.insert(
                r.text(1)?,
                (r.i64(0)?, r.text(2)?, r.opt_text(3)?.is_some()),
            );
        }

        for (key, f) in &by_key {
            let due = deadline(f)?.map(day_text);
            let owner = owner_of(f)?;
            let fp = fingerprint(f);
            match known.get(*key) {
                None => {
                    let fid = tx
                        .query_one(
                            "INSERT INTO findings (host_id, finding_key, check_id, kind, severity, subject, title_vi, title_en,
                                                   remediation_vi, remediation_en, state, first_seen, last_seen, due, owner, fp)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $11, $12, $13, $14) RETURNING id",
                            &vals![
                                host_id,
                                *key,
                                f.check.as_str(),
                                f.kind.as_str(),
                                sev_rank(f.severity),
                                f.subject.as_str(),
                                f.title.vi.as_str(),
                                f.title.en.as_str(),
                                f.remediation.vi.as_str(),
                                f.remediation.en.as_str(),
                                at,
                                due,
                                owner,
                                fp.as_str()
                            ],
                        )
                        .await?
                        .i64(0)?;
                    event(tx, fid, at, "new", &actor.name, &detail, None).await?;
                    uo.opened += 1;
                }
                Some((fid, state, has_due)) => {
                    let fid = *fid;
                    let next = if state == "fixed" { "reopened" } else { "open" };
                    // The deadline only fills an empty due date; the owner is replaced when named.
                    let due = if *has_due { None } else { due };
                    tx.execute(
                        "UPDATE findings SET state = $2, last_seen = $3, fixed_at = NULL, severity = $4, check_id = $5, kind = $6,
                                subject = $7, title_vi = $8, title_en = $9, remediation_vi = $10, remediation_en = $11, fp = $12,
                                due = COALESCE(due, $13), owner = COALESCE($14, owner)
                          WHERE id = $1",
                        &vals![
                            fid,
                            next,
                            at,
                            sev_rank(f.severity),
                            f.check.as_str(),
                            f.kind.as_str(),
                            f.subject.as_str(),
                            f.title.vi.as_str(),
                            f.title.en.as_str(),
                            f.remediation.vi.as_str(),
                            f.remediation.en.as_str(),
                            fp.as_str(),
                            due,
                            owner
                        ],
                    )
                    .await?;
                    if state == "fixed" {
                        event(tx, fid, at, "reopened", &actor.name, &detail, None).await?;
                        uo.reopened += 1;
                    } else {
                        event(tx, fid, at, "seen", &actor.name, &detail, None).await?;
                        uo.kept += 1;
                    }
                }
            }
        }
        for key in compliant {
            if let Some((fid, state, _)) = known.get(key) {
                if state == "fixed" {
                    continue;
                }
                tx.execute(
                    "UPDATE findings SET state = 'fixed', fixed_at = $2 WHERE id = $1",
                    &vals![*fid, at],
                )
                .await?;
                event(tx, *fid, at, "fixed", &actor.name, &detail, None).await?;
                uo.fixed += 1;
            }
        }

        // The site host's counters, then the unit's aggregates and today's trend point.
        let c = tx
            .query_one(
                "SELECT CAST(COALESCE(SUM(CASE WHEN severity = 4 THEN 1 ELSE 0 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(CASE WHEN severity = 3 THEN 1 ELSE 0 END), 0) AS BIGINT),
                        COUNT(*)
                   FROM findings WHERE host_id = $1 AND state <> 'fixed'",
                &vals![host_id],
            )
            .await?;
        let new = [c.i64(0)?, c.i64(1)?, c.i64(2)?];
        tx.execute(
            "UPDATE hosts SET last_seen = $2, open_critical = $3, open_high = $4, open_total = $5 WHERE id = $1",
            &vals![host_id, at, new[0], new[1], new[2]],
        )
        .await?;
        tx.execute(
            "UPDATE units SET open_critical = open_critical + $2, open_high = open_high + $3, open_total = open_total + $4 WHERE id = $1",
            &vals![u.id, new[0] - old[0], new[1] - old[1], new[2] - old[2]],
        )
        .await?;
        tx.execute(
            "INSERT INTO unit_daily (unit_id, day, open_critical, open_high, open_total, reports)
             SELECT id, $2, open_critical, open_high, open_total, 0 FROM units WHERE id = $1
             ON CONFLICT (unit_id, day) DO UPDATE SET open_critical = excluded.open_critical, open_high = excluded.open_high,
                 open_total = excluded.open_total",
            &vals![u.id, day.as_str()],
        )
        .await?;
        out.opened += uo.opened;
        out.reopened += uo.reopened;
        out.kept += uo.kept;
        out.fixed += uo.fixed;
        per_unit.insert(u.path.clone(), uo);
    }

    tx.execute(
        "UPDATE inspections SET state = 'concluded', concluded_at = $2 WHERE id = $1",
        &vals![id, at],
    )
    .await?;
    let object = format!("inspection:{id}");
    for u in &i.units {
        let uo = per_unit.get(&u.path).copied().unwrap_or_default();
        let d = format!(
            "{}; findings opened {}, reopened {}, kept {}, fixed {}",
            i.code, uo.opened, uo.reopened, uo.kept, uo.fixed
        );
        audit(
            tx,
            now,
            actor,
            "inspection.conclude",
            &object,
            &d,
            Some(&u.path),
        )
        .await?;
    }
    Ok(out)
}

// ---------------------------------------------------------------- state secrets, handovers

/// id, kind, hostname, unit path of a host.
async fn host_brief<T: Tx>(tx: &mut T, host_id: i64) -> Result<(String, String, String)> {
    let r = tx
        .query_opt(
            "SELECT h.kind, h.hostname, un.path FROM hosts h JOIN units un ON un.id = h.unit_id WHERE h.id = $1",
            &vals![host_id],
        )
        .await?
        .ok_or(StoreError::NotFound("host"))?;
    Ok((r.text(0)?, r.text(1)?, r.text(2)?))
}

pub(crate) async fn set_state_secret<T: Tx>(
    tx: &mut T,
    host_id: i64,
    on: bool,
    actor: &Actor,
) -> Result<()> {
    let (kind, hostname, path) = host_brief(tx, host_id).await?;
    if kind != HOST_KIND_AGENT {
        return Err(StoreError::Invalid(
            "a unit's site record is not a computer and cannot hold state secrets".into(),
        ));
    }
    tx.execute(
        "UPDATE hosts SET state_secret = $2 WHERE id = $1",
        &vals![host_id, on],
    )
    .await?;
    audit(
        tx,
        clock(),
        actor,
        if on {
            "host.state-secret.on"
        } else {
            "host.state-secret.off"
        },
        &format!("host:{host_id}"),
        &hostname,
        Some(&path),
    )
    .await
}

const HANDOVER_COLS: &str = "ho.id, ho.host_id, h.hostname, un.path, ho.date, ho.reason, ho.state, ho.opened_by, ho.opened_at,
    ho.closed_at, ho.closed_report_id, ho.status, ho.exception_by, ho.exception_reason";
const HANDOVER_FROM: &str =
    "handovers ho JOIN hosts h ON h.id = ho.host_id JOIN units un ON un.id = h.unit_id";

fn handover_row(r: &Row, o: usize) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: r.i64(o)?,
        host_id: r.i64(o + 1)?,
        hostname: r.text(o + 2)?,
        unit_path: r.text(o + 3)?,
        date: parse_day(&r.text(o + 4)?)?,
        reason: r.text(o + 5)?,
        state: r.text(o + 6)?.parse().map_err(StoreError::Db)?,
        opened_by: r.text(o + 7)?,
        opened_at: from_ms(r.i64(o + 8)?)?,
        closed_at: opt_from_ms(r.opt_i64(o + 9)?)?,
        closed_report_id: r.opt_i64(o + 10)?,
        status: r.text(o + 11)?,
        exception_by: r.opt_text(o + 12)?,
        exception_reason: r.opt_text(o + 13)?,
    })
}

async fn handover_locked<T: Tx>(tx: &mut T, id: i64) -> Result<HandoverRow> {
    // FOR UPDATE OF: only the handover row is locked, not the host or unit.
    let lock = if tx.is_pg() { " FOR UPDATE OF ho" } else { "" };
    let r = tx
        .query_opt(
            &format!("SELECT {HANDOVER_COLS} FROM {HANDOVER_FROM} WHERE ho.id = $1{lock}"),
            &vals![id],
        )
        .await?
        .ok_or(StoreError::NotFound("handover"))?;
    handover_row(&r, 0)
}

pub(crate) async fn create_handover<T: Tx>(
    tx: &mut T,
    n: &NewHandover,
    actor: &Actor,
) -> Result<HandoverRow> {
    check_text("handover reason", &n.reason, 4000, false)?;
    let (kind, hostname, path) = host_brief(tx, n.host_id).await?;
    if kind != HOST_KIND_AGENT {
        return Err(StoreError::Invalid(
            "a unit's site record is not a computer and cannot be handed over".into(),
        ));
    }
    let now = clock();
    let date = day_text(n.date);
    let id = tx
        .query_one(
            "INSERT INTO handovers (host_id, date, reason, state, opened_by, opened_at, status)
             VALUES ($1, $2, $3, 'open', $4, $5, '') RETURNING id",
            &vals![
                n.host_id,
                date.as_str(),
                n.reason.as_str(),
                actor.name.as_str(),
                ms(now)
            ],
        )
        .await?
        .i64(0)?;
    audit(
        tx,
        now,
        actor,
        "handover.open",
        &format!("handover:{id}"),
        &format!("{hostname}; date {date}; {}", n.reason),
        Some(&path),
    )
    .await?;
    handover_locked(tx, id).await
}

pub(crate) async fn handovers<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    open_only: bool,
) -> Result<Vec<HandoverRow>> {
    let mut p = vec![];
    let c = scope_cond(scope, "un.path", &mut p);
    let open = if open_only {
        " AND ho.state = 'open'"
    } else {
        ""
    };
    tx.query(
        &format!("SELECT {HANDOVER_COLS} FROM {HANDOVER_FROM} WHERE {c}{open} ORDER BY ho.opened_at DESC, ho.id DESC"),
        &p,
    )
    .await?
    .iter()
    .map(|r| handover_row(r, 0))
    .collect()
}

pub(crate) async fn handover<T: Tx>(tx: &mut T, id: i64) -> Result<Option<HandoverRow>> {
    tx.query_opt(
        &format!("SELECT {HANDOVER_COLS} FROM {HANDOVER_FROM} WHERE ho.id = $1"),
        &vals![id],
    )
    .await?
    .map(|r| handover_row(&r, 0))
    .transpose()
}

pub(crate) async fn record_handover_status<T: Tx>(
    tx: &mut T,
    id: i64,
    status: &str,
    closed_report_id: Option<i64>,
) -> Result<()> {
    check_text("handover status", status, 1024 * 1024, true)?;
    let h = handover_locked(tx, id).await?;
    if h.state != HandoverState::Open {
        // Closed or excepted meanwhile: a late evaluation changes nothing.
        return Ok(());
    }
    match closed_report_id {
        None => {
            tx.execute(
                "UPDATE handovers SET status = $2 WHERE id = $1",
                &vals![id, status],
            )
            .await?;
        }
        Some(rid) => {
            let owner = tx
                .query_opt("SELECT host_id FROM reports WHERE id = $1", &vals![rid])
                .await?
                .ok_or(StoreError::NotFound("report"))?
                .i64(0)?;
            if owner != h.host_id {
                return Err(StoreError::Invalid(format!(
                    "report {rid} is not a report of the handed-over host"
                )));
            }
            let now = clock();
            tx.execute(
                "UPDATE handovers SET status = $2, state = 'closed', closed_at = $3, closed_report_id = $4 WHERE id = $1",
                &vals![id, status, ms(now), rid],
            )
            .await?;
            audit(
                tx,
                now,
                &Actor::system(),
                "handover.close",
                &format!("handover:{id}"),
                &format!("{}; report {rid}", h.hostname),
                Some(&h.unit_path),
            )
            .await?;
        }
    }
    Ok(())
}

pub(crate) async fn handover_exception<T: Tx>(
    tx: &mut T,
    id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    check_text("exception reason", reason, 4000, false)?;
    let h = handover_locked(tx, id).await?;
    if h.state != HandoverState::Open {
        return Err(StoreError::Conflict(format!(
            "handover {id} is not open (it is {})",
            h.state.as_str()
        )));
    }
    let now = clock();
    tx.execute(
        "UPDATE handovers SET state = 'exception', closed_at = $2, exception_by = $3, exception_reason = $4 WHERE id = $1",
        &vals![id, ms(now), actor.name.as_str(), reason],
    )
    .await?;
    audit(
        tx,
        now,
        actor,
        "handover.exception",
        &format!("handover:{id}"),
        &format!("{}; {reason}", h.hostname),
        Some(&h.unit_path),
    )
    .await
}

pub(crate) async fn host_marks_by_agent<T: Tx>(
    tx: &mut T,
    agent_id: i64,
) -> Result<Option<HostMarks>> {
    // One indexed read: the host by its unique agent_id, its open handovers by (host_id, state).
    let rows = tx
        .query(
            &format!(
                "SELECT h.id, h.state_secret, {HANDOVER_COLS}
                   FROM hosts h JOIN units un ON un.id = h.unit_id
                   LEFT JOIN handovers ho ON ho.host_id = h.id AND ho.state = 'open'
                  WHERE h.agent_id = $1 ORDER BY ho.id"
            ),
            &vals![agent_id],
        )
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut m = HostMarks {
        host_id: first.i64(0)?,
        state_secret: first.bool(1)?,
        open_handovers: Vec::new(),
    };
    for r in &rows {
        if r.opt_i64(2)?.is_some() {
            m.open_handovers.push(handover_row(r, 2)?);
        }
    }
    Ok(Some(m))
}
