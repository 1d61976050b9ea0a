//! Server side of a team's working tools in the inbox: saved views, the viewer's time zone, and bulk assign or resolve.

use super::InboxQuery;
use crate::domain::inbox::MAX_VIEWS;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::escalations::Claim;
use crate::server::db::inbox_views::Saved;
use crate::server::pipeline::escalation::workflow;
use sqlx::PgPool;

/// Tickets one bulk action takes at most (two inbox pages).
const MAX_BULK: usize = 100;

/// A view's query string at most (the table's limit).
const MAX_QUERY: usize = 1000;

/// The filters and sort of a query string, cleaned of anything else (page, messages).
pub fn clean(query: &str) -> InboxQuery {
    let query = query.trim_start_matches('?');
    let mut q = InboxQuery::from_pairs(form_urlencoded::parse(query.as_bytes()));
    q.page = None;
    q
}

/// Back to the inbox view `q` with a message.
fn back_to(q: &InboxQuery, message: &str) {
    let href = q.href(None);
    let sep = if href.contains('?') { '&' } else { '?' };
    let stamp = chrono::Utc::now().timestamp_millis();
    let message = crate::domain::url::encode(message);
    leptos_axum::redirect(&format!("{href}{sep}ok={message}&at={stamp}"));
}

pub async fn save_view(
    pool: &PgPool,
    user: &CurrentUser,
    name: &str,
    query: &str,
) -> Result<(), AppError> {
    let name = AppError::check_text(name, 60, "A view's name needs 1 to 60 characters.")?;
    if name.chars().any(char::is_control) {
        return Err(AppError::Invalid("A view's name has no control characters.".into()).respond());
    }
    let q = clean(query);
    let query = q.to_query();
    if query.chars().count() > MAX_QUERY {
        return Err(AppError::Invalid(format!(
            "These filters are too long to keep as a view (over {MAX_QUERY} characters)."
        ))
        .respond());
    }
    let saved = db::inbox_views::save(pool, user.id, name, &query).await?;
    let message = match saved {
        Saved::Added => format!("View {name:?} saved."),
        Saved::Replaced => format!("View {name:?} now shows these filters."),
        Saved::Full => {
            return Err(AppError::Invalid(format!(
                "You have {MAX_VIEWS} views already; delete one first."
            ))
            .respond())
        }
    };
    back_to(&q, &message);
    Ok(())
}

pub async fn delete_view(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    if !db::inbox_views::delete(pool, user.id, id).await? {
        return Err(AppError::NotFound.respond());
    }
    back_to(&InboxQuery::default(), "View deleted.");
    Ok(())
}

pub async fn set_time_zone(
    pool: &PgPool,
    user: &CurrentUser,
    zone: &str,
    back: &str,
) -> Result<(), AppError> {
    let zone = zone.trim();
    if !zone.is_empty() && db::sla::zone(zone).is_none() {
        return Err(AppError::Invalid(format!(
            "{zone:?} is not a time zone of the tz database (such as Europe/Berlin or America/New_York)."
        ))
        .respond());
    }
    db::inbox_views::set_time_zone(pool, user.id, zone).await?;
    let message = if zone.is_empty() {
        "Due times are shown in the team's time zone.".to_string()
    } else {
        format!("Due times are shown in {zone}.")
    };
    back_to(&clean(back), &message);
    Ok(())
}

/// What a bulk action does to each ticket.
enum Bulk {
    /// Take the tickets nobody holds, as a claim does (never someone else's).
    Claim,
    Assign(Option<(i64, String)>),
    Resolve(bool),
}

