//! Writes batches of tickets with one COPY into a staging table and set-based upserts: fast and idempotent.

use crate::domain::import::NewTicket;
use crate::server::db::rollups::catch_up;
use anyhow::Context;
use sqlx::PgConnection;

/// What one batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchResult {
    pub inserted: u64,
    /// Rows whose `(source, external_id)` was already stored.
    pub duplicates: u64,
}

/// Stores tickets of one source; re-writing a ticket with a known external id is a no-op.
pub struct TicketWriter {
    source: String,
    buf: String,
    /// Leaves the rollups to a catch-up after the last batch (see [`TicketWriter::bulk`]).
    defer_rollups: bool,
}

const STAGE_COLUMNS: &str =
    "external_id, subject, body, customer_ref, customer_name, customer_email, \
    product, product_line, channel, priority, status, category, language, created_at, \
    first_response_at, resolved_at, csat, agent_reply, gold_sentiment, gold_escalate, agent";

const CREATE_STAGE: &str = "CREATE TEMP TABLE IF NOT EXISTS ticket_stage (
    external_id text, subject text, body text, customer_ref text, customer_name text,
    customer_email text, product text, product_line text, channel text, priority text,
    status text, category text, language text, created_at timestamptz,
    first_response_at timestamptz, resolved_at timestamptz, csat smallint, agent_reply text,
    gold_sentiment text, gold_escalate boolean, agent text)";

const INSERT_PRODUCTS: &str = "INSERT INTO products (name, line)
    SELECT DISTINCT ON (product) product, product_line FROM ticket_stage
    WHERE product IS NOT NULL ORDER BY product, product_line NULLS LAST
    ON CONFLICT (name) DO NOTHING";

const INSERT_CUSTOMERS: &str = "INSERT INTO customers (source, external_ref, name, email)
    SELECT DISTINCT ON (customer_ref) $1, customer_ref, customer_name, customer_email FROM ticket_stage
    WHERE customer_ref IS NOT NULL ORDER BY customer_ref
    ON CONFLICT (source, external_ref) DO NOTHING";

const INSERT_TICKETS: &str = "WITH ins AS (
    INSERT INTO tickets (source, external_id, customer_id, product_id, subject, body, channel,
        priority, status, category, language, created_at, first_response_at, resolved_at, csat,
        agent_reply, gold_sentiment, gold_escalate, agent)
    SELECT $1, s.external_id, c.id, p.id, s.subject, s.body, s.channel, s.priority, s.status,
        s.category, s.language, s.created_at, s.first_response_at, s.resolved_at, s.csat,
        s.agent_reply, s.gold_sentiment, s.gold_escalate, nullif(btrim(s.agent), '')
    FROM ticket_stage s
    LEFT JOIN customers c ON c.source = $1 AND c.external_ref = s.customer_ref
    LEFT JOIN products p ON p.name = s.product
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING 1)
    SELECT count(*) FROM ins";

impl TicketWriter {
    /// A good batch size: large enough to amortise round trips, small enough to stream.
    pub const BATCH: usize = 2_000;

    pub fn new(source: &str) -> Self {
        TicketWriter {
            source: source.to_string(),
            buf: String::with_capacity(1 << 20),
            defer_rollups: false,
        }
    }

    /// A writer for many batches: each only notes its tickets as pending for the rollups, and
    /// the caller runs [`catch_up`](crate::server::db::rollups::catch_up::catch_up) once the
    /// last batch is written.
    pub fn bulk(source: &str) -> Self {
        TicketWriter {
            defer_rollups: true,
            ..Self::new(source)
        }
    }

    /// Stores one batch: its tickets in one transaction.
    pub async fn write(
        &mut self,
        conn: &mut PgConnection,
        tickets: &[NewTicket],
    ) -> anyhow::Result<BatchResult> {
        if tickets.is_empty() {
            return Ok(BatchResult::default());
        }
        self.buf.clear();
        for t in tickets {
            encode_row(&mut self.buf, t);
        }
        sqlx::query(CREATE_STAGE).execute(&mut *conn).await?;
        sqlx::query("TRUNCATE ticket_stage")
            .execute(&mut *conn)
            .await?;
        let mut copy = conn
            .copy_in_raw(&format!("COPY ticket_stage ({STAGE_COLUMNS}) FROM STDIN"))
            .await?;
        copy.send(self.buf.as_bytes()).await?;
        copy.finish()
            .await
            .context("COPY into the staging table failed")?;
        // Products and customers commit on their own, before the tickets: two writers whose
        // batches share a new customer then wait for each other's short insert, not for each
        // other's whole batch. A failure later leaves them in place for the re-run.
        sqlx::query(INSERT_PRODUCTS).execute(&mut *conn).await?;
        sqlx::query(INSERT_CUSTOMERS)
            .bind(&self.source)
            .execute(&mut *conn)
            .await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if self.defer_rollups {
            catch_up::defer_in_transaction(&mut tx).await?;
        }
        let inserted: i64 = sqlx::query_scalar(INSERT_TICKETS)
            .bind(&self.source)
            .fetch_one(&mut *tx)
            .await
            .context("inserting tickets failed")?;
        tx.commit().await?;
        let inserted = inserted as u64;
        Ok(BatchResult {
            inserted,
            duplicates: tickets.len() as u64 - inserted,
        })
    }
}

/// Appends one row in COPY text format (tab-separated, `\N` for NULL).
fn encode_row(buf: &mut String, t: &NewTicket) {
    let ts = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.to_rfc3339());
    let fields: [Option<std::borrow::Cow<'_, str>>; 21] = [
        Some(t.external_id.as_str().into()),
        Some(t.subject.as_str().into()),
        Some(t.body.as_str().into()),
        t.customer_ref.as_deref().map(Into::into),
        t.customer_name.as_deref().map(Into::into),
        t.customer_email.as_deref().map(Into::into),
        t.product.as_deref().map(Into::into),
        t.product_line.as_deref().map(Into::into),
        Some(t.channel.as_str().into()),
        Some(t.priority.as_str().into()),
        Some(t.status.as_str().into()),
        t.category.as_deref().map(Into::into),
        t.language.as_deref().map(Into::into),
        ts(Some(t.created_at)).map(Into::into),
        ts(t.first_response_at).map(Into::into),
        ts(t.resolved_at).map(Into::into),
        t.csat.map(|c| c.to_string().into()),
        t.agent_reply.as_deref().map(Into::into),
        t.sentiment.map(|s| s.as_str().into()),
        t.escalate.map(|e| if e { "t" } else { "f" }.into()),
        t.agent.as_deref().map(Into::into),
    ];
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        match field {
            None => buf.push_str("\\N"),
            Some(text) => escape_into(buf, text),
        }
    }
    buf.push('\n');
}

fn escape_into(buf: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\0' => {}
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_copy_special_characters() {
        let mut s = String::new();
        escape_into(&mut s, "a\tb\nc\\d\r\0e");
        assert_eq!(s, "a\\tb\\nc\\\\d\\re");
    }
}
