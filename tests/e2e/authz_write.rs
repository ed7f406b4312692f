//! The write table of DESIGN.md §3 ("Write access (summary)") and §2 as a
//! test: every mutation × every persona → the outcome the design asks for.
//!
//! The expectations below are written from DESIGN.md and the README's
//! "Decisions where DESIGN.md is silent", never from `schema/src/policy/`, so
//! that a wrong policy shows up here as a wrong cell. The rules, in order:
//!
//! 1. A principal with no relation to the log gets NOT_FOUND (`N`), exactly
//!    as for a log that does not exist. A participant whose log is not ACTIVE
//!    (or whose unit lacks consent) is such a principal (§3).
//! 2. An object addressed by its own id (a measure, a consent, a message …)
//!    that the principal may not *see* under the read table is NOT_FOUND too,
//!    marked `H` (hidden) in the table: README, "Ids": "a well-formed id of
//!    something you may not see is NOT_FOUND with the same message as one
//!    that does not exist". So a unit admin updating a measure gets NOT_FOUND
//!    (answering FORBIDDEN would confirm the measure exists), while a unit
//!    admin posting to a log whose metadata she sees gets FORBIDDEN.
//! 3. Any change to a CLOSED log is CONFLICT for whoever can see the object,
//!    except requesting/approving reopening and requesting/processing
//!    deletion (README, "Content writes need an ACTIVE log").
//! 4. A role that lacks the right gets FORBIDDEN, whatever the log's status.
//!    The coordinator of a log that is not ACTIVE has metadata only, like a
//!    unit admin (§3 "Coordinator content access follows the same rule";
//!    README, "Metadata"), so her writes there are FORBIDDEN as the admin's.
//! 5. An owner's content write on a log that is not ACTIVE is CONFLICT
//!    (README); owners' consent actions and closing work in PASSIVE.
//!
//! Each ALLOWED cell runs on a fresh demo database and must change state (a
//! row-specific SQL count grows) and append its own entry to the access log:
//! its log, the object it wrote and the action, by its writer ([`entry_of`]),
//! and no write about any other log. The refused cells of a row share one
//! database, and each refusal must leave that count unchanged and append no
//! write at all. Every wrong cell is collected; the test fails once with the
//! full list.
//!
//! The last two columns are the admins of another municipality (Sørby, from
//! `stafett_tests::world`): to them every log here is as absent as a random
//! id (§3), and their municipality's own business leaves this one untouched.
//!
//! Where the cases of interest are:
//! - a participant editing a measure she is not responsible for: row
//!   "updateMeasure: reading measure, not the nurse's" (FORBIDDEN);
//! - a guardian editing a school goal vs a home/leisure goal: rows "updateGoal
//!   of the school goal" (FORBIDDEN) and "… of the HOME_LEISURE goal" (allowed);
//! - a unit admin writing content: the unitadmin column (e.g. "postMessage",
//!   "addGoal …" on Emma: FORBIDDEN); reading it: the test
//!   `a_unit_admin_reads_metadata_but_not_content`;
//! - a participant posting to a PASSIVE log: Jonas' "postMessage" row
//!   (NOT_FOUND), and `a_write_to_a_hidden_log_reads_like_one_to_a_missing_log`;
//! - changing a CLOSED log: the Nora rows.

use serde_json::{Value, json};
use stafett_server::demo::{self, EMMA_LOG, HEALTH_STATION, JONAS_LOG, NORA_LOG, PPT, SARA_LOG};
use stafett_tests::world::{self, OTHER_MUNICIPAL_ADMIN, OTHER_UNIT_ADMIN};
use stafett_tests::{Gql, TestApp, ids, payload_object};
use std::fmt::Write as _;
use std::sync::Arc;
use uuid::Uuid;

/// The personas, in the table's column order: the demo's, then the municipal
/// admin of another municipality and the unit admin of a unit there
/// (`stafett_tests::world`), who must be outsiders to every demo log.
const PERSONAS: [&str; 12] = [
    "guardian",
    "guardian2",
    "youth",
    "coordinator",
    "participant",
    "unconsented",
    "unitadmin",
    "municipaladmin",
    "systemowner",
    "outsider",
    SORBY_MUNICIPAL_ADMIN,
    SORBY_UNIT_ADMIN,
];

const SORBY_MUNICIPAL_ADMIN: &str = "municipaladmin of Sørby";
const SORBY_UNIT_ADMIN: &str = "unitadmin of Sørby skole";

/// A token for the persona of column `p`.
fn token(p: usize) -> String {
    match PERSONAS[p] {
        SORBY_MUNICIPAL_ADMIN => OTHER_MUNICIPAL_ADMIN.token(),
        SORBY_UNIT_ADMIN => OTHER_UNIT_ADMIN.token(),
        handle => TestApp::token(handle),
    }
}

/// The person id of the persona of column `p`.
fn person_id(p: usize) -> Uuid {
    match PERSONAS[p] {
        SORBY_MUNICIPAL_ADMIN => OTHER_MUNICIPAL_ADMIN.person_id,
        SORBY_UNIT_ADMIN => OTHER_UNIT_ADMIN.person_id,
        handle => ids::person(handle),
    }
}

/// The expected outcome of one cell.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Allowed,
    Forbidden,
    /// no relation to the log
    NotFound,
    /// the log is visible, but the object addressed by id is not (rule 2)
    Hidden,
    Conflict,
    BadInput,
    /// done, but in the writer's own municipality: the demo's is untouched
    Elsewhere,
    /// answered, but there was nothing to record (marking your own message read)
    Unchanged,
}

// Short names so that a table row fits on one line and reads as a row.
const A: Expect = Expect::Allowed;
const F: Expect = Expect::Forbidden;
const N: Expect = Expect::NotFound;
const H: Expect = Expect::Hidden;
const C: Expect = Expect::Conflict;
const B: Expect = Expect::BadInput;
const O: Expect = Expect::Elsewhere;
const U: Expect = Expect::Unchanged;

impl Expect {
    fn code(self) -> &'static str {
        match self {
            Expect::Allowed | Expect::Elsewhere | Expect::Unchanged => "ALLOWED",
            Expect::Forbidden => "FORBIDDEN",
            Expect::NotFound | Expect::Hidden => "NOT_FOUND",
            Expect::Conflict => "CONFLICT",
            Expect::BadInput => "BAD_USER_INPUT",
        }
    }
}

/// The log a row acts on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum On {
    /// ACTIVE: guardians, coordinator, the nurse, PPT proposed but not consented
    Emma,
    /// PASSIVE: guardian2 withdrew her consent
    Jonas,
    /// CLOSED
    Nora,
    /// ACTIVE, owned by the youth and her mother
    Sara,
    /// not about one log (createLog, registerStaff, …)
    NoLog,
}

impl On {
    fn name(self) -> &'static str {
        match self {
            On::Emma => "Emma/ACTIVE",
            On::Jonas => "Jonas/PASSIVE",
            On::Nora => "Nora/CLOSED",
            On::Sara => "Sara/ACTIVE",
            On::NoLog => "-",
        }
    }

    fn id(self) -> Uuid {
        match self {
            On::Emma => EMMA_LOG,
            On::Jonas => JONAS_LOG,
            On::Nora => NORA_LOG,
            On::Sara => SARA_LOG,
            On::NoLog => Uuid::nil(),
        }
    }
}

/// A mutation: its document and the field its result comes back under.
#[derive(Clone, Copy)]
struct Op {
    field: &'static str,
    doc: &'static str,
}

const fn op(field: &'static str, doc: &'static str) -> Op {
    Op { field, doc }
}

/// A write's own access-log entry (§3: "every write is appended to the access
/// log (who, role, unit, when, log, object, action)"): the object's type,
/// which object, and the action.
#[derive(Clone, Copy)]
struct Entry {
    object_type: &'static str,
    object: Obj,
    action: &'static str,
}

