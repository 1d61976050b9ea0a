//! `AppState`: what every request handler and server function can reach (via axum state or context).

use crate::server::config::Settings;
use crate::server::jobs::JobContext;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    /// The embedder, LLM client and pool that analysis and evaluation use.
    pub jobs: JobContext,
    /// Whether the database answers; while it does not, requests get 503 at once.
    pub health: crate::server::health::DbHealth,
}

/// The state, from the context of a server function or a rendered route.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::error::AppError::Internal
    })
}
