//! Findings of the independent attack on a running `stafett demo`, one test
//! each (issue 14): what one request may cost, what `createLog` may reveal,
//! reads through mutation answers, paper consents after a withdrawal,
//! deleted logs, opaque ids, and the smaller ones.

use serde_json::{Value, json};
use stafett_tests::process::{ServerProcess, free_port};
use stafett_tests::{Fixture, TestApp, TestDb};
use std::time::{Duration, Instant};

/// `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment F{n} on Query{last}`:
/// about 1 KB that expands to 2^n selections.
fn fragment_bomb(levels: usize, last: &str) -> String {
    let mut q = String::from("query{...F0}");
    for i in 0..levels {
        q += &format!(" fragment F{i} on Query{{...F{} ...F{}}}", i + 1, i + 1);
    }
    q + &format!(" fragment F{levels} on Query{{{last}}}")
}

/// The same chain whose last fragment spreads the first again.
fn fragment_cycle(levels: usize) -> String {
    let mut q = String::from("query{...F0}");
    for i in 0..levels {
        q += &format!(" fragment F{i} on Query{{...F{} ...F{}}}", i + 1, i + 1);
    }
    q + &format!(" fragment F{levels} on Query{{...F0}}")
}

async fn post(client: &reqwest::Client, port: u16, token: &str, query: &str) -> (Duration, Value) {
    let started = Instant::now();
    let res = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    let body: Value = res.json().await.expect("a JSON response");
    (started.elapsed(), body)
}

fn only_code(body: &Value) -> &str {
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("no errors: {body:#}"));
    assert_eq!(errors.len(), 1, "{body:#}");
    errors[0]["extensions"]["code"].as_str().unwrap_or("")
}

/// Issue 14.1: such documents once took 2.4 s (22 levels) to 23 s (25
/// levels) of one of the server's two runtime workers, and two at once
/// stalled `/healthz` for 22 s. Each is now refused after one pass over the
/// document. The bound asserted is far above the figures printed (a few ms
/// on the development machine) so a loaded CI cannot fail it, and far below
/// the seconds it took before.
#[tokio::test]
async fn fragment_bombs_are_refused_at_once_and_do_not_stall_the_server() {
    let db = TestDb::new(Fixture::Demo).await;
    let port = free_port();
    let server = ServerProcess::start_on("demo", port, &db.url, None, &[("STAFETT_RATE_BURST", "1000")]).await;
    let client = reqwest::Client::new();
    let token = TestApp::token("outsider");
    let mut documents: Vec<(String, String)> = Vec::new();
    for levels in [22, 25, 30] {
        documents.push((format!("{levels} levels, undefined last"), fragment_bomb(levels, "...Nope")));
        documents.push((format!("{levels} levels, defined"), fragment_bomb(levels, "me { name }")));
    }
    documents.push(("25 levels, cyclic".into(), fragment_cycle(24)));
    for (what, query) in &documents {
        assert!(query.len() < 1500, "{what}: {} bytes", query.len());
        let (took, body) = post(&client, port, &token, query).await;
        println!("{what}: {} bytes, answered in {took:?}", query.len());
        assert_eq!(only_code(&body), "BAD_USER_INPUT", "{what}: {body:#}");
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }

    // Twenty at once, and meanwhile /healthz and another user's query.
    let bomb = fragment_bomb(25, "...Nope");
    let flood: Vec<_> = (0..20)
        .map(|_| {
            let (client, token, bomb) = (client.clone(), token.clone(), bomb.clone());
            tokio::spawn(async move { post(&client, port, &token, &bomb).await })
        })
        .collect();
    let started = Instant::now();
    let health = client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.expect("healthz");
    let health_took = started.elapsed();
    assert_eq!(health.status(), 200);
    let (me_took, me) = post(&client, port, &TestApp::token("guardian"), "{ me { name } }").await;
    assert!(me["errors"].is_null(), "{me:#}");
    for refused in flood {
        let (took, body) = refused.await.expect("task");
        assert_eq!(only_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert!(took < Duration::from_secs(2), "a bomb among twenty took {took:?}");
    }
    println!("with 20 bombs in flight: /healthz {health_took:?}, another user's query {me_took:?}");
    assert!(health_took < Duration::from_secs(1), "/healthz took {health_took:?}");
    assert!(me_took < Duration::from_secs(1), "another user's query took {me_took:?}");
    drop(server);
}

/// Issue 14.1: 8,000 `@skip` on the operation once produced a 2.1 MB
/// response with an error per directive. The directive limit covers
/// definitions, and the answer is one error saying what was exceeded.
#[tokio::test]
async fn directives_on_definitions_are_limited_with_one_error() {
    let app = TestApp::demo().await;
    let query = format!("query Q {} {{ me {{ name }} }}", "@skip(if: false) ".repeat(8000));
    assert!(query.len() > 128_000);
    let r = app.gql("guardian", &query, json!({})).await;
    assert!(r.err("BAD_USER_INPUT").contains("more than 4 directives"), "{:#}", r.body);
    assert!(r.body.to_string().len() < 1_000);
    let on_fragment = "{ ...F } fragment F on Query @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) { me { name } }";
    assert!(app.gql("guardian", on_fragment, json!({})).await.err("BAD_USER_INPUT").contains("directives"));
    let unused = "{ me { name } } fragment U on Query { me { name } }";
    assert!(app.gql("guardian", unused, json!({})).await.err("BAD_USER_INPUT").contains("never used"));
}

/// The response's error list is bounded whatever validation finds.
#[tokio::test]
async fn the_error_list_is_bounded() {
    let app = TestApp::with(Fixture::Demo, |c| c.limits.max_fields = 1000).await;
    // 300 unknown fields: one validation error each.
    let query = format!("{{ {} }}", (0..300).map(|i| format!("nope{i}")).collect::<Vec<_>>().join(" "));
    let r = app.gql("guardian", &query, json!({})).await;
    let errors = r.errors();
    assert_eq!(errors.len(), stafett_schema::api::limits::MAX_ERRORS, "{:#}", r.body);
    assert!(errors.last().unwrap()["message"].as_str().unwrap().contains("251 more errors were left out"));
    assert!(r.codes().iter().all(|c| c == "BAD_USER_INPUT"));
}

fn staff_token(external_id: &str) -> String {
    TestApp::token_for(&stafett_schema::Identity::Staff { external_id: external_id.into() })
}

/// A unit admin of PPT, registered by the municipal admin: no relation to any demo log.
async fn a_stranger_unit_admin(app: &TestApp) -> (String, String) {
    let r = app
        .gql(
            "municipaladmin",
            "mutation($u: ID!) { registerStaff(input: { unitId: $u, name: \"Petra Prøve\", externalId: \"probe-admin\", role: UNIT_ADMIN }) { staff { id } userErrors { field code message } } }",
            json!({ "u": stafett_tests::ids::PPT }),
        )
        .await;
    let id = r.ok()["registerStaff"]["staff"]["id"].as_str().unwrap().to_owned();
    (staff_token("probe-admin"), id)
}

fn national_id_of(born: (i32, u32, u32)) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap();
    stafett_server::demo::synthetic_id(born)
}

fn a_new_national_id() -> String {
    let born = chrono::NaiveDate::from_ymd_opt(2018, 3, 7).unwrap();
    (600..900).find_map(|i| stafett_schema::national_id::generate(born, i, true)).unwrap()
}

