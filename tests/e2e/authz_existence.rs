//! No existence leaks (DESIGN.md §3): "A principal with no relation to a log
//! must get exactly the same answer as for a log that does not exist."
//!
//! For every query field and mutation that takes the id of a log or of an
//! object in one, a principal without access asks with a real, hidden id and
//! with a random one. The two answers must be identical — HTTP status, error
//! code, message, the whole body — and so must their timing class: the
//! number of SQL statements each request sent (requests run one at a time,
//! so the pool's counter tells them apart).
//!
//! `node` and `nodes` take an id of any kind; they answer null for a random
//! id, and must answer null, after as many statements, for a hidden one.
//!
//! Subscriptions (`messageAdded`, `logActivity`) also take a log id, but run
//! over the websocket; they are not covered here.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};
use stafett_tests::ids::{self, EMMA_LOG, JONAS_LOG, NORA_LOG, PPT};
use stafett_tests::{Gql, TestApp};
use uuid::Uuid;

/// The kinds of object an id can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Log,
    Goal,
    Measure,
    Meeting,
    Message,
    Consent,
    Snapshot,
    Participant,
    Handover,
    DeletionRequest,
}
use Kind::*;

const KINDS: [Kind; 10] =
    [Log, Goal, Measure, Meeting, Message, Consent, Snapshot, Participant, Handover, DeletionRequest];

impl Kind {
    /// The table its rows live in (each has a `log_id`).
    fn table(self) -> &'static str {
        match self {
            Log => "log",
            Goal => "goal",
            Measure => "measure",
            Meeting => "meeting",
            Message => "message",
            Consent => "consent",
            Snapshot => "archive_snapshot",
            Participant => "participant",
            Handover => "handover",
            DeletionRequest => "deletion_request",
        }
    }
}

impl Kind {
    /// Its GraphQL type, which a NOT_FOUND names ("Goal not found"), so a
    /// client can tell which of several ids in a request was not found.
    fn type_name(self) -> &'static str {
        match self {
            Log => "Log",
            Goal => "Goal",
            Measure => "Measure",
            Meeting => "Meeting",
            Message => "Message",
            Consent => "Consent",
            Snapshot => "ArchiveSnapshot",
            Participant => "Participant",
            Handover => "Handover",
            DeletionRequest => "DeletionRequest",
        }
    }
}

/// One operation taking the id of a `kind` object as `$id`. Other arguments
/// are fixed per log (see [`Aux`]) and equal for the hidden and random id.
struct Case {
    name: &'static str,
    kind: Kind,
    op: &'static str,
}

/// `node` answers null, with no error, for an absent id (Relay), so its
/// cases compare with that instead of NOT_FOUND.
const NODE: &str = "query($id: ID!) { node(id: $id) { id __typename } }";
const NODES: &str = "query($id: ID!) { nodes(ids: [$id]) { id __typename } }";

