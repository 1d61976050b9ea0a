//! An import and what follows it: the CSV load, then the quality check of its source (queued
//! also when the writers stopped early, since the batches they committed stay).

use crate::domain::import::ImportReport;
use crate::server::import::{self, ImportOptions};
use sqlx::PgPool;
use std::io::Read;

/// Loads CSV from `input` (see [`import::load`]) and, once anything may have been written,
/// queues the check of its source.
pub async fn run(
    pool: &PgPool,
    input: impl Read + Send + 'static,
    opts: ImportOptions,
) -> anyhow::Result<ImportReport> {
    let loaded = import::load(pool, input, opts).await?;
    super::quality::enqueue(pool, &loaded.source).await?;
    loaded.outcome
}
