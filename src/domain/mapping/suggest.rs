//! Suggests a mapping from a file's column names and sample values: each column gets the field
//! its name and contents fit best, each field at most one column.

use super::field::{Field, FieldKind};
use super::profile::{ColumnSample, Profile};
use super::{time, Mapping};

/// A suggestion: the mapping, and for each column the field it got with its score (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub mapping: Mapping,
    pub columns: Vec<(String, Option<Field>, f32)>,
    /// The dates read day-first and month-first alike: the user should choose.
    pub date_ambiguous: bool,
}

/// Below this, a column is left unmapped.
const THRESHOLD: f32 = 0.4;

/// Names each field goes by in exports, as normalised token strings.
fn synonyms(field: Field) -> &'static [&'static str] {
    match field {
        Field::ExternalId => &[
            "id",
            "number",
            "no",
            "num",
            "ref",
            "reference",
            "key",
            "uuid",
            "case id",
            "external id",
            "tweet id",
            "message id",
            "issue id",
            "request id",
            "record id",
        ],
        Field::Subject => &[
            "subject",
            "title",
            "summary",
            "headline",
            "heading",
            "short description",
            "topic",
        ],
        Field::Body => &[
            "body",
            "description",
            "text",
            "message",
            "content",
            "details",
            "comment",
            "question",
            "complaint",
            "problem",
            "inquiry",
            "query",
            "message text",
            "message body",
            "customer message",
            "issue description",
            "tweet",
            "feedback",
            "request",
            "note",
            "notes",
            "email body",
        ],
        Field::CustomerRef => &[
            "customer id",
            "user id",
            "client id",
            "author id",
            "requester id",
            "contact id",
            "account id",
            "customer ref",
            "customer handle",
            "handle",
            "author",
            "user",
            "customer number",
            "account",
        ],
        Field::CustomerName => &[
            "customer name",
            "name",
            "client name",
            "requester name",
            "contact name",
            "full name",
            "customer",
            "client",
            "requester",
            "contact",
        ],
        Field::CustomerEmail => &[
            "email",
            "e mail",
            "mail",
            "customer email",
            "email address",
            "requester email",
            "contact email",
            "client email",
            "customer mail",
        ],
        Field::Product => &[
            "product",
            "product purchased",
            "product name",
            "item",
            "sku",
            "model",
            "device",
            "purchased product",
            "app",
            "service",
        ],
        Field::ProductLine => &[
            "product line",
            "business type",
            "line of business",
            "business",
            "segment",
            "brand",
            "division",
            "company type",
        ],
        Field::Channel => &[
            "channel",
            "source",
            "medium",
            "via",
            "origin",
            "contact method",
            "contact channel",
            "inbound channel",
            "submitted via",
            "platform",
        ],
        Field::Priority => &[
            "priority",
            "urgency",
            "severity",
            "importance",
            "prio",
            "priority level",
        ],
        Field::Status => &[
            "status",
            "state",
            "stage",
            "resolution status",
            "ticket state",
        ],
        Field::Category => &[
            "category",
            "type",
            "queue",
            "department",
            "issue type",
            "reason",
            "classification",
            "class",
            "group",
            "team",
            "request type",
            "intent",
            "issue category",
            "tag",
            "category label",
            "kind",
        ],
        Field::Language => &["language", "lang", "locale", "language code"],
        Field::CreatedAt => &[
            "created at",
            "created",
            "date",
            "timestamp",
            "time",
            "creation date",
            "created date",
            "opened",
            "opened at",
            "submitted",
            "submitted at",
            "received",
            "received at",
            "date created",
            "sent at",
            "open date",
            "created on",
            "creation time",
            "datetime",
            "date time",
        ],
        Field::FirstResponseAt => &[
            "first response time",
            "first response",
            "first reply",
            "responded at",
            "first response at",
            "response time",
            "first reply at",
            "first replied at",
            "first response date",
        ],
        Field::ResolvedAt => &[
            "resolved at",
            "resolution time",
            "time to resolution",
            "closed at",
            "resolved",
            "closed date",
            "resolution date",
            "solved at",
            "closed on",
            "resolved on",
            "date resolved",
            "date closed",
        ],
        Field::Csat => &[
            "csat",
            "satisfaction",
            "customer satisfaction rating",
            "rating",
            "satisfaction score",
            "satisfaction rating",
            "customer satisfaction",
            "stars",
            "csat score",
            "score",
        ],
        Field::AgentReply => &[
            "agent reply",
            "answer",
            "reply",
            "response",
            "resolution",
            "solution",
            "agent response",
            "resolution notes",
            "agent answer",
            "support reply",
            "response text",
            "answer text",
        ],
        Field::Agent => &[
            "agent",
            "assignee",
            "agent name",
            "owner",
            "assigned to",
            "handled by",
            "representative",
            "rep",
            "assigned agent",
            "support agent",
        ],
        Field::ThreadId => &[
            "thread id",
            "parent id",
            "in response to",
            "in response to tweet id",
            "parent",
            "reply to",
            "thread",
            "conversation id",
            "parent ticket",
            "in reply to",
        ],
        Field::Sentiment => &[
            "sentiment",
            "label",
            "mood",
            "tone",
            "polarity",
            "emotion",
            "feeling",
            "sentiment label",
            "customer sentiment",
        ],
        Field::Escalate => &[
            "escalate",
            "escalated",
            "escalation",
            "needs escalation",
            "escalation flag",
            "is escalated",
        ],
    }
}

