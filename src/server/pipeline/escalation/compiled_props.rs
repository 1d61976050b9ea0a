//! Property tests: any rule list compiles and runs on any ticket, or is refused with a message.

use super::*;
use crate::domain::rules::{Combine, Severity};
use crate::domain::Priority;
use crate::server::pipeline::escalation::TicketFacts;
use proptest::prelude::*;

/// Keywords as admins might type them, plus blanks, bare accents and lone punctuation.
fn term() -> impl Strategy<Value = String> {
    let words = [
        "refund",
        "lawyer",
        "not",
        "don't",
        "Ürgent CAFÉ",
        "İ",
        "ß",
        "\u{301}",
        "!!",
    ];
    prop_oneof![
        4 => proptest::sample::select(words.to_vec()).prop_map(str::to_string),
        1 => "[ \t\n]{0,2}",
        2 => "\\PC{1,8}",
    ]
}

/// Regexes: valid ones, word-boundary ones (relaxed inside the set), and short random syntax.
fn pattern() -> impl Strategy<Value = String> {
    let valid = [
        r"order #\d{5}",
        r"\bcharge ?back\b",
        r"(?-i)URGENT",
        r"\b{start}x",
        "[a-zé]+",
    ];
    prop_oneof![
        4 => proptest::sample::select(valid.to_vec()).prop_map(str::to_string),
        1 => Just(String::new()),
        2 => r"[abé \\bBdwsp(){}\[\]*+?|^$.:=<12,-]{1,10}",
    ]
}

/// One to three items mostly, sometimes none (which rules refuse).
fn list<T: Clone + std::fmt::Debug>(
    item: impl Strategy<Value = T>,
) -> impl Strategy<Value = Vec<T>> {
    prop_oneof![9 => proptest::collection::vec(item, 1..4), 1 => Just(Vec::new())]
}

