//! Escalation rules as admins write them: conditions combined with all/any, a severity and a queue.

use super::Priority;
use serde::{Deserialize, Serialize};

/// How urgent an escalation is; ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: &'static [Severity] = &[
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// 1 (low) to 4 (critical), as stored.
    pub fn rank(self) -> i16 {
        self as i16 + 1
    }

    pub fn from_rank(rank: i16) -> Self {
        match rank {
            ..=1 => Severity::Low,
            2 => Severity::Medium,
            3 => Severity::High,
            _ => Severity::Critical,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Severity::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == text.trim().to_ascii_lowercase())
    }
}

/// Whether every condition of a rule must hold, or one is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    All,
    Any,
}

/// One test on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Any of these words or phrases, whole words, ignoring case and accents, not negated.
    Keywords { terms: Vec<String> },
    /// Any of these regular expressions (case-insensitive).
    Regex { patterns: Vec<String> },
    /// Sentiment score (-1 to 1) at or below the threshold.
    SentimentAtMost { threshold: f32 },
    /// The ticket's priority is one of these.
    PriorityIn { priorities: Vec<Priority> },
    /// At least `tickets` tickets (this one included) from the customer within `days` days.
    RepeatContact { tickets: u32, days: u32 },
    /// Waiting time has used at least `percent` of the priority's first-response target.
    SlaRisk { percent: u32 },
    /// The customer is marked VIP.
    Vip,
    /// The latest customer message scores at least `by` (0 to 2) below the first one.
    SentimentDrop { by: f32 },
    /// At least `messages` customer messages since the last agent reply (or since the start).
    Unanswered { messages: u32 },
    /// The customer wrote again after an agent's reply and has waited at least `percent` of the
    /// priority's next-response target.
    NextResponseRisk { percent: u32 },
}

impl Condition {
    /// A short description for tables and explanations.
    pub fn describe(&self) -> String {
        match self {
            Condition::Keywords { terms } => format!("keywords: {}", terms.join(", ")),
            Condition::Regex { patterns } => format!("regex: {}", patterns.join(" | ")),
            Condition::SentimentAtMost { threshold } => format!("sentiment ≤ {threshold:+.2}"),
            Condition::PriorityIn { priorities } => {
                let p: Vec<&str> = priorities.iter().map(|p| p.as_str()).collect();
                format!("priority in {}", p.join(", "))
            }
            Condition::RepeatContact { tickets, days } => {
                format!("{tickets}+ tickets from the customer within {days} days")
            }
            Condition::SlaRisk { percent } => {
                format!("{percent}% of the first-response target used")
            }
            Condition::Vip => "VIP customer".into(),
            Condition::SentimentDrop { by } => format!("sentiment dropped by ≥ {by:.2}"),
            Condition::Unanswered { messages } => {
                format!("{messages}+ customer messages without an agent reply")
            }
            Condition::NextResponseRisk { percent } => {
                format!("{percent}% of the next-response target used")
            }
        }
    }
}

/// An escalation rule: when its conditions hold, the ticket goes to `queue` with `severity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable within a chain of versions, so backtests and edits can name it.
    pub id: u32,
    pub name: String,
    pub enabled: bool,
    pub combine: Combine,
    pub severity: Severity,
    pub queue: String,
    pub conditions: Vec<Condition>,
}

impl Rule {
    /// Checks everything that does not need compiling; regexes are checked when compiled.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() || self.name.len() > 120 {
            return Err("A rule needs a name of 1 to 120 characters.".into());
        }
        if self.queue.trim().is_empty() || self.queue.len() > 60 {
            return Err("A rule needs a queue name of 1 to 60 characters.".into());
        }
        if self.conditions.is_empty() {
            return Err(format!("Rule \"{}\" has no conditions.", self.name));
        }
        for c in &self.conditions {
            condition_ok(c).map_err(|e| format!("Rule \"{}\": {e}", self.name))?;
        }
        Ok(())
    }
}

