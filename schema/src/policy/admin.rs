//! Decisions that are not about one log: creating logs, registering staff,
//! templates. Admins manage structure, never content.

use crate::db::enums::ActorRole;
use crate::db::enums::{MunicipalRoleKind, UnitRoleKind};
use crate::error::ApiError;
use crate::policy::Acting;
use crate::principal::Principal;
use crate::words;
use uuid::Uuid;

/// Unit admins and unit leaders create logs in their own unit.
pub fn create_log(principal: &Principal, unit_id: Uuid) -> Result<Acting, ApiError> {
    for (kind, role) in
        [(UnitRoleKind::UnitAdmin, ActorRole::UnitAdmin), (UnitRoleKind::UnitLeader, ActorRole::UnitLeader)]
    {
        if principal.has_unit_role(unit_id, &[kind]) {
            return Ok(Acting { role, unit_id: Some(unit_id) });
        }
    }
    Err(ApiError::forbidden("only a unit admin or unit leader of this unit may create logs in it"))
}

/// Unit admins register employees and leaders in their unit; municipal
/// admins register anyone, unit admins included, in their municipality.
pub fn register_staff(
    principal: &Principal,
    unit_id: Uuid,
    unit_municipality: Uuid,
    role: UnitRoleKind,
) -> Result<ActorRole, ApiError> {
    // To staff, another municipality's unit is as absent as one that does
    // not exist (citizens register no one: FORBIDDEN below, as before).
    if let Principal::Staff { municipality_id, .. } = principal
        && *municipality_id != unit_municipality
    {
        return Err(ApiError::NotFound("Unit"));
    }
    if principal.has_municipal_role(unit_municipality, MunicipalRoleKind::MunicipalAdmin) {
        return Ok(ActorRole::MunicipalAdmin);
    }
    if role != UnitRoleKind::UnitAdmin && principal.has_unit_role(unit_id, &[UnitRoleKind::UnitAdmin]) {
        return Ok(ActorRole::UnitAdmin);
    }
    Err(ApiError::forbidden("only this unit's admin (or a municipal admin) may register its staff"))
}

/// An external id already registered is the same person (one identity at
/// the identity provider): registering it again adds a role, but only in
/// the municipality they are registered in. A municipality's admin cannot
/// enrol another municipality's staff (and through a participation give
/// them a child's log); the refusal says only that the identity is taken,
/// never whose it is.
pub fn enrol_known_staff(staff_municipality: Uuid, unit_municipality: Uuid) -> Result<(), ApiError> {
    if staff_municipality != unit_municipality {
        return Err(ApiError::conflict(words!("error-external-id-elsewhere")));
    }
    Ok(())
}

/// Municipal admins maintain their municipality's settings and templates.
pub fn manage_municipality(principal: &Principal, municipality_id: Uuid) -> Result<(), ApiError> {
    if principal.has_municipal_role(municipality_id, MunicipalRoleKind::MunicipalAdmin) {
        return Ok(());
    }
    Err(ApiError::forbidden("only a municipal admin may change the municipality's settings and templates"))
}

/// Staff list the units of their own municipality; the answer is that municipality.
pub fn list_units(principal: &Principal) -> Result<Uuid, ApiError> {
    own_municipality(principal, "only staff may list units")
}

/// Staff list the staff of units in their own municipality; the answer is
/// that municipality. Staff names are personal data, which the system owner
/// never sees (DESIGN.md §1): a principal with no unit role and no municipal
/// admin role (the system owner's account) is refused.
pub fn list_staff(principal: &Principal) -> Result<Uuid, ApiError> {
    let municipality_id = own_municipality(principal, "only staff may list staff")?;
    if principal.unit_roles().is_empty()
        && !principal.has_municipal_role(municipality_id, MunicipalRoleKind::MunicipalAdmin)
    {
        return Err(ApiError::forbidden("only staff of a unit or a municipal admin may list staff"));
    }
    Ok(municipality_id)
}

/// `Unit.staff`: as [`list_staff`], for a unit of the principal's own municipality.
pub fn list_unit_staff(principal: &Principal, unit_municipality: Uuid) -> Result<(), ApiError> {
    if list_staff(principal)? != unit_municipality {
        return Err(ApiError::forbidden("only staff of this municipality may list its units' staff"));
    }
    Ok(())
}

/// Municipal admins see the open deletion requests of their municipalities;
/// the answer is those municipalities.
pub fn list_deletion_requests(principal: &Principal) -> Result<Vec<Uuid>, ApiError> {
    municipalities_with(principal, &[MunicipalRoleKind::MunicipalAdmin])
}