const CREATE_LOG: &str = "mutation($i: CreateLogInput!) { createLog(input: $i) { log { status child { name } coordinator { name } } userErrors { field code message } } }";

fn create_input(unit: impl ToString, coordinator: &str, child_name: &str, nid: &str) -> Value {
    json!({ "i": { "unitId": unit.to_string(), "coordinatorId": coordinator,
        "child": { "name": child_name, "nationalId": nid },
        "guardians": [{ "nationalId": national_id_of((1985, 4, 2)), "name": "Probe Forelder" }] } })
}

/// Issue 14.2 and 14.3: `createLog` answered CONFLICT "this child already
/// has an open log" for Emma and a DRAFT for a random number, and for Nora
/// (closed log) it returned her stored name instead of the one supplied.
/// Now every child of a new log is a row of its own, holding what the
/// caller supplied, and only a duplicate the caller can see is refused.
#[tokio::test]
async fn create_log_answers_alike_whether_or_not_the_child_has_a_hidden_log() {
    let app = TestApp::demo().await;
    let (token, me) = a_stranger_unit_admin(&app).await;
    let emma = national_id_of((2012, 2, 14));
    let nora = national_id_of((2019, 11, 30));
    let mut answers = Vec::new();
    for (what, nid) in
        [("Emma (open log)", emma.clone()), ("Nora (closed log)", nora), ("a new child", a_new_national_id())]
    {
        let r = app
            .gql_with_token(Some(&token), CREATE_LOG, create_input(stafett_tests::ids::PPT, &me, "Probe Child", &nid))
            .await;
        println!("{what}: {:#}", r.body);
        answers.push(r.ok()["createLog"]["log"].clone());
    }
    // Same shape, same values: the caller's own name for the child, a DRAFT, nothing stored.
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);
    assert_eq!(answers[0]["child"]["name"], "Probe Child");
    assert_eq!(answers[0]["status"], "DRAFT");
    assert!(!answers.iter().any(|a| a.to_string().contains("Nordmann")));
    // The unit admin of Emma's school can see her log: for them it is a duplicate.
    let own = app
        .gql(
            "unitadmin",
            CREATE_LOG,
            create_input(
                stafett_tests::ids::SCHOOL,
                &stafett_tests::ids::person("coordinator").to_string(),
                "Emma",
                &emma,
            ),
        )
        .await;
    assert!(own.user_err("CONFLICT").contains(&stafett_tests::ids::EMMA_LOG.to_string()), "{:#}", own.body);
}

/// Issue 14.4: `markMessageRead` returned the body and the meeting's minutes
/// each time with one UPDATE entry and no READ entry. Now a mutation's
/// answer is a read like any other: one READ entry per request.
#[tokio::test]
async fn reads_through_a_mutation_answer_are_in_the_access_log() {
    let app = TestApp::demo().await;
    let nurse = stafett_tests::ids::person("participant");
    let minutes: String = {
        let q = "SELECT count(*) AS n FROM message"; // warm the pool
        app.count(q).await;
        let mut conn = app.conn().await;
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: uuid::Uuid,
        }
        use diesel_async::RunQueryDsl;
        diesel::sql_query(format!(
            "SELECT id FROM message WHERE log_id = '{}' AND kind = 'MINUTES' AND to_all LIMIT 1",
            stafett_tests::ids::EMMA_LOG
        ))
        .get_result::<Id>(&mut conn)
        .await
        .unwrap()
        .id
        .to_string()
    };
    let reads = format!(
        "SELECT count(*) AS n FROM access_log WHERE actor_id = '{nurse}' AND action = 'READ' AND log_id = '{}'",
        stafett_tests::ids::EMMA_LOG
    );
    let before = app.count(&reads).await;
    for _ in 0..3 {
        let r = app
            .gql(
                "participant",
                "mutation($m: ID!) { markMessageRead(messageId: $m) { message { body meeting { agenda minutes invitees { name } } } userErrors { field code message } } }",
                json!({ "m": minutes }),
            )
            .await;
        assert!(r.ok()["markMessageRead"]["message"]["meeting"]["minutes"].is_string(), "{:#}", r.body);
    }
    assert_eq!(app.count(&reads).await - before, 3, "one READ entry per request");
    // Asking only for the id reads no content.
    app.gql(
        "participant",
        "mutation($m: ID!) { markMessageRead(messageId: $m) { message { id } userErrors { field code message } } }",
        json!({ "m": minutes }),
    )
    .await
    .ok();
    assert_eq!(app.count(&reads).await - before, 3);
}

/// Issue 14.5: on Jonas (PASSIVE after Kari withdrew ten days ago) the
/// coordinator registered a paper consent with any reference, and the log
/// was ACTIVE again. A paper consent now carries the day its form was
/// signed; a form signed on or before the day of the withdrawal is refused,
/// and one signed after it is shown to the family at once.
#[tokio::test]
async fn a_paper_consent_signed_before_a_withdrawal_cannot_undo_it() {
    let app = TestApp::demo().await;
    let jonas = stafett_tests::ids::JONAS_LOG;
    let kari = stafett_tests::ids::person("guardian2");
    let register = |signed: chrono::NaiveDate| json!({ "i": { "logId": jonas, "ownerId": kari, "documentReference": "no-such-paper", "signedOn": signed.to_string() } });
    let q = "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { method signedOn } userErrors { field code message } } }";
    let today = chrono::Utc::now().date_naive();
    for days_ago in [11, 10] {
        let r = app.gql("coordinator", q, register(today - chrono::Duration::days(days_ago))).await;
        assert!(r.user_err("CONFLICT").contains("siste valg"), "{days_ago} days ago: {:#}", r.body);
    }
    let r = app.gql("coordinator", q, register(today + chrono::Duration::days(3))).await;
    assert!(r.user_err("BAD_USER_INPUT").contains("signedOn"));
    let status = "query($l: ID!) { log(id: $l) { status } }";
    assert_eq!(app.gql("guardian", status, json!({ "l": jonas })).await.ok()["log"]["status"], "PASSIVE");

    // Signed after the withdrawal: accepted, and the family is told at once.
    let r = app.gql("coordinator", q, register(today - chrono::Duration::days(2))).await;
    assert_eq!(r.ok()["registerPaperConsent"]["consent"]["method"], "PAPER");
    assert_eq!(app.gql("guardian", status, json!({ "l": jonas })).await.ok()["log"]["status"], "ACTIVE");
    let notices =
        "query($l: ID!) { log(id: $l) { messages(first: 5) { edges { node { kind body author { name } } } } } }";
    for owner in ["guardian", "guardian2"] {
        let r = app.gql(owner, notices, json!({ "l": jonas })).await;
        let notice = r.ok()["log"]["messages"]["edges"][0]["node"].clone();
        assert_eq!(notice["kind"], "NOTICE", "{owner}: {:#}", r.body);
        assert_eq!(notice["author"]["name"], "Ingrid Lærer");
        // The owner is not named: the registrar reads the notice too.
        assert!(!notice["body"].as_str().unwrap().contains("Kari"), "{notice:#}");
        assert!(notice["body"].as_str().unwrap().contains("no-such-paper"));
    }
    // The notice is for the family: the nurse, a participant, does not get it.
    let r = app.gql("participant", notices, json!({ "l": jonas })).await;
    assert!(!r.body.to_string().contains("no-such-paper"), "{:#}", r.body);
    let entry = format!(
        "SELECT count(*) AS n FROM access_log WHERE log_id = '{jonas}' AND object_type = 'CONSENT'
           AND action = 'CREATE' AND actor_id = '{}'",
        stafett_tests::ids::person("coordinator")
    );
    assert_eq!(app.count(&entry).await, 1);
}

