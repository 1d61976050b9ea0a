//! SQL that gathers what escalation rules look at: text, priority, VIP, sentiment, repeat contact, SLA timestamps.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

/// One ticket as the rules see it, with its known escalation label for backtests.
#[derive(Debug, Clone, FromRow)]
pub struct FactRow {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub status: String,
    pub vip: bool,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// The ticket's own (first message's) score.
    pub sentiment_score: Option<f32>,
    /// The latest analysed follow-up's score, if any follow-up was analysed.
    pub latest_score: Option<f32>,
    /// The customer's later messages, in time order.
    pub follow_ups: Vec<String>,
    /// Customer messages since the last agent message (or since the start).
    pub unanswered: i32,
    /// When the customer's first message after the last agent reply came (None before any
    /// agent reply, or when the agent had the last word).
    pub waiting_since: Option<DateTime<Utc>>,
    /// The agent's verdict when there is one, else the imported label.
    pub known: Option<bool>,
    /// Tickets from the customer within each requested window, this one included.
    pub repeat: Vec<i32>,
}

impl FactRow {
    /// Subject, newline, body, then each later customer message after a blank line: the text
    /// rules scan and spans point into.
    pub fn text(&self) -> String {
        let opening = super::analysis::joined_text(&self.subject, &self.body);
        crate::domain::message::conversation_text(&opening, &self.follow_ups).0
    }
}

const SELECT: &str = "
    SELECT t.id, t.subject, t.body, t.priority, t.status, coalesce(c.vip, false) AS vip,
           t.created_at, t.first_response_at, a.sentiment_score,
           (SELECT ma.sentiment_score FROM message_analysis ma
            JOIN messages g ON g.id = ma.message_id
            WHERE ma.ticket_id = t.id ORDER BY g.created_at DESC, g.id DESC LIMIT 1) AS latest_score,
           ARRAY(SELECT g.body FROM messages g
                 WHERE g.ticket_id = t.id AND g.kind = 'customer' AND NOT g.opening
                 ORDER BY g.created_at, g.id) AS follow_ups,
           (SELECT count(*) FROM messages g
            WHERE g.ticket_id = t.id AND g.kind = 'customer'
              AND g.created_at > coalesce((SELECT max(x.created_at) FROM messages x
                                           WHERE x.ticket_id = t.id AND x.kind = 'agent'),
                                          '-infinity'))::int AS unanswered,
           (SELECT min(g.created_at) FROM messages g
            WHERE g.ticket_id = t.id AND g.kind = 'customer'
              AND g.created_at > (SELECT max(x.created_at) FROM messages x
                                  WHERE x.ticket_id = t.id AND x.kind = 'agent')) AS waiting_since,
           coalesce(e.verdict, t.gold_escalate) AS known,
           ARRAY(SELECT CASE WHEN t.customer_id IS NULL THEN 1 ELSE (
                        SELECT count(*) FROM tickets o
                        WHERE o.customer_id = t.customer_id
                          AND o.created_at > t.created_at - make_interval(days => w.d)
                          AND o.created_at <= t.created_at) END::int
                 FROM unnest($2::int[]) WITH ORDINALITY AS w(d, i) ORDER BY w.i) AS repeat
    FROM tickets t
    LEFT JOIN customers c ON c.id = t.customer_id
    LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
    LEFT JOIN escalations e ON e.ticket_id = t.id";

/// Facts for the given tickets; `windows` are the repeat-contact windows in days.
pub async fn of_tickets(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    windows: &[i32],
) -> sqlx::Result<Vec<FactRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.id = ANY($1) ORDER BY t.id"))
        .bind(ids)
        .bind(windows)
        .fetch_all(db)
        .await
}

/// Facts for tickets created in the last `days` days, newest first, at most `limit`.
pub async fn recent(
    db: impl PgExecutor<'_>,
    days: i32,
    windows: &[i32],
    limit: i64,
) -> sqlx::Result<Vec<FactRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE t.created_at >= now() - make_interval(days => $1::int)
         ORDER BY t.created_at DESC LIMIT $3"
    ))
    .bind(days)
    .bind(windows)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Open tickets never escalated whose clocks run, after ticket `after` in id order, at most
/// `limit`: waiting for a first response (`first`) or for the next one after the customer wrote
/// again (`next`). Only tickets of the last 30 days: older ones have used every target.
pub async fn clocks_running(
    db: impl PgExecutor<'_>,
    first: bool,
    next: bool,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT t.id FROM tickets t
         WHERE t.id > $3 AND t.status IN ('open', 'pending')
           AND t.created_at > now() - interval '30 days'
           AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id)
           AND EXISTS (SELECT 1 FROM ticket_analysis a WHERE a.ticket_id = t.id)
           AND (($1 AND t.first_response_at IS NULL)
                OR ($2 AND EXISTS (
                    SELECT 1 FROM messages g
                    WHERE g.ticket_id = t.id AND g.kind = 'customer'
                      AND g.created_at > (SELECT max(x.created_at) FROM messages x
                                          WHERE x.ticket_id = t.id AND x.kind = 'agent'))))
         ORDER BY t.id LIMIT $4",
    )
    .bind(first)
    .bind(next)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}
