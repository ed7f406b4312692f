//! The whole life of a log (DESIGN.md §2, steps 1–10) through the GraphQL
//! API, each step done by the persona who does it in real life, with the
//! state asserted after each step.

use serde_json::{Value, json};
use stafett_tests::ids::{self, HEALTH_STATION, SCHOOL};
use stafett_tests::{TestApp, nodes};

const LOG_STATE: &str = r#"query($id: ID!) { log(id: $id) {
    id status closedAt deletedAt myRoles
    coordinator { name }
    participants { id name role unit { name } }
    consents { scope method documentReference valid withdrawalReason unit { name } }
    goals { id area measures { id status deadline responsible { name } evaluations { body } } }
    meetings { totalCount edges { node { status minutes } } }
    snapshots { totalCount edges { node { reason restricted } } }
    coordinatorHistory { coordinator { name } endedAt }
} }"#;

async fn state(app: &TestApp, persona: &str, log: &str) -> stafett_tests::Gql {
    app.gql(persona, LOG_STATE, json!({ "id": log })).await
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

#[tokio::test]
async fn a_log_lives_from_creation_to_deletion() {
    let app = TestApp::demo().await;
    let child_nid = (500..900)
        .find_map(|i| {
            stafett_schema::national_id::generate(chrono::NaiveDate::from_ymd_opt(2015, 5, 5).unwrap(), i, true)
        })
        .unwrap();
    let guardian_nid = stafett_server::demo::Persona::find("guardian").unwrap().national_id().unwrap();
    let guardian2_nid = stafett_server::demo::Persona::find("guardian2").unwrap().national_id().unwrap();

    // 1. The unit admin creates a DRAFT log, names the coordinator and registers the guardians.
    let bad = app
        .gql(
            "unitadmin",
            "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
            json!({ "i": { "unitId": SCHOOL, "coordinatorId": ids::person("coordinator"),
                "child": { "name": "Lars Nordmann", "nationalId": "05058550012" },
                "guardians": [{ "nationalId": guardian_nid, "name": "Ola Nordmann" }] } }),
        )
        .await;
    assert!(bad.user_err("BAD_USER_INPUT").contains("nationalId"), "an invalid fødselsnummer is refused");
    let created = app
        .gql(
            "unitadmin",
            "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id status child { name birthDate } } userErrors { field code message } } }",
            json!({ "i": { "unitId": SCHOOL, "coordinatorId": ids::person("coordinator"),
                "child": { "name": "Lars Nordmann", "nationalId": child_nid },
                "guardians": [{ "nationalId": guardian_nid, "name": "Ola Nordmann" },
                              { "nationalId": guardian2_nid, "name": "Kari Nordmann" }],
                "initiative": "Skolen ønsker samarbeid om Lars' trivsel." } }),
        )
        .await;
    let log = created.data()["createLog"]["log"]["id"].as_str().expect("created").to_owned();
    assert_eq!(created.data()["createLog"]["log"]["status"], "DRAFT");
    assert_eq!(created.data()["createLog"]["log"]["child"]["name"], "Lars Nordmann");
    // The unit admin sees metadata only; the birth date is FORBIDDEN.
    assert_eq!(created.codes(), vec!["FORBIDDEN"]);
    let draft = state(&app, "coordinator", &log).await;
    assert_eq!(draft.data()["log"]["status"], "DRAFT");
    assert_eq!(draft.data()["log"]["coordinator"]["name"], "Ingrid Lærer");
    assert!(draft.data()["log"]["goals"].is_null(), "no content before consent");
    assert_eq!(state(&app, "guardian", &log).await.ok()["log"]["status"], "DRAFT", "the owner sees her log");

    // 2. One guardian consents digitally; the coordinator registers the other's paper consent.
    let consent = app
        .gql(
            "guardian",
            "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { method valid } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    assert_eq!(consent.ok()["giveConsent"]["consent"]["method"], "DIGITAL");
    assert_eq!(
        state(&app, "guardian", &log).await.ok()["log"]["status"],
        "DRAFT",
        "one of two guardians is not enough"
    );
    let paper = app
        .gql(
            "coordinator",
            "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { method documentReference } userErrors { field code message } } }",
            json!({ "i": { "logId": log, "ownerId": ids::person("guardian2"), "documentReference": "arkiv 2026/1234", "signedOn": chrono::Utc::now().date_naive().to_string() } }),
        )
        .await;
    assert_eq!(paper.ok()["registerPaperConsent"]["consent"]["method"], "PAPER");
    let active = state(&app, "guardian", &log).await;
    assert_eq!(active.ok()["log"]["status"], "ACTIVE");
    let audited = app
        .count(&format!(
            "SELECT count(*) AS n FROM access_log WHERE log_id = '{log}' AND object_type = 'CONSENT' AND actor_role = 'COORDINATOR'"
        ))
        .await;
    assert_eq!(audited, 1, "the paper consent is audited");

    // 3. A unit is proposed; without the family's consent its staff cannot join.
    let proposal = app
        .gql(
            "coordinator",
            "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u }) { unitProposal { consented } userErrors { field code message } } }",
            json!({ "l": log, "u": HEALTH_STATION }),
        )
        .await;
    assert_eq!(proposal.ok()["proposeUnit"]["unitProposal"]["consented"], false);
    let add = "mutation($i: AddParticipantInput!) { addParticipant(input: $i) { participant { id name role } userErrors { field code message } } }";
    let add_nurse = json!({ "i": { "logId": log, "staffId": ids::person("participant"), "unitId": HEALTH_STATION, "title": "helsesykepleier" } });
    assert!(app.gql("coordinator", add, add_nurse.clone()).await.user_err("BAD_USER_INPUT").contains("samtykke"));
    app.gql(
        "guardian",
        "mutation($l: ID!, $u: ID!) { giveConsent(input: { logId: $l, unitId: $u }) { consent { scope } userErrors { field code message } } }",
        json!({ "l": log, "u": HEALTH_STATION }),
    )
    .await
    .ok();
    let joined = app.gql("coordinator", add, add_nurse).await;
    assert_eq!(joined.ok()["addParticipant"]["participant"]["role"], "PARTICIPANT");
    let nurse_participant = s(&joined.data()["addParticipant"]["participant"]["id"]).to_owned();

    // 4. Goals and measures, each measure with a responsible person and a deadline.
    let deadline = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
    let goal = app
        .gql(
            "coordinator",
            "mutation($l: ID!) { addGoal(input: { logId: $l, area: KINDERGARTEN_SCHOOL, btiLevel: 2, description: \"Lars skal trives på skolen\" }) { goal { id } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    let goal_id = s(&goal.ok()["addGoal"]["goal"]["id"]).to_owned();
    let measure = app
        .gql(
            "coordinator",
            "mutation($g: ID!, $r: ID!, $d: Date) { addMeasure(input: { goalId: $g, description: \"Samtale om søvn\", responsibleId: $r, deadline: $d }) { measure { id responsible { name } } userErrors { field code message } } }",
            json!({ "g": goal_id, "r": nurse_participant, "d": deadline }),
        )
        .await;
    let measure_id = s(&measure.ok()["addMeasure"]["measure"]["id"]).to_owned();
    assert_eq!(measure.data()["addMeasure"]["measure"]["responsible"]["name"], "Hanne Helsesøster");
    let home = app
        .gql("guardian", "mutation($l: ID!) { addGoal(input: { logId: $l, area: HOME_LEISURE, btiLevel: 1, description: \"Faste leggetider\" }) { goal { id } userErrors { field code message } } }", json!({ "l": log }))
        .await;
    home.ok();
    let updated = app
        .gql(
            "participant",
            "mutation($m: ID!) { updateMeasure(measureId: $m, input: { status: IN_PROGRESS }) { measure { status } userErrors { field code message } } }",
            json!({ "m": measure_id }),
        )
        .await;
    assert_eq!(updated.ok()["updateMeasure"]["measure"]["status"], "IN_PROGRESS");
    app.gql(
        "participant",
        "mutation($m: ID!) { addEvaluation(input: { measureId: $m, body: \"God fremgang\" }) { evaluation { id } userErrors { field code message } } }",
        json!({ "m": measure_id }),
    )
    .await
    .ok();
    let after_goals = state(&app, "guardian", &log).await;
    let goals = after_goals.ok()["log"]["goals"].as_array().unwrap().clone();
    assert_eq!(goals.len(), 2);
    assert_eq!(goals[0]["measures"][0]["status"], "IN_PROGRESS");
    assert_eq!(goals[0]["measures"][0]["deadline"], deadline.as_str());
    assert_eq!(goals[0]["measures"][0]["evaluations"][0]["body"], "God fremgang");

    // 5. A meeting: invitation, minutes, and an immutable snapshot after it.
    let starts = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let meeting = app
        .gql(
            "coordinator",
            "mutation($l: ID!, $t: DateTime!) { scheduleMeeting(input: { logId: $l, title: \"Samarbeidsmøte\", startsAt: $t, agenda: \"Mål og tiltak\" }) { meeting { id status } userErrors { field code message } } }",
            json!({ "l": log, "t": starts }),
        )
        .await;
    let meeting_id = s(&meeting.ok()["scheduleMeeting"]["meeting"]["id"]).to_owned();
    let minutes = app
        .gql("coordinator", "mutation($m: ID!) { recordMinutes(meetingId: $m, input: { minutes: \"Vi ble enige om tiltakene.\" }) { meeting { status minutes } userErrors { field code message } } }", json!({ "m": meeting_id }))
        .await;
    assert_eq!(minutes.ok()["recordMinutes"]["meeting"]["status"], "HELD");
    let after_meeting = state(&app, "guardian", &log).await;
    assert_eq!(nodes(&after_meeting.ok()["log"]["snapshots"]), [json!({ "reason": "MEETING", "restricted": false })]);
    let inbox = app
        .gql("guardian", "query($l: ID!) { log(id: $l) { messages { edges { node { kind } } } } }", json!({ "l": log }))
        .await;
    let kinds: Vec<&str> =
        inbox.ok()["log"]["messages"]["edges"].as_array().unwrap().iter().map(|e| s(&e["node"]["kind"])).collect();
    // The NOTICE is the family's word that Kari's paper consent was registered (step 2).
    assert_eq!(kinds, vec!["MINUTES", "INVITATION", "NOTICE"], "invitation and minutes went out as messages");

    // 6. Handover: proposed to the nurse, who accepts; history is kept.
    let to_stranger = app
        .gql(
            "coordinator",
            "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { field code message } } }",
            json!({ "l": log, "p": ids::person("unconsented") }),
        )
        .await;
    assert!(to_stranger.user_err("BAD_USER_INPUT").starts_with("participantId"), "{:#}", to_stranger.body);
    let handover = app
        .gql(
            "coordinator",
            "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id status } userErrors { field code message } } }",
            json!({ "l": log, "p": nurse_participant }),
        )
        .await;
    assert_eq!(handover.ok()["proposeHandover"]["handover"]["status"], "PENDING");
    let handover_id = s(&handover.data()["proposeHandover"]["handover"]["id"]).to_owned();
    assert_eq!(
        state(&app, "guardian", &log).await.ok()["log"]["coordinator"]["name"],
        "Ingrid Lærer",
        "the baton moves only on acceptance"
    );
    app.gql(
        "participant",
        "mutation($h: ID!) { acceptHandover(handoverId: $h) { log { id } userErrors { field code message } } }",
        json!({ "h": handover_id }),
    )
    .await
    .ok();
    let handed = state(&app, "guardian", &log).await;
    assert_eq!(handed.ok()["log"]["coordinator"]["name"], "Hanne Helsesøster");
    let history = handed.data()["log"]["coordinatorHistory"].as_array().unwrap().clone();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["coordinator"]["name"], "Ingrid Lærer");
    assert!(!history[0]["endedAt"].is_null());

    // 7. A guardian withdraws consent: PASSIVE, and a participant sees nothing.
    let consents = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { consents { id scope valid givenBy { id } } } }",
            json!({ "l": log }),
        )
        .await;
    let own = consents.ok()["log"]["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == "LOG" && c["givenBy"]["id"] == json!(ids::person("guardian")))
        .map(|c| s(&c["id"]).to_owned())
        .unwrap();
    app.gql(
        "guardian",
        "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { valid } userErrors { field code message } } }",
        json!({ "c": own }),
    )
    .await
    .ok();
    assert_eq!(state(&app, "guardian", &log).await.ok()["log"]["status"], "PASSIVE");
    let hidden = state(&app, "coordinator", &log).await;
    assert_eq!(hidden.err("NOT_FOUND"), "Log not found", "the (former coordinator) participant sees nothing");
    let holder = state(&app, "participant", &log).await;
    assert_eq!(holder.data()["log"]["status"], "PASSIVE", "the coordinator keeps metadata");
    assert!(holder.data()["log"]["goals"].is_null());
    let posted = app
        .gql(
            "coordinator",
            "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Hei\" }) { message { id } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    posted.err("NOT_FOUND");

    // Consent given again: ACTIVE, and the participant sees the log again.
    app.gql("guardian", "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { valid } userErrors { field code message } } }", json!({ "l": log }))
        .await
        .ok();
    assert_eq!(state(&app, "coordinator", &log).await.data()["log"]["status"], "ACTIVE");

    // 8. Closed: frozen, with a final snapshot; professionals lose access.
    let closed = app
        .gql(
            "participant",
            "mutation($l: ID!) { closeLog(logId: $l, input: { reason: GOALS_REACHED, details: \"Målene er nådd\" }) { log { status } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    assert_eq!(closed.data()["closeLog"]["log"]["status"], "CLOSED");
    let frozen = app
        .gql(
            "guardian",
            "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Hei\" }) { message { id } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    assert!(frozen.user_err("CONFLICT").contains("avsluttet"));
    let frozen_goal = app
        .gql(
            "guardian",
            "mutation($g: ID!) { updateGoal(goalId: $g, input: { description: \"x\" }) { goal { id } userErrors { field code message } } }",
            json!({ "g": goal_id }),
        )
        .await;
    frozen_goal.user_err("CONFLICT");
    let after_close = state(&app, "guardian", &log).await;
    let snapshots = nodes(&after_close.ok()["log"]["snapshots"]);
    assert_eq!(snapshots[0]["reason"], "CLOSING");
    assert!(after_close.data()["log"]["consents"].as_array().unwrap().iter().all(|c| c["valid"] == false));
    state(&app, "coordinator", &log).await.err("NOT_FOUND");

    // 9. Reopened with both guardians' approval; only units consented again regain access.
    let reopen =
        app.gql("participant", "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { status } userErrors { field code message } } }", json!({ "l": log })).await;
    assert_eq!(reopen.ok()["requestReopen"]["reopenRequest"]["status"], "PENDING");
    app.gql(
        "guardian",
        "mutation($l: ID!) { approveReopen(logId: $l) { log { status } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await
    .ok();
    assert_eq!(state(&app, "guardian", &log).await.ok()["log"]["status"], "CLOSED", "both guardians must approve");
    let reopened = app
        .gql(
            "guardian2",
            "mutation($l: ID!) { approveReopen(logId: $l) { log { status } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    assert_eq!(reopened.ok()["approveReopen"]["log"]["status"], "ACTIVE");
    let school = state(&app, "coordinator", &log).await;
    assert!(school.data()["log"]["goals"].is_array(), "the home unit is covered by the renewed log consent");
    let health = state(&app, "participant", &log).await;
    assert!(health.data()["log"]["goals"].is_null(), "the health station has not been consented again");
    assert_eq!(health.data()["log"]["myRoles"], json!(["COORDINATOR_METADATA_ONLY"]));

    // 10. Deletion requested by a guardian and processed by the municipal admin.
    let request = app
        .gql(
            "guardian",
            "mutation($l: ID!) { requestDeletion(logId: $l, input: { reason: \"Vi ønsker sletting\" }) { deletionRequest { id } userErrors { field code message } } }",
            json!({ "l": log }),
        )
        .await;
    let request_id = s(&request.ok()["requestDeletion"]["deletionRequest"]["id"]).to_owned();
    app.gql(
        "guardian",
        "mutation($r: ID!) { processDeletion(requestId: $r) { log { id } userErrors { field code message } } }",
        json!({ "r": request_id }),
    )
    .await
    .err("FORBIDDEN");
    let processed = app
        .gql(
            "municipaladmin",
            "mutation($r: ID!) { processDeletion(requestId: $r) { log { status deletedAt } userErrors { field code message } } }",
            json!({ "r": request_id }),
        )
        .await;
    assert_eq!(processed.ok()["processDeletion"]["log"]["status"], "CLOSED");
    let deleted = state(&app, "guardian", &log).await;
    let d = &deleted.ok()["log"];
    assert!(!d["deletedAt"].is_null());
    assert_eq!(d["goals"], json!([]), "live content is purged");
    assert_eq!(d["meetings"], json!({ "totalCount": 0, "edges": [] }));
    assert!(nodes(&d["snapshots"]).iter().all(|s| s["restricted"] == true), "snapshots stay, restricted");
    assert_eq!(d["snapshots"]["totalCount"], 3, "meeting, closing, and closing before deletion");
    let audit = app
        .gql(
            "municipaladmin",
            "query($l: ID!) { log(id: $l) { snapshots { edges { node { restricted content { status } } } } } }",
            json!({ "l": log }),
        )
        .await;
    assert!(audit.data()["log"]["snapshots"]["edges"][0]["node"]["content"].is_null());
    assert!(audit.codes().iter().all(|c| c == "FORBIDDEN"), "restricted snapshots: metadata only");
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM goal WHERE log_id = '{log}'")).await, 0);
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM archive_snapshot WHERE log_id = '{log}'")).await, 3);
}

/// The invitation says the meeting's time as people in Norway read it
/// (Europe/Oslo), not in UTC (issue 19, point 1): 09:30 UTC in January is
/// 10:30, and 09:30 UTC in June is 11:30.
#[tokio::test]
async fn an_invitation_gives_norwegian_local_time() {
    let app = TestApp::demo().await;
    let schedule = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }";
    for (starts_at, shown) in
        [("2027-01-15T09:30:00Z", "15.01.2027 kl. 10:30"), ("2027-06-15T09:30:00Z", "15.06.2027 kl. 11:30")]
    {
        let r = app
            .gql(
                "coordinator",
                schedule,
                json!({ "i": { "logId": stafett_tests::ids::EMMA_LOG, "title": "Oppfølging", "startsAt": starts_at } }),
            )
            .await;
        let meeting = r.ok()["scheduleMeeting"]["meeting"]["id"].as_str().unwrap().to_owned();
        let said = app
            .count(&format!(
                "SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND kind = 'INVITATION'
                   AND body LIKE '%Tid: {shown}%' AND body NOT LIKE '%UTC%'"
            ))
            .await;
        assert_eq!(said, 1, "{starts_at} is shown as {shown}");
    }
}
