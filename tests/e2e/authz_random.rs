//! Randomized check of the permission tables: random logs (in random home
//! units), guardians, youths, participants, consents (valid, withdrawn,
//! expired), statuses and admins — unit admins and unit leaders of any unit,
//! municipal admins of this municipality or of another one. Every principal
//! queries every log through the API; the answers must match a reference
//! model written here from DESIGN.md §3 (and the README's "Decisions where
//! DESIGN.md is silent") — independently of `schema/src/policy` — field by
//! field and error by error: a denied field is null with a FORBIDDEN error at
//! its path, an invisible log null with NOT_FOUND, and any other error (an
//! INTERNAL that nulled a field, say) fails the case. `logs` must list exactly
//! the logs the model allows, so a log of an earlier case (the database is
//! shared by all cases) that shows up fails too. Both the SQL row filter
//! (`logs`) and the Rust guards (`log(id)`) are checked against the model, so
//! the two statements of the visibility rule cannot drift apart.
//!
//! Then random principals send random writes from the write table (post a
//! message, add a goal, edit the presentation, schedule a meeting, close the
//! log, withdraw a consent, finish a measure) to random logs. The model says
//! allowed, NOT_FOUND (the log, or the object addressed by id, is invisible),
//! CONFLICT (closed; content needs ACTIVE) or FORBIDDEN. An allowed write must
//! take effect (its row, and a write entry in the access log) and answer with
//! no more than the writer may read; a refused one must change nothing. The
//! model follows the writes that change access (closing, withdrawing).
//!
//! Cases: 120 by default (about 10 s); set `STAFETT_PROPTEST_CASES` for more.
//! A count of 0 or one that does not parse fails the test rather than
//! letting it pass having checked nothing.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use stafett_schema::Identity;
use stafett_tests::{Gql, TestApp, payload_object};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use uuid::Uuid;

const CITIZENS: usize = 4; // c0..c2 may be guardians; c3 may be the child (youth)
/// s0..s3 may take part; s4 is a municipal admin candidate; s5 and s6 work in
/// the other municipality: s5 administers its unit, s6 the municipality.
const STAFF: usize = 7;
/// Units 0..2 belong to the logs' municipality; unit 3 to the other one.
const UNITS: usize = 4;
const OTHER_UNIT: usize = 3;
/// Staff member → the unit they work in.
const STAFF_UNIT: [usize; STAFF] = [0, 1, 2, 1, 0, OTHER_UNIT, OTHER_UNIT];
/// Writes per case: enough to follow a write that changes access with others.
const WRITES: usize = 4;

/// How many cases a randomized test runs: `default` when `var` is unset.
/// Zero, or anything that is not a whole number, is refused: a test that
/// runs no case passes while checking nothing.
pub(crate) fn case_count(var: &str, default: u32) -> u32 {
    let value = match std::env::var(var) {
        Ok(v) => Some(v),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(v)) => panic!("{var}={v:?} is not a number of cases"),
    };
    parse_case_count(value.as_deref(), default).unwrap_or_else(|e| panic!("{var}: {e}"))
}

fn parse_case_count(value: Option<&str>, default: u32) -> Result<u32, String> {
    match value.map(str::parse::<u32>) {
        None => Ok(default),
        Some(Ok(0)) => Err("0 cases would check nothing; unset it for the default".into()),
        Some(Ok(n)) => Ok(n),
        Some(Err(e)) => Err(format!("{:?} is not a number of cases: {e}", value.unwrap_or_default())),
    }
}

