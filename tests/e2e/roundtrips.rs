//! SQL round trips per request do not grow with list sizes: every nested
//! list goes through a DataLoader, batched per request.

use diesel_async::SimpleAsyncConnection;
use serde_json::json;
use stafett_tests::TestApp;
use stafett_tests::ids::EMMA_LOG;

/// The query a frontend sends to open a log.
pub const LOG_PAGE: &str = "query LogPage($id: ID!) { log(id: $id) {
    id status createdAt
    child { name birthDate }
    coordinator { name unit { name } }
    participants { id name role title phone email unit { name serviceKind } }
    guardians { name }
    goals { id area btiLevel description status
        measures { id description deadline status overdue responsible { __typename name }
            evaluations { body evaluatedOn author { name } } comments { body author { name } } }
        evaluations { body } }
    meetings { id title startsAt status minutes invitees { name } }
    messages(first: 20) { edges { cursor node { id body kind createdAt toAll author { name } recipients { name } readByMe } } pageInfo { hasNextPage endCursor } }
} }";

/// The most statements a log page may cost, whatever the sizes of its lists.
/// (How DataLoader batches fall within a request varies by a statement or
/// two with timing, so the bound is not the exact count.)
const BOUND: u64 = 25;

async fn statements(app: &TestApp, persona: &str) -> u64 {
    let before = app.queries();
    app.gql(persona, LOG_PAGE, json!({ "id": EMMA_LOG })).await.ok();
    app.queries() - before
}

/// Multiplies Emma's log: many more goals, measures, evaluations, comments,
/// meetings, messages and participants, all in the same log.
async fn grow(app: &TestApp) {
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO goal (id, log_id, area, bti_level, description, created_by)
           SELECT gen_random_uuid(), '{EMMA_LOG}', 'OTHER_SERVICES', 1, 'Mål ' || n, created_by
             FROM goal, generate_series(1, 10) n WHERE goal.log_id = '{EMMA_LOG}' LIMIT 10;
         INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, created_by)
           SELECT gen_random_uuid(), g.log_id, g.id, 'Tiltak ' || n, g.created_by, current_date + n, g.created_by
             FROM goal g, generate_series(1, 5) n WHERE g.log_id = '{EMMA_LOG}';
         INSERT INTO evaluation (id, log_id, measure_id, body, author_id)
           SELECT gen_random_uuid(), m.log_id, m.id, 'Evaluering', m.created_by FROM measure m WHERE m.log_id = '{EMMA_LOG}';
         INSERT INTO comment (id, log_id, measure_id, body, author_id)
           SELECT gen_random_uuid(), m.log_id, m.id, 'Kommentar', m.created_by FROM measure m WHERE m.log_id = '{EMMA_LOG}';
         INSERT INTO meeting (id, log_id, title, starts_at, created_by)
           SELECT gen_random_uuid(), '{EMMA_LOG}', 'Møte ' || n, now() + n * interval '1 day', m.created_by
             FROM (SELECT created_by FROM meeting WHERE log_id = '{EMMA_LOG}' LIMIT 1) m, generate_series(1, 10) n;
         INSERT INTO message (id, log_id, author_id, body, to_all)
           SELECT gen_random_uuid(), '{EMMA_LOG}', m.author_id, 'Melding ' || n, true
             FROM (SELECT author_id FROM message WHERE log_id = '{EMMA_LOG}' LIMIT 1) m, generate_series(1, 100) n;"
    ))
    .await
    .expect("grow the log");
}

#[tokio::test]
async fn a_log_page_costs_the_same_statements_however_long_its_lists() {
    let app = TestApp::demo().await;
    // Warm up: the first requests of a pool also open its connections.
    for _ in 0..3 {
        statements(&app, "participant").await;
    }
    let mut small = Vec::new();
    for persona in ["guardian", "coordinator", "participant"] {
        let n = statements(&app, persona).await;
        assert!(n <= BOUND, "{persona}: {n} statements for a log page");
        small.push(n);
    }
    grow(&app).await;
    let goals = app.count(&format!("SELECT count(*) AS n FROM goal WHERE log_id = '{EMMA_LOG}'")).await;
    let messages = app.count(&format!("SELECT count(*) AS n FROM message WHERE log_id = '{EMMA_LOG}'")).await;
    assert!(goals >= 13 && messages > 100, "{goals} goals, {messages} messages");
    let mut big = Vec::new();
    for persona in ["guardian", "coordinator", "participant"] {
        let n = statements(&app, persona).await;
        assert!(n <= BOUND, "{persona}: {n} statements after growing the lists");
        big.push(n);
    }
    eprintln!(
        "log page statements (guardian, coordinator, participant): {small:?} before, {big:?} after growing the lists"
    );
}
