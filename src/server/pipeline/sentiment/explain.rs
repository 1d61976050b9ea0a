//! Why a text got its sentiment label: the lexicon's scored words (with negation) or the local model's strongest word n-grams.

use super::engine::Engine;
use super::lexicon;
use super::local::LocalModel;
use super::{class_index, SentimentLabel};
use crate::domain::ticket_view::Evidence;
use crate::server::pipeline::embed::Embedder;
use std::sync::Arc;

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
        Engine::Local { model, .. } => model_evidence(model, text, label),
        Engine::Llm { .. } => Vec::new(),
    }
}

/// A local model's strongest word n-grams toward `label`, plus the lexicon's words (read the
/// same way) when the model blends them in.
pub fn model_evidence(model: &LocalModel, text: &str, label: SentimentLabel) -> Vec<Evidence> {
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

/// Words of a text tried one by one in [`word_attributions`].
const MAX_WORDS: usize = 60;

/// Token attributions by occlusion: each word's weight is how much the probability of `label`
/// falls when that word alone is left out (> 0: it pushed toward the label), measured through
/// the whole local engine — `encoder` (the tuned one, or the base model for the head-only
/// engine), the head and the lexicon blend. A word that occurs twice counts where it mattered
/// most. Embeds the text once more per word (up to [`MAX_WORDS`] words).
pub async fn word_attributions(
    model: &LocalModel,
    encoder: Arc<Embedder>,
    text: &str,
    label: SentimentLabel,
) -> anyhow::Result<Vec<Evidence>> {
    let words: Vec<&str> = text.split_whitespace().take(MAX_WORDS).collect();
    if words.len() < 2 {
        return Ok(Vec::new());
    }
    let mut variants = vec![words.join(" ")];
    variants.extend((0..words.len()).map(|skip| {
        words
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" ")
    }));
    let texts = variants.clone();
    let embeddings = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        encoder.embed(&refs)
    })
    .await??;
    let class = class_index(label);
    let p = |i: usize| -> anyhow::Result<f32> {
        Ok(model
            .predict(&variants[i], Some(&embeddings[i]))?
            .probabilities[class])
    };
    let whole = p(0)?;
    let mut out: Vec<Evidence> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let term: String = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if term.is_empty() {
            continue;
        }
        let weight = whole - p(i + 1)?;
        match out.iter_mut().find(|e| e.term == term) {
            Some(e) if e.weight.abs() >= weight.abs() => {}
            Some(e) => e.weight = weight,
            None => out.push(Evidence {
                term,
                weight,
                negated: false,
            }),
        }
    }
    out.retain(|e| e.weight.abs() >= 0.005);
    strongest(&mut out);
    Ok(out)
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
