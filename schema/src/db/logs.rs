//! Logs, children and guardians.

use super::enums::LogStatus;
use super::schema::{child, citizen, guardian, log, person};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = log, check_for_backend(diesel::pg::Pg))]
pub struct LogRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub unit_id: Uuid,
    pub child_id: Uuid,
    pub template_id: Option<Uuid>,
    /// the stored status; readers see the effective one from the policy relation
    pub status: LogStatus,
    pub presentation: Option<String>,
    pub about_me: Option<String>,
    pub child_voice: Option<String>,
    pub initiative: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_reason: Option<String>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = child, check_for_backend(diesel::pg::Pg))]
pub struct ChildRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub national_id: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// A guardian of a log with what the read table may reveal of them.
#[derive(Debug, Clone, Queryable)]
pub struct GuardianView {
    pub log_id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub national_id: String,
    pub address: Option<String>,
}

/// The text sections of a log; `None` leaves a section unchanged, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct LogTextChanges {
    pub presentation: Option<Option<String>>,
    pub about_me: Option<Option<String>>,
    pub child_voice: Option<Option<String>>,
    pub initiative: Option<Option<String>>,
}

pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<LogRow>> {
    log::table.filter(log::id.eq_any(ids)).select(LogRow::as_select()).load(conn).await
}

pub async fn children_by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<ChildRow>> {
    child::table.filter(child::id.eq_any(ids)).select(ChildRow::as_select()).load(conn).await
}

/// The guardians of logs as each log recorded them (name and contact
/// details from the guardian row, never from the shared citizen record; a
/// seeded row without a name reads the register's).
pub async fn guardians_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<GuardianView>> {
    let name = diesel::dsl::sql::<diesel::sql_types::Text>("coalesce(guardian.name, person.name)");
    guardian::table
        .inner_join(person::table.on(person::id.eq(guardian::citizen_id)))
        .inner_join(citizen::table.on(citizen::person_id.eq(guardian::citizen_id)))
        .filter(guardian::log_id.eq_any(log_ids))
        .order((guardian::log_id, guardian::added_at, person::name))
        .select((
            guardian::log_id,
            person::id,
            name,
            guardian::phone,
            guardian::email,
            citizen::national_id,
            guardian::address,
        ))
        .load(conn)
        .await
}

