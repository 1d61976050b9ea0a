//! How a ticket sounds: sentiment phrases (strong, mild, negated), escalations, greetings, sign-offs.

use super::catalog::cat;

/// Clearly negative: anger, exclamation marks, the odd word in capitals.
pub(crate) const NEGATIVE_STRONG: &[&str] = &[
    "This is absolutely unacceptable!",
    "I am extremely frustrated with this!!",
    "Worst purchase I have made in years.",
    "THIS IS RIDICULOUS.",
    "Your service is terrible.",
    "I'm furious that nobody has fixed this yet!",
    "What a complete waste of money!",
    "I am so angry right now.",
    "Seriously, how hard can this be?!",
    "Terrible experience from start to finish.",
    "I have NEVER had such awful support.",
    "This is a disgrace for a {product} at this price!",
    "I'm fed up with this nonsense.",
    "Honestly this is pathetic.",
];

/// Negative but mild, including negations such as "not happy".
pub(crate) const NEGATIVE_MILD: &[&str] = &[
    "I'm a bit disappointed, to be honest.",
    "This is not what I expected from the {product}.",
    "Honestly, I'm not happy about this.",
    "It's quite annoying.",
    "This is rather frustrating.",
    "Not impressed so far.",
    "I expected better from you.",
    "This is getting tiresome.",
    "I'm not satisfied with how this has been handled.",
    "It's a shame, because I was looking forward to using it.",
    "Frankly, this is a poor experience.",
    "It's inconvenient and it wastes my time.",
];

/// Neutral courtesy lines that carry no opinion.
pub(crate) const NEUTRAL: &[&str] = &[
    "Please let me know if you need more details.",
    "I can send screenshots if that helps.",
    "I'm available most afternoons if a call is easier.",
    "The purchase was made through your online store.",
    "My customer number should be on file.",
    "I have attached the receipt to this message.",
    "Thanks in advance.",
    "I look forward to your answer.",
];

/// Positive: praise and thanks, sometimes negated ("not bad at all", "can't fault").
pub(crate) const POSITIVE: &[&str] = &[
    "I absolutely love my {product}!",
    "The {product} has been fantastic so far.",
    "Great product, honestly the best purchase I made this year.",
    "Your team was super helpful last time, thank you!",
    "Really happy with the {product} overall.",
    "Not bad at all for the price, I'm quite pleased.",
    "I can't fault the build quality, it's excellent.",
    "Keep up the great work!",
    "Thanks so much for making such a lovely product.",
    "My whole family enjoys the {product}, it's wonderful.",
    "Brilliant design, I recommend it to all my friends.",
    "Everything else works perfectly, so thank you for that.",
];

/// Escalation wording that a calm customer might use.
const ESCALATION_CALM: &[&str] = &[
    "Please cancel my account if this cannot be sorted out.",
    "I think my account may have been hacked, please check the recent logins.",
    "Unfortunately this caused data loss on my side.",
    "In the meantime I have asked my bank about a chargeback.",
    "I will have to report this to consumer protection if it is not resolved.",
];

/// Escalation wording of an angry customer, without and with a category it fits best.
const ESCALATION_ANGRY: &[(Option<usize>, &str)] = &[
    (None, "This is the third time I contact you about this!"),
    (
        None,
        "I will report you to consumer protection if this is not resolved.",
    ),
    (None, "My lawyer will hear about this."),
    (None, "I am considering legal action at this point."),
    (
        None,
        "If this is not fixed this week I will cancel my account.",
    ),
    (
        Some(cat::BILLING),
        "If this is not fixed today I will file a chargeback with my bank.",
    ),
    (
        Some(cat::BILLING),
        "I am disputing this with my card issuer as a chargeback.",
    ),
    (
        Some(cat::REFUND),
        "Refund immediately or I will take legal action.",
    ),
    (
        Some(cat::REFUND),
        "I want you to refund immediately, I have waited long enough.",
    ),
    (
        Some(cat::ACCOUNT),
        "I think my account was hacked - there are logins I don't recognise!",
    ),
    (
        Some(cat::ACCOUNT),
        "This looks like a security breach and I am worried about my data.",
    ),
    (
        Some(cat::SOFTWARE),
        "I lost all my data because of this bug!",
    ),
    (
        Some(cat::SOFTWARE),
        "This is serious data loss - years of records are gone.",
    ),
    (
        Some(cat::CANCELLATION),
        "Cancel my account today, I'm done with you.",
    ),
    (
        Some(cat::SHIPPING),
        "This is the third time I contact you about this delivery!",
    ),
];

