//! Why a text got its sentiment label: the lexicon's scored words (with negation) or the local model's strongest word n-grams.

use super::engine::Engine;
use super::lexicon;
use super::{class_index, SentimentLabel};
use crate::domain::ticket_view::Evidence;

/// Terms shown per label.
pub const SHOWN: usize = 6;

/// The lexicon's scored words, strongest first; `negated` when a negation turned a word around.
pub fn lexicon_evidence(text: &str) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = lexicon::scored_words(text)
        .into_iter()
        .map(|(term, own, weight)| Evidence {
            negated: own.signum() != weight.signum(),
            term,
            weight,
        })
        .collect();
    strongest(&mut out);
    out
}

/// The evidence `engine` gives for `text` and the `label` it predicted: lexicon words for the
/// lexicon, the model's word n-grams for a local model (plus the lexicon's words when the
/// model blends them in); nothing for an LLM.
pub fn evidence(engine: &Engine, text: &str, label: SentimentLabel) -> Vec<Evidence> {
    match engine {
        Engine::Lexicon => lexicon_evidence(text),
        Engine::Local { model, .. } => {
            let mut out: Vec<Evidence> = model
                .term_contributions(text, class_index(label))
                .into_iter()
                .map(|(term, weight)| Evidence {
                    term,
                    weight,
                    negated: false,
                })
                .collect();
            strongest(&mut out);
            if model.lexicon_weight > 0.0 {
                // The lexicon's valences, turned to read like the model's: toward the label.
                let toward = |w: f32| match label {
                    SentimentLabel::Positive => w,
                    SentimentLabel::Negative => -w,
                    SentimentLabel::Neutral => -w.abs(),
                };
                out.extend(
                    lexicon_evidence(text)
                        .into_iter()
                        .take(SHOWN / 2)
                        .map(|mut e| {
                            e.weight = toward(e.weight);
                            e
                        }),
                );
            }
            out
        }
        Engine::Llm { .. } => Vec::new(),
    }
}

fn strongest(out: &mut Vec<Evidence>) {
    out.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    out.truncate(SHOWN);
}

#[cfg(test)]
mod tests {
    use super::lexicon_evidence;

    #[test]
    fn lexicon_words_come_with_their_sign_and_negation() {
        let e = lexicon_evidence("The app is not good and support was terrible");
        let terms: Vec<&str> = e.iter().map(|e| e.term.as_str()).collect();
        assert!(
            terms.contains(&"terrible") && terms.contains(&"good"),
            "{e:?}"
        );
        let good = e.iter().find(|e| e.term == "good").unwrap();
        assert!(good.negated && good.weight < 0.0, "{good:?}");
        let terrible = e.iter().find(|e| e.term == "terrible").unwrap();
        assert!(!terrible.negated && terrible.weight < 0.0);
        assert!(lexicon_evidence("The invoice for order 12 is attached").is_empty());
    }
}
