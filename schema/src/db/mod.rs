//! Data access: the diesel schema, enum columns, and one module per resource
//! with its rows and queries. Functions take `&mut AsyncPgConnection` and
//! return `QueryResult`/`ApiResult`; transactions are opened by the caller.

pub mod access_log;
pub mod consents;
pub mod enums;
pub mod events;
pub mod goals;
pub mod languages;
pub mod lifecycle;
pub mod logs;
pub mod meetings;
pub mod messages;
pub mod notifications;
pub mod org;
pub mod organization;
pub mod participants;
pub mod people;
pub mod prepared;
pub mod requests;
pub mod schema;
pub mod secrets;
pub mod snapshots;
pub mod staff;
pub mod statistics;
pub mod templates;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::PoolError;
use std::sync::atomic::{AtomicU64, Ordering};

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;
pub type PooledConn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// Checkouts that timed out since the process started (waiting for a free
/// connection, or creating or recycling one), for the server's `/metrics`.
/// deadpool counts no such thing, so every failed checkout is shown to
/// [`note_checkout_error`]: the `From<PoolError>` of `ApiError`, which every
/// request's `?` passes through, and the access-log batch writer.
static CHECKOUT_TIMEOUTS: AtomicU64 = AtomicU64::new(0);

pub fn checkout_timeouts() -> u64 {
    CHECKOUT_TIMEOUTS.load(Ordering::Relaxed)
}

pub fn note_checkout_error(e: &PoolError) {
    if matches!(e, PoolError::Timeout(_)) {
        CHECKOUT_TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
}

/// A pooled connection, waiting up to `wait` for one (`None`: the pool's own timeout).
pub async fn conn_within(
    pool: &Pool,
    wait: Option<std::time::Duration>,
) -> Result<PooledConn, diesel_async::pooled_connection::deadpool::PoolError> {
    let mut timeouts = pool.timeouts();
    if wait.is_some() {
        timeouts.wait = wait;
    }
    pool.timeout_get(&timeouts).await
}

/// Groups rows by a key, keeping their order: the shape every list loader returns.
pub fn group_by<K, R>(rows: Vec<R>, key: impl Fn(&R) -> K) -> std::collections::HashMap<K, Vec<R>>
where
    K: std::hash::Hash + Eq,
{
    let mut map: std::collections::HashMap<K, Vec<R>> = std::collections::HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// Whether a statement failed on a unique constraint (a concurrent or
/// repeated insert the caller answers with CONFLICT).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}
