//! Setting up a municipality: municipalities, units, municipal roles, and
//! the admin log that records each change (the access log records changes
//! to a log; these are about none).

use super::enums::{AccessAction, ActorRole, MunicipalRoleKind, OrgObjectType, ServiceKind};
use super::org::{MunicipalityRow, UnitRow};
use super::schema::{admin_log, municipality, staff_municipal_role, unit};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

// Names are unique without regard to case: `lower(name) = lower($1)`.
diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// One change to the organization, as recorded.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = admin_log, check_for_backend(diesel::pg::Pg))]
pub struct AdminLogRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_role: ActorRole,
    pub municipality_id: Uuid,
    pub object_type: OrgObjectType,
    pub object_id: Uuid,
    pub action: AccessAction,
    pub detail: Option<String>,
}

/// What a change is, for [`record`].
#[derive(Insertable)]
#[diesel(table_name = admin_log)]
pub struct Change<'a> {
    pub actor_id: Uuid,
    pub actor_role: ActorRole,
    pub municipality_id: Uuid,
    pub object_type: OrgObjectType,
    pub object_id: Uuid,
    pub action: AccessAction,
    pub detail: Option<&'a str>,
}

impl Change<'static> {
    /// A change with no detail (set `detail` with struct update syntax).
    pub fn new(
        actor_id: Uuid,
        actor_role: ActorRole,
        municipality_id: Uuid,
        object_type: OrgObjectType,
        object_id: Uuid,
        action: AccessAction,
    ) -> Change<'static> {
        Change { actor_id, actor_role, municipality_id, object_type, object_id, action, detail: None }
    }
}

/// Appends a change to the admin log, in the caller's transaction.
pub async fn record(conn: &mut AsyncPgConnection, c: &Change<'_>) -> QueryResult<()> {
    diesel::insert_into(admin_log::table).values(c).execute(conn).await.map(drop)
}

/// A page of a municipality's admin log, newest first, before entry `before`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    municipality_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AdminLogRow>> {
    admin_log::table
        .filter(admin_log::municipality_id.eq(municipality_id))
        .filter(admin_log::id.lt(before.unwrap_or(i64::MAX)))
        .order(admin_log::id.desc())
        .limit(limit)
        .select(AdminLogRow::as_select())
        .load(conn)
        .await
}

pub async fn insert_municipality(conn: &mut AsyncPgConnection, row: &MunicipalityRow) -> QueryResult<()> {
    diesel::insert_into(municipality::table).values(row).execute(conn).await.map(drop)
}

pub async fn municipality_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<MunicipalityRow>> {
    municipality::table.find(id).select(MunicipalityRow::as_select()).first(conn).await.optional()
}

/// The municipality with this name (compared without case), if any.
pub async fn municipality_by_name(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Option<MunicipalityRow>> {
    municipality::table
        .filter(lower(municipality::name).eq(lower(name)))
        .select(MunicipalityRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Whether another municipality already has this name (compared without case).
pub async fn municipality_name_taken(
    conn: &mut AsyncPgConnection,
    name: &str,
    except: Option<Uuid>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        municipality::table
            .filter(lower(municipality::name).eq(lower(name)))
            .filter(municipality::id.ne(except.unwrap_or_default())),
    ))
    .get_result(conn)
    .await
}

pub async fn rename_municipality(conn: &mut AsyncPgConnection, id: Uuid, name: &str) -> QueryResult<MunicipalityRow> {
    diesel::update(municipality::table.find(id))
        .set(municipality::name.eq(name))
        .returning(MunicipalityRow::as_returning())
        .get_result(conn)
        .await
}

/// Gives a staff member a role in a whole municipality (nothing when they have it).
pub async fn grant_municipal_role(
    conn: &mut AsyncPgConnection,
    staff_id: Uuid,
    municipality_id: Uuid,
    role: MunicipalRoleKind,
) -> QueryResult<bool> {
    diesel::insert_into(staff_municipal_role::table)
        .values((
            staff_municipal_role::staff_id.eq(staff_id),
            staff_municipal_role::municipality_id.eq(municipality_id),
            staff_municipal_role::role.eq(role),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Whether a staff member is a system owner anywhere.
pub async fn is_system_owner(conn: &mut AsyncPgConnection, staff_id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        staff_municipal_role::table
            .filter(staff_municipal_role::staff_id.eq(staff_id))
            .filter(staff_municipal_role::role.eq(MunicipalRoleKind::SystemOwner)),
    ))
    .get_result(conn)
    .await
}

pub async fn unit_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<UnitRow>> {
    unit::table.find(id).select(UnitRow::as_select()).first(conn).await.optional()
}

/// The unit, its row locked until the transaction ends: two changes to one
/// unit (deactivating it twice) happen one after the other.
pub async fn unit_by_id_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<UnitRow>> {
    unit::table.find(id).select(UnitRow::as_select()).for_update().first(conn).await.optional()
}

/// Whether another unit of the municipality already has this name (compared without case).
pub async fn unit_name_taken(
    conn: &mut AsyncPgConnection,
    municipality_id: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        unit::table
            .filter(unit::municipality_id.eq(municipality_id))
            .filter(lower(unit::name).eq(lower(name)))
            .filter(unit::id.ne(except.unwrap_or_default())),
    ))
    .get_result(conn)
    .await
}

pub async fn insert_unit(conn: &mut AsyncPgConnection, row: &UnitRow) -> QueryResult<()> {
    diesel::insert_into(unit::table).values(row).execute(conn).await.map(drop)
}

/// What `updateUnit` changes; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = unit)]
pub struct UnitChanges {
    pub name: Option<String>,
    pub service_kind: Option<ServiceKind>,
    pub organization_number: Option<Option<String>>,
}

pub async fn update_unit(conn: &mut AsyncPgConnection, id: Uuid, changes: &UnitChanges) -> QueryResult<UnitRow> {
    diesel::update(unit::table.find(id)).set(changes).returning(UnitRow::as_returning()).get_result(conn).await
}

/// Deactivates (`true`) or reactivates a unit; the unit as it is now.
pub async fn set_unit_active(conn: &mut AsyncPgConnection, id: Uuid, active: bool) -> QueryResult<UnitRow> {
    let at: Option<DateTime<Utc>> = if active { None } else { Some(Utc::now()) };
    diesel::update(unit::table.find(id))
        .set(unit::deactivated_at.eq(at))
        .returning(UnitRow::as_returning())
        .get_result(conn)
        .await
}

/// How many logs a unit created (its home unit), per unit asked.
pub async fn log_counts(conn: &mut AsyncPgConnection, unit_ids: &[Uuid]) -> QueryResult<Vec<(Uuid, i64)>> {
    use super::schema::log;
    log::table
        .filter(log::unit_id.eq_any(unit_ids))
        .group_by(log::unit_id)
        .select((log::unit_id, diesel::dsl::count_star()))
        .load(conn)
        .await
}
