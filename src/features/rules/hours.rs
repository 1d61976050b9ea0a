//! Business hours as a form sends them and as a page shows them, for the team (Rules page) and for a queue with its own (Team page).

use super::HoursView;
use crate::domain::calendar::{parse_holidays, recurring_window};
use crate::domain::sla::BusinessHours;
use crate::error::AppError;

/// The business hours form as sent.
pub struct HoursForm {
    pub start: String,
    pub end: String,
    pub utc_offset_minutes: i32,
    pub time_zone: String,
    pub holidays: String,
    pub days: Vec<String>,
}

impl HoursForm {
    /// The hours, or one sentence saying what is wrong.
    pub fn parse(&self) -> Result<BusinessHours, AppError> {
        let minute = |t: &str| {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h <= 24 && m < 60).then_some(h * 60 + m)
        };
        let mut on = [false; 7];
        for d in &self.days {
            if let Some(slot) = d.parse::<usize>().ok().and_then(|i| on.get_mut(i)) {
                *slot = true;
            }
        }
        let time_zone = self.time_zone.trim().to_string();
        if !time_zone.is_empty() && crate::server::db::sla::zone(&time_zone).is_none() {
            return Err(AppError::Invalid(format!(
                "{time_zone:?} is not an IANA time zone (such as Europe/Berlin or America/New_York)."
            ))
            .respond());
        }
        let today = chrono::Utc::now().date_naive();
        let holidays = parse_holidays(&self.holidays, &recurring_window(today))
            .map_err(|e| AppError::Invalid(format!("Holidays: {e}.")).respond())?;
        let hours = BusinessHours {
            utc_offset_minutes: self.utc_offset_minutes,
            time_zone,
            days: on,
            start_minute: minute(&self.start).unwrap_or(u32::MAX),
            end_minute: minute(&self.end).unwrap_or(0),
            holidays,
        };
        if !hours.is_valid() {
            return Err(AppError::Invalid(
                "Business hours need a working day, HH:MM times with the start before the end, and an offset within ±14 h.".into(),
            )
            .respond());
        }
        Ok(hours)
    }
}

fn minutes_text(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

impl HoursView {
    /// The hours as the form shows them; `zones` adds every IANA zone name for suggestions.
    pub fn of(hours: &BusinessHours, zones: bool) -> Self {
        HoursView {
            utc_offset_minutes: hours.utc_offset_minutes,
            time_zone: hours.time_zone.clone(),
            days: hours.days,
            start: minutes_text(hours.start_minute),
            end: minutes_text(hours.end_minute),
            holidays: hours
                .holidays
                .iter()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            zones: if zones { all_zones() } else { Vec::new() },
        }
    }
}

/// Every IANA zone name.
pub fn all_zones() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name().to_string())
        .collect()
}
