//! Requests that wait for someone else: reopening and deletion.

use super::enums::ReopenStatus;
use super::schema::{deletion_request, reopen_request};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reopen_request, check_for_backend(diesel::pg::Pg))]
pub struct ReopenRequestRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub status: ReopenStatus,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deletion_request, check_for_backend(diesel::pg::Pg))]
pub struct DeletionRequestRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub requested_by: Uuid,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub processed_by: Option<Uuid>,
    pub processed_at: Option<DateTime<Utc>>,
}

pub async fn pending_reopen(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<Option<ReopenRequestRow>> {
    reopen_request::table
        .filter(reopen_request::log_id.eq(log_id))
        .filter(reopen_request::status.eq(ReopenStatus::Pending))
        .select(ReopenRequestRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn pending_reopens_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<ReopenRequestRow>> {
    reopen_request::table
        .filter(reopen_request::log_id.eq_any(log_ids))
        .filter(reopen_request::status.eq(ReopenStatus::Pending))
        .select(ReopenRequestRow::as_select())
        .load(conn)
        .await
}

pub async fn insert_reopen(conn: &mut AsyncPgConnection, r: &ReopenRequestRow) -> QueryResult<()> {
    diesel::insert_into(reopen_request::table).values(r).execute(conn).await.map(drop)
}

pub async fn decide_reopen(conn: &mut AsyncPgConnection, id: Uuid, status: ReopenStatus) -> QueryResult<()> {
    diesel::update(reopen_request::table.find(id))
        .set((reopen_request::status.eq(status), reopen_request::decided_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn open_deletion(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<Option<DeletionRequestRow>> {
    deletion_request::table
        .filter(deletion_request::log_id.eq(log_id))
        .filter(deletion_request::processed_at.is_null())
        .select(DeletionRequestRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn open_deletions_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<DeletionRequestRow>> {
    deletion_request::table
        .filter(deletion_request::log_id.eq_any(log_ids))
        .filter(deletion_request::processed_at.is_null())
        .select(DeletionRequestRow::as_select())
        .load(conn)
        .await
}

pub async fn deletion_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<DeletionRequestRow>> {
    deletion_request::table.find(id).select(DeletionRequestRow::as_select()).first(conn).await.optional()
}

pub async fn insert_deletion(conn: &mut AsyncPgConnection, r: &DeletionRequestRow) -> QueryResult<()> {
    diesel::insert_into(deletion_request::table).values(r).execute(conn).await.map(drop)
}

pub async fn mark_deletion_processed(conn: &mut AsyncPgConnection, id: Uuid, by: Uuid) -> QueryResult<()> {
    diesel::update(deletion_request::table.find(id))
        .set((deletion_request::processed_by.eq(by), deletion_request::processed_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await
        .map(drop)
}

/// The unprocessed deletion requests of logs in these municipalities, oldest first.
pub async fn open_deletions_in(
    conn: &mut AsyncPgConnection,
    municipality_ids: &[Uuid],
) -> QueryResult<Vec<DeletionRequestRow>> {
    use super::schema::log;
    deletion_request::table
        .inner_join(log::table)
        .filter(log::municipality_id.eq_any(municipality_ids))
        .filter(deletion_request::processed_at.is_null())
        .order(deletion_request::requested_at)
        .select(DeletionRequestRow::as_select())
        .load(conn)
        .await
}