async fn parse(pool: &PgPool, action: &str) -> Result<Bulk, AppError> {
    let invalid = || AppError::Invalid(format!("Unknown bulk action {action:?}.")).respond();
    Ok(match action.split_once(':').ok_or_else(invalid)? {
        ("assign", "none") => Bulk::Assign(None),
        ("assign", "me") => Bulk::Claim,
        ("assign", id) => {
            let id: i64 = id.parse().map_err(|_| invalid())?;
            let agents = db::inbox::agents(pool).await?;
            let name = agents.into_iter().find(|(a, _)| *a == id).map(|(_, n)| n);
            let name =
                name.ok_or_else(|| AppError::Invalid("No such active user.".into()).respond())?;
            Bulk::Assign(Some((id, name)))
        }
        ("resolve", "yes") => Bulk::Resolve(true),
        ("resolve", "no") => Bulk::Resolve(false),
        _ => return Err(invalid()),
    })
}

/// What happened to one ticket of a bulk action.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    /// Already as asked (assigned to that person, or back in the queue).
    Unchanged,
    /// Someone else holds it (taking it needs their hand-over).
    Held,
    NotOpen,
}

async fn apply(
    pool: &PgPool,
    user: &CurrentUser,
    ticket_id: i64,
    what: &Bulk,
) -> Result<Outcome, AppError> {
    Ok(match what {
        Bulk::Claim => match workflow::claim(pool, ticket_id, user.id).await? {
            Claim::Claimed => Outcome::Done,
            Claim::Taken(_) => Outcome::Held,
            Claim::NotFound => Outcome::NotOpen,
        },
        Bulk::Assign(who) => match db::escalations::state(pool, ticket_id).await? {
            Some((status, _)) if status != "open" => Outcome::NotOpen,
            None => Outcome::NotOpen,
            Some((_, holder)) if holder == who.as_ref().map(|(id, _)| *id) => Outcome::Unchanged,
            Some(_) => {
                let who = who.as_ref().map(|(id, n)| (*id, n.as_str()));
                match workflow::assign(pool, ticket_id, user.id, who).await? {
                    true => Outcome::Done,
                    false => Outcome::NotOpen,
                }
            }
        },
        Bulk::Resolve(needed) => {
            match workflow::resolve(pool, ticket_id, user.id, *needed, "").await? {
                true => Outcome::Done,
                false => Outcome::NotOpen,
            }
        }
    })
}

fn tickets_word(n: usize) -> &'static str {
    if n == 1 {
        "ticket"
    } else {
        "tickets"
    }
}

pub async fn bulk(
    pool: &PgPool,
    user: &CurrentUser,
    tickets: &[i64],
    action: &str,
    back: &str,
) -> Result<(), AppError> {
    let mut tickets = tickets.to_vec();
    tickets.sort_unstable();
    tickets.dedup();
    if tickets.is_empty() {
        return Err(AppError::Invalid("Select at least one ticket.".into()).respond());
    }
    if tickets.len() > MAX_BULK {
        return Err(AppError::Invalid(format!(
            "One bulk action takes at most {MAX_BULK} tickets."
        ))
        .respond());
    }
    let what = parse(pool, action).await?;
    let mut outcomes = Vec::with_capacity(tickets.len());
    // Each ticket is its own step (with its trail line), as if worked one by one: a ticket
    // someone else resolved or claimed meanwhile is skipped and counted, not an error for the rest.
    for &ticket_id in &tickets {
        outcomes.push(apply(pool, user, ticket_id, &what).await?);
    }
    let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    let done = count(Outcome::Done);
    let verb = match &what {
        Bulk::Claim => "assigned to you".to_string(),
        Bulk::Assign(Some((_, name))) => format!("assigned to {name}"),
        Bulk::Assign(None) => "back in the queue".into(),
        Bulk::Resolve(_) => "resolved".into(),
    };
    let mut message = format!("{done} {} {verb}.", tickets_word(done));
    for (outcome, why) in [
        (Outcome::Unchanged, "already so"),
        (Outcome::Held, "someone else holds them"),
        (Outcome::NotOpen, "no longer open"),
    ] {
        let n = count(outcome);
        if n > 0 {
            message.push_str(&format!(" {n} skipped: {why}."));
        }
    }
    back_to(&clean(back), &message);
    Ok(())
}
