//! The client examples, run with Node against a real `stafett demo`.

use serde_json::json;
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::process::{ServerProcess, free_port, node, npm_ci};
use stafett_tests::{Fixture, TestApp, TestDb};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// One GraphQL request as a persona to a server process; the response body.
async fn gql(port: u16, persona: &str, query: &str, variables: serde_json::Value) -> serde_json::Value {
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(TestApp::token(persona))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success());
    res.json().await.expect("a JSON response")
}

async fn post(port: u16, body: &str) {
    let query = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    gql(port, "coordinator", query, json!({ "i": { "logId": EMMA_LOG, "body": body } })).await;
}

/// `live-messages` prints messages as they arrive and, when the server goes
/// away and comes back, resumes from its last cursor: the messages posted
/// while it was disconnected arrive too, each once.
#[tokio::test]
async fn live_messages_prints_messages_and_resumes_after_a_reconnect() {
    let dir = npm_ci("client-examples");
    let db = TestDb::new(Fixture::Empty).await;
    let port = free_port();
    let mut first = ServerProcess::start_on("demo", port, &db.url, None, &[]).await;
    let mut node = tokio::process::Command::new("node")
        .arg("live-messages/index.mjs")
        .args(["--url", &format!("ws://127.0.0.1:{port}/graphql")])
        .args(["--token", &TestApp::token("guardian"), "--log", &EMMA_LOG.to_string(), "--count", "6"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    // Collect the client's diagnostics as they come, to wait on them and to show them on failure.
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut stderr = BufReader::new(node.stderr.take().unwrap()).lines();
    let sink = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            sink.lock().unwrap().push(line);
        }
    });
    let mut stdout = BufReader::new(node.stdout.take().unwrap()).lines();
    let diagnostics = || log.lock().unwrap().join("\n");
    for _ in 0..200 {
        if diagnostics().contains("connected;") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(diagnostics().contains("connected;"), "the client did not connect:\n{}", diagnostics());
    tokio::time::sleep(Duration::from_millis(300)).await;
    for i in 1..=3 {
        post(port, &format!("live {i}")).await;
    }
    let mut got = Vec::new();
    while got.len() < 3 {
        let line = tokio::time::timeout(Duration::from_secs(10), stdout.next_line()).await.unwrap().unwrap();
        got.push(
            line.unwrap_or_else(|| panic!("the client exited:\n{}\nserver:\n{}", diagnostics(), first.log_text())),
        );
    }

    // The server dies; another instance takes its place on the same address.
    first.kill();
    let second = ServerProcess::start_on("serve", port, &db.url, None, &[]).await;
    for i in 4..=6 {
        post(port, &format!("live {i}")).await;
    }
    while got.len() < 6 {
        let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line()).await.unwrap().unwrap();
        got.push(
            line.unwrap_or_else(|| panic!("the client exited:\n{}\nserver:\n{}", diagnostics(), first.log_text())),
        );
    }
    let bodies: Vec<&str> = got.iter().map(|l| l.rsplit(": ").next().unwrap()).collect();
    assert_eq!(bodies, ["live 1", "live 2", "live 3", "live 4", "live 5", "live 6"]);
    assert!(got[0].contains("Ingrid Lærer"), "{}", got[0]);
    let status = tokio::time::timeout(Duration::from_secs(10), node.wait()).await.unwrap().unwrap();
    assert!(status.success(), "the client exits after --count messages");
    drop(second);
}

/// `role-views` shows, per persona, which fields of Emma's log it gets: the
/// cells follow DESIGN.md §3's read table.
#[tokio::test]
async fn role_views_shows_field_level_authorization() {
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("demo", free_port(), &db.url, None, &[]).await;
    let url = format!("http://{}", server.addr);
    // A professional has looked, so the family's access log has an entry.
    let query = "query($id: ID!) { log(id: $id) { presentation } }";
    gql(server.addr.port(), "coordinator", query, json!({ "id": EMMA_LOG })).await;
    let out =
        node("client-examples", &["role-views/index.mjs", "--url", &url, "--json"], Duration::from_secs(60)).await;
    let views: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let cell = |persona: &str, field: &str| views[persona][field].as_str().unwrap_or_default().to_owned();
    // The family sees everything, its access log included.
    for field in ["goals", "meetings", "messages", "accessLog", "presentation", "child.nationalId"] {
        assert_eq!(cell("guardian", field), "✔", "guardian, {field}: {views}");
    }
    // Professionals see the content, not the access log.
    for persona in ["coordinator", "participant"] {
        assert_eq!(cell(persona, "goals"), "✔", "{persona}, goals: {views}");
        assert_eq!(cell(persona, "messages"), "✔", "{persona}, messages: {views}");
        assert_eq!(cell(persona, "accessLog"), "✖", "{persona}, accessLog: {views}");
    }
    // The unit admin administers, and reads no content.
    assert_eq!(cell("unitadmin", "status"), "✔", "{views}");
    for field in ["goals", "messages", "presentation"] {
        assert_eq!(cell("unitadmin", field), "✖", "unitadmin, {field}: {views}");
    }
    // Someone with no relation cannot tell the log exists: every field the
    // others were asked for is "?" for the outsider (compared key by key, so
    // an empty or partial outsider column cannot pass).
    let fields = |persona: &str| {
        let mut keys: Vec<String> = views[persona].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        keys.sort();
        keys
    };
    assert!(fields("guardian").len() >= 6, "the guardian's column: {views}");
    assert_eq!(fields("outsider"), fields("guardian"), "the outsider is asked for the same fields: {views}");
    for field in fields("outsider") {
        assert_eq!(cell("outsider", &field), "?", "outsider, {field}: {views}");
    }

    // Without --json it prints the table for people.
    let table = node("client-examples", &["role-views/index.mjs", "--url", &url], Duration::from_secs(60)).await;
    assert!(table.lines().any(|l| l.starts_with("goals") && l.contains('✔') && l.contains('✖')), "{table}");
}

