//! The web dashboard. This directory is owned by the WEB engineer; SERVER only
//! merges `router()` into the app (see `crate::app`).

pub fn router() -> axum::Router<crate::AppState> {
    axum::Router::new()
}
