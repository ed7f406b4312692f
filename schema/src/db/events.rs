//! The event outbox. Mutations append here in their own transaction; the
//! relay (server crate) gives committed events their `seq` and publishes them.

use super::enums::EventKind;
use super::schema::event;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = event, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub id: i64,
    pub seq: Option<i64>,
    pub log_id: Uuid,
    pub kind: EventKind,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

pub async fn append(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    kind: EventKind,
    payload: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(event::table)
        .values((
            event::log_id.eq(log_id),
            event::kind.eq(kind),
            event::payload.eq(payload),
        ))
        .execute(conn)
        .await
        .map(drop)
}
