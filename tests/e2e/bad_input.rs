//! Bad input gets a 4xx or a GraphQL error with a clear message: never a
//! 5xx, never a panic, never a leak of SQL, paths or type names.

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use stafett_tests::TestApp;
use stafett_tests::ids::{self, EMMA_LOG};

/// What must never reach a client.
const LEAKS: [&str; 9] =
    ["diesel", "SELECT", "INSERT", "panicked", "/src/", ".rs:", "stafett_", "postgres", "constraint"];

fn assert_clean(status: u16, body: &str, case: &str) {
    assert!(status < 500, "{case}: {status} {body}");
    for leak in LEAKS {
        assert!(!body.contains(leak), "{case}: the response leaks {leak:?}: {body}");
    }
}

async fn send(app: &TestApp, content_type: &str, body: impl Into<Body>) -> (u16, String) {
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::AUTHORIZATION, format!("Bearer {}", TestApp::token("coordinator")))
        .body(body.into())
        .unwrap();
    let (status, _, body) = app.send(req).await;
    (status.as_u16(), String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn broken_bodies_are_4xx() {
    let app = TestApp::demo().await;
    let nested_json = format!("{{\"query\":\"{{ me {{ id }} }}\",\"variables\":{}{}", "{\"a\":".repeat(5_000), "1");
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("malformed JSON", b"{\"query\": ".to_vec(), 400),
        ("invalid UTF-8", b"{\"query\": \"\xff\xfe\"}".to_vec(), 400),
        ("not an object", b"42".to_vec(), 400),
        ("no query", b"{}".to_vec(), 400),
        ("deeply nested JSON", nested_json.into_bytes(), 400),
        ("query not a string", br#"{"query": {"a": 1}}"#.to_vec(), 400),
        ("variables not an object", br#"{"query": "{ me { id } }", "variables": [1, 2]}"#.to_vec(), 400),
    ];
    for (case, body, expected) in cases {
        let (status, text) = send(&app, "application/json", body).await;
        assert_eq!(status, expected, "{case}: {text}");
        assert_clean(status, &text, case);
        let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{case}: not JSON: {text}"));
        assert!(parsed["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{case}: a clear message");
    }
    let (status, text) = send(&app, "application/json", vec![b' '; 300 * 1024]).await;
    assert_eq!(status, 413, "a body over the limit");
    assert!(serde_json::from_str::<Value>(&text).is_ok(), "413 is a GraphQL error too: {text}");
}

#[tokio::test]
async fn bad_values_are_bad_user_input() {
    let app = TestApp::demo().await;
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let cases: Vec<(&str, &str, Value)> = vec![
        ("a very long string", post, json!({ "i": { "logId": EMMA_LOG, "body": "x".repeat(20_000) } })),
        ("an empty string", post, json!({ "i": { "logId": EMMA_LOG, "body": "   " } })),
        (
            "a string that shows nothing",
            post,
            json!({ "i": { "logId": EMMA_LOG, "body": "\u{200B}\u{FEFF} \u{2060}" } }),
        ),
        ("a NUL character", post, json!({ "i": { "logId": EMMA_LOG, "body": "a\u{0}b" } })),
        (
            "a huge list",
            post,
            json!({ "i": { "logId": EMMA_LOG, "body": "hei", "recipientIds": vec![EMMA_LOG; 2_000] } }),
        ),
        ("an invalid id", "query($id: ID!) { log(id: $id) { id } }", json!({ "id": "not-a-uuid" })),
        (
            "an id spelled otherwise than the API writes it",
            "query($id: ID!) { log(id: $id) { id } }",
            json!({ "id": EMMA_LOG.to_string().to_uppercase() }),
        ),
        (
            "an invalid id in a list",
            post,
            json!({ "i": { "logId": EMMA_LOG, "body": "hei", "recipientIds": ["nope"] } }),
        ),
        ("an invalid cursor", "query($a: String) { logs(after: $a) { edges { cursor } } }", json!({ "a": "garbage!" })),
        (
            "another kind's cursor",
            "query($a: String) { logs(after: $a) { edges { cursor } } }",
            json!({ "a": "bTE6MTIzOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA" }),
        ),
        (
            // A forged cursor naming a time before PostgreSQL's (year -8000)
            // once failed in SQL, as INTERNAL.
            "a cursor before any time the database holds",
            "query($a: String) { logs(after: $a) { edges { cursor } } }",
            json!({ "a": "bDE6LTI1MzQwMjMwMDgwMDAwMDAwMDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA" }),
        ),
        ("a wrong variable type", "query($n: Int) { logs(first: $n) { edges { cursor } } }", json!({ "n": "ten" })),
        (
            "an unknown enum value",
            "query($s: LogStatus) { logs(status: $s) { edges { cursor } } }",
            json!({ "s": "BOGUS" }),
        ),
        ("null where not allowed", "query($id: ID!) { log(id: $id) { id } }", json!({ "id": null })),
        ("a missing variable", "query($id: ID!) { log(id: $id) { id } }", json!({})),
        (
            "an out-of-range BTI level",
            "mutation($l: ID!) { addGoal(input: { logId: $l, area: HOME_LEISURE, btiLevel: 9, description: \"x\" }) { goal { id } userErrors { field code message } } }",
            json!({ "l": EMMA_LOG }),
        ),
        ("an int overflow", "query($n: Int) { logs(first: $n) { edges { cursor } } }", json!({ "n": 1_u64 << 40 })),
        (
            "a malformed date",
            "mutation($m: ID!, $d: Date) { updateMeasure(measureId: $m, input: { deadline: $d }) { measure { id } userErrors { field code message } } }",
            json!({ "m": stafett_server::demo::id(700), "d": "2026-13-45" }),
        ),
        (
            "a date in the past",
            "mutation($m: ID!, $d: Date) { updateMeasure(measureId: $m, input: { deadline: $d }) { measure { id } userErrors { field code message } } }",
            json!({ "m": stafett_server::demo::id(700), "d": "2001-01-01" }),
        ),
        (
            "a date past year 9999",
            "mutation($m: ID!, $d: Date) { updateMeasure(measureId: $m, input: { deadline: $d }) { measure { id } userErrors { field code message } } }",
            json!({ "m": stafett_server::demo::id(700), "d": "+10000-01-01" }),
        ),
        (
            "a meeting at a leap second",
            "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }",
            json!({ "i": { "logId": EMMA_LOG, "title": "Møte", "startsAt": "2030-06-30T23:59:60Z" } }),
        ),
        (
            "a meeting in year 10000",
            "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }",
            json!({ "i": { "logId": EMMA_LOG, "title": "Møte", "startsAt": "+10000-01-01T00:00:00Z" } }),
        ),
        ("a negative first", "query { logs(first: -1) { edges { cursor } } }", json!({})),
        ("a syntax error", "{ log(id: ) { id ", json!({})),
        (
            "deeply nested list literal",
            &*Box::leak(
                format!("{{ logs(first: {}1{}) {{ edges {{ cursor }} }} }}", "[".repeat(3_000), "]".repeat(3_000))
                    .into_boxed_str(),
            ),
            json!({}),
        ),
        (
            "a guardian id that is not one",
            post,
            json!({ "i": { "logId": EMMA_LOG, "body": "hei", "recipientIds": [ids::person("outsider")] } }),
        ),
    ];
    let before = app.count("SELECT count(*) AS n FROM message").await;
    for (case, query, variables) in cases {
        let r = app.gql("coordinator", query, variables).await;
        assert_clean(r.status.as_u16(), &r.body.to_string(), case);
        assert_eq!(r.refusal().as_deref(), Some("BAD_USER_INPUT"), "{case}: {:#}", r.body);
        assert!(r.refusal_message().is_some_and(|m| m.len() > 5), "{case}: a clear message");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM message").await, before, "nothing was written");
    // And the service still answers.
    app.gql("coordinator", "{ me { name } }", json!({})).await.ok();
}

#[tokio::test]
async fn unicode_is_stored_and_returned_intact() {
    let app = TestApp::demo().await;
    let text = "Hei 👋 — æøå ÆØÅ, ç'est ça; 中文; \u{200d}";
    let r = app
        .gql(
            "coordinator",
            "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { body } userErrors { field code message } } }",
            json!({ "i": { "logId": EMMA_LOG, "body": text } }),
        )
        .await;
    assert_eq!(r.ok()["postMessage"]["message"]["body"], text);
}
