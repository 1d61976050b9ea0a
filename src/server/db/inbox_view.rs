//! The inbox as its page and the REST API read it: the page's filters turned into a query, the rows and counts, and a ticket's escalation panel.

use crate::domain::escalation::{highlight, Decision};
use crate::domain::inbox::{
    ActivityView, InboxCounts, InboxPage, InboxQuery, LocalTimes, ReplyView, SavedView,
    TicketEscalation,
};
use crate::domain::rules::Severity;
use crate::domain::sla::BusinessHours;
use crate::server::db;
use crate::server::db::inbox::{Due, Filter, QueueCounts, Sort};
use chrono::{DateTime, FixedOffset, Utc};
use sqlx::PgPool;

/// The database filter for the page's query; `user_id` resolves "me".
pub fn filter(q: &InboxQuery, user_id: i64) -> Filter {
    let status = match q.status.as_deref() {
        Some("all") => None,
        Some("resolved") => Some("resolved".into()),
        _ => Some("open".into()),
    };
    let assignee = match q.assignee.as_deref() {
        Some("me") => Some(Some(user_id)),
        Some("none") => Some(None),
        Some(id) => id.parse::<i64>().ok().map(Some),
        None => None,
    };
    Filter {
        status,
        queue: q.queue.clone().filter(|s| !s.is_empty()),
        severity: q
            .severity
            .as_deref()
            .and_then(Severity::parse)
            .map(|s| s.rank()),
        product: q.product,
        assignee,
        due: match q.due.as_deref() {
            Some("breached") => Some(Due::Breached),
            Some("at_risk") => Some(Due::AtRisk),
            _ => None,
        },
        sort: match q.sort.as_deref() {
            Some("severity") => Sort::Severity,
            Some("newest") => Sort::Newest,
            Some("oldest") => Sort::Oldest,
            _ => Sort::Due,
        },
    }
}

/// The zone the inbox shows times in.
enum Shown {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl Shown {
    /// The viewer's zone, else the team's business-hours zone (or its fixed offset).
    fn pick(own: Option<&str>, hours: Option<BusinessHours>) -> (Shown, bool) {
        if let Some(zone) = own.and_then(db::sla::zone) {
            return (Shown::Named(zone), true);
        }
        let hours = hours.unwrap_or_default();
        let shown = match db::sla::zone(&hours.time_zone) {
            Some(zone) => Shown::Named(zone),
            None => Shown::Fixed(
                FixedOffset::east_opt(hours.utc_offset_minutes * 60)
                    .unwrap_or(FixedOffset::east_opt(0).expect("zero offset")),
            ),
        };
        (shown, false)
    }

    fn label(&self) -> String {
        match self {
            Shown::Named(zone) => zone.name().to_string(),
            Shown::Fixed(offset) if offset.local_minus_utc() == 0 => "UTC".into(),
            Shown::Fixed(offset) => format!("UTC{offset}"),
        }
    }

