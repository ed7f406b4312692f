//! Closing reasons (issue 19, point 3): `closeLog` takes one of the reasons
//! the guidelines name, or OTHER with words; `Log.closedReason` is read by
//! the owners, the coordinator who closed it and the municipal admin; a
//! move to an individual plan is a hand-off the family is told of; a
//! reopened log has no reason any more.

use serde_json::{Value, json};
use stafett_tests::TestApp;
use stafett_tests::ids::{EMMA_LOG, SARA_LOG};

const CLOSE: &str = "mutation($l: ID!, $i: CloseLogInput!) { closeLog(logId: $l, input: $i) {
    log { status closedReason closedReasonDetails } userErrors { field code message } } }";
const READ: &str = "query($l: ID!) { log(id: $l) { status closedReason closedReasonDetails
    viewerPermissions { canReadClosedReason } } }";

async fn status(app: &TestApp, log: uuid::Uuid) -> Value {
    app.gql("guardian", READ, json!({ "l": log })).await.ok()["log"]["status"].clone()
}

#[tokio::test]
async fn a_reason_is_one_of_the_guidelines_or_other_in_words() {
    let app = TestApp::demo().await;
    // OTHER needs words; words are at most 2,000 characters; nothing is written when refused.
    let r = app.gql("coordinator", CLOSE, json!({ "l": EMMA_LOG, "i": { "reason": "OTHER" } })).await;
    assert!(r.user_err("BAD_USER_INPUT").contains("OTHER"), "{}", r.body);
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "details"]));
    let r = app
        .gql("coordinator", CLOSE, json!({ "l": EMMA_LOG, "i": { "reason": "OTHER", "details": "x".repeat(2001) } }))
        .await;
    assert!(r.user_err("BAD_USER_INPUT").contains("høyst 2000"), "{}", r.body);
    let r = app.gql("coordinator", CLOSE, json!({ "l": EMMA_LOG, "i": { "reason": "MAYBE" } })).await;
    assert!(!r.errors().is_empty(), "an unknown reason is refused: {}", r.body);
    assert_eq!(status(&app, EMMA_LOG).await, "ACTIVE");

    // At the edge: 2,000 characters are taken.
    let words = "y".repeat(2000);
    let r = app.gql("coordinator", CLOSE, json!({ "l": EMMA_LOG, "i": { "reason": "OTHER", "details": words } })).await;
    let log = &r.ok()["closeLog"]["log"];
    assert_eq!((&log["status"], &log["closedReason"]), (&json!("CLOSED"), &json!("OTHER")));
    assert_eq!(log["closedReasonDetails"].as_str().map(str::len), Some(2000));

    // Who reads it: the owners, the coordinator (who closed it), the municipal
    // admin; the unit admin is refused; the nurse no longer sees the log.
    for (persona, reads) in [("guardian", true), ("coordinator", true), ("municipaladmin", true), ("unitadmin", false)]
    {
        let r = app.gql(persona, READ, json!({ "l": EMMA_LOG })).await;
        let log = &r.data()["log"];
        assert_eq!(log["viewerPermissions"]["canReadClosedReason"], reads, "{persona}: {}", r.body);
        if reads {
            assert_eq!(log["closedReason"], "OTHER", "{persona}: {}", r.body);
            assert!(r.errors().is_empty(), "{persona}: {}", r.body);
        } else {
            assert!(log["closedReason"].is_null() && log["closedReasonDetails"].is_null(), "{persona}");
            assert_eq!(r.codes(), ["FORBIDDEN", "FORBIDDEN"], "{persona}: {}", r.body);
        }
    }
    app.gql("participant", READ, json!({ "l": EMMA_LOG })).await.err("NOT_FOUND");
    // An open log has no reason: null, and no error, for those who may read it.
    let open = app.gql("youth", READ, json!({ "l": SARA_LOG })).await;
    assert!(open.ok()["log"]["closedReason"].is_null());
}

#[tokio::test]
async fn a_move_to_an_individual_plan_tells_the_family_and_a_reopening_clears_the_reason() {
    let app = TestApp::demo().await;
    let notices = |to: &str| {
        format!(
            "SELECT count(*) AS n FROM message m JOIN message_recipient r ON r.message_id = m.id
              WHERE m.log_id = '{SARA_LOG}' AND m.kind = 'NOTICE' AND r.person_id = '{to}'
                AND m.body LIKE '%individuell plan%'"
        )
    };
    let youth = stafett_tests::ids::person("youth").to_string();
    assert_eq!(app.count(&notices(&youth)).await, 0);
    let r = app
        .gql(
            "coordinator",
            CLOSE,
            json!({ "l": SARA_LOG, "i": { "reason": "INDIVIDUAL_PLAN", "details": "Barnekoordinator: Kari i helsetjenesten." } }),
        )
        .await;
    assert_eq!(r.ok()["closeLog"]["log"]["closedReason"], "INDIVIDUAL_PLAN");
    assert_eq!(app.count(&notices(&youth)).await, 1, "the youth is told where the work goes on");
    // She reads the notice in her log, with the coordinator's words.
    let messages = app
        .gql(
            "youth",
            "query($l: ID!) { log(id: $l) { messages(first: 5) { edges { node { body } } } } }",
            json!({ "l": SARA_LOG }),
        )
        .await;
    let bodies = stafett_tests::nodes(&messages.ok()["log"]["messages"]);
    assert!(bodies.iter().any(|m| m["body"].as_str().unwrap().contains("Barnekoordinator: Kari")), "{bodies:?}");

    // Reopened (the family approves): no reason any more.
    let request =
        "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { status } userErrors { field code message } } }";
    app.gql("coordinator", request, json!({ "l": SARA_LOG })).await.ok();
    let approve = "mutation($l: ID!) { approveReopen(logId: $l) { log { status } userErrors { field code message } } }";
    app.gql("youth", approve, json!({ "l": SARA_LOG })).await.ok();
    // Her mother (a guardian without a persona) approves too.
    let mother = stafett_server::demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1979, 8, 8).unwrap());
    let mother = TestApp::token_for(&stafett_schema::Identity::Citizen { pid: mother, name: None });
    app.gql_with_token(Some(&mother), approve, json!({ "l": SARA_LOG })).await.ok();
    let read = app.gql("youth", READ, json!({ "l": SARA_LOG })).await;
    assert_eq!(read.ok()["log"]["status"], "ACTIVE", "{}", read.body);
    assert!(read.data()["log"]["closedReason"].is_null() && read.data()["log"]["closedReasonDetails"].is_null());
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM log_closure WHERE log_id = '{SARA_LOG}'")).await, 0);
}

/// The demo's closed log says why (Nora's: the goals were reached).
#[tokio::test]
async fn the_demos_closed_log_has_its_reason() {
    let app = TestApp::demo().await;
    let r = app.gql("guardian", READ, json!({ "l": stafett_tests::ids::NORA_LOG })).await;
    let log = &r.ok()["log"];
    assert_eq!(
        (&log["closedReason"], &log["closedReasonDetails"]),
        (&json!("GOALS_REACHED"), &json!("Målene er nådd."))
    );
}
