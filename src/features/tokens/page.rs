//! API tokens page view: the user's tokens with a revoke button, and a form that creates one and shows it once.

use super::api::{list_tokens, CreateToken, RevokeToken};
use super::TokenView;
use crate::components::loaded;
use leptos::prelude::*;

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let created = move || {
        create.value().get().map(|r| match r {
            Ok(t) => view! {
                <div class="card ok" role="status" data-testid="new-token">
                    <p>"Token " <strong>{t.name}</strong> " created. Copy it now: it is not shown again."</p>
                    <pre class="token"><code>{t.token}</code></pre>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <h1>"API tokens"</h1>
        <p class="muted">
            "A token lets another system use the REST API at " <code>"/api/v1"</code>
            " with your role. Send it as " <code>"Authorization: Bearer <token>"</code>
            ". The API is described at " <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a> "."
        </p>
        {created}
        <section class="card">
            <h2>"New token"</h2>
            <ActionForm action=create attr:class="form row">
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="e.g. Zapier"/></label>
                <button type="submit">"Create token"</button>
            </ActionForm>
        </section>
        {loaded(tokens, "Loading tokens…", move |list| view! { <TokenTable list revoke/> })}
    }
}

#[component]
fn TokenTable(list: Vec<TokenView>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"You have no API tokens yet."</p> }.into_any();
    }
    let day = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d %H:%M").to_string();
    let rows = list
        .into_iter()
        .map(|t| {
            let state = match t.revoked_at {
                Some(at) => format!("revoked {}", day(at)),
                None => "active".to_string(),
            };
            view! {
                <tr>
                    <td>{t.name.clone()}</td>
                    <td><code>{format!("{}…", t.prefix)}</code></td>
                    <td>{day(t.created_at)}</td>
                    <td>{t.last_used_at.map(day).unwrap_or_else(|| "never".into())}</td>
                    <td>{state}</td>
                    <td>
                        {t.revoked_at.is_none().then(|| view! {
                            <ActionForm action=revoke attr:class="form inline">
                                <input type="hidden" name="id" value=t.id.to_string()/>
                                <button type="submit" class="button secondary" aria-label=format!("Revoke {}", t.name)>"Revoke"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="tokens">
            <thead><tr><th>"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"State"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
