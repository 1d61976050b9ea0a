//! Server side of the Rules page: loading versions, live tests, backtests, editing the draft.

use super::form::RuleForm;
use super::hours::HoursForm;
use super::{HoursView, LiveTest, RulesOverview, RulesQuery, SlaRow, VersionView};
use crate::domain::escalation::highlight;
use crate::domain::role::CurrentUser;
use crate::domain::rules::{BacktestReport, Rule, RuleStats, Timing};
use crate::domain::Priority;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::escalation_facts::FactRow;
use crate::server::db::rules::RuleVersionRow;
use crate::server::db::sla::{PolicyRow, SlaSettings};
use crate::server::jobs::escalate::{facts, facts_at};
use crate::server::pipeline::escalation::{CompiledRules, TicketFacts};
use crate::server::pipeline::sentiment::lexicon;
use crate::server::state::AppState;
use sqlx::PgPool;

/// Most tickets a backtest reads; the report says when the period was cut short.
pub const BACKTEST_LIMIT: i64 = 50_000;

fn view(row: RuleVersionRow) -> VersionView {
    VersionView {
        id: row.id,
        version: row.version,
        status: row.status,
        note: row.note,
        rules: row.rules.0,
        author: row.author,
        created_at: row.created_at,
        activated_at: row.activated_at,
    }
}

pub async fn overview(pool: &PgPool, q: &RulesQuery) -> anyhow::Result<RulesOverview> {
    let versions: Vec<VersionView> = db::rules::list(pool).await?.into_iter().map(view).collect();
    let current = versions
        .iter()
        .find(|v| v.status == "draft")
        .or_else(|| versions.iter().find(|v| v.status == "active"))
        .cloned();
    let sla = db::sla::settings(pool).await?;
    let test = match (&current, live_input(q)) {
        (Some(v), true) => Some(live_test(pool, v, q, &sla).await?),
        _ => None,
    };
    let active = versions.iter().find(|v| v.status == "active");
    let backtest = match (&current, q.backtest_days) {
        (Some(v), Some(days)) => {
            let against = active.map(|a| (a.version, a.rules.as_slice()));
            Some(backtest(pool, (v.version, &v.rules), against, days, &sla).await?)
        }
        _ => None,
    };
    let hours = sla.hours;
    Ok(RulesOverview {
        active_version: versions
            .iter()
            .find(|v| v.status == "active")
            .map(|v| v.version),
        current,
        versions,
        sla: db::sla::list(pool)
            .await?
            .into_iter()
            .map(|r| SlaRow {
                priority: r.priority,
                first_response_minutes: r.first_response_minutes,
                resolution_minutes: r.resolution_minutes,
                next_response_minutes: r.next_response_minutes,
                around_clock: r.around_clock,
            })
            .collect(),
        hours: HoursView::of(&hours, true),
        test,
        backtest,
    })
}

