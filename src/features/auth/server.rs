//! Server side of logging in and out: throttling, password check, session rotation, the cookie.

use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::{auth, db};
use leptos::prelude::expect_context;

/// Checks the password, starts a session and redirects to `next`; see `api::login`.
pub async fn login(
    state: &AppState,
    email: &str,
    password: String,
    next: Option<&str>,
) -> Result<(), AppError> {
    let email = email.trim();
    // Password guessing: after FAILURES_ALLOWED failures in THROTTLE_MINUTES, even the right
    // password is refused until the window has passed.
    if db::login_failures::recent(&state.pool, email, auth::THROTTLE_MINUTES).await?
        >= auth::FAILURES_ALLOWED
    {
        tracing::warn!(email = %email, "login throttled");
        leptos_axum::redirect("/login?error=throttled");
        return Ok(());
    }
    let user = db::users::by_email(&state.pool, email).await?;
    let ok = match &user {
        Some(u) if u.active => auth::password::verify(password, u.password_hash.clone()).await,
        _ => false,
    };
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!(email = %email, "failed login");
        db::login_failures::record(&state.pool, email).await?;
        leptos_axum::redirect("/login?error=1");
        return Ok(());
    };
    db::login_failures::clear(&state.pool, email).await?;
    // Session rotation: a session the browser held before logging in ends here.
    let parts = expect_context::<http::request::Parts>();
    if let Some(old) = auth::token_from_headers(&parts.headers) {
        db::sessions::delete(&state.pool, &auth::token_hash(&old)).await?;
    }
    let token = crate::server::random::token();
    let expires = chrono::Utc::now() + chrono::Duration::days(auth::SESSION_DAYS);
    db::sessions::insert(&state.pool, &auth::token_hash(&token), user.id, expires).await?;
    let cookie = auth::cookie_header(Some(&token), state.settings.secure_cookies);
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    tracing::info!(user = %user.email, "logged in");
    leptos_axum::redirect(&super::api::safe_next(next));
    Ok(())
}

/// Ends the session and returns to the login page.
pub async fn logout(state: &AppState) -> Result<(), AppError> {
    let parts = expect_context::<http::request::Parts>();
    if let Some(token) = auth::token_from_headers(&parts.headers) {
        db::sessions::delete(&state.pool, &auth::token_hash(&token)).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = auth::cookie_header(None, state.settings.secure_cookies);
    response.append_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    leptos_axum::redirect("/login");
    Ok(())
}
