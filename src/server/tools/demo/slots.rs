//! The concrete details of one ticket ({order}, {amount}, {code}, ...) and template filling.

use super::catalog::{cat, LINES, PRODUCTS};
use super::people::{Customer, AGENTS};
use super::phrasing::{CONNECTIONS, FEATURES, PARTS};
use super::vocabulary::{one, Words};
use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

const SYSTEMS: Words = Words("details/systems");
const CODE_PREFIXES: Words = Words("details/error code prefixes");

/// Everything a template may mention; the same values are used by the ticket and its reply.
#[derive(Debug, Clone)]
pub(crate) struct Slots {
    pub product: &'static str,
    pub first: &'static str,
    pub name: String,
    pub email: String,
    pub agent: &'static str,
    order: String,
    invoice: String,
    amount: String,
    days: String,
    date: String,
    code: String,
    version: String,
    last4: String,
    tracking: String,
    serial: String,
    step: String,
    os: &'static str,
    net: &'static str,
    target: &'static str,
    part: &'static str,
    pub feature: &'static str,
    thing: &'static str,
}

fn digits(rng: &mut impl Rng, n: u32) -> String {
    format!(
        "{:0width$}",
        rng.gen_range(0..10u64.pow(n)),
        width = n as usize
    )
}

impl Slots {
    /// Draws the details of a ticket about `product` in `category`, created on `created`.
    pub fn draw(
        rng: &mut impl Rng,
        product: usize,
        category: usize,
        customer: &Customer,
        created: NaiveDate,
    ) -> Slots {
        let prod = &PRODUCTS[product];
        let line = prod.line;
        let price = match category {
            cat::BILLING if rng.gen_bool(0.3) => prod.price * 2.0,
            cat::BILLING => prod.price * rng.gen_range(1.05..1.6),
            _ => prod.price,
        };
        let (net, target) = CONNECTIONS[line]
            .choose(rng)
            .copied()
            .unwrap_or(("Wi-Fi", "my Wi-Fi"));
        let date = created - Duration::days(rng.gen_range(1..40));
        let code = format!("{}{}", one(rng, &CODE_PREFIXES), rng.gen_range(100..9999));
        Slots {
            product: prod.name,
            first: customer.first,
            name: customer.name.clone(),
            email: customer.email.clone(),
            agent: one(rng, &AGENTS),
            order: format!("#HD-{}", digits(rng, 6)),
            invoice: format!("INV-{}", digits(rng, 7)),
            amount: format!("${price:.2}"),
            days: rng.gen_range(2..=30).to_string(),
            date: date.format("%B %-d").to_string(),
            code,
            version: format!(
                "{}.{}.{}",
                rng.gen_range(3..7),
                rng.gen_range(0..10),
                rng.gen_range(0..10)
            ),
            last4: digits(rng, 4),
            tracking: format!("1Z{}", digits(rng, 10)),
            serial: format!("SN{:08X}", rng.gen::<u32>()),
            step: rng.gen_range(2..=6).to_string(),
            os: one(rng, &SYSTEMS),
            net,
            target,
            part: one(rng, &PARTS[line]),
            feature: one(rng, &FEATURES[line]),
            thing: if LINES[line].subscription {
                "subscription"
            } else {
                "Care+ plan"
            },
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "product" => self.product,
            "first" => self.first,
            "name" => &self.name,
            "email" => &self.email,
            "agent" => self.agent,
            "order" => &self.order,
            "invoice" => &self.invoice,
            "amount" => &self.amount,
            "days" => &self.days,
            "date" => &self.date,
            "code" => &self.code,
            "version" => &self.version,
            "last4" => &self.last4,
            "tracking" => &self.tracking,
            "serial" => &self.serial,
            "step" => &self.step,
            "os" => self.os,
            "net" => self.net,
            "target" => self.target,
            "part" => self.part,
            "feature" => self.feature,
            "thing" => self.thing,
            _ => return None,
        })
    }

    /// Replaces every `{key}` in `template`; unknown keys are kept as written.
    pub fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let key = &after[..close];
                    match self.get(key) {
                        Some(value) => out.push_str(value),
                        None => {
                            out.push('{');
                            out.push_str(key);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::tools::demo::people::CustomerPool;
    use crate::server::tools::demo::phrasing::TEXTS;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn slots(product: usize, category: usize) -> Slots {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let customer = CustomerPool::new(5, 100).customer(3);
        let day = NaiveDate::from_ymd_opt(2025, 5, 20).unwrap();
        Slots::draw(&mut rng, product, category, &customer, day)
    }

    #[test]
    fn fills_known_keys_and_keeps_unknown_ones() {
        let s = slots(0, cat::BILLING);
        assert_eq!(
            s.fill("Hi {first}, your {product}"),
            format!("Hi {}, your Lumen Hub 2", s.first)
        );
        assert_eq!(s.fill("{nope} and {"), "{nope} and {");
    }

    #[test]
    fn every_template_fills_completely() {
        for (c, text) in TEXTS.iter().enumerate() {
            let s = slots(c * 3, c);
            let all = [text.subjects, text.openers, text.details, text.asks];
            for t in all.iter().flat_map(|b| b.iter()) {
                let filled = s.fill(t);
                assert!(!filled.contains('{') && !filled.contains('}'), "{filled}");
            }
        }
    }
}
