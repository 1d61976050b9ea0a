//! Security headers: every page carries a Content-Security-Policy whose fresh nonce is on each of
//! its inline scripts (the browser specs check pages still hydrate under it), no-sniff and no
//! framing.

use crate::common;
use common::spawn_app;

/// The CSP header's nonce and every `<script` tag of a response.
async fn page(
    client: &reqwest::Client,
    url: &str,
) -> (String, Vec<String>, reqwest::header::HeaderMap) {
    let res = client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split(['\'', ' '])
        .find_map(|p| p.strip_prefix("nonce-"))
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_string();
    let html = res.text().await.unwrap();
    let scripts = html
        .match_indices("<script")
        .map(|(i, _)| html[i..i + html[i..].find('>').unwrap()].to_string())
        .collect();
    (nonce, scripts, headers)
}

#[tokio::test]
async fn pages_carry_a_fresh_csp_nonce_on_every_inline_script() {
    let app = spawn_app(20).await;
    let manager = app.login("manager@example.com").await;
    let mut seen = Vec::new();
    for (client, path) in [
        (app.anonymous(), "/login"),
        (manager.clone(), "/"),
        (manager.clone(), "/tickets"),
        (manager, "/heatmaps"),
    ] {
        let (nonce, scripts, headers) = page(&client, &format!("{}{path}", app.base)).await;
        assert!(nonce.len() >= 32, "{path}: nonce {nonce:?}");
        assert!(!scripts.is_empty(), "{path} has its hydration scripts");
        for tag in &scripts {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: script without the nonce: {tag}"
            );
        }
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "script-src 'self' 'nonce-",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(!seen.contains(&nonce), "a nonce is never reused");
        seen.push(nonce);
    }
}

#[tokio::test]
async fn a_cross_site_post_with_the_session_cookie_is_refused() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let create = |origin: String| {
        admin
            .post(format!("{}/api/tokens/create", app.base))
            .header("Origin", origin)
            .form(&[("name", "csrf")])
            .send()
    };
    let res = create("https://evil.example".into()).await.unwrap();
    assert_eq!(res.status(), 403);
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tokens, 0, "nothing was created");
    let res = create(app.base.clone()).await.unwrap();
    assert_eq!(res.status(), 200, "the app's own pages still work");
}
