//! Rules page view: the draft's rules, the rule editor, live test, backtest, versions, SLA settings.

use super::api::{load_rules, ActivateRules, DeleteRule, SaveRule, ToggleRule};
use super::form::RuleForm;
use super::{RulesOverview, RulesQuery, VersionView};
use crate::components::{action_error, fmt_opt_time, fmt_time, loaded, textarea_text, Badge};
use crate::domain::rules::{Combine, Rule, Severity};
use crate::domain::Priority;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RulesPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        RulesQuery {
            test_text: text("test_text"),
            test_ticket: text("test_ticket").and_then(|v| v.trim().parse().ok()),
            test_priority: text("test_priority"),
            test_sentiment: text("test_sentiment"),
            backtest_days: text("backtest_days").and_then(|v| v.trim().parse().ok()),
        }
    };
    // The `at` stamp of a redirect after an edit reloads the page's data.
    let data = Resource::new(
        move || (params(), query.read().get("at")),
        |(p, _)| load_rules(p),
    );
    let edit = move || query.read().get("edit").and_then(|v| v.parse::<u32>().ok());
    view! {
        <h1>"Escalation rules"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || query.read().get("error").map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(data, "Loading rules…", move |r| view! { <Rules r edit=edit()/> })}
    }
}

#[component]
fn Rules(r: RulesOverview, edit: Option<u32>) -> impl IntoView {
    let activate = ServerAction::<ActivateRules>::new();
    let current = r.current.clone();
    let editing = edit.and_then(|id| {
        current
            .as_ref()
            .and_then(|v| v.rules.iter().find(|rule| rule.id == id))
            .map(RuleForm::from_rule)
    });
    let header = current.clone().map(|v| {
        let is_draft = v.status == "draft";
        let title = if is_draft {
            format!("Draft version {} (not active yet)", v.version)
        } else {
            format!("Active version {}", v.version)
        };
        view! {
            <h2 data-testid="current-version">{title}</h2>
            {is_draft.then(|| view! {
                <p class="muted">{match r.active_version {
                    Some(a) => format!("Version {a} stays active until you activate this draft. Backtest it first."),
                    None => "No version is active yet.".into(),
                }}</p>
                <ActionForm action=activate attr:class="form row">
                    <input type="hidden" name="id" value=v.id/>
                    <button type="submit">{format!("Activate version {}", v.version)}</button>
                </ActionForm>
                {action_error(activate.value())}
            })}
            {(!is_draft).then(|| view! { <p class="muted">"Any change creates a draft copy of this version; it runs only once activated."</p> })}
        }
    });
    let rules = current.map(|v| v.rules).unwrap_or_default();
    view! {
        <section>
            {header}
            <RuleTable rules/>
        </section>
        <RuleEditor form=editing/>
        <super::checks::LiveTestSection test=r.test.clone()/>
        <super::checks::BacktestSection report=r.backtest.clone()/>
        <Versions versions=r.versions.clone()/>
        <super::sla::SlaSection sla=r.sla.clone() hours=r.hours.clone()/>
    }
}

fn describe(rule: &Rule) -> String {
    let join = if rule.combine == Combine::All {
        " AND "
    } else {
        " OR "
    };
    rule.conditions
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join(join)
}

