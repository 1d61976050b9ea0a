//! The HTML shell, the root `<App/>` component and the route table.

use crate::components::Layout;
use crate::features::alerts::page::AlertsPage;
use crate::features::audit::page::AuditPage;
use crate::features::categories::page::CategoriesPage;
use crate::features::clusters::page::ClustersPage;
use crate::features::conversations::page::ConversationsPage;
use crate::features::evaluation::{compare::ComparePage, page::EvaluationPage, run::RunPage};
use crate::features::heatmaps::page::HeatmapsPage;
use crate::features::inbox::page::InboxPage;
use crate::features::integrations::page::IntegrationsPage;
use crate::features::prompts::page::PromptsPage;
use crate::features::quality::page::QualityPage;
use crate::features::rules::page::RulesPage;
use crate::features::team::page::TeamPage;
use crate::features::templates::page::TemplatesPage;
use crate::features::tokens::page::TokensPage;
use crate::features::trends::page::TrendsPage;
use crate::features::{
    auth::page::LoginPage, data::mapping::page::MappingPage, data::page::DataPage,
    overview::page::OverviewPage,
};
use crate::features::{
    tickets::detail::TicketPage, tickets::page::TicketsPage, users::page::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::csp::provide_for_render();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                // Plain tags in the server-only shell: leptos_meta's <Stylesheet/> broke hydration here.
                <link rel="stylesheet" id="leptos" href="/pkg/ticketlens.css"/>
                <title>"TicketLens"</title>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The wrapper element matters: without it the login page failed to hydrate (tachys 0.2.19),
    // as did leptos_meta's <Stylesheet/> here; the end-to-end specs check every page hydrates.
    view! {
        <div id="app">
        <Router>
            <Routes fallback=|| view! { <Layout><h1>"Page not found"</h1></Layout> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/") view=|| view! { <Layout><OverviewPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/tickets") view=|| view! { <Layout><TicketsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/tickets/:id") view=|| view! { <Layout><TicketPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/users") view=|| view! { <Layout><UsersPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/data") view=|| view! { <Layout><DataPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/data/map") view=|| view! { <Layout><MappingPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/evaluation") view=|| view! { <Layout><EvaluationPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/evaluation/runs/:id") view=|| view! { <Layout><RunPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/evaluation/compare") view=|| view! { <Layout><ComparePage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/inbox") view=|| view! { <Layout><InboxPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/team") view=|| view! { <Layout><TeamPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/rules") view=|| view! { <Layout><RulesPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/categories") view=|| view! { <Layout><CategoriesPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/clusters") view=|| view! { <Layout><ClustersPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/heatmaps") view=|| view! { <Layout><HeatmapsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/conversations") view=|| view! { <Layout><ConversationsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/quality") view=|| view! { <Layout><QualityPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/trends") view=|| view! { <Layout><TrendsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/alerts") view=|| view! { <Layout><AlertsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/tokens") view=|| view! { <Layout><TokensPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=|| view! { <Layout><AuditPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/integrations") view=|| view! { <Layout><IntegrationsPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/templates") view=|| view! { <Layout><TemplatesPage/></Layout> } ssr=SsrMode::Async/>
                <Route path=path!("/prompts") view=|| view! { <Layout><PromptsPage/></Layout> } ssr=SsrMode::Async/>
            </Routes>
        </Router>
        </div>
    }
}