/// Records a guardian of a new log with what its creator supplied.
pub async fn insert_guardian(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    citizen_id: Uuid,
    added_by: Uuid,
    recorded: &RecordedGuardian<'_>,
) -> QueryResult<()> {
    diesel::insert_into(guardian::table)
        .values((
            guardian::log_id.eq(log_id),
            guardian::citizen_id.eq(citizen_id),
            guardian::added_by.eq(added_by),
            guardian::name.eq(recorded.name),
            guardian::phone.eq(recorded.phone),
            guardian::address.eq(recorded.address),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A guardian's name and contact details as a log's creator supplied them.
pub struct RecordedGuardian<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// Gives seeded guardian rows the register's name and contact details (the demo).
pub async fn record_guardians_from_register(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE guardian g SET name = p.name, phone = p.phone, email = p.email, address = c.address
           FROM person p JOIN citizen c ON c.person_id = p.id
          WHERE p.id = g.citizen_id AND g.name IS NULL",
    )
    .execute(conn)
    .await
}

/// Stores the child of a new log (each log has a child row of its own).
pub async fn insert_child(conn: &mut AsyncPgConnection, row: &ChildRow) -> QueryResult<()> {
    diesel::insert_into(child::table).values(row).execute(conn).await.map(drop)
}

/// Stores a new log row (always DRAFT: later statuses are `lifecycle`'s).
pub async fn insert(conn: &mut AsyncPgConnection, row: &LogRow) -> QueryResult<()> {
    debug_assert_eq!(row.status, LogStatus::Draft);
    diesel::insert_into(log::table).values(row).execute(conn).await.map(drop)
}

/// Writes the given text sections; an empty string clears a section.
pub async fn update_texts(conn: &mut AsyncPgConnection, log_id: Uuid, changes: LogTextChanges) -> QueryResult<()> {
    diesel::update(log::table.find(log_id))
        .set((
            changes.presentation.map(|v| log::presentation.eq(v)),
            changes.about_me.map(|v| log::about_me.eq(v)),
            changes.child_voice.map(|v| log::child_voice.eq(v)),
            changes.initiative.map(|v| log::initiative.eq(v)),
            log::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The child of a log: (child id, name, national id).
pub async fn child_of(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<(Uuid, String, Option<String>)> {
    log::table
        .inner_join(child::table.on(child::id.eq(log::child_id)))
        .filter(log::id.eq(log_id))
        .select((child::id, child::name, child::national_id))
        .first(conn)
        .await
}

/// Deletes a log's live content (a processed deletion request): messages,
/// goals and measures with their evaluations and comments, meetings (their
/// invitees, agenda items and attendance with them), the
/// event stream, and the text sections. What is kept is the caller's to
/// say (`processDeletion`).
pub async fn delete_content(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<()> {
    use super::schema::{
        comment, evaluation, event, goal, measure, meeting, meeting_agenda_item, meeting_attendee, meeting_invitee,
        message, message_read, message_recipient,
    };
    let messages = message::table.filter(message::log_id.eq(log_id)).select(message::id);
    diesel::delete(message_read::table.filter(message_read::message_id.eq_any(messages))).execute(conn).await?;
    diesel::delete(message_recipient::table.filter(message_recipient::message_id.eq_any(messages)))
        .execute(conn)
        .await?;
    diesel::delete(message::table.filter(message::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(comment::table.filter(comment::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(evaluation::table.filter(evaluation::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(measure::table.filter(measure::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(goal::table.filter(goal::log_id.eq(log_id))).execute(conn).await?;
    let meetings = meeting::table.filter(meeting::log_id.eq(log_id)).select(meeting::id);
    diesel::delete(meeting_invitee::table.filter(meeting_invitee::meeting_id.eq_any(meetings))).execute(conn).await?;
    diesel::delete(meeting_attendee::table.filter(meeting_attendee::meeting_id.eq_any(meetings))).execute(conn).await?;
    diesel::delete(meeting_agenda_item::table.filter(meeting_agenda_item::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(meeting::table.filter(meeting::log_id.eq(log_id))).execute(conn).await?;
    diesel::delete(event::table.filter(event::log_id.eq(log_id))).execute(conn).await?;
    diesel::update(log::table.find(log_id))
        .set((
            log::presentation.eq(None::<String>),
            log::about_me.eq(None::<String>),
            log::child_voice.eq(None::<String>),
            log::initiative.eq(None::<String>),
            log::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The child's own citizen record, if the child has logged in or consented on paper.
pub async fn youth_citizen(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<Option<Uuid>> {
    diesel::select(log_youth(log_id)).get_result(conn).await
}

/// Whether the child of the log has reached the municipality's consent age.
pub async fn child_at_consent_age(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<bool> {
    diesel::select(log_child_at_consent_age(log_id)).get_result(conn).await
}

/// Whether the log's child is 18 today: the youth is then its only owner.
pub async fn child_adult(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<bool> {
    diesel::select(log_child_adult(log_id)).get_result(conn).await
}

/// Whether every owner holds a valid consent to the log.
pub async fn consent_complete(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<bool> {
    diesel::select(log_consent_complete(log_id)).get_result(conn).await
}

diesel::define_sql_function!(fn log_youth(log: diesel::sql_types::Uuid) -> diesel::sql_types::Nullable<diesel::sql_types::Uuid>);
diesel::define_sql_function!(fn log_child_at_consent_age(log: diesel::sql_types::Uuid) -> diesel::sql_types::Bool);
diesel::define_sql_function!(fn log_child_adult(log: diesel::sql_types::Uuid) -> diesel::sql_types::Bool);
diesel::define_sql_function!(fn log_consent_complete(log: diesel::sql_types::Uuid) -> diesel::sql_types::Bool);

/// Adds a guardian to a log (`addGuardian`); false when they are one already.
/// `consent_required`: whether the log's consent waits for theirs (see
/// migration 000016).
pub async fn add_guardian(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    citizen_id: Uuid,
    added_by: Uuid,
    recorded: &RecordedGuardian<'_>,
    email: Option<&str>,
    consent_required: bool,
) -> QueryResult<bool> {
    let n = diesel::insert_into(guardian::table)
        .values((
            guardian::log_id.eq(log_id),
            guardian::citizen_id.eq(citizen_id),
            guardian::added_by.eq(added_by),
            guardian::name.eq(recorded.name),
            guardian::phone.eq(recorded.phone),
            guardian::email.eq(email),
            guardian::address.eq(recorded.address),
            guardian::consent_required.eq(consent_required),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Removes a guardian from a log; false when they were none.
pub async fn remove_guardian(conn: &mut AsyncPgConnection, log_id: Uuid, citizen_id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(guardian::table.find((log_id, citizen_id))).execute(conn).await?;
    Ok(n == 1)
}

/// How many guardians a log has.
pub async fn guardian_count(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<i64> {
    guardian::table.filter(guardian::log_id.eq(log_id)).count().get_result(conn).await
}

/// A guardian's contact details on a log: `None` leaves one, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = guardian)]
pub struct GuardianContact {
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
}

/// Changes a guardian's contact details on a log; false when they are none.
pub async fn update_guardian_contact(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    citizen_id: Uuid,
    contact: &GuardianContact,
) -> QueryResult<bool> {
    let n = diesel::update(guardian::table.find((log_id, citizen_id))).set(contact).execute(conn).await?;
    Ok(n == 1)
}

/// Claims up to `limit` logs whose child is 18 on `today` (PostgreSQL's
/// `current_date` when `None`) and that were not announced yet: a row in
/// `log_came_of_age` each, whose primary key lets one instance of many
/// claim a log (`events::adulthood`).
pub async fn claim_came_of_age(
    conn: &mut AsyncPgConnection,
    today: Option<chrono::NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    #[derive(diesel::QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let claimed: Vec<Claimed> = diesel::sql_query(
        "INSERT INTO log_came_of_age (log_id)
         SELECT l.id FROM log l JOIN child ch ON ch.id = l.child_id
          WHERE l.deleted_at IS NULL
            AND ch.birth_date <= (coalesce($1::date, current_date) - make_interval(years => 18))::date
            AND NOT EXISTS (SELECT 1 FROM log_came_of_age a WHERE a.log_id = l.id)
          ORDER BY l.id
          LIMIT $2
         ON CONFLICT (log_id) DO NOTHING
         RETURNING log_id AS id",
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Date>, _>(today)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(claimed.into_iter().map(|c| c.id).collect())
}
