//! Who is calling. The transport verifies a token and hands over an
//! [`Identity`]; [`resolve`] turns it into a [`Principal`] with the person's
//! roles, creating a citizen's record on first login.

use crate::db::enums::{MunicipalRoleKind, PersonKind, UnitRoleKind};
use crate::db::org;
use crate::error::{ApiError, ApiResult};
use crate::national_id;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// What a verified token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    /// A citizen logged in with ID-porten; `pid` is the fødselsnummer.
    Citizen { pid: String, name: Option<String> },
    /// A staff member of a municipality, by the external id an admin registered.
    Staff { external_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRole {
    pub unit_id: Uuid,
    pub role: UnitRoleKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalRole {
    pub municipality_id: Uuid,
    pub role: MunicipalRoleKind,
}

/// Equal principals grant the same: an open websocket compares the one it
/// was opened with to a fresh one when the person's access changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Citizen { person_id: Uuid, national_id: String },
    Staff { person_id: Uuid, municipality_id: Uuid, unit_roles: Vec<UnitRole>, municipal_roles: Vec<MunicipalRole> },
}

impl Principal {
    pub fn person_id(&self) -> Uuid {
        match self {
            Principal::Citizen { person_id, .. } | Principal::Staff { person_id, .. } => *person_id,
        }
    }

    pub fn kind(&self) -> PersonKind {
        match self {
            Principal::Citizen { .. } => PersonKind::Citizen,
            Principal::Staff { .. } => PersonKind::Staff,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Principal::Staff { .. })
    }

    pub fn unit_roles(&self) -> &[UnitRole] {
        match self {
            Principal::Staff { unit_roles, .. } => unit_roles,
            Principal::Citizen { .. } => &[],
        }
    }

    pub fn municipal_roles(&self) -> &[MunicipalRole] {
        match self {
            Principal::Staff { municipal_roles, .. } => municipal_roles,
            Principal::Citizen { .. } => &[],
        }
    }

    pub fn has_unit_role(&self, unit_id: Uuid, roles: &[UnitRoleKind]) -> bool {
        self.unit_roles().iter().any(|r| r.unit_id == unit_id && roles.contains(&r.role))
    }

    pub fn has_municipal_role(&self, municipality_id: Uuid, role: MunicipalRoleKind) -> bool {
        self.municipal_roles().iter().any(|r| r.municipality_id == municipality_id && r.role == role)
    }
}

/// Looks the identity up. Citizens are created on first login (their name
/// from the token, or a placeholder until a guardian registration names them);
/// staff must have been registered by an admin.
pub async fn resolve(conn: &mut AsyncPgConnection, identity: &Identity) -> ApiResult<Principal> {
    match identity {
        Identity::Citizen { pid, name } => resolve_citizen(conn, pid, name.as_deref()).await,
        Identity::Staff { external_id } => resolve_staff(conn, external_id).await,
    }
}

async fn resolve_citizen(conn: &mut AsyncPgConnection, pid: &str, name: Option<&str>) -> ApiResult<Principal> {
    national_id::validate(pid)
        .map_err(|e| ApiError::Unauthenticated(format!("token pid is not a valid national id: {e}")))?;
    // The citizen's own login is the authority on their name: a name the
    // first log's creator typed for them does not stick once they log in
    // with one. One lookup as before; a write only when the name differs.
    let own = name.and_then(|n| crate::api::input::required(n, "name", crate::api::input::limits::NAME).ok());
    let person_id = match (&own, org::citizen_by_national_id(conn, pid).await?) {
        (Some(own), Some((id, stored))) => {
            if *own != stored {
                org::rename_person(conn, id, own).await?;
            }
            id
        }
        (None, Some((id, _))) => id,
        (_, None) => org::ensure_citizen(conn, pid, own.as_deref().unwrap_or("Ukjent innbygger"), None, None).await?,
    };
    Ok(Principal::Citizen { person_id, national_id: pid.to_owned() })
}

/// Why a valid staff token is refused, told to its bearer only (it is their
/// own account) over HTTP and as the websocket's close reason.
pub const UNREGISTERED: &str = "this staff identity is not registered in Stafett; ask your unit admin to register it";
pub const DEACTIVATED: &str = "this staff account is deactivated; ask your unit admin to reactivate it";

async fn resolve_staff(conn: &mut AsyncPgConnection, external_id: &str) -> ApiResult<Principal> {
    let Some((person_id, municipality_id, deactivated)) = org::staff_identity(conn, external_id).await? else {
        return Err(ApiError::forbidden(UNREGISTERED));
    };
    if deactivated {
        return Err(ApiError::forbidden(DEACTIVATED));
    }
    let unit_roles = org::unit_roles_of(conn, person_id)
        .await?
        .into_iter()
        .map(|(unit_id, role)| UnitRole { unit_id, role })
        .collect();
    let municipal_roles = org::municipal_roles_of(conn, person_id)
        .await?
        .into_iter()
        .map(|(municipality_id, role)| MunicipalRole { municipality_id, role })
        .collect();
    Ok(Principal::Staff { person_id, municipality_id, unit_roles, municipal_roles })
}
