//! Real-time delivery over `graphql-transport-ws`: live messages, resuming
//! without gap or duplicate, authorization on every event, and the end of a
//! subscription when access is lost.

use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};
use stafett_tests::ids::{self, EMMA, EMMA_LOG, HEALTH_STATION, SARA_LOG};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp};
use std::time::Duration;
use tokio::time::Instant;

const MESSAGES: &str = "subscription($log: ID, $after: String) {
    messageAdded(logId: $log, after: $after) { cursor message { body toAll author { name } } } }";

const ACTIVITY: &str = "subscription($l: ID!) { logActivity(logId: $l) { kind goal { description } } }";

const SECONDS: Duration = Duration::from_secs(10);

async fn post(app: &TestApp, persona: &str, body: &str, to: Value) -> Value {
    post_in(app, EMMA_LOG, persona, body, to).await
}

async fn post_in(app: &TestApp, log: uuid::Uuid, persona: &str, body: &str, to: Value) -> Value {
    let r = app
        .gql(
            persona,
            "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
            json!({ "i": { "logId": log, "body": body, "recipientIds": to } }),
        )
        .await;
    r.ok()["postMessage"]["message"]["id"].clone()
}

async fn add_goal(app: &TestApp, description: &str) -> stafett_tests::Gql {
    app.gql(
        "coordinator",
        "mutation($l: ID!, $d: String!) { addGoal(input: { logId: $l, area: OTHER_SERVICES, btiLevel: 1, description: $d }) { goal { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG, "d": description }),
    )
    .await
}

fn body(payload: &Value) -> &str {
    payload["data"]["messageAdded"]["message"]["body"].as_str().unwrap_or_else(|| panic!("no message in {payload}"))
}

fn cursor(payload: &Value) -> String {
    payload["data"]["messageAdded"]["cursor"].as_str().expect("cursor").to_owned()
}

/// Waits until the app's hub has `n` live receivers. A subscription takes its
/// receiver before it reads anything, so whatever is committed after this
/// reaches it: the server-side signal that the subscriptions are live.
pub(crate) async fn listening(app: &TestApp, n: usize) {
    let deadline = Instant::now() + SECONDS;
    while app.state.hub.listeners() < n {
        assert!(Instant::now() < deadline, "{n} subscriptions not live in time ({} are)", app.state.hub.listeners());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Runs the deadline sweep before the app serves, so the background sweep
/// (which starts with the app) has nothing left to announce: no "overdue" or
/// "due soon" event can then fall between a test's writes.
async fn swept(app: &TestApp) {
    stafett_schema::events::deadlines::sweep(&app.state.pool, app.state.config.events.due_soon_days)
        .await
        .expect("sweep");
}

#[tokio::test]
async fn a_posted_message_reaches_a_connected_guardian() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian")).await;
    guardian.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    listening(&app, 1).await;
    post(&app, "coordinator", "Husk møtet på torsdag", json!([])).await;
    let got = guardian.next_for("m", SECONDS).await;
    assert_eq!(body(&got), "Husk møtet på torsdag");
    assert_eq!(got["data"]["messageAdded"]["message"]["author"]["name"], "Ingrid Lærer");
    assert!(!cursor(&got).is_empty());
}

#[tokio::test]
async fn a_participant_only_gets_messages_addressed_to_her_or_to_all() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    listening(&app, 1).await;
    post(&app, "guardian", "Bare til Kari", json!([ids::person("guardian2")])).await;
    post(&app, "guardian", "Til alle", json!([])).await;
    let got = nurse.next_for("m", SECONDS).await;
    assert_eq!(body(&got), "Til alle", "the private message was not delivered to her");
}

