//! Inspections on the server (issue 8): the operations the dashboard pages
//! and the REST API share. They check the caller's role and scope, read and
//! write the store, and call the pure core in `antoan_inspect` (checklists,
//! automatic items, evidence checks, findings, the conclusion documents).
//!
//! Rules: an inspection is visible when one of its units is in the caller's
//! scope (404 otherwise, like every object of the server); a checklist when
//! its unit is. Inspectors create inspections of any unit in their scope and
//! fill and conclude them; a unit admin creates a self-inspection of units in
//! their subtree and fills and concludes it (but only reads an inspection an
//! inspector leads); viewers read. Nothing changes once an inspection is
//! concluded (409).
//!
//! Finding ids stay stable across inspections because the unit id inside
//! the inspection documents is the platform unit PATH: a follow-up that
//! answers an item compliant fixes the earlier finding.

use std::sync::OnceLock;
use std::time::Duration;

use antoan_inspect::evidence::{validate_evidence, EvidencePolicy};
use antoan_inspect::findings::{checklist_findings, INSPECTION_CHECK_PREFIX};
use antoan_inspect::followup::FollowUp;
use antoan_inspect::{Answer, Checklist, Inspection, ItemSource, Rules};
use antoan_model::{Finding, Lang, Report, Severity};
use antoan_store::{
    ChecklistRow, ConcludeOutcome, EvidenceMeta, HostFilter, InspectionRow, InspectionState,
    NewEvidence, NewInspection, Role, Scope, StoreError, Unit, UnitOutcome,
};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pdf::CHROMIUM;
use crate::{ApiError, AppState, CurrentUser};

/// The evidence item id under which uploaded `antoan scan` reports are kept.
pub const SCAN_ITEM: &str = "_scan";

/// Largest evidence file (the core's default policy: 20 MiB).
pub fn policy() -> EvidencePolicy {
    EvidencePolicy::default()
}

/// Body limit of the upload routes: one file at the policy's limit plus the
/// multipart framing and the small fields.
pub fn upload_body_limit() -> usize {
    usize::try_from(policy().max_bytes).unwrap_or(usize::MAX / 2) + 256 * 1024
}

/// The embedded controls catalog and inspection rules, read once.
pub struct Kb {
    pub knowledge: antoan_kb::Knowledge,
    pub rules: Rules,
}

static KB: OnceLock<Result<Kb, String>> = OnceLock::new();

pub fn kb() -> Result<&'static Kb, ApiError> {
    let r = KB.get_or_init(|| {
        antoan_kb::Knowledge::embedded()
            .map(|knowledge| Kb {
                knowledge,
                rules: Rules::embedded(),
            })
            .map_err(|e| e.to_string())
    });
    r.as_ref().map_err(|e| {
        crate::log_error(&format!("embedded knowledge: {e}"));
        ApiError::internal()
    })
}

fn err(
    status: StatusCode,
    code: &'static str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> ApiError {
    ApiError::new(status, code, vi, en)
}

fn concluded() -> ApiError {
    err(
        StatusCode::CONFLICT,
        "concluded",
        "cuộc kiểm tra đã kết luận; không thể sửa nữa",
        "the inspection is concluded; it can no longer be changed",
    )
}

fn changed_meanwhile() -> ApiError {
    err(
        StatusCode::CONFLICT,
        "version",
        "bảng kiểm đã được người khác sửa trong lúc bạn làm; hãy tải lại trang rồi thử lại",
        "the checklist was changed by someone else meanwhile; reload it and try again",
    )
}

fn store_err(e: StoreError) -> ApiError {
    ApiError::from(e)
}

fn bad_document(e: antoan_inspect::InspectError) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid-inspection",
        e.message.vi,
        e.message.en,
    )
}

// ---------------------------------------------------------------- reading

/// The inspection if one of its units is in the caller's scope, else 404.
pub async fn visible_inspection(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> Result<InspectionRow, ApiError> {
    match state.store.inspection(id).await.map_err(store_err)? {
        Some(r) if r.units.iter().any(|u| cu.sees(&u.path)) => Ok(r),
        _ => Err(ApiError::not_found("inspection")),
    }
}

/// The inspection document as stored.
pub fn document(row: &InspectionRow) -> Result<Inspection, ApiError> {
    Inspection::from_json(row.document.as_bytes(), &format!("inspection {}", row.code)).map_err(
        |e| {
            crate::log_error(&format!("stored inspection {} unreadable: {e}", row.id));
            ApiError::internal()
        },
    )
}

pub fn parse_checklist(row: &ChecklistRow) -> Result<Checklist, ApiError> {
    Checklist::from_json(
        row.checklist.as_bytes(),
        &format!("checklist {}", row.unit.path),
    )
    .map_err(|e| {
        crate::log_error(&format!(
            "stored checklist {}/{} unreadable: {e}",
            row.inspection_id, row.unit.id
        ));
        ApiError::internal()
    })
}

/// A visible unit of a visible inspection, else 404.
pub fn visible_unit<'a>(
    row: &'a InspectionRow,
    cu: &CurrentUser,
    unit_id: i64,
) -> Result<&'a Unit, ApiError> {
    row.units
        .iter()
        .find(|u| u.id == unit_id && cu.sees(&u.path))
        .ok_or_else(|| ApiError::not_found("unit"))
}