/// Which object an entry is about.
#[derive(Clone, Copy)]
enum Obj {
    /// the object the mutation created, whose id it returns
    Returned,
    /// the log the row is about (for createLog: the log it created)
    TheLog,
    /// the object addressed by this variable (after the setup is bound)
    Var(&'static str),
    /// the consent to the log the writer holds afterwards (approving reopening gives one)
    WritersLogConsent,
}

/// The entry an allowed call of each mutation appends; `None` for the
/// municipality's own business, which is about no log.
fn entry_of(field: &str) -> Option<Entry> {
    let e = |object_type, object, action| Some(Entry { object_type, object, action });
    match field {
        "createLog" => e("LOG", Obj::Returned, "CREATE"),
        "updateLogText" => e("LOG", Obj::TheLog, "UPDATE"),
        "closeLog" => e("LOG", Obj::TheLog, "UPDATE"),
        "requestReopen" => e("REOPEN_REQUEST", Obj::Returned, "CREATE"),
        "approveReopen" => e("CONSENT", Obj::WritersLogConsent, "CREATE"),
        "requestDeletion" => e("DELETION_REQUEST", Obj::Returned, "CREATE"),
        "processDeletion" => e("LOG", Obj::TheLog, "DELETE"),
        "giveConsent" => e("CONSENT", Obj::Returned, "CREATE"),
        "registerPaperConsent" => e("CONSENT", Obj::Returned, "CREATE"),
        "withdrawConsent" => e("CONSENT", Obj::Var("c"), "UPDATE"),
        "proposeUnit" => e("UNIT_PROPOSAL", Obj::Returned, "CREATE"),
        "addParticipant" => e("PARTICIPANT", Obj::Returned, "CREATE"),
        "removeParticipant" => e("PARTICIPANT", Obj::Var("p"), "DELETE"),
        "proposeHandover" => e("HANDOVER", Obj::Returned, "CREATE"),
        "acceptHandover" | "declineHandover" | "cancelHandover" => e("HANDOVER", Obj::Var("h"), "UPDATE"),
        "reassignCoordinator" => e("PARTICIPANT", Obj::Var("p"), "UPDATE"),
        "addGuardian" => e("GUARDIAN", Obj::Returned, "CREATE"),
        "removeGuardian" => e("GUARDIAN", Obj::Var("g"), "DELETE"),
        "updateGuardianContact" => e("GUARDIAN", Obj::Var("g"), "UPDATE"),
        "registerConsentWithdrawal" => e("CONSENT", Obj::Var("c"), "UPDATE"),
        "addGoal" => e("GOAL", Obj::Returned, "CREATE"),
        "updateGoal" => e("GOAL", Obj::Var("g"), "UPDATE"),
        "addMeasure" => e("MEASURE", Obj::Returned, "CREATE"),
        "updateMeasure" => e("MEASURE", Obj::Var("m"), "UPDATE"),
        "addEvaluation" => e("EVALUATION", Obj::Returned, "CREATE"),
        "addComment" => e("COMMENT", Obj::Returned, "CREATE"),
        "scheduleMeeting" => e("MEETING", Obj::Returned, "CREATE"),
        "recordMinutes" | "rescheduleMeeting" | "cancelMeeting" | "addAgendaItem" => {
            e("MEETING", Obj::Var("m"), "UPDATE")
        }
        "postMessage" => e("MESSAGE", Obj::Returned, "CREATE"),
        "markMessageRead" => e("MESSAGE", Obj::Var("m"), "UPDATE"),
        "registerStaff"
        | "setConsentAge"
        | "createTemplate"
        | "updateTemplate"
        | "retireTemplate"
        | "setLanguage"
        | "updateNotificationSettings" => None,
        other => panic!("no access-log entry is named for {other}"),
    }
}

const CREATE_LOG: Op = op(
    "createLog",
    "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
);
const UPDATE_LOG_TEXT: Op = op(
    "updateLogText",
    "mutation($l: ID!, $i: LogTextInput!) { updateLogText(logId: $l, input: $i) { log { id } userErrors { field code message } } }",
);
const CLOSE_LOG: Op = op(
    "closeLog",
    "mutation($l: ID!) { closeLog(logId: $l, input: { reason: OTHER, details: \"authz probe\" }) { log { id } userErrors { field code message } } }",
);
const REQUEST_REOPEN: Op = op(
    "requestReopen",
    "mutation($l: ID!) { requestReopen(logId: $l) { reopenRequest { id } userErrors { field code message } } }",
);
const APPROVE_REOPEN: Op = op(
    "approveReopen",
    "mutation($l: ID!) { approveReopen(logId: $l) { log { id } userErrors { field code message } } }",
);
const REQUEST_DELETION: Op = op(
    "requestDeletion",
    "mutation($l: ID!) { requestDeletion(logId: $l, input: { reason: \"authz probe\" }) { deletionRequest { id } userErrors { field code message } } }",
);
const PROCESS_DELETION: Op = op(
    "processDeletion",
    "mutation($r: ID!) { processDeletion(requestId: $r) { log { id } userErrors { field code message } } }",
);
const GIVE_CONSENT: Op = op(
    "giveConsent",
    "mutation($i: GiveConsentInput!) { giveConsent(input: $i) { consent { id } userErrors { field code message } } }",
);
const REGISTER_PAPER_CONSENT: Op = op(
    "registerPaperConsent",
    "mutation($i: PaperConsentInput!) { registerPaperConsent(input: $i) { consent { id } userErrors { field code message } } }",
);
const WITHDRAW_CONSENT: Op = op(
    "withdrawConsent",
    "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { id } userErrors { field code message } } }",
);
const PROPOSE_UNIT: Op = op(
    "proposeUnit",
    "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u, reason: \"authz probe\" }) { unitProposal { id } userErrors { field code message } } }",
);
const ADD_PARTICIPANT: Op = op(
    "addParticipant",
    "mutation($i: AddParticipantInput!) { addParticipant(input: $i) { participant { id } userErrors { field code message } } }",
);
const REMOVE_PARTICIPANT: Op = op(
    "removeParticipant",
    "mutation($l: ID!, $p: ID!) { removeParticipant(logId: $l, input: { participantId: $p }) { participant { id } userErrors { field code message } } }",
);
const PROPOSE_HANDOVER: Op = op(
    "proposeHandover",
    "mutation($l: ID!, $p: ID!) { proposeHandover(logId: $l, input: { participantId: $p }) { handover { id } userErrors { field code message } } }",
);
const ADD_GUARDIAN: Op = op(
    "addGuardian",
    "mutation($l: ID!, $i: AddGuardianInput!) { addGuardian(logId: $l, input: $i) { guardian { id } userErrors { field code message } } }",
);
const REMOVE_GUARDIAN: Op = op(
    "removeGuardian",
    "mutation($l: ID!, $g: ID!) { removeGuardian(logId: $l, input: { guardianId: $g, reason: \"ny omsorgsavtale\" }) { guardianId userErrors { field code message } } }",
);
const UPDATE_GUARDIAN_CONTACT: Op = op(
    "updateGuardianContact",
    "mutation($l: ID!, $g: ID!) { updateGuardianContact(logId: $l, input: { guardianId: $g, phone: \"+47 999 99 999\" }) { guardian { id } userErrors { field code message } } }",
);
const REGISTER_WITHDRAWAL: Op = op(
    "registerConsentWithdrawal",
    "mutation($c: ID!, $i: ReportedWithdrawalInput!) { registerConsentWithdrawal(consentId: $c, input: $i) { consent { id } userErrors { field code message } } }",
);
const REASSIGN_COORDINATOR: Op = op(
    "reassignCoordinator",
    "mutation($l: ID!, $p: ID!) { reassignCoordinator(logId: $l, input: { participantId: $p, reason: \"Ingrid er i permisjon\" }) { coordinatorId userErrors { field code message } } }",
);
const ACCEPT_HANDOVER: Op = op(
    "acceptHandover",
    "mutation($h: ID!) { acceptHandover(handoverId: $h) { log { id } userErrors { field code message } } }",
);
const DECLINE_HANDOVER: Op = op(
    "declineHandover",
    "mutation($h: ID!) { declineHandover(handoverId: $h) { log { id } userErrors { field code message } } }",
);
const CANCEL_HANDOVER: Op = op(
    "cancelHandover",
    "mutation($h: ID!) { cancelHandover(handoverId: $h) { handover { id } userErrors { field code message } } }",
);
const ADD_GOAL: Op = op(
    "addGoal",
    "mutation($i: AddGoalInput!) { addGoal(input: $i) { goal { id } userErrors { field code message } } }",
);
const UPDATE_GOAL: Op = op(
    "updateGoal",
    "mutation($g: ID!, $i: UpdateGoalInput!) { updateGoal(goalId: $g, input: $i) { goal { id } userErrors { field code message } } }",
);
const ADD_MEASURE: Op = op(
    "addMeasure",
    "mutation($i: AddMeasureInput!) { addMeasure(input: $i) { measure { id } userErrors { field code message } } }",
);
const UPDATE_MEASURE: Op = op(
    "updateMeasure",
    "mutation($m: ID!, $i: UpdateMeasureInput!) { updateMeasure(measureId: $m, input: $i) { measure { id } userErrors { field code message } } }",
);
const ADD_EVALUATION: Op = op(
    "addEvaluation",
    "mutation($i: AddEvaluationInput!) { addEvaluation(input: $i) { evaluation { id } userErrors { field code message } } }",
);
const ADD_COMMENT: Op = op(
    "addComment",
    "mutation($i: AddCommentInput!) { addComment(input: $i) { comment { id } userErrors { field code message } } }",
);
const SCHEDULE_MEETING: Op = op(
    "scheduleMeeting",
    "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }",
);
const RECORD_MINUTES: Op = op(
    "recordMinutes",
    "mutation($m: ID!) { recordMinutes(meetingId: $m, input: { minutes: \"authz probe\" }) { meeting { id } userErrors { field code message } } }",
);
const RESCHEDULE_MEETING: Op = op(
    "rescheduleMeeting",
    "mutation($m: ID!, $at: DateTime!) { rescheduleMeeting(meetingId: $m, input: { startsAt: $at }) { meeting { id } userErrors { field code message } } }",
);
const CANCEL_MEETING: Op = op(
    "cancelMeeting",
    "mutation($m: ID!) { cancelMeeting(meetingId: $m, input: { reason: \"authz probe\" }) { meeting { id } userErrors { field code message } } }",
);
const ADD_AGENDA_ITEM: Op = op(
    "addAgendaItem",
    "mutation($m: ID!) { addAgendaItem(meetingId: $m, input: { text: \"authz probe\" }) { agendaItem { id } userErrors { field code message } } }",
);
const POST_MESSAGE: Op = op(
    "postMessage",
    "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
);
const MARK_MESSAGE_READ: Op = op(
    "markMessageRead",
    "mutation($m: ID!) { markMessageRead(messageId: $m) { message { id } userErrors { field code message } } }",
);
const REGISTER_STAFF: Op = op(
    "registerStaff",
    "mutation($i: RegisterStaffInput!) { registerStaff(input: $i) { staff { id } userErrors { field code message } } }",
);
const SET_CONSENT_AGE: Op = op(
    "setConsentAge",
    "mutation { setConsentAge(input: { consentAge: 15 }) { consentAge userErrors { field code message } } }",
);
const SET_LANGUAGE: Op = op(
    "setLanguage",
    "mutation { setLanguage(input: { language: NN }) { language userErrors { field code message } } }",
);
const UPDATE_NOTIFICATION_SETTINGS: Op = op(
    "updateNotificationSettings",
    "mutation { updateNotificationSettings(input: { settings: [{ kind: MEETING, channel: SMS, timing: DAILY_DIGEST }] }) { settings { kind } userErrors { field code message } } }",
);
const UPDATE_TEMPLATE: Op = op(
    "updateTemplate",
    "mutation($t: ID!) { updateTemplate(templateId: $t, input: { name: \"authz probe\" }) { template { id } userErrors { field code message } } }",
);
const RETIRE_TEMPLATE: Op = op(
    "retireTemplate",
    "mutation($t: ID!) { retireTemplate(templateId: $t) { template { id } userErrors { field code message } } }",
);
const CREATE_TEMPLATE: Op = op(
    "createTemplate",
    "mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id } userErrors { field code message } } }",
);

/// What a row needs in place before its cells run. Its result (an id) replaces
/// the string [`SETUP`] in the row's variables and effect SQL.
#[derive(Clone, Debug)]
enum Setup {
    None,
    /// a unit of the municipality that no log has been proposed
    NewUnit,
    /// a new school employee (registered by the unit admin), not yet in any log
    NewSchoolStaff,
    /// the coordinator has proposed the nurse as successor on Emma's log
    HandoverToNurse,
    /// the coordinator of the closed log has asked the family to reopen it
    ReopenRequested(On),
    /// the guardian has asked for the log to be deleted
    DeletionRequested(On),
    /// the id of a consent, found by SQL
    ConsentId(String),
    /// on Jonas' log the guardian has withdrawn his consent as well, so that
    /// neither owner holds one and either may give it
    JonasWithoutConsents,
}

/// Stands for the setup's result in variables and effect SQL.
const SETUP: &str = "@setup";

/// One row of the table: one mutation on one log, with the expected outcome
/// for each persona in [`PERSONAS`] order.
struct Row {
    label: &'static str,
    on: On,
    op: Op,
    vars: Value,
    setup: Setup,
    /// SQL returning `n`: grows when the mutation takes effect.
    effect: String,
    expect: [Expect; 12],
}

fn row(label: &'static str, on: On, op: Op, vars: Value, effect: String, expect: [Expect; 12]) -> Row {
    Row { label, on, op, vars, setup: Setup::None, effect, expect }
}

impl Row {
    fn after(mut self, setup: Setup) -> Row {
        self.setup = setup;
        self
    }
}

/// The probe text every allowed write stores, so its effect can be counted.
const PROBE: &str = "authz probe";

fn id(n: u128) -> String {
    demo::id(n).to_string()
}

fn person(handle: &str) -> String {
    ids::person(handle).to_string()
}

/// `SELECT count(*) AS n FROM …`
fn count(from_where: impl AsRef<str>) -> String {
    format!("SELECT count(*) AS n FROM {}", from_where.as_ref())
}

fn a_fresh_child_national_id() -> String {
    let born = chrono::NaiveDate::from_ymd_opt(2017, 8, 9).expect("date");
    (500..900).find_map(|i| stafett_schema::national_id::generate(born, i, true)).expect("a valid synthetic id")
}

fn guardians_national_id() -> String {
    demo::Persona::find("guardian").and_then(|p| p.national_id()).expect("the guardian has a national id")
}

/// The table. Columns: guardian, guardian2, youth, coordinator, participant,
/// unconsented, unitadmin, municipaladmin, systemowner, outsider, and Sørby's
/// municipal admin (m2) and unit admin (u2). Cells: A allowed, F FORBIDDEN,
/// C CONFLICT, B BAD_USER_INPUT, N NOT_FOUND (no relation to the log), H
/// NOT_FOUND (the log is visible, the object is not), O allowed in the
/// writer's own municipality (the demo's is untouched).
#[rustfmt::skip]
fn table() -> Vec<Row> {
    let nordby = demo::MUNICIPALITY.to_string();
    let emma = EMMA_LOG.to_string();
    let jonas = JONAS_LOG.to_string();
    let nora = NORA_LOG.to_string();
    let sara = SARA_LOG.to_string();
    let school = ids::SCHOOL.to_string();
    let ppt = PPT.to_string();
    let health = HEALTH_STATION.to_string();
    let school_goal = id(600); // KINDERGARTEN_SCHOOL
    let home_goal = id(602); // HOME_LEISURE
    let reading = id(700); // the coordinator's reading measure
    let sleep = id(710); // the nurse's measure "Samtaler om søvn …"
    let football = id(720); // HOME_LEISURE, the guardian's
    let jonas_measure = id(1240); // HOME_LEISURE, the guardian's
    let nora_measure = id(1250); // HOME_LEISURE, guardian2's
    let sara_measure = id(1230); // HOME_LEISURE, the youth's
    let nurse_in_emma = person("participant"); // a participant's id is her person id
    let coordinator_in_emma = person("coordinator");
    let next_week = (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339();
    let deadline = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
    let log_is = |log: &str, cond: &str| count(format!("log WHERE id = '{log}' AND {cond}"));
    let closed = |log: &str| log_is(log, "status = 'CLOSED'");
    let probe_in = |table: &str, column: &str| count(format!("{table} WHERE {column} = '{PROBE}'"));
    let measure_done = |m: &str| count(format!("measure WHERE id = '{m}' AND status = 'DONE'"));
    let done = json!({ "status": "DONE" });
    let message = |log: &str| json!({ "i": { "logId": log, "body": PROBE } });
    let home_goal_in = |log: &str| json!({ "i": { "logId": log, "area": "HOME_LEISURE", "btiLevel": 1, "description": PROBE } });
    let valid_log_consents = |log: &str| count(format!("consent WHERE log_id = '{log}' AND scope = 'LOG' AND withdrawn_at IS NULL"));

    vec![
        // ---- Emma's ACTIVE log: every mutation ---------------------------------------------
        //                                                                     g  g2 y  co pa un ua ma so ou m2 u2
        // createLog: "you must be its unit admin or leader" (schema); the municipal
        // admin's tasks are templates, unit admins, deletions (§1 glossary) → FORBIDDEN.
        row("createLog for the school", On::NoLog, CREATE_LOG,
            json!({ "i": { "unitId": school, "coordinatorId": person("coordinator"),
                "child": { "name": "Authz Probe", "nationalId": a_fresh_child_national_id() },
                "guardians": [{ "nationalId": guardians_national_id(), "name": "Ola Nordmann" }] } }),
            // Sørby's admins hold no role in Nordby's school; the refusal is the one for
            // any unit id without a role in it, a random one included, so it tells nothing.
            count("log"),                                                     [F, F, F, F, F, F, A, F, F, F, F, F]),
        // Owners write presentation/childVoice; the coordinator everything else.
        row("updateLogText presentation", On::Emma, UPDATE_LOG_TEXT,
            json!({ "l": emma, "i": { "presentation": PROBE } }),
            log_is(&emma, &format!("presentation = '{PROBE}'")),              [A, A, N, A, F, N, F, F, N, N, N, N]),
        // The initiative (why the log was started) is not among the owners' texts.
        row("updateLogText initiative (not an owner's text)", On::Emma, UPDATE_LOG_TEXT,
            json!({ "l": emma, "i": { "initiative": PROBE } }),
            log_is(&emma, &format!("initiative = '{PROBE}'")),                [F, F, N, A, F, N, F, F, N, N, N, N]),
        // "The coordinator closes when goals are met": read as when she closes, not as
        // a precondition that every goal is achieved.
        row("closeLog", On::Emma, CLOSE_LOG, json!({ "l": emma }),
            closed(&emma),                                                    [A, A, N, A, F, N, F, F, N, N, N, N]),
        // Reopening is the coordinator's request; on an open log that request conflicts
        // with the log's state. Roles without the right are refused first.
        row("requestReopen of an open log", On::Emma, REQUEST_REOPEN, json!({ "l": emma }),
            count(format!("reopen_request WHERE log_id = '{emma}'")),          [F, F, N, C, F, N, F, F, N, N, N, N]),
        // Owners approve reopening; an open log has nothing to reopen (state → CONFLICT).
        row("approveReopen of an open log", On::Emma, APPROVE_REOPEN, json!({ "l": emma }),
            valid_log_consents(&emma),                                        [C, C, N, F, F, N, F, F, N, N, N, N]),
        row("requestDeletion", On::Emma, REQUEST_DELETION, json!({ "l": emma }),
            count(format!("deletion_request WHERE log_id = '{emma}'")),        [A, A, N, F, F, N, F, F, N, N, N, N]),
        // A deletion request is log metadata (like the status): whoever sees the log
        // and is not the municipal admin gets FORBIDDEN.
        row("processDeletion", On::Emma, PROCESS_DELETION, json!({ "r": SETUP }),
            log_is(&emma, "deleted_at IS NOT NULL"),                          [F, F, N, F, F, N, F, A, N, N, N, N])
            .after(Setup::DeletionRequested(On::Emma)),
        // Any owner consents to a unit the coordinator proposed (README).
        row("giveConsent to the proposed PPT", On::Emma, GIVE_CONSENT,
            json!({ "i": { "logId": emma, "unitId": ppt } }),
            count(format!("consent WHERE log_id = '{emma}' AND unit_id = '{ppt}' AND withdrawn_at IS NULL")),
                                                                              [A, A, N, F, F, N, F, F, N, N, N, N]),
        // Consent goes to a unit the coordinator proposed (§2.3): an unproposed unit is an
        // unmet precondition for the owners; others lack the right first.
        row("giveConsent to a unit nobody proposed", On::Emma, GIVE_CONSENT,
            json!({ "i": { "logId": emma, "unitId": SETUP } }),
            count(format!("consent WHERE log_id = '{emma}' AND unit_id = '{SETUP}'")),
                                                                              [B, B, N, F, F, N, F, F, N, N, N, N])
            .after(Setup::NewUnit),
        row("registerPaperConsent for PPT on guardian2's behalf", On::Emma, REGISTER_PAPER_CONSENT,
            json!({ "i": { "logId": emma, "ownerId": person("guardian2"), "unitId": ppt, "documentReference": "arkiv 2026/77", "signedOn": chrono::Utc::now().date_naive().to_string() } }),
            count(format!("consent WHERE log_id = '{emma}' AND method = 'PAPER'")),
                                                                              [F, F, N, A, F, N, F, F, N, N, N, N]),
        // Any owner may withdraw a unit's consent (README). The nurse sees her own
        // unit's consents (§3) → FORBIDDEN; admins see no consents (H).
        row("withdrawConsent of the health station", On::Emma, WITHDRAW_CONSENT, json!({ "c": SETUP }),
            count(format!("consent WHERE log_id = '{emma}' AND withdrawn_at IS NOT NULL")),
                                                                              [A, A, N, F, F, N, H, H, N, N, N, N])
            .after(Setup::ConsentId(format!("SELECT id::text AS v FROM consent WHERE log_id = '{emma}' AND unit_id = '{health}'"))),
        // Only the owner who gave a consent to the log may withdraw it (README). The
        // nurse sees only her unit's consents, so this LOG consent is hidden from her (H).
        row("withdrawConsent of guardian2's log consent", On::Emma, WITHDRAW_CONSENT, json!({ "c": SETUP }),
            count(format!("consent WHERE log_id = '{emma}' AND withdrawn_at IS NOT NULL")),
                                                                              [F, A, N, F, H, N, H, H, N, N, N, N])
            .after(Setup::ConsentId(format!("SELECT id::text AS v FROM consent WHERE log_id = '{emma}' AND scope = 'LOG' AND given_by = '{}'", person("guardian2")))),
        // Family changes (issue 18): the coordinator adds and removes guardians and
        // registers a withdrawal the family reported; a guardian corrects her own
        // contact details (guardian2 may not correct Ola's: FORBIDDEN).
        row("addGuardian", On::Emma, ADD_GUARDIAN,
            json!({ "l": emma, "i": { "nationalId": demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1984, 4, 4).unwrap()), "name": "Nora Ny", "reason": "ny omsorgsavtale" } }),
            count(format!("guardian WHERE log_id = '{emma}'")),                 [F, F, N, A, F, N, F, F, N, N, N, N]),
        row("removeGuardian guardian2", On::Emma, REMOVE_GUARDIAN, json!({ "l": emma, "g": person("guardian2") }),
            count(format!("access_log WHERE log_id = '{emma}' AND object_type = 'GUARDIAN' AND action = 'DELETE'")),
                                                                              [F, F, N, A, F, N, F, F, N, N, N, N]),
        row("updateGuardianContact of Ola", On::Emma, UPDATE_GUARDIAN_CONTACT, json!({ "l": emma, "g": person("guardian") }),
            count(format!("guardian WHERE log_id = '{emma}' AND phone = '+47 999 99 999'")),
                                                                              [A, F, N, A, F, N, F, F, N, N, N, N]),
        row("registerConsentWithdrawal of guardian2's log consent", On::Emma, REGISTER_WITHDRAWAL,
            json!({ "c": SETUP, "i": { "reportedOn": chrono::Utc::now().date_naive().to_string(), "how": "på telefon" } }),
            count(format!("consent WHERE log_id = '{emma}' AND withdrawn_at IS NOT NULL")),
                                                                              [F, F, N, A, H, N, H, H, N, N, N, N])
            .after(Setup::ConsentId(format!("SELECT id::text AS v FROM consent WHERE log_id = '{emma}' AND scope = 'LOG' AND given_by = '{}'", person("guardian2")))),
        // The coordinator proposes units; admins manage staff, not the log's units.
        row("proposeUnit", On::Emma, PROPOSE_UNIT, json!({ "l": emma, "u": SETUP }),
            count(format!("unit_proposal WHERE log_id = '{emma}'")),           [F, F, N, A, F, N, F, F, N, N, N, N])
            .after(Setup::NewUnit),
        // "The coordinator does everything else in the log"; "admins … manage staff"
        // is read as registering staff in units, not as adding them to logs.
        row("addParticipant (a new school employee)", On::Emma, ADD_PARTICIPANT,
            json!({ "i": { "logId": emma, "staffId": SETUP, "unitId": school, "title": "lærer" } }),
            count(format!("participant WHERE log_id = '{emma}'")),             [F, F, N, A, F, N, F, F, N, N, N, N])
            .after(Setup::NewSchoolStaff),
        // "No consent, no access" (§2.3): PPT staff cannot join before the family consents.
        row("addParticipant from the unconsented PPT", On::Emma, ADD_PARTICIPANT,
            json!({ "i": { "logId": emma, "staffId": person("unconsented"), "unitId": ppt, "title": "PP-rådgiver" } }),
            count(format!("participant WHERE log_id = '{emma}'")),             [F, F, N, B, F, N, F, F, N, N, N, N]),
        // Participants' names/units are metadata everyone who sees the log reads.
        row("removeParticipant (the nurse)", On::Emma, REMOVE_PARTICIPANT, json!({ "l": emma, "p": nurse_in_emma }),
            count(format!("participant WHERE log_id = '{emma}' AND left_at IS NOT NULL")),
                                                                              [F, F, N, A, F, N, F, F, N, N, N, N]),
        row("proposeHandover to the nurse", On::Emma, PROPOSE_HANDOVER,
            json!({ "l": emma, "p": nurse_in_emma }),
            count(format!("handover WHERE log_id = '{emma}'")),                [F, F, N, A, F, N, F, F, N, N, N, N]),
        // The log's unit leader or admin appoints a coordinator without a handover
        // (issue 18): the coordinator herself hands over instead (FORBIDDEN here).
        row("reassignCoordinator to the nurse", On::Emma, REASSIGN_COORDINATOR,
            json!({ "l": emma, "p": nurse_in_emma }),
            count(format!("coordinator_term WHERE log_id = '{emma}' AND reason IS NOT NULL")),
                                                                              [F, F, N, F, F, N, A, F, N, N, N, N]),
        // A pending handover is read as log metadata (who coordinates), so whoever
        // sees the log but is not the successor gets FORBIDDEN.
        row("acceptHandover (the nurse is the successor)", On::Emma, ACCEPT_HANDOVER, json!({ "h": SETUP }),
            count(format!("handover WHERE id = '{SETUP}' AND status = 'ACCEPTED'")),
                                                                              [F, F, N, F, A, N, F, F, N, N, N, N])
            .after(Setup::HandoverToNurse),
        row("declineHandover (the nurse is the successor)", On::Emma, DECLINE_HANDOVER, json!({ "h": SETUP }),
            count(format!("handover WHERE id = '{SETUP}' AND status = 'DECLINED'")),
                                                                              [F, F, N, F, A, N, F, F, N, N, N, N])
            .after(Setup::HandoverToNurse),
        row("cancelHandover (the coordinator's proposal)", On::Emma, CANCEL_HANDOVER, json!({ "h": SETUP }),
            count(format!("handover WHERE id = '{SETUP}' AND status = 'CANCELLED'")),
                                                                              [F, F, N, A, F, N, F, F, N, N, N, N])
            .after(Setup::HandoverToNurse),
        // Owners own HOME_LEISURE; participants do not add goals; admins never content.
        row("addGoal HOME_LEISURE", On::Emma, ADD_GOAL, home_goal_in(&emma),
            probe_in("goal", "description"),                                   [A, A, N, A, F, N, F, F, N, N, N, N]),
        row("addGoal KINDERGARTEN_SCHOOL (a school goal)", On::Emma, ADD_GOAL,
            json!({ "i": { "logId": emma, "area": "KINDERGARTEN_SCHOOL", "btiLevel": 2, "description": PROBE } }),
            probe_in("goal", "description"),                                   [F, F, N, A, F, N, F, F, N, N, N, N]),
        // A guardian editing a school goal: FORBIDDEN. Admins may not see goals (H).
        row("updateGoal of the school goal", On::Emma, UPDATE_GOAL,
            json!({ "g": school_goal, "i": { "description": PROBE } }),
            probe_in("goal", "description"),                                   [F, F, N, A, F, N, H, H, N, N, N, N]),
        // … and a HOME_LEISURE goal: allowed.
        row("updateGoal of the HOME_LEISURE goal", On::Emma, UPDATE_GOAL,
            json!({ "g": home_goal, "i": { "description": PROBE } }),
            probe_in("goal", "description"),                                   [A, A, N, A, F, N, H, H, N, N, N, N]),
        row("addMeasure under the HOME_LEISURE goal", On::Emma, ADD_MEASURE,
            json!({ "i": { "goalId": home_goal, "description": PROBE, "responsibleId": person("guardian"), "deadline": deadline } }),
            probe_in("measure", "description"),                                [A, A, N, A, F, N, H, H, N, N, N, N]),
        row("addMeasure under the school goal", On::Emma, ADD_MEASURE,
            json!({ "i": { "goalId": school_goal, "description": PROBE, "responsibleId": coordinator_in_emma, "deadline": deadline } }),
            probe_in("measure", "description"),                                [F, F, N, A, F, N, H, H, N, N, N, N]),
        // The responsible participant updates her measure …
        row("updateMeasure: the nurse's own measure", On::Emma, UPDATE_MEASURE,
            json!({ "m": sleep, "i": done }),
            measure_done(&sleep),                                              [F, F, N, A, A, N, H, H, N, N, N, N]),
        // … but not one she is not responsible for: FORBIDDEN.
        row("updateMeasure: reading measure, not the nurse's", On::Emma, UPDATE_MEASURE,
            json!({ "m": reading, "i": done }),
            measure_done(&reading),                                            [F, F, N, A, F, N, H, H, N, N, N, N]),
        // Owners own HOME_LEISURE measures, both guardians alike.
        row("updateMeasure: the HOME_LEISURE football measure", On::Emma, UPDATE_MEASURE,
            json!({ "m": football, "i": done }),
            measure_done(&football),                                           [A, A, N, A, F, N, H, H, N, N, N, N]),
        // Evaluations are by the responsible party or the coordinator (§1, §2.4).
        row("addEvaluation of the nurse's measure", On::Emma, ADD_EVALUATION,
            json!({ "i": { "measureId": sleep, "body": PROBE } }),
            probe_in("evaluation", "body"),                                    [F, F, N, A, A, N, H, H, N, N, N, N]),
        row("addEvaluation of the coordinator's measure", On::Emma, ADD_EVALUATION,
            json!({ "i": { "measureId": reading, "body": PROBE } }),
            probe_in("evaluation", "body"),                                    [F, F, N, A, F, N, H, H, N, N, N, N]),
        // Home/leisure measures belong to the owners jointly: guardian2 may evaluate too.
        row("addEvaluation of the HOME_LEISURE measure", On::Emma, ADD_EVALUATION,
            json!({ "i": { "measureId": football, "body": PROBE } }),
            probe_in("evaluation", "body"),                                    [A, A, N, A, F, N, H, H, N, N, N, N]),
        row("addEvaluation of the HOME_LEISURE goal", On::Emma, ADD_EVALUATION,
            json!({ "i": { "goalId": home_goal, "body": PROBE } }),
            probe_in("evaluation", "body"),                                    [A, A, N, A, F, N, H, H, N, N, N, N]),
        row("addEvaluation of the school goal", On::Emma, ADD_EVALUATION,
            json!({ "i": { "goalId": school_goal, "body": PROBE } }),
            probe_in("evaluation", "body"),                                    [F, F, N, A, F, N, H, H, N, N, N, N]),
        // Owners comment; participants "write evaluations and comments" — comments are
        // not limited to what one is responsible for.
        row("addComment on the nurse's measure", On::Emma, ADD_COMMENT,
            json!({ "i": { "measureId": sleep, "body": PROBE } }),
            probe_in("comment", "body"),                                       [A, A, N, A, A, N, H, H, N, N, N, N]),
        row("addComment on the school goal", On::Emma, ADD_COMMENT,
            json!({ "i": { "goalId": school_goal, "body": PROBE } }),
            probe_in("comment", "body"),                                       [A, A, N, A, A, N, H, H, N, N, N, N]),
        row("scheduleMeeting", On::Emma, SCHEDULE_MEETING,
            json!({ "i": { "logId": emma, "title": PROBE, "startsAt": next_week } }),
            probe_in("meeting", "title"),                                      [F, F, N, A, F, N, F, F, N, N, N, N]),
        row("recordMinutes of the upcoming meeting", On::Emma, RECORD_MINUTES, json!({ "m": id(901) }),
            probe_in("meeting", "minutes"),                                    [F, F, N, A, F, N, H, H, N, N, N, N]),
        // Minutes are recorded once: the held meeting's are archived already (state → CONFLICT).
        row("recordMinutes of the held meeting, again", On::Emma, RECORD_MINUTES, json!({ "m": id(900) }),
            probe_in("meeting", "minutes"),                                    [F, F, N, C, F, N, H, H, N, N, N, N]),
        // Only the coordinator reschedules or cancels (§2.5: she invites); a meeting
        // that was held or called off is past changing (CONFLICT).
        row("rescheduleMeeting of the upcoming meeting", On::Emma, RESCHEDULE_MEETING,
            json!({ "m": id(901), "at": next_week }),
            count(format!("meeting WHERE id = '{}' AND sequence = 2", id(901))), [F, F, N, A, F, N, H, H, N, N, N, N]),
        row("rescheduleMeeting of the held meeting", On::Emma, RESCHEDULE_MEETING,
            json!({ "m": id(900), "at": next_week }),
            count(format!("meeting WHERE id = '{}' AND sequence > 0", id(900))), [F, F, N, C, F, N, H, H, N, N, N, N]),
        row("cancelMeeting of the upcoming meeting", On::Emma, CANCEL_MEETING, json!({ "m": id(901) }),
            count(format!("meeting WHERE id = '{}' AND status = 'CANCELLED'", id(901))),
                                                                              [F, F, N, A, F, N, H, H, N, N, N, N]),
        row("cancelMeeting of the cancelled meeting, again", On::Emma, CANCEL_MEETING, json!({ "m": id(902) }),
            count(format!("meeting WHERE id = '{}' AND sequence > 1", id(902))), [F, F, N, C, F, N, H, H, N, N, N, N]),
        // Everyone who takes part puts points on the agenda before the meeting.
        row("addAgendaItem to the upcoming meeting", On::Emma, ADD_AGENDA_ITEM, json!({ "m": id(901) }),
            probe_in("meeting_agenda_item", "body"),                           [A, A, N, A, A, N, H, H, N, N, N, N]),
        row("addAgendaItem to the held meeting", On::Emma, ADD_AGENDA_ITEM, json!({ "m": id(900) }),
            probe_in("meeting_agenda_item", "body"),                           [C, C, N, C, C, N, H, H, N, N, N, N]),
        // A unit admin writing content: FORBIDDEN.
        row("postMessage", On::Emma, POST_MESSAGE, message(&emma),
            probe_in("message", "body"),                                       [A, A, N, A, A, N, F, F, N, N, N, N]),
        // A message to all, written by the coordinator: read as addressed to everyone
        // in the log; its author has read it, so her mark records nothing (U).
        row("markMessageRead of a message to all", On::Emma, MARK_MESSAGE_READ, json!({ "m": id(1000) }),
            count(format!("message_read WHERE message_id = '{}'", id(1000))),  [A, A, N, U, A, N, H, H, N, N, N, N]),
        // The nurse's message to the guardian only: hidden from guardian2 and from the
        // coordinator ("the coordinator included", README "Messages").
        row("markMessageRead of the nurse's message to the guardian", On::Emma, MARK_MESSAGE_READ, json!({ "m": id(1002) }),
            count(format!("message_read WHERE message_id = '{}'", id(1002))),  [A, H, N, H, U, N, H, H, N, N, N, N]),
        // ---- not about one log ----------------------------------------------------------------
        // To staff of another municipality, Nordby's school is as absent as a random unit.
        row("registerStaff in the school", On::NoLog, REGISTER_STAFF,
            json!({ "i": { "unitId": school, "name": "Authz Probe", "externalId": "authz-probe", "role": "EMPLOYEE" } }),
            count("staff WHERE external_id = 'authz-probe'"),                  [F, F, F, F, F, F, A, A, F, F, N, N]),
        // A municipal admin sets her own municipality's consent age and templates: Sørby's
        // succeeds, in Sørby (O), and Nordby's stay as they were.
        row("setConsentAge", On::NoLog, SET_CONSENT_AGE, json!({}),
            count(format!("municipality WHERE id = '{nordby}' AND consent_age = 15")),
                                                                              [F, F, F, F, F, F, F, A, F, F, O, F]),
        row("createTemplate", On::NoLog, CREATE_TEMPLATE,
            json!({ "i": { "name": PROBE, "sectionPrompts": { "presentation": "Skriv om barnet" } } }),
            count(format!("template WHERE name = '{PROBE}' AND municipality_id = '{nordby}'")),
                                                                              [F, F, F, F, F, F, F, A, F, F, O, F]),
        // Everyone chooses their own language (about no log, and about no one else).
        row("setLanguage", On::NoLog, SET_LANGUAGE, json!({}),
            count("person_language WHERE language = 'NN'"),                 [A, A, A, A, A, A, A, A, A, A, A, A]),
        // Everyone chooses how she is told (about no log, and about no one else).
        row("updateNotificationSettings", On::NoLog, UPDATE_NOTIFICATION_SETTINGS, json!({}),
            count("notification_setting WHERE kind = 'MEETING' AND channel = 'SMS'"), [A, A, A, A, A, A, A, A, A, A, A, A]),
        // Nordby's template: its municipal admin changes and retires it; to Sørby's
        // admin it is as absent as a random id (NOT_FOUND).
        row("updateTemplate of Nordby's template", On::NoLog, UPDATE_TEMPLATE, json!({ "t": id(1100) }),
            count(format!("template WHERE id = '{}' AND version = 2", id(1100))),
                                                                              [F, F, F, F, F, F, F, A, F, F, N, F]),
        row("retireTemplate of Nordby's template", On::NoLog, RETIRE_TEMPLATE, json!({ "t": id(1100) }),
            count(format!("template WHERE id = '{}' AND retired_at IS NOT NULL", id(1100))),
                                                                              [F, F, F, F, F, F, F, A, F, F, N, F]),

        // ---- Jonas' PASSIVE log --------------------------------------------------------------
        // The nurse is an outsider here (NOT_FOUND). Owners' content writes: CONFLICT.
        // The coordinator has metadata only, like a unit admin (rule 4): FORBIDDEN.
        // (Ambiguous: one could also read her refusal as the log's state, CONFLICT.)
        //                                                                     g  g2 y  co pa un ua ma so ou m2 u2
        row("postMessage", On::Jonas, POST_MESSAGE, message(&jonas),
            probe_in("message", "body"),                                       [C, C, N, F, N, N, F, F, N, N, N, N]),
        row("addGoal HOME_LEISURE", On::Jonas, ADD_GOAL, home_goal_in(&jonas),
            probe_in("goal", "description"),                                   [C, C, N, F, N, N, F, F, N, N, N, N]),
        // Measures are content: only the owners may see them on a PASSIVE log (rule 2).
        row("updateMeasure: the HOME_LEISURE measure", On::Jonas, UPDATE_MEASURE,
            json!({ "m": jonas_measure, "i": done }),
            measure_done(&jonas_measure),                                      [C, C, N, H, N, N, H, H, N, N, N, N]),
        // "Guardians may demand closing at any time"; the metadata-only coordinator may not.
        row("closeLog", On::Jonas, CLOSE_LOG, json!({ "l": jonas }),
            closed(&jonas),                                                    [A, A, N, F, N, N, F, F, N, N, N, N]),
        // Owners' consent actions work in PASSIVE (README); giving consent is theirs alone.
        row("giveConsent to the log", On::Jonas, GIVE_CONSENT, json!({ "i": { "logId": jonas } }),
            valid_log_consents(&jonas),                                        [A, A, N, F, N, N, F, F, N, N, N, N])
            .after(Setup::JonasWithoutConsents),

        // ---- Nora's CLOSED log ---------------------------------------------------------------
        // Frozen: CONFLICT for whoever sees the log (owners, the coordinator and the
        // admins see its metadata); NOT_FOUND for the rest, the nurse included.
        //                                                                     g  g2 y  co pa un ua ma so ou m2 u2
        row("postMessage", On::Nora, POST_MESSAGE, message(&nora),
            probe_in("message", "body"),                                       [C, C, N, C, N, N, C, C, N, N, N, N]),
        row("addGoal HOME_LEISURE", On::Nora, ADD_GOAL, home_goal_in(&nora),
            probe_in("goal", "description"),                                   [C, C, N, C, N, N, C, C, N, N, N, N]),
        // Addressed by the measure's id: only the owners may see a closed log's measures,
        // so the others get NOT_FOUND before the freeze is considered (rules 2, 3).
        row("updateMeasure: the HOME_LEISURE measure", On::Nora, UPDATE_MEASURE,
            json!({ "m": nora_measure, "i": done }),
            measure_done(&nora_measure),                                       [C, C, N, H, N, N, H, H, N, N, N, N]),
        row("reassignCoordinator", On::Nora, REASSIGN_COORDINATOR,
            json!({ "l": nora, "p": person("participant") }),
            count(format!("coordinator_term WHERE log_id = '{nora}' AND reason IS NOT NULL")),
                                                                              [C, C, N, C, N, N, C, C, N, N, N, N]),
        row("closeLog", On::Nora, CLOSE_LOG, json!({ "l": nora }),
            closed(&nora),                                                     [C, C, N, C, N, N, C, C, N, N, N, N]),
        row("giveConsent to the log", On::Nora, GIVE_CONSENT, json!({ "i": { "logId": nora } }),
            valid_log_consents(&nora),                                         [C, C, N, C, N, N, C, C, N, N, N, N]),
        // The exceptions to the freeze (README): reopening and deletion.
        row("requestReopen", On::Nora, REQUEST_REOPEN, json!({ "l": nora }),
            count(format!("reopen_request WHERE log_id = '{nora}'")),          [F, F, N, A, N, N, F, F, N, N, N, N]),
        // Each owner's approval is also their new consent to the log.
        row("approveReopen", On::Nora, APPROVE_REOPEN, json!({ "l": nora }),
            valid_log_consents(&nora),                                         [A, A, N, F, N, N, F, F, N, N, N, N])
            .after(Setup::ReopenRequested(On::Nora)),
        row("requestDeletion", On::Nora, REQUEST_DELETION, json!({ "l": nora }),
            count(format!("deletion_request WHERE log_id = '{nora}'")),        [A, A, N, F, N, N, F, F, N, N, N, N]),
        row("processDeletion", On::Nora, PROCESS_DELETION, json!({ "r": SETUP }),
            log_is(&nora, "deleted_at IS NOT NULL"),                           [F, F, N, F, N, N, F, A, N, N, N, N])
            .after(Setup::DeletionRequested(On::Nora)),

        // ---- Sara's ACTIVE log: the youth is an owner ---------------------------------------------
        //                                                                     g  g2 y  co pa un ua ma so ou m2 u2
        row("postMessage", On::Sara, POST_MESSAGE, message(&sara),
            probe_in("message", "body"),                                       [N, N, A, A, A, N, F, F, N, N, N, N]),
        row("addGoal HOME_LEISURE", On::Sara, ADD_GOAL, home_goal_in(&sara),
            probe_in("goal", "description"),                                   [N, N, A, A, F, N, F, F, N, N, N, N]),
        row("updateLogText childVoice", On::Sara, UPDATE_LOG_TEXT,
            json!({ "l": sara, "i": { "childVoice": PROBE } }),
            log_is(&sara, &format!("child_voice = '{PROBE}'")),                [N, N, A, A, F, N, F, F, N, N, N, N]),
        row("updateMeasure: the youth's HOME_LEISURE measure", On::Sara, UPDATE_MEASURE,
            json!({ "m": sara_measure, "i": done }),
            measure_done(&sara_measure),                                       [N, N, A, A, F, N, H, H, N, N, N, N]),
        row("closeLog", On::Sara, CLOSE_LOG, json!({ "l": sara }),
            closed(&sara),                                                     [N, N, A, A, F, N, F, F, N, N, N, N]),
        row("requestDeletion", On::Sara, REQUEST_DELETION, json!({ "l": sara }),
            count(format!("deletion_request WHERE log_id = '{sara}'")),        [N, N, A, F, F, N, F, F, N, N, N, N]),
    ]
}

