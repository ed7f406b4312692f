//! Decisions that are not about one log: creating logs, registering staff,
//! templates. Admins manage structure, never content.

use crate::db::enums::ActorRole;
use crate::db::enums::{MunicipalRoleKind, UnitRoleKind};
use crate::error::{ApiError, ApiResult};
use crate::policy::Acting;
use crate::principal::Principal;
use uuid::Uuid;

/// Unit admins and unit leaders create logs in their own unit.
pub fn create_log(principal: &Principal, unit_id: Uuid) -> ApiResult<Acting> {
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
) -> ApiResult<()> {
    if principal.has_municipal_role(unit_municipality, MunicipalRoleKind::MunicipalAdmin) {
        return Ok(());
    }
    if role != UnitRoleKind::UnitAdmin && principal.has_unit_role(unit_id, &[UnitRoleKind::UnitAdmin]) {
        return Ok(());
    }
    Err(ApiError::forbidden("only this unit's admin (or a municipal admin) may register its staff"))
}

/// Municipal admins maintain their municipality's settings and templates.
pub fn manage_municipality(principal: &Principal, municipality_id: Uuid) -> ApiResult<()> {
    if principal.has_municipal_role(municipality_id, MunicipalRoleKind::MunicipalAdmin) {
        return Ok(());
    }
    Err(ApiError::forbidden("only a municipal admin may change the municipality's settings and templates"))
}
