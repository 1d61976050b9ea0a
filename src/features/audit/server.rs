//! Server side of the audit page: what its server functions do once the role is checked.

use super::AuditEntry;
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;

/// The newest 300 entries, of one area (`rules`, `users`, …) when `area` is given.
pub async fn audit(state: &AppState, area: Option<String>) -> Result<Vec<AuditEntry>, AppError> {
    let prefix = area
        .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_lowercase()))
        .map(|a| format!("{a}/"));
    let rows = db::audit::recent(&state.pool, prefix.as_deref(), 300).await?;
    Ok(rows
        .into_iter()
        .map(|e| AuditEntry {
            at: e.at,
            actor: e.actor,
            action: e.action,
            detail: e
                .detail
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let text = v
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string());
                            (k.clone(), text)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            status: e.status,
        })
        .collect())
}
