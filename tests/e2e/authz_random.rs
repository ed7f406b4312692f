//! Randomized check of the permission tables: random logs, guardians,
//! youths, participants, consents (valid, withdrawn, expired) and statuses;
//! every principal queries every log through the API; the answers must
//! match a reference model written here from DESIGN.md §3 — independently
//! of `schema/src/policy` — field by field. Both the SQL row filter (`logs`)
//! and the Rust guards (`log(id)`) are checked against the model, so the
//! two statements of the visibility rule cannot drift apart.
//!
//! Cases: 200 by default; set `STAFETT_PROPTEST_CASES` for more.

use diesel_async::SimpleAsyncConnection;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use stafett_schema::Identity;
use stafett_tests::TestApp;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use uuid::Uuid;

const CITIZENS: usize = 4; // c0..c2 may be guardians; c3 may be the child (youth)
const STAFF: usize = 5; // s0..s3 may take part; s4 is a municipal admin candidate
/// Staff member → unit index (0 is every log's home unit).
const STAFF_UNIT: [usize; STAFF] = [0, 1, 2, 1, 0];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consent {
    None,
    Valid,
    Withdrawn,
    Expired,
}

impl Consent {
    fn valid(self) -> bool {
        self == Consent::Valid
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Draft,
    Active,
    Passive,
    Closed,
}

#[derive(Debug, Clone)]
struct LogSpec {
    status: Status,
    guardians: [bool; 3],
    /// `Some(at_consent_age)` when the child is citizen c3
    youth: Option<bool>,
    log_consents: [Consent; CITIZENS],
    /// consents to units 1 and 2
    unit_consents: [Consent; 2],
    /// per staff s0..s3: absent, active, or left
    participants: [Option<bool>; 4],
    coordinator: usize,
}

#[derive(Debug, Clone)]
struct World {
    logs: Vec<LogSpec>,
    unit_admin: [bool; STAFF],
    municipal_admin: bool,
}

fn consent() -> impl Strategy<Value = Consent> {
    prop_oneof![
        Just(Consent::None),
        Just(Consent::Valid),
        Just(Consent::Valid),
        Just(Consent::Withdrawn),
        Just(Consent::Expired)
    ]
}

fn log_spec() -> impl Strategy<Value = LogSpec> {
    (
        prop_oneof![
            Just(Status::Draft),
            Just(Status::Active),
            Just(Status::Active),
            Just(Status::Passive),
            Just(Status::Closed)
        ],
        [any::<bool>(), any::<bool>(), any::<bool>()],
        proptest::option::of(any::<bool>()),
        [consent(), consent(), consent(), consent()],
        [consent(), consent()],
        std::array::from_fn::<_, 4, _>(|_| proptest::option::of(proptest::bool::weighted(0.2))),
        0..4usize,
    )
        .prop_map(|(status, mut guardians, youth, log_consents, unit_consents, mut participants, coordinator)| {
            if !guardians.iter().any(|g| *g) {
                guardians[0] = true;
            }
            participants[coordinator] = Some(false);
            LogSpec { status, guardians, youth, log_consents, unit_consents, participants, coordinator }
        })
}

fn world() -> impl Strategy<Value = World> {
    (proptest::collection::vec(log_spec(), 1..=3), [any::<bool>(); STAFF], any::<bool>()).prop_map(
        |(mut logs, unit_admin, municipal_admin)| {
            // A child has one record, so c3 can be the child of one log only.
            let mut youth_taken = false;
            for log in &mut logs {
                if log.youth == Some(true) {
                    if youth_taken {
                        log.youth = None;
                    }
                    youth_taken = true;
                }
            }
            World { logs, unit_admin, municipal_admin }
        },
    )
}

// ---- The reference model: DESIGN.md §3, restated. ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Citizen(usize),
    Staff(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Status,
    ChildName,
    ChildBirthDate,
    ChildNationalId,
    Presentation,
    Goals,
    Meetings,
    Messages,
    Participants,
    ParticipantPhone,
    GuardianNames,
    AccessLog,
    Snapshots,
}

const FIELDS: [Field; 13] = [
    Field::Status,
    Field::ChildName,
    Field::ChildBirthDate,
    Field::ChildNationalId,
    Field::Presentation,
    Field::Goals,
    Field::Meetings,
    Field::Messages,
    Field::Participants,
    Field::ParticipantPhone,
    Field::GuardianNames,
    Field::AccessLog,
    Field::Snapshots,
];

impl LogSpec {
    fn owners_consented(&self) -> bool {
        let guardians_ok = (0..3).all(|c| !self.guardians[c] || self.log_consents[c].valid());
        let youth_ok = self.youth != Some(true) || self.log_consents[3].valid();
        guardians_ok && youth_ok
    }

