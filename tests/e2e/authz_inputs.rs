//! No mass assignment: inputs cannot set what the server owns — status,
//! author, timestamps, the log of a nested object, the coordinator. Each such
//! field is unknown to its input type, so the request is refused by GraphQL
//! validation (BAD_USER_INPUT) and the database is left exactly as it was.
//! And the log of a nested object always comes from its parent; an id of
//! another log in an input that legitimately carries ids (a responsible
//! person, recipients, invitees, a goal) is refused, and one of a log the
//! caller cannot see answers like a random id.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use serde_json::{Map, Value, json};
use stafett_server::demo::Persona;
use stafett_tests::ids::{self, EMMA_LOG, HEALTH_STATION, PPT, SARA_LOG, SCHOOL};
use stafett_tests::world::{self, OTHER_TEACHER, OtherLog};
use stafett_tests::{Gql, TestApp};
use uuid::Uuid;

/// One attempt: a mutation whose `input` is valid apart from `extra`, a
/// server-owned field the client tries to set.
struct Attempt {
    persona: &'static str,
    mutation: &'static str,
    /// Arguments before `input`, e.g. `measureId: "…", `.
    args: String,
    input_type: &'static str,
    /// A valid input without the extra field.
    base: Value,
    extra: (&'static str, Value),
}

/// A timestamp in the past, as a client would forge it.
const FORGED_TIME: &str = "2020-01-01T00:00:00Z";

/// Every server-owned field we could think of a client trying to set.
async fn attempts(app: &TestApp) -> Vec<Attempt> {
    let emma_goal = first_id(app, "goal", EMMA_LOG).await;
    let emma_measure = first_id(app, "measure", EMMA_LOG).await;
    let sara_goal = first_id(app, "goal", SARA_LOG).await;
    let nurse = ids::person("participant");
    let guardian = ids::person("guardian");
    let guardian2 = ids::person("guardian2");
    let coordinator = ids::person("coordinator");
    let later = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();

    let goal = json!({ "logId": EMMA_LOG, "area": "HOME_LEISURE", "btiLevel": 1, "description": "Mer søvn" });
    let measure = json!({ "goalId": emma_goal, "description": "Leggetid kl 21", "responsibleId": nurse });
    let message = json!({ "logId": EMMA_LOG, "body": "Hei" });
    let evaluation = json!({ "measureId": emma_measure, "body": "Går bra" });
    let comment = json!({ "measureId": emma_measure, "body": "Enig" });
    let meeting = json!({ "logId": EMMA_LOG, "title": "Møte", "startsAt": later });
    let log = json!({
        "unitId": SCHOOL,
        "coordinatorId": coordinator,
        "child": { "name": "Lars Nordmann", "nationalId": child_national_id() },
        "guardians": [{ "nationalId": national_id("guardian"), "name": "Ola Nordmann" }],
    });
    let text = json!({ "presentation": "Ny tekst" });
    let edit = json!({ "description": "Endret" });
    let unit_consent = json!({ "logId": EMMA_LOG, "unitId": PPT });
    let staff = json!({ "logId": EMMA_LOG, "staffId": ids::person("unitadmin"), "unitId": SCHOOL });
    let successor = ids::person("unconsented");
    let on_goal = format!("goalId: \"{emma_goal}\", ");
    let on_measure = format!("measureId: \"{emma_measure}\", ");
    let on_log = format!("logId: \"{EMMA_LOG}\", ");
    let attempt = |persona, mutation, args: &str, input_type, base: &Value, extra| Attempt {
        persona,
        mutation,
        args: args.to_owned(),
        input_type,
        base: base.clone(),
        extra,
    };
    // One attempt a line: who, the mutation, arguments before `input`, the
    // input type, a valid input, and the forged field with its value.
    #[rustfmt::skip]
    let attempts = vec![
        // status
        attempt("coordinator", "addGoal", "", "AddGoalInput", &goal, ("status", json!("ACHIEVED"))),
        attempt("coordinator", "addMeasure", "", "AddMeasureInput", &measure, ("status", json!("DONE"))),
        attempt("unitadmin", "createLog", "", "CreateLogInput", &log, ("status", json!("ACTIVE"))),
        attempt("coordinator", "updateLogText", &on_log, "LogTextInput", &text, ("status", json!("CLOSED"))),
        attempt("coordinator", "scheduleMeeting", "", "ScheduleMeetingInput", &meeting, ("status", json!("HELD"))),
        attempt("coordinator", "scheduleMeeting", "", "ScheduleMeetingInput", &meeting, ("minutes", json!("Referat"))),
        // author
        attempt("guardian", "postMessage", "", "PostMessageInput", &message, ("authorId", json!(guardian2))),
        attempt("coordinator", "addEvaluation", "", "AddEvaluationInput", &evaluation, ("authorId", json!(guardian))),
        attempt("coordinator", "addComment", "", "AddCommentInput", &comment, ("authorId", json!(guardian))),
        attempt("coordinator", "addGoal", "", "AddGoalInput", &goal, ("createdBy", json!(guardian))),
        attempt("guardian", "giveConsent", "", "GiveConsentInput", &unit_consent, ("givenBy", json!(guardian2))),
        attempt("guardian", "giveConsent", "", "GiveConsentInput", &unit_consent, ("method", json!("PAPER"))),
        // timestamps
        attempt("coordinator", "updateMeasure", &on_measure, "UpdateMeasureInput", &edit, ("createdAt", json!(FORGED_TIME))),
        attempt("coordinator", "updateMeasure", &on_measure, "UpdateMeasureInput", &edit, ("updatedAt", json!(FORGED_TIME))),
        attempt("coordinator", "addGoal", "", "AddGoalInput", &goal, ("createdAt", json!(FORGED_TIME))),
        attempt("guardian", "postMessage", "", "PostMessageInput", &message, ("createdAt", json!(FORGED_TIME))),
        attempt("unitadmin", "createLog", "", "CreateLogInput", &log, ("createdAt", json!(FORGED_TIME))),
        // the log (or parent) of a nested object
        attempt("coordinator", "addMeasure", "", "AddMeasureInput", &measure, ("logId", json!(SARA_LOG))),
        attempt("coordinator", "updateMeasure", &on_measure, "UpdateMeasureInput", &edit, ("goalId", json!(sara_goal))),
        attempt("coordinator", "updateMeasure", &on_measure, "UpdateMeasureInput", &edit, ("logId", json!(SARA_LOG))),
        attempt("coordinator", "updateGoal", &on_goal, "UpdateGoalInput", &edit, ("logId", json!(SARA_LOG))),
        attempt("coordinator", "updateGoal", &on_goal, "UpdateGoalInput", &edit, ("area", json!("OTHER_SERVICES"))),
        attempt("coordinator", "addEvaluation", "", "AddEvaluationInput", &evaluation, ("logId", json!(SARA_LOG))),
        attempt("coordinator", "addComment", "", "AddCommentInput", &comment, ("logId", json!(SARA_LOG))),
        attempt("unitadmin", "createLog", "", "CreateLogInput", &log, ("municipalityId", json!(Uuid::new_v4()))),
        // the coordinator
        attempt("coordinator", "updateLogText", &on_log, "LogTextInput", &text, ("coordinatorId", json!(successor))),
        attempt("guardian", "updateLogText", &on_log, "LogTextInput", &text, ("coordinatorId", json!(successor))),
        attempt("coordinator", "addParticipant", "", "AddParticipantInput", &staff, ("role", json!("COORDINATOR"))),
        attempt("coordinator", "addParticipant", "", "AddParticipantInput", &staff, ("isCoordinator", json!(true))),
        attempt("coordinator", "addGoal", "", "AddGoalInput", &goal, ("unitId", json!(HEALTH_STATION))),
    ];
    attempts
}

/// Every attempt, written inline and passed as a variable, is refused with
/// an error naming the field and no data, and changes nothing in the
/// database. The same input without the field is accepted as input (it may
/// still fail for other reasons), so the field alone made the difference.
#[tokio::test]
async fn forged_server_owned_fields_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let tried = try_all(&app).await;
    let mut wrong = Vec::new();
    for t in &tried {
        let named = t
            .got
            .errors()
            .iter()
            .any(|e| e["message"].as_str().is_some_and(|m| m.contains(&format!("unknown field \"{}\"", t.field))));
        if !named || !t.got.data().is_null() {
            wrong.push(format!("{}: not refused as an unknown field: {} {}", t.label, t.got.status, t.got.body));
        }
        if !t.changed.is_empty() {
            wrong.push(format!("{}: the database changed: {:?}", t.label, t.changed));
        }
        if let Some(body) = &t.invalid_without_field {
            wrong.push(format!("{}: (test premise) the input without \"{}\" is not valid: {body}", t.label, t.field));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} forged inputs were not refused cleanly:\n{}",
        wrong.len(),
        tried.len(),
        wrong.join("\n")
    );
}

