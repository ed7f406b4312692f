//! Deadlines passing and coming near, noticed by a periodic sweep. Each
//! measure is claimed with `FOR UPDATE SKIP LOCKED` and marked with the
//! deadline it was announced for, so with any number of instances each
//! "overdue" and "due soon" event is emitted exactly once per deadline.

use crate::db::Pool;
use crate::db::enums::EventKind;
use crate::db::goals::MeasureRow;
use crate::error::ApiError;
use crate::events::{EventPayload, emit};
use diesel::sql_types::{BigInt, Integer};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};

/// Measures claimed per statement.
const BATCH: i64 = 500;

/// Claims and announces what is due. Returns how many events were written.
pub async fn sweep(pool: &Pool, due_soon_days: i32) -> Result<usize, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let mut written = 0;
    for (kind, sql) in [(EventKind::MeasureOverdue, OVERDUE), (EventKind::MeasureDueSoon, DUE_SOON)] {
        loop {
            AnsiTransactionManager::begin_transaction(conn).await?;
            let claimed = claim_and_emit(conn, kind, sql, due_soon_days).await;
            match claimed {
                Ok(n) => {
                    AnsiTransactionManager::commit_transaction(conn).await?;
                    written += n;
                    if (n as i64) < BATCH {
                        break;
                    }
                }
                Err(e) => {
                    AnsiTransactionManager::rollback_transaction(conn).await.ok();
                    return Err(e);
                }
            }
        }
    }
    Ok(written)
}

async fn claim_and_emit(
    conn: &mut AsyncPgConnection,
    kind: EventKind,
    sql: &str,
    days: i32,
) -> Result<usize, ApiError> {
    let mut query = diesel::sql_query(sql).into_boxed().bind::<BigInt, _>(BATCH);
    if kind == EventKind::MeasureDueSoon {
        query = query.bind::<Integer, _>(days);
    }
    let claimed: Vec<MeasureRow> = query.load(conn).await?;
    for m in &claimed {
        emit(conn, m.log_id, kind, EventPayload::measure(m, None)).await?;
    }
    Ok(claimed.len())
}

/// Open measures whose deadline has passed (in UTC dates), not yet announced for it.
const OVERDUE: &str = "
    WITH due AS (
        SELECT m.id FROM measure m JOIN log l ON l.id = m.log_id
         WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND l.status <> 'CLOSED'
           AND m.deadline < (now() AT TIME ZONE 'UTC')::date
           AND m.overdue_emitted_for IS DISTINCT FROM m.deadline
         ORDER BY m.deadline, m.id
         LIMIT $1
           FOR UPDATE OF m SKIP LOCKED)
    UPDATE measure m SET overdue_emitted_for = m.deadline FROM due WHERE m.id = due.id
    RETURNING m.*";

/// Open measures whose deadline is today or within `$2` days, not yet announced for it.
const DUE_SOON: &str = "
    WITH due AS (
        SELECT m.id FROM measure m JOIN log l ON l.id = m.log_id
         WHERE m.status IN ('PLANNED', 'IN_PROGRESS') AND l.status <> 'CLOSED'
           AND m.deadline >= (now() AT TIME ZONE 'UTC')::date
           AND m.deadline <= (now() AT TIME ZONE 'UTC')::date + $2
           AND m.due_soon_emitted_for IS DISTINCT FROM m.deadline
         ORDER BY m.deadline, m.id
         LIMIT $1
           FOR UPDATE OF m SKIP LOCKED)
    UPDATE measure m SET due_soon_emitted_for = m.deadline FROM due WHERE m.id = due.id
    RETURNING m.*";
