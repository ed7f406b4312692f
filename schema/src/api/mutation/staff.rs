//! Staff turnover (issue 18): `updateStaff`, `deactivateStaff` and
//! `reactivateStaff`, by a unit admin of the person's units or a municipal
//! admin (`policy::staff`). Each is one transaction with its admin-log
//! entry; one that changes what the person may do (roles, deactivation) is
//! announced after the commit, and every instance drops its cached
//! principal of them and ends their websockets (`server/src/auth/access.rs`).
//!
//! Deactivation keeps everything the person wrote, their roles and their
//! participations (reactivation gives them back as they were). Their open
//! measures are flagged as needing a new responsible person, with an event
//! the coordinator's `deadlineChanges` delivers and an access-log entry in
//! each log (the family sees that their log changed, and by whom); the
//! logs they coordinate get a COORDINATOR_DEACTIVATED event and wait in the
//! coordinating unit's `logsWithoutCoordinator`.

use super::payload::{answer, payload};
use super::tx::{ScopedFutureExt, in_transaction};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::staff::{StaffAccount, target};
use crate::audit;
use crate::context::rc;
use crate::db::enums::{AccessAction, ActorRole, EventKind, ObjectType, OrgObjectType, UnitRoleKind};
use crate::db::organization::{self as orgdb, Change};
use crate::db::staff::{self as staffdb, ContactChanges};
use crate::error::{ApiError, ApiResult};
use crate::events::{self, EventPayload};
use crate::policy::Acting;
use crate::policy::organization::NewToUnit;
use crate::policy::staff::{self as policy, StaffChange, Target};
use crate::principal::Principal;
use crate::words;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// Changes to a staff member: an omitted field is left as it is.
#[derive(InputObject)]
pub struct UpdateStaffInput {
    /// their name, at most 200 characters (cannot be cleared)
    pub name: MaybeUndefined<String>,
    /// at most 200 characters; `null` clears it
    pub email: MaybeUndefined<String>,
    /// at most 40 characters; `null` clears it
    pub phone: MaybeUndefined<String>,
    /// their roles in one unit they work in
    pub unit_roles: Option<StaffUnitRolesInput>,
}

/// A staff member's roles in one unit, replacing those they hold there.
#[derive(InputObject)]
pub struct StaffUnitRolesInput {
    /// a unit they hold a role in (add them to another unit with `registerStaff`)
    pub unit_id: ID,
    /// their roles there from now on; empty takes them out of the unit
    pub roles: Vec<UnitRoleKind>,
    /// their job title there, at most 200 characters; none when omitted
    pub title: Option<String>,
}

payload! {
    /// The answer of `updateStaff`, `deactivateStaff` and `reactivateStaff`.
    StaffAccountPayload {
        /// the staff member's account as it is now
        staff: StaffAccount,
    }
}

#[derive(Default)]
pub struct StaffMutations;

