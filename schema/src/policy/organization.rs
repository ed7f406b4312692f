//! Who sets up a municipality (issue 18): the system owner creates and
//! renames municipalities and appoints their first municipal admins; a
//! municipal admin creates, changes, deactivates and reactivates the units
//! of their own municipality. Admins manage structure, never content.
//!
//! Existence follows the read rules of logs: to staff, a municipality or a
//! unit they hold no role for in another municipality is as absent as one
//! that does not exist (NOT_FOUND, the same message); what they can see
//! exists (their own municipality and its units) and is FORBIDDEN when their
//! role may not change it. Citizens manage nothing: FORBIDDEN.

use crate::db::enums::{ActorRole, MunicipalRoleKind, UnitRoleKind};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::words;
use uuid::Uuid;

/// The system owner (a system-owner role in any municipality) creates municipalities.
pub fn create_municipality(principal: &Principal) -> Result<ActorRole, ApiError> {
    if principal.municipal_roles().iter().any(|r| r.role == MunicipalRoleKind::SystemOwner) {
        return Ok(ActorRole::SystemOwner);
    }
    Err(ApiError::forbidden("only the system owner may create municipalities"))
}

/// The system owner of a municipality renames it and appoints its municipal
/// admins. `municipality` is the one named, if it exists.
pub fn own_municipality(principal: &Principal, municipality: Option<Uuid>) -> Result<ActorRole, ApiError> {
    let Principal::Staff { municipality_id: home, .. } = principal else {
        return Err(ApiError::forbidden("only the system owner may change a municipality"));
    };
    match municipality {
        Some(m) if principal.has_municipal_role(m, MunicipalRoleKind::SystemOwner) => Ok(ActorRole::SystemOwner),
        // Their own municipality exists to them; it is not theirs to change.
        Some(m) if m == *home => Err(ApiError::forbidden("only the system owner may change a municipality")),
        _ => Err(ApiError::NotFound("Municipality")),
    }
}

/// The system owner reads no personal data (DESIGN.md §1), so a person who
/// is a system owner anywhere is given no role that reads it: no municipal
/// admin role, no role in a unit. The attack on issue 18 appointed the
/// system owner municipal admin (and registered him in a unit) and read a
/// child's log with his token.
pub fn may_be_given_role_reading_personal_data(is_system_owner: bool) -> Result<(), ApiError> {
    if is_system_owner {
        return Err(ApiError::conflict(words!("error-system-owner-no-role")));
    }
    Ok(())
}

/// What may come new to a unit. A deactivated unit keeps the logs, staff
/// and participants it has, and takes on nothing new.
#[derive(Debug, Clone, Copy)]
pub enum NewToUnit {
    /// a log created in it
    Log,
    /// one of its staff added to a log
    Participant,
    /// a proposal that the family consent to it
    Proposal,
    /// a staff member registered in it
    Staff,
    /// a role given to one of its staff
    Role,
}

/// Whether a unit (`deactivated` or not) takes `what`; the refusal is
/// about the input at `field`.
pub fn unit_takes(deactivated: bool, what: NewToUnit, field: &str) -> Result<(), ApiError> {
    if !deactivated {
        return Ok(());
    }
    let key = match what {
        NewToUnit::Log => "error-unit-deactivated-log",
        NewToUnit::Participant => "error-unit-deactivated-work",
        NewToUnit::Proposal => "error-unit-deactivated-propose",
        NewToUnit::Staff => "error-unit-deactivated-staff",
        NewToUnit::Role => "error-unit-deactivated-roles",
    };
    Err(ApiError::bad_field(field, crate::i18n::Text::new(key, Vec::new())))
}

/// A municipal admin creates units in their own municipality; the answer is that municipality.
pub fn create_unit(principal: &Principal) -> Result<(Uuid, ActorRole), ApiError> {
    match principal {
        Principal::Staff { municipality_id, .. }
            if principal.has_municipal_role(*municipality_id, MunicipalRoleKind::MunicipalAdmin) =>
        {
            Ok((*municipality_id, ActorRole::MunicipalAdmin))
        }
        _ => Err(ApiError::forbidden("only a municipal admin may create units")),
    }
}

/// A municipal admin changes, deactivates and reactivates the units of their
/// own municipality. `unit_municipality` is the named unit's, if it exists.
pub fn manage_unit(principal: &Principal, unit_municipality: Option<Uuid>) -> Result<ActorRole, ApiError> {
    let Principal::Staff { municipality_id: home, .. } = principal else {
        return Err(ApiError::forbidden("only a municipal admin may change units"));
    };
    match unit_municipality {
        Some(m) if m == *home && principal.has_municipal_role(m, MunicipalRoleKind::MunicipalAdmin) => {
            Ok(ActorRole::MunicipalAdmin)
        }
        Some(m) if m == *home => Err(ApiError::forbidden("only a municipal admin may change units")),
        _ => Err(ApiError::NotFound("Unit")),
    }
}

/// `Query.unit`: staff read the units of their own municipality (as `units`
/// lists them); to anyone else a unit is absent. Citizens: FORBIDDEN.
pub fn read_unit(principal: &Principal, unit_municipality: Option<Uuid>) -> Result<(), ApiError> {
    let Principal::Staff { municipality_id: home, .. } = principal else {
        return Err(ApiError::forbidden("only staff may read units"));
    };
    match unit_municipality {
        Some(m) if m == *home => Ok(()),
        _ => Err(ApiError::NotFound("Unit")),
    }
}

