//! The people with a place in a log — participants, guardians, the child —
//! looked up by the ids clients send for them.

use super::schema::{guardian, participant};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// The staff person ids among `ids` who still take part in the log.
pub async fn active_participants_among(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    participant::table
        .filter(participant::log_id.eq(log_id))
        .filter(participant::staff_id.eq_any(ids))
        .filter(participant::left_at.is_null())
        .select(participant::staff_id)
        .load(conn)
        .await
}

/// The citizen ids among `ids` that are guardians of the log (none once
/// the child is 18: the youth is then the only owner).
pub async fn guardians_among(conn: &mut AsyncPgConnection, log_id: Uuid, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    if super::logs::child_adult(conn, log_id).await? {
        return Ok(Vec::new());
    }
    guardian::table
        .filter(guardian::log_id.eq(log_id))
        .filter(guardian::citizen_id.eq_any(ids))
        .select(guardian::citizen_id)
        .load(conn)
        .await
}
