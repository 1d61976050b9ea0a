//! `POST /api/v1/analyse`: what TicketLens would make of a text (sentiment, escalation with reasons, category, a draft reply) without storing anything.

use super::error::ApiError;
use super::escalations::Reason;
use super::extract::{ApiJson, ApiUser};
use super::tickets::Sentiment;
use crate::domain::role::Area;
use crate::domain::Priority;
use crate::server::db::{self, templates::TicketFacts as TemplateFacts};
use crate::server::pipeline::escalation::TicketFacts;
use crate::server::pipeline::respond::{self, DraftInput, TEAM_SIGNATURE};
use crate::server::state::AppState;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyseIn {
    pub subject: String,
    pub body: String,
    /// low, medium, high or urgent (default medium); escalation rules may use it.
    pub priority: Option<String>,
    /// Whether the customer is a VIP, for rules that say so.
    pub vip: Option<bool>,
    /// Filled into the draft's template.
    pub customer_name: Option<String>,
    pub product: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Analysis {
    pub sentiment: Sentiment,
    pub escalation: EscalationDecision,
    /// The active category model's guess; absent when no model is active.
    pub category: Option<CategoryGuess>,
    /// The reply TicketLens would draft from the category's template; absent for escalated
    /// texts, which get no automatic reply.
    pub draft: Option<DraftOut>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalationDecision {
    pub escalate: bool,
    /// The active rules' version; absent when no rules are active.
    pub rule_version: Option<i32>,
    pub severity: Option<String>,
    pub queue: Option<String>,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CategoryGuess {
    pub label: String,
    pub confidence: f32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DraftOut {
    /// e.g. "template billing v2".
    pub version: String,
    pub body: String,
}

const MAX_TEXT: usize = 50_000;

#[utoipa::path(
    post, path = "/analyse", tag = "analysis", request_body = AnalyseIn,
    responses(
        (status = 200, body = Analysis),
        (status = 400, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn analyse(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<AnalyseIn>,
) -> Result<axum::Json<Analysis>, ApiError> {
    user.require(Area::Tickets)?;
    let subject = input.subject.trim().to_string();
    let body = input.body.trim().to_string();
    if subject.is_empty() && body.is_empty() {
        return Err(ApiError::invalid("subject and body are both empty."));
    }
    if subject.len() + body.len() > MAX_TEXT {
        return Err(ApiError::invalid(format!(
            "subject and body are limited to {MAX_TEXT} bytes together."
        )));
    }
    let priority = match input.priority.as_deref().map(str::trim) {
        None | Some("") => Priority::Medium,
        Some(p) => Priority::parse(p).ok_or_else(|| {
            ApiError::invalid(format!(
                "priority must be low, medium, high or urgent, not {p:?}."
            ))
        })?,
    };
    let ctx = &state.jobs;
    let pool = &state.pool;
    let text = format!("{subject}\n{body}");
    // Concurrent requests share forward passes through the batching queue.
    let embedding = ctx.embed_queue.embed(text.clone()).await?;
    let engine = ctx
        .sentiment
        .current(pool, ctx.llm.clone(), ctx.embedder.config())
        .await?;
    let (scored, _) = engine
        .score(
            std::slice::from_ref(&text),
            std::slice::from_ref(&embedding),
        )
        .await?;
    let scored = scored
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no sentiment")))?;

    let category = match ctx.categories.current(pool).await? {
        Some((_, model)) => {
            let p = model.predict(&text, Some(&embedding))?;
            Some(CategoryGuess {
                label: p.label,
                confidence: p.confidence,
            })
        }
        None => None,
    };

    let escalation = match ctx.rules.current(pool).await? {
        Some(rules) => {
            let d = rules.decide(&TicketFacts {
                text: &text,
                priority,
                sentiment: Some(scored.sentiment.score),
                first_sentiment: Some(scored.sentiment.score),
                unanswered: 1,
                next_response_used: None,
                vip: input.vip.unwrap_or(false),
                repeat: Vec::new(),
                sla_used: None,
            });
            EscalationDecision {
                escalate: d.escalate,
                rule_version: Some(d.rule_version),
                severity: d.severity.map(|s| s.as_str().to_string()),
                queue: d.queue,
                reasons: d.fired.into_iter().map(Into::into).collect(),
            }
        }
        None => EscalationDecision {
            escalate: false,
            rule_version: None,
            severity: None,
            queue: None,
            reasons: Vec::new(),
        },
    };

    let draft = if escalation.escalate {
        None
    } else {
        let label = category.as_ref().map(|c| c.label.as_str());
        match db::templates::for_category(pool, label).await? {
            Some(template) => {
                let input = DraftInput {
                    facts: TemplateFacts {
                        id: 0,
                        subject,
                        customer_name: input.customer_name,
                        product: input.product,
                        category: label.map(str::to_string),
                    },
                    thread: body.clone(),
                    latest: body.clone(),
                    body,
                    template,
                    similar: Vec::new(),
                    history: Vec::new(),
                    agent: TEAM_SIGNATURE.to_string(),
                };
                let d = respond::template_draft(&input)?;
                Some(DraftOut {
                    version: d.version,
                    body: d.body,
                })
            }
            None => None,
        }
    };

    Ok(axum::Json(Analysis {
        sentiment: Sentiment {
            label: scored.sentiment.label.as_str().to_string(),
            score: scored.sentiment.score,
            engine: scored.engine.as_str().to_string(),
        },
        escalation,
        category,
        draft,
    }))
}
