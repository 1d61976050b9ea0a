//! The events TicketLens tells other systems about (webhooks, e-mail, the activity trail).

/// The event kinds a webhook subscription can choose.
pub const EVENTS: [&str; 8] = [
    "ticket.created",
    "ticket.analysed",
    "escalation.created",
    "sla.warning",
    "sla.breached",
    "response.drafted",
    "response.sent",
    "issue.spike",
];
