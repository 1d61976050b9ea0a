//! First-run seeding: demo accounts (passwords printed once) and the demo data set in an empty database.

use crate::domain::Role;
use crate::server::auth::password;
use crate::server::config::Settings;
use crate::server::db;
use crate::server::db::ticket_writer::TicketWriter;
use crate::server::import::writers::WriterPool;
use crate::server::tools::demo::{self, DemoConfig};
use sqlx::PgPool;

/// The demo accounts: e-mail, name, role.
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin@example.com", "Ada Admin", Role::Admin),
    ("manager@example.com", "Max Manager", Role::Manager),
    ("agent@example.com", "Alex Agent", Role::Agent),
    ("bea@example.com", "Bea Agent", Role::Agent),
    ("sam@example.com", "Sam Agent", Role::Agent),
];

/// Source name of demo tickets: the name of the TicketLens CSV layout, which `demo --out` writes.
pub const DEMO_SOURCE: &str = "ticketlens";

/// What `serve` does with a database: the demo accounts and the demo tickets, each only when
/// there are none yet.
pub async fn first_run(pool: &PgPool, settings: &Settings) -> anyhow::Result<()> {
    ensure_demo_users(pool, settings).await?;
    ensure_demo_tickets(pool, settings).await
}

/// Creates the demo accounts when there are no users at all, and prints their passwords. A demo
/// database from before an account joined the demo gets the missing ones.
pub async fn ensure_demo_users(pool: &PgPool, settings: &Settings) -> anyhow::Result<()> {
    if db::users::count(pool).await? > 0 {
        return add_missing_demo_users(pool).await;
    }
    let (pass, generated) = match &settings.demo_password {
        Some(p) => (p.expose().to_string(), false),
        None => (password::random_password(), true),
    };
    let hash = password::hash(pass.clone()).await?;
    for (email, name, role) in DEMO_USERS {
        db::users::insert(pool, email, name, *role, &hash).await?;
    }
    println!("Demo accounts created (role: e-mail):");
    for (email, _, role) in DEMO_USERS {
        println!("  {role:<8} {email}");
    }
    if generated {
        println!("  password for all of them (shown once): {pass}");
    } else {
        println!("  password: the value of TICKETLENS_DEMO_PASSWORD");
    }
    Ok(())
}

/// Adds the demo accounts a demo database lacks, with the demo's password, but only while its
/// users are the demo's alone and the first demo's three accounts are as the demo made them:
/// active and sharing the one password hash it gave them (each hash has its own salt, so a
/// password changed or reset on any of them never matches). Anything else is a team's own users.
async fn add_missing_demo_users(pool: &PgPool) -> anyhow::Result<()> {
    const FIRST_DEMO: usize = 3;
    let users = db::users::list(pool).await?;
    let is_demo = |email: &str| DEMO_USERS.iter().any(|(e, _, _)| *e == email);
    if users.iter().any(|u| !is_demo(&u.email)) {
        return Ok(());
    }
    let mut hashes = Vec::with_capacity(FIRST_DEMO);
    for (email, _, _) in &DEMO_USERS[..FIRST_DEMO] {
        match users.iter().find(|u| u.email == *email) {
            Some(user) if user.active => hashes.push(user.password_hash.as_str()),
            _ => return Ok(()),
        }
    }
    if hashes.iter().any(|h| *h != hashes[0]) {
        return Ok(());
    }
    let hash = hashes[0].to_string();
    for (email, name, role) in &DEMO_USERS[FIRST_DEMO..] {
        if db::users::insert(pool, email, name, *role, &hash)
            .await?
            .is_some()
        {
            println!("Demo account added: {role:<8} {email} (the demo's password)");
        }
    }
    Ok(())
}

/// Loads the demo data set when the database holds no tickets.
pub async fn ensure_demo_tickets(pool: &PgPool, settings: &Settings) -> anyhow::Result<()> {
    if settings.demo_tickets == 0 || db::tickets::any(pool).await? {
        return Ok(());
    }
    let cfg = DemoConfig {
        tickets: settings.demo_tickets,
        seed: settings.demo_seed,
        end: demo::default_end(),
    };
    tracing::info!(tickets = cfg.tickets, seed = cfg.seed, "loading demo data");
    let inserted = load_demo(pool, &cfg, |_| {}).await?;
    let settled = db::tickets::settle_old_open(pool, DEMO_SOURCE, demo::cutoff(&cfg), 14).await?;
    tracing::info!(inserted, settled, "demo data loaded");
    // A first category model from the demo labels; the worker trains it once the new tickets are
    // analysed, activates it, and classifies them.
    db::jobs::enqueue(
        pool,
        crate::server::jobs::train_category::TRAIN_CATEGORY,
        &serde_json::json!({ "engine": "tfidf" }),
        Some("train_category:demo"),
    )
    .await?;
    if settings.demo_tuning_pairs > 0 {
        // A first sentiment model from the demo labels, active only if it beats the lexicon.
        crate::server::jobs::first_model::enqueue(pool, Some(settings.demo_tuning_pairs)).await?;
    }
    crate::server::jobs::quality::enqueue(pool, DEMO_SOURCE).await?;
    // And clusters them once every demo ticket is analysed.
    crate::server::jobs::cluster::enqueue(pool, None, None, Some("cluster_tickets:demo")).await?;
    Ok(())
}

/// Generates the demo data set straight into the database; returns the tickets inserted.
pub async fn load_demo(
    pool: &PgPool,
    cfg: &DemoConfig,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<u64> {
    // The same source as `demo --out` files imported later, so those add no duplicates.
    let writers = WriterPool::start(pool, None, DEMO_SOURCE, WriterPool::default_writers());
    let mut batch = Vec::with_capacity(TicketWriter::BATCH);
    let mut messages = Vec::new();
    let until = demo::cutoff(cfg);
    for ticket in demo::generate(cfg) {
        let later = demo::follow_ups(cfg.seed, &ticket, until);
        messages.extend(later.into_iter().map(|m| (0, m)));
        batch.push(ticket);
        if batch.len() == TicketWriter::BATCH {
            let n = batch.len() as u64;
            let full = std::mem::replace(&mut batch, Vec::with_capacity(TicketWriter::BATCH));
            if !writers.send(full).await {
                break;
            }
            progress(n);
        }
    }
    if !batch.is_empty() {
        let n = batch.len() as u64;
        if writers.send(batch).await {
            progress(n);
        }
    }
    let inserted = writers.finish().await?.inserted;
    // The threads' later messages, once every ticket they belong to is stored.
    let mut report = crate::domain::import::ImportReport::default();
    crate::server::import::thread::write(pool, DEMO_SOURCE, &messages, &mut report).await?;
    Ok(inserted)
}
