//! The REST API: bearer tokens from the tokens page, tickets created idempotently, listed page by
//! page and read back, one JSON error shape with the right status for every kind of bad request,
//! and an OpenAPI document whose every operation the server answers.

use crate::common;
use common::{spawn_app, TestApp};
use serde_json::{json, Value};

struct Api<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    token: String,
}

impl Api<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.app.base)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.app
            .call_api(&self.token, reqwest::Method::GET, path, None)
            .await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.app
            .call_api(&self.token, reqwest::Method::POST, path, Some(body))
            .await
    }
}

/// Asserts the one error shape and returns its code.
fn error_code(body: &Value) -> &str {
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "no error message in {body}");
    body["error"]["code"].as_str().expect("an error code")
}

#[tokio::test]
async fn tokens_authenticate_until_revoked() {
    let app = spawn_app(30).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/tickets", app.base);

    let res = http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_eq!(error_code(&res.json().await.unwrap()), "unauthenticated");
    let res = http
        .get(&url)
        .bearer_auth("tl_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let token = app.api_token("agent@example.com").await;
    assert!(token.starts_with("tl_") && token.len() > 40, "{token}");
    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // Only the hash is stored; the list shows the prefix and that it was used.
    let stored: (Vec<u8>, String, bool) =
        sqlx::query_as("SELECT token_hash, prefix, last_used_at IS NOT NULL FROM api_tokens")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_ne!(stored.0, token.as_bytes());
    assert!(token.starts_with(&stored.1));
    assert!(stored.2, "last use recorded");

    let client = app.login("agent@example.com").await;
    let list: Value = client
        .post(format!("{}/api/tokens", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list[0]["id"].as_i64().unwrap();
    // Another user cannot revoke it; its owner can.
    let other = app.login("manager@example.com").await;
    let res = other
        .post(format!("{}/api/tokens/revoke", app.base))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        http.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = client
        .post(format!("{}/api/tokens/revoke", app.base))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(&res.json().await.unwrap()), "unauthenticated");
}

#[tokio::test]
async fn tickets_are_created_once_listed_in_pages_and_read_back() {
    let app = spawn_app(120).await;
    let api = Api {
        app: &app,
        http: reqwest::Client::new(),
        token: app.api_token("agent@example.com").await,
    };
    let new = json!({
        "external_id": "zap-1",
        "subject": "Charged twice for my order",
        "body": "I was charged twice and want a refund now.",
        "customer_email": "ana@example.com",
        "customer_ref": "ana@example.com",
        "product": "Aria Buds Pro",
        "channel": "email",
        "priority": "high"
    });
    let (status, first) = api.post("/tickets", &new).await;
    assert_eq!(status, 201, "{first}");
    let id = first["id"].as_i64().unwrap();
    assert_eq!(first["source"], "api");
    assert_eq!(first["channel"], "email");
    assert_eq!(first["priority"], "high");
    assert_eq!(first["status"], "open");
    // A retried delivery returns the same ticket and stores nothing new.
    let (status, again) = api.post("/tickets", &new).await;
    assert_eq!(status, 200);
    assert_eq!(again["id"], id);
    // The Idempotency-Key header does the same for bodies without an external id.
    let keyed = json!({"subject": "Login fails", "body": "Cannot log in since the update."});
    let send = || {
        api.http
            .post(api.url("/tickets"))
            .bearer_auth(&api.token)
            .header("Idempotency-Key", "delivery-77")
            .json(&keyed)
            .send()
    };
    let a: Value = send().await.unwrap().json().await.unwrap();
    let b = send().await.unwrap();
    assert_eq!(b.status(), 200);
    assert_eq!(b.json::<Value>().await.unwrap()["id"], a["id"]);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE source = 'api'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 2);

    // Analysed like any other ticket.
    app.run_jobs().await;
    let (status, got) = api.get(&format!("/tickets/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(got["subject"], "Charged twice for my order");
    assert_eq!(got["customer_email"], "ana@example.com");
    assert_eq!(got["sentiment"]["label"], "negative", "{got}");

    // Pages cover every ticket once, newest first.
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut path = "/tickets?limit=50".to_string();
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"].as_i64(), Some(total));
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 50);
        seen.extend(data.iter().map(|t| t["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/tickets?limit=50&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a ticket on two pages");
    // Filters narrow the list and the total.
    let (_, email) = api.get("/tickets?channel=email&limit=5").await;
    let emails: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE channel = 'email'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(email["total"].as_i64(), Some(emails));
    assert!(email["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["channel"] == "email"));
}

#[tokio::test]
async fn bad_requests_get_the_error_shape_and_status() {
    let app = spawn_app(10).await;
    let api = Api {
        app: &app,
        http: reqwest::Client::new(),
        token: app.api_token("agent@example.com").await,
    };
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            api.http
                .post(api.url("/tickets"))
                .json(&json!({"subject": "x", "body": "y", "channel": "pigeon"})),
            400,
            "invalid",
        ),
        (
            api.http
                .post(api.url("/tickets"))
                .json(&json!({"subject": " ", "body": ""})),
            400,
            "invalid",
        ),
        (
            api.http
                .post(api.url("/tickets"))
                .json(&json!({"subject": "x", "body": "y", "colour": "red"})),
            400,
            "invalid",
        ),
        (
            api.http
                .post(api.url("/tickets"))
                .header("content-type", "application/json")
                .body("{\"subject\": "),
            400,
            "invalid",
        ),
        (
            api.http.post(api.url("/tickets")).body("subject=x"),
            415,
            "unsupported_media_type",
        ),
        (
            api.http
                .post(api.url("/tickets"))
                .header("content-type", "application/json")
                .body(format!(
                    "{{\"subject\":\"x\",\"body\":\"{}\"}}",
                    "a".repeat(2 << 20)
                )),
            413,
            "too_large",
        ),
        (api.http.get(api.url("/tickets?limit=0")), 400, "invalid"),
        (api.http.get(api.url("/tickets?limit=ten")), 400, "invalid"),
        (
            api.http.get(api.url("/tickets?cursor=garbage")),
            400,
            "invalid",
        ),
        (
            api.http.get(api.url("/tickets?status=lost")),
            400,
            "invalid",
        ),
        (
            api.http.get(api.url("/tickets/999999999")),
            404,
            "not_found",
        ),
        (api.http.get(api.url("/tickets/abc")), 400, "invalid"),
        (api.http.get(api.url("/nothing/here")), 404, "not_found"),
        (
            api.http.delete(api.url("/tickets")),
            405,
            "method_not_allowed",
        ),
    ];
    for (i, (req, status, code)) in cases.into_iter().enumerate() {
        let res = req.bearer_auth(&api.token).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "case {i}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "case {i}"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), code, "case {i}: {body}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app(10).await;
    let token = app.api_token("admin@example.com").await;
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        let url = format!("{}{}", app.base, path.replace("{id}", &id.to_string()));
        for (method, op) in item.as_object().unwrap() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            assert!(op["responses"].is_object(), "{method} {path}");
            let res = http
                .request(method.clone(), &url)
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            // Served: an empty body may be refused and an id may not exist, but the route and
            // method do (the router's own answers for those are 405 and "No such API endpoint").
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path}");
            assert_ne!(
                body["error"]["message"], "No such API endpoint.",
                "{method} {path}"
            );
            operations += 1;
        }
    }
    // The document is built from the same registrations as the router.
    let (_, built) = ticketlens::server::api::routes();
    assert_eq!(built.paths.paths.len(), paths.len());
    assert!(operations >= 3, "{operations} operations");
}
