//! The active escalation rules, compiled once per version and shared by every worker of the process.

use crate::server::db;
use crate::server::pipeline::escalation::CompiledRules;
use anyhow::Context;
use sqlx::PgPool;
use std::sync::{Arc, RwLock};

/// Holds the compiled active version; recompiles only when an admin activates another.
#[derive(Default)]
pub struct RuleBook {
    compiled: RwLock<Option<Arc<CompiledRules>>>,
}

impl RuleBook {
    /// The active rules, or None when no version is active.
    pub async fn current(&self, pool: &PgPool) -> anyhow::Result<Option<Arc<CompiledRules>>> {
        let Some(version) = db::rules::active_version(pool).await? else {
            return Ok(None);
        };
        if let Some(c) = self.cached().filter(|c| c.version == version) {
            return Ok(Some(c));
        }
        let row = db::rules::with_status(pool, "active")
            .await?
            .context("the active rule version disappeared")?;
        let compiled = Arc::new(
            CompiledRules::compile(row.version, &row.rules.0)
                .with_context(|| format!("rule version {} does not compile", row.version))?,
        );
        tracing::info!(
            version = row.version,
            rules = compiled.rules().len(),
            "escalation rules compiled"
        );
        if let Ok(mut slot) = self.compiled.write() {
            *slot = Some(compiled.clone());
        }
        Ok(Some(compiled))
    }

    fn cached(&self) -> Option<Arc<CompiledRules>> {
        self.compiled.read().ok().and_then(|c| c.clone())
    }
}
