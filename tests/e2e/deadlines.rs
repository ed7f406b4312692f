//! `myDeadlines`: the open measures a professional is responsible for or
//! coordinates, soonest first, checked against the rule stated in plain SQL
//! over logs the test names itself, not through the product's own status
//! and consent functions (which would agree with any mistake in them).

use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};
use stafett_tests::ids::{EMMA_LOG, JONAS_LOG, NORA_LOG, SARA_LOG};
use stafett_tests::{TestApp, nodes};
use uuid::Uuid;

const MINE: &str =
    "query($d: Int) { myDeadlines(withinDays: $d, first: 100) { totalCount edges { node { id deadline status } } } }";

fn rows(v: &Value) -> Vec<(String, String, String)> {
    let measures = nodes(&v["myDeadlines"]);
    assert_eq!(v["myDeadlines"]["totalCount"].as_u64(), Some(measures.len() as u64), "one page holds them all");
    measures
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            (s("id"), s("deadline"), s("status"))
        })
        .collect()
}

/// The open measures with a deadline that `persona` answers for or
/// coordinates, in `logs`, counted in plain SQL.
async fn answers_for(app: &TestApp, persona: &str, logs: &[Uuid]) -> i64 {
    let me = stafett_tests::ids::person(persona);
    let logs: Vec<String> = logs.iter().map(|l| format!("'{l}'")).collect();
    app.count(&format!(
        "SELECT count(*) AS n FROM measure m
          WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND m.deadline IS NOT NULL
            AND m.log_id IN ({})
            AND (m.responsible_id = '{me}' OR EXISTS (SELECT 1 FROM coordinator_term ct
                 WHERE ct.log_id = m.log_id AND ct.staff_id = '{me}' AND ct.ended_at IS NULL))",
        logs.join(", ")
    ))
    .await
}

/// Checks `persona`'s deadlines: soonest first, open only, and exactly the
/// measures of `readable` (the logs whose goals the persona may read), none
/// of `hidden` (which, when named, hold such measures too, so leaving them
/// out is tested).
async fn check(app: &TestApp, persona: &str, readable: &[Uuid], hidden: &[Uuid]) {
    let all = rows(app.gql(persona, MINE, json!({ "d": null })).await.ok());
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    assert_eq!(all, sorted, "{persona}: soonest first");
    assert!(all.iter().all(|m| m.2 == "PLANNED" || m.2 == "IN_PROGRESS"), "{persona}: open only");
    let expected = answers_for(app, persona, readable).await;
    assert!(expected > 0, "{persona} answers for something in the demo");
    if !hidden.is_empty() {
        assert!(
            answers_for(app, persona, hidden).await > 0,
            "set-up: {persona} answers for measures of hidden logs too"
        );
    }
    assert_eq!(all.len() as i64, expected, "{persona}: every such measure, once: {all:?}");
    let today = chrono::Utc::now().date_naive().to_string();
    let due = rows(app.gql(persona, MINE, json!({ "d": 0 })).await.ok());
    assert_eq!(due, all.iter().filter(|m| m.1 <= today).cloned().collect::<Vec<_>>(), "{persona}: withinDays 0");
}

/// The demo's logs: Emma's and Sara's are ACTIVE with every consent given,
/// Jonas' is PASSIVE (a guardian withdrew) and Nora's CLOSED. The
/// coordinator coordinates all four; the nurse answers for measures in
/// Emma's log and none elsewhere that she may read.
#[tokio::test]
async fn my_deadlines_are_the_open_measures_i_answer_for_or_coordinate_soonest_first() {
    let app = TestApp::demo().await;
    check(&app, "coordinator", &[EMMA_LOG, SARA_LOG], &[JONAS_LOG, NORA_LOG]).await;
    let nurse = answers_for(&app, "participant", &[EMMA_LOG]).await;
    assert_eq!(answers_for(&app, "participant", &[EMMA_LOG, SARA_LOG, JONAS_LOG, NORA_LOG]).await, nurse, "set-up");
    check(&app, "participant", &[EMMA_LOG], &[]).await;
    let none = rows(app.gql("outsider", MINE, json!({ "d": null })).await.ok());
    assert!(none.is_empty(), "an outsider answers for nothing");
}

