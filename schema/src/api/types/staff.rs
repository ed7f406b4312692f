//! The staff of a unit, as `unitStaff` and `Unit.staff` list them.

use crate::api::{cursor, ids};
use crate::context::rc;
use crate::db::enums::UnitRoleKind;
use crate::db::org;
use crate::error::{ApiError, ApiResult};
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
        return Err(ApiError::bad_input(
            "invalid cursor: the role it names is no longer listed; start again from the first page",
        ));
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
        |s| StaffMember { id: ids::id(s.person_id), name: s.name, role: s.role, title: s.title },
    ))
}
