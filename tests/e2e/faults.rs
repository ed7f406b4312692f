//! Faults, with nothing lost. These tests stop and kill services, so they
//! run against instances of their own: a `redis-server` on a spare port, a
//! PostgreSQL cluster of their own (created and removed by the test), and
//! `stafett` processes. Each prints its counts (run with `--nocapture`).

use serde_json::{Value, json};
use stafett_schema::api::cursor::{CursorKey, encode_seq};
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::process::{PgCluster, RedisProcess, ServerProcess, free_port};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp, TestDb};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

async fn post(addr: SocketAddr, body: &str) -> Result<Value, String> {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .timeout(Duration::from_secs(10))
        .bearer_auth(TestApp::token("coordinator"))
        .json(&json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
                       "variables": { "i": { "logId": EMMA_LOG, "body": body } } }))
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = res.status();
    let v: Value = res.json().await.map_err(|e| format!("{status}: body {e}"))?;
    match v["data"]["postMessage"]["message"]["id"].as_str() {
        Some(id) if status.is_success() => Ok(json!(id)),
        _ => Err(format!("{status} {v}")),
    }
}

async fn get_json(addr: SocketAddr, path: &str) -> (u16, Value) {
    let res = reqwest::get(format!("http://{addr}{path}")).await.expect("GET");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn count(url: &str, sql: &str) -> i64 {
    use diesel_async::{AsyncConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = diesel_async::AsyncPgConnection::establish(url).await.expect("connect");
    diesel::sql_query(sql).get_result::<N>(&mut c).await.expect(sql).n
}

/// One `messageAdded` frame as delivered: (cursor, message id, body).
type Frame = (String, String, String);

/// The frame of a `messageAdded` delivery to subscription "m"; `None` for a
/// ping; anything else fails the test.
fn frame(m: &Value) -> Option<Frame> {
    if m["type"] == "ping" {
        return None;
    }
    assert_eq!((&m["type"], &m["id"]), (&json!("next"), &json!("m")), "{m}");
    let e = &m["payload"]["data"]["messageAdded"];
    let text = |v: &Value| v.as_str().unwrap_or_else(|| panic!("a frame without cursor, id or body: {m}")).to_owned();
    Some((text(&e["cursor"]), text(&e["message"]["id"]), text(&e["message"]["body"])))
}

/// Reads frames into `delivered` until `done` holds; fails at `deadline`.
async fn receive_until(
    ws: &mut WsClient,
    delivered: &mut Vec<Frame>,
    deadline: Instant,
    what: &str,
    done: impl Fn(&[Frame]) -> bool,
) {
    while !done(delivered) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "{what}: not all delivered in time; delivered: {delivered:#?}");
        // The outer timeout fires first, so `recv` never panics on its own.
        let Ok(m) = tokio::time::timeout(left, ws.recv(left + Duration::from_secs(1))).await else {
            continue;
        };
        let m = m.unwrap_or_else(|c| panic!("{what}: the websocket closed: {c:?}"));
        delivered.extend(frame(&m));
    }
}

/// The key the server encrypts event cursors with (kept in the database).
async fn cursor_key(url: &str) -> CursorKey {
    use diesel_async::AsyncConnection;
    let mut c = diesel_async::AsyncPgConnection::establish(url).await.expect("connect");
    let key: [u8; 32] = stafett_schema::db::secrets::cursor_key(&mut c).await.unwrap().try_into().unwrap();
    CursorKey::new(&key)
}

