//! User roles: what each kind of user may see and do, decided in one place.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's role. Admins can do everything managers can; managers and agents differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Agent,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Admin, Role::Manager, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A part of the product guarded by role; the navigation and every server function ask this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Overview,
    Tickets,
    /// The escalation inbox: every role works escalated tickets.
    Inbox,
    Data,
    Users,
    /// Evaluation runs and their metrics (managers and admins).
    Evaluation,
    /// Engines, models, prompts, few-shot examples, labelled sets and escalation rules (admins).
    Tuning,
    /// A user's own settings, such as API tokens (every role).
    Account,
    /// Webhooks in and out, e-mail (admins).
    Integrations,
    /// Queues' assignment policies, agents' load and capacity (managers and admins).
    Team,
}

impl Area {
    /// Whether `role` may use this area. The single table of access rules.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Area::Overview | Area::Tickets | Area::Inbox | Area::Account => true,
            Area::Evaluation | Area::Team => matches!(role, Role::Admin | Role::Manager),
            Area::Data | Area::Users | Area::Tuning | Area::Integrations => role == Role::Admin,
        }
    }
}

/// Who may call each server function (`POST /api/{endpoint}`): the one table the access guard
/// enforces before a function runs and the role-matrix test walks. `None` marks the public ones
/// (log in, log out, who am I). An endpoint missing here is refused for everyone.
pub const SERVER_FNS: &[(&str, Option<Area>)] = &[
    ("alerts", Some(Area::Overview)),
    ("alerts/detect", Some(Area::Overview)),
    ("audit", Some(Area::Users)),
    ("me", None),
    ("login", None),
    ("logout", None),
    ("categories", Some(Area::Tuning)),
    ("categories/train", Some(Area::Tuning)),
    ("categories/activate", Some(Area::Tuning)),
    ("ticket/category", Some(Area::Tickets)),
    ("message/correct", Some(Area::Tickets)),
    ("clusters", Some(Area::Overview)),
    ("clusters/run", Some(Area::Tuning)),
    ("clusters/name", Some(Area::Tuning)),
    ("conversations", Some(Area::Overview)),
    ("imports", Some(Area::Data)),
    ("data/map", Some(Area::Data)),
    ("data/map/import", Some(Area::Data)),
    ("data/labels", Some(Area::Data)),
    ("data/resume", Some(Area::Data)),
    ("data/layouts/rename", Some(Area::Data)),
    ("data/layouts/delete", Some(Area::Data)),
    ("data/layouts/import", Some(Area::Data)),
    ("drafts/assist", Some(Area::Tickets)),
    ("drafts/send", Some(Area::Tickets)),
    ("drafts/reject", Some(Area::Tickets)),
    ("drafts/redraft", Some(Area::Tickets)),
    ("drafts/acceptance", Some(Area::Evaluation)),
    ("drafts/settings", Some(Area::Tuning)),
    ("drafts/method", Some(Area::Tuning)),
    ("drafts/prompt", Some(Area::Tuning)),
    ("evaluation", Some(Area::Evaluation)),
    ("evaluation/run", Some(Area::Evaluation)),
    ("evaluation/training", Some(Area::Evaluation)),
    ("evaluation/compare", Some(Area::Evaluation)),
    ("evaluation/start", Some(Area::Tuning)),
    ("evaluation/train", Some(Area::Tuning)),
    ("evaluation/train/cancel", Some(Area::Tuning)),
    ("evaluation/activate", Some(Area::Tuning)),
    ("evaluation/sets/from-tickets", Some(Area::Tuning)),
    ("heatmaps", Some(Area::Overview)),
    ("inbox", Some(Area::Inbox)),
    ("escalation", Some(Area::Inbox)),
    ("escalation/claim", Some(Area::Inbox)),
    ("escalation/assign", Some(Area::Inbox)),
    ("escalation/note", Some(Area::Inbox)),
    ("escalation/reply", Some(Area::Inbox)),
    ("escalation/resolve", Some(Area::Inbox)),
    ("escalation/reopen", Some(Area::Inbox)),
    ("escalation/escalate", Some(Area::Inbox)),
    ("escalation/de-escalate", Some(Area::Inbox)),
    ("inbox/availability", Some(Area::Inbox)),
    ("inbox/notifications/read", Some(Area::Inbox)),
    ("inbox/views/save", Some(Area::Inbox)),
    ("inbox/views/delete", Some(Area::Inbox)),
    ("inbox/time-zone", Some(Area::Inbox)),
    ("inbox/bulk", Some(Area::Inbox)),
    ("team", Some(Area::Team)),
    ("team/queue", Some(Area::Team)),
    ("team/capacity", Some(Area::Team)),
    ("team/hours", Some(Area::Team)),
    ("integrations", Some(Area::Integrations)),
    ("integrations/subscribe", Some(Area::Integrations)),
    ("integrations/activate", Some(Area::Integrations)),
    ("integrations/unsubscribe", Some(Area::Integrations)),
    ("integrations/test", Some(Area::Integrations)),
    ("integrations/replay", Some(Area::Integrations)),
    ("integrations/inbound", Some(Area::Integrations)),
    ("integrations/inbound/delete", Some(Area::Integrations)),
    ("overview", Some(Area::Overview)),
    ("prompts", Some(Area::Tuning)),
    ("prompts/create", Some(Area::Tuning)),
    ("prompts/examples/add", Some(Area::Tuning)),
    ("prompts/examples/edit", Some(Area::Tuning)),
    ("prompts/examples/retire", Some(Area::Tuning)),
    ("prompts/try", Some(Area::Tuning)),
    ("quality", Some(Area::Data)),
    ("quality/check", Some(Area::Data)),
    ("rules", Some(Area::Tuning)),
    ("rules/save", Some(Area::Tuning)),
    ("rules/toggle", Some(Area::Tuning)),
    ("rules/delete", Some(Area::Tuning)),
    ("rules/activate", Some(Area::Tuning)),
    ("rules/sla", Some(Area::Tuning)),
    ("rules/hours", Some(Area::Tuning)),
    ("templates", Some(Area::Tuning)),
    ("templates/save", Some(Area::Tuning)),
    ("tickets", Some(Area::Tickets)),
    ("ticket", Some(Area::Tickets)),
    ("ticket/correct", Some(Area::Tickets)),
    ("tokens", Some(Area::Account)),
    ("tokens/create", Some(Area::Account)),
    ("tokens/revoke", Some(Area::Account)),
    ("trends", Some(Area::Overview)),
    ("users", Some(Area::Users)),
    ("users/create", Some(Area::Users)),
    ("users/update", Some(Area::Users)),
    ("users/password", Some(Area::Users)),
];

