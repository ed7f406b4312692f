//! A second municipality beside the demo's (Nordby): Sørby, with a school, its
//! municipal admin, the school's unit admin and a teacher, and on request a
//! log of its own. DESIGN.md §3: an admin of another municipality is an
//! Outsider to every log of the first, and Sørby's log is one the demo's
//! personas have no relation to (an id from it must answer like a random id).
//!
//! The staff are written in SQL, not through the API under test; the log is
//! created the way a Sørby unit admin would create it.

use crate::TestApp;
use diesel_async::SimpleAsyncConnection;
use serde_json::json;
use stafett_schema::Identity;
use uuid::Uuid;

/// A fixed id in a namespace of its own (not the demo's `5afe77e0-…`).
const fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x50e8_b700_0000_4000_8000_0000_0000_0000 | n)
}

pub const OTHER_MUNICIPALITY: Uuid = id(1);
/// Sørby skole, a unit of the other municipality.
pub const OTHER_SCHOOL: Uuid = id(10);

/// A staff member of the other municipality.
#[derive(Clone, Copy, Debug)]
pub struct OtherStaff {
    /// a short name for test reports
    pub handle: &'static str,
    pub person_id: Uuid,
    /// what the identity provider puts in their tokens
    pub external_id: &'static str,
}

impl OtherStaff {
    pub fn identity(&self) -> Identity {
        Identity::Staff { external_id: self.external_id.to_owned() }
    }

    /// A development token for them.
    pub fn token(&self) -> String {
        TestApp::token_for(&self.identity())
    }
}

/// The municipal admin of the other municipality.
pub const OTHER_MUNICIPAL_ADMIN: OtherStaff =
    OtherStaff { handle: "municipaladmin of Sørby", person_id: id(300), external_id: "sorby-municipaladmin" };
/// The unit admin of Sørby skole.
pub const OTHER_UNIT_ADMIN: OtherStaff =
    OtherStaff { handle: "unitadmin of Sørby skole", person_id: id(301), external_id: "sorby-unitadmin" };
/// A teacher at Sørby skole, the coordinator of [`add_other_log`]'s log.
pub const OTHER_TEACHER: OtherStaff =
    OtherStaff { handle: "teacher at Sørby skole", person_id: id(302), external_id: "sorby-teacher" };

/// Adds the other municipality, its school and its three staff members.
/// Additive: the demo's rows are untouched.
pub async fn add_other_municipality(app: &TestApp) {
    let staff = [
        (OTHER_MUNICIPAL_ADMIN, "Mons Sørby-admin", None, Some("MUNICIPAL_ADMIN")),
        (OTHER_UNIT_ADMIN, "Siri Skoleadmin", Some("UNIT_ADMIN"), None),
        (OTHER_TEACHER, "Sigurd Lærer", Some("EMPLOYEE"), None),
    ];
    let mut sql = format!(
        "INSERT INTO municipality (id, name) VALUES ('{OTHER_MUNICIPALITY}', 'Sørby kommune');
         INSERT INTO unit (id, municipality_id, name, service_kind)
              VALUES ('{OTHER_SCHOOL}', '{OTHER_MUNICIPALITY}', 'Sørby skole', 'SCHOOL');"
    );
    for (s, name, unit_role, municipal_role) in staff {
        let p = s.person_id;
        sql += &format!(
            "INSERT INTO person (id, kind, name) VALUES ('{p}', 'STAFF', '{name}');
             INSERT INTO staff (person_id, municipality_id, external_id)
                  VALUES ('{p}', '{OTHER_MUNICIPALITY}', '{}');",
            s.external_id
        );
        if let Some(role) = unit_role {
            sql += &format!(
                "INSERT INTO staff_unit_role (staff_id, unit_id, role) VALUES ('{p}', '{OTHER_SCHOOL}', '{role}');"
            );
        }
        if let Some(role) = municipal_role {
            sql += &format!(
                "INSERT INTO staff_municipal_role (staff_id, municipality_id, role)
                      VALUES ('{p}', '{OTHER_MUNICIPALITY}', '{role}');"
            );
        }
    }
    app.conn().await.batch_execute(&sql).await.unwrap_or_else(|e| panic!("the other municipality: {e}"));
}

/// The other municipality's log, with the ids a client could send for the
/// people in it.
#[derive(Clone, Copy, Debug)]
pub struct OtherLog {
    pub log_id: Uuid,
    pub child_id: Uuid,
    /// the guardian's (citizen's) person id, which is also her id in the log
    pub guardian: Uuid,
    /// its coordinator's person id (a participant's id)
    pub coordinator: Uuid,
}

/// Creates an ACTIVE log in the other municipality (after
/// [`add_other_municipality`]): its unit admin creates it with the teacher as
/// coordinator, and the guardian consents.
pub async fn add_other_log(app: &TestApp) -> OtherLog {
    let guardian_nid = national_id(chrono::NaiveDate::from_ymd_opt(1982, 2, 2).expect("date"));
    let child_nid = national_id(chrono::NaiveDate::from_ymd_opt(2016, 6, 6).expect("date"));
    let created = app
        .gql_with_token(
            Some(&OTHER_UNIT_ADMIN.token()),
            "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id child { id } } userErrors { field code message } } }",
            json!({ "i": {
                "unitId": OTHER_SCHOOL,
                "coordinatorId": OTHER_TEACHER.person_id,
                "child": { "name": "Sofie Sørby", "nationalId": child_nid },
                "guardians": [{ "nationalId": guardian_nid, "name": "Solveig Sørby" }],
            } }),
        )
        .await;
    let log = &created.ok()["createLog"]["log"];
    let log_id: Uuid = log["id"].as_str().and_then(|s| s.parse().ok()).expect("the new log's id");
    let child_id: Uuid = log["child"]["id"].as_str().and_then(|s| s.parse().ok()).expect("the child's id");
    let guardian_token = TestApp::token_for(&Identity::Citizen { pid: guardian_nid.clone(), name: None });
    let consent = app
        .gql_with_token(
            Some(&guardian_token),
            "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { id } userErrors { field code message } } }",
            json!({ "l": log_id }),
        )
        .await;
    consent.ok();
    let status = app
        .gql_with_token(Some(&guardian_token), "query($l: ID!) { log(id: $l) { status } }", json!({ "l": log_id }))
        .await;
    assert_eq!(status.ok()["log"]["status"], "ACTIVE", "the other municipality's log is ACTIVE");
    OtherLog {
        log_id,
        child_id,
        guardian: app.uuid(&format!("SELECT citizen_id AS id FROM guardian WHERE log_id = '{log_id}'")).await,
        coordinator: OTHER_TEACHER.person_id,
    }
}

/// A valid synthetic fødselsnummer for someone born on `born` (the first
/// individual number whose check digits work and whose century matches).
fn national_id(born: chrono::NaiveDate) -> String {
    (0..1000)
        .find_map(|i| stafett_schema::national_id::generate(born, i, true))
        .expect("some individual number is valid")
}
