//! Who changes a staff member (issue 18): `updateStaff`, `deactivateStaff`,
//! `reactivateStaff`. As with registering (`admin::register_staff`), a
//! municipal admin manages anyone in their municipality and a unit admin
//! manages the employees and leaders of their own units; nobody manages the
//! system owner's account or themselves out of it.
//!
//! Decided where the guidelines are silent:
//! - a unit admin changes only the roles in units they admin, never the
//!   UNIT_ADMIN role (as they cannot register one), and deactivates only
//!   someone all of whose roles are in their units: a person who also works
//!   in another unit is deactivated by the municipal admin, who sees both;
//! - contact details (name, phone, e-mail) are the person's, one record for
//!   every unit: any unit admin of a unit they work in may correct them;
//! - nobody deactivates themselves (an admin cannot lock themselves out by
//!   a slip; another admin does it).

use crate::db::enums::{ActorRole, MunicipalRoleKind, UnitRoleKind};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::words;
use uuid::Uuid;

/// The staff member a change is about, as stored.
#[derive(Debug, Clone)]
pub struct Target {
    pub person_id: Uuid,
    pub municipality_id: Uuid,
    /// (unit, role) pairs they hold
    pub unit_roles: Vec<(Uuid, UnitRoleKind)>,
    /// their roles in their municipality
    pub municipal_roles: Vec<MunicipalRoleKind>,
    /// whether they hold SYSTEM_OWNER anywhere
    pub system_owner: bool,
}

/// What a change touches.
#[derive(Debug, Clone, Copy)]
pub enum StaffChange {
    /// name, phone, e-mail
    Contact,
    /// their roles in one unit; `unit_admin` when UNIT_ADMIN is given or taken
    UnitRoles { unit_id: Uuid, unit_admin: bool },
    /// deactivation or reactivation
    Activation,
}

/// A deactivated staff member takes on no new work: no participation, no
/// measure, no baton (`field` names the input that chose them). What they
/// had waits for the coordinator or the unit leader to give it away.
pub fn takes_new_work(active: bool, field: &str) -> Result<(), ApiError> {
    if active { Ok(()) } else { Err(ApiError::bad_field(field, words!("error-staff-deactivated"))) }
}

/// Asked before the target is looked up: only admins manage staff, so
/// anyone else is refused the same way whatever the id names.
pub fn may_manage_any(principal: &Principal) -> Result<(), ApiError> {
    let admin = principal.municipal_roles().iter().any(|r| r.role == MunicipalRoleKind::MunicipalAdmin)
        || principal.unit_roles().iter().any(|r| r.role == UnitRoleKind::UnitAdmin);
    if admin { Ok(()) } else { Err(ApiError::forbidden("only a unit admin or a municipal admin may change staff")) }
}

