//! The foundation's acceptance checks, as stated in its issue.

use serde_json::json;
use stafett_tests::TestApp;
use stafett_tests::ids::EMMA_LOG;

const QUERY: &str = "query($id: ID!) { log(id: $id) { child { name } goals { measures { description deadline responsible { name } } } } }";

#[tokio::test]
async fn the_guardian_sees_emmas_log() {
    let app = TestApp::demo().await;
    let r = app.gql("guardian", QUERY, json!({ "id": EMMA_LOG })).await;
    let log = &r.ok()["log"];
    assert_eq!(log["child"]["name"], "Emma Nordmann");
    let goals = log["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 3, "goals in all three areas");
    assert!(
        goals.iter().all(|g| { g["measures"].as_array().unwrap().iter().all(|m| !m["responsible"]["name"].is_null()) })
    );
}

#[tokio::test]
async fn an_outsider_gets_the_same_answer_as_for_a_random_id() {
    let app = TestApp::demo().await;
    let theirs = app.gql("outsider", QUERY, json!({ "id": EMMA_LOG })).await;
    let random = app.gql("outsider", QUERY, json!({ "id": uuid::Uuid::new_v4() })).await;
    assert_eq!(theirs.status, random.status);
    assert_eq!(theirs.body, random.body);
    assert_eq!(theirs.err("NOT_FOUND"), "Log not found");
    assert!(theirs.data()["log"].is_null());
}

#[tokio::test]
async fn the_unit_admin_sees_the_name_but_not_the_goals() {
    let app = TestApp::demo().await;
    let r = app.gql("unitadmin", QUERY, json!({ "id": EMMA_LOG })).await;
    assert_eq!(r.data()["log"]["child"]["name"], "Emma Nordmann");
    assert!(r.data()["log"]["goals"].is_null());
    assert!(r.data()["log"].as_object().unwrap().contains_key("goals"), "a denied field is null, not missing");
    assert_eq!(r.codes(), vec!["FORBIDDEN"]);
    assert_eq!(r.errors()[0]["path"], json!(["log", "goals"]));
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let app = TestApp::demo().await;
    for token in [None, Some("not-a-jwt"), Some("eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo")]
    {
        let r = app.gql_with_token(token, "{ me { id } }", json!({})).await;
        assert_eq!(r.status, 401, "{token:?}");
        r.err("UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn demo_seeding_is_idempotent() {
    let app = TestApp::demo().await;
    let tables = ["log", "goal", "measure", "message", "consent", "participant", "archive_snapshot", "person"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(&format!("SELECT count(*) AS n FROM {t}")).await);
    }
    let mut conn = app.conn().await;
    assert!(!stafett_server::demo::seed(&mut conn).await.unwrap(), "a second run writes nothing");
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(&format!("SELECT count(*) AS n FROM {t}")).await, n, "{t}");
    }
}
