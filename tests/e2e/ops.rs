//! Operations: health, readiness, metrics (on their own listener, with the
//! pool's use), request ids, the request timeout and `traceparent`.

use axum::body::Body;
use axum::http::Request;
use diesel_async::SimpleAsyncConnection;
use http_body_util::BodyExt;
use serde_json::json;
use stafett_tests::process::{ServerProcess, free_port};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp, TestDb};
use std::time::Duration;
use tower::ServiceExt;

async fn get(app: &TestApp, path: &str) -> (u16, axum::http::HeaderMap, String) {
    let (status, headers, body) = app.send(Request::get(path).body(Body::empty()).unwrap()).await;
    (status.as_u16(), headers, String::from_utf8_lossy(&body).into_owned())
}

/// `GET /metrics` on the app's metrics router (what `STAFETT_METRICS_ADDR` serves).
async fn scrape(app: &TestApp) -> (u16, axum::http::HeaderMap, String) {
    let router = stafett_server::http::metrics::router(app.state.clone());
    let response = router.oneshot(Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The value of an unlabelled series in a scrape.
fn value(text: &str, series: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.split_once(' ').is_some_and(|(name, _)| name == series))
        .unwrap_or_else(|| panic!("no {series} in:\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
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
        "mutation Post($l: ID!) { postMessage(input: { logId: $l, body: \"hei\" }) { message { id } userErrors { field code message } } }",
        json!({ "l": stafett_tests::ids::EMMA_LOG }),
    )
    .await
    .ok();
    ws.next_for("m", Duration::from_secs(10)).await;
    let (status, headers, text) = scrape(&app).await;
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
        "stafett_db_pool_max_size",
        "stafett_db_pool_connections",
        "stafett_db_pool_in_use",
        "stafett_db_pool_waiting",
        "stafett_db_pool_timeouts_total",
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

#[tokio::test]
async fn metrics_are_not_on_the_public_port() {
    let app = TestApp::demo().await;
    assert_eq!(get(&app, "/metrics").await.0, 404);
}

#[tokio::test]
async fn metrics_listen_on_their_own_address_when_configured() {
    let db = TestDb::new(Fixture::Empty).await;
    let metrics = format!("127.0.0.1:{}", free_port());
    let server = ServerProcess::start(&db.url, None, &[("STAFETT_METRICS_ADDR", &metrics)]).await;
    let http = reqwest::Client::new();
    let scraped = http.get(format!("http://{metrics}/metrics")).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert_eq!(value(&text, "stafett_db_pool_max_size"), 4.0, "the test server's STAFETT_DB_POOL_SIZE");
    let public = http.get(format!("http://{}/metrics", server.addr)).send().await.unwrap();
    assert_eq!(public.status(), 404, "not on the public port");
    let api = http.get(format!("http://{metrics}/graphql?query=%7B__typename%7D")).send().await.unwrap();
    assert_eq!(api.status(), 404, "the metrics listener serves metrics only");
}

#[tokio::test]
async fn pool_use_waiting_and_checkout_timeouts_are_in_the_scrape() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.database.pool_size = 1;
        c.database.acquire_timeout = Duration::from_secs(3);
    })
    .await;
    let before = value(&scrape(&app).await.2, "stafett_db_pool_timeouts_total");
    let held = app.state.pool.get().await.unwrap();
    let waiting = {
        let app_router = app.router.clone();
        let token = TestApp::token("guardian");
        tokio::spawn(async move {
            let body = json!({ "query": "{ logs { edges { node { id } } } }" }).to_string();
            let req = Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from(body))
                .unwrap();
            app_router.oneshot(req).await.unwrap().status().as_u16()
        })
    };
    while app.state.pool.status().waiting == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let text = scrape(&app).await.2;
    assert_eq!(value(&text, "stafett_db_pool_in_use"), 1.0, "{text}");
    assert_eq!(value(&text, "stafett_db_pool_waiting"), 1.0, "{text}");
    assert_eq!(waiting.await.unwrap(), 503, "no connection within STAFETT_DB_ACQUIRE_TIMEOUT_MS");
    drop(held);
    let after = value(&scrape(&app).await.2, "stafett_db_pool_timeouts_total");
    assert!(after > before, "the timed-out checkout is counted: {before} → {after}");
}

