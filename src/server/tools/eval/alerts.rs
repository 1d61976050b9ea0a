//! `ticketlens eval-alerts`: spike detection on generated demo data sets, counting injected incidents found and alerts raised in quiet periods.

use crate::domain::alerts::detect::{spike_findings, Finding, Subject};
use crate::domain::alerts::spikes::SpikeParams;
use crate::server::tools::demo::{self, DemoConfig, Incident};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap};

#[derive(clap::Args, Debug)]
pub struct AlertEvalArgs {
    /// Demo tickets per data set.
    #[arg(long, default_value_t = 3000)]
    tickets: usize,
    /// Seeds 1..=N.
    #[arg(long, default_value_t = 10)]
    seeds: u64,
    /// Last days of the data sets (each seed is generated once per end date).
    #[arg(long, value_delimiter = ',', default_value = "2026-11-23,2025-06-30")]
    ends: Vec<NaiveDate>,
}

/// The demo's holiday rush, where shipping and refund tickets rise by design.
pub fn in_holiday_season(day: NaiveDate) -> bool {
    matches!((day.month(), day.day()), (11, d) if d >= 14)
        || day.month() == 12
        || matches!((day.month(), day.day()), (1, d) if d <= 20)
}

/// Whether a spike is about this incident: its product, category or both, on its days or the
/// four after them (customers write again about an incident).
pub fn explains(inc: &Incident, subject: &Subject, names: &[String], f: &Finding) -> bool {
    let name = |id: Option<i64>| id.and_then(|i| names.get(i as usize)).map(String::as_str);
    let related = name(subject.product_id) == Some(inc.product)
        || subject.category.as_deref() == Some(inc.category);
    let last = inc.start + Duration::days(i64::from(inc.days) - 1 + 4);
    related && f.since <= last && f.until >= inc.start
}

/// Incidents, incidents found (as a product × category spike on their days), alerts, false alarms.
type Tally = (usize, usize, usize, usize);

fn one(cfg: &DemoConfig, verbose: bool) -> Tally {
    let start = cfg.end - Duration::days(364);
    let mut names: Vec<String> = Vec::new();
    let mut ids: HashMap<String, i64> = HashMap::new();
    let mut series: BTreeMap<Subject, Vec<i64>> = BTreeMap::new();
    let mut total = vec![0; 365];
    for t in demo::generate(cfg) {
        let d = (t.created_at.date_naive() - start).num_days() as usize;
        total[d] += 1;
        let product = t.product.map(|p| {
            *ids.entry(p.clone()).or_insert_with(|| {
                names.push(p);
                names.len() as i64 - 1
            })
        });
        for (product_id, category) in [
            (product, None),
            (None, t.category.clone()),
            (product, t.category.clone()),
        ] {
            if product_id.is_none() && category.is_none() {
                continue;
            }
            let subject = Subject {
                product_id,
                category,
                cluster_id: None,
            };
            series.entry(subject).or_insert_with(|| vec![0; 365])[d] += 1;
        }
    }
    let found = spike_findings(&series, &total, start, &SpikeParams::default());
    let incidents = demo::incidents(cfg);
    let mut hit = 0;
    for inc in &incidents {
        let found_it = found.iter().any(|f| {
            f.subject.category.as_deref() == Some(inc.category)
                && f.subject
                    .product_id
                    .and_then(|i| names.get(i as usize))
                    .map(String::as_str)
                    == Some(inc.product)
                && f.since <= inc.start + Duration::days(i64::from(inc.days) - 1)
                && f.until >= inc.start
        });
        if found_it {
            hit += 1;
        } else if verbose {
            println!("  missed: {inc:?}");
        }
    }
    let mut false_alarms = 0;
    for f in &found {
        let explained = incidents.iter().any(|i| explains(i, &f.subject, &names, f));
        let holiday = in_holiday_season(f.since) || in_holiday_season(f.until);
        if !explained && !holiday {
            false_alarms += 1;
            if verbose {
                let product = f.subject.product_id.and_then(|i| names.get(i as usize));
                println!(
                    "  false alarm: {product:?} {:?} {} – {}: {} tickets, {:.1} expected, p {:.1e}",
                    f.subject.category,
                    f.since,
                    f.until,
                    f.tickets,
                    f.expected,
                    f.p_value.unwrap_or(1.0)
                );
            }
        }
    }
    (incidents.len(), hit, found.len(), false_alarms)
}

pub fn run(args: AlertEvalArgs) -> anyhow::Result<()> {
    let mut sum: Tally = (0, 0, 0, 0);
    println!(
        "{:>9} {:>5} {:>10} {:>10} {:>6} {:>7} {:>12}",
        "tickets", "seed", "end", "incidents", "found", "alerts", "false alarms"
    );
    for seed in 1..=args.seeds {
        for &end in &args.ends {
            let cfg = DemoConfig {
                tickets: args.tickets,
                seed,
                end,
            };
            let t = one(&cfg, true);
            println!(
                "{:>9} {:>5} {:>10} {:>10} {:>6} {:>7} {:>12}",
                args.tickets, seed, end, t.0, t.1, t.2, t.3
            );
            sum = (sum.0 + t.0, sum.1 + t.1, sum.2 + t.2, sum.3 + t.3);
        }
    }
    println!(
        "total: {} incidents, {} found; {} alerts, {} in quiet periods (outside incidents and the holiday rush)",
        sum.0, sum.1, sum.2, sum.3
    );
    Ok(())
}
