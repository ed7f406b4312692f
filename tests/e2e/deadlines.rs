//! `myDeadlines`: the open measures a professional is responsible for or
//! coordinates, soonest first, checked against the rule stated in plain SQL.

use serde_json::{Value, json};
use stafett_tests::TestApp;

const MINE: &str = "query($d: Int) { myDeadlines(withinDays: $d) { id deadline status } }";

fn rows(v: &Value) -> Vec<(String, String, String)> {
    v["myDeadlines"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            (s("id"), s("deadline"), s("status"))
        })
        .collect()
}

#[tokio::test]
async fn my_deadlines_are_the_open_measures_i_answer_for_or_coordinate_soonest_first() {
    let app = TestApp::demo().await;
    for persona in ["coordinator", "participant"] {
        let me = app.gql(persona, "{ me { id } }", json!({})).await;
        let me = me.ok()["me"]["id"].as_str().expect("my id").to_owned();
        let all = rows(app.gql(persona, MINE, json!({ "d": null })).await.ok());
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        assert_eq!(all, sorted, "{persona}: soonest first");
        assert!(all.iter().all(|m| m.2 == "PLANNED" || m.2 == "IN_PROGRESS"), "{persona}: open only");
        // The rule, as plain SQL, over the logs whose goals the persona may read (ACTIVE ones here).
        let expected = app
            .count(&format!(
                "SELECT count(*) AS n FROM measure m JOIN log l ON l.id = m.log_id
                  WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND m.deadline IS NOT NULL
                    AND log_effective_status(l.id, l.status) = 'ACTIVE'
                    AND (m.responsible_id = '{me}' OR EXISTS (SELECT 1 FROM coordinator_term ct
                         WHERE ct.log_id = m.log_id AND ct.staff_id = '{me}' AND ct.ended_at IS NULL))"
            ))
            .await;
        assert!(expected > 0, "{persona} answers for something in the demo");
        assert_eq!(all.len() as i64, expected, "{persona}: every such measure, once");
        let today = chrono::Utc::now().date_naive().to_string();
        let due = rows(app.gql(persona, MINE, json!({ "d": 0 })).await.ok());
        assert_eq!(due, all.iter().filter(|m| m.1 <= today).cloned().collect::<Vec<_>>(), "{persona}: withinDays 0");
    }
    let none = rows(app.gql("outsider", MINE, json!({ "d": null })).await.ok());
    assert!(none.is_empty(), "an outsider answers for nothing");
}
