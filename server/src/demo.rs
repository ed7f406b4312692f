//! The demo municipality and its personas (DESIGN.md §6). Seeding is
//! idempotent: when the demo municipality exists, nothing is written.
//!
//! Dates of birth are fixed (the national ids must be), so ages move on with
//! the calendar; deadlines and meetings are placed relative to the day the
//! demo is first seeded.

use anyhow::Result;
use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};
use stafett_schema::Identity;
use stafett_schema::db::consents::{ConsentRow, UnitProposalRow};
use stafett_schema::db::enums::*;
use stafett_schema::db::goals::{EvaluationRow, GoalRow, MeasureRow};
use stafett_schema::db::lifecycle::{self, Transition};
use stafett_schema::db::logs::{ChildRow, LogRow};
use stafett_schema::db::meetings::{self, AgendaItemRow, MeetingRow};
use stafett_schema::db::messages::{self, MessageRow};
use stafett_schema::db::org::{MunicipalityRow, PersonRow, UnitRow};
use stafett_schema::db::participants::{self, ParticipantRow};
use stafett_schema::db::schema::*;
use stafett_schema::db::snapshots;
use stafett_schema::db::templates;
use stafett_schema::national_id;
use uuid::Uuid;

/// A fixed id in the demo's namespace, so seeding twice writes the same rows.
pub const fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x5afe_77e0_0000_4000_8000_0000_0000_0000 | n)
}

pub const MUNICIPALITY: Uuid = id(1);
pub const SCHOOL: Uuid = id(10);
pub const HEALTH_STATION: Uuid = id(11);
pub const PPT: Uuid = id(12);

/// A second municipality with one school, so the demo shows that staff of
/// one municipality see nothing of another's (persona `othermunicipality`).
pub const OTHER_MUNICIPALITY: Uuid = id(2);
pub const OTHER_SCHOOL: Uuid = id(13);
/// A teacher at Østby skole without a persona: the unit admin's staff list
/// has someone besides herself.
const OTHER_TEACHER: Uuid = id(307);

/// The municipality's plan template (Emma's log was made from its version 1).
pub const TEMPLATE: Uuid = id(1100);
pub const EMMA_LOG: Uuid = id(100);
pub const JONAS_LOG: Uuid = id(101);
pub const NORA_LOG: Uuid = id(102);
pub const SARA_LOG: Uuid = id(103);

pub const EMMA: Uuid = id(110);
pub const JONAS: Uuid = id(111);
pub const NORA: Uuid = id(112);
pub const SARA: Uuid = id(113);

/// A demo persona: a handle for `stafett token`, and who it is.
pub struct Persona {
    pub handle: &'static str,
    pub person_id: Uuid,
    pub name: &'static str,
    pub description: &'static str,
    kind: Kind,
}

enum Kind {
    /// a citizen, with a date of birth for a synthetic national id
    Citizen(NaiveDate),
    /// staff of this municipality
    Staff(Uuid),
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid demo date"),
    }
}

