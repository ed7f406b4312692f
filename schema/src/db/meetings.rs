//! Meetings (samarbeidsmøter) and their invitees.

use super::enums::MeetingStatus;
use super::schema::{meeting, meeting_invitee};
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

pub async fn record_minutes(conn: &mut AsyncPgConnection, id: Uuid, minutes: &str, by: Uuid) -> QueryResult<()> {
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
