//! Principals by identity, cached for a few seconds: every request would
//! otherwise look its staff member or citizen up again (three statements
//! for staff). A change an admin makes to a staff member's access drops
//! the cache at once on every instance (`auth::access`); the TTL bounds
//! what a lost notice could leave. moka gives the TTL, the size bound, and
//! one load per identity when many requests of the same person arrive at
//! once.

use moka::future::Cache;
use stafett_schema::db::Pool;
use stafett_schema::principal::{self, Identity, Principal};
use stafett_schema::{ApiError, ApiResult};
use std::time::Duration;

/// Identities kept at most; the least recently used go first.
const MAX_ENTRIES: u64 = 100_000;

#[derive(Clone)]
pub struct PrincipalCache {
    /// `None`: the cache is off (a TTL of zero)
    entries: Option<Cache<Identity, Principal>>,
}

impl PrincipalCache {
    pub fn new(ttl: Duration) -> Self {
        let entries = (!ttl.is_zero()).then(|| Cache::builder().max_capacity(MAX_ENTRIES).time_to_live(ttl).build());
        PrincipalCache { entries }
    }

    /// Forgets every cached principal (see `auth::access`).
    pub fn invalidate_all(&self) {
        if let Some(cache) = &self.entries {
            cache.invalidate_all();
        }
    }

    pub async fn resolve(&self, pool: &Pool, identity: &Identity) -> ApiResult<Principal> {
        let load = async {
            let mut conn = pool.get().await?;
            principal::resolve(&mut conn, identity).await
        };
        match &self.entries {
            None => load.await,
            // A failed load is not cached; every waiter gets its error.
            Some(cache) => cache.try_get_with_by_ref(identity, load).await.map_err(|e| ApiError::clone(&e)),
        }
    }
}
