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

    // The system owner reads statistics and unit names, never personal data:
    // staff names and deletion requests are FORBIDDEN to them.
    let owner = app.gql("systemowner", DASHBOARD, json!({ "u": SCHOOL })).await;
    let data = owner.data();
    assert!(data["units"].as_array().is_some_and(|u| !u.is_empty()), "{}", owner.body);
    assert!(data["statistics"].is_object(), "{}", owner.body);
    assert!(data["unitStaff"].is_null() && data["openDeletionRequests"].is_null(), "{}", owner.body);
    let errors = owner.errors();
    let mut refused: Vec<&str> = errors.iter().filter_map(|e| e["path"][0].as_str()).collect();
    refused.sort();
    assert_eq!(refused, ["openDeletionRequests", "unitStaff"], "{}", owner.body);
    assert!(owner.codes().iter().all(|c| c == "FORBIDDEN"), "{}", owner.body);

    // The municipal admin may read all four: no error, every field a value.
    let admin = app.gql("municipaladmin", DASHBOARD, json!({ "u": SCHOOL })).await;
    let data = admin.ok();
    assert!(restricted.iter().all(|f| data[*f] != Value::Null), "{}", admin.body);
}

/// Runs `.ci/run`'s schema check (graphql-inspector with the changelog
/// rule) on two schemas and a changelog of the test's own; whether it passed.
async fn schema_check(old: &str, new: &str, changelog: &str) -> (bool, String) {
    let dir = stafett_tests::process::npm_ci("scripts/schema-diff");
    let tmp = std::env::temp_dir().join(format!("stafett-schema-diff-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&tmp).unwrap();
    for (name, text) in [("old.graphql", old), ("new.graphql", new), ("CHANGELOG.md", changelog)] {
        std::fs::write(tmp.join(name), text).unwrap();
    }
    let out = tokio::process::Command::new("node")
        .args(["node_modules/.bin/graphql-inspector", "diff"])
        .arg(tmp.join("old.graphql"))
        .arg(tmp.join("new.graphql"))
        .args(["--rule", "./changelog-rule.cjs"])
        .env("STAFETT_CHANGELOG", tmp.join("CHANGELOG.md"))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    std::fs::remove_dir_all(&tmp).ok();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// A breaking schema change fails CI until CHANGELOG.md's Unreleased section
/// names it; a name under a released version, or another path, does not count.
#[tokio::test]
async fn a_breaking_schema_change_needs_its_changelog_entry() {
    let old = "type Query { units: [String!]! count: Int! }";
    let new = "type Query { units: [String!] count: Int! extra: Int }";
    let named = "# Changelog\n\n## Unreleased\n\n- `Query.units` is nullable.\n\n## 0.1.0\n\n- `Query.count`\n";
    let (ok, out) = schema_check(old, new, named).await;
    assert!(ok, "named in Unreleased: accepted\n{out}");

    let elsewhere = "# Changelog\n\n## Unreleased\n\n- `Query.count` changed.\n\n## 0.1.0\n\n- `Query.units`\n";
    let (ok, out) = schema_check(old, new, elsewhere).await;
    assert!(!ok && out.contains("Query.units"), "not named in Unreleased: refused\n{out}");

    // Additions alone need no entry.
    let (ok, out) = schema_check(old, "type Query { units: [String!]! count: Int! extra: Int }", "# Changelog\n").await;
    assert!(ok, "{out}");
}
