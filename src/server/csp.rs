//! The Content-Security-Policy: a fresh nonce per response, sent in the header and put on every inline script the page renders, so injected markup cannot run scripts.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// The nonce of the current response, as a request extension for the page renderer.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The policy for a response with `nonce`: scripts only from this origin or carrying the nonce
/// (and WebAssembly compilation for the hydration bundle); no framing, plugins or foreign forms.
/// Styles allow inline attributes, which the charts' SVG uses.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes the nonce, hands it to the renderer and sets the header on the response.
pub async fn middleware(mut request: Request, next: Next) -> Response {
    let nonce = crate::server::random::token();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = http::HeaderValue::from_str(&policy(&nonce)) {
        response
            .headers_mut()
            .entry(http::header::CONTENT_SECURITY_POLICY)
            .or_insert(value);
    }
    response
}

/// Puts the request's nonce in the rendering context, where the hydration and resource scripts
/// pick it up (call before they render).
pub fn provide_for_render() {
    use leptos::prelude::{provide_context, use_context};
    let nonce =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(n)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(n));
    }
}
