//! The last step of an import: the later messages of threads, written once every ticket is, so a
//! message may name a ticket from any row of the file.

use crate::domain::import::ImportReport;
use crate::domain::message::NewMessage;
use crate::server::db;

/// Why a message row is not stored.
pub const ORPHAN: &str =
    "message of a ticket that is neither in this file nor stored for this source";

/// Messages per statement.
const BATCH: usize = 2_000;

/// Stores `messages` (each with its line) for tickets of `source`, counting them in `report`;
/// a message of an unknown ticket is skipped with its line, a repeated one is a duplicate.
pub async fn write(
    pool: &sqlx::PgPool,
    source: &str,
    messages: &[(u64, NewMessage)],
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    for chunk in messages.chunks(BATCH) {
        let batch: Vec<NewMessage> = chunk.iter().map(|(_, m)| m.clone()).collect();
        let done = db::messages::store_for_source(&mut conn, source, &batch).await?;
        report.messages += done.inserted;
        report.duplicates += done.duplicates;
        for i in done.orphans {
            super::skip(report, Some(chunk[i].0), ORPHAN.to_string());
        }
    }
    Ok(())
}
