//! Several `stafett` processes sharing PostgreSQL and Redis: events cross
//! instances, survive Redis going away, and background work is done once.
//! These tests start (and kill) a `redis-server` of their own.

use serde_json::{Value, json};
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::process::{RedisProcess, ServerProcess};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp, TestDb};
use std::time::Duration;

const MESSAGES: &str = "subscription($log: ID, $after: String) {
    messageAdded(logId: $log, after: $after) { cursor message { body } } }";

async fn post(server: &ServerProcess, body: &str) {
    let res = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .bearer_auth(TestApp::token("coordinator"))
        .json(&json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
                       "variables": { "i": { "logId": EMMA_LOG, "body": body } } }))
        .send()
        .await
        .expect("request");
    let status = res.status();
    let answer: Value = res.json().await.expect("json");
    assert!(status.is_success() && answer["errors"].is_null(), "{status} {answer}");
}

/// Reads `n` messages for subscription `id`, returning (body, cursor) pairs.
async fn read(client: &mut WsClient, id: &str, n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while out.len() < n {
        let p = client.next_for(id, Duration::from_secs(15)).await;
        let m = &p["data"]["messageAdded"];
        out.push((m["message"]["body"].as_str().unwrap().to_owned(), m["cursor"].as_str().unwrap().to_owned()));
    }
    out
}