    fn effective_status(&self) -> Status {
        if self.status == Status::Active && !self.owners_consented() { Status::Passive } else { self.status }
    }

    fn unit_consented(&self, unit: usize) -> bool {
        if unit == 0 { self.owners_consented() } else { self.unit_consents[unit - 1].valid() }
    }

    /// Whether `s` takes part with content access: active log, consented unit.
    fn content(&self, s: usize) -> bool {
        s < 4
            && self.participants[s] == Some(false)
            && self.effective_status() == Status::Active
            && self.unit_consented(STAFF_UNIT[s])
    }
}

/// The fields a principal may read of a log; `None` when the log is invisible.
fn model(world: &World, log: &LogSpec, who: Who) -> Option<BTreeSet<Field>> {
    use Field::*;
    let metadata: BTreeSet<Field> = [Status, ChildName, Participants].into();
    let professional: BTreeSet<Field> = [
        Status,
        ChildName,
        ChildBirthDate,
        Presentation,
        Goals,
        Meetings,
        Messages,
        Participants,
        ParticipantPhone,
        GuardianNames,
    ]
    .into();
    let mut fields = BTreeSet::new();
    let mut visible = false;
    match who {
        Who::Citizen(c) => {
            let guardian = c < 3 && log.guardians[c];
            let youth = c == 3 && log.youth == Some(true);
            if guardian || youth {
                visible = true;
                fields.extend(FIELDS); // owners see all of their log, in every status
            }
        }
        Who::Staff(s) => {
            if s == log.coordinator {
                visible = true;
                if log.content(s) {
                    fields.extend(professional.iter().copied());
                    fields.extend([ChildNationalId, Snapshots]);
                } else {
                    fields.extend(metadata.iter().copied());
                }
            } else if log.content(s) {
                visible = true;
                fields.extend(professional.iter().copied());
            }
            if world.unit_admin[s] {
                visible = true;
                fields.extend(metadata.iter().copied());
            }
            if s == 4 && world.municipal_admin {
                visible = true;
                fields.extend(metadata.iter().copied());
                fields.extend([AccessLog, Snapshots]);
            }
        }
    }
    visible.then_some(fields)
}

// ---- Building the world in the database. ----

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// A fresh, valid national id for someone born about `years_ago` years ago.
/// Each call moves the date one day back; each age class draws individual
/// numbers from its own range, so no two calls can produce the same id.
fn national_id(years_ago: i64) -> String {
    let n = i64::from(SERIAL.fetch_add(1, Ordering::Relaxed));
    let born = chrono::Utc::now().date_naive() - chrono::Duration::days(years_ago * 366 + 30 + n);
    let individuals = match years_ago {
        40 => 100..500,
        17 => 500..700,
        10 => 700..850,
        _ => 850..1000,
    };
    individuals
        .into_iter()
        .find_map(|i| stafett_schema::national_id::generate(born, i, true))
        .expect("some individual number yields a valid id")
}

struct Built {
    citizens: Vec<(Uuid, String)>,
    staff: Vec<Uuid>,
    logs: Vec<Uuid>,
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn build(app: &TestApp, world: &World) -> Built {
    let municipality = Uuid::new_v4();
    let units: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let mut sql = format!("INSERT INTO municipality (id, name) VALUES ('{municipality}', 'Tilfeldig');");
    for (i, u) in units.iter().enumerate() {
        sql += &format!(
            "INSERT INTO unit (id, municipality_id, name, service_kind) VALUES ('{u}', '{municipality}', 'Enhet {i}', 'OTHER');"
        );
    }
    let citizens: Vec<(Uuid, String)> = (0..CITIZENS)
        .map(|c| {
            // c3 is the child: at or over 16, or well under 15.
            let age = if c < 3 {
                40
            } else if world.logs.iter().any(|l| l.youth == Some(true)) {
                17
            } else {
                10
            };
            (Uuid::new_v4(), national_id(age))
        })
        .collect();
    for (id, nid) in &citizens {
        sql += &format!(
            "INSERT INTO person (id, kind, name, phone) VALUES ('{id}', 'CITIZEN', 'Innbygger', '+47 1');
             INSERT INTO citizen (person_id, national_id) VALUES ('{id}', {});",
            q(nid)
        );
    }
    let staff: Vec<Uuid> = (0..STAFF).map(|_| Uuid::new_v4()).collect();
    for (s, id) in staff.iter().enumerate() {
        sql += &format!(
            "INSERT INTO person (id, kind, name, phone) VALUES ('{id}', 'STAFF', 'Ansatt {s}', '+47 2');
             INSERT INTO staff (person_id, municipality_id, external_id) VALUES ('{id}', '{municipality}', 'rand-{id}');
             INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{id}', '{}', 'EMPLOYEE');",
            units[STAFF_UNIT[s]]
        );
        if world.unit_admin[s] {
            sql += &format!(
                "INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{id}', '{}', 'UNIT_ADMIN');",
                units[0]
            );
        }
    }
    if world.municipal_admin {
        sql += &format!(
            "INSERT INTO staff_municipal_role (staff_id, municipality_id, role) VALUES ('{}', '{municipality}', 'MUNICIPAL_ADMIN');",
            staff[4]
        );
    }
    let mut logs = Vec::new();
    for spec in &world.logs {
        let log = Uuid::new_v4();
        let child = Uuid::new_v4();
        // The child is c3 (at consent age) or someone without a login.
        let child_nid = if spec.youth == Some(true) { citizens[3].1.clone() } else { national_id(8) };
        let born = stafett_schema::national_id::birth_date(&child_nid).expect("valid");
        let status = format!("{:?}", spec.status).to_uppercase();
        let closed = if spec.status == Status::Closed { "now()" } else { "NULL" };
        sql += &format!(
            "INSERT INTO child (id, municipality_id, name, national_id, birth_date) VALUES ('{child}', '{municipality}', 'Barn', {}, '{born}');
             INSERT INTO log (id, municipality_id, unit_id, child_id, status, presentation, created_by, closed_at)
                 VALUES ('{log}', '{municipality}', '{}', '{child}', '{status}', 'Presentasjon', '{}', {closed});",
            q(&child_nid),
            units[0],
            staff[0]
        );
        for (c, g) in spec.guardians.iter().enumerate() {
            if *g {
                sql += &format!(
                    "INSERT INTO guardian (log_id, citizen_id, added_by) VALUES ('{log}', '{}', '{}');",
                    citizens[c].0, staff[0]
                );
            }
        }
        for (c, state) in spec.log_consents.iter().enumerate() {
            sql += &consent_sql(log, citizens[c].0, None, *state);
        }
        for (i, state) in spec.unit_consents.iter().enumerate() {
            sql += &consent_sql(log, citizens[0].0, Some(units[i + 1]), *state);
        }
        for (s, p) in spec.participants.iter().enumerate() {
            let Some(left) = p else { continue };
            let pid = Uuid::new_v4();
            let (left_at, reason) = if *left { ("now()", "'REMOVED'") } else { ("NULL", "NULL") };
            sql += &format!(
                "INSERT INTO participant (id, log_id, staff_id, unit_id, added_by, left_at, left_reason)
                     VALUES ('{pid}', '{log}', '{}', '{}', '{}', {left_at}, {reason});",
                staff[s], units[STAFF_UNIT[s]], staff[0]
            );
            if s == spec.coordinator {
                sql += &format!(
                    "INSERT INTO coordinator_term (id, log_id, participant_id, staff_id) VALUES ('{}', '{log}', '{pid}', '{}');",
                    Uuid::new_v4(),
                    staff[s]
                );
            }
        }
        // Content in every field the check reads.
        let goal = Uuid::new_v4();
        sql += &format!(
            "INSERT INTO goal (id, log_id, area, bti_level, description, created_by) VALUES ('{goal}', '{log}', 'HOME_LEISURE', 1, 'Mål', '{}');
             INSERT INTO meeting (id, log_id, title, starts_at, created_by) VALUES ('{}', '{log}', 'Møte', now(), '{}');
             INSERT INTO message (id, log_id, author_id, body, to_all) VALUES ('{}', '{log}', '{}', 'Til alle', true);
             INSERT INTO archive_snapshot (id, log_id, reason, taken_by, content) VALUES ('{}', '{log}', 'MEETING', '{}', '{{}}');",
            staff[0],
            Uuid::new_v4(),
            staff[0],
            Uuid::new_v4(),
            staff[0],
            Uuid::new_v4(),
            staff[0]
        );
        let private = Uuid::new_v4();
        sql += &format!(
            "INSERT INTO message (id, log_id, author_id, body, to_all) VALUES ('{private}', '{log}', '{}', 'Privat', false);
             INSERT INTO message_recipient (message_id, person_id) VALUES ('{private}', '{}');",
            staff[0],
            citizens[0].0
        );
        logs.push(log);
    }
    let mut conn = app.conn().await;
    conn.batch_execute(&format!("BEGIN; {sql} COMMIT;")).await.unwrap_or_else(|e| panic!("building the world: {e}"));
    Built { citizens, staff, logs }
}

fn consent_sql(log: Uuid, by: Uuid, unit: Option<Uuid>, state: Consent) -> String {
    let (scope, unit) = match unit {
        Some(u) => ("UNIT", format!("'{u}'")),
        None => ("LOG", "NULL".into()),
    };
    let (given, expires, withdrawn, reason) = match state {
        Consent::None => return String::new(),
        Consent::Valid => ("now()", "NULL", "NULL", "NULL"),
        Consent::Withdrawn => ("now()", "NULL", "now()", "'WITHDRAWN'"),
        Consent::Expired => ("now() - interval '2 days'", "now() - interval '1 day'", "NULL", "NULL"),
    };
    format!(
        "INSERT INTO consent (id, log_id, scope, unit_id, given_by, method, given_at, expires_at, withdrawn_at, withdrawal_reason)
             VALUES ('{}', '{log}', '{scope}', {unit}, '{by}', 'DIGITAL', {given}, {expires}, {withdrawn}, {reason});",
        Uuid::new_v4()
    )
}

// ---- Asking the API and comparing. ----

const SELECTION: &str = "status child { name birthDate nationalId } presentation goals { id } meetings { id }
    messages { edges { node { id body toAll } } }
    participants { name phone } guardians { name } accessLog { edges { node { id } } } snapshots { id }";

fn field_value(log: &Value, f: Field) -> &Value {
    match f {
        Field::Status => &log["status"],
        Field::ChildName => &log["child"]["name"],
        Field::ChildBirthDate => &log["child"]["birthDate"],
        Field::ChildNationalId => &log["child"]["nationalId"],
        Field::Presentation => &log["presentation"],
        Field::Goals => &log["goals"],
        Field::Meetings => &log["meetings"],
        Field::Messages => &log["messages"],
        Field::Participants => &log["participants"],
        Field::ParticipantPhone => &log["participants"][0]["phone"],
        Field::GuardianNames => &log["guardians"],
        Field::AccessLog => &log["accessLog"],
        Field::Snapshots => &log["snapshots"],
    }
}

async fn check(app: &TestApp, world: &World) -> Result<(), TestCaseError> {
    let built = build(app, world).await;
    let principals: Vec<(Who, String)> = (0..CITIZENS)
        .map(|c| {
            (Who::Citizen(c), TestApp::token_for(&Identity::Citizen { pid: built.citizens[c].1.clone(), name: None }))
        })
        .chain((0..STAFF).map(|s| {
            (Who::Staff(s), TestApp::token_for(&Identity::Staff { external_id: format!("rand-{}", built.staff[s]) }))
        }))
        .collect();
    let aliases: String =
        built.logs.iter().enumerate().map(|(i, id)| format!("l{i}: log(id: \"{id}\") {{ {SELECTION} }} ")).collect();
    let query = format!("{{ {aliases} logs(first: 100) {{ edges {{ node {{ id }} }} }} }}");
    for (who, token) in &principals {
        let r = app.gql_with_token(Some(token), &query, json!({})).await;
        let listed: BTreeSet<String> = r.data()["logs"]["edges"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["node"]["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for (i, spec) in world.logs.iter().enumerate() {
            let expected = model(world, spec, *who);
            let log = &r.data()[format!("l{i}")];
            let id = built.logs[i].to_string();
            let ctx = || format!("{who:?} on log {i} {spec:?}\nresponse: {:#}", r.body);
            prop_assert_eq!(
                listed.contains(&id),
                expected.is_some(),
                "logs() filter disagrees with the model: {}",
                ctx()
            );
            let Some(allowed) = expected else {
                prop_assert!(log.is_null(), "an invisible log was returned: {}", ctx());
                continue;
            };
            prop_assert!(!log.is_null(), "a visible log was hidden: {}", ctx());
            let status = format!("{:?}", spec.effective_status()).to_uppercase();
            prop_assert_eq!(log["status"].as_str(), Some(status.as_str()), "status: {}", ctx());
            for f in FIELDS {
                let value = field_value(log, f);
                prop_assert_eq!(!value.is_null(), allowed.contains(&f), "field {:?}: {}", f, ctx());
            }
            // Messages: the private one (s0 to c0) only for its author and addressee.
            let private_seen =
                log["messages"]["edges"].as_array().into_iter().flatten().any(|m| m["node"]["body"] == "Privat");
            if allowed.contains(&Field::Messages) {
                let party = matches!(who, Who::Staff(0) | Who::Citizen(0));
                prop_assert_eq!(private_seen, party, "the private message: {}", ctx());
            }
        }
    }
    Ok(())
}

#[test]
fn no_principal_ever_reads_what_the_tables_forbid() {
    let cases = std::env::var("STAFETT_PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let app = rt.block_on(TestApp::empty());
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result = runner.run(&world(), |w| rt.block_on(check(&app, &w)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
