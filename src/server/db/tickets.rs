//! SQL for tickets: the filtered, keyset-paginated list, counts, one ticket and a customer's history.

use crate::domain::message::Shift;
use crate::domain::ticket_view::{TicketDetail, TicketQuery, TicketRow, TicketSort};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};

#[derive(FromRow)]
struct Row {
    id: i64,
    subject: String,
    customer: Option<String>,
    product: Option<String>,
    channel: String,
    priority: String,
    priority_rank: i16,
    status: String,
    created_at: DateTime<Utc>,
    csat: Option<i16>,
}

impl From<Row> for TicketRow {
    fn from(r: Row) -> Self {
        TicketRow {
            id: r.id,
            subject: r.subject,
            customer: r.customer,
            product: r.product,
            channel: r.channel,
            priority: r.priority,
            status: r.status,
            created_at: r.created_at,
            csat: r.csat,
        }
    }
}

const SELECT_ROWS: &str =
    "SELECT t.id, t.subject, c.name AS customer, p.name AS product, t.channel,
    t.priority, t.priority_rank, t.status, t.created_at, t.csat
    FROM tickets t
    LEFT JOIN customers c ON c.id = t.customer_id
    LEFT JOIN products p ON p.id = t.product_id
    WHERE true";

/// A position in the list: the sort keys of the last row shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    pub rank: i16,
    pub created_at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            self.rank,
            self.created_at.timestamp_micros(),
            self.id
        )
    }

    pub fn decode(s: &str) -> Option<Self> {
        let mut it = s.split('.');
        let rank = it.next()?.parse().ok()?;
        let created_at = DateTime::from_timestamp_micros(it.next()?.parse().ok()?)?;
        let id = it.next()?.parse().ok()?;
        it.next().is_none().then_some(Cursor {
            rank,
            created_at,
            id,
        })
    }
}

/// The category filter's value for tickets without a category.
pub const NONE: &str = "(none)";

/// The Conversations page's drill-downs, on the ticket facts `f` (the same tests as its cube).
fn push_conversation_filters(qb: &mut QueryBuilder<'_, Postgres>, q: &TicketQuery) {
    if let Some(v) = &q.agent {
        if v == NONE {
            qb.push(" AND f.agent IS NULL");
        } else {
            qb.push(" AND f.agent = ").push_bind(v.clone());
        }
    }
    if let Some(shift) = q.shift {
        qb.push(match shift {
            Shift::Improved => " AND f.scored_n >= 2 AND f.last_score - f.first_score > 0.2::real",
            Shift::Worsened => " AND f.scored_n >= 2 AND f.last_score - f.first_score < -0.2::real",
            Shift::Stayed => {
                " AND f.scored_n >= 2 AND f.last_score - f.first_score BETWEEN -0.2::real AND 0.2::real"
            }
        });
    }
    match q.messages {
        Some(5) => {
            qb.push(" AND f.messages_n >= 5");
        }
        Some(1) => {
            qb.push(" AND f.messages_n <= 1");
        }
        Some(n) => {
            qb.push(" AND f.messages_n = ").push_bind(i32::from(n));
        }
        None => {}
    }
}

fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, q: &TicketQuery) {
    if let Some(text) = &q.q {
        qb.push(" AND t.search @@ websearch_to_tsquery('english', ")
            .push_bind(text.clone())
            .push(")");
    }
    if let Some(v) = q.product {
        qb.push(" AND t.product_id = ").push_bind(v);
    }
    if let Some(v) = q.customer {
        qb.push(" AND t.customer_id = ").push_bind(v);
    }
    if let Some(v) = q.cluster {
        qb.push(" AND EXISTS (SELECT 1 FROM ticket_clusters tc WHERE tc.ticket_id = t.id AND tc.cluster_id = ")
            .push_bind(v)
            .push(")");
    }
    if let Some(v) = q.channel {
        qb.push(" AND t.channel = ").push_bind(v.as_str());
    }
    // What the analytics count (category, sentiment, hour of creation) is in the ticket's facts.
    let conversation = q.agent.is_some() || q.shift.is_some() || q.messages.is_some();
    if q.category.is_some()
        || q.sentiment.is_some()
        || q.weekday.is_some()
        || q.hour.is_some()
        || conversation
    {
        qb.push(" AND EXISTS (SELECT 1 FROM ticket_facts f WHERE f.ticket_id = t.id");
        if let Some(v) = &q.category {
            if v == NONE {
                qb.push(" AND f.category IS NULL");
            } else {
                qb.push(" AND f.category = ").push_bind(v.clone());
            }
        }
        if let Some(v) = q.sentiment {
            qb.push(" AND f.sentiment = ").push_bind(v.as_str());
        }
        if let Some(v) = q.weekday {
            qb.push(" AND extract(isodow FROM f.day) = ")
                .push_bind(i32::from(v));
        }
        if let Some(v) = q.hour {
            qb.push(" AND f.hour = ").push_bind(i16::from(v));
        }
        push_conversation_filters(qb, q);
        qb.push(")");
    }
    if let Some(v) = q.priority {
        qb.push(" AND t.priority = ").push_bind(v.as_str());
    }
    if let Some(v) = q.status {
        qb.push(" AND t.status = ").push_bind(v.as_str());
    }
    if let Some(d) = q.from {
        qb.push(" AND t.created_at >= ")
            .push_bind(d.and_hms_opt(0, 0, 0).map(|d| d.and_utc()));
    }
    if let Some(d) = q.to.and_then(|d| d.succ_opt()) {
        qb.push(" AND t.created_at < ")
            .push_bind(d.and_hms_opt(0, 0, 0).map(|d| d.and_utc()));
    }
}