/// What the server answered: ALLOWED, or the error codes joined by `+`.
fn outcome(r: &Gql, field: &str) -> String {
    let codes = r.codes();
    let user_errors: Vec<String> =
        r.user_errors().iter().map(|e| e["code"].as_str().unwrap_or("").to_owned()).collect();
    if !codes.is_empty() {
        codes.join("+")
    } else if !user_errors.is_empty() {
        user_errors.join("+")
    } else if r.data()[field].is_null() {
        "NO_DATA".into()
    } else {
        "ALLOWED".into()
    }
}

/// The object a mutation wrote, from its payload in `data`.
fn written<'a>(data: &'a Value, mutation: &str) -> &'a Value {
    let payload = &data[mutation];
    payload_object(mutation).map_or(payload, |object| &payload[object])
}

/// The response, short enough for a list of mismatches.
fn brief(r: &Gql) -> String {
    let errors = r.errors();
    let text = if errors.is_empty() {
        r.data().to_string()
    } else {
        errors.iter().map(|e| format!("{}: {}", e["extensions"]["code"], e["message"])).collect::<Vec<_>>().join("; ")
    };
    text.chars().take(240).collect()
}

/// Replaces [`SETUP`] strings in variables with the setup's result.
fn bind(v: &Value, setup: &str) -> Value {
    match v {
        Value::String(s) if s == SETUP => Value::String(setup.to_owned()),
        Value::Array(a) => Value::Array(a.iter().map(|x| bind(x, setup)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), bind(x, setup))).collect()),
        other => other.clone(),
    }
}

