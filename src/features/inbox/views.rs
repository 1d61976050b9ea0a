//! The inbox's working tools in the page: saved views with their counts, the viewer's time zone, and keyboard shortcuts.

use super::api::{DeleteView, SaveView, SetTimeZone};
use super::{InboxQuery, SavedView};
use crate::components::{action_error, fmt_count};
use leptos::prelude::*;

/// The viewer's saved views (each with how many escalations it holds now) and the form that
/// saves the current filters and sort as one.
#[component]
pub fn Views(views: Vec<SavedView>, q: InboxQuery) -> impl IntoView {
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let current = q.to_query();
    let items = views
        .into_iter()
        .map(|v| {
            let href = if v.query.is_empty() {
                "/inbox".to_string()
            } else {
                format!("/inbox?{}", v.query)
            };
            let here = v.query == current;
            view! {
                <li class:current=here>
                    <a href=href aria-current=here.then_some("page")>{v.name.clone()}</a>
                    " " <span class="count">{fmt_count(v.count)}</span>
                    <ActionForm action=delete attr:class="inline">
                        <input type="hidden" name="id" value=v.id/>
                        <button type="submit" class="link" aria-label=format!("Delete view {}", v.name)>"×"</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="views" aria-label="Saved views" data-testid="views">
            <ul>{items}</ul>
            <ActionForm action=save attr:class="form inline">
                <input type="hidden" name="query" value=current/>
                <label>"Name these filters" <input type="text" name="name" required maxlength="60" placeholder="My breached billing"/></label>
                <button type="submit" class="button secondary">"Save as a view"</button>
            </ActionForm>
        </nav>
        {action_error(save.value())}
        {action_error(delete.value())}
    }
}

/// Which time zone the due times are in, and the viewer's choice of it.
#[component]
pub fn Zone(zone: String, own: bool, back: String) -> impl IntoView {
    let set = ServerAction::<SetTimeZone>::new();
    let whose = if own {
        "your time zone"
    } else {
        "the team's time zone"
    };
    view! {
        <ActionForm action=set attr:class="form inline muted" attr:data-testid="zone">
            <span>{format!("Due times in {zone} ({whose}).")}</span>
            <input type="hidden" name="back" value=back/>
            <label>"Show them in" <input type="text" name="zone" value=own.then(|| zone.clone()) placeholder="Europe/Berlin" size="18"/></label>
            <button type="submit" class="button secondary">"Set time zone"</button>
        </ActionForm>
        {action_error(set.value())}
    }
}

/// Keyboard shortcuts over the inbox rows: j/k move, o opens, c claims, r replies, e resolves,
/// x ticks the row for a bulk action. Keys typed into a field are left alone, and Enter keeps
/// its own meaning on buttons and links.
#[component]
pub fn Keys() -> impl IntoView {
    let help = NodeRef::<leptos::html::P>::new();
    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move |_| {
            let Some(help) = help.get() else {
                return;
            };
            let navigate = navigate.clone();
            let handle = window_event_listener(leptos::ev::keydown, move |ev| {
                keys::on_key(&ev, &navigate);
            });
            on_cleanup(move || handle.remove());
            // Tells scripts (and the Playwright specs) that the keys work from now on.
            let _ = help.set_attribute("data-ready", "1");
        });
    }
    view! {
        <p class="muted keys" data-testid="keys" node_ref=help>
            "Keys: " <kbd>"j"</kbd> "/" <kbd>"k"</kbd> " next/previous · " <kbd>"o"</kbd> " open · "
            <kbd>"c"</kbd> " claim · " <kbd>"r"</kbd> " reply · " <kbd>"e"</kbd> " resolve · "
            <kbd>"x"</kbd> " select"
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod keys {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent};

    fn rows() -> Vec<Element> {
        let body = document()
            .query_selector("table[data-testid=inbox] tbody")
            .ok()
            .flatten();
        std::iter::successors(body.and_then(|b| b.first_element_child()), |r| {
            r.next_element_sibling()
        })
        .collect()
    }

    fn typing(ev: &KeyboardEvent) -> bool {
        ev.target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|el| {
                let kind = el.get_attribute("type").unwrap_or_default();
                match el.tag_name().as_str() {
                    "INPUT" => !matches!(kind.as_str(), "checkbox" | "radio" | "submit" | "button"),
                    "TEXTAREA" | "SELECT" => true,
                    _ => el.closest("[contenteditable]").ok().flatten().is_some(),
                }
            })
    }

    fn click(row: &Element, selector: &str) {
        if let Some(el) = row
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            el.click();
        }
    }

    pub fn on_key(ev: &KeyboardEvent, navigate: &impl Fn(&str, leptos_router::NavigateOptions)) {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(ev) {
            return;
        }
        let rows = rows();
        if rows.is_empty() {
            return;
        }
        let at = rows.iter().position(|r| r.class_list().contains("cursor"));
        let ticket = |i: usize| rows[i].get_attribute("data-ticket").unwrap_or_default();
        let go = |path: String| navigate(&path, Default::default());
        match (ev.key().as_str(), at) {
            ("j", _) | ("k", _) => {
                let next = match (ev.key().as_str(), at) {
                    ("j", None) => 0,
                    ("j", Some(i)) => (i + 1).min(rows.len() - 1),
                    (_, None) => 0,
                    (_, Some(i)) => i.saturating_sub(1),
                };
                if let Some(i) = at {
                    let _ = rows[i].class_list().remove_1("cursor");
                }
                let _ = rows[next].class_list().add_1("cursor");
                rows[next].scroll_into_view_with_bool(false);
            }
            ("o", Some(i)) => go(format!("/tickets/{}#escalation", ticket(i))),
            ("c", Some(i)) => click(&rows[i], "button"),
            ("r", Some(i)) => go(format!("/tickets/{}?focus=reply", ticket(i))),
            ("e", Some(i)) => go(format!("/tickets/{}?focus=resolve", ticket(i))),
            ("x", Some(i)) => {
                if let Some(b) = rows[i]
                    .query_selector("input[type=checkbox]")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                {
                    b.set_checked(!b.checked());
                }
            }
            _ => return,
        }
        ev.prevent_default();
    }
}
