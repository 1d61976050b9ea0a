//! What the quality check finds in one imported source: empty fields, duplicates, unfilled
//! placeholders, impossible timestamps and whether each label column is predictable.

use serde::{Deserialize, Serialize};

/// How often a field is empty in a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldGap {
    pub field: String,
    pub empty: i64,
}

/// Whether a label column can be predicted from the ticket text better than always guessing its
/// commonest value (5-fold cross-validation, multinomial naive Bayes on words; accuracy at least
/// three standard errors above the majority rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelCheck {
    pub column: String,
    pub classes: usize,
    pub examples: usize,
    pub accuracy: f64,
    pub majority_label: String,
    pub majority_rate: f64,
    pub has_signal: bool,
}

/// Everything the page says about one source.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QualityReport {
    pub source: String,
    pub tickets: i64,
    /// Rows read and skipped over every import into the source.
    pub rows_read: i64,
    pub skipped: i64,
    pub empty: Vec<FieldGap>,
    /// Tickets repeating an earlier ticket's subject and body in the same source.
    pub duplicates: i64,
    pub duplicate_examples: Vec<String>,
    /// Tickets whose subject, body or reply still holds a `{placeholder}`.
    pub placeholders: i64,
    /// The placeholders found, with how many tickets hold each (commonest first).
    pub placeholder_kinds: Vec<(String, i64)>,
    /// Impossible or inconsistent timestamps: rows the import skipped for them, and stored
    /// tickets that look wrong (reason, count).
    pub timestamps: Vec<(String, i64)>,
    pub labels: Vec<LabelCheck>,
    /// Label columns that could not be checked, with why.
    pub unchecked: Vec<(String, String)>,
}

impl QualityReport {
    /// Findings in one line each, worst first, for the page and the note.
    pub fn findings(&self) -> Vec<String> {
        let share = |n: i64| {
            if self.tickets > 0 {
                format!("{:.1}%", n as f64 * 100.0 / self.tickets as f64)
            } else {
                "—".into()
            }
        };
        let mut out = Vec::new();
        for l in self.labels.iter().filter(|l| !l.has_signal) {
            out.push(format!(
                "Label \"{}\" is not predictable from the text: {:.1}% cross-validated accuracy against {:.1}% for always answering \"{}\".",
                l.column, l.accuracy * 100.0, l.majority_rate * 100.0, l.majority_label
            ));
        }
        if self.placeholders > 0 {
            let kinds: Vec<String> = self
                .placeholder_kinds
                .iter()
                .take(5)
                .map(|(k, n)| format!("{k} ({n})"))
                .collect();
            out.push(format!(
                "{} tickets ({}) contain unfilled template placeholders: {}.",
                self.placeholders,
                share(self.placeholders),
                kinds.join(", ")
            ));
        }
        if self.duplicates > 0 {
            out.push(format!(
                "{} tickets ({}) repeat another ticket's subject and body.",
                self.duplicates,
                share(self.duplicates)
            ));
        }
        for (reason, n) in &self.timestamps {
            out.push(format!("{n} rows: {reason}."));
        }
        for gap in self.empty.iter().filter(|g| g.empty > 0) {
            out.push(format!(
                "\"{}\" is empty in {} tickets ({}).",
                gap.field,
                gap.empty,
                share(gap.empty)
            ));
        }
        out
    }
}