const CASES: &[Case] = &[
    Case { name: "query log(id)", kind: Log, op: "query($id: ID!) { log(id: $id) { id status child { name } } }" },
    Case {
        name: "updateLogText(logId)",
        kind: Log,
        op: "mutation($id: ID!) { updateLogText(logId: $id, input: { presentation: \"x\" }) { log { id } userErrors { field code message } } }",
    },
    Case {
        name: "closeLog(logId)",
        kind: Log,
        op: "mutation($id: ID!) { closeLog(logId: $id, input: { reason: OTHER, details: \"x\" }) { log { id } userErrors { field code message } } }",
    },
    Case {
        name: "requestReopen(logId)",
        kind: Log,
        op: "mutation($id: ID!) { requestReopen(logId: $id) { reopenRequest { id } userErrors { field code message } } }",
    },
    Case {
        name: "approveReopen(logId)",
        kind: Log,
        op: "mutation($id: ID!) { approveReopen(logId: $id) { log { id } userErrors { field code message } } }",
    },
    Case {
        name: "requestDeletion(logId)",
        kind: Log,
        op: "mutation($id: ID!) { requestDeletion(logId: $id, input: { reason: \"x\" }) { deletionRequest { id } userErrors { field code message } } }",
    },
    Case {
        name: "giveConsent(logId)",
        kind: Log,
        op: "mutation($id: ID!) { giveConsent(input: { logId: $id }) { consent { id } userErrors { field code message } } }",
    },
    Case {
        name: "giveConsent(logId, unitId)",
        kind: Log,
        op: "mutation($id: ID!, $unit: ID!) { giveConsent(input: { logId: $id, unitId: $unit }) { consent { id } userErrors { field code message } } }",
    },
    Case {
        name: "registerPaperConsent(logId)",
        kind: Log,
        op: "mutation($id: ID!, $person: ID!) { registerPaperConsent(input: { logId: $id, ownerId: $person, documentReference: \"arkiv 1\", signedOn: \"2026-01-05\" }) { consent { id } userErrors { field code message } } }",
    },
    Case {
        name: "proposeUnit(logId)",
        kind: Log,
        op: "mutation($id: ID!, $unit: ID!) { proposeUnit(logId: $id, input: { unitId: $unit, reason: \"x\" }) { unitProposal { id } userErrors { field code message } } }",
    },
    Case {
        name: "addParticipant(logId)",
        kind: Log,
        op: "mutation($id: ID!, $staff: ID!, $unit: ID!) { addParticipant(input: { logId: $id, staffId: $staff, unitId: $unit }) { participant { id } userErrors { field code message } } }",
    },
    Case {
        name: "proposeHandover(logId)",
        kind: Log,
        op: "mutation($id: ID!, $participant: ID!) { proposeHandover(logId: $id, input: { participantId: $participant }) { handover { id } userErrors { field code message } } }",
    },
    Case {
        name: "addGoal(logId)",
        kind: Log,
        op: "mutation($id: ID!) { addGoal(input: { logId: $id, area: HOME_LEISURE, btiLevel: 1, description: \"x\" }) { goal { id } userErrors { field code message } } }",
    },
    Case {
        name: "scheduleMeeting(logId)",
        kind: Log,
        op: "mutation($id: ID!, $at: DateTime!) { scheduleMeeting(input: { logId: $id, title: \"x\", startsAt: $at }) { meeting { id } userErrors { field code message } } }",
    },
    Case {
        name: "postMessage(logId)",
        kind: Log,
        op: "mutation($id: ID!) { postMessage(input: { logId: $id, body: \"x\" }) { message { id } userErrors { field code message } } }",
    },
    Case {
        name: "updateGoal(goalId)",
        kind: Goal,
        op: "mutation($id: ID!) { updateGoal(goalId: $id, input: { description: \"x\" }) { goal { id } userErrors { field code message } } }",
    },
    Case {
        name: "addMeasure(goalId)",
        kind: Goal,
        op: "mutation($id: ID!, $person: ID!) { addMeasure(input: { goalId: $id, description: \"x\", responsibleId: $person }) { measure { id } userErrors { field code message } } }",
    },
    Case {
        name: "addEvaluation(goalId)",
        kind: Goal,
        op: "mutation($id: ID!) { addEvaluation(input: { goalId: $id, body: \"x\" }) { evaluation { id } userErrors { field code message } } }",
    },
    Case {
        name: "addComment(goalId)",
        kind: Goal,
        op: "mutation($id: ID!) { addComment(input: { goalId: $id, body: \"x\" }) { comment { id } userErrors { field code message } } }",
    },
    Case {
        name: "updateMeasure(measureId)",
        kind: Measure,
        op: "mutation($id: ID!) { updateMeasure(measureId: $id, input: { status: DONE }) { measure { id } userErrors { field code message } } }",
    },
    Case {
        name: "addEvaluation(measureId)",
        kind: Measure,
        op: "mutation($id: ID!) { addEvaluation(input: { measureId: $id, body: \"x\" }) { evaluation { id } userErrors { field code message } } }",
    },
    Case {
        name: "addComment(measureId)",
        kind: Measure,
        op: "mutation($id: ID!) { addComment(input: { measureId: $id, body: \"x\" }) { comment { id } userErrors { field code message } } }",
    },
    Case {
        name: "recordMinutes(meetingId)",
        kind: Meeting,
        op: "mutation($id: ID!) { recordMinutes(meetingId: $id, input: { minutes: \"x\" }) { meeting { id } userErrors { field code message } } }",
    },
    Case {
        name: "rescheduleMeeting(meetingId)",
        kind: Meeting,
        op: "mutation($id: ID!) { rescheduleMeeting(meetingId: $id, input: { startsAt: \"2030-01-15T09:00:00Z\" }) { meeting { id } userErrors { field code message } } }",
    },
    Case {
        name: "cancelMeeting(meetingId)",
        kind: Meeting,
        op: "mutation($id: ID!) { cancelMeeting(meetingId: $id) { meeting { id } userErrors { field code message } } }",
    },
    Case {
        name: "addAgendaItem(meetingId)",
        kind: Meeting,
        op: "mutation($id: ID!) { addAgendaItem(meetingId: $id, input: { text: \"x\" }) { agendaItem { id } userErrors { field code message } } }",
    },
    Case {
        name: "markMessageRead(messageId)",
        kind: Message,
        op: "mutation($id: ID!) { markMessageRead(messageId: $id) { message { id } userErrors { field code message } } }",
    },
    Case {
        name: "withdrawConsent(consentId)",
        kind: Consent,
        op: "mutation($id: ID!) { withdrawConsent(consentId: $id) { consent { id } userErrors { field code message } } }",
    },
    Case {
        name: "query snapshot(id)",
        kind: Snapshot,
        op: "query($id: ID!) { snapshot(id: $id) { id reason content { status } } }",
    },
    Case {
        name: "removeParticipant(logId)",
        kind: Log,
        op: "mutation($id: ID!, $participant: ID!) { removeParticipant(logId: $id, input: { participantId: $participant }) { participant { id } userErrors { field code message } } }",
    },
    Case {
        name: "acceptHandover(handoverId)",
        kind: Handover,
        op: "mutation($id: ID!) { acceptHandover(handoverId: $id) { log { id } userErrors { field code message } } }",
    },
    Case {
        name: "declineHandover(handoverId)",
        kind: Handover,
        op: "mutation($id: ID!) { declineHandover(handoverId: $id) { log { id } userErrors { field code message } } }",
    },
    Case {
        name: "cancelHandover(handoverId)",
        kind: Handover,
        op: "mutation($id: ID!) { cancelHandover(handoverId: $id) { handover { id } userErrors { field code message } } }",
    },
    Case { name: "query node(id) of a log", kind: Log, op: NODE },
    Case { name: "query node(id) of a goal", kind: Goal, op: NODE },
    Case { name: "query node(id) of a measure", kind: Measure, op: NODE },
    Case { name: "query node(id) of a meeting", kind: Meeting, op: NODE },
    Case { name: "query node(id) of a message", kind: Message, op: NODE },
    Case { name: "query node(id) of a consent", kind: Consent, op: NODE },
    Case { name: "query node(id) of a snapshot", kind: Snapshot, op: NODE },
    Case { name: "query node(id) of a handover", kind: Handover, op: NODE },
    Case { name: "query node(id) of a deletion request", kind: DeletionRequest, op: NODE },
    Case { name: "query nodes(ids) of a log", kind: Log, op: NODES },
    Case { name: "query nodes(ids) of a goal", kind: Goal, op: NODES },
    Case { name: "query nodes(ids) of a message", kind: Message, op: NODES },
    Case {
        name: "processDeletion(requestId)",
        kind: DeletionRequest,
        op: "mutation($id: ID!) { processDeletion(requestId: $id) { log { id } userErrors { field code message } } }",
    },
];

