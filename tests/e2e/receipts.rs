//! Read receipts live and unread counts: `messageRead` tells the author and
//! every other reader of a message (and the reader's other devices) that
//! someone read it, and `Log.messages.unreadCount` is the badge it changes.

use super::realtime::listening;
use serde_json::{Value, json};
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp};
use std::time::Duration;

const SECONDS: Duration = Duration::from_secs(10);

const READS: &str = "subscription($l: ID) { messageRead(logId: $l) {
    cursor logId reader { name } readAt message { id body readBy { reader { name } } } } }";

const COUNTS: &str = "query($l: ID!) { log(id: $l) { messages(first: 1) { totalCount unreadCount } } }";

async fn post(app: &TestApp, persona: &str, body: &str, to: Value) -> String {
    let r = app
        .gql(
            persona,
            "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
            json!({ "i": { "logId": EMMA_LOG, "body": body, "recipientIds": to } }),
        )
        .await;
    r.ok()["postMessage"]["message"]["id"].as_str().unwrap().to_owned()
}

/// The coordinator as a recipient: a participant is addressed by their
/// participation id (`Participant.id`).
async fn coordinator(app: &TestApp) -> Value {
    let r =
        app.gql("guardian", "query($l: ID!) { log(id: $l) { coordinator { id } } }", json!({ "l": EMMA_LOG })).await;
    r.ok()["log"]["coordinator"]["id"].clone()
}

async fn mark_read(app: &TestApp, persona: &str, message: &str) {
    let r = app
        .gql(persona, "mutation($m: ID!) { markMessageRead(messageId: $m) { message { readByMe } userErrors { field code message } } }", json!({ "m": message }))
        .await;
    assert_eq!(r.ok()["markMessageRead"]["message"]["readByMe"], true, "{:#}", r.body);
}

async fn counts(app: &TestApp, persona: &str) -> (i64, i64) {
    let r = app.gql(persona, COUNTS, json!({ "l": EMMA_LOG })).await;
    let m = &r.ok()["log"]["messages"];
    (m["totalCount"].as_i64().unwrap(), m["unreadCount"].as_i64().unwrap())
}

fn read_event(payload: &Value) -> &Value {
    assert!(payload["errors"].is_null(), "{payload}");
    &payload["data"]["messageRead"]
}

#[tokio::test]
async fn a_first_read_reaches_the_author_and_the_readers_other_devices_and_lowers_the_badge() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let message = post(&app, "guardian", "Kan vi flytte møtet?", json!([])).await;
    let (total, unread) = counts(&app, "coordinator").await;
    assert!(unread >= 1, "the guardian's new message is unread for the coordinator");

    let mut author = WsClient::connect(addr, &TestApp::token("guardian")).await;
    author.subscribe("r", READS, json!({ "l": EMMA_LOG })).await;
    let mut other_device = WsClient::connect(addr, &TestApp::token("coordinator")).await;
    other_device.subscribe("r", READS, json!({ "l": null })).await;
    listening(&app, 2).await;

    mark_read(&app, "coordinator", &message).await;
    for client in [&mut author, &mut other_device] {
        let got = client.next_for("r", SECONDS).await;
        let e = read_event(&got);
        assert_eq!(e["reader"]["name"], "Ingrid Lærer", "{got}");
        assert_eq!(e["logId"], EMMA_LOG.to_string());
        assert_eq!(e["message"]["id"], message.as_str());
        assert_eq!(e["message"]["readBy"][0]["reader"]["name"], "Ingrid Lærer", "the message as it is now: {got}");
        assert!(e["readAt"].is_string() && e["cursor"].is_string());
    }
    assert_eq!(counts(&app, "coordinator").await, (total, unread - 1));

    // Marking it read again is no news: the next event the author hears of
    // is a later read, not a repeat of this one.
    mark_read(&app, "coordinator", &message).await;
    mark_read(&app, "guardian2", &message).await;
    let got = author.next_for("r", SECONDS).await;
    assert_eq!(read_event(&got)["reader"]["name"], "Kari Nordmann", "{got}");
    assert_eq!(counts(&app, "coordinator").await, (total, unread - 1));
}

/// A receipt goes to the message's audience only: a private message's read
/// reaches neither a participant it was not addressed to nor the other
/// guardian, while a to-all message's read reaches them (and comes first,
/// so the private one was skipped rather than late).
#[tokio::test]
async fn a_receipt_of_a_private_message_reaches_only_its_audience() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let private = post(&app, "guardian", "Bare til Ingrid", json!([coordinator(&app).await])).await;
    let public = post(&app, "guardian", "Til alle", json!([])).await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("r", READS, json!({ "l": null })).await;
    let mut guardian2 = WsClient::connect(addr, &TestApp::token("guardian2")).await;
    guardian2.subscribe("r", READS, json!({ "l": EMMA_LOG })).await;
    let mut author = WsClient::connect(addr, &TestApp::token("guardian")).await;
    author.subscribe("r", READS, json!({ "l": EMMA_LOG })).await;
    listening(&app, 3).await;

    mark_read(&app, "coordinator", &private).await;
    mark_read(&app, "coordinator", &public).await;
    for client in [&mut nurse, &mut guardian2] {
        let got = client.next_for("r", SECONDS).await;
        assert_eq!(read_event(&got)["message"]["id"], public.as_str(), "{got}");
        assert!(!got.to_string().contains("Bare til Ingrid"));
    }
    let first = author.next_for("r", SECONDS).await;
    let second = author.next_for("r", SECONDS).await;
    assert_eq!(read_event(&first)["message"]["id"], private.as_str(), "the author hears of both, in order");
    assert_eq!(read_event(&second)["message"]["id"], public.as_str());
}

