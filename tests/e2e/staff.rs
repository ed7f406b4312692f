//! Staff turnover (issue 18, points 2 and 4): `updateStaff`,
//! `deactivateStaff`, `reactivateStaff` and `staffAccount` by every persona,
//! cell by cell; what a deactivation does (refused at once, measures that
//! need a new responsible, the unit leader's queue, reassignment by the
//! leader with a notice to the family) and what reactivation restores; the
//! refusals at their edges, each writing nothing.

use serde_json::{Value, json};
use stafett_tests::ids::{EMMA_LOG, HEALTH_STATION, SCHOOL, person};
use stafett_tests::world::{self, OTHER_MUNICIPAL_ADMIN};
use stafett_tests::ws::WsClient;
use stafett_tests::{Gql, TestApp};
use std::time::Duration;

/// The mutations this file's table covers (`authz_write.rs` checks that
/// every mutation is in one table or another).
pub const MUTATIONS: [&str; 3] = ["updateStaff", "deactivateStaff", "reactivateStaff"];

/// The personas of the table, in column order; the last is Sørby's municipal admin.
const PERSONAS: [&str; 9] = [
    "guardian",
    "coordinator",
    "participant",
    "unitadmin",
    "municipaladmin",
    "systemowner",
    "outsider",
    "youth",
    "sorby",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Allowed,
    Forbidden,
    NotFound,
    Conflict,
}
use Expect::*;
const A: Expect = Allowed;
const F: Expect = Forbidden;
const N: Expect = NotFound;
const C: Expect = Conflict;

const ACCOUNT: &str = "id name email phone externalId active deactivatedAt roles { unitId unitName role title }";

fn update() -> String {
    format!(
        "mutation($s: ID!, $i: UpdateStaffInput!) {{ updateStaff(staffId: $s, input: $i) {{
            staff {{ {ACCOUNT} }} userErrors {{ field code message }} }} }}"
    )
}

fn deactivate() -> String {
    format!(
        "mutation($s: ID!, $r: String) {{ deactivateStaff(staffId: $s, reason: $r) {{
            staff {{ {ACCOUNT} }} userErrors {{ field code message }} }} }}"
    )
}

fn reactivate() -> String {
    format!(
        "mutation($s: ID!) {{ reactivateStaff(staffId: $s) {{ staff {{ {ACCOUNT} }} userErrors {{ field code message }} }} }}"
    )
}

fn account() -> String {
    format!("query($s: ID!) {{ staffAccount(id: $s) {{ {ACCOUNT} }} }}")
}

const REASSIGN: &str = "mutation($l: ID!, $p: ID!, $r: String!) {
    reassignCoordinator(logId: $l, input: { participantId: $p, reason: $r }) {
        coordinatorId log { id coordinatorHistory { coordinator { id } reason appointedById endedAt } }
        userErrors { field code message } } }";

const QUEUE: &str = "{ logsWithoutCoordinator(first: 100) { totalCount edges { node { id status } } } }";

async fn as_persona(app: &TestApp, persona: &str, query: &str, vars: Value) -> Gql {
    if persona == "sorby" {
        app.gql_with_token(Some(&OTHER_MUNICIPAL_ADMIN.token()), query, vars).await
    } else {
        app.gql(persona, query, vars).await
    }
}

fn outcome(r: &Gql, field: &str) -> Expect {
    if let Some(e) = r.user_errors().first() {
        return match e["code"].as_str() {
            Some("CONFLICT") => Conflict,
            other => panic!("{field}: an outcome the table does not name ({other:?}): {:#}", r.body),
        };
    }
    match r.refusal().as_deref() {
        None if r.data()[field].is_object() => Allowed,
        Some("FORBIDDEN") => Forbidden,
        Some("NOT_FOUND") => NotFound,
        other => panic!("{field}: an outcome the table does not name ({other:?}): {:#}", r.body),
    }
}

