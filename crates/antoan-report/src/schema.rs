//! Validation of a JSON report against [`crate::REPORT_SCHEMA`] (feature
//! `validate`). Meant for tests of the tools that produce reports.

use std::sync::OnceLock;

fn validator() -> Result<&'static jsonschema::Validator, String> {
    static V: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(crate::REPORT_SCHEMA)
            .map_err(|e| format!("schema/report.schema.json is not JSON: {e}"))?;
        jsonschema::draft202012::new(&schema)
            .map_err(|e| format!("schema/report.schema.json is not a valid schema: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Validates a JSON report. On failure, every error as
/// `"<JSON pointer in the instance>: <message>"`, in document order.
pub fn validate_json(value: &serde_json::Value) -> Result<(), Vec<String>> {
    let v = validator().map_err(|e| vec![e])?;
    let mut errors: Vec<String> = v
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {}", if at.is_empty() { "/" } else { at.as_str() }, e)
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        errors.sort();
        errors.dedup();
        Err(errors)
    }
}
