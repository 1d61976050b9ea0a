//! The audit log: an admin's successful changes are recorded with who, what and the fields sent
//! (passwords blanked), refused or failed calls are not, reads are not, and the page lists them.

use crate::common;
use common::spawn_app;

async fn entries(pool: &sqlx::PgPool) -> Vec<(String, String, serde_json::Value)> {
    sqlx::query_as("SELECT actor, action, detail FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn admin_changes_are_recorded_with_their_fields_and_secrets_blanked() {
    let app = spawn_app(5).await;
    let admin = app.login("admin@example.com").await;
    let form = [
        ("email", "new.agent@example.com"),
        ("name", "New <b>Agent</b>"),
        ("role", "agent"),
        ("password", "correct-horse-battery"),
    ];
    let res = admin
        .post(format!("{}/api/users/create", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    // Refused: a too short password (the function's own check) and a manager (the guard).
    let bad = admin
        .post(format!("{}/api/users/create", app.base))
        .form(&[
            ("email", "x@example.com"),
            ("name", "X"),
            ("role", "agent"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    let back = bad
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    assert!(
        back.as_deref().is_some_and(|l| l.contains("error=")),
        "sent back to the form with the reason: {back:?}"
    );
    let manager = app.login("manager@example.com").await;
    let forbidden = manager
        .post(format!("{}/api/users/create", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    // A read is not an action.
    admin
        .post(format!("{}/api/users", app.base))
        .send()
        .await
        .unwrap();

    let log = entries(&app.pool).await;
    assert_eq!(log.len(), 1, "{log:?}");
    let (actor, action, detail) = &log[0];
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("admin@example.com", "users/create")
    );
    assert_eq!(detail["email"], "new.agent@example.com");
    assert_eq!(detail["password"], "***");
    assert!(!detail.to_string().contains("correct-horse"));

    let (status, html) = app.get_html(&admin, "/audit?area=users").await;
    assert_eq!(status, 200);
    assert!(html.contains("users/create"));
    assert!(
        html.contains("New &lt;b&gt;Agent&lt;/b&gt;"),
        "fields are shown escaped"
    );
    let (status, _) = app.get_html(&manager, "/audit").await;
    assert_eq!(status, 403);
}
