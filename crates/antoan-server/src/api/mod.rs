//! The REST API under `/api/v1`. Every handler checks the caller's role and
//! scope: objects outside a unit admin's subtree are answered 404 (never 403,
//! so their existence is not revealed); viewers may only read.

pub mod admin;
pub mod findings;
pub mod hosts;
pub mod inspections;
pub mod marks;
pub mod session;

use antoan_store::Actor;
use axum::routing::{delete, get, post};
use axum::Router;

use crate::{AppState, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(crate::openapi::serve))
        .route(
            "/api/v1/session",
            post(session::create)
                .get(session::current)
                .delete(session::destroy),
        )
        .route("/api/v1/session/password", post(session::password))
        .route("/api/v1/overview", get(hosts::overview))
        .route("/api/v1/units", get(admin::units).post(admin::create_unit))
        .route("/api/v1/units.csv", get(admin::units))
        .route(
            "/api/v1/units/{id}",
            get(admin::unit).patch(admin::rename_unit),
        )
        .route("/api/v1/hosts", get(hosts::list))
        .route("/api/v1/hosts.csv", get(hosts::list))
        .route("/api/v1/hosts/{id}", get(hosts::one))
        .route("/api/v1/hosts/{id}/findings", get(hosts::findings))
        .route("/api/v1/hosts/{id}/findings.csv", get(hosts::findings))
        .route("/api/v1/hosts/{id}/reports", get(hosts::reports))
        .route("/api/v1/hosts/{id}/reports.csv", get(hosts::reports))
        .route("/api/v1/reports/{id}", get(hosts::report))
        .route("/api/v1/hosts/{id}/state-secret", post(marks::state_secret))
        .route("/api/v1/handovers", get(marks::list).post(marks::create))
        .route("/api/v1/handovers.csv", get(marks::list))
        .route("/api/v1/handovers/{id}", get(marks::one))
        .route("/api/v1/handovers/{id}/exception", post(marks::exception))
        .route("/api/v1/findings", get(findings::list))
        .route("/api/v1/findings.csv", get(findings::list))
        .route("/api/v1/findings/assign", post(findings::assign))
        .route("/api/v1/findings/{id}", get(findings::one))
        .route(
            "/api/v1/waivers",
            get(findings::waivers).post(findings::create_waiver),
        )
        .route("/api/v1/waivers.csv", get(findings::waivers))
        .route("/api/v1/waivers/{id}/revoke", post(findings::revoke_waiver))
        .route("/api/v1/agents/enroll", post(admin::enroll))
        .route("/api/v1/agents", get(admin::agents))
        .route("/api/v1/agents.csv", get(admin::agents))
        .route("/api/v1/agents/{id}", delete(admin::revoke_agent))
        .route("/api/v1/agents/{id}/revoke", post(admin::revoke_agent))
        .route(
            "/api/v1/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route("/api/v1/tokens.csv", get(admin::tokens))
        .route("/api/v1/tokens/{id}", delete(admin::revoke_token))
        .route("/api/v1/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/api/v1/users", get(admin::users).post(admin::create_user))
        .route("/api/v1/users.csv", get(admin::users))
        .route("/api/v1/audit", get(admin::audit))
        .route("/api/v1/audit.csv", get(admin::audit))
        .route("/api/v1/inspections", get(inspections::list).post(inspections::create))
        .route("/api/v1/inspections/{id}", get(inspections::one))
        .route("/api/v1/inspections/{id}/document", axum::routing::put(inspections::update_document))
        .route("/api/v1/inspections/{id}/conclude", post(inspections::conclude))
        .route("/api/v1/inspections/{id}/units/{unit_id}/checklist", get(inspections::checklist))
        .route("/api/v1/inspections/{id}/units/{unit_id}/items/{*item}", axum::routing::put(inspections::answer))
        .route("/api/v1/inspections/{id}/units/{unit_id}/refresh", post(inspections::refresh))
        .route("/api/v1/inspections/{id}/units/{unit_id}/evidence", post(inspections::evidence)
            .layer(axum::extract::DefaultBodyLimit::max(crate::web::inspections_core::upload_body_limit())))
        .route("/api/v1/inspections/{id}/units/{unit_id}/scans", post(inspections::scan)
            .layer(axum::extract::DefaultBodyLimit::max(crate::web::inspections_core::upload_body_limit())))
        .route("/api/v1/inspections/{id}/units/{unit_id}/conclusion", get(inspections::conclusion))
        .route("/api/v1/evidence/{id}", get(inspections::evidence_file))
}

/// The store's actor for changes made by this user.
pub fn actor(u: &CurrentUser) -> Actor {
    Actor::user(u.user.id, u.user.username.clone())
}

/// Default and largest page size of JSON lists (CSV exports are unlimited by default).
pub const DEFAULT_LIMIT: u32 = 1000;
pub const MAX_LIMIT: u32 = 100_000;

pub fn page_limit(limit: Option<u32>, format: crate::csvout::ListFormat) -> u32 {
    match (limit, format) {
        (Some(l), _) => l.clamp(1, MAX_LIMIT),
        (None, crate::csvout::ListFormat::Csv) => 0,
        (None, crate::csvout::ListFormat::Json) => DEFAULT_LIMIT,
    }
}
