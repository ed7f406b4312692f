//! The access log (tilgangslogg): what is recorded, who may read it, that
//! nobody may change it, and that a request fails when its entry cannot be
//! stored.

use diesel::QueryableByName;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};
use stafett_tests::ids::{EMMA_LOG, HEALTH_STATION, JONAS_LOG, NORA_LOG, SARA_LOG, SCHOOL};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp};
use std::time::Duration;
use uuid::Uuid;

const PAGE: &str = "query($id: ID!) { log(id: $id) {
    id status presentation childVoice child { name birthDate }
    participants { name phone email unit { name } }
    guardians { name }
    goals { description measures { description deadline responsible { name } evaluations { body } } }
    meetings { edges { node { title minutes } } }
    messages(first: 20) { edges { node { body } } }
} }";

async fn entries(app: &TestApp) -> i64 {
    app.count(&format!("SELECT count(*) AS n FROM access_log WHERE log_id = '{EMMA_LOG}'")).await
}

/// The newest entry of Emma's log as (actor, role, unit, object, action).
async fn newest(app: &TestApp) -> Value {
    let r = app
        .gql(
            "guardian",
            "query($id: ID!) { log(id: $id) { accessLog(first: 1) { edges { node { actorName actorRole actorUnit { id } objectType action at } } } } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    r.ok()["log"]["accessLog"]["edges"][0]["node"].clone()
}

#[tokio::test]
async fn a_professional_reading_a_whole_log_page_makes_one_entry() {
    let app = TestApp::demo().await;
    let before = entries(&app).await;
    app.gql("coordinator", PAGE, json!({ "id": EMMA_LOG })).await.ok();
    assert_eq!(entries(&app).await, before + 1, "one entry per request, not per field");
    let e = newest(&app).await;
    assert_eq!(e["actorName"], "Ingrid Lærer");
    assert_eq!(e["actorRole"], "COORDINATOR");
    assert_eq!(e["actorUnit"]["id"], json!(SCHOOL));
    assert_eq!(e["objectType"], "LOG");
    assert_eq!(e["action"], "READ");
    app.gql("participant", PAGE, json!({ "id": EMMA_LOG })).await;
    assert_eq!(entries(&app).await, before + 2, "each request is recorded");
    let e = newest(&app).await;
    assert_eq!((e["actorRole"].as_str(), &e["actorUnit"]["id"]), (Some("PARTICIPANT"), &json!(HEALTH_STATION)));
}

/// The newest entry's id: entries after it are what the requests since wrote.
async fn mark(app: &TestApp) -> i64 {
    app.count("SELECT coalesce(max(id), 0) AS n FROM access_log").await
}

/// The entries written after `mark`, each as "log role object action",
/// sorted, so a test states exactly which entries a request wrote.
async fn written_since(app: &TestApp, mark: i64) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        log_id: Uuid,
        #[diesel(sql_type = diesel::sql_types::Text)]
        actor_role: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        object_type: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
    }
    let mut conn = app.conn().await;
    let rows: Vec<Entry> = diesel::sql_query(format!(
        "SELECT log_id, actor_role, object_type, action FROM access_log WHERE id > {mark} ORDER BY id"
    ))
    .load(&mut conn)
    .await
    .expect("entries");
    let mut all: Vec<String> =
        rows.into_iter().map(|e| entry(e.log_id, &e.actor_role, &e.object_type, &e.action)).collect();
    all.sort();
    all
}

fn entry(log: Uuid, role: &str, object: &str, action: &str) -> String {
    let log = match log {
        l if l == EMMA_LOG => "Emma",
        l if l == JONAS_LOG => "Jonas",
        l if l == NORA_LOG => "Nora",
        l if l == SARA_LOG => "Sara",
        _ => "another log",
    };
    format!("{log} {role} {object} {action}")
}

/// A professional's read of `log`'s content, as [`written_since`] shows it.
fn read(log: Uuid, role: &str) -> String {
    entry(log, role, "LOG", "READ")
}

/// Runs `query` as `persona`, requires an answer without errors, and
/// returns the entries it wrote.
async fn entries_of(app: &TestApp, persona: &str, query: &str, variables: Value) -> Vec<String> {
    let before = mark(app).await;
    app.gql(persona, query, variables).await.ok();
    written_since(app, before).await
}

