//! Server functions of the API tokens page; each acts on the logged-in user's own tokens.

use super::{CreatedToken, TokenView};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "tokens")]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Account)?;
    let rows = db::api_tokens::of_user(&app_state()?.pool, user.id).await?;
    Ok(rows
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// Creates a token carrying the user's role; its secret is in the answer and nowhere else.
#[server(endpoint = "tokens/create")]
pub async fn create_token(name: String) -> Result<CreatedToken, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Account)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Invalid(
            "Name the token (up to 100 characters), e.g. after the system that will use it.".into(),
        ));
    }
    let token = format!("tl_{}", crate::server::random::token());
    let prefix: String = token.chars().take(10).collect();
    db::api_tokens::insert(
        &app_state()?.pool,
        user.id,
        &name,
        &auth::token_hash(&token),
        &prefix,
    )
    .await?;
    tracing::info!(user = %user.email, token = %prefix, "API token created");
    Ok(CreatedToken { name, token })
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
