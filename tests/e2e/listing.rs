//! The `logs` list: newest first, and paging with cursors gives the same
//! logs in the same order as one long page, each once.

use serde_json::{Value, json};
use stafett_tests::TestApp;

const LOGS: &str = "query($n: Int, $a: String, $s: LogStatus) {
    logs(first: $n, after: $a, status: $s) {
        edges { node { id status createdAt } }
        pageInfo { hasNextPage endCursor }
    } }";

fn ids(v: &Value) -> Vec<(String, String, String)> {
    v["logs"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let s = |k: &str| e["node"][k].as_str().unwrap_or_default().to_owned();
            (s("id"), s("status"), s("createdAt"))
        })
        .collect()
}

#[tokio::test]
async fn paging_through_logs_gives_one_pages_logs_in_the_same_order() {
    let app = TestApp::demo().await;
    for persona in ["municipaladmin", "unitadmin", "coordinator"] {
        let all = ids(app.gql(persona, LOGS, json!({ "n": 100 })).await.ok());
        assert!(all.len() >= 2, "{persona} sees several logs");
        let newest_first = all.windows(2).all(|w| w[0].2 >= w[1].2);
        assert!(newest_first, "{persona}: newest first: {all:?}");
        let mut paged = Vec::new();
        let mut after = Value::Null;
        loop {
            let r = app.gql(persona, LOGS, json!({ "n": 2, "a": after })).await;
            let page = r.ok();
            paged.extend(ids(page));
            if !page["logs"]["pageInfo"]["hasNextPage"].as_bool().expect("hasNextPage") {
                break;
            }
            after = page["logs"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(paged, all, "{persona}: pages of two are the long page");
        let active = ids(app.gql(persona, LOGS, json!({ "n": 100, "s": "ACTIVE" })).await.ok());
        let expected: Vec<_> = all.iter().filter(|l| l.1 == "ACTIVE").cloned().collect();
        assert_eq!(active, expected, "{persona}: the status filter keeps the order");
    }
}