/// Runs SQL returning one text column `v` (e.g. an id found for a setup).
async fn text(app: &TestApp, sql: &str) -> Result<String, String> {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut conn = app.conn().await;
    diesel::sql_query(sql).get_result::<V>(&mut conn).await.map(|r| r.v).map_err(|e| format!("{sql}: {e}"))
}

/// Runs SQL directly, for setups that must not depend on the API under test.
async fn execute(app: &TestApp, sql: &str) -> Result<(), String> {
    use diesel_async::SimpleAsyncConnection;
    let mut conn = app.conn().await;
    conn.batch_execute(sql).await.map_err(|e| format!("{sql}: {e}"))
}

/// Runs a mutation as a persona for a setup step and returns the new object's id.
async fn setup_call(app: &TestApp, persona: &str, op: Op, vars: Value) -> Result<String, String> {
    let r = app.gql(persona, op.doc, vars).await;
    written(r.data(), op.field)["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("setup {} as {persona} failed: {}", op.field, brief(&r)))
}

/// Puts a row's precondition in place; returns what replaces [`SETUP`].
async fn prepare(app: &TestApp, setup: &Setup) -> Result<String, String> {
    match setup {
        Setup::None => Ok(String::new()),
        Setup::NewUnit => {
            let unit = Uuid::new_v4();
            execute(
                app,
                &format!(
                    "INSERT INTO unit (id, municipality_id, name, service_kind) \
                     VALUES ('{unit}', '{}', 'Nordby barnevern', 'CHILD_WELFARE')",
                    demo::MUNICIPALITY
                ),
            )
            .await?;
            Ok(unit.to_string())
        }
        Setup::NewSchoolStaff => {
            let vars = json!({ "i": { "unitId": ids::SCHOOL, "name": "Nils Nylærer",
                "externalId": "authz-new-teacher", "role": "EMPLOYEE" } });
            setup_call(app, "unitadmin", REGISTER_STAFF, vars).await
        }
        Setup::HandoverToNurse => {
            let vars = json!({ "l": EMMA_LOG, "p": ids::person("participant") });
            setup_call(app, "coordinator", PROPOSE_HANDOVER, vars).await
        }
        Setup::ReopenRequested(on) => setup_call(app, "coordinator", REQUEST_REOPEN, json!({ "l": on.id() })).await,
        Setup::DeletionRequested(on) => setup_call(app, "guardian", REQUEST_DELETION, json!({ "l": on.id() })).await,
        Setup::ConsentId(sql) => text(app, sql).await,
        Setup::JonasWithoutConsents => {
            // As the demo withdrew guardian2's: directly, so this setup does not
            // depend on the behaviour under test.
            execute(
                app,
                &format!(
                    "UPDATE consent SET withdrawn_at = now() - interval '1 day', \
                     withdrawn_by = given_by, withdrawal_reason = 'WITHDRAWN' \
                     WHERE log_id = '{JONAS_LOG}' AND scope = 'LOG' AND withdrawn_at IS NULL"
                ),
            )
            .await?;
            Ok(String::new())
        }
    }
}

/// A write's access-log entry, as stored.
#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct Logged {
    #[diesel(sql_type = diesel::sql_types::Text)]
    log: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    object_type: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    object: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
}

