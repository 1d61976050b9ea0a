//! The agents' answers on resolved tickets: polite, category-specific, addressed by first name.

use super::slots::Slots;
use crate::domain::SentimentLabel;
use rand::seq::SliceRandom;
use rand::Rng;

const OPENINGS: &[&str] = &[
    "Hi {first},",
    "Hello {first},",
    "Dear {first},",
    "Hi {first}, I hope you are well.",
];

const THANKS: &[&str] = &[
    "Thank you for contacting us about your {product}.",
    "Thanks for reaching out about the {product}.",
    "Thank you for your patience while we looked into this.",
    "Thanks for the details about your {product}, they helped a lot.",
];

const APOLOGIES: &[&str] = &[
    "I'm sorry for the trouble this has caused.",
    "I completely understand your frustration, and I apologise.",
    "I'm sorry this took longer than it should have.",
    "Please accept our apologies for the inconvenience.",
];

const KIND_WORDS: &[&str] = &[
    "Thank you for the kind words, it means a lot to the team!",
    "We're really glad you enjoy the {product}!",
];

/// Resolutions per category, in [`super::catalog::CATEGORIES`] order.
const RESOLUTIONS: [&[&str]; 10] = [
    &[
        "I checked your account and corrected the charge of {amount}; an updated invoice is on its way.",
        "The extra payment of {amount} has been reversed and should show on your card ending {last4} within 3-5 business days.",
        "I've updated your billing details and credited {amount} to your account.",
    ],
    &[
        "Your refund of {amount} for order {order} has been issued and should reach your original payment method within 5 business days.",
        "I've pushed the refund through manually; you'll receive a confirmation email shortly.",
        "The return was processed and {amount} is on its way back to your card.",
    ],
    &[
        "I contacted the courier: your parcel {tracking} is moving again and should arrive within 2 business days.",
        "I've sent a replacement {product} by express delivery at no cost; the new tracking number follows by email.",
        "The courier confirmed a delay at their depot; your order {order} is now out for delivery.",
    ],
    &[
        "I've unlocked your account and sent a fresh password reset link to {email}.",
        "I reset the two-step verification on your account, so new codes should arrive normally.",
        "Your sign-in works again; please choose a new password the next time you log in.",
    ],
    &[
        "Please update the {product} to the latest firmware and pair it again; this fixes the dropped connections you described.",
        "Setting your router to a fixed channel usually stabilises the {net} connection; the steps are below.",
        "A reset of the network settings on the {product} solved the disconnects in our tests.",
    ],
    &[
        "I've arranged a free warranty replacement for your {product}; a prepaid return label is attached.",
        "Our repair team will fix the {part} under warranty; please use the attached shipping label.",
        "A replacement {product} has been approved and ships within 2 business days.",
    ],
    &[
        "Our engineers confirmed the bug, and the latest app update fixes it; please update and restart the {product}.",
        "I've forwarded your crash report to the developers; reinstalling the app restores your settings in the meantime.",
        "Version {version} contained this bug; the update released today resolves it.",
    ],
    &[
        "Here is a step-by-step guide for setting up the {product}; step {step} needs the app to have location access.",
        "I've booked a short setup call with our team; you will receive an invitation by email.",
        "Holding the button for ten seconds restarts the setup; after that it should complete normally.",
    ],
    &[
        "I've shared your idea about {feature} with our product team.",
        "Good news: {feature} is already on our list, and your vote has been added.",
        "I can't promise a date, but I've logged {feature} as a feature request for the {product}.",
    ],
    &[
        "Your {product} {thing} is cancelled and you will not be charged again; the confirmation is on its way.",
        "I've stopped the renewal; your {thing} stays active until the end of the current period.",
        "The cancellation is confirmed and nothing further will be billed.",
    ],
];

const CLOSINGS: &[&str] = &[
    "Let us know if there is anything else we can do.",
    "If the problem comes back, just reply to this email.",
    "Have a great day!",
    "We're here if you need anything else.",
];

const SIGNATURES: &[&str] = &[
    "Best regards,\n{agent}\nHalcyon Support",
    "Kind regards,\n{agent} | Halcyon Customer Care",
    "Thanks,\n{agent}",
];

fn one(rng: &mut impl Rng, bank: &[&'static str]) -> &'static str {
    bank.choose(rng).copied().unwrap_or("")
}

/// The reply to a resolved ticket; `explanation` is the incident's cause, when there is one.
pub(crate) fn reply(
    rng: &mut impl Rng,
    category: usize,
    sentiment: SentimentLabel,
    explanation: Option<&str>,
    slots: &Slots,
) -> String {
    let mut middle = vec![one(rng, THANKS)];
    match sentiment {
        SentimentLabel::Negative => middle.push(one(rng, APOLOGIES)),
        SentimentLabel::Positive => middle.push(one(rng, KIND_WORDS)),
        SentimentLabel::Neutral => {}
    }
    if let Some(text) = explanation {
        middle.push(text);
    }
    middle.push(one(rng, RESOLUTIONS[category]));
    middle.push(one(rng, CLOSINGS));
    let text: Vec<String> = middle.iter().map(|s| slots.fill(s)).collect();
    format!(
        "{}\n\n{}\n\n{}",
        slots.fill(one(rng, OPENINGS)),
        text.join(" "),
        slots.fill(one(rng, SIGNATURES))
    )
}
