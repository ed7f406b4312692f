//! When a staff member's access changes (deactivated, reactivated, roles
//! changed), every instance must stop using what it knew of them at once
//! (issue 18): its cached principals, and the principal each of their open
//! websockets was opened with.
//!
//! Three roads lead here, as for events: this instance's own commits
//! (`ApiConfig::announce_access_changes`), the other instances' through
//! Redis (channel [`CHANNEL`]), and, for a doorbell Redis lost, a poll of
//! `staff.access_changed_at` every catch-up interval. A change reaches a
//! websocket as a person id on [`AccessWatch::sockets`]; the socket resolves
//! its principal again and closes with 4403 when it is refused or differs.
//!
//! The poll looks [`POLL_WINDOW`] back (PostgreSQL's clock, so instances'
//! clocks do not matter): a change whose transaction took longer than that
//! to commit is caught by the principal cache's TTL instead.

use super::principals::PrincipalCache;
use chrono::{DateTime, Utc};
use stafett_schema::db::{Pool, staff};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

pub const CHANNEL: &str = "stafett:access";

/// How far back the poll looks.
pub const POLL_WINDOW: Duration = Duration::from_secs(60);

pub struct AccessWatch {
    cache: PrincipalCache,
    /// person ids whose access changed, for this instance's websockets
    pub sockets: broadcast::Sender<Uuid>,
    /// (person, access_changed_at) the poll has handled, so that a change
    /// is acted on once per poll road, not once per poll while in the window
    seen: Mutex<HashMap<Uuid, DateTime<Utc>>>,
}

impl AccessWatch {
    pub fn new(cache: PrincipalCache) -> AccessWatch {
        AccessWatch { cache, sockets: broadcast::channel(1024).0, seen: Mutex::default() }
    }

    /// Drops what this instance knows of the person's access. The whole
    /// principal cache goes: it is keyed by token identity, not person, and
    /// such changes are rare (an admin's action), so the cost is one lookup
    /// per active identity.
    pub fn changed(&self, person: Uuid) {
        self.cache.invalidate_all();
        metrics::counter!("stafett_access_changes_total").increment(1);
        let _ = self.sockets.send(person);
    }

    /// One poll of `staff.access_changed_at`.
    pub async fn poll(&self, pool: &Pool) -> anyhow::Result<()> {
        let mut conn = pool.get().await?;
        let window = chrono::Duration::from_std(POLL_WINDOW)?;
        let rows = staff::access_changed_within(&mut conn, window).await?;
        drop(conn);
        let fresh: Vec<Uuid> = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = rows.iter().filter(|(p, at)| seen.get(p) != Some(at)).map(|(p, _)| *p).collect();
            // What the window no longer returns will not come back.
            *seen = rows.into_iter().collect();
            fresh
        };
        for person in fresh {
            self.changed(person);
        }
        Ok(())
    }
}

/// Polls until stopped.
pub async fn poll(
    watch: std::sync::Arc<AccessWatch>,
    pool: Pool,
    every: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    loop {
        if let Err(e) = watch.poll(&pool).await {
            tracing::warn!(error = %e, "polling staff access changes failed");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
