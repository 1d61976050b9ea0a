//! `POST /api/v1/imports`: a file in the body through a mapping, a saved layout or a dry run;
//! larger than the API's JSON limit; refused for agents; a bad file is a 400 that writes nothing.

use crate::common;

fn csv(rows: usize, from: usize) -> String {
    let mut out = String::from("Case,When,Text,Prio\n");
    for i in from..from + rows {
        out.push_str(&format!(
            "K-{i},2024-03-01 10:{:02},\"Order {i} arrived late, and the box was damaged on the way to me\",{}\n",
            i % 60,
            if i % 3 == 0 { "P1" } else { "low" }
        ));
    }
    out
}

async fn post(
    app: &common::TestApp,
    token: &str,
    query: &str,
    body: String,
) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/imports?{query}", app.base))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

async fn tickets(app: &common::TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tickets WHERE source = 'api-crm'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_file_is_imported_through_a_mapping_then_its_saved_layout() {
    let app = common::spawn_app(0).await;
    let token = app.api_token("admin@example.com").await;
    let map = "map=external_id%3DCase%2Ccreated_at%3DWhen%2Cbody%3DText%2Cpriority%3DPrio&save_as=api-crm&source=api-crm";

    // Dry run: the report of what would happen, nothing written.
    let (status, dry) = post(&app, &token, &format!("{map}&dry_run=true"), csv(10, 0)).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (
            dry["dry_run"].clone(),
            dry["import_id"].clone(),
            dry["inserted"].clone()
        ),
        (true.into(), serde_json::Value::Null, 10.into())
    );
    assert_eq!(tickets(&app).await, 0);

    // 12,000 rows: over the 1 MB the JSON endpoints take.
    let body = csv(12_000, 0);
    assert!(body.len() > 1024 * 1024);
    let (status, r) = post(&app, &token, map, body).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (
            r["inserted"].clone(),
            r["skipped"].clone(),
            r["layout"].clone()
        ),
        (12_000.into(), 0.into(), "api-crm".into())
    );
    let urgent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets WHERE source = 'api-crm' AND priority = 'urgent'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(urgent, 4000, "P1 reads as urgent");

    // The saved layout by name: the same rows again add nothing, new ones are added.
    let (status, r) = post(&app, &token, "layout=api-crm", csv(20, 11_990)).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (r["inserted"].clone(), r["duplicates"].clone()),
        (10.into(), 10.into())
    );
    assert_eq!(tickets(&app).await, 12_010);
}

#[tokio::test]
async fn bad_files_and_agents_are_refused_with_a_reason() {
    let app = common::spawn_app(0).await;
    let admin = app.api_token("admin@example.com").await;
    let agent = app.api_token("agent@example.com").await;
    let (status, _) = post(&app, &agent, "", csv(2, 0)).await;
    assert_eq!(status, 403);
    let (status, e) = post(&app, &admin, "", csv(2, 0)).await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no layout knows these columns"),
        "{e}"
    );
    let (status, e) = post(&app, &admin, "map=body%3DNope", csv(2, 0)).await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("\"Nope\""),
        "{e}"
    );
    let (status, e) = post(&app, &admin, "map=body%3DText", String::new()).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["message"], "the file is empty");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
