//! The event outbox. Mutations append here in their own transaction; the
//! relay (server crate) gives committed events their `seq` and publishes them.

use super::enums::EventKind;
use super::schema::event;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = event, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub id: i64,
    pub seq: Option<i64>,
    pub log_id: Uuid,
    pub kind: EventKind,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Takes a shared connection so a write can pipeline it with its other statements.
pub async fn append(
    mut conn: &AsyncPgConnection,
    log_id: Uuid,
    kind: EventKind,
    payload: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(event::table)
        .values((event::log_id.eq(log_id), event::kind.eq(kind), event::payload.eq(payload)))
        .execute(&mut conn)
        .await
        .map(drop)
}

/// The advisory lock that makes sequencing single-writer across instances.
const SEQUENCER_LOCK: i64 = 0x5afe_0e7e;

/// Gives the committed events that have no `seq` yet the next numbers of
/// `event_seq`, in insertion order, and returns them. Runs in the caller's
/// transaction under a transaction-scoped advisory lock, so instances take
/// turns and a seq, once visible, is never followed by a smaller one.
pub async fn sequence_batch(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Event>> {
    use diesel::sql_types::{Array, BigInt, Int8};
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(SEQUENCER_LOCK).execute(conn).await?;
    let ids: Vec<i64> =
        event::table.filter(event::seq.is_null()).order(event::id).limit(limit).select(event::id).load(conn).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        v: i64,
    }
    let mut seqs: Vec<i64> = diesel::sql_query("SELECT nextval('event_seq') AS v FROM generate_series(1, $1)")
        .bind::<BigInt, _>(ids.len() as i64)
        .load::<Next>(conn)
        .await?
        .into_iter()
        .map(|n| n.v)
        .collect();
    seqs.sort_unstable();
    let mut events: Vec<Event> = diesel::sql_query(
        "UPDATE event e SET seq = u.seq FROM unnest($1::int8[], $2::int8[]) AS u(id, seq)
          WHERE e.id = u.id RETURNING e.*",
    )
    .bind::<Array<Int8>, _>(&ids)
    .bind::<Array<Int8>, _>(&seqs)
    .load(conn)
    .await?;
    events.sort_by_key(|e| e.seq);
    Ok(events)
}
