//! The inspection pages' HTTP handlers: read and change through
//! [`inspections_core`](super::inspections_core) (role and scope checks
//! live there), render with [`inspections_pages`](super::inspections_pages),
//! answer POST forms with a redirect or the page with a message.

// Handlers return ready error pages in `Err`; a large `Response` there is fine.
#![allow(clippy::result_large_err)]

use antoan_inspect::{Answer, Inspection, IssuingBody, Period};
use antoan_model::Severity;
use antoan_store::InspectionState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use time::OffsetDateTime;

use super::findings::pairs;
use super::i18n as t;
use super::inspections_core::{self as core, AnswerInput, Format};
use super::inspections_pages::{self as pages, NewForm, UnitView};
use super::inspections_text as x;
use super::layout::message_page;
use super::routes::{ctx, field, here, html, PageUser};
use crate::auth::check_csrf;
use crate::{ApiError, AppState, CurrentUser};

pub fn router() -> Router<AppState> {
    let upload = || DefaultBodyLimit::max(core::upload_body_limit());
    Router::new()
        .route("/inspections", get(list_h).post(create_h))
        .route("/inspections/new", get(new_h))
        .route("/inspections/{id}", get(inspection_h))
        .route("/inspections/{id}/conclude", post(conclude_h))
        .route("/inspections/{id}/units/{unit}", get(checklist_h))
        .route("/inspections/{id}/units/{unit}/answer", post(answer_h))
        .route("/inspections/{id}/units/{unit}/refresh", post(refresh_h))
        .route("/inspections/{id}/units/{unit}/info", post(unit_info_h))
        .route(
            "/inspections/{id}/units/{unit}/evidence",
            post(evidence_h).layer(upload()),
        )
        .route(
            "/inspections/{id}/units/{unit}/scan",
            post(scan_h).layer(upload()),
        )
        .route(
            "/inspections/{id}/units/{unit}/conclusion/{format}",
            get(conclusion_h),
        )
        .route("/evidence/{id}", get(evidence_file_h))
}

type PageResult = Result<Response, Response>;

/// An error as a page in the user's language, with the same status.
fn fail_page(cu: &CurrentUser, here: &str, e: ApiError, back: Option<&str>) -> Response {
    let c = ctx(cu, here);
    html(
        e.status,
        message_page(
            &c,
            c.tr(t::ERROR),
            e.message.get(cu.lang),
            back.or(Some("/inspections")),
        ),
    )
}

fn query_has(uri: &OriginalUri, key: &str) -> bool {
    pairs(uri.0.query().unwrap_or(""))
        .iter()
        .any(|(k, _)| k == key)
}

/// A urlencoded form body's pairs after the CSRF check (the middleware
/// checks it too; this keeps the handler safe on its own).
fn form(cu: &CurrentUser, here: &str, body: &Bytes) -> Result<Vec<(String, String)>, Response> {
    let s = std::str::from_utf8(body).map_err(|_| {
        fail_page(
            cu,
            here,
            ApiError::bad_request("dữ liệu không phải UTF-8", "the form is not UTF-8"),
            None,
        )
    })?;
    let p = pairs(s);
    let token = p
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    check_csrf(cu, token).map_err(|e| fail_page(cu, here, e, None))?;
    Ok(p)
}

// ---------------------------------------------------------------- list and new

async fn list_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    let rows = state
        .store
        .inspections(&cu.scope)
        .await
        .map_err(|e| fail_page(&cu, &here, e.into(), Some("/")))?;
    Ok(html(
        StatusCode::OK,
        pages::list_page(&ctx(&cu, &here), &rows),
    ))
}

async fn new_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    status: StatusCode,
    f: &NewForm,
    error: Option<&str>,
) -> PageResult {
    let units = state
        .store
        .units(&cu.scope)
        .await
        .map_err(|e| fail_page(cu, here, e.into(), None))?;
    let previous = state
        .store
        .inspections(&cu.scope)
        .await
        .map_err(|e| fail_page(cu, here, e.into(), None))?;
    Ok(html(
        status,
        pages::new_page(&ctx(cu, here), &units, &previous, f, error),
    ))
}

