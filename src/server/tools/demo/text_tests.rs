//! Checks on what tickets say and who sends them: wording, duplicates, customers, replies, streaming.

use super::tests::{cfg, end, sample, share};
use super::*;
use crate::domain::{Channel, SentimentLabel, Status};
use chrono::Duration;
use std::collections::{HashMap, HashSet};

fn words(t: &NewTicket) -> HashSet<String> {
    format!("{} {}", t.subject, t.body)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_string)
        .collect()
}

#[test]
fn categories_have_their_own_vocabulary() {
    let tickets = sample();
    let sets: Vec<HashSet<String>> = tickets.iter().map(words).collect();
    for category in CATEGORIES {
        let is_cat = |t: &NewTicket| t.category.as_deref() == Some(*category);
        let (mut inside, mut outside) =
            (HashMap::<&str, usize>::new(), HashMap::<&str, usize>::new());
        let n_in = tickets.iter().filter(|t| is_cat(t)).count();
        for (t, set) in tickets.iter().zip(&sets) {
            let counts = if is_cat(t) { &mut inside } else { &mut outside };
            for w in set {
                *counts.entry(w.as_str()).or_default() += 1;
            }
        }
        let n_out = tickets.len() - n_in;
        let mut marks: Vec<&str> = inside
            .iter()
            .filter(|(w, c)| **c * 2 >= n_in && outside.get(*w).copied().unwrap_or(0) * 10 < n_out)
            .map(|(w, _)| *w)
            .collect();
        marks.sort_unstable();
        assert!(marks.len() >= 3, "{category}: {marks:?}");
    }
}

#[test]
fn bodies_rarely_repeat() {
    let unique: HashSet<&str> = sample().iter().map(|t| t.body.as_str()).collect();
    let dup = 1.0 - unique.len() as f64 / sample().len() as f64;
    assert!(dup <= 0.01, "duplicate share {dup}");
}

#[test]
fn a_lexicon_recovers_most_sentiment_labels_but_not_all() {
    const NEG: &[&str] = &[
        "unacceptable",
        "frustrat",
        "terrible",
        "worst",
        "angry",
        "disappoint",
        "annoying",
        "ridiculous",
        "waste",
        "awful",
        "furious",
        "pathetic",
        "disgrace",
        "fed up",
        "not happy",
        "not impressed",
        "not satisfied",
        "poor",
        "shame",
        "tiresome",
        "expected better",
    ];
    const POS: &[&str] = &[
        "love",
        "great",
        "fantastic",
        "happy",
        "excellent",
        "thank",
        "wonderful",
        "brilliant",
        "pleased",
        "perfectly",
        "recommend",
    ];
    let mut right = 0usize;
    for t in sample() {
        let text = t.body.to_lowercase();
        let score = |bank: &[&str]| bank.iter().filter(|w| text.contains(*w)).count() as i32;
        let guess = match score(POS) - score(NEG) {
            s if s > 0 => SentimentLabel::Positive,
            s if s < 0 => SentimentLabel::Negative,
            _ => SentimentLabel::Neutral,
        };
        right += usize::from(t.sentiment == Some(guess));
    }
    let accuracy = right as f64 / sample().len() as f64;
    assert!(
        (0.7..0.99).contains(&accuracy),
        "lexicon accuracy {accuracy}"
    );
}

#[test]
fn some_customers_come_back_about_the_same_product() {
    let mut by_customer: HashMap<&str, Vec<&NewTicket>> = HashMap::new();
    for t in sample() {
        let email = t.customer_ref.as_deref().unwrap_or("");
        assert!(email.ends_with("@example.com") || email.ends_with("@example.org"));
        assert_eq!(t.customer_email.as_deref(), Some(email));
        by_customer.entry(email).or_default().push(t);
    }
    let pool = by_customer.len();
    assert!(pool > 2_000 && pool <= 5_000, "{pool} customers");
    assert!(by_customer.values().filter(|v| v.len() >= 3).count() > 100);
    let quick_repeats = by_customer
        .values()
        .flat_map(|v| v.iter().flat_map(move |a| v.iter().map(move |b| (a, b))))
        .filter(|(a, b)| a.external_id < b.external_id && a.product == b.product)
        .filter(|(a, b)| (b.created_at - a.created_at).abs() <= Duration::days(4))
        .count();
    assert!(quick_repeats > 200, "{quick_repeats}");
}

#[test]
fn resolved_tickets_get_a_personal_reply() {
    for t in sample() {
        let done = matches!(t.status, Status::Resolved | Status::Closed);
        assert_eq!(done, t.agent_reply.is_some(), "{}", t.external_id);
        if let (Some(reply), Some(name)) = (&t.agent_reply, &t.customer_name) {
            let first = name.split(' ').next().unwrap_or("");
            assert!(reply.contains(first), "{reply}");
        }
    }
    let replies: HashSet<&str> = sample()
        .iter()
        .filter_map(|t| t.agent_reply.as_deref())
        .collect();
    assert!(replies.len() > 5_000);
    let done = share(|t| t.resolved_at.is_some());
    let rated = share(|t| t.csat.is_some()) / done;
    assert!((0.5..0.7).contains(&rated), "{rated}");
    let avg = |label| {
        let v: Vec<i16> = sample()
            .iter()
            .filter(|t| t.sentiment == Some(label))
            .filter_map(|t| t.csat)
            .collect();
        v.iter().map(|&c| f64::from(c)).sum::<f64>() / v.len() as f64
    };
    assert!(avg(SentimentLabel::Negative) + 1.0 < avg(SentimentLabel::Positive));
}

#[test]
fn old_tickets_are_closed_and_recent_ones_are_mixed() {
    let recent = end() - Duration::days(3);
    let (old, new): (Vec<&NewTicket>, Vec<&NewTicket>) = sample()
        .iter()
        .partition(|t| t.created_at.date_naive() < end() - Duration::days(10));
    let done =
        |v: &[&NewTicket]| v.iter().filter(|t| !t.status.is_open()).count() as f64 / v.len() as f64;
    assert!(done(&old) > 0.9, "{}", done(&old));
    let latest: Vec<&NewTicket> = new
        .into_iter()
        .filter(|t| t.created_at.date_naive() >= recent)
        .collect();
    assert!(
        done(&latest) < 0.6 && done(&latest) > 0.0,
        "{}",
        done(&latest)
    );
    assert!(latest.iter().any(|t| t.status == Status::Pending));
}

#[test]
fn mixes_of_products_and_channels_look_like_a_help_desk() {
    let mut products: HashMap<&str, usize> = HashMap::new();
    for t in sample() {
        *products
            .entry(t.product.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    assert_eq!(products.len(), 30);
    let (max, min) = (products.values().max(), products.values().min());
    assert!(
        max.zip(min).is_some_and(|(a, b)| *a > 5 * *b),
        "{products:?}"
    );
    let email = share(|t| t.channel == Channel::Email);
    let social = share(|t| t.channel == Channel::Social);
    assert!(email > share(|t| t.channel == Channel::Chat) && social < 0.1 && email > 0.3);
    assert!(sample().iter().all(|t| t.language.as_deref() == Some("en")));
    let lines: usize = product_lines().iter().map(|(_, p)| p.len()).sum();
    assert_eq!(lines, 30);
}

#[test]
fn large_demos_stream() {
    let n = 200_000;
    let mut count = 0usize;
    let mut last = String::new();
    for t in generate(&cfg(n, 11)) {
        count += 1;
        last = t.external_id;
    }
    assert_eq!(count, n);
    assert_eq!(last, "DEMO-11-0199999");
}
