//! Abuse limits, each at its edge, and the twelve checks of graphql-cop.

use axum::body::Body;
use axum::http::{Request, header};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};
use stafett_tests::ids::{EMMA_LOG, SCHOOL};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp};
use std::time::Duration;

async fn raw(app: &TestApp, req: Request<Body>) -> (u16, Value, axum::http::HeaderMap) {
    let (status, headers, body) = app.send(req).await;
    (status.as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null), headers)
}

fn post(token: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(body.into())
        .unwrap()
}

fn code(r: &stafett_tests::Gql) -> String {
    r.codes().into_iter().next().unwrap_or_default()
}

#[tokio::test]
async fn query_depth_is_limited() {
    let app = TestApp::with(Fixture::Demo, |c| c.limits.max_depth = 4).await;
    app.gql("guardian", "{ me { units { unit { name } } } }", json!({})).await.ok();
    let deep = app
        .gql(
            "guardian",
            "query($id: ID!) { log(id: $id) { goals { measures { responsible { name } } } } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    assert_eq!(code(&deep), "BAD_USER_INPUT", "{:#}", deep.body);
    assert!(deep.data().is_null());
}

#[tokio::test]
async fn complexity_counts_every_field_and_alias() {
    let app = TestApp::with(Fixture::Demo, |c| c.limits.max_complexity = 10).await;
    let aliases =
        |n: usize| format!("{{ {} }}", (0..n).map(|i| format!("a{i}: me {{ id }}")).collect::<Vec<_>>().join(" "));
    app.gql("guardian", &aliases(5), json!({})).await.ok();
    assert_eq!(code(&app.gql("guardian", &aliases(6), json!({})).await), "BAD_USER_INPUT");
}

#[tokio::test]
async fn aliases_and_fields_are_limited_per_document() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.limits.max_aliases = 3;
        c.limits.max_fields = 8;
    })
    .await;
    let aliases =
        |n: usize| format!("{{ {} }}", (0..n).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    app.gql("guardian", &aliases(3), json!({})).await.ok();
    let over = app.gql("guardian", &aliases(4), json!({})).await;
    assert!(over.err("BAD_USER_INPUT").contains("aliases"));
    let fields = |n: usize| format!("{{ {} }}", vec!["__typename"; n].join(" "));
    app.gql("guardian", &fields(8), json!({})).await.ok();
    assert!(app.gql("guardian", &fields(9), json!({})).await.err("BAD_USER_INPUT").contains("fields"));
}

#[tokio::test]
async fn directives_per_field_are_limited() {
    let app = TestApp::with(Fixture::Demo, |c| c.limits.max_directives = 1).await;
    app.gql("guardian", "{ me @include(if: true) { id } }", json!({})).await.ok();
    let over = app.gql("guardian", "{ me @include(if: true) @skip(if: false) { id } }", json!({})).await;
    assert!(over.err("BAD_USER_INPUT").contains("directives"));
}

/// Lists multiply (the attack on issue 17: three nested `messages(first:
/// 100)` through `Message.log` asked for a million messages, 16 s and 55 MB):
/// the values a response may hold, each list counted as its page, are
/// limited before anything runs, also behind a mutation's payload. And a
/// path enters a log once: the second attack looped `log { goals { measures
/// { log … } } }`, whose lists no page bounds, to 8.4 MB.
#[tokio::test]
async fn nested_pages_are_limited_before_the_query_runs() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let pages = "query($n: Int) { logs(first: $n) { edges { node { id messages(first: $n) { edges { node { id body } } } } } } }";
    let r = app.gql("guardian", pages, json!({ "n": 100 })).await;
    assert!(r.err("BAD_USER_INPUT").contains("more than 20000 values"), "{:#}", r.body);
    assert!(app.gql("guardian", pages, json!({ "n": 50 })).await.ok()["logs"]["edges"].is_array());

    let messages = app.count("SELECT count(*) AS n FROM message").await;
    let looped = "query($l: ID!) { log(id: $l) { goals { measures { log { goals { measures { description } } } } } } }";
    let r = app.gql("guardian", looped, json!({ "l": emma })).await;
    assert!(r.err("BAD_USER_INPUT").contains("enters a log more than once"), "{:#}", r.body);
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) {
        log { messages(first: 100) { edges { node { log { id } } } } } userErrors { message } } }";
    let r = app.gql("guardian", post, json!({ "i": { "logId": emma, "body": "x" } })).await;
    r.err("BAD_USER_INPUT");
    assert_eq!(app.count("SELECT count(*) AS n FROM message").await, messages, "refused before it ran: nothing posted");
    // Once per path is what a page needs: a deadline list names each log.
    let r = app
        .gql("coordinator", "{ myDeadlines { edges { node { description log { child { name } } } } } }", json!({}))
        .await;
    assert!(r.ok()["myDeadlines"]["edges"].is_array());
}

