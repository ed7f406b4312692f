//! Staff over time (issue 18): contact details and roles changed,
//! deactivation and reactivation, and what each does to the measures a
//! staff member carries.

use super::enums::{MunicipalRoleKind, UnitRoleKind};
use super::goals::MeasureRow;
use super::schema::{measure, person, staff, staff_municipal_role, staff_unit_role};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A staff member as the lifecycle mutations need them.
#[derive(Debug, Clone, Queryable)]
pub struct StaffRecord {
    pub person_id: Uuid,
    pub municipality_id: Uuid,
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// The staff member, locked for a change to them (two admins changing one
/// person's roles at once must not both pass the last-admin check).
pub async fn for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<StaffRecord>> {
    staff::table
        .find(id)
        .select((staff::person_id, staff::municipality_id, staff::deactivated_at))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The staff member, for a read.
pub async fn record(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<StaffRecord>> {
    staff::table
        .find(id)
        .select((staff::person_id, staff::municipality_id, staff::deactivated_at))
        .first(conn)
        .await
        .optional()
}

/// Whether a person is staff whose account is active (false for a
/// deactivated staff member; true for anyone who is not staff).
pub async fn is_active(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let deactivated: Option<Option<DateTime<Utc>>> =
        staff::table.find(id).select(staff::deactivated_at).first(conn).await.optional()?;
    Ok(!matches!(deactivated, Some(Some(_))))
}

/// The (unit, role, title) rows a staff member holds.
pub async fn unit_roles(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<(Uuid, UnitRoleKind)>> {
    staff_unit_role::table
        .filter(staff_unit_role::staff_id.eq(id))
        .order((staff_unit_role::unit_id, staff_unit_role::role))
        .select((staff_unit_role::unit_id, staff_unit_role::role))
        .load(conn)
        .await
}

/// The roles in `municipality_id` a staff member holds.
pub async fn municipal_roles(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    municipality_id: Uuid,
) -> QueryResult<Vec<MunicipalRoleKind>> {
    staff_municipal_role::table
        .filter(staff_municipal_role::staff_id.eq(id))
        .filter(staff_municipal_role::municipality_id.eq(municipality_id))
        .select(staff_municipal_role::role)
        .load(conn)
        .await
}

/// How many active staff other than `except` hold `role` in the unit.
/// The caller holds the unit's row lock, so two requests removing the
/// unit's last two admins cannot both see the other.
pub async fn others_with_unit_role(
    conn: &mut AsyncPgConnection,
    unit_id: Uuid,
    role: UnitRoleKind,
    except: Uuid,
) -> QueryResult<i64> {
    staff_unit_role::table
        .inner_join(staff::table.on(staff::person_id.eq(staff_unit_role::staff_id)))
        .filter(staff_unit_role::unit_id.eq(unit_id))
        .filter(staff_unit_role::role.eq(role))
        .filter(staff_unit_role::staff_id.ne(except))
        .filter(staff::deactivated_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// How many active staff other than `except` are municipal admins of the municipality.
pub async fn other_municipal_admins(
    conn: &mut AsyncPgConnection,
    municipality_id: Uuid,
    except: Uuid,
) -> QueryResult<i64> {
    staff_municipal_role::table
        .inner_join(staff::table.on(staff::person_id.eq(staff_municipal_role::staff_id)))
        .filter(staff_municipal_role::municipality_id.eq(municipality_id))
        .filter(staff_municipal_role::role.eq(MunicipalRoleKind::MunicipalAdmin))
        .filter(staff_municipal_role::staff_id.ne(except))
        .filter(staff::deactivated_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Contact details to change: `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = person)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
}

impl ContactChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// Applies contact changes to a person.
pub async fn update_contact(conn: &mut AsyncPgConnection, id: Uuid, changes: &ContactChanges) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    diesel::update(person::table.find(id)).set(changes).execute(conn).await.map(drop)
}

/// Makes `roles` the staff member's roles in the unit, each with `title`;
/// returns the roles removed and added.
pub async fn set_unit_roles(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    unit_id: Uuid,
    roles: &[UnitRoleKind],
    title: Option<&str>,
) -> QueryResult<(Vec<UnitRoleKind>, Vec<UnitRoleKind>)> {
    let removed: Vec<UnitRoleKind> = diesel::delete(
        staff_unit_role::table
            .filter(staff_unit_role::staff_id.eq(id))
            .filter(staff_unit_role::unit_id.eq(unit_id))
            .filter(staff_unit_role::role.ne_all(roles)),
    )
    .returning(staff_unit_role::role)
    .get_results(conn)
    .await?;
    let mut added = Vec::new();
    for role in roles {
        let inserted = diesel::insert_into(staff_unit_role::table)
            .values((
                staff_unit_role::staff_id.eq(id),
                staff_unit_role::unit_id.eq(unit_id),
                staff_unit_role::role.eq(role),
                staff_unit_role::title.eq(title),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 1 {
            added.push(*role);
        }
    }
    diesel::update(
        staff_unit_role::table.filter(staff_unit_role::staff_id.eq(id)).filter(staff_unit_role::unit_id.eq(unit_id)),
    )
    .set(staff_unit_role::title.eq(title))
    .execute(conn)
    .await?;
    Ok((removed, added))
}

/// Notes that the staff member's principal changed (roles, deactivation):
/// every instance polls this to drop what it cached of them.
pub async fn touch_access(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(staff::table.find(id))
        .set(staff::access_changed_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
        .map(drop)
}

/// Deactivates or reactivates a staff member (and notes the access change).
pub async fn set_active(conn: &mut AsyncPgConnection, id: Uuid, active: bool) -> QueryResult<()> {
    let at: Option<DateTime<Utc>> = (!active).then(Utc::now);
    diesel::update(staff::table.find(id))
        .set((staff::deactivated_at.eq(at), staff::access_changed_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await
        .map(drop)
}

/// Flags the open measures the staff member is responsible for as needing
/// a new responsible; returns them (in logs not deleted).
pub async fn flag_open_measures(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<MeasureRow>> {
    diesel::update(
        measure::table
            .filter(measure::responsible_id.eq(id))
            .filter(measure::status.eq_any(["PLANNED", "IN_PROGRESS"]))
            .filter(measure::needs_responsible_since.is_null()),
    )
    .set(measure::needs_responsible_since.eq(diesel::dsl::now))
    .returning(MeasureRow::as_returning())
    .get_results(conn)
    .await
}

/// Clears the flag on the measures the staff member is (again) responsible for; returns them.
pub async fn unflag_measures(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<MeasureRow>> {
    diesel::update(
        measure::table.filter(measure::responsible_id.eq(id)).filter(measure::needs_responsible_since.is_not_null()),
    )
    .set(measure::needs_responsible_since.eq(None::<DateTime<Utc>>))
    .returning(MeasureRow::as_returning())
    .get_results(conn)
    .await
}

/// Staff whose principal changed within `window` of PostgreSQL's now, with
/// when: what an instance must drop from its caches.
pub async fn access_changed_within(
    conn: &mut AsyncPgConnection,
    window: chrono::Duration,
) -> QueryResult<Vec<(Uuid, DateTime<Utc>)>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Double};
    let secs = window.as_seconds_f64();
    staff::table
        .filter(
            sql::<Bool>("staff.access_changed_at > now() - make_interval(secs => ").bind::<Double, _>(secs).sql(")"),
        )
        .select((staff::person_id, staff::access_changed_at.assume_not_null()))
        .load(conn)
        .await
}

/// A staff member's account as admins see it.
#[derive(Debug, Clone, Queryable)]
pub struct AccountRow {
    pub person_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// A role of an account, with its unit's name.
#[derive(Debug, Clone, Queryable)]
pub struct AccountRole {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub role: UnitRoleKind,
    pub title: Option<String>,
}

/// The account of a staff member.
pub async fn account(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<AccountRow>> {
    staff::table
        .inner_join(person::table.on(person::id.eq(staff::person_id)))
        .filter(staff::person_id.eq(id))
        .select((person::id, person::name, person::email, person::phone, staff::external_id, staff::deactivated_at))
        .first(conn)
        .await
        .optional()
}

/// The roles of an account, by unit name and role.
pub async fn account_roles(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<AccountRole>> {
    use super::schema::unit;
    staff_unit_role::table
        .inner_join(unit::table.on(unit::id.eq(staff_unit_role::unit_id)))
        .filter(staff_unit_role::staff_id.eq(id))
        .order((unit::name, staff_unit_role::role))
        .select((unit::id, unit::name, staff_unit_role::role, staff_unit_role::title))
        .load(conn)
        .await
}

/// The logs whose baton the staff member holds (their open coordinator terms).
pub async fn coordinated_logs(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<(Uuid, Uuid)>> {
    use super::schema::{coordinator_term, log};
    coordinator_term::table
        .inner_join(log::table.on(log::id.eq(coordinator_term::log_id)))
        .filter(coordinator_term::staff_id.eq(id))
        .filter(coordinator_term::ended_at.is_null())
        .filter(log::deleted_at.is_null())
        .order(coordinator_term::log_id)
        .select((coordinator_term::log_id, coordinator_term::participant_id))
        .load(conn)
        .await
}

/// Locks a municipality's row: changes that count its municipal admins
/// take turns, so two admins deactivating each other cannot both pass.
pub async fn lock_municipality(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    use super::schema::municipality;
    municipality::table.find(id).select(municipality::id).for_update().first::<Uuid>(conn).await.optional().map(drop)
}