#[tokio::test]
async fn a_request_not_answered_within_the_timeout_gets_503_and_the_pool_recovers() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.limits.request_timeout = Some(Duration::from_secs(2));
        // The timed-out request's connection is the one the next request gets.
        c.database.pool_size = 1;
    })
    .await;
    let query = "{ logs { edges { node { id } } } }";
    // A transaction of the test's own holds the table, so the request waits
    // on its statement for as long as the test likes: past the timeout.
    let mut blocker = app.conn().await;
    blocker.batch_execute("BEGIN; LOCK TABLE log IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let slow = app.gql("guardian", query, json!({})).await;
    assert_eq!(slow.status.as_u16(), 503, "{:#}", slow.body);
    assert!(slow.errors().is_empty(), "the timeout's bare 503, not a database error: {:#}", slow.body);
    blocker.batch_execute("ROLLBACK").await.unwrap();
    let logs = app.gql("guardian", query, json!({})).await;
    assert_eq!(logs.ok()["logs"]["edges"].as_array().map(Vec::len), Some(3), "Emma's, Jonas' and Nora's logs");
}

#[tokio::test]
async fn websockets_outlive_the_request_timeout() {
    let timeout = Duration::from_secs(2);
    let app = TestApp::with(Fixture::Demo, |c| c.limits.request_timeout = Some(timeout)).await;
    let addr = app.serve().await;
    let mut ws = WsClient::connect(addr, &TestApp::token("guardian")).await;
    let log = stafett_tests::ids::EMMA_LOG.to_string();
    ws.subscribe("m", "subscription($l: ID!) { messageAdded(logId: $l) { message { body } } }", json!({ "l": log }))
        .await;
    tokio::time::sleep(timeout + timeout / 2).await;
    app.gql(
        "coordinator",
        "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"fortsatt her\" }) { message { id } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await
    .ok();
    let event = ws.next_for("m", Duration::from_secs(10)).await;
    assert_eq!(event["data"]["messageAdded"]["message"]["body"], "fortsatt her");
}

#[tokio::test]
async fn a_traceparent_is_carried_into_the_request_span() {
    let db = TestDb::new(Fixture::Empty).await;
    let env = [("STAFETT_LOG_FORMAT", "json"), ("RUST_LOG", "info,tower_http=debug")];
    let server = ServerProcess::start(&db.url, None, &env).await;
    let (trace_id, parent) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let http = reqwest::Client::new();
    let url = format!("http://{}/healthz", server.addr);
    let res = http.get(&url).header("traceparent", format!("00-{trace_id}-{parent}-01")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    http.get(&url).header("traceparent", "00-not-a-trace-01").send().await.unwrap();
    // The response is logged in the request's span as it is sent.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let spans = loop {
        let spans: Vec<serde_json::Value> = server
            .log_text()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|l| l["fields"]["message"] == "finished processing request")
            .map(|l| l["span"].clone())
            .collect();
        if spans.len() >= 2 || tokio::time::Instant::now() > deadline {
            break spans;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(spans.len(), 2, "{}", server.log_text());
    assert_eq!((&spans[0]["trace_id"], &spans[0]["parent_span_id"]), (&json!(trace_id), &json!(parent)));
    assert_eq!(spans[0]["path"], "/healthz");
    assert!(spans[1].get("trace_id").is_none(), "a malformed traceparent is ignored: {}", spans[1]);
}

/// With `OTEL_EXPORTER_OTLP_ENDPOINT` set, request spans go to the collector
/// over OTLP/HTTP (JSON), as children of the caller's `traceparent`. The
/// collector is a real HTTP server on loopback that keeps what it is sent.
#[tokio::test]
async fn request_spans_are_exported_over_otlp_in_the_callers_trace() {
    use axum::routing::post;
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let keep = received.clone();
    let collector = axum::Router::new().route(
        "/v1/traces",
        post(move |body: String| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(body);
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, collector).await });

    let db = TestDb::new(Fixture::Empty).await;
    let env = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()), ("OTEL_BSP_SCHEDULE_DELAY", "100")];
    let server = ServerProcess::start(&db.url, None, &env).await;
    let (trace_id, parent) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let res = reqwest::Client::new()
        .get(format!("http://{}/healthz", server.addr))
        .header("traceparent", format!("00-{trace_id}-{parent}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let span = loop {
        let found = received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .find_map(|b| {
                let spans = b["resourceSpans"]
                    .as_array()?
                    .iter()
                    .flat_map(|r| r["scopeSpans"].as_array().cloned().unwrap_or_default());
                spans.flat_map(|s| s["spans"].as_array().cloned().unwrap_or_default()).find(|s| s["name"] == "request")
            });
        if let Some(span) = found {
            break span;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no request span reached the collector: {:?}",
            received.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(span["traceId"].as_str().map(str::to_lowercase).as_deref(), Some(trace_id), "{span}");
    assert_eq!(span["parentSpanId"].as_str().map(str::to_lowercase).as_deref(), Some(parent), "{span}");
    let body = received.lock().unwrap().join("\n");
    assert!(body.contains("stafett"), "the service name is in the resource: {body}");
}
