//! E-mail over SMTP (lettre): configuration, composing replies and notifications, and the worker step that sends the outbox with retries.

use crate::server::config::Secret;
use crate::server::db::emails::{self as store, NotifyEvent, ReplyContext};
use crate::server::webhooks::Policy;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use std::time::Duration;

/// Where and as whom e-mail is sent; from `TICKETLENS_SMTP_URL`, `TICKETLENS_SMTP_FROM` and
/// `TICKETLENS_NOTIFY_EMAIL`.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtp://127.0.0.1:25` (plain, for a local relay). Holds the password.
    pub url: Secret,
    pub from: Mailbox,
    /// Who is told about escalations and spikes (none: nobody).
    pub notify: Option<Mailbox>,
    /// The app's address for links in notifications (`TICKETLENS_PUBLIC_URL`).
    pub public_url: String,
}

impl MailSettings {
    /// None when `TICKETLENS_SMTP_URL` is unset; an error when it is set without a valid sender.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(url) = var("TICKETLENS_SMTP_URL") else {
            return Ok(None);
        };
        let from = var("TICKETLENS_SMTP_FROM").ok_or_else(|| {
            anyhow::anyhow!("TICKETLENS_SMTP_URL is set: set TICKETLENS_SMTP_FROM too, e.g. \"Support <support@example.com>\"")
        })?;
        let parse = |name: &str, v: &str| {
            v.parse::<Mailbox>()
                .map_err(|e| anyhow::anyhow!("{name}={v:?} is not an e-mail address: {e}"))
        };
        Ok(Some(MailSettings {
            url: Secret::new(url),
            from: parse("TICKETLENS_SMTP_FROM", &from)?,
            notify: var("TICKETLENS_NOTIFY_EMAIL")
                .map(|v| parse("TICKETLENS_NOTIFY_EMAIL", &v))
                .transpose()?,
            public_url: var("TICKETLENS_PUBLIC_URL")
                .unwrap_or_else(|| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .to_string(),
        }))
    }

    /// A new Message-ID in the sender's domain.
    pub fn message_id(&self) -> String {
        format!(
            "<tl-{}@{}>",
            crate::server::random::token(),
            self.from.email.domain()
        )
    }
}

/// The reply e-mail: subject `Re: <subject> [#<ticket>]`, the agent's text, a signature.
pub fn compose_reply(ctx: &ReplyContext) -> (String, String) {
    let subject = format!("Re: {} [#{}]", ctx.subject.trim(), ctx.ticket_id);
    let signed = ctx.agent_name.as_deref().unwrap_or("The support team");
    let body = format!(
        "{}\n\n-- \n{signed}\nTicket #{}: reply to this e-mail to add to it.\n",
        ctx.body.trim_end(),
        ctx.ticket_id
    );
    (subject, body)
}

/// The notification of an escalation or a spike, with a link to where to act.
pub fn compose_notification(event: &NotifyEvent, base_url: &str) -> (String, String) {
    let p = &event.payload;
    let text = |k: &str| {
        p.get(k)
            .map(|v| v.to_string().trim_matches('"').to_string())
    };
    match (event.kind.as_str(), event.ticket_id) {
        ("escalation.created", Some(id)) => (
            format!(
                "Escalated: #{id} {}",
                event.subject.as_deref().unwrap_or("")
            ),
            format!(
                "Ticket #{id} was escalated to the {} queue (severity {}).\nRules: {}\n\nOpen it: {base_url}/inbox/{id}\n",
                text("queue").unwrap_or_default(),
                text("severity").unwrap_or_default(),
                p.get("rules")
                    .and_then(|r| r.as_array())
                    .map(|r| r.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
            ),
        ),
        _ => (
            format!("Alert: {}", text("title").unwrap_or_else(|| event.kind.clone())),
            format!(
                "TicketLens raised an alert.\n\n{}\n\nSee the alerts: {base_url}/alerts\n",
                serde_json::to_string_pretty(p).unwrap_or_default()
            ),
        ),
    }
}

/// Sends the e-mail outbox.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub settings: MailSettings,
    pub policy: Policy,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.settings.from.to_string())
            .finish()
    }
}

impl Mailer {
    pub fn new(settings: MailSettings, policy: Policy) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.url.expose())
            .map_err(|e| anyhow::anyhow!("TICKETLENS_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(policy.timeout))
            .build();
        Ok(Mailer {
            transport,
            settings,
            policy,
        })
    }

    /// Queues notifications of new escalations and spikes, then sends one batch of due
    /// e-mail; returns how many it handled.
    pub async fn step(&self, pool: &PgPool) -> anyhow::Result<usize> {
        let mut handled = 0;
        if let Some(to) = &self.settings.notify {
            for event in store::unnotified(pool, Duration::from_secs(3600)).await? {
                let (subject, body) = compose_notification(&event, &self.settings.public_url);
                let id = self.settings.message_id();
                store::queue_notification(pool, &event, &to.to_string(), &subject, &body, &id)
                    .await?;
                handled += 1;
            }
        }
        let lease = self.policy.timeout * 2 + Duration::from_secs(30);
        let due = store::claim_due(pool, self.policy.batch, lease).await?;
        for mail in &due {
            let result = self.send(mail).await;
            let (error, retry) = match result {
                Ok(()) => (None, None),
                Err((why, transient)) => {
                    tracing::warn!(email = mail.id, attempt = mail.attempt, error = %why, "e-mail not sent");
                    let retry = (transient && mail.attempt < self.policy.max_attempts)
                        .then(|| self.policy.backoff(mail.attempt));
                    (Some(why), retry)
                }
            };
            store::finish(pool, mail.id, error.as_deref(), retry).await?;
        }
        Ok(handled + due.len())
    }

    /// Sends one e-mail; on failure, why and whether trying again may help.
    async fn send(&self, mail: &store::DueEmail) -> Result<(), (String, bool)> {
        let to: Mailbox = mail.to_address.parse().map_err(|e| {
            (
                format!("{:?} is not an address: {e}", mail.to_address),
                false,
            )
        })?;
        let message = Message::builder()
            .from(self.settings.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| (format!("cannot build the message: {e}"), false))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err((format!("{e}"), !e.is_permanent())),
        }
    }
}