#[tokio::test]
async fn batches_are_refused() {
    let app = TestApp::demo().await;
    let (status, body, _) =
        raw(&app, post(&TestApp::token("guardian"), r#"[{"query":"{ me { id } }"},{"query":"{ me { id } }"}]"#)).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("batched"));
}

#[tokio::test]
async fn the_request_body_size_is_limited() {
    let app = TestApp::with(Fixture::Demo, |c| c.limits.max_body_bytes = 1_000).await;
    let body = |len: usize| {
        let base = json!({ "query": "{ me { id } }" }).to_string();
        let pad = len - base.len();
        json!({ "query": format!("{{ me {{ id }} }}{}", " ".repeat(pad)) }).to_string()
    };
    assert_eq!(body(1_000).len(), 1_000);
    let (ok, _, _) = raw(&app, post(&TestApp::token("guardian"), body(1_000))).await;
    assert_eq!(ok, 200);
    let (too_big, _, _) = raw(&app, post(&TestApp::token("guardian"), body(1_001))).await;
    assert_eq!(too_big, 413);
}

#[tokio::test]
async fn first_is_capped_on_every_connection() {
    let app = TestApp::demo().await;
    for (persona, field, q) in [
        ("guardian", "logs", "query($n: Int) { logs(first: $n) { edges { cursor } } }"),
        (
            "guardian",
            "messages",
            "query($n: Int, $id: ID!) { log(id: $id) { messages(first: $n) { edges { cursor } } } }",
        ),
        (
            "guardian",
            "accessLog",
            "query($n: Int, $id: ID!) { log(id: $id) { accessLog(first: $n) { edges { cursor } } } }",
        ),
        (
            "guardian",
            "meetings",
            "query($n: Int, $id: ID!) { log(id: $id) { meetings(first: $n) { edges { cursor } } } }",
        ),
        (
            "guardian",
            "snapshots",
            "query($n: Int, $id: ID!) { log(id: $id) { snapshots(first: $n) { edges { cursor } } } }",
        ),
        (
            "guardian",
            "comments",
            "query($n: Int, $id: ID!) { log(id: $id) { goals { comments(first: $n) { edges { cursor } } } } }",
        ),
        ("guardian", "myDeadlines", "query($n: Int) { myDeadlines(first: $n) { edges { cursor } } }"),
        (
            "municipaladmin",
            "unitStaff",
            "query($n: Int, $u: ID!) { unitStaff(unitId: $u, first: $n) { edges { cursor } } }",
        ),
    ] {
        let vars = |n: i32| json!({ "n": n, "id": EMMA_LOG, "u": SCHOOL });
        app.gql(persona, q, vars(100)).await.ok();
        // One error per list asked for (a log's every goal has comments).
        let over = app.gql(persona, q, vars(101)).await;
        let refused = over.errors();
        assert!(!refused.is_empty(), "{field}: {}", over.body);
        for e in refused {
            assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT", "{field}: {}", over.body);
            assert!(e["message"].as_str().unwrap().contains("between 0 and 100"), "{field}: {}", over.body);
        }
    }
}

#[tokio::test]
async fn each_principal_is_rate_limited() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.limits.rate_burst = 5;
        c.limits.rate_per_second = 1;
    })
    .await;
    for _ in 0..5 {
        app.gql("guardian", "{ me { id } }", json!({})).await.ok();
    }
    let (status, body, headers) =
        raw(&app, post(&TestApp::token("guardian"), json!({ "query": "{ me { id } }" }).to_string())).await;
    assert_eq!(status, 429);
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert!(headers.get(header::RETRY_AFTER).is_some());
    app.gql("guardian2", "{ me { id } }", json!({})).await.ok();
}

