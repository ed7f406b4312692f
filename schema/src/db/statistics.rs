//! Counts for the system owner and municipal admins; never personal data.

use super::enums::LogStatus;
use super::schema::{deletion_request, log};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// The number of logs in these municipalities per stored status; statuses without logs are absent.
pub async fn logs_by_status(
    conn: &mut AsyncPgConnection,
    municipality_ids: &[Uuid],
) -> QueryResult<Vec<(LogStatus, i64)>> {
    log::table
        .filter(log::municipality_id.eq_any(municipality_ids))
        .group_by(log::status)
        .select((log::status, diesel::dsl::count_star()))
        .load(conn)
        .await
}

/// The number of unprocessed deletion requests of logs in these municipalities.
pub async fn open_deletion_requests(conn: &mut AsyncPgConnection, municipality_ids: &[Uuid]) -> QueryResult<i64> {
    deletion_request::table
        .inner_join(log::table)
        .filter(log::municipality_id.eq_any(municipality_ids))
        .filter(deletion_request::processed_at.is_null())
        .count()
        .get_result(conn)
        .await
}
