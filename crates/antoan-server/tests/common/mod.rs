//! Shared helpers of the server's integration tests: an in-process server on
//! 127.0.0.1:0 over a real store, and a small API client.

#![allow(dead_code)]

use std::net::SocketAddr;

use antoan_server::{app, AppState, ServerConfig, TlsMode};
use antoan_store::{Actor, NewUser, Role, Store};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the whole app (API, ingest, pages) over the store at `db_url`.
pub async fn start(db_url: &str) -> TestServer {
    let store = Store::open(db_url).await.expect("open store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let cfg = ServerConfig::new(addr, db_url, TlsMode::Off);
    let state = AppState::new(store, cfg);
    let router = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    TestServer {
        base: format!("http://{addr}"),
        state,
        task,
    }
}

/// A random password made at test time (never a committed secret).
pub fn password() -> String {
    format!("Pw-{}", antoan_server::auth::random_token(18))
}

/// Creates a user directly in the store.
pub async fn user(store: &Store, name: &str, role: Role, unit_id: Option<i64>) -> String {
    let pw = password();
    let phc = antoan_server::auth::hash_password(&pw).expect("hash");
    store
        .create_user(
            &NewUser {
                username: name.into(),
                display_name: format!("Người dùng {name}"),
                password_phc: phc,
                role,
                unit_id,
                must_change_password: false,
            },
            &Actor::system(),
        )
        .await
        .expect("create user");
    pw
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// An API client logged in with a bearer token.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: String,
    pub csrf: String,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn login(base: &str, username: &str, password: &str) -> Api {
        let http = client();
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(r.status(), StatusCode::OK, "login of {username}");
        let v: Value = r.json().await.expect("login json");
        Api {
            base: base.to_string(),
            token: v["token"].as_str().expect("token").to_string(),
            csrf: v["csrf"].as_str().expect("csrf").to_string(),
            http,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, String) {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("request");
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (s, t) = self.call(Method::GET, path, None).await;
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// GET that must answer 200 with JSON.
    pub async fn ok(&self, path: &str) -> Value {
        let (s, v) = self.get(path).await;
        assert_eq!(s, StatusCode::OK, "GET {path}: {v}");
        v
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, t) = self.call(Method::POST, path, Some(body)).await;
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }
}

/// A cookie-session browser-like client (for pages and CSRF).
pub struct Browser {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    pub http: reqwest::Client,
}

impl Browser {
    /// Logs in through the `/login` form.
    pub async fn login(base: &str, username: &str, password: &str) -> Browser {
        let http = client();
        let r = http
            .post(format!("{base}/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login form");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "login form of {username}"
        );
        let set = r
            .headers()
            .get("set-cookie")
            .expect("set-cookie")
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        let mut b = Browser {
            base: base.to_string(),
            cookie,
            csrf: String::new(),
            http,
        };
        let (s, v) = b.get("/api/v1/session").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let v: Value = serde_json::from_str(&v).unwrap();
        b.csrf = v["csrf"].as_str().unwrap().to_string();
        b
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get");
        let s = r.status();
        (s, r.text().await.unwrap_or_default())
    }
}

// ---------------------------------------------------------------- files

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A real PNG (RGB, `w`×`h`, a two-colour pattern), stored deflate blocks.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0u8);
        for x in 0..w {
            let dark = (x / 8 + y / 8) % 2 == 0;
            raw.extend_from_slice(if dark {
                &[30, 60, 120]
            } else {
                &[240, 200, 60]
            });
        }
    }
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(u8::from(i + 1 == chunks.len()));
        let n = c.len() as u16;
        z.extend_from_slice(&n.to_le_bytes());
        z.extend_from_slice(&(!n).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    out
}
