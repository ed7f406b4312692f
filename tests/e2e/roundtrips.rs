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
            evaluations { body evaluatedOn author { name } } comments { totalCount edges { node { body author { name } } } } }
        evaluations { body } }
    meetings { totalCount edges { node { id title startsAt status minutes invitees { name } } } }
    messages(first: 20) { edges { cursor node { id body kind createdAt toAll author { name } recipients { name } readByMe } } pageInfo { hasNextPage endCursor } }
} }";

/// The most statements a log page may cost (with short lists; a long one
/// may cost at most [`NOISE`] more).
const BOUND: u64 = 25;

/// How many times each page is read.
const READS: usize = 10;

/// The statements a page may cost beyond the same page with short lists.
/// Not zero: the loaders of people (names of authors, invitees, recipients,
/// the responsible) are asked from several branches of the page, and whether
/// those asks fall into one batch or two or three depends on how fast the
/// branches above them came back (seen in PostgreSQL's statement log: the
/// `person` lookup ran 1 to 3 times per read of the same page). The fewest
/// over several reads is the page's cost; it still differed by one between
/// two sets of reads of the same-sized page. An N+1 adds a statement per
/// item to every read: at least ten here, since every list grows by ten.
const NOISE: u64 = 1;

async fn statements(app: &TestApp, persona: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..READS {
        let before = app.queries();
        app.gql(persona, LOG_PAGE, json!({ "id": EMMA_LOG })).await.ok();
        fewest = fewest.min(app.queries() - before);
    }
    fewest
}

/// The sizes of the lists a log page shows, counted in SQL.
async fn sizes(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for (list, sql) in [
        ("participants", "SELECT count(*) AS n FROM participant WHERE log_id = '{log}' AND left_at IS NULL"),
        ("goals", "SELECT count(*) AS n FROM goal WHERE log_id = '{log}'"),
        ("measures", "SELECT count(*) AS n FROM measure WHERE log_id = '{log}'"),
        (
            "measure evaluations",
            "SELECT count(*) AS n FROM evaluation WHERE log_id = '{log}' AND measure_id IS NOT NULL",
        ),
        ("goal evaluations", "SELECT count(*) AS n FROM evaluation WHERE log_id = '{log}' AND goal_id IS NOT NULL"),
        ("comments", "SELECT count(*) AS n FROM comment WHERE log_id = '{log}'"),
        ("meetings", "SELECT count(*) AS n FROM meeting WHERE log_id = '{log}'"),
        (
            "invitees",
            "SELECT count(*) AS n FROM meeting_invitee i JOIN meeting m ON m.id = i.meeting_id WHERE m.log_id = '{log}'",
        ),
        ("messages", "SELECT count(*) AS n FROM message WHERE log_id = '{log}'"),
        (
            "recipients",
            "SELECT count(*) AS n FROM message_recipient r JOIN message m ON m.id = r.message_id WHERE m.log_id = '{log}'",
        ),
    ] {
        out.push((list, app.count(&sql.replace("{log}", &EMMA_LOG.to_string())).await));
    }
    out
}

