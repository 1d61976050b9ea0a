//! Server functions of the API tokens page; each acts on the logged-in user's own tokens.

use super::{CreatedToken, TokenView};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "tokens")]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Account)?;
    super::server::list_tokens(&app_state()?, &user).await
}

/// Creates a token carrying the user's role; its secret is in the answer and nowhere else.
#[server(endpoint = "tokens/create")]
pub async fn create_token(name: String) -> Result<CreatedToken, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Account)?;
    super::server::create_token(&app_state()?, &user, name).await
}

#[server(endpoint = "tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Account)?;
    if !db::api_tokens::revoke(&app_state()?.pool, user.id, id).await? {
        return Err(AppError::NotFound.respond());
    }
    tracing::info!(user = %user.email, token = id, "API token revoked");
    Ok(())
}
