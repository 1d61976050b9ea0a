use super::*;
use crate::domain::rules::{Rule, Severity};

fn rule(
    id: u32,
    name: &str,
    severity: Severity,
    combine: Combine,
    conditions: Vec<Condition>,
) -> Rule {
    Rule {
        id,
        name: name.into(),
        enabled: true,
        combine,
        severity,
        queue: name.to_lowercase(),
        conditions,
    }
}

fn facts(text: &str) -> TicketFacts<'_> {
    TicketFacts {
        text,
        priority: Priority::Medium,
        sentiment: Some(0.0),
        first_sentiment: Some(0.0),
        unanswered: 1,
        next_response_used: None,
        vip: false,
        repeat: vec![(7, 1)],
        sla_used: Some(10),
    }
}

fn words(list: &[&str]) -> Condition {
    Condition::Keywords {
        terms: list.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn each_rule_kind_fires_on_its_own_fact() {
    let rules = CompiledRules::compile(
        3,
        &[
            rule(
                1,
                "Legal",
                Severity::Critical,
                Combine::Any,
                vec![words(&["lawyer"])],
            ),
            rule(
                2,
                "Order",
                Severity::Low,
                Combine::Any,
                vec![Condition::Regex {
                    patterns: vec![r"order #\d{5}".into()],
                }],
            ),
            rule(
                3,
                "Angry",
                Severity::High,
                Combine::Any,
                vec![Condition::SentimentAtMost { threshold: -0.5 }],
            ),
            rule(
                4,
                "Urgent",
                Severity::Medium,
                Combine::Any,
                vec![Condition::PriorityIn {
                    priorities: vec![Priority::Urgent],
                }],
            ),
            rule(
                5,
                "Repeat",
                Severity::Medium,
                Combine::Any,
                vec![Condition::RepeatContact {
                    tickets: 3,
                    days: 7,
                }],
            ),
            rule(
                6,
                "Sla",
                Severity::High,
                Combine::Any,
                vec![Condition::SlaRisk { percent: 80 }],
            ),
            rule(7, "Vip", Severity::High, Combine::Any, vec![Condition::Vip]),
        ],
    )
    .unwrap();
    assert_eq!(rules.fired_rules(&facts("hello there")), vec![false; 7]);
    let fire = |f: TicketFacts| rules.fired_rules(&f).iter().position(|x| *x);
    assert_eq!(fire(facts("I will call my LAWYER")), Some(0));
    assert_eq!(fire(facts("Where is ORDER #12345?")), Some(1));
    assert_eq!(
        fire(TicketFacts {
            sentiment: Some(-0.7),
            ..facts("x")
        }),
        Some(2)
    );
    assert_eq!(
        fire(TicketFacts {
            priority: Priority::Urgent,
            ..facts("x")
        }),
        Some(3)
    );
    assert_eq!(
        fire(TicketFacts {
            repeat: vec![(7, 3)],
            ..facts("x")
        }),
        Some(4)
    );
    assert_eq!(
        fire(TicketFacts {
            sla_used: Some(80),
            ..facts("x")
        }),
        Some(5)
    );
    assert_eq!(
        fire(TicketFacts {
            vip: true,
            ..facts("x")
        }),
        Some(6)
    );
    // Unknown sentiment or SLA never fires a threshold.
    assert_eq!(
        fire(TicketFacts {
            sentiment: None,
            sla_used: None,
            ..facts("x")
        }),
        None
    );
}

#[test]
fn all_needs_every_condition_and_any_needs_one() {
    let conditions = vec![
        words(&["refund"]),
        Condition::PriorityIn {
            priorities: vec![Priority::Urgent],
        },
    ];
    let rules = CompiledRules::compile(
        1,
        &[
            rule(1, "Both", Severity::High, Combine::All, conditions.clone()),
            rule(2, "Either", Severity::Low, Combine::Any, conditions),
        ],
    )
    .unwrap();
    assert_eq!(
        rules.fired_rules(&facts("refund please")),
        vec![false, true]
    );
    let urgent = TicketFacts {
        priority: Priority::Urgent,
        ..facts("refund please")
    };
    assert_eq!(rules.fired_rules(&urgent), vec![true, true]);
}

#[test]
fn negated_keywords_do_not_escalate_and_spans_point_at_the_match() {
    let rules = CompiledRules::compile(
        2,
        &[rule(
            1,
            "Urgent",
            Severity::High,
            Combine::Any,
            vec![words(&["urgent"])],
        )],
    )
    .unwrap();
    assert!(
        !rules
            .decide(&facts("This is not urgent, whenever you can."))
            .escalate
    );
    let text = "Subject\nThis is ÜRGENT, please!";
    let d = rules.decide(&facts(text));
    assert!(d.escalate);
    assert_eq!(d.rule_version, 2);
    let span = d.fired[0].reasons[0].spans[0];
    assert_eq!(&text[span.start..span.end], "ÜRGENT");
    assert_eq!(d.fired[0].reasons[0].detail, "matched \"ÜRGENT\"");
}

#[test]
fn the_most_severe_rule_picks_the_queue_and_disabled_rules_are_skipped() {
    let mut off = rule(
        3,
        "Off",
        Severity::Critical,
        Combine::Any,
        vec![words(&["refund"])],
    );
    off.enabled = false;
    let rules = CompiledRules::compile(
        1,
        &[
            rule(
                1,
                "Billing",
                Severity::Medium,
                Combine::Any,
                vec![words(&["refund"])],
            ),
            rule(
                2,
                "Legal",
                Severity::Critical,
                Combine::Any,
                vec![words(&["lawyer"])],
            ),
            off,
        ],
    )
    .unwrap();
    let d = rules.decide(&facts("refund or my lawyer calls"));
    assert_eq!(d.fired.len(), 2);
    assert_eq!(d.queue.as_deref(), Some("legal"));
    assert_eq!(d.severity, Some(Severity::Critical));
    let names: Vec<&str> = d.fired.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Billing", "Legal"]);
}

#[test]
fn a_bad_regex_is_a_compile_error_naming_the_rule() {
    let err = CompiledRules::check(&[rule(
        1,
        "Broken",
        Severity::Low,
        Combine::Any,
        vec![Condition::Regex {
            patterns: vec!["(unclosed".into()],
        }],
    )])
    .err()
    .unwrap();
    assert_eq!(err.rule, "Broken");
    assert!(err.message.contains("(unclosed"), "{}", err.message);
}

#[test]
fn explanations_name_the_facts() {
    let rules = CompiledRules::compile(
        1,
        &[rule(
            1,
            "Loyal but angry",
            Severity::High,
            Combine::All,
            vec![
                Condition::RepeatContact {
                    tickets: 2,
                    days: 30,
                },
                Condition::SentimentAtMost { threshold: -0.2 },
            ],
        )],
    )
    .unwrap();
    assert_eq!(rules.repeat_windows(), vec![30]);
    let d = rules.decide(&TicketFacts {
        repeat: vec![(30, 4)],
        sentiment: Some(-0.5),
        first_sentiment: Some(-0.5),
        unanswered: 1,
        next_response_used: None,
        ..facts("x")
    });
    let details: Vec<&str> = d.fired[0]
        .reasons
        .iter()
        .map(|r| r.detail.as_str())
        .collect();
    assert_eq!(details, ["4 tickets within 30 days", "sentiment -0.50"]);
}
