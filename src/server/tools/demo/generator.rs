//! The streaming ticket iterator: one seeded RNG, a few small tables, and no stored tickets.

use super::calendar::{
    category_season, day_sampler, first_day, hour_sampler, pick, Cdf, HISTORY_DAYS,
};
use super::catalog::{category_index, product_index, CATEGORIES, LINES, PRODUCTS};
use super::compose::{body, subject, Voice};
use super::incidents::{extra_tickets, plan, Scenario};
use super::lifecycle::outcome;
use super::mix::Labels;
use super::people::CustomerPool;
use super::replies::reply;
use super::slots::Slots;
use super::{DemoConfig, Incident};
use crate::domain::import::NewTicket;
use crate::domain::Status;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How many recent tickets are remembered for follow-ups by the same customer.
const RECENT: usize = 64;

/// A recent ticket a customer might write about again.
#[derive(Debug, Clone, Copy)]
struct Recent {
    customer: usize,
    product: usize,
    category: usize,
    day: i64,
}

/// Where a ticket comes from before its text and handling are drawn.
struct Draft {
    day: i64,
    product: usize,
    category: usize,
    customer: usize,
    follow_up: bool,
    scenario: Option<&'static Scenario>,
}

/// Yields `tickets` tickets: first the normal volume, then the incidents' extra tickets.
pub(crate) struct Generator {
    rng: ChaCha8Rng,
    seed: u64,
    start: NaiveDate,
    cutoff: DateTime<Utc>,
    total: usize,
    base: usize,
    next: usize,
    incidents: Vec<(Incident, &'static Scenario)>,
    days: Cdf,
    hours: Cdf,
    products: Cdf,
    customers: CustomerPool,
    recent: Vec<Recent>,
}

impl Generator {
    pub fn new(cfg: &DemoConfig) -> Self {
        let incidents = plan(cfg);
        let extra = extra_tickets(&incidents).min(cfg.tickets);
        let cutoff = super::cutoff(cfg);
        Generator {
            rng: ChaCha8Rng::seed_from_u64(cfg.seed),
            seed: cfg.seed,
            start: first_day(cfg.end),
            cutoff,
            total: cfg.tickets,
            base: cfg.tickets - extra,
            next: 0,
            incidents,
            days: day_sampler(cfg.end),
            hours: hour_sampler(),
            products: Cdf::new(PRODUCTS.iter().map(|p| p.weight)),
            customers: CustomerPool::new(cfg.seed, cfg.tickets),
            recent: Vec::with_capacity(RECENT),
        }
    }

    fn category_for(&mut self, product: usize, day: i64) -> usize {
        let date = self.start + Duration::days(day);
        let line = &LINES[PRODUCTS[product].line];
        let mut weights = line.category_weights;
        for (c, w) in weights.iter_mut().enumerate() {
            *w *= category_season(date, c);
        }
        pick(&mut self.rng, &weights)
    }

    /// A ticket of the normal volume: sometimes a follow-up on a recent ticket.
    fn base_draft(&mut self) -> Draft {
        if !self.recent.is_empty() && self.rng.gen_bool(0.08) {
            let r = self.recent[self.rng.gen_range(0..self.recent.len())];
            let day = (r.day + self.rng.gen_range(0..=4)).min(HISTORY_DAYS - 1);
            let category = if self.rng.gen_bool(0.8) {
                r.category
            } else {
                self.category_for(r.product, day)
            };
            return Draft {
                day,
                product: r.product,
                category,
                customer: r.customer,
                follow_up: true,
                scenario: None,
            };
        }
        let day = self.days.sample(&mut self.rng) as i64;
        let customer = self.customers.pick_id(&mut self.rng);
        // Half the time a customer writes about the product they own, otherwise about any other.
        let product = if self.rng.gen_bool(0.5) {
            self.products.at(self.customers.affinity(customer))
        } else {
            self.products.sample(&mut self.rng)
        };
        Draft {
            day,
            product,
            category: self.category_for(product, day),
            customer,
            follow_up: false,
            scenario: None,
        }
    }

