//! Imports: streams a file of any kind, through a built-in layout or a column mapping, into the
//! database in batches, and reports every row it could not take with its line number and reason.

pub mod formats;
pub mod layout;
pub mod layouts;
pub mod mapped;
pub mod preview;
pub mod table;
pub mod thread;
pub mod writers;

pub use crate::domain::import::{ImportReport, NewTicket};
use crate::domain::message::NewMessage;
use crate::server::db;
use crate::server::db::ticket_writer::TicketWriter;
use anyhow::Context;
use chrono::Datelike;
use formats::{MapContext, Mapped};
pub use layout::{Layout, LayoutChoice};
use sqlx::PgPool;
use std::io::Read;
use table::{Next, Records};
use writers::WriterPool;

/// How to run one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file_name: String,
    pub layout: LayoutChoice,
    /// Namespace of external ids; defaults to the layout's name.
    pub source: Option<String>,
    pub user_id: Option<i64>,
    /// The Data page upload the file came from (kept so an interrupted import can resume).
    pub upload_id: Option<i64>,
}

/// A load that reached the writers: its source, and its report or why the writers stopped (the
/// batches committed before stay).
pub struct Loaded {
    pub source: String,
    pub outcome: anyhow::Result<ImportReport>,
}

/// At most this many bad rows are stored per import; the counts stay exact.
const MAX_STORED_ERRORS: usize = 10_000;

/// Imports a file (CSV, XLSX, JSON or NDJSON) from `input`. A bad row is recorded and skipped; a
/// failure of the database aborts, keeping the batches already committed (a re-run skips them
/// as duplicates). Reading and mapping run on the blocking pool while writer tasks store the
/// batches. `jobs::import::run` also queues the quality check that follows every import.
pub async fn load(
    pool: &PgPool,
    input: impl Read + Send + 'static,
    opts: ImportOptions,
) -> anyhow::Result<Loaded> {
    if let Some(s) = &opts.source {
        anyhow::ensure!(
            !s.trim().is_empty() && s.chars().count() <= 100 && !s.chars().any(char::is_control),
            "a source name has 1 to 100 characters and no control characters"
        );
    }
    let file_name: String = opts
        .file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let table = tokio::task::spawn_blocking(move || table::open(input))
        .await
        .context("the file reader panicked")??;
    let layout = layout::resolve(pool, table.records.header(), &opts.layout, opts.user_id).await?;
    let source = opts
        .source
        .clone()
        .or_else(|| layout.source_name().map(str::to_string))
        .unwrap_or_else(|| file_stem(&file_name));
    let import_id = db::imports::start(
        pool,
        &db::imports::NewImport {
            file_name: &file_name,
            format: layout.name(),
            source: &source,
            user_id: opts.user_id,
            file_kind: table.kind.name(),
            layout_id: layout.saved_id(),
            upload_id: opts.upload_id,
            plan: serde_json::json!({"layout": &opts.layout, "source": &source}),
        },
    )
    .await?;
    let writers = WriterPool::start(
        pool,
        Some(import_id),
        &source,
        WriterPool::default_writers(),
    );
    let sender = writers.sender();
    let records = table.records;
    let parsed =
        tokio::task::spawn_blocking(move || parse(records, layout, import_id, sender)).await;
    let (mut report, messages) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = writers.finish().await;
            return Err(anyhow::anyhow!("the file parser panicked: {e}"));
        }
    };
    let mut result = writers.finish().await.map(|done| {
        report.inserted = done.inserted;
        report.duplicates = done.duplicates;
    });
    if result.is_ok() && !messages.is_empty() {
        // After every ticket: a message may name a ticket from any batch.
        result = thread::write(pool, &source, &messages, &mut report).await;
    }
    if result.is_ok() && report.rows_read == 0 {
        result = Err(anyhow::anyhow!("the file has a header and no rows"));
    }
    let failure = result.as_ref().err().map(|e| {
        tracing::error!(error = ?e, import_id, "import stopped");
        user_message(e)
    });
    db::imports::finish(pool, &report, failure.as_deref()).await?;
    Ok(Loaded {
        source,
        outcome: result.map(|()| report),
    })
}