#[test]
fn case_counts_are_parsed_honestly() {
    assert_eq!(parse_case_count(None, 120), Ok(120));
    assert_eq!(parse_case_count(Some("7"), 120), Ok(7));
    for bad in ["0", "", " 7", "seven", "-1", "1e3", "7 "] {
        assert!(parse_case_count(Some(bad), 120).is_err(), "{bad:?} was accepted");
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Citizen(usize),
    Staff(usize),
}

#[derive(Debug, Clone)]
struct LogSpec {
    status: Status,
    /// the log's home unit, 0..2
    home: usize,
    guardians: [bool; 3],
    /// `Some(at_consent_age)` when the child is citizen c3
    youth: Option<bool>,
    log_consents: [Consent; CITIZENS],
    /// consents to units 0..2 (the home unit's entry is not stored: the
    /// consent to the log covers it)
    unit_consents: [Consent; 3],
    /// per staff s0..s3: absent, active, or left
    participants: [Option<bool>; 4],
    coordinator: usize,
    /// the goal's area is HOME_LEISURE (else KINDERGARTEN_SCHOOL)
    home_goal: bool,
    /// who is responsible for the goal's one measure
    responsible: Who,
}

/// An admin role in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UnitRole {
    unit: usize,
    leader: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Municipality {
    /// the logs' municipality
    This,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    PostMessage,
    AddGoal {
        home_area: bool,
    },
    EditPresentation,
    ScheduleMeeting,
    CloseLog,
    /// withdraw the log consent citizen `by` gave
    WithdrawConsent {
        by: usize,
    },
    FinishMeasure,
}

#[derive(Debug, Clone, Copy)]
struct WriteCase {
    who: Who,
    /// index into the logs, modulo their number
    log: usize,
    op: Op,
}

#[derive(Debug, Clone)]
struct World {
    logs: Vec<LogSpec>,
    /// s0..s4's admin role in a unit, if any (unit 3: the other municipality's)
    unit_admin: [Option<UnitRole>; 5],
    /// s4's municipal admin role, if any
    municipal_admin: Option<Municipality>,
    writes: Vec<WriteCase>,
}

impl World {
    fn unit_role(&self, s: usize) -> Option<UnitRole> {
        match s {
            0..5 => self.unit_admin[s],
            5 => Some(UnitRole { unit: OTHER_UNIT, leader: false }),
            _ => None,
        }
    }

    fn municipal_role(&self, s: usize) -> Option<Municipality> {
        match s {
            4 => self.municipal_admin,
            6 => Some(Municipality::Other),
            _ => None,
        }
    }
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

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![3 => (0..CITIZENS).prop_map(Who::Citizen), 4 => (0..STAFF).prop_map(Who::Staff)]
}

fn log_spec() -> impl Strategy<Value = LogSpec> {
    (
        (
            prop_oneof![
                Just(Status::Draft),
                Just(Status::Active),
                Just(Status::Active),
                Just(Status::Passive),
                Just(Status::Closed)
            ],
            0..3usize,
            [any::<bool>(), any::<bool>(), any::<bool>()],
            proptest::option::of(any::<bool>()),
        ),
        [consent(), consent(), consent(), consent()],
        [consent(), consent(), consent()],
        std::array::from_fn::<_, 4, _>(|_| proptest::option::of(proptest::bool::weighted(0.2))),
        0..4usize,
        any::<bool>(),
        prop_oneof![(0..CITIZENS).prop_map(Who::Citizen), (0..4usize).prop_map(Who::Staff)],
    )
        .prop_map(
            |(
                (status, home, mut guardians, youth),
                log_consents,
                unit_consents,
                mut participants,
                coordinator,
                home_goal,
                responsible,
            )| {
                if !guardians.iter().any(|g| *g) {
                    guardians[0] = true;
                }
                participants[coordinator] = Some(false);
                LogSpec {
                    status,
                    home,
                    guardians,
                    youth,
                    log_consents,
                    unit_consents,
                    participants,
                    coordinator,
                    home_goal,
                    responsible,
                }
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::PostMessage),
        1 => any::<bool>().prop_map(|home_area| Op::AddGoal { home_area }),
        1 => Just(Op::EditPresentation),
        1 => Just(Op::ScheduleMeeting),
        1 => Just(Op::CloseLog),
        2 => (0..CITIZENS).prop_map(|by| Op::WithdrawConsent { by }),
        2 => Just(Op::FinishMeasure),
    ]
}

fn world() -> impl Strategy<Value = World> {
    let unit_role =
        proptest::option::of((0..UNITS, any::<bool>()).prop_map(|(unit, leader)| UnitRole { unit, leader }));
    (
        proptest::collection::vec(log_spec(), 1..=3),
        std::array::from_fn::<_, 5, _>(|_| unit_role.clone()),
        proptest::option::of(prop_oneof![3 => Just(Municipality::This), 1 => Just(Municipality::Other)]),
        proptest::collection::vec(
            (who(), 0..3usize, op()).prop_map(|(who, log, op)| WriteCase { who, log, op }),
            WRITES,
        ),
    )
        .prop_map(|(mut logs, unit_admin, municipal_admin, writes)| {
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
            World { logs, unit_admin, municipal_admin, writes }
        })
}

// ---- The reference model: DESIGN.md §3, restated. ----

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
    Consents,
    AccessLog,
    Snapshots,
}