/// Every staff mutation (and `staffAccount`) by every persona, each on a
/// database of its own, on Ingrid (the coordinator, an employee of Nordby
/// skole): the school's unit admin and the municipal admin may, nobody
/// else; to Sørby's admin she is absent. Ulla (the unit admin) is her
/// unit's only admin, so deactivating her is a CONFLICT for the municipal
/// admin and FORBIDDEN for the unit admin, who manages no peers.
#[tokio::test]
async fn every_staff_mutation_by_every_persona() {
    let ingrid = person("coordinator");
    let ulla = person("unitadmin");
    let rows: Vec<(&str, &str, String, Value, [Expect; 9])> = vec![
        (
            "updateStaff (contact)",
            "updateStaff",
            update(),
            json!({ "s": ingrid, "i": { "phone": "+47 900 00 000", "email": null } }),
            [F, F, F, A, A, F, F, F, N],
        ),
        (
            "updateStaff (a leader now)",
            "updateStaff",
            update(),
            json!({ "s": ingrid, "i": { "unitRoles": { "unitId": SCHOOL, "roles": ["EMPLOYEE", "UNIT_LEADER"], "title": "kontaktlærer" } } }),
            [F, F, F, A, A, F, F, F, N],
        ),
        (
            "updateStaff (a unit admin now)",
            "updateStaff",
            update(),
            json!({ "s": ingrid, "i": { "unitRoles": { "unitId": SCHOOL, "roles": ["UNIT_ADMIN"] } } }),
            [F, F, F, F, A, F, F, F, N],
        ),
        (
            "deactivateStaff",
            "deactivateStaff",
            deactivate(),
            json!({ "s": ingrid, "r": "sluttet" }),
            [F, F, F, A, A, F, F, F, N],
        ),
        (
            "deactivateStaff (the last unit admin)",
            "deactivateStaff",
            deactivate(),
            json!({ "s": ulla }),
            [F, F, F, C, C, F, F, F, N],
        ),
        // Ingrid is deactivated first by the municipal admin (below).
        // Ingrid herself is refused as she signs in, deactivated (FORBIDDEN).
        ("reactivateStaff", "reactivateStaff", reactivate(), json!({ "s": ingrid }), [F, F, F, A, A, F, F, F, N]),
        ("staffAccount", "staffAccount", account(), json!({ "s": ingrid }), [F, F, F, A, A, F, F, F, N]),
    ];
    let mut wrong = Vec::new();
    for (name, field, query, vars, expect) in &rows {
        let cells = PERSONAS.iter().zip(expect).map(|(persona, expected)| {
            let (query, vars) = (query.clone(), vars.clone());
            async move {
                let app = TestApp::demo().await;
                world::add_other_municipality(&app).await;
                if *field == "reactivateStaff" {
                    app.gql("municipaladmin", &deactivate(), json!({ "s": person("coordinator") })).await.ok();
                }
                let entries = "SELECT count(*) AS n FROM admin_log";
                let before = app.count(entries).await;
                let r = as_persona(&app, persona, &query, vars).await;
                let got = outcome(&r, field);
                let logged = app.count(entries).await - before;
                let mut out = Vec::new();
                if got != *expected {
                    out.push(format!("{persona:14} {name}: expected {expected:?}, got {got:?}: {}", r.body));
                }
                let writes = *field != "staffAccount" && got == Allowed;
                if logged != i64::from(writes) {
                    out.push(format!("{persona:14} {name}: {logged} admin-log entries for {got:?}"));
                }
                out
            }
        });
        for cell in futures_util::future::join_all(cells).await {
            wrong.extend(cell);
        }
    }
    assert!(wrong.is_empty(), "{} cells are wrong:\n{}", wrong.len(), wrong.join("\n"));
}

