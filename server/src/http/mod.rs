//! HTTP: the router and its handlers.

mod calendar;
mod caller;
mod demo_app;
mod execute;
pub mod graphql;
mod health;
pub mod metrics;
mod statistics;
mod traceparent;
mod unread_body;
pub mod ws;

use crate::app::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::field::Empty;

/// The status of a request not answered within `STAFETT_REQUEST_TIMEOUT_MS`:
/// the service, not the client, was too slow (408 would blame the client),
/// and a retry may well succeed, as with the 503 of an unreachable database.
pub const TIMED_OUT: StatusCode = StatusCode::SERVICE_UNAVAILABLE;

pub fn router(state: AppState) -> Router {
    let body_limit = state.config.limits.max_body_bytes;
    let demo = state.config.demo;
    let mut router = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/calendar/meetings/{file}", get(calendar::meeting))
        .route("/statistics.csv", get(statistics::csv))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz));
    if demo {
        router = router.merge(demo_app::routes());
    }
    router = router.layer(DefaultBodyLimit::max(body_limit));
    // The timeout bounds a request until its response is ready. A websocket's
    // response is its 101; the socket then runs in a task of its own
    // (`ws::upgrade`), so subscriptions are not cut (tests/e2e/ops.rs).
    if let Some(timeout) = state.config.limits.request_timeout {
        router = router.layer(TimeoutLayer::with_status_code(TIMED_OUT, timeout));
    }
    router
        // Every answer may carry personal data or say what exists (a 401, a
        // 404 of a calendar file): no browser or proxy keeps one. A route
        // that sets its own Cache-Control keeps it.
        .layer(SetResponseHeaderLayer::if_not_present(CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(axum::middleware::from_fn_with_state(state.clone(), unread_body::drain_unread_bodies))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The request's log span: its id, and the caller's trace when a W3C
/// `traceparent` came with it.
fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
        trace_id = Empty,
        parent_span_id = Empty,
    );
    if let Some(parent) = traceparent::from_headers(req.headers()) {
        span.record("trace_id", parent.trace_id);
        span.record("parent_span_id", parent.parent_span_id);
        crate::telemetry::join_trace(&span, parent.trace_id, parent.parent_span_id, parent.sampled);
    }
    span
}
