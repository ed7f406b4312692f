//! Faults, with nothing lost. These tests stop and kill services, so they
//! run against instances of their own: a `redis-server` on a spare port, a
//! PostgreSQL cluster of their own (created and removed by the test), and
//! `stafett` processes. Each prints its counts (run with `--nocapture`).

use serde_json::{Value, json};
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
        .json(&json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { id } }",
                       "variables": { "i": { "logId": EMMA_LOG, "body": body } } }))
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = res.status();
    let v: Value = res.json().await.map_err(|e| format!("{status}: body {e}"))?;
    match v["data"]["postMessage"]["id"].as_str() {
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

#[tokio::test]
async fn with_redis_stopped_the_service_works_and_events_arrive_when_it_returns() {
    let db = TestDb::new(Fixture::Demo).await;
    let mut redis = RedisProcess::start().await;
    // Catch-up is slowed to a minute: what B receives comes through Redis, or
    // from PostgreSQL right after B's Redis subscription comes back.
    let slow = [("STAFETT_CATCH_UP_MS", "60000")];
    let writer = ServerProcess::start(&db.url, Some(&redis.url()), &slow).await;
    let reader = ServerProcess::start(&db.url, Some(&redis.url()), &slow).await;
    let mut guardian = WsClient::connect(reader.addr, &TestApp::token("guardian")).await;
    guardian
        .subscribe("m", "subscription($l: ID) { messageAdded(logId: $l) { cursor } }", json!({ "l": EMMA_LOG }))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut acknowledged = 0;
    for i in 0..10 {
        post(writer.addr, &format!("før {i}")).await.expect("write with Redis up");
        acknowledged += 1;
    }
    let mut delivered = 0;
    while delivered < 10 {
        let m = guardian.recv(Duration::from_secs(10)).await.expect("connected");
        delivered += usize::from(m["type"] == "next");
    }
    redis.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, ready) = get_json(writer.addr, "/readyz").await;
    assert_eq!(
        (status, &ready["status"], &ready["redis"]),
        (200, &json!("degraded"), &json!("unreachable")),
        "{ready}"
    );
    for i in 0..10 {
        post(writer.addr, &format!("under {i}")).await.expect("writes keep working without Redis");
        acknowledged += 1;
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
    // own clients. What B's relay did not sequence waits for Redis.
    while let Some(m) = guardian.try_recv(Duration::from_millis(700)).await {
        delivered += usize::from(m["type"] == "next");
    }
    let during = delivered - 10;
    redis.restart().await;
    while delivered < acknowledged {
        let m = guardian.recv(Duration::from_secs(15)).await.expect("connected");
        delivered += usize::from(m["type"] == "next");
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
        "redis outage: writes acknowledged {acknowledged}, events delivered {delivered} ({during} of the 10 written during the outage arrived before Redis returned)"
    );
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(delivered, acknowledged);
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
