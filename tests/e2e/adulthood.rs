//! The youth's 18th birthday (issue 18, point 6). Sara's log in the demo
//! has her and her mother as owners; moving Sara's birth date moves her
//! birthday. The rule is read at request time, so the test needs no clock
//! for it: a birthday today already shuts the mother out, one tomorrow
//! does not. The announcing job takes its day as a parameter — the
//! controllable clock — and announces each log once, however many run it.

use serde_json::{Value, json};
use stafett_schema::Identity;
use stafett_schema::events::adulthood;
use stafett_tests::TestApp;
use stafett_tests::ids::SARA_LOG;
use stafett_tests::ws::WsClient;
use std::time::Duration;

const READ: &str = "query($l: ID!) { log(id: $l) { id status child { name } } }";

/// A token for Sara's mother (a guardian who is no demo persona).
async fn mother(app: &TestApp) -> String {
    #[derive(diesel::QueryableByName)]
    struct Nid {
        #[diesel(sql_type = diesel::sql_types::Text)]
        national_id: String,
    }
    let mut conn = app.conn().await;
    let nid: Nid = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query(format!(
            "SELECT ci.national_id FROM guardian g JOIN citizen ci ON ci.person_id = g.citizen_id WHERE g.log_id = '{SARA_LOG}'"
        )),
        &mut conn,
    )
    .await
    .expect("Sara's mother");
    TestApp::token_for(&Identity::Citizen { pid: nid.national_id, name: None })
}

/// Sets Sara's birth date to `days` days after today 18 years ago (0: her
/// 18th birthday is today).
async fn birthday_in(app: &TestApp, days: i32) {
    let sql = format!(
        "WITH u AS (UPDATE child SET birth_date = (current_date - interval '18 years')::date + {days}
                     WHERE id = (SELECT child_id FROM log WHERE id = '{SARA_LOG}') RETURNING 1)
         SELECT count(*) AS n FROM u"
    );
    assert_eq!(app.count(&sql).await, 1);
}

fn reads(r: &stafett_tests::Gql) -> bool {
    r.data()["log"]["id"] == SARA_LOG.to_string()
}

/// The day before, the mother reads the log; on the birthday she does not,
/// without any job having run, and Sara's log stays ACTIVE on Sara's own
/// consent. The mother's open subscription ends once the job announces it.
#[tokio::test]
async fn on_the_eighteenth_birthday_the_guardians_lose_access_at_once() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mother = mother(&app).await;
    let vars = json!({ "l": SARA_LOG });

    birthday_in(&app, 1).await;
    let r = app.gql_with_token(Some(&mother), READ, vars.clone()).await;
    assert!(reads(&r), "the day before, the mother is an owner: {}", r.body);
    let mut socket = WsClient::connect(addr, &mother).await;
    socket.subscribe("a", "subscription($l: ID!) { logActivity(logId: $l) { kind } }", vars.clone()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    birthday_in(&app, 0).await;
    let r = app.gql_with_token(Some(&mother), READ, vars.clone()).await;
    assert_eq!(r.err("NOT_FOUND"), "Log not found", "on the birthday the log is as absent to her as any other");
    let list = app.gql_with_token(Some(&mother), "{ logs { edges { node { id } } } }", json!({})).await;
    assert!(stafett_tests::nodes(&list.ok()["logs"]).is_empty());
    let consent = app
        .gql_with_token(
            Some(&mother),
            "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { id } userErrors { message } } }",
            vars.clone(),
        )
        .await;
    consent.err("NOT_FOUND");
    let youth = app.gql("youth", READ, vars.clone()).await;
    assert!(reads(&youth) && youth.data()["log"]["status"] == "ACTIVE", "{}", youth.body);

    // The job announces it once; the mother's subscription ends.
    let day = app.today().await;
    let (a, b) =
        tokio::join!(adulthood::sweep(&app.state.pool, Some(day)), adulthood::sweep(&app.state.pool, Some(day)));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "two instances announce it once");
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day)).await.unwrap(), 0);
    let ended = loop {
        let m = socket.recv(Duration::from_secs(10)).await.expect("an answer");
        if m["id"] == "a" && m["type"] != "next" || m["payload"]["errors"].is_array() {
            break m;
        }
    };
    let codes: Vec<Value> = ended["payload"]
        .as_array()
        .or(ended["payload"]["errors"].as_array())
        .map(|errors| errors.iter().map(|e| e["extensions"]["code"].clone()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains(&json!("FORBIDDEN")) || codes.contains(&json!("NOT_FOUND")) || ended["type"] == "complete",
        "{ended}"
    );
}

/// The job's day is its caller's: a birthday tomorrow is announced by the
/// run for tomorrow, not today's; someone born on 29 February is adult on
/// 1 March in a year without one.
#[tokio::test]
async fn the_announcement_follows_the_clock_it_is_given() {
    let app = TestApp::demo().await;
    birthday_in(&app, 1).await;
    let day = app.today().await;
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day)).await.unwrap(), 0, "not yet");
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day + chrono::Duration::days(1))).await.unwrap(), 1, "tomorrow");
    let events = format!("SELECT count(*) AS n FROM event WHERE log_id = '{SARA_LOG}' AND kind = 'YOUTH_CAME_OF_AGE'");
    assert_eq!(app.count(&events).await, 1);

    // A leap-day child: not on 28 February 2026, on 1 March.
    app.count(&format!(
        "WITH u AS (DELETE FROM log_came_of_age WHERE log_id = '{SARA_LOG}' RETURNING 1)
         , c AS (UPDATE child SET birth_date = '2008-02-29' WHERE id = (SELECT child_id FROM log WHERE id = '{SARA_LOG}') RETURNING 1)
         SELECT (SELECT count(*) FROM u) + (SELECT count(*) FROM c) AS n"
    ))
    .await;
    let feb28 = chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
    assert_eq!(adulthood::sweep(&app.state.pool, Some(feb28)).await.unwrap(), 0);
    assert_eq!(adulthood::sweep(&app.state.pool, Some(feb28 + chrono::Duration::days(1))).await.unwrap(), 1);
}