const FIELDS: [Field; 14] = [
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
    Field::Consents,
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
        if unit == self.home { self.owners_consented() } else { self.unit_consents[unit].valid() }
    }

    fn owner(&self, who: Who) -> bool {
        match who {
            Who::Citizen(c) => (c < 3 && self.guardians[c]) || (c == 3 && self.youth == Some(true)),
            Who::Staff(_) => false,
        }
    }

    /// Whether `s` takes part with content access: active log, consented unit.
    fn content(&self, s: usize) -> bool {
        s < 4
            && self.participants[s] == Some(false)
            && self.effective_status() == Status::Active
            && self.unit_consented(STAFF_UNIT[s])
    }

    /// The coordinator with content access (not only metadata).
    fn coordinating(&self, who: Who) -> bool {
        matches!(who, Who::Staff(s) if s == self.coordinator && self.content(s))
    }

    /// A participant other than the coordinator, with content access.
    fn participating(&self, who: Who) -> bool {
        matches!(who, Who::Staff(s) if s != self.coordinator && self.content(s))
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
        Consents, // a participant: her own unit's only
    ]
    .into();
    let mut fields = BTreeSet::new();
    let mut visible = false;
    match who {
        Who::Citizen(_) => {
            if log.owner(who) {
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
            // Unit admins and unit leaders: the logs of their own unit.
            if world.unit_role(s).is_some_and(|r| r.unit == log.home) {
                visible = true;
                fields.extend(metadata.iter().copied());
            }
            // Municipal admins: the logs of their own municipality.
            if world.municipal_role(s) == Some(Municipality::This) {
                visible = true;
                fields.extend(metadata.iter().copied());
                fields.extend([AccessLog, Snapshots]);
            }
        }
    }
    visible.then_some(fields)
}

/// What a write must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Refused(&'static str),
}

/// The write table of DESIGN.md §3, in the README's order of refusal:
/// invisible log or object → NOT_FOUND; CLOSED → CONFLICT; a role without the
/// right → FORBIDDEN; content on a log that is not ACTIVE → CONFLICT.
fn expect_write(world: &World, log: &LogSpec, who: Who, op: Op) -> Outcome {
    use Outcome::*;
    let Some(fields) = model(world, log, who) else { return Refused("NOT_FOUND") };
    let owner = log.owner(who);
    let coordinating = log.coordinating(who);
    let participating = log.participating(who);
    // An object addressed by its id is NOT_FOUND to whoever may not read it
    // (README, "Ids"); a participant sees only her own unit's consents, and
    // a consent to the log is no unit's.
    let object_visible = match op {
        Op::FinishMeasure => fields.contains(&Field::Goals),
        Op::WithdrawConsent { .. } => owner || coordinating,
        _ => true,
    };
    if !object_visible {
        return Refused("NOT_FOUND");
    }
    if log.status == Status::Closed {
        return Refused("CONFLICT");
    }
    let responsible = log.responsible == who;
    let allowed = match op {
        Op::PostMessage => owner || coordinating || participating,
        Op::AddGoal { home_area } => coordinating || (owner && home_area),
        Op::EditPresentation | Op::CloseLog => owner || coordinating,
        Op::ScheduleMeeting => coordinating,
        // Only the owner who gave a consent to the log can withdraw it.
        Op::WithdrawConsent { by } => owner && who == Who::Citizen(by),
        // The responsible person updates her measure; the coordinator any;
        // owners the home/leisure ones.
        Op::FinishMeasure => coordinating || ((owner || participating) && responsible) || (owner && log.home_goal),
    };
    if !allowed {
        return Refused("FORBIDDEN");
    }
    let needs_active = !matches!(op, Op::CloseLog | Op::WithdrawConsent { .. });
    if needs_active && log.effective_status() != Status::Active {
        return Refused("CONFLICT");
    }
    Allowed
}

/// How an allowed write changes what the model knows.
fn apply(log: &mut LogSpec, op: Op) {
    match op {
        Op::CloseLog => log.status = Status::Closed,
        Op::WithdrawConsent { by } => {
            log.log_consents[by] = Consent::Withdrawn;
            if log.status == Status::Active {
                log.status = Status::Passive;
            }
        }
        _ => {}
    }
}

// ---- Building the world in the database. ----

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// Writes sent, by outcome (allowed, NOT_FOUND, FORBIDDEN, CONFLICT): the
/// run must have seen each, or its writes checked less than it claims.
static OUTCOMES: [AtomicU32; 4] = [const { AtomicU32::new(0) }; 4];

/// A fresh, valid national id for someone born about `years_ago` years ago.
/// Each call moves the date one day back; each age class draws individual
/// numbers from its own range, so no two calls can produce the same id.
///
/// The youth (`17`) stays between 16 and 17½ however many ids a run draws
/// (at 18 the guardians would stop being owners, which the model does not
/// follow): their dates cycle over 400 days, and each cycle takes the next
/// valid individual number.
fn national_id(years_ago: i64) -> String {
    let n = i64::from(SERIAL.fetch_add(1, Ordering::Relaxed));
    let today = chrono::Utc::now().date_naive();
    let (born, skip) = match years_ago {
        17 => (today - chrono::Duration::days(16 * 366 + 30 + n % 400), usize::try_from(n / 400).unwrap_or(0)),
        _ => (today - chrono::Duration::days(years_ago * 366 + 30 + n), 0),
    };
    let individuals = match years_ago {
        40 => 100..500,
        17 => 500..700,
        10 => 700..850,
        _ => 850..1000,
    };
    individuals
        .into_iter()
        .filter_map(|i| stafett_schema::national_id::generate(born, i, true))
        .nth(skip)
        .expect("some individual number yields a valid id")
}

