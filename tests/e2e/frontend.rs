//! The API as a frontend meets it (issue 17): a dashboard that combines
//! fields for several roles in one query keeps what the viewer may read.

use serde_json::{Value, json};
use stafett_tests::ids::SCHOOL;
use stafett_tests::{TestApp, nodes};

const DASHBOARD: &str = "query($u: ID!) {
    me { name }
    units { name }
    unitStaff(unitId: $u) { totalCount edges { node { name } } }
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

/// One way to clear a value, in every input: omitted leaves it, `null`
/// clears it. A blank text section is refused rather than stored as an
/// invisible blank, and `UpdateMeasureInput.deadline` has no default in the
/// schema (a tool that fills in defaults would otherwise remove deadlines).
#[tokio::test]
async fn null_clears_a_value_and_omitting_it_leaves_it() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let text = "mutation($l: ID!, $i: LogTextInput!) { updateLogText(logId: $l, input: $i) { log { presentation aboutMe } userErrors { field code message } } }";
    let set = app
        .gql(
            "guardian",
            text,
            json!({ "l": emma, "i": { "presentation": "Emma liker å tegne", "aboutMe": "Jeg heter Emma" } }),
        )
        .await;
    assert_eq!(set.ok()["updateLogText"]["log"]["presentation"], "Emma liker å tegne");
    // Omitted: unchanged. Null: cleared.
    let cleared = app.gql("guardian", text, json!({ "l": emma, "i": { "presentation": null } })).await;
    assert_eq!(cleared.ok()["updateLogText"]["log"], json!({ "presentation": null, "aboutMe": "Jeg heter Emma" }));
    let stored = format!("SELECT count(*) AS n FROM log WHERE id = '{emma}' AND presentation IS NULL");
    assert_eq!(app.count(&stored).await, 1, "cleared is NULL in the row, not a blank");
    // A blank is refused, and names the way to clear.
    for blank in ["", "   "] {
        let r = app.gql("guardian", text, json!({ "l": emma, "i": { "aboutMe": blank } })).await;
        assert!(r.user_err("BAD_USER_INPUT").contains("send null"), "{blank:?}: {:#}", r.body);
    }
    let kept = app.gql("guardian", "query($l: ID!) { log(id: $l) { aboutMe } }", json!({ "l": emma })).await;
    assert_eq!(kept.ok()["log"]["aboutMe"], "Jeg heter Emma");

    // The deadline: omitted leaves it, null removes it.
    let measure = "5afe77e0-0000-4000-8000-0000000002bc";
    let update = "mutation($m: ID!, $i: UpdateMeasureInput!) { updateMeasure(measureId: $m, input: $i) { measure { description deadline } userErrors { field code message } } }";
    let before = app
        .gql(
            "coordinator",
            "query($l: ID!) { log(id: $l) { goals { measures { id deadline } } } }",
            json!({ "l": emma }),
        )
        .await;
    let deadline = before.ok()["log"]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["measures"].as_array().unwrap().iter())
        .find(|m| m["id"] == measure)
        .map(|m| m["deadline"].clone())
        .expect("the measure");
    assert!(deadline.is_string(), "set-up: the measure has a deadline");
    let kept = app.gql("coordinator", update, json!({ "m": measure, "i": { "description": "Endret" } })).await;
    assert_eq!(kept.ok()["updateMeasure"]["measure"]["deadline"], deadline);
    let removed = app.gql("coordinator", update, json!({ "m": measure, "i": { "deadline": null } })).await;
    assert_eq!(removed.ok()["updateMeasure"]["measure"]["deadline"], serde_json::Value::Null);
    let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/schema.graphql")).unwrap();
    assert!(!sdl.contains("= null"), "no input field defaults to null");
}

