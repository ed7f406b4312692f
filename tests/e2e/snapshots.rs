//! Archive snapshots are stored as one JSON document each and read through
//! the typed `SnapshotContent`. The writer (`db::snapshots::build_content`)
//! and the reader are two pieces of code; this reads every snapshot the
//! demo holds, and one taken now of a log with every part filled, through
//! the reader and back, and requires the very document that is stored: a
//! key the writer adds or renames without the reader fails here, not in a
//! frontend.

use diesel::QueryableByName;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};
use stafett_schema::api::types::snapshot_content::SnapshotContent;
use stafett_schema::db::enums::SnapshotReason;
use stafett_tests::TestApp;
use stafett_tests::ids::EMMA_LOG;

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    content: Value,
}

#[tokio::test]
async fn every_snapshot_reads_as_its_type_and_back() {
    let app = TestApp::demo().await;
    let coordinator = stafett_tests::ids::person("coordinator");
    let mut conn = app.conn().await;
    // Every part filled: an evaluation of a goal and of a measure, a meeting
    // with a location, agenda and minutes.
    conn.batch_execute(&format!(
        "INSERT INTO evaluation (id, log_id, goal_id, body, author_id)
           SELECT gen_random_uuid(), log_id, id, 'Målet er nær', '{coordinator}' FROM goal WHERE log_id = '{EMMA_LOG}';
         INSERT INTO evaluation (id, log_id, measure_id, body, author_id)
           SELECT gen_random_uuid(), log_id, id, 'Tiltaket virker', '{coordinator}' FROM measure WHERE log_id = '{EMMA_LOG}';
         INSERT INTO meeting (id, log_id, title, starts_at, location, agenda, status, minutes, minutes_recorded_at,
                              minutes_recorded_by, created_by)
           VALUES (gen_random_uuid(), '{EMMA_LOG}', 'Møte', now(), 'Skolen', 'Tiltakene', 'HELD', 'Referat', now(),
                   '{coordinator}', '{coordinator}');"
    ))
    .await
    .expect("fill every part of Emma's log");
    stafett_schema::db::snapshots::take(&mut conn, EMMA_LOG, SnapshotReason::Meeting, None, coordinator)
        .await
        .expect("a snapshot now");
    let stored: Vec<Stored> =
        diesel::sql_query("SELECT content FROM archive_snapshot ORDER BY taken_at").load(&mut conn).await.unwrap();
    assert!(stored.len() >= 3, "the demo's snapshots and the one taken now");
    for Stored { content } in &stored {
        let typed: SnapshotContent =
            serde_json::from_value(content.clone()).unwrap_or_else(|e| panic!("{e}: {content:#}"));
        assert_eq!(&serde_json::to_value(&typed).unwrap(), content, "read and written back, the same document");
    }
    let now = &stored.last().unwrap().content;
    let goal = &now["goals"][0];
    assert!(goal["evaluations"][0]["author"].is_string() && goal["measures"][0]["evaluations"][0]["body"].is_string());
    let meeting = now["meetings"].as_array().unwrap().iter().find(|m| m["minutes"] == "Referat").expect("the meeting");
    assert_eq!((&meeting["location"], &meeting["agenda"]), (&json!("Skolen"), &json!("Tiltakene")));

    // Through the API, every field of the type: the family reads it whole.
    let q = format!(
        "query($l: ID!) {{ log(id: $l) {{ snapshots(first: 1) {{ edges {{ node {{ {} }} }} }} }} }}",
        stafett_tests::SNAPSHOT_CONTENT
    );
    let r = app.gql("guardian", &q, json!({ "l": EMMA_LOG })).await;
    let mut content = r.ok()["log"]["snapshots"]["edges"][0]["node"]["content"].clone();
    // The log's id is not a field (the snapshot is reached through its log);
    // times are compared as times (RFC 3339 has more than one spelling).
    content["logId"] = json!(EMMA_LOG);
    let read = |v: Value| serde_json::to_value(serde_json::from_value::<SnapshotContent>(v).unwrap()).unwrap();
    assert_eq!(read(content), read(now.clone()), "the newest snapshot, every field as stored");
}