impl std::fmt::Display for Logged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {} on log {} by {}", self.action, self.object_type, self.object, self.log, self.actor)
    }
}

/// The newest access-log entry's id: entries after it are a request's own.
async fn last_entry(app: &TestApp) -> i64 {
    app.count("SELECT coalesce(max(id), 0) AS n FROM access_log").await
}

/// The writes (not reads) appended to the access log after entry `after`.
async fn writes_after(app: &TestApp, after: i64) -> Vec<Logged> {
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await;
    diesel::sql_query(
        "SELECT log_id::text AS log, object_type, coalesce(object_id::text, '') AS object, action, \
                actor_id::text AS actor \
           FROM access_log WHERE id > $1 AND action <> 'READ' ORDER BY id",
    )
    .bind::<diesel::sql_types::BigInt, _>(after)
    .load::<Logged>(&mut conn)
    .await
    .expect("the access log")
}

/// The entry an allowed cell's write must have appended: its log, object and
/// action, by the persona who wrote.
async fn expected_entry(app: &TestApp, r: &Row, p: usize, vars: &Value, resp: &Gql) -> Result<Option<Logged>, String> {
    let Some(entry) = entry_of(r.op.field) else { return Ok(None) };
    let returned = written(resp.data(), r.op.field)["id"].as_str().unwrap_or_default().to_owned();
    let actor = person_id(p).to_string();
    // createLog is the only write about a log that did not exist before it.
    let log = if r.on == On::NoLog { returned.clone() } else { r.on.id().to_string() };
    let object = match entry.object {
        Obj::Returned => returned,
        Obj::TheLog => log.clone(),
        Obj::Var(name) => vars[name].as_str().ok_or_else(|| format!("(test premise) no variable {name}"))?.to_owned(),
        Obj::WritersLogConsent => {
            text(
                app,
                &format!(
                    "SELECT id::text AS v FROM consent WHERE log_id = '{log}' AND scope = 'LOG' \
                     AND given_by = '{actor}' AND withdrawn_at IS NULL"
                ),
            )
            .await?
        }
    };
    Ok(Some(Logged { log, object_type: entry.object_type.to_owned(), object, action: entry.action.to_owned(), actor }))
}

