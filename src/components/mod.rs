//! Shared UI pieces: the page frame with role-aware navigation, badges, errors and formatting.

mod class_table;
pub mod filter_bar;
mod layout;
mod loaded;

pub use class_table::ClassTable;
pub use filter_bar::{FilterBar, FilterChoices};
pub use layout::Layout;
pub use loaded::loaded;

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A small coloured label, e.g. for priority or status.
#[component]
pub fn Badge(#[prop(into)] kind: String, #[prop(into)] text: String) -> impl IntoView {
    view! { <span class=format!("badge badge-{kind}")>{text}</span> }
}

/// A form field choosing a sentiment label (`label`), `current` preselected: an agent's gold
/// label for a ticket or a message.
#[component]
pub fn SentimentSelect(#[prop(into)] title: String, current: String) -> impl IntoView {
    view! {
        <label>{title}
            <select name="label">
                {crate::domain::SentimentLabel::ALL.iter().map(|l| view! {
                    <option value=l.as_str() selected=l.as_str() == current>{l.as_str()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The user-facing message of a failed load.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    // A page that fails to load answers with the error's status, not 200.
    #[cfg(feature = "ssr")]
    let error = error.respond();
    let hint = match error {
        AppError::Unauthenticated => Some(view! { " " <a href="/login">"Log in"</a> }),
        _ => None,
    };
    view! { <p class="error" role="alert">{error.to_string()} {hint}</p> }
}

/// The error of a server action's last call, if it failed.
pub fn action_error<T, S>(value: S) -> impl IntoView
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })
    }
}

/// A form reference that empties its form once the action succeeds, so a sent reply or note
/// cannot be sent twice by a second click.
pub fn cleared_on_success<T>(action: ServerAction<T>) -> NodeRef<leptos::html::Form>
where
    T: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    T::Output: Send + Sync + 'static,
    T::Error: Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        let succeeded = action.value().with(|v| matches!(v, Some(Ok(_))));
        if succeeded {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
    form
}

/// `2025-03-01 14:05 UTC`.
pub fn fmt_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An optional time, or a dash.
pub fn fmt_opt_time(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map(fmt_time).unwrap_or_else(|| "—".into())
}

/// The text of a `<textarea>`, to give as its child. Leptos writes a textarea's children into
/// the server's HTML as they are (as for `<script>`), so text holding `</textarea>` would end the
/// element and the rest would be read as markup. On the server it is escaped here (the browser
/// decodes the entities back); in the browser a child is a text node and needs nothing.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text
    }
}

/// `12,345`.
pub fn fmt_count(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_count;

    #[test]
    fn groups_thousands() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(20_000), "20,000");
        assert_eq!(fmt_count(-1_234_567), "-1,234,567");
    }
}

/// A link that downloads the table it sits by as CSV (the server's `/export/{table}.csv`).
#[component]
pub fn ExportLink(href: String) -> impl IntoView {
    view! {
        <a class="export" href=href download rel="external" data-testid="export-csv">"Export CSV"</a>
    }
}
