//! Meetings (samarbeidsmøter) and their invitees.

use super::enums::MeetingStatus;
use super::schema::{meeting, meeting_agenda_item, meeting_attendee, meeting_invitee};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting, check_for_backend(diesel::pg::Pg))]
pub struct MeetingRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub location: Option<String>,
    pub agenda: Option<String>,
    pub status: MeetingStatus,
    pub minutes: Option<String>,
    pub minutes_recorded_at: Option<DateTime<Utc>>,
    pub minutes_recorded_by: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// the iCalendar SEQUENCE: 0, one more at each reschedule or cancellation
    pub sequence: i32,
    /// when it was last rescheduled or cancelled
    pub changed_at: Option<DateTime<Utc>>,
    /// why it was cancelled, when the coordinator said
    pub cancel_reason: Option<String>,
}

impl MeetingRow {
    /// A meeting as scheduled now: no minutes, no changes yet.
    pub fn scheduled(
        log_id: Uuid,
        title: String,
        starts_at: DateTime<Utc>,
        location: Option<String>,
        agenda: Option<String>,
        created_by: Uuid,
    ) -> MeetingRow {
        MeetingRow {
            id: Uuid::new_v4(),
            log_id,
            title,
            starts_at,
            location,
            agenda,
            status: MeetingStatus::Scheduled,
            minutes: None,
            minutes_recorded_at: None,
            minutes_recorded_by: None,
            created_by,
            created_at: Utc::now(),
            sequence: 0,
            changed_at: None,
            cancel_reason: None,
        }
    }
}

/// An item someone put on a meeting's agenda before it was held.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_agenda_item, check_for_backend(diesel::pg::Pg))]
pub struct AgendaItemRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub log_id: Uuid,
    pub body: String,
    pub added_by: Uuid,
    pub added_at: DateTime<Utc>,
}

pub async fn of_logs(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<MeetingRow>> {
    meeting::table
        .filter(meeting::log_id.eq_any(log_ids))
        .order((meeting::log_id, meeting::starts_at, meeting::id))
        .select(MeetingRow::as_select())
        .load(conn)
        .await
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<MeetingRow>> {
    meeting::table.find(id).select(MeetingRow::as_select()).first(conn).await.optional()
}

/// A meeting, locked until the transaction ends: every change of a meeting
/// reads its state this way, so two changes of one meeting take turns (the
/// attack on issue 19's change recorded ten sets of minutes for one meeting
/// by sending them at once, and filled an agenda past its limit).
pub async fn by_id_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<MeetingRow>> {
    meeting::table.find(id).select(MeetingRow::as_select()).for_update().first(conn).await.optional()
}

pub async fn invitees_of(conn: &mut AsyncPgConnection, meeting_ids: &[Uuid]) -> QueryResult<Vec<(Uuid, Uuid)>> {
    meeting_invitee::table
        .filter(meeting_invitee::meeting_id.eq_any(meeting_ids))
        .select((meeting_invitee::meeting_id, meeting_invitee::person_id))
        .load(conn)
        .await
}

pub async fn insert(conn: &mut AsyncPgConnection, m: &MeetingRow, invitees: &[Uuid]) -> QueryResult<()> {
    diesel::insert_into(meeting::table).values(m).execute(conn).await?;
    let rows: Vec<_> =
        invitees.iter().map(|p| (meeting_invitee::meeting_id.eq(m.id), meeting_invitee::person_id.eq(*p))).collect();
    diesel::insert_into(meeting_invitee::table).values(rows).on_conflict_do_nothing().execute(conn).await?;
    Ok(())
}

/// Moves a meeting (and where it is held, when given), one SEQUENCE on.
pub async fn reschedule(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    starts_at: DateTime<Utc>,
    location: Option<&str>,
) -> QueryResult<()> {
    diesel::update(meeting::table.find(id))
        .set((
            meeting::starts_at.eq(starts_at),
            location.map(|l| meeting::location.eq(l)),
            meeting::sequence.eq(meeting::sequence + 1),
            meeting::changed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Calls a meeting off, one SEQUENCE on.
pub async fn cancel(conn: &mut AsyncPgConnection, id: Uuid, reason: Option<&str>) -> QueryResult<()> {
    diesel::update(meeting::table.find(id))
        .set((
            meeting::status.eq(MeetingStatus::Cancelled),
            meeting::cancel_reason.eq(reason),
            meeting::sequence.eq(meeting::sequence + 1),
            meeting::changed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn add_agenda_item(conn: &mut AsyncPgConnection, item: &AgendaItemRow) -> QueryResult<()> {
    diesel::insert_into(meeting_agenda_item::table).values(item).execute(conn).await.map(drop)
}

/// The agenda items of each meeting, in the order they were added.
pub async fn agenda_items_of(conn: &mut AsyncPgConnection, meeting_ids: &[Uuid]) -> QueryResult<Vec<AgendaItemRow>> {
    meeting_agenda_item::table
        .filter(meeting_agenda_item::meeting_id.eq_any(meeting_ids))
        .order((meeting_agenda_item::meeting_id, meeting_agenda_item::added_at, meeting_agenda_item::id))
        .select(AgendaItemRow::as_select())
        .load(conn)
        .await
}

/// How many items a meeting's agenda has (its limit is checked under the log's lock).
pub async fn agenda_item_count(conn: &mut AsyncPgConnection, meeting_id: Uuid) -> QueryResult<i64> {
    meeting_agenda_item::table.filter(meeting_agenda_item::meeting_id.eq(meeting_id)).count().get_result(conn).await
}

/// Who came to each meeting, as recorded with its minutes.
pub async fn attendees_of(conn: &mut AsyncPgConnection, meeting_ids: &[Uuid]) -> QueryResult<Vec<(Uuid, Uuid)>> {
    meeting_attendee::table
        .filter(meeting_attendee::meeting_id.eq_any(meeting_ids))
        .select((meeting_attendee::meeting_id, meeting_attendee::person_id))
        .load(conn)
        .await
}

/// Records who came to a meeting.
pub async fn add_attendees(conn: &mut AsyncPgConnection, id: Uuid, attendees: &[Uuid]) -> QueryResult<()> {
    let rows: Vec<_> =
        attendees.iter().map(|p| (meeting_attendee::meeting_id.eq(id), meeting_attendee::person_id.eq(*p))).collect();
    diesel::insert_into(meeting_attendee::table).values(rows).on_conflict_do_nothing().execute(conn).await.map(drop)
}

/// Records the minutes and who came; the meeting is HELD.
pub async fn record_minutes(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    minutes: &str,
    by: Uuid,
    attendees: &[Uuid],
) -> QueryResult<()> {
    add_attendees(conn, id, attendees).await?;
    diesel::update(meeting::table.find(id))
        .set((
            meeting::minutes.eq(minutes),
            meeting::minutes_recorded_at.eq(diesel::dsl::now),
            meeting::minutes_recorded_by.eq(by),
            meeting::status.eq(MeetingStatus::Held),
        ))
        .execute(conn)
        .await
        .map(drop)
}
