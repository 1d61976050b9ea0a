//! `Loaded`: the one way pages wait for their data — a fallback, then the view or the error note.

use super::ErrorNote;
use crate::error::AppError;
use leptos::prelude::*;

/// Shows `loading` while `data` loads, then `render(value)`, or the error (with its HTTP status).
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    loading: &'static str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=move || view! { <p class="muted" aria-busy="true">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorNote error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