/// What subscribers of Emma's log must have received after `after`: every
/// message event in PostgreSQL, in `seq` order, with the cursor the server
/// gives that `seq` (the database's cursor key encrypts it).
async fn stored_message_events(url: &str, after: i64) -> Vec<(String, String)> {
    use diesel_async::{AsyncConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct E {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let key = cursor_key(url).await;
    let mut c = diesel_async::AsyncPgConnection::establish(url).await.expect("connect");
    let rows: Vec<E> = diesel::sql_query(format!(
        "SELECT seq, payload->>'messageId' AS id FROM event
          WHERE log_id = '{EMMA_LOG}' AND kind = 'MESSAGE_POSTED' AND seq > {after} ORDER BY seq"
    ))
    .load(&mut c)
    .await
    .unwrap();
    rows.into_iter().map(|e| (encode_seq(&key, "e", e.seq), e.id)).collect()
}

/// Waits until every committed event has its `seq` (the instances' relays
/// sequence the fixture's), and returns the newest.
async fn all_sequenced(url: &str) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(url, "SELECT count(*) AS n FROM event WHERE seq IS NULL").await > 0 {
        assert!(Instant::now() < deadline, "the relays did not sequence the outbox");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    count(url, "SELECT coalesce(max(seq), 0) AS n FROM event").await
}

#[tokio::test]
async fn with_redis_stopped_the_service_works_and_events_arrive_when_it_returns() {
    let db = TestDb::new(Fixture::Demo).await;
    let mut redis = RedisProcess::start().await;
    // Catch-up is slowed to ten minutes, longer than the whole test: what B
    // receives comes through Redis, from B's own relay, or from PostgreSQL
    // right after B's Redis subscription comes back.
    let slow = [("STAFETT_CATCH_UP_MS", "600000")];
    let writer = ServerProcess::start(&db.url, Some(&redis.url()), &slow).await;
    let reader = ServerProcess::start(&db.url, Some(&redis.url()), &slow).await;
    // The subscription starts after a cursor of now, so it misses nothing
    // however long it takes to start (no sleep before the first write), and
    // receives nothing older.
    let start = all_sequenced(&db.url).await;
    let after = encode_seq(&cursor_key(&db.url).await, "e", start);
    let mut guardian = WsClient::connect(reader.addr, &TestApp::token("guardian")).await;
    guardian
        .subscribe(
            "m",
            "subscription($l: ID, $a: String) { messageAdded(logId: $l, after: $a) { cursor message { id body } } }",
            json!({ "l": EMMA_LOG, "a": after }),
        )
        .await;
    // (message id, body) of every write the service acknowledged, in the order written.
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    for i in 0..10 {
        let body = format!("før {i}");
        let id = post(writer.addr, &body).await.expect("write with Redis up");
        acknowledged.push((id.as_str().unwrap().to_owned(), body));
    }
    let mut delivered: Vec<Frame> = Vec::new();
    let has_all = |acked: Vec<String>| move |d: &[Frame]| acked.iter().all(|a| d.iter().any(|f| &f.1 == a));
    let ids = |acked: &[(String, String)]| acked.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
    let before = Instant::now() + Duration::from_secs(30);
    receive_until(&mut guardian, &mut delivered, before, "with Redis up", has_all(ids(&acknowledged))).await;
    redis.kill();
    // The writer notices its Redis subscription gone (at once, normally).
    let noticed = Instant::now() + Duration::from_secs(10);
    let (status, ready) = loop {
        let (status, ready) = get_json(writer.addr, "/readyz").await;
        if ready["redis"] == "unreachable" || Instant::now() > noticed {
            break (status, ready);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        (status, &ready["status"], &ready["redis"]),
        (200, &json!("degraded"), &json!("unreachable")),
        "{ready}"
    );
    for i in 0..10 {
        let body = format!("under {i}");
        let id = post(writer.addr, &body).await.expect("writes keep working without Redis");
        acknowledged.push((id.as_str().unwrap().to_owned(), body));
    }
    let reads = reqwest::Client::new()
        .post(format!("http://{}/graphql", writer.addr))
        .bearer_auth(TestApp::token("guardian"))
        .json(&json!({ "query": "{ logs { edges { node { id } } } }" }))
        .send()
        .await
        .unwrap();
    assert!(reads.status().is_success(), "queries keep working without Redis");
    // B may still get some of them: its own relay may sequence A's events
    // (instances take turns), and a relay hands what it sequences to its
    // own clients. What B's relay did not sequence waits for Redis. (This
    // only counts them for the report; the checks come at the end.)
    while let Some(m) = guardian.try_recv(Duration::from_millis(700)).await {
        delivered.extend(frame(&m));
    }
    let during = delivered.len() - 10;
    redis.restart().await;
    // B catches up from PostgreSQL as its Redis subscription comes back
    // (within the 5 s reconnect backoff); the deadline is generous for load.
    let after_restart = Instant::now() + Duration::from_secs(40);
    receive_until(&mut guardian, &mut delivered, after_restart, "after Redis returned", has_all(ids(&acknowledged)))
        .await;
    // Whatever else was coming (a duplicate, a late stray) would come
    // straight behind; a correct service sends nothing more, so this wait
    // can only be too short to catch a fault, never fail a correct run.
    if let Some(m) = guardian.try_recv(Duration::from_millis(1_000)).await {
        panic!("a frame after every acknowledged write was delivered: {m}; before it: {delivered:#?}");
    }
    let mut ready = Value::Null;
    for _ in 0..100 {
        ready = get_json(writer.addr, "/readyz").await.1;
        if ready["status"] == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "redis outage: writes acknowledged {}, events delivered {} ({during} of the 10 written during the outage arrived before Redis returned)",
        acknowledged.len(),
        delivered.len()
    );
    assert_eq!(ready["status"], "ready", "{ready}");
    // The store agrees with the writer: one event per acknowledged write, in
    // the order written (they were written one after another, and the relay
    // numbers events in commit order).
    let stored = stored_message_events(&db.url, start).await;
    assert_eq!(stored.iter().map(|s| &s.1).collect::<Vec<_>>(), acknowledged.iter().map(|a| &a.0).collect::<Vec<_>>());
    // The guarantee the README gives one connection: every acknowledged
    // message exactly once, in cursor (commit) order, each with its own
    // event's cursor — compared as the whole sequence, so a duplicate cannot
    // make up for a loss, nor a swap pass.
    let expected: Vec<Frame> =
        stored.into_iter().zip(acknowledged).map(|((cursor, id), (_, body))| (cursor, id, body)).collect();
    assert_eq!(delivered, expected);
}

#[tokio::test]
async fn a_postgres_crash_fails_requests_fast_and_the_service_recovers_by_itself() {
    let pg = PgCluster::create().await;
    let url = pg.url("stafett");
    let port = free_port();
    let server = ServerProcess::start_on("demo", port, &url, None, &[("STAFETT_DB_ACQUIRE_TIMEOUT_MS", "2000")]).await;
    let addr = server.addr;
    let mut acknowledged = 0;
    for i in 0..5 {
        post(addr, &format!("før {i}")).await.expect("before the crash");
        acknowledged += 1;
    }
    pg.stop_immediately();
    let mut failures = 0;
    for i in 0..5 {
        let started = Instant::now();
        let err = post(addr, &format!("under {i}")).await.expect_err("no database, no write");
        assert!(started.elapsed() < Duration::from_secs(6), "fails fast: {:?}", started.elapsed());
        assert!(err.contains("INTERNAL") && err.contains("temporarily unavailable"), "a clear error: {err}");
        failures += 1;
    }
    let (status, ready) = get_json(addr, "/readyz").await;
    assert_eq!((status, &ready["postgres"]), (503, &json!("unreachable")));
    pg.start().await;
    let restarted = Instant::now();
    loop {
        match post(addr, "etter").await {
            Ok(_) => break,
            Err(e) => {
                assert!(restarted.elapsed() < Duration::from_secs(20), "did not recover: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    acknowledged += 1;
    let recovery = restarted.elapsed();
    let found = count(&url, &format!("SELECT count(*) AS n FROM message WHERE log_id = '{EMMA_LOG}' AND body IN ('før 0','før 1','før 2','før 3','før 4','etter')")).await;
    eprintln!(
        "postgres crash: writes acknowledged {acknowledged}, failed fast {failures}, found {found}, recovered in {recovery:?}"
    );
    assert_eq!(found, acknowledged);
    assert!(recovery < Duration::from_secs(10), "recovers within seconds: {recovery:?}");
}

#[tokio::test]
async fn every_acknowledged_write_survives_kill_9() {
    let db = TestDb::new(Fixture::Demo).await;
    let mut server = ServerProcess::start(&db.url, None, &[]).await;
    let addr = server.addr;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0.. {
                    match post(addr, &format!("w{w}-{i}")).await {
                        Ok(id) => acked.push(id),
                        Err(_) => break,
                    }
                }
                acked
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    server.kill();
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(acknowledged.len() > 20, "the writers wrote: {}", acknowledged.len());
    let restarted = ServerProcess::start(&db.url, None, &[]).await;
    let ids: Vec<String> = acknowledged.iter().map(|v| format!("'{}'", v.as_str().unwrap())).collect();
    let found = count(&db.url, &format!("SELECT count(*) AS n FROM message WHERE id IN ({})", ids.join(","))).await;
    // The restarted instance sequences whatever the killed one left unsequenced.
    let mut unsequenced = 1;
    for _ in 0..50 {
        unsequenced = count(&db.url, "SELECT count(*) AS n FROM event WHERE seq IS NULL").await;
        if unsequenced == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "kill -9: writes acknowledged {}, found after restart {found}, events left unsequenced {unsequenced}",
        acknowledged.len()
    );
    assert_eq!(found, acknowledged.len() as i64);
    assert_eq!(unsequenced, 0);
    drop(restarted);
}

#[tokio::test]
async fn sigterm_closes_websockets_with_1001_finishes_requests_and_flushes_the_relay() {
    let db = TestDb::new(Fixture::Demo).await;
    let mut server = ServerProcess::start(&db.url, None, &[]).await;
    let addr = server.addr;
    let mut guardian = WsClient::connect(addr, &TestApp::token("guardian")).await;
    guardian.subscribe("m", "subscription { messageAdded { cursor } }", json!({})).await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for i in 0..200 {
                    let r = post(addr, &format!("w{w}-{i}")).await;
                    let stop = r.is_err();
                    outcomes.push(r);
                    if stop {
                        break;
                    }
                }
                outcomes
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server)
    });
    let closed = guardian.closed(Duration::from_secs(10)).await;
    assert_eq!(closed.code, 1001, "{closed:?}");
    let (status, _server) = status.await.unwrap();
    assert!(status.success(), "a clean exit: {status:?}");
    let mut acked = Vec::new();
    for w in writers {
        for r in w.await.unwrap() {
            match r {
                Ok(id) => acked.push(id),
                // After shutdown starts, new requests are refused, never half-answered.
                Err(e) => assert!(e.starts_with("transport"), "a request failed mid-way: {e}"),
            }
        }
    }
    let ids: Vec<String> = acked.iter().map(|v| format!("'{}'", v.as_str().unwrap())).collect();
    let found = count(&db.url, &format!("SELECT count(*) AS n FROM message WHERE id IN ({})", ids.join(","))).await;
    let unsequenced = count(&db.url, "SELECT count(*) AS n FROM event WHERE seq IS NULL").await;
    eprintln!("SIGTERM: requests answered {}, found {found}, events left unsequenced {unsequenced}", acked.len());
    assert_eq!(found, acked.len() as i64);
    assert_eq!(unsequenced, 0, "the relay flushed before exiting");
}

#[tokio::test]
async fn internal_errors_carry_a_correlation_id_that_is_in_the_server_log() {
    let db = TestDb::new(Fixture::Demo).await;
    let server = ServerProcess::start(&db.url, None, &[]).await;
    {
        use diesel_async::{AsyncConnection, SimpleAsyncConnection};
        let mut c = diesel_async::AsyncPgConnection::establish(&db.url).await.unwrap();
        c.batch_execute(
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'secret detail 42'; END $$;
             CREATE TRIGGER boom BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION boom();",
        )
        .await
        .unwrap();
    }
    let err = post(server.addr, "hei").await.expect_err("the insert fails");
    assert!(err.contains("INTERNAL"), "{err}");
    assert!(!err.contains("secret detail") && !err.contains("boom") && !err.contains("trigger"), "{err}");
    let body: Value = serde_json::from_str(&err[err.find('{').unwrap()..]).unwrap();
    let id = body["errors"][0]["extensions"]["correlationId"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = server.log_text();
    let line = log.lines().find(|l| l.contains(&id)).unwrap_or_else(|| panic!("{id} not in the log:\n{log}"));
    assert!(line.contains("secret detail 42"), "the cause is in the log: {line}");
}
