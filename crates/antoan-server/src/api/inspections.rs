//! Inspections over the API: the twins of the dashboard's inspection pages.
//! Role and scope rules are those of [`crate::web::inspections_core`]:
//! anything outside the caller's scope is 404, viewers only read, a
//! concluded inspection refuses changes (409).

use antoan_inspect::followup::FollowUp;
use antoan_inspect::{Checklist, Inspection};
use antoan_model::Lang;
use antoan_store::{ChecklistRow, ConcludeOutcome, EvidenceMeta, InspectionRow};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::web::inspections_core::{self as core, AnswerInput, Format, Progress};
use crate::{ApiError, AppState, CurrentUser};

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CreateQuery {
    /// The inspection this one follows up (compared on its page).
    pub previous_id: Option<i64>,
}

/// All inspections with a unit in your scope, newest first.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections",
    responses((status = 200, description = "[InspectionRow]")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<InspectionRow>>, ApiError> {
    Ok(Json(state.store.inspections(&user.scope).await?))
}

/// Creates an inspection from its JSON document (`antoan_inspect::Inspection`, `scope.units[].id` = unit
/// paths): one checklist per unit, automatic items filled from the latest agent reports.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "inspections", params(CreateQuery),
    request_body(content = String, description = "the inspection document (JSON)", content_type = "application/json"),
    responses((status = 201, description = "InspectionRow"), (status = 400, description = "invalid document (message names the field and line)"),
              (status = 403, description = "viewer"), (status = 404, description = "a unit outside your scope"),
              (status = 409, description = "the code is taken")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CreateQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<InspectionRow>), ApiError> {
    user.require_write()?;
    let doc = Inspection::from_json(&body, "inspection.json").map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid-inspection",
            e.message.vi,
            e.message.en,
        )
    })?;
    let row = core::create(&state, &user, doc, q.previous_id).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[derive(Debug, Serialize)]
pub struct UnitProgress {
    pub unit_id: i64,
    pub path: String,
    pub name: String,
    pub version: i64,
    pub progress: Progress,
}

#[derive(Debug, Serialize)]
pub struct InspectionDetail {
    pub inspection: InspectionRow,
    /// The visible units' checklists, counted.
    pub units: Vec<UnitProgress>,
    /// Compared with the previous inspection, when there is one.
    pub followup: Option<FollowUp>,
}

/// Replaces the inspection document while it is open (team, dates, the units' overview and assessment
/// notes …); the code, units, level and framework cannot change.
#[utoipa::path(put, path = "/api/v1/inspections/{id}/document", tag = "inspections", params(("id" = i64, Path,)),
    request_body(content = String, description = "the inspection document (JSON)", content_type = "application/json"),
    responses((status = 200, description = "InspectionRow"), (status = 400, description = "invalid document, or code/units/level/framework changed"),
              (status = 403, description = "not allowed to fill this inspection"), (status = 404, description = "not in your scope"),
              (status = 409, description = "concluded")))]
pub async fn update_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<InspectionRow>, ApiError> {
    let doc = Inspection::from_json(&body, "inspection.json").map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid-inspection",
            e.message.vi,
            e.message.en,
        )
    })?;
    Ok(Json(core::update_document(&state, &user, id, doc).await?))
}

/// One inspection, its units' progress and the follow-up comparison.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspections", params(("id" = i64, Path,)),
    responses((status = 200, description = "{inspection, units, followup}"), (status = 404, description = "not in your scope")))]
pub async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<InspectionDetail>, ApiError> {
    let row = core::visible_inspection(&state, &user, id).await?;
    let mut units = Vec::new();
    for u in row.units.iter().filter(|u| user.sees(&u.path)) {
        let (cr, cl) = core::checklist(&state, &row, u).await?;
        units.push(UnitProgress {
            unit_id: u.id,
            path: u.path.clone(),
            name: u.name.clone(),
            version: cr.version,
            progress: core::progress(&cl),
        });
    }
    let followup = core::followup(&state, &user, &row).await?.map(|(_, f)| f);
    Ok(Json(InspectionDetail {
        inspection: row,
        units,
        followup,
    }))
}

#[derive(Debug, Serialize)]
pub struct ChecklistDetail {
    pub inspection_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    /// Send it back with an answer (optimistic locking).
    pub version: i64,
    pub updated_by: String,
    pub checklist: Checklist,
    pub evidence: Vec<EvidenceMeta>,
}