fn condition_ok(c: &Condition) -> Result<(), String> {
    match c {
        Condition::Keywords { terms } if terms.is_empty() => Err("no keywords given".into()),
        Condition::Keywords { terms } if terms.iter().any(|t| t.trim().is_empty()) => {
            Err("an empty keyword".into())
        }
        Condition::Regex { patterns } if patterns.is_empty() => Err("no patterns given".into()),
        Condition::SentimentAtMost { threshold } if !(-1.0..=1.0).contains(threshold) => {
            Err("the sentiment threshold must be between -1 and 1".into())
        }
        Condition::PriorityIn { priorities } if priorities.is_empty() => {
            Err("pick at least one priority".into())
        }
        Condition::RepeatContact { tickets, days } if *tickets < 2 || *days == 0 || *days > 365 => {
            Err("repeat contact needs at least 2 tickets within 1 to 365 days".into())
        }
        Condition::SlaRisk { percent } | Condition::NextResponseRisk { percent }
            if *percent == 0 || *percent > 1000 =>
        {
            Err("SLA risk needs a percentage from 1 to 1000".into())
        }
        Condition::SentimentDrop { by } if !(*by > 0.0 && *by <= 2.0) => {
            Err("a sentiment drop must be more than 0 and at most 2".into())
        }
        Condition::Unanswered { messages } if *messages == 0 || *messages > 100 => {
            Err("unanswered messages must be from 1 to 100".into())
        }
        _ => Ok(()),
    }
}

/// Counts of one rule (or of the whole version) over a backtest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleStats {
    pub rule_id: u32,
    pub name: String,
    /// Tickets it fired on.
    pub fired: u64,
    /// Of those, tickets whose escalation is known to be needed / not needed.
    pub true_positives: u64,
    pub false_positives: u64,
    /// Known-escalated tickets it missed.
    pub false_negatives: u64,
}

impl RuleStats {
    /// Share of fired, labelled tickets that truly needed a person (None without any).
    pub fn precision(&self) -> Option<f64> {
        let n = self.true_positives + self.false_positives;
        (n > 0).then(|| self.true_positives as f64 / n as f64)
    }

    /// Share of known escalations it caught (None when none are known).
    pub fn recall(&self) -> Option<f64> {
        let n = self.true_positives + self.false_negatives;
        (n > 0).then(|| self.true_positives as f64 / n as f64)
    }
}

/// What a rule version would have done over past tickets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub version: i32,
    pub days: i32,
    pub tickets: u64,
    /// Tickets whose escalation is known (imported label or an agent's verdict).
    pub labelled: u64,
    pub known_escalations: u64,
    /// The whole version: a ticket escalates when any rule fires.
    pub total: RuleStats,
    pub rules: Vec<RuleStats>,
    /// True when the ticket limit cut the period short.
    pub truncated: bool,
    /// Tickets this version escalates at a later customer message rather than the opening one.
    pub caught_at_follow_up: u64,
    /// When each ticket would have escalated, against the active version.
    pub timing: Option<Timing>,
}

/// A replay in time order against the active version: the customer message at which each
/// version first escalates a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// The active version compared with.
    pub against: i32,
    /// Tickets both versions escalate; of them, caught earlier or later by this version, and
    /// by how many customer messages in all.
    pub both: u64,
    pub earlier: u64,
    pub messages_earlier: u64,
    pub later: u64,
    pub messages_later: u64,
    /// Tickets only one of the two escalates.
    pub only_this: u64,
    pub only_active: u64,
}

impl Timing {
    /// Adds one ticket: the message (1-based) where this version and the active one first fire.
    pub fn add(&mut self, this: Option<usize>, active: Option<usize>) {
        match (this, active) {
            (Some(t), Some(a)) => {
                self.both += 1;
                if t < a {
                    self.earlier += 1;
                    self.messages_earlier += (a - t) as u64;
                } else if t > a {
                    self.later += 1;
                    self.messages_later += (t - a) as u64;
                }
            }
            (Some(_), None) => self.only_this += 1,
            (None, Some(_)) => self.only_active += 1,
            (None, None) => {}
        }
    }
}

