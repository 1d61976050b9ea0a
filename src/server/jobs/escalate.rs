//! The escalation step of ticket analysis: gather facts, run the active rules, open inbox entries.

use crate::domain::escalation::Decision;
use crate::domain::Priority;
use crate::server::db;
use crate::server::db::escalation_facts::FactRow;
use crate::server::db::escalations::{NewEscalation, DEFAULT_QUEUE};
use crate::server::db::sla::SlaSettings;
use crate::server::pipeline::escalation::{CompiledRules, TicketFacts};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;

/// The facts of one stored ticket for `rules` now; `sentiment` overrides the stored score of the
/// ticket's own text (the first message).
pub fn facts<'a>(
    row: &FactRow,
    text: &'a str,
    rules: &CompiledRules,
    sla: &SlaSettings,
    sentiment: Option<f32>,
) -> TicketFacts<'a> {
    facts_at(row, text, rules, sla, sentiment, Utc::now())
}

/// The facts of `row` with the SLA clocks read at `now` (a replay reads them when each message
/// arrived).
pub fn facts_at<'a>(
    row: &FactRow,
    text: &'a str,
    rules: &CompiledRules,
    sla: &SlaSettings,
    sentiment: Option<f32>,
    now: DateTime<Utc>,
) -> TicketFacts<'a> {
    let policy = sla.policy(&row.priority);
    let calendar = sla.calendar();
    let until = row.first_response_at.unwrap_or(now);
    let first = sentiment.or(row.sentiment_score);
    TicketFacts {
        text,
        priority: Priority::parse(&row.priority).unwrap_or(Priority::Medium),
        sentiment: row.latest_score.or(first),
        first_sentiment: first,
        unanswered: row.unanswered.max(0) as u32,
        // A resolved ticket waits for nobody, whoever wrote last.
        next_response_used: row
            .waiting_since
            .filter(|_| matches!(row.status.as_str(), "open" | "pending"))
            .map(|since| policy.next_response_used(since, now, &calendar)),
        vip: row.vip,
        repeat: rules
            .repeat_windows()
            .iter()
            .map(|d| (*d, row.repeat_within(*d as i32)))
            .collect(),
        sla_used: Some(policy.first_response_used(row.created_at, until, &calendar)),
    }
}

type Deadlines = (DateTime<Utc>, DateTime<Utc>);

/// The rules' decisions for a batch, and the SLA due times of the escalated tickets.
pub struct Decided {
    pub decisions: HashMap<i64, Decision>,
    /// (ticket, (first response due, resolution due), (first response at risk, resolution at risk)).
    due: Vec<(i64, Deadlines, Deadlines)>,
}

/// Decides for a batch of tickets inside the caller's transaction, `scores` overriding the stored
/// scores of just-scored tickets; the caller stores the decisions, then [`open`] files the
/// escalated ones.
pub async fn decide(
    tx: &mut PgConnection,
    rules: &CompiledRules,
    sla: &SlaSettings,
    ids: &[i64],
    scores: &HashMap<i64, f32>,
) -> anyhow::Result<Decided> {
    let windows: Vec<i32> = rules.repeat_windows().iter().map(|d| *d as i32).collect();
    let rows = db::escalation_facts::of_tickets(&mut *tx, ids, &windows).await?;
    let mut decisions = HashMap::with_capacity(rows.len());
    let mut due = Vec::new();
    for row in &rows {
        let text = row.text();
        let decision = rules.decide(&facts(row, &text, rules, sla, scores.get(&row.id).copied()));
        if decision.escalate {
            let policy = sla.policy(&row.priority);
            let calendar = sla.calendar_for(decision.queue.as_deref().unwrap_or(DEFAULT_QUEUE));
            due.push((
                row.id,
                policy.due(row.created_at, &calendar),
                policy.at_risk(row.created_at, &calendar),
            ));
        }
        decisions.insert(row.id, decision);
    }
    Ok(Decided { decisions, due })
}

/// Opens inbox entries for the escalated tickets of a batch that are still open, each with an
/// "escalated" activity and an `escalation.created` event; tickets already escalated are left
/// alone.
pub async fn open(tx: &mut PgConnection, decided: &Decided) -> anyhow::Result<()> {
    let items: Vec<NewEscalation> = decided
        .due
        .iter()
        .filter_map(|(id, (first, resolution), (first_warn, resolution_warn))| {
            decided.decisions.get(id).map(|d| NewEscalation {
                ticket_id: *id,
                decision: d,
                first_response_due: *first,
                resolution_due: *resolution,
                first_response_warn: *first_warn,
                resolution_warn: *resolution_warn,
            })
        })
        .collect();
    // A rule may name a queue nobody has set up yet: it starts with manual assignment.
    let mut queues: Vec<String> = items.iter().map(|i| i.queue()).collect();
    queues.sort();
    queues.dedup();
    if !queues.is_empty() {
        db::queues::ensure(&mut *tx, &queues).await?;
    }
    let mut opened = 0;
    for item in &items {
        let Some(id) = db::escalations::insert(&mut *tx, item).await? else {
            continue;
        };
        let d = item.decision;
        let names: Vec<&str> = d.fired.iter().map(|f| f.name.as_str()).collect();
        db::activity::add(&mut *tx, id, None, "escalated", &names.join(", ")).await?;
        let payload = serde_json::json!({
            "ticket_id": id,
            "queue": item.queue(),
            "severity": d.severity.map(|s| s.as_str()),
            "rule_version": d.rule_version,
            "rules": names,
            "first_response_due": item.first_response_due,
            "resolution_due": item.resolution_due,
        });
        let key = format!("escalation.created:{id}");
        db::events::record(&mut *tx, "escalation.created", Some(id), &payload, &key).await?;
        opened += 1;
    }
    if opened > 0 {
        tracing::info!(count = opened, "tickets escalated to the inbox");
    }
    Ok(())
}
