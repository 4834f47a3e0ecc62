//! The web dashboard: server-rendered pages (maud, escaped by construction),
//! Vietnamese by default with English via `?lang=en` or the language cookie,
//! one small inline style sheet, no script, charts as inline SVG.
//!
//! The page functions (`overview`, `hosts`, `findings`, `admin`) are pure:
//! store types in, markup out; `routes` reads the store within the user's
//! scope and answers. SERVER merges [`router`] into the app.

mod admin;
mod chart;
mod csv_export;
mod findings;
mod handovers;
mod hosts;
mod i18n;
mod inspections;
pub(crate) mod inspections_core;
mod inspections_pages;
mod inspections_text;
mod layout;
mod overview;
mod pdf;
#[cfg(test)]
mod render_tests;
#[cfg(test)]
mod route_tests;
mod routes;

pub use routes::router;
