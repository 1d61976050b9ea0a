//! The global analytics filters (date range, product, channel, category, sentiment), read from and written to the URL so views can be bookmarked.

use super::{Channel, SentimentLabel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days in the default period when the URL names none.
pub const DEFAULT_DAYS: i64 = 30;

/// What every analytics page is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsFilter {
    /// First day of the period (inclusive); None: `DEFAULT_DAYS` before `to`.
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive); None: the newest ticket's day.
    pub to: Option<NaiveDate>,
    pub product: Option<i64>,
    pub channel: Option<Channel>,
    pub category: Option<String>,
    pub sentiment: Option<SentimentLabel>,
}

/// A resolved period and the one of the same length just before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Days in the period, counting both ends.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length ending the day before this one starts.
    pub fn previous(self) -> Period {
        let to = self.from - chrono::Duration::days(1);
        Period {
            from: to - chrono::Duration::days(self.days() - 1),
            to,
        }
    }
}

impl AnalyticsFilter {
    /// Reads the filter from URL parameters, ignoring values that do not parse.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        AnalyticsFilter {
            from: text("from").and_then(|v| v.parse().ok()),
            to: text("to").and_then(|v| v.parse().ok()),
            product: text("product").and_then(|v| v.parse().ok()),
            channel: text("channel").and_then(|v| Channel::parse(&v)),
            category: text("category").map(|v| v.chars().take(200).collect()),
            sentiment: text("sentiment").and_then(|v| SentimentLabel::parse(&v)),
        }
    }

    /// The (key, value) pairs of the URL query for this filter, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("from", self.from.map(|v| v.to_string())),
            ("to", self.to.map(|v| v.to_string())),
            ("product", self.product.map(|v| v.to_string())),
            ("channel", self.channel.map(|v| v.to_string())),
            ("category", self.category.clone()),
            ("sentiment", self.sentiment.map(|v| v.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// The period this filter means, given the newest day with tickets (`latest`). A reversed
    /// range is put the right way round.
    pub fn period(&self, latest: NaiveDate) -> Period {
        let to = self.to.unwrap_or(latest);
        let from = self
            .from
            .unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS - 1));
        Period {
            from: from.min(to),
            to: from.max(to),
        }
    }

    /// Whether anything besides the period narrows the data.
    pub fn narrows(&self) -> bool {
        self.product.is_some()
            || self.channel.is_some()
            || self.category.is_some()
            || self.sentiment.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips_through_url_pairs() {
        let f = AnalyticsFilter {
            from: Some(d("2026-01-01")),
            to: Some(d("2026-01-31")),
            product: Some(3),
            channel: Some(Channel::Chat),
            category: Some("Billing & refunds".into()),
            sentiment: Some(SentimentLabel::Negative),
        };
        let pairs = f.pairs();
        let back = AnalyticsFilter::from_params(|k| {
            pairs.iter().find(|(p, _)| *p == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, f);
        assert!(f.narrows());
        assert!(!AnalyticsFilter::default().narrows());
    }

    #[test]
    fn bad_values_are_ignored_and_the_default_period_is_thirty_days() {
        let f = AnalyticsFilter::from_params(|k| match k {
            "from" => Some("yesterday".into()),
            "channel" => Some("pigeon".into()),
            "product" => Some("x".into()),
            _ => None,
        });
        assert_eq!(f, AnalyticsFilter::default());
        let p = f.period(d("2026-03-31"));
        assert_eq!(
            (p.from, p.to, p.days()),
            (d("2026-03-02"), d("2026-03-31"), 30)
        );
        let before = p.previous();
        assert_eq!((before.from, before.to), (d("2026-01-31"), d("2026-03-01")));
    }

    #[test]
    fn a_reversed_range_is_turned_round() {
        let f = AnalyticsFilter {
            from: Some(d("2026-02-10")),
            to: Some(d("2026-02-01")),
            ..Default::default()
        };
        let p = f.period(d("2026-12-31"));
        assert_eq!(
            (p.from, p.to, p.days()),
            (d("2026-02-01"), d("2026-02-10"), 10)
        );
    }
}
