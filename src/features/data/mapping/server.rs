//! Server side of the mapping screen: reads the upload, applies the choices from the query
//! string (or a saved layout for the same header, or the suggestion), previews, imports.

use super::{ColumnChoice, MappingScreen, PreviewView, VocabChoice};
use crate::domain::mapping::profile::ColumnSample;
use crate::domain::mapping::suggest::suggest;
use crate::domain::mapping::time::CHOICES;
use crate::domain::mapping::{fingerprint, same_column, Field, Mapping};
use crate::error::AppError;
use crate::server::db;
use crate::server::import::mapped::MappedLayout;
use crate::server::import::preview::{preview, samples, Preview, PREVIEW_COLUMNS};
use crate::server::import::{layout::Layout, table, ImportOptions, LayoutChoice};
use sqlx::PgPool;
use std::sync::Arc;

/// The query string as pairs.
fn pairs(search: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The mapping the form describes: `col<i>=field`, `v.<field>.<value>=target`, `date_format`,
/// `time_zone`, `unescape`.
pub fn mapping_from(q: &[(String, String)], header: &[String]) -> Mapping {
    let mut m = Mapping::default();
    for (k, v) in q {
        if let Some(i) = k.strip_prefix("col").and_then(|i| i.parse::<usize>().ok()) {
            if let (Some(field), Some(column)) = (Field::parse(v), header.get(i)) {
                m.columns.insert(field, column.trim().to_string());
            }
        } else if let Some(rest) = k.strip_prefix("v.") {
            if let Some((field, value)) = rest.split_once('.') {
                if let (Some(field), false) = (Field::parse(field), v.trim().is_empty()) {
                    m.values
                        .entry(field)
                        .or_default()
                        .insert(value.to_string(), v.trim().to_string());
                }
            }
        }
    }
    m.date_format = param(q, "date_format").map(str::to_string);
    m.time_zone = param(q, "time_zone").map(str::to_string);
    m.unescape_newlines = param(q, "unescape").is_some();
    m
}

struct Opened {
    file: String,
    header: Vec<String>,
    samples: Vec<ColumnSample>,
}

fn open(bytes: Arc<Vec<u8>>) -> anyhow::Result<Opened> {
    let mut t = table::open(std::io::Cursor::new(bytes.as_ref().clone()))?;
    let file = match t.kind {
        table::FileKind::Csv { .. } | table::FileKind::JsonArray | table::FileKind::Ndjson => {
            format!("{} ({})", t.kind.name(), t.encoding.name())
        }
        table::FileKind::Xlsx => t.kind.name().to_string(),
    };
    let header = t.records.header().to_vec();
    let samples = samples(&mut t, 200);
    Ok(Opened {
        file,
        header,
        samples,
    })
}

pub async fn screen(
    pool: &PgPool,
    upload_id: i64,
    search: &str,
) -> Result<MappingScreen, AppError> {
    let (file_name, bytes) = db::uploads::get(pool, upload_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = Arc::new(bytes);
    let q = pairs(search);
    let mut screen = MappingScreen {
        upload_id,
        file_name,
        file: String::new(),
        origin: String::new(),
        columns: Vec::new(),
        fields: Field::ALL
            .iter()
            .map(|f| (f.name().to_string(), f.label().to_string()))
            .collect(),
        vocab: Vec::new(),
        date_format: String::new(),
        date_choices: CHOICES.iter().map(|c| c.to_string()).collect(),
        date_ambiguous: false,
        time_zone: String::new(),
        unescape: false,
        layout_name: param(&q, "name").unwrap_or("").to_string(),
        source: param(&q, "source").unwrap_or("").to_string(),
        problem: None,
        preview: None,
        query: String::new(),
    };
    let b = bytes.clone();
    let opened = match tokio::task::spawn_blocking(move || open(b)).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => {
            screen.problem = Some(format!("{e:#}"));
            return Ok(screen);
        }
        Err(_) => return Err(AppError::Internal),
    };
    let suggestion = suggest(&opened.samples);
    let saved = db::layouts::by_fingerprint(pool, &fingerprint(&opened.header)).await?;
    let mapping = if param(&q, "mapped").is_some() {
        screen.origin = "Your choices.".into();
        mapping_from(&q, &opened.header)
    } else if let Some(saved) = saved {
        screen.origin = format!(
            "The saved layout \"{}\" was made for files with this header.",
            saved.name
        );
        if screen.layout_name.is_empty() {
            screen.layout_name = saved.name.clone();
        }
        saved.mapping.0
    } else {
        screen.origin =
            "Suggested from the columns' names and values: check each one before importing.".into();
        screen.date_ambiguous = suggestion.date_ambiguous;
        suggestion.mapping.clone()
    };
    screen.file = opened.file;
    screen.date_format = mapping.date_format.clone().unwrap_or_default();
    screen.time_zone = mapping.time_zone.clone().unwrap_or_default();
    screen.unescape = mapping.unescape_newlines;
    screen.columns = opened
        .samples
        .iter()
        .enumerate()
        .map(|(i, c)| ColumnChoice {
            index: i,
            name: c.name.clone(),
            samples: c
                .values
                .iter()
                .filter(|v| !v.trim().is_empty())
                .take(5)
                .map(|v| v.chars().take(80).collect())
                .collect(),
            field: mapping
                .columns
                .iter()
                .find(|(_, col)| same_column(&c.name, col))
                .map(|(f, _)| f.name().to_string()),
            suggested: suggestion
                .columns
                .get(i)
                .and_then(|(_, f, s)| f.map(|f| (f.name().to_string(), *s))),
        })
        .collect();
    screen.query = query_for(
        upload_id,
        &mapping,
        &opened.header,
        &screen.layout_name,
        &screen.source,
    );
    let layout = match MappedLayout::new(mapping.clone(), &opened.header) {
        Ok(l) => l,
        Err(why) => {
            screen.problem = Some(why);
            return Ok(screen);
        }
    };
    let mut layout = Layout::Mapped {
        saved: None,
        layout: Box::new(layout),
    };
    let p = tokio::task::spawn_blocking(move || -> anyhow::Result<Preview> {
        let t = table::open(std::io::Cursor::new(bytes.as_ref().clone()))?;
        Ok(preview(t, &mut layout, 20))
    })
    .await
    .map_err(|_| AppError::Internal)??;
    screen.vocab = vocab_choices(&mapping, &p);
    screen.preview = Some(preview_view(p));
    Ok(screen)
}

/// The form's query string for `mapping` (the inverse of [`mapping_from`]).
fn query_for(upload_id: i64, m: &Mapping, header: &[String], name: &str, source: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("upload", &upload_id.to_string());
    q.append_pair("mapped", "1");
    for (field, column) in &m.columns {
        if let Some(i) = header.iter().position(|h| same_column(h, column)) {
            q.append_pair(&format!("col{i}"), field.name());
        }
    }
    for (field, map) in &m.values {
        for (from, to) in map {
            q.append_pair(&format!("v.{}.{from}", field.name()), to);
        }
    }
    for (key, value) in [
        ("date_format", m.date_format.as_deref().unwrap_or("")),
        ("time_zone", m.time_zone.as_deref().unwrap_or("")),
        ("unescape", if m.unescape_newlines { "on" } else { "" }),
        ("name", name),
        ("source", source),
    ] {
        if !value.is_empty() {
            q.append_pair(key, value);
        }
    }
    q.finish()
}

/// For each mapped vocabulary field: the values TicketLens does not read by itself or that the
/// mapping maps, so each can be mapped (or kept mapped) on the next submit.
fn vocab_choices(mapping: &Mapping, p: &Preview) -> Vec<VocabChoice> {
    p.values
        .iter()
        .filter_map(|(field, values)| {
            let map = mapping.values.get(field);
            let listed: Vec<(String, u64, Option<String>)> = values
                .iter()
                .filter(|(v, _)| map.is_some_and(|m| m.contains_key(v)) || !field.accepts(v))
                .take(50)
                .map(|(v, n)| (v.clone(), *n as u64, map.and_then(|m| m.get(v)).cloned()))
                .collect();
            (!listed.is_empty()).then(|| VocabChoice {
                field: field.name().to_string(),
                label: field.label().to_string(),
                targets: field.vocabulary().iter().map(|t| t.to_string()).collect(),
                values: listed,
            })
        })
        .collect()
}

fn preview_view(p: Preview) -> PreviewView {
    PreviewView {
        columns: PREVIEW_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: p
            .rows
            .into_iter()
            .map(|r| {
                let cells = r.outcome.map(|cells| {
                    PREVIEW_COLUMNS
                        .iter()
                        .map(|c| {
                            cells
                                .iter()
                                .find(|(k, _)| k == c)
                                .map(|(_, v)| v.clone())
                                .unwrap_or_default()
                        })
                        .collect()
                });
                (r.line, cells)
            })
            .collect(),
        rows_read: p.rows_read,
        tickets: p.tickets,
        messages: p.messages,
        bad: p.bad,
        labels: p.labelled,
        errors: p.errors,
    }
}

/// Imports the upload with the form's mapping (saved as a layout when named); on success the
/// Data page shows the report, else the screen shows why.
pub async fn import(
    pool: &PgPool,
    user_id: i64,
    upload_id: i64,
    search: &str,
) -> Result<(), AppError> {
    let (file_name, bytes) = db::uploads::get(pool, upload_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let q = pairs(search);
    let header = {
        let b = Arc::new(bytes.clone());
        tokio::task::spawn_blocking(move || open(b))
            .await
            .map_err(|_| AppError::Internal)?
            .map(|o| o.header)
    };
    let outcome = match header {
        Err(e) => Err(e),
        Ok(header) => {
            let opts = ImportOptions {
                file_name,
                layout: LayoutChoice::Mapping {
                    mapping: mapping_from(&q, &header),
                    save_as: param(&q, "name").map(str::to_string),
                },
                source: param(&q, "source").map(str::to_string),
                user_id: Some(user_id),
                upload_id: Some(upload_id),
            };
            crate::server::jobs::import::run(pool, std::io::Cursor::new(bytes), opts).await
        }
    };
    match outcome {
        Ok(report) => leptos_axum::redirect(&format!("/data?import={}", report.import_id)),
        Err(e) => {
            tracing::warn!(error = ?e, "mapped import refused");
            let search = search.trim_start_matches('?');
            leptos_axum::redirect(&format!(
                "/data/map?{search}&error={}",
                crate::domain::url::encode(&crate::server::import::user_message(&e))
            ));
        }
    }
    Ok(())
}