/// Whose figures `statistics` adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatisticsScope {
    /// every municipality: the system owner runs the whole installation
    All,
    /// these municipalities: a municipal admin's own
    Municipalities(Vec<Uuid>),
}

/// The system owner reads the figures of every municipality, a municipal
/// admin those of her own (issue 19: "system owner: all; municipal admin:
/// own municipality").
pub fn read_statistics(principal: &Principal) -> Result<StatisticsScope, ApiError> {
    if principal.municipal_roles().iter().any(|r| r.role == MunicipalRoleKind::SystemOwner) {
        return Ok(StatisticsScope::All);
    }
    municipalities_with(principal, &[MunicipalRoleKind::MunicipalAdmin]).map(StatisticsScope::Municipalities)
}

/// A municipal admin sets their own municipality's consent age; the answer is that municipality.
pub fn set_consent_age(principal: &Principal) -> Result<Uuid, ApiError> {
    let municipality_id = own_municipality(principal, "only a municipal admin may set the consent age")?;
    manage_municipality(principal, municipality_id)?;
    Ok(municipality_id)
}

/// A municipal admin manages their own municipality's templates; the answer is that municipality.
pub fn manage_templates(principal: &Principal) -> Result<Uuid, ApiError> {
    let municipality_id = own_municipality(principal, "only a municipal admin may manage templates")?;
    manage_municipality(principal, municipality_id)?;
    Ok(municipality_id)
}

/// Staff read their municipality's templates (a unit admin picks one for
/// `createLog`, a coordinator reads the guidance); the answer is that
/// municipality. Templates hold no personal data, but they are the
/// municipality's working tools, not the public's.
pub fn read_templates(principal: &Principal) -> Result<Uuid, ApiError> {
    match principal {
        Principal::Staff { municipality_id, .. } => Ok(*municipality_id),
        Principal::Citizen { .. } => Err(ApiError::forbidden("templates are for the municipality's staff")),
    }
}

/// A staff member's municipality; FORBIDDEN with `refusal` for citizens.
fn own_municipality(principal: &Principal, refusal: &str) -> Result<Uuid, ApiError> {
    match principal {
        Principal::Staff { municipality_id, .. } => Ok(*municipality_id),
        Principal::Citizen { .. } => Err(ApiError::forbidden(refusal)),
    }
}

