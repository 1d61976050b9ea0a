//! `bench assignment`: a team of agents with capacities and away periods takes simulated
//! arrivals under each assignment policy (the same `pick` the queues use): the spread of load,
//! whether anyone ever went over capacity, and how long tickets waited for a free agent.

use crate::domain::assignment::{pick, Candidate, Policy};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

#[derive(clap::Args)]
pub struct AssignmentArgs {
    /// Tickets arriving over the simulation.
    #[arg(long, default_value_t = 10_000)]
    pub arrivals: usize,
    /// Agents, with capacities cycling through 4, 6, 8 and 10.
    #[arg(long, default_value_t = 8)]
    pub agents: usize,
    /// Mean minutes between arrivals.
    #[arg(long, default_value_t = 2.0)]
    pub every: f64,
    /// Mean minutes an agent takes to resolve a ticket.
    #[arg(long, default_value_t = 90.0)]
    pub work: f64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// What one policy did over the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Tickets each agent was given.
    pub given: Vec<u64>,
    /// Given per hour available, max − min over the agents.
    pub rate_spread: f64,
    /// Open load over capacity at the worst moment (0 or less: never over).
    pub worst_over: i64,
    /// Largest spread of open load (max − min) among available agents at any moment.
    pub load_spread_max: i64,
    pub mean_wait: f64,
    pub p95_wait: f64,
}

struct Agent {
    capacity: i64,
    /// (resolve at minute) of each open ticket.
    open: Vec<u64>,
    available_minutes: u64,
}

/// Whether agent `i` is away at `minute`: each agent is away four hours a day, starting at a
/// different hour, and away the whole of one day in eight.
fn away(i: usize, minute: u64) -> bool {
    let day = minute / 1440;
    let hour = (minute % 1440) / 60;
    let start = (3 * i as u64) % 24;
    (day + i as u64).is_multiple_of(8) || (hour + 24 - start) % 24 < 4
}

/// Runs the simulation for one policy; away agents hand back their open tickets.
pub fn simulate(policy: Policy, args: &AssignmentArgs) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut agents: Vec<Agent> = (0..args.agents)
        .map(|i| Agent {
            capacity: [4, 6, 8, 10][i % 4],
            open: Vec::new(),
            available_minutes: 0,
        })
        .collect();
    let exp = |mean: f64, rng: &mut ChaCha8Rng| -> u64 {
        let u: f64 = rng.gen_range(f64::EPSILON..1.0);
        (-u.ln() * mean).ceil() as u64
    };
    let mut arrivals = Vec::with_capacity(args.arrivals);
    let mut at = 0;
    for _ in 0..args.arrivals {
        at += exp(args.every, &mut rng);
        arrivals.push((at, exp(args.work, &mut rng)));
    }
    let mut next = 0;
    // (arrived at, work minutes) of tickets waiting for an agent.
    let mut queue: VecDeque<(u64, u64)> = VecDeque::new();
    let mut given = vec![0u64; args.agents];
    let mut waits: Vec<u64> = Vec::with_capacity(args.arrivals);
    let (mut worst_over, mut load_spread_max) = (i64::MIN, 0);
    let mut last = None;
    let mut minute = 0;
    while next < arrivals.len() || !queue.is_empty() {
        for (i, a) in agents.iter_mut().enumerate() {
            a.open.retain(|done| *done > minute);
            if away(i, minute) {
                // Handed back: the work left goes back to the head of the queue.
                for done in a.open.drain(..) {
                    queue.push_front((minute, done - minute));
                }
            } else {
                a.available_minutes += 1;
            }
        }
        while next < arrivals.len() && arrivals[next].0 <= minute {
            queue.push_back(arrivals[next]);
            next += 1;
        }
        while let Some(&(arrived, work)) = queue.front() {
            let team: Vec<Candidate> = agents
                .iter()
                .enumerate()
                .filter(|(i, _)| !away(*i, minute))
                .map(|(i, a)| Candidate {
                    id: i as i64,
                    load: a.open.len() as i64,
                    capacity: a.capacity,
                })
                .collect();
            let Some(id) = pick(policy, &team, last) else {
                break;
            };
            queue.pop_front();
            let a = &mut agents[id as usize];
            a.open.push(minute + work.max(1));
            given[id as usize] += 1;
            waits.push(minute - arrived);
            last = Some(id);
        }
        let loads: Vec<i64> = agents
            .iter()
            .enumerate()
            .filter(|(i, _)| !away(*i, minute))
            .map(|(_, a)| a.open.len() as i64)
            .collect();
        for a in &agents {
            worst_over = worst_over.max(a.open.len() as i64 - a.capacity);
        }
        if let (Some(max), Some(min)) = (loads.iter().max(), loads.iter().min()) {
            load_spread_max = load_spread_max.max(max - min);
        }
        minute += 1;
    }
    let rates: Vec<f64> = agents
        .iter()
        .zip(&given)
        .map(|(a, g)| *g as f64 / (a.available_minutes.max(1) as f64 / 60.0))
        .collect();
    let spread = rates.iter().cloned().fold(f64::MIN, f64::max)
        - rates.iter().cloned().fold(f64::MAX, f64::min);
    waits.sort_unstable();
    let mean_wait = waits.iter().sum::<u64>() as f64 / waits.len().max(1) as f64;
    let p95_wait = waits
        .get((waits.len() as f64 * 0.95) as usize)
        .copied()
        .unwrap_or(0) as f64;
    Outcome {
        given,
        rate_spread: spread,
        worst_over,
        load_spread_max,
        mean_wait,
        p95_wait,
    }
}

pub fn run(args: AssignmentArgs) -> anyhow::Result<()> {
    println!(
        "{} arrivals (one every {} min on average), {} agents (capacity 4/6/8/10, away 4 h a day and one day in eight, tickets handed back), work {} min on average, seed {}\n",
        args.arrivals, args.every, args.agents, args.work, args.seed
    );
    println!("| policy | tickets per agent (min – max) | per available hour, max − min | open-load spread, worst moment | worst load over capacity | mean wait | p95 wait |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for policy in [Policy::RoundRobin, Policy::LeastLoaded] {
        let o = simulate(policy, &args);
        let (min, max) = (
            o.given.iter().min().copied().unwrap_or(0),
            o.given.iter().max().copied().unwrap_or(0),
        );
        println!(
            "| {} | {min} – {max} | {:.2} | {} | {} | {:.1} min | {:.0} min |",
            policy.label(),
            o.rate_spread,
            o.load_spread_max,
            o.worst_over,
            o.mean_wait,
            o.p95_wait
        );
        anyhow::ensure!(
            o.worst_over <= 0,
            "{} put an agent over capacity",
            policy.label()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_policy_ever_puts_an_agent_over_capacity_and_least_loaded_spreads_evenly() {
        let args = AssignmentArgs {
            arrivals: 1_500,
            agents: 8,
            every: 2.0,
            work: 90.0,
            seed: 3,
        };
        let rr = simulate(Policy::RoundRobin, &args);
        let ll = simulate(Policy::LeastLoaded, &args);
        assert!(rr.worst_over <= 0 && ll.worst_over <= 0, "{rr:?} {ll:?}");
        assert!(rr.given.iter().all(|g| *g > 0), "{rr:?}");
        // Least loaded keeps open loads closer together than taking turns does.
        assert!(ll.load_spread_max <= rr.load_spread_max, "{rr:?} {ll:?}");
    }
}