/// DESIGN.md §4: every error carries `extensions.code`; an unknown input
/// field is the client's input error, BAD_USER_INPUT.
#[tokio::test]
async fn forged_server_owned_fields_are_refused_as_bad_user_input() {
    let app = TestApp::demo().await;
    let tried = try_all(&app).await;
    let wrong: Vec<String> = tried
        .iter()
        .filter(|t| t.got.codes() != ["BAD_USER_INPUT"])
        .map(|t| {
            format!(
                "{}: codes {:?}, expected [\"BAD_USER_INPUT\"]: {} {}",
                t.label,
                t.got.codes(),
                t.got.status,
                t.got.body
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} forged inputs were not refused as BAD_USER_INPUT:\n{}",
        wrong.len(),
        tried.len(),
        wrong.join("\n")
    );
}

/// One forged request and what it did.
struct Tried {
    label: String,
    field: &'static str,
    got: Gql,
    /// Tables whose content changed across the request.
    changed: Vec<String>,
    /// The response when the same input without the field is refused as
    /// invalid input (which would make the attempt meaningless).
    invalid_without_field: Option<Value>,
}

/// Runs every attempt inline and as a variable, one at a time, fingerprinting
/// the database around each; then the input without the forged field.
async fn try_all(app: &TestApp) -> Vec<Tried> {
    let mut tried = Vec::new();
    for a in attempts(app).await {
        let mut forged = a.base.clone();
        forged.as_object_mut().expect("inputs are objects").insert(a.extra.0.into(), a.extra.1.clone());
        let selection = "{ __typename userErrors { field code message } }";
        let inline = format!("mutation {{ {}({}input: {}) {selection} }}", a.mutation, a.args, literal(&forged));
        let variable = format!("mutation($i: {}!) {{ {}({}input: $i) {selection} }}", a.input_type, a.mutation, a.args);
        let control = app.gql(a.persona, &variable, json!({ "i": a.base })).await;
        let invalid = control.refusal().as_deref() == Some("BAD_USER_INPUT") || control.status == 400;
        for (form, query, vars) in
            [("inline", inline.as_str(), json!({})), ("as a variable", variable.as_str(), json!({ "i": forged }))]
        {
            let before = fingerprint(app).await;
            let got = app.gql(a.persona, query, vars).await;
            let changed = changed_tables(&before, &fingerprint(app).await);
            tried.push(Tried {
                label: format!("{}({}: …) as {}, {form}", a.mutation, a.extra.0, a.persona),
                field: a.extra.0,
                got,
                changed,
                invalid_without_field: invalid.then(|| control.body.clone()),
            });
        }
    }
    tried
}

/// A measure, evaluation or comment belongs to the log of its parent: the
/// coordinator of both logs adds them under Sara's goal and measure, and
/// they land in Sara's log, never in Emma's.
#[tokio::test]
async fn nested_objects_take_their_log_from_their_parent() {
    let app = TestApp::demo().await;
    let sara_goal = first_id(&app, "goal", SARA_LOG).await;
    let sara_measure = first_id(&app, "measure", SARA_LOG).await;
    let nurse_on_sara = ids::person("participant");
    let emma_rows = rows_in_log(&app, EMMA_LOG).await;

    let measure = app
        .gql(
            "coordinator",
            "mutation($g: ID!, $r: ID!) { addMeasure(input: { goalId: $g, description: \"Ukentlig samtale\", responsibleId: $r }) { measure { id logId goalId } userErrors { field code message } } }",
            json!({ "g": sara_goal, "r": nurse_on_sara }),
        )
        .await;
    let m = &measure.ok()["addMeasure"]["measure"];
    assert_eq!(m["logId"], json!(SARA_LOG), "{}", measure.body);
    assert_eq!(m["goalId"], json!(sara_goal), "{}", measure.body);
    let id = m["id"].as_str().expect("measure id");
    assert_eq!(log_of_row(&app, "measure", id).await, SARA_LOG, "stored under its goal's log");

    let evaluation = app
        .gql(
            "coordinator",
            "mutation($m: ID!) { addEvaluation(input: { measureId: $m, body: \"God start\" }) { evaluation { id } userErrors { field code message } } }",
            json!({ "m": sara_measure }),
        )
        .await;
    let id = evaluation.ok()["addEvaluation"]["evaluation"]["id"].as_str().expect("evaluation id").to_owned();
    assert_eq!(log_of_row(&app, "evaluation", &id).await, SARA_LOG);

    let comment = app
        .gql(
            "coordinator",
            "mutation($g: ID!) { addComment(input: { goalId: $g, body: \"Bra\" }) { comment { id } userErrors { field code message } } }",
            json!({ "g": sara_goal }),
        )
        .await;
    let id = comment.ok()["addComment"]["comment"]["id"].as_str().expect("comment id").to_owned();
    assert_eq!(log_of_row(&app, "comment", &id).await, SARA_LOG);

    assert_eq!(rows_in_log(&app, EMMA_LOG).await, emma_rows, "nothing was added to Emma's log");
}

// ---------------------------------------------------------------------------
// Ids from other logs in the inputs that legitimately carry ids.

/// Stands for the id under test in a case's variables.
const REF: &str = "@ref";

/// A write whose input names a person (or a goal) by id, tried with ids from
/// other logs in place of [`REF`].
struct CrossRef {
    label: &'static str,
    persona: &'static str,
    doc: &'static str,
    vars: Value,
    /// The input field the refusal names.
    field: &'static str,
    /// Ids from other logs the persona can see: refused.
    visible: Vec<(&'static str, Uuid)>,
    /// Ids from logs the persona cannot see: answered like a random id.
    hidden: Vec<(&'static str, Uuid)>,
}

/// Every input that carries the id of a person in the log (`responsibleId`,
/// `recipientIds`, `inviteeIds`, a handover's successor, a paper consent's
/// owner) and the goal a measure goes under, with ids of other logs: Sara's
/// (which the coordinator sees, and the guardian does not), Jonas' and
/// Nora's (the guardian's other children), and the other municipality's
/// log (which no demo persona sees).
async fn cross_refs(app: &TestApp, sorby: &OtherLog) -> Vec<CrossRef> {
    use stafett_server::demo::{self, id};
    let sara_goal = first_id(app, "goal", SARA_LOG).await;
    let sorby_goal = sorby_goal(app, sorby).await;
    let (emma_school_goal, emma_home_goal) = (id(600), id(602));
    let (reading, football) = (id(700), id(720));
    // A participant's id is her person id, the same in every log she takes
    // part in: the nurse of Emma's log is also Jonas' and Sara's, so only
    // people in no log of the caller's reach are "from another log".
    let emma_nurse = ids::person("participant");
    let saras_mother = id(204);
    let today = chrono::Utc::now().date_naive().to_string();
    let sorby_people = vec![("Sørby's coordinator", sorby.coordinator), ("Sørby's guardian", sorby.guardian)];
    let sara_people = vec![("Sara's mother", saras_mother), ("Sara (the youth owner of her log)", demo::SARA)];
    let add_measure =
        "mutation($i: AddMeasureInput!) { addMeasure(input: $i) { measure { id } userErrors { field code message } } }";
    let update_measure = "mutation($m: ID!, $i: UpdateMeasureInput!) { updateMeasure(measureId: $m, input: $i) { measure { id } userErrors { field code message } } }";
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    #[rustfmt::skip]
    let cases = vec![
        CrossRef {
            label: "addMeasure under Emma's school goal",
            persona: "coordinator",
            doc: add_measure,
            vars: json!({ "i": { "goalId": emma_school_goal, "description": "Lesetrening", "responsibleId": REF } }),
            field: "responsibleId",
            visible: sara_people.clone(),
            hidden: [sorby_people.clone(), vec![("Sørby's child", sorby.child_id)]].concat(),
        },
        CrossRef {
            label: "addMeasure under Emma's home goal",
            persona: "guardian",
            doc: add_measure,
            vars: json!({ "i": { "goalId": emma_home_goal, "description": "Leggetid", "responsibleId": REF } }),
            field: "responsibleId",
            visible: vec![],
            hidden: [sara_people.clone(), sorby_people.clone()].concat(),
        },
        // The goal decides the measure's log: under a goal of Sara's log, the nurse's
        // participation in Emma's (which the coordinator also sees) is from another log …
        CrossRef {
            label: "addMeasure under a goal of Sara's log",
            persona: "coordinator",
            doc: add_measure,
            vars: json!({ "i": { "goalId": sara_goal, "description": "Samtale", "responsibleId": REF } }),
            field: "responsibleId",
            visible: vec![("Emma's guardian", ids::person("guardian"))],
            hidden: sorby_people.clone(),
        },
        // … and a goal of a log she cannot see is a random goal id.
        CrossRef {
            label: "addMeasure with Emma's nurse responsible",
            persona: "coordinator",
            doc: add_measure,
            vars: json!({ "i": { "goalId": REF, "description": "Samtale", "responsibleId": emma_nurse } }),
            field: "goalId",
            visible: vec![],
            hidden: vec![("a goal of Sørby's log", sorby_goal)],
        },
        CrossRef {
            label: "updateMeasure of Emma's reading measure",
            persona: "coordinator",
            doc: update_measure,
            vars: json!({ "m": reading, "i": { "responsibleId": REF } }),
            field: "responsibleId",
            visible: sara_people.clone(),
            hidden: sorby_people.clone(),
        },
        CrossRef {
            label: "updateMeasure of Emma's football measure",
            persona: "guardian",
            doc: update_measure,
            vars: json!({ "m": football, "i": { "responsibleId": REF } }),
            field: "responsibleId",
            visible: vec![],
            hidden: [sara_people.clone(), sorby_people.clone()].concat(),
        },
        CrossRef {
            label: "postMessage to Emma's log",
            persona: "coordinator",
            doc: post,
            vars: json!({ "i": { "logId": EMMA_LOG, "body": "Hei", "recipientIds": [emma_nurse, REF] } }),
            field: "recipientIds",
            visible: sara_people.clone(),
            hidden: sorby_people.clone(),
        },
        CrossRef {
            label: "postMessage to Emma's log",
            persona: "guardian",
            doc: post,
            vars: json!({ "i": { "logId": EMMA_LOG, "body": "Hei", "recipientIds": [REF] } }),
            field: "recipientIds",
            visible: vec![],
            hidden: [sara_people.clone(), sorby_people.clone()].concat(),
        },
        CrossRef {
            label: "postMessage to Sara's log",
            persona: "youth",
            doc: post,
            vars: json!({ "i": { "logId": SARA_LOG, "body": "Hei", "recipientIds": [REF] } }),
            field: "recipientIds",
            visible: vec![],
            hidden: [vec![("Emma's guardian", ids::person("guardian"))], sorby_people.clone()].concat(),
        },
        CrossRef {
            label: "scheduleMeeting in Emma's log",
            persona: "coordinator",
            doc: "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }",
            vars: json!({ "i": { "logId": EMMA_LOG, "title": "Møte", "startsAt": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339(), "inviteeIds": [REF] } }),
            field: "inviteeIds",
            visible: sara_people.clone(),
            hidden: sorby_people.clone(),
        },
        CrossRef {
            label: "recordMinutes with attendees in Emma's log",
            persona: "coordinator",
            doc: "mutation($m: ID!, $p: [ID!]!) { recordMinutes(meetingId: $m, input: { minutes: \"Referat\", attendeeIds: $p }) { meeting { id } userErrors { field code message } } }",
            vars: json!({ "m": id(901), "p": [REF] }),
            field: "attendeeIds",
            visible: sara_people.clone(),
            hidden: sorby_people.clone(),
        },
        CrossRef {
            label: "proposeHandover in Emma's log",
            persona: "coordinator",
            doc: "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { field code message } } }",
            vars: json!({ "l": EMMA_LOG, "p": REF }),
            field: "participantId",
            visible: vec![],
            hidden: vec![("Sørby's coordinator", sorby.coordinator)],
        },
        CrossRef {
            label: "registerPaperConsent in Emma's log",
            persona: "coordinator",
            doc: "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { id } userErrors { field code message } } }",
            vars: json!({ "i": { "logId": EMMA_LOG, "ownerId": REF, "unitId": PPT, "documentReference": "arkiv 1", "signedOn": today } }),
            field: "ownerId",
            visible: vec![("Sara's mother", saras_mother), ("Sara (the youth owner of her log)", demo::SARA)],
            hidden: vec![("Sørby's guardian", sorby.guardian)],
        },
    ];
    cases
}

/// An id from another log in an input: refused when the caller can see that
/// log, and answered exactly like a random id when she cannot (code and
/// message, the id aside). Either way nothing is written, the access log of
/// the other log included.
#[tokio::test]
async fn ids_from_other_logs_in_inputs_are_refused_and_hidden_ones_answer_like_random_ids() {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    let sorby = world::add_other_log(&app).await;
    let mut wrong = Vec::new();
    let mut tried = 0;
    for case in cross_refs(&app, &sorby).await {
        let token = TestApp::token(case.persona);
        let ask = |id: Uuid| {
            let vars = serde_json::from_str(&case.vars.to_string().replace(REF, &id.to_string())).expect("json");
            app.gql_with_token(Some(&token), case.doc, vars)
        };
        for (kind, refs) in [("visible", &case.visible), ("hidden", &case.hidden)] {
            for (what, id) in refs {
                tried += 1;
                let label = format!("{} as {}, {} = {what} ({kind})", case.label, case.persona, case.field);
                let random = Uuid::new_v4();
                let at_random = ask(random).await;
                let before = fingerprint(&app).await;
                let got = ask(*id).await;
                let changed = changed_tables(&before, &fingerprint(&app).await);
                if !changed.is_empty() {
                    wrong.push(format!("{label}: the database changed: {changed:?}; answer {}", got.body));
                }
                let premise = at_random.refusal().is_some() && at_random.no_data();
                if !premise {
                    wrong.push(format!("{label}: (test premise) a random id is not refused: {}", at_random.body));
                    continue;
                }
                // The answer with the id under test written as the random one.
                let as_random: Value =
                    serde_json::from_str(&got.body.to_string().replace(&id.to_string(), &random.to_string()))
                        .expect("json");
                if kind == "hidden" {
                    if (got.status, &as_random) != (at_random.status, &at_random.body) {
                        wrong.push(format!(
                            "{label}: answers unlike a random id:\n      got    {} {}\n      random {} {}",
                            got.status, got.body, at_random.status, at_random.body
                        ));
                    }
                } else {
                    // Refused because of this reference: with the random id's code,
                    // and its message or one naming the field (the caller sees the
                    // other log, so the refusal may say more than for a random id).
                    let message = |r: &Value| Gql { status: got.status, body: r.clone() }.refusal_message();
                    let about_it = message(&as_random) == at_random.refusal_message()
                        || got.refusal_message().is_some_and(|m| m.contains(case.field));
                    if got.refusal() != at_random.refusal() || !got.no_data() || !about_it {
                        wrong.push(format!(
                            "{label}: not refused as a bad {} (the random id's {:?}): {} {}",
                            case.field,
                            at_random.refusal(),
                            got.status,
                            got.body
                        ));
                    }
                }
            }
        }
    }
    assert!(tried >= 30, "only {tried} ids tried");
    assert!(
        wrong.is_empty(),
        "{} of {tried} ids from other logs were let through or told apart:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The first goal of the other municipality's log, added by its coordinator.
async fn sorby_goal(app: &TestApp, sorby: &OtherLog) -> Uuid {
    let added = app
        .gql_with_token(
            Some(&OTHER_TEACHER.token()),
            "mutation($l: ID!) { addGoal(input: { logId: $l, area: KINDERGARTEN_SCHOOL, btiLevel: 1, description: \"Lese mer\" }) { goal { id } userErrors { field code message } } }",
            json!({ "l": sorby.log_id }),
        )
        .await;
    added.ok()["addGoal"]["goal"]["id"].as_str().and_then(|s| s.parse().ok()).expect("goal id")
}

// ---------------------------------------------------------------------------
// Helpers.

/// A JSON input written as a GraphQL literal. Strings in SCREAMING_CASE are
/// enum values (`HOME_LEISURE`), everything else is quoted as JSON.
fn literal(v: &Value) -> String {
    match v {
        Value::String(s) if is_enum_value(s) => s.clone(),
        Value::Object(fields) => object_literal(fields),
        Value::Array(items) => format!("[{}]", items.iter().map(literal).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

fn object_literal(fields: &Map<String, Value>) -> String {
    let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {}", literal(v))).collect();
    format!("{{ {} }}", fields.join(", "))
}

fn is_enum_value(s: &str) -> bool {
    s.len() > 1 && s.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

fn national_id(handle: &str) -> String {
    Persona::find(handle).and_then(|p| p.national_id()).expect("a citizen persona")
}

/// A valid fødselsnummer for a child no one has registered.
fn child_national_id() -> String {
    let born = chrono::NaiveDate::from_ymd_opt(2015, 5, 5).expect("date");
    (500..900)
        .find_map(|i| stafett_schema::national_id::generate(born, i, true))
        .expect("some individual number is valid")
}

/// Per table, a hash of its whole content: equal fingerprints mean nothing changed.
async fn fingerprint(app: &TestApp) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        hash: String,
    }
    let mut conn = app.conn().await;
    let tables = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .load::<Name>(&mut conn)
    .await
    .expect("tables");
    let mut out = Vec::new();
    for t in tables {
        let sql = format!(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM \"{}\" t",
            t.name
        );
        let h = diesel::sql_query(&sql).get_result::<Hash>(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.push((t.name, h.hash));
    }
    out
}

fn changed_tables(before: &[(String, String)], after: &[(String, String)]) -> Vec<String> {
    let mut changed: Vec<String> = after.iter().filter(|row| !before.contains(row)).map(|(t, _)| t.clone()).collect();
    if before.len() != after.len() {
        changed.push("(the set of tables)".into());
    }
    changed
}

async fn first_id(app: &TestApp, table: &str, log: Uuid) -> Uuid {
    app.uuid(&format!("SELECT id FROM {table} WHERE log_id = '{log}' ORDER BY id LIMIT 1")).await
}

async fn log_of_row(app: &TestApp, table: &str, id: &str) -> Uuid {
    app.uuid(&format!("SELECT log_id AS id FROM {table} WHERE id = '{id}'")).await
}

/// Measures, evaluations and comments stored under a log.
async fn rows_in_log(app: &TestApp, log: Uuid) -> [i64; 3] {
    let mut n = [0; 3];
    for (slot, table) in n.iter_mut().zip(["measure", "evaluation", "comment"]) {
        *slot = app.count(&format!("SELECT count(*) AS n FROM {table} WHERE log_id = '{log}'")).await;
    }
    n
}