pub async fn checklist(
    state: &AppState,
    row: &InspectionRow,
    unit: &Unit,
) -> Result<(ChecklistRow, Checklist), ApiError> {
    let cr = state
        .store
        .checklist(row.id, unit.id)
        .await
        .map_err(store_err)?
        .ok_or_else(|| ApiError::not_found("checklist"))?;
    let cl = parse_checklist(&cr)?;
    Ok((cr, cl))
}

/// Whether a unit admin made it (a self-inspection).
pub async fn is_self_inspection(state: &AppState, row: &InspectionRow) -> Result<bool, ApiError> {
    Ok(matches!(
        state.store.user_by_name(&row.created_by).await.map_err(store_err)?,
        Some(u) if u.user.role == Role::UnitAdmin
    ))
}

/// May fill checklists and upload evidence: inspectors; unit admins on their
/// own self-inspections. Viewers never (403); concluded → 409.
pub async fn may_fill(
    state: &AppState,
    cu: &CurrentUser,
    row: &InspectionRow,
) -> Result<(), ApiError> {
    cu.require_write()?;
    if !cu.is_inspector() && !is_self_inspection(state, row).await? {
        return Err(ApiError::forbidden());
    }
    if row.state == InspectionState::Concluded {
        return Err(concluded());
    }
    Ok(())
}

/// May conclude: like [`may_fill`], and every unit of the inspection must be
/// in the caller's scope (a conclusion speaks for all of them).
pub async fn may_conclude(
    state: &AppState,
    cu: &CurrentUser,
    row: &InspectionRow,
) -> Result<(), ApiError> {
    may_fill(state, cu, row).await?;
    if !row.units.iter().all(|u| cu.sees(&u.path)) {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

/// The evidence item id under which a concluded inspection keeps the agent
/// reports it was concluded on (so its conclusion never changes afterwards).
pub const REPORT_ITEM: &str = "_report";

/// The latest agent report of every host in the unit's subtree, as the agent
/// sent it (by host name): (file name for a snapshot, bytes).
async fn live_agent_reports(
    state: &AppState,
    unit: &Unit,
) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let scope = Scope::Subtree {
        unit_id: unit.id,
        path: unit.path.clone(),
    };
    let mut hosts = state
        .store
        .hosts(
            &scope,
            &HostFilter {
                limit: 0,
                ..Default::default()
            },
        )
        .await
        .map_err(store_err)?;
    hosts.retain(|h| h.kind != antoan_store::HOST_KIND_SITE);
    hosts.sort_by(|a, b| a.hostname.cmp(&b.hostname).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for h in hosts {
        let Some(rid) = h.last_report_id else {
            continue;
        };
        let Some(json) = state.store.report_json(rid).await.map_err(store_err)? else {
            continue;
        };
        let name: String = h
            .hostname
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(80)
            .collect();
        out.push((format!("{name}-{}.json", h.id), json));
    }
    Ok(out)
}

fn parse_reports(items: Vec<(String, Vec<u8>)>) -> Vec<Report> {
    let mut out = Vec::new();
    for (name, json) in items {
        match serde_json::from_slice::<Report>(&json) {
            Ok(r) => out.push(r),
            Err(e) => crate::log_error(&format!("report {name} unreadable: {e}")),
        }
    }
    out
}

/// The reports the automatic items and the conclusion read for one unit: the
/// latest agent report of every host in the unit's subtree (by host name) —
/// for a concluded inspection, the ones it was concluded on — then the scan
/// reports uploaded to this inspection for the unit (in upload order).
pub async fn unit_reports(
    state: &AppState,
    inspection: Option<&InspectionRow>,
    unit: &Unit,
) -> Result<Vec<Report>, ApiError> {
    let Some(row) = inspection else {
        return Ok(parse_reports(live_agent_reports(state, unit).await?));
    };
    let mut out = if row.state == InspectionState::Concluded {
        let mut latest: Vec<EvidenceMeta> = Vec::new();
        let mut all: Vec<EvidenceMeta> = state
            .store
            .evidence_list(row.id, unit.id)
            .await
            .map_err(store_err)?
            .into_iter()
            .filter(|m| m.item_id == REPORT_ITEM)
            .collect();
        all.sort_by_key(|m| std::cmp::Reverse(m.id));
        for m in all {
            if !latest.iter().any(|l| l.file_name == m.file_name) {
                latest.push(m);
            }
        }
        latest.sort_by_key(|m| m.id);
        let mut items = Vec::new();
        for m in latest {
            if let Some((m, body)) = state.store.evidence(m.id).await.map_err(store_err)? {
                items.push((m.file_name, body));
            }
        }
        parse_reports(items)
    } else {
        parse_reports(live_agent_reports(state, unit).await?)
    };
    for m in scan_evidence(state, row.id, unit.id).await? {
        if let Some((_, body)) = state.store.evidence(m.id).await.map_err(store_err)? {
            match serde_json::from_slice::<Report>(&body) {
                Ok(r) => out.push(r),
                Err(e) => crate::log_error(&format!("scan evidence {} unreadable: {e}", m.id)),
            }
        }
    }
    Ok(out)
}

/// Keeps the agent reports of a unit with the inspection (evidence
/// `_report`), so its conclusion reads the same after later reports.
async fn snapshot_reports(
    state: &AppState,
    cu: &CurrentUser,
    row: &InspectionRow,
    unit: &Unit,
) -> Result<(), ApiError> {
    for (name, body) in live_agent_reports(state, unit).await? {
        let n = NewEvidence {
            inspection_id: row.id,
            unit_id: unit.id,
            item_id: REPORT_ITEM.to_string(),
            file_name: name,
            media_type: "application/json".to_string(),
            sha256: antoan_inspect::evidence::sha256_hex(&body),
            body,
        };
        let mut done = false;
        for _ in 0..4 {
            let (cr, _) = checklist(state, row, unit).await?;
            match state
                .store
                .add_evidence(&n, &cr.checklist, cr.version, &crate::api::actor(cu))
                .await
            {
                Ok(_) => {
                    done = true;
                    break;
                }
                Err(StoreError::Conflict(_)) => {
                    let e = conflict_reason(state, row.id).await;
                    if e.code == "concluded" {
                        return Err(e);
                    }
                }
                Err(e) => return Err(store_err(e)),
            }
        }
        if !done {
            return Err(changed_meanwhile());
        }
    }
    Ok(())
}

async fn scan_evidence(
    state: &AppState,
    inspection_id: i64,
    unit_id: i64,
) -> Result<Vec<EvidenceMeta>, ApiError> {
    let mut v: Vec<EvidenceMeta> = state
        .store
        .evidence_list(inspection_id, unit_id)
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|m| m.item_id == SCAN_ITEM)
        .collect();
    v.sort_by_key(|m| m.id);
    Ok(v)
}

/// Counts of a checklist's answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub total: u32,
    pub compliant: u32,
    pub not_compliant: u32,
    pub not_applicable: u32,
    pub unanswered: u32,
}

