//! Labelled examples from files: CSV with `text` and `label` columns (uploads and the CLI), or a TweetEval-style pair `<prefix>_text.txt` + `<prefix>_labels.txt`. Bad rows are reported.

use crate::domain::SentimentLabel;
use anyhow::Context;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Examples read from a file, and the rows that could not be used (line, reason).
#[derive(Debug, Default)]
pub struct Labelled {
    pub examples: Vec<(String, SentimentLabel)>,
    pub bad_rows: Vec<(u64, String)>,
}

/// Reads a CSV with a header naming a `text` column and a `label` column (any order, any other
/// columns ignored). Labels: negative/neutral/positive, neg/neu/pos or 0/1/2.
pub fn read_csv(reader: impl Read) -> anyhow::Result<Labelled> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let header = csv.headers().context("the file has no CSV header")?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let text_col = find("text").context("the CSV header has no `text` column")?;
    let label_col = find("label").context("the CSV header has no `label` column")?;
    let mut out = Labelled::default();
    for record in csv.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                out.bad_rows
                    .push((line, format!("unreadable CSV row: {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match parse_row(record.get(text_col), record.get(label_col)) {
            Ok(example) => out.examples.push(example),
            Err(reason) => out.bad_rows.push((line, reason)),
        }
    }
    Ok(out)
}

fn parse_row(text: Option<&str>, label: Option<&str>) -> Result<(String, SentimentLabel), String> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err("empty text".into());
    }
    let label = label.unwrap_or_default();
    let parsed = SentimentLabel::parse(label)
        .ok_or_else(|| format!("unknown label {label:?} (use negative, neutral or positive)"))?;
    Ok((text.to_string(), parsed))
}

/// Reads `path`: a `.csv` file, or a TweetEval prefix such as `.../tweeteval-sentiment/test`.
pub fn read_path(path: &Path) -> anyhow::Result<Labelled> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        return read_csv(std::io::BufReader::new(file));
    }
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    let (text_path, label_path) = (with("_text.txt"), with("_labels.txt"));
    anyhow::ensure!(
        text_path.exists() && label_path.exists(),
        "{} is neither a .csv file nor a prefix of {{prefix}}_text.txt and {{prefix}}_labels.txt",
        path.display()
    );
    let texts = std::fs::read_to_string(&text_path)
        .with_context(|| format!("cannot read {}", text_path.display()))?;
    let labels = std::fs::read_to_string(&label_path)
        .with_context(|| format!("cannot read {}", label_path.display()))?;
    let (texts, labels): (Vec<&str>, Vec<&str>) =
        (texts.lines().collect(), labels.lines().collect());
    anyhow::ensure!(
        texts.len() == labels.len(),
        "{} has {} lines but {} has {}",
        text_path.display(),
        texts.len(),
        label_path.display(),
        labels.len()
    );
    let mut out = Labelled::default();
    for (i, (text, label)) in texts.iter().zip(&labels).enumerate() {
        match parse_row(Some(text), Some(label)) {
            Ok(example) => out.examples.push(example),
            Err(reason) => out.bad_rows.push((i as u64 + 1, reason)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_with_bad_labels_or_empty_text_are_reported_with_their_line() {
        let data = "id,label,text\n1,positive,Great service\n2,angry,Bad\n3,0,\n4,neg,\"Broken,\nagain\"\n";
        let read = read_csv(data.as_bytes()).unwrap();
        assert_eq!(
            read.examples,
            vec![
                ("Great service".to_string(), SentimentLabel::Positive),
                ("Broken,\nagain".to_string(), SentimentLabel::Negative)
            ]
        );
        assert_eq!(read.bad_rows.len(), 2);
        assert_eq!(read.bad_rows[0].0, 3);
        assert!(read.bad_rows[0].1.contains("angry"), "{:?}", read.bad_rows);
        assert_eq!(read.bad_rows[1], (4, "empty text".to_string()));
    }

    #[test]
    fn csv_without_a_label_column_is_refused() {
        let err = read_csv("text,sentiment\nhello,positive\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("`label`"), "{err}");
    }

    #[test]
    fn tweeteval_pairs_are_read_line_by_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("val_text.txt"), "good day\nmeh\nawful\n").unwrap();
        std::fs::write(dir.path().join("val_labels.txt"), "2\n1\n0\n").unwrap();
        let read = read_path(&dir.path().join("val")).unwrap();
        let labels: Vec<_> = read.examples.iter().map(|e| e.1).collect();
        assert_eq!(
            labels,
            vec![
                SentimentLabel::Positive,
                SentimentLabel::Neutral,
                SentimentLabel::Negative
            ]
        );
        assert!(read_path(&dir.path().join("test")).is_err());
    }
}
