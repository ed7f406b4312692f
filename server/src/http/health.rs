//! Liveness, readiness and metrics.

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::json;
use std::time::Duration;

/// The process is alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when PostgreSQL answers. Without Redis the instance still serves
/// (events reach its clients from PostgreSQL), so it reports `degraded`.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let postgres = tokio::time::timeout(Duration::from_secs(2), async {
        match state.pool.get().await {
            Ok(mut conn) => conn.batch_execute("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false);
    let redis = match &state.redis {
        None => "disabled",
        Some(bus) if bus.is_connected() => "ok",
        Some(_) => "unreachable",
    };
    let (status, overall) = match (postgres, redis) {
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        (true, "unreachable") => (StatusCode::OK, "degraded"),
        _ => (StatusCode::OK, "ready"),
    };
    let body = json!({
        "status": overall,
        "postgres": if postgres { "ok" } else { "unreachable" },
        "redis": redis,
    });
    (status, Json(body))
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    metrics::gauge!("stafett_db_queries").set(state.queries.get() as f64);
    metrics::gauge!("stafett_event_hub_listeners").set(state.hub.listeners() as f64);
    metrics::gauge!("stafett_event_hub_last_seq").set(state.hub.last_seq() as f64);
    if let Ok((pending, lag)) = outbox(&state).await {
        metrics::gauge!("stafett_outbox_pending").set(pending as f64);
        metrics::gauge!("stafett_outbox_lag_seconds").set(lag);
    }
    let text = crate::metrics::handle().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text)
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
    let mut conn = state.pool.get().await?;
    let Pending { pending, oldest } = stafett_schema::db::events::outbox_query(
        "SELECT count(*) AS pending, min(created_at) AS oldest FROM event WHERE seq IS NULL",
    )
    .get_result(&mut conn)
    .await?;
    let lag = oldest.map_or(0.0, |t| (chrono::Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
    Ok((pending, lag))
}
