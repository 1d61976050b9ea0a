//! The Rules page's checks before activation: a live test on text or a ticket, and a backtest over past tickets.

use super::LiveTest;
use crate::components::fmt_count;
use crate::domain::rules::{BacktestReport, RuleStats};
use crate::domain::Priority;
use leptos::prelude::*;

/// Renders text pieces with matched spans in `<mark>`.
pub fn marked(pieces: Vec<(String, bool)>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|(text, hit)| {
            if hit {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                view! { <span>{text}</span> }.into_any()
            }
        })
        .collect_view()
}

/// The fired rules of a decision, with their reasons.
pub fn fired_list(fired: &[crate::domain::escalation::FiredRule]) -> impl IntoView {
    let items = fired
        .iter()
        .map(|f| {
            let reasons = f
                .reasons
                .iter()
                .map(|r| view! { <li>{format!("{} — {}", r.condition, r.detail)}</li> })
                .collect_view();
            view! {
                <li>
                    <strong>{f.name.clone()}</strong>
                    {format!(" → {} queue, {} severity", f.queue, f.severity.as_str())}
                    <ul>{reasons}</ul>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="fired" data-testid="fired-rules">{items}</ul> }
}

#[component]
pub fn LiveTestSection(test: Option<Result<LiveTest, String>>) -> impl IntoView {
    let result = test.map(|t| match t {
        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Ok(t) => {
            let verdict = if t.decision.escalate {
                format!(
                    "Escalates to the {} queue ({} severity).",
                    t.decision.queue.clone().unwrap_or_default(),
                    t.decision.severity.map(|s| s.as_str()).unwrap_or("")
                )
            } else {
                "Does not escalate.".into()
            };
            view! {
                <p data-testid="test-verdict"><strong>{verdict}</strong></p>
                {fired_list(&t.decision.fired)}
                <div class="body" data-testid="test-text">{marked(t.pieces)}</div>
            }
            .into_any()
        }
    });
    view! {
        <section class="card" id="test">
            <h2>"Live test"</h2>
            <form method="get" action="/rules#test" class="form">
                <label>"Text" <textarea name="test_text" rows="3" placeholder="Paste a ticket"></textarea></label>
                <div class="row">
                    <label>"Priority"
                        <select name="test_priority">
                            {Priority::ALL.iter().map(|p| view! { <option value=p.as_str() selected=*p == Priority::Medium>{p.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Sentiment (blank: scored by the lexicon)" <input type="text" name="test_sentiment" size="5"/></label>
                    <label>"…or a ticket number" <input type="text" name="test_ticket" size="7"/></label>
                    <button type="submit">"Test the rules"</button>
                </div>
            </form>
            {result}
        </section>
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn stats_row(s: &RuleStats, label: String) -> impl IntoView {
    view! {
        <tr>
            <td>{label}</td>
            <td class="num">{fmt_count(s.fired as i64)}</td>
            <td class="num">{fmt_count(s.true_positives as i64)}</td>
            <td class="num">{fmt_count(s.false_positives as i64)}</td>
            <td class="num">{fmt_count(s.false_negatives as i64)}</td>
            <td class="num">{pct(s.precision())}</td>
            <td class="num">{pct(s.recall())}</td>
        </tr>
    }
}

/// The replay in time order, in words: where this version escalates and how it compares with
/// the active one.
fn timing_text(r: &BacktestReport) -> String {
    let mut text = format!(
        "Replayed message by message: {} of them escalate at a later customer message, not the first.",
        fmt_count(r.caught_at_follow_up as i64)
    );
    if let Some(t) = &r.timing {
        if t.against == r.version {
            text.push_str(" This is the active version.");
        } else {
            text.push_str(&format!(
                " Against version {v} (active): both escalate {both}; this version catches {earlier} \
                 earlier (by {me} messages in all) and {later} later (by {ml}); {only_this} only \
                 this version, {only_active} only version {v}.",
                v = t.against,
                both = fmt_count(t.both as i64),
                earlier = fmt_count(t.earlier as i64),
                me = fmt_count(t.messages_earlier as i64),
                later = fmt_count(t.later as i64),
                ml = fmt_count(t.messages_later as i64),
                only_this = fmt_count(t.only_this as i64),
                only_active = fmt_count(t.only_active as i64),
            ));
        }
    }
    text
}

#[component]
pub fn BacktestSection(report: Option<Result<BacktestReport, String>>) -> impl IntoView {
    let days = match &report {
        Some(Ok(r)) => r.days,
        _ => 30,
    };
    let result = report.map(|r| match r {
        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Ok(r) => {
            let rows = r
                .rules
                .iter()
                .map(|s| stats_row(s, s.name.clone()))
                .collect_view();
            view! {
                <p data-testid="backtest-summary">{format!(
                    "Version {} over the last {} days: {} of {} tickets would escalate; {} tickets have a known answer ({} needed a person).{}",
                    r.version, r.days, fmt_count(r.total.fired as i64), fmt_count(r.tickets as i64),
                    fmt_count(r.labelled as i64), fmt_count(r.known_escalations as i64),
                    if r.truncated { " Only the newest tickets were read (limit reached)." } else { "" }
                )}</p>
                <p data-testid="backtest-timing">{timing_text(&r)}</p>
                <table class="grid" data-testid="backtest">
                    <thead><tr><th>"Rule"</th><th>"Fired"</th><th>"Right"</th><th>"Wrong"</th><th>"Missed"</th><th>"Precision"</th><th>"Recall"</th></tr></thead>
                    <tbody>
                        {stats_row(&r.total, "All rules together".into())}
                        {rows}
                    </tbody>
                </table>
            }
            .into_any()
        }
    });
    view! {
        <section class="card" id="backtest">
            <h2>"Backtest"</h2>
            <p class="muted">"Runs the version shown above over stored tickets, replaying each conversation in time order: a ticket escalates at the customer message where a rule first fires. Precision and recall count tickets whose escalation is known: the imported label, or an agent's verdict on resolving."</p>
            <form method="get" action="/rules#backtest" class="form row">
                <label>"Last days" <input type="number" name="backtest_days" value=days min="1" max="3650"/></label>
                <button type="submit">"Run backtest"</button>
            </form>
            {result}
        </section>
    }
}
