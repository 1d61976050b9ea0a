//! The events TicketLens tells other systems about (webhooks, e-mail, the activity trail).

/// The event kinds a webhook subscription can choose.
pub const EVENTS: [&str; 6] = [
    "ticket.created",
    "ticket.analysed",
    "escalation.created",
    "response.drafted",
    "response.sent",
    "issue.spike",
];
