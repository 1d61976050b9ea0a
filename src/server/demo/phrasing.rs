//! What customers write: sentence banks in category order and each product line's vocabulary.

use super::phrasing_devices as devices;
use super::phrasing_orders as orders;

/// The sentence banks of one category, in [`super::catalog::CATEGORIES`] order.
pub(crate) struct CategoryText {
    pub subjects: &'static [&'static str],
    /// The sentence that states the problem; every ticket has one.
    pub openers: &'static [&'static str],
    /// Extra facts the customer adds.
    pub details: &'static [&'static str],
    /// What the customer asks for.
    pub asks: &'static [&'static str],
}

pub(crate) const TEXTS: [&CategoryText; 10] = [
    &orders::BILLING,
    &orders::REFUND,
    &orders::SHIPPING,
    &devices::ACCOUNT,
    &devices::CONNECTIVITY,
    &devices::HARDWARE,
    &devices::SOFTWARE,
    &devices::SETUP,
    &devices::FEATURE,
    &orders::CANCELLATION,
];

/// Per product line (catalogue order): how a connection is named (adjective, target).
pub(crate) const CONNECTIONS: [&[(&str, &str)]; 6] = [
    &[
        ("Wi-Fi", "my Wi-Fi"),
        ("Wi-Fi", "the router"),
        ("network", "my home network"),
    ],
    &[("Bluetooth", "my phone"), ("Bluetooth", "my laptop")],
    &[("Bluetooth", "my phone"), ("Bluetooth", "the Pulse app")],
    &[
        ("Wi-Fi", "my Wi-Fi"),
        ("Wi-Fi", "the docking station"),
        ("Bluetooth", "my headphones"),
    ],
    &[
        ("Wi-Fi", "my Wi-Fi"),
        ("5G", "the mobile network"),
        ("Bluetooth", "my car"),
    ],
    &[("server", "the server"), ("network", "the service")],
];

/// Per product line: parts that break.
pub(crate) const PARTS: [&[&str]; 6] = [
    &[
        "power adapter",
        "status LED",
        "mounting bracket",
        "motion sensor",
        "reset button",
    ],
    &[
        "left earbud",
        "right earbud",
        "charging case",
        "headband",
        "volume button",
    ],
    &[
        "display",
        "heart-rate sensor",
        "strap clasp",
        "charging puck",
        "side button",
    ],
    &["keyboard", "hinge", "trackpad", "battery", "USB-C port"],
    &[
        "screen",
        "USB-C port",
        "rear camera",
        "battery",
        "power button",
    ],
    &["license key", "download"],
];

/// Per product line: features customers ask for.
pub(crate) const FEATURES: [&[&str]; 6] = [
    &[
        "a vacation mode",
        "schedules based on sunset",
        "scene support for multiple rooms",
        "a local-only mode without the cloud",
        "energy usage reports",
    ],
    &[
        "a custom equaliser",
        "multipoint pairing with three devices",
        "a low-latency gaming mode",
        "an adjustable noise cancelling level",
        "battery level on the case",
    ],
    &[
        "a sleep score history",
        "custom watch faces",
        "offline maps",
        "swim lap detection",
        "a silent alarm",
    ],
    &[
        "a battery care mode",
        "a backlit keyboard option",
        "more ports on the dock",
        "a quieter fan profile",
        "pen support",
    ],
    &[
        "a one-handed mode",
        "call recording",
        "a dual-SIM schedule",
        "a longer software update promise",
        "a night mode for the camera",
    ],
    &[
        "offline downloads",
        "a family plan",
        "shared folders",
        "a dark theme",
        "yearly billing with a discount",
    ],
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