async fn new_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
) -> PageResult {
    let here = here(&uri);
    if !cu.can_write() {
        return Err(fail_page(&cu, &here, ApiError::forbidden(), None));
    }
    let today = OffsetDateTime::now_utc().date();
    let d = super::layout::fmt_date(today);
    let f = NewForm {
        level: "2".into(),
        framework: "legacy".into(),
        date: d.clone(),
        decision_date: d.clone(),
        period_from: d.clone(),
        period_to: d,
        ..Default::default()
    };
    new_page_response(&state, &cu, &here, StatusCode::OK, &f, None).await
}

/// The form's values, as typed.
fn read_new_form(p: &[(String, String)]) -> NewForm {
    let g = |k: &str| field(p, k).unwrap_or("").to_string();
    NewForm {
        code: g("code"),
        decision_number: g("decision_number"),
        decision_date: g("decision_date"),
        decision_issuer: g("decision_issuer"),
        issuing_parent: g("issuing_parent"),
        issuing_name: g("issuing_name"),
        number: g("number"),
        place: g("place"),
        date: g("date"),
        level: g("level"),
        framework: g("framework"),
        team: p
            .iter()
            .find(|(k, _)| k == "team")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        units: p
            .iter()
            .filter(|(k, _)| k == "unit")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
        head: g("head"),
        period_from: g("period_from"),
        period_to: g("period_to"),
        previous: field(p, "previous").and_then(|v| v.parse().ok()),
    }
}

/// The inspection document the form describes, or what is wrong with it.
fn build_document(
    f: &NewForm,
    units: &[antoan_store::Unit],
    lang: antoan_model::Lang,
) -> Result<Inspection, String> {
    let team = crate::api::inspections::parse_team(&f.team, lang)?;
    if f.units.is_empty() {
        return Err(x::NO_UNIT_CHOSEN.get(lang).to_string());
    }
    let mut scope_units = Vec::new();
    for id in &f.units {
        let Some(u) = units.iter().find(|u| u.id == *id) else {
            return Err(format!("{}: {id}", t::NOT_FOUND.get(lang)));
        };
        scope_units.push(antoan_inspect::Unit {
            id: u.path.clone(),
            name: u.name.clone(),
            address: String::new(),
            head: f.head.clone(),
            overview: Default::default(),
            measures_on_site: Vec::new(),
            assessment: Default::default(),
        });
    }
    let level: u8 = f
        .level
        .parse()
        .map_err(|_| format!("{}: {}", x::LEVEL.get(lang), f.level))?;
    let doc = Inspection {
        schema_version: antoan_inspect::model::INSPECTION_SCHEMA_VERSION.to_string(),
        id: f.code.clone(),
        decision: antoan_inspect::Decision {
            number: f.decision_number.clone(),
            date: f.decision_date.clone(),
            issuer: f.decision_issuer.clone(),
        },
        issuing_body: IssuingBody {
            parent: f.issuing_parent.clone(),
            name: f.issuing_name.clone(),
        },
        number: f.number.clone(),
        place: f.place.clone(),
        date: f.date.clone(),
        team,
        scope: antoan_inspect::Scope {
            units: scope_units,
            period: Period {
                from: f.period_from.clone(),
                to: f.period_to.clone(),
            },
        },
        level,
        framework: if f.framework.is_empty() {
            "legacy".into()
        } else {
            f.framework.clone()
        },
        signer: None,
        minutes: Vec::new(),
        distribution: Vec::new(),
        report_back_days: None,
        follow_up_date: None,
    };
    if doc.id.chars().count() > 100
        || !doc
            .id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(format!("{}: {:?}", x::CODE.get(lang), doc.id));
    }
    doc.validate("")
        .map_err(|e| e.message.get(lang).to_string())?;
    Ok(doc)
}

