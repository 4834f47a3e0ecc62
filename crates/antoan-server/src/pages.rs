//! The login, logout and change-password pages (plain forms, no JavaScript).

use antoan_model::{Lang, Text};
use antoan_store::Actor;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::auth::{self, CurrentUser, RequestLang};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", get(logout_form).post(logout_submit))
        .route(
            "/account/password",
            get(password_form).post(password_submit),
        )
}

fn t(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A minimal page frame for the account pages.
pub fn frame(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · antoan" }
                style { "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}\
                    label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}\
                    button{margin-top:1rem;padding:.5rem 1.2rem}.err{color:#a00;background:#fee;padding:.5rem;border:1px solid #e99}\
                    .lang{float:right;font-size:.9rem}" }
            }
            body {
                div.lang { a href="?lang=vi" { "Tiếng Việt" } " · " a href="?lang=en" { "English" } }
                h1 { (title) }
                (body)
            }
        }
    }
}

fn html_response(status: StatusCode, m: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        m.into_string(),
    )
        .into_response()
}

/// Only same-site relative paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(lang: Lang, next: &str, username: &str, error: Option<&Text>) -> Markup {
    frame(
        lang,
        t(lang, "Đăng nhập", "Log in"),
        html! {
            @if let Some(e) = error { p.err role="alert" { (e.get(lang)) } }
            form method="post" action="/login" {
                input type="hidden" name="next" value=(next);
                label for="username" { (t(lang, "Tên đăng nhập", "Username")) }
                input #username name="username" autocomplete="username" required value=(username);
                label for="password" { (t(lang, "Mật khẩu", "Password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { (t(lang, "Đăng nhập", "Log in")) }
            }
        },
    )
}

async fn login_form(
    RequestLang(lang): RequestLang,
    user: Option<CurrentUser>,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(&next).into_response();
    }
    html_response(StatusCode::OK, login_page(lang, &next, "", None))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    ext: axum::http::Extensions,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let client = auth::client_of(&ext);
    match auth::login(&state, &f.username, &f.password, &client).await {
        Ok(ok) => {
            let ttl = (ok.expires_at - time::OffsetDateTime::now_utc())
                .whole_seconds()
                .max(0);
            let cookie = auth::session_cookie(&ok.token, ttl, state.config.secure_cookies());
            let to = if ok.user.must_change_password {
                let enc = percent_encoding::utf8_percent_encode(
                    &next,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                format!("/account/password?next={enc}")
            } else {
                next
            };
            ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
        }
        Err(e) => html_response(
            e.status,
            login_page(lang, &next, &f.username, Some(&e.message)),
        ),
    }
}

async fn logout_form(RequestLang(lang): RequestLang, user: Option<CurrentUser>) -> Response {
    let Some(user) = user else {
        return Redirect::to("/login").into_response();
    };
    html_response(
        StatusCode::OK,
        frame(
            lang,
            t(lang, "Đăng xuất", "Log out"),
            html! {
                p { (user.user.display_name) " (" (user.user.username) ")" }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button type="submit" { (t(lang, "Đăng xuất", "Log out")) }
                }
            },
        ),
    )
}

/// Ends the session (the CSRF middleware already checked the form's token).
async fn logout_submit(State(state): State<AppState>, user: Option<CurrentUser>) -> Response {
    if let Some(u) = user {
        if let Err(e) = state.store.delete_session(&u.session_sha256).await {
            return ApiError::from(e).into_response();
        }
    }
    (
        [(
            header::SET_COOKIE,
            auth::clear_session_cookie(state.config.secure_cookies()),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}

fn password_page(lang: Lang, user: &CurrentUser, next: &str, error: Option<&Text>) -> Markup {
    frame(
        lang,
        t(lang, "Đổi mật khẩu", "Change password"),
        html! {
            @if user.user.must_change_password {
                p { (t(lang, "Bạn cần đặt mật khẩu mới trước khi tiếp tục.", "Choose a new password before going on.")) }
            }
            @if let Some(e) = error { p.err role="alert" { (e.get(lang)) } }
            form method="post" action="/account/password" {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="next" value=(next);
                label for="current" { (t(lang, "Mật khẩu hiện tại", "Current password")) }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { (t(lang, "Mật khẩu mới (ít nhất 12 ký tự)", "New password (12 characters or more)")) }
                input #new type="password" name="new" autocomplete="new-password" required minlength="12";
                label for="confirm" { (t(lang, "Nhập lại mật khẩu mới", "New password again")) }
                input #confirm type="password" name="confirm" autocomplete="new-password" required minlength="12";
                button type="submit" { (t(lang, "Lưu", "Save")) }
            }
        },
    )
}

async fn password_form(user: CurrentUser, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    html_response(StatusCode::OK, password_page(user.lang, &user, &next, None))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
    next: Option<String>,
}

async fn password_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    if f.new != f.confirm {
        let e = Text::new(
            "hai lần nhập mật khẩu mới không khớp",
            "the two new passwords differ",
        );
        return html_response(
            StatusCode::BAD_REQUEST,
            password_page(user.lang, &user, &next, Some(&e)),
        );
    }
    match change_password(&state, &user, &f.current, &f.new).await {
        Ok(()) => Redirect::to(&next).into_response(),
        Err(e) => html_response(
            e.status,
            password_page(user.lang, &user, &next, Some(&e.message)),
        ),
    }
}

/// Checks the current password and stores the new one (argon2id). Shared by the page and the API.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> Result<(), ApiError> {
    auth::check_new_password(new)?;
    let Some(found) = state.store.user_by_name(&user.user.username).await? else {
        return Err(ApiError::unauthorized());
    };
    let (cur, new_pw, phc) = (current.to_string(), new.to_string(), found.password_phc);
    let hashed = tokio::task::spawn_blocking(move || {
        if !auth::verify_password(&cur, &phc) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "bad-credentials",
                "mật khẩu hiện tại không đúng",
                "the current password is wrong",
            ));
        }
        if cur == new_pw {
            return Err(ApiError::bad_request(
                "mật khẩu mới phải khác mật khẩu hiện tại",
                "the new password must differ from the current one",
            ));
        }
        auth::hash_password(&new_pw)
    })
    .await
    .map_err(|_| ApiError::internal())??;
    let actor = Actor::user(user.user.id, user.user.username.clone());
    state
        .store
        .set_password(user.user.id, &hashed, false, &actor)
        .await?;
    Ok(())
}

/// `Set-Cookie` for the language switch (used by pages that offer one).
pub fn lang_cookie(lang: Lang) -> String {
    format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        auth::LANG_COOKIE,
        lang.code()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/hosts/3?x=1")), "/hosts/3?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/a\nb")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