/// Adds `n` of everything a log page lists to Emma's log: participants
/// (new staff of a consented unit), goals, measures of every goal,
/// evaluations of every measure and goal, comments, meetings with every
/// participant invited, and `10 n` messages, half of them addressed to every
/// participant and guardian. `round` keeps the ids of each call apart.
async fn grow(app: &TestApp, round: u32, n: u32) {
    let mut conn = app.conn().await;
    let staff = format!("md5('grown staff {round}/' || n)::uuid");
    let message = format!("md5('grown message {round}/' || n)::uuid");
    let messages = 10 * n;
    conn.batch_execute(&format!(
        "INSERT INTO person (id, kind, name, phone, email)
           SELECT {staff}, 'STAFF', 'Ansatt {round}/' || n, '+47 4{round:03} ' || (1000 + n), 'ansatt{round}.' || n || '@demo.stafett.no'
             FROM generate_series(1, {n}) n;
         INSERT INTO staff (person_id, municipality_id)
           SELECT {staff}, l.municipality_id FROM log l, generate_series(1, {n}) n WHERE l.id = '{EMMA_LOG}';
         INSERT INTO participant (id, log_id, staff_id, unit_id, title, added_by)
           SELECT gen_random_uuid(), '{EMMA_LOG}', {staff}, p.unit_id, 'Rolle ' || n, p.added_by
             FROM (SELECT unit_id, added_by FROM participant WHERE log_id = '{EMMA_LOG}' AND left_at IS NULL ORDER BY id LIMIT 1) p,
                  generate_series(1, {n}) n;
         INSERT INTO goal (id, log_id, area, bti_level, description, created_by)
           SELECT gen_random_uuid(), '{EMMA_LOG}', 'OTHER_SERVICES', 1, 'Mål {round}/' || n, g.created_by
             FROM (SELECT created_by FROM goal WHERE log_id = '{EMMA_LOG}' LIMIT 1) g, generate_series(1, {n}) n;
         INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, created_by)
           SELECT gen_random_uuid(), g.log_id, g.id, 'Tiltak {round}/' || n, g.created_by, current_date + n, g.created_by
             FROM goal g, generate_series(1, {n}) n WHERE g.log_id = '{EMMA_LOG}';
         INSERT INTO evaluation (id, log_id, measure_id, body, author_id)
           SELECT gen_random_uuid(), m.log_id, m.id, 'Evaluering', m.created_by FROM measure m WHERE m.log_id = '{EMMA_LOG}';
         INSERT INTO evaluation (id, log_id, goal_id, body, author_id)
           SELECT gen_random_uuid(), g.log_id, g.id, 'Evaluering av målet', g.created_by FROM goal g WHERE g.log_id = '{EMMA_LOG}';
         INSERT INTO comment (id, log_id, measure_id, body, author_id)
           SELECT gen_random_uuid(), m.log_id, m.id, 'Kommentar', m.created_by FROM measure m WHERE m.log_id = '{EMMA_LOG}';
         INSERT INTO meeting (id, log_id, title, starts_at, created_by)
           SELECT gen_random_uuid(), '{EMMA_LOG}', 'Møte {round}/' || n, now() + n * interval '1 day', m.created_by
             FROM (SELECT created_by FROM meeting WHERE log_id = '{EMMA_LOG}' LIMIT 1) m, generate_series(1, {n}) n;
         INSERT INTO meeting_invitee (meeting_id, person_id)
           SELECT m.id, p.staff_id FROM meeting m JOIN participant p ON p.log_id = m.log_id AND p.left_at IS NULL
            WHERE m.log_id = '{EMMA_LOG}'
           ON CONFLICT DO NOTHING;
         INSERT INTO message (id, log_id, author_id, body, to_all)
           SELECT {message}, '{EMMA_LOG}', m.author_id, 'Melding {round}/' || n, n % 2 = 0
             FROM (SELECT author_id FROM message WHERE log_id = '{EMMA_LOG}' LIMIT 1) m, generate_series(1, {messages}) n;
         -- The odd ones go to every participant and guardian (each persona reading the page among them).
         INSERT INTO message_recipient (message_id, person_id)
           SELECT {message}, who.id
             FROM generate_series(1, {messages}, 2) n,
                  (SELECT staff_id AS id FROM participant WHERE log_id = '{EMMA_LOG}' AND left_at IS NULL
                   UNION SELECT citizen_id FROM guardian WHERE log_id = '{EMMA_LOG}') who;"
    ))
    .await
    .expect("grow the log");
}

/// The statements of a log page for each persona.
async fn page_costs(app: &TestApp, personas: &[&str]) -> Vec<u64> {
    let mut costs = Vec::new();
    for persona in personas {
        costs.push(statements(app, persona).await);
    }
    costs
}

/// A page whose lists hold a few items costs exactly what one whose lists
/// hold many does. (Both small and large pages hold at least one item in
/// every list: an empty list skips the loads nested in it, which is fewer
/// statements for a reason that has nothing to do with list sizes.)
#[tokio::test]
async fn a_log_page_costs_the_same_statements_however_long_its_lists() {
    let app = TestApp::demo().await;
    grow(&app, 1, 1).await;
    let small_lists = sizes(&app).await;
    assert!(small_lists.iter().all(|(_, n)| *n > 0), "set-up: every list holds something: {small_lists:?}");
    // Warm up: the first requests of a pool also open its connections.
    statements(&app, "participant").await;
    let personas = ["guardian", "coordinator", "participant"];
    let small = page_costs(&app, &personas).await;
    assert!(small.iter().all(|n| *n <= BOUND), "{small:?} statements for a log page");
    grow(&app, 2, 10).await;
    let large_lists = sizes(&app).await;
    for ((list, was), (_, is)) in small_lists.iter().zip(&large_lists) {
        assert!(*is >= 3 * was, "{list}: {was} grew to {is} only");
    }
    let large = page_costs(&app, &personas).await;
    eprintln!(
        "log page statements (guardian, coordinator, participant): {small:?} with lists {small_lists:?}, \
         {large:?} with lists {large_lists:?}"
    );
    for ((persona, small), large) in personas.iter().zip(&small).zip(&large) {
        assert!(
            *large <= small + NOISE,
            "{persona}: {large} statements for a page with long lists, {small} with short ones"
        );
    }
}