async fn create_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    if !cu.can_write() {
        return Err(fail_page(&cu, &here, ApiError::forbidden(), None));
    }
    let f = read_new_form(&p);
    let units = state
        .store
        .units(&cu.scope)
        .await
        .map_err(|e| fail_page(&cu, &here, e.into(), None))?;
    let doc = match build_document(&f, &units, cu.lang) {
        Ok(d) => d,
        Err(why) => {
            let msg = format!("{}: {why}", x::INVALID_FORM.get(cu.lang));
            return new_page_response(
                &state,
                &cu,
                "/inspections/new",
                StatusCode::BAD_REQUEST,
                &f,
                Some(&msg),
            )
            .await;
        }
    };
    match core::create(&state, &cu, doc, f.previous).await {
        Ok(row) => Ok(Redirect::to(&format!("/inspections/{}", row.id)).into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            let msg = format!(
                "{}: {}",
                x::INVALID_FORM.get(cu.lang),
                e.message.get(cu.lang)
            );
            new_page_response(&state, &cu, "/inspections/new", e.status, &f, Some(&msg)).await
        }
        Err(e) => Err(fail_page(&cu, &here, e, None)),
    }
}

// ---------------------------------------------------------------- one inspection

async fn inspection_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
    notice: Option<&str>,
) -> PageResult {
    let fail = |e: ApiError| fail_page(cu, here, e, None);
    let row = core::visible_inspection(state, cu, id)
        .await
        .map_err(fail)?;
    let doc = core::document(&row).map_err(fail)?;
    let mut views = Vec::new();
    for u in row.units.iter().filter(|u| cu.sees(&u.path)) {
        let (_, cl) = core::checklist(state, &row, u).await.map_err(fail)?;
        let scans = state
            .store
            .evidence_list(row.id, u.id)
            .await
            .map_err(|e| fail(e.into()))?
            .into_iter()
            .filter(|m| m.item_id == core::SCAN_ITEM)
            .collect();
        views.push(UnitView {
            unit: u,
            progress: core::progress(&cl),
            scans,
        });
    }
    let can_fill = core::may_fill(state, cu, &row).await.is_ok();
    let can_conclude = core::may_conclude(state, cu, &row).await.is_ok();
    let followup = core::followup(state, cu, &row).await.map_err(fail)?;
    Ok(html(
        StatusCode::OK,
        pages::inspection_page(
            &ctx(cu, here),
            &row,
            &doc,
            &views,
            can_fill,
            can_conclude,
            followup.as_ref(),
            notice,
        ),
    ))
}

async fn inspection_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let notice = if query_has(&uri, "concluded") {
        Some(x::STATE_CONCLUDED.get(cu.lang))
    } else if query_has(&uri, "refreshed") {
        Some(x::REFRESHED.get(cu.lang))
    } else if query_has(&uri, "uploaded") {
        Some(x::UPLOADED.get(cu.lang))
    } else {
        None
    };
    inspection_page_response(&state, &cu, &here, id, notice).await
}

async fn conclude_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    form(&cu, &here, &body)?;
    let back = format!("/inspections/{id}");
    let o = core::conclude(&state, &cu, id)
        .await
        .map_err(|e| fail_page(&cu, &here, e, Some(&back)))?;
    let notice = pages::concluded_notice(&ctx(&cu, &here), &o);
    inspection_page_response(&state, &cu, &back, id, Some(&notice)).await
}

// ---------------------------------------------------------------- checklist

