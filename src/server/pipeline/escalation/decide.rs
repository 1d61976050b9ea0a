//! Running compiled rules on one ticket's facts: the decision, and the reasons behind it.

use super::compiled::{CompiledRules, Slot};
use super::matcher::{Hit, Source};
use crate::domain::escalation::{Decision, FiredRule, Reason, TextSpan};
use crate::domain::rules::{Combine, Condition};
use crate::domain::Priority;

/// What the rules may look at for one ticket.
#[derive(Debug, Clone)]
pub struct TicketFacts<'a> {
    /// Subject, a newline, and body: the text spans refer to.
    pub text: &'a str,
    pub priority: Priority,
    /// The latest customer message's sentiment score in [-1, 1], once analysed.
    pub sentiment: Option<f32>,
    /// The opening message's score, for drops over the conversation.
    pub first_sentiment: Option<f32>,
    /// Customer messages since the last agent reply (or since the start).
    pub unanswered: u32,
    /// Share of the next-response target used, in percent, while the customer waits for an
    /// answer to a message written after an agent's reply.
    pub next_response_used: Option<u32>,
    pub vip: bool,
    /// (days, tickets from the customer within that many days, this one included).
    pub repeat: Vec<(u32, u32)>,
    /// Share of the first-response target used, in percent, while the ticket awaits a reply.
    pub sla_used: Option<u32>,
}

impl CompiledRules {
    /// Which rules fire, by index into `rules()`: the fast path for backtests and benchmarks.
    pub fn fired_rules(&self, facts: &TicketFacts) -> Vec<bool> {
        let fired = self.matcher.fired(facts.text);
        self.rules
            .iter()
            .zip(&self.slots)
            .map(|(rule, slots)| {
                let mut held = rule
                    .conditions
                    .iter()
                    .zip(slots)
                    .map(|(c, slot)| match slot {
                        Slot::Keywords(k) => fired.keywords[*k],
                        Slot::Regexes(k) => fired.regexes[*k],
                        Slot::Other => holds(c, facts),
                    });
                match rule.combine {
                    Combine::All => held.all(|h| h),
                    Combine::Any => held.any(|h| h),
                }
            })
            .collect()
    }

    /// The full decision with explanations and matched spans.
    pub fn decide(&self, facts: &TicketFacts) -> Decision {
        let which = self.fired_rules(facts);
        let hits = if which.iter().any(|f| *f) {
            self.matcher.scan(facts.text)
        } else {
            Vec::new()
        };
        let mut fired = Vec::new();
        for ((rule, slots), _) in self
            .rules
            .iter()
            .zip(&self.slots)
            .zip(&which)
            .filter(|(_, f)| **f)
        {
            let reasons = rule
                .conditions
                .iter()
                .zip(slots)
                .filter_map(|(c, slot)| explain(c, *slot, facts, &hits))
                .collect();
            fired.push(FiredRule {
                rule_id: rule.id,
                name: rule.name.clone(),
                severity: rule.severity,
                queue: rule.queue.clone(),
                reasons,
            });
        }
        // The most severe rule decides the queue; the first listed wins a tie.
        let top = fired.iter().fold(None::<&FiredRule>, |best, f| match best {
            Some(b) if b.severity >= f.severity => Some(b),
            _ => Some(f),
        });
        Decision {
            escalate: !fired.is_empty(),
            rule_version: self.version,
            severity: top.map(|f| f.severity),
            queue: top.map(|f| f.queue.clone()),
            fired,
        }
    }
}

/// Whether a non-text condition holds.
fn holds(c: &Condition, facts: &TicketFacts) -> bool {
    match c {
        Condition::SentimentAtMost { threshold } => {
            facts.sentiment.is_some_and(|s| s <= *threshold)
        }
        Condition::PriorityIn { priorities } => priorities.contains(&facts.priority),
        Condition::RepeatContact { tickets, days } => {
            facts.repeat.iter().any(|(d, n)| d == days && n >= tickets)
        }
        Condition::SlaRisk { percent } => facts.sla_used.is_some_and(|u| u >= *percent),
        Condition::Vip => facts.vip,
        Condition::SentimentDrop { by } => drop(facts).is_some_and(|d| d >= *by - 1e-6),
        Condition::Unanswered { messages } => facts.unanswered >= *messages,
        Condition::NextResponseRisk { percent } => {
            facts.next_response_used.is_some_and(|u| u >= *percent)
        }
        Condition::Keywords { .. } | Condition::Regex { .. } => false,
    }
}

/// How far the latest customer message scores below the first one.
fn drop(facts: &TicketFacts) -> Option<f32> {
    Some(facts.first_sentiment? - facts.sentiment?)
}

/// The reason a condition held, or None when it did not.
fn explain(c: &Condition, slot: Slot, facts: &TicketFacts, hits: &[Hit]) -> Option<Reason> {
    let condition = c.describe();
    let text_reason = |source: Source| {
        let spans: Vec<TextSpan> = hits
            .iter()
            .filter(|h| h.source == source && !h.negated)
            .map(|h| TextSpan {
                start: h.start,
                end: h.end,
            })
            .collect();
        if spans.is_empty() {
            return None;
        }
        let mut words: Vec<String> = spans
            .iter()
            .filter_map(|s| facts.text.get(s.start..s.end))
            .map(|w| format!("\"{w}\""))
            .collect();
        words.dedup();
        Some(Reason {
            condition: condition.clone(),
            detail: format!("matched {}", words.join(", ")),
            spans,
        })
    };
    match slot {
        Slot::Keywords(k) => return text_reason(Source::Keywords(k)),
        Slot::Regexes(k) => return text_reason(Source::Regexes(k)),
        Slot::Other if !holds(c, facts) => return None,
        Slot::Other => {}
    }
    let detail = match c {
        Condition::SentimentAtMost { .. } => {
            format!("sentiment {:+.2}", facts.sentiment.unwrap_or_default())
        }
        Condition::PriorityIn { .. } => format!("priority {}", facts.priority),
        Condition::RepeatContact { days, .. } => {
            let n = facts
                .repeat
                .iter()
                .find(|(d, _)| d == days)
                .map_or(0, |(_, n)| *n);
            format!("{n} tickets within {days} days")
        }
        Condition::SlaRisk { .. } => format!(
            "{}% of the first-response target used",
            facts.sla_used.unwrap_or_default()
        ),
        Condition::SentimentDrop { .. } => format!(
            "sentiment fell from {:+.2} to {:+.2}",
            facts.first_sentiment.unwrap_or_default(),
            facts.sentiment.unwrap_or_default()
        ),
        Condition::Unanswered { .. } => format!(
            "{} customer messages without an agent reply",
            facts.unanswered
        ),
        Condition::NextResponseRisk { .. } => format!(
            "{}% of the next-response target used",
            facts.next_response_used.unwrap_or_default()
        ),
        _ => "yes".into(),
    };
    Some(Reason {
        condition,
        detail,
        spans: Vec::new(),
    })
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