/// A log stays ACTIVE in its row when a time-limited consent runs out; it is
/// PASSIVE all the same (DESIGN.md §3), and its measures leave the
/// coordinator's deadlines although no write happened.
#[tokio::test]
async fn a_log_whose_consent_ran_out_leaves_my_deadlines() {
    let app = TestApp::demo().await;
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "UPDATE consent SET expires_at = now() - interval '1 minute'
          WHERE log_id = '{SARA_LOG}' AND scope = 'LOG'
            AND given_by IN (SELECT citizen_id FROM guardian WHERE log_id = '{SARA_LOG}')"
    ))
    .await
    .expect("let Sara's mother's consent run out");
    drop(conn);
    let stored =
        app.count(&format!("SELECT count(*) AS n FROM log WHERE id = '{SARA_LOG}' AND status = 'ACTIVE'")).await;
    assert_eq!(stored, 1, "set-up: Sara's log is still ACTIVE in its row");
    check(&app, "coordinator", &[EMMA_LOG], &[SARA_LOG, JONAS_LOG, NORA_LOG]).await;
}

/// The ids `persona` gets from `myDeadlines(scope: …)`, page after page, as
/// a sorted list; each page says the same `totalCount`, the number of them.
async fn scoped(app: &TestApp, persona: &str, scope: Value) -> Result<Vec<String>, String> {
    let query = "query($s: DeadlineScope, $after: String) { myDeadlines(scope: $s, first: 100, after: $after) {
        totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    let (mut ids, mut after, mut totals) = (Vec::new(), Value::Null, Vec::new());
    loop {
        let got = app.gql(persona, query, json!({ "s": scope, "after": after })).await;
        if !got.errors().is_empty() {
            return Err(got.codes().join("+"));
        }
        let page = &got.data()["myDeadlines"];
        ids.extend(nodes(page).iter().map(|m| m["id"].as_str().unwrap().to_owned()));
        totals.push(page["totalCount"].as_u64().unwrap() as usize);
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert!(totals.iter().all(|t| *t == ids.len()), "{persona}: totalCount {totals:?} for {} measures", ids.len());
    ids.sort();
    Ok(ids)
}

/// Open measures with a deadline matching `condition` (SQL over `m`), sorted ids.
async fn expected(app: &TestApp, condition: &str) -> Vec<String> {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut conn = app.conn().await;
    diesel::sql_query(format!(
        "SELECT m.id::text AS id FROM measure m
          WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND m.deadline IS NOT NULL AND {condition}
          ORDER BY 1"
    ))
    .load::<Id>(&mut conn)
    .await
    .expect("measures")
    .into_iter()
    .map(|r| r.id)
    .collect()
}

/// `myDeadlines` takes the scope `deadlineChanges` takes, so a dashboard
/// loads with one and follows with the other over the same measures.
#[tokio::test]
async fn my_deadlines_take_the_scope_of_deadline_changes() {
    let app = TestApp::demo().await;
    let coordinator = stafett_tests::ids::person("coordinator");
    let nurse = stafett_tests::ids::person("participant");
    let emma = format!("m.log_id = '{EMMA_LOG}'");
    let active = format!("m.log_id IN ('{EMMA_LOG}', '{SARA_LOG}')");

    // MINE: what I answer for, in logs I may read (Jonas' and Nora's are not ACTIVE).
    let mine = scoped(&app, "coordinator", json!({ "kind": "MINE" })).await.unwrap();
    assert_eq!(mine, expected(&app, &format!("m.responsible_id = '{coordinator}' AND {active}")).await);
    let nurses = scoped(&app, "participant", json!({ "kind": "MINE" })).await.unwrap();
    assert_eq!(nurses, expected(&app, &format!("m.responsible_id = '{nurse}' AND {active}")).await);
    assert!(!nurses.is_empty(), "the nurse answers for a measure in Emma's log");

    // COORDINATED: every measure where I hold the baton; the nurse holds none.
    let coordinated = scoped(&app, "coordinator", json!({ "kind": "COORDINATED" })).await.unwrap();
    assert_eq!(coordinated, expected(&app, &active).await);
    assert_eq!(scoped(&app, "participant", json!({ "kind": "COORDINATED" })).await.unwrap(), Vec::<String>::new());
    assert!(mine.len() < coordinated.len(), "the scopes differ in the demo");

    // LOG: every open deadline of one log, for anyone who may read its goals …
    let in_emma = expected(&app, &emma).await;
    for persona in ["guardian", "coordinator", "participant"] {
        let got = scoped(&app, persona, json!({ "kind": "LOG", "logId": EMMA_LOG })).await;
        assert_eq!(got.as_ref(), Ok(&in_emma), "{persona}");
    }
    // … FORBIDDEN for one who sees the log but not its goals, and for anyone
    // else exactly what a random id gets.
    let random = json!({ "kind": "LOG", "logId": Uuid::new_v4() });
    assert_eq!(scoped(&app, "unitadmin", json!({ "kind": "LOG", "logId": EMMA_LOG })).await, Err("FORBIDDEN".into()));
    assert_eq!(scoped(&app, "outsider", json!({ "kind": "LOG", "logId": EMMA_LOG })).await, Err("NOT_FOUND".into()));
    assert_eq!(scoped(&app, "outsider", random).await, Err("NOT_FOUND".into()));
    assert_eq!(scoped(&app, "coordinator", json!({ "kind": "LOG" })).await, Err("BAD_USER_INPUT".into()));
    // A log id with the other kinds is refused, not ignored: a dashboard that
    // meant one log must not get all of them.
    for kind in ["MINE", "COORDINATED"] {
        let got = scoped(&app, "coordinator", json!({ "kind": kind, "logId": EMMA_LOG })).await;
        assert_eq!(got, Err("BAD_USER_INPUT".into()), "{kind} with a logId");
    }
}

/// The scope is applied before the 500-measure limit: a coordinator whose
/// logs hold 600 earlier deadlines of others still gets every one of hers
/// with MINE, and COORDINATED gets the first 500 of the logs she holds.
#[tokio::test]
async fn the_scope_is_applied_before_the_limit() {
    let app = TestApp::demo().await;
    let coordinator = stafett_tests::ids::person("coordinator");
    let nurse = stafett_tests::ids::person("participant");
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, created_by)
         SELECT gen_random_uuid(), m.log_id, m.goal_id, 'Tiltak ' || n, '{nurse}', current_date - 400 + n % 30, m.created_by
           FROM measure m, generate_series(1, 600) n WHERE m.id = '5afe77e0-0000-4000-8000-0000000002bc'"
    ))
    .await
    .expect("600 measures of the nurse in a log the coordinator holds");
    drop(conn);
    let active = format!("m.log_id IN ('{EMMA_LOG}', '{SARA_LOG}')");
    let hers = expected(&app, &format!("m.responsible_id = '{coordinator}' AND {active}")).await;
    assert!(!hers.is_empty(), "set-up: the coordinator answers for measures");
    assert_eq!(scoped(&app, "coordinator", json!({ "kind": "MINE" })).await.unwrap(), hers);
    let coordinated = scoped(&app, "coordinator", json!({ "kind": "COORDINATED" })).await.unwrap();
    assert_eq!(coordinated.len(), 500, "the limit");
    let nurses = scoped(&app, "participant", json!({ "kind": "MINE" })).await.unwrap();
    assert_eq!(nurses.len(), 500, "the nurse's own, up to the limit");
}

