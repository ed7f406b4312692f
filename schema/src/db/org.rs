//! Municipalities, units, persons and staff roles (templates: `templates.rs`).

use super::enums::{MunicipalRoleKind, PersonKind, ServiceKind, UnitRoleKind};
use super::schema::{municipality, person, unit};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = municipality, check_for_backend(diesel::pg::Pg))]
pub struct MunicipalityRow {
    pub id: Uuid,
    pub name: String,
    pub consent_age: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = unit, check_for_backend(diesel::pg::Pg))]
pub struct UnitRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub service_kind: ServiceKind,
    pub created_at: DateTime<Utc>,
    /// Enhetsregisteret's nine digits; null when not given
    pub organization_number: Option<String>,
    /// set while the unit is deactivated
    pub deactivated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = person, check_for_backend(diesel::pg::Pg))]
pub struct PersonRow {
    pub id: Uuid,
    pub kind: PersonKind,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The names of people, for texts the service writes (notices to the family).
pub async fn person_names(
    conn: &mut diesel_async::AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String)>> {
    diesel_async::RunQueryDsl::load(
        person::table.filter(person::id.eq_any(ids)).select((person::id, person::name)),
        conn,
    )
    .await
}

pub async fn unit_name(conn: &mut diesel_async::AsyncPgConnection, unit_id: Uuid) -> QueryResult<String> {
    diesel_async::RunQueryDsl::first(unit::table.find(unit_id).select(unit::name), conn).await
}

/// The staff member registered with an external id, if any.
pub async fn staff_by_external_id(
    conn: &mut diesel_async::AsyncPgConnection,
    external_id: &str,
) -> QueryResult<Option<(Uuid, Uuid)>> {
    use super::schema::staff;
    diesel_async::RunQueryDsl::first(
        staff::table.filter(staff::external_id.eq(external_id)).select((staff::person_id, staff::municipality_id)),
        conn,
    )
    .await
    .optional()
}

/// Whether a staff member holds any role in a unit.
pub async fn has_unit_role(
    conn: &mut diesel_async::AsyncPgConnection,
    staff_id: Uuid,
    unit_id: Uuid,
) -> QueryResult<bool> {
    use super::schema::staff_unit_role;
    diesel_async::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::exists(
            staff_unit_role::table
                .filter(staff_unit_role::staff_id.eq(staff_id))
                .filter(staff_unit_role::unit_id.eq(unit_id)),
        )),
        conn,
    )
    .await
}

/// The municipality of a unit, if the unit exists.
pub async fn unit_municipality(conn: &mut diesel_async::AsyncPgConnection, unit_id: Uuid) -> QueryResult<Option<Uuid>> {
    diesel_async::RunQueryDsl::first(unit::table.find(unit_id).select(unit::municipality_id), conn).await.optional()
}

/// A citizen's person id and name, by national identity number.
pub async fn citizen_by_national_id(
    conn: &mut diesel_async::AsyncPgConnection,
    national_id: &str,
) -> QueryResult<Option<(Uuid, String)>> {
    use super::schema::citizen;
    diesel_async::RunQueryDsl::first(
        citizen::table
            .inner_join(person::table.on(person::id.eq(citizen::person_id)))
            .filter(citizen::national_id.eq(national_id))
            .select((person::id, person::name)),
        conn,
    )
    .await
    .optional()
}

pub async fn rename_person(conn: &mut diesel_async::AsyncPgConnection, id: Uuid, name: &str) -> QueryResult<()> {
    diesel_async::RunQueryDsl::execute(diesel::update(person::table.find(id)).set(person::name.eq(name)), conn)
        .await
        .map(drop)
}

