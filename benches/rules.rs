//! Rule evaluation throughput: 200 active keyword and regex rules on demo tickets, compiled (one automaton, one regex set) against a naive rule-by-rule loop in the same run.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use regex::{Regex, RegexBuilder};
use std::hint::black_box;
use std::time::Duration;
use ticketlens::domain::rules::{Combine, Condition, Rule, Severity};
use ticketlens::domain::Priority;
use ticketlens::server::pipeline::escalation::{CompiledRules, TicketFacts};
use ticketlens::server::tools::demo::{self, DemoConfig};

const TICKETS: usize = 2_000;
const KEYWORD_RULES: usize = 150;
const REGEX_RULES: usize = 50;

/// Demo ticket texts (subject, newline, body), as the pipeline sees them.
fn texts() -> Vec<String> {
    let cfg = DemoConfig {
        tickets: TICKETS,
        seed: 7,
        end: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
    };
    demo::generate(&cfg)
        .map(|t| format!("{}\n{}", t.subject, t.body))
        .collect()
}

/// Words of the demo vocabulary (five letters or more), so that rules match real text.
fn vocabulary(texts: &[String]) -> Vec<String> {
    let mut words: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.len() >= 5)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// 150 keyword rules (3 to 6 terms, every fifth a two-word phrase) and 50 regex rules.
fn rules(words: &[String]) -> Vec<Rule> {
    let pick = |i: usize| words[(i * 7919) % words.len()].clone();
    let rule = |id: usize, condition: Condition| Rule {
        id: id as u32 + 1,
        name: format!("rule {id}"),
        enabled: true,
        combine: Combine::Any,
        severity: Severity::Medium,
        queue: "bench".into(),
        conditions: vec![condition],
    };
    let mut out: Vec<Rule> = (0..KEYWORD_RULES)
        .map(|i| {
            let terms = (0..3 + i % 4)
                .map(|k| match (i + k) % 5 {
                    0 => format!("{} {}", pick(i * 6 + k), pick(i * 6 + k + 1)),
                    _ => pick(i * 6 + k),
                })
                .collect();
            rule(i, Condition::Keywords { terms })
        })
        .collect();
    out.extend((0..REGEX_RULES).map(|i| {
        let w = pick(10_000 + i);
        let patterns = match i % 4 {
            0 => vec![format!(r"\b{w}\s+\d{{2,4}}\b")],
            1 => vec![
                format!(r"\b{w}[- ]?(?:id|ref|no)\b"),
                r"\border\s*#?\d{5,}\b".into(),
            ],
            2 => vec![format!(r"(?:never|still)\s+\w+\s+{w}")],
            _ => vec![format!(r"\b[a-z0-9.]+@{w}\.com\b")],
        };
        rule(KEYWORD_RULES + i, Condition::Regex { patterns })
    }));
    out
}

/// The naive way: every rule on its own, lower-casing the text and calling `str::contains` or
/// `Regex::is_match` term by term.
fn naive(rules: &[(Vec<String>, Vec<Regex>)], text: &str) -> Vec<bool> {
    rules
        .iter()
        .map(|(terms, regexes)| {
            let lower = text.to_lowercase();
            terms.iter().any(|t| lower.contains(t.as_str()))
                || regexes.iter().any(|r| r.is_match(text))
        })
        .collect()
}

/// A medium-priority ticket with neutral sentiment: only the text rules can fire.
fn facts(text: &str) -> TicketFacts<'_> {
    TicketFacts {
        text,
        priority: Priority::Medium,
        sentiment: Some(0.0),
        first_sentiment: Some(0.0),
        unanswered: 1,
        next_response_used: None,
        vip: false,
        repeat: Vec::new(),
        sla_used: None,
    }
}

fn bench(c: &mut Criterion) {
    let texts = texts();
    let rules = rules(&vocabulary(&texts));
    let compiled = CompiledRules::compile(1, &rules).expect("bench rules compile");
    let plain: Vec<(Vec<String>, Vec<Regex>)> = rules
        .iter()
        .map(|r| match &r.conditions[0] {
            Condition::Keywords { terms } => {
                (terms.iter().map(|t| t.to_lowercase()).collect(), Vec::new())
            }
            Condition::Regex { patterns } => (
                Vec::new(),
                patterns
                    .iter()
                    .map(|p| {
                        RegexBuilder::new(p)
                            .case_insensitive(true)
                            .build()
                            .expect("regex")
                    })
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        })
        .collect();
    let fired: usize = texts
        .iter()
        .map(|t| {
            compiled
                .fired_rules(&facts(t))
                .iter()
                .filter(|f| **f)
                .count()
        })
        .sum();
    eprintln!(
        "{} demo tickets, {} rules; {:.2} rules fire per ticket",
        texts.len(),
        rules.len(),
        fired as f64 / texts.len() as f64
    );
    let mut g = c.benchmark_group("rules");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("compiled", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(compiled.fired_rules(&facts(black_box(t))));
            }
        })
    });
    g.bench_function("naive_rule_by_rule", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(naive(&plain, black_box(t)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