/// Outsiders of every kind on Emma's ACTIVE log: a citizen with no log, PPT
/// staff whose unit is proposed but not consented, the system owner, the
/// owner of another log, and the unit admin of another municipality.
#[tokio::test]
async fn objects_of_a_log_you_may_not_know_of_answer_like_absent_ones() {
    let app = TestApp::demo().await;
    add_handover_and_deletion_request(&app).await;
    let targets = targets(&app, EMMA_LOG).await;
    assert_every_kind(&targets);
    let mut wrong = Vec::new();
    let mut cases = 0;
    for who in ["outsider", "unconsented", "systemowner", "youth", "othermunicipality"] {
        cases += compare_all(&app, who, EMMA_LOG, &targets, &mut wrong).await;
    }
    report(wrong, cases);
}

/// The health-station nurse takes part in Jonas' PASSIVE and Nora's CLOSED
/// logs, so she is treated as an outsider there (DESIGN.md §3's note). The
/// demo gives those logs no meeting, handover or deletion request (Jonas no
/// snapshot either); they are added in SQL, so every case runs on both.
#[tokio::test]
async fn a_participant_cannot_tell_a_passive_or_closed_logs_objects_from_absent_ones() {
    let app = TestApp::demo().await;
    let mut wrong = Vec::new();
    let mut cases = 0;
    for log in [JONAS_LOG, NORA_LOG] {
        add_missing_kinds(&app, log).await;
        let targets = targets(&app, log).await;
        assert_every_kind(&targets);
        cases += compare_all(&app, "participant", log, &targets, &mut wrong).await;
    }
    assert_eq!(cases, 2 * CASES.len(), "every case on both logs");
    report(wrong, cases);
}