/// Waits, with a deadline, until `ready` says yes; `what` names the condition in the failure.
async fn until<F: Future<Output = bool>>(what: &str, mut ready: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !ready().await {
        assert!(tokio::time::Instant::now() < deadline, "not within 15 s: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A `/metrics` gauge of an instance started with `STAFETT_METRICS_ADDR=metrics`.
async fn gauge(metrics: &str, name: &str) -> Option<f64> {
    let text = reqwest::get(format!("http://{metrics}/metrics")).await.ok()?.text().await.ok()?;
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

/// Instances A and B sharing `db` and `redis`, both with the settings `env`,
/// and the guardian subscribed to Emma's messages on B. Returns once B is
/// subscribed to Redis and B's hub has the subscription's receiver (its
/// listener gauge reads 1), so what is committed from then on reaches it.
async fn a_and_b_with_guardian_on_b(
    db: &TestDb,
    redis: &RedisProcess,
    env: &[(&str, &str)],
) -> (ServerProcess, ServerProcess, WsClient) {
    let metrics = format!("127.0.0.1:{}", stafett_tests::process::free_port());
    let a = ServerProcess::start(&db.url, Some(&redis.url()), env).await;
    let b_env: Vec<(&str, &str)> = env.iter().copied().chain([("STAFETT_METRICS_ADDR", metrics.as_str())]).collect();
    let b = ServerProcess::start(&db.url, Some(&redis.url()), &b_env).await;
    until("B subscribed to Redis", || async { b.log_text().contains("subscribed to Redis") }).await;
    let mut guardian = WsClient::connect(b.addr, &TestApp::token("guardian")).await;
    guardian.subscribe("m", MESSAGES, json!({ "log": EMMA_LOG })).await;
    until("the subscription on B is live", || async {
        gauge(&metrics, "stafett_event_hub_listeners").await == Some(1.0)
    })
    .await;
    (a, b, guardian)
}

/// Redis alone carries events between instances. Catch-up runs once an hour
/// here and the relays never poll (each is woken only by its own instance's
/// writes), so a message written through A can reach B's subscriber only as
/// A's publication on Redis, or B's gap fill when a later one arrives that way.
#[tokio::test]
async fn messages_cross_instances_through_redis_alone() {
    let db = TestDb::new(Fixture::Demo).await;
    let redis = RedisProcess::start().await;
    let off = [("STAFETT_CATCH_UP_MS", "3600000"), ("STAFETT_RELAY_POLL_MS", "3600000")];
    let (a, _b, mut guardian) = a_and_b_with_guardian_on_b(&db, &redis, &off).await;
    for i in 1..=5 {
        post(&a, &format!("melding {i}")).await;
    }
    let got: Vec<String> = read(&mut guardian, "m", 5).await.into_iter().map(|(b, _)| b).collect();
    let expected: Vec<String> = (1..=5).map(|i| format!("melding {i}")).collect();
    assert_eq!(got, expected, "every message through Redis, once, in order");
    assert!(guardian.try_recv(Duration::from_millis(700)).await.is_none(), "no duplicates afterwards");
}

/// With Redis gone, writes go on and other instances catch up from
/// PostgreSQL (every 500 ms here): what is written during the outage arrives
/// while Redis is still down; after it returns nothing is lost or doubled,
/// and a client resuming from a cursor on another instance gets the rest once.
#[tokio::test]
async fn messages_cross_instances_and_survive_redis_going_away() {
    let db = TestDb::new(Fixture::Demo).await;
    let mut redis = RedisProcess::start().await;
    let (a, b, mut guardian) = a_and_b_with_guardian_on_b(&db, &redis, &[("STAFETT_CATCH_UP_MS", "500")]).await;

    // Through A, to a subscriber on B, with Redis up.
    for i in 1..=5 {
        post(&a, &format!("melding {i}")).await;
    }
    let first = read(&mut guardian, "m", 5).await;

    // Redis killed: writes keep working, and B catches up from PostgreSQL
    // before Redis returns.
    redis.kill();
    for i in 6..=10 {
        post(&a, &format!("melding {i}")).await;
    }
    let mut rest = read(&mut guardian, "m", 5).await;
    for i in 11..=15 {
        post(&a, &format!("melding {i}")).await;
    }
    rest.extend(read(&mut guardian, "m", 5).await);
    redis.restart().await;
    until("B subscribed to Redis again", || async { b.log_text().matches("subscribed to Redis").count() >= 2 }).await;
    for i in 16..=20 {
        post(&a, &format!("melding {i}")).await;
    }
    rest.extend(read(&mut guardian, "m", 5).await);
    let all: Vec<String> = first.iter().chain(&rest).map(|(b, _)| b.clone()).collect();
    let expected: Vec<String> = (1..=20).map(|i| format!("melding {i}")).collect();
    assert_eq!(all, expected, "nothing lost, nothing twice, in order");
    assert!(guardian.try_recv(Duration::from_millis(700)).await.is_none(), "no duplicates afterwards");

    // A client that resumes from the fifth cursor gets the other fifteen, once.
    let mut resumed = WsClient::connect(a.addr, &TestApp::token("guardian")).await;
    resumed.subscribe("r", MESSAGES, json!({ "log": EMMA_LOG, "after": first[4].1 })).await;
    let replayed: Vec<String> = read(&mut resumed, "r", 15).await.into_iter().map(|(b, _)| b).collect();
    assert_eq!(replayed, expected[5..].to_vec());
    assert!(resumed.try_recv(Duration::from_millis(700)).await.is_none());
}

#[tokio::test]
async fn overdue_and_due_soon_are_emitted_once_with_two_instances() {
    let db = TestDb::new(Fixture::Demo).await;
    // Many overdue measures, so both instances' sweeps race for them.
    let mut conn: diesel_async::AsyncPgConnection =
        <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&db.url).await.expect("connect");
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        "INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, created_by)
         SELECT gen_random_uuid(), m.log_id, m.goal_id, 'Tiltak ' || n, m.responsible_id, current_date - n % 30 - 1, m.created_by
           FROM measure m, generate_series(1, 300) n WHERE m.id = '5afe77e0-0000-4000-8000-0000000002bc'",
    )
    .await
    .expect("insert measures");
    let fast = [("STAFETT_DEADLINE_SWEEP_MS", "20")];
    let _a = ServerProcess::start(&db.url, None, &fast).await;
    let _b = ServerProcess::start(&db.url, None, &fast).await;
    let count = |sql: &'static str| {
        let url = db.url.clone();
        async move {
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let mut c =
                <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&url).await.unwrap();
            diesel_async::RunQueryDsl::get_result::<N>(diesel::sql_query(sql), &mut c).await.unwrap().n
        }
    };
    let expected_overdue = count(
        "SELECT count(*) AS n FROM measure WHERE status IN ('PLANNED','IN_PROGRESS') AND deadline < current_date",
    )
    .await;
    assert!(expected_overdue > 300);
    for _ in 0..100 {
        if count("SELECT count(*) AS n FROM event WHERE kind = 'MEASURE_OVERDUE'").await >= expected_overdue {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let both sweeps run many more times.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(count("SELECT count(*) AS n FROM event WHERE kind = 'MEASURE_OVERDUE'").await, expected_overdue);
    assert_eq!(
        count("SELECT count(*) AS n FROM (SELECT payload->>'measureId' FROM event WHERE kind = 'MEASURE_OVERDUE' GROUP BY 1 HAVING count(*) > 1) d").await,
        0,
        "no measure announced twice"
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM event WHERE kind = 'MEASURE_DUE_SOON'").await,
        1,
        "the nurse's measure, due in 4 days"
    );
    assert_eq!(count("SELECT count(*) AS n FROM event WHERE seq IS NULL").await, 0, "every event was sequenced");
    assert_eq!(
        count("SELECT count(*) AS n FROM (SELECT seq FROM event GROUP BY seq HAVING count(*) > 1) d").await,
        0,
        "no seq given twice"
    );
}

/// Sequencers racing (this app's relay and two more, as other instances'
/// relays would) give every event exactly one seq, in the order the events
/// were written.
#[tokio::test]
async fn racing_sequencers_number_every_event_once_in_write_order() {
    use diesel_async::{AnsiTransactionManager, TransactionManager};
    use stafett_schema::db::enums::EventKind;
    use stafett_schema::db::events::{append, sequence_batch};
    let app = TestApp::demo().await;
    let conn = app.conn().await;
    for _ in 0..300 {
        append(&conn, EMMA_LOG, EventKind::MessagePosted, json!({})).await.expect("append");
    }
    let sequencer = || async {
        let mut conn = app.conn().await;
        loop {
            AnsiTransactionManager::begin_transaction(&mut conn).await.unwrap();
            let batch = sequence_batch(&mut conn, 7).await.expect("sequence");
            AnsiTransactionManager::commit_transaction(&mut conn).await.unwrap();
            assert!(batch.windows(2).all(|w| w[0].id < w[1].id && w[0].seq < w[1].seq), "{batch:?}");
            if batch.is_empty() {
                return;
            }
        }
    };
    tokio::join!(sequencer(), sequencer());
    assert_eq!(app.count("SELECT count(*) AS n FROM event WHERE seq IS NULL").await, 0);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS before FROM event) e
              WHERE before IS NOT NULL AND seq <= before"
        )
        .await,
        0,
        "a later event got a smaller seq"
    );
}

