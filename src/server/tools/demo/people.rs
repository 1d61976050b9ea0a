//! Who writes in and who answers: a skewed customer pool (computed, not stored) and the agents.

use super::vocabulary::Words;
use rand::Rng;

const FIRST: Words = Words("people/first names");

const LAST: Words = Words("people/last names");

/// Support agents who sign the replies.
pub(crate) const AGENTS: Words = Words("people/agents");

/// A customer, derived from the pool seed and a customer number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Customer {
    pub id: usize,
    pub first: &'static str,
    pub name: String,
    pub email: String,
}

/// The customer pool: about a quarter as many customers as tickets (at least 50), with
/// three tiers of contact frequency so that a few customers write in again and again.
#[derive(Debug, Clone)]
pub(crate) struct CustomerPool {
    seed: u64,
    size: usize,
}

/// SplitMix64: a stateless mixer, so a customer's name depends only on (seed, id).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl CustomerPool {
    pub fn new(seed: u64, tickets: usize) -> Self {
        CustomerPool {
            seed,
            size: (tickets / 4).max(50),
        }
    }

    /// A customer number: 15% of tickets come from the busiest 2% of customers, 35% from the
    /// next 18%, and half from the remaining 80%.
    pub fn pick_id(&self, rng: &mut impl Rng) -> usize {
        let heavy = (self.size / 50).max(1);
        let repeat = (self.size / 5).max(heavy + 1);
        let r: f64 = rng.gen();
        if r < 0.15 {
            rng.gen_range(0..heavy)
        } else if r < 0.50 {
            rng.gen_range(heavy..repeat)
        } else {
            rng.gen_range(repeat..self.size)
        }
    }

    /// A fixed number in [0, 1) per customer, used to give each customer a product they own.
    pub fn affinity(&self, id: usize) -> f64 {
        (mix(self.seed ^ mix(id as u64 ^ 0xa5a5)) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn customer(&self, id: usize) -> Customer {
        let h = mix(self.seed ^ mix(id as u64));
        let first = FIRST[(h % FIRST.len() as u64) as usize];
        let last = LAST[((h >> 20) % LAST.len() as u64) as usize];
        let domain = if (h >> 40).is_multiple_of(5) {
            "example.org"
        } else {
            "example.com"
        };
        let email = format!(
            "{}.{}{}@{}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase(),
            id + 1,
            domain
        );
        Customer {
            id,
            first,
            name: format!("{first} {last}"),
            email,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashSet;

    #[test]
    fn customers_are_stable_and_emails_unique() {
        let pool = CustomerPool::new(9, 4000);
        assert_eq!(pool.customer(17), pool.customer(17));
        let emails: HashSet<String> = (0..1000).map(|i| pool.customer(i).email).collect();
        assert_eq!(emails.len(), 1000);
        assert!(emails
            .iter()
            .all(|e| e.ends_with("@example.com") || e.ends_with("@example.org")));
    }

    #[test]
    fn small_pools_have_fifty_customers_and_ids_stay_in_range() {
        let pool = CustomerPool::new(1, 10);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let ids: HashSet<usize> = (0..5000).map(|_| pool.pick_id(&mut rng)).collect();
        assert!(ids.iter().all(|&i| i < 50));
        assert_eq!(ids.len(), 50);
    }
}