fn live_input(q: &RulesQuery) -> bool {
    q.test_ticket.is_some() || q.test_text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

/// Runs a version's enabled rules on a stored ticket or on pasted text.
async fn live_test(
    pool: &PgPool,
    v: &VersionView,
    q: &RulesQuery,
    sla: &SlaSettings,
) -> anyhow::Result<Result<LiveTest, String>> {
    let rules = match CompiledRules::compile(v.version, &v.rules) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let given_sentiment = q
        .test_sentiment
        .as_deref()
        .and_then(|s| s.trim().parse::<f32>().ok())
        .map(|s| s.clamp(-1.0, 1.0));
    let (text, decision) = if let Some(id) = q.test_ticket {
        let windows: Vec<i32> = rules.repeat_windows().iter().map(|d| *d as i32).collect();
        let Some(row) = db::escalation_facts::of_tickets(pool, &[id], &windows)
            .await?
            .pop()
        else {
            return Ok(Err(format!("There is no ticket #{id}.")));
        };
        let text = row.text();
        let d = rules.decide(&facts(&row, &text, &rules, sla, given_sentiment));
        (text, d)
    } else {
        let text = q.test_text.clone().unwrap_or_default();
        let sentiment = given_sentiment.unwrap_or_else(|| lexicon::sentiment(&text).score);
        let priority = q
            .test_priority
            .as_deref()
            .and_then(Priority::parse)
            .unwrap_or(Priority::Medium);
        let d = rules.decide(&TicketFacts {
            text: &text,
            priority,
            sentiment: Some(sentiment),
            first_sentiment: Some(sentiment),
            unanswered: 1,
            next_response_used: None,
            vip: false,
            repeat: Vec::new(),
            sla_used: None,
        });
        (text, d)
    };
    Ok(Ok(LiveTest {
        pieces: highlight(&text, &decision.spans()),
        decision,
        ticket_id: q.test_ticket,
    }))
}

/// The customer message (1-based) at which `rules` first escalate `row`, replaying its
/// conversation in time order, and which rules fire at any point.
fn replay(row: &FactRow, rules: &CompiledRules, sla: &SlaSettings) -> (Option<usize>, Vec<bool>) {
    let mut first = None;
    let mut fired = vec![false; rules.rules().len()];
    for k in 1..=row.customer_messages() {
        let then = row.as_of(k);
        let text = then.text();
        let now = facts_at(&then, &text, rules, sla, None, row.written_at(k));
        let at_k = rules.fired_rules(&now);
        if first.is_none() && at_k.iter().any(|f| *f) {
            first = Some(k);
        }
        for (any, f) in fired.iter_mut().zip(at_k) {
            *any |= f;
        }
    }
    (first, fired)
}

/// What rules `version` would have done over the last `days` days of stored tickets, replaying
/// each conversation message by message; with `against` (the active version), when each
/// version would have escalated each ticket.
pub async fn backtest(
    pool: &PgPool,
    (version, rules): (i32, &[Rule]),
    against: Option<(i32, &[Rule])>,
    days: i32,
    sla: &SlaSettings,
) -> anyhow::Result<Result<BacktestReport, String>> {
    if !(1..=3650).contains(&days) {
        return Ok(Err("Backtest 1 to 3,650 days.".into()));
    }
    let compiled = match CompiledRules::compile(version, rules) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e.to_string())),
    };
    // The active version passed its checks when it was activated.
    let active = against.and_then(|(v, rules)| CompiledRules::compile(v, rules).ok());
    let mut windows: Vec<i32> = compiled
        .repeat_windows()
        .iter()
        .chain(active.iter().flat_map(|a| a.repeat_windows()))
        .map(|d| *d as i32)
        .collect();
    windows.sort_unstable();
    windows.dedup();
    let rows = db::escalation_facts::recent(pool, days, &windows, BACKTEST_LIMIT).await?;
    let mut report = BacktestReport {
        version,
        days,
        truncated: rows.len() as i64 >= BACKTEST_LIMIT,
        rules: compiled
            .rules()
            .iter()
            .map(|r| RuleStats {
                rule_id: r.id,
                name: r.name.clone(),
                ..RuleStats::default()
            })
            .collect(),
        timing: active.as_ref().map(|a| Timing {
            against: a.version,
            ..Timing::default()
        }),
        ..BacktestReport::default()
    };
    for row in &rows {
        let (first, fired) = replay(row, &compiled, sla);
        report.add(&fired, row.known);
        if first.is_some_and(|k| k > 1) {
            report.caught_at_follow_up += 1;
        }
        if let (Some(timing), Some(active)) = (report.timing.as_mut(), active.as_ref()) {
            timing.add(first, replay(row, active, sla).0);
        }
    }
    Ok(Ok(report))
}

