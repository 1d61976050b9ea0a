//! Attaches the session's user to every request, sends anonymous page views to the login page, and refuses server function calls the role table does not allow.

use super::{token_from_headers, token_hash, SessionUser};
use crate::domain::role::CurrentUser;
use crate::domain::role::{server_fn_area, AUDITED};
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Paths anyone may load without a session.
/// The answer to every request while the database is down: the API's JSON error for API and
/// webhook clients, a short page for browsers; both ask to retry in a few seconds.
fn unavailable(path: &str) -> Response {
    let message = "TicketLens cannot reach its database right now; try again in a few seconds.";
    let mut res = if path.starts_with("/api/v1") || path.starts_with("/hooks/") {
        crate::error::api::ApiError::new(
            http::StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            message,
        )
        .into_response()
    } else {
        (http::StatusCode::SERVICE_UNAVAILABLE, message).into_response()
    };
    res.headers_mut().insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from_static("5"),
    );
    res
}

fn is_public(path: &str) -> bool {
    path == "/login"
        || path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path == "/favicon.ico"
        || path == "/healthz"
        // Its own access rule: loopback or the metrics token.
        || path == "/metrics"
        || path.ends_with(".png")
        || path.ends_with(".svg")
}

pub async fn attach_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    if state.health.is_down() {
        return unavailable(req.uri().path());
    }
    let user = match token_from_headers(req.headers()) {
        Some(token) => match db::sessions::user(&state.pool, &token_hash(&token)).await {
            Ok(row) => row.map(|u| CurrentUser {
                id: u.id,
                role: u.role(),
                email: u.email,
                name: u.name,
            }),
            Err(e) => {
                tracing::error!(error = ?e, "session lookup failed");
                return unavailable(req.uri().path());
            }
        },
        None => None,
    };
    let path = req.uri().path().to_string();
    if user.is_some() && !req.method().is_safe() && !same_origin(req.headers()) {
        tracing::warn!(path, "cross-site request refused");
        return (
            http::StatusCode::FORBIDDEN,
            "Cross-site request refused: it did not come from a TicketLens page.",
        )
            .into_response();
    }
    if user.is_none() && req.method() == http::Method::GET && !is_public(&path) {
        let next_url = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let target = format!("/login?next={}", urlencode(&next_url));
        return Redirect::to(&target).into_response();
    }
    if let Some(endpoint) = server_fn_endpoint(&path) {
        let refused = match server_fn_area(endpoint) {
            Some(None) => None,
            Some(Some(area)) => match &user {
                None => Some(AppError::Unauthenticated),
                Some(u) if !area.allows(u.role) => Some(AppError::Forbidden),
                Some(_) => None,
            },
            None => Some(AppError::NotFound),
        };
        if let Some(error) = refused {
            return server_fn_refusal(&path, error);
        }
    }
    let audited = server_fn_endpoint(&path)
        .filter(|e| AUDITED.contains(e))
        .zip(user.clone());
    req.extensions_mut().insert(SessionUser(user));
    match audited {
        Some((action, actor)) => audit(&state, req, next, action.to_string(), actor).await,
        None => next.run(req).await,
    }
}

/// How much of an audited request's body is read (server function arguments are small).
const AUDIT_BODY_LIMIT: usize = 256 * 1024;

/// Runs an audited call and records it when it succeeded, with its fields (secrets blanked).
async fn audit(
    state: &AppState,
    req: Request,
    next: Next,
    action: String,
    actor: CurrentUser,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, AUDIT_BODY_LIMIT).await else {
        return (http::StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response();
    };
    let detail = form_fields(&bytes);
    let response = next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await;
    let status = response.status();
    // A function that refuses says so in an error response, or (for forms that work without
    // JavaScript) by redirecting back with `error=` in the address.
    let failed = response
        .headers()
        .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER)
        || response
            .headers()
            .get(http::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains("error="));
    if (status.is_success() || status.is_redirection()) && !failed {
        if let Err(e) = db::audit::record(
            &state.pool,
            actor.id,
            &actor.email,
            &action,
            &detail,
            status.as_u16(),
        )
        .await
        {
            tracing::error!(error = ?e, action, "audit log write failed");
        }
    }
    response
}