/// `myDeadlines` answers with measures (content) of every log the viewer
/// coordinates or answers for: one READ entry per such log, however many of
/// its measures are shown, and none for the logs whose goals the role may
/// not read (Jonas' PASSIVE and Nora's CLOSED log hold open measures too).
#[tokio::test]
async fn my_deadlines_records_one_read_per_log_it_shows_measures_of() {
    let app = TestApp::demo().await;
    let q = "{ myDeadlines { edges { node { id description } } } }";
    let coordinated = app
        .count(&format!(
            "SELECT count(*) AS n FROM measure WHERE log_id = '{EMMA_LOG}' AND status IN ('PLANNED', 'IN_PROGRESS') AND deadline IS NOT NULL"
        ))
        .await;
    assert!(coordinated > 1, "set-up: Emma's log has several open measures, so one entry is not one per measure");
    assert_eq!(
        entries_of(&app, "coordinator", q, json!({})).await,
        [read(EMMA_LOG, "COORDINATOR"), read(SARA_LOG, "COORDINATOR")]
    );
    assert_eq!(entries_of(&app, "participant", q, json!({})).await, [read(EMMA_LOG, "PARTICIPANT")]);
    // A read is of what is on the page: one measure is one log's read, and
    // the count alone reads no log's content.
    let one = "{ myDeadlines(first: 1) { edges { node { description } } } }";
    assert_eq!(entries_of(&app, "coordinator", one, json!({})).await.len(), 1);
    let counted = "{ myDeadlines { totalCount } }";
    assert_eq!(entries_of(&app, "coordinator", counted, json!({})).await, Vec::<String>::new());
    // The guardian answers for measures too; an owner's read is not recorded.
    let mine = app.gql("guardian", q, json!({})).await;
    assert!(!stafett_tests::nodes(&mine.ok()["myDeadlines"]).is_empty(), "set-up: the guardian answers for some");
    assert_eq!(entries_of(&app, "guardian", q, json!({})).await, Vec::<String>::new());
}

