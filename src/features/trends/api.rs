//! Server function for the Trends page.

use super::Trends;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "trends")]
pub async fn get_trends(
    #[server(default)] filter: AnalyticsFilter,
    #[server(default)] by: String,
    #[server(default)] grain: String,
) -> Result<Trends, AppError> {
    use super::lines::{buckets, lines};
    use super::GroupRow;
    use crate::components::FilterChoices;
    use crate::domain::role::Area;
    use crate::server::db::rollups::{self, Grain, Group};
    use crate::server::{auth, charts, state::app_state};
    use std::collections::HashMap;
    auth::require(Area::Overview)?;
    let pool = &app_state()?.pool;
    let choices = FilterChoices::load(pool).await?;
    let group = Group::parse(&by).unwrap_or_default();
    let by = match group {
        Group::Category => "category",
        Group::Product => "product",
    }
    .to_string();
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Trends {
            period: None,
            previous: None,
            choices,
            by,
            grain: Grain::Day.as_str().into(),
            volume_svg: String::new(),
            negative_svg: String::new(),
            rows: Vec::new(),
        });
    };
    let period = filter.period(latest);
    let previous = period.previous();
    let grain = Grain::parse(&grain).unwrap_or(Grain::for_days(period.days()));
    let names: HashMap<String, String> = choices
        .products
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let label = |key: &str| match group {
        Group::Product => names.get(key).cloned().unwrap_or_else(|| key.to_string()),
        Group::Category => key.to_string(),
    };
    let (changes, points) = tokio::try_join!(
        rollups::group_changes(pool, group, period, previous, &filter),
        rollups::trend(pool, group, grain, period, &filter),
    )?;
    let share = |neg: i64, analysed: i64| (analysed > 0).then(|| neg as f64 / analysed as f64);
    let rows: Vec<GroupRow> = changes
        .iter()
        .map(|c| {
            let mut href = format!("/tickets?from={}&to={}", period.from, period.to);
            match group {
                Group::Product if c.key != "(none)" => {
                    href.push_str(&format!("&product={}", c.key))
                }
                Group::Category => {
                    href.push_str(&format!("&category={}", crate::domain::url::encode(&c.key)))
                }
                Group::Product => {}
            }
            GroupRow {
                label: label(&c.key),
                href,
                tickets: c.n,
                before: c.before_n,
                negative: share(c.negative_n, c.analysed_n),
                negative_before: share(c.before_negative_n, c.before_analysed_n),
            }
        })
        .collect();
    let order: Vec<String> = changes
        .iter()
        .filter(|c| c.n > 0)
        .map(|c| c.key.clone())
        .collect();
    let b = buckets(grain, period.from, period.to);
    let (volume, negative) = lines(&points, &b, &order, label);
    let format = match grain {
        Grain::Month => "%b %Y",
        _ => "%d %b",
    };
    let per = grain.as_str();
    let volume_svg = charts::lines::over_time(
        &b,
        &volume,
        "tickets",
        format,
        &format!("Tickets per {per}"),
    )
    .map_err(AppError::internal)?;
    let negative_svg = charts::lines::over_time(
        &b,
        &negative,
        "% negative",
        format,
        &format!("Negative share per {per} (% of analysed tickets)"),
    )
    .map_err(AppError::internal)?;
    Ok(Trends {
        period: Some(period),
        previous: Some(previous),
        choices,
        by,
        grain: grain.as_str().into(),
        volume_svg,
        negative_svg,
        rows,
    })
}
