//! Behaviour a user would notice: negation, intensity, contrast, emoji and support phrasing.

use super::{polarity, sentiment, SentimentLabel, VERSION};

fn c(text: &str) -> f32 {
    polarity(text).compound
}

#[test]
fn empty_and_whitespace_are_neutral_zero() {
    for text in ["", "   \n\t"] {
        let s = sentiment(text);
        assert_eq!((s.label, s.score), (SentimentLabel::Neutral, 0.0));
        assert_eq!(polarity(text).neutral, 1.0);
    }
}

#[test]
fn plain_words_have_the_right_sign() {
    assert!(c("good") > 0.0 && c("great") > c("good"));
    assert!(c("bad") < 0.0 && c("horrible") < c("bad"));
    assert_eq!(c("the invoice number"), 0.0);
}

#[test]
fn negation_flips_and_softens() {
    assert!(c("not good") < 0.0);
    assert!(c("this isn't good") < 0.0 && c("this isnt good") < 0.0);
    assert!(c("not bad") > 0.0);
    assert!(c("not good").abs() < c("good").abs());
    assert!(c("never been this happy") < 0.0);
    assert!(c("no problems at all") > 0.0);
}

#[test]
fn negation_stops_at_the_clause() {
    assert!(c("No, it is good") > 0.0);
}

#[test]
fn intensifiers_and_dampeners_change_magnitude() {
    assert!(c("very good") > c("good"));
    assert!(c("extremely bad") < c("bad"));
    assert!(c("slightly good") < c("good") && c("slightly good") > 0.0);
    assert!(c("kind of good") < c("good") && c("kind of good") > 0.0);
}

#[test]
fn caps_and_exclamations_increase_magnitude() {
    assert!(c("the service is GREAT") > c("the service is great"));
    assert!(c("the service is TERRIBLE") < c("the service is terrible"));
    assert!(c("great!") > c("great") && c("great!!!") > c("great!"));
    assert_eq!(c("great!!!!"), c("great!!!!!!!!"), "emphasis is capped");
    assert!(c("awful!!") < c("awful"));
}

#[test]
fn all_caps_text_is_not_shouting() {
    assert_eq!(c("GREAT SERVICE"), c("great service"));
}

#[test]
fn clause_after_but_dominates() {
    assert!(c("The app is good but the support is terrible") < 0.0);
    assert!(c("The delivery was late but the product is excellent") > 0.0);
}

#[test]
fn emoji_and_emoticons_count() {
    assert!(c("new phone 😍") > 0.0 && c("new phone 😡") < 0.0);
    assert!(c("package came :)") > 0.0 && c("package came :(") < 0.0);
    assert!(c("ok 👍👍") > c("ok 👍"));
    assert!(
        c("they sent no chips 😤") < 0.0,
        "negators do not flip emoji"
    );
}

#[test]
fn phrases_are_scored_as_a_whole() {
    assert!(c("no problem") > 0.0);
    assert!(c("thank you") > 0.0);
    assert!(c("the app is not working") < 0.0);
    assert!(c("it works great") > 0.0);
    assert!(c("can't wait") > 0.0);
}

#[test]
fn stretched_words_are_recognised() {
    assert!(c("sooo goooood") > c("good"));
    assert!(c("looove it") > 0.0);
}

#[test]
fn support_phrasing() {
    let label = |t: &str| sentiment(t).label;
    assert_eq!(
        label("My order arrived broken and nobody answers"),
        SentimentLabel::Negative
    );
    assert_eq!(label("Thanks, that fixed it!"), SentimentLabel::Positive);
    assert_eq!(
        label("How do I change my billing address?"),
        SentimentLabel::Neutral
    );
    assert_eq!(
        label("I was overcharged twice and still no refund"),
        SentimentLabel::Negative
    );
    assert_eq!(
        label("The outage is resolved, great job team"),
        SentimentLabel::Positive
    );
    assert_eq!(
        label("Please update the shipping address on order 1234"),
        SentimentLabel::Neutral
    );
}

#[test]
fn scores_and_shares_stay_in_range() {
    let p = polarity("AWFUL awful horrible!!!! worst scam ever 😡😡😡 not good at all");
    assert!((-1.0..=1.0).contains(&p.compound) && p.compound < -0.9);
    assert!((p.positive + p.neutral + p.negative - 1.0).abs() < 1e-5);
    assert!(p.negative > p.positive);
}

#[test]
fn version_names_the_engine() {
    assert!(VERSION.starts_with("lexicon-"));
}