#[tokio::test]
async fn every_database_connection_has_a_statement_timeout() {
    let app = TestApp::with(Fixture::Demo, |c| c.database.statement_timeout = Duration::from_millis(300)).await;
    let mut conn = app.state.pool.get().await.unwrap();
    conn.batch_execute("SELECT pg_sleep(0.1)").await.expect("under the limit");
    let err = conn.batch_execute("SELECT pg_sleep(0.6)").await.expect_err("over the limit");
    assert!(err.to_string().contains("statement timeout"), "{err}");
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement_timeout: String,
    }
    let t: T = diesel::sql_query("SHOW statement_timeout").get_result(&mut conn).await.unwrap();
    assert_eq!(t.statement_timeout, "300ms");
    #[derive(diesel::QueryableByName)]
    struct S {
        #[diesel(sql_type = diesel::sql_types::Text)]
        setting: String,
    }
    let show = |name: &'static str| format!("SELECT current_setting('{name}') AS setting");
    let s: S = diesel::sql_query(show("plan_cache_mode")).get_result(&mut conn).await.unwrap();
    assert_eq!(s.setting, "force_generic_plan");
    let s: S = diesel::sql_query(show("client_connection_check_interval")).get_result(&mut conn).await.unwrap();
    assert_eq!(s.setting, "1s", "a statement whose client went away stops");
}

#[tokio::test]
async fn subscriptions_are_limited_per_connection_and_per_principal() {
    let app = TestApp::with(Fixture::Demo, |c| {
        c.limits.max_subscriptions_per_connection = 2;
        c.limits.max_subscriptions_per_principal = 3;
    })
    .await;
    let addr = app.serve().await;
    let q = "subscription { messageAdded { cursor } }";
    let mut a = WsClient::connect(addr, &TestApp::token("guardian")).await;
    a.subscribe("1", q, json!({})).await;
    a.subscribe("2", q, json!({})).await;
    a.subscribe("3", q, json!({})).await;
    let refused = a.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!((refused["id"].as_str(), refused["type"].as_str()), (Some("3"), Some("error")), "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    let mut b = WsClient::connect(addr, &TestApp::token("guardian")).await;
    b.subscribe("1", q, json!({})).await;
    b.subscribe("2", q, json!({})).await;
    let refused = b.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (refused["id"].as_str(), refused["type"].as_str()),
        (Some("2"), Some("error")),
        "the principal's third is the last"
    );
    // Completing one frees its place. The server answers a subscription it
    // accepts with nothing until an event comes, and silence is also what a
    // closed socket gives; so acceptance is shown positively: the new
    // subscription delivers a message posted after it started.
    a.send(json!({ "id": "1", "type": "complete" })).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let mut attempt = 0;
    let accepted = 'accepted: loop {
        // a's completion and b's subscribe travel on different connections,
        // so b may still find the place taken: then it is refused, and tried again.
        attempt += 1;
        let id = format!("3-{attempt}");
        b.subscribe(&id, q, json!({})).await;
        loop {
            assert!(std::time::Instant::now() < deadline, "the completed subscription's place was not freed");
            // A subscription starts receiving some moments after its
            // `subscribe`; until then a message passes it by, so post again
            // until one arrives.
            app.gql("coordinator", post, json!({ "i": { "logId": EMMA_LOG, "body": format!("for {id}") } })).await.ok();
            let quiet = std::time::Instant::now() + Duration::from_secs(2);
            while let Some(left) = quiet.checked_duration_since(std::time::Instant::now()) {
                // (the outer timeout fires first, so `recv` never panics on its own)
                let Ok(m) = tokio::time::timeout(left, b.recv(left + Duration::from_secs(1))).await else {
                    break;
                };
                let m = m.unwrap_or_else(|c| panic!("b's websocket closed instead of accepting {id}: {c:?}"));
                if m["id"] != json!(id) {
                    continue; // b's first subscription, or a ping
                }
                match m["type"].as_str() {
                    Some("next") => break 'accepted m,
                    Some("error") if m["payload"][0]["extensions"]["code"] == "RATE_LIMITED" => continue 'accepted,
                    _ => panic!("neither accepted nor refused: {m}"),
                }
            }
        }
    };
    let cursor = &accepted["payload"]["data"]["messageAdded"]["cursor"];
    assert!(cursor.is_string(), "the accepted subscription delivers: {accepted}");
}

