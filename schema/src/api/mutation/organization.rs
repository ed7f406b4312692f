//! Setting up a municipality (issue 18): the system owner creates and
//! renames municipalities and appoints their municipal admins; a municipal
//! admin creates, changes, deactivates and reactivates units. Unit admins
//! and leaders are appointed with `registerStaff` (a known external id gets
//! the role in one more unit). Each change is one transaction with its
//! entry in the admin log (`Query.adminLog`), the organization's own record
//! as the access log is a log's.

use super::payload::{answer, payload};
use super::tx::{ScopedFutureExt, in_transaction};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::organization::Municipality;
use crate::api::types::people::Unit;
use crate::context::rc;
use crate::db::enums::{AccessAction, ActorRole, MunicipalRoleKind, OrgObjectType, PersonKind, ServiceKind};
use crate::db::is_unique_violation;
use crate::db::org::{self, MunicipalityRow, PersonRow, UnitRow};
use crate::db::organization::{self as orgdb, Change, UnitChanges};
use crate::db::staff as staffdb;
use crate::error::{ApiError, ApiResult};
use crate::policy::{admin, organization as policy};
use crate::words;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// A new municipality.
#[derive(InputObject)]
pub struct CreateMunicipalityInput {
    /// its name, at most 200 characters, unique (without regard to case)
    pub name: String,
    /// the age (15 or 16) at which a child becomes an owner of their log; 16 when omitted
    pub consent_age: Option<i32>,
}

/// A municipality's new name.
#[derive(InputObject)]
pub struct RenameMunicipalityInput {
    /// at most 200 characters, unique (without regard to case)
    pub name: String,
}

/// A municipal admin to appoint.
#[derive(InputObject)]
pub struct AppointMunicipalAdminInput {
    /// the id their identity provider puts in tokens, at most 200
    /// characters; one already registered in this municipality is that
    /// person, who gets the role
    pub external_id: String,
    /// their name, at most 200 characters (kept as registered for a known person)
    pub name: String,
    /// at most 200 characters
    pub email: Option<String>,
    /// at most 40 characters
    pub phone: Option<String>,
}

/// A new unit of your municipality.
#[derive(InputObject)]
pub struct CreateUnitInput {
    /// its name, at most 200 characters, unique in the municipality (without regard to case)
    pub name: String,
    /// the service it provides
    pub service_kind: ServiceKind,
    /// Enhetsregisteret's organization number: nine digits; none when omitted
    pub organization_number: Option<String>,
}

/// Changes to a unit: an omitted field is left as it is, `null` clears it
/// (only `organizationNumber` can be cleared).
#[derive(InputObject)]
pub struct UpdateUnitInput {
    /// at most 200 characters, unique in the municipality
    pub name: MaybeUndefined<String>,
    /// the service it provides
    pub service_kind: MaybeUndefined<ServiceKind>,
    /// nine digits
    pub organization_number: MaybeUndefined<String>,
}

payload! {
    /// The answer of `createMunicipality` and `renameMunicipality`.
    MunicipalityPayload {
        /// the municipality as it is now
        municipality: Municipality,
    }
}

payload! {
    /// The answer of `appointMunicipalAdmin`.
    AppointMunicipalAdminPayload {
        /// the appointed admin's person id (`Me.id` when they sign in)
        staff_id: ID,
    }
}

payload! {
    /// The answer of `createUnit`, `updateUnit`, `deactivateUnit` and `reactivateUnit`.
    UnitPayload {
        /// the unit as it is now
        unit: Unit,
    }
}

#[derive(Default)]
pub struct OrganizationMutations;