/// References are objects: a deadline list gets each child's name from its
/// measures (`log { child { name } }`) with no query of logs of its own, in
/// a number of statements that does not grow with the measures; and the
/// log reached that way is guarded as `Query.log` is.
#[tokio::test]
async fn a_measure_names_its_log_as_an_object_guarded_as_query_log() {
    let app = TestApp::demo().await;
    let query =
        "{ myDeadlines(scope: { kind: COORDINATED }) { edges { node { id description log { id child { name } } } } } }";
    let before = app.queries();
    let r = app.gql("coordinator", query, json!({})).await;
    let with_logs = app.queries() - before;
    let measures = nodes(&r.ok()["myDeadlines"]);
    assert!(measures.len() > 1, "{measures:?}");
    assert!(measures.iter().all(|m| m["log"]["child"]["name"].is_string()), "{measures:?}");
    assert!(measures.iter().any(|m| m["log"]["child"]["name"] == "Emma Nordmann"));
    let before = app.queries();
    app.gql(
        "coordinator",
        "{ myDeadlines(scope: { kind: COORDINATED }) { edges { node { id description } } } }",
        json!({}),
    )
    .await
    .ok();
    let plain = app.queries() - before;
    assert!(with_logs <= plain + 2, "{with_logs} statements with the logs, {plain} without");

    // The nurse reads her measures' log, but not its access log.
    let r = app
        .gql(
            "participant",
            "{ myDeadlines(scope: { kind: MINE }) { edges { node { log { status accessLog(first: 1) { edges { cursor } } } } } } }",
            json!({}),
        )
        .await;
    let first = &r.data()["myDeadlines"]["edges"][0]["node"]["log"];
    assert!(first["status"].is_string() && first["accessLog"].is_null(), "{:#}", r.body);
    assert!(!r.codes().is_empty() && r.codes().iter().all(|c| c == "FORBIDDEN"), "{:#}", r.body);
}

/// Issue 17.2: a mutation answers with its payload. A refused input is a
/// user error naming the field's path from the mutation's arguments (the
/// payload's object null, nothing written); a refusal of the caller stays a
/// top-level error; an accepted write gives the object, an edge that reads
/// exactly like the list's first edge, and the log as it now is.
#[tokio::test]
async fn mutations_answer_with_payloads_and_field_errors() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let coordinator = stafett_tests::ids::person("coordinator").to_string();
    let user_error = |r: &stafett_tests::Gql, mutation: &str| -> (Value, String) {
        assert!(r.errors().is_empty(), "{}", r.body);
        let errors = r.data()[mutation]["userErrors"].as_array().cloned().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{}", r.body);
        (errors[0]["field"].clone(), errors[0]["code"].as_str().unwrap_or_default().to_owned())
    };

    // A value deep in the input: its path, with the list index as a string.
    let logs = app.count("SELECT count(*) AS n FROM log").await;
    let create =
        "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }";
    let valid = stafett_server::demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1985, 4, 2).unwrap());
    let guardians = json!([{ "nationalId": valid, "name": "A" }, { "nationalId": "123", "name": "B" }]);
    let input = json!({ "i": { "unitId": SCHOOL, "coordinatorId": coordinator,
        "child": { "name": "Barn", "birthDate": "2020-01-01" }, "guardians": guardians } });
    let r = app.gql("unitadmin", create, input).await;
    let expected = (json!(["input", "guardians", "1", "nationalId"]), "BAD_USER_INPUT".to_owned());
    assert_eq!(user_error(&r, "createLog"), expected, "{}", r.body);
    assert!(r.data()["createLog"]["log"].is_null(), "{}", r.body);
    assert_eq!(app.count("SELECT count(*) AS n FROM log").await, logs, "nothing written");

    // In a list, the index says which value it is.
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let to = json!([stafett_tests::ids::person("guardian2"), uuid::Uuid::new_v4()]);
    let r = app.gql("guardian", post, json!({ "i": { "logId": emma, "body": "Hei", "recipientIds": to } })).await;
    assert_eq!(user_error(&r, "postMessage"), (json!(["input", "recipientIds", "1"]), "BAD_USER_INPUT".to_owned()));
    let r = app.gql("guardian", post, json!({ "i": { "logId": emma, "body": "Hei", "recipientIds": ["x"] } })).await;
    assert_eq!(user_error(&r, "postMessage"), (json!(["input", "recipientIds", "0"]), "BAD_USER_INPUT".to_owned()));

    // The changed object's id is an argument of its own: its path has no `input`.
    let text = "mutation($l: ID!, $i: LogTextInput!) { updateLogText(logId: $l, input: $i) { log { id } userErrors { field code message } } }";
    let r = app.gql("guardian", text, json!({ "l": "not-an-id", "i": { "presentation": "x" } })).await;
    assert_eq!(user_error(&r, "updateLogText"), (json!(["logId"]), "BAD_USER_INPUT".to_owned()));
    // A refusal of the request as a whole has no field.
    let r = app.gql("guardian", text, json!({ "l": emma, "i": {} })).await;
    assert_eq!(user_error(&r, "updateLogText"), (json!([]), "BAD_USER_INPUT".to_owned()));
    assert!(r.user_err("BAD_USER_INPUT").contains("ingenting å endre"));
    // The log's state: CONFLICT, a user error with no field.
    let reopen =
        "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { id } userErrors { field code message } } }";
    let r = app.gql("coordinator", reopen, json!({ "l": emma })).await;
    assert_eq!(user_error(&r, "requestReopen"), (json!([]), "CONFLICT".to_owned()));
    assert!(r.data()["requestReopen"]["reopenRequest"].is_null());
    // A refusal of the caller stays a top-level error, and no payload comes.
    let meeting = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }";
    let at = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let r = app.gql("guardian", meeting, json!({ "i": { "logId": emma, "title": "Møte", "startsAt": at } })).await;
    r.err("FORBIDDEN");
    assert!(r.data().is_null(), "{}", r.body);

    // Accepted: the edge is the list's newest edge, cursor and all, and the
    // log in the same answer already has the message and its new total.
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) {
        message { id body }
        messageEdge { cursor node { id } }
        log { messages(first: 1) { totalCount edges { cursor node { id } } } }
        userErrors { field code message } } }";
    let before =
        app.gql("guardian", "query($l: ID!) { log(id: $l) { messages { totalCount } } }", json!({ "l": emma })).await;
    let total = before.ok()["log"]["messages"]["totalCount"].as_i64().expect("a count");
    let r = app.gql("guardian", post, json!({ "i": { "logId": emma, "body": "Hei fra skjemaet" } })).await;
    let payload = &r.ok()["postMessage"];
    assert_eq!(payload["message"]["body"], "Hei fra skjemaet");
    assert_eq!(payload["messageEdge"]["node"]["id"], payload["message"]["id"]);
    assert_eq!(payload["log"]["messages"]["edges"][0], payload["messageEdge"], "{}", r.body);
    assert_eq!(payload["log"]["messages"]["totalCount"].as_i64(), Some(total + 1));
    assert!(payload["userErrors"].as_array().is_some_and(Vec::is_empty));
}

