//! The rule editor's flat form, and turning it into a `Rule` (and back, to prefill an edit).

use crate::domain::rules::{Combine, Condition, Rule, Severity};
use crate::domain::Priority;
use serde::{Deserialize, Serialize};

/// Every field of the rule form; an empty field adds no condition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub rule_id: Option<u32>,
    pub name: String,
    pub severity: String,
    pub queue: String,
    pub combine: String,
    pub enabled: Option<String>,
    pub keywords: String,
    pub regexes: String,
    pub sentiment_at_most: String,
    pub prio_low: Option<String>,
    pub prio_medium: Option<String>,
    pub prio_high: Option<String>,
    pub prio_urgent: Option<String>,
    pub repeat_tickets: String,
    pub repeat_days: String,
    pub sla_percent: String,
    pub vip: Option<String>,
    pub sentiment_drop: String,
    pub unanswered: String,
    pub next_response_percent: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| format!("{what}: \"{text}\" is not a number."))
}

impl RuleForm {
    /// The rule this form describes, with `id`; regexes are checked later, when compiled.
    pub fn to_rule(&self, id: u32) -> Result<Rule, String> {
        let mut conditions = Vec::new();
        let terms = lines(&self.keywords);
        if !terms.is_empty() {
            conditions.push(Condition::Keywords { terms });
        }
        let patterns = lines(&self.regexes);
        if !patterns.is_empty() {
            conditions.push(Condition::Regex { patterns });
        }
        if let Some(threshold) = number::<f32>(&self.sentiment_at_most, "Sentiment threshold")? {
            conditions.push(Condition::SentimentAtMost { threshold });
        }
        let priorities: Vec<Priority> = [
            (&self.prio_low, Priority::Low),
            (&self.prio_medium, Priority::Medium),
            (&self.prio_high, Priority::High),
            (&self.prio_urgent, Priority::Urgent),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, p)| p)
        .collect();
        if !priorities.is_empty() {
            conditions.push(Condition::PriorityIn { priorities });
        }
        let tickets = number::<u32>(&self.repeat_tickets, "Repeat contact tickets")?;
        let days = number::<u32>(&self.repeat_days, "Repeat contact days")?;
        match (tickets, days) {
            (Some(tickets), Some(days)) => {
                conditions.push(Condition::RepeatContact { tickets, days })
            }
            (None, None) => {}
            _ => return Err("Repeat contact needs both a number of tickets and of days.".into()),
        }
        if let Some(percent) = number::<u32>(&self.sla_percent, "SLA risk")? {
            conditions.push(Condition::SlaRisk { percent });
        }
        if self.vip.is_some() {
            conditions.push(Condition::Vip);
        }
        if let Some(by) = number::<f32>(&self.sentiment_drop, "Sentiment drop")? {
            conditions.push(Condition::SentimentDrop { by });
        }
        if let Some(messages) = number::<u32>(&self.unanswered, "Unanswered messages")? {
            conditions.push(Condition::Unanswered { messages });
        }
        let next = number::<u32>(&self.next_response_percent, "Next-response SLA risk")?;
        if let Some(percent) = next {
            conditions.push(Condition::NextResponseRisk { percent });
        }
        let rule = Rule {
            id,
            name: self.name.trim().to_string(),
            enabled: self.enabled.is_some(),
            combine: if self.combine == "all" {
                Combine::All
            } else {
                Combine::Any
            },
            severity: Severity::parse(&self.severity).ok_or("Pick a severity.")?,
            queue: self.queue.trim().to_ascii_lowercase(),
            conditions,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// The form prefilled from a rule, for editing.
    pub fn from_rule(rule: &Rule) -> Self {
        let on = |p: Priority| {
            rule.conditions.iter().any(|c| matches!(c, Condition::PriorityIn { priorities } if priorities.contains(&p))).then(|| "on".to_string())
        };
        let mut form = RuleForm {
            rule_id: Some(rule.id),
            name: rule.name.clone(),
            severity: rule.severity.as_str().into(),
            queue: rule.queue.clone(),
            combine: if rule.combine == Combine::All {
                "all"
            } else {
                "any"
            }
            .into(),
            enabled: rule.enabled.then(|| "on".into()),
            prio_low: on(Priority::Low),
            prio_medium: on(Priority::Medium),
            prio_high: on(Priority::High),
            prio_urgent: on(Priority::Urgent),
            ..RuleForm::default()
        };
        for c in &rule.conditions {
            match c {
                Condition::Keywords { terms } => form.keywords = terms.join("\n"),
                Condition::Regex { patterns } => form.regexes = patterns.join("\n"),
                Condition::SentimentAtMost { threshold } => {
                    form.sentiment_at_most = threshold.to_string()
                }
                Condition::RepeatContact { tickets, days } => {
                    form.repeat_tickets = tickets.to_string();
                    form.repeat_days = days.to_string();
                }
                Condition::SlaRisk { percent } => form.sla_percent = percent.to_string(),
                Condition::Vip => form.vip = Some("on".into()),
                Condition::SentimentDrop { by } => form.sentiment_drop = by.to_string(),
                Condition::Unanswered { messages } => form.unanswered = messages.to_string(),
                Condition::NextResponseRisk { percent } => {
                    form.next_response_percent = percent.to_string()
                }
                Condition::PriorityIn { .. } => {}
            }
        }
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RuleForm {
        RuleForm {
            name: "Refund anger".into(),
            severity: "high".into(),
            queue: "Billing".into(),
            combine: "all".into(),
            enabled: Some("on".into()),
            keywords: "refund\n\n  money back \n".into(),
            sentiment_at_most: "-0.4".into(),
            prio_urgent: Some("on".into()),
            repeat_tickets: "3".into(),
            repeat_days: "7".into(),
            ..RuleForm::default()
        }
    }

    #[test]
    fn a_filled_form_becomes_a_rule_and_back() {
        let rule = form().to_rule(4).unwrap();
        assert_eq!(rule.queue, "billing");
        assert_eq!(rule.combine, Combine::All);
        assert_eq!(
            rule.conditions[0],
            Condition::Keywords {
                terms: vec!["refund".into(), "money back".into()]
            }
        );
        assert_eq!(rule.conditions.len(), 4);
        let again = RuleForm::from_rule(&rule).to_rule(4).unwrap();
        assert_eq!(again, rule);
    }

    #[test]
    fn half_filled_or_garbled_fields_are_refused() {
        let mut f = form();
        f.repeat_days.clear();
        assert!(f.to_rule(1).unwrap_err().contains("both"));
        let mut f = form();
        f.sentiment_at_most = "very".into();
        assert!(f.to_rule(1).unwrap_err().contains("not a number"));
        let empty = RuleForm {
            name: "x".into(),
            severity: "low".into(),
            queue: "q".into(),
            ..RuleForm::default()
        };
        assert!(empty.to_rule(1).unwrap_err().contains("no conditions"));
    }
}
