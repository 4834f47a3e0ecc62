//! The OpenAPI document served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(title = "antoan platform API", description = "Tự kiểm tra an toàn thông tin — máy chủ / cybersecurity self-inspection server. \
        Log in with POST /api/v1/session, then send `Authorization: Bearer TOKEN`. Lists answer CSV with `?format=csv` or a `.csv` path."),
    paths(
        api::session::create, api::session::current, api::session::destroy, api::session::password,
        api::hosts::overview, api::hosts::list, api::hosts::one, api::hosts::findings, api::hosts::reports, api::hosts::report,
        api::findings::list, api::findings::one, api::findings::assign, api::findings::waivers, api::findings::create_waiver,
        api::findings::revoke_waiver,
        api::admin::units, api::admin::unit, api::admin::create_unit, api::admin::rename_unit,
        api::admin::enroll, api::admin::agents, api::admin::revoke_agent,
        api::admin::create_token, api::admin::tokens, api::admin::revoke_token,
        api::admin::users, api::admin::create_user, api::admin::audit,
        api::inspections::list, api::inspections::create, api::inspections::one, api::inspections::update_document, api::inspections::checklist,
        api::inspections::answer, api::inspections::refresh, api::inspections::evidence, api::inspections::scan,
        api::inspections::evidence_file, api::inspections::conclude, api::inspections::conclusion,
        api::marks::state_secret, api::marks::create, api::marks::list, api::marks::one, api::marks::exception,
        crate::ingest::submit,
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON.
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
