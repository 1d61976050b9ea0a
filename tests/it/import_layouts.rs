//! Managing layouts from the Data page over HTTP: the list with the built-in ones, JSON export and
//! import (a layout made elsewhere then reads its files), rename and delete, with the refusals
//! in a sentence and the whole of it for admins only.

use crate::common;

const LAYOUT: &str = r#"{
  "name": "Helpdesk X",
  "header": ["Ref", "Text", "When", "Level"],
  "mapping": {
    "columns": {"external_id": "Ref", "body": "Text", "created_at": "When", "priority": "Level"},
    "values": {"priority": {"P1": "urgent"}}
  }
}"#;

async fn layouts(app: &common::TestApp, client: &reqwest::Client) -> Vec<serde_json::Value> {
    let res = client
        .post(format!("{}/api/imports", app.base))
        .form(&Vec::<(String, String)>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    page["layouts"].as_array().unwrap().clone()
}

fn names(list: &[serde_json::Value]) -> Vec<String> {
    list.iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

/// The message a layout change ended on, from its redirect.
fn said(location: &str, key: &str) -> String {
    let query = location
        .strip_prefix("/data?")
        .unwrap_or_else(|| panic!("{location}"));
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {key} in {location}"))
}

async fn export(app: &common::TestApp, client: &reqwest::Client, name: &str) -> reqwest::Response {
    client
        .get(format!("{}/data/layout.json", app.base))
        .query(&[("name", name)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn layouts_are_listed_exported_imported_renamed_and_deleted() {
    let app = common::spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let list = layouts(&app, &admin).await;
    assert_eq!(names(&list), ["ticketlens", "kaggle", "multilang", "twcs"]);
    assert!(list.iter().all(|l| l["builtin"] == true));

    // A built-in layout exports as a mapping of the columns it reads.
    let res = export(&app, &admin, "kaggle").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("ticketlens-layout-kaggle.json"));
    let kaggle: serde_json::Value = res.json().await.unwrap();
    assert_eq!(kaggle["mapping"]["columns"]["body"], "Ticket Description");

    // A layout made on another TicketLens is imported, and then reads its files by their header.
    let (status, location) = app
        .post_form(
            &admin,
            "/api/data/layouts/import",
            &[("json", LAYOUT), ("name", "")],
        )
        .await;
    assert_eq!(status, 302);
    assert_eq!(
        said(&location, "ok"),
        "The layout \"Helpdesk X\" was saved."
    );
    let csv = "Ref,Text,When,Level\nX-1,The export button crashes the app,2024-03-01 10:00,P1\n";
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(
            reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::text(csv).file_name("x.csv"),
                )
                .text("format", "auto"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/data?import="), "{location}");
    let (priority, source): (String, String) =
        sqlx::query_as("SELECT priority, source FROM tickets WHERE external_id = 'X-1'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (priority.as_str(), source.as_str()),
        ("urgent", "Helpdesk X")
    );

    // Exported again, it is what was imported.
    let res = export(&app, &admin, "helpdesk x").await;
    assert_eq!(res.status(), 200);
    let back: serde_json::Value = res.json().await.unwrap();
    let given: serde_json::Value = serde_json::from_str(LAYOUT).unwrap();
    assert_eq!(back, given);
    let list = layouts(&app, &admin).await;
    let saved = list.iter().find(|l| l["name"] == "Helpdesk X").unwrap();
    assert_eq!(
        (
            saved["builtin"].clone(),
            saved["columns"].clone(),
            saved["value_maps"].clone()
        ),
        (false.into(), 4.into(), 1.into())
    );

    // Refusals, each in a sentence, with nothing changed.
    let other_header = LAYOUT
        .replace("\"Level\"]", "\"Urgency\"]")
        .replace("\"Level\"}", "\"Urgency\"}");
    for (json, name, why) in [
        ("{\"name\": 1}", "", "not a layout"),
        (LAYOUT, "kaggle", "built-in"),
        (LAYOUT, "map", "means something else"),
        (
            other_header.as_str(),
            "",
            "exists for files with other columns",
        ),
        (
            &LAYOUT.replace("\"Text\", \"When\"", "\"When\""),
            "Y",
            "Text",
        ),
    ] {
        let (status, location) = app
            .post_form(
                &admin,
                "/api/data/layouts/import",
                &[("json", json), ("name", name)],
            )
            .await;
        assert_eq!(status, 302, "{json}");
        let error = said(&location, "error");
        assert!(error.contains(why), "{error} should say {why:?}");
    }
    assert_eq!(layouts(&app, &admin).await.len(), 5);

    // Renamed (a name in use is refused), then deleted; the import keeps the name it ran with.
    let (_, location) = app
        .post_form(
            &admin,
            "/api/data/layouts/rename",
            &[("name", "Helpdesk X"), ("new_name", "twcs")],
        )
        .await;
    assert!(said(&location, "error").contains("built-in"));
    let (_, location) = app
        .post_form(
            &admin,
            "/api/data/layouts/rename",
            &[("name", "Helpdesk X"), ("new_name", "  Helpdesk Y ")],
        )
        .await;
    assert_eq!(
        said(&location, "ok"),
        "The layout \"Helpdesk X\" is now \"Helpdesk Y\"."
    );
    assert!(names(&layouts(&app, &admin).await).contains(&"Helpdesk Y".to_string()));
    let (_, location) = app
        .post_form(&admin, "/api/data/layouts/delete", &[("name", "kaggle")])
        .await;
    assert!(said(&location, "error").contains("cannot be deleted"));
    let (_, location) = app
        .post_form(
            &admin,
            "/api/data/layouts/delete",
            &[("name", "helpdesk y")],
        )
        .await;
    assert_eq!(
        said(&location, "ok"),
        "The layout \"Helpdesk Y\" was deleted."
    );
    assert_eq!(layouts(&app, &admin).await.len(), 4);
    assert_eq!(export(&app, &admin, "Helpdesk Y").await.status(), 404);
    let (format, layout_id): (String, Option<i64>) =
        sqlx::query_as("SELECT format, layout_id FROM imports ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((format.as_str(), layout_id), ("Helpdesk X", None));
}

#[tokio::test]
async fn only_admins_manage_layouts() {
    let app = common::spawn_app(0).await;
    for email in ["manager@example.com", "agent@example.com"] {
        let client = app.login(email).await;
        assert_eq!(
            export(&app, &client, "kaggle").await.status(),
            403,
            "{email}"
        );
        for (path, form) in [
            (
                "/api/data/layouts/import",
                vec![("json", LAYOUT), ("name", "")],
            ),
            (
                "/api/data/layouts/rename",
                vec![("name", "a"), ("new_name", "b")],
            ),
            ("/api/data/layouts/delete", vec![("name", "a")]),
        ] {
            let (status, _) = app.post_form(&client, path, &form).await;
            assert_eq!(status, 403, "{email} {path}");
        }
    }
    // Anonymous visitors are sent to log in first.
    let res = export(&app, &app.anonymous(), "kaggle").await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM import_layouts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
