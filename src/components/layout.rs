//! The frame of every logged-in page: navigation limited to what the user's role may use.

use crate::domain::role::Area;
use crate::features::auth::api::{whoami, Logout};
use leptos::prelude::*;
use leptos_router::components::A;

const LINKS: &[(Area, &str, &str)] = &[
    (Area::Overview, "/", "Overview"),
    (Area::Inbox, "/inbox", "Inbox"),
    (Area::Team, "/team", "Team"),
    (Area::Tickets, "/tickets", "Tickets"),
    (Area::Overview, "/heatmaps", "Heatmaps"),
    (Area::Overview, "/trends", "Trends"),
    (Area::Overview, "/conversations", "Conversations"),
    (Area::Overview, "/alerts", "Alerts"),
    (Area::Overview, "/clusters", "Clusters"),
    (Area::Evaluation, "/evaluation", "Evaluation"),
    (Area::Tuning, "/prompts", "Prompts"),
    (Area::Tuning, "/rules", "Rules"),
    (Area::Tuning, "/categories", "Categories"),
    (Area::Tuning, "/templates", "Templates"),
    (Area::Data, "/data", "Data"),
    (Area::Data, "/quality", "Quality"),
    (Area::Users, "/users", "Users"),
    (Area::Users, "/audit", "Audit log"),
    (Area::Integrations, "/integrations", "Integrations"),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let user = Resource::new(|| (), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"TicketLens"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    user.map(|u| {
                        let links = LINKS
                            .iter()
                            .filter(|(area, _, _)| area.allows(u.role))
                            .map(|(_, href, label)| view! { <A href=*href exact=true>{*label}</A> })
                            .collect_view();
                        view! {
                            <nav aria-label="Main">{links}</nav>
                            <div class="who">
                                <span>{u.name.clone()} " · " <em>{u.role.to_string()}</em></span>
                                <A href="/tokens">"API tokens"</A>
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="link">"Log out"</button>
                                </ActionForm>
                            </div>
                        }
                    })
                })}
            </Suspense>
        </header>
        <main class="page">{children()}</main>
    }
}