/// The person id of the citizen with this national id, creating the person
/// when absent: on first login, and when a guardian is registered on a log.
pub async fn ensure_citizen(
    conn: &mut diesel_async::AsyncPgConnection,
    national_id: &str,
    name: &str,
    phone: Option<&str>,
    address: Option<&str>,
) -> QueryResult<Uuid> {
    use super::schema::citizen;
    use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
    use diesel_async::RunQueryDsl as Run;
    let find = || citizen::table.filter(citizen::national_id.eq(national_id)).select(citizen::person_id);
    if let Some(id) = Run::first::<Uuid>(find(), conn).await.optional()? {
        return Ok(id);
    }
    let id = Uuid::new_v4();
    // Two first logins may race; the unique national id decides, and the loser re-reads.
    let insert = diesel::sql_query(
        "WITH p AS (INSERT INTO person (id, kind, name, phone) VALUES ($1, 'CITIZEN', $2, $3) RETURNING id)
         INSERT INTO citizen (person_id, national_id, address) SELECT id, $4, $5 FROM p
         ON CONFLICT (national_id) DO NOTHING",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(name)
    .bind::<Nullable<Text>, _>(phone)
    .bind::<Text, _>(national_id)
    .bind::<Nullable<Text>, _>(address);
    if Run::execute(insert, conn).await? == 1 {
        return Ok(id);
    }
    Run::execute(diesel::delete(person::table.find(id)), conn).await?;
    Run::first(find(), conn).await
}

/// The person id and municipality of the staff member registered with an
/// external id, if any, and whether they are deactivated.
pub async fn staff_identity(
    conn: &mut diesel_async::AsyncPgConnection,
    external_id: &str,
) -> QueryResult<Option<(Uuid, Uuid, bool)>> {
    use super::schema::staff;
    diesel_async::RunQueryDsl::first(
        staff::table.filter(staff::external_id.eq(external_id)).select((
            staff::person_id,
            staff::municipality_id,
            staff::deactivated_at.is_not_null(),
        )),
        conn,
    )
    .await
    .optional()
}

/// The (unit id, role) pairs a staff member holds.
pub async fn unit_roles_of(
    conn: &mut diesel_async::AsyncPgConnection,
    staff_id: Uuid,
) -> QueryResult<Vec<(Uuid, UnitRoleKind)>> {
    use super::schema::staff_unit_role;
    diesel_async::RunQueryDsl::load(
        staff_unit_role::table
            .filter(staff_unit_role::staff_id.eq(staff_id))
            .order((staff_unit_role::unit_id, staff_unit_role::role))
            .select((staff_unit_role::unit_id, staff_unit_role::role)),
        conn,
    )
    .await
}

/// The (municipality id, role) pairs a staff member holds.
pub async fn municipal_roles_of(
    conn: &mut diesel_async::AsyncPgConnection,
    staff_id: Uuid,
) -> QueryResult<Vec<(Uuid, MunicipalRoleKind)>> {
    use super::schema::staff_municipal_role;
    diesel_async::RunQueryDsl::load(
        staff_municipal_role::table
            .filter(staff_municipal_role::staff_id.eq(staff_id))
            .order((staff_municipal_role::municipality_id, staff_municipal_role::role))
            .select((staff_municipal_role::municipality_id, staff_municipal_role::role)),
        conn,
    )
    .await
}

/// The units of a municipality, by name.
pub async fn units_of(conn: &mut diesel_async::AsyncPgConnection, municipality_id: Uuid) -> QueryResult<Vec<UnitRow>> {
    diesel_async::RunQueryDsl::load(
        unit::table.filter(unit::municipality_id.eq(municipality_id)).order(unit::name).select(UnitRow::as_select()),
        conn,
    )
    .await
}

/// A staff member's role in a unit, with their name.
#[derive(Debug, Clone, Queryable)]
pub struct UnitStaff {
    pub unit_id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub role: UnitRoleKind,
    pub title: Option<String>,
    /// false once deactivated
    pub active: bool,
}

/// The roles held in each of `unit_ids`, per unit by name and role (the
/// caller has asked the policy whose units these may be).
pub async fn staff_of_units(
    conn: &mut diesel_async::AsyncPgConnection,
    unit_ids: &[Uuid],
) -> QueryResult<Vec<UnitStaff>> {
    use super::schema::{staff, staff_unit_role};
    diesel_async::RunQueryDsl::load(
        staff_unit_role::table
            .inner_join(person::table.on(person::id.eq(staff_unit_role::staff_id)))
            .inner_join(staff::table.on(staff::person_id.eq(staff_unit_role::staff_id)))
            .filter(staff_unit_role::unit_id.eq_any(unit_ids))
            .order((staff_unit_role::unit_id, person::name, staff_unit_role::role))
            .select((
                staff_unit_role::unit_id,
                person::id,
                person::name,
                staff_unit_role::role,
                staff_unit_role::title,
                staff::deactivated_at.is_null(),
            )),
        conn,
    )
    .await
}

/// Stores a new person.
pub async fn insert_person(conn: &mut diesel_async::AsyncPgConnection, row: &PersonRow) -> QueryResult<()> {
    diesel_async::RunQueryDsl::execute(diesel::insert_into(person::table).values(row), conn).await.map(drop)
}

/// Registers a person as staff of a municipality under the external id their
/// identity provider puts in tokens; a unique violation means the id is taken.
pub async fn insert_staff(
    conn: &mut diesel_async::AsyncPgConnection,
    person_id: Uuid,
    municipality_id: Uuid,
    external_id: &str,
) -> QueryResult<()> {
    use super::schema::staff;
    diesel_async::RunQueryDsl::execute(
        diesel::insert_into(staff::table).values((
            staff::person_id.eq(person_id),
            staff::municipality_id.eq(municipality_id),
            staff::external_id.eq(external_id),
        )),
        conn,
    )
    .await
    .map(drop)
}

/// Gives a staff member a role in a unit.
pub async fn insert_unit_role(
    conn: &mut diesel_async::AsyncPgConnection,
    staff_id: Uuid,
    unit_id: Uuid,
    role: UnitRoleKind,
    title: Option<&str>,
) -> QueryResult<()> {
    use super::schema::staff_unit_role;
    diesel_async::RunQueryDsl::execute(
        diesel::insert_into(staff_unit_role::table).values((
            staff_unit_role::staff_id.eq(staff_id),
            staff_unit_role::unit_id.eq(unit_id),
            staff_unit_role::role.eq(role),
            staff_unit_role::title.eq(title),
        )),
        conn,
    )
    .await
    .map(drop)
}

/// Sets the age at which a municipality's children become owners of their
/// logs. Returns the logs whose child thereby became or stopped being an
/// owner: who may read them changed without any other write, so the caller
/// announces it (open subscriptions check access again on such an event).
pub async fn set_consent_age(
    conn: &mut diesel_async::AsyncPgConnection,
    municipality_id: Uuid,
    consent_age: i32,
) -> QueryResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let before: i32 = diesel_async::RunQueryDsl::get_result(
        municipality::table.find(municipality_id).select(municipality::consent_age).for_update(),
        conn,
    )
    .await?;
    diesel_async::RunQueryDsl::execute(
        diesel::update(municipality::table.find(municipality_id)).set(municipality::consent_age.eq(consent_age)),
        conn,
    )
    .await?;
    // At consent age under one setting and not the other (as log_child_at_consent_age).
    let rows: Vec<Row> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT l.id FROM log l JOIN child ch ON ch.id = l.child_id
              WHERE l.municipality_id = $1 AND l.deleted_at IS NULL
                AND ch.birth_date <= current_date - make_interval(years => least($2, $3))
                AND ch.birth_date > current_date - make_interval(years => greatest($2, $3))",
        )
        .bind::<diesel::sql_types::Uuid, _>(municipality_id)
        .bind::<diesel::sql_types::Integer, _>(before)
        .bind::<diesel::sql_types::Integer, _>(consent_age),
        conn,
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
