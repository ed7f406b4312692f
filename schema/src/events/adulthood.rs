//! The youth's 18th birthday (issue 18, point 6). Who owns the log is read
//! at request time (`log_child_adult` in the relation query), so a request
//! on the birthday already finds the guardians gone; this sweep announces it
//! once per log (a YOUTH_CAME_OF_AGE event, so the guardians' open
//! subscriptions check their access again and end). It runs with the
//! deadline sweep; each log announced gets a row in `log_came_of_age`,
//! whose primary key lets only one of any number of instances announce it.
//! `today` is a parameter: the caller's clock, which a test sets (`None`:
//! PostgreSQL's `current_date`, the clock the request-time rule reads).

use crate::db::enums::EventKind;
use crate::db::{Pool, logs};
use crate::error::ApiError;
use crate::events::{EventPayload, emit};
use chrono::NaiveDate;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};

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
    let claimed = logs::claim_came_of_age(conn, today, BATCH).await?;
    for log in &claimed {
        emit(conn, *log, EventKind::YouthCameOfAge, EventPayload::default()).await?;
    }
    Ok(claimed.len())
}