#[allow(clippy::too_many_arguments)]
async fn checklist_page_response(
    state: &AppState,
    cu: &CurrentUser,
    here: &str,
    id: i64,
    unit_id: i64,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> PageResult {
    let fail = |e: ApiError| fail_page(cu, here, e, None);
    let row = core::visible_inspection(state, cu, id)
        .await
        .map_err(fail)?;
    let unit = core::visible_unit(&row, cu, unit_id).map_err(fail)?.clone();
    let (cr, cl) = core::checklist(state, &row, &unit).await.map_err(fail)?;
    let evidence = state
        .store
        .evidence_list(row.id, unit.id)
        .await
        .map_err(|e| fail(e.into()))?;
    let kb = core::kb().map_err(fail)?;
    let lang = cu.lang;
    let group_name = |g: &str| {
        kb.knowledge
            .controls
            .groups
            .iter()
            .find(|x| x.id == g)
            .map(|x| x.name.get(lang).to_string())
            .unwrap_or_default()
    };
    let can_fill = core::may_fill(state, cu, &row).await.is_ok()
        || (row.state == InspectionState::Concluded && cu.can_write());
    let doc = core::document(&row).map_err(fail)?;
    let info = doc
        .scope
        .units
        .iter()
        .find(|u| u.id == unit.path)
        .map(core::UnitInfo::of)
        .unwrap_or_default();
    Ok(html(
        status,
        pages::checklist_page(
            &ctx(cu, here),
            &row,
            &unit,
            &cr,
            &cl,
            &evidence,
            &group_name,
            can_fill,
            &info,
            notice,
            error,
        ),
    ))
}

async fn checklist_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path((id, unit)): Path<(i64, i64)>,
) -> PageResult {
    let here = here(&uri);
    let notice = if query_has(&uri, "saved") {
        Some(x::SAVED.get(cu.lang))
    } else if query_has(&uri, "info") {
        Some(x::INFO_SAVED.get(cu.lang))
    } else if query_has(&uri, "uploaded") {
        Some(x::UPLOADED.get(cu.lang))
    } else {
        None
    };
    checklist_page_response(&state, &cu, &here, id, unit, StatusCode::OK, notice, None).await
}

fn anchor(item: &str) -> String {
    percent_encoding::utf8_percent_encode(item, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn answer_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path((id, unit)): Path<(i64, i64)>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    let back = format!("/inspections/{id}/units/{unit}");
    let item = field(&p, "item").unwrap_or("").to_string();
    let answer: Option<Answer> = match field(&p, "answer") {
        None => None,
        Some(a) => match serde_json::from_value(serde_json::Value::String(a.to_string())) {
            Ok(a) => Some(a),
            Err(_) => {
                return Err(fail_page(
                    &cu,
                    &here,
                    ApiError::bad_request("câu trả lời không hợp lệ", "invalid answer"),
                    Some(&back),
                ))
            }
        },
    };
    let severity: Option<Severity> = match field(&p, "severity") {
        None => None,
        Some(s) => Some(s.parse().map_err(|_| {
            fail_page(
                &cu,
                &here,
                ApiError::bad_request("mức độ không hợp lệ", "invalid severity"),
                Some(&back),
            )
        })?),
    };
    let input = AnswerInput {
        answer,
        notes: Some(
            p.iter()
                .find(|(k, _)| k == "notes")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        ),
        severity,
        owner: Some(field(&p, "owner").unwrap_or("").to_string()),
        deadline: Some(field(&p, "deadline").unwrap_or("").to_string()),
        observation: Some(field(&p, "observation").unwrap_or("").to_string()),
        asset: Some(field(&p, "asset").unwrap_or("").to_string()),
        version: field(&p, "version").and_then(|v| v.parse().ok()),
    };
    match core::answer(&state, &cu, id, unit, &item, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("{back}?saved=1#item-{}", anchor(&item))).into_response())
        }
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.code == "version" => {
            let msg = e.message.get(cu.lang).to_string();
            checklist_page_response(&state, &cu, &back, id, unit, e.status, None, Some(&msg)).await
        }
        Err(e) => Err(fail_page(&cu, &here, e, Some(&back))),
    }
}

