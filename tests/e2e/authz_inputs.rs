//! No mass assignment: inputs cannot set what the server owns — status,
//! author, timestamps, the log of a nested object, the coordinator. Each such
//! field is unknown to its input type, so the request is refused by GraphQL
//! validation (BAD_USER_INPUT) and the database is left exactly as it was.
//! And the log of a nested object always comes from its parent.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use serde_json::{Map, Value, json};
use stafett_server::demo::Persona;
use stafett_tests::ids::{self, EMMA_LOG, HEALTH_STATION, PPT, SARA_LOG, SCHOOL};
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
    let nurse = participation(app, EMMA_LOG, "participant").await;
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
        let inline = format!("mutation {{ {}({}input: {}) {{ __typename }} }}", a.mutation, a.args, literal(&forged));
        let variable =
            format!("mutation($i: {}!) {{ {}({}input: $i) {{ __typename }} }}", a.input_type, a.mutation, a.args);
        let control = app.gql(a.persona, &variable, json!({ "i": a.base })).await;
        let invalid = control.codes().iter().any(|c| c == "BAD_USER_INPUT") || control.status == 400;
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
    let nurse_on_sara = participation(&app, SARA_LOG, "participant").await;
    let emma_rows = rows_in_log(&app, EMMA_LOG).await;

    let measure = app
        .gql(
            "coordinator",
            "mutation($g: ID!, $r: ID!) { addMeasure(input: { goalId: $g, description: \"Ukentlig samtale\", responsibleId: $r }) { id logId goalId } }",
            json!({ "g": sara_goal, "r": nurse_on_sara }),
        )
        .await;
    let m = &measure.ok()["addMeasure"];
    assert_eq!(m["logId"], json!(SARA_LOG), "{}", measure.body);
    assert_eq!(m["goalId"], json!(sara_goal), "{}", measure.body);
    let id = m["id"].as_str().expect("measure id");
    assert_eq!(log_of_row(&app, "measure", id).await, SARA_LOG, "stored under its goal's log");

    let evaluation = app
        .gql(
            "coordinator",
            "mutation($m: ID!) { addEvaluation(input: { measureId: $m, body: \"God start\" }) { id } }",
            json!({ "m": sara_measure }),
        )
        .await;
    let id = evaluation.ok()["addEvaluation"]["id"].as_str().expect("evaluation id").to_owned();
    assert_eq!(log_of_row(&app, "evaluation", &id).await, SARA_LOG);

    let comment = app
        .gql(
            "coordinator",
            "mutation($g: ID!) { addComment(input: { goalId: $g, body: \"Bra\" }) { id } }",
            json!({ "g": sara_goal }),
        )
        .await;
    let id = comment.ok()["addComment"]["id"].as_str().expect("comment id").to_owned();
    assert_eq!(log_of_row(&app, "comment", &id).await, SARA_LOG);

    assert_eq!(rows_in_log(&app, EMMA_LOG).await, emma_rows, "nothing was added to Emma's log");
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
    uuid_of(app, &format!("SELECT id FROM {table} WHERE log_id = '{log}' ORDER BY id LIMIT 1")).await
}

async fn participation(app: &TestApp, log: Uuid, handle: &str) -> Uuid {
    uuid_of(app, &format!("SELECT id FROM participant WHERE log_id = '{log}' AND staff_id = '{}'", ids::person(handle)))
        .await
}

async fn log_of_row(app: &TestApp, table: &str, id: &str) -> Uuid {
    uuid_of(app, &format!("SELECT log_id AS id FROM {table} WHERE id = '{id}'")).await
}

async fn uuid_of(app: &TestApp, sql: &str) -> Uuid {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let mut conn = app.conn().await;
    diesel::sql_query(sql).get_result::<Id>(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).id
}

/// Measures, evaluations and comments stored under a log.
async fn rows_in_log(app: &TestApp, log: Uuid) -> [i64; 3] {
    let mut n = [0; 3];
    for (slot, table) in n.iter_mut().zip(["measure", "evaluation", "comment"]) {
        *slot = app.count(&format!("SELECT count(*) AS n FROM {table} WHERE log_id = '{log}'")).await;
    }
    n
}
