//! `AppError`: the only errors the browser sees — safe messages; causes are logged on the server. `api`: the REST API's error shape.

#[cfg(feature = "ssr")]
pub mod api;

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What went wrong, phrased for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in.")]
    Unauthenticated,
    #[error("Your role does not allow this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("Something went wrong on the server; the details are in its log.")]
    Internal,
    #[error("The database is unavailable; try again in a few seconds.")]
    Unavailable,
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// The HTTP status that goes with the error.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::Invalid(_) => S::BAD_REQUEST,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Unavailable => S::SERVICE_UNAVAILABLE,
            AppError::Transport(_) => S::BAD_GATEWAY,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Sets the status of the response being built (a server-function call or a rendered page)
    /// to this error's; server_fn would otherwise answer 500 for every error.
    pub fn respond(self) -> Self {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(self.status());
            if self == AppError::Unavailable {
                res.insert_header(
                    http::header::RETRY_AFTER,
                    http::HeaderValue::from_static(crate::server::health::RETRY_AFTER_SECS),
                );
            }
        }
        self
    }

    /// `text` trimmed, or `Invalid(message)` (answered with 400) when it is empty or longer than
    /// `max` characters.
    pub fn check_text<'a>(text: &'a str, max: usize, message: &str) -> Result<&'a str, AppError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > max {
            return Err(AppError::Invalid(message.to_string()).respond());
        }
        Ok(text)
    }

    /// Logs the whole cause chain of an internal failure and hides it from the client.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        let err = err.into();
        tracing::error!(error = ?err, "request failed");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if crate::server::db::is_unavailable(&err) {
            tracing::error!(error = ?err, "database unavailable");
            return AppError::Unavailable;
        }
        AppError::internal(err)
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        let outage = err
            .chain()
            .filter_map(|e| e.downcast_ref::<sqlx::Error>())
            .any(crate::server::db::is_unavailable);
        if outage {
            tracing::error!(error = ?err, "database unavailable");
            return AppError::Unavailable;
        }
        AppError::internal(err)
    }
}