/// Applies `change` to the draft's rules (creating the draft from the active version first),
/// checks that the result compiles, and saves it. Returns the draft's version number.
pub async fn edit_draft(
    pool: &PgPool,
    user_id: i64,
    change: impl FnOnce(&mut Vec<Rule>) -> Result<(), String>,
) -> anyhow::Result<Result<i32, String>> {
    let draft = db::rules::ensure_draft(pool, user_id).await?;
    let mut rules = draft.rules.0.clone();
    if let Err(e) = change(&mut rules) {
        return Ok(Err(e));
    }
    if let Err(e) = CompiledRules::check(&rules) {
        return Ok(Err(e.to_string()));
    }
    if !db::rules::save_draft(pool, draft.id, &rules, &draft.note).await? {
        return Ok(Err("The draft was activated meanwhile; edit again.".into()));
    }
    Ok(Ok(draft.version))
}

/// The next free rule id in a list.
pub fn next_id(rules: &[Rule]) -> u32 {
    rules.iter().map(|r| r.id).max().unwrap_or(0) + 1
}

/// Adds a rule to the draft, or replaces the rule with the same id.
pub async fn save_rule(pool: &PgPool, user: &CurrentUser, form: RuleForm) -> Result<(), AppError> {
    let outcome = edit_draft(pool, user.id, |rules| {
        let id = form.rule_id.filter(|id| rules.iter().any(|r| r.id == *id));
        let rule = form.to_rule(id.unwrap_or_else(|| next_id(rules)))?;
        match rules.iter_mut().find(|r| Some(r.id) == id) {
            Some(old) => *old = rule,
            None => rules.push(rule),
        }
        Ok(())
    })
    .await?;
    finish(outcome, &format!("Saved rule \"{}\"", form.name.trim()))
}

/// Switches a rule of the draft version on or off.
pub async fn toggle_rule(
    state: &AppState,
    user: &CurrentUser,
    rule_id: u32,
) -> Result<(), AppError> {
    let outcome = edit_draft(&state.pool, user.id, |rules| {
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

/// Removes a rule from the draft version.
pub async fn delete_rule(
    state: &AppState,
    user: &CurrentUser,
    rule_id: u32,
) -> Result<(), AppError> {
    let outcome = edit_draft(&state.pool, user.id, |rules| {
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
pub async fn activate_rules(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<(), AppError> {
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

/// Changes the SLA targets (first response, resolution, next response; the next-response target
/// is the first-response one when not given) of one priority.
pub async fn save_sla(
    state: &AppState,
    priority: String,
    (first_response_minutes, resolution_minutes, next_response_minutes): (i32, i32, Option<i32>),
    around_clock: Option<String>,
) -> Result<(), AppError> {
    let next_response_minutes = next_response_minutes.unwrap_or(first_response_minutes);
    if first_response_minutes <= 0
        || next_response_minutes <= 0
        || resolution_minutes < first_response_minutes
    {
        return Err(AppError::Invalid(
            "Targets must be positive, and resolution no sooner than first response.".into(),
        )
        .respond());
    }
    let row = PolicyRow {
        priority,
        first_response_minutes,
        resolution_minutes,
        next_response_minutes,
        around_clock: around_clock.is_some(),
    };
    if !db::sla::update(&state.pool, &row).await? {
        return Err(AppError::NotFound.respond());
    }
    redirect_ok(&format!("SLA for {} saved.", row.priority));
    Ok(())
}

/// Sets the team's business hours (weekdays, opening times, zone, holidays).
pub async fn save_hours(
    state: &AppState,
    user: &CurrentUser,
    form: HoursForm,
) -> Result<(), AppError> {
    let hours = form.parse()?;
    db::app_settings::set(&state.pool, db::sla::BUSINESS_HOURS, &hours, Some(user.id)).await?;
    redirect_ok("Business hours saved.");
    Ok(())
}

fn finish(outcome: Result<i32, String>, done: &str) -> Result<(), AppError> {
    match outcome {
        Ok(version) => {
            redirect_ok(&format!("{done} in draft version {version}."));
            Ok(())
        }
        Err(e) => Err(AppError::Invalid(e).respond()),
    }
}

pub fn redirect_ok(message: &str) {
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    leptos_axum::redirect(&format!(
        "/rules?ok={}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
