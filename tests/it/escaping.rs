//! Ticket text and LLM output are shown as text, never run as markup: script and image tags fed
//! in through the CSV upload, the inbound webhook and the LLM stand-in (a drafted reply and a
//! provider's error message) appear escaped on every page that shows them, and verbatim in the
//! JSON answers, which are data.

use crate::{common, standin};
use common::{spawn_app_with, TestApp};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use standin::{Standin, Step};
use std::time::Duration;
use ticketlens::server::llm::{LlmSettings, Provider};

const MODEL: &str = "llama-test";
/// What the provider answers when the webhook ticket's reply is drafted (both attempts).
const LLM_ERROR: &str = r#"<script>alert("xss-llm-error")</script>"#;
/// Markup that must never reach a page as it was written.
const RAW: [&str; 2] = [r#"<script>alert("xss"#, "<img src=x onerror"];

/// A script tag whose alert names where it came from.
fn script(tag: &str) -> String {
    format!(r#"<script>alert("{tag}")</script>"#)
}

/// An image tag whose handler names where it came from.
fn img(n: u32) -> String {
    format!("<img src=x onerror=alert({n})>")
}

/// What Leptos writes for `s` in a text node: `&`, `<` and `>` as entities, quotes as they are.
fn as_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What Leptos writes for `s` in a double-quoted attribute value: quotes as entities too.
fn as_attr(s: &str) -> String {
    as_text(s).replace('"', "&quot;")
}

/// Fetches `path` as `client`: it loads, no payload is in it as markup (not in the hydration
/// data either), and each of `shown` is in it in its escaped text form.
async fn page(app: &TestApp, client: &reqwest::Client, path: &str, shown: &[&String]) -> String {
    let (status, html) = app.get_html(client, path).await;
    assert_eq!(status, 200, "{path}");
    for raw in RAW {
        if let Some(at) = html.find(raw) {
            let around = &html[at.saturating_sub(200)..(at + 200).min(html.len())];
            panic!("{path} carries {raw:?} as markup: …{around}…");
        }
    }
    for s in shown {
        assert!(
            html.contains(&as_text(s)),
            "{path} does not show {s:?} as {:?}",
            as_text(s)
        );
    }
    html
}

fn signature(secret: &str, body: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Uploads `csv` as `file_name` from the Data page, as a browser does; returns the import id.
async fn upload(app: &TestApp, admin: &reqwest::Client, file_name: &str, csv: String) -> i64 {
    let file = reqwest::multipart::Part::text(csv).file_name(file_name.to_string());
    // A browser sends the file name as it is.
    let form = reqwest::multipart::Form::new()
        .percent_encode_noop()
        .part("file", file)
        .text("format", "auto");
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap();
    let id = location.strip_prefix("/data?import=");
    id.and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("the upload failed: {location}"))
}

/// Posts `fields` to the inbound webhook of `source`, signed; returns the new ticket's id.
async fn inbound(app: &TestApp, source: &str, secret: &str, fields: serde_json::Value) -> i64 {
    let body = fields.to_string();
    let res = reqwest::Client::new()
        .post(format!("{}/hooks/inbound/{source}", app.base))
        .header("content-type", "application/json")
        .header("TicketLens-Signature", signature(secret, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: serde_json::Value = res.json().await.unwrap();
    created["ticket_id"].as_i64().unwrap()
}

async fn ticket_id(app: &TestApp, external_id: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM tickets WHERE external_id = $1")
        .bind(external_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn escalated(app: &TestApp, id: i64) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM escalations WHERE ticket_id = $1)")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn script_tags_from_import_webhook_and_llm_are_shown_escaped_on_every_page() {
    // A reply that would end the draft's textarea and run if written as it is.
    let llm_reply = format!(
        "Hi Ana, </textarea>{} your refund is on its way. {} Sam",
        script("xss-llm"),
        img(9)
    );
    let standin = Standin::start(
        Provider::OpenAi,
        MODEL,
        None,
        vec![
            Step::Text(llm_reply.clone()),
            Step::Fail(503, LLM_ERROR, None),
            Step::Fail(503, LLM_ERROR, None),
        ],
    )
    .await;
    let app = spawn_app_with(0, |s| {
        let mut llm = LlmSettings::new(Provider::OpenAi, MODEL);
        llm.base_url = standin.base_url.clone();
        llm.max_attempts = 2;
        llm.timeout = Duration::from_secs(5);
        s.llm = Some(llm);
    })
    .await;
    let admin = app.login("admin@example.com").await;
    let (status, _) = app
        .post_form(&admin, "/api/drafts/method", &[("method", "llm")])
        .await;
    assert_eq!(status, 302);

    // Through the CSV upload: an open ticket (drafted by the LLM), one that escalates (a legal
    // threat), a resolved one with the agent's reply, and a bad row whose value is reported.
    let created = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let subject = format!("Refund for my charger {}", script("xss-import-subject"));
    let body = format!("The charger broke {} again. Where is my refund?", img(1));
    let name = format!("Ana {}", script("xss-import-name"));
    let product = format!("Charger {}", img(2));
    let category = format!("Billing {}", img(3));
    let esc_subject = format!("{} Charged twice", script("xss-import-escalated"));
    let esc_name = format!("Bo {}", script("xss-import-bo"));
    let reply = format!(
        "Sorry about the charger! {} A new one is on its way.",
        script("xss-import-reply")
    );
    let bad_priority = img(4);
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let csv = format!(
        "external_id,created_at,subject,body,customer_ref,customer_name,product,category,\
         channel,priority,status,agent_reply\n\
         X-1,{created},{subject},{body},ana,{name},{product},{category},email,high,open,\n\
         X-2,{created},{esc_subject},My lawyer will hear of this.,bo,{esc_name},{product},,\
         email,medium,open,\n\
         X-3,{created},My charger broke,The charger broke after a week.,cy,Cy,{product},,\
         email,low,resolved,{reply}\n\
         X-4,{created},Bad row,Bad row,dee,Dee,,,email,{bad_priority},open,\n",
        subject = q(&subject),
        name = q(&name),
        esc_subject = q(&esc_subject),
        esc_name = q(&esc_name),
        reply = q(&reply),
    );
    let file_name = format!("tickets {}.csv", img(5));
    let import = upload(&app, &admin, &file_name, csv).await;
    app.run_jobs().await;
    assert_eq!(standin.seen().len(), 1, "one LLM draft: X-1's");
    let (drafted, escalated_import, resolved) = (
        ticket_id(&app, "X-1").await,
        ticket_id(&app, "X-2").await,
        ticket_id(&app, "X-3").await,
    );
    assert!(escalated(&app, escalated_import).await);

    // Through the inbound webhook: one ticket drafted while the provider fails with markup in
    // its error, one that escalates.
    let secret = "whsec_escaping_secret_01";
    assert!(
        ticketlens::server::db::webhooks::create_inbound(&app.pool, "crm", secret, None)
            .await
            .unwrap()
    );
    let hook_subject = format!("Login fails {}", script("xss-webhook-subject"));
    let hook_body = format!("I cannot log in. {} Please help.", img(6));
    let hook_name = format!("Eve {}", script("xss-webhook-name"));
    let webhook = inbound(
        &app,
        "crm",
        secret,
        serde_json::json!({
            "external_id": "W-1", "subject": hook_subject, "body": hook_body,
            "customer_name": hook_name, "customer_email": "eve@example.com",
        }),
    )
    .await;
    let hook_esc_subject = format!("{} Account", script("xss-webhook-escalated"));
    let hook_esc_name = format!("Fay {}", script("xss-webhook-fay"));
    let escalated_hook = inbound(
        &app,
        "crm",
        secret,
        serde_json::json!({
            "external_id": "W-2", "subject": hook_esc_subject,
            "body": "I am talking to my lawyer about this.",
            "customer_name": hook_esc_name, "customer_email": "fay@example.com",
        }),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(
        standin.seen().len(),
        3,
        "W-1's draft: one call and one retry"
    );
    assert!(escalated(&app, escalated_hook).await);

    // Every page a user opens shows the text, escaped.
    let agent = app.login("agent@example.com").await;
    let fallback = format!(
        "The LLM draft failed (LLM provider failed with HTTP 503 (2 attempts): {LLM_ERROR}); \
         drafted by retrieval instead."
    );
    let reason = format!("unknown priority \"{bad_priority}\"");
    let ticket = |id: i64| format!("/tickets/{id}");
    for (client, path, shown) in [
        // The LLM's reply is in the draft's textarea; the similar resolved ticket's reply below.
        (
            &agent,
            ticket(drafted),
            vec![
                &subject, &body, &name, &product, &category, &llm_reply, &reply,
            ],
        ),
        (
            &agent,
            ticket(escalated_import),
            vec![&esc_subject, &esc_name, &product],
        ),
        (&agent, ticket(resolved), vec![&reply]),
        (
            &agent,
            ticket(webhook),
            vec![&hook_subject, &hook_body, &hook_name, &fallback],
        ),
        (
            &agent,
            ticket(escalated_hook),
            vec![&hook_esc_subject, &hook_esc_name],
        ),
        (
            &agent,
            "/tickets".into(),
            vec![
                &subject,
                &name,
                &esc_subject,
                &esc_name,
                &hook_subject,
                &hook_name,
                &hook_esc_subject,
                &hook_esc_name,
            ],
        ),
        (
            &agent,
            "/inbox".into(),
            vec![&esc_subject, &esc_name, &hook_esc_subject, &hook_esc_name],
        ),
        (
            &agent,
            "/heatmaps?from=2000-01-01&to=2100-12-31".into(),
            vec![&product, &category],
        ),
        (&agent, "/".into(), vec![&category]),
        (
            &admin,
            format!("/data?import={import}"),
            vec![&file_name, &reason],
        ),
    ] {
        page(&app, client, &path, &shown).await;
    }

    // Text reflected from the address: a search in an attribute value, a message in a text node.
    let search = script("xss-search");
    let url = reqwest::Url::parse_with_params(&format!("{}/tickets", app.base), [("q", &search)])
        .unwrap();
    let html = page(
        &app,
        &agent,
        &format!("/tickets?{}", url.query().unwrap()),
        &[],
    )
    .await;
    assert!(
        html.contains(&format!("value=\"{}\"", as_attr(&search))),
        "the search box holds the query, escaped"
    );
    let message = script("xss-message");
    let url = reqwest::Url::parse_with_params(&format!("{}/data", app.base), [("error", &message)])
        .unwrap();
    page(
        &app,
        &admin,
        &format!("/data?{}", url.query().unwrap()),
        &[&message],
    )
    .await;

    // JSON is data: the API and the draft's server function return the text as it was sent.
    let token = app.api_token("agent@example.com").await;
    let (status, t) = app
        .call_api(
            &token,
            reqwest::Method::GET,
            &format!("/tickets/{webhook}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(
        (
            t["subject"].as_str(),
            t["body"].as_str(),
            t["customer"].as_str()
        ),
        (
            Some(hook_subject.as_str()),
            Some(hook_body.as_str()),
            Some(hook_name.as_str())
        )
    );
    let res = agent
        .post(format!("{}/api/drafts/assist", app.base))
        .form(&[
            ("ticket_id", drafted.to_string().as_str()),
            ("same_product", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let assist: serde_json::Value = res.json().await.unwrap();
    assert_eq!(assist["draft"]["body"], llm_reply.as_str());
}