/// `snapshot(id)` shows an archived copy of the log's content: a
/// professional's read is recorded, the municipal admin's archive read too.
#[tokio::test]
async fn reading_a_snapshot_by_id_is_recorded() {
    let app = TestApp::demo().await;
    let listed = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { snapshots { edges { node { id } } } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let id = listed.ok()["log"]["snapshots"]["edges"][0]["node"]["id"].clone();
    assert!(id.is_string(), "set-up: Emma's log has a snapshot: {:#}", listed.body);
    let q = "query($id: ID!) { snapshot(id: $id) { id reason content { status } } }";
    assert_eq!(entries_of(&app, "coordinator", q, json!({ "id": id })).await, [read(EMMA_LOG, "COORDINATOR")]);
    assert_eq!(entries_of(&app, "municipaladmin", q, json!({ "id": id })).await, [read(EMMA_LOG, "MUNICIPAL_ADMIN")]);
    assert_eq!(entries_of(&app, "guardian", q, json!({ "id": id })).await, Vec::<String>::new());
}

/// `logs` lists what the viewer may see. Listing metadata (status, the
/// child's name) is no content read and writes nothing; asking the listing
/// for content records one read for each log whose content it shows.
#[tokio::test]
async fn the_logs_listing_records_content_reads_and_not_metadata() {
    let app = TestApp::demo().await;
    let metadata = "{ logs(first: 20) { edges { node { id status child { name } participants { name } } } } }";
    let before = mark(&app).await;
    let listed = app.gql("coordinator", metadata, json!({})).await;
    assert_eq!(listed.ok()["logs"]["edges"].as_array().expect("a list").len(), 4, "set-up: the coordinator's logs");
    assert_eq!(written_since(&app, before).await, Vec::<String>::new(), "metadata is no content read");
    // Jonas' PASSIVE and Nora's CLOSED log answer FORBIDDEN for content: nothing is shown, nothing recorded.
    let content = "{ logs(first: 20) { edges { node { id presentation } } } }";
    let before = mark(&app).await;
    let r = app.gql("coordinator", content, json!({})).await;
    assert_eq!(r.codes(), ["FORBIDDEN", "FORBIDDEN"], "{:#}", r.body);
    assert_eq!(written_since(&app, before).await, [read(EMMA_LOG, "COORDINATOR"), read(SARA_LOG, "COORDINATOR")]);
    assert_eq!(entries_of(&app, "guardian", content, json!({})).await, Vec::<String>::new());
}

/// A query over the websocket is recorded like one over HTTP (the failing
/// case is `a_read_over_the_websocket_fails_whole_when_its_entry_cannot_be_stored`).
#[tokio::test]
async fn a_read_over_the_websocket_is_recorded_once() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let before = mark(&app).await;
    let mut ws = WsClient::connect(addr, &TestApp::token("participant")).await;
    ws.subscribe("q", PAGE, json!({ "id": EMMA_LOG })).await;
    let next = ws.recv(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(next["type"], "next", "{next}");
    assert!(next["payload"]["errors"].is_null(), "{next:#}");
    assert!(next["payload"]["data"]["log"]["goals"].as_array().is_some_and(|g| !g.is_empty()), "{next:#}");
    let complete = ws.recv(Duration::from_secs(10)).await.expect("the operation ends");
    assert_eq!(complete, json!({ "id": "q", "type": "complete" }));
    assert_eq!(written_since(&app, before).await, [read(EMMA_LOG, "PARTICIPANT")]);
    let e = newest(&app).await;
    assert_eq!((e["actorName"].as_str(), &e["actorUnit"]["id"]), (Some("Hanne Helsesøster"), &json!(HEALTH_STATION)));
}

#[tokio::test]
async fn owners_reads_and_metadata_reads_are_not_professional_reads() {
    let app = TestApp::demo().await;
    let before = entries(&app).await;
    app.gql("guardian", PAGE, json!({ "id": EMMA_LOG })).await.ok();
    app.gql(
        "unitadmin",
        "query($id: ID!) { log(id: $id) { id status child { name } participants { name } } }",
        json!({ "id": EMMA_LOG }),
    )
    .await
    .ok();
    assert_eq!(entries(&app).await, before);
}

#[tokio::test]
async fn every_write_is_recorded_with_who_role_unit_object_and_action() {
    let app = TestApp::demo().await;
    let before = entries(&app).await;
    let posted = app
        .gql(
            "participant",
            "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Hei fra helsestasjonen\" }) { message { id } userErrors { field code message } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let message_id = posted.ok()["postMessage"]["message"]["id"].clone();
    assert_eq!(entries(&app).await, before + 1);
    let r = app
        .gql(
            "guardian",
            "query($id: ID!) { log(id: $id) { accessLog(first: 1) { edges { node { actorName actorRole actorUnit { name } objectType objectId action } } } } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    let e = &r.ok()["log"]["accessLog"]["edges"][0]["node"];
    assert_eq!(e["actorName"], "Hanne Helsesøster");
    assert_eq!(e["actorRole"], "PARTICIPANT");
    assert_eq!(e["actorUnit"]["name"], "Nordby helsestasjon");
    assert_eq!(e["objectType"], "MESSAGE");
    assert_eq!(e["objectId"], message_id);
    assert_eq!(e["action"], "CREATE");
}

#[tokio::test]
async fn owners_page_through_the_access_log_newest_first() {
    let app = TestApp::demo().await;
    for persona in ["coordinator", "participant", "coordinator"] {
        app.gql(persona, PAGE, json!({ "id": EMMA_LOG })).await;
    }
    let q = "query($id: ID!, $after: String) { log(id: $id) { accessLog(first: 2, after: $after) {
        edges { cursor node { id at actorName } } pageInfo { hasNextPage endCursor } } } }";
    let first = app.gql("guardian", q, json!({ "id": EMMA_LOG })).await;
    let page = &first.ok()["log"]["accessLog"];
    let names: Vec<&str> =
        page["edges"].as_array().unwrap().iter().map(|e| e["node"]["actorName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ingrid Lærer", "Hanne Helsesøster"], "newest first");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let second = app.gql("guardian", q, json!({ "id": EMMA_LOG, "after": page["pageInfo"]["endCursor"] })).await;
    let next = &second.ok()["log"]["accessLog"]["edges"];
    assert_eq!(next[0]["node"]["actorName"], "Ingrid Lærer");
    let t0 = page["edges"][1]["node"]["at"].as_str().unwrap().to_owned();
    let t1 = next[0]["node"]["at"].as_str().unwrap().to_owned();
    assert!(t0 >= t1, "times descend across pages: {t0} then {t1}");
    // Youth and guardians alike; professionals do not see it.
    app.gql(
        "coordinator",
        "query($id: ID!) { log(id: $id) { accessLog { edges { node { id } } } } }",
        json!({ "id": EMMA_LOG }),
    )
    .await
    .err("FORBIDDEN");
}