#[tokio::test]
async fn resuming_after_a_cursor_replays_every_missed_event_once_in_order() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    // A first client sees one message and remembers its cursor.
    let mut first = WsClient::connect(addr, &TestApp::token("guardian")).await;
    first.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    listening(&app, 1).await;
    post(&app, "coordinator", "melding 0", json!([])).await;
    let last = cursor(&first.next_for("m", SECONDS).await);
    drop(first);
    // While it is away, messages keep coming; they keep coming during its replay too.
    for i in 1..=20 {
        post(&app, "coordinator", &format!("melding {i}"), json!([])).await;
    }
    let writer = {
        let router = app.router.clone();
        tokio::spawn(async move {
            let token = TestApp::token("participant");
            for i in 21..=60 {
                let body = json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
                    "variables": { "i": { "logId": EMMA_LOG, "body": format!("melding {i}") } } });
                let req = axum::http::Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap();
                let res = tower::ServiceExt::oneshot(router.clone(), req).await.unwrap();
                assert!(res.status().is_success());
            }
        })
    };
    let mut again = WsClient::connect(addr, &TestApp::token("guardian")).await;
    again.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG, "after": last })).await;
    let mut seen = Vec::new();
    let mut cursors = Vec::new();
    while seen.len() < 60 {
        let got = again.next_for("m", SECONDS).await;
        seen.push(body(&got).to_owned());
        cursors.push(cursor(&got));
    }
    writer.await.unwrap();
    let expected: Vec<String> = (1..=60).map(|i| format!("melding {i}")).collect();
    assert_eq!(seen, expected, "every missed and concurrent message exactly once, in order");
    // Cursors are opaque (encrypted), so equal ones need not be neighbours: a
    // set, not `dedup` of the list as received.
    let distinct: std::collections::HashSet<&String> = cursors.iter().collect();
    assert_eq!(distinct.len(), 60, "no duplicate cursors");
    assert!(!cursors.contains(&last), "the resumed-after cursor is not delivered again");
    assert!(again.try_recv(Duration::from_millis(500)).await.is_none(), "nothing more");
}