#[Object]
impl StaffMutations {
    /// Changes a staff member's contact details or their roles in a unit
    /// (a unit admin of the unit, for employees and leaders; a municipal
    /// admin). A role change applies at once on every instance: their open
    /// websockets close with 4403 and they reconnect with the new roles.
    async fn update_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member (`StaffMember.id`).")] staff_id: ID,
        #[graphql(desc = "What changes.")] input: UpdateStaffInput,
    ) -> ApiResult<StaffAccountPayload> {
        answer(&["staffId"], async move {
            let rc = rc(ctx);
            let id = ids::parse(&staff_id, "staffId")?;
            let contact = ContactChanges {
                name: match input.name {
                    MaybeUndefined::Undefined => None,
                    MaybeUndefined::Null => return Err(ApiError::bad_field("name", words!("error-name-clear"))),
                    MaybeUndefined::Value(n) => Some(input::required(&n, "name", limits::NAME)?),
                },
                email: input::clearable(input.email, "email", limits::SHORT)?,
                phone: input::clearable(input.phone, "phone", 40)?,
            };
            let roles = input.unit_roles.map(unit_roles).transpose()?;
            if contact.is_empty() && roles.is_none() {
                return Err(ApiError::bad_input(words!("error-nothing-to-change")));
            }
            policy::may_manage_any(&rc.principal)?;
            let principal = rc.principal.clone();
            let (account, changed) = in_transaction(rc, move |conn| {
                async move {
                    let record = staffdb::for_update(conn, id).await?;
                    let target = target(conn, record.as_ref()).await?;
                    let municipality = target.as_ref().map(|t| t.municipality_id);
                    let actor = principal.person_id();
                    let mut changed = false;
                    if !contact.is_empty() {
                        let role = policy::manage(&principal, target.as_ref(), StaffChange::Contact)?;
                        staffdb::update_contact(conn, id, &contact).await?;
                        let change = change(actor, role, municipality, id);
                        orgdb::record(conn, &Change { detail: Some("contact details"), ..change }).await?;
                    }
                    if let Some(roles) = roles {
                        changed = set_roles(conn, &principal, target.as_ref(), roles).await?;
                    }
                    let account = StaffAccount::load(conn, id).await?.ok_or(ApiError::NotFound("Staff"))?;
                    Ok((account, changed))
                }
                .scope_boxed()
            })
            .await?;
            if changed {
                rc.config.announce_access_changes(&[id]);
            }
            Ok(StaffAccountPayload { staff: Some(account), ..Default::default() })
        })
        .await
    }

    /// Deactivates a staff member who has left or is away for long (a unit
    /// admin of all their units, for employees and leaders; a municipal
    /// admin). They are refused at once on every instance and their
    /// websockets close with 4403; everything they wrote stays. Their open
    /// measures need a new responsible person (`Measure.needsNewResponsible`,
    /// on the coordinator's `myDeadlines` and `deadlineChanges`), and the
    /// logs they coordinate wait in `logsWithoutCoordinator`. CONFLICT when
    /// they are deactivated already, are you, or are the last unit admin of
    /// a unit or the last municipal admin.
    async fn deactivate_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member.")] staff_id: ID,
        #[graphql(desc = "Why, for the admin log (at most 200 characters); none when omitted.")] reason: Option<String>,
    ) -> ApiResult<StaffAccountPayload> {
        answer(&["staffId", "reason"], async move {
            let reason = input::optional(reason.as_deref(), "reason", limits::SHORT)?;
            set_active(ctx, staff_id, false, reason).await
        })
        .await
    }

    /// Reactivates a deactivated staff member: they sign in with the roles
    /// they had, carry their measures again and hold the baton of the logs
    /// no one was appointed to meanwhile. CONFLICT when they are active.
    async fn reactivate_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member.")] staff_id: ID,
    ) -> ApiResult<StaffAccountPayload> {
        answer(&["staffId"], set_active(ctx, staff_id, true, None)).await
    }
}

/// The new roles of `unitRoles`, checked: no role twice.
struct UnitRoles {
    unit_id: Uuid,
    roles: Vec<UnitRoleKind>,
    title: Option<String>,
}

fn unit_roles(given: StaffUnitRolesInput) -> ApiResult<UnitRoles> {
    let unit_id = ids::parse(&given.unit_id, "unitRoles.unitId")?;
    let mut roles = given.roles;
    let n = roles.len();
    roles.sort_by_key(|r| r.to_string());
    roles.dedup();
    if roles.len() != n {
        return Err(ApiError::bad_field("unitRoles.roles", words!("error-role-twice")));
    }
    let title = input::optional(given.title.as_deref(), "unitRoles.title", limits::SHORT)?;
    Ok(UnitRoles { unit_id, roles, title })
}

/// The admin-log entry of a change to a staff member.
fn change(actor: Uuid, role: ActorRole, municipality: Option<Uuid>, id: Uuid) -> Change<'static> {
    Change::new(actor, role, municipality.unwrap_or_default(), OrgObjectType::Staff, id, AccessAction::Update)
}

/// Makes `roles` the target's roles in the unit; whether any changed.
async fn set_roles(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    target: Option<&Target>,
    roles: UnitRoles,
) -> ApiResult<bool> {
    let held: Vec<UnitRoleKind> = target
        .map(|t| t.unit_roles.iter().filter(|(u, _)| *u == roles.unit_id).map(|(_, r)| *r).collect())
        .unwrap_or_default();
    let admin = UnitRoleKind::UnitAdmin;
    let unit_admin = held.contains(&admin) != roles.roles.contains(&admin);
    let role = policy::manage(principal, target, StaffChange::UnitRoles { unit_id: roles.unit_id, unit_admin })?;
    let Some(target) = target else { return Err(ApiError::NotFound("Staff")) };
    // Locked: two admins taking the unit's last two admins away at once
    // queue here, and the second sees the first's change.
    let unit = orgdb::unit_by_id_for_update(conn, roles.unit_id)
        .await?
        .filter(|u| u.municipality_id == target.municipality_id);
    let Some(unit) = unit.filter(|_| !held.is_empty()) else {
        return Err(ApiError::bad_field("unitRoles.unitId", words!("error-no-role-in-unit")));
    };
    let adds = roles.roles.iter().any(|r| !held.contains(r));
    if adds {
        crate::policy::organization::unit_takes(unit.deactivated_at.is_some(), NewToUnit::Role, "unitRoles.unitId")?;
    }
    if held.contains(&admin)
        && !roles.roles.contains(&admin)
        && staffdb::others_with_unit_role(conn, unit.id, admin, target.person_id).await? == 0
    {
        return Err(ApiError::conflict(words!("error-last-unit-admin", unit = unit.name)));
    }
    let (removed, added) =
        staffdb::set_unit_roles(conn, target.person_id, unit.id, &roles.roles, roles.title.as_deref()).await?;
    let changed = !removed.is_empty() || !added.is_empty();
    if changed {
        staffdb::touch_access(conn, target.person_id).await?;
    }
    let list = |r: &[UnitRoleKind]| r.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let detail = format!("roles in unit {}: removed [{}], added [{}]", unit.id, list(&removed), list(&added));
    let change = change(principal.person_id(), role, Some(target.municipality_id), target.person_id);
    orgdb::record(conn, &Change { detail: Some(&detail), ..change }).await?;
    Ok(changed)
}

