//! Logging in, sessions in Postgres, cookies, and role checks on the server.

use crate::common;
use common::{spawn_app, PASSWORD};

#[tokio::test]
async fn login_sets_an_http_only_same_site_cookie_and_a_wrong_password_does_not() {
    let app = spawn_app(0).await;
    let client = app.anonymous();
    let res = client
        .post(format!("{}/api/login", app.base))
        .header("Accept", "text/html")
        .form(&[
            ("email", "admin@example.com"),
            ("password", "wrong-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?error=1");
    assert!(res.headers().get("set-cookie").is_none());

    let res = client
        .post(format!("{}/api/login", app.base))
        .header("Accept", "text/html")
        .form(&[
            ("email", "ADMIN@example.com"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/",
        "off-site next must be ignored"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("tl_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn pages_redirect_anonymous_visitors_to_login() {
    let app = spawn_app(0).await;
    let res = app
        .anonymous()
        .get(format!("{}/tickets?priority=high", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=/tickets%3Fpriority%3Dhigh"
    );
    let (status, html) = app.get_html(&app.anonymous(), "/login").await;
    assert_eq!(status, 200);
    assert!(html.contains("Log in"));
}

#[tokio::test]
async fn server_functions_check_the_role_on_the_server() {
    let app = spawn_app(0).await;
    let post = |client: reqwest::Client, path: &'static str| {
        let url = format!("{}{path}", app.base);
        async move {
            client
                .post(url)
                .form(&[("query[sort]", "newest")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Anonymous: every data function refuses.
    for path in [
        "/api/tickets",
        "/api/overview",
        "/api/users",
        "/api/imports",
    ] {
        assert_eq!(post(app.anonymous(), path).await, 401, "{path}");
    }
    let agent = app.login("agent@example.com").await;
    assert_eq!(post(agent.clone(), "/api/users").await, 403);
    assert_eq!(post(agent.clone(), "/api/imports").await, 403);
    let res = agent
        .post(format!("{}/api/users/create", app.base))
        .form(&[
            ("email", "x@example.com"),
            ("name", "X"),
            ("role", "admin"),
            ("password", "longenough"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "an agent must not create users");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        users,
        ticketlens::server::tools::seed::DEMO_USERS.len() as i64
    );
    // Admin: allowed.
    let admin = app.login("admin@example.com").await;
    let res = admin
        .post(format!("{}/api/users", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("agent@example.com"));
}

#[tokio::test]
async fn logout_ends_the_session_in_the_database() {
    let app = spawn_app(0).await;
    let client = app.login("manager@example.com").await;
    let (status, _) = app.get_html(&client, "/tickets").await;
    assert_eq!(status, 200);
    let (_, location) = app.post_form(&client, "/api/logout", &[]).await;
    assert_eq!(location, "/login");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let res = client
        .get(format!("{}/tickets", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_but_the_last_admin_stays() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let agent = app.login("agent@example.com").await;
    let agent_id = app.user_id("agent@example.com").await.to_string();
    let form = [("id", agent_id.as_str()), ("role", "agent")];
    let (_, location) = app.post_form(&admin, "/api/users/update", &form).await;
    assert_eq!(location, "/users?ok=Saved.");
    assert_eq!(
        app.get_html(&agent, "/tickets").await.0,
        303,
        "the agent's session must end"
    );

    let admin_id = app.user_id("admin@example.com").await;
    let id = admin_id.to_string();
    let form = [("id", id.as_str()), ("role", "manager"), ("active", "on")];
    let (_, location) = app.post_form(&admin, "/api/users/update", &form).await;
    assert!(location.starts_with("/users?error="), "{location}");
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(admin_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "admin");
}

#[tokio::test]
async fn an_admin_resets_a_password_which_ends_the_users_sessions() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let agent = app.login("agent@example.com").await;
    let id = app.user_id("agent@example.com").await.to_string();
    // Agents may not reset passwords, not even their own through this function.
    let (status, _) = app
        .post_form(
            &agent,
            "/api/users/password",
            &[("id", &id), ("password", "another-password")],
        )
        .await;
    assert_eq!(status, 403);
    let (_, location) = app
        .post_form(
            &admin,
            "/api/users/password",
            &[("id", &id), ("password", "short")],
        )
        .await;
    assert!(location.starts_with("/users?error="), "{location}");
    let (_, location) = app
        .post_form(
            &admin,
            "/api/users/password",
            &[("id", &id), ("password", "a-new-password")],
        )
        .await;
    assert!(location.starts_with("/users?ok="), "{location}");
    assert_eq!(
        app.get_html(&agent, "/tickets").await.0,
        303,
        "the agent's session must end"
    );
    let fresh = app.anonymous();
    let old = [("email", "agent@example.com"), ("password", PASSWORD)];
    assert_eq!(
        app.post_form(&fresh, "/api/login", &old).await.1,
        "/login?error=1"
    );
    let new = [
        ("email", "agent@example.com"),
        ("password", "a-new-password"),
    ];
    assert_eq!(app.post_form(&fresh, "/api/login", &new).await.1, "/");
}

/// Posts the login form; returns the redirect target and the new session cookie, if any.
async fn try_login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, Option<String>) {
    let res = client
        .post(format!("{base}/api/login"))
        .header("Accept", "text/html")
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/tickets"),
        ])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let cookie = res
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string());
    (location, cookie)
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_address_for_a_while() {
    let app = spawn_app(0).await;
    let client = app.anonymous();
    for _ in 0..5 {
        let (to, cookie) = try_login(&client, &app.base, "agent@example.com", "guess").await;
        assert_eq!(to, "/login?error=1");
        assert!(cookie.is_none());
    }
    // Even the right password is refused now, for this address only.
    let (to, cookie) = try_login(&client, &app.base, "Agent@Example.com", PASSWORD).await;
    assert_eq!(to, "/login?error=throttled");
    assert!(cookie.is_none());
    let (_, html) = app.get_html(&client, "/login?error=throttled").await;
    assert!(
        html.contains("Too many failed attempts"),
        "the page says why"
    );
    let (to, _) = try_login(&client, &app.base, "manager@example.com", PASSWORD).await;
    assert_eq!(to, "/tickets");
    // Once the window has passed, the right password works and clears the count.
    sqlx::query("UPDATE login_failures SET at = at - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (to, cookie) = try_login(&client, &app.base, "agent@example.com", PASSWORD).await;
    assert_eq!(to, "/tickets");
    assert!(cookie.is_some());
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE email = 'agent@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn logging_in_again_replaces_the_session() {
    let app = spawn_app(0).await;
    let client = app.anonymous();
    let (_, first) = try_login(&client, &app.base, "agent@example.com", PASSWORD).await;
    let first = first.expect("a session");
    // The same browser logs in again (as itself or someone else): the old session ends.
    let (_, second) = try_login(&client, &app.base, "manager@example.com", PASSWORD).await;
    let second = second.expect("a new session");
    assert_ne!(first, second);
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let status = |cookie: String| {
        let req = other
            .get(format!("{}/tickets", app.base))
            .header("Cookie", cookie);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(first).await, 303, "the old session is gone");
    assert_eq!(status(second).await, 200);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn a_demo_database_from_before_gets_the_new_demo_agents_and_a_team_database_does_not() {
    let app = spawn_app(0).await;
    let settings = crate::common::test_settings(String::new(), 0);
    let ensure = || ticketlens::server::tools::seed::ensure_demo_users(&app.pool, &settings);
    let emails = || async {
        sqlx::query_scalar::<_, String>("SELECT email FROM users ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap()
    };
    // A demo from before Bea and Sam joined it.
    sqlx::query("DELETE FROM users WHERE email IN ('bea@example.com', 'sam@example.com')")
        .execute(&app.pool)
        .await
        .unwrap();
    ensure().await.unwrap();
    assert!(emails().await.contains(&"sam@example.com".to_string()));
    // With the demo agent's password, and only once.
    app.login("bea@example.com").await;
    ensure().await.unwrap();
    assert_eq!(emails().await.len(), 5);

    // A team that deactivated, renamed or changed the password of a demo account, or added its
    // own people, runs its own users: nothing comes back.
    let drop_new = || async {
        sqlx::query("DELETE FROM users WHERE email IN ('bea@example.com', 'sam@example.com')")
            .execute(&app.pool)
            .await
            .unwrap();
    };
    for (change, undo) in [
        (
            "UPDATE users SET active = false WHERE email = 'manager@example.com'",
            "UPDATE users SET active = true WHERE email = 'manager@example.com'",
        ),
        (
            "UPDATE users SET password_hash = password_hash || 'x' WHERE email = 'admin@example.com'",
            "UPDATE users SET password_hash = left(password_hash, -1) WHERE email = 'admin@example.com'",
        ),
        (
            "UPDATE users SET email = 'alex@team.example' WHERE email = 'agent@example.com'",
            "UPDATE users SET email = 'agent@example.com' WHERE email = 'alex@team.example'",
        ),
        // A team that kept the demo logins and added its own people.
        (
            "INSERT INTO users (email, name, role, password_hash)
             SELECT 'dana@team.example', 'Dana', 'agent', password_hash FROM users
             WHERE email = 'agent@example.com'",
            "DELETE FROM users WHERE email = 'dana@team.example'",
        ),
    ] {
        drop_new().await;
        sqlx::query(change).execute(&app.pool).await.unwrap();
        ensure().await.unwrap();
        let now = emails().await;
        assert!(!now.iter().any(|e| e.starts_with("bea@")), "{change}: {now:?}");
        sqlx::query(undo).execute(&app.pool).await.unwrap();
    }
    // Undone, they are the demo's again.
    ensure().await.unwrap();
    assert_eq!(emails().await.len(), 5);
}
