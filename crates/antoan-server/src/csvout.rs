//! CSV twins of the API lists (`?format=csv` or a `.csv` path).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::ApiError;

/// The answer format of a list endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Json,
    Csv,
}

impl<S: Send + Sync> FromRequestParts<S> for ListFormat {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.path().ends_with(".csv") {
            return Ok(ListFormat::Csv);
        }
        let csv = parts.uri.query().is_some_and(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .unwrap_or_default()
                .iter()
                .any(|(k, v)| k == "format" && v.eq_ignore_ascii_case("csv"))
        });
        Ok(if csv {
            ListFormat::Csv
        } else {
            ListFormat::Json
        })
    }
}

/// A cell a spreadsheet will not run as a formula: values starting with
/// `= + - @` (or a tab / carriage return) get a leading apostrophe.
pub fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

pub fn time(t: &time::OffsetDateTime) -> String {
    antoan_wire::format_time(*t)
}

pub fn opt_time(t: &Option<time::OffsetDateTime>) -> String {
    t.as_ref().map(time).unwrap_or_default()
}

/// Renders rows as CSV (UTF-8 with a BOM so spreadsheet programs show Vietnamese right).
pub fn to_csv<T>(
    headers: &[&str],
    rows: &[T],
    record: impl Fn(&T) -> Vec<String>,
) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(headers).map_err(|_| ApiError::internal())?;
    for r in rows {
        let rec: Vec<String> = record(r).iter().map(|c| cell(c)).collect();
        w.write_record(&rec).map_err(|_| ApiError::internal())?;
    }
    w.into_inner().map_err(|_| ApiError::internal())
}

/// JSON or CSV of a list, by `format`.
pub fn list<T: Serialize>(
    format: ListFormat,
    name: &str,
    headers: &[&str],
    rows: Vec<T>,
    record: impl Fn(&T) -> Vec<String>,
) -> Result<Response, ApiError> {
    match format {
        ListFormat::Json => Ok(axum::Json(rows).into_response()),
        ListFormat::Csv => {
            let body = to_csv(headers, &rows, record)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.csv\""),
                    ),
                ],
                body,
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_quotes_escaped() {
        let rows = vec![(
            "=HYPERLINK(\"http://x\")".to_string(),
            "máy \"1\", phường".to_string(),
        )];
        let out = to_csv(&["a", "b"], &rows, |r| vec![r.0.clone(), r.1.clone()]).unwrap();
        let s = String::from_utf8(out[3..].to_vec()).unwrap();
        assert_eq!(
            s,
            "a,b\n\"'=HYPERLINK(\"\"http://x\"\")\",\"máy \"\"1\"\", phường\"\n"
        );
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("ok"), "ok");
    }
}