struct Built {
    citizens: Vec<(Uuid, String)>,
    staff: Vec<Uuid>,
    logs: Vec<Uuid>,
    /// per log, the id of each citizen's consent to it, if stored
    log_consents: Vec<[Option<Uuid>; CITIZENS]>,
    /// per log, its one measure
    measures: Vec<Uuid>,
}

impl Built {
    fn person(&self, who: Who) -> Uuid {
        match who {
            Who::Citizen(c) => self.citizens[c].0,
            Who::Staff(s) => self.staff[s],
        }
    }

    fn token(&self, who: Who) -> String {
        match who {
            Who::Citizen(c) => TestApp::token_for(&Identity::Citizen { pid: self.citizens[c].1.clone(), name: None }),
            Who::Staff(s) => TestApp::token_for(&Identity::Staff { external_id: format!("rand-{}", self.staff[s]) }),
        }
    }
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn build(app: &TestApp, world: &World) -> Built {
    let municipality = Uuid::new_v4();
    let other_municipality = Uuid::new_v4();
    let units: Vec<Uuid> = (0..UNITS).map(|_| Uuid::new_v4()).collect();
    let municipality_of = |u: usize| if u == OTHER_UNIT { other_municipality } else { municipality };
    let mut sql = format!(
        "INSERT INTO municipality (id, name) VALUES ('{municipality}', 'Tilfeldig {municipality}'), ('{other_municipality}', 'Nabo {other_municipality}');"
    );
    for (i, u) in units.iter().enumerate() {
        sql += &format!(
            "INSERT INTO unit (id, municipality_id, name, service_kind) VALUES ('{u}', '{}', 'Enhet {i}', 'OTHER');",
            municipality_of(i)
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
        let unit = STAFF_UNIT[s];
        sql += &format!(
            "INSERT INTO person (id, kind, name, phone) VALUES ('{id}', 'STAFF', 'Ansatt {s}', '+47 2');
             INSERT INTO staff (person_id, municipality_id, external_id) VALUES ('{id}', '{}', 'rand-{id}');
             INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{id}', '{}', 'EMPLOYEE');",
            municipality_of(unit),
            units[unit]
        );
        if let Some(role) = world.unit_role(s) {
            let name = if role.leader { "UNIT_LEADER" } else { "UNIT_ADMIN" };
            sql += &format!(
                "INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{id}', '{}', '{name}');",
                units[role.unit]
            );
        }
        if let Some(m) = world.municipal_role(s) {
            let m = if m == Municipality::This { municipality } else { other_municipality };
            sql += &format!(
                "INSERT INTO staff_municipal_role (staff_id, municipality_id, role) VALUES ('{id}', '{m}', 'MUNICIPAL_ADMIN');"
            );
        }
    }
    let person = |who: Who| match who {
        Who::Citizen(c) => citizens[c].0,
        Who::Staff(s) => staff[s],
    };
    let mut logs = Vec::new();
    let mut log_consents = Vec::new();
    let mut measures = Vec::new();
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
            units[spec.home],
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
        let mut consent_ids = [None; CITIZENS];
        for (c, state) in spec.log_consents.iter().enumerate() {
            if *state != Consent::None {
                let id = Uuid::new_v4();
                consent_ids[c] = Some(id);
                sql += &consent_sql(id, log, citizens[c].0, None, *state);
            }
        }
        log_consents.push(consent_ids);
        for (u, state) in spec.unit_consents.iter().enumerate() {
            if u != spec.home && *state != Consent::None {
                sql += &consent_sql(Uuid::new_v4(), log, citizens[0].0, Some(units[u]), *state);
            }
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
        let measure = Uuid::new_v4();
        let area = if spec.home_goal { "HOME_LEISURE" } else { "KINDERGARTEN_SCHOOL" };
        sql += &format!(
            "INSERT INTO goal (id, log_id, area, bti_level, description, created_by) VALUES ('{goal}', '{log}', '{area}', 1, 'Mål', '{}');
             INSERT INTO measure (id, log_id, goal_id, description, responsible_id, created_by)
                 VALUES ('{measure}', '{log}', '{goal}', 'Tiltak', '{}', '{}');
             INSERT INTO meeting (id, log_id, title, starts_at, created_by) VALUES ('{}', '{log}', 'Møte', now(), '{}');
             INSERT INTO message (id, log_id, author_id, body, to_all) VALUES ('{}', '{log}', '{}', 'Til alle', true);
             INSERT INTO archive_snapshot (id, log_id, reason, taken_by, content) VALUES ('{}', '{log}', 'MEETING', '{}', '{{}}');",
            staff[0],
            person(spec.responsible),
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
        measures.push(measure);
    }
    let mut conn = app.conn().await;
    conn.batch_execute(&format!("BEGIN; {sql} COMMIT;")).await.unwrap_or_else(|e| panic!("building the world: {e}"));
    Built { citizens, staff, logs, log_consents, measures }
}

fn consent_sql(id: Uuid, log: Uuid, by: Uuid, unit: Option<Uuid>, state: Consent) -> String {
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
             VALUES ('{id}', '{log}', '{scope}', {unit}, '{by}', 'DIGITAL', {given}, {expires}, {withdrawn}, {reason});"
    )
}

// ---- Asking the API and comparing. ----

const SELECTION: &str = "status child { name birthDate nationalId } presentation goals { id } meetings { edges { node { id } } }
    messages { edges { node { id body toAll } } }
    participants { name phone } guardians { name } consents { id } accessLog { edges { node { id } } } snapshots { edges { node { id } } }";

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
        Field::Consents => &log["consents"],
        Field::AccessLog => &log["accessLog"],
        Field::Snapshots => &log["snapshots"],
    }
}