#[Object]
impl OrganizationMutations {
    /// Creates a municipality (the system owner), who becomes its system
    /// owner too; next, `appointMunicipalAdmin`.
    async fn create_municipality(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The municipality.")] input: CreateMunicipalityInput,
    ) -> ApiResult<MunicipalityPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let name = input::org_name(&input.name, "name")?;
            let consent_age = input.consent_age.unwrap_or(16);
            if !matches!(consent_age, 15 | 16) {
                return Err(ApiError::bad_field("consentAge", words!("error-consent-age")));
            }
            let actor_role = policy::create_municipality(&rc.principal)?;
            let actor = rc.principal.person_id();
            let row = in_transaction(rc, move |conn| {
                async move {
                    if orgdb::municipality_name_taken(conn, &name, None).await? {
                        return Err(taken("error-name-taken-municipality"));
                    }
                    let row = MunicipalityRow { id: Uuid::new_v4(), name, consent_age, created_at: Utc::now() };
                    orgdb::insert_municipality(conn, &row)
                        .await
                        .map_err(|e| name_taken(e, "error-name-taken-municipality"))?;
                    orgdb::grant_municipal_role(conn, actor, row.id, MunicipalRoleKind::SystemOwner).await?;
                    // The creator's principal gained a role: every instance
                    // drops what it cached of her (`touch_access`, and the
                    // announcement below), so she can appoint the new
                    // municipality's admins at once (the attack on issue 19
                    // met NOT_FOUND for the principal cache's 2 s).
                    staffdb::touch_access(conn, actor).await?;
                    let change = Change::new(
                        actor,
                        actor_role,
                        row.id,
                        OrgObjectType::Municipality,
                        row.id,
                        AccessAction::Create,
                    );
                    orgdb::record(conn, &change).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            rc.config.announce_access_changes(&[actor]);
            Ok(MunicipalityPayload { municipality: Some(Municipality(row)), ..Default::default() })
        })
        .await
    }

