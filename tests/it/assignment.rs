//! Assignment for a team: round-robin and least-loaded queues hand out waiting escalations
//! within each agent's capacity, concurrent passes and claims never give a ticket twice, an
//! agent going away hands back their tickets, and only managers set the policies.

use crate::common::{spawn_app, TestApp};
use std::collections::HashMap;
use ticketlens::server::db;
use ticketlens::server::pipeline::escalation::assign::{assign_all, assign_queue};

/// An agent who never logs in; their id.
pub(crate) async fn agent(app: &TestApp, name: &str, capacity: i32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, role, password_hash, capacity)
         VALUES ($1, $2, 'agent', 'x', $3) RETURNING id",
    )
    .bind(format!("{}@example.com", name.to_lowercase()))
    .bind(name)
    .bind(capacity)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// `n` open, unassigned escalations in `queue`, due one minute apart; their ticket ids.
pub(crate) async fn waiting(app: &TestApp, queue: &str, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
             VALUES ('test', gen_random_uuid()::text, '', 'Help', 'email', 'high', 'open', now())
             RETURNING id",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO escalations (ticket_id, queue, severity, first_response_due, resolution_due)
             VALUES ($1, $2, 2, now() + make_interval(mins => $3), now() + interval '1 day')",
        )
        .bind(id)
        .bind(queue)
        .bind(i as i32)
        .execute(&app.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    db::queues::ensure(&app.pool, &[queue.to_string()])
        .await
        .unwrap();
    ids
}

async fn set_policy(app: &TestApp, queue: &str, policy: &str, away: &str, members: &[i64]) {
    let mut tx = app.pool.begin().await.unwrap();
    db::queues::save(&mut tx, queue, policy, away, None, members)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn assignees(app: &TestApp, tickets: &[i64]) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    for t in tickets {
        out.push(
            sqlx::query_scalar("SELECT assignee_id FROM escalations WHERE ticket_id = $1")
                .bind(t)
                .fetch_one(&app.pool)
                .await
                .unwrap(),
        );
    }
    out
}

#[tokio::test]
async fn round_robin_takes_turns_and_least_loaded_fills_the_lightest_within_capacity() {
    let app = spawn_app(0).await;
    let (ann, bob, cy) = (
        agent(&app, "Ann", 10).await,
        agent(&app, "Bob", 10).await,
        agent(&app, "Cy", 2).await,
    );
    let tickets = waiting(&app, "billing", 7).await;
    set_policy(&app, "billing", "round_robin", "keep", &[ann, bob, cy]).await;
    let given = assign_queue(&app.pool, "billing").await.unwrap();
    assert_eq!(given.len(), 7);
    // In turn, most pressing first; Cy is full after two.
    assert_eq!(
        assignees(&app, &tickets).await,
        [ann, bob, cy, ann, bob, cy, ann].map(Some)
    );
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM escalation_activity WHERE ticket_id = $1 AND kind = 'assigned' AND actor_id IS NULL",
    )
    .bind(tickets[1])
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(trail, ["to Bob (round-robin)"]);
    // The queue remembers its place: the next ticket goes to Bob.
    let next = waiting(&app, "billing", 1).await;
    assign_queue(&app.pool, "billing").await.unwrap();
    assert_eq!(assignees(&app, &next).await, [Some(bob)]);

    // Least loaded: Ann 3, Bob 3, Cy 2 of 2 (full) → Ann and Bob alternate from the lightest.
    let more = waiting(&app, "billing", 3).await;
    set_policy(&app, "billing", "least_loaded", "keep", &[ann, bob, cy]).await;
    assign_queue(&app.pool, "billing").await.unwrap();
    let got = assignees(&app, &more).await;
    assert!(
        got.iter().all(|a| *a == Some(ann) || *a == Some(bob)),
        "{got:?}"
    );
    let loads: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT assignee_id, count(*) FROM escalations WHERE status = 'open' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let load = |id: i64| loads.iter().find(|(a, _)| *a == id).unwrap().1;
    assert_eq!((load(ann) - load(bob)).abs(), 1, "{loads:?}");
    assert_eq!(load(cy), 2, "never over capacity");

    // Manual queues are left to the agents.
    let manual = waiting(&app, "general", 2).await;
    assert_eq!(assign_all(&app.pool).await.unwrap(), 0);
    assert_eq!(assignees(&app, &manual).await, [None, None]);
}