/// Server functions whose successful calls are admin (or account) actions kept in the audit log:
/// changes to rules, prompts, templates, models, users, integrations and API tokens.
pub const AUDITED: &[&str] = &[
    "data/map/import",
    "data/labels",
    "data/resume",
    "data/layouts/rename",
    "data/layouts/delete",
    "data/layouts/import",
    "team/queue",
    "team/capacity",
    "team/hours",
    "categories/train",
    "categories/activate",
    "clusters/run",
    "clusters/name",
    "drafts/settings",
    "drafts/method",
    "drafts/prompt",
    "evaluation/start",
    "evaluation/train",
    "evaluation/train/cancel",
    "evaluation/activate",
    "evaluation/sets/from-tickets",
    "integrations/subscribe",
    "integrations/activate",
    "integrations/unsubscribe",
    "integrations/test",
    "integrations/replay",
    "integrations/inbound",
    "integrations/inbound/delete",
    "prompts/create",
    "prompts/examples/add",
    "prompts/examples/edit",
    "prompts/examples/retire",
    "quality/check",
    "rules/save",
    "rules/toggle",
    "rules/delete",
    "rules/activate",
    "rules/sla",
    "rules/hours",
    "templates/save",
    "tokens/create",
    "tokens/revoke",
    "users/create",
    "users/update",
    "users/password",
];

/// Who may call each REST API operation (method, path): what each handler asks of its token's
/// role, walked by the role-matrix test with the OpenAPI document.
pub const API_ROUTES: &[(&str, &str, Area)] = &[
    ("POST", "/api/v1/analyse", Area::Tickets),
    ("POST", "/api/v1/imports", Area::Data),
    ("GET", "/api/v1/escalations", Area::Inbox),
    ("GET", "/api/v1/escalations/{id}", Area::Inbox),
    ("POST", "/api/v1/escalations/{id}/claim", Area::Inbox),
    ("POST", "/api/v1/escalations/{id}/notes", Area::Inbox),
    ("POST", "/api/v1/escalations/{id}/resolve", Area::Inbox),
    ("POST", "/api/v1/escalations/{id}/reopen", Area::Inbox),
    ("GET", "/api/v1/evaluations", Area::Evaluation),
    ("GET", "/api/v1/evaluations/{id}", Area::Evaluation),
    ("POST", "/api/v1/tickets", Area::Tickets),
    ("GET", "/api/v1/tickets", Area::Tickets),
    ("GET", "/api/v1/tickets/{id}", Area::Tickets),
    ("GET", "/api/v1/tickets/{id}/messages", Area::Tickets),
    ("POST", "/api/v1/tickets/{id}/messages", Area::Tickets),
];

/// The area guarding server function `endpoint`: `Some(None)` for a public one, `None` for an
/// endpoint the table does not know.
pub fn server_fn_area(endpoint: &str) -> Option<Option<Area>> {
    SERVER_FNS
        .iter()
        .find(|(e, _)| *e == endpoint)
        .map(|(_, area)| *area)
}

/// The logged-in user as the UI sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// A token in the list: never the token itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_reach_admin_areas() {
        assert!(Area::Users.allows(Role::Admin));
        assert!(!Area::Users.allows(Role::Manager));
        assert!(!Area::Data.allows(Role::Agent));
        assert!(Area::Tickets.allows(Role::Agent));
        assert!(Area::Evaluation.allows(Role::Manager));
        assert!(!Area::Evaluation.allows(Role::Agent));
        assert!(!Area::Tuning.allows(Role::Manager));
        assert!(!Area::Integrations.allows(Role::Manager));
        assert_eq!(Role::parse("Manager"), Some(Role::Manager));
    }
}