/// The coordinator of a PASSIVE log registers paper consents but may read
/// neither the guardians, the child's birth date nor the unit proposals:
/// the refusals must not tell them. Any id that is not an owner gets one
/// answer (the child below the consent age, a stranger, a random id), and a
/// form dated before a unit's proposal is refused without the proposal's day.
#[tokio::test]
async fn paper_consent_refusals_tell_a_metadata_coordinator_nothing_new() {
    let app = TestApp::demo().await;
    let jonas = stafett_tests::ids::JONAS_LOG;
    let q = "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { id } userErrors { field code message } } }";
    let today = chrono::Utc::now().date_naive().to_string();
    let mut answers = Vec::new();
    for owner in [
        stafett_tests::ids::JONAS.to_string(),
        stafett_tests::ids::person("youth").to_string(),
        uuid::Uuid::new_v4().to_string(),
    ] {
        let i = json!({ "i": { "logId": jonas, "ownerId": owner, "documentReference": "ref", "signedOn": today } });
        let r = app.gql("coordinator", q, i).await;
        answers.push((r.refusal(), r.refusal_message()));
    }
    assert_eq!(answers[0].0.as_deref(), Some("BAD_USER_INPUT"), "{answers:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "one answer for every non-owner: {answers:?}");

    // PPT is proposed today (after Kari's withdrawal ten days ago, so the
    // form below is not refused for predating the family's choice).
    let propose = "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u }) { unitProposal { id } userErrors { field code message } } }";
    app.gql("coordinator", propose, json!({ "l": jonas, "u": stafett_tests::ids::PPT })).await.ok();
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let i = json!({ "i": { "logId": jonas, "ownerId": stafett_tests::ids::person("guardian2"), "unitId": stafett_tests::ids::PPT, "documentReference": "ref", "signedOn": yesterday } });
    let r = app.gql("coordinator", q, i).await;
    let message = r.user_err("CONFLICT");
    assert!(message.contains("enheten ble foreslått") && !message.contains('('), "{message}");
}

/// The coordinator of a PASSIVE log may propose a unit (it is a step back
/// to an ACTIVE log) but may not read the log's proposals: the answer of
/// `proposeUnit` is read like `Log.unitProposals`, so only its id comes back.
#[tokio::test]
async fn a_proposal_on_a_passive_log_answers_only_its_id() {
    let app = TestApp::demo().await;
    let jonas = stafett_tests::ids::JONAS_LOG;
    let propose = "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u, reason: \"PPT bør vurdere\" }) { unitProposal { id reason proposedAt consented unit { name } } userErrors { field code message } } }";
    let r = app.gql("coordinator", propose, json!({ "l": jonas, "u": stafett_tests::ids::PPT })).await;
    // Nothing but the id has a value (the non-null fields null the whole answer).
    let answer = &r.data()["proposeUnit"]["unitProposal"];
    let values: Vec<&String> = answer
        .as_object()
        .map(|o| o.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k).collect())
        .unwrap_or_default();
    assert!(values.iter().all(|k| *k == "id"), "{:#}", r.body);
    assert!(!r.codes().is_empty() && r.codes().iter().all(|c| c == "FORBIDDEN"), "{:#}", r.body);
    assert!(!r.body.to_string().contains("PPT bør vurdere"), "{:#}", r.body);
    // It was stored (beside the demo's proposal of the health station) …
    let stored = format!("SELECT count(*) AS n FROM unit_proposal WHERE log_id = '{jonas}'");
    assert_eq!(app.count(&stored).await, 2);
    // … and its id is the answer to one who asks only for that.
    let mut conn = app.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!("DELETE FROM unit_proposal WHERE log_id = '{jonas}' AND unit_id = '{}'", stafett_tests::ids::PPT),
    )
    .await
    .unwrap();
    drop(conn);
    let id_only = "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u, reason: \"PPT bør vurdere\" }) { unitProposal { id } userErrors { field code message } } }";
    let r = app.gql("coordinator", id_only, json!({ "l": jonas, "u": stafett_tests::ids::PPT })).await;
    assert!(r.ok()["proposeUnit"]["unitProposal"]["id"].is_string());
    // The family reads both proposals, the new one's reason included.
    let proposals = "query($l: ID!) { log(id: $l) { unitProposals { reason unit { name } } } }";
    let r = app.gql("guardian", proposals, json!({ "l": jonas })).await;
    assert_eq!(r.ok()["log"]["unitProposals"].as_array().map(Vec::len), Some(2), "{:#}", r.body);
    assert!(r.body.to_string().contains("PPT bør vurdere"), "{:#}", r.body);
}

/// Issue 14.7: `requestReopen` → `requestDeletion` → `processDeletion` left
/// the reopen request pending; approving it then created a consent on the
/// deleted log (and the second approval failed with INTERNAL).
#[tokio::test]
async fn deletion_cancels_pending_requests_and_a_deleted_log_accepts_nothing() {
    let app = TestApp::demo().await;
    let nora = stafett_tests::ids::NORA_LOG;
    app.gql(
        "coordinator",
        "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { id } userErrors { field code message } } }",
        json!({ "l": nora }),
    )
    .await
    .ok();
    let request =
        app.gql("guardian", "mutation($l: ID!) { requestDeletion(logId: $l) { deletionRequest { id } userErrors { field code message } } }", json!({ "l": nora })).await;
    let request_id = request.ok()["requestDeletion"]["deletionRequest"]["id"].as_str().unwrap().to_owned();
    app.gql(
        "municipaladmin",
        "mutation($r: ID!) { processDeletion(requestId: $r) { log { id } userErrors { field code message } } }",
        json!({ "r": request_id }),
    )
    .await
    .ok();
    let pending = format!("SELECT count(*) AS n FROM reopen_request WHERE log_id = '{nora}' AND status = 'PENDING'");
    assert_eq!(app.count(&pending).await, 0);
    let consents = format!("SELECT count(*) AS n FROM consent WHERE log_id = '{nora}'");
    let before = app.count(&consents).await;
    for owner in ["guardian", "guardian2"] {
        let r = app
            .gql(
                owner,
                "mutation($l: ID!) { approveReopen(logId: $l) { log { id } userErrors { field code message } } }",
                json!({ "l": nora }),
            )
            .await;
        assert!(r.user_err("CONFLICT").contains("slettet"), "{owner}: {:#}", r.body);
    }
    assert_eq!(app.count(&consents).await, before);
    let again = app
        .gql(
            "coordinator",
            "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { id } userErrors { field code message } } }",
            json!({ "l": nora }),
        )
        .await;
    again.user_err("CONFLICT");
}