pub fn progress(cl: &Checklist) -> Progress {
    let mut p = Progress::default();
    for i in &cl.items {
        p.total += 1;
        match i.answer {
            Answer::Compliant => p.compliant += 1,
            Answer::NotCompliant => p.not_compliant += 1,
            Answer::NotApplicable => p.not_applicable += 1,
            Answer::Unanswered => p.unanswered += 1,
        }
    }
    p
}

// ---------------------------------------------------------------- creating

/// Creates an inspection from its document: one checklist per unit (the
/// catalog's controls at the level, automatic items filled from the latest
/// agent reports of the unit's hosts). `doc.scope.units[].id` are unit paths.
pub async fn create(
    state: &AppState,
    cu: &CurrentUser,
    mut doc: Inspection,
    previous_id: Option<i64>,
) -> Result<InspectionRow, ApiError> {
    cu.require_write()?;
    doc.validate("inspection").map_err(bad_document)?;
    let visible = state.store.units(&cu.scope).await.map_err(store_err)?;
    let mut units = Vec::new();
    for u in &mut doc.scope.units {
        let Some(su) = visible.iter().find(|v| v.path == u.id) else {
            return Err(ApiError::not_found("unit"));
        };
        if u.name.trim().is_empty() {
            u.name = su.name.clone();
        }
        units.push(su.clone());
    }
    if let Some(p) = previous_id {
        visible_inspection(state, cu, p).await?;
    }
    let kb = kb()?;
    let mut checklists = Vec::new();
    for su in &units {
        let mut cl =
            antoan_inspect::new_checklist(&doc, &su.path, &kb.knowledge.controls, &kb.rules);
        let reports = unit_reports(state, None, su).await?;
        antoan_inspect::fill_automatic(&mut cl, &reports, &kb.rules);
        checklists.push((su.id, to_json(&cl)?));
    }
    let names: Vec<&str> = doc.scope.units.iter().map(|u| u.name.as_str()).collect();
    let title: String = format!("{} — {}", doc.number, names.join(", "))
        .chars()
        .take(300)
        .collect();
    let n = NewInspection {
        code: doc.id.clone(),
        title,
        level: doc.level,
        document: to_json(&doc)?,
        previous_id,
        checklists,
    };
    state
        .store
        .create_inspection(&n, &crate::api::actor(cu))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => err(
                StatusCode::CONFLICT,
                "code-taken",
                format!("mã cuộc kiểm tra {} đã được dùng", doc.id),
                format!("the inspection code {} is already taken", doc.id),
            ),
            other => store_err(other),
        })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(|e| {
        crate::log_error(&format!("serialising an inspection document: {e}"));
        ApiError::internal()
    })
}

// ---------------------------------------------------------------- answering

