//! Server side of the tokens page: what its server functions do once the role is checked.

use super::{CreatedToken, TokenView};
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::{auth, db};

/// The user's own API tokens, newest first.
pub async fn list_tokens(state: &AppState, user: &CurrentUser) -> Result<Vec<TokenView>, AppError> {
    Ok(db::api_tokens::of_user(&state.pool, user.id).await?)
}

/// Creates a token carrying the user's role; its secret is in the answer and nowhere else.
pub async fn create_token(
    state: &AppState,
    user: &CurrentUser,
    name: String,
) -> Result<CreatedToken, AppError> {
    let name = AppError::check_text(
        &name,
        100,
        "Name the token (up to 100 characters), e.g. after the system that will use it.",
    )?
    .to_string();
    let token = format!("tl_{}", crate::server::random::token());
    let prefix: String = token.chars().take(10).collect();
    db::api_tokens::insert(
        &state.pool,
        user.id,
        &name,
        &auth::token_hash(&token),
        &prefix,
    )
    .await?;
    tracing::info!(user = %user.email, token = %prefix, "API token created");
    Ok(CreatedToken { name, token })
}