async fn set_active(
    ctx: &Context<'_>,
    staff_id: ID,
    active: bool,
    reason: Option<String>,
) -> ApiResult<StaffAccountPayload> {
    let rc = rc(ctx);
    let id = ids::parse(&staff_id, "staffId")?;
    policy::may_manage_any(&rc.principal)?;
    let principal = rc.principal.clone();
    let account = in_transaction(rc, move |conn| {
        async move {
            let record = staffdb::for_update(conn, id).await?;
            let target = target(conn, record.as_ref()).await?;
            let role = policy::manage(&principal, target.as_ref(), StaffChange::Activation)?;
            let (Some(record), Some(target)) = (record, target) else { return Err(ApiError::NotFound("Staff")) };
            if record.deactivated_at.is_none() == active {
                let state = if active { "active" } else { "deactivated" };
                return Err(ApiError::conflict(words!("error-staff-state", state)));
            }
            if !active {
                no_last_admin(conn, &target).await?;
            }
            staffdb::set_active(conn, id, active).await?;
            let actor = principal.person_id();
            let acting = Acting { role, unit_id: None };
            let measures = if active {
                staffdb::unflag_measures(conn, id).await?
            } else {
                staffdb::flag_open_measures(conn, id).await?
            };
            let kind = if active { EventKind::ResponsibleReactivated } else { EventKind::ResponsibleDeactivated };
            for m in &measures {
                let entry =
                    audit::entry(actor, acting, m.log_id, ObjectType::Measure, Some(m.id), AccessAction::Update);
                audit::record_write(conn, &entry).await?;
                let payload = EventPayload { actor_id: Some(actor), ..EventPayload::measure(m, None) };
                events::emit(conn, m.log_id, kind, payload).await?;
            }
            if !active {
                for (log_id, participant_id) in staffdb::coordinated_logs(conn, id).await? {
                    let entry =
                        audit::entry(actor, acting, log_id, ObjectType::Participant, Some(id), AccessAction::Update);
                    audit::record_write(conn, &entry).await?;
                    let payload = EventPayload {
                        actor_id: Some(actor),
                        participant_id: Some(participant_id),
                        staff_id: Some(id),
                        ..Default::default()
                    };
                    events::emit(conn, log_id, EventKind::CoordinatorDeactivated, payload).await?;
                }
            }
            let what = if active {
                "reactivated".to_owned()
            } else {
                format!("deactivated: {}", reason.as_deref().unwrap_or("no reason given"))
            };
            let change = change(actor, role, Some(target.municipality_id), id);
            orgdb::record(conn, &Change { detail: Some(&what), ..change }).await?;
            StaffAccount::load(conn, id).await?.ok_or(ApiError::NotFound("Staff"))
        }
        .scope_boxed()
    })
    .await?;
    rc.config.announce_access_changes(&[id]);
    Ok(StaffAccountPayload { staff: Some(account), ..Default::default() })
}

/// Refuses to deactivate the last active unit admin of a unit, or the last
/// municipal admin: nobody could then register or reactivate anyone there.
async fn no_last_admin(conn: &mut AsyncPgConnection, target: &Target) -> ApiResult<()> {
    let admin = UnitRoleKind::UnitAdmin;
    for (unit_id, _) in target.unit_roles.iter().filter(|(_, r)| *r == admin) {
        let unit = orgdb::unit_by_id_for_update(conn, *unit_id).await?;
        if staffdb::others_with_unit_role(conn, *unit_id, admin, target.person_id).await? == 0 {
            let name = unit.map(|u| u.name).unwrap_or_default();
            return Err(ApiError::conflict(words!("error-last-unit-admin", unit = name)));
        }
    }
    if !target.municipal_roles.contains(&crate::db::enums::MunicipalRoleKind::MunicipalAdmin) {
        return Ok(());
    }
    staffdb::lock_municipality(conn, target.municipality_id).await?;
    if staffdb::other_municipal_admins(conn, target.municipality_id, target.person_id).await? == 0 {
        return Err(ApiError::conflict(words!("error-last-municipal-admin")));
    }
    Ok(())
}
