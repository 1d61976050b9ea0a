//! Server functions of the Team page, and the availability switch every agent has.

use super::TeamPage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "team")]
pub async fn load_team() -> Result<TeamPage, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Team)?;
    super::server::team(&app_state()?.pool).await
}

/// Sets a queue's assignment policy, away policy, manager and members (none: every agent).
#[server(endpoint = "team/queue")]
pub async fn save_queue(
    queue: String,
    policy: String,
    away_policy: String,
    #[server(default)] manager_id: String,
    #[server(default)] members: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Team)?;
    let form = super::server::QueueForm {
        queue,
        policy,
        away_policy,
        manager_id,
        members,
    };
    super::server::save_queue(&app_state()?.pool, form).await
}

/// Gives a queue business hours of its own (`own` ticked), or the team's again.
#[server(endpoint = "team/hours")]
pub async fn save_queue_hours(
    queue: String,
    own: Option<String>,
    #[server(default)] start: String,
    #[server(default)] end: String,
    #[server(default)] time_zone: String,
    #[server(default)] holidays: String,
    #[server(default)] days: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::features::rules::hours::HoursForm;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Team)?;
    let form = own.map(|_| HoursForm {
        start,
        end,
        utc_offset_minutes: 0,
        time_zone,
        holidays,
        days,
    });
    super::server::save_hours(&app_state()?.pool, &queue, form).await
}

/// Sets how many open escalations assignment gives an agent at most.
#[server(endpoint = "team/capacity")]
pub async fn set_capacity(user_id: i64, capacity: i32) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Team)?;
    super::server::set_capacity(&app_state()?.pool, user_id, capacity).await
}

/// The signed-in user goes away or comes back; going away hands back the tickets of queues that
/// say so.
#[server(endpoint = "inbox/availability")]
pub async fn set_availability(available: bool) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::set_availability(&app_state()?.pool, user.id, available).await
}