/// From the first load to live with no gap (issue 17): a frontend queries
/// the log with its `eventCursor`, and subscribes `after` it. A message
/// posted between the query and the subscription arrives exactly once, as
/// does one posted after; nothing the query already returned comes again.
#[tokio::test]
async fn the_first_load_joins_live_updates_at_its_event_cursor_with_no_gap() {
    let app = TestApp::demo().await;
    swept(&app).await;
    let addr = app.serve().await;
    let before = post(&app, "coordinator", "før lastingen", json!([])).await;
    // The hub has delivered it once the relay ran: wait, so the load below
    // stands after it (else it would come again live, which a client drops by id).
    // (First until the relay has sequenced it: before, max(seq) would not
    // include it, and under load the wait passed before it was delivered.)
    let deadline = Instant::now() + SECONDS;
    while app.count("SELECT count(*) AS n FROM event WHERE seq IS NULL").await > 0 {
        assert!(Instant::now() < deadline, "the relay did not sequence the first message");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let delivered = app.count("SELECT coalesce(max(seq), 0) AS n FROM event").await;
    while app.state.hub.last_seq() < delivered {
        assert!(Instant::now() < deadline, "the hub did not deliver the first message");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let load = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { eventCursor messages(first: 50) { edges { node { id body } } } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let log = &load.ok()["log"];
    let loaded: Vec<&Value> = log["messages"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]["id"]).collect();
    assert!(loaded.contains(&&before), "the first load has the earlier message");
    let cursor = log["eventCursor"].as_str().expect("an event cursor").to_owned();
    // The cursor stands for a position of all logs' events: read twice with
    // nothing in between, it must still differ, or polling it would tell
    // when any log, or a message one may not read, had an event.
    let again = app.gql("guardian", "query($l: ID!) { log(id: $l) { eventCursor } }", json!({ "l": EMMA_LOG })).await;
    assert_ne!(again.ok()["log"]["eventCursor"], json!(cursor), "an event cursor is not comparable");

    // Posted after the load, before the subscription starts: without the
    // cursor a subscription from "now" would miss it.
    let between = post(&app, "coordinator", "mellom lasting og abonnement", json!([])).await;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian")).await;
    guardian
        .subscribe(
            "m",
            "subscription($log: ID, $after: String) { messageAdded(logId: $log, after: $after) { message { id body } } }",
            json!({ "log": EMMA_LOG, "after": cursor }),
        )
        .await;
    listening(&app, 1).await;
    let after = post(&app, "coordinator", "etter abonnementet", json!([])).await;

    let mut got = Vec::new();
    while !got.contains(&after) {
        let frame = guardian.next_for("m", SECONDS).await;
        got.push(frame["data"]["messageAdded"]["message"]["id"].clone());
    }
    assert_eq!(got, vec![between, after], "each message after the load once, in order; none the load had");
    assert!(guardian.try_recv(Duration::from_millis(500)).await.is_none(), "nothing more");
}

#[tokio::test]
async fn log_activity_and_deadline_changes_carry_what_changed() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut coordinator = WsClient::connect(addr, &TestApp::token("coordinator")).await;
    coordinator
        .subscribe(
            "a",
            "subscription($l: ID!) { logActivity(logId: $l) { cursor kind measure { description status } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse
        .subscribe("d", "subscription { deadlineChanges(scope: { kind: MINE }) { cursor kind deadline previousDeadline measure { description } } }", json!({}))
        .await;
    listening(&app, 2).await;
    let sleep_measure = stafett_server::demo::id(710);
    let moved = (chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string();
    app.gql("participant", "mutation($m: ID!, $d: Date) { updateMeasure(measureId: $m, input: { deadline: $d, status: IN_PROGRESS }) { measure { id } userErrors { field code message } } }", json!({ "m": sleep_measure, "d": moved }))
        .await
        .ok();
    // The deadline sweep may announce the demo's overdue and due-soon measures first.
    let activity = next_of_kind(&mut coordinator, "a", "logActivity", "MEASURE_UPDATED").await;
    assert_eq!(activity["measure"]["status"], "IN_PROGRESS");
    let d = &next_of_kind(&mut nurse, "d", "deadlineChanges", "MOVED").await;
    assert_eq!(d["kind"], "MOVED");
    assert_eq!(d["deadline"], moved.as_str());
    assert_eq!(d["measure"]["description"], "Samtaler om søvn og skjermbruk på helsestasjonen");
}

async fn next_of_kind(client: &mut WsClient, id: &str, field: &str, kind: &str) -> Value {
    loop {
        let got = client.next_for(id, SECONDS).await;
        if got["data"][field]["kind"] == kind {
            return got["data"][field].clone();
        }
    }
}

/// The ways a participant loses access; each must end her subscriptions with
/// FORBIDDEN, and nothing of the log written after the loss may reach her
/// first. Events are delivered in commit order, so a marker each
/// subscription has received divides "before" from "after": once both markers
/// are in, every further event is one she may no longer receive.
async fn ends_with_forbidden(lose_access: impl AsyncFnOnce(&TestApp)) {
    let app = TestApp::demo().await;
    swept(&app).await;
    let addr = app.serve().await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    nurse.subscribe("a", ACTIVITY, json!({ "l": EMMA_LOG })).await;
    listening(&app, 2).await;
    post(&app, "coordinator", "Før", json!([])).await;
    assert_eq!(body(&nurse.next_for("m", SECONDS).await), "Før");
    add_goal(&app, "Før").await.ok();
    let marker = next_of_kind(&mut nurse, "a", "logActivity", "GOAL_ADDED").await;
    assert_eq!(marker["goal"]["description"], "Før");

    lose_access(&app).await;
    let events_before = app.count("SELECT count(*) AS n FROM event").await;
    // Writes after the loss; each that the log's status still allows is an
    // event she must not receive.
    app.gql(
        "guardian",
        "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Etterpå\" }) { message { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG }),
    )
    .await;
    add_goal(&app, "Etterpå").await;
    app.gql(
        "guardian",
        "mutation($l: ID!) { requestDeletion(logId: $l) { deletionRequest { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG }),
    )
    .await;
    assert!(app.count("SELECT count(*) AS n FROM event").await > events_before, "no event was written after the loss");

    let mut ended = std::collections::BTreeMap::new();
    while ended.len() < 2 {
        let m = nurse.recv(SECONDS).await.expect("still connected");
        let id = m["id"].as_str().unwrap_or("").to_owned();
        match m["type"].as_str() {
            Some("next") if !m["payload"]["errors"].is_null() => {
                assert_eq!(m["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{m}");
                ended.insert(id, "forbidden");
            }
            Some("next") => panic!("an event after the loss reached her before the end: {m}"),
            Some("complete") => assert_eq!(ended.get(&id), Some(&"forbidden"), "completed without FORBIDDEN: {m}"),
            Some("ping") => {}
            _ => panic!("unexpected message: {m}"),
        }
    }
    // Whatever happens in the log now reaches her no more.
    app.gql(
        "guardian",
        "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Enda senere\" }) { message { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG }),
    )
    .await;
    let rest = nurse.try_recv(Duration::from_millis(800)).await;
    assert!(rest.as_ref().is_none_or(|m| m["type"] == "complete"), "{rest:?}");
}

async fn withdraw(app: &TestApp, persona: &str, scope_unit: Option<uuid::Uuid>) {
    let r = app
        .gql(
            persona,
            "query($l: ID!) { log(id: $l) { consents { id scope valid unit { id } givenBy { id } } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let me = json!(ids::person(persona));
    let id = r.ok()["log"]["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["valid"] == true
                && match scope_unit {
                    None => c["scope"] == "LOG" && c["givenBy"]["id"] == me,
                    Some(u) => c["unit"]["id"] == json!(u),
                }
        })
        .map(|c| c["id"].clone())
        .unwrap();
    app.gql(
        persona,
        "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { id } userErrors { field code message } } }",
        json!({ "c": id }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn withdrawn_consent_ends_the_subscription_with_forbidden() {
    ends_with_forbidden(async |app| withdraw(app, "guardian2", None).await).await;
}

#[tokio::test]
async fn a_withdrawn_unit_consent_ends_that_units_subscriptions() {
    ends_with_forbidden(async |app| withdraw(app, "guardian", Some(HEALTH_STATION)).await).await;
}

#[tokio::test]
async fn closing_the_log_ends_the_subscription_with_forbidden() {
    ends_with_forbidden(async |app| {
        app.gql(
            "coordinator",
            "mutation($l: ID!) { closeLog(logId: $l, input: { reason: GOALS_REACHED }) { log { id } userErrors { field code message } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn removing_the_participant_ends_her_subscription_with_forbidden() {
    ends_with_forbidden(async |app| {
        let r = app
            .gql("coordinator", "query($l: ID!) { log(id: $l) { participants { id name } } }", json!({ "l": EMMA_LOG }))
            .await;
        let nurse = r.ok()["log"]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Hanne Helsesøster")
            .map(|p| p["id"].clone())
            .unwrap();
        app.gql(
            "coordinator",
            "mutation($l: ID!, $p: ID!) { removeParticipant(logId: $l, input: { participantId: $p }) { participant { id } userErrors { field code message } } }",
            json!({ "l": EMMA_LOG, "p": nurse }),
        )
        .await
        .ok();
    })
    .await;
}

/// A subscription to all one's logs outlives the loss of one of them: that
/// log's messages stop, the other logs' go on (README "Real-time"). The nurse
/// follows Emma's and Sara's logs; Emma's health-station consent goes, so she
/// leaves Emma's log, which stays ACTIVE and gets a message to all.
#[tokio::test]
async fn a_subscription_to_all_logs_stops_only_the_lost_logs_messages() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("m", MESSAGES, json!({})).await;
    listening(&app, 1).await;
    post_in(&app, EMMA_LOG, "coordinator", "Emma før", json!([])).await;
    assert_eq!(body(&nurse.next_for("m", SECONDS).await), "Emma før");
    post_in(&app, SARA_LOG, "coordinator", "Sara før", json!([])).await;
    assert_eq!(body(&nurse.next_for("m", SECONDS).await), "Sara før");

    withdraw(&app, "guardian", Some(HEALTH_STATION)).await;
    post_in(&app, EMMA_LOG, "guardian", "Emma etter", json!([])).await;
    post_in(&app, SARA_LOG, "coordinator", "Sara etter", json!([])).await;
    // In commit order Emma's message comes first: had it been delivered, it
    // would be the next one.
    assert_eq!(body(&nurse.next_for("m", SECONDS).await), "Sara etter", "Emma's log after the loss reached her");
    post_in(&app, EMMA_LOG, "coordinator", "Emma igjen", json!([])).await;
    post_in(&app, SARA_LOG, "coordinator", "Sara igjen", json!([])).await;
    assert_eq!(body(&nurse.next_for("m", SECONDS).await), "Sara igjen", "the subscription goes on for Sara's log");
}

/// Access lost with no event of its own: the municipality lowers its consent
/// age to 15, so Emma (15 here) becomes an owner whose consent the log lacks;
/// it reads PASSIVE and the nurse may no longer follow it. Kari's deletion
/// request, written after, must not reach her: her subscription ends with
/// FORBIDDEN instead, at the latest at that event.
#[tokio::test]
async fn an_access_loss_without_an_event_keeps_later_events_from_the_subscriber() {
    let app = TestApp::demo().await;
    app.conn()
        .await
        .batch_execute(&format!(
            "UPDATE child SET birth_date = current_date - interval '15 years 10 days' WHERE id = '{EMMA}'"
        ))
        .await
        .expect("Emma is 15");
    swept(&app).await;
    let addr = app.serve().await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("a", ACTIVITY, json!({ "l": EMMA_LOG })).await;
    listening(&app, 1).await;
    add_goal(&app, "Før").await.ok();
    let marker = next_of_kind(&mut nurse, "a", "logActivity", "GOAL_ADDED").await;
    assert_eq!(marker["goal"]["description"], "Før");

    app.gql(
        "municipaladmin",
        "mutation { setConsentAge(input: { consentAge: 15 }) { consentAge userErrors { field code message } } }",
        json!({}),
    )
    .await
    .ok();
    let status = app.gql("guardian", "query($l: ID!) { log(id: $l) { status } }", json!({ "l": EMMA_LOG })).await;
    assert_eq!(status.ok()["log"]["status"], "PASSIVE", "Emma's own consent is now required");
    app.gql(
        "guardian",
        "mutation($l: ID!) { requestDeletion(logId: $l) { deletionRequest { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG }),
    )
    .await
    .ok();
    loop {
        let m = nurse.recv(SECONDS).await.expect("still connected");
        match m["type"].as_str() {
            Some("next") if !m["payload"]["errors"].is_null() => {
                assert_eq!(m["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{m}");
                break;
            }
            Some("ping") => {}
            _ => panic!("an event after the loss reached her before the end: {m}"),
        }
    }
}

/// The first `next` payload of each subscription in `ids`, in whatever order
/// the server answers them (waiting for one at a time would skip the others').
async fn first_answers(client: &mut WsClient, ids: &[&str]) -> std::collections::HashMap<String, Value> {
    let mut got = std::collections::HashMap::new();
    while got.len() < ids.len() {
        let m = client.recv(SECONDS).await.expect("still connected");
        let id = m["id"].as_str().unwrap_or_default().to_owned();
        if m["type"] == "next" && ids.contains(&id.as_str()) {
            got.entry(id).or_insert_with(|| m["payload"].clone());
        }
    }
    got
}

/// As for `messageAdded`: following a log one may not see answers exactly as
/// following one that does not exist, for `logActivity` and a LOG-scoped
/// `deadlineChanges` too.
#[tokio::test]
async fn activity_and_deadlines_of_a_hidden_log_answer_like_those_of_a_missing_log() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let deadlines = "subscription($l: ID) { deadlineChanges(scope: { kind: LOG, logId: $l }) { kind } }";
    let missing = uuid::Uuid::new_v4();
    for persona in ["outsider", "unconsented"] {
        let mut client = WsClient::connect(addr, &TestApp::token(persona)).await;
        client.subscribe("a", ACTIVITY, json!({ "l": EMMA_LOG })).await;
        client.subscribe("b", ACTIVITY, json!({ "l": missing })).await;
        client.subscribe("c", deadlines, json!({ "l": EMMA_LOG })).await;
        client.subscribe("d", deadlines, json!({ "l": missing })).await;
        let mut got = first_answers(&mut client, &["a", "b", "c", "d"]).await;
        let [a, b, c, d] = ["a", "b", "c", "d"].map(|id| got.remove(id).unwrap());
        assert_eq!(a, b, "{persona}: logActivity");
        assert_eq!(a["errors"][0]["extensions"]["code"], "NOT_FOUND", "{persona}: {a}");
        assert_eq!(c, d, "{persona}: deadlineChanges");
        assert_eq!(c["errors"][0]["extensions"]["code"], "NOT_FOUND", "{persona}: {c}");
    }
}

/// `deadlineChanges` refuses a log id with the kinds that follow all logs,
/// as `myDeadlines` does, rather than following every log.
#[tokio::test]
async fn deadline_changes_refuse_a_log_id_with_mine_or_coordinated() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut client = WsClient::connect(addr, &TestApp::token("coordinator")).await;
    let query =
        "subscription($k: DeadlineScopeKind!, $l: ID) { deadlineChanges(scope: { kind: $k, logId: $l }) { kind } }";
    client.subscribe("m", query, json!({ "k": "MINE", "l": EMMA_LOG })).await;
    client.subscribe("c", query, json!({ "k": "COORDINATED", "l": EMMA_LOG })).await;
    let got = first_answers(&mut client, &["m", "c"]).await;
    for (id, answer) in got {
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{id}: {answer}");
    }
}

#[tokio::test]
async fn a_subscription_to_a_hidden_log_answers_like_one_to_a_missing_log() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut outsider = WsClient::connect(addr, &TestApp::token("outsider")).await;
    outsider.subscribe("a", MESSAGES, json!({ "log": EMMA_LOG })).await;
    outsider.subscribe("b", MESSAGES, json!({ "log": uuid::Uuid::new_v4() })).await;
    let mut got = first_answers(&mut outsider, &["a", "b"]).await;
    let (a, b) = (got.remove("a").unwrap(), got.remove("b").unwrap());
    assert_eq!(a, b);
    assert_eq!(a["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

/// A professional following a log is reading it: the subscription is in the
/// family's access log once, from the moment it starts, however many events
/// it then receives. A family member's own subscription is not recorded.
#[tokio::test]
async fn a_professionals_subscription_is_recorded_once_when_it_starts() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let reads_by_nurse = || async {
        let r = app
            .gql(
                "guardian",
                "query($id: ID!) { log(id: $id) { accessLog(first: 100) { edges { node {
                    actorName action objectType } } } } }",
                json!({ "id": EMMA_LOG }),
            )
            .await;
        let data = r.ok();
        data["log"]["accessLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"]["actorName"] == "Hanne Helsesøster" && e["node"]["action"] == "READ")
            .map(|e| e["node"]["objectType"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(reads_by_nurse().await.is_empty());
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian2")).await;
    guardian.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    listening(&app, 2).await;
    // Recorded as the subscription starts, before any event: no event is
    // written until the entry is there.
    let deadline = Instant::now() + SECONDS;
    while reads_by_nurse().await.is_empty() {
        assert!(Instant::now() < deadline, "the subscription was not recorded as it started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(reads_by_nurse().await, ["MESSAGE"], "recorded once as the subscription started");
    for i in 0..3 {
        post(&app, "coordinator", &format!("melding {i}"), json!([])).await;
        assert_eq!(body(&nurse.next_for("m", SECONDS).await), format!("melding {i}"));
        assert_eq!(body(&guardian.next_for("m", SECONDS).await), format!("melding {i}"));
    }
    assert_eq!(reads_by_nurse().await, ["MESSAGE"], "still one entry after three events");
    let by_family = app
        .gql(
            "guardian",
            "query($id: ID!) { log(id: $id) { accessLog(first: 100) { edges { node { actorName } } } } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    assert!(!by_family.ok().to_string().contains("Kari Nordmann"), "owners are not recorded");
}

/// A relay pass that stalls is abandoned after the pass timeout: its
/// connection is dropped, PostgreSQL stops the statement within a second
/// and releases the sequencer lock, and the next pass relays the event —
/// long before the statement timeout would have ended the stall.
#[tokio::test]
async fn a_stalled_relay_pass_is_abandoned_and_the_message_still_arrives() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.events.relay_pass_timeout = Duration::from_millis(300);
        c.events.relay_poll = Duration::from_millis(200);
    })
    .await;
    let mut conn = app.conn().await;
    // The first sequencing UPDATE sleeps past the test's 10 s statement timeout.
    conn.batch_execute(
        "CREATE SEQUENCE stall_once;
         CREATE FUNCTION stall_once() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF nextval('stall_once') = 1 THEN PERFORM pg_sleep(30); END IF; RETURN NULL; END $$;
         CREATE TRIGGER stall_once BEFORE UPDATE ON event FOR EACH STATEMENT EXECUTE FUNCTION stall_once();",
    )
    .await
    .expect("install stall");
    let addr = app.serve().await;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian")).await;
    guardian.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    listening(&app, 1).await;
    let posted = std::time::Instant::now();
    post(&app, "coordinator", "Etter stans", json!([])).await;
    let got = guardian.next_for("m", Duration::from_secs(8)).await;
    assert_eq!(body(&got), "Etter stans");
    assert!(posted.elapsed() < Duration::from_secs(8), "arrived after {:?}", posted.elapsed());
    assert!(app.count("SELECT last_value AS n FROM stall_once").await >= 2, "the stalled pass was retried");
}

/// The attack on issue 15: `logActivity` told a participant (who may read
/// only her own unit's consents) when another unit was consented to. The
/// nurse's next event after PPT's consent is the goal added after it.
#[tokio::test]
async fn log_activity_shows_a_participant_only_her_own_units_consents() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    let activity = "subscription($l: ID!) { logActivity(logId: $l) { kind } }";
    nurse.subscribe("a", activity, json!({ "l": EMMA_LOG })).await;
    listening(&app, 1).await;
    let give = "mutation($l: ID!, $u: ID) { giveConsent(input: { logId: $l, unitId: $u }) { consent { id } userErrors { field code message } } }";
    app.gql("guardian", give, json!({ "l": EMMA_LOG, "u": stafett_tests::ids::PPT })).await.ok();
    let add = "mutation($l: ID!) { addGoal(input: { logId: $l, area: OTHER_SERVICES, btiLevel: 1, description: \"Etter samtykket\" }) { goal { id } userErrors { field code message } } }";
    app.gql("coordinator", add, json!({ "l": EMMA_LOG })).await.ok();
    loop {
        let got = nurse.next_for("a", SECONDS).await;
        let kind = got["data"]["logActivity"]["kind"].as_str().unwrap_or_default().to_owned();
        assert!(
            !matches!(kind.as_str(), "CONSENT_GIVEN" | "UNIT_PROPOSED"),
            "another unit's consent reached the nurse: {got}"
        );
        if kind == "GOAL_ADDED" {
            break;
        }
    }
}

/// Issue 17.4: `logActivity` carries what each event is about as a typed
/// `subject` — comments, evaluations, text changes, consents and handovers
/// included — so a client updates its page from the event alone.
#[tokio::test]
async fn log_activity_names_its_subject_typed() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian")).await;
    let subject = "subject { __typename
        ... on Comment { body }
        ... on Evaluation { body }
        ... on LogTextChange { sections }
        ... on Consent { scope valid }
        ... on Handover { status }
        ... on Goal { description } }";
    guardian
        .subscribe(
            "a",
            &format!("subscription($l: ID!) {{ logActivity(logId: $l) {{ kind {subject} }} }}"),
            json!({ "l": EMMA_LOG }),
        )
        .await;
    listening(&app, 1).await;
    let goal = stafett_server::demo::id(600);
    let measure = stafett_server::demo::id(710);
    let ok = |r: stafett_tests::Gql| {
        r.ok();
    };
    ok(app.gql("coordinator", "mutation($g: ID!) { addComment(input: { goalId: $g, body: \"Fin framgang\" }) { comment { id } userErrors { message } } }", json!({ "g": goal })).await);
    ok(app.gql("participant", "mutation($m: ID!) { addEvaluation(input: { measureId: $m, body: \"Sover bedre\" }) { evaluation { id } userErrors { message } } }", json!({ "m": measure })).await);
    ok(app.gql("guardian", "mutation($l: ID!) { updateLogText(logId: $l, input: { presentation: \"Ny tekst\", aboutMe: null }) { log { id } userErrors { message } } }", json!({ "l": EMMA_LOG })).await);
    ok(app.gql("guardian", "mutation($l: ID!, $u: ID!) { giveConsent(input: { logId: $l, unitId: $u }) { consent { id } userErrors { message } } }", json!({ "l": EMMA_LOG, "u": ids::PPT })).await);
    ok(app.gql("coordinator", "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { message } } }", json!({ "l": EMMA_LOG, "p": ids::person("participant") })).await);

    let comment = next_of_kind(&mut guardian, "a", "logActivity", "COMMENT_ADDED").await;
    assert_eq!(comment["subject"], json!({ "__typename": "Comment", "body": "Fin framgang" }));
    let evaluation = next_of_kind(&mut guardian, "a", "logActivity", "MEASURE_EVALUATED").await;
    assert_eq!(evaluation["subject"], json!({ "__typename": "Evaluation", "body": "Sover bedre" }));
    let text = next_of_kind(&mut guardian, "a", "logActivity", "TEXT_CHANGED").await;
    assert_eq!(text["subject"], json!({ "__typename": "LogTextChange", "sections": ["PRESENTATION", "ABOUT_ME"] }));
    let consent = next_of_kind(&mut guardian, "a", "logActivity", "CONSENT_GIVEN").await;
    assert_eq!(consent["subject"], json!({ "__typename": "Consent", "scope": "UNIT", "valid": true }));
    let handover = next_of_kind(&mut guardian, "a", "logActivity", "HANDOVER_PROPOSED").await;
    assert_eq!(handover["subject"], json!({ "__typename": "Handover", "status": "PENDING" }));
}