/// Maps every record, sending full batches to the writers; stops early if they fail. Returns the
/// report and the later messages of threads (with their lines), written after the tickets.
fn parse(
    mut records: Box<dyn Records>,
    mut layout: Layout,
    import_id: i64,
    writers: tokio::sync::mpsc::Sender<Vec<NewTicket>>,
) -> (ImportReport, Vec<(u64, NewMessage)>) {
    let ctx = MapContext {
        started_at: chrono::Utc::now(),
    };
    let mut report = ImportReport {
        import_id,
        format: layout.name().into(),
        ..Default::default()
    };
    let mut batch = Vec::with_capacity(TicketWriter::BATCH);
    let mut messages = Vec::new();
    let mut tweets = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match records.next(&mut record) {
            Next::End => break,
            Next::Row(line) => {
                report.rows_read += 1;
                match layout.map(line, &record, &ctx).and_then(check) {
                    Ok(Mapped::Ticket(t)) => batch.push(*t),
                    Ok(Mapped::Message(m)) => messages.push((line, *m)),
                    Ok(Mapped::Tweet(mut t)) => {
                        t.line = line;
                        tweets.push(*t);
                    }
                    Ok(Mapped::Held) => {}
                    Ok(Mapped::Ignored(why)) => skip(&mut report, None, why.to_string()),
                    Err(why) => skip(&mut report, Some(line), why),
                }
            }
            Next::Bad {
                line,
                reason,
                fatal,
            } => {
                report.rows_read += 1;
                skip(&mut report, Some(line), reason);
                if fatal {
                    break;
                }
            }
        }
        if batch.len() >= TicketWriter::BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(TicketWriter::BATCH));
            // An error here means the writers stopped; `finish` reports why.
            if writers.blocking_send(full).is_err() {
                return (report, Vec::new());
            }
        }
    }
    for (line, outcome) in layout.finish(&ctx) {
        match outcome.and_then(check) {
            Ok(Mapped::Ticket(t)) => batch.push(*t),
            Ok(Mapped::Message(m)) => messages.push((line, *m)),
            Ok(other) => skip(
                &mut report,
                Some(line),
                format!("a held row gave {other:?}"),
            ),
            Err(why) => skip(&mut report, Some(line), why),
        }
        if batch.len() >= TicketWriter::BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(TicketWriter::BATCH));
            if writers.blocking_send(full).is_err() {
                return (report, Vec::new());
            }
        }
    }
    if !tweets.is_empty() {
        let threads = formats::twcs::threads(tweets);
        for (line, why) in threads.skipped {
            skip(&mut report, Some(line), why.to_string());
        }
        let mut refused = std::collections::HashSet::new();
        for (lines, t) in threads.tickets {
            let id = t.external_id.clone();
            match check(Mapped::Ticket(Box::new(t))) {
                Ok(Mapped::Ticket(t)) => batch.push(*t),
                Ok(_) => {}
                Err(why) => {
                    for line in lines {
                        skip(&mut report, Some(line), why.clone());
                    }
                    refused.insert(id);
                }
            }
            if batch.len() >= TicketWriter::BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(TicketWriter::BATCH));
                if writers.blocking_send(full).is_err() {
                    return (report, Vec::new());
                }
            }
        }
        for (line, m) in threads.messages {
            if refused.contains(&m.ticket_ref) {
                skip(
                    &mut report,
                    Some(line),
                    formats::twcs::REFUSED_OPENING.into(),
                );
            } else {
                messages.push((line, m));
            }
        }
    }
    if !batch.is_empty() {
        let _ = writers.blocking_send(batch);
    }
    (report, messages)
}

/// A file's name without its directory and extension: the source of a mapping given without a
/// layout name, so re-importing the same file matches its tickets.
pub fn file_stem(file_name: &str) -> String {
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem: String = stem.trim().chars().take(100).collect();
    if stem.is_empty() {
        "upload".into()
    } else {
        stem
    }
}

/// What the Data page may show about a failed import: database errors stay in the server log.
pub fn user_message(e: &anyhow::Error) -> String {
    if e.chain().any(|c| c.downcast_ref::<sqlx::Error>().is_some()) {
        "the database failed during the import; the details are in the server log".into()
    } else {
        format!("{e:#}")
    }
}

fn skip(report: &mut ImportReport, line: Option<u64>, reason: String) {
    report.skipped += 1;
    if let Some(line) = line {
        if report.errors.len() < MAX_STORED_ERRORS {
            report.errors.push((line, reason.clone()));
        }
    }
    *report.reasons.entry(reason_kind(&reason)).or_default() += 1;
}

/// Groups reasons for the summary: "unknown priority \"x\"" and "unknown priority \"y\"" count together.
fn reason_kind(reason: &str) -> String {
    reason
        .split(['"', ':'])
        .next()
        .unwrap_or(reason)
        .trim()
        .to_string()
}

/// Checks what the database would reject, so one bad row never fails its whole batch.
fn check(mapped: Mapped) -> Result<Mapped, String> {
    if let Mapped::Ticket(t) = &mapped {
        if t.body.trim().is_empty() {
            return Err("body is empty".into());
        }
        if t.first_response_at.is_some_and(|f| f < t.created_at) {
            return Err("first response is before creation".into());
        }
        if t.resolved_at.is_some_and(|r| r < t.created_at) {
            return Err("resolution is before creation".into());
        }
        if t.csat.is_some_and(|c| !(1..=5).contains(&c)) {
            return Err("satisfaction rating is not between 1 and 5".into());
        }
        // PostgreSQL reads no year 0 (1 BC) and no five-digit year in a timestamp.
        let times = [Some(t.created_at), t.first_response_at, t.resolved_at];
        if times
            .iter()
            .flatten()
            .any(|d| !(1..=9999).contains(&d.year()))
        {
            return Err("a date is outside the years 1 to 9999".into());
        }
    }
    Ok(mapped)
}

#[cfg(test)]
mod mapped_props;
#[cfg(test)]
mod props;
