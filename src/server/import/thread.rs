//! The last step of an import: the later messages of threads, written once every ticket is, so a
//! message may name a ticket from any row of the file.

use crate::domain::import::ImportReport;
use crate::domain::message::NewMessage;
use crate::server::db;
use crate::server::db::rollups::catch_up;
use anyhow::Context;
use std::time::Duration;

/// Why a message row is not stored.
pub const ORPHAN: &str =
    "message of a ticket that is neither in this file nor stored for this source";

/// Messages per statement.
const BATCH: usize = 2_000;

/// Stores `messages` (each with its line) for tickets of `source`, counting them in `report`;
/// a message of an unknown ticket is skipped with its line, a repeated one is a duplicate. Like
/// the ticket writers, batches only note their tickets for the rollups, brought up to date once
/// at the end (whether the batches succeeded or not).
pub async fn write(
    pool: &sqlx::PgPool,
    source: &str,
    messages: &[(u64, NewMessage)],
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let stored = store(pool, source, messages, report).await;
    let caught_up = catch_up::catch_up(pool, Duration::ZERO).await;
    stored?;
    caught_up.context("bringing the analytics rollups up to date failed")?;
    Ok(())
}

async fn store(
    pool: &sqlx::PgPool,
    source: &str,
    messages: &[(u64, NewMessage)],
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    for chunk in messages.chunks(BATCH) {
        let batch: Vec<NewMessage> = chunk.iter().map(|(_, m)| m.clone()).collect();
        let mut tx = pool.begin().await?;
        catch_up::defer_in_transaction(&mut tx).await?;
        let done = db::messages::store_for_source(&mut tx, source, &batch).await?;
        tx.commit().await?;
        report.messages += done.inserted;
        report.duplicates += done.duplicates;
        for i in done.orphans {
            super::skip(report, Some(chunk[i].0), ORPHAN.to_string());
        }
    }
    Ok(())
}
