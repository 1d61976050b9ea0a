//! Server functions of the Rules page; all need the Tuning area (admins).

use super::form::RuleForm;
use super::{RulesOverview, RulesQuery};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "rules")]
pub async fn load_rules(#[server(default)] query: RulesQuery) -> Result<RulesOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    Ok(super::server::overview(&app_state()?.pool, &query).await?)
}

/// Adds a rule to the draft, or replaces the rule with the same id.
#[server(endpoint = "rules/save")]
pub async fn save_rule(form: RuleForm) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::save_rule(&app_state()?.pool, &user, form).await
}

#[server(endpoint = "rules/toggle")]
pub async fn toggle_rule(rule_id: u32) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::toggle_rule(&app_state()?, &user, rule_id).await
}

#[server(endpoint = "rules/delete")]
pub async fn delete_rule(rule_id: u32) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::delete_rule(&app_state()?, &user, rule_id).await
}

/// Makes the draft the active version: every worker compiles it before its next batch.
#[server(endpoint = "rules/activate")]
pub async fn activate_rules(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::activate_rules(&app_state()?.pool, &user, id).await
}

/// Changes the SLA targets of one priority.
#[server(endpoint = "rules/sla")]
pub async fn save_sla(
    priority: String,
    first_response_minutes: i32,
    resolution_minutes: i32,
    next_response_minutes: Option<i32>,
    around_clock: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    let targets = (
        first_response_minutes,
        resolution_minutes,
        next_response_minutes,
    );
    super::server::save_sla(&app_state()?, priority, targets, around_clock).await
}

/// Sets the team's business hours (weekdays, opening times, time zone or UTC offset, holidays
/// as dates, CSV or iCalendar text).
#[server(endpoint = "rules/hours")]
pub async fn save_hours(
    start: String,
    end: String,
    #[server(default)] utc_offset_minutes: i32,
    #[server(default)] time_zone: String,
    #[server(default)] holidays: String,
    #[server(default)] days: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let form = super::hours::HoursForm {
        start,
        end,
        utc_offset_minutes,
        time_zone,
        holidays,
        days,
    };
    super::server::save_hours(&app_state()?, &user, form).await
}
