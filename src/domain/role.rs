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
}

impl Area {
    /// Whether `role` may use this area. The single table of access rules.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Area::Overview | Area::Tickets | Area::Inbox | Area::Account => true,
            Area::Evaluation => matches!(role, Role::Admin | Role::Manager),
            Area::Data | Area::Users | Area::Tuning | Area::Integrations => role == Role::Admin,
        }
    }
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