/// The municipalities where the principal holds one of `roles`; FORBIDDEN when none.
fn municipalities_with(principal: &Principal, roles: &[MunicipalRoleKind]) -> Result<Vec<Uuid>, ApiError> {
    let ids: Vec<_> =
        principal.municipal_roles().iter().filter(|r| roles.contains(&r.role)).map(|r| r.municipality_id).collect();
    if ids.is_empty() {
        return Err(ApiError::forbidden("this needs a municipal role"));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::MunicipalRole;

    fn citizen() -> Principal {
        Principal::Citizen { person_id: Uuid::nil(), national_id: String::new() }
    }

    fn staff(municipality_id: Uuid, roles: &[MunicipalRoleKind]) -> Principal {
        let municipal_roles = roles.iter().map(|&role| MunicipalRole { municipality_id, role }).collect();
        Principal::Staff { person_id: Uuid::nil(), municipality_id, unit_roles: Vec::new(), municipal_roles }
    }

    #[test]
    fn citizens_may_not_list_units_or_staff() {
        assert!(matches!(list_units(&citizen()), Err(ApiError::Forbidden(m)) if m == "only staff may list units"));
        assert!(matches!(list_staff(&citizen()), Err(ApiError::Forbidden(m)) if m == "only staff may list staff"));
    }

    #[test]
    fn staff_list_units_and_staff_of_their_own_municipality_only() {
        use crate::principal::UnitRole;
        let m = Uuid::new_v4();
        let employee = Principal::Staff {
            person_id: Uuid::nil(),
            municipality_id: m,
            unit_roles: vec![UnitRole { unit_id: Uuid::new_v4(), role: UnitRoleKind::Employee }],
            municipal_roles: Vec::new(),
        };
        assert_eq!(list_units(&employee).unwrap(), m);
        assert_eq!(list_staff(&employee).unwrap(), m);
        assert_eq!(list_staff(&staff(m, &[MunicipalRoleKind::MunicipalAdmin])).unwrap(), m);
    }

    /// The system owner reads statistics, never personal data: unit names
    /// yes, staff names no.
    #[test]
    fn the_system_owner_lists_units_but_not_staff() {
        let m = Uuid::new_v4();
        let owner = staff(m, &[MunicipalRoleKind::SystemOwner]);
        assert_eq!(list_units(&owner).unwrap(), m);
        assert!(matches!(list_staff(&owner), Err(ApiError::Forbidden(_))));
        // An admin role in another municipality does not count here.
        let Principal::Staff { municipal_roles, .. } = staff(Uuid::new_v4(), &[MunicipalRoleKind::MunicipalAdmin])
        else {
            unreachable!()
        };
        let elsewhere =
            Principal::Staff { person_id: Uuid::nil(), municipality_id: m, unit_roles: Vec::new(), municipal_roles };
        assert!(matches!(list_staff(&elsewhere), Err(ApiError::Forbidden(_))));
    }

    #[test]
    fn deletion_requests_are_for_municipal_admins_and_statistics_also_for_the_system_owner() {
        let m = Uuid::new_v4();
        let owner = staff(m, &[MunicipalRoleKind::SystemOwner]);
        assert!(matches!(list_deletion_requests(&owner), Err(ApiError::Forbidden(_))));
        assert_eq!(read_statistics(&owner).unwrap(), StatisticsScope::All);
        let admin = staff(m, &[MunicipalRoleKind::MunicipalAdmin]);
        assert_eq!(list_deletion_requests(&admin).unwrap(), vec![m]);
        assert_eq!(read_statistics(&admin).unwrap(), StatisticsScope::Municipalities(vec![m]));
        assert!(matches!(read_statistics(&staff(m, &[])), Err(ApiError::Forbidden(_))));
    }

    #[test]
    fn municipal_settings_and_templates_need_a_municipal_admin_of_ones_own_municipality() {
        let m = Uuid::new_v4();
        let admin = staff(m, &[MunicipalRoleKind::MunicipalAdmin]);
        assert_eq!(set_consent_age(&admin).unwrap(), m);
        assert_eq!(manage_templates(&admin).unwrap(), m);
        // An admin role held in another municipality than the one they work in.
        let Principal::Staff { municipal_roles, .. } = admin.clone() else { unreachable!() };
        let elsewhere = Principal::Staff {
            person_id: Uuid::nil(),
            municipality_id: Uuid::new_v4(),
            unit_roles: Vec::new(),
            municipal_roles,
        };
        assert!(matches!(set_consent_age(&elsewhere), Err(ApiError::Forbidden(_))));
        assert!(matches!(
            manage_templates(&citizen()),
            Err(ApiError::Forbidden(m)) if m == "only a municipal admin may manage templates"
        ));
    }

    /// The cells of registerStaff (cargo-mutants found that no unit test held them).
    #[test]
    fn register_staff_follows_the_write_table() {
        use crate::principal::UnitRole;
        let (m, unit) = (Uuid::new_v4(), Uuid::new_v4());
        let unit_admin = Principal::Staff {
            person_id: Uuid::nil(),
            municipality_id: m,
            unit_roles: vec![UnitRole { unit_id: unit, role: UnitRoleKind::UnitAdmin }],
            municipal_roles: Vec::new(),
        };
        // A unit admin registers employees and leaders of their own unit, not admins.
        assert!(register_staff(&unit_admin, unit, m, UnitRoleKind::Employee).is_ok());
        assert!(register_staff(&unit_admin, unit, m, UnitRoleKind::UnitLeader).is_ok());
        assert!(matches!(register_staff(&unit_admin, unit, m, UnitRoleKind::UnitAdmin), Err(ApiError::Forbidden(_))));
        // …and nobody in another unit of the municipality.
        assert!(matches!(
            register_staff(&unit_admin, Uuid::new_v4(), m, UnitRoleKind::Employee),
            Err(ApiError::Forbidden(_))
        ));
        // A municipal admin registers anyone, unit admins included, in their municipality.
        let admin = staff(m, &[MunicipalRoleKind::MunicipalAdmin]);
        assert!(register_staff(&admin, unit, m, UnitRoleKind::UnitAdmin).is_ok());
        // Another municipality's unit is absent to its staff, admins included.
        let elsewhere = Uuid::new_v4();
        assert!(matches!(
            register_staff(&admin, unit, elsewhere, UnitRoleKind::Employee),
            Err(ApiError::NotFound("Unit"))
        ));
        // Staff without a role and citizens may not register anyone.
        assert!(matches!(register_staff(&staff(m, &[]), unit, m, UnitRoleKind::Employee), Err(ApiError::Forbidden(_))));
        assert!(matches!(register_staff(&citizen(), unit, m, UnitRoleKind::Employee), Err(ApiError::Forbidden(_))));
        // An external id already registered is enrolled only in its own municipality.
        assert!(enrol_known_staff(m, m).is_ok());
        assert!(matches!(enrol_known_staff(m, elsewhere), Err(ApiError::Conflict(_))));
    }
}