/// The life of a deactivation in one demo: Ingrid (coordinator of every
/// log, responsible for measures) is deactivated by her unit admin. She is
/// refused at once; her open measures need a new responsible person; her
/// logs wait in the unit admin's queue; the unit admin appoints the nurse
/// on Emma's log, who finds Ingrid's measures on her `myDeadlines` and
/// gives one to herself; the family got a notice. Reactivated, Ingrid signs
/// in again, carries her other measures again and still holds the baton
/// of the logs nobody was appointed to.
#[tokio::test]
async fn a_deactivated_coordinator_is_replaced_and_can_return() {
    let app = TestApp::demo().await;
    let ingrid = person("coordinator");
    let open_measures = format!(
        "SELECT count(*) AS n FROM measure WHERE responsible_id = '{ingrid}' AND status IN ('PLANNED', 'IN_PROGRESS')"
    );
    let open = app.count(&open_measures).await;
    assert!(open > 0, "the demo gives Ingrid open measures");
    let coordinated = app
        .count(&format!("SELECT count(*) AS n FROM coordinator_term WHERE staff_id = '{ingrid}' AND ended_at IS NULL"))
        .await;
    assert!(app.gql("unitadmin", QUEUE, json!({})).await.ok()["logsWithoutCoordinator"]["totalCount"] == 0);

    let r = app.gql("unitadmin", &deactivate(), json!({ "s": ingrid, "r": "sluttet 1. desember" })).await;
    let staff = &r.ok()["deactivateStaff"]["staff"];
    assert_eq!((&staff["active"], staff["deactivatedAt"].is_string()), (&json!(false), true), "{staff}");

    // Refused at once, with words that say why.
    let me = app.gql("coordinator", "{ me { id } }", json!({})).await;
    assert!(me.err("FORBIDDEN").contains("deactivated"), "{}", me.body);
    // Every open measure of hers is flagged, each with an access-log entry by the unit admin.
    let flagged = format!(
        "SELECT count(*) AS n FROM measure WHERE responsible_id = '{ingrid}' AND needs_responsible_since IS NOT NULL"
    );
    assert_eq!(app.count(&flagged).await, open);
    let entries = format!(
        "SELECT count(*) AS n FROM access_log WHERE actor_id = '{}' AND object_type = 'MEASURE' AND action = 'UPDATE'",
        person("unitadmin")
    );
    assert_eq!(app.count(&entries).await, open);
    // Her logs of Nordby skole wait in the unit admin's queue (the closed one does not).
    let queue = app.gql("unitadmin", QUEUE, json!({})).await;
    let waiting = stafett_tests::nodes(&queue.ok()["logsWithoutCoordinator"]);
    assert!(!waiting.is_empty() && waiting.len() as i64 <= coordinated, "{waiting:?}");
    assert!(waiting.iter().any(|l| l["id"] == EMMA_LOG.to_string()));
    assert!(waiting.iter().all(|l| l["status"] != "CLOSED"));
    // Nobody else has a queue: the nurse leads no unit, a guardian none.
    for persona in ["participant", "guardian"] {
        let q = app.gql(persona, QUEUE, json!({})).await;
        assert_eq!(q.ok()["logsWithoutCoordinator"]["totalCount"], 0, "{persona}");
    }
    // The unit admin appoints the nurse on Emma's log.
    let nurse = person("participant");
    let r = app.gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": nurse, "r": "Ingrid har sluttet" })).await;
    let answer = &r.ok()["reassignCoordinator"];
    assert_eq!(answer["coordinatorId"], nurse.to_string());
    // The unit admin reads metadata only; the history is the coordinator's and the family's to read.
    let history = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { coordinatorHistory { coordinator { id } reason appointedById endedAt } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let terms = history.ok()["log"]["coordinatorHistory"].as_array().unwrap().clone();
    let last = terms.last().unwrap();
    assert_eq!(
        (&last["coordinator"]["id"], &last["reason"], &last["appointedById"], &last["endedAt"]),
        (
            &json!(nurse.to_string()),
            &json!("Ingrid har sluttet"),
            &json!(person("unitadmin").to_string()),
            &Value::Null
        ),
        "{terms:?}"
    );
    assert!(terms[terms.len() - 2]["endedAt"].is_string(), "Ingrid's term ended");
    // The family was told, in a notice.
    let notices = app
        .count(&format!(
            "SELECT count(*) AS n FROM message m JOIN message_recipient r ON r.message_id = m.id
              WHERE m.log_id = '{EMMA_LOG}' AND m.kind = 'NOTICE' AND r.person_id = '{}' AND m.body LIKE '%Ingrid har sluttet%'",
            person("guardian")
        ))
        .await;
    assert_eq!(notices, 1);
    // Emma's log has left the queue.
    let queue = app.gql("unitadmin", QUEUE, json!({})).await;
    assert!(
        stafett_tests::nodes(&queue.ok()["logsWithoutCoordinator"]).iter().all(|l| l["id"] != EMMA_LOG.to_string())
    );

    // The nurse, now coordinator, sees Ingrid's measures on her dashboard, flagged.
    let deadlines = app
        .gql(
            "participant",
            "{ myDeadlines(scope: { kind: COORDINATED }, first: 100) { edges { node { id needsNewResponsible responsible { id } log { id } } } } }",
            json!({}),
        )
        .await;
    let mine: Vec<Value> = stafett_tests::nodes(&deadlines.ok()["myDeadlines"])
        .into_iter()
        .filter(|m| m["needsNewResponsible"] == true)
        .collect();
    assert!(!mine.is_empty(), "{}", deadlines.body);
    assert!(
        mine.iter().all(|m| m["log"]["id"] == EMMA_LOG.to_string() && m["responsible"]["id"] == ingrid.to_string())
    );
    // She gives one to herself: the flag goes.
    let measure = mine[0]["id"].clone();
    let r = app
        .gql(
            "participant",
            "mutation($m: ID!, $p: ID!) { updateMeasure(measureId: $m, input: { responsibleId: $p }) { measure { needsNewResponsible } userErrors { field code message } } }",
            json!({ "m": measure, "p": nurse }),
        )
        .await;
    assert_eq!(r.ok()["updateMeasure"]["measure"]["needsNewResponsible"], false);
    // Ingrid cannot be made responsible while deactivated.
    let r = app
        .gql(
            "participant",
            "mutation($m: ID!, $p: ID!) { updateMeasure(measureId: $m, input: { responsibleId: $p }) { measure { id } userErrors { field code message } } }",
            json!({ "m": measure, "p": ingrid }),
        )
        .await;
    assert!(r.user_err("BAD_USER_INPUT").contains("deaktivert"));

    // Reactivated: she signs in, carries what was not given away, and holds the other batons.
    let r = app.gql("municipaladmin", &reactivate(), json!({ "s": ingrid })).await;
    assert_eq!(r.ok()["reactivateStaff"]["staff"]["active"], true);
    assert!(app.gql("coordinator", "{ me { id } }", json!({})).await.errors().is_empty());
    assert_eq!(app.count(&flagged).await, 0);
    let still = app
        .count(&format!("SELECT count(*) AS n FROM coordinator_term WHERE staff_id = '{ingrid}' AND ended_at IS NULL"))
        .await;
    assert_eq!(still, coordinated - 1, "every baton but Emma's");
    let queue = app.gql("unitadmin", QUEUE, json!({})).await;
    assert_eq!(queue.ok()["logsWithoutCoordinator"]["totalCount"], 0);
}

/// A deactivation ends the person's websockets with 4403, and what they
/// followed tells the others: the nurse's `deadlineChanges` (she takes part
/// in Emma's log) carries NEEDS_RESPONSIBLE for Ingrid's measures there.
#[tokio::test]
async fn a_deactivation_closes_their_websockets_and_reaches_dashboards() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let mut ingrid = WsClient::connect(addr, &TestApp::token("coordinator")).await;
    ingrid.subscribe("m", "subscription { messageAdded { message { id } } }", json!({})).await;
    let mut nurse = WsClient::connect(addr, &TestApp::token("participant")).await;
    nurse
        .subscribe(
            "d",
            "subscription($l: ID!) { deadlineChanges(scope: { kind: LOG, logId: $l }) { kind measure { id needsNewResponsible } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.gql("unitadmin", &deactivate(), json!({ "s": person("coordinator") })).await.ok();
    let closed = loop {
        match ingrid.recv(Duration::from_secs(10)).await {
            Ok(_) => continue,
            Err(closed) => break closed,
        }
    };
    assert_eq!(closed.code, 4403, "{closed:?}");
    assert!(closed.reason.contains("withdrawn"), "{closed:?}");
    // A new socket is refused with the reason HTTP gives, so a page can say it.
    let mut again = WsClient::open(addr).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", TestApp::token("coordinator")) } });
    again.send(init).await;
    let refused = again.closed(Duration::from_secs(5)).await;
    assert_eq!((refused.code, refused.reason.as_str()), (4403, "Forbidden: this staff account is deactivated"));
    // The sweep may announce overdue measures first.
    let event = loop {
        let event = nurse.next_for("d", Duration::from_secs(10)).await;
        if event["data"]["deadlineChanges"]["kind"] != "OVERDUE"
            && event["data"]["deadlineChanges"]["kind"] != "DUE_SOON"
        {
            break event;
        }
    };
    let change = &event["data"]["deadlineChanges"];
    assert_eq!(
        (&change["kind"], &change["measure"]["needsNewResponsible"]),
        (&json!("NEEDS_RESPONSIBLE"), &json!(true)),
        "{event}"
    );
    // The nurse and the unit admin stay connected.
    nurse.send(json!({ "type": "ping" })).await;
    assert_eq!(nurse.recv(Duration::from_secs(5)).await.map(|m| m["type"].clone()), Ok(json!("pong")));
    // A role change ends that person's sockets too, and they reconnect with the new role.
    let mut nurse2 = WsClient::connect(addr, &TestApp::token("participant")).await;
    let r = app
        .gql(
            "municipaladmin",
            &update(),
            json!({ "s": person("participant"), "i": { "unitRoles": { "unitId": HEALTH_STATION, "roles": ["EMPLOYEE", "UNIT_LEADER"] } } }),
        )
        .await;
    r.ok();
    let closed = loop {
        match nurse2.recv(Duration::from_secs(10)).await {
            Ok(_) => continue,
            Err(closed) => break closed,
        }
    };
    assert_eq!(closed.code, 4403, "{closed:?}");
    let _reconnected = WsClient::connect(addr, &TestApp::token("participant")).await;
    // A change of contact details leaves sockets open.
    let mut admin2 = WsClient::connect(addr, &TestApp::token("unitadmin")).await;
    app.gql("municipaladmin", &update(), json!({ "s": person("unitadmin"), "i": { "phone": "+47 911 11 111" } }))
        .await
        .ok();
    admin2.send(json!({ "type": "ping" })).await;
    assert_eq!(admin2.recv(Duration::from_secs(5)).await.map(|m| m["type"].clone()), Ok(json!("pong")));
}

/// Each refusal at its edge, with a message a form can show, writing nothing.
#[tokio::test]
async fn refusals_are_clear_and_write_nothing() {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    let ingrid = person("coordinator");
    let ulla = person("unitadmin");
    let writes = "SELECT (SELECT count(*) FROM admin_log) + (SELECT count(*) FROM access_log WHERE action <> 'READ')
                         + (SELECT count(*) FROM event) + (SELECT count(*) FROM coordinator_term) AS n";
    let before = app.count(writes).await;
    let bad = |r: &Gql| r.user_err("BAD_USER_INPUT");
    let conflict = |r: &Gql| r.user_err("CONFLICT");

    // Self-deactivation, the last unit admin, the last municipal admin.
    let r = app.gql("unitadmin", &deactivate(), json!({ "s": ulla })).await;
    assert!(conflict(&r).contains("deg selv"));
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": ulla })).await;
    assert!(conflict(&r).contains("siste enhetsadministratoren i Nordby skole"), "{}", r.body);
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": person("municipaladmin") })).await;
    assert!(conflict(&r).contains("deg selv"));
    let r = app
        .gql(
            "municipaladmin",
            &update(),
            json!({ "s": ulla, "i": { "unitRoles": { "unitId": SCHOOL, "roles": ["EMPLOYEE"] } } }),
        )
        .await;
    assert!(conflict(&r).contains("siste enhetsadministratoren"));
    // Already active; unknown, malformed and another municipality's ids.
    let r = app.gql("municipaladmin", &reactivate(), json!({ "s": ingrid })).await;
    assert!(conflict(&r).contains("allerede aktiv"));
    let unknown = uuid::Uuid::new_v4();
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": unknown })).await;
    let absent = r.err("NOT_FOUND");
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": world::OTHER_TEACHER.person_id })).await;
    assert_eq!(r.err("NOT_FOUND"), absent, "another municipality's staff read as absent");
    let r = app.gql("municipaladmin", &account(), json!({ "s": world::OTHER_TEACHER.person_id })).await;
    assert_eq!(r.err("NOT_FOUND"), absent);
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": "not-an-id" })).await;
    assert!(bad(&r).contains("staffId"));
    // Field edges: a name of 200 characters is taken, 201 is not; nothing to change; a role twice.
    let r = app.gql("municipaladmin", &update(), json!({ "s": ingrid, "i": { "name": "N".repeat(201) } })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "name"]));
    let r = app.gql("municipaladmin", &update(), json!({ "s": ingrid, "i": { "name": null } })).await;
    assert!(bad(&r).contains("kan ikke fjernes"));
    let r = app.gql("municipaladmin", &update(), json!({ "s": ingrid, "i": {} })).await;
    assert!(bad(&r).contains("ingenting å endre"));
    let r = app
        .gql(
            "municipaladmin",
            &update(),
            json!({ "s": ingrid, "i": { "unitRoles": { "unitId": SCHOOL, "roles": ["EMPLOYEE", "EMPLOYEE"] } } }),
        )
        .await;
    assert!(bad(&r).contains("to ganger"));
    let r = app
        .gql(
            "municipaladmin",
            &update(),
            json!({ "s": ingrid, "i": { "unitRoles": { "unitId": HEALTH_STATION, "roles": ["EMPLOYEE"] } } }),
        )
        .await;
    assert!(bad(&r).contains("registerStaff"));
    let r = app.gql("municipaladmin", &deactivate(), json!({ "s": ingrid, "r": "r".repeat(201) })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["reason"]));
    // Reassignment: to someone of an unconsented unit, to the coordinator herself, a reason too long.
    let r =
        app.gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": person("unconsented"), "r": "permisjon" })).await;
    assert!(!bad(&r).is_empty(), "PPT has no consent in Emma's log: {}", r.body);
    let r = app.gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": ingrid, "r": "permisjon" })).await;
    assert!(conflict(&r).contains("allerede"));
    let r = app
        .gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": person("participant"), "r": "r".repeat(2001) }))
        .await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "reason"]));
    let r = app.gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": person("participant"), "r": "  " })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "reason"]));
    assert_eq!(app.count(writes).await, before, "no refusal wrote anything");

    // The edges that are taken: 200 characters of name, 2,000 of reason.
    let r = app.gql("municipaladmin", &update(), json!({ "s": ingrid, "i": { "name": "N".repeat(200) } })).await;
    assert_eq!(r.ok()["updateStaff"]["staff"]["name"], "N".repeat(200));
    let r = app
        .gql("unitadmin", REASSIGN, json!({ "l": EMMA_LOG, "p": person("participant"), "r": "r".repeat(2000) }))
        .await;
    r.ok();
    // A deactivated staff member joins no log.
    app.gql("municipaladmin", &deactivate(), json!({ "s": person("unconsented") })).await.ok();
    let r = app
        .gql(
            "participant",
            "mutation($i: AddParticipantInput!) { addParticipant(input: $i) { participant { id } userErrors { field code message } } }",
            json!({ "i": { "logId": EMMA_LOG, "staffId": person("unconsented"), "unitId": stafett_tests::ids::PPT } }),
        )
        .await;
    assert_eq!(r.user_errors().len(), 1, "{}", r.body);
}
