//! SQL for SLA policies per priority and the team's business hours.

use crate::domain::calendar::Calendar;
use crate::domain::sla::{BusinessHours, SlaPolicy};
use sqlx::{FromRow, PgExecutor};
use std::collections::HashMap;

pub const BUSINESS_HOURS: &str = "sla.business_hours";

#[derive(Debug, Clone, FromRow)]
pub struct PolicyRow {
    pub priority: String,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
    pub next_response_minutes: i32,
    pub around_clock: bool,
}

impl PolicyRow {
    pub fn policy(&self) -> SlaPolicy {
        SlaPolicy {
            first_response_minutes: self.first_response_minutes.into(),
            resolution_minutes: self.resolution_minutes.into(),
            next_response_minutes: self.next_response_minutes.into(),
            around_clock: self.around_clock,
        }
    }
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PolicyRow>> {
    sqlx::query_as(
        "SELECT priority, first_response_minutes, resolution_minutes, next_response_minutes,
                around_clock
         FROM sla_policies
         ORDER BY CASE priority WHEN 'urgent' THEN 1 WHEN 'high' THEN 2 WHEN 'medium' THEN 3 ELSE 4 END",
    )
    .fetch_all(db)
    .await
}

pub async fn update(db: impl PgExecutor<'_>, row: &PolicyRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sla_policies SET first_response_minutes = $2, resolution_minutes = $3,
                                 around_clock = $4, next_response_minutes = $5, updated_at = now()
         WHERE priority = $1",
    )
    .bind(&row.priority)
    .bind(row.first_response_minutes)
    .bind(row.resolution_minutes)
    .bind(row.around_clock)
    .bind(row.next_response_minutes)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The SLA clock settings: policies by priority name, and business hours in their zone.
#[derive(Debug, Clone, Default)]
pub struct SlaSettings {
    pub policies: HashMap<String, SlaPolicy>,
    pub hours: BusinessHours,
    /// The named zone of the hours, when they name one that exists.
    pub zone: Option<chrono_tz::Tz>,
    /// Queues with hours of their own, and their zones.
    pub queues: HashMap<String, (BusinessHours, Option<chrono_tz::Tz>)>,
}

impl SlaSettings {
    pub fn new(policies: HashMap<String, SlaPolicy>, hours: BusinessHours) -> Self {
        let zone = zone(&hours.time_zone);
        SlaSettings {
            policies,
            hours,
            zone,
            queues: HashMap::new(),
        }
    }

    /// These settings with the queues that keep hours of their own.
    pub fn with_queues(
        mut self,
        queues: impl IntoIterator<Item = (String, BusinessHours)>,
    ) -> Self {
        self.queues = queues
            .into_iter()
            .map(|(name, hours)| {
                let zone = zone(&hours.time_zone);
                (name, (hours, zone))
            })
            .collect();
        self
    }

    /// The team's calendar: the rules' SLA-risk conditions read it.
    pub fn calendar(&self) -> Calendar<'_> {
        calendar(&self.hours, self.zone.as_ref())
    }

    /// The calendar an escalation in `queue` counts its SLA clocks in: the queue's own hours, or
    /// the team's.
    pub fn calendar_for(&self, queue: &str) -> Calendar<'_> {
        match self.queues.get(queue) {
            Some((hours, zone)) => calendar(hours, zone.as_ref()),
            None => self.calendar(),
        }
    }

    /// The policy for a priority; a day to answer and three to resolve when none is stored.
    pub fn policy(&self, priority: &str) -> SlaPolicy {
        self.policies.get(priority).copied().unwrap_or(SlaPolicy {
            first_response_minutes: 1440,
            resolution_minutes: 4320,
            next_response_minutes: 1440,
            around_clock: false,
        })
    }
}

pub async fn settings(pool: &sqlx::PgPool) -> sqlx::Result<SlaSettings> {
    let policies = list(pool)
        .await?
        .iter()
        .map(|r| (r.priority.clone(), r.policy()))
        .collect();
    let hours = super::app_settings::get(pool, BUSINESS_HOURS)
        .await?
        .unwrap_or_default();
    let queues = super::queues::own_hours(pool).await?;
    Ok(SlaSettings::new(policies, hours).with_queues(queues))
}

fn calendar<'a>(hours: &'a BusinessHours, zone: Option<&'a chrono_tz::Tz>) -> Calendar<'a> {
    match zone {
        Some(zone) => Calendar::in_zone(hours, zone),
        None => Calendar::fixed(hours),
    }
}

/// An IANA zone by name (`Europe/Berlin`); `None` for an empty or unknown name.
pub fn zone(name: &str) -> Option<chrono_tz::Tz> {
    let name = name.trim();
    (!name.is_empty()).then(|| name.parse().ok()).flatten()
}
