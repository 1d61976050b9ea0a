//! A few writer tasks, one database connection each, so PostgreSQL works on every core while the
//! reader parses the next batch; the rollups are brought up to date once, when they finish.

use crate::domain::import::NewTicket;
use crate::server::db::rollups::catch_up;
use crate::server::db::ticket_writer::{BatchResult, TicketWriter};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinHandle;

/// How many times a batch is retried when PostgreSQL picks it as a deadlock victim (two
/// concurrent batches holding the same new external ids in opposite order).
const DEADLOCK_RETRIES: usize = 3;

/// Batches go in with [`WriterPool::send`]; [`WriterPool::finish`] waits and adds up the results.
pub struct WriterPool {
    pool: PgPool,
    tx: mpsc::Sender<Vec<NewTicket>>,
    tasks: Vec<JoinHandle<anyhow::Result<BatchResult>>>,
}

impl WriterPool {
    /// The default number of writers: one per core, at most four.
    pub fn default_writers() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4)
    }

    /// Starts `writers` tasks storing tickets of `source`; with an `import_id`, each committed
    /// batch also marks that import as making progress (an import that stops doing so without
    /// finishing was interrupted).
    pub fn start(pool: &PgPool, import_id: Option<i64>, source: &str, writers: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Vec<NewTicket>>(writers);
        let rx = Arc::new(Mutex::new(rx));
        let tasks = (0..writers.max(1))
            .map(|_| {
                let (pool, rx, source) = (pool.clone(), rx.clone(), source.to_string());
                tokio::spawn(async move {
                    let mut conn = pool.acquire().await?;
                    let mut writer = TicketWriter::bulk(&source);
                    let mut total = BatchResult::default();
                    loop {
                        let next = rx.lock().await.recv().await;
                        let Some(batch) = next else { break };
                        let done = write_with_retry(&mut writer, &mut conn, &batch).await?;
                        if let Some(id) = import_id {
                            crate::server::db::imports::progress(&mut *conn, id).await?;
                        }
                        total.inserted += done.inserted;
                        total.duplicates += done.duplicates;
                    }
                    Ok(total)
                })
            })
            .collect();
        WriterPool {
            pool: pool.clone(),
            tx,
            tasks,
        }
    }

    /// A handle for a producer on another thread (`blocking_send`); drop it when done.
    pub fn sender(&self) -> mpsc::Sender<Vec<NewTicket>> {
        self.tx.clone()
    }

    /// Hands a batch to the next free writer. Fails when the writers have stopped on an error,
    /// which [`WriterPool::finish`] then returns.
    pub async fn send(&self, batch: Vec<NewTicket>) -> bool {
        self.tx.send(batch).await.is_ok()
    }

    /// Waits for every batch to be written, then brings the rollups of what they wrote up to date
    /// (also after a failure: committed batches stay); the first error wins.
    pub async fn finish(self) -> anyhow::Result<BatchResult> {
        drop(self.tx);
        let mut total = BatchResult::default();
        let mut first_error = None;
        for task in self.tasks {
            match task.await {
                Ok(Ok(done)) => {
                    total.inserted += done.inserted;
                    total.duplicates += done.duplicates;
                }
                Ok(Err(e)) => first_error = first_error.or(Some(e)),
                Err(e) => {
                    first_error = first_error.or(Some(anyhow::anyhow!("writer task failed: {e}")))
                }
            }
        }
        // Everything pending now, ours included (the worker sweeps what a crashed import left).
        let started = std::time::Instant::now();
        match catch_up::catch_up(&self.pool, Duration::ZERO).await {
            Ok(tickets) => tracing::info!(
                tickets,
                seconds = started.elapsed().as_secs_f64(),
                "analytics rollups caught up"
            ),
            Err(e) => {
                let e = anyhow::Error::new(e)
                    .context("bringing the analytics rollups up to date failed");
                first_error = first_error.or(Some(e));
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }
}

async fn write_with_retry(
    writer: &mut TicketWriter,
    conn: &mut sqlx::PgConnection,
    batch: &[NewTicket],
) -> anyhow::Result<BatchResult> {
    let mut attempt = 0;
    loop {
        match writer.write(conn, batch).await {
            Err(e) if attempt < DEADLOCK_RETRIES && is_deadlock(&e) => {
                attempt += 1;
                tracing::warn!(attempt, "batch chosen as deadlock victim; retrying");
            }
            other => return other,
        }
    }
}

fn is_deadlock(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<sqlx::Error>())
        .filter_map(|s| s.as_database_error())
        .any(|d| d.code().as_deref() == Some("40P01"))
}
