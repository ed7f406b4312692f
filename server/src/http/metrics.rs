//! `/metrics` (Prometheus text) on a listener of its own,
//! `STAFETT_METRICS_ADDR`, never on the public port: the scrape names
//! operations, queue depths and pool use, which are no business of the
//! internet, and it costs a statement (the outbox's lag) per scrape.
//! Unset, there is no metrics endpoint at all (several instances on one
//! host would otherwise fight over a default port).

use crate::app::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use diesel_async::RunQueryDsl;
use std::time::Duration;

/// The metrics listener's router.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

/// How long a scrape waits for a connection for the outbox figures: a scrape
/// is most wanted when the pool is exhausted, and must not queue behind the
/// requests then (without a connection the outbox gauges keep their last values).
const SCRAPE_WAIT: Duration = Duration::from_millis(250);

async fn scrape(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok((pending, lag)) = outbox(&state).await {
        metrics::gauge!("stafett_outbox_pending").set(pending as f64);
        metrics::gauge!("stafett_outbox_lag_seconds").set(lag);
    }
    // After the outbox query, whose own connection is back in the pool by now.
    pool(&state);
    metrics::gauge!("stafett_db_queries").set(state.queries.get() as f64);
    metrics::gauge!("stafett_event_hub_listeners").set(state.hub.listeners() as f64);
    metrics::gauge!("stafett_event_hub_last_seq").set(state.hub.last_seq() as f64);
    let text = crate::metrics::handle().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text)
}

/// The pool as deadpool sees it now, and the checkouts that timed out so far
/// (counted in `stafett_schema::db`; a scrape's own short wait is not one).
fn pool(state: &AppState) {
    let status = state.pool.status();
    metrics::gauge!("stafett_db_pool_max_size").set(status.max_size as f64);
    metrics::gauge!("stafett_db_pool_connections").set(status.size as f64);
    metrics::gauge!("stafett_db_pool_in_use").set(status.size.saturating_sub(status.available) as f64);
    metrics::gauge!("stafett_db_pool_waiting").set(status.waiting as f64);
    metrics::counter!("stafett_db_pool_timeouts_total").absolute(stafett_schema::db::checkout_timeouts());
}

/// Events waiting to be sequenced, and the age of the oldest (seconds).
async fn outbox(state: &AppState) -> anyhow::Result<(i64, f64)> {
    #[derive(diesel::QueryableByName)]
    struct Pending {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pending: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
        oldest: Option<chrono::DateTime<chrono::Utc>>,
    }
    let mut conn = stafett_schema::db::conn_within(&state.pool, Some(SCRAPE_WAIT)).await?;
    let Pending { pending, oldest } = stafett_schema::db::events::outbox_query(
        "SELECT count(*) AS pending, min(created_at) AS oldest FROM event WHERE seq IS NULL",
    )
    .get_result(&mut conn)
    .await?;
    let lag = oldest.map_or(0.0, |t| (chrono::Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
    Ok((pending, lag))
}