/// An inspector's answer on one item.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    /// `compliant`, `not-compliant`, `not-applicable` or `unanswered` (manual items only).
    #[schema(value_type = String)]
    pub answer: Option<Answer>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Severity of a non-compliant item (default: the rules').
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Who must fix it (default: the head of the unit).
    #[serde(default)]
    pub owner: Option<String>,
    /// Deadline `YYYY-MM-DD` (default: from the severity).
    #[serde(default)]
    pub deadline: Option<String>,
    /// What the inspector saw (manual items): replaces the item's observation; empty clears it.
    #[serde(default)]
    pub observation: Option<String>,
    /// The device or place the observation is about ("NVR-01", "Phòng máy chủ").
    #[serde(default)]
    pub asset: Option<String>,
    /// The checklist version the answer was made on (optimistic locking); the current one when absent.
    #[serde(default)]
    pub version: Option<i64>,
}

fn bad(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::bad_request(vi, en)
}

pub async fn answer(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
    item_id: &str,
    input: &AnswerInput,
) -> Result<ChecklistRow, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    may_fill(state, cu, &row).await?;
    let (cr, mut cl) = checklist(state, &row, &unit).await?;
    let Some(item) = cl.item_mut(item_id) else {
        return Err(ApiError::not_found("item"));
    };
    if let Some(a) = input.answer {
        if matches!(item.source, ItemSource::Automatic { .. }) && a != item.answer {
            return Err(bad(
                format!("mục {item_id} được đánh giá tự động từ báo cáo; hãy cập nhật báo cáo rồi làm mới"),
                format!("item {item_id} is assessed automatically from reports; update the reports and refresh instead"),
            ));
        }
        item.answer = a;
    }
    if let Some(n) = &input.notes {
        if n.chars().count() > 4000 {
            return Err(bad(
                "ghi chú dài quá 4000 ký tự",
                "the notes are longer than 4000 characters",
            ));
        }
        item.notes = n.trim().to_string();
    }
    if input.severity.is_some() || input.answer.is_some() {
        item.severity = input.severity;
    }
    if let Some(o) = &input.owner {
        let o = o.trim();
        if o.chars().count() > 200 {
            return Err(bad(
                "người chịu trách nhiệm dài quá 200 ký tự",
                "the owner is longer than 200 characters",
            ));
        }
        item.owner = (!o.is_empty()).then(|| o.to_string());
    }
    if let Some(d) = &input.deadline {
        let d = d.trim();
        if d.is_empty() {
            item.deadline = None;
        } else if antoan_inspect::model::parse_date(d).is_none() {
            return Err(bad(
                format!("hạn {d:?} không phải ngày YYYY-MM-DD"),
                format!("the deadline {d:?} is not a YYYY-MM-DD date"),
            ));
        } else {
            item.deadline = Some(d.to_string());
        }
    }
    if let Some(o) = &input.observation {
        let (o, asset) = (o.trim(), input.asset.as_deref().unwrap_or("").trim());
        if o.chars().count() > 2000 || asset.chars().count() > 200 {
            return Err(bad(
                "ghi nhận dài quá 2000 ký tự hoặc tên thiết bị dài quá 200 ký tự",
                "the observation is longer than 2000 characters or the asset longer than 200",
            ));
        }
        if matches!(item.source, ItemSource::Manual) {
            item.observations = if o.is_empty() {
                Vec::new()
            } else {
                vec![antoan_inspect::Observation {
                    asset: asset.to_string(),
                    subject: String::new(),
                    text: antoan_model::Text::new(o, o),
                    finding: String::new(),
                    severity: item.severity,
                }]
            };
        }
    }
    let version = input.version.unwrap_or(cr.version);
    save(state, cu, &row, unit.id, &cl, version).await
}

async fn save(
    state: &AppState,
    cu: &CurrentUser,
    row: &InspectionRow,
    unit_id: i64,
    cl: &Checklist,
    version: i64,
) -> Result<ChecklistRow, ApiError> {
    match state
        .store
        .save_checklist(
            row.id,
            unit_id,
            &to_json(cl)?,
            version,
            &crate::api::actor(cu),
        )
        .await
    {
        Ok(r) => Ok(r),
        Err(StoreError::Conflict(_)) => Err(conflict_reason(state, row.id).await),
        Err(e) => Err(store_err(e)),
    }
}

/// A version conflict, or the inspection was concluded meanwhile.
async fn conflict_reason(state: &AppState, id: i64) -> ApiError {
    match state.store.inspection(id).await {
        Ok(Some(r)) if r.state == InspectionState::Concluded => concluded(),
        _ => changed_meanwhile(),
    }
}

/// Re-reads the reports and fills the automatic items again.
pub async fn refresh(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
) -> Result<ChecklistRow, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    may_fill(state, cu, &row).await?;
    let (cr, mut cl) = checklist(state, &row, &unit).await?;
    let reports = unit_reports(state, Some(&row), &unit).await?;
    antoan_inspect::fill_automatic(&mut cl, &reports, &kb()?.rules);
    save(state, cu, &row, unit.id, &cl, cr.version).await
}

// ---------------------------------------------------------------- evidence

/// An uploaded file refused: 413 when too large, 415 when of a refused
/// type, 400 otherwise; the message names the file.
pub fn too_large(file_name: &str) -> ApiError {
    let max = policy().max_bytes;
    err(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        format!("{file_name}: tệp quá lớn (tối đa {max} byte)"),
        format!("{file_name}: file is too large (at most {max} bytes)"),
    )
}