/// Issue 17.3: every object a viewer may read is found again by its id
/// alone (`node`, `nodes`), with its type; what the viewer may not read is
/// null, as a random id is. Ids are unique across every table, so an id is
/// global as it is.
#[tokio::test]
async fn node_refetches_what_the_viewer_may_read_and_nothing_else() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let tables = [
        "log",
        "goal",
        "measure",
        "meeting",
        "message",
        "consent",
        "handover",
        "archive_snapshot",
        "deletion_request",
        "participant",
        "person",
        "comment",
        "evaluation",
    ];
    let all: Vec<String> = tables.iter().map(|t| format!("SELECT id FROM {t}")).collect();
    let shared = format!(
        "SELECT count(*) AS n FROM (SELECT id FROM ({}) ids GROUP BY id HAVING count(*) > 1) d",
        all.join(" UNION ALL ")
    );
    assert_eq!(app.count(&shared).await, 0, "an id names one object in the whole database");

    let listed = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { id goals { id measures { id } } meetings { edges { node { id } } }
                messages(first: 1) { edges { node { id } } } consents { id } snapshots { edges { node { id } } } } }",
            json!({ "l": emma }),
        )
        .await;
    let log = &listed.ok()["log"];
    let mut expected: Vec<(String, &str)> = vec![(log["id"].as_str().unwrap().to_owned(), "Log")];
    let first = |v: &Value, typename: &'static str| (v["id"].as_str().expect("an id").to_owned(), typename);
    expected.push(first(&log["goals"][0], "Goal"));
    expected.push(first(&log["goals"][0]["measures"][0], "Measure"));
    expected.push(first(&log["meetings"]["edges"][0]["node"], "Meeting"));
    expected.push(first(&log["messages"]["edges"][0]["node"], "Message"));
    expected.push(first(&log["consents"][0], "Consent"));
    expected.push(first(&log["snapshots"]["edges"][0]["node"], "ArchiveSnapshot"));
    let ids: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
    let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Goal { description } } }";
    let found = app.gql("guardian", nodes, json!({ "ids": ids })).await;
    let found = found.ok()["nodes"].as_array().cloned().expect("a list");
    assert_eq!(found.len(), expected.len());
    for (node, (id, typename)) in found.iter().zip(&expected) {
        assert_eq!((node["id"].as_str(), node["__typename"].as_str()), (Some(id.as_str()), Some(*typename)));
    }
    assert!(found[1]["description"].is_string(), "a node is the object, its fields guarded as usual");
    let one = app.gql("guardian", "query($id: ID!) { node(id: $id) { id } }", json!({ "id": ids[1] })).await;
    assert_eq!(one.ok()["node"]["id"], ids[1]);

    // The unit admin reads the log's metadata, never its goals or messages:
    // those ids answer as a random id does. So does every id for an outsider.
    let random = uuid::Uuid::new_v4().to_string();
    let mut asked = ids.clone();
    asked.push(&random);
    let admin =
        app.gql("unitadmin", "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", json!({ "ids": asked })).await;
    let admin = admin.ok()["nodes"].as_array().cloned().expect("a list");
    assert_eq!(admin[0]["__typename"], "Log");
    assert!(admin[1..].iter().all(Value::is_null), "{admin:?}");
    let outsider =
        app.gql("outsider", "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", json!({ "ids": asked })).await;
    assert!(outsider.ok()["nodes"].as_array().expect("a list").iter().all(Value::is_null));

    // A participant knows her own unit's consents only: the log's own
    // consents answer as a random id does, after as many statements.
    let log_consent = app
        .uuid(&format!("SELECT id FROM consent WHERE log_id = '{emma}' AND scope = 'LOG' ORDER BY id LIMIT 1"))
        .await;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    app.gql("participant", "{ me { id } }", json!({})).await.ok();
    let before = app.queries();
    let hidden = app.gql("participant", node, json!({ "id": log_consent })).await;
    let hidden_statements = app.queries() - before;
    let before = app.queries();
    let absent = app.gql("participant", node, json!({ "id": uuid::Uuid::new_v4() })).await;
    assert_eq!(hidden.body, absent.body);
    assert_eq!(hidden_statements, app.queries() - before, "as many statements as a random id");

    // The limits: at most 100 ids, each once; a malformed id is bad input.
    let many: Vec<String> = (0..101).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    assert!(
        app.gql("guardian", q, json!({ "ids": many[..100] })).await.ok()["nodes"]
            .as_array()
            .is_some_and(|n| n.len() == 100)
    );
    assert!(app.gql("guardian", q, json!({ "ids": many })).await.err("BAD_USER_INPUT").contains("at most 100"));
    assert!(app.gql("guardian", q, json!({ "ids": [ids[0], ids[0]] })).await.err("BAD_USER_INPUT").contains("once"));
    app.gql("guardian", "{ node(id: \"nope\") { id } }", json!({})).await.err("BAD_USER_INPUT");
}