    /// Renames a municipality (its system owner).
    async fn rename_municipality(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The municipality.")] municipality_id: ID,
        #[graphql(desc = "The new name.")] input: RenameMunicipalityInput,
    ) -> ApiResult<MunicipalityPayload> {
        answer(&["municipalityId"], async move {
            let rc = rc(ctx);
            let id = ids::parse(&municipality_id, "municipalityId")?;
            let name = input::org_name(&input.name, "name")?;
            let principal = rc.principal.clone();
            let row = in_transaction(rc, move |conn| {
                async move {
                    let exists = orgdb::municipality_by_id(conn, id).await?.map(|m| m.id);
                    let actor_role = policy::own_municipality(&principal, exists)?;
                    if orgdb::municipality_name_taken(conn, &name, Some(id)).await? {
                        return Err(taken("error-name-taken-municipality"));
                    }
                    let row = orgdb::rename_municipality(conn, id, &name)
                        .await
                        .map_err(|e| name_taken(e, "error-name-taken-municipality"))?;
                    let actor = principal.person_id();
                    let change =
                        Change::new(actor, actor_role, id, OrgObjectType::Municipality, id, AccessAction::Update);
                    orgdb::record(conn, &Change { detail: Some("name"), ..change }).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(MunicipalityPayload { municipality: Some(Municipality(row)), ..Default::default() })
        })
        .await
    }

    /// Appoints a municipal admin of a municipality (its system owner):
    /// registers them as its staff, or gives the role to one registered.
    async fn appoint_municipal_admin(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The municipality.")] municipality_id: ID,
        #[graphql(desc = "Who.")] input: AppointMunicipalAdminInput,
    ) -> ApiResult<AppointMunicipalAdminPayload> {
        answer(&["municipalityId"], async move {
            let rc = rc(ctx);
            let id = ids::parse(&municipality_id, "municipalityId")?;
            let external_id = input::required(input.external_id.trim(), "externalId", limits::SHORT)?;
            let name = input::org_name(&input.name, "name")?;
            let email = input::optional(input.email.as_deref(), "email", limits::SHORT)?;
            let phone = input::optional(input.phone.as_deref(), "phone", 40)?;
            let principal = rc.principal.clone();
            let staff_id = in_transaction(rc, move |conn| {
                async move {
                    let exists = orgdb::municipality_by_id(conn, id).await?.map(|m| m.id);
                    let actor_role = policy::own_municipality(&principal, exists)?;
                    let staff_id = match known_staff(conn, &external_id, id).await? {
                        Some(known) => known,
                        None => register(conn, id, &external_id, name, phone, email).await?,
                    };
                    if !orgdb::grant_municipal_role(conn, staff_id, id, MunicipalRoleKind::MunicipalAdmin).await? {
                        return Err(ApiError::conflict(words!("error-already-municipal-admin")));
                    }
                    // A known staff member who is signed in now has the role at once.
                    staffdb::touch_access(conn, staff_id).await?;
                    let actor = principal.person_id();
                    let change =
                        Change::new(actor, actor_role, id, OrgObjectType::Staff, staff_id, AccessAction::Create);
                    orgdb::record(conn, &Change { detail: Some("role MUNICIPAL_ADMIN"), ..change }).await?;
                    Ok(staff_id)
                }
                .scope_boxed()
            })
            .await?;
            rc.config.announce_access_changes(&[staff_id]);
            Ok(AppointMunicipalAdminPayload { staff_id: Some(ids::id(staff_id)), ..Default::default() })
        })
        .await
    }

    /// Creates a unit in your municipality (municipal admin). Appoint its
    /// admins and leaders with `registerStaff`.
    async fn create_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit.")] input: CreateUnitInput,
    ) -> ApiResult<UnitPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let name = input::org_name(&input.name, "name")?;
            let organization_number =
                input.organization_number.as_deref().map(organization_number).transpose()?.flatten();
            let (municipality_id, actor_role) = policy::create_unit(&rc.principal)?;
            let actor = rc.principal.person_id();
            let row = in_transaction(rc, move |conn| {
                async move {
                    if orgdb::unit_name_taken(conn, municipality_id, &name, None).await? {
                        return Err(taken("error-name-taken-unit"));
                    }
                    let row = UnitRow {
                        id: Uuid::new_v4(),
                        municipality_id,
                        name,
                        service_kind: input.service_kind,
                        created_at: Utc::now(),
                        organization_number,
                        deactivated_at: None,
                    };
                    orgdb::insert_unit(conn, &row).await.map_err(|e| name_taken(e, "error-name-taken-unit"))?;
                    let change = Change::new(
                        actor,
                        actor_role,
                        municipality_id,
                        OrgObjectType::Unit,
                        row.id,
                        AccessAction::Create,
                    );
                    orgdb::record(conn, &change).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(UnitPayload { unit: Some(Unit(row)), ..Default::default() })
        })
        .await
    }

    /// Changes a unit of your municipality (municipal admin).
    async fn update_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit.")] unit_id: ID,
        #[graphql(desc = "What changes.")] input: UpdateUnitInput,
    ) -> ApiResult<UnitPayload> {
        answer(&["unitId"], async move {
            let rc = rc(ctx);
            let id = ids::parse(&unit_id, "unitId")?;
            let name = match input.name {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => return Err(ApiError::bad_field("name", words!("error-unit-name-clear"))),
                MaybeUndefined::Value(n) => Some(input::org_name(&n, "name")?),
            };
            let service_kind = match input.service_kind {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => {
                    return Err(ApiError::bad_field("serviceKind", words!("error-unit-kind-clear")));
                }
                MaybeUndefined::Value(k) => Some(k),
            };
            let number = match input.organization_number {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(n) => Some(organization_number(&n)?),
            };
            if name.is_none() && service_kind.is_none() && number.is_none() {
                return Err(ApiError::bad_field("", words!("error-nothing-to-change")));
            }
            let changes = UnitChanges { name, service_kind, organization_number: number };
            let principal = rc.principal.clone();
            let row = in_transaction(rc, move |conn| {
                async move {
                    let (unit, actor_role) = unit_to_manage(conn, &principal, id).await?;
                    if let Some(name) = &changes.name
                        && orgdb::unit_name_taken(conn, unit.municipality_id, name, Some(id)).await?
                    {
                        return Err(taken("error-name-taken-unit"));
                    }
                    let row = orgdb::update_unit(conn, id, &changes)
                        .await
                        .map_err(|e| name_taken(e, "error-name-taken-unit"))?;
                    let actor = principal.person_id();
                    let change = Change::new(
                        actor,
                        actor_role,
                        unit.municipality_id,
                        OrgObjectType::Unit,
                        id,
                        AccessAction::Update,
                    );
                    orgdb::record(conn, &change).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(UnitPayload { unit: Some(Unit(row)), ..Default::default() })
        })
        .await
    }

    /// Deactivates a unit of your municipality (municipal admin): it keeps
    /// its history, its participants and its consents (until withdrawn),
    /// and is proposed for no new log and creates none. CONFLICT when it is
    /// deactivated already.
    async fn deactivate_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit.")] unit_id: ID,
    ) -> ApiResult<UnitPayload> {
        answer(&["unitId"], set_active(ctx, unit_id, false)).await
    }

    /// Reactivates a deactivated unit of your municipality (municipal admin).
    /// CONFLICT when it is active.
    async fn reactivate_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit.")] unit_id: ID,
    ) -> ApiResult<UnitPayload> {
        answer(&["unitId"], set_active(ctx, unit_id, true)).await
    }
}

async fn set_active(ctx: &Context<'_>, unit_id: ID, active: bool) -> ApiResult<UnitPayload> {
    let rc = rc(ctx);
    let id = ids::parse(&unit_id, "unitId")?;
    let principal = rc.principal.clone();
    let row = in_transaction(rc, move |conn| {
        async move {
            let (unit, actor_role) = unit_to_manage(conn, &principal, id).await?;
            if unit.deactivated_at.is_none() == active {
                let state = if active { "active" } else { "deactivated" };
                return Err(ApiError::conflict(words!("error-unit-state", state)));
            }
            let row = orgdb::set_unit_active(conn, id, active).await?;
            let actor = principal.person_id();
            let change =
                Change::new(actor, actor_role, unit.municipality_id, OrgObjectType::Unit, id, AccessAction::Update);
            let detail = Some(if active { "reactivated" } else { "deactivated" });
            orgdb::record(conn, &Change { detail, ..change }).await?;
            Ok(row)
        }
        .scope_boxed()
    })
    .await?;
    Ok(UnitPayload { unit: Some(Unit(row)), ..Default::default() })
}

/// The unit, locked for this change, if the principal may manage it
/// (NOT_FOUND alike for an absent unit and another municipality's).
async fn unit_to_manage(
    conn: &mut AsyncPgConnection,
    principal: &crate::Principal,
    id: Uuid,
) -> ApiResult<(UnitRow, ActorRole)> {
    let unit = orgdb::unit_by_id_for_update(conn, id).await?;
    let actor_role = policy::manage_unit(principal, unit.as_ref().map(|u| u.municipality_id))?;
    Ok((unit.ok_or(ApiError::NotFound("Unit"))?, actor_role))
}

/// An organization number as given: nine digits (spaces between groups are
/// dropped, "974 760 673" being how it is printed); blank is none.
fn organization_number(given: &str) -> ApiResult<Option<String>> {
    let digits: String = given.chars().filter(|c| *c != ' ').collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::bad_field("organizationNumber", words!("error-organization-number")));
    }
    Ok(Some(digits))
}

