//! `POST /api/v1/reports`: signed report submissions from agents.
//!
//! Order of checks: size (413) → JSON shape, base64, time (400) → agent known
//! (401) and not revoked (403) → signature (401) → report decodes (400) →
//! one store transaction (replay / non-increasing seq → 409). 202 is answered
//! only after the transaction committed; an identical resend answers 200 with
//! the same report id.

use std::sync::OnceLock;
use std::time::Instant;

use tokio::sync::Semaphore;

use antoan_store::{IngestOutcome, IngestReport, StoreError};
use antoan_wire::{SubmissionAccepted, WireError};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::{ApiError, AppState};

/// Bounds how many submissions are decoded/verified at once to the number of CPUs. The work is
/// pure CPU (JSON, base64, SHA-256, Ed25519, typed report decode, ~1 MiB of memory each): with
/// 32 agents sending at once, running all of them in parallel on the blocking pool only adds
/// context switches, cache misses and allocator contention; queued requests wait here instead.
fn cpu_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(n.max(1))
    })
}

/// Runs CPU-bound `f` on the blocking pool once a CPU permit is free.
async fn cpu_task<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _permit = cpu_permits().acquire().await.ok()?;
    tokio::task::spawn_blocking(f).await.ok()
}

fn wire_error(e: &WireError) -> ApiError {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError {
        status,
        code: e.reason(),
        message: e.text(),
    }
}

fn reject(state: &AppState, e: ApiError) -> Response {
    state.metrics.report(e.code);
    e.into_response()
}

/// Submission endpoint (no session: the agent's signature authenticates it).
#[utoipa::path(
    post, path = "/api/v1/reports", tag = "agents",
    request_body(content = String, description = "antoan_wire::Submission JSON", content_type = "application/json"),
    responses(
        (status = 202, description = "stored (durably committed)"),
        (status = 200, description = "identical resend of an accepted (agent, seq)"),
        (status = 400, description = "malformed submission or report"),
        (status = 401, description = "unknown agent or bad signature"),
        (status = 403, description = "agent revoked"),
        (status = 409, description = "replayed or non-increasing sequence number"),
        (status = 413, description = "body larger than 32 MiB"),
    )
)]
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let start = Instant::now();
    let received_at = time::OffsetDateTime::now_utc();
    let limit = state.config.submission_limit;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return reject(&state, wire_error(&WireError::TooLarge));
    }
    let body: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) => {
            let too_large = std::error::Error::source(&e).is_some_and(|s| {
                s.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
            });
            if too_large {
                return reject(&state, wire_error(&WireError::TooLarge));
            }
            return reject(
                &state,
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "incomplete",
                    "không đọc hết được nội dung gửi lên",
                    "the request body could not be read",
                ),
            );
        }
    };
    let raw = match cpu_task(move || antoan_wire::decode(&body)).await {
        Some(Ok(raw)) => raw,
        Some(Err(e)) => return reject(&state, wire_error(&e)),
        None => return reject(&state, ApiError::internal()),
    };
    let agent = match state.store.agent(raw.agent_id).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            return reject(
                &state,
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unknown-agent",
                    "tác tử chưa đăng ký",
                    "unknown agent",
                ),
            )
        }
        Err(e) => return reject(&state, e.into()),
    };
    if agent.revoked {
        return reject(
            &state,
            ApiError::new(
                StatusCode::FORBIDDEN,
                "agent-revoked",
                "tác tử đã bị thu hồi; hãy đăng ký lại bằng mã mới",
                "the agent was revoked; enroll again with a new token",
            ),
        );
    }
    let key = agent.public_key.clone();
    // The payload is moved (not copied) into the verified submission, and its SHA-256 is
    // computed once, for the signature, and handed to the store for the idempotency check.
    let (verified, payload_sha256) = match cpu_task(move || raw.into_verified(&key)).await {
        Some(Ok(v)) => v,
        Some(Err(e)) => return reject(&state, wire_error(&e)),
        None => return reject(&state, ApiError::internal()),
    };
    // Host marks (state-secret, open handovers): one indexed read; a state-secret host's
    // findings lifecycle sees the report with the state-secret findings added (the stored body
    // stays the agent's exact bytes).
    let marks = match crate::marks::lookup(&state, verified.agent_id).await {
        Ok(m) => m,
        Err(e) => return reject(&state, e.into()),
    };
    let lifecycle = crate::marks::lifecycle_report(marks.as_ref(), &verified.report);
    let ingest = IngestReport {
        agent_id: verified.agent_id,
        seq: verified.seq,
        sent_at: verified.sent_at,
        received_at,
        report_json: &verified.report_json,
        report: lifecycle.as_ref().unwrap_or(&verified.report),
    };
    match state.store.ingest_report_with_sha256(&ingest, payload_sha256).await {
        Ok(IngestOutcome::Accepted { report_id, .. }) => {
            state.metrics.report("accepted");
            state.metrics.ingest_latency(start.elapsed());
            if let Some(m) = marks.as_ref().filter(|m| !m.open_handovers.is_empty()) {
                crate::marks::after_accept(&state, m, &verified.report, report_id).await;
            }
            (
                StatusCode::ACCEPTED,
                Json(SubmissionAccepted {
                    report_id,
                    seq: verified.seq,
                }),
            )
                .into_response()
        }
        Ok(IngestOutcome::Duplicate { report_id }) => {
            state.metrics.report("duplicate");
            (
                StatusCode::OK,
                Json(SubmissionAccepted {
                    report_id,
                    seq: verified.seq,
                }),
            )
                .into_response()
        }
        Err(StoreError::Conflict(msg)) => reject(
            &state,
            ApiError::new(
                StatusCode::CONFLICT,
                "replay",
                format!("số thứ tự đã dùng hoặc không tăng (phát lại?): {msg}"),
                format!("sequence number already used or not increasing (replay?): {msg}"),
            ),
        ),
        Err(StoreError::Revoked) => reject(
            &state,
            ApiError::new(
                StatusCode::FORBIDDEN,
                "agent-revoked",
                "tác tử đã bị thu hồi",
                "the agent was revoked",
            ),
        ),
        Err(StoreError::NotFound(_)) => reject(
            &state,
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unknown-agent",
                "tác tử chưa đăng ký",
                "unknown agent",
            ),
        ),
        Err(e) => reject(&state, e.into()),
    }
}
