//! What customers write: sentence banks in category order and each product line's vocabulary
//! (`data/demo/tickets.txt` and `details.txt`).

use super::vocabulary::{Pairs, Words};

/// The sentence banks of one category, in [`super::catalog::CATEGORIES`] order.
#[derive(Clone, Copy)]
pub(crate) struct CategoryText {
    pub subjects: Words,
    /// The sentence that states the problem; every ticket has one.
    pub openers: Words,
    /// Extra facts the customer adds.
    pub details: Words,
    /// What the customer asks for.
    pub asks: Words,
}

/// The banks of a category in `data/demo/tickets.txt`.
macro_rules! category_text {
    ($name:literal) => {
        CategoryText {
            subjects: Words(concat!("tickets/", $name, ": subjects")),
            openers: Words(concat!("tickets/", $name, ": openers")),
            details: Words(concat!("tickets/", $name, ": details")),
            asks: Words(concat!("tickets/", $name, ": asks")),
        }
    };
}

pub(crate) const TEXTS: [CategoryText; 10] = [
    category_text!("billing"),
    category_text!("refund"),
    category_text!("shipping"),
    category_text!("account access"),
    category_text!("connectivity"),
    category_text!("hardware defect"),
    category_text!("software bug"),
    category_text!("setup"),
    category_text!("feature request"),
    category_text!("cancellation"),
];

/// Per product line (catalogue order): how a connection is named (adjective, target).
pub(crate) const CONNECTIONS: [Pairs; 6] = [
    Pairs("details/connections: Smart Home"),
    Pairs("details/connections: Audio"),
    Pairs("details/connections: Wearables"),
    Pairs("details/connections: Computing"),
    Pairs("details/connections: Mobile"),
    Pairs("details/connections: Software & Subscriptions"),
];

/// Per product line: parts that break.
pub(crate) const PARTS: [Words; 6] = [
    Words("details/parts: Smart Home"),
    Words("details/parts: Audio"),
    Words("details/parts: Wearables"),
    Words("details/parts: Computing"),
    Words("details/parts: Mobile"),
    Words("details/parts: Software & Subscriptions"),
];

/// Per product line: features customers ask for.
pub(crate) const FEATURES: [Words; 6] = [
    Words("details/features: Smart Home"),
    Words("details/features: Audio"),
    Words("details/features: Wearables"),
    Words("details/features: Computing"),
    Words("details/features: Mobile"),
    Words("details/features: Software & Subscriptions"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_enough_variety() {
        for text in TEXTS {
            assert!(text.subjects.len() >= 5);
            assert!(text.openers.len() >= 6);
            assert!(text.details.len() >= 4 && text.asks.len() >= 4);
        }
    }
}
