//! Structure, never content: registering staff and the consent age
//! (templates: `template.rs`).

use super::organization;
use super::payload::{answer, payload};
use super::tx::{ScopedFutureExt, in_transaction};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, OrgObjectType, UnitRoleKind};
use crate::db::org;
use crate::db::organization::Change;
use crate::error::{ApiError, ApiResult};
use crate::events::{self, EventPayload};
use crate::policy::admin;
use crate::policy::organization::NewToUnit;
use crate::words;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

/// A staff member to register in a unit.
#[derive(InputObject)]
pub struct RegisterStaffInput {
    /// the unit
    pub unit_id: ID,
    /// the staff member's name, at most 200 characters
    pub name: String,
    /// at most 200 characters
    pub email: Option<String>,
    /// at most 40 characters
    pub phone: Option<String>,
    /// the id the municipality's identity provider puts in tokens (`sub`, or
    /// `oid` in Entra ID), at most 200 characters. An id already registered
    /// is the same person: they get a role in this unit too
    pub external_id: String,
    /// their role in the unit
    pub role: UnitRoleKind,
    /// their job title in the unit, at most 200 characters
    pub title: Option<String>,
}

/// A staff member as registered.
#[derive(SimpleObject)]
pub struct RegisteredStaff {
    /// their person id
    pub id: ID,
    /// the name given in the request
    pub name: String,
    /// their role in the unit
    pub role: UnitRoleKind,
}

/// A municipality's consent age.
#[derive(InputObject)]
pub struct SetConsentAgeInput {
    /// 15 or 16
    pub consent_age: i32,
}

payload! {
    /// The answer of `registerStaff`.
    RegisterStaffPayload {
        /// the staff member as registered
        staff: RegisteredStaff,
    }
}

payload! {
    /// The answer of `setConsentAge`.
    SetConsentAgePayload {
        /// your municipality
        municipality_id: ID,
        /// its consent age now
        consent_age: i32,
        /// how many of its logs changed owners: children at the new age
        /// became owners (role YOUTH), or stopped being owners
        changed_log_count: i32,
    }
}

#[derive(Default)]
pub struct AdminMutations;

#[Object]
impl AdminMutations {
    /// Registers a staff member in a unit (unit admin of the unit, or municipal admin).
    async fn register_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member and their role.")] input: RegisterStaffInput,
    ) -> ApiResult<RegisterStaffPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let unit_id = ids::parse(&input.unit_id, "unitId")?;
            let name = input::required(&input.name, "name", limits::NAME)?;
            let email = input::optional(input.email.as_deref(), "email", limits::SHORT)?;
            let phone = input::optional(input.phone.as_deref(), "phone", 40)?;
            let external_id = input::required(input.external_id.trim(), "externalId", limits::SHORT)?;
            let title = input::optional(input.title.as_deref(), "title", limits::SHORT)?;
            let role = input.role;
            let principal = rc.principal.clone();
            let id = in_transaction(rc, move |conn| {
                async move {
                    let unit = crate::db::organization::unit_by_id(conn, unit_id).await?;
                    let municipality = unit.as_ref().map(|u| u.municipality_id).ok_or(ApiError::NotFound("Unit"))?;
                    let actor_role = admin::register_staff(&principal, unit_id, municipality, role)?;
                    let deactivated = unit.is_some_and(|u| u.deactivated_at.is_some());
                    crate::policy::organization::unit_takes(deactivated, NewToUnit::Staff, "unitId")?;
                    // An external id already registered is the same person (one
                    // identity at the identity provider), wherever they work:
                    // registering it here adds a role in this unit. Refusing it
                    // told the caller that the id exists in a unit they cannot
                    // see (issue 14); only a role in this very unit, which the
                    // caller can see, is a conflict.
                    let id = match organization::known_staff(conn, &external_id, municipality).await? {
                        Some(id) => {
                            if org::has_unit_role(conn, id, unit_id).await? {
                                return Err(ApiError::conflict(words!("error-already-in-unit")));
                            }
                            id
                        }
                        None => organization::register(conn, municipality, &external_id, name, phone, email).await?,
                    };
                    org::insert_unit_role(conn, id, unit_id, role, title.as_deref()).await?;
                    let detail = format!("role {role} in unit {unit_id}");
                    let actor = principal.person_id();
                    let change =
                        Change::new(actor, actor_role, municipality, OrgObjectType::Staff, id, AccessAction::Create);
                    crate::db::organization::record(conn, &Change { detail: Some(&detail), ..change }).await?;
                    Ok(id)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RegisterStaffPayload {
                staff: Some(RegisteredStaff { id: ids::id(id), name: input.name, role }),
                ..Default::default()
            })
        })
        .await
    }

    /// Sets the municipality's consent age (samtykkealder: 15 or 16), at which
    /// a child becomes an owner of their log (municipal admin).
    async fn set_consent_age(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new consent age.")] input: SetConsentAgeInput,
    ) -> ApiResult<SetConsentAgePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let consent_age = input.consent_age;
            if !matches!(consent_age, 15 | 16) {
                return Err(ApiError::bad_field("consentAge", words!("error-consent-age")));
            }
            let municipality_id = admin::set_consent_age(&rc.principal)?;
            let actor = rc.principal.person_id();
            let changed = in_transaction(rc, move |conn| {
                async move {
                    // Access to these logs changed with no event of its own: the
                    // event tells open subscriptions to check it again.
                    let changed = org::set_consent_age(conn, municipality_id, consent_age).await?;
                    for log_id in &changed {
                        let payload = EventPayload { actor_id: Some(actor), ..Default::default() };
                        events::emit(conn, *log_id, EventKind::ConsentAgeChanged, payload).await?;
                    }
                    Ok(i32::try_from(changed.len()).unwrap_or(i32::MAX))
                }
                .scope_boxed()
            })
            .await?;
            Ok(SetConsentAgePayload {
                municipality_id: Some(ids::id(municipality_id)),
                consent_age: Some(consent_age),
                changed_log_count: Some(changed),
                ..Default::default()
            })
        })
        .await
    }
}