/// Following the receipts of a log one may not see answers as for a log
/// that does not exist; with one's metadata only, FORBIDDEN.
#[tokio::test]
async fn receipts_of_a_hidden_log_answer_like_those_of_a_missing_log() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut outsider = WsClient::connect(addr, &TestApp::token("outsider")).await;
    outsider.subscribe("a", READS, json!({ "l": EMMA_LOG })).await;
    let a = outsider.next_for("a", SECONDS).await;
    outsider.subscribe("b", READS, json!({ "l": uuid::Uuid::new_v4() })).await;
    let b = outsider.next_for("b", SECONDS).await;
    assert_eq!(a, b);
    assert_eq!(a["errors"][0]["extensions"]["code"], "NOT_FOUND", "{a}");
    let mut admin = WsClient::connect(addr, &TestApp::token("unitadmin")).await;
    admin.subscribe("c", READS, json!({ "l": EMMA_LOG })).await;
    let c = admin.next_for("c", SECONDS).await;
    assert_eq!(c["errors"][0]["extensions"]["code"], "FORBIDDEN", "{c}");
}

/// The counts are of the viewer's messages in the whole log, not of the
/// page, and a list of logs reads them in one statement.
#[tokio::test]
async fn unread_counts_are_per_viewer_and_read_for_a_list_of_logs_at_once() {
    let app = TestApp::new(Fixture::Demo).await;
    let personas = ["participant", "coordinator", "guardian"];
    let mut before = Vec::new();
    for p in personas {
        before.push(counts(&app, p).await);
    }
    post(&app, "guardian", "Bare til Ingrid", json!([coordinator(&app).await])).await;
    let mut after = Vec::new();
    for p in personas {
        after.push(counts(&app, p).await);
    }
    let change: Vec<(i64, i64)> = before.iter().zip(&after).map(|(b, a)| (a.0 - b.0, a.1 - b.1)).collect();
    // The nurse was not addressed; Ingrid has one more, unread; the author
    // has one more, which is not unread to her.
    assert_eq!(change, [(0, 0), (1, 1), (1, 0)]);
    let coord_unread = after[1].1;

    let with = "{ logs(first: 50) { edges { node { id messages(first: 0) { totalCount unreadCount } } } } }";
    let without = "{ logs(first: 50) { edges { node { id messages(first: 0) { pageInfo { hasNextPage } } } } } }";
    let statements = |query: &'static str| {
        let app = &app;
        async move {
            let before = app.queries();
            let r = app.gql("coordinator", query, json!({})).await;
            (app.queries() - before, r)
        }
    };
    let (plain, _) = statements(without).await;
    let (counted, r) = statements(with).await;
    // Logs where the coordinator has metadata only answer null + FORBIDDEN.
    assert!(r.codes().iter().all(|c| c == "FORBIDDEN"), "{:#}", r.body);
    let edges = r.data()["logs"]["edges"].as_array().unwrap().clone();
    let with_counts: Vec<_> = edges.iter().filter(|e| e["node"]["messages"]["totalCount"].is_i64()).collect();
    assert!(with_counts.len() > 1, "more than one log with messages: {edges:?}");
    let emma = edges.iter().find(|e| e["node"]["id"] == EMMA_LOG.to_string()).expect("Emma's log");
    assert_eq!(emma["node"]["messages"]["unreadCount"], coord_unread);
    // The counts of all the logs: one statement.
    assert_eq!(counted, plain + 1, "{counted} statements with counts, {plain} without");
}

/// An author has read her own message: marking it is answered (the button
/// may be shown to everyone) but records nothing: no receipt in `readBy`, no
/// access-log entry, and `readByMe` is true from the start.
#[tokio::test]
async fn marking_your_own_message_read_records_nothing() {
    let app = TestApp::demo().await;
    let message = post(&app, "guardian", "Egen melding", json!([])).await;
    let q =
        "query($l: ID!) { log(id: $l) { messages(first: 1) { edges { node { id readByMe readBy { readAt } } } } } }";
    let mine = app.gql("guardian", q, json!({ "l": EMMA_LOG })).await;
    let node = &mine.ok()["log"]["messages"]["edges"][0]["node"];
    assert_eq!((&node["id"], &node["readByMe"]), (&json!(message), &json!(true)));
    let receipts = "SELECT count(*) AS n FROM message_read";
    let entries = format!("SELECT count(*) AS n FROM access_log WHERE log_id = '{EMMA_LOG}'");
    let before = (app.count(receipts).await, app.count(&entries).await);
    mark_read(&app, "guardian", &message).await;
    assert_eq!((app.count(receipts).await, app.count(&entries).await), before, "nothing recorded");
    let after = app.gql("guardian", q, json!({ "l": EMMA_LOG })).await;
    assert_eq!(after.ok()["log"]["messages"]["edges"][0]["node"]["readBy"], json!([]));
    // Another reader's mark is a receipt as before.
    mark_read(&app, "guardian2", &message).await;
    assert_eq!(app.count(receipts).await, before.0 + 1);
}
