//! The escalation step of ticket analysis: gather facts, run the active rules, open inbox entries.

use crate::domain::escalation::Decision;
use crate::domain::Priority;
use crate::server::db;
use crate::server::db::escalation_facts::FactRow;
use crate::server::db::escalations::NewEscalation;
use crate::server::db::sla::SlaSettings;
use crate::server::pipeline::escalation::{CompiledRules, TicketFacts};
use chrono::Utc;
use sqlx::PgConnection;
use std::collections::HashMap;

/// The facts of one stored ticket for `rules`; `sentiment` overrides the stored score.
pub fn facts<'a>(
    row: &FactRow,
    text: &'a str,
    rules: &CompiledRules,
    sla: &SlaSettings,
    sentiment: Option<f32>,
) -> TicketFacts<'a> {
    let windows = rules.repeat_windows();
    let policy = sla.policy(&row.priority);
    let until = row.first_response_at.unwrap_or_else(Utc::now);
    TicketFacts {
        text,
        priority: Priority::parse(&row.priority).unwrap_or(Priority::Medium),
        sentiment: sentiment.or(row.sentiment_score),
        vip: row.vip,
        repeat: windows
            .iter()
            .zip(&row.repeat)
            .map(|(d, n)| (*d, (*n).max(0) as u32))
            .collect(),
        sla_used: Some(policy.first_response_used(row.created_at, until, &sla.hours)),
    }
}

/// Decides for a batch of just-scored tickets, stores the decisions and opens inbox entries for
/// escalated tickets that are still open, all inside the caller's transaction.
pub async fn run(
    tx: &mut PgConnection,
    rules: &CompiledRules,
    sla: &SlaSettings,
    scores: &HashMap<i64, f32>,
) -> anyhow::Result<Vec<(i64, Decision)>> {
    let ids: Vec<i64> = scores.keys().copied().collect();
    let windows: Vec<i32> = rules.repeat_windows().iter().map(|d| *d as i32).collect();
    let rows = db::escalation_facts::of_tickets(&mut *tx, &ids, &windows).await?;
    let mut decisions = Vec::with_capacity(rows.len());
    let mut due = Vec::new();
    for row in &rows {
        let text = row.text();
        let decision = rules.decide(&facts(row, &text, rules, sla, scores.get(&row.id).copied()));
        if decision.escalate {
            let (first, resolution) = sla.policy(&row.priority).due(row.created_at, &sla.hours);
            due.push((row.id, first, resolution));
        }
        decisions.push((row.id, decision));
    }
    db::analysis::store_decisions(&mut *tx, &decisions).await?;
    let by_id: HashMap<i64, &Decision> = decisions.iter().map(|(id, d)| (*id, d)).collect();
    let items: Vec<NewEscalation> = due
        .iter()
        .filter_map(|(id, first, resolution)| {
            by_id.get(id).map(|d| NewEscalation {
                ticket_id: *id,
                decision: d,
                first_response_due: *first,
                resolution_due: *resolution,
            })
        })
        .collect();
    let opened = db::escalations::open(&mut *tx, &items).await?;
    if !opened.is_empty() {
        tracing::info!(count = opened.len(), "tickets escalated to the inbox");
    }
    Ok(decisions)
}