/// Conditions, mostly within the limits `Rule::validate` sets, sometimes anywhere.
fn condition() -> impl Strategy<Value = Condition> {
    let priority = proptest::sample::select(Priority::ALL);
    let sentiment = prop_oneof![4 => -1f32..=1.0, 1 => any::<f32>()];
    let tickets = prop_oneof![3 => 2u32..6, 1 => any::<u32>()];
    let days = prop_oneof![3 => 1u32..=365, 1 => any::<u32>()];
    let percent = prop_oneof![3 => 1u32..=1000, 1 => any::<u32>()];
    prop_oneof![
        list(term()).prop_map(|terms| Condition::Keywords { terms }),
        list(pattern()).prop_map(|patterns| Condition::Regex { patterns }),
        sentiment.prop_map(|threshold| Condition::SentimentAtMost { threshold }),
        list(priority).prop_map(|priorities| Condition::PriorityIn { priorities }),
        (tickets, days).prop_map(|(tickets, days)| Condition::RepeatContact { tickets, days }),
        percent
            .clone()
            .prop_map(|percent| Condition::SlaRisk { percent }),
        percent.prop_map(|percent| Condition::NextResponseRisk { percent }),
        Just(Condition::Vip),
        (0.1f32..2.0).prop_map(|by| Condition::SentimentDrop { by }),
        (1u32..4).prop_map(|messages| Condition::Unanswered { messages }),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    let combine = prop_oneof![Just(Combine::All), Just(Combine::Any)];
    let severity = proptest::sample::select(Severity::ALL.to_vec());
    let name = prop_oneof![6 => "[A-Z][a-z ]{0,10}", 1 => "\\PC{0,3}", 1 => ".{119,122}"];
    let queue = prop_oneof![6 => "[a-z]{1,8}", 1 => "[a-z ]{0,2}", 1 => ".{59,62}"];
    let enabled = proptest::bool::weighted(0.8);
    (
        any::<u32>(),
        name,
        queue,
        enabled,
        combine,
        severity,
        list(condition()),
    )
        .prop_map(
            |(id, name, queue, enabled, combine, severity, conditions)| Rule {
                id,
                name,
                enabled,
                combine,
                severity,
                queue,
                conditions,
            },
        )
}

fn facts(text: &str, (sentiment, vip, sla): (Option<f32>, bool, Option<u32>)) -> TicketFacts<'_> {
    TicketFacts {
        text,
        priority: Priority::High,
        sentiment,
        first_sentiment: sentiment.map(|s| (s + 0.5).min(1.0)),
        unanswered: 2,
        next_response_used: sla.map(|u| u / 2),
        vip,
        repeat: vec![(7, 3), (30, 5)],
        sla_used: sla,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rules_compile_and_run_or_are_refused_with_a_message(
        rules in proptest::collection::vec(rule(), 0..3),
        texts in proptest::collection::vec("\\PC{0,40}|(not |no |refund|lawyer|Order #12345|Ürgent|é|\n| |, ){0,8}", 1..3),
        other in (proptest::option::of(-1f32..=1.0), any::<bool>(), proptest::option::of(0u32..300)),
    ) {
        let enabled: Vec<&Rule> = rules.iter().filter(|r| r.enabled).collect();
        let invalid = enabled.iter().any(|r| r.validate().is_err());
        let checked = CompiledRules::check(&rules);
        let compiled = match CompiledRules::compile(3, &rules) {
            Ok(c) => c,
            Err(e) => {
                prop_assert!(!e.message.trim().is_empty(), "{e:?}");
                prop_assert!(enabled.iter().any(|r| r.name == e.rule), "{e:?} names no rule");
                let bad_text = ["keyword", "regex"].iter().any(|k| e.message.starts_with(k));
                prop_assert!(invalid || bad_text, "{e}");
                prop_assert!(checked.is_err(), "saving accepted what running refuses: {e}");
                return Ok(());
            }
        };
        prop_assert!(!invalid, "an invalid rule compiled");
        prop_assert_eq!(compiled.rules().len(), enabled.len());
        for text in &texts {
            let facts = facts(text, other);
            let fired = compiled.fired_rules(&facts);
            prop_assert_eq!(fired.len(), compiled.rules().len());
            let decision = compiled.decide(&facts);
            prop_assert_eq!(decision.escalate, fired.iter().any(|f| *f));
            prop_assert_eq!(decision.fired.len(), fired.iter().filter(|f| **f).count());
            let top = decision.fired.iter().map(|f| f.severity).max();
            prop_assert_eq!(decision.severity, top);
            for reason in decision.fired.iter().flat_map(|f| &f.reasons) {
                prop_assert!(!reason.detail.is_empty() && !reason.condition.is_empty());
                for s in &reason.spans {
                    // A regex matching the empty string gives empty spans; they are harmless.
                    prop_assert!(s.start <= s.end && text.get(s.start..s.end).is_some(),
                        "span {:?} in {:?}", s, text);
                }
            }
        }
    }

    #[test]
    fn a_ticket_that_is_exactly_a_keyword_or_literal_fires_its_rule(word in term(), as_regex in any::<bool>()) {
        let condition = if as_regex {
            Condition::Regex { patterns: vec![regex::escape(&word)] }
        } else {
            Condition::Keywords { terms: vec![word.clone()] }
        };
        let rule = Rule {
            id: 1,
            name: "Word".into(),
            enabled: true,
            combine: Combine::All,
            severity: Severity::High,
            queue: "q".into(),
            conditions: vec![condition],
        };
        match CompiledRules::compile(1, std::slice::from_ref(&rule)) {
            Ok(c) => {
                let decision = c.decide(&facts(&word, (None, false, None)));
                prop_assert!(decision.escalate, "{word:?} did not fire on itself");
                let reasons: Vec<_> = decision.fired.iter().flat_map(|f| &f.reasons).collect();
                prop_assert!(reasons.iter().any(|r| !r.spans.is_empty()), "{decision:?}");
                let mut spans = reasons.iter().flat_map(|r| &r.spans);
                prop_assert!(spans.all(|s| word.get(s.start..s.end).is_some()));
            }
            Err(e) => prop_assert!(!e.message.trim().is_empty() && e.rule == "Word"),
        }
    }
}
