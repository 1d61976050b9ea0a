//! Server functions managing saved layouts; each ends on the Data page with what it did.

use crate::error::AppError;
use leptos::prelude::*;

/// Renames the saved layout `name` to `new_name`.
#[server(endpoint = "data/layouts/rename")]
pub async fn rename_layout(name: String, new_name: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, import::layouts, state::app_state};
    auth::require(Area::Data)?;
    let done = layouts::rename(&app_state()?.pool, &name, &new_name).await;
    super::server::finish(done.map(|new| format!("The layout \"{name}\" is now \"{new}\".")))
}

/// Deletes the saved layout `name`.
#[server(endpoint = "data/layouts/delete")]
pub async fn delete_layout(name: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, import::layouts, state::app_state};
    auth::require(Area::Data)?;
    let done = layouts::delete(&app_state()?.pool, &name).await;
    super::server::finish(done.map(|name| format!("The layout \"{name}\" was deleted.")))
}

/// Saves a layout from its JSON (as exported here or by `ticketlens layouts show`), under `name`
/// when one is given.
#[server(endpoint = "data/layouts/import")]
pub async fn import_layout(json: String, name: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, import::layouts, state::app_state};
    let user = auth::require(Area::Data)?;
    let name = Some(name.as_str()).filter(|n| !n.trim().is_empty());
    let done = layouts::import_json(&app_state()?.pool, &json, name, Some(user.id)).await;
    super::server::finish(done.map(|name| format!("The layout \"{name}\" was saved.")))
}
