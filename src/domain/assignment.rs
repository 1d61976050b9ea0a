//! Who gets a queue's next escalation: nobody (manual), the next available agent in turn
//! (round-robin), or the least-loaded one; never an agent already at their capacity.

use serde::{Deserialize, Serialize};

/// How a queue hands out new escalations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Agents claim tickets themselves.
    #[default]
    Manual,
    /// Each available agent in turn (skipping those at capacity).
    RoundRobin,
    /// The available agent with the fewest open escalations (ties in turn).
    LeastLoaded,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::Manual, Policy::RoundRobin, Policy::LeastLoaded];

    pub fn name(self) -> &'static str {
        match self {
            Policy::Manual => "manual",
            Policy::RoundRobin => "round_robin",
            Policy::LeastLoaded => "least_loaded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Policy::Manual => "Manual (agents claim)",
            Policy::RoundRobin => "Round-robin",
            Policy::LeastLoaded => "Least loaded",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Policy::ALL.into_iter().find(|p| p.name() == name.trim())
    }
}

/// What happens to an agent's open escalations when they go away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwayPolicy {
    /// They stay theirs.
    #[default]
    Keep,
    /// They go back to the queue and are assigned again.
    HandBack,
}

impl AwayPolicy {
    pub fn name(self) -> &'static str {
        match self {
            AwayPolicy::Keep => "keep",
            AwayPolicy::HandBack => "hand_back",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [AwayPolicy::Keep, AwayPolicy::HandBack]
            .into_iter()
            .find(|p| p.name() == name.trim())
    }
}

/// An available agent who could take the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    /// Open escalations assigned to them now (in every queue).
    pub load: i64,
    /// Open escalations they take at most.
    pub capacity: i64,
}

impl Candidate {
    fn has_room(&self) -> bool {
        self.load < self.capacity
    }
}

/// The agent to give the next ticket, `last` being the one the queue gave its previous ticket
/// to; `None` when the policy is manual or nobody available has room (the ticket waits).
pub fn pick(policy: Policy, candidates: &[Candidate], last: Option<i64>) -> Option<i64> {
    // Turn order: ids after `last` first, then from the start again.
    let turn = |id: i64| (last.is_some_and(|l| id <= l), id);
    let with_room = candidates.iter().filter(|c| c.has_room());
    match policy {
        Policy::Manual => None,
        Policy::RoundRobin => with_room.min_by_key(|c| turn(c.id)).map(|c| c.id),
        Policy::LeastLoaded => with_room.min_by_key(|c| (c.load, turn(c.id))).map(|c| c.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents(loads: &[(i64, i64)]) -> Vec<Candidate> {
        loads
            .iter()
            .enumerate()
            .map(|(i, (load, capacity))| Candidate {
                id: i as i64 + 1,
                load: *load,
                capacity: *capacity,
            })
            .collect()
    }

    #[test]
    fn round_robin_takes_turns_and_skips_full_agents() {
        let team = agents(&[(0, 5), (9, 9), (3, 5)]);
        assert_eq!(pick(Policy::RoundRobin, &team, None), Some(1));
        assert_eq!(
            pick(Policy::RoundRobin, &team, Some(1)),
            Some(3),
            "2 is full"
        );
        assert_eq!(pick(Policy::RoundRobin, &team, Some(3)), Some(1), "wraps");
        // The previous agent left the team: the next id in turn.
        assert_eq!(pick(Policy::RoundRobin, &team, Some(2)), Some(3));
    }

    #[test]
    fn least_loaded_picks_the_lightest_and_breaks_ties_in_turn() {
        let team = agents(&[(2, 5), (1, 5), (1, 5), (0, 0)]);
        assert_eq!(pick(Policy::LeastLoaded, &team, None), Some(2));
        assert_eq!(pick(Policy::LeastLoaded, &team, Some(2)), Some(3));
        assert_eq!(pick(Policy::LeastLoaded, &team, Some(3)), Some(2));
    }

    #[test]
    fn nobody_gets_a_ticket_over_capacity_or_under_manual() {
        let full = agents(&[(5, 5), (2, 2)]);
        assert_eq!(pick(Policy::RoundRobin, &full, None), None);
        assert_eq!(pick(Policy::LeastLoaded, &full, None), None);
        assert_eq!(pick(Policy::Manual, &agents(&[(0, 5)]), None), None);
        assert_eq!(pick(Policy::RoundRobin, &[], None), None);
    }

    #[test]
    fn policies_read_back_their_names() {
        for p in Policy::ALL {
            assert_eq!(Policy::parse(p.name()), Some(p));
        }
        assert_eq!(AwayPolicy::parse("hand_back"), Some(AwayPolicy::HandBack));
        assert_eq!(Policy::parse("random"), None);
    }
}