pub const PERSONAS: &[Persona] = &[
    Persona {
        handle: "guardian",
        person_id: id(200),
        name: "Ola Nordmann",
        description: "father of Emma, Jonas and Nora",
        kind: Kind::Citizen(date(1984, 4, 12)),
    },
    Persona {
        handle: "guardian2",
        person_id: id(201),
        name: "Kari Nordmann",
        description: "mother of Emma, Jonas and Nora",
        kind: Kind::Citizen(date(1986, 9, 3)),
    },
    Persona {
        handle: "youth",
        person_id: id(202),
        name: "Sara Berg",
        description: "16, owner of her own log",
        kind: Kind::Citizen(date(2010, 3, 20)),
    },
    Persona {
        handle: "outsider",
        person_id: id(203),
        name: "Per Utenfor",
        description: "a citizen with no log",
        kind: Kind::Citizen(date(1990, 1, 15)),
    },
    Persona {
        handle: "coordinator",
        person_id: id(300),
        name: "Ingrid Lærer",
        description: "Emma's teacher, coordinator of all four logs",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "participant",
        person_id: id(301),
        name: "Hanne Helsesøster",
        description: "health-station nurse, consented on all four logs",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "unconsented",
        person_id: id(302),
        name: "Petter PPT",
        description: "PPT adviser; PPT is proposed on Emma's log but not consented",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "unitadmin",
        person_id: id(303),
        name: "Ulla Enhetsadmin",
        description: "unit admin of Nordby skole",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "municipaladmin",
        person_id: id(304),
        name: "Mona Kommuneadmin",
        description: "municipal admin",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "systemowner",
        person_id: id(305),
        name: "Sven Systemeier",
        description: "system owner: statistics only",
        kind: Kind::Staff(MUNICIPALITY),
    },
    Persona {
        handle: "othermunicipality",
        person_id: id(306),
        name: "Åse Østby",
        description: "unit admin of Østby skole in Østby kommune: sees nothing of Nordby",
        kind: Kind::Staff(OTHER_MUNICIPALITY),
    },
];

/// Sara's mother: a guardian without a persona of her own.
const SARAS_MOTHER: Uuid = id(204);

impl Persona {
    pub fn find(handle: &str) -> Option<&'static Persona> {
        PERSONAS.iter().find(|p| p.handle == handle)
    }

    /// What a token for this persona carries: `pid` for citizens, the
    /// external id `demo-<handle>` for staff.
    pub fn identity(&self) -> Identity {
        match self.kind {
            Kind::Citizen(born) => Identity::Citizen { pid: synthetic_id(born), name: Some(self.name.into()) },
            Kind::Staff(_) => Identity::Staff { external_id: format!("demo-{}", self.handle) },
        }
    }

    /// The municipality a staff persona works in; None for citizens.
    pub fn municipality(&self) -> Option<Uuid> {
        match self.kind {
            Kind::Citizen(_) => None,
            Kind::Staff(m) => Some(m),
        }
    }

    pub fn national_id(&self) -> Option<String> {
        match self.kind {
            Kind::Citizen(born) => Some(synthetic_id(born)),
            Kind::Staff(_) => None,
        }
    }
}

/// A synthetic (Tenor-style, month + 80) national id for a date of birth.
pub fn synthetic_id(born: NaiveDate) -> String {
    use chrono::Datelike;
    // 500–999 encode births from 2000; 000–499 the 1900s.
    let start = if born.year() >= 2000 { 500 } else { 100 };
    (start..start + 400)
        .find_map(|i| national_id::generate(born, i, true))
        .expect("some individual number yields valid check digits")
}

const EMMA_BORN: NaiveDate = date(2012, 2, 14);
const JONAS_BORN: NaiveDate = date(2016, 6, 1);
const NORA_BORN: NaiveDate = date(2019, 11, 30);
const SARA_BORN: NaiveDate = date(2010, 3, 20);
const SARAS_MOTHER_BORN: NaiveDate = date(1979, 8, 8);

fn persona(handle: &str) -> &'static Persona {
    Persona::find(handle).expect("demo persona exists")
}

/// Creates the demo data unless it exists. Returns whether anything was written.
///
/// The two municipalities are seeded apart, each when it is missing, so a
/// demo database from before Østby was added gets it on the next start.
pub async fn seed(conn: &mut AsyncPgConnection) -> Result<bool> {
    let mut wrote = false;
    for (municipality, part) in [(MUNICIPALITY, Part::Nordby), (OTHER_MUNICIPALITY, Part::Ostby)] {
        let exists: bool =
            diesel::select(diesel::dsl::exists(municipality::table.find(municipality))).get_result(conn).await?;
        if exists {
            continue;
        }
        AnsiTransactionManager::begin_transaction(conn).await?;
        let written = match part {
            Part::Nordby => write(conn).await,
            Part::Ostby => write_other(conn).await,
        };
        match written {
            Ok(()) => AnsiTransactionManager::commit_transaction(conn).await?,
            Err(e) => {
                AnsiTransactionManager::rollback_transaction(conn).await.ok();
                return Err(e);
            }
        }
        wrote = true;
    }
    Ok(wrote)
}

