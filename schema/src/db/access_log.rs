//! The access log (tilgangslogg): append-only in the database.

use super::enums::{AccessAction, ActorRole, ObjectType};
use super::prepared::prepared;
use super::schema::access_log;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = access_log, check_for_backend(diesel::pg::Pg))]
pub struct AccessLogEntryRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_role: ActorRole,
    pub actor_unit_id: Option<Uuid>,
    pub log_id: Uuid,
    pub object_type: ObjectType,
    pub object_id: Option<Uuid>,
    pub action: AccessAction,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = access_log)]
pub struct NewAccessLogEntry<'a> {
    pub actor_id: Uuid,
    pub actor_role: ActorRole,
    pub actor_unit_id: Option<Uuid>,
    pub log_id: Uuid,
    pub object_type: ObjectType,
    pub object_id: Option<Uuid>,
    pub action: AccessAction,
    pub detail: Option<&'a str>,
}

/// Takes a shared connection so a write can pipeline it with its other statements.
pub async fn append(mut conn: &AsyncPgConnection, entry: &NewAccessLogEntry<'_>) -> QueryResult<()> {
    diesel::insert_into(access_log::table).values(entry).execute(&mut conn).await.map(drop)
}

/// Appends `entries` in one statement: all or none.
pub async fn append_all(conn: &mut AsyncPgConnection, entries: &[NewAccessLogEntry<'_>]) -> QueryResult<()> {
    diesel::insert_into(access_log::table).values(entries).execute(conn).await.map(drop)
}

/// A page of each log's access log, newest first, before entry id `before`.
/// One statement for any number of logs.
pub async fn pages(
    conn: &mut AsyncPgConnection,
    log_ids: &[Uuid],
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AccessLogEntryRow>> {
    use diesel::sql_types::{Array, BigInt, Nullable, Uuid as SqlUuid};
    prepared(
        "SELECT a.* FROM unnest($1::uuid[]) AS k(log_id)
         CROSS JOIN LATERAL (
             SELECT * FROM access_log a
              WHERE a.log_id = k.log_id AND ($2::bigint IS NULL OR a.id < $2)
              ORDER BY a.id DESC
              LIMIT $3) a",
    )
    .bind::<Array<SqlUuid>, _>(log_ids)
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