/// A GraphQL request to an instance as `persona`.
async fn gql_on(server: &ServerProcess, persona: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .bearer_auth(TestApp::token(persona))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

const DEACTIVATE: &str =
    "mutation($s: ID!) { deactivateStaff(staffId: $s) { staff { active } userErrors { message } } }";
const REACTIVATE: &str =
    "mutation($s: ID!) { reactivateStaff(staffId: $s) { staff { active } userErrors { message } } }";

/// Ingrid signed in on B (her principal cached there for ten minutes, a
/// websocket open) is deactivated through A: B refuses her next request and
/// closes her websocket with 4403 without waiting for the cache, and lets
/// her in again once she is reactivated through A.
async fn deactivation_reaches_b(db: &TestDb, redis: Option<&RedisProcess>, env: &[(&str, &str)]) {
    let redis_url = redis.map(RedisProcess::url);
    let a = ServerProcess::start(&db.url, redis_url.as_deref(), env).await;
    let b = ServerProcess::start(&db.url, redis_url.as_deref(), env).await;
    if redis.is_some() {
        until("B subscribed to Redis", || async { b.log_text().contains("subscribed to Redis") }).await;
    }
    let me = "{ me { id } }";
    assert!(gql_on(&b, "coordinator", me, json!({})).await["errors"].is_null());
    let mut socket = WsClient::connect(b.addr, &TestApp::token("coordinator")).await;
    let ingrid = stafett_tests::ids::person("coordinator");
    let r = gql_on(&a, "municipaladmin", DEACTIVATE, json!({ "s": ingrid })).await;
    assert_eq!(r["data"]["deactivateStaff"]["staff"]["active"], false, "{r}");
    let closed = loop {
        match socket.recv(Duration::from_secs(15)).await {
            Ok(_) => continue,
            Err(closed) => break closed,
        }
    };
    assert_eq!(closed.code, 4403, "{closed:?}");
    let refused = gql_on(&b, "coordinator", me, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let r = gql_on(&a, "municipaladmin", REACTIVATE, json!({ "s": ingrid })).await;
    assert_eq!(r["data"]["reactivateStaff"]["staff"]["active"], true, "{r}");
    until("B lets Ingrid in again", || async { gql_on(&b, "coordinator", me, json!({})).await["errors"].is_null() })
        .await;
}

/// Through Redis alone: B's poll of staff changes and its catch-up run once
/// an hour here, and its principal cache keeps entries ten minutes.
#[tokio::test]
async fn a_deactivation_is_felt_at_once_on_another_instance_through_redis() {
    let db = TestDb::new(Fixture::Demo).await;
    let redis = RedisProcess::start().await;
    let env = [("STAFETT_CATCH_UP_MS", "3600000"), ("STAFETT_PRINCIPAL_CACHE_MS", "600000")];
    deactivation_reaches_b(&db, Some(&redis), &env).await;
}

/// Without Redis, B's poll of `staff.access_changed_at` finds the change
/// (every 200 ms here), long before its ten-minute principal cache would.
#[tokio::test]
async fn a_deactivation_is_felt_on_another_instance_without_redis() {
    let db = TestDb::new(Fixture::Demo).await;
    let env = [("STAFETT_CATCH_UP_MS", "200"), ("STAFETT_PRINCIPAL_CACHE_MS", "600000")];
    deactivation_reaches_b(&db, None, &env).await;
}
