//! The login page: a plain form that works with or without JavaScript.

use super::api::Login;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let error = move || query.read().get("error");
    // Read once: the page is left after logging in, so `next` need not react.
    let next = query
        .read_untracked()
        .get("next")
        .unwrap_or_else(|| "/".into());
    view! {
        <main class="login">
            <h1>"TicketLens"</h1>
            <p class="muted">"Support-ticket analysis. Log in to continue."</p>
            {move || error().map(|e| {
                let text = if e == "throttled" {
                    "Too many failed attempts for this e-mail address; try again in 15 minutes."
                } else {
                    "Wrong e-mail or password."
                };
                view! { <p class="error" role="alert">{text}</p> }
            })}
            <ActionForm action=login attr:class="card form">
                <input type="hidden" name="next" value=next/>
                <label>"E-mail" <input type="email" name="email" required autocomplete="username"/></label>
                <label>"Password" <input type="password" name="password" required autocomplete="current-password"/></label>
                <button type="submit">"Log in"</button>
            </ActionForm>
        </main>
    }
}