#[tokio::test]
async fn the_municipal_admin_audits_and_the_audit_is_itself_recorded() {
    let app = TestApp::demo().await;
    app.gql("coordinator", PAGE, json!({ "id": EMMA_LOG })).await;
    let audit = app
        .gql(
            "municipaladmin",
            "query($id: ID!) { log(id: $id) { accessLog { edges { node { actorName actorRole action } } } } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    let edges = &audit.ok()["log"]["accessLog"]["edges"];
    // The audit is recorded before the page is read, so it is the newest entry on it.
    assert_eq!(edges[0]["node"]["actorName"], "Mona Kommuneadmin");
    assert_eq!(edges[1]["node"]["actorName"], "Ingrid Lærer");
    let e = newest(&app).await;
    assert_eq!((e["actorRole"].as_str(), e["objectType"].as_str()), (Some("MUNICIPAL_ADMIN"), Some("ACCESS_LOG")));
}

#[tokio::test]
async fn nobody_can_change_or_delete_entries() {
    let app = TestApp::demo().await;
    app.gql("coordinator", PAGE, json!({ "id": EMMA_LOG })).await.ok();
    let mut conn = app.conn().await;
    // The test connects as a superuser that owns the table: the database refuses even that.
    for sql in ["UPDATE access_log SET action = 'UPDATE'", "DELETE FROM access_log", "TRUNCATE access_log"] {
        let err = conn.batch_execute(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert!(entries(&app).await >= 1);
}

#[tokio::test]
async fn a_read_fails_when_its_access_log_entry_cannot_be_stored() {
    let app = TestApp::demo().await;
    break_access_log(&app).await;
    let r = app.gql("coordinator", PAGE, json!({ "id": EMMA_LOG })).await;
    assert!(r.data().is_null(), "nothing is shown that was not recorded: {:#}", r.body);
    assert_eq!(r.codes(), vec!["INTERNAL"]);
    let correlation = &r.errors()[0]["extensions"]["correlationId"];
    assert!(correlation.as_str().is_some_and(|c| c.len() == 36), "{correlation}");
    assert!(!r.body.to_string().contains("access-log fault"), "no database text reaches the client");
    // Owners' reads are not professional reads, so they still work.
    app.gql("guardian", PAGE, json!({ "id": EMMA_LOG })).await.ok();
}

/// The same rule holds over a websocket (one pipeline for both transports):
/// a query whose read cannot be recorded shows nothing — not even the
/// fields the guards would have let through — and ends the operation.
#[tokio::test]
async fn a_read_over_the_websocket_fails_whole_when_its_entry_cannot_be_stored() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    break_access_log(&app).await;
    let mut ws = WsClient::connect(addr, &TestApp::token("coordinator")).await;
    ws.subscribe("q", PAGE, json!({ "id": EMMA_LOG })).await;
    let next = ws.recv(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(next["type"], "next", "{next}");
    assert_eq!(next["payload"]["data"], Value::Null, "nothing is shown that was not recorded: {next:#}");
    let errors = next["payload"]["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{next:#}");
    assert_eq!(errors[0]["extensions"]["code"], "INTERNAL");
    assert!(errors[0]["path"].is_null(), "the response as a whole fails, not a field: {next:#}");
    assert!(!next.to_string().contains("access-log fault"), "no database text reaches the client");
    let complete = ws.recv(Duration::from_secs(10)).await.expect("the operation ends");
    assert_eq!(complete, json!({ "id": "q", "type": "complete" }));
}

/// Concurrent reads share a batch of entries; an entry the database refuses
/// fails its own request and no other.
#[tokio::test]
async fn a_refused_read_entry_fails_only_its_own_request() {
    let app = TestApp::demo().await;
    let count = "SELECT count(*) AS n FROM access_log WHERE action = 'READ' AND actor_role = 'PARTICIPANT'";
    let before = app.count(count).await;
    let mut conn = app.conn().await;
    conn.batch_execute(
        "CREATE FUNCTION fail_coordinator_reads() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.actor_role = 'COORDINATOR' THEN RAISE EXCEPTION 'simulated fault'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER fail_coordinator_reads BEFORE INSERT ON access_log
             FOR EACH ROW EXECUTE FUNCTION fail_coordinator_reads();",
    )
    .await
    .expect("install fault");
    let reads = (0..24).map(|i| {
        let persona = if i % 2 == 0 { "coordinator" } else { "participant" };
        let app = &app;
        async move { (persona, app.gql(persona, PAGE, json!({ "id": EMMA_LOG })).await) }
    });
    for (persona, r) in futures_util::future::join_all(reads).await {
        if persona == "coordinator" {
            assert_eq!(r.codes(), vec!["INTERNAL"], "{:#}", r.body);
            assert!(r.data().is_null());
        } else {
            r.ok();
        }
    }
    assert_eq!(app.count(count).await, before + 12, "each participant read is recorded once");
}

#[tokio::test]
async fn a_write_fails_and_changes_nothing_when_its_entry_cannot_be_stored() {
    let app = TestApp::demo().await;
    let messages = app.count(&format!("SELECT count(*) AS n FROM message WHERE log_id = '{EMMA_LOG}'")).await;
    let events = app.count("SELECT count(*) AS n FROM event").await;
    break_access_log(&app).await;
    let r = app
        .gql(
            "guardian",
            "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Hei\" }) { message { id } userErrors { field code message } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    r.err("INTERNAL");
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM message WHERE log_id = '{EMMA_LOG}'")).await, messages);
    assert_eq!(app.count("SELECT count(*) AS n FROM event").await, events, "no event for a write that did not happen");
}

/// A database fault: every insert into the access log raises.
async fn break_access_log(app: &TestApp) {
    let mut conn = app.conn().await;
    conn.batch_execute(
        "CREATE FUNCTION fail_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'simulated access-log fault'; END $$;
         CREATE TRIGGER fail_access_log BEFORE INSERT ON access_log
             FOR EACH ROW EXECUTE FUNCTION fail_access_log();",
    )
    .await
    .expect("install fault");
}

/// `postMessage` sends its inserts (message and recipients, access-log entry,
/// outbox event) down one connection without waiting for each: a fault in any
/// of them still fails the write whole, and the connection it ran on keeps
/// serving (a pool of one connection, so the next write reuses it).
#[tokio::test]
async fn a_pipelined_write_changes_nothing_when_any_of_its_statements_fails() {
    let app = TestApp::with(Fixture::Demo, |c| c.database.pool_size = 1).await;
    let participants = app
        .gql("coordinator", "query($l: ID!) { log(id: $l) { participants { id } } }", json!({ "l": EMMA_LOG }))
        .await;
    let to: Vec<Value> =
        participants.ok()["log"]["participants"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
    let post = "mutation($l: ID!, $to: [ID!]!) { postMessage(input: { logId: $l, body: \"Hei\", recipientIds: $to }) { message { id } userErrors { field code message } } }";
    let counts = || async {
        let mut n = Vec::new();
        for table in ["message", "message_recipient", "access_log", "event"] {
            n.push(app.count(&format!("SELECT count(*) AS n FROM {table}")).await);
        }
        n
    };
    for table in ["message", "message_recipient", "access_log", "event"] {
        let before = counts().await;
        let mut conn = app.conn().await;
        conn.batch_execute(&format!(
            "CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'simulated {table} fault'; END $$;
             CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}();"
        ))
        .await
        .expect("install fault");
        app.gql("coordinator", post, json!({ "l": EMMA_LOG, "to": to })).await.err("INTERNAL");
        assert_eq!(counts().await, before, "a fault in {table} leaves nothing behind");
        conn.batch_execute(&format!("DROP TRIGGER fail_{table} ON {table}")).await.expect("remove fault");
        app.gql("coordinator", post, json!({ "l": EMMA_LOG, "to": to })).await.ok();
        let after = counts().await;
        assert_eq!(
            (after[0], after[2], after[3]),
            (before[0] + 1, before[2] + 1, before[3] + 1),
            "after the {table} fault"
        );
        assert!(after[1] > before[1], "recipients stored after the {table} fault");
    }
}