#[tokio::test]
async fn concurrent_passes_and_claims_never_give_a_ticket_twice_or_overfill_an_agent() {
    let app = spawn_app(0).await;
    let team = [
        agent(&app, "Dee", 5).await,
        agent(&app, "Eli", 5).await,
        agent(&app, "Fay", 5).await,
    ];
    let tickets = waiting(&app, "tech", 40).await;
    set_policy(&app, "tech", "least_loaded", "keep", &team).await;
    set_policy(&app, "sales", "round_robin", "keep", &team).await;
    let sales = waiting(&app, "sales", 20).await;
    let claimer = app.user_id("agent@example.com").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let pool = app.pool.clone();
        let queue = if i % 2 == 0 { "tech" } else { "sales" };
        tasks.push(tokio::spawn(async move {
            assign_queue(&pool, queue).await.unwrap().len()
        }));
    }
    // A person claims tickets by hand at the same time.
    for t in tickets.iter().step_by(4) {
        let pool = app.pool.clone();
        let t = *t;
        tasks.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let won = db::escalations::take(&mut tx, t, claimer).await.unwrap();
            tx.commit().await.unwrap();
            usize::from(won) * 1000
        }));
    }
    let mut assigned = 0;
    let mut claimed = 0;
    for t in tasks {
        let n = t.await.unwrap();
        if n >= 1000 {
            claimed += n / 1000;
        } else {
            assigned += n;
        }
    }
    // Fifteen places in all (3 agents × 5, across both queues), each filled once.
    assert_eq!(assigned, 15);
    let loads: HashMap<i64, i64> = sqlx::query_as(
        "SELECT assignee_id, count(*) FROM escalations WHERE assignee_id IS NOT NULL GROUP BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for id in team {
        assert_eq!(loads.get(&id), Some(&5), "{loads:?}");
    }
    assert_eq!(loads.get(&claimer).copied().unwrap_or(0), claimed as i64);
    // Every ticket has at most one assignment in its trail, and whoever holds it is recorded.
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT ticket_id FROM escalation_activity WHERE kind = 'assigned'
                               GROUP BY ticket_id HAVING count(*) > 1) x",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(twice, 0);
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM escalations WHERE assignee_id IS NOT NULL AND ticket_id = ANY($1)",
    )
    .bind([tickets.as_slice(), sales.as_slice()].concat())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(held, 15 + claimed as i64);
}

#[tokio::test]
async fn an_agent_going_away_hands_back_tickets_and_only_managers_set_policies() {
    let app = spawn_app(0).await;
    let me = app.user_id("agent@example.com").await;
    let other = agent(&app, "Gus", 10).await;
    let tickets = waiting(&app, "returns", 4).await;
    set_policy(&app, "returns", "round_robin", "hand_back", &[me, other]).await;
    assign_queue(&app.pool, "returns").await.unwrap();
    assert_eq!(
        assignees(&app, &tickets).await,
        [me, other, me, other].map(Some)
    );

    let agent_client = app.login("agent@example.com").await;
    let (status, location) = app
        .post_form(
            &agent_client,
            "/api/inbox/availability",
            &[("available", "false")],
        )
        .await;
    assert_eq!(status, 302);
    assert!(
        location.contains("2+tickets+were+handed+back"),
        "{location}"
    );
    // Handed back and given out again at once, to the agent who is still here.
    assert_eq!(assignees(&app, &tickets).await, [Some(other); 4]);
    let handed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM escalation_activity WHERE kind = 'handed_back' AND actor_id = $1",
    )
    .bind(me)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(handed, 2);
    let page: serde_json::Value = agent_client
        .post(format!("{}/api/inbox", app.base))
        .form(&Vec::<(String, String)>::new())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["available"], false);

    // Agents cannot change policies or capacities; managers can, and see the loads.
    for (path, form) in [
        (
            "/api/team/queue",
            vec![
                ("queue", "returns"),
                ("policy", "manual"),
                ("away_policy", "keep"),
            ],
        ),
        (
            "/api/team/capacity",
            vec![("user_id", "1"), ("capacity", "3")],
        ),
    ] {
        let (status, _) = app.post_form(&agent_client, path, &form).await;
        assert_eq!(status, 403, "{path}");
    }
    let manager = app.login("manager@example.com").await;
    let manager_id = app.user_id("manager@example.com").await.to_string();
    let (status, location) = app
        .post_form(
            &manager,
            "/api/team/queue",
            &[
                ("queue", "returns"),
                ("policy", "least_loaded"),
                ("away_policy", "keep"),
                ("manager_id", &manager_id),
                ("members[0]", &other.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    let q = db::queues::get(&app.pool, "returns")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (q.policy.as_str(), q.away_policy.as_str(), q.members.clone()),
        ("least_loaded", "keep", vec![other])
    );
    let res = manager
        .post(format!("{}/api/team", app.base))
        .form(&Vec::<(String, String)>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let team: serde_json::Value = res.json().await.unwrap();
    let gus = team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Gus")
        .unwrap()
        .clone();
    assert_eq!(
        (gus["load"].clone(), gus["available"].clone()),
        (4.into(), true.into())
    );
    let (status, _) = app
        .post_form(
            &manager,
            "/api/team/queue",
            &[
                ("queue", "returns"),
                ("policy", "random"),
                ("away_policy", "keep"),
            ],
        )
        .await;
    assert_eq!(status, 400);
}