/// Emma's log made PASSIVE through the API, so that every kind of object
/// exists — a handover addressed to the nurse herself included.
#[tokio::test]
async fn a_participant_cannot_tell_objects_of_a_log_made_passive_from_absent_ones() {
    let app = TestApp::demo().await;
    add_handover_and_deletion_request(&app).await;
    withdraw_own_log_consent(&app, "guardian", EMMA_LOG).await;
    let targets = targets(&app, EMMA_LOG).await;
    assert_every_kind(&targets);
    let mut wrong = Vec::new();
    let cases = compare_all(&app, "participant", EMMA_LOG, &targets, &mut wrong).await;
    report(wrong, cases);
}

fn report(wrong: Vec<String>, cases: usize) {
    assert!(
        wrong.is_empty(),
        "{} of {cases} hidden ids answer differently from a random id:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Runs every case as `who`; returns how many ran. A kind without a target
/// fails the test rather than skipping its cases unseen.
async fn compare_all(app: &TestApp, who: &str, log: Uuid, targets: &[(Kind, Uuid)], wrong: &mut Vec<String>) -> usize {
    let aux = Aux::of(app, log).await;
    // The first request of a principal may warm a pool connection; keep
    // that out of the comparison.
    app.gql(who, "{ me { id } }", json!({})).await.ok();
    let mut ran = 0;
    for case in CASES {
        let Some((_, hidden)) = targets.iter().find(|(k, _)| *k == case.kind) else {
            panic!("set-up: {} holds no {:?} for {}", log_name(log), case.kind, case.name);
        };
        ran += 1;
        if let Err(why) = same_as_absent(app, who, case, *hidden, &aux).await {
            wrong.push(format!("{} as {who} on {} ({:?} {hidden}): {why}", case.name, log_name(log), case.kind));
        }
    }
    ran
}

/// Asks with the hidden id, then with a random one, and compares.
async fn same_as_absent(app: &TestApp, who: &str, case: &Case, hidden: Uuid, aux: &Aux) -> Result<(), String> {
    let (seen, seen_queries) = timed(app, who, case.op, aux.vars(hidden)).await;
    let (absent, absent_queries) = timed(app, who, case.op, aux.vars(Uuid::new_v4())).await;
    // A random id must reach the lookup and miss; an answer rejected
    // earlier (bad input, a role check) would make the comparison empty.
    if case.op == NODE || case.op == NODES {
        let missed =
            absent.data()["node"].is_null() && absent.data()["nodes"].as_array().is_none_or(|n| n[0].is_null());
        if !absent.errors().is_empty() || !missed {
            return Err(format!("(test premise) a random id should answer a null node: {}", absent.body));
        }
    } else if absent.codes() != ["NOT_FOUND"] {
        return Err(format!("(test premise) a random id should fail with one NOT_FOUND: {}", absent.body));
    }
    let named = format!("{} not found", case.kind.type_name());
    if let Some(error) = absent.errors().into_iter().next()
        && error["message"] != named.as_str()
    {
        return Err(format!("a random id should answer \"{named}\": {}", absent.body));
    }
    if seen.status != absent.status || seen.body != absent.body {
        return Err(format!(
            "answers differ\n      hidden id ({}): {}\n      random id ({}): {}",
            seen.status, seen.body, absent.status, absent.body
        ));
    }
    if seen_queries != absent_queries {
        return Err(format!("the hidden id took {seen_queries} SQL statements, a random id {absent_queries}"));
    }
    Ok(())
}

/// A request and the number of SQL statements it sent.
async fn timed(app: &TestApp, who: &str, op: &str, vars: Value) -> (Gql, u64) {
    let before = app.queries();
    let got = app.gql(who, op, vars).await;
    (got, app.queries() - before)
}

/// The arguments besides the id: real ones from the same log, so that only
/// the id can make the difference.
struct Aux {
    guardian: Uuid,
    participant: Uuid,
}

impl Aux {
    async fn of(app: &TestApp, log: Uuid) -> Aux {
        Aux {
            guardian: one(
                app,
                &format!("SELECT citizen_id AS id FROM guardian WHERE log_id = '{log}' ORDER BY citizen_id LIMIT 1"),
            )
            .await
            .expect("the log has a guardian"),
            participant: one(
                app,
                &format!("SELECT staff_id AS id FROM participant WHERE log_id = '{log}' ORDER BY id LIMIT 1"),
            )
            .await
            .expect("the log has a participant"),
        }
    }

    fn vars(&self, id: Uuid) -> Value {
        json!({
            "id": id,
            "person": self.guardian,
            "participant": self.participant,
            "staff": ids::person("unconsented"),
            "unit": PPT,
            "at": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339(),
        })
    }
}

/// One real id of each kind in the log (those the log has).
async fn targets(app: &TestApp, log: Uuid) -> Vec<(Kind, Uuid)> {
    let mut found = vec![(Log, log)];
    for kind in KINDS.into_iter().filter(|k| *k != Log) {
        let sql = format!("SELECT id FROM {} WHERE log_id = '{log}' ORDER BY id LIMIT 1", kind.table());
        if let Some(id) = one(app, &sql).await {
            found.push((kind, id));
        }
    }
    found
}

fn assert_every_kind(targets: &[(Kind, Uuid)]) {
    for kind in KINDS {
        assert!(targets.iter().any(|(k, _)| *k == kind), "set-up: the log holds no {kind:?}");
    }
}

async fn one(app: &TestApp, sql: &str) -> Option<Uuid> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let mut conn = app.conn().await;
    diesel::sql_query(sql)
        .load::<Id>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.id)
        .next()
}