/// A unit's figures (`Unit.logCount`, no personal data): its admins and
/// leaders, the municipal admin and the system owner of its municipality.
pub fn read_unit_figures(principal: &Principal, unit_id: Uuid, unit_municipality: Uuid) -> bool {
    principal.has_unit_role(unit_id, &[UnitRoleKind::UnitAdmin, UnitRoleKind::UnitLeader])
        || principal.has_municipal_role(unit_municipality, MunicipalRoleKind::MunicipalAdmin)
        || principal.has_municipal_role(unit_municipality, MunicipalRoleKind::SystemOwner)
}

/// The admin log of a municipality (`Query.adminLog`): its municipal admins
/// and system owner; `asked` names one (the system owner of a municipality
/// she created), else the principal's own. The answer is the municipality.
/// Another municipality is absent (NOT_FOUND) to one with no role there.
pub fn read_admin_log(principal: &Principal, asked: Option<Uuid>) -> Result<Uuid, ApiError> {
    let Principal::Staff { municipality_id: home, .. } = principal else {
        return Err(ApiError::forbidden("only a municipal admin or the system owner may read the admin log"));
    };
    let m = asked.unwrap_or(*home);
    if principal.has_municipal_role(m, MunicipalRoleKind::MunicipalAdmin)
        || principal.has_municipal_role(m, MunicipalRoleKind::SystemOwner)
    {
        return Ok(m);
    }
    if m == *home {
        return Err(ApiError::forbidden("only a municipal admin or the system owner may read the admin log"));
    }
    Err(ApiError::NotFound("Municipality"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::{MunicipalRole, UnitRole};

    fn staff(home: Uuid, roles: &[(Uuid, MunicipalRoleKind)], units: &[(Uuid, UnitRoleKind)]) -> Principal {
        Principal::Staff {
            person_id: Uuid::nil(),
            municipality_id: home,
            unit_roles: units.iter().map(|&(unit_id, role)| UnitRole { unit_id, role }).collect(),
            municipal_roles: roles
                .iter()
                .map(|&(municipality_id, role)| MunicipalRole { municipality_id, role })
                .collect(),
        }
    }

    fn citizen() -> Principal {
        Principal::Citizen { person_id: Uuid::nil(), national_id: String::new() }
    }

    #[test]
    fn municipalities_are_the_system_owners() {
        let (home, other) = (Uuid::new_v4(), Uuid::new_v4());
        let owner = staff(home, &[(home, MunicipalRoleKind::SystemOwner)], &[]);
        let admin = staff(home, &[(home, MunicipalRoleKind::MunicipalAdmin)], &[]);
        assert!(create_municipality(&owner).is_ok());
        assert!(matches!(create_municipality(&admin), Err(ApiError::Forbidden(_))));
        assert!(matches!(create_municipality(&citizen()), Err(ApiError::Forbidden(_))));
        assert!(own_municipality(&owner, Some(home)).is_ok());
        // Another municipality is absent to one who holds no role there, like a random id.
        assert!(matches!(own_municipality(&owner, Some(other)), Err(ApiError::NotFound(_))));
        assert!(matches!(own_municipality(&owner, None), Err(ApiError::NotFound(_))));
        assert!(matches!(own_municipality(&admin, Some(home)), Err(ApiError::Forbidden(_))));
        assert!(matches!(own_municipality(&admin, Some(other)), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn admin_logs_are_read_where_one_holds_the_role() {
        let (home, created, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let owner =
            staff(home, &[(home, MunicipalRoleKind::SystemOwner), (created, MunicipalRoleKind::SystemOwner)], &[]);
        assert_eq!(read_admin_log(&owner, None).unwrap(), home);
        assert_eq!(read_admin_log(&owner, Some(created)).unwrap(), created);
        assert!(matches!(read_admin_log(&owner, Some(other)), Err(ApiError::NotFound(_))));
        let teacher = staff(home, &[], &[]);
        assert!(matches!(read_admin_log(&teacher, None), Err(ApiError::Forbidden(_))));
        assert!(matches!(read_admin_log(&citizen(), None), Err(ApiError::Forbidden(_))));
    }

    #[test]
    fn a_system_owner_gets_no_role_that_reads_personal_data() {
        assert!(matches!(may_be_given_role_reading_personal_data(true), Err(ApiError::Conflict(_))));
        assert!(may_be_given_role_reading_personal_data(false).is_ok());
    }

    #[test]
    fn units_are_their_municipal_admins() {
        let (home, other, unit) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let admin = staff(home, &[(home, MunicipalRoleKind::MunicipalAdmin)], &[]);
        let unit_admin = staff(home, &[], &[(unit, UnitRoleKind::UnitAdmin)]);
        assert_eq!(create_unit(&admin).unwrap().0, home);
        assert!(matches!(create_unit(&unit_admin), Err(ApiError::Forbidden(_))));
        assert!(manage_unit(&admin, Some(home)).is_ok());
        assert!(matches!(manage_unit(&admin, Some(other)), Err(ApiError::NotFound(_))));
        assert!(matches!(manage_unit(&admin, None), Err(ApiError::NotFound(_))));
        assert!(matches!(manage_unit(&unit_admin, Some(home)), Err(ApiError::Forbidden(_))));
        assert!(matches!(manage_unit(&citizen(), Some(home)), Err(ApiError::Forbidden(_))));
        assert!(read_unit(&unit_admin, Some(home)).is_ok());
        assert!(matches!(read_unit(&unit_admin, Some(other)), Err(ApiError::NotFound(_))));
        assert!(read_unit_figures(&unit_admin, unit, home));
        assert!(!read_unit_figures(&unit_admin, Uuid::new_v4(), home), "another unit's");
        assert!(read_unit_figures(&admin, Uuid::new_v4(), home));
        assert!(!read_unit_figures(&admin, Uuid::new_v4(), other));
    }
}
