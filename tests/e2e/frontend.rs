//! The API as a frontend meets it (issue 17): a dashboard that combines
//! fields for several roles in one query keeps what the viewer may read.

use serde_json::{Value, json};
use stafett_tests::TestApp;
use stafett_tests::ids::SCHOOL;

const DASHBOARD: &str = "query($u: ID!) {
    me { name }
    units { name }
    unitStaff(unitId: $u) { name }
    openDeletionRequests { id }
    statistics { logsByStatus { status count } }
}";

/// The four role-restricted root fields are nullable: for a viewer without
/// the role each is null with its own FORBIDDEN error, and `data` (here
/// `me`) survives, where a non-null field would have nulled all of it.
#[tokio::test]
async fn a_combined_dashboard_query_keeps_what_the_viewer_may_read() {
    let app = TestApp::demo().await;
    let guardian = app.gql("guardian", DASHBOARD, json!({ "u": SCHOOL })).await;
    assert_eq!(guardian.data()["me"]["name"], "Ola Nordmann", "{}", guardian.body);
    let restricted = ["units", "unitStaff", "openDeletionRequests", "statistics"];
    for field in restricted {
        assert!(guardian.data()[field].is_null(), "{field}: {}", guardian.body);
    }
    let mut forbidden: Vec<&str> = guardian
        .errors()
        .iter()
        .filter(|e| e["extensions"]["code"] == "FORBIDDEN")
        .filter_map(|e| e["path"][0].as_str())
        .map(|p| restricted.into_iter().find(|f| *f == p).expect("a restricted field"))
        .collect();
    forbidden.sort();
    let mut expected = restricted.to_vec();
    expected.sort();
    assert_eq!(forbidden, expected, "one FORBIDDEN per restricted field: {}", guardian.body);
    assert_eq!(guardian.errors().len(), 4, "{}", guardian.body);

    // The municipal admin may read all four: no error, every field a value.
    let admin = app.gql("municipaladmin", DASHBOARD, json!({ "u": SCHOOL })).await;
    let data = admin.ok();
    assert!(restricted.iter().all(|f| data[*f] != Value::Null), "{}", admin.body);
}
