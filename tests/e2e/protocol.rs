//! The protocols to the letter: GraphQL over HTTP (the graphql-http audit)
//! and graphql-transport-ws with raw frames, every close code.

use serde_json::json;
use stafett_tests::TestApp;
use stafett_tests::process::npm_ci;
use stafett_tests::ws::WsClient;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const WITHIN: Duration = Duration::from_secs(5);

#[tokio::test]
async fn the_graphql_http_audit_reports_no_errors_and_no_warnings() {
    let dir = npm_ci("tests/node");
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let out = tokio::process::Command::new("node")
        .arg("graphql-http-audit.mjs")
        .arg(format!("http://{addr}/graphql"))
        .arg(TestApp::token("guardian"))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    let summary = String::from_utf8_lossy(&out.stderr);
    let results = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "audit failed:\n{summary}\n{results}");
    assert!(summary.contains(" 0 warnings, 0 errors"), "{summary}");
    assert!(results.lines().count() > 50, "the whole audit ran: {results}");
}

async fn init(addr: std::net::SocketAddr) -> WsClient {
    WsClient::connect(addr, &TestApp::token("guardian")).await
}

#[tokio::test]
async fn an_invalid_message_closes_with_4400() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    for bad in [json!({ "type": "no-such-type" }), json!({ "id": "1", "type": "subscribe" }), json!("just a string")] {
        let mut c = init(addr).await;
        c.send(bad.clone()).await;
        assert_eq!(c.closed(WITHIN).await.code, 4400, "{bad}");
    }
    let mut c = WsClient::open(addr).await;
    c.send_raw(Message::Text("{not json".into())).await;
    assert_eq!(c.closed(WITHIN).await.code, 4400);
}

#[tokio::test]
async fn subscribing_before_the_acknowledgement_closes_with_4401() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut c = WsClient::open(addr).await;
    c.subscribe("1", "{ me { id } }", json!({})).await;
    let closed = c.closed(WITHIN).await;
    assert_eq!((closed.code, closed.reason.as_str()), (4401, "Unauthorized"));
}

#[tokio::test]
async fn a_rejected_connection_init_closes_with_4403() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    for payload in [json!({ "authorization": "Bearer not-a-token" }), json!({})] {
        let mut c = WsClient::open(addr).await;
        c.send(json!({ "type": "connection_init", "payload": payload })).await;
        assert_eq!(c.closed(WITHIN).await.code, 4403);
    }
}

#[tokio::test]
async fn no_connection_init_within_the_timeout_closes_with_4408() {
    let app = TestApp::with(stafett_tests::Fixture::Demo, |c| c.ws.init_timeout = Duration::from_millis(300)).await;
    let addr = app.serve().await;
    let mut c = WsClient::open(addr).await;
    let started = std::time::Instant::now();
    let closed = c.closed(WITHIN).await;
    assert_eq!((closed.code, closed.reason.as_str()), (4408, "Connection initialisation timeout"));
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn a_duplicate_subscription_id_closes_with_4409() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut c = init(addr).await;
    let q = "subscription { messageAdded { cursor } }";
    c.subscribe("same", q, json!({})).await;
    c.subscribe("same", q, json!({})).await;
    assert_eq!(c.closed(WITHIN).await.code, 4409);
}

#[tokio::test]
async fn a_second_connection_init_closes_with_4429() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut c = init(addr).await;
    c.send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", TestApp::token("guardian")) } }))
        .await;
    assert_eq!(c.closed(WITHIN).await.code, 4429);
}

#[tokio::test]
async fn pings_are_answered_with_pongs_and_close_reasons_fit_a_frame() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut c = init(addr).await;
    c.send(json!({ "type": "ping", "payload": { "n": 1 } })).await;
    assert_eq!(c.recv(WITHIN).await.unwrap(), json!({ "type": "pong", "payload": { "n": 1 } }));
    c.send(json!({ "type": "pong" })).await;
    assert!(c.try_recv(Duration::from_millis(300)).await.is_none(), "a pong is not answered");
    // Every close above had a reason within 123 bytes; check the longest one we send.
    c.send(json!({ "type": "connection_init" })).await;
    let closed = c.closed(WITHIN).await;
    assert!(closed.reason.len() <= 123, "{closed:?}");
}

#[tokio::test]
async fn queries_and_mutations_also_run_over_the_socket() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut c = init(addr).await;
    c.subscribe("q", "{ me { name } }", json!({})).await;
    assert_eq!(c.next_for("q", WITHIN).await["data"]["me"]["name"], "Ola Nordmann");
    assert_eq!(c.recv(WITHIN).await.unwrap(), json!({ "id": "q", "type": "complete" }));
    // A request that fails validation is an `error` message, without `complete`.
    c.subscribe("bad", "{ nope }", json!({})).await;
    let e = c.recv(WITHIN).await.unwrap();
    assert_eq!(e["type"], "error");
    assert_eq!(e["payload"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(c.try_recv(Duration::from_millis(300)).await.is_none());
}
