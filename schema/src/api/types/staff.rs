//! The staff of a unit, as `unitStaff` and `Unit.staff` list them.

use crate::api::{cursor, ids};
use crate::context::rc;
use crate::db::enums::UnitRoleKind;
use crate::db::org;
use crate::error::{ApiError, ApiResult};
use crate::words;
use async_graphql::{Context, ID, SimpleObject};
use uuid::Uuid;

super::connection::counted_connection!(
    /// A page of the roles held in a unit, by name.
    StaffConnection,
    /// A role in a page, with its cursor.
    StaffEdge,
    StaffMember
);

/// A staff member's role in a unit (a person with two roles there is listed twice).
#[derive(SimpleObject)]
pub struct StaffMember {
    /// the staff member's person id (`staffId` of `addParticipant`)
    pub id: ID,
    /// their name
    pub name: String,
    /// their role in the unit
    pub role: UnitRoleKind,
    /// their job title in the unit; null when not given
    pub title: Option<String>,
    /// false once deactivated (`deactivateStaff`): they cannot sign in, and
    /// are proposed for no new participation or measure
    pub active: bool,
}

/// A page of the roles held in `unit_id`, the caller having asked the
/// policy; `elsewhere` (a unit outside the viewer's municipality) pages an
/// empty list, as `unitStaff` always answered for one.
pub async fn page(
    ctx: &Context<'_>,
    unit_id: Uuid,
    elsewhere: bool,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<StaffConnection> {
    let rc = rc(ctx);
    let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
    let rows = match elsewhere {
        true => None,
        false => rc.loaders.unit_staff().load_one(unit_id).await?,
    };
    let rows: &[org::UnitStaff] = rows.as_deref().unwrap_or_default();
    // The list's order is the database's collation of names, which this
    // process cannot repeat; so the cursor names a row (person and role),
    // and the page starts after it.
    let key = |s: &org::UnitStaff| format!("{}:{:?}", s.person_id, s.role);
    let after = after.as_deref().map(|c| cursor::decode_key("u", c)).transpose()?;
    if let Some(after) = &after
        && !rows.iter().any(|s| key(s) == *after)
    {
        return Err(ApiError::bad_input(words!("error-cursor-role")));
    }
    let passed = std::cell::Cell::new(after.is_none());
    Ok(StaffConnection::from_list(
        rows,
        limit,
        |s| {
            let was = passed.get();
            if !was && after.as_deref() == Some(key(s).as_str()) {
                passed.set(true);
            }
            was
        },
        |s| cursor::encode_key("u", &key(s)),
        |s| StaffMember { id: ids::id(s.person_id), name: s.name, role: s.role, title: s.title, active: s.active },
    ))
}

/// A staff member's account as the admins who manage it see it
/// (`updateStaff`, `deactivateStaff`, `reactivateStaff`, `Query.staffAccount`).
#[derive(SimpleObject)]
pub struct StaffAccount {
    /// their person id
    pub id: ID,
    /// their name
    pub name: String,
    /// their e-mail address; null when none is registered
    pub email: Option<String>,
    /// their phone number; null when none is registered
    pub phone: Option<String>,
    /// the id their identity provider puts in tokens (what `import-staff` matches on)
    pub external_id: Option<String>,
    /// false once deactivated: they cannot sign in, and their open measures
    /// need a new responsible person
    pub active: bool,
    /// when they were deactivated; null while active
    pub deactivated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// their roles, by unit name
    pub roles: Vec<StaffRole>,
}

/// A role of a staff account in a unit.
#[derive(SimpleObject)]
pub struct StaffRole {
    /// the unit
    pub unit_id: ID,
    /// the unit's name
    pub unit_name: String,
    /// the role
    pub role: UnitRoleKind,
    /// their job title in the unit; null when not given
    pub title: Option<String>,
}

impl StaffAccount {
    /// The account as stored now (the caller has asked the policy).
    pub async fn load(conn: &mut diesel_async::AsyncPgConnection, id: Uuid) -> ApiResult<Option<StaffAccount>> {
        use crate::db::staff;
        let Some(row) = staff::account(conn, id).await? else { return Ok(None) };
        let roles = staff::account_roles(conn, id).await?;
        Ok(Some(StaffAccount {
            id: ids::id(row.person_id),
            name: row.name,
            email: row.email,
            phone: row.phone,
            external_id: row.external_id,
            active: row.deactivated_at.is_none(),
            deactivated_at: row.deactivated_at,
            roles: roles
                .into_iter()
                .map(|r| StaffRole {
                    unit_id: ids::id(r.unit_id),
                    unit_name: r.unit_name,
                    role: r.role,
                    title: r.title,
                })
                .collect(),
        }))
    }
}

/// What the policy needs to know of a staff member (`None`: no such staff).
pub async fn target(
    conn: &mut diesel_async::AsyncPgConnection,
    record: Option<&crate::db::staff::StaffRecord>,
) -> ApiResult<Option<crate::policy::staff::Target>> {
    use crate::db::{organization, staff};
    let Some(record) = record else { return Ok(None) };
    let id = record.person_id;
    Ok(Some(crate::policy::staff::Target {
        person_id: id,
        municipality_id: record.municipality_id,
        unit_roles: staff::unit_roles(conn, id).await?,
        municipal_roles: staff::municipal_roles(conn, id, record.municipality_id).await?,
        system_owner: organization::is_system_owner(conn, id).await?,
    }))
}