    /// Incident ticket `j` (counted over all incidents): `extra_per_day` on each incident day.
    fn incident_draft(&mut self, mut j: usize) -> Draft {
        let mut chosen = None;
        for (incident, scenario) in &self.incidents {
            let per_day = incident.extra_per_day as usize;
            let count = per_day * incident.days as usize;
            if j < count {
                let day = (incident.start - self.start).num_days() + (j / per_day) as i64;
                chosen = Some((day, incident.product, incident.category, *scenario));
                break;
            }
            j -= count;
        }
        let Some((day, product, category, scenario)) = chosen else {
            // Unreachable: `base` leaves exactly the incidents' tickets for this method.
            return self.base_draft();
        };
        Draft {
            day,
            product: product_index(product).unwrap_or(0),
            category: category_index(category).unwrap_or(0),
            customer: self.customers.pick_id(&mut self.rng),
            follow_up: false,
            scenario: Some(scenario),
        }
    }

    fn build(&mut self, n: usize, d: Draft) -> NewTicket {
        let rng = &mut self.rng;
        let date = self.start + Duration::days(d.day);
        let time = NaiveTime::from_hms_opt(
            self.hours.sample(rng) as u32,
            rng.gen_range(0..60),
            rng.gen_range(0..60),
        )
        .unwrap_or(NaiveTime::MIN);
        let created = date.and_time(time).and_utc();
        let labels = Labels::draw(rng, d.category, d.follow_up, d.scenario.is_some());
        let (sentiment, escalate, priority, channel) = (
            labels.sentiment,
            labels.escalate,
            labels.priority,
            labels.channel,
        );
        let customer = self.customers.customer(d.customer);
        let slots = Slots::draw(rng, d.product, d.category, &customer, date);
        let voice = Voice {
            category: d.category,
            sentiment,
            escalate,
            follow_up: d.follow_up,
            causes: d.scenario.map(|s| s.causes),
            channel,
        };
        let subject = subject(rng, &voice, &slots);
        let body = body(rng, &voice, &slots);
        let out = outcome(rng, created, self.cutoff, priority, sentiment, escalate);
        let agent_reply = matches!(out.status, Status::Resolved | Status::Closed).then(|| {
            let explanation = d.scenario.map(|s| s.explanation);
            reply(rng, d.category, sentiment, explanation, &slots)
        });
        let recent = Recent {
            customer: d.customer,
            product: d.product,
            category: d.category,
            day: d.day,
        };
        if self.recent.len() < RECENT {
            self.recent.push(recent);
        } else {
            self.recent[n % RECENT] = recent;
        }
        let product = &PRODUCTS[d.product];
        NewTicket {
            external_id: format!("DEMO-{}-{n:07}", self.seed),
            subject,
            body,
            customer_ref: Some(customer.email.clone()),
            customer_name: Some(customer.name),
            customer_email: Some(customer.email),
            product: Some(product.name.to_string()),
            product_line: Some(LINES[product.line].name.to_string()),
            channel,
            priority,
            status: out.status,
            category: Some(CATEGORIES[d.category].to_string()),
            language: Some("en".to_string()),
            created_at: created,
            first_response_at: out.first_response_at,
            resolved_at: out.resolved_at,
            csat: out.csat,
            agent: out.first_response_at.map(|_| slots.agent.to_string()),
            agent_reply,
            sentiment: Some(sentiment),
            escalate: Some(escalate),
        }
    }
}

impl Iterator for Generator {
    type Item = NewTicket;

    fn next(&mut self) -> Option<NewTicket> {
        if self.next >= self.total {
            return None;
        }
        let n = self.next;
        self.next += 1;
        let draft = if n < self.base {
            self.base_draft()
        } else {
            self.incident_draft(n - self.base)
        };
        Some(self.build(n, draft))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}