/// One page of tickets matching `q`, and the cursor of the next page if there is one.
pub async fn list(
    db: impl PgExecutor<'_>,
    q: &TicketQuery,
    limit: i64,
) -> sqlx::Result<(Vec<TicketRow>, Option<String>)> {
    let mut qb = QueryBuilder::new(SELECT_ROWS);
    push_filters(&mut qb, q);
    if let Some(c) = q.after.as_deref().and_then(Cursor::decode) {
        match q.sort {
            TicketSort::Newest => qb
                .push(" AND (t.created_at, t.id) < (")
                .push_bind(c.created_at),
            TicketSort::Oldest => qb
                .push(" AND (t.created_at, t.id) > (")
                .push_bind(c.created_at),
            TicketSort::Priority => qb
                .push(" AND (t.priority_rank, t.created_at, t.id) < (")
                .push_bind(c.rank)
                .push(", ")
                .push_bind(c.created_at),
        };
        qb.push(", ").push_bind(c.id).push(")");
    }
    qb.push(match q.sort {
        TicketSort::Newest => " ORDER BY t.created_at DESC, t.id DESC",
        TicketSort::Oldest => " ORDER BY t.created_at ASC, t.id ASC",
        TicketSort::Priority => " ORDER BY t.priority_rank DESC, t.created_at DESC, t.id DESC",
    });
    qb.push(" LIMIT ").push_bind(limit + 1);
    let mut rows: Vec<Row> = qb.build_query_as().fetch_all(db).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| {
            Cursor {
                rank: r.priority_rank,
                created_at: r.created_at,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok((rows.into_iter().map(Into::into).collect(), next))
}

/// How many tickets match `q` (ignoring the cursor).
pub async fn count(db: impl PgExecutor<'_>, q: &TicketQuery) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM tickets t WHERE true");
    push_filters(&mut qb, q);
    qb.build_query_scalar().fetch_one(db).await
}

/// The id of the ticket `external_id` of `source`, if stored.
pub async fn id_by_external(
    db: impl PgExecutor<'_>,
    source: &str,
    external_id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM tickets WHERE source = $1 AND external_id = $2")
        .bind(source)
        .bind(external_id)
        .fetch_optional(db)
        .await
}

/// Whether ticket `id` exists.
pub async fn id_exists(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// Whether any ticket is stored.
pub async fn any(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tickets)")
        .fetch_one(db)
        .await
}

/// Products that have tickets, for the filter.
pub async fn products(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM products ORDER BY name")
        .fetch_all(db)
        .await
}

#[derive(FromRow)]
struct DetailRow {
    id: i64,
    source: String,
    external_id: String,
    subject: String,
    body: String,
    customer_id: Option<i64>,
    customer: Option<String>,
    customer_email: Option<String>,
    product: Option<String>,
    product_line: Option<String>,
    channel: String,
    priority: String,
    status: String,
    category: Option<String>,
    language: Option<String>,
    created_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    csat: Option<i16>,
    agent_reply: Option<String>,
}

/// One ticket with the customer's other tickets (at most `history` of them).
pub async fn detail(
    db: &sqlx::PgPool,
    id: i64,
    history: i64,
) -> sqlx::Result<Option<TicketDetail>> {
    let row: Option<DetailRow> = sqlx::query_as(
        "SELECT t.id, t.source, t.external_id, t.subject, t.body, t.customer_id,
                c.name AS customer, c.email AS customer_email, p.name AS product,
                p.line AS product_line, t.channel, t.priority, t.status, t.category, t.language,
                t.created_at, t.first_response_at, t.resolved_at, t.csat, t.agent_reply
         FROM tickets t
         LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN products p ON p.id = t.product_id
         WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let history = match r.customer_id {
        Some(cid) => {
            let mut qb = QueryBuilder::new(SELECT_ROWS);
            qb.push(" AND t.customer_id = ").push_bind(cid);
            qb.push(" AND t.id <> ").push_bind(r.id);
            qb.push(" ORDER BY t.created_at DESC, t.id DESC LIMIT ")
                .push_bind(history);
            let rows: Vec<Row> = qb.build_query_as().fetch_all(db).await?;
            rows.into_iter().map(Into::into).collect()
        }
        None => Vec::new(),
    };
    Ok(Some(TicketDetail {
        id: r.id,
        source: r.source,
        external_id: r.external_id,
        subject: r.subject,
        body: r.body,
        customer_id: r.customer_id,
        customer: r.customer,
        customer_email: r.customer_email,
        product: r.product,
        product_line: r.product_line,
        channel: r.channel,
        priority: r.priority,
        status: r.status,
        category: r.category,
        language: r.language,
        created_at: r.created_at,
        first_response_at: r.first_response_at,
        resolved_at: r.resolved_at,
        csat: r.csat,
        agent_reply: r.agent_reply,
        history,
        analysis: None,
        correction: None,
        category_view: Default::default(),
        thread: Vec::new(),
        trajectory: None,
        trajectory_svg: None,
    }))
}

/// A ticket's status as stored, or None when it does not exist.
pub async fn status(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Locks tickets until the transaction ends, in id order: the ticket and follow-up analysis lanes
/// each read what the other stored (trajectory, conversation) only once it is committed, and an
/// append takes it before its message (whose trigger then locks rollup rows, as the lanes' do).
/// `NO KEY UPDATE` leaves inserts of rows that reference the tickets free.
pub async fn lock_for_analysis(tx: &mut sqlx::PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("SELECT 1 FROM tickets WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .bind(ids)
        .execute(tx)
        .await
        .map(drop)
}

/// Resolves the tickets of `source` still open `days` before `cutoff`, as a working team would
/// have (the demo's history: its inbox then holds the last days' escalations, not a year of
/// breaches). Answered and resolved within their first days; returns how many.
pub async fn settle_old_open(
    db: impl PgExecutor<'_>,
    source: &str,
    cutoff: DateTime<Utc>,
    days: i32,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE tickets SET
             first_response_at = coalesce(first_response_at, created_at + interval '4 hours'),
             resolved_at = greatest(coalesce(first_response_at, created_at + interval '4 hours'),
                                    created_at + interval '2 days'),
             status = 'resolved'
         WHERE source = $1 AND status IN ('open', 'pending')
           AND created_at < $2 - make_interval(days => $3)",
    )
    .bind(source)
    .bind(cutoff)
    .bind(days)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// A ticket's priority, when it exists.
pub async fn priority(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT priority FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            rank: 3,
            created_at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("1.2"), None);
        assert_eq!(Cursor::decode("a.b.c"), None);
        assert_eq!(Cursor::decode("1.2.3.4"), None);
    }
}
