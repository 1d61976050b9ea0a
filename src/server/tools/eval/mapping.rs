//! `ticketlens eval-mapping`: how often the mapping suggestion names the right field for each
//! column the built-in layouts map, on the shared datasets with their headers renamed to the
//! spellings other exports use.

use crate::domain::mapping::profile::ColumnSample;
use crate::domain::mapping::suggest::suggest;
use crate::domain::mapping::Field;
use crate::server::import::formats::{Format, Header};
use crate::server::import::{preview::samples, table};
use anyhow::Context;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct MappingEvalArgs {
    /// The folder of the shared datasets.
    #[arg(long, default_value = "../shared/datasets")]
    datasets: PathBuf,
    /// Rows sampled per file, as the mapping screen does.
    #[arg(long, default_value_t = 200)]
    rows: usize,
}

/// How each header spelling fared on one file.
#[derive(Debug, Clone)]
pub struct FileScore {
    pub file: String,
    pub format: Format,
    /// (variant name, columns right, columns scored, the misses as "column → got (want)").
    pub variants: Vec<(&'static str, usize, usize, Vec<String>)>,
}

/// Ways exports rename a column: mechanical spellings, and other words for the same field.
pub const VARIANTS: [&str; 6] = [
    "as is",
    "snake_case",
    "camelCase",
    "UPPER CASE",
    "without prefix",
    "other words",
];

/// Other words exports use for each field (not the suggester's list: written from helpdesk
/// exports' headers — Zendesk, Freshdesk, Jira Service Management, HubSpot, Intercom).
fn other_words(field: Field, i: usize) -> &'static str {
    let words: &[&str] = match field {
        Field::ExternalId => &["Ticket #", "Case Number", "Request ID", "Ref No"],
        Field::Subject => &["Title", "Summary", "Topic"],
        Field::Body => &[
            "Description",
            "Issue Details",
            "Customer Message",
            "Request Text",
            "Content",
        ],
        Field::CustomerRef => &["Requester ID", "User Handle", "Contact ID"],
        Field::CustomerName => &["Requester", "Client Name", "Contact Name"],
        Field::CustomerEmail => &["Requester Email", "E-mail", "Contact Email Address"],
        Field::Product => &["Item", "Product Name", "Device"],
        Field::ProductLine => &["Business Unit", "Segment", "Line of Business"],
        Field::Channel => &["Source", "Via", "Contact Channel"],
        Field::Priority => &["Urgency", "Severity", "Priority Level"],
        Field::Status => &["State", "Ticket State", "Stage"],
        Field::Category => &["Type", "Department", "Group", "Issue Type"],
        Field::Language => &["Lang", "Locale", "Language Code"],
        Field::CreatedAt => &["Created Date", "Opened On", "Submitted At", "Date Received"],
        Field::FirstResponseAt => &["First Reply Time", "Responded At", "First Response Date"],
        Field::ResolvedAt => &["Closed At", "Solved At", "Date Resolved"],
        Field::Csat => &["Satisfaction", "Rating", "CSAT Score"],
        Field::AgentReply => &["Answer", "Agent Response", "Solution"],
        Field::Agent => &["Assignee", "Owner", "Handled By"],
        Field::ThreadId => &["Parent ID", "In Reply To", "Thread"],
        Field::Sentiment => &["Mood", "Tone", "Sentiment Label"],
        Field::Escalate => &["Escalated", "Needs Escalation"],
    };
    words[i % words.len()]
}

fn words(name: &str) -> Vec<String> {
    crate::domain::mapping::suggest::tokens(name)
}

