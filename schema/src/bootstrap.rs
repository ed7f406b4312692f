//! The first system owner of an empty installation (`stafett
//! add-system-owner`). Every other account is made through the API by
//! someone who has one (the system owner creates municipalities and
//! appoints their admins, who create units and register or import staff);
//! the first needs a way in that is not the API, and that is the operator's
//! command line, which already holds the database.
//!
//! Decided where the issue is silent:
//! - a system owner is staff of a municipality like everyone else (staff
//!   belong to one); it is the municipality that runs the service — the host
//!   municipality of an inter-municipal cooperation — and is created by
//!   name when missing;
//! - a system owner reads no personal data, so the account must be one of
//!   its own: an external id already registered is refused unless it is
//!   already a system owner of that municipality (then nothing changes, so
//!   the command is safe to run at every deploy);
//! - both changes are in that municipality's admin log as the new system
//!   owner's own, with the command named in the detail.

use crate::api::input::{self, limits};
use crate::db::enums::{AccessAction, ActorRole, MunicipalRoleKind, OrgObjectType, PersonKind};
use crate::db::org::{self, MunicipalityRow, PersonRow};
use crate::db::organization::{self as orgdb, Change};
use crate::db::staff as staffdb;
use crate::error::ApiError;
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// Who to make the system owner, as given on the command line.
#[derive(Debug, Clone)]
pub struct NewSystemOwner {
    pub external_id: String,
    pub name: String,
    pub email: Option<String>,
    /// the municipality that runs the service, by name
    pub municipality: String,
}

/// What [`add_system_owner`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// a new account (and the municipality, when `created_municipality`)
    Added { person_id: Uuid, municipality_id: Uuid, created_municipality: bool },
    /// the external id already names a system owner of the municipality
    AlreadyThere { person_id: Uuid, municipality_id: Uuid },
}

/// Why the command refused, as a line to print.
pub type Refusal = String;

/// Adds the system owner, in the caller's transaction.
pub async fn add_system_owner(conn: &mut AsyncPgConnection, who: &NewSystemOwner) -> Result<Outcome, Refusal> {
    let external_id = input::required(who.external_id.trim(), "external id", limits::SHORT).map_err(message)?;
    let name = input::required(who.name.trim(), "name", limits::NAME).map_err(message)?;
    let email = input::optional(who.email.as_deref(), "e-mail", limits::SHORT).map_err(message)?;
    let municipality_name = input::org_name(&who.municipality, "municipality").map_err(message)?;

    let existing = orgdb::municipality_by_name(conn, &municipality_name).await.map_err(database)?;
    if let Some((known, home)) = org::staff_by_external_id(conn, &external_id).await.map_err(database)? {
        if existing.as_ref().is_some_and(|m| m.id == home) {
            let roles = staffdb::municipal_roles(conn, known, home).await.map_err(database)?;
            if roles.contains(&MunicipalRoleKind::SystemOwner) {
                return Ok(Outcome::AlreadyThere { person_id: known, municipality_id: home });
            }
        }
        return Err(format!(
            "{external_id} is already registered as staff; a system owner reads no personal data, so give them an account of its own"
        ));
    }

    let now = Utc::now();
    let (municipality_id, created_municipality) = match existing {
        Some(m) => (m.id, false),
        None => {
            let row = MunicipalityRow { id: Uuid::new_v4(), name: municipality_name, consent_age: 16, created_at: now };
            orgdb::insert_municipality(conn, &row).await.map_err(database)?;
            (row.id, true)
        }
    };
    let person_id = Uuid::new_v4();
    let person = PersonRow { id: person_id, kind: PersonKind::Staff, name, phone: None, email, created_at: now };
    org::insert_person(conn, &person).await.map_err(database)?;
    org::insert_staff(conn, person_id, municipality_id, &external_id).await.map_err(database)?;
    orgdb::grant_municipal_role(conn, person_id, municipality_id, MunicipalRoleKind::SystemOwner)
        .await
        .map_err(database)?;
    let change = |object_type, object_id, detail| Change {
        detail: Some(detail),
        ..Change::new(person_id, ActorRole::SystemOwner, municipality_id, object_type, object_id, AccessAction::Create)
    };
    if created_municipality {
        let c = change(OrgObjectType::Municipality, municipality_id, "stafett add-system-owner");
        orgdb::record(conn, &c).await.map_err(database)?;
    }
    let c = change(OrgObjectType::Staff, person_id, "role SYSTEM_OWNER (stafett add-system-owner)");
    orgdb::record(conn, &c).await.map_err(database)?;
    Ok(Outcome::Added { person_id, municipality_id, created_municipality })
}

fn message(e: ApiError) -> Refusal {
    e.to_string()
}

fn database(e: diesel::result::Error) -> Refusal {
    format!("the database refused: {e}")
}
