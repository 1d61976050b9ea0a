//! The analytics filter bar (date range, product, channel, category, sentiment): a GET form, so the filters live in the URL and a view can be bookmarked.

use crate::domain::analytics::{AnalyticsFilter, Period};
use crate::domain::{Channel, SentimentLabel};
use leptos::prelude::*;
use leptos_router::components::Form;
use serde::{Deserialize, Serialize};

/// What the filter bar offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub products: Vec<(i64, String)>,
    pub categories: Vec<String>,
}

#[cfg(feature = "ssr")]
impl FilterChoices {
    /// Every product and every category the rollups count.
    pub async fn load(pool: &sqlx::PgPool) -> sqlx::Result<Self> {
        use crate::server::db;
        Ok(FilterChoices {
            products: db::tickets::products(pool).await?,
            categories: db::rollups::categories(pool).await?,
        })
    }
}

/// `path?` plus the filter's query string.
pub fn filtered_href(path: &str, filter: &AnalyticsFilter) -> String {
    let query = filter
        .pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", crate::domain::url::encode(&v)))
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[component]
pub fn FilterBar(
    action: &'static str,
    filter: AnalyticsFilter,
    choices: FilterChoices,
    /// The period the page resolved (shown in the date fields when the URL names none).
    period: Option<Period>,
) -> impl IntoView {
    let option = |value: String, label: String, selected: bool| {
        view! { <option value=value selected=selected>{label}</option> }
    };
    let products = choices
        .products
        .into_iter()
        .map(|(id, name)| option(id.to_string(), name, filter.product == Some(id)))
        .collect_view();
    let channels = Channel::ALL
        .iter()
        .map(|c| option(c.to_string(), c.to_string(), filter.channel == Some(*c)))
        .collect_view();
    let categories = choices
        .categories
        .into_iter()
        .map(|c| {
            let selected = filter.category.as_deref() == Some(c.as_str());
            option(c.clone(), c, selected)
        })
        .collect_view();
    let sentiments = SentimentLabel::ALL
        .iter()
        .map(|s| option(s.to_string(), s.to_string(), filter.sentiment == Some(*s)))
        .collect_view();
    let from = filter
        .from
        .or(period.map(|p| p.from))
        .map(|d| d.to_string());
    let to = filter.to.or(period.map(|p| p.to)).map(|d| d.to_string());
    view! {
        <Form method="GET" action=action>
            <div class="filters" role="search" data-testid="filter-bar">
                <label>"From" <input type="date" name="from" value=from/></label>
                <label>"To" <input type="date" name="to" value=to/></label>
                <select name="product" aria-label="Product">
                    <option value="">"All products"</option>
                    {products}
                </select>
                <select name="channel" aria-label="Channel">
                    <option value="">"All channels"</option>
                    {channels}
                </select>
                <select name="category" aria-label="Category">
                    <option value="">"All categories"</option>
                    {categories}
                </select>
                <select name="sentiment" aria-label="Sentiment">
                    <option value="">"Any sentiment"</option>
                    {sentiments}
                </select>
                <button type="submit">"Apply"</button>
                <a href=action class="button secondary">"Clear"</a>
            </div>
        </Form>
    }
}