fn rejected(r: antoan_inspect::evidence::EvidenceRejection, size: usize) -> ApiError {
    let status = if size as u64 > policy().max_bytes {
        (StatusCode::PAYLOAD_TOO_LARGE, "too-large")
    } else if size == 0 || r.file_name.trim().is_empty() {
        (StatusCode::BAD_REQUEST, "bad-request")
    } else {
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-type")
    };
    ApiError::new(status.0, status.1, r.message.vi, r.message.en)
}

/// Stores an evidence file on an item, with the checklist that now refers to it.
#[allow(clippy::too_many_arguments)]
pub async fn add_evidence(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
    item_id: &str,
    file_name: &str,
    declared: Option<&str>,
    bytes: Vec<u8>,
) -> Result<EvidenceMeta, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    may_fill(state, cu, &row).await?;
    let eref = validate_evidence(file_name, declared, &bytes, &policy())
        .map_err(|r| rejected(r, bytes.len()))?;
    let n = NewEvidence {
        inspection_id: row.id,
        unit_id: unit.id,
        item_id: item_id.to_string(),
        file_name: eref.file_name.clone(),
        media_type: eref.media_type.clone(),
        sha256: eref.sha256.clone(),
        body: bytes,
    };
    // Another answer may land between the read and the write: retry on a version change.
    for _ in 0..4 {
        let (cr, mut cl) = checklist(state, &row, &unit).await?;
        let Some(item) = cl.item_mut(item_id) else {
            return Err(ApiError::not_found("item"));
        };
        if !item.evidence.contains(&eref) {
            item.evidence.push(eref.clone());
        }
        match state
            .store
            .add_evidence(&n, &to_json(&cl)?, cr.version, &crate::api::actor(cu))
            .await
        {
            Ok(m) => return Ok(m),
            Err(StoreError::Conflict(_)) => {
                let e = conflict_reason(state, row.id).await;
                if e.code == "concluded" {
                    return Err(e);
                }
            }
            Err(e) => return Err(store_err(e)),
        }
    }
    Err(changed_meanwhile())
}

/// Stores an `antoan scan --format json` report for a unit (evidence item
/// `_scan`) and fills the automatic items again with it, in one write.
pub async fn add_scan(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<EvidenceMeta, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    may_fill(state, cu, &row).await?;
    let eref = validate_evidence(file_name, Some("application/json"), &bytes, &policy())
        .map_err(|r| rejected(r, bytes.len()))?;
    let scan: Report = serde_json::from_slice(&bytes).map_err(|e| {
        err(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-a-scan",
            format!(
                "{}: không phải báo cáo rà quét antoan (JSON): {e}",
                eref.file_name
            ),
            format!("{}: not an antoan scan report (JSON): {e}", eref.file_name),
        )
    })?;
    if !antoan_inspect::rules::is_scan(&scan) {
        return Err(err(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-a-scan",
            format!(
                "{}: là báo cáo kiểm tra máy, không phải kết quả `antoan scan`",
                eref.file_name
            ),
            format!(
                "{}: a host audit report, not the output of `antoan scan`",
                eref.file_name
            ),
        ));
    }
    let n = NewEvidence {
        inspection_id: row.id,
        unit_id: unit.id,
        item_id: SCAN_ITEM.to_string(),
        file_name: eref.file_name.clone(),
        media_type: eref.media_type.clone(),
        sha256: eref.sha256.clone(),
        body: bytes,
    };
    let kb = kb()?;
    for _ in 0..4 {
        let (cr, mut cl) = checklist(state, &row, &unit).await?;
        let mut reports = unit_reports(state, Some(&row), &unit).await?;
        reports.push(scan.clone());
        antoan_inspect::fill_automatic(&mut cl, &reports, &kb.rules);
        match state
            .store
            .add_evidence(&n, &to_json(&cl)?, cr.version, &crate::api::actor(cu))
            .await
        {
            Ok(m) => return Ok(m),
            Err(StoreError::Conflict(_)) => {
                let e = conflict_reason(state, row.id).await;
                if e.code == "concluded" {
                    return Err(e);
                }
            }
            Err(e) => return Err(store_err(e)),
        }
    }
    Err(changed_meanwhile())
}

