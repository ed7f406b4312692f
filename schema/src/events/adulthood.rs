//! The youth's 18th birthday (issue 18, point 6). Who owns the log is read
//! at request time (`log_child_adult` in the relation query), so a request
//! on the birthday already finds the guardians gone; this sweep announces it
//! once per log (a YOUTH_CAME_OF_AGE event, so the guardians' open
//! subscriptions check their access again and end). It runs with the
//! deadline sweep; each log announced gets a row in `log_came_of_age`,
//! whose primary key lets only one of any number of instances announce it.
//! `today` is a parameter: the caller's clock, which a test sets (`None`:
//! PostgreSQL's `current_date`, the clock the request-time rule reads).

use crate::db::Pool;
use crate::db::enums::EventKind;
use crate::error::ApiError;
use crate::events::{EventPayload, emit};
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date, Nullable};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};
use uuid::Uuid;

/// Logs claimed per statement.
const BATCH: i64 = 500;

/// Announces the logs whose child is 18 on `today`; returns how many.
pub async fn sweep(pool: &Pool, today: Option<NaiveDate>) -> Result<usize, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let mut written = 0;
    loop {
        AnsiTransactionManager::begin_transaction(conn).await?;
        match claim_and_emit(conn, today).await {
            Ok(n) => {
                AnsiTransactionManager::commit_transaction(conn).await?;
                written += n;
                if (n as i64) < BATCH {
                    return Ok(written);
                }
            }
            Err(e) => {
                AnsiTransactionManager::rollback_transaction(conn).await.ok();
                return Err(e);
            }
        }
    }
}

async fn claim_and_emit(conn: &mut AsyncPgConnection, today: Option<NaiveDate>) -> Result<usize, ApiError> {
    #[derive(diesel::QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let claimed: Vec<Claimed> =
        diesel::sql_query(CAME_OF_AGE).bind::<Nullable<Date>, _>(today).bind::<BigInt, _>(BATCH).load(conn).await?;
    for log in &claimed {
        emit(conn, log.id, EventKind::YouthCameOfAge, EventPayload::default()).await?;
    }
    Ok(claimed.len())
}

/// Logs whose child is adult on `$1` (today when null) and not yet announced.
const CAME_OF_AGE: &str = "
    INSERT INTO log_came_of_age (log_id)
    SELECT l.id FROM log l JOIN child ch ON ch.id = l.child_id
     WHERE l.deleted_at IS NULL
       AND ch.birth_date <= (coalesce($1::date, current_date) - make_interval(years => 18))::date
       AND NOT EXISTS (SELECT 1 FROM log_came_of_age a WHERE a.log_id = l.id)
     ORDER BY l.id
     LIMIT $2
    ON CONFLICT (log_id) DO NOTHING
    RETURNING log_id AS id";