/// Issue 14.6: 200 all-logs `messageAdded` subscriptions of an outsider
/// turned 15 posts into 3,454 statements. An event of a log a subscription
/// has no relation to now costs it no statement.
#[tokio::test]
async fn subscriptions_that_cannot_receive_an_event_cost_it_nothing() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let post = |n: usize| json!({ "i": { "logId": stafett_tests::ids::EMMA_LOG, "body": format!("melding {n}") } });
    let q = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let mut guardian = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("guardian")).await;
    guardian.subscribe("g", "subscription { messageAdded { cursor } }", json!({})).await;
    // Each round posts 5 messages and waits until the guardian has them all.
    let round = |start: usize| {
        let app = &app;
        async move {
            for n in start..start + 5 {
                app.gql("coordinator", q, post(n)).await.ok();
            }
        }
    };
    let settle = || async {
        // The relay and the feeds work after the posts answer; wait until nothing runs.
        let mut last = app.queries();
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = app.queries();
            if now == last {
                return now;
            }
            last = now;
        }
    };
    settle().await;
    let before = app.queries();
    round(0).await;
    for _ in 0..5 {
        guardian.next_for("g", Duration::from_secs(10)).await;
    }
    let alone = settle().await - before;

    let mut outsiders = Vec::new();
    for _ in 0..4 {
        let mut ws = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("outsider")).await;
        for s in 0..50 {
            ws.subscribe(&format!("o{s}"), "subscription { messageAdded { cursor } }", json!({})).await;
        }
        outsiders.push(ws);
    }
    let started = settle().await;
    round(5).await;
    for _ in 0..5 {
        guardian.next_for("g", Duration::from_secs(10)).await;
    }
    let with_outsiders = settle().await - started;
    println!("5 posts: {alone} statements alone, {with_outsiders} with 200 outsider subscriptions");
    assert!(with_outsiders <= alone + 5, "{with_outsiders} statements with the outsiders vs {alone} alone");
    for mut ws in outsiders {
        assert!(ws.try_recv(Duration::from_millis(50)).await.is_none());
    }
}

/// Issue 14.10: `registerStaff` answered CONFLICT for an external id
/// registered in another municipality. An id already known is the same
/// person (one identity at the identity provider): registering it adds the
/// role in this unit. Only a role already held in this very unit, which the
/// caller can see, is a conflict.
#[tokio::test]
async fn register_staff_answers_alike_for_an_external_id_registered_elsewhere() {
    let app = TestApp::demo().await;
    let register = "mutation($u: ID!, $x: String!) { registerStaff(input: { unitId: $u, name: \"Ny Ansatt\", externalId: $x, role: EMPLOYEE }) { staff { name role } userErrors { field code message } } }";
    let ppt = stafett_tests::ids::PPT;
    // The school's coordinator is known; a new id is not.
    let known = app.gql("municipaladmin", register, json!({ "u": ppt, "x": "demo-coordinator" })).await;
    let fresh = app.gql("municipaladmin", register, json!({ "u": ppt, "x": "brand-new-id" })).await;
    assert_eq!(known.ok(), fresh.ok());
    // Registering the same person in the same unit again is a conflict the caller can see.
    let twice = app.gql("municipaladmin", register, json!({ "u": ppt, "x": "brand-new-id" })).await;
    assert!(twice.user_err("CONFLICT").contains("denne enheten"));
    // The coordinator kept her name and now also works in PPT.
    let roles = format!(
        "SELECT count(*) AS n FROM staff_unit_role WHERE staff_id = '{}'",
        stafett_tests::ids::person("coordinator")
    );
    assert_eq!(app.count(&roles).await, 2);
}

/// Issue 14.9, decided against DESIGN.md §3's intent (admins see metadata
/// only), cell by cell: the family's deletion reason is for the owners and
/// the municipal admin who decides it; the municipal admin's copy of a
/// snapshot leaves out what the row table denies it (the child's birth
/// date, the guardians, who is responsible for or evaluated a measure); and
/// the access log names the family's members only to readers who may read
/// their names.
#[tokio::test]
async fn admins_see_no_family_details_through_requests_snapshots_or_the_access_log() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    app.gql(
        "guardian",
        "mutation($l: ID!) { requestDeletion(logId: $l, input: { reason: \"Vi flytter, og vil ikke ha loggen\" }) { deletionRequest { id } userErrors { field code message } } }",
        json!({ "l": emma }),
    )
    .await
    .ok();
    // The deletion reason: R for owners and the municipal admin, null + FORBIDDEN otherwise.
    let reason = "query($l: ID!) { log(id: $l) { openDeletionRequest { requestedAt reason } } }";
    for (persona, readable) in [
        ("guardian", true),
        ("guardian2", true),
        ("coordinator", false),
        ("participant", false),
        ("unitadmin", false),
        ("municipaladmin", true),
    ] {
        let r = app.gql(persona, reason, json!({ "l": emma })).await;
        let request = &r.data()["log"]["openDeletionRequest"];
        assert!(request["requestedAt"].is_string(), "{persona}: {:#}", r.body);
        if readable {
            assert_eq!(request["reason"], "Vi flytter, og vil ikke ha loggen", "{persona}: {:#}", r.body);
            assert!(r.errors().is_empty(), "{persona}: {:#}", r.body);
        } else {
            assert!(request["reason"].is_null(), "{persona}: {:#}", r.body);
            assert_eq!(r.codes(), vec!["FORBIDDEN"], "{persona}: {:#}", r.body);
        }
    }
    let queue = app.gql("municipaladmin", "{ openDeletionRequests { reason } }", json!({})).await;
    assert_eq!(queue.ok()["openDeletionRequests"][0]["reason"], "Vi flytter, og vil ikke ha loggen");

    // Snapshot content: whole for owners and the coordinator, the archive copy for the municipal admin.
    let snapshots = format!(
        "query($l: ID!) {{ log(id: $l) {{ snapshots {{ edges {{ node {{ {} }} }} }} }} }}",
        stafett_tests::SNAPSHOT_CONTENT
    );
    for (persona, whole) in [("guardian", true), ("coordinator", true), ("municipaladmin", false)] {
        let r = app.gql(persona, &snapshots, json!({ "l": emma })).await;
        let content = r.ok()["log"]["snapshots"]["edges"][0]["node"]["content"].clone();
        assert!(content["goals"].as_array().is_some_and(|g| !g.is_empty()), "{persona}: {content:#}");
        let text = content.to_string();
        assert_eq!(content["child"]["birthDate"].is_string(), whole, "{persona}: {content:#}");
        assert_eq!(content["guardians"].is_array(), whole, "{persona}: {content:#}");
        let measures: Vec<&Value> =
            content["goals"].as_array().unwrap().iter().flat_map(|g| g["measures"].as_array().unwrap()).collect();
        assert!(!measures.is_empty(), "{persona}: {content:#}");
        assert!(measures.iter().all(|m| m["responsible"].is_string() == whole), "{persona}: {content:#}");
        assert_eq!(text.contains("Ola Nordmann") || text.contains("Kari Nordmann"), whole, "{persona}: {content:#}");
    }

    // The access log: the requesting guardian is named to the family, not to the municipal admin.
    let log = "query($l: ID!) { log(id: $l) { accessLog(first: 50) { edges { node { actorRole actorName } } } } }";
    let family = app.gql("guardian2", log, json!({ "l": emma })).await;
    let entries = family.ok()["log"]["accessLog"]["edges"].as_array().unwrap().clone();
    assert!(entries.iter().any(|e| e["node"]["actorRole"] == "GUARDIAN" && e["node"]["actorName"] == "Ola Nordmann"));
    let audit = app.gql("municipaladmin", log, json!({ "l": emma })).await;
    let entries = audit.data()["log"]["accessLog"]["edges"].as_array().unwrap().clone();
    let guardians: Vec<_> = entries.iter().filter(|e| e["node"]["actorRole"] == "GUARDIAN").collect();
    assert!(!guardians.is_empty());
    assert!(guardians.iter().all(|e| e["node"]["actorName"].is_null()), "{:#}", audit.body);
    assert!(
        entries
            .iter()
            .filter(|e| e["node"]["actorRole"] == "COORDINATOR")
            .all(|e| e["node"]["actorName"] == "Ingrid Lærer")
    );
    assert!(audit.codes().iter().all(|c| c == "FORBIDDEN") && !audit.codes().is_empty());
}