/// Words that say nothing about the field ("Ticket ID" is an id).
const NOISE: &[&str] = &["ticket", "tickets", "the", "of", "case", "col", "field"];

/// Lower-case word tokens of a column name: camelCase, snake_case and punctuation split.
pub fn tokens(name: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(name.len() + 8);
    let mut prev: Option<char> = None;
    for c in name.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_uppercase() && prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit()) {
            spaced.push(' ');
        }
        if c == '#' {
            spaced.push_str(" number ");
        } else {
            spaced.push(if c.is_alphanumeric() { c } else { ' ' });
        }
        prev = Some(c);
    }
    spaced
        .to_lowercase()
        .split_whitespace()
        .map(|t| stem(t).to_string())
        .filter(|t| !NOISE.contains(&t.as_str()))
        .collect()
}

fn stem(t: &str) -> &str {
    if t.len() > 3 && t.ends_with('s') && !t.ends_with("ss") && !t.ends_with("us") {
        &t[..t.len() - 1]
    } else {
        t
    }
}

/// How well a column name fits a field: Dice overlap of tokens with its best synonym.
pub fn name_score(name: &str, field: Field) -> f32 {
    let have = tokens(name);
    if have.is_empty() {
        return 0.0;
    }
    synonyms(field)
        .iter()
        .map(|syn| {
            let want = tokens(syn);
            let common = want.iter().filter(|w| have.contains(w)).count();
            2.0 * common as f32 / (have.len() + want.len()) as f32
        })
        .fold(0.0, f32::max)
}

/// How well the sample values fit a field, 0–1.
pub fn content_score(p: &Profile, field: Field) -> f32 {
    if p.filled == 0 {
        return 0.0;
    }
    let small_vocab = p.distinct <= 60 && p.unique < 0.5;
    match field.kind() {
        FieldKind::Id => {
            let unique = if field == Field::ExternalId {
                p.unique
            } else {
                1.0
            };
            // A column of e-mail addresses is the customer's e-mail, not an id.
            p.tokens * unique * (1.0 - p.emails) * if p.mean_words < 1.5 { 1.0 } else { 0.3 }
        }
        FieldKind::LongText => {
            let long = ((p.mean_words - 4.0) / 16.0).clamp(0.0, 1.0);
            long * p.unique.max(0.3)
        }
        FieldKind::ShortText => match field {
            Field::Subject => {
                if (2.0..=16.0).contains(&p.mean_words) && p.times < 0.5 {
                    0.7
                } else {
                    0.1
                }
            }
            Field::Language => p.language_codes,
            _ => {
                if small_vocab && p.mean_words <= 6.0 && p.times < 0.5 && p.ratings < 0.5 {
                    0.6
                } else {
                    0.1
                }
            }
        },
        FieldKind::Email => p.emails,
        FieldKind::Vocabulary => {
            if field == Field::Sentiment && p.ratings > 0.5 && p.vocab_share(field) < 1.0 {
                // Ratings 1–5 read partly as sentiment digits: not a label column.
                0.2
            } else {
                p.vocab_share(field)
            }
        }
        FieldKind::Time => p.times,
        FieldKind::Rating => {
            if p.distinct <= 5 {
                p.ratings
            } else {
                0.0
            }
        }
        FieldKind::Flag => {
            if p.distinct <= 4 {
                p.flags
            } else {
                0.0
            }
        }
        FieldKind::Name => p.names * if p.emails > 0.2 { 0.0 } else { 1.0 },
    }
}

