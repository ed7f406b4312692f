//! Operations: health, readiness, metrics, request ids.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use stafett_tests::TestApp;
use stafett_tests::ws::WsClient;
use std::time::Duration;

async fn get(app: &TestApp, path: &str) -> (u16, axum::http::HeaderMap, String) {
    let (status, headers, body) = app.send(Request::get(path).body(Body::empty()).unwrap()).await;
    (status.as_u16(), headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::demo().await;
    assert_eq!(get(&app, "/healthz").await.0, 200);
    let (status, _, body) = get(&app, "/readyz").await;
    assert_eq!(status, 200);
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready, json!({ "status": "ready", "postgres": "ok", "redis": "disabled" }));
}

#[tokio::test]
async fn metrics_count_requests_websockets_subscriptions_and_events() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut ws = WsClient::connect(addr, &TestApp::token("guardian")).await;
    ws.subscribe("m", "subscription { messageAdded { cursor } }", json!({})).await;
    app.gql("coordinator", "query LogPage { logs { edges { node { id } } } }", json!({})).await.ok();
    app.gql(
        "coordinator",
        "mutation Post($l: ID!) { postMessage(input: { logId: $l, body: \"hei\" }) { id } }",
        json!({ "l": stafett_tests::ids::EMMA_LOG }),
    )
    .await
    .ok();
    ws.next_for("m", Duration::from_secs(10)).await;
    let (status, headers, text) = get(&app, "/metrics").await;
    assert_eq!(status, 200);
    assert!(headers[axum::http::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    for needle in [
        "stafett_http_requests_total{operation=\"LogPage\",outcome=\"ok\"}",
        "stafett_http_request_duration_seconds_bucket{operation=\"Post\"",
        "stafett_websockets_open",
        "stafett_subscriptions_active",
        "stafett_events_relayed_total",
        "stafett_outbox_lag_seconds",
        "stafett_outbox_pending",
        "stafett_db_queries",
    ] {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::demo().await;
    let (_, headers, _) = get(&app, "/healthz").await;
    assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36, "generated when absent");
    let req = Request::get("/healthz").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
    let (_, headers, _) = app.send(req).await;
    assert_eq!(headers["x-request-id"], "abc-123", "kept when given");
}
