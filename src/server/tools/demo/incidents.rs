//! The injected incidents: what can go wrong (scenarios with their wording) and when it happens.

use super::calendar::HISTORY_DAYS;
use super::catalog::{category_index, product_index, share};
use super::{DemoConfig, Incident};
use chrono::Duration;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Something that breaks for one product and floods one category.
pub(crate) struct Scenario {
    pub product: &'static str,
    pub category: &'static str,
    /// Sentences customers use to name the cause, in varied phrasing.
    pub causes: &'static [&'static str],
    /// What agents tell affected customers once the cause is known.
    pub explanation: &'static str,
}

pub(crate) const SCENARIOS: &[Scenario] = &[
    Scenario {
        product: "Lumen Hub 2",
        category: "connectivity",
        causes: &[
            "It started right after the firmware 4.2 update.",
            "Ever since the hub installed firmware 4.2 it keeps dropping off the network.",
            "This began the night the 4.2 firmware update was pushed.",
            "I think the latest firmware update (4.2) broke something.",
            "My neighbour has the same hub and the same problem since the update.",
        ],
        explanation: "A bug in firmware 4.2 made some hubs drop their Wi-Fi connection; \
                      firmware 4.2.1 fixes it and is rolling out now.",
    },
    Scenario {
        product: "StreamPass Premium",
        category: "billing",
        causes: &[
            "My bank statement shows the same charge twice on the same day.",
            "It looks like your new billing system charged me twice this month.",
            "There are two identical payments for this month instead of one.",
            "Since the change to the new pricing I see a double charge.",
        ],
        explanation: "A fault in our payment processor charged some subscribers twice during \
                      this month's billing run; the duplicate charge is being refunded automatically.",
    },
    Scenario {
        product: "Aria Buds Pro",
        category: "hardware defect",
        causes: &[
            "The charging case no longer charges the left earbud.",
            "Looks like a bad batch: the left bud will not charge in the case anymore.",
            "I read online that many recent Buds Pro have the same charging fault with the left bud.",
            "The left earbud dies after a few minutes because the case stopped charging it.",
        ],
        explanation: "We identified a faulty batch of charging cases that stop charging the \
                      left earbud; we are replacing affected cases free of charge.",
    },
    Scenario {
        product: "Pulse Watch 3",
        category: "software bug",
        causes: &[
            "Since the Pulse app update 5.1 the app crashes whenever the watch syncs.",
            "The companion app crashes on every sync since the last update.",
            "After updating the app to version 5.1 my workout history stopped syncing.",
            "Version 5.1 of the app freezes during sync every single time.",
        ],
        explanation: "Version 5.1 of the Pulse app introduced a crash during sync; version \
                      5.1.2 fixes it and your data is safe on the watch.",
    },
    Scenario {
        product: "Nimbus Cloud Backup",
        category: "account access",
        causes: &[
            "Since your sign-in page changed this week it rejects my verification code.",
            "The new two-step sign-in keeps saying my code is invalid.",
            "This looks like the sign-in outage other users are posting about.",
            "Every verification code I receive is rejected since Monday.",
        ],
        explanation: "A change to our sign-in service rejected valid verification codes; the \
                      change has been rolled back and codes work again.",
    },
    Scenario {
        product: "Vega Phone 12",
        category: "shipping",
        causes: &[
            "The tracking has not moved since the parcel left your warehouse.",
            "I heard your courier has a backlog with phone deliveries this week.",
            "The delivery date keeps getting pushed back without any explanation.",
            "Several people on the forum are waiting for their Vega Phone 12 as well.",
        ],
        explanation: "A fault at our fulfilment partner's sorting centre delayed Vega Phone 12 \
                      parcels by a few days; shipments are moving again.",
    },
];

/// The incidents of a configuration together with their scenarios.
pub(crate) fn plan(cfg: &DemoConfig) -> Vec<(Incident, &'static Scenario)> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x1c1d_e475_0000_0001);
    let count = if rng.gen_bool(0.5) { 2 } else { 3 };
    let mut order: Vec<usize> = (0..SCENARIOS.len()).collect();
    order.shuffle(&mut rng);
    // Days before `end` where each incident may start: one recent, one mid-year, one early.
    let windows: [(i64, i64); 3] = [(14, 55), (100, 170), (220, HISTORY_DAYS - 20)];
    let mut planned: Vec<(Incident, &'static Scenario)> = Vec::new();
    for (slot, &index) in order.iter().take(count).enumerate() {
        let scenario = &SCENARIOS[index];
        let days: u32 = rng.gen_range(3..=6);
        let (lo, hi) = windows[slot];
        // Ends at least a week before `end`, starts within the window.
        let offset = rng.gen_range(lo.max(i64::from(days) + 7)..=hi);
        let start = cfg.end - Duration::days(offset);
        let base_rate = match (
            product_index(scenario.product),
            category_index(scenario.category),
        ) {
            (Some(p), Some(c)) => cfg.tickets as f64 * share(p, c) / HISTORY_DAYS as f64,
            _ => 0.0,
        };
        let multiple: f64 = rng.gen_range(4.0..7.0);
        let extra = ((base_rate * multiple).ceil() as u32).max(3);
        let incident = Incident {
            product: scenario.product,
            category: scenario.category,
            start,
            days,
            extra_per_day: extra,
        };
        planned.push((incident, scenario));
    }
    // Incidents never take more than a tenth of the tickets (matters only for tiny demos).
    let budget = (cfg.tickets / 10) as f64;
    let total: f64 = planned
        .iter()
        .map(|(i, _)| f64::from(i.extra_per_day * i.days))
        .sum();
    if total > budget {
        let factor = budget / total;
        for (incident, _) in &mut planned {
            incident.extra_per_day = (f64::from(incident.extra_per_day) * factor).floor() as u32;
        }
    }
    planned
}

/// Number of tickets the incidents add on top of the normal volume.
pub(crate) fn extra_tickets(planned: &[(Incident, &'static Scenario)]) -> usize {
    planned
        .iter()
        .map(|(i, _)| i.extra_per_day as usize * i.days as usize)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn cfg(tickets: usize, seed: u64) -> DemoConfig {
        let end = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        DemoConfig { tickets, seed, end }
    }

    #[test]
    fn scenarios_name_real_products_and_categories() {
        for s in SCENARIOS {
            let (p, c) = (product_index(s.product), category_index(s.category));
            assert!(p.is_some() && c.is_some(), "{} / {}", s.product, s.category);
            assert!(share(p.unwrap(), c.unwrap()) > 0.0);
        }
    }

    #[test]
    fn incidents_fall_inside_the_year_and_one_is_recent() {
        for seed in 0..50 {
            let c = cfg(20_000, seed);
            let planned = plan(&c);
            assert!((2..=3).contains(&planned.len()));
            for (i, _) in &planned {
                let last = i.start + Duration::days(i64::from(i.days) - 1);
                assert!(i.start >= c.end - Duration::days(HISTORY_DAYS - 1));
                assert!(last <= c.end - Duration::days(7), "{seed}: {last}");
                assert!((3..=6).contains(&i.days) && i.extra_per_day >= 3);
            }
            assert!(planned
                .iter()
                .any(|(i, _)| i.start >= c.end - Duration::days(59)));
        }
    }

    #[test]
    fn tiny_demos_keep_incidents_within_budget() {
        let planned = plan(&cfg(50, 7));
        assert!(extra_tickets(&planned) <= 5);
        assert!(extra_tickets(&plan(&cfg(0, 7))) == 0);
    }
}