/// An evidence file of a visible unit, else 404.
pub async fn evidence_file(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> Result<(EvidenceMeta, Vec<u8>), ApiError> {
    let Some((m, body)) = state.store.evidence(id).await.map_err(store_err)? else {
        return Err(ApiError::not_found("evidence"));
    };
    let row = visible_inspection(state, cu, m.inspection_id).await?;
    visible_unit(&row, cu, m.unit_id)?;
    Ok((m, body))
}

/// The file as stored: its sniffed media type, never sniffed again by the
/// browser, no script, shown inline only when it is an image.
pub fn evidence_response(m: &EvidenceMeta, body: Vec<u8>) -> Response {
    let ascii: String = m
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let utf8 =
        percent_encoding::utf8_percent_encode(&m.file_name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = if m.media_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    set(h, header::CONTENT_TYPE, m.media_type.clone());
    set(
        h,
        header::CONTENT_DISPOSITION,
        format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{utf8}"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ),
    );
    set(
        h,
        header::HeaderName::from_static("x-content-sha256"),
        m.sha256.clone(),
    );
    resp
}

// ---------------------------------------------------------------- concluding

/// The findings of a checklist (non-compliant items) and the finding ids of
/// its compliant items.
pub fn outcome_of(doc: &Inspection, cl: &Checklist, kb: &Kb) -> (Vec<Finding>, Vec<String>) {
    let findings = checklist_findings(doc, cl, &kb.knowledge.controls, &kb.rules);
    let host_key = format!("unit:{}", cl.unit);
    let compliant = cl
        .items
        .iter()
        .filter(|i| i.answer == Answer::Compliant)
        .map(|i| {
            Finding::stable_id(
                &host_key,
                &format!("{INSPECTION_CHECK_PREFIX}{}", i.id),
                &i.id,
            )
        })
        .collect();
    (findings, compliant)
}

pub async fn conclude(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> Result<ConcludeOutcome, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    may_conclude(state, cu, &row).await?;
    let doc = document(&row)?;
    let kb = kb()?;
    for u in &row.units {
        snapshot_reports(state, cu, &row, u).await?;
    }
    let mut outcomes = Vec::new();
    for cr in state.store.checklists(row.id).await.map_err(store_err)? {
        let cl = parse_checklist(&cr)?;
        let (findings, compliant_keys) = outcome_of(&doc, &cl, kb);
        outcomes.push(UnitOutcome {
            unit_id: cr.unit.id,
            findings,
            compliant_keys,
        });
    }
    match state
        .store
        .conclude_inspection(row.id, &outcomes, &crate::api::actor(cu))
        .await
    {
        Ok(o) => Ok(o),
        Err(StoreError::Conflict(_)) => Err(concluded()),
        Err(e) => Err(store_err(e)),
    }
}

/// Follow-up with the previous inspection over the caller's visible units:
/// what was fixed, what remains, what is new. None without a previous one
/// (or when it is no longer visible).
pub async fn followup(
    state: &AppState,
    cu: &CurrentUser,
    row: &InspectionRow,
) -> Result<Option<(InspectionRow, FollowUp)>, ApiError> {
    let Some(pid) = row.previous_id else {
        return Ok(None);
    };
    let prev = match visible_inspection(state, cu, pid).await {
        Ok(p) => p,
        Err(e) if e.status == StatusCode::NOT_FOUND => return Ok(None),
        Err(e) => return Err(e),
    };
    let kb = kb()?;
    let findings_of = |r: &InspectionRow| {
        let r = r.clone();
        async move {
            let doc = document(&r)?;
            let mut all = Vec::new();
            for cr in state.store.checklists(r.id).await.map_err(store_err)? {
                if !cu.sees(&cr.unit.path) {
                    continue;
                }
                let cl = parse_checklist(&cr)?;
                all.extend(checklist_findings(
                    &doc,
                    &cl,
                    &kb.knowledge.controls,
                    &kb.rules,
                ));
            }
            Ok::<_, ApiError>(all)
        }
    };
    let before = findings_of(&prev).await?;
    let now = findings_of(row).await?;
    Ok(Some((
        prev,
        antoan_inspect::followup::compare(&before, &now),
    )))
}

// ---------------------------------------------------------------- the conclusion

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Docx,
    Pdf,
}

impl std::str::FromStr for Format {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Format, ApiError> {
        match s {
            "html" => Ok(Format::Html),
            "docx" => Ok(Format::Docx),
            "pdf" => Ok(Format::Pdf),
            _ => Err(bad(
                format!("định dạng {s:?} không có (html, docx, pdf)"),
                format!("no format {s:?} (html, docx, pdf)"),
            )),
        }
    }
}

/// The Chromium that prints conclusions: `ANTOAN_CHROMIUM` when set (as for
/// `antoan_inspect::pdf`), else the dashboard's [`CHROMIUM`].
fn chromium() -> std::path::PathBuf {
    std::env::var_os("ANTOAN_CHROMIUM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(CHROMIUM))
}

/// Only one Chromium at a time for conclusions (the server is modest).
static ONE_PDF: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(60)
        .collect()
}

/// The conclusion of one unit as HTML (inline), DOCX or PDF (attachments).
pub async fn conclusion(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
    format: Format,
    lang: Lang,
) -> Result<Response, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    let doc = document(&row)?;
    let (_, cl) = checklist(state, &row, &unit).await?;
    let reports = unit_reports(state, Some(&row), &unit).await?;
    let kb = kb()?;
    let input = antoan_inspect::ConclusionInput {
        inspection: &doc,
        unit: &unit.path,
        checklist: &cl,
        reports: &reports,
        catalog: &kb.knowledge.controls,
        rules: &kb.rules,
    };
    let c = antoan_inspect::conclude(&input).map_err(bad_document)?;
    let d = antoan_inspect::document(&input, &c, lang);
    let name = format!(
        "ket-luan-{}-{}-{}",
        file_part(&row.code),
        file_part(&unit.slug),
        lang.code()
    );
    let attach = |ct: &'static str, ext: &str, body: Vec<u8>| {
        (
            [
                (header::CONTENT_TYPE, ct.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{ext}\""),
                ),
            ],
            body,
        )
            .into_response()
    };
    match format {
        Format::Html => Ok((
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            antoan_inspect::html::render_html(&d),
        )
            .into_response()),
        Format::Docx => {
            let bytes = antoan_inspect::docx::render_docx(&d).map_err(|e| {
                crate::log_error(&format!("DOCX of inspection {id}: {e}"));
                ApiError::internal()
            })?;
            Ok(attach(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx",
                bytes,
            ))
        }
        Format::Pdf => {
            let chromium = chromium();
            if !chromium.is_file() {
                let shown = chromium.display();
                return Err(err(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "pdf-unavailable",
                    format!("máy chủ chưa cài Chromium ({shown}) nên không xuất được PDF; hãy tải bản DOCX hoặc HTML"),
                    format!("Chromium ({shown}) is not installed on the server, so no PDF can be made; download the DOCX or HTML instead"),
                ));
            }
            let html = antoan_inspect::html::render_html(&d);
            let _permit = ONE_PDF.acquire().await.map_err(|_| ApiError::internal())?;
            let pdf = tokio::task::spawn_blocking(move || {
                antoan_inspect::pdf::render_pdf(&html, Some(&chromium), Duration::from_secs(90))
            })
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                crate::log_error(&format!("PDF of inspection {id}: {e}"));
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "pdf-failed",
                    e.message.vi,
                    e.message.en,
                )
            })?;
            Ok(attach("application/pdf", "pdf", pdf))
        }
    }
}