/// One wrong cell, sortable into table order.
struct Mismatch {
    row: usize,
    persona: usize,
    text: String,
}

/// A unit of work: one database and the cells that run on it.
enum Job {
    /// the row's refused cells, sharing a database
    Refused { row: usize, personas: Vec<usize> },
    /// one allowed cell, on a database of its own
    Allowed { row: usize, persona: usize },
}

fn mismatch(rows: &[Row], row: usize, persona: usize, what: String) -> Mismatch {
    let r = &rows[row];
    Mismatch {
        row,
        persona,
        text: format!("{:<14} {:<15} {}: {} — {what}", PERSONAS[persona], r.on.name(), r.op.field, r.label),
    }
}

/// A demo database of its own, with the other municipality beside it and
/// the row's setup in place.
async fn fresh(rows: &[Row], row: usize) -> Result<(TestApp, String), String> {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    let bound = prepare(&app, &rows[row].setup).await?;
    Ok((app, bound))
}

/// Where `viewerPermissions` (or an object's `viewerCan…`) answers, before
/// the request, whether a row's write will be accepted: the query, and how
/// to find the flag in its answer. `None` for writes about no log.
struct Probe {
    query: String,
    vars: Value,
    flag: Box<dyn Fn(&Value) -> bool + Send + Sync>,
}

