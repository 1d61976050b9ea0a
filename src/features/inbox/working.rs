//! Server side of a team's working tools in the inbox: saved views, the viewer's time zone, and bulk assign or resolve.

use super::InboxQuery;
use crate::domain::inbox::MAX_VIEWS;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::inbox_views::Saved;
use crate::server::pipeline::escalation::workflow;
use sqlx::PgPool;

/// Tickets one bulk action takes at most (two inbox pages).
const MAX_BULK: usize = 100;

/// The filters and sort of a query string, cleaned of anything else (page, messages).
fn clean(query: &str) -> InboxQuery {
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
    let saved = db::inbox_views::save(pool, user.id, name, &q.to_query()).await?;
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

pub async fn set_time_zone(pool: &PgPool, user: &CurrentUser, zone: &str) -> Result<(), AppError> {
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
    back_to(&InboxQuery::default(), &message);
    Ok(())
}

/// What a bulk action does to each ticket.
enum Bulk {
    Assign(Option<(i64, String)>),
    Resolve(bool),
}

async fn parse(pool: &PgPool, user: &CurrentUser, action: &str) -> Result<Bulk, AppError> {
    let invalid = || AppError::Invalid(format!("Unknown bulk action {action:?}.")).respond();
    Ok(match action.split_once(':').ok_or_else(invalid)? {
        ("assign", "none") => Bulk::Assign(None),
        ("assign", "me") => Bulk::Assign(Some((user.id, user.name.clone()))),
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

pub async fn bulk(
    pool: &PgPool,
    user: &CurrentUser,
    tickets: &[i64],
    action: &str,
    back: &str,
) -> Result<(), AppError> {
    if tickets.is_empty() {
        return Err(AppError::Invalid("Select at least one ticket.".into()).respond());
    }
    if tickets.len() > MAX_BULK {
        return Err(AppError::Invalid(format!(
            "One bulk action takes at most {MAX_BULK} tickets."
        ))
        .respond());
    }
    let what = parse(pool, user, action).await?;
    let mut done = 0;
    // Each ticket is its own step (with its trail line), as if worked one by one: a ticket
    // someone else resolved meanwhile is skipped and counted, not an error for the rest.
    for &ticket_id in tickets {
        let changed = match &what {
            Bulk::Assign(who) => {
                let who = who.as_ref().map(|(id, n)| (*id, n.as_str()));
                workflow::assign(pool, ticket_id, user.id, who).await?
            }
            Bulk::Resolve(needed) => {
                workflow::resolve(pool, ticket_id, user.id, *needed, "").await?
            }
        };
        done += usize::from(changed);
    }
    let verb = match &what {
        Bulk::Assign(Some((_, name))) => format!("assigned to {name}"),
        Bulk::Assign(None) => "back in the queue".into(),
        Bulk::Resolve(_) => "resolved".into(),
    };
    let skipped = tickets.len() - done;
    let mut message = format!(
        "{done} {} {verb}.",
        if done == 1 { "ticket" } else { "tickets" }
    );
    if skipped > 0 {
        message.push_str(&format!(" {skipped} skipped: no longer open."));
    }
    back_to(&clean(back), &message);
    Ok(())
}