/// Team roles as written on the form ("lead", "trưởng đoàn" …).
pub fn parse_role(s: &str) -> Option<antoan_inspect::TeamRole> {
    use antoan_inspect::TeamRole::*;
    let s = s.trim().to_lowercase();
    match s.as_str() {
        "lead" | "trưởng đoàn" | "truong doan" => Some(Lead),
        "deputy" | "phó trưởng đoàn" | "pho truong doan" => Some(Deputy),
        "member" | "thành viên" | "thanh vien" | "" => Some(Member),
        "secretary" | "thư ký" | "thu ky" => Some(Secretary),
        _ => None,
    }
}

/// Whether the stored evidence on an item is an image (shown inline).
pub fn is_image(media_type: &str) -> bool {
    media_type.starts_with("image/")
}

// ---------------------------------------------------------------- uploads

/// A file of a multipart upload.
pub struct UploadedFile {
    pub name: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The text fields and the (first) file field named `file` of a multipart
/// body. The file is read chunk by chunk and refused (413, naming it) as
/// soon as it passes the evidence limit.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Option<UploadedFile>,
}

fn multipart_error(e: axum::extract::multipart::MultipartError, file: &str) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(if file.is_empty() { "?" } else { file })
    } else {
        bad(
            format!("nội dung tải lên không đọc được: {}", e.body_text()),
            format!("the upload could not be read: {}", e.body_text()),
        )
    }
}

pub async fn read_upload(mut mp: axum::extract::Multipart) -> Result<Upload, ApiError> {
    let max = usize::try_from(policy().max_bytes).unwrap_or(usize::MAX);
    let mut out = Upload {
        fields: Vec::new(),
        file: None,
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e, "")),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" && out.file.is_none() {
            let file_name: String = field
                .file_name()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let content_type = field.content_type().map(str::to_string);
            let mut bytes = Vec::new();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        if bytes.len() + c.len() > max {
                            return Err(too_large(&file_name));
                        }
                        bytes.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(multipart_error(e, &file_name)),
                }
            }
            out.file = Some(UploadedFile {
                name: file_name,
                content_type,
                bytes,
            });
        } else {
            let text = field.text().await.map_err(|e| multipart_error(e, ""))?;
            if text.len() > 64 * 1024 || out.fields.len() > 32 {
                return Err(bad("trường văn bản quá dài", "a text field is too long"));
            }
            out.fields.push((name, text));
        }
    }
    Ok(out)
}

/// The upload's file, or 400.
pub fn upload_file(u: Upload) -> Result<(Vec<(String, String)>, UploadedFile), ApiError> {
    match u.file {
        Some(f) => Ok((u.fields, f)),
        None => Err(bad(
            "chưa chọn tệp (trường `file`)",
            "no file was sent (field `file`)",
        )),
    }
}

// ---------------------------------------------------------------- the document