/// Lower-case markers: every escalation sentence contains one, no other sentence does.
#[cfg(test)]
pub(crate) const ESCALATION_MARKERS: &[&str] = &[
    "chargeback",
    "lawyer",
    "legal action",
    "cancel my account",
    "data loss",
    "lost all my data",
    "security breach",
    "hacked",
    "refund immediately",
    "third time i contact",
    "consumer protection",
];

/// Escalation sentences for a ticket: calm ones for non-negative tickets, angry ones (preferring
/// the category's own) for negative ones.
pub(crate) fn escalations(category: usize, negative: bool) -> Vec<&'static str> {
    if !negative {
        return ESCALATION_CALM.to_vec();
    }
    let own: Vec<&str> = ESCALATION_ANGRY
        .iter()
        .filter(|(c, _)| *c == Some(category))
        .map(|(_, s)| *s)
        .collect();
    let generic = ESCALATION_ANGRY.iter().filter(|(c, _)| c.is_none());
    // The category's own phrases count twice, so they are picked more often.
    own.iter()
        .chain(own.iter())
        .copied()
        .chain(generic.map(|(_, s)| *s))
        .collect()
}

pub(crate) const GREETINGS: &[&str] = &[
    "Hi,",
    "Hello,",
    "Hi there,",
    "Dear support team,",
    "Good morning,",
    "Hello support,",
    "Dear Halcyon team,",
    "Hey,",
];

/// Sign-offs for calm tickets; `{first}` and `{name}` are the customer's.
pub(crate) const SIGN_OFFS: &[&str] = &[
    "Thanks,\n{first}",
    "Kind regards,\n{name}",
    "Best,\n{first}",
    "Cheers,\n{first}",
    "{name}",
    "Many thanks,\n{first}",
];

/// Sign-offs for negative tickets.
pub(crate) const SIGN_OFFS_NEGATIVE: &[&str] = &[
    "Regards,\n{name}",
    "{name}",
    "Waiting for your reply,\n{first}",
    "{first}",
];

/// Subject decorations by tone; `{s}` is the plain subject.
pub(crate) const SUBJECT_NEGATIVE: &[&str] = &[
    "URGENT: {s}",
    "{s}!!",
    "{s} - still not resolved",
    "Very disappointed - {s}",
    "{s} AGAIN",
];

pub(crate) const SUBJECT_POSITIVE: &[&str] = &[
    "Quick question: {s}",
    "{s} (love the product!)",
    "Happy customer, one question - {s}",
];

/// Said by a customer who already wrote about the same thing.
pub(crate) const FOLLOW_UPS: &[&str] = &[
    "I already wrote to you about this on {date}.",
    "This is a follow-up to my earlier ticket about the {product}.",
    "I contacted you a few days ago and the issue is still there.",
    "Still the same problem as in my last message.",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn has_marker(s: &str) -> bool {
        let s = s.to_lowercase();
        ESCALATION_MARKERS.iter().any(|m| s.contains(m))
    }

    #[test]
    fn every_escalation_sentence_has_a_marker_and_nothing_else_does() {
        for c in 0..10 {
            for negative in [true, false] {
                assert!(escalations(c, negative).iter().all(|s| has_marker(s)));
            }
        }
        let calm = [
            NEGATIVE_STRONG,
            NEGATIVE_MILD,
            NEUTRAL,
            POSITIVE,
            FOLLOW_UPS,
        ];
        assert!(calm.iter().flat_map(|b| b.iter()).all(|s| !has_marker(s)));
    }
}