/// Whether `principal` may make `change` to `target` (`None`: no such
/// staff member). Another municipality's staff are as absent as unknown ids.
pub fn manage(principal: &Principal, target: Option<&Target>, change: StaffChange) -> Result<ActorRole, ApiError> {
    may_manage_any(principal)?;
    let Principal::Staff { municipality_id: home, .. } = principal else {
        return Err(ApiError::forbidden("only a unit admin or a municipal admin may change staff"));
    };
    let Some(target) = target.filter(|t| t.municipality_id == *home) else {
        return Err(ApiError::NotFound("Staff"));
    };
    if target.system_owner {
        return Err(ApiError::forbidden("the system owner's account is not managed by the municipality"));
    }
    if matches!(change, StaffChange::Activation) && target.person_id == principal.person_id() {
        return Err(ApiError::conflict(words!("error-staff-self")));
    }
    if principal.has_municipal_role(*home, MunicipalRoleKind::MunicipalAdmin) {
        return Ok(ActorRole::MunicipalAdmin);
    }
    let admins = |unit: Uuid| principal.has_unit_role(unit, &[UnitRoleKind::UnitAdmin]);
    // A unit admin manages neither their peers nor the municipality's admins.
    let below_unit_admin =
        target.municipal_roles.is_empty() && !target.unit_roles.iter().any(|(_, r)| *r == UnitRoleKind::UnitAdmin);
    let allowed = below_unit_admin
        && match change {
            StaffChange::Contact => target.unit_roles.iter().any(|(u, _)| admins(*u)),
            StaffChange::UnitRoles { unit_id, unit_admin } => admins(unit_id) && !unit_admin,
            StaffChange::Activation => {
                !target.unit_roles.is_empty() && target.unit_roles.iter().all(|(u, _)| admins(*u))
            }
        };
    if allowed {
        Ok(ActorRole::UnitAdmin)
    } else {
        Err(ApiError::forbidden(
            "a unit admin changes the employees and leaders of their own units; ask a municipal admin",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::{MunicipalRole, UnitRole};

    fn staff(m: Uuid, units: &[(Uuid, UnitRoleKind)], admin: bool) -> Principal {
        Principal::Staff {
            person_id: Uuid::new_v4(),
            municipality_id: m,
            unit_roles: units.iter().map(|(unit_id, role)| UnitRole { unit_id: *unit_id, role: *role }).collect(),
            municipal_roles: admin
                .then_some(MunicipalRole { municipality_id: m, role: MunicipalRoleKind::MunicipalAdmin })
                .into_iter()
                .collect(),
        }
    }

    fn target(m: Uuid, units: &[(Uuid, UnitRoleKind)]) -> Target {
        Target {
            person_id: Uuid::new_v4(),
            municipality_id: m,
            unit_roles: units.to_vec(),
            municipal_roles: vec![],
            system_owner: false,
        }
    }

    #[test]
    fn unit_admins_manage_their_own_units_employees() {
        let (m, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let ua = staff(m, &[(a, UnitRoleKind::UnitAdmin)], false);
        let employee = target(m, &[(a, UnitRoleKind::Employee)]);
        let both = target(m, &[(a, UnitRoleKind::Employee), (b, UnitRoleKind::Employee)]);
        let peer = target(m, &[(a, UnitRoleKind::UnitAdmin)]);
        assert!(manage(&ua, Some(&employee), StaffChange::Activation).is_ok());
        assert!(manage(&ua, Some(&both), StaffChange::Contact).is_ok());
        assert!(matches!(manage(&ua, Some(&both), StaffChange::Activation), Err(ApiError::Forbidden(_))));
        assert!(matches!(manage(&ua, Some(&peer), StaffChange::Contact), Err(ApiError::Forbidden(_))));
        let roles = |unit_id, unit_admin| StaffChange::UnitRoles { unit_id, unit_admin };
        assert!(manage(&ua, Some(&both), roles(a, false)).is_ok());
        assert!(matches!(manage(&ua, Some(&both), roles(b, false)), Err(ApiError::Forbidden(_))));
        assert!(matches!(manage(&ua, Some(&both), roles(a, true)), Err(ApiError::Forbidden(_))));
        // Another municipality's staff, and no staff at all, are absent alike.
        let elsewhere = target(Uuid::new_v4(), &[(a, UnitRoleKind::Employee)]);
        assert!(matches!(manage(&ua, Some(&elsewhere), StaffChange::Contact), Err(ApiError::NotFound(_))));
        assert!(matches!(manage(&ua, None, StaffChange::Contact), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn municipal_admins_manage_anyone_but_the_system_owner_and_themselves() {
        let (m, a) = (Uuid::new_v4(), Uuid::new_v4());
        let ma = staff(m, &[], true);
        let peer = target(m, &[(a, UnitRoleKind::UnitAdmin)]);
        assert_eq!(manage(&ma, Some(&peer), StaffChange::Activation).unwrap(), ActorRole::MunicipalAdmin);
        let owner = Target { system_owner: true, ..target(m, &[]) };
        assert!(matches!(manage(&ma, Some(&owner), StaffChange::Contact), Err(ApiError::Forbidden(_))));
        let me = Target { person_id: ma.person_id(), ..target(m, &[]) };
        assert!(matches!(manage(&ma, Some(&me), StaffChange::Activation), Err(ApiError::Conflict(_))));
        assert!(manage(&ma, Some(&me), StaffChange::Contact).is_ok());
    }

    #[test]
    fn others_are_refused_whatever_the_id_names() {
        let (m, a) = (Uuid::new_v4(), Uuid::new_v4());
        let employee = staff(m, &[(a, UnitRoleKind::UnitLeader)], false);
        assert!(matches!(manage(&employee, None, StaffChange::Contact), Err(ApiError::Forbidden(_))));
        let citizen = Principal::Citizen { person_id: Uuid::new_v4(), national_id: String::new() };
        assert!(matches!(manage(&citizen, None, StaffChange::Activation), Err(ApiError::Forbidden(_))));
    }
}