/// The flag that must be true exactly where a row's cell is allowed, or
/// refused only for its input (BAD_USER_INPUT): a flag describes the log's
/// state, not the values a form has yet to be filled in with.
fn probe(r: &Row, vars: &Value) -> Option<Probe> {
    let log = json!({ "l": r.on.id() });
    let on_log = |selection: &str, flag: Box<dyn Fn(&Value) -> bool + Send + Sync>| {
        Some(Probe { query: format!("query($l: ID!) {{ log(id: $l) {{ {selection} }} }}"), vars: log.clone(), flag })
    };
    let permission = |name: &'static str| {
        on_log(
            &format!("viewerPermissions {{ {name} }}"),
            Box::new(move |d: &Value| d["log"]["viewerPermissions"][name] == true),
        )
    };
    // The flag `name` of the object with id `id` in the list at `path` (a `*` step is each element).
    let object = |selection: &str, path: &'static [&'static str], id: &Value, name: &'static str| {
        let id = id.as_str().expect("an id").to_owned();
        on_log(
            selection,
            Box::new(move |d: &Value| {
                let mut found = vec![&d["log"]];
                for step in path {
                    found = match *step {
                        "*" => found.iter().filter_map(|v| v.as_array()).flatten().collect(),
                        key => found.iter().map(|v| &v[key]).collect(),
                    };
                }
                found.iter().any(|o| o["id"] == id.as_str() && o[name] == true)
            }),
        )
    };
    let i = &vars["i"];
    match r.op.field {
        _ if r.on == On::NoLog => None,
        "postMessage" => permission("canPostMessage"),
        "updateLogText" if !i["initiative"].is_null() => permission("canUpdateInitiative"),
        "updateLogText" => permission("canUpdateFamilyText"),
        "closeLog" => permission("canClose"),
        "requestReopen" => permission("canRequestReopen"),
        "approveReopen" => permission("canApproveReopen"),
        "requestDeletion" => permission("canRequestDeletion"),
        "processDeletion" => permission("canProcessDeletion"),
        "giveConsent" => permission("canGiveConsent"),
        "registerPaperConsent" => permission("canRegisterPaperConsent"),
        "proposeUnit" => permission("canProposeUnit"),
        "addParticipant" => permission("canAddParticipant"),
        "proposeHandover" => permission("canProposeHandover"),
        "reassignCoordinator" => permission("canReassignCoordinator"),
        "addGuardian" | "removeGuardian" => permission("canChangeGuardians"),
        "updateGuardianContact" => {
            object("guardians { id viewerCanEditContact }", &["guardians", "*"], &vars["g"], "viewerCanEditContact")
        }
        "registerConsentWithdrawal" => object(
            "consents { id viewerCanRegisterWithdrawal }",
            &["consents", "*"],
            &vars["c"],
            "viewerCanRegisterWithdrawal",
        ),
        "scheduleMeeting" => permission("canScheduleMeeting"),
        "addGoal" => {
            let area = i["area"].clone();
            on_log(
                "viewerPermissions { canAddGoalIn }",
                Box::new(move |d: &Value| {
                    d["log"]["viewerPermissions"]["canAddGoalIn"].as_array().is_some_and(|a| a.contains(&area))
                }),
            )
        }
        "withdrawConsent" => {
            object("consents { id viewerCanWithdraw }", &["consents", "*"], &vars["c"], "viewerCanWithdraw")
        }
        "removeParticipant" => {
            object("participants { id viewerCanRemove }", &["participants", "*"], &vars["p"], "viewerCanRemove")
        }
        "acceptHandover" | "declineHandover" => {
            object("pendingHandover { id viewerCanRespond }", &["pendingHandover"], &vars["h"], "viewerCanRespond")
        }
        "cancelHandover" => {
            object("pendingHandover { id viewerCanCancel }", &["pendingHandover"], &vars["h"], "viewerCanCancel")
        }
        "updateGoal" => object("goals { id viewerCanUpdate }", &["goals", "*"], &vars["g"], "viewerCanUpdate"),
        "addMeasure" => {
            object("goals { id viewerCanAddMeasure }", &["goals", "*"], &i["goalId"], "viewerCanAddMeasure")
        }
        "updateMeasure" => object(
            "goals { measures { id viewerCanUpdate } }",
            &["goals", "*", "measures", "*"],
            &vars["m"],
            "viewerCanUpdate",
        ),
        "addEvaluation" | "addComment" => {
            let name = if r.op.field == "addEvaluation" { "viewerCanEvaluate" } else { "viewerCanComment" };
            if i["measureId"].is_null() {
                object(&format!("goals {{ id {name} }}"), &["goals", "*"], &i["goalId"], name)
            } else {
                object(
                    &format!("goals {{ measures {{ id {name} }} }}"),
                    &["goals", "*", "measures", "*"],
                    &i["measureId"],
                    name,
                )
            }
        }
        "recordMinutes" => object(
            "meetings(first: 100) { edges { node { id viewerCanRecordMinutes } } }",
            &["meetings", "edges", "*", "node"],
            &vars["m"],
            "viewerCanRecordMinutes",
        ),
        "rescheduleMeeting" | "cancelMeeting" => object(
            "meetings(first: 100) { edges { node { id viewerCanChange } } }",
            &["meetings", "edges", "*", "node"],
            &vars["m"],
            "viewerCanChange",
        ),
        "addAgendaItem" => object(
            "meetings(first: 100) { edges { node { id viewerCanAddAgendaItem } } }",
            &["meetings", "edges", "*", "node"],
            &vars["m"],
            "viewerCanAddAgendaItem",
        ),
        "markMessageRead" => object(
            "messages(first: 100) { edges { node { id viewerCanMarkRead } } }",
            &["messages", "edges", "*", "node"],
            &vars["m"],
            "viewerCanMarkRead",
        ),
        other => panic!("no permission flag is named for {other}"),
    }
}

/// Asks the persona's permission for a row's write before it is made; a
/// mismatch if it differs from the cell (allowed, or refused for its input only).
async fn check_permission(app: &TestApp, rows: &[Row], row: usize, p: usize, vars: &Value) -> Option<Mismatch> {
    let r = &rows[row];
    let probe = probe(r, vars)?;
    let resp = app.gql_with_token(Some(&token(p)), &probe.query, probe.vars.clone()).await;
    let said = (probe.flag)(resp.data());
    let expected = matches!(r.expect[p], Expect::Allowed | Expect::BadInput | Expect::Unchanged);
    (said != expected).then(|| {
        let expected_code = r.expect[p].code();
        mismatch(rows, row, p, format!("the permission said {said}, the write is {expected_code}: {}", brief(&resp)))
    })
}

