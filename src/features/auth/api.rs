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
    use crate::server::state::app_state;
    super::server::login(&app_state()?, &email, password, next.as_deref()).await
}

/// Ends the session and returns to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::state::app_state;
    super::server::logout(&app_state()?).await
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
