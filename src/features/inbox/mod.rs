//! The escalation inbox (agents): escalated tickets by SLA due time with filters and counts, and each ticket's escalation panel with claim, assign, notes, reply and resolve.

pub mod api;
pub mod page;
pub mod panel;
#[cfg(feature = "ssr")]
pub mod server;
pub mod views;
#[cfg(feature = "ssr")]
pub mod working;

pub use crate::domain::inbox::*;

use chrono::{DateTime, Utc};

/// "3 h 20 min left" or "breached 2 d 4 h ago".
pub fn time_left(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (due - now).num_minutes();
    let span = |m: i64| {
        let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
        match (d, h) {
            (0, 0) => format!("{min} min"),
            (0, _) => format!("{h} h {min} min"),
            _ => format!("{d} d {h} h"),
        }
    };
    if minutes >= 0 {
        format!("{} left", span(minutes))
    } else {
        format!("breached {} ago", span(-minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::time_left;
    use chrono::{Duration, Utc};

    #[test]
    fn time_left_reads_naturally() {
        let now = Utc::now();
        assert_eq!(
            time_left(now + Duration::minutes(200), now),
            "3 h 20 min left"
        );
        assert_eq!(
            time_left(now - Duration::minutes(3000), now),
            "breached 2 d 2 h ago"
        );
        assert_eq!(time_left(now + Duration::seconds(30), now), "0 min left");
    }
}