fn detail(cr: ChecklistRow, cl: Checklist, evidence: Vec<EvidenceMeta>) -> ChecklistDetail {
    ChecklistDetail {
        inspection_id: cr.inspection_id,
        unit_id: cr.unit.id,
        unit_path: cr.unit.path,
        version: cr.version,
        updated_by: cr.updated_by,
        checklist: cl,
        evidence,
    }
}

/// One unit's checklist with its version and evidence list.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/units/{unit_id}/checklist", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,)),
    responses((status = 200, description = "{version, checklist, evidence}"), (status = 404, description = "not in your scope")))]
pub async fn checklist(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<Json<ChecklistDetail>, ApiError> {
    let row = core::visible_inspection(&state, &user, id).await?;
    let unit = core::visible_unit(&row, &user, unit_id)?.clone();
    let (cr, cl) = core::checklist(&state, &row, &unit).await?;
    let ev = state.store.evidence_list(row.id, unit.id).await?;
    Ok(Json(detail(cr, cl, ev)))
}

/// Answers one item (`{answer, notes, severity, owner, deadline, version}`); item ids may hold a slash
/// (`M5.1/auto.eol-microsoft`). A stale `version` is 409.
#[utoipa::path(put, path = "/api/v1/inspections/{id}/units/{unit_id}/items/{item}", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,), ("item" = String, Path,)), request_body = AnswerInput,
    responses((status = 200, description = "the checklist after the answer"), (status = 400, description = "invalid answer"),
              (status = 403, description = "viewer, or not allowed to fill this inspection"), (status = 404, description = "not in your scope"),
              (status = 409, description = "stale version, or concluded")))]
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id, item)): Path<(i64, i64, String)>,
    Json(input): Json<AnswerInput>,
) -> Result<Json<ChecklistDetail>, ApiError> {
    let cr = core::answer(&state, &user, id, unit_id, &item, &input).await?;
    let cl = core::parse_checklist(&cr)?;
    let ev = state.store.evidence_list(id, unit_id).await?;
    Ok(Json(detail(cr, cl, ev)))
}

/// Fills the automatic items again from the latest reports and uploaded scans.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/units/{unit_id}/refresh", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,)),
    responses((status = 200, description = "the checklist"), (status = 404, description = "not in your scope"), (status = 409, description = "concluded")))]
pub async fn refresh(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<Json<ChecklistDetail>, ApiError> {
    let cr = core::refresh(&state, &user, id, unit_id).await?;
    let cl = core::parse_checklist(&cr)?;
    let ev = state.store.evidence_list(id, unit_id).await?;
    Ok(Json(detail(cr, cl, ev)))
}

/// Uploads an evidence file (multipart: `item`, `file`) for an item. The type is decided by the bytes.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/units/{unit_id}/evidence", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,)),
    request_body(content = String, description = "multipart/form-data: item, file", content_type = "multipart/form-data"),
    responses((status = 201, description = "EvidenceMeta"), (status = 413, description = "file too large (message names it)"),
              (status = 415, description = "refused type, or the extension does not match the content"),
              (status = 404, description = "not in your scope"), (status = 409, description = "concluded")))]
pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<(StatusCode, Json<EvidenceMeta>), ApiError> {
    let (fields, file) = core::upload_file(core::read_upload(mp).await?)?;
    let item = fields
        .iter()
        .find(|(k, _)| k == "item")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    let m = core::add_evidence(
        &state,
        &user,
        id,
        unit_id,
        &item,
        &file.name,
        file.content_type.as_deref(),
        file.bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Uploads an `antoan scan --format json` report for a unit (multipart: `file`); the automatic items are filled again.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/units/{unit_id}/scans", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,)),
    request_body(content = String, description = "multipart/form-data: file", content_type = "multipart/form-data"),
    responses((status = 201, description = "EvidenceMeta"), (status = 415, description = "not a scan report"),
              (status = 404, description = "not in your scope"), (status = 409, description = "concluded")))]
pub async fn scan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<(StatusCode, Json<EvidenceMeta>), ApiError> {
    let (_, file) = core::upload_file(core::read_upload(mp).await?)?;
    let m = core::add_scan(&state, &user, id, unit_id, &file.name, file.bytes).await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// An evidence file, byte for byte, with its stored media type (`X-Content-Sha256` carries its sha256).
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "inspections", params(("id" = i64, Path,)),
    responses((status = 200, description = "the file"), (status = 404, description = "not in your scope")))]
pub async fn evidence_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (m, body) = core::evidence_file(&state, &user, id).await?;
    Ok(core::evidence_response(&m, body))
}