/// A write that met a unique name index: another request took the name
/// between the check and the write. The same field error as the check's.
fn name_taken(e: diesel::result::Error, key: &'static str) -> ApiError {
    if is_unique_violation(&e) { taken(key) } else { e.into() }
}

/// The field error of a name in use; `key` says by what (a catalogue key).
fn taken(key: &'static str) -> ApiError {
    ApiError::bad_field("name", crate::i18n::Text::new(key, Vec::new()))
}

/// The person an external id already names, if any, when they may be given a
/// role in `municipality_id`: registered there (`admin::enrol_known_staff`)
/// and no system owner. `registerStaff` and `appointMunicipalAdmin` both ask.
pub(super) async fn known_staff(
    conn: &mut AsyncPgConnection,
    external_id: &str,
    municipality_id: Uuid,
) -> ApiResult<Option<Uuid>> {
    let Some((known, home)) = org::staff_by_external_id(conn, external_id).await? else {
        return Ok(None);
    };
    admin::enrol_known_staff(home, municipality_id)?;
    policy::may_be_given_role_reading_personal_data(orgdb::is_system_owner(conn, known).await?)?;
    Ok(Some(known))
}

/// A new staff member of a municipality, with no role in any unit yet.
pub(super) async fn register(
    conn: &mut AsyncPgConnection,
    municipality_id: Uuid,
    external_id: &str,
    name: String,
    phone: Option<String>,
    email: Option<String>,
) -> ApiResult<Uuid> {
    let id = Uuid::new_v4();
    let row = PersonRow { id, kind: PersonKind::Staff, name, phone, email, created_at: Utc::now() };
    org::insert_person(conn, &row).await?;
    org::insert_staff(conn, id, municipality_id, external_id).await.map_err(|e| {
        // Only a registration racing this one gets here.
        if is_unique_violation(&e) { ApiError::conflict(words!("error-external-id-race")) } else { e.into() }
    })?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_numbers_are_nine_digits() {
        assert_eq!(organization_number("974760673").unwrap().as_deref(), Some("974760673"));
        assert_eq!(organization_number("974 760 673").unwrap().as_deref(), Some("974760673"));
        assert_eq!(organization_number("  ").unwrap(), None);
        for bad in ["97476067", "9747606730", "97476067a", "９７４７６０６７３"] {
            assert!(organization_number(bad).is_err(), "{bad}");
        }
    }
}