/// The field a denial at `path` (below the log) is about: list indexes
/// stand for any element, so each participant's phone counts as the one field.
fn field_at(path: &[Value]) -> Option<Field> {
    let segments: Vec<String> = path
        .iter()
        .map(|p| if p.is_number() { "*".to_owned() } else { p.as_str().unwrap_or("?").to_owned() })
        .collect();
    Some(match segments.join(".").as_str() {
        "status" => Field::Status,
        "child.name" => Field::ChildName,
        "child.birthDate" => Field::ChildBirthDate,
        "child.nationalId" => Field::ChildNationalId,
        "presentation" => Field::Presentation,
        "goals" => Field::Goals,
        "meetings" => Field::Meetings,
        "messages" => Field::Messages,
        "participants" => Field::Participants,
        "participants.*.phone" => Field::ParticipantPhone,
        "guardians" => Field::GuardianNames,
        "consents" => Field::Consents,
        "accessLog" => Field::AccessLog,
        "snapshots" => Field::Snapshots,
        _ => return None,
    })
}

fn code(e: &Value) -> &str {
    e["extensions"]["code"].as_str().unwrap_or("")
}

fn path(e: &Value) -> Vec<Value> {
    e["path"].as_array().cloned().unwrap_or_default()
}

/// Every error of a response must be one the model expects: a FORBIDDEN on
/// a field `denied` names, under the top-level field `root`. Each denied
/// field of `selected` must have one. Anything else — an INTERNAL error
/// that nulled a field, a FORBIDDEN on a field that is allowed — fails.
fn check_denials(
    r: &Gql,
    errors: &[&Value],
    root: &[&str],
    selected: &[Field],
    allowed: &BTreeSet<Field>,
    ctx: &dyn Fn() -> String,
) -> Result<(), TestCaseError> {
    let mut denied_seen = BTreeSet::new();
    for e in errors {
        let p = path(e);
        let field = p.get(root.len()..).and_then(field_at);
        let at_root = p.len() >= root.len() && p.iter().zip(root).all(|(a, b)| a.as_str() == Some(*b));
        prop_assert!(at_root && code(e) == "FORBIDDEN", "an error the model does not explain: {e}\n{}", ctx());
        let Some(field) = field else {
            return Err(TestCaseError::fail(format!("FORBIDDEN on an unexpected path: {e}\n{}", ctx())));
        };
        prop_assert!(!allowed.contains(&field), "FORBIDDEN on {:?}, which the role may read: {e}\n{}", field, ctx());
        denied_seen.insert(field);
    }
    for f in selected {
        if !allowed.contains(f) {
            prop_assert!(denied_seen.contains(f), "{:?} is denied with no FORBIDDEN error: {}\n{}", f, r.body, ctx());
        }
    }
    Ok(())
}

/// The world's state as one row: whatever a write can change. A refused
/// write leaves it as it was.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
struct Fingerprint {
    #[diesel(sql_type = Text)]
    logs: String,
    #[diesel(sql_type = BigInt)]
    messages: i64,
    #[diesel(sql_type = BigInt)]
    goals: i64,
    #[diesel(sql_type = BigInt)]
    meetings: i64,
    #[diesel(sql_type = BigInt)]
    measures_done: i64,
    #[diesel(sql_type = BigInt)]
    consents_ended: i64,
    #[diesel(sql_type = BigInt)]
    participants_left: i64,
    #[diesel(sql_type = BigInt)]
    snapshots: i64,
    /// access-log entries of writes (not reads)
    #[diesel(sql_type = BigInt)]
    writes: i64,
}