async fn refresh_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path((id, unit)): Path<(i64, i64)>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    form(&cu, &here, &body)?;
    let back = format!("/inspections/{id}");
    core::refresh(&state, &cu, id, unit)
        .await
        .map_err(|e| fail_page(&cu, &here, e, Some(&back)))?;
    Ok(Redirect::to(&format!("{back}?refreshed=1")).into_response())
}

/// The multipart form's CSRF token is its `csrf` field (checked by the
/// middleware); checked again here so the handler is safe on its own.
fn upload_csrf(cu: &CurrentUser, fields: &[(String, String)]) -> Result<(), ApiError> {
    check_csrf(cu, field(fields, "csrf").unwrap_or(""))
}

async fn evidence_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path((id, unit)): Path<(i64, i64)>,
    mp: Multipart,
) -> PageResult {
    let here = format!("/inspections/{id}/units/{unit}");
    let r = async {
        let (fields, file) = core::upload_file(core::read_upload(mp).await?)?;
        upload_csrf(&cu, &fields)?;
        let item = field(&fields, "item").unwrap_or("").to_string();
        core::add_evidence(
            &state,
            &cu,
            id,
            unit,
            &item,
            &file.name,
            file.content_type.as_deref(),
            file.bytes,
        )
        .await
        .map(|_| item)
    }
    .await;
    match r {
        Ok(item) => {
            Ok(Redirect::to(&format!("{here}?uploaded=1#item-{}", anchor(&item))).into_response())
        }
        Err(e) => Err(fail_page(&cu, &here, e, Some(&here))),
    }
}

async fn scan_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path((id, unit)): Path<(i64, i64)>,
    mp: Multipart,
) -> PageResult {
    let back = format!("/inspections/{id}");
    let r = async {
        let (fields, file) = core::upload_file(core::read_upload(mp).await?)?;
        upload_csrf(&cu, &fields)?;
        core::add_scan(&state, &cu, id, unit, &file.name, file.bytes).await
    }
    .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("{back}?uploaded=1")).into_response()),
        Err(e) => Err(fail_page(&cu, &back, e, Some(&back))),
    }
}

async fn conclusion_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path((id, unit, format)): Path<(i64, i64, String)>,
) -> PageResult {
    let here = here(&uri);
    let back = format!("/inspections/{id}");
    let format: Format = format
        .parse()
        .map_err(|e| fail_page(&cu, &here, e, Some(&back)))?;
    core::conclusion(&state, &cu, id, unit, format, cu.lang)
        .await
        .map_err(|e| fail_page(&cu, &here, e, Some(&back)))
}

async fn evidence_file_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> PageResult {
    let here = here(&uri);
    let (m, body) = core::evidence_file(&state, &cu, id)
        .await
        .map_err(|e| fail_page(&cu, &here, e, None))?;
    Ok(core::evidence_response(&m, body))
}

async fn unit_info_h(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    uri: OriginalUri,
    Path((id, unit)): Path<(i64, i64)>,
    body: Bytes,
) -> PageResult {
    let here = here(&uri);
    let p = form(&cu, &here, &body)?;
    let back = format!("/inspections/{id}/units/{unit}");
    let g = |k: &str| {
        p.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let info = core::UnitInfo {
        address: g("address"),
        head: g("head"),
        organisation: g("organisation"),
        infrastructure: g("infrastructure"),
        systems: g("systems"),
        document_management: g("document_management"),
        digital_signatures: g("digital_signatures"),
        measures_on_site: g("measures_on_site"),
        strengths: g("strengths"),
        causes: g("causes"),
        responsibilities: g("responsibilities"),
        level_note: g("level_note"),
    };
    match core::update_unit_info(&state, &cu, id, unit, &info).await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?info=1")).into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let msg = e.message.get(cu.lang).to_string();
            checklist_page_response(&state, &cu, &back, id, unit, e.status, None, Some(&msg)).await
        }
        Err(e) => Err(fail_page(&cu, &here, e, Some(&back))),
    }
}