    fn format(&self, at: DateTime<Utc>) -> String {
        const FORMAT: &str = "%a %-d %b %H:%M";
        match self {
            Shown::Named(zone) => at.with_timezone(zone).format(FORMAT).to_string(),
            Shown::Fixed(offset) => at.with_timezone(offset).format(FORMAT).to_string(),
        }
    }
}

/// The user's saved views, each counted with its own filters (in one statement).
async fn views(pool: &PgPool, user_id: i64) -> sqlx::Result<Vec<SavedView>> {
    let rows = db::inbox_views::list(pool, user_id).await?;
    let filters: Vec<Filter> = rows
        .iter()
        .map(|v| {
            filter(
                &InboxQuery::from_pairs(form_urlencoded::parse(v.query.as_bytes())),
                user_id,
            )
        })
        .collect();
    let counts = db::inbox::count_each(pool, &filters).await?;
    Ok(rows
        .into_iter()
        .zip(counts)
        .map(|(v, count)| SavedView {
            id: v.id,
            name: v.name,
            query: v.query,
            count,
        })
        .collect())
}

/// One page of rows and how many match, for the REST API (none of the page's extras).
pub async fn rows(
    pool: &PgPool,
    q: &InboxQuery,
    user_id: i64,
) -> anyhow::Result<(Vec<crate::domain::inbox::InboxRow>, i64)> {
    let f = filter(q, user_id);
    let page = q.page.unwrap_or(0).clamp(0, 10_000);
    let size = crate::domain::inbox::PAGE_SIZE;
    Ok(tokio::try_join!(
        db::inbox::list(pool, &f, size, page * size),
        db::inbox::count(pool, &f),
    )?)
}

pub async fn inbox(pool: &PgPool, q: &InboxQuery, user_id: i64) -> anyhow::Result<InboxPage> {
    let f = filter(q, user_id);
    let page = q.page.unwrap_or(0).clamp(0, 10_000);
    let (mut rows, per_queue, agents, products, me, notifications, views, hours) = tokio::try_join!(
        db::inbox::list(
            pool,
            &f,
            crate::domain::inbox::PAGE_SIZE,
            page * crate::domain::inbox::PAGE_SIZE
        ),
        db::inbox::queue_counts(pool, user_id),
        db::inbox::agents(pool),
        db::tickets::products(pool),
        db::queues::agent(pool, user_id),
        db::notifications::unread(pool, user_id, 10),
        views(pool, user_id),
        db::app_settings::get::<BusinessHours>(pool, db::sla::BUSINESS_HOURS),
    )?;
    let (shown, own_zone) = Shown::pick(me.as_ref().map(|a| a.time_zone.as_str()), hours);
    for row in &mut rows {
        row.due_local = shown.format(row.due_at);
    }
    let mut counts = InboxCounts::default();
    for c in &per_queue {
        counts.open += c.open;
        counts.breached += c.breached;
        counts.unassigned += c.unassigned;
        counts.mine += c.mine;
    }
    let from_counts = f.status.as_deref() == Some("open")
        && f.severity.is_none()
        && f.product.is_none()
        && f.due.is_none();
    let total = match (from_counts, f.assignee) {
        (true, None) => pick(&per_queue, &f, |c| c.open),
        (true, Some(None)) => pick(&per_queue, &f, |c| c.unassigned),
        (true, Some(Some(id))) if id == user_id => pick(&per_queue, &f, |c| c.mine),
        _ => db::inbox::count(pool, &f).await?,
    };
    Ok(InboxPage {
        rows,
        total,
        counts,
        queues: per_queue
            .iter()
            .map(|c| (c.queue.clone(), c.open))
            .collect(),
        agents,
        products,
        now: Utc::now(),
        available: me.is_none_or(|a| a.available),
        notifications,
        views,
        zone: shown.label(),
        own_zone,
    })
}

/// Sums one count over the queues the filter allows.
fn pick(per_queue: &[QueueCounts], f: &Filter, count: fn(&QueueCounts) -> i64) -> i64 {
    per_queue
        .iter()
        .filter(|c| f.queue.as_ref().is_none_or(|q| *q == c.queue))
        .map(count)
        .sum()
}

pub async fn ticket(
    pool: &PgPool,
    ticket_id: i64,
    user_id: i64,
) -> anyhow::Result<TicketEscalation> {
    let escalation = db::escalations::get(pool, ticket_id).await?;
    let local = match &escalation {
        Some((e, _)) => {
            let (me, hours) = tokio::try_join!(
                db::queues::agent(pool, user_id),
                db::app_settings::get::<BusinessHours>(pool, db::sla::BUSINESS_HOURS),
            )?;
            let (shown, _) = Shown::pick(me.as_ref().map(|a| a.time_zone.as_str()), hours);
            Some(LocalTimes {
                first_response_due: shown.format(e.first_response_due),
                resolution_due: shown.format(e.resolution_due),
                answered: e.first_response_at.map(|at| shown.format(at)),
                zone: shown.label(),
            })
        }
        None => None,
    };
    let analysis = db::analysis::of_ticket(pool, ticket_id).await?;
    let decision: Option<Decision> = analysis.and_then(|a| a.escalation.map(|j| j.0));
    let text = db::analysis::texts(pool, &[ticket_id])
        .await?
        .pop()
        .map(|t| t.text())
        .unwrap_or_default();
    let fired = match (&escalation, &decision) {
        (Some((_, reasons)), _) => reasons.clone(),
        (None, Some(d)) => d.fired.clone(),
        _ => Vec::new(),
    };
    let spans = Decision {
        escalate: true,
        rule_version: 0,
        severity: None,
        queue: None,
        fired: fired.clone(),
    }
    .spans();
    Ok(TicketEscalation {
        ticket_id,
        decided: decision.as_ref().map(|d| (d.escalate, d.rule_version)),
        escalation: escalation.map(|(e, _)| e),
        pieces: highlight(&text, &spans),
        fired,
        activity: db::activity::of_ticket(pool, ticket_id)
            .await?
            .into_iter()
            .map(|a| ActivityView {
                actor: a.actor,
                kind: a.kind,
                body: a.body,
                at: a.created_at,
            })
            .collect(),
        replies: db::responses::of_ticket(pool, ticket_id)
            .await?
            .into_iter()
            .map(|r| ReplyView {
                author: r.author,
                body: r.body,
                delivery: r.delivery,
                at: r.created_at,
                email: r.email,
            })
            .collect(),
        agents: db::inbox::agents(pool).await?,
        queues: db::queues::list(pool)
            .await?
            .into_iter()
            .map(|q| q.name)
            .collect(),
        me: user_id,
        now: Utc::now(),
        local,
    })
}