// ---- graphql-cop's twelve checks ----

#[tokio::test]
async fn cop_alias_overloading_is_refused() {
    let app = TestApp::demo().await;
    let q = format!("{{ {} }}", (0..101).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    app.gql("guardian", &q, json!({})).await.err("BAD_USER_INPUT");
}

#[tokio::test]
async fn cop_batch_queries_are_refused() {
    let app = TestApp::demo().await;
    let (status, _, _) = raw(&app, post(&TestApp::token("guardian"), r#"[{"query":"{ __typename }"}]"#)).await;
    assert_eq!(status, 400);
}

/// GET queries are part of GraphQL over HTTP, so they work — with a bearer
/// token, which a cross-site request cannot carry: no CSRF through GET.
#[tokio::test]
async fn cop_get_queries_need_a_bearer_token() {
    let app = TestApp::demo().await;
    let get = |token: Option<&str>| {
        let mut r = Request::get("/graphql?query=%7B__typename%7D");
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    let (anonymous, body, _) = raw(&app, get(None)).await;
    assert_eq!(anonymous, 401);
    assert!(body["data"].is_null());
    let (with_token, body, _) = raw(&app, get(Some(&TestApp::token("guardian")))).await;
    assert_eq!((with_token, &body["data"]["__typename"]), (200, &json!("Query")));
}

#[tokio::test]
async fn cop_urlencoded_posts_are_refused() {
    let app = TestApp::demo().await;
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {}", TestApp::token("guardian")))
        .body(Body::from("query=%7B__typename%7D"))
        .unwrap();
    assert_eq!(raw(&app, req).await.0, 415);
}

#[tokio::test]
async fn cop_get_mutations_are_refused() {
    let app = TestApp::demo().await;
    let req = Request::get(format!("/graphql?query={}", "mutation%20%7B%20setConsentAge(consentAge%3A%2015)%20%7D"))
        .header(header::AUTHORIZATION, format!("Bearer {}", TestApp::token("municipaladmin")))
        .body(Body::empty())
        .unwrap();
    let (status, _, headers) = raw(&app, req).await;
    assert_eq!(status, 405);
    assert_eq!(headers.get(header::ALLOW).unwrap(), "POST");
    assert_eq!(app.count("SELECT consent_age::bigint AS n FROM municipality").await, 16, "nothing changed");
}

#[tokio::test]
async fn cop_no_tracing_or_debug_output() {
    let app = TestApp::demo().await;
    let r = app.gql("guardian", "{ __typename }", json!({})).await;
    assert!(r.body.get("extensions").is_none(), "{:#}", r.body);
    let text = r.body.to_string();
    for leak in ["tracing", "debug", "stack"] {
        assert!(!text.contains(leak), "{text}");
    }
}

#[tokio::test]
async fn cop_field_duplication_is_refused() {
    let app = TestApp::demo().await;
    let q = format!("{{ {} }}", vec!["__typename"; 500].join(" "));
    app.gql("guardian", &q, json!({})).await.err("BAD_USER_INPUT");
}

#[tokio::test]
async fn cop_field_suggestions_are_off_in_serve_and_on_in_demo() {
    let serve = TestApp::demo().await;
    let msg = serve.gql("guardian", "{ myDeadlinez { id } }", json!({})).await.err("BAD_USER_INPUT");
    assert!(!msg.contains("Did you mean"), "{msg}");
    let demo = TestApp::with(Fixture::Demo, |c| c.demo = true).await;
    let msg = demo.gql("guardian", "{ myDeadlinez { id } }", json!({})).await.err("BAD_USER_INPUT");
    assert!(msg.contains("Did you mean"), "{msg}");
}

#[tokio::test]
async fn cop_graphiql_is_not_exposed_in_serve() {
    let html = |app: &TestApp| {
        let req = Request::get("/graphql").header(header::ACCEPT, "text/html").body(Body::empty()).unwrap();
        let router = app.router.clone();
        async move {
            let res = tower::ServiceExt::oneshot(router, req).await.unwrap();
            let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
            String::from_utf8_lossy(&body).to_lowercase()
        }
    };
    let serve = TestApp::demo().await;
    assert!(!html(&serve).await.contains("graphiql"));
    let demo = TestApp::with(Fixture::Demo, |c| c.demo = true).await;
    assert!(html(&demo).await.contains("graphiql"));
}

#[tokio::test]
async fn cop_introspection_is_off_in_serve_and_on_in_demo() {
    let q = "{ __schema { queryType { name } } }";
    let serve = TestApp::demo().await;
    let r = serve.gql("guardian", q, json!({})).await;
    assert!(r.data().is_null() || r.data()["__schema"].is_null(), "no schema is revealed: {:#}", r.body);
    let t = serve.gql("guardian", "{ __type(name: \"Log\") { fields { name } } }", json!({})).await;
    assert!(t.data().is_null() || t.data()["__type"].is_null(), "{:#}", t.body);
    let demo = TestApp::with(Fixture::Demo, |c| c.demo = true).await;
    assert_eq!(demo.gql("guardian", q, json!({})).await.ok()["__schema"]["queryType"]["name"], "Query");
    // The full query GraphiQL and code generators send passes every limit.
    let full = include_str!("../fixtures/introspection.graphql");
    let types = demo.gql("guardian", full, json!({})).await;
    assert!(types.ok()["__schema"]["types"].as_array().unwrap().len() > 50);
}

#[tokio::test]
async fn cop_directive_overloading_is_refused() {
    let app = TestApp::demo().await;
    let q = format!("{{ __typename {} }}", vec!["@aa"; 50].join(""));
    let r = app.gql("guardian", &q, json!({})).await;
    assert_eq!(r.errors().len(), 1, "one error, not fifty: {:#}", r.body);
    assert_eq!(code(&r), "BAD_USER_INPUT");
}

#[tokio::test]
async fn cop_circular_introspection_is_refused() {
    let q = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
    let demo = TestApp::with(Fixture::Demo, |c| c.demo = true).await;
    let r = demo.gql("guardian", q, json!({})).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "even with introspection on, depth stops it: {:#}", r.body);
    let serve = TestApp::demo().await;
    assert!(!serve.gql("guardian", q, json!({})).await.errors().is_empty());
}

/// A pooled connection is reused until it is older than the lifetime, then
/// replaced (so no connection keeps plans made when its tables were small).
#[tokio::test]
async fn pooled_connections_are_replaced_after_their_lifetime() {
    let lifetime = Duration::from_secs(2);
    let app = TestApp::with(Fixture::Demo, |c| {
        c.database.pool_size = 1;
        c.database.max_connection_lifetime = lifetime;
    })
    .await;
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let pid = || async {
        let mut conn = app.state.pool.get().await.expect("connection");
        diesel::sql_query("SELECT pg_backend_pid() AS pid").get_result::<Pid>(&mut conn).await.unwrap().pid
    };
    // Whatever the app opened while starting is past its lifetime after this.
    tokio::time::sleep(lifetime + Duration::from_millis(200)).await;
    let first = pid().await;
    assert_eq!(pid().await, first, "reused while younger than its lifetime");
    tokio::time::sleep(lifetime + Duration::from_millis(200)).await;
    assert_ne!(pid().await, first, "replaced once older than its lifetime");
}
