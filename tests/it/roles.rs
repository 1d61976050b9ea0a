//! The role matrix: every server function and every REST API operation, called with no session
//! and as each role, answers exactly as the tables in `domain::role` say (401 without a session,
//! 403 for a role the table leaves out, and past the guard for the others), and the tables list
//! every function and operation the app serves.

use crate::common;
use common::spawn_app;
use std::collections::BTreeSet;
use ticketlens::domain::role::{Role, API_ROUTES, SERVER_FNS};

const ACCOUNTS: [(Role, &str); 3] = [
    (Role::Admin, "admin@example.com"),
    (Role::Manager, "manager@example.com"),
    (Role::Agent, "agent@example.com"),
];

#[tokio::test]
async fn every_server_function_allows_exactly_the_roles_of_the_table() {
    let app = spawn_app(5).await;
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let tabled: BTreeSet<String> = SERVER_FNS.iter().map(|(e, _)| e.to_string()).collect();
    assert_eq!(
        registered, tabled,
        "the table lists exactly the served functions"
    );

    let mut clients = vec![(None, app.anonymous())];
    for (role, email) in ACCOUNTS {
        clients.push((Some(role), app.login(email).await));
    }
    let mut checked = 0;
    for (endpoint, area) in SERVER_FNS {
        // Public ones (log in, log out, who am I) take no role; logging out would end a session.
        let Some(area) = area else { continue };
        for (role, client) in &clients {
            let status = client
                .post(format!("{}/api/{endpoint}", app.base))
                .form(&[("__probe", "1")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let expected = match role {
                None => Some(401),
                Some(r) if !area.allows(*r) => Some(403),
                Some(_) => None,
            };
            match expected {
                Some(code) => assert_eq!(status, code, "{endpoint} as {role:?}"),
                None => assert!(
                    status != 401 && status != 403,
                    "{endpoint} as {role:?} was refused ({status})"
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 250, "{checked} calls");
    // A path the table does not know is refused, not served.
    let (_, admin) = &clients[1];
    let status = admin
        .post(format!("{}/api/no-such-function", app.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_api_operation_allows_exactly_the_roles_of_the_table() {
    let app = spawn_app(5).await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut served = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            served.insert((method.to_uppercase(), path.clone()));
        }
    }
    let tabled: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        served, tabled,
        "the table lists exactly the documented operations"
    );

    let mut tokens = Vec::new();
    for (role, email) in ACCOUNTS {
        tokens.push((Some(role), Some(app.api_token(email).await)));
    }
    tokens.push((None, None));
    let client = reqwest::Client::new();
    for (method, path, area) in API_ROUTES {
        let url = format!("{}{}", app.base, path.replace("{id}", "1"));
        for (role, token) in &tokens {
            let mut req = client
                .request(method.parse().unwrap(), &url)
                .json(&serde_json::json!({}));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            match role {
                None => assert_eq!(status, 401, "{method} {path} without a token"),
                Some(r) if !area.allows(*r) => {
                    assert_eq!(status, 403, "{method} {path} as {r:?}");
                    let body: serde_json::Value = res.json().await.unwrap();
                    assert_eq!(body["error"]["code"], "forbidden");
                }
                Some(r) => assert!(
                    status != 401 && status != 403,
                    "{method} {path} as {r:?} was refused ({status})"
                ),
            }
        }
    }
}
