//! Liveness and readiness.

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use diesel_async::SimpleAsyncConnection;
use serde_json::json;

/// The process is alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// PostgreSQL is reachable.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let postgres = match state.pool.get().await {
        Ok(mut conn) => conn.batch_execute("SELECT 1").await.is_ok(),
        Err(_) => false,
    };
    let status = if postgres { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({ "postgres": if postgres { "ok" } else { "unreachable" } })))
}
