//! Server side of the comparison page: per-class deltas and the items whose prediction changed.

use super::super::{ChangedItem, ClassDeltaRow, Comparison};
use super::summary;
use crate::domain::metrics::Metrics;
use crate::server::db;
use crate::server::db::evaluations::RunRow;
use sqlx::PgPool;
use std::collections::HashMap;

pub async fn compare(pool: &PgPool, a: i64, b: i64) -> anyhow::Result<Option<Comparison>> {
    let (Some(ra), Some(rb)) = (
        db::evaluations::get(pool, a).await?,
        db::evaluations::get(pool, b).await?,
    ) else {
        return Ok(None);
    };
    let parse = |r: &RunRow| -> Option<Metrics> {
        r.metrics
            .clone()
            .and_then(|m| serde_json::from_value(m).ok())
    };
    let classes = match (parse(&ra), parse(&rb)) {
        (Some(ma), Some(mb)) => {
            let f1 = |m: &Metrics, label: &str| {
                m.classes
                    .iter()
                    .find(|c| c.label == label)
                    .map_or(0.0, |c| c.f1)
            };
            crate::domain::metrics::compare(&ma, &mb)
                .into_iter()
                .map(|d| ClassDeltaRow {
                    f1_a: f1(&ma, &d.label),
                    f1_b: f1(&mb, &d.label),
                    precision_delta: d.precision,
                    recall_delta: d.recall,
                    f1_delta: d.f1,
                    label: d.label,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let pa: HashMap<i64, String> = db::evaluations::predictions(pool, a)
        .await?
        .into_iter()
        .map(|p| (p.item_id, p.predicted))
        .collect();
    let changed: Vec<ChangedItem> = db::evaluations::predictions(pool, b)
        .await?
        .into_iter()
        .filter_map(|p| {
            let before = pa.get(&p.item_id)?;
            (before != &p.predicted).then(|| ChangedItem {
                item_id: p.item_id,
                text: p.text,
                gold: p.gold,
                a: before.clone(),
                b: p.predicted,
            })
        })
        .collect();
    let changed_total = changed.len();
    Ok(Some(Comparison {
        a: summary(&ra),
        b: summary(&rb),
        classes,
        changed: changed.into_iter().take(300).collect(),
        changed_total,
    }))
}