/// Runs a job's cells and returns the ones that came out wrong.
async fn run_job(rows: Arc<Vec<Row>>, job: Job) -> Vec<Mismatch> {
    let mut out = Vec::new();
    match job {
        Job::Refused { row, personas } => {
            let r = &rows[row];
            let mut app: Option<(TestApp, String)> = None;
            for p in personas {
                if app.is_none() {
                    match fresh(&rows, row).await {
                        Ok(a) => app = Some(a),
                        Err(e) => {
                            out.push(mismatch(&rows, row, p, format!("setup failed: {e}")));
                            return out;
                        }
                    }
                }
                let (a, bound) = app.as_ref().expect("created above");
                out.extend(check_permission(a, &rows, row, p, &bind(&r.vars, bound)).await);
                let effect = r.effect.replace(SETUP, bound);
                let before = a.count(&effect).await;
                let last = last_entry(a).await;
                let resp = a.gql_with_token(Some(&token(p)), r.op.doc, bind(&r.vars, bound)).await;
                let after = a.count(&effect).await;
                // A refused write (and the municipality's own business) appends no write.
                for logged in writes_after(a, last).await {
                    out.push(mismatch(&rows, row, p, format!("not allowed here, yet logged a write: {logged}")));
                }
                let actual = outcome(&resp, r.op.field);
                let expected = r.expect[p].code();
                if actual != expected {
                    let why = if r.expect[p] == Expect::Hidden { " (hidden object, README \"Ids\")" } else { "" };
                    out.push(mismatch(
                        &rows,
                        row,
                        p,
                        format!("expected {expected}{why}, got {actual}: {}", brief(&resp)),
                    ));
                }
                if after != before {
                    let what = match r.expect[p] {
                        Expect::Elsewhere => "a write elsewhere",
                        Expect::Unchanged => "a write with nothing to record",
                        _ => "a refused request",
                    };
                    out.push(mismatch(
                        &rows,
                        row,
                        p,
                        format!("{what} changed state here ({before} → {after}: {effect})"),
                    ));
                }
                // A wrongly allowed write changed the database: later cells get a clean one.
                if actual == "ALLOWED" || after != before {
                    app = None;
                }
            }
        }
        Job::Allowed { row, persona: p } => {
            let r = &rows[row];
            let (a, bound) = match fresh(&rows, row).await {
                Ok(a) => a,
                Err(e) => return vec![mismatch(&rows, row, p, format!("setup failed: {e}"))],
            };
            let effect = r.effect.replace(SETUP, &bound);
            let vars = bind(&r.vars, &bound);
            out.extend(check_permission(&a, &rows, row, p, &vars).await);
            let before = a.count(&effect).await;
            let last = last_entry(&a).await;
            let resp = a.gql_with_token(Some(&token(p)), r.op.doc, vars.clone()).await;
            let actual = outcome(&resp, r.op.field);
            if actual != "ALLOWED" {
                out.push(mismatch(&rows, row, p, format!("expected ALLOWED, got {actual}: {}", brief(&resp))));
                return out;
            }
            let after = a.count(&effect).await;
            if after <= before {
                out.push(mismatch(
                    &rows,
                    row,
                    p,
                    format!("allowed, but took no effect ({before} → {after}: {effect})"),
                ));
            }
            // Every write is appended to the access log (§3): this write's own
            // entry, and nothing about another log. The municipality's own
            // business (staff, settings, templates) has no log to record it under.
            let logged = writes_after(&a, last).await;
            match expected_entry(&a, r, p, &vars, &resp).await {
                Err(e) => out.push(mismatch(&rows, row, p, e)),
                Ok(Some(entry)) => {
                    if !logged.contains(&entry) {
                        let got: Vec<String> = logged.iter().map(ToString::to_string).collect();
                        out.push(mismatch(
                            &rows,
                            row,
                            p,
                            format!("allowed, but the access log lacks \"{entry}\"; it got {got:?}"),
                        ));
                    }
                    for other in logged.iter().filter(|l| l.log != entry.log) {
                        out.push(mismatch(&rows, row, p, format!("allowed, and logged on another log: {other}")));
                    }
                }
                Ok(None) => {
                    for other in &logged {
                        out.push(mismatch(&rows, row, p, format!("about no log, yet logged a write: {other}")));
                    }
                }
            }
        }
    }
    out
}

/// Databases in use at once: enough to overlap I/O on two cores.
const PARALLEL: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_mutation_by_every_persona() {
    let rows = Arc::new(table());
    let mut jobs = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let refused: Vec<usize> = (0..PERSONAS.len()).filter(|&p| r.expect[p] != Expect::Allowed).collect();
        if !refused.is_empty() {
            jobs.push(Job::Refused { row: i, personas: refused });
        }
        for p in (0..PERSONAS.len()).filter(|&p| r.expect[p] == Expect::Allowed) {
            jobs.push(Job::Allowed { row: i, persona: p });
        }
    }
    let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut handles = Vec::new();
    for job in jobs {
        let rows = rows.clone();
        let permits = permits.clone();
        handles.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore");
            run_job(rows, job).await
        }));
    }
    let mut mismatches = Vec::new();
    for h in handles {
        mismatches.extend(h.await.expect("a job panicked"));
    }
    mismatches.sort_by_key(|m| (m.row, m.persona));
    let cells = rows.len() * PERSONAS.len();
    if !mismatches.is_empty() {
        let mut report = format!("{} of {cells} cells of the write table are wrong:\n", mismatches.len());
        for m in &mismatches {
            let _ = writeln!(report, "  {}", m.text);
        }
        panic!("{report}");
    }
}

/// The table names every mutation of the schema, so a new one cannot slip by.
#[test]
fn the_table_covers_every_mutation() {
    let sdl =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/schema.graphql"))
            .expect("schema.graphql");
    let body = sdl.split("type Mutation {").nth(1).and_then(|rest| rest.split("\n}").next()).expect("a Mutation type");
    let mut in_doc = false;
    // Arguments with descriptions are printed one per line inside the
    // field's parentheses: only a line at depth 0 starts a field.
    let mut depth = 0;
    let mut mutations = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with("\"\"\"") {
            // A one-line doc string opens and closes on the same line.
            in_doc = !(in_doc || (line.len() > 3 && line.ends_with("\"\"\"")));
            continue;
        }
        if in_doc || line.is_empty() {
            continue;
        }
        if depth == 0 {
            let name = line.split(['(', ':']).next().expect("a field name");
            mutations.push(name.to_owned());
        }
        depth += line.matches('(').count() as i32 - line.matches(')').count() as i32;
    }
    // The organization's mutations (about no log) have their own table.
    let tested: Vec<&str> = table()
        .iter()
        .map(|r| r.op.field)
        .chain(super::organization::MUTATIONS.iter().copied())
        .chain(super::staff::MUTATIONS.iter().copied())
        .collect();
    let missing: Vec<&String> = mutations.iter().filter(|m| !tested.contains(&m.as_str())).collect();
    assert!(mutations.len() >= 30, "parsed {mutations:?}");
    assert!(missing.is_empty(), "mutations without a row: {missing:?}");
}

/// A unit admin sees Emma's log's metadata, but its content is null with
/// FORBIDDEN at each field; writing content is refused and changes nothing.
#[tokio::test]
async fn a_unit_admin_reads_metadata_but_not_content() {
    let app = TestApp::demo().await;
    let r = app
        .gql(
            "unitadmin",
            "query($id: ID!) { log(id: $id) { id status child { name } goals { id } meetings { edges { node { id } } } presentation } }",
            json!({ "id": EMMA_LOG }),
        )
        .await;
    let log = &r.data()["log"];
    assert_eq!(log["status"], "ACTIVE", "{:#}", r.body);
    assert_eq!(log["child"]["name"], "Emma Nordmann");
    for field in ["goals", "meetings", "presentation"] {
        assert!(log[field].is_null(), "{field}: {:#}", r.body);
        assert!(
            r.errors().iter().any(|e| e["path"] == json!(["log", field]) && e["extensions"]["code"] == "FORBIDDEN"),
            "{field} is FORBIDDEN: {:#}",
            r.body
        );
    }
    let goals = count(format!("goal WHERE log_id = '{EMMA_LOG}'"));
    let before = app.count(&goals).await;
    app.gql(
        "unitadmin",
        ADD_GOAL.doc,
        json!({ "i": { "logId": EMMA_LOG, "area": "HOME_LEISURE", "btiLevel": 1, "description": PROBE } }),
    )
    .await
    .err("FORBIDDEN");
    assert_eq!(app.count(&goals).await, before, "the refusal wrote nothing");
}

/// Whoever has no relation to a log gets, for a write, exactly the answer for
/// a log that does not exist — the nurse on Jonas' PASSIVE log and the admins
/// of another municipality included.
#[tokio::test]
async fn a_write_to_a_hidden_log_reads_like_one_to_a_missing_log() {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    let missing = Uuid::new_v4();
    let column = |handle: &str| PERSONAS.iter().position(|h| *h == handle).expect("a column");
    let mut cases = vec![
        ("outsider", EMMA_LOG),
        ("youth", EMMA_LOG),
        ("unconsented", EMMA_LOG),
        ("systemowner", EMMA_LOG),
        ("participant", JONAS_LOG),
        ("participant", NORA_LOG),
    ];
    // The admins of another municipality, on every log of this one.
    for admin in [SORBY_MUNICIPAL_ADMIN, SORBY_UNIT_ADMIN] {
        cases.extend([EMMA_LOG, JONAS_LOG, NORA_LOG, SARA_LOG].map(|log| (admin, log)));
    }
    for (persona, log) in cases {
        let token = token(column(persona));
        for (op, vars) in
            [(POST_MESSAGE, json!({ "i": { "logId": log, "body": PROBE } })), (CLOSE_LOG, json!({ "l": log }))]
        {
            let hidden = app.gql_with_token(Some(&token), op.doc, vars.clone()).await;
            let absent = app.gql_with_token(Some(&token), op.doc, bind_log(&vars, log, missing)).await;
            assert_eq!((hidden.status, &hidden.body), (absent.status, &absent.body), "{persona} {} on {log}", op.field);
            hidden.err("NOT_FOUND");
        }
    }
    // To them, an object of one of this municipality's logs, addressed by its own id, is a random id too.
    let reading = demo::id(700);
    for admin in [SORBY_MUNICIPAL_ADMIN, SORBY_UNIT_ADMIN] {
        let token = token(column(admin));
        let vars = json!({ "m": reading, "i": { "status": "DONE" } });
        let hidden = app.gql_with_token(Some(&token), UPDATE_MEASURE.doc, vars.clone()).await;
        let absent = app.gql_with_token(Some(&token), UPDATE_MEASURE.doc, bind_log(&vars, reading, missing)).await;
        assert_eq!((hidden.status, &hidden.body), (absent.status, &absent.body), "{admin} updateMeasure");
        hidden.err("NOT_FOUND");
    }
}

/// The same variables with one id swapped for another.
fn bind_log(vars: &Value, from: Uuid, to: Uuid) -> Value {
    serde_json::from_str(&vars.to_string().replace(&from.to_string(), &to.to_string())).expect("json")
}