/// Issue 14.8: access-log entry ids and event cursors were global counters,
/// so the gaps between one log's numbers showed how busy other logs were.
/// They are now encrypted blocks; paging and resuming work as before, and a
/// cursor of the earlier readable kind still resumes.
#[tokio::test]
async fn ids_and_cursors_do_not_count_other_logs_activity() {
    use base64::Engine;
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let post = |body: &str| json!({ "i": { "logId": emma, "body": body } });
    let q = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let mut ws = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("guardian")).await;
    let sub = "subscription($l: ID, $a: String) { messageAdded(logId: $l, after: $a) { cursor message { body } } }";
    ws.subscribe("live", sub, json!({ "l": emma })).await;
    // A message in another log between the two of Emma's.
    app.gql("coordinator", q, post("en")).await.ok();
    app.gql("coordinator", q, json!({ "i": { "logId": stafett_tests::ids::SARA_LOG, "body": "annen logg" } }))
        .await
        .ok();
    app.gql("coordinator", q, post("to")).await.ok();
    app.gql("coordinator", q, post("tre")).await.ok();
    let mut cursors = Vec::new();
    for _ in 0..3 {
        let frame = ws.next_for("live", Duration::from_secs(10)).await;
        cursors.push(frame["data"]["messageAdded"]["cursor"].as_str().unwrap().to_owned());
    }
    for c in &cursors {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).expect("base64");
        assert_eq!(raw.len(), 16, "one block: {c}");
        assert!(!String::from_utf8_lossy(&raw).contains("e1:"), "{c}");
    }
    assert_ne!(cursors[0][..4], cursors[1][..4], "neighbouring events look unrelated");

    // Resuming after the first cursor gives the other two, once each.
    let mut again = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("guardian")).await;
    again.subscribe("resume", sub, json!({ "l": emma, "a": cursors[0] })).await;
    for body in ["to", "tre"] {
        let frame = again.next_for("resume", Duration::from_secs(10)).await;
        assert_eq!(frame["data"]["messageAdded"]["message"]["body"], body);
    }
    // A readable cursor of the first version (`e1:<seq>`) resumes only for
    // positions from before cursors were encrypted (none in a database made
    // fresh, but 0, the start): any other number would let a client search
    // for the counters (the second attack found that with `a1:N`).
    let seq = app
        .count(&format!(
            "SELECT seq AS n FROM event WHERE log_id = '{emma}' AND kind = 'MESSAGE_POSTED' AND payload->'message'->>'body' = 'en'"
        ))
        .await;
    assert!(seq > 0);
    let legacy = |n: i64| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("e1:{n}"));
    let mut old_client = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("guardian")).await;
    old_client.subscribe("old", sub, json!({ "l": emma, "a": legacy(seq) })).await;
    let refused = old_client.next_for("old", Duration::from_secs(10)).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    old_client.subscribe("start", sub, json!({ "l": emma, "a": legacy(0) })).await;
    let frame = old_client.next_for("start", Duration::from_secs(10)).await;
    assert!(frame["data"]["messageAdded"]["cursor"].is_string(), "{frame}");
    let access = "query($l: ID!, $a: String) { log(id: $l) { accessLog(first: 1, after: $a) { edges { cursor } } } }";
    let a1 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("a1:16");
    app.gql("guardian", access, json!({ "l": emma, "a": a1 })).await.err("BAD_USER_INPUT");

    // Access-log ids and cursors: opaque, and paging still walks every entry once.
    let page = "query($l: ID!, $a: String) { log(id: $l) { accessLog(first: 2, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let r = app.gql("guardian", page, json!({ "l": emma, "a": after })).await;
        let conn = r.ok()["log"]["accessLog"].clone();
        for e in conn["edges"].as_array().unwrap() {
            let id = e["node"]["id"].as_str().unwrap().to_owned();
            assert!(id.parse::<i64>().is_err() && id.len() == 22, "{id}");
            seen.push(id);
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    let total = app.count(&format!("SELECT count(*) AS n FROM access_log WHERE log_id = '{emma}'")).await;
    assert_eq!(seen.len() as i64, total);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len() as i64, total, "every entry once");
}