#[component]
fn RuleTable(rules: Vec<Rule>) -> impl IntoView {
    let toggle = ServerAction::<ToggleRule>::new();
    let delete = ServerAction::<DeleteRule>::new();
    let rows = rules
        .into_iter()
        .map(|rule| {
            let id = rule.id;
            view! {
                <tr class:disabled=!rule.enabled>
                    <td><strong>{rule.name.clone()}</strong></td>
                    <td>{describe(&rule)}</td>
                    <td><Badge kind=format!("severity-{}", rule.severity.as_str()) text=rule.severity.as_str()/></td>
                    <td>{rule.queue.clone()}</td>
                    <td>{if rule.enabled { "on" } else { "off" }}</td>
                    <td class="actions">
                        <a href=format!("/rules?edit={id}#editor")>"Edit"</a>
                        <ActionForm action=toggle attr:class="inline">
                            <input type="hidden" name="rule_id" value=id/>
                            <button type="submit" class="link">{if rule.enabled { "Switch off" } else { "Switch on" }}</button>
                        </ActionForm>
                        <ActionForm action=delete attr:class="inline">
                            <input type="hidden" name="rule_id" value=id/>
                            <button type="submit" class="link">"Delete"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="rules">
            <thead><tr><th>"Rule"</th><th>"When"</th><th>"Severity"</th><th>"Queue"</th><th>"On"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {action_error(toggle.value())}
        {action_error(delete.value())}
    }
}

#[component]
fn RuleEditor(form: Option<RuleForm>) -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    let is_edit = form.is_some();
    let f = form.unwrap_or_else(|| RuleForm {
        enabled: Some("on".into()),
        severity: "medium".into(),
        combine: "any".into(),
        ..RuleForm::default()
    });
    let severity = f.severity.clone();
    let checked = |v: &Option<String>| v.is_some();
    let prio = [
        (Priority::Low, checked(&f.prio_low)),
        (Priority::Medium, checked(&f.prio_medium)),
        (Priority::High, checked(&f.prio_high)),
        (Priority::Urgent, checked(&f.prio_urgent)),
    ]
    .into_iter()
    .map(|(p, on)| view! {
        <label class="check"><input type="checkbox" name=format!("form[prio_{}]", p.as_str()) checked=on/>{p.as_str()}</label>
    })
    .collect_view();
    view! {
        <section class="card" id="editor">
            <h2>{if is_edit { format!("Edit rule \"{}\"", f.name) } else { "Add a rule".into() }}</h2>
            <ActionForm action=save attr:class="form">
                {f.rule_id.map(|id| view! { <input type="hidden" name="form[rule_id]" value=id/> })}
                <div class="row">
                    <label>"Name" <input type="text" name="form[name]" value=f.name.clone() required/></label>
                    <label>"Severity"
                        <select name="form[severity]">
                            {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=s.as_str() == severity>{s.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Queue" <input type="text" name="form[queue]" value=f.queue.clone() required placeholder="billing"/></label>
                    <label>"Fires when"
                        <select name="form[combine]">
                            <option value="any" selected=f.combine != "all">"any condition holds"</option>
                            <option value="all" selected=f.combine == "all">"all conditions hold"</option>
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" name="form[enabled]" checked=f.enabled.is_some()/>"Switched on"</label>
                </div>
                <p class="muted">"Fill in only the conditions you want; empty fields add none."</p>
                <div class="row">
                    <label>"Keywords or phrases (one per line; whole words, any case or accents; \"not urgent\" does not count as \"urgent\")"
                        <textarea name="form[keywords]" rows="4">{textarea_text(f.keywords.clone())}</textarea>
                    </label>
                    <label>"Regular expressions (one per line, case-insensitive)"
                        <textarea name="form[regexes]" rows="4">{textarea_text(f.regexes.clone())}</textarea>
                    </label>
                </div>
                <div class="row">
                    <label>"Sentiment at or below (-1 to 1)" <input type="text" name="form[sentiment_at_most]" value=f.sentiment_at_most.clone() size="5"/></label>
                    <fieldset><legend>"Priority is"</legend>{prio}</fieldset>
                    <label>"Repeat contact: tickets" <input type="text" name="form[repeat_tickets]" value=f.repeat_tickets.clone() size="3"/></label>
                    <label>"within days" <input type="text" name="form[repeat_days]" value=f.repeat_days.clone() size="3"/></label>
                    <label>"SLA risk: % of first-response target used" <input type="text" name="form[sla_percent]" value=f.sla_percent.clone() size="4"/></label>
                    <label class="check"><input type="checkbox" name="form[vip]" checked=f.vip.is_some()/>"VIP customer"</label>
                    <label>"Sentiment dropped by at least (0–2, first to latest message)" <input type="text" name="form[sentiment_drop]" value=f.sentiment_drop.clone() size="4"/></label>
                    <label>"Customer messages without an agent reply, at least" <input type="text" name="form[unanswered]" value=f.unanswered.clone() size="4"/></label>
                    <label>"Next-response SLA risk: % of the next-response target used" <input type="text" name="form[next_response_percent]" value=f.next_response_percent.clone() size="4"/></label>
                </div>
                <button type="submit">{if is_edit { "Save rule" } else { "Add rule" }}</button>
                {is_edit.then(|| view! { " " <a href="/rules">"Cancel"</a> })}
            </ActionForm>
            {action_error(save.value())}
        </section>
    }
}

#[component]
fn Versions(versions: Vec<VersionView>) -> impl IntoView {
    let rows = versions
        .into_iter()
        .map(|v| {
            view! {
                <tr>
                    <td>{format!("v{}", v.version)}</td>
                    <td><Badge kind=format!("status-{}", v.status) text=v.status.clone()/></td>
                    <td>{v.rules.len()}</td>
                    <td>{v.author.clone().unwrap_or_else(|| "system".into())}</td>
                    <td class="nowrap">{fmt_time(&v.created_at)}</td>
                    <td class="nowrap">{fmt_opt_time(&v.activated_at)}</td>
                    <td>{v.note.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section>
            <h2>"Versions"</h2>
            <table class="grid">
                <thead><tr><th>"Version"</th><th>"Status"</th><th>"Rules"</th><th>"By"</th><th>"Created"</th><th>"Activated"</th><th>"Note"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