enum Part {
    Nordby,
    Ostby,
}

/// Østby kommune: one school, its unit admin (the persona) and a teacher.
async fn write_other(conn: &mut AsyncPgConnection) -> Result<()> {
    let now = Utc::now();
    diesel::insert_into(municipality::table)
        .values(MunicipalityRow {
            id: OTHER_MUNICIPALITY,
            name: "Østby kommune".into(),
            consent_age: 16,
            created_at: now,
        })
        .execute(conn)
        .await?;
    diesel::insert_into(unit::table)
        .values(UnitRow {
            id: OTHER_SCHOOL,
            municipality_id: OTHER_MUNICIPALITY,
            name: "Østby skole".into(),
            service_kind: ServiceKind::School,
            created_at: now,
            organization_number: None,
            deactivated_at: None,
        })
        .execute(conn)
        .await?;
    let admin = persona("othermunicipality");
    for (person_id, name, external_id, role, title) in [
        (admin.person_id, admin.name, "demo-othermunicipality", UnitRoleKind::UnitAdmin, "superbruker"),
        (OTHER_TEACHER, "Øystein Lærer", "demo-ostby-teacher", UnitRoleKind::Employee, "kontaktlærer"),
    ] {
        insert_staff(conn, person_id, name, external_id, OTHER_MUNICIPALITY, now).await?;
        diesel::insert_into(staff_unit_role::table)
            .values((
                staff_unit_role::staff_id.eq(person_id),
                staff_unit_role::unit_id.eq(OTHER_SCHOOL),
                staff_unit_role::role.eq(role),
                staff_unit_role::title.eq(title),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A staff member's person and staff rows, with demo contact details.
async fn insert_staff(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    name: &str,
    external_id: &str,
    municipality_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    insert_person(conn, person_id, PersonKind::Staff, name, external_id.trim_start_matches("demo-"), now).await?;
    diesel::insert_into(staff::table)
        .values((
            staff::person_id.eq(person_id),
            staff::municipality_id.eq(municipality_id),
            staff::external_id.eq(external_id),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A person row with the demo's made-up e-mail address and phone number.
async fn insert_person(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    kind: PersonKind,
    name: &str,
    handle: &str,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(person::table)
        .values(PersonRow {
            id: person_id,
            kind,
            name: name.into(),
            phone: Some(format!("+47 400 00 {:03}", person_id.as_u128() & 0xfff)),
            email: Some(format!("{handle}@demo.stafett.no")),
            created_at: now,
        })
        .execute(conn)
        .await?;
    Ok(())
}

async fn write(conn: &mut AsyncPgConnection) -> Result<()> {
    let now = Utc::now();
    let today = now.date_naive();
    diesel::insert_into(municipality::table)
        .values(MunicipalityRow { id: MUNICIPALITY, name: "Nordby kommune".into(), consent_age: 16, created_at: now })
        .execute(conn)
        .await?;
    for (id, name, kind) in [
        (SCHOOL, "Nordby skole", ServiceKind::School),
        (HEALTH_STATION, "Nordby helsestasjon", ServiceKind::HealthStation),
        (PPT, "PPT Nordby", ServiceKind::Ppt),
    ] {
        diesel::insert_into(unit::table)
            .values(UnitRow {
                id,
                municipality_id: MUNICIPALITY,
                name: name.into(),
                service_kind: kind,
                created_at: now,
                organization_number: None,
                deactivated_at: None,
            })
            .execute(conn)
            .await?;
    }

    // People (Østby's staff are seeded with Østby).
    for p in PERSONAS {
        match (p.national_id(), p.municipality()) {
            (Some(nid), _) => {
                insert_person(conn, p.person_id, PersonKind::Citizen, p.name, p.handle, now).await?;
                diesel::insert_into(citizen::table)
                    .values((
                        citizen::person_id.eq(p.person_id),
                        citizen::national_id.eq(nid),
                        citizen::address.eq("Storgata 1, 1234 Nordby"),
                    ))
                    .execute(conn)
                    .await?;
            }
            (None, Some(MUNICIPALITY)) => {
                insert_staff(conn, p.person_id, p.name, &format!("demo-{}", p.handle), MUNICIPALITY, now).await?;
            }
            (None, _) => {}
        }
    }
    diesel::insert_into(person::table)
        .values(PersonRow {
            id: SARAS_MOTHER,
            kind: PersonKind::Citizen,
            name: "Liv Berg".into(),
            phone: None,
            email: None,
            created_at: now,
        })
        .execute(conn)
        .await?;
    diesel::insert_into(citizen::table)
        .values((citizen::person_id.eq(SARAS_MOTHER), citizen::national_id.eq(synthetic_id(SARAS_MOTHER_BORN))))
        .execute(conn)
        .await?;
    for (handle, unit, role, title) in [
        ("coordinator", SCHOOL, UnitRoleKind::Employee, "kontaktlærer"),
        ("participant", HEALTH_STATION, UnitRoleKind::Employee, "helsesykepleier"),
        ("unconsented", PPT, UnitRoleKind::Employee, "PP-rådgiver"),
        ("unitadmin", SCHOOL, UnitRoleKind::UnitAdmin, "superbruker"),
    ] {
        diesel::insert_into(staff_unit_role::table)
            .values((
                staff_unit_role::staff_id.eq(persona(handle).person_id),
                staff_unit_role::unit_id.eq(unit),
                staff_unit_role::role.eq(role),
                staff_unit_role::title.eq(title),
            ))
            .execute(conn)
            .await?;
    }
    for (handle, role) in
        [("municipaladmin", MunicipalRoleKind::MunicipalAdmin), ("systemowner", MunicipalRoleKind::SystemOwner)]
    {
        diesel::insert_into(staff_municipal_role::table)
            .values((
                staff_municipal_role::staff_id.eq(persona(handle).person_id),
                staff_municipal_role::municipality_id.eq(MUNICIPALITY),
                staff_municipal_role::role.eq(role),
            ))
            .execute(conn)
            .await?;
    }

    // The municipality's template; Emma's log was made from its first version.
    templates::insert(
        conn,
        TEMPLATE,
        MUNICIPALITY,
        &templates::Words {
            name: "Stafettlogg for skole".into(),
            section_prompts: serde_json::json!({
                "presentation": "Skriv kort om barnet og familien: hva barnet liker, og hva som er viktig for dere.",
                "aboutMe": "Barnets egne ord: hva er bra, hva er vanskelig?",
                "initiative": "Hvorfor starter vi stafettloggen, og hva ønsker vi å oppnå?"
            }),
            default_goal_areas: vec!["KINDERGARTEN_SCHOOL".into(), "HOME_LEISURE".into()],
        },
        persona("municipaladmin").person_id,
    )
    .await?;

    // Children and their logs.
    let guardian = persona("guardian").person_id;
    let guardian2 = persona("guardian2").person_id;
    let coordinator = persona("coordinator").person_id;
    let nurse = persona("participant").person_id;
    let youth = persona("youth").person_id;
    let children = [
        (EMMA, "Emma Nordmann", EMMA_BORN, EMMA_LOG, vec![guardian, guardian2]),
        (JONAS, "Jonas Nordmann", JONAS_BORN, JONAS_LOG, vec![guardian, guardian2]),
        (NORA, "Nora Nordmann", NORA_BORN, NORA_LOG, vec![guardian, guardian2]),
        (SARA, "Sara Berg", SARA_BORN, SARA_LOG, vec![SARAS_MOTHER]),
    ];
    for (n, (child_id, name, born, log_id, guardians)) in children.iter().enumerate() {
        diesel::insert_into(child::table)
            .values(ChildRow {
                id: *child_id,
                municipality_id: MUNICIPALITY,
                name: (*name).into(),
                national_id: Some(synthetic_id(*born)),
                birth_date: Some(*born),
                created_at: now,
            })
            .execute(conn)
            .await?;
        let created = now - Duration::days(200 - 30 * n as i64);
        diesel::insert_into(log::table)
            .values(LogRow {
                id: *log_id,
                municipality_id: MUNICIPALITY,
                unit_id: SCHOOL,
                child_id: *child_id,
                template_id: None,
                // Every log starts as a draft; its status is the lifecycle's (below).
                status: LogStatus::Draft,
                presentation: Some(format!("{name} er en blid og nysgjerrig elev som liker å tegne og være ute.")),
                about_me: Some("Jeg liker fotball, tegning og å være med venner.".into()),
                child_voice: Some(
                    "Jeg vil at det skal være roligere i klasserommet, og at noen spør meg hvordan jeg har det.".into(),
                ),
                initiative: Some("Skolen og foreldrene er bekymret for trivsel og konsentrasjon.".into()),
                created_by: persona("unitadmin").person_id,
                created_at: created,
                updated_at: created,
                closed_at: None,
                closed_reason: None,
                deleted_at: None,
            })
            .execute(conn)
            .await?;
        for g in guardians {
            diesel::insert_into(guardian::table)
                .values((
                    guardian::log_id.eq(*log_id),
                    guardian::citizen_id.eq(*g),
                    guardian::added_by.eq(persona("unitadmin").person_id),
                    guardian::added_at.eq(created),
                ))
                .execute(conn)
                .await?;
            consent(conn, *log_id, *g, None, created).await?;
        }
        if *log_id == SARA_LOG {
            consent(conn, *log_id, youth, None, created).await?;
        }
        let coordinator_p = ParticipantRow {
            id: id(400 + n as u128),
            log_id: *log_id,
            staff_id: coordinator,
            unit_id: SCHOOL,
            title: Some("kontaktlærer".into()),
            added_by: persona("unitadmin").person_id,
            joined_at: created,
            left_at: None,
            left_reason: None,
        };
        participants::insert(conn, &coordinator_p).await?;
        participants::start_term(conn, *log_id, &coordinator_p).await?;
        diesel::insert_into(unit_proposal::table)
            .values(UnitProposalRow {
                id: id(500 + n as u128),
                log_id: *log_id,
                unit_id: HEALTH_STATION,
                proposed_by: coordinator,
                reason: Some("Helsestasjonen følger opp søvn og trivsel.".into()),
                proposed_at: created,
            })
            .execute(conn)
            .await?;
        consent(conn, *log_id, guardians[0], Some(HEALTH_STATION), created).await?;
        participants::insert(
            conn,
            &ParticipantRow {
                id: id(410 + n as u128),
                log_id: *log_id,
                staff_id: nurse,
                unit_id: HEALTH_STATION,
                title: Some("helsesykepleier".into()),
                added_by: coordinator,
                joined_at: created,
                left_at: None,
                left_reason: None,
            },
        )
        .await?;
    }

    // Emma: PPT proposed, not consented.
    diesel::insert_into(unit_proposal::table)
        .values(UnitProposalRow {
            id: id(520),
            log_id: EMMA_LOG,
            unit_id: PPT,
            proposed_by: coordinator,
            reason: Some("Utredning av lese- og skrivevansker.".into()),
            proposed_at: now - Duration::days(3),
        })
        .execute(conn)
        .await?;

    emma_content(conn, today).await?;
    simple_content(conn, SARA_LOG, youth, today, 30).await?;
    simple_content(conn, JONAS_LOG, guardian, today, 40).await?;
    simple_content(conn, NORA_LOG, guardian2, today, 50).await?;

    // The demo's guardians were registered with what the register holds.
    stafett_schema::db::logs::record_guardians_from_register(conn).await?;

    // The families consented: every log became ACTIVE.
    for (_, _, _, log_id, _) in &children {
        lifecycle::apply(conn, *log_id, Transition::Activate, None, now - Duration::days(150)).await?;
    }

    // Jonas: Kari withdrew her consent → PASSIVE.
    diesel::update(
        consent::table
            .filter(consent::log_id.eq(JONAS_LOG))
            .filter(consent::given_by.eq(guardian2))
            .filter(consent::scope.eq(ConsentScope::Log)),
    )
    .set((
        consent::withdrawn_at.eq(now - Duration::days(10)),
        consent::withdrawn_by.eq(guardian2),
        consent::withdrawal_reason.eq(WithdrawalReason::Withdrawn),
    ))
    .execute(conn)
    .await?;
    lifecycle::apply(conn, JONAS_LOG, Transition::Passivate, None, now - Duration::days(10)).await?;

    // Nora: closed when the goals were met, with a final snapshot.
    snapshots::take(conn, NORA_LOG, SnapshotReason::Closing, None, coordinator).await?;
    let closing = lifecycle::Closing {
        reason: ClosingReason::GoalsReached,
        details: Some("Målene er nådd."),
        by: Some(coordinator),
    };
    lifecycle::apply(conn, NORA_LOG, Transition::Close, Some(closing), now - Duration::days(20)).await?;
    diesel::update(consent::table.filter(consent::log_id.eq(NORA_LOG)))
        .set((
            consent::withdrawn_at.eq(now - Duration::days(20)),
            consent::withdrawal_reason.eq(WithdrawalReason::LogClosed),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

async fn consent(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    by: Uuid,
    unit: Option<Uuid>,
    at: chrono::DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(consent::table)
        .values(ConsentRow {
            id: Uuid::new_v5(&log_id, format!("{by}{unit:?}").as_bytes()),
            log_id,
            scope: if unit.is_some() { ConsentScope::Unit } else { ConsentScope::Log },
            unit_id: unit,
            given_by: by,
            method: ConsentMethod::Digital,
            document_reference: None,
            registered_by: None,
            given_at: at,
            expires_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            signed_on: None,
            withdrawal_reported_on: None,
            withdrawal_reported_how: None,
        })
        .execute(conn)
        .await?;
    Ok(())
}

struct GoalSpec {
    area: GoalArea,
    level: i32,
    text: &'static str,
    measures: &'static [(&'static str, Who, i64)],
}

#[derive(Clone, Copy)]
enum Who {
    Coordinator,
    Nurse,
    Guardian,
}

const EMMA_GOALS: &[GoalSpec] = &[
    GoalSpec {
        area: GoalArea::KindergartenSchool,
        level: 2,
        text: "Emma skal oppleve mestring i lesing og skriving.",
        measures: &[
            ("Daglig lesetrening 15 minutter med lærer", Who::Coordinator, -5),
            ("Tilpasset lekseplan hver uke", Who::Coordinator, 30),
        ],
    },
    GoalSpec {
        area: GoalArea::OtherServices,
        level: 2,
        text: "Emma skal sove bedre og ha mer energi på skolen.",
        measures: &[("Samtaler om søvn og skjermbruk på helsestasjonen", Who::Nurse, 4)],
    },
    GoalSpec {
        area: GoalArea::HomeLeisure,
        level: 1,
        text: "Emma skal ha en fast fritidsaktivitet hun trives med.",
        measures: &[("Prøve ut fotballtrening to ganger i uken", Who::Guardian, 45)],
    },
];

async fn emma_content(conn: &mut AsyncPgConnection, today: NaiveDate) -> Result<()> {
    let coordinator = persona("coordinator").person_id;
    let nurse = persona("participant").person_id;
    let guardian = persona("guardian").person_id;
    let now = Utc::now();
    for (g, spec) in EMMA_GOALS.iter().enumerate() {
        let goal_id = id(600 + g as u128);
        let created = now - Duration::days(60);
        diesel::insert_into(goal::table)
            .values(GoalRow {
                id: goal_id,
                log_id: EMMA_LOG,
                area: spec.area,
                bti_level: spec.level,
                description: spec.text.into(),
                status: GoalStatus::Active,
                created_by: coordinator,
                created_at: created,
                updated_at: created,
            })
            .execute(conn)
            .await?;
        for (m, (text, who, due_in)) in spec.measures.iter().enumerate() {
            let responsible = match who {
                Who::Coordinator => coordinator,
                Who::Nurse => nurse,
                Who::Guardian => guardian,
            };
            let measure_id = id(700 + 10 * g as u128 + m as u128);
            diesel::insert_into(measure::table)
                .values(MeasureRow {
                    id: measure_id,
                    log_id: EMMA_LOG,
                    goal_id,
                    description: (*text).into(),
                    responsible_id: responsible,
                    deadline: Some(today + Duration::days(*due_in)),
                    status: if *due_in < 0 { MeasureStatus::InProgress } else { MeasureStatus::Planned },
                    created_by: coordinator,
                    created_at: created,
                    updated_at: created,
                    overdue_emitted_for: None,
                    due_soon_emitted_for: None,
                    needs_responsible_since: None,
                })
                .execute(conn)
                .await?;
            if m == 0 {
                diesel::insert_into(evaluation::table)
                    .values(EvaluationRow {
                        id: id(800 + g as u128),
                        log_id: EMMA_LOG,
                        measure_id: Some(measure_id),
                        goal_id: None,
                        body: "God start; fortsetter som planlagt.".into(),
                        evaluated_on: today - Duration::days(14),
                        author_id: responsible,
                        created_at: now - Duration::days(14),
                    })
                    .execute(conn)
                    .await?;
            }
        }
    }

    // A held meeting with minutes and its snapshot, and an upcoming one.
    let held = MeetingRow {
        id: id(900),
        log_id: EMMA_LOG,
        title: "Oppstartsmøte".into(),
        starts_at: now - Duration::days(14),
        location: Some("Nordby skole, møterom 2".into()),
        agenda: Some("1. Presentasjon\n2. Mål og tiltak\n3. Neste møte".into()),
        status: MeetingStatus::Held,
        minutes: Some("Vi ble enige om tre mål. Ingrid følger opp lesing, Hanne søvn, foreldrene fotball.".into()),
        minutes_recorded_at: Some(now - Duration::days(14)),
        minutes_recorded_by: Some(coordinator),
        created_by: coordinator,
        created_at: now - Duration::days(30),
        sequence: 0,
        changed_at: None,
        cancel_reason: None,
    };
    meetings::insert(conn, &held, &[]).await?;
    meetings::add_attendees(conn, held.id, &[guardian, coordinator, nurse]).await?;
    // The upcoming meeting was moved once (rescheduled: SEQUENCE 1), and the
    // guardian has put a point on its agenda.
    let upcoming = MeetingRow {
        id: id(901),
        log_id: EMMA_LOG,
        title: "Evalueringsmøte".into(),
        starts_at: now + Duration::days(10),
        location: Some("Nordby skole, møterom 2".into()),
        agenda: Some("1. Hvordan går det?\n2. Evaluering av tiltak".into()),
        status: MeetingStatus::Scheduled,
        minutes: None,
        minutes_recorded_at: None,
        minutes_recorded_by: None,
        created_by: coordinator,
        created_at: now - Duration::days(2),
        sequence: 1,
        changed_at: Some(now - Duration::days(1)),
        cancel_reason: None,
    };
    meetings::insert(conn, &upcoming, &[]).await?;
    meetings::add_agenda_item(
        conn,
        &AgendaItemRow {
            id: id(903),
            meeting_id: upcoming.id,
            log_id: EMMA_LOG,
            body: "Fotball på fritiden: hvordan går det?".into(),
            added_by: guardian,
            added_at: now - Duration::days(1),
        },
    )
    .await?;
    // A meeting with the nurse that was called off.
    let cancelled = MeetingRow {
        id: id(902),
        log_id: EMMA_LOG,
        title: "Samtale om søvn".into(),
        starts_at: now + Duration::days(3),
        location: Some("Helsestasjonen".into()),
        agenda: None,
        status: MeetingStatus::Cancelled,
        minutes: None,
        minutes_recorded_at: None,
        minutes_recorded_by: None,
        created_by: coordinator,
        created_at: now - Duration::days(6),
        sequence: 1,
        changed_at: Some(now - Duration::days(1)),
        cancel_reason: Some("Helsesykepleier er syk; nytt møte avtales.".into()),
    };
    meetings::insert(conn, &cancelled, &[guardian, nurse]).await?;
    snapshots::take(conn, EMMA_LOG, SnapshotReason::Meeting, Some(held.id), coordinator).await?;
    templates::record_origin(conn, EMMA_LOG, TEMPLATE, 1).await?;

    // (id, author, kind, meeting, body, recipients, days ago)
    type SeedMessage<'a> = (u128, Uuid, MessageKind, Option<Uuid>, &'a str, &'a [Uuid], i64);
    let msgs: [SeedMessage; 5] = [
        (
            1000,
            coordinator,
            MessageKind::Message,
            None,
            "Velkommen til Emmas stafettlogg! Her deler vi planer og avtaler.",
            &[],
            40,
        ),
        (
            1001,
            coordinator,
            MessageKind::Minutes,
            Some(held.id),
            "Referat fra «Oppstartsmøte»: Vi ble enige om tre mål.",
            &[],
            14,
        ),
        (
            1002,
            nurse,
            MessageKind::Message,
            None,
            "Hei! Jeg har satt opp en samtale med Emma om søvn neste uke.",
            &[guardian],
            7,
        ),
        (1003, guardian, MessageKind::Message, None, "Takk! Emma gleder seg til fotballen.", &[], 5),
        (
            1004,
            coordinator,
            MessageKind::Invitation,
            Some(upcoming.id),
            "Invitasjon til samarbeidsmøte: Evalueringsmøte",
            &[],
            2,
        ),
    ];
    for (n, author, kind, meeting_id, body, to, days_ago) in msgs {
        messages::insert(
            conn,
            &MessageRow {
                id: id(n),
                log_id: EMMA_LOG,
                author_id: author,
                kind,
                meeting_id,
                body: body.into(),
                to_all: to.is_empty(),
                created_at: now - Duration::days(days_ago),
            },
            to,
        )
        .await?;
    }
    Ok(())
}

/// One goal, one measure and a message, so the other logs are not empty.
async fn simple_content(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    responsible: Uuid,
    today: NaiveDate,
    n: u128,
) -> Result<()> {
    let coordinator = persona("coordinator").person_id;
    let now = Utc::now();
    let goal_id = id(1100 + n);
    diesel::insert_into(goal::table)
        .values(GoalRow {
            id: goal_id,
            log_id,
            area: GoalArea::HomeLeisure,
            bti_level: 1,
            description: "Gode rutiner hjemme og på fritiden.".into(),
            status: GoalStatus::Active,
            created_by: coordinator,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)
        .await?;
    diesel::insert_into(measure::table)
        .values(MeasureRow {
            id: id(1200 + n),
            log_id,
            goal_id,
            description: "Faste leggetider på hverdager.".into(),
            responsible_id: responsible,
            deadline: Some(today + Duration::days(21)),
            status: MeasureStatus::Planned,
            created_by: coordinator,
            created_at: now,
            updated_at: now,
            overdue_emitted_for: None,
            due_soon_emitted_for: None,
            needs_responsible_since: None,
        })
        .execute(conn)
        .await?;
    messages::insert(
        conn,
        &MessageRow {
            id: id(1300 + n),
            log_id,
            author_id: coordinator,
            kind: MessageKind::Message,
            meeting_id: None,
            body: "Velkommen til stafettloggen.".into(),
            to_all: true,
            created_at: now,
        },
        &[],
    )
    .await?;
    Ok(())
}