impl BacktestReport {
    /// Adds one ticket: which rules fired (in `rules` order) and its known label.
    pub fn add(&mut self, fired: &[bool], known: Option<bool>) {
        self.tickets += 1;
        if known.is_some() {
            self.labelled += 1;
        }
        if known == Some(true) {
            self.known_escalations += 1;
        }
        let any = fired.iter().any(|f| *f);
        count(&mut self.total, any, known);
        for (stats, f) in self.rules.iter_mut().zip(fired) {
            count(stats, *f, known);
        }
    }
}

fn count(stats: &mut RuleStats, fired: bool, known: Option<bool>) {
    if fired {
        stats.fired += 1;
    }
    match (fired, known) {
        (true, Some(true)) => stats.true_positives += 1,
        (true, Some(false)) => stats.false_positives += 1,
        (false, Some(true)) => stats.false_negatives += 1,
        _ => {}
    }
}

/// The starter rule set a new installation activates as version 1, so escalation works from the
/// first ticket: legal threats, payment disputes, account security, data loss, cancellation,
/// repeat contact, angry urgent tickets and unhappy VIPs; an SLA-risk rule ships switched off.
/// An admin reads and edits it in `data/starter_rules.json`.
#[cfg(feature = "ssr")]
pub fn starter_rules() -> Vec<Rule> {
    serde_json::from_str(include_str!("../../data/starter_rules.json"))
        .expect("data/starter_rules.json holds a valid rule set (checked by a unit test)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(conditions: Vec<Condition>) -> Rule {
        Rule {
            id: 1,
            name: "Legal".into(),
            enabled: true,
            combine: Combine::Any,
            severity: Severity::High,
            queue: "legal".into(),
            conditions,
        }
    }

    #[test]
    fn timing_counts_who_caught_a_ticket_first_and_by_how_much() {
        let mut t = Timing::default();
        t.add(Some(1), Some(3));
        t.add(Some(2), Some(2));
        t.add(Some(4), Some(1));
        t.add(Some(2), None);
        t.add(None, Some(1));
        t.add(None, None);
        assert_eq!(
            (
                t.both,
                t.earlier,
                t.messages_earlier,
                t.later,
                t.messages_later
            ),
            (3, 1, 2, 1, 3)
        );
        assert_eq!((t.only_this, t.only_active), (1, 1));
    }

    #[test]
    fn validation_names_the_rule_and_the_problem() {
        let ok = rule(vec![Condition::Keywords {
            terms: vec!["lawyer".into()],
        }]);
        assert!(ok.validate().is_ok());
        let err = rule(vec![Condition::RepeatContact {
            tickets: 1,
            days: 7,
        }])
        .validate()
        .unwrap_err();
        assert!(err.contains("Legal") && err.contains("at least 2"), "{err}");
        assert!(rule(vec![]).validate().is_err());
        let bad = rule(vec![Condition::SentimentAtMost { threshold: -3.0 }]);
        assert!(bad.validate().is_err());
    }

    #[test]
    fn backtest_counts_per_rule_and_overall() {
        let mut report = BacktestReport {
            rules: vec![RuleStats::default(), RuleStats::default()],
            ..BacktestReport::default()
        };
        report.add(&[true, false], Some(true));
        report.add(&[true, true], Some(false));
        report.add(&[false, false], Some(true));
        report.add(&[false, true], None);
        assert_eq!(
            (report.tickets, report.labelled, report.known_escalations),
            (4, 3, 2)
        );
        assert_eq!(report.total.fired, 3);
        assert_eq!(report.total.precision(), Some(0.5));
        assert_eq!(report.total.recall(), Some(0.5));
        assert_eq!(report.rules[1].precision(), Some(0.0));
        assert_eq!(report.rules[1].recall(), Some(0.0));
    }

    #[test]
    fn severity_round_trips_through_its_rank() {
        for s in Severity::ALL {
            assert_eq!(Severity::from_rank(s.rank()), *s);
            assert_eq!(Severity::parse(s.as_str()), Some(*s));
        }
        assert!(Severity::Critical > Severity::Low);
    }

    #[test]
    fn rules_serialise_with_a_kind_tag() {
        let json = serde_json::to_value(rule(vec![Condition::Vip])).unwrap();
        assert_eq!(json["conditions"][0]["kind"], "vip");
        assert_eq!(json["severity"], "high");
    }
}
