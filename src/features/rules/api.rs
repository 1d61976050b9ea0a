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
    let pool = &app_state()?.pool;
    let outcome = super::server::edit_draft(pool, user.id, |rules| {
        let id = form.rule_id.filter(|id| rules.iter().any(|r| r.id == *id));
        let rule = form.to_rule(id.unwrap_or_else(|| super::server::next_id(rules)))?;
        match rules.iter_mut().find(|r| Some(r.id) == id) {
            Some(old) => *old = rule,
            None => rules.push(rule),
        }
        Ok(())
    })
    .await?;
    finish(outcome, &format!("Saved rule \"{}\"", form.name.trim()))
}

#[server(endpoint = "rules/toggle")]
pub async fn toggle_rule(rule_id: u32) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let outcome = super::server::edit_draft(&app_state()?.pool, user.id, |rules| {
        let rule = rules
            .iter_mut()
            .find(|r| r.id == rule_id)
            .ok_or("No such rule.")?;
        rule.enabled = !rule.enabled;
        Ok(())
    })
    .await?;
    finish(outcome, "Rule switched")
}

#[server(endpoint = "rules/delete")]
pub async fn delete_rule(rule_id: u32) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let outcome = super::server::edit_draft(&app_state()?.pool, user.id, |rules| {
        let before = rules.len();
        rules.retain(|r| r.id != rule_id);
        if rules.len() == before {
            return Err("No such rule.".into());
        }
        Ok(())
    })
    .await?;
    finish(outcome, "Rule deleted")
}

/// Makes the draft the active version: every worker compiles it before its next batch.
#[server(endpoint = "rules/activate")]
pub async fn activate_rules(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let pool = &app_state()?.pool;
    let Some(row) = db::rules::get(pool, id).await? else {
        return Err(AppError::NotFound.respond());
    };
    if let Err(e) = crate::server::pipeline::escalation::CompiledRules::check(&row.rules.0) {
        return Err(AppError::Invalid(e.to_string()).respond());
    }
    match db::rules::activate(pool, id, user.id).await? {
        Some(version) => {
            tracing::info!(admin = %user.email, version, "rule version activated");
            redirect_ok(&format!("Version {version} is now active."));
            Ok(())
        }
        None => Err(AppError::Invalid("Only the draft can be activated.".into()).respond()),
    }
}

/// Changes the SLA targets of one priority.
#[server(endpoint = "rules/sla")]
pub async fn save_sla(
    priority: String,
    first_response_minutes: i32,
    resolution_minutes: i32,
    around_clock: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, db::sla::PolicyRow, state::app_state};
    auth::require(Area::Tuning)?;
    if first_response_minutes <= 0 || resolution_minutes < first_response_minutes {
        return Err(AppError::Invalid(
            "Targets must be positive, and resolution no sooner than first response.".into(),
        )
        .respond());
    }
    let row = PolicyRow {
        priority,
        first_response_minutes,
        resolution_minutes,
        around_clock: around_clock.is_some(),
    };
    if !db::sla::update(&app_state()?.pool, &row).await? {
        return Err(AppError::NotFound.respond());
    }
    redirect_ok(&format!("SLA for {} saved.", row.priority));
    Ok(())
}

/// Sets the team's business hours (weekdays, opening times, UTC offset).
#[server(endpoint = "rules/hours")]
pub async fn save_hours(
    start: String,
    end: String,
    utc_offset_minutes: i32,
    #[server(default)] days: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::domain::sla::BusinessHours;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let minute = |t: &str| {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60).then_some(h * 60 + m)
    };
    let mut on = [false; 7];
    for d in &days {
        if let Some(slot) = d.parse::<usize>().ok().and_then(|i| on.get_mut(i)) {
            *slot = true;
        }
    }
    let hours = BusinessHours {
        utc_offset_minutes,
        days: on,
        start_minute: minute(&start).unwrap_or(u32::MAX),
        end_minute: minute(&end).unwrap_or(0),
    };
    if !hours.is_valid() {
        return Err(AppError::Invalid(
            "Business hours need a working day, HH:MM times with the start before the end, and an offset within ±14 h.".into(),
        ).respond());
    }
    db::app_settings::set(
        &app_state()?.pool,
        db::sla::BUSINESS_HOURS,
        &hours,
        Some(user.id),
    )
    .await?;
    redirect_ok("Business hours saved.");
    Ok(())
}

#[cfg(feature = "ssr")]
fn finish(outcome: Result<i32, String>, done: &str) -> Result<(), AppError> {
    match outcome {
        Ok(version) => {
            redirect_ok(&format!("{done} in draft version {version}."));
            Ok(())
        }
        Err(e) => Err(AppError::Invalid(e).respond()),
    }
}

#[cfg(feature = "ssr")]
fn redirect_ok(message: &str) {
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    leptos_axum::redirect(&format!(
        "/rules?ok={}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