async fn fingerprint(conn: &mut AsyncPgConnection, logs: &[Uuid]) -> Fingerprint {
    // Here only: diesel's `first` would shadow the slice's elsewhere.
    use diesel_async::RunQueryDsl;
    let ids = logs.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ");
    let of = |table: &str, cond: &str| format!("(SELECT count(*) FROM {table} WHERE log_id IN ({ids}) {cond})");
    let sql = format!(
        "SELECT (SELECT string_agg(id || ' ' || status || ' ' || coalesce(presentation, ''), ', ' ORDER BY id)
                   FROM log WHERE id IN ({ids})) AS logs,
                {} AS messages, {} AS goals, {} AS meetings, {} AS measures_done, {} AS consents_ended,
                {} AS participants_left, {} AS snapshots, {} AS writes",
        of("message", ""),
        of("goal", ""),
        of("meeting", ""),
        of("measure", "AND status = 'DONE'"),
        of("consent", "AND withdrawn_at IS NOT NULL"),
        of("participant", "AND left_at IS NOT NULL"),
        of("archive_snapshot", ""),
        of("access_log", "AND action <> 'READ'"),
    );
    diesel::sql_query(&sql).get_result(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql).get_result::<N>(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).n
}

async fn check_reads(app: &TestApp, world: &World, built: &Built) -> Result<(), TestCaseError> {
    let principals = (0..CITIZENS).map(Who::Citizen).chain((0..STAFF).map(Who::Staff));
    let aliases: String =
        built.logs.iter().enumerate().map(|(i, id)| format!("l{i}: log(id: \"{id}\") {{ {SELECTION} }} ")).collect();
    let query = format!("{{ {aliases} logs(first: 100) {{ edges {{ node {{ id }} }} }} }}");
    for who in principals {
        let r = app.gql_with_token(Some(&built.token(who)), &query, json!({})).await;
        let errors = r.errors();
        // `logs` lists exactly the logs the model allows: none of another
        // case's world (the database keeps them all), none twice.
        let listed: Vec<String> = r.data()["logs"]["edges"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["node"]["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let expected: BTreeSet<String> = world
            .logs
            .iter()
            .zip(&built.logs)
            .filter(|(spec, _)| model(world, spec, who).is_some())
            .map(|(_, id)| id.to_string())
            .collect();
        prop_assert_eq!(
            listed.iter().cloned().collect::<BTreeSet<_>>(),
            expected,
            "logs() lists other logs than the model allows, as {:?} in {:?} (logs {:?}): {}",
            who,
            world,
            built.logs,
            r.body
        );
        prop_assert_eq!(listed.len(), listed.iter().collect::<BTreeSet<_>>().len(), "logs() repeats a log");
        for (i, spec) in world.logs.iter().enumerate() {
            let expected = model(world, spec, who);
            let alias = format!("l{i}");
            let log = &r.data()[&alias];
            let ctx = || format!("{who:?} on log {i} {spec:?} in {world:?}\nresponse: {}", r.body);
            let own: Vec<&Value> =
                errors.iter().filter(|e| path(e).first().and_then(Value::as_str) == Some(alias.as_str())).collect();
            let Some(allowed) = expected else {
                prop_assert!(log.is_null(), "an invisible log was returned: {}", ctx());
                prop_assert!(
                    own.len() == 1 && code(own[0]) == "NOT_FOUND" && path(own[0]).len() == 1,
                    "an invisible log must answer exactly one NOT_FOUND: {}",
                    ctx()
                );
                continue;
            };
            prop_assert!(!log.is_null(), "a visible log was hidden: {}", ctx());
            let status = format!("{:?}", spec.effective_status()).to_uppercase();
            prop_assert_eq!(log["status"].as_str(), Some(status.as_str()), "status: {}", ctx());
            for f in FIELDS {
                let value = field_value(log, f);
                prop_assert_eq!(!value.is_null(), allowed.contains(&f), "field {:?}: {}", f, ctx());
            }
            check_denials(&r, &own, &[alias.as_str()], &FIELDS, &allowed, &ctx)?;
            // Messages: the private one (s0 to c0) only for its author and addressee.
            let private_seen =
                log["messages"]["edges"].as_array().into_iter().flatten().any(|m| m["node"]["body"] == "Privat");
            if allowed.contains(&Field::Messages) {
                let party = matches!(who, Who::Staff(0) | Who::Citizen(0));
                prop_assert_eq!(private_seen, party, "the private message: {}", ctx());
            }
        }
        // No error outside the logs asked for (`logs` itself never fails).
        for e in &errors {
            let root = path(e).first().and_then(Value::as_str).map(str::to_owned).unwrap_or_default();
            prop_assert!(
                root.starts_with('l') && root[1..].parse::<usize>().is_ok_and(|i| i < world.logs.len()),
                "an error outside the logs asked for: {e}\n{}",
                r.body
            );
        }
    }
    Ok(())
}

/// The document of a write, its variables, the field it answers under, the
/// fields of a `Log` it reads back, and SQL counting its effect (1 once done).
fn write_request(op: Op, built: &Built, i: usize, actor: Uuid, marker: &str) -> (String, Value, &'static str, String) {
    let log = built.logs[i];
    let log_payload = "{ log { id status presentation child { nationalId } } userErrors { field code message } }";
    match op {
        Op::PostMessage => (
            "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id body } userErrors { field code message } } }".into(),
            json!({ "i": { "logId": log, "body": marker } }),
            "postMessage",
            format!(
                "SELECT count(*) AS n FROM message WHERE log_id = '{log}' AND body = {} AND author_id = '{actor}'",
                q(marker)
            ),
        ),
        Op::AddGoal { home_area } => {
            let area = if home_area { "HOME_LEISURE" } else { "KINDERGARTEN_SCHOOL" };
            (
                "mutation($i: AddGoalInput!) { addGoal(input: $i) { goal { id description } userErrors { field code message } } }".into(),
                json!({ "i": { "logId": log, "area": area, "btiLevel": 2, "description": marker } }),
                "addGoal",
                format!(
                    "SELECT count(*) AS n FROM goal WHERE log_id = '{log}' AND description = {} AND area = '{area}'",
                    q(marker)
                ),
            )
        }
        Op::EditPresentation => (
            format!("mutation($l: ID!, $i: LogTextInput!) {{ updateLogText(logId: $l, input: $i) {log_payload} }}"),
            json!({ "l": log, "i": { "presentation": marker } }),
            "updateLogText",
            format!("SELECT count(*) AS n FROM log WHERE id = '{log}' AND presentation = {}", q(marker)),
        ),
        Op::ScheduleMeeting => (
            "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id title } userErrors { field code message } } }".into(),
            json!({ "i": { "logId": log, "title": marker,
                           "startsAt": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339() } }),
            "scheduleMeeting",
            format!("SELECT count(*) AS n FROM meeting WHERE log_id = '{log}' AND title = {}", q(marker)),
        ),
        Op::CloseLog => (
            format!("mutation($l: ID!) {{ closeLog(logId: $l, input: {{ reason: OTHER, details: \"tilfeldig\" }}) {log_payload} }}"),
            json!({ "l": log }),
            "closeLog",
            format!("SELECT count(*) AS n FROM log WHERE id = '{log}' AND status = 'CLOSED'"),
        ),
        Op::WithdrawConsent { by } => {
            let consent = built.log_consents[i][by].expect("only stored consents are withdrawn");
            (
                "mutation($c: ID!) { withdrawConsent(consentId: $c) { consent { id withdrawnAt } userErrors { field code message } } }".into(),
                json!({ "c": consent }),
                "withdrawConsent",
                format!("SELECT count(*) AS n FROM consent WHERE id = '{consent}' AND withdrawn_at IS NOT NULL"),
            )
        }
        Op::FinishMeasure => {
            let measure = built.measures[i];
            (
                "mutation($m: ID!) { updateMeasure(measureId: $m, input: { status: DONE }) { measure { id status } userErrors { field code message } } }".into(),
                json!({ "m": measure }),
                "updateMeasure",
                format!("SELECT count(*) AS n FROM measure WHERE id = '{measure}' AND status = 'DONE'"),
            )
        }
    }
}

async fn check_writes(app: &TestApp, world: &World, built: &Built) -> Result<(), TestCaseError> {
    let mut world = world.clone();
    let mut conn = app.conn().await;
    let mut before = fingerprint(&mut conn, &built.logs).await;
    for (n, w) in world.writes.clone().into_iter().enumerate() {
        let i = w.log % world.logs.len();
        // Only a consent in force is withdrawn: what withdrawing an ended one
        // answers is not in the tables.
        if let Op::WithdrawConsent { by } = w.op
            && world.logs[i].log_consents[by] != Consent::Valid
        {
            continue;
        }
        let expected = expect_write(&world, &world.logs[i], w.who, w.op);
        let tally = match expected {
            Outcome::Allowed => 0,
            Outcome::Refused("NOT_FOUND") => 1,
            Outcome::Refused("FORBIDDEN") => 2,
            Outcome::Refused(_) => 3,
        };
        OUTCOMES[tally].fetch_add(1, Ordering::Relaxed);
        let marker = format!("tilfeldig {n} {}", Uuid::new_v4());
        let (doc, vars, field, effect) = write_request(w.op, built, i, built.person(w.who), &marker);
        let r = app.gql_with_token(Some(&built.token(w.who)), &doc, vars).await;
        let after = fingerprint(&mut conn, &built.logs).await;
        let spec_before = world.logs[i].clone();
        let ctx =
            || format!("write {n}: {w:?} on log {i} {spec_before:?}\nexpected {expected:?}\nresponse: {}", r.body);
        let errors = r.errors();
        match expected {
            Outcome::Refused(code_expected) => {
                // Refusals of the input are the payload's userErrors (with
                // no object); refusals of the caller are top-level errors.
                let refused = if matches!(code_expected, "CONFLICT" | "BAD_USER_INPUT") {
                    errors.is_empty()
                        && r.refusal().as_deref() == Some(code_expected)
                        && r.data()[field][payload_object(field).unwrap_or("log")].is_null()
                } else {
                    errors.len() == 1
                        && code(&errors[0]) == code_expected
                        && path(&errors[0]) == vec![json!(field)]
                        && r.data()[field].is_null()
                };
                prop_assert!(refused, "a refused write must answer exactly one {}: {}", code_expected, ctx());
                prop_assert_eq!(&after, &before, "a refused write changed the world: {}", ctx());
            }
            Outcome::Allowed => {
                apply(&mut world.logs[i], w.op);
                let payload = &r.data()[field][payload_object(field).unwrap_or("log")];
                prop_assert!(!payload.is_null(), "an allowed write failed: {}", ctx());
                prop_assert_eq!(count(&mut conn, &effect).await, 1, "the write did not take effect: {}", ctx());
                prop_assert!(after.writes > before.writes, "a write with no access-log entry: {}", ctx());
                let errors: Vec<&Value> = errors.iter().collect();
                match w.op {
                    // The log read back: no more than the writer may read now.
                    Op::EditPresentation | Op::CloseLog => {
                        let allowed = model(&world, &world.logs[i], w.who).unwrap_or_default();
                        let selected = [Field::Status, Field::Presentation, Field::ChildNationalId];
                        for f in selected {
                            prop_assert_eq!(
                                !field_value(payload, f).is_null(),
                                allowed.contains(&f),
                                "{:?} read back: {}",
                                f,
                                ctx()
                            );
                        }
                        check_denials(&r, &errors, &[field, "log"], &selected, &allowed, &ctx)?;
                        let status = format!("{:?}", world.logs[i].effective_status()).to_uppercase();
                        prop_assert_eq!(payload["status"].as_str(), Some(status.as_str()), "status: {}", ctx());
                        if w.op == Op::EditPresentation {
                            prop_assert_eq!(payload["presentation"].as_str(), Some(marker.as_str()), "{}", ctx());
                        }
                    }
                    _ => {
                        prop_assert!(errors.is_empty(), "errors on an allowed write: {}", ctx());
                        let echoed = match w.op {
                            Op::PostMessage => payload["body"] == marker.as_str(),
                            Op::AddGoal { .. } => payload["description"] == marker.as_str(),
                            Op::ScheduleMeeting => payload["title"] == marker.as_str(),
                            Op::WithdrawConsent { .. } => !payload["withdrawnAt"].is_null(),
                            _ => payload["status"] == "DONE",
                        };
                        prop_assert!(echoed, "the answer does not show the write: {}", ctx());
                    }
                }
            }
        }
        before = after;
    }
    Ok(())
}

async fn check(app: &TestApp, world: &World) -> Result<(), TestCaseError> {
    let built = build(app, world).await;
    check_reads(app, world, &built).await?;
    check_writes(app, world, &built).await
}

#[test]
fn no_principal_ever_reads_or_writes_what_the_tables_forbid() {
    let cases = case_count("STAFETT_PROPTEST_CASES", 120);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let app = rt.block_on(TestApp::empty());
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result = runner.run(&world(), |w| rt.block_on(check(&app, &w)));
    // The reason last, where a truncated log still shows it; the response
    // in it is on one line for the same cause.
    match result {
        Err(proptest::test_runner::TestError::Fail(reason, world)) => {
            panic!("minimal failing world: {world:?}\n{reason}")
        }
        Err(e) => panic!("{e}"),
        Ok(()) => {}
    }
    let outcomes = OUTCOMES.each_ref().map(|n| n.load(Ordering::Relaxed));
    assert!(outcomes.iter().all(|n| *n > 0), "writes allowed, NOT_FOUND, FORBIDDEN, CONFLICT: {outcomes:?}");
}
