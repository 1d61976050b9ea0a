//! Who is asking: session cookies, password hashing, and the role guard every server function calls.

pub mod middleware;
pub mod password;

use crate::domain::role::Area;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const COOKIE: &str = "tl_session";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 7;
/// Failed logins for one e-mail address allowed within `THROTTLE_MINUTES`.
pub const FAILURES_ALLOWED: i64 = 5;
pub const THROTTLE_MINUTES: i32 = 15;

/// The user attached to a request by [`middleware::attach_user`].
#[derive(Debug, Clone)]
pub struct SessionUser(pub Option<CurrentUser>);

/// The SHA-256 of a token, which is all the database keeps.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that stores `token`, or clears the cookie when `None`.
pub fn cookie_header(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            SESSION_DAYS * 86_400
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The logged-in user of the current request, if any.
pub fn current_user() -> Option<CurrentUser> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts.extensions.get::<SessionUser>()?.0.clone()
}

/// The current user if their role may use `area`; the error says why not otherwise, and the
/// response carries 401 or 403.
pub fn require(area: Area) -> Result<CurrentUser, AppError> {
    let Some(user) = current_user() else {
        return Err(AppError::Unauthenticated.respond());
    };
    if area.allows(user.role) {
        Ok(user)
    } else {
        tracing::warn!(user = %user.email, ?area, "forbidden");
        Err(AppError::Forbidden.respond())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_well_formed_session_cookies() {
        let token = crate::server::random::token();
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            format!("a=b; {COOKIE}={token}; c=d").parse().unwrap(),
        );
        assert_eq!(token_from_headers(&headers), Some(token));
        headers.insert(
            http::header::COOKIE,
            format!("{COOKIE}=nothex").parse().unwrap(),
        );
        assert_eq!(token_from_headers(&headers), None);
    }

    #[test]
    fn cookie_is_http_only_and_same_site() {
        let c = cookie_header(Some("ab"), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(cookie_header(None, false).contains("Max-Age=0"));
    }
}