/// Found by the attack on this change's demo: `#\r` hid 1,800 brackets
/// from the nesting check (a comment ended only at `\n`), and the parser's
/// recursion on them aborted the process; and 19,000 arguments on each of
/// two fragments' `me`, compared pairwise by validation, held a worker for
/// 27 s and 515 MB. Both are refused at once, and the server lives on.
#[tokio::test]
async fn documents_that_crashed_or_stalled_the_server_are_refused_at_once() {
    let db = TestDb::new(Fixture::Demo).await;
    let port = free_port();
    let server = ServerProcess::start_on("demo", port, &db.url, None, &[]).await;
    let client = reqwest::Client::new();
    let token = TestApp::token("outsider");
    let deep = format!("#\r{{me(x:{}1{}){{id}}}}", "[".repeat(1800), "]".repeat(1800));
    let (took, body) = post(&client, port, &token, &deep).await;
    println!("#\\r and 1,800 brackets: answered in {took:?}");
    assert_eq!(only_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nests brackets"), "{body:#}");

    // 19,000 distinct three-letter names (`aaa`, `aab`, …), as the attack had.
    let letters: Vec<char> = ('a'..='z').chain('A'..='Z').collect();
    let name = |i: usize| -> String { [i / 2704, i / 52 % 52, i % 52].iter().map(|d| letters[*d]).collect() };
    let args = |value: u32| (0..19_000).map(|i| format!("{}:{value}", name(i))).collect::<Vec<_>>().join(" ");
    let flood = format!(
        "{{ {} }} fragment X on Query{{ me({}){{id}} }} fragment Y on Query{{ me({}){{id}} }}",
        vec!["...on Query{...X ...Y}"; 50].join(" "),
        args(1),
        args(2)
    );
    assert!(flood.len() < 256 * 1024, "{} bytes", flood.len());
    let (took, body) = post(&client, port, &token, &flood).await;
    println!("19,000 arguments twice, 50 spreads: {} bytes, answered in {took:?}", flood.len());
    assert_eq!(only_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(took < Duration::from_secs(1), "took {took:?}");

    // The second attack: an unterminated block string, which the parser reads
    // as `""` and a new string, hid 2,000 brackets (a crash), and 14,400
    // such pieces made it rescan to the end each time (27 s for 253 KB).
    let hidden = format!("{{me(x:[\"\"\"x\" {}1{}){{__typename}}}}", "[".repeat(2000), "]".repeat(2000));
    let rescans = format!("{{me(x:[{}]){{__typename}}}}", "\"\\\\\"\"\"\"X\" ".repeat(14_400));
    for (what, document) in [("an unterminated block string", hidden), ("14,400 block-string openers", rescans)] {
        let (took, body) = post(&client, port, &token, &document).await;
        println!("{what}: {} bytes, answered in {took:?}", document.len());
        assert_eq!(only_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }

    // The third attack: a GET asked "is this a mutation?" by parsing the
    // document before any check and without a token — 2,000 nested brackets
    // crashed the process and 2,330 unterminated block strings took a second.
    let nested = format!("query{{a(b:{}{})}}", "[".repeat(2000), "]".repeat(2000));
    let openers = format!("{{me(x:[{}]){{__typename}}}}", "\"\\\\\"\"\"\"X\" ".repeat(2330));
    for (what, document) in
        [("GET with 2,000 nested brackets", nested), ("GET with 2,330 block-string openers", openers)]
    {
        let started = Instant::now();
        let res = client
            .get(format!("http://127.0.0.1:{port}/graphql"))
            .query(&[("query", document.as_str())])
            .send()
            .await
            .expect("an answer");
        let took = started.elapsed();
        println!("{what}, no token: {} in {took:?}", res.status());
        assert_eq!(res.status(), 400, "{what}");
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }

    let health = client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.expect("the server lives");
    assert_eq!(health.status(), 200);
    drop(server);
}

/// Found by the attack on this change's demo: any owner may withdraw a
/// unit, which withdraws it for the whole family, but the paper-consent
/// check looked only at withdrawals by the owner on the form: Kari's
/// withdrawal of the health station was undone with Ola's older form.
#[tokio::test]
async fn a_unit_withdrawn_by_one_owner_is_not_brought_back_with_anothers_older_form() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let health = stafett_tests::ids::HEALTH_STATION;
    let consents = app
        .gql(
            "guardian2",
            "query($l: ID!) { log(id: $l) { consents { id scope valid unit { id } } } }",
            json!({ "l": emma }),
        )
        .await;
    let unit_consent = consents.ok()["log"]["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == "UNIT" && c["valid"] == true && c["unit"]["id"] == health.to_string())
        .expect("a valid consent to the health station")["id"]
        .clone();
    app.gql(
        "guardian2",
        "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { valid } userErrors { field code message } } }",
        json!({ "c": unit_consent }),
    )
    .await
    .ok();
    let q = "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { valid } userErrors { field code message } } }";
    let today = chrono::Utc::now().date_naive();
    for owner in ["guardian", "guardian2"] {
        let form = json!({ "i": { "logId": emma, "ownerId": stafett_tests::ids::person(owner), "unitId": health,
            "documentReference": "old-form", "signedOn": (today - chrono::Duration::days(20)).to_string() } });
        let r = app.gql("coordinator", q, form).await;
        assert!(r.user_err("CONFLICT").contains("siste valg"), "{owner}: {:#}", r.body);
    }
    let valid = format!(
        "SELECT count(*) AS n FROM consent WHERE log_id = '{emma}' AND unit_id = '{health}' AND withdrawn_at IS NULL"
    );
    assert_eq!(app.count(&valid).await, 0);
}

/// Found by the attack: `createLog` took an adult's national identity
/// number as the child's, a way to look people up. A log is for a child
/// under 18 (or unborn).
#[tokio::test]
async fn a_log_is_for_a_child_under_eighteen() {
    let app = TestApp::demo().await;
    let coordinator = stafett_tests::ids::person("coordinator").to_string();
    let adult = national_id_of((1984, 8, 12));
    let r = app
        .gql("unitadmin", CREATE_LOG, create_input(stafett_tests::ids::SCHOOL, &coordinator, "Voksen", &adult))
        .await;
    assert!(r.user_err("BAD_USER_INPUT").contains("under 18"), "{:#}", r.body);
    let r = app
        .gql(
            "unitadmin",
            CREATE_LOG,
            create_input(stafett_tests::ids::SCHOOL, &coordinator, "Barn", &a_new_national_id()),
        )
        .await;
    assert_eq!(r.ok()["createLog"]["log"]["status"], "DRAFT");
}

/// Found by the attack on this change's demo: a guardian named by national
/// identity number was the shared citizen record, so once a (paper)
/// consent made the log ACTIVE its coordinator read the phone, e-mail and
/// address the register held, which the log's creator never supplied. A
/// log's guardians are now recorded per log, like its child.
#[tokio::test]
async fn a_logs_guardians_are_what_its_creator_recorded() {
    let app = TestApp::demo().await;
    let (token, me) = a_stranger_unit_admin(&app).await;
    let ola = stafett_server::demo::Persona::find("guardian").and_then(|p| p.national_id()).unwrap();
    let input = json!({ "i": { "unitId": stafett_tests::ids::PPT.to_string(), "coordinatorId": me,
        "child": { "name": "Probe Child", "nationalId": a_new_national_id() },
        "guardians": [{ "nationalId": ola, "name": "Probe Forelder" }] } });
    let created = app
        .gql_with_token(
            Some(&token),
            "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
            input,
        )
        .await;
    let log = created.ok()["createLog"]["log"]["id"].as_str().unwrap().to_owned();
    let form = json!({ "i": { "logId": log, "ownerId": stafett_tests::ids::person("guardian"), "documentReference": "probe",
        "signedOn": chrono::Utc::now().date_naive().to_string() } });
    app.gql_with_token(
        Some(&token),
        "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { id } userErrors { field code message } } }",
        form,
    )
    .await
    .ok();
    let q = "query($l: ID!) { log(id: $l) { status guardians { name nationalId phone email address } } }";
    let r = app.gql_with_token(Some(&token), q, json!({ "l": log })).await;
    let data = r.ok()["log"].clone();
    assert_eq!(data["status"], "ACTIVE");
    assert_eq!(
        data["guardians"],
        json!([{ "name": "Probe Forelder", "nationalId": ola, "phone": null, "email": null, "address": null }])
    );
    // The demo's own guardians still read as the register has them.
    let emma = app.gql("coordinator", q, json!({ "l": stafett_tests::ids::EMMA_LOG })).await;
    assert!(emma.ok()["log"]["guardians"][0]["phone"].is_string(), "{:#}", emma.body);
}

/// Found by the attack: the name the first log's creator typed for a
/// citizen stuck to them for good; their own login now decides it.
#[tokio::test]
async fn a_citizens_own_login_names_them() {
    let app = TestApp::demo().await;
    let nid = national_id_of((1985, 4, 2));
    let coordinator = stafett_tests::ids::person("coordinator").to_string();
    let input = json!({ "i": { "unitId": stafett_tests::ids::SCHOOL.to_string(), "coordinatorId": coordinator,
        "child": { "name": "Barn", "nationalId": a_new_national_id() },
        "guardians": [{ "nationalId": nid, "name": "Feil Navn" }] } });
    app.gql(
        "unitadmin",
        "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
        input,
    )
    .await
    .ok();
    let token =
        TestApp::token_for(&stafett_schema::Identity::Citizen { pid: nid.clone(), name: Some("Riktig Navn".into()) });
    let me = app.gql_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert_eq!(me.ok()["me"]["name"], "Riktig Navn");
    // A login without a name keeps it.
    let nameless = TestApp::token_for(&stafett_schema::Identity::Citizen { pid: nid, name: None });
    let me = app.gql_with_token(Some(&nameless), "{ me { name } }", json!({})).await;
    assert_eq!(me.ok()["me"]["name"], "Riktig Navn");
}

/// Found by the second attack: an older paper form revived a consent whose
/// time limit the owner chose, and a unit the family's closure had ended
/// (after reopening). A form must be newer than the family's latest choice
/// in its scope — a consent given, withdrawn or ended — and cannot predate
/// the log or the unit's proposal.
#[tokio::test]
async fn an_older_paper_form_overrides_no_choice_of_the_family() {
    let app = TestApp::demo().await;
    let emma = stafett_tests::ids::EMMA_LOG;
    let ola = stafett_tests::ids::person("guardian");
    let q = "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { valid } userErrors { field code message } } }";
    let today = chrono::Utc::now().date_naive();
    let form = |unit: Option<uuid::Uuid>, signed: chrono::NaiveDate| json!({ "i": { "logId": emma, "ownerId": ola, "unitId": unit, "documentReference": "eldre skjema", "signedOn": signed.to_string() } });
    // Ola's consent to the log was given yesterday with a time limit that has passed.
    let mut conn = app.conn().await;
    use diesel_async::RunQueryDsl;
    diesel::sql_query(format!(
        "UPDATE consent SET given_at = now() - interval '1 day', expires_at = now() - interval '1 hour'
          WHERE log_id = '{emma}' AND given_by = '{ola}' AND scope = 'LOG'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let r = app.gql("coordinator", q, form(None, today - chrono::Duration::days(3))).await;
    assert!(r.user_err("CONFLICT").contains("siste valg"), "{:#}", r.body);
    // Nor can a form predate the log.
    let r = app.gql("coordinator", q, form(None, chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())).await;
    r.user_err("CONFLICT");

    // A closure ends the health station's consent; after reopening, an old form does not bring it back.
    let app = TestApp::demo().await;
    let health = stafett_tests::ids::HEALTH_STATION;
    app.gql(
        "guardian",
        "mutation($l: ID!) { closeLog(logId: $l, input: { reason: FAMILY_DEMANDED, details: \"vi vil ikke mer\" }) { log { status } userErrors { field code message } } }",
        json!({ "l": emma }),
    )
    .await
    .ok();
    app.gql(
        "coordinator",
        "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { id } userErrors { field code message } } }",
        json!({ "l": emma }),
    )
    .await
    .ok();
    for owner in ["guardian", "guardian2"] {
        app.gql(
            owner,
            "mutation($l: ID!) { approveReopen(logId: $l) { log { status } userErrors { field code message } } }",
            json!({ "l": emma }),
        )
        .await
        .ok();
    }
    let status = app.gql("guardian", "query($l: ID!) { log(id: $l) { status } }", json!({ "l": emma })).await;
    assert_eq!(status.ok()["log"]["status"], "ACTIVE");
    let r = app.gql("coordinator", q, form(Some(health), today - chrono::Duration::days(30))).await;
    assert!(r.user_err("CONFLICT").contains("siste valg"), "{:#}", r.body);
    let valid = format!(
        "SELECT count(*) AS n FROM consent WHERE log_id = '{emma}' AND unit_id = '{health}' AND withdrawn_at IS NULL"
    );
    assert_eq!(app.count(&valid).await, 0);
}

/// Found by the second attack: a snapshot named a measure's responsible
/// guardian by the register's name, not the one recorded for the log, so a
/// log made up around a national identity number showed whose it was.
#[tokio::test]
async fn snapshots_name_the_family_as_the_log_records_them() {
    let app = TestApp::demo().await;
    let outsider = stafett_server::demo::Persona::find("outsider").and_then(|p| p.national_id()).unwrap();
    let kari = stafett_server::demo::Persona::find("guardian2").and_then(|p| p.national_id()).unwrap();
    let coordinator = stafett_tests::ids::person("coordinator").to_string();
    let input = json!({ "i": { "unitId": stafett_tests::ids::SCHOOL.to_string(), "coordinatorId": coordinator,
        "child": { "name": "Barn", "nationalId": a_new_national_id() },
        "guardians": [{ "nationalId": outsider, "name": "Per" }, { "nationalId": kari, "name": "Ukjent Forelder" }] } });
    let created = app
        .gql(
            "unitadmin",
            "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
            input,
        )
        .await;
    let log = created.ok()["createLog"]["log"]["id"].as_str().unwrap().to_owned();
    app.gql(
        "outsider",
        "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { id } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await
    .ok();
    let form = json!({ "i": { "logId": log, "ownerId": stafett_tests::ids::person("guardian2"), "documentReference": "x",
        "signedOn": chrono::Utc::now().date_naive().to_string() } });
    app.gql("coordinator", "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { id } userErrors { field code message } } }", form)
        .await
        .ok();
    let goal = app
        .gql(
            "outsider",
            "mutation($l: ID!) { addGoal(input: { logId: $l, area: HOME_LEISURE, btiLevel: 1, description: \"Mål\" }) { goal { id } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    let goal_id = goal.ok()["addGoal"]["goal"]["id"].clone();
    app.gql(
        "outsider",
        "mutation($g: ID!, $r: ID!) { addMeasure(input: { goalId: $g, description: \"Tiltak\", responsibleId: $r }) { measure { id } userErrors { field code message } } }",
        json!({ "g": goal_id, "r": stafett_tests::ids::person("guardian2") }),
    )
    .await
    .ok();
    app.gql(
        "outsider",
        "mutation($l: ID!) { closeLog(logId: $l, input: { reason: GOALS_REACHED }) { log { status } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await
    .ok();
    let q = format!(
        "query($l: ID!) {{ log(id: $l) {{ snapshots {{ edges {{ node {{ {} }} }} }} }} }}",
        stafett_tests::SNAPSHOT_CONTENT
    );
    let r = app.gql("outsider", &q, json!({ "l": log })).await;
    let content = r.ok()["log"]["snapshots"]["edges"][0]["node"]["content"].to_string();
    assert!(content.contains("Ukjent Forelder"), "{content}");
    assert!(!content.contains("Kari"), "{content}");
}

/// Another municipality, with one unit and one staff member (external id
/// `sorby-siri`), written straight into the database as its own admins would.
async fn another_municipality(app: &TestApp) -> (uuid::Uuid, uuid::Uuid) {
    let (municipality, unit, siri) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let mut conn = app.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!(
            "INSERT INTO municipality (id, name, consent_age) VALUES ('{municipality}', 'Sørby', 15);
             INSERT INTO unit (id, municipality_id, name, service_kind) VALUES ('{unit}', '{municipality}', 'Sørby barnevern', 'CHILD_WELFARE');
             INSERT INTO person (id, kind, name) VALUES ('{siri}', 'STAFF', 'Siri Sørby');
             INSERT INTO staff (person_id, municipality_id, external_id) VALUES ('{siri}', '{municipality}', 'sorby-siri');
             INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{siri}', '{unit}', 'EMPLOYEE');"
        ),
    )
    .await
    .expect("another municipality");
    (unit, siri)
}

/// The attack on issue 15: a unit admin registered another municipality's
/// staff member by her external id, saw her stored name in `unitStaff`, and
/// the coordinator then gave her a child's log. A known id is enrolled only
/// in its own municipality, and another municipality's unit is as absent as
/// one that does not exist.
#[tokio::test]
async fn another_municipalitys_staff_and_units_are_out_of_reach() {
    let app = TestApp::demo().await;
    let (sorby_unit, siri) = another_municipality(&app).await;
    let register = "mutation($u: ID!, $x: String!) { registerStaff(input: { unitId: $u, name: \"Gjett\", externalId: $x, role: EMPLOYEE }) { staff { id } userErrors { field code message } } }";
    let school = stafett_tests::ids::SCHOOL;
    let r = app.gql("unitadmin", register, json!({ "u": school, "x": "sorby-siri" })).await;
    let message = r.user_err("CONFLICT");
    assert!(!message.contains("Siri"), "the refusal does not say whose id it is: {message}");
    let roles = format!("SELECT count(*) AS n FROM staff_unit_role WHERE staff_id = '{siri}'");
    assert_eq!(app.count(&roles).await, 1, "no role in Nordby");
    // A unit of another municipality answers like a unit that does not exist.
    let theirs = app.gql("unitadmin", register, json!({ "u": sorby_unit, "x": "new-a" })).await;
    let missing = app.gql("unitadmin", register, json!({ "u": uuid::Uuid::new_v4(), "x": "new-b" })).await;
    assert_eq!(theirs.body["errors"][0]["message"], missing.body["errors"][0]["message"]);
    assert_eq!(theirs.codes(), vec!["NOT_FOUND"]);
}

/// The attack on issue 15: a handover proposed to a participant whose unit
/// consent was then withdrawn stayed pending, and was accepted after the
/// unit came back, leaving the log without a coordinator. Withdrawing the
/// unit cancels the handover; accepting checks the successor again.
#[tokio::test]
async fn a_handover_does_not_outlive_its_successors_unit_consent() {
    let app = TestApp::demo().await;
    let log = stafett_tests::ids::EMMA_LOG;
    let ppt = stafett_tests::ids::PPT;
    let give = "mutation($l: ID!, $u: ID) { giveConsent(input: { logId: $l, unitId: $u }) { consent { id } userErrors { field code message } } }";
    let mut consents = Vec::new();
    for owner in ["guardian", "guardian2"] {
        let r = app.gql(owner, give, json!({ "l": log, "u": ppt })).await;
        consents.push(r.ok()["giveConsent"]["consent"]["id"].as_str().unwrap().to_owned());
    }
    let add = "mutation($l: ID!, $s: ID!, $u: ID!) { addParticipant(input: { logId: $l, staffId: $s, unitId: $u }) { participant { id } userErrors { field code message } } }";
    let petter = stafett_tests::ids::person("unconsented");
    let r = app.gql("coordinator", add, json!({ "l": log, "s": petter, "u": ppt })).await;
    let participant = r.ok()["addParticipant"]["participant"]["id"].as_str().unwrap().to_owned();
    let propose = "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { field code message } } }";
    let r = app.gql("coordinator", propose, json!({ "l": log, "p": participant })).await;
    let handover = r.ok()["proposeHandover"]["handover"]["id"].as_str().unwrap().to_owned();
    let withdraw =
        "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { id } userErrors { field code message } } }";
    app.gql("guardian2", withdraw, json!({ "c": consents[1] })).await.ok();
    let status = format!("SELECT count(*) AS n FROM handover WHERE id = '{handover}' AND status = 'CANCELLED'");
    assert_eq!(app.count(&status).await, 1, "the handover ends with the successor's unit");
    // The unit comes back and Petter with it: the old handover is gone for good.
    app.gql("guardian2", give, json!({ "l": log, "u": ppt })).await.ok();
    app.gql("coordinator", add, json!({ "l": log, "s": petter, "u": ppt })).await.ok();
    let accept =
        "mutation($h: ID!) { acceptHandover(handoverId: $h) { log { id } userErrors { field code message } } }";
    let r = app.gql("unconsented", accept, json!({ "h": handover })).await;
    assert!(r.refusal().is_some(), "a cancelled handover cannot be accepted: {:#}", r.body);
    let coordinator =
        app.gql("coordinator", "query($l: ID!) { log(id: $l) { coordinator { name } } }", json!({ "l": log })).await;
    assert!(coordinator.ok()["log"]["coordinator"]["name"].is_string(), "{:#}", coordinator.body);
}

/// The attack on issue 15: a NUL in a template's prompts reached PostgreSQL
/// and answered INTERNAL; section names and texts are text inputs like any other.
#[tokio::test]
async fn template_prompts_are_checked_like_every_text() {
    let app = TestApp::demo().await;
    let create = "mutation($p: JSON!) { createTemplate(input: { name: \"T\", sectionPrompts: $p }) { template { id } userErrors { field code message } } }";
    for prompts in
        [json!({ "presentation": "a\u{0}b" }), json!({ "a\u{0}b": "tekst" }), json!({ "x".repeat(201): "t" })]
    {
        app.gql("municipaladmin", create, json!({ "p": prompts })).await.user_err("BAD_USER_INPUT");
    }
    app.gql("municipaladmin", create, json!({ "p": { "presentation": "Hvem er barnet?" } })).await.ok();
}

/// The attack on issue 15: over the websocket, variables that are not an
/// object were ignored and the operation ran without them; over HTTP such a
/// request is refused. Both transports refuse it now.
#[tokio::test]
async fn variables_that_are_not_an_object_are_refused_on_the_websocket_too() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut ws = stafett_tests::ws::WsClient::connect(addr, &TestApp::token("guardian")).await;
    for (id, variables) in [("a", json!([1, 2])), ("b", json!("abc")), ("c", json!(7))] {
        ws.send(json!({ "id": id, "type": "subscribe", "payload": { "query": "query($id: ID!) { log(id: $id) { id } }", "variables": variables } })).await;
        let answer = ws.recv(Duration::from_secs(5)).await.expect("an answer");
        assert_eq!(answer["type"], "error", "{answer}");
        assert_eq!(answer["payload"][0]["extensions"]["code"], "BAD_USER_INPUT", "{answer}");
    }
}

/// The attack on issue 17: twelve `proposeUnit` of the same unit at once gave
/// two INTERNAL errors (the unique index caught the race past the check).
/// Now one proposal is made and every other answer is the CONFLICT a
/// second proposal gets.
#[tokio::test]
async fn racing_proposals_of_a_unit_make_one_and_conflict_the_rest() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::demo().await;
    let unit = uuid::Uuid::new_v4();
    let municipality = stafett_server::demo::MUNICIPALITY;
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO unit (id, municipality_id, name, service_kind) VALUES ('{unit}', '{municipality}', 'NAV Nordby', 'NAV')"
    ))
    .await
    .unwrap();
    let propose = "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u }) { unitProposal { id } userErrors { field code message } } }";
    let vars = json!({ "l": stafett_tests::ids::EMMA_LOG, "u": unit });
    let answers = futures_util::future::join_all((0..12).map(|_| app.gql("coordinator", propose, vars.clone()))).await;
    let made = answers.iter().filter(|r| r.refusal().is_none()).count();
    assert_eq!(made, 1, "one proposal");
    for r in answers.iter().filter(|r| r.refusal().is_some()) {
        assert_eq!(r.user_err("CONFLICT"), "denne enheten er allerede foreslått", "{:#}", r.body);
    }
    let stored = format!("SELECT count(*) AS n FROM unit_proposal WHERE unit_id = '{unit}'");
    assert_eq!(app.count(&stored).await, 1);
}
