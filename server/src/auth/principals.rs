//! Principals by identity, cached for a few seconds: every request would
//! otherwise look its staff member or citizen up again (three statements
//! for staff). A role removed by an admin applies within the TTL.

use stafett_schema::ApiResult;
use stafett_schema::db::Pool;
use stafett_schema::principal::{self, Identity, Principal};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; the cache is emptied when it grows past this.
const MAX_ENTRIES: usize = 100_000;

pub struct PrincipalCache {
    ttl: Duration,
    entries: Mutex<HashMap<Identity, (Principal, Instant)>>,
}

impl PrincipalCache {
    pub fn new(ttl: Duration) -> Self {
        PrincipalCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub async fn resolve(&self, pool: &Pool, identity: &Identity) -> ApiResult<Principal> {
        if let Some((p, at)) = self.lock().get(identity) {
            if at.elapsed() < self.ttl {
                return Ok(p.clone());
            }
        }
        let mut conn = pool.get().await?;
        let found = principal::resolve(&mut conn, identity).await?;
        if !self.ttl.is_zero() {
            let mut entries = self.lock();
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(identity.clone(), (found.clone(), Instant::now()));
        }
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Identity, (Principal, Instant)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}
