//! Server function of the audit log page (admins).

use super::AuditEntry;
use crate::error::AppError;
use leptos::prelude::*;

/// The newest 300 entries, of one area (`rules`, `users`, …) when `area` is given.
#[server(endpoint = "audit")]
pub async fn get_audit(
    #[server(default)] area: Option<String>,
) -> Result<Vec<AuditEntry>, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Users)?;
    super::server::audit(&app_state()?, area).await
}
