//! Builds the Templates page and fills templates from tickets.

use super::{Preview, TemplatesOverview};
use crate::domain::role::CurrentUser;
use crate::domain::template::{Template, VARIABLES};
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;
use sqlx::PgPool;

/// The template for a ticket's category, filled; Err with a message for people.
pub async fn preview(
    pool: &PgPool,
    ticket_id: i64,
    agent: &str,
) -> anyhow::Result<Result<Preview, String>> {
    let Some(facts) = db::templates::facts(pool, ticket_id).await? else {
        return Ok(Err(format!("Ticket {ticket_id} does not exist.")));
    };
    let Some(row) = db::templates::for_category(pool, facts.category.as_deref()).await? else {
        return Ok(Err(
            "No template fits this ticket, and there is no \"*\" fallback template.".into(),
        ));
    };
    // Stored templates were validated when saved; a failure here means the row was edited by hand.
    let template = match Template::parse(&row.body) {
        Ok(t) => t,
        Err(e) => {
            return Ok(Err(format!(
                "The stored \"{}\" template is invalid: {e}",
                row.category
            )))
        }
    };
    let thread = crate::server::db::messages::thread(pool, ticket_id).await?;
    let latest =
        crate::server::pipeline::respond::thread::latest_customer(&thread).unwrap_or_default();
    Ok(Ok(Preview {
        ticket_id,
        subject: facts.subject.clone(),
        template_category: row.category.clone(),
        template_version: row.version,
        text: crate::server::pipeline::respond::fill(&template, &facts, &latest, agent),
    }))
}

pub async fn overview(
    pool: &PgPool,
    category: Option<String>,
    preview_ticket: Option<i64>,
    agent: &str,
) -> anyhow::Result<TemplatesOverview> {
    let editing = category.filter(|c| !c.trim().is_empty());
    let history = match &editing {
        Some(c) => db::templates::versions(pool, c).await?,
        None => Vec::new(),
    };
    let preview = match preview_ticket {
        Some(id) => Some(preview(pool, id, agent).await?),
        None => None,
    };
    Ok(TemplatesOverview {
        current: db::templates::current(pool).await?,
        categories: db::categories::known(pool).await?,
        variables: VARIABLES.iter().map(|(v, _)| v.to_string()).collect(),
        history,
        editing,
        preview,
    })
}

/// Saves a new version of a category's template; unknown variables are refused with their place.
pub async fn save_template(
    state: &AppState,
    user: &CurrentUser,
    category: String,
    body: String,
    note: String,
) -> Result<(), AppError> {
    let category = AppError::check_text(&category, 100, "A category needs 1 to 100 characters.")?;
    Template::parse(&body).map_err(|e| AppError::Invalid(e.to_string()).respond())?;
    let (_, version) = db::templates::insert(
        &state.pool,
        category,
        body.trim_end(),
        note.trim(),
        Some(user.id),
    )
    .await?;
    tracing::info!(user = %user.email, category, version, "reply template saved");
    leptos_axum::redirect(&format!(
        "/templates?category={}&ok={}&at={}",
        crate::domain::url::encode(category),
        crate::domain::url::encode(&format!(
            "Saved version {version} of the \"{category}\" template."
        )),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