/// Replaces the inspection document while the inspection is open. The code,
/// the units, the level and the framework stay as they were (the checklists
/// were made for them); everything else (team, dates, the units' overview
/// and assessment notes …) may change.
pub async fn update_document(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    new: Inspection,
) -> Result<InspectionRow, ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    may_fill(state, cu, &row).await?;
    if !row.units.iter().all(|u| cu.sees(&u.path)) {
        return Err(ApiError::forbidden());
    }
    new.validate("inspection").map_err(bad_document)?;
    let old = document(&row)?;
    let ids = |d: &Inspection| {
        let mut v: Vec<String> = d.scope.units.iter().map(|u| u.id.clone()).collect();
        v.sort();
        v
    };
    if new.id != old.id
        || ids(&new) != ids(&old)
        || new.level != old.level
        || new.framework != old.framework
    {
        return Err(bad(
            "không được đổi mã, các đơn vị, cấp độ hay khung biện pháp của cuộc kiểm tra (bảng kiểm đã lập theo chúng)",
            "the code, units, level and framework of an inspection cannot change (the checklists were made for them)",
        ));
    }
    match state
        .store
        .update_inspection_document(row.id, &to_json(&new)?, &crate::api::actor(cu))
        .await
    {
        Ok(()) => visible_inspection(state, cu, id).await,
        Err(StoreError::Conflict(_)) => Err(concluded()),
        Err(e) => Err(store_err(e)),
    }
}

/// What the inspectors write about one unit (sections II and IV of the
/// conclusion). Lists are one entry a line; systems are `name | level |
/// approved` (approved: yes/có).
#[derive(Debug, Clone, Default)]
pub struct UnitInfo {
    pub address: String,
    pub head: String,
    pub organisation: String,
    pub infrastructure: String,
    pub systems: String,
    pub document_management: String,
    pub digital_signatures: String,
    pub measures_on_site: String,
    pub strengths: String,
    pub causes: String,
    pub responsibilities: String,
    pub level_note: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().take(2000).collect())
        .collect()
}

impl UnitInfo {
    pub fn of(u: &antoan_inspect::Unit) -> UnitInfo {
        let o = &u.overview;
        UnitInfo {
            address: u.address.clone(),
            head: u.head.clone(),
            organisation: o.organisation.clone(),
            infrastructure: o.infrastructure.clone(),
            systems: o
                .systems
                .iter()
                .map(|s| {
                    format!(
                        "{} | {} | {}",
                        s.name,
                        s.level,
                        if s.approved { "có" } else { "chưa" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            document_management: o.document_management.clone(),
            digital_signatures: o.digital_signatures.clone(),
            measures_on_site: u.measures_on_site.join("\n"),
            strengths: u.assessment.strengths.join("\n"),
            causes: u.assessment.causes.join("\n"),
            responsibilities: u.assessment.responsibilities.join("\n"),
            level_note: u.assessment.level_note.clone(),
        }
    }

    /// Writes these fields into the document's unit; a bad systems line is an error naming it.
    pub fn apply(&self, u: &mut antoan_inspect::Unit) -> Result<(), ApiError> {
        let mut systems = Vec::new();
        for (n, l) in lines(&self.systems).iter().enumerate() {
            let mut p = l.splitn(3, '|').map(str::trim);
            let name = p.next().unwrap_or("").to_string();
            let level = p
                .next()
                .unwrap_or("")
                .parse::<u8>()
                .ok()
                .filter(|l| (1..=5).contains(l));
            let approved = matches!(
                p.next().unwrap_or("").to_lowercase().as_str(),
                "có" | "yes" | "x" | "đã duyệt" | "approved"
            );
            match level {
                Some(level) if !name.is_empty() => systems.push(antoan_inspect::SystemLevel {
                    name,
                    level,
                    approved,
                }),
                _ => {
                    return Err(bad(
                        format!(
                            "dòng hệ thống {} không hợp lệ (cần: tên | cấp độ 1–5 | có/chưa): {l}",
                            n + 1
                        ),
                        format!(
                        "systems line {} is not valid (expected: name | level 1–5 | yes/no): {l}",
                        n + 1
                    ),
                    ))
                }
            }
        }
        let t = |s: &str| s.trim().chars().take(4000).collect::<String>();
        u.address = t(&self.address);
        u.head = t(&self.head);
        u.overview.organisation = t(&self.organisation);
        u.overview.infrastructure = t(&self.infrastructure);
        u.overview.systems = systems;
        u.overview.document_management = t(&self.document_management);
        u.overview.digital_signatures = t(&self.digital_signatures);
        u.measures_on_site = lines(&self.measures_on_site);
        u.assessment.strengths = lines(&self.strengths);
        u.assessment.causes = lines(&self.causes);
        u.assessment.responsibilities = lines(&self.responsibilities);
        u.assessment.level_note = t(&self.level_note);
        Ok(())
    }
}

/// Updates one unit's information in the inspection document.
pub async fn update_unit_info(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    unit_id: i64,
    info: &UnitInfo,
) -> Result<(), ApiError> {
    let row = visible_inspection(state, cu, id).await?;
    let unit = visible_unit(&row, cu, unit_id)?.clone();
    may_fill(state, cu, &row).await?;
    let mut doc = document(&row)?;
    let Some(u) = doc.scope.units.iter_mut().find(|u| u.id == unit.path) else {
        return Err(ApiError::not_found("unit"));
    };
    info.apply(u)?;
    doc.validate("inspection").map_err(bad_document)?;
    match state
        .store
        .update_inspection_document(row.id, &to_json(&doc)?, &crate::api::actor(cu))
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(concluded()),
        Err(e) => Err(store_err(e)),
    }
}
