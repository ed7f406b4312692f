//! The client examples, run with Node against a real `stafett demo`.

use serde_json::json;
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::process::{ServerProcess, free_port, npm_ci};
use stafett_tests::{Fixture, TestApp, TestDb};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

async fn post(port: u16, body: &str) {
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(TestApp::token("coordinator"))
        .json(&json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { id } }",
                       "variables": { "i": { "logId": EMMA_LOG, "body": body } } }))
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success());
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
