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
    /// The later customer messages' scores (None until analysed) and times, in order.
    pub follow_up_scores: Vec<Option<f32>>,
    pub follow_up_times: Vec<DateTime<Utc>>,
    /// When agents wrote, in order.
    pub agent_times: Vec<DateTime<Utc>>,
    /// The windows `repeat` counts, in days (set by the query functions).
    #[sqlx(skip)]
    pub windows: Vec<i32>,
}

impl FactRow {
    /// Customer messages: the opening one and the later ones.
    pub fn customer_messages(&self) -> usize {
        1 + self.follow_ups.len()
    }

    /// When customer message `k` (1 = the opening one) was written.
    pub fn written_at(&self, k: usize) -> DateTime<Utc> {
        match k {
            0 | 1 => self.created_at,
            k => self.follow_up_times[k - 2],
        }
    }

    /// Tickets from the customer within `days` days, this one included (1 when the window was
    /// not asked for).
    pub fn repeat_within(&self, days: i32) -> u32 {
        self.windows
            .iter()
            .position(|d| *d == days)
            .and_then(|i| self.repeat.get(i))
            .map_or(1, |n| (*n).max(0) as u32)
    }

    /// The ticket as it stood when customer message `k` (1-based) arrived: the messages up to
    /// it, the latest score among them, the agent replies before it, still open.
    pub fn as_of(&self, k: usize) -> FactRow {
        let k = k.clamp(1, self.customer_messages());
        let at = self.written_at(k);
        let mut row = self.clone();
        row.follow_ups.truncate(k - 1);
        row.follow_up_scores.truncate(k - 1);
        row.follow_up_times.truncate(k - 1);
        row.agent_times.retain(|t| *t <= at);
        row.latest_score = row.follow_up_scores.iter().rev().find_map(|s| *s);
        row.first_response_at = self.first_response_at.filter(|t| *t <= at);
        row.status = "open".into();
        let customer_times: Vec<DateTime<Utc>> = std::iter::once(self.created_at)
            .chain(row.follow_up_times.iter().copied())
            .collect();
        let last_agent = row.agent_times.last().copied();
        let after = |t: &&DateTime<Utc>| last_agent.is_none_or(|a| **t > a);
        row.unanswered = customer_times.iter().filter(after).count() as i32;
        row.waiting_since = last_agent.and_then(|_| customer_times.iter().find(after).copied());
        row
    }

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
                 FROM unnest($2::int[]) WITH ORDINALITY AS w(d, i) ORDER BY w.i) AS repeat,
           ARRAY(SELECT ma.sentiment_score FROM messages g
                 LEFT JOIN message_analysis ma ON ma.message_id = g.id
                 WHERE g.ticket_id = t.id AND g.kind = 'customer' AND NOT g.opening
                 ORDER BY g.created_at, g.id) AS follow_up_scores,
           ARRAY(SELECT g.created_at FROM messages g
                 WHERE g.ticket_id = t.id AND g.kind = 'customer' AND NOT g.opening
                 ORDER BY g.created_at, g.id) AS follow_up_times,
           ARRAY(SELECT g.created_at FROM messages g WHERE g.ticket_id = t.id AND g.kind = 'agent'
                 ORDER BY g.created_at) AS agent_times
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
    let rows = sqlx::query_as(&format!("{SELECT} WHERE t.id = ANY($1) ORDER BY t.id"))
        .bind(ids)
        .bind(windows)
        .fetch_all(db)
        .await?;
    Ok(with_windows(rows, windows))
}

fn with_windows(mut rows: Vec<FactRow>, windows: &[i32]) -> Vec<FactRow> {
    for r in &mut rows {
        r.windows = windows.to_vec();
    }
    rows
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
    .map(|rows| with_windows(rows, windows))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + minutes * 60, 0).unwrap()
    }

    fn row() -> FactRow {
        FactRow {
            id: 1,
            subject: "Order".into(),
            body: "late".into(),
            priority: "medium".into(),
            status: "resolved".into(),
            vip: false,
            created_at: at(0),
            first_response_at: Some(at(30)),
            sentiment_score: Some(0.5),
            latest_score: Some(-0.9),
            follow_ups: vec!["refund?".into(), "lawyer!".into()],
            unanswered: 1,
            waiting_since: Some(at(120)),
            known: None,
            repeat: vec![3],
            follow_up_scores: vec![Some(-0.2), Some(-0.9)],
            follow_up_times: vec![at(60), at(120)],
            agent_times: vec![at(30), at(90)],
            windows: vec![7],
        }
    }

    #[test]
    fn a_ticket_as_it_stood_when_each_customer_message_arrived() {
        let r = row();
        assert_eq!(r.customer_messages(), 3);
        let first = r.as_of(1);
        assert_eq!(first.follow_ups.len(), 0);
        assert_eq!((first.latest_score, first.first_response_at), (None, None));
        assert_eq!((first.unanswered, first.waiting_since), (1, None));
        assert_eq!(first.status, "open");
        let second = r.as_of(2);
        assert_eq!(second.follow_ups, ["refund?"]);
        assert_eq!(second.latest_score, Some(-0.2));
        assert_eq!(second.first_response_at, Some(at(30)));
        // The agent answered at 30: one message since, waiting from 60.
        assert_eq!((second.unanswered, second.waiting_since), (1, Some(at(60))));
        let third = r.as_of(3);
        assert_eq!(third.latest_score, Some(-0.9));
        assert_eq!((third.unanswered, third.waiting_since), (1, Some(at(120))));
        assert_eq!(r.written_at(3), at(120));
        assert!(third.text().ends_with("refund?\n\nlawyer!"));
    }

    #[test]
    fn repeat_counts_are_read_by_window() {
        let r = row();
        assert_eq!((r.repeat_within(7), r.repeat_within(30)), (3, 1));
    }
}