/// One sweep announces everything that is due, however much (it claims 500
/// measures at a time), says how many events it wrote (the relay is woken
/// only when it wrote some), and a second sweep finds nothing left. No
/// server runs here, so no background sweep takes a share.
#[tokio::test]
async fn one_sweep_announces_everything_due_and_counts_it() {
    let app = TestApp::demo().await;
    let mut conn = app.conn().await;
    conn.batch_execute(
        "INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, created_by)
         SELECT gen_random_uuid(), m.log_id, m.goal_id, 'Tiltak ' || n, m.responsible_id, current_date - n % 30 - 1, m.created_by
           FROM measure m, generate_series(1, 1100) n WHERE m.id = '5afe77e0-0000-4000-8000-0000000002bc'",
    )
    .await
    .expect("measures");
    let due = "FROM measure m JOIN log l ON l.id = m.log_id
                WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND l.status <> 'CLOSED'";
    let overdue = app
        .count(&format!("SELECT count(*) AS n {due} AND m.deadline < current_date AND m.overdue_emitted_for IS NULL"))
        .await;
    let days = app.state.config.events.due_soon_days;
    let soon = app
        .count(&format!(
            "SELECT count(*) AS n {due} AND m.deadline BETWEEN current_date AND current_date + {days}
               AND m.due_soon_emitted_for IS NULL"
        ))
        .await;
    assert!(overdue > 1000, "more than two batches are due: {overdue}");
    let events = "SELECT count(*) AS n FROM event WHERE kind IN ('MEASURE_OVERDUE', 'MEASURE_DUE_SOON')";
    let before = app.count(events).await;

    let written = stafett_schema::events::deadlines::sweep(&app.state.pool, days).await.expect("sweep");
    assert_eq!(written as i64, overdue + soon, "every due measure, in one sweep");
    assert_eq!(app.count(events).await - before, overdue + soon, "the count is of events written");
    let again = stafett_schema::events::deadlines::sweep(&app.state.pool, days).await.expect("sweep");
    assert_eq!(again, 0, "nothing is announced twice");
}

