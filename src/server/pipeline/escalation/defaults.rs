//! The starter rule set a new installation activates as version 1, so escalation works from the first ticket.

use crate::domain::rules::{Combine, Condition, Rule, Severity};
use crate::domain::Priority;

fn words(list: &[&str]) -> Condition {
    Condition::Keywords {
        terms: list.iter().map(|s| s.to_string()).collect(),
    }
}

fn rule(
    id: u32,
    name: &str,
    severity: Severity,
    queue: &str,
    combine: Combine,
    conditions: Vec<Condition>,
) -> Rule {
    Rule {
        id,
        name: name.into(),
        enabled: true,
        combine,
        severity,
        queue: queue.into(),
        conditions,
    }
}

/// Rules for legal threats, payment disputes, account security, data loss, cancellation,
/// repeat contact, angry urgent tickets and unhappy VIPs; an SLA-risk rule ships switched off.
pub fn starter_rules() -> Vec<Rule> {
    use Combine::{All, Any};
    use Severity::{Critical, High, Medium};
    vec![
        rule(
            1,
            "Legal threat",
            Critical,
            "legal",
            Any,
            vec![words(&[
                "lawyer",
                "legal action",
                "consumer protection",
                "solicitor",
                "sue you",
                "court",
            ])],
        ),
        rule(
            2,
            "Payment dispute",
            High,
            "billing",
            Any,
            vec![words(&[
                "chargeback",
                "card issuer",
                "refund immediately",
                "fraudulent charge",
            ])],
        ),
        rule(
            3,
            "Account security",
            Critical,
            "security",
            Any,
            vec![
                words(&[
                    "hacked",
                    "security breach",
                    "unauthorised",
                    "unauthorized",
                    "logins I don't recognise",
                ]),
                Condition::Regex {
                    patterns: vec![
                        r"\b(account|password)s?\b.{0,40}\b(stolen|compromised)\b".into()
                    ],
                },
            ],
        ),
        rule(
            4,
            "Data loss",
            High,
            "engineering",
            Any,
            vec![words(&[
                "data loss",
                "lost all my data",
                "records are gone",
            ])],
        ),
        rule(
            5,
            "Cancellation threat",
            Medium,
            "retention",
            Any,
            vec![words(&[
                "cancel my account",
                "close my account",
                "cancel my subscription",
            ])],
        ),
        rule(
            6,
            "Repeat contact",
            Medium,
            "general",
            Any,
            vec![
                words(&["third time I contact", "contacted you three times"]),
                Condition::RepeatContact {
                    tickets: 3,
                    days: 7,
                },
            ],
        ),
        rule(
            7,
            "Angry and urgent",
            High,
            "general",
            All,
            vec![
                Condition::SentimentAtMost { threshold: -0.6 },
                Condition::PriorityIn {
                    priorities: vec![Priority::Urgent],
                },
            ],
        ),
        rule(
            8,
            "Unhappy VIP",
            High,
            "vip",
            All,
            vec![
                Condition::Vip,
                Condition::SentimentAtMost { threshold: -0.3 },
            ],
        ),
        Rule {
            enabled: false,
            ..rule(
                9,
                "Urgent ticket close to its SLA",
                High,
                "general",
                All,
                vec![
                    Condition::PriorityIn {
                        priorities: vec![Priority::Urgent],
                    },
                    Condition::SlaRisk { percent: 80 },
                ],
            )
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::pipeline::escalation::CompiledRules;

    #[test]
    fn starter_rules_compile_with_unique_ids() {
        let rules = starter_rules();
        CompiledRules::check(&rules).unwrap();
        let mut ids: Vec<u32> = rules.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
    }
}