/// `name` spelt as variant `v` (`field`: what the column holds, for "other words").
pub fn rename(name: &str, field: Option<Field>, v: usize, column: usize) -> String {
    let raw: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    match VARIANTS[v] {
        "snake_case" => raw.join("_"),
        "camelCase" => raw
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.clone()
                } else {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                }
            })
            .collect(),
        "UPPER CASE" => raw.join(" ").to_uppercase(),
        "without prefix" => {
            // "Ticket Description" → "Description", "Customer Email" → "Email".
            let w = words(name);
            if raw.len() > 1 && w.len() < raw.len()
                || raw.first().is_some_and(|f| f == "customer") && raw.len() > 1
            {
                raw[1..].join(" ")
            } else {
                name.to_string()
            }
        }
        "other words" => {
            field.map_or_else(|| name.to_string(), |f| other_words(f, column).to_string())
        }
        _ => name.to_string(),
    }
}

/// The built-in layout and its sample of one file.
fn read(path: &Path, rows: usize) -> anyhow::Result<(Format, Vec<ColumnSample>)> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut t = table::open(std::io::BufReader::new(f))?;
    let format = Format::detect(&Header::from_names(t.records.header()))
        .with_context(|| format!("{}: no built-in layout", path.display()))?;
    Ok((format, samples(&mut t, rows)))
}

/// Scores every ticket file of `dir` under every header variant.
pub fn score_dir(dir: &Path, rows: usize) -> anyhow::Result<Vec<FileScore>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let (format, columns) = read(&path, rows)?;
        let expected = format.mapping();
        let field_of = |c: &str| {
            expected
                .columns
                .iter()
                .find(|(_, col)| *col == c)
                .map(|(f, _)| *f)
        };
        let mut variants = Vec::new();
        for (v, variant) in VARIANTS.iter().enumerate() {
            let renamed: Vec<ColumnSample> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| ColumnSample {
                    name: rename(&c.name, field_of(&c.name), v, i),
                    values: c.values.clone(),
                })
                .collect();
            let s = suggest(&renamed);
            let (mut right, mut total, mut misses) = (0, 0, Vec::new());
            for (orig, (name, got, _)) in columns.iter().zip(&s.columns) {
                let Some(want) = field_of(&orig.name) else {
                    continue;
                };
                total += 1;
                if *got == Some(want) {
                    right += 1;
                } else {
                    misses.push(format!(
                        "{name} → {} (want {})",
                        got.map_or("nothing", Field::name),
                        want.name()
                    ));
                }
            }
            variants.push((*variant, right, total, misses));
        }
        out.push(FileScore {
            file: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            format,
            variants,
        });
    }
    Ok(out)
}

/// Right and scored columns over all files and variants.
pub fn total(scores: &[FileScore]) -> (usize, usize) {
    scores
        .iter()
        .flat_map(|f| &f.variants)
        .fold((0, 0), |(r, t), v| (r + v.1, t + v.2))
}

pub fn run(args: MappingEvalArgs) -> anyhow::Result<()> {
    let scores = score_dir(&args.datasets, args.rows)?;
    for f in &scores {
        println!("== {} ({} layout)", f.file, f.format.name());
        for (variant, right, total, misses) in &f.variants {
            println!(
                "  {variant:<16} {right:>3}/{total:<3}  {}",
                misses.join("; ")
            );
        }
    }
    let (right, total) = total(&scores);
    println!(
        "suggested field right for {right} of {total} columns: {:.1}%",
        100.0 * right as f64 / total.max(1) as f64
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants_are_spelt_as_exports_spell_them() {
        let v = |i| rename("Ticket Description", Some(Field::Body), i, 0);
        assert_eq!(v(1), "ticket_description");
        assert_eq!(v(2), "ticketDescription");
        assert_eq!(v(3), "TICKET DESCRIPTION");
        assert_eq!(v(4), "description");
        assert_eq!(v(5), "Description");
    }

    #[test]
    fn suggestions_name_the_right_field_for_nine_columns_in_ten_on_renamed_headers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
        if !dir.is_dir() {
            eprintln!("skipped: {} is absent (the shared datasets)", dir.display());
            return;
        }
        let scores = score_dir(&dir, 200).unwrap();
        assert!(scores.len() >= 5, "{} files", scores.len());
        let (right, total) = total(&scores);
        assert!(
            right * 10 >= total * 9,
            "{right} of {total} columns right: {scores:#?}"
        );
    }
}
