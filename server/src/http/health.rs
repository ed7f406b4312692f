//! Liveness and readiness (metrics are on a listener of their own: `metrics.rs`).

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use diesel_async::SimpleAsyncConnection;
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
