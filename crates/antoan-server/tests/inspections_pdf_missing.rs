//! Without Chromium the PDF conclusion is refused with 503 and a message in
//! both languages, while HTML and DOCX still work. A test binary of its own:
//! it points `ANTOAN_CHROMIUM` at a missing program for the whole process.

mod common;

use antoan_store::Role;
use common::Api;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_without_chromium_is_503_with_a_message() {
    std::env::set_var("ANTOAN_CHROMIUM", "/nonexistent/chromium");
    let dir = tempfile::tempdir().unwrap();
    let srv = common::start(&format!("sqlite:{}", dir.path().join("a.db").display())).await;
    let pw = common::user(&srv.state.store, "thanhtra", Role::ProvinceInspector, None).await;
    let api = Api::login(&srv.base, "thanhtra", &pw).await;
    let (s, v) = api
        .post("/api/v1/units", json!({"path": "tinh", "name": "Tỉnh"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let unit = v["id"].as_i64().expect("unit id");
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../antoan-inspect/tests/fixtures/inspection.json"),
    )
    .unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["scope"]["units"][0]["id"] = json!("tinh");
    let (s, v) = api.post("/api/v1/inspections", doc).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let base = format!("/api/v1/inspections/{id}/units/{unit}/conclusion");
    let (s, v) = api.get(&format!("{base}?format=pdf")).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert!(
        v["message"]["en"].as_str().unwrap().contains("Chromium"),
        "{v}"
    );
    assert!(v["message"]["en"].as_str().unwrap().contains("DOCX"), "{v}");
    assert!(
        v["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("không xuất được PDF"),
        "{v}"
    );
    // The page twin answers 503 with a page in the user's language.
    let b = common::Browser::login(&srv.base, "thanhtra", &pw).await;
    let (s, page) = b
        .get(&format!(
            "/inspections/{id}/units/{unit}/conclusion/pdf?lang=en"
        ))
        .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("no PDF can be made"), "{page}");
    let (s, _) = api
        .call(reqwest::Method::GET, &format!("{base}?format=docx"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = api
        .call(
            reqwest::Method::GET,
            &format!("{base}?format=html&lang=en"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = api.get(&format!("{base}?format=odt")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