/// Issue 17.3: one id per person. The coordinator is the same id as a
/// participant of two logs, as the author of her message and as `Me.id`, so
/// a client tells "mine" by comparing ids; the same id removes a
/// participant and names her in the access log.
#[tokio::test]
async fn a_person_has_one_id_in_every_log_and_as_me() {
    let app = TestApp::demo().await;
    let (emma, sara) = (stafett_tests::ids::EMMA_LOG, stafett_tests::ids::SARA_LOG);
    let me = app.gql("coordinator", "{ me { id } }", json!({})).await;
    let me = me.ok()["me"]["id"].clone();
    let names = "query($l: ID!) { log(id: $l) { coordinator { id } participants { id name } } }";
    for log in [emma, sara] {
        let r = app.gql("coordinator", names, json!({ "l": log })).await;
        assert_eq!(r.ok()["log"]["coordinator"]["id"], me, "{}", r.body);
        assert!(r.ok()["log"]["participants"].as_array().unwrap().iter().any(|p| p["id"] == me), "{}", r.body);
    }
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { author { id } viewerDidAuthor } userErrors { field code message } } }";
    let r = app.gql("coordinator", post, json!({ "i": { "logId": emma, "body": "Min melding" } })).await;
    assert_eq!(r.ok()["postMessage"]["message"]["author"]["id"], me);
    assert_eq!(r.ok()["postMessage"]["message"]["viewerDidAuthor"], true);

    // The nurse's id from the list removes her, and the access log names her by it.
    let r = app.gql("coordinator", names, json!({ "l": emma })).await;
    let nurse = r.ok()["log"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Hanne Helsesøster")
        .unwrap()["id"]
        .clone();
    assert_eq!(nurse, json!(stafett_tests::ids::person("participant")));
    let remove = "mutation($l: ID!, $p: ID!) { removeParticipant(logId: $l, input: { participantId: $p }) { participant { id leftAt } userErrors { field code message } } }";
    let r = app.gql("coordinator", remove, json!({ "l": emma, "p": nurse })).await;
    assert_eq!(r.ok()["removeParticipant"]["participant"]["id"], nurse);
    assert!(r.ok()["removeParticipant"]["participant"]["leftAt"].is_string());
    let again = app.gql("coordinator", remove, json!({ "l": emma, "p": nurse })).await;
    again.user_err("CONFLICT");
    let stranger = app.gql("coordinator", remove, json!({ "l": emma, "p": uuid::Uuid::new_v4() })).await;
    assert_eq!(stranger.user_errors()[0]["field"], json!(["input", "participantId"]));
    let entries = format!(
        "SELECT count(*) AS n FROM access_log WHERE log_id = '{emma}' AND object_type = 'PARTICIPANT' AND object_id = '{}'",
        stafett_tests::ids::person("participant")
    );
    assert_eq!(app.count(&entries).await, 1);
}