/// `myDeadlines` pages: `first` and `after` walk the list soonest first,
/// each measure once, with `totalCount` on every page; `first` is checked
/// at its edges and a cursor that is not one of its own is refused.
#[tokio::test]
async fn my_deadlines_page_soonest_first() {
    let app = TestApp::demo().await;
    let all = rows(app.gql("coordinator", MINE, json!({ "d": null })).await.ok());
    assert!(all.len() >= 3, "set-up: the coordinator has several deadlines");
    let query = "query($first: Int, $after: String) { myDeadlines(first: $first, after: $after) {
        totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }";
    let (mut walked, mut after) = (Vec::new(), Value::Null);
    loop {
        let r = app.gql("coordinator", query, json!({ "first": 2, "after": after })).await;
        let page = r.ok()["myDeadlines"].clone();
        assert_eq!(page["totalCount"].as_u64(), Some(all.len() as u64));
        let edges = page["edges"].as_array().unwrap();
        assert!(edges.len() <= 2);
        walked.extend(edges.iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        assert_eq!(page["pageInfo"]["endCursor"], edges.last().unwrap()["cursor"]);
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked, all.iter().map(|m| m.0.clone()).collect::<Vec<_>>(), "every measure once, in order");
    // `first`: 0 and 100 are answered, -1 and 101 refused.
    let zero = app.gql("coordinator", query, json!({ "first": 0 })).await;
    assert_eq!(zero.ok()["myDeadlines"]["edges"], json!([]));
    assert_eq!(zero.data()["myDeadlines"]["totalCount"].as_u64(), Some(all.len() as u64));
    app.gql("coordinator", query, json!({ "first": 100 })).await.ok();
    for bad in [-1, 101] {
        app.gql("coordinator", query, json!({ "first": bad })).await.err("BAD_USER_INPUT");
    }
    // A cursor of another list is not a deadline cursor.
    let other = app.gql("coordinator", "{ logs(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = other.ok()["logs"]["pageInfo"]["endCursor"].clone();
    for bad in [cursor, json!("bm90IGEgY3Vyc29y")] {
        app.gql("coordinator", query, json!({ "first": 2, "after": bad })).await.err("BAD_USER_INPUT");
    }
}
