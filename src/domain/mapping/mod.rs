//! Column mappings for imports of any export: which column feeds which ticket field, how a
//! vocabulary column's values translate, and how its dates read. Saved as named layouts.

mod field;
pub mod profile;
pub mod suggest;
pub mod time;

pub use field::{parse_flag, Field, FieldKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the columns of one file become tickets. Serialised as a saved layout's JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// Field → column name (as the header spells it, trimmed).
    pub columns: BTreeMap<Field, String>,
    /// Vocabulary field → (value in the file → TicketLens value). Values not listed are read by
    /// TicketLens' own spellings (e.g. "Critical" → urgent).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<Field, BTreeMap<String, String>>,
    /// Vocabulary field → the value rows without one get (e.g. channel `email` for a mailbox
    /// export). Without it: web, medium, and open (resolved when the row has a reply).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub defaults: BTreeMap<Field, String>,
    /// A chrono format for the date columns (e.g. `%d/%m/%Y %H:%M`); `None`: ISO 8601 and the
    /// common unambiguous spellings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// IANA zone of times written without an offset; `None`: UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Text columns write line breaks as the two characters `\n` (or `<br>`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unescape_newlines: bool,
}

impl Mapping {
    /// The column feeding `field`, if any.
    pub fn column(&self, field: Field) -> Option<&str> {
        self.columns.get(&field).map(String::as_str)
    }

    /// Why this mapping cannot read a file with `header`, in one sentence; `Ok` when it can.
    pub fn check(&self, header: &[String]) -> Result<(), String> {
        if self.column(Field::Body).is_none() && self.column(Field::Subject).is_none() {
            return Err(
                "no column is mapped to the message text (body or subject): TicketLens needs the customer's words"
                    .into(),
            );
        }
        let has = |c: &str| header.iter().any(|h| same_column(h, c));
        let missing: Vec<&str> = self
            .columns
            .values()
            .map(String::as_str)
            .filter(|c| !has(c))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the file has no column named {}",
                missing
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (field, column) in &self.columns {
            if !seen.insert(column) {
                return Err(format!(
                    "column {column:?} is mapped twice (also to {})",
                    field.label()
                ));
            }
        }
        for (field, value) in &self.defaults {
            if !field.has_vocabulary() || !field.accepts(value) {
                return Err(format!(
                    "{value:?} cannot be the default {}: it takes {}",
                    field.label(),
                    field.vocabulary().join(", ")
                ));
            }
        }
        if let Some(f) = &self.date_format {
            check_date_format(f)?;
        }
        if let Some(tz) = &self.time_zone {
            if tz.trim().is_empty() || tz.len() > 64 {
                return Err(format!("time zone {tz:?} is not an IANA zone name"));
            }
        }
        for (field, map) in &self.values {
            for (from, to) in map {
                if !field.accepts(to) {
                    return Err(format!(
                        "{from:?} cannot become {to:?}: {} takes {}",
                        field.label(),
                        field.vocabulary().join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// Reads `--map field=column,...` (fields by their names, e.g. `body=Message`).
    pub fn parse_pairs(text: &str) -> Result<Self, String> {
        let mut m = Mapping::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not field=column"))?;
            let f = Field::parse(field).ok_or_else(|| {
                format!(
                    "unknown field {:?}: use one of {}",
                    field.trim(),
                    Field::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let column = column.trim();
            if column.is_empty() {
                return Err(format!("no column given for {}", f.name()));
            }
            m.columns.insert(f, column.to_string());
        }
        Ok(m)
    }
}

/// A date format must name at least a year, a month and a day (or be a Unix timestamp).
fn check_date_format(f: &str) -> Result<(), String> {
    if matches!(f, "unix" | "unix_ms") {
        return Ok(());
    }
    let has = |s: &str| f.contains(s);
    let year = has("%Y") || has("%y");
    let month = has("%m") || has("%b") || has("%B");
    if year && month && has("%d") {
        Ok(())
    } else {
        Err(format!(
            "date format {f:?} needs a year (%Y), a month (%m) and a day (%d), or is unix / unix_ms"
        ))
    }
}

/// Whether a header name is the column a mapping names: as the fingerprint does, ignoring case
/// and surrounding blanks.
pub fn same_column(header_name: &str, column: &str) -> bool {
    let (a, b) = (header_name.trim(), column.trim());
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Identifies a header: files whose header is the same (names in order, ignoring case and
/// surrounding blanks) share a fingerprint, and so a saved layout.
pub fn fingerprint(header: &[String]) -> String {
    // FNV-1a, 64 bits: stable across builds and platforms, enough to tell headers apart.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for name in header {
        for b in name.trim().to_lowercase().bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests;