/// Walks a connection page by page (`first` per page) with the query's
/// `$first` and `$after`; returns its nodes and checks that every page says
/// the same `totalCount`, the number of them.
async fn walk(app: &TestApp, persona: &str, query: &str, vars: Value, at: &[&str], first: i64) -> Vec<Value> {
    let (mut all, mut after) = (Vec::new(), Value::Null);
    let mut totals = Vec::new();
    loop {
        let mut v = vars.clone();
        v["first"] = json!(first);
        v["after"] = after;
        let r = app.gql(persona, query, v).await;
        let page = at.iter().fold(r.ok().clone(), |v, k| v[*k].clone());
        let got = nodes(&page);
        assert!(got.len() as i64 <= first, "{page:#}");
        all.extend(got);
        totals.push(page["totalCount"].as_u64().expect("totalCount"));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert!(totals.iter().all(|t| *t == all.len() as u64), "{at:?}: totalCount {totals:?}, {} items", all.len());
    all
}

/// Issue 17.5: the lists that grow are connections with `totalCount`:
/// meetings, snapshots, comments (here) and `myDeadlines` (deadlines.rs),
/// `unitStaff`. Paging walks each whole list once in its order; the first
/// page's `first` is checked at its edges.
#[tokio::test]
async fn lists_that_grow_page_with_a_total_count() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    // Meetings, earliest first.
    let q = "query($l: ID!, $first: Int, $after: String) { log(id: $l) { meetings(first: $first, after: $after) {
        totalCount edges { node { id startsAt } } pageInfo { hasNextPage endCursor } } } }";
    let meetings = walk(&app, "guardian", q, json!({ "l": emma }), &["log", "meetings"], 1).await;
    let stored = app.count(&format!("SELECT count(*) AS n FROM meeting WHERE log_id = '{emma}'")).await;
    assert!(stored >= 2 && meetings.len() as i64 == stored, "{meetings:?}");
    let starts: Vec<&str> = meetings.iter().map(|m| m["startsAt"].as_str().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "earliest first: {starts:?}");
    for (first, ok) in [(0, true), (100, true), (-1, false), (101, false)] {
        let r = app.gql("guardian", q, json!({ "l": emma, "first": first })).await;
        if ok {
            r.ok();
        } else {
            r.err("BAD_USER_INPUT");
        }
    }

    // Comments on a measure, oldest first: five added, walked two at a time.
    let measure = app
        .gql("coordinator", "query($l: ID!) { log(id: $l) { goals { measures { id } } } }", json!({ "l": emma }))
        .await
        .ok()["log"]["goals"][0]["measures"][0]["id"]
        .clone();
    let add = "mutation($m: ID!, $b: String!) { addComment(input: { measureId: $m, body: $b }) { comment { id } userErrors { field code message } } }";
    let mut added = Vec::new();
    for n in 0..5 {
        let r = app.gql("coordinator", add, json!({ "m": measure, "b": format!("Kommentar {n}") })).await;
        added.push(r.ok()["addComment"]["comment"]["id"].clone());
    }
    let q = "query($l: ID!, $first: Int, $after: String) { log(id: $l) { goals { measures { id
        comments(first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } } } }";
    let (mut walked, mut after) = (Vec::new(), Value::Null);
    loop {
        let r = app.gql("guardian", q, json!({ "l": emma, "first": 2, "after": after })).await;
        let m = r.ok()["log"]["goals"][0]["measures"][0].clone();
        assert_eq!(m["id"], measure);
        walked.extend(nodes(&m["comments"]).into_iter().map(|c| c["id"].clone()));
        if m["comments"]["pageInfo"]["hasNextPage"] != true {
            assert_eq!(m["comments"]["totalCount"].as_u64(), Some(walked.len() as u64));
            break;
        }
        after = m["comments"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(&walked[walked.len() - 5..], &added[..], "oldest first, each once");

    // Snapshots, newest first.
    let q = "query($l: ID!, $first: Int, $after: String) { log(id: $l) { snapshots(first: $first, after: $after) {
        totalCount edges { node { id takenAt } } pageInfo { hasNextPage endCursor } } } }";
    let snapshots = walk(&app, "guardian", q, json!({ "l": emma }), &["log", "snapshots"], 1).await;
    let stored = app.count(&format!("SELECT count(*) AS n FROM archive_snapshot WHERE log_id = '{emma}'")).await;
    assert!(stored >= 1 && snapshots.len() as i64 == stored);
    let taken: Vec<&str> = snapshots.iter().map(|s| s["takenAt"].as_str().unwrap()).collect();
    assert!(taken.windows(2).all(|w| w[0] >= w[1]), "newest first: {taken:?}");

    // A unit's staff: its cursor names a role, and a role that is gone
    // cannot be paged after.
    let q = "query($u: ID!, $first: Int, $after: String) { unitStaff(unitId: $u, first: $first, after: $after) {
        totalCount edges { cursor node { id name role } } pageInfo { hasNextPage endCursor } } }";
    let staff = walk(&app, "municipaladmin", q, json!({ "u": SCHOOL }), &["unitStaff"], 1).await;
    let stored = app.count(&format!("SELECT count(*) AS n FROM staff_unit_role WHERE unit_id = '{SCHOOL}'")).await;
    assert!(stored >= 2 && staff.len() as i64 == stored, "{staff:?}");
    let r = app.gql("municipaladmin", q, json!({ "u": SCHOOL, "first": 1 })).await;
    let cursor = r.ok()["unitStaff"]["pageInfo"]["endCursor"].clone();
    let first_id = r.data()["unitStaff"]["edges"][0]["node"]["id"].as_str().unwrap().to_owned();
    let mut conn = app.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!("DELETE FROM staff_unit_role WHERE unit_id = '{SCHOOL}' AND staff_id = '{first_id}'"),
    )
    .await
    .expect("the role ends");
    drop(conn);
    let gone = app.gql("municipaladmin", q, json!({ "u": SCHOOL, "first": 1, "after": cursor })).await;
    assert!(gone.err("BAD_USER_INPUT").contains("no longer listed"), "{:#}", gone.body);
}