/// `deadline-dashboard` prints the coordinator's deadlines and redraws when
/// one moves.
#[tokio::test]
async fn deadline_dashboard_follows_a_moved_deadline() {
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("demo", free_port(), &db.url, None, &[]).await;
    let port = server.addr.port();
    let dir = npm_ci("client-examples");
    let mut dashboard = tokio::process::Command::new("node")
        .args(["deadline-dashboard/index.mjs", "--url", &format!("http://127.0.0.1:{port}"), "--count", "1"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut stderr = BufReader::new(dashboard.stderr.take().unwrap()).lines();
    let connected = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = stderr.next_line().await {
            if line.starts_with("connected;") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(connected, Ok(true), "the dashboard did not connect: {}", server.log_text());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The coordinator moves the first deadline of Emma's log.
    let page = gql(
        port,
        "coordinator",
        "query($id: ID!) { log(id: $id) { goals { measures { id deadline status } } } }",
        json!({ "id": EMMA_LOG }),
    )
    .await;
    let measure = page["data"]["log"]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["measures"].as_array().unwrap())
        .find(|m| m["deadline"].is_string() && m["status"] != "DONE" && m["status"] != "CANCELLED")
        .expect("an open measure with a deadline")["id"]
        .clone();
    let moved = gql(
        port,
        "coordinator",
        "mutation($id: ID!) { updateMeasure(measureId: $id, input: { deadline: \"2031-01-15\" }) { measure { deadline } userErrors { field code message } } }",
        json!({ "id": measure }),
    )
    .await;
    assert_eq!(moved["data"]["updateMeasure"]["measure"]["deadline"], "2031-01-15", "{moved}");

    let out = tokio::time::timeout(Duration::from_secs(20), dashboard.wait_with_output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let tables: Vec<&str> = stdout.split("---\n").filter(|t| !t.is_empty()).collect();
    assert_eq!(tables.len(), 2, "the first table and one redraw: {stdout}");
    assert!(tables[0].contains("Deadlines for Ingrid Lærer") && tables[0].contains("Emma Nordmann"), "{stdout}");
    assert!(!tables[0].contains("2031-01-15"), "{stdout}");
    assert!(tables[1].contains("last event: MOVED") && tables[1].contains("2031-01-15"), "{stdout}");
}

/// `typed-client`: GraphQL Code Generator turns schema/schema.graphql into
/// TypeScript types, `tsc --strict` checks the typed query, and it runs.
#[tokio::test]
async fn typed_client_generates_types_from_the_schema_file_and_runs() {
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("demo", free_port(), &db.url, None, &[]).await;
    let url = format!("http://{}", server.addr);
    let limit = Duration::from_secs(120);
    node("client-examples", &["node_modules/.bin/graphql-codegen", "--config", "typed-client/codegen.yml"], limit)
        .await;
    let generated = std::fs::read_to_string(npm_ci("client-examples").join("typed-client/src/gql/graphql.ts")).unwrap();
    assert!(generated.contains("export type DeadlinesOfLogQuery"), "the operation got its type");
    node("client-examples", &["node_modules/.bin/tsc", "-p", "typed-client"], limit).await;
    let out = node("client-examples", &["typed-client/dist/index.js", "--url", &url], limit).await;
    assert!(out.starts_with("Emma Nordmann (ACTIVE): "), "{out}");
    assert!(out.contains(" goals\n- "), "{out}");
    // The guardian edits the home/leisure goal's measures, not the school's.
    assert!(out.contains("[+ measure]") && out.contains("[edit]"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("- ") && !l.contains("[+ measure]")), "{out}");
    // A unit admin may not read goals: asking the permission first keeps the
    // rest of the answer, where asking for goals would have thrown it away.
    let admin =
        node("client-examples", &["typed-client/dist/index.js", "--url", &url, "--persona", "unitadmin"], limit).await;
    assert_eq!(admin.trim(), "Emma Nordmann (ACTIVE): goals are not for your role");
    // A typed mutation: its payload's userErrors name the field of a refused
    // input (no exception), and its edge is the message as a list shows it.
    let post = ["typed-client/dist/index.js", "--url", &url, "--message"];
    let refused = node("client-examples", &[&post[..], &["   "]].concat(), limit).await;
    assert!(refused.contains("not posted: input.body: body kan ikke være tom (BAD_USER_INPUT)"), "{refused}");
    let posted = node("client-examples", &[&post[..], &["Hei fra den typede klienten"]].concat(), limit).await;
    assert!(posted.contains("posted as Ola Nordmann: Hei fra den typede klienten"), "{posted}");
    // `node`: any object by its id, typed by inline fragments.
    let refetch = ["typed-client/dist/index.js", "--url", &url, "--node"];
    let emma = stafett_tests::ids::EMMA_LOG.to_string();
    let found = node("client-examples", &[&refetch[..], &[emma.as_str()]].concat(), limit).await;
    assert!(found.contains("\nLog: Emma Nordmann (ACTIVE)"), "{found}");
    let random = uuid::Uuid::new_v4().to_string();
    let missing = node("client-examples", &[&refetch[..], &[random.as_str()]].concat(), limit).await;
    assert!(missing.contains(&format!("node {random}: nothing you may read")), "{missing}");
}