/// A URL-encoded (or JSON) body as a JSON object, with password, secret and token fields blanked.
fn form_fields(body: &[u8]) -> serde_json::Value {
    let secret = |k: &str| {
        let k = k.to_ascii_lowercase();
        ["password", "secret", "token"]
            .iter()
            .any(|s| k.contains(s))
    };
    if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice(body) {
        for (k, v) in map.iter_mut() {
            if secret(k) {
                *v = "***".into();
            }
        }
        return map.into();
    }
    let mut map = serde_json::Map::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let key = percent_decode(kv.next().unwrap_or_default());
        let value = percent_decode(kv.next().unwrap_or_default());
        let value = if secret(&key) {
            "***".to_string()
        } else {
            value
        };
        map.insert(key, value.into());
    }
    map.into()
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space).
fn percent_decode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// CSRF defence for requests carrying the session cookie: a browser names the page a request
/// comes from in `Origin` (or `Referer`); one from another site is refused. The cookie is also
/// `SameSite=Lax`. Clients that send neither (scripts, curl) are not browsers being tricked.
fn same_origin(headers: &http::HeaderMap) -> bool {
    // Behind a reverse proxy the browser's host arrives as X-Forwarded-Host.
    let hosts: Vec<&str> = [http::header::HOST.as_str(), "x-forwarded-host"]
        .iter()
        .filter_map(|name| headers.get(*name).and_then(|h| h.to_str().ok()))
        .collect();
    if hosts.is_empty() {
        return true;
    }
    let from = headers
        .get(http::header::ORIGIN)
        .or_else(|| headers.get(http::header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        None => true,
        Some(url) => url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
            .is_some_and(|origin| hosts.iter().any(|h| origin.eq_ignore_ascii_case(h))),
    }
}

/// The endpoint of a server function path (`/api/{endpoint}`); the REST API is not one.
fn server_fn_endpoint(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/")?;
    (rest != "v1" && !rest.starts_with("v1/")).then_some(rest)
}

/// The answer a server function gives for `error` (its status, the error header, the encoded
/// error), so the page shows the same message as when the function refuses by itself.
fn server_fn_refusal(path: &str, error: AppError) -> Response {
    use server_fn::error::FromServerFnError;
    let mut response = (error.status(), error.ser()).into_response();
    if let Ok(value) = http::HeaderValue::from_str(path) {
        response
            .headers_mut()
            .insert(server_fn::error::SERVER_FN_ERROR_HEADER, value);
    }
    response
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_from_this_host_pass_the_origin_check() {
        let headers = |pairs: &[(http::HeaderName, &str)]| {
            let mut h = http::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(k.clone(), v.parse().unwrap());
            }
            h
        };
        use http::header::{HOST, ORIGIN, REFERER};
        assert!(same_origin(&headers(&[
            (HOST, "tl.example:3000"),
            (ORIGIN, "https://tl.example:3000")
        ])));
        assert!(same_origin(&headers(&[
            (HOST, "tl.example"),
            (REFERER, "http://tl.example/rules?x=1")
        ])));
        assert!(!same_origin(&headers(&[
            (HOST, "tl.example"),
            (ORIGIN, "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            (HOST, "tl.example"),
            (ORIGIN, "null")
        ])));
        assert!(!same_origin(&headers(&[
            (HOST, "tl.example"),
            (REFERER, "https://tl.example.evil.com/")
        ])));
        assert!(
            same_origin(&headers(&[(HOST, "tl.example")])),
            "no browser headers: not a browser"
        );
    }

    #[test]
    fn audited_fields_are_decoded_and_secrets_blanked() {
        let v = form_fields(b"name=Refund+rule&keywords=a%2Cb%0Ac&password=hunter2&x=%zz");
        assert_eq!(v["name"], "Refund rule");
        assert_eq!(v["keywords"], "a,b\nc");
        assert_eq!(v["password"], "***");
        assert_eq!(v["x"], "%zz");
        let v = form_fields(br#"{"url": "https://x", "secret": "s"}"#);
        assert_eq!(
            (v["url"].as_str(), v["secret"].as_str()),
            (Some("https://x"), Some("***"))
        );
    }
}