/// Contents alone may name these fields when the column's name says nothing.
fn telling_contents(field: Field) -> bool {
    matches!(
        field,
        Field::CustomerEmail
            | Field::Body
            | Field::CreatedAt
            | Field::Priority
            | Field::Channel
            | Field::Status
            | Field::Language
    )
}

/// The score of a column for a field, from its name and its contents.
pub fn score(name: &str, p: &Profile, field: Field) -> f32 {
    let by_name = name_score(name, field);
    let by_content = content_score(p, field);
    let strict = matches!(
        field.kind(),
        FieldKind::Time
            | FieldKind::Email
            | FieldKind::Vocabulary
            | FieldKind::Rating
            | FieldKind::Flag
    );
    if p.filled > 0 && strict && by_content < 0.3 {
        // A "date" column without dates, a "priority" column of free text: not that field.
        return by_name * 0.3;
    }
    let both = 0.65 * by_name + 0.35 * by_content;
    if by_name >= 0.5 || !telling_contents(field) {
        both
    } else {
        both.max(0.5 * by_content)
    }
}

/// Suggests a mapping for a file's columns.
pub fn suggest(columns: &[ColumnSample]) -> Suggestion {
    let profiles: Vec<Profile> = columns.iter().map(|c| Profile::of(&c.values)).collect();
    let mut candidates: Vec<(f32, usize, Field)> = Vec::new();
    for (i, (c, p)) in columns.iter().zip(&profiles).enumerate() {
        for f in Field::ALL {
            let s = score(&c.name, p, f);
            if s >= THRESHOLD {
                candidates.push((s, i, f));
            }
        }
    }
    // Best pairs first; ties go to the earlier column and the field listed first.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut chosen: Vec<Option<(Field, f32)>> = vec![None; columns.len()];
    let mut mapping = Mapping::default();
    for (s, i, f) in candidates {
        if chosen[i].is_some() || mapping.columns.contains_key(&f) {
            continue;
        }
        chosen[i] = Some((f, s));
        mapping
            .columns
            .insert(f, columns[i].name.trim().to_string());
    }
    // Dates: one format for the file, from every time column's sample.
    let mut date_ambiguous = false;
    let time_values: Vec<&str> = columns
        .iter()
        .zip(&chosen)
        .filter(|(_, c)| c.is_some_and(|(f, _)| f.kind() == FieldKind::Time))
        .flat_map(|(col, _)| col.values.iter().map(String::as_str))
        .collect();
    if let Some(g) = time::guess_format(&time_values) {
        mapping.date_format = g.format;
        date_ambiguous = g.ambiguous;
    }
    mapping.unescape_newlines = [Field::Body, Field::Subject, Field::AgentReply]
        .iter()
        .filter_map(|f| mapping.column(*f))
        .filter_map(|name| columns.iter().find(|c| c.name.trim() == name))
        .any(|c| writes_escaped_newlines(&c.values));
    Suggestion {
        mapping,
        columns: columns
            .iter()
            .zip(chosen)
            .map(|(c, got)| (c.name.clone(), got.map(|g| g.0), got.map_or(0.0, |g| g.1)))
            .collect(),
        date_ambiguous,
    }
}

/// Text that spells its line breaks `\n` and has no real ones.
fn writes_escaped_newlines(values: &[String]) -> bool {
    let escaped = values.iter().filter(|v| v.contains("\\n")).count();
    let real = values.iter().filter(|v| v.contains('\n')).count();
    escaped * 10 >= values.len().max(1) && real == 0
}

/// Values of a vocabulary column TicketLens cannot read (after the mapping's value map), with
/// their counts, most frequent first.
pub fn unknown_values<'a>(
    mapping: &Mapping,
    field: Field,
    values: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, usize)> {
    let map = mapping.values.get(&field);
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let known = map.is_some_and(|m| m.contains_key(v)) || field.accepts(v);
        if !known {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}
