//! Builds the Templates page and fills templates from tickets.

use super::{Preview, TemplateView, TemplatesOverview};
use crate::domain::template::{Template, VARIABLES};
use crate::server::db;
use crate::server::db::templates::TemplateRow;
use sqlx::PgPool;

fn view(r: TemplateRow) -> TemplateView {
    TemplateView {
        id: r.id,
        category: r.category,
        version: r.version,
        body: r.body,
        note: r.note,
        created_at: r.created_at,
        author: r.author,
    }
}

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
    Ok(Ok(Preview {
        ticket_id,
        subject: facts.subject.clone(),
        template_category: row.category.clone(),
        template_version: row.version,
        text: crate::server::pipeline::respond::fill(&template, &facts, agent),
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
        Some(c) => db::templates::versions(pool, c)
            .await?
            .into_iter()
            .map(view)
            .collect(),
        None => Vec::new(),
    };
    let preview = match preview_ticket {
        Some(id) => Some(preview(pool, id, agent).await?),
        None => None,
    };
    Ok(TemplatesOverview {
        current: db::templates::current(pool)
            .await?
            .into_iter()
            .map(view)
            .collect(),
        categories: db::categories::known(pool).await?,
        variables: VARIABLES.iter().map(|(v, _)| v.to_string()).collect(),
        history,
        editing,
        preview,
    })
}