/// What the demo lacks on Emma's log: a pending handover (to the nurse) and
/// an open deletion request.
async fn add_handover_and_deletion_request(app: &TestApp) {
    let nurse = ids::person("participant");
    app.gql(
        "coordinator",
        "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG, "p": nurse }),
    )
    .await
    .ok();
    app.gql(
        "guardian",
        "mutation($l: ID!) { requestDeletion(logId: $l, input: { reason: \"Vi vurderer sletting\" }) { deletionRequest { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG }),
    )
    .await
    .ok();
}

/// Adds, in SQL, one object of each kind the demo left out of `log`: a
/// meeting, an archive snapshot, a pending handover from the coordinator to
/// the nurse, and an open deletion request from a guardian. (Through the API
/// a PASSIVE or CLOSED log takes none of them, which is the point: the rows
/// exist, and must stay as invisible as absent ones.)
async fn add_missing_kinds(app: &TestApp, log: Uuid) {
    let have: Vec<Kind> = targets(app, log).await.into_iter().map(|(k, _)| k).collect();
    let coordinator = ids::person("coordinator");
    let nurse = ids::person("participant");
    let mut conn = app.conn().await;
    for kind in KINDS.into_iter().filter(|k| !have.contains(k)) {
        let sql = match kind {
            Meeting => format!(
                "INSERT INTO meeting (id, log_id, title, starts_at, created_by)
                 VALUES (gen_random_uuid(), '{log}', 'Samarbeidsmøte', now() + interval '3 days', '{coordinator}')"
            ),
            Snapshot => format!(
                "INSERT INTO archive_snapshot (id, log_id, reason, taken_by, content)
                 SELECT gen_random_uuid(), '{log}', 'MEETING', '{coordinator}', content
                   FROM archive_snapshot ORDER BY taken_at LIMIT 1"
            ),
            Handover => format!(
                "INSERT INTO handover (id, log_id, from_staff_id, to_participant_id, to_staff_id)
                 SELECT gen_random_uuid(), log_id, '{coordinator}', id, staff_id
                   FROM participant WHERE log_id = '{log}' AND staff_id = '{nurse}'"
            ),
            DeletionRequest => format!(
                "INSERT INTO deletion_request (id, log_id, requested_by, reason)
                 SELECT gen_random_uuid(), log_id, citizen_id, 'Vi vurderer sletting'
                   FROM guardian WHERE log_id = '{log}' ORDER BY citizen_id LIMIT 1"
            ),
            other => panic!("set-up: the demo gave {} no {other:?}", log_name(log)),
        };
        let added = diesel::sql_query(&sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(added, 1, "set-up: {sql}");
    }
}

/// An owner withdraws her own consent to the log, which makes it PASSIVE.
async fn withdraw_own_log_consent(app: &TestApp, owner: &str, log: Uuid) {
    let consent = one(
        app,
        &format!(
            "SELECT id FROM consent WHERE log_id = '{log}' AND given_by = '{}' AND unit_id IS NULL AND withdrawn_at IS NULL",
            ids::person(owner)
        ),
    )
    .await
    .expect("the owner's consent to the log");
    app.gql(
        owner,
        "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { valid } userErrors { field code message } } }",
        json!({ "c": consent }),
    )
    .await
    .ok();
    let status = app.gql(owner, "query($l: ID!) { log(id: $l) { status } }", json!({ "l": log })).await;
    assert_eq!(status.ok()["log"]["status"], "PASSIVE", "set-up");
}

fn log_name(log: Uuid) -> &'static str {
    match log {
        l if l == EMMA_LOG => "Emma's log",
        l if l == JONAS_LOG => "Jonas' log",
        l if l == NORA_LOG => "Nora's log",
        _ => "a log",
    }
}
