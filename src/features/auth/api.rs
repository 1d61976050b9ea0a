//! Server functions for the session: who am I, log in, log out.

use super::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// The logged-in user, or `None`.
#[server(endpoint = "me")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::server::auth::current_user())
}

/// Checks the password, starts a session (HttpOnly cookie) and redirects to `next`.
/// A wrong password redirects back to the login page with an error flag.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth, db, state::app_state};
    let state = app_state()?;
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
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends the session and returns to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{auth, db, state::app_state};
    let state = app_state()?;
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

/// Only local paths are followed after login (no open redirects, nothing a header cannot hold).
pub fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        let b = n.as_bytes();
        b.first() == Some(&b'/')
            && !matches!(b.get(1), Some(b'/' | b'\\'))
            && !n
                .chars()
                .any(|c| !c.is_ascii() || c.is_control() || c.is_whitespace() || c == '\\')
    };
    match next {
        Some(n) if local(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn refuses_redirects_off_site() {
        assert_eq!(safe_next(Some("/tickets?q=a")), "/tickets?q=a");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/a\nLocation: x")), "/");
        assert_eq!(safe_next(Some("/tickets?q=a b")), "/");
        assert_eq!(safe_next(Some("/tické")), "/");
    }
}
