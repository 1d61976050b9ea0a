//! Server side of the Team page: queues and agents as managers set them, and availability.

use super::{AgentView, QueueView, TeamPage};
use crate::domain::assignment::{AwayPolicy, Policy};
use crate::error::AppError;
use crate::features::rules::hours::HoursForm;
use crate::features::rules::HoursView;
use crate::server::db;
use crate::server::pipeline::escalation::assign;
use sqlx::PgPool;

pub async fn team(pool: &PgPool) -> Result<TeamPage, AppError> {
    let counts = db::queues::open_counts(pool).await?;
    let queues = db::queues::list(pool)
        .await?
        .into_iter()
        .map(|q| {
            let (open, waiting) = counts
                .iter()
                .find(|(name, ..)| *name == q.name)
                .map_or((0, 0), |(_, o, w)| (*o, *w));
            QueueView {
                name: q.name,
                policy: q.policy,
                away_policy: q.away_policy,
                manager_id: q.manager_id,
                members: q.members,
                open,
                waiting,
                hours: q.hours.map(|h| HoursView::of(&h.0, false)),
            }
        })
        .collect();
    let agents = db::queues::agents(pool)
        .await?
        .into_iter()
        .map(|a| AgentView {
            id: a.id,
            name: a.name,
            role: a.role,
            available: a.available,
            load: a.load,
            capacity: a.capacity,
            time_zone: a.time_zone,
        })
        .collect();
    Ok(TeamPage {
        agents,
        queues,
        policies: Policy::ALL
            .iter()
            .map(|p| (p.name().to_string(), p.label().to_string()))
            .collect(),
        zones: crate::features::rules::hours::all_zones(),
    })
}

/// Gives `queue` business hours of its own (they need a time zone), or the team's again (None).
/// Escalations opened from now on count in them; open ones keep their due times.
pub async fn save_hours(
    pool: &PgPool,
    queue: &str,
    form: Option<HoursForm>,
) -> Result<(), AppError> {
    let hours = match form {
        Some(form) => {
            let hours = form.parse()?;
            if hours.time_zone.is_empty() {
                return Err(AppError::Invalid(
                    "A queue's own hours need a time zone (such as Asia/Tokyo).".into(),
                )
                .respond());
            }
            Some(hours)
        }
        None => None,
    };
    if !db::queues::set_hours(pool, queue, hours.as_ref()).await? {
        return Err(AppError::NotFound.respond());
    }
    redirect_ok(&match &hours {
        Some(h) => format!(
            "Queue \"{queue}\" counts its SLA clocks in {}.",
            h.time_zone
        ),
        None => format!("Queue \"{queue}\" counts its SLA clocks in the team's hours."),
    });
    Ok(())
}

/// The queue form as sent.
pub struct QueueForm {
    pub queue: String,
    pub policy: String,
    pub away_policy: String,
    pub manager_id: String,
    pub members: Vec<String>,
}

pub async fn save_queue(pool: &PgPool, form: QueueForm) -> Result<(), AppError> {
    let invalid = |m: &str| AppError::Invalid(m.to_string()).respond();
    let queue = form.queue.trim();
    if queue.is_empty() || queue.chars().count() > 100 || queue.chars().any(char::is_control) {
        return Err(invalid("A queue needs a name of 1 to 100 characters."));
    }
    let policy = Policy::parse(&form.policy)
        .ok_or_else(|| invalid("Choose manual, round-robin or least-loaded assignment."))?;
    let away = AwayPolicy::parse(&form.away_policy)
        .ok_or_else(|| invalid("Choose whether away agents keep or hand back their tickets."))?;
    let manager_id = match form.manager_id.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| invalid("No such manager."))?),
    };
    let agents = db::queues::agents(pool).await?;
    if let Some(id) = manager_id {
        if !agents.iter().any(|a| a.id == id && a.role != "agent") {
            return Err(invalid(
                "The queue's manager must be an active manager or admin.",
            ));
        }
    }
    let mut members = Vec::new();
    for m in &form.members {
        let id: i64 = m.parse().map_err(|_| invalid("No such member."))?;
        if !agents.iter().any(|a| a.id == id) {
            return Err(invalid("Members must be active users."));
        }
        members.push(id);
    }
    let mut tx = pool.begin().await?;
    db::queues::save(
        &mut tx,
        queue,
        policy.name(),
        away.name(),
        manager_id,
        &members,
    )
    .await?;
    tx.commit().await?;
    // Tickets waiting in the queue go out under the new policy now (or at the worker's next
    // pass, if this one fails: the change itself is saved).
    if let Err(e) = assign::assign_queue(pool, queue).await {
        tracing::warn!(error = ?e, queue, "assigning after a policy change failed");
    }
    redirect_ok(&format!(
        "Queue \"{queue}\" saved: {}.",
        policy.label().to_lowercase()
    ));
    Ok(())
}

pub async fn set_capacity(pool: &PgPool, user_id: i64, capacity: i32) -> Result<(), AppError> {
    if !(0..=1000).contains(&capacity) {
        return Err(AppError::Invalid("Capacity is 0 to 1,000 open escalations.".into()).respond());
    }
    if !db::queues::set_capacity(pool, user_id, capacity).await? {
        return Err(AppError::NotFound.respond());
    }
    assign_now(pool).await;
    redirect_ok("Capacity saved.");
    Ok(())
}

/// Marks the user available or away; going away hands back the open tickets of queues whose away
/// policy says so (each in its activity trail), and those go out again at once.
pub async fn set_availability(
    pool: &PgPool,
    user_id: i64,
    available: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let changed = db::queues::set_available(&mut tx, user_id, available).await?;
    let handed = if changed && !available {
        db::queues::hand_back(&mut tx, user_id).await?
    } else {
        Vec::new()
    };
    for ticket in &handed {
        db::activity::add(&mut *tx, *ticket, Some(user_id), "handed_back", "away").await?;
    }
    tx.commit().await?;
    assign_now(pool).await;
    let message = match (available, handed.len()) {
        (true, _) => "You are available: new tickets can be assigned to you.".to_string(),
        (false, 0) => "You are away: no new tickets are assigned to you.".to_string(),
        (false, 1) => "You are away: 1 ticket was handed back to its queue.".to_string(),
        (false, n) => format!("You are away: {n} tickets were handed back to their queues."),
    };
    let stamp = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "/inbox?ok={}&at={stamp}",
        crate::domain::url::encode(&message)
    ));
    Ok(())
}

/// One assignment pass right away; a failure is logged (the worker's next pass tries again).
async fn assign_now(pool: &PgPool) {
    if let Err(e) = assign::assign_all(pool).await {
        tracing::warn!(error = ?e, "assigning escalations failed");
    }
}

fn redirect_ok(message: &str) {
    leptos_axum::redirect(&format!("/team?ok={}", crate::domain::url::encode(message)));
}
