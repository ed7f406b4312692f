//! The event outbox. Mutations append here in their own transaction; the
//! relay (server crate) gives committed events their `seq` and publishes them.

use super::enums::EventKind;
use super::prepared::prepared;
use super::schema::event;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = event, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
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

/// Raw SQL on the outbox, planned anew on every execution. The server's
/// prepared statements keep the generic plan they got on first use (see
/// `server::db::pool`), and the outbox grows from empty by hundreds of rows
/// a second: the sequencing statement planned on the empty table joined
/// every event with every event of the batch, each pass slower than the
/// last, until a fan-out on a fresh database delivered nothing in time.
/// Planning these few statements each time costs a fraction of a
/// millisecond.
pub fn outbox_query(sql: &'static str) -> diesel::query_builder::SqlQuery {
    diesel::sql_query(sql)
}

/// The advisory lock that makes sequencing single-writer across instances.
const SEQUENCER_LOCK: i64 = 0x5afe_0e7e;

/// Gives the committed events that have no `seq` yet the next numbers of
/// `event_seq`, in insertion order, and returns them. Runs in the caller's
/// transaction under a transaction-scoped advisory lock, so instances take
/// turns and a seq, once visible, is never followed by a smaller one.
///
/// Two statements: the lock, then one that picks the events, draws their
/// numbers and writes them (it was four round trips, each waiting for a
/// busy CPU on the path of every live delivery). The statement must not
/// start before the lock is held — its snapshot has to include what the
/// previous holder sequenced — so the two are not pipelined.
pub async fn sequence_batch(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<EventRow>> {
    use diesel::sql_types::BigInt;
    prepared("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(SEQUENCER_LOCK).execute(conn).await?;
    // nextval may hand the numbers out in any order within the statement;
    // ranking both sides pairs the smallest number with the oldest event.
    let mut events: Vec<EventRow> = outbox_query(
        "WITH picked AS (SELECT id, row_number() OVER (ORDER BY id) AS n
                           FROM (SELECT id FROM event WHERE seq IS NULL ORDER BY id LIMIT $1) p),
              drawn AS (SELECT nextval('event_seq') AS seq FROM picked),
              ranked AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM drawn)
         UPDATE event e SET seq = ranked.seq
           FROM picked JOIN ranked USING (n)
          WHERE e.id = picked.id
         RETURNING e.*",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    events.sort_by_key(|e| e.seq);
    Ok(events)
}