/// Concludes: non-compliant items become findings on each unit's site host (with owner and deadline),
/// compliant items fix earlier findings; the checklists are frozen.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/conclude", tag = "inspections", params(("id" = i64, Path,)),
    responses((status = 200, description = "{opened, reopened, kept, fixed}"), (status = 403, description = "not allowed to conclude"),
              (status = 404, description = "not in your scope"), (status = 409, description = "already concluded")))]
pub async fn conclude(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ConcludeOutcome>, ApiError> {
    Ok(Json(core::conclude(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ConclusionQuery {
    /// `html` (default), `docx` or `pdf`.
    pub format: Option<String>,
    /// `vi` (default) or `en`.
    pub lang: Option<String>,
}

/// The conclusion (Kết luận kiểm tra) of one unit as HTML, DOCX or PDF; 503 when the server has no Chromium for PDF.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/units/{unit_id}/conclusion", tag = "inspections",
    params(("id" = i64, Path,), ("unit_id" = i64, Path,), ConclusionQuery),
    responses((status = 200, description = "the document"), (status = 404, description = "not in your scope"),
              (status = 503, description = "no Chromium for PDF")))]
pub async fn conclusion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    Query(q): Query<ConclusionQuery>,
) -> Result<Response, ApiError> {
    let format: Format = q.format.as_deref().unwrap_or("html").parse()?;
    let lang = match q.lang.as_deref() {
        Some(l) => l
            .parse::<Lang>()
            .map_err(|_| ApiError::bad_request("ngôn ngữ: vi hoặc en", "lang: vi or en"))?,
        None => user.lang,
    };
    Ok(core::conclusion(&state, &user, id, unit_id, format, lang)
        .await?
        .into_response())
}

/// The team of the "new inspection" form: one person a line, `name | role |
/// position` (role in Vietnamese or English; a member when left out). A team
/// without a lead is led by its first person. Blank lines are skipped; a
/// line without a name or with an unknown role is an error naming the line.
pub fn parse_team(text: &str, lang: Lang) -> Result<Vec<antoan_inspect::TeamMember>, String> {
    let mut team = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '|').map(str::trim);
        let name: String = parts.next().unwrap_or("").chars().take(200).collect();
        let role = core::parse_role(parts.next().unwrap_or(""));
        let position: String = parts.next().unwrap_or("").chars().take(300).collect();
        match role {
            Some(role) if !name.is_empty() && team.len() < 50 => {
                team.push(antoan_inspect::TeamMember {
                    name,
                    role,
                    position,
                })
            }
            _ => {
                let shown: String = line.chars().take(80).collect();
                return Err(match lang {
                    Lang::Vi => format!("dòng {} của đoàn kiểm tra không hợp lệ (cần: họ tên | vai trò | chức vụ): {shown}", n + 1),
                    Lang::En => format!("team line {} is not valid (expected: name | role | position): {shown}", n + 1),
                });
            }
        }
    }
    if !team.is_empty()
        && !team
            .iter()
            .any(|m| m.role == antoan_inspect::TeamRole::Lead)
    {
        team[0].role = antoan_inspect::TeamRole::Lead;
    }
    Ok(team)
}

#[cfg(test)]
mod tests {
    use super::*;
    use antoan_inspect::TeamRole;

    #[test]
    fn team_lines() {
        let t = parse_team(
            "Nguyễn Văn An | trưởng đoàn | Phó Giám đốc\n\n  Trần Thị Bình|member|Chuyên viên\nLê Cường",
            Lang::Vi,
        )
        .unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(
            (t[0].name.as_str(), t[0].role),
            ("Nguyễn Văn An", TeamRole::Lead)
        );
        assert_eq!(
            (t[1].role, t[1].position.as_str()),
            (TeamRole::Member, "Chuyên viên")
        );
        assert_eq!(t[2].role, TeamRole::Member);
        // No lead named: the first person leads.
        let t = parse_team("A | thư ký\nB", Lang::En).unwrap();
        assert_eq!((t[0].role, t[1].role), (TeamRole::Lead, TeamRole::Member));
        let e = parse_team("A | lead\n | member", Lang::En).unwrap_err();
        assert!(e.contains("team line 2"), "{e}");
        let e = parse_team("A | chef", Lang::Vi).unwrap_err();
        assert!(e.contains("dòng 1"), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        for g in [
            "",
            "|||",
            "\u{0}\u{202e}|lead",
            "a|b|c|d|e",
            &"x|lead\n".repeat(100),
            "\u{feff}Tên | TRƯỞNG ĐOÀN",
        ] {
            let _ = parse_team(g, Lang::Vi);
        }
        assert!(parse_team(&"x|member\n".repeat(60), Lang::En)
            .unwrap_err()
            .contains("line 51"));
    }
}
