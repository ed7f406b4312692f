//! Sequencing: committed events get their `seq` (the cursor clients see)
//! in commit order, then go to this instance's hub and, through Redis, to
//! every other instance. Every instance runs a relay; a transaction-scoped
//! advisory lock makes them take turns, so there is no leader to elect.

use super::redis_bus::RedisBus;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use stafett_schema::ApiResult;
use stafett_schema::db::Pool;
use stafett_schema::db::events::sequence_batch;
use stafett_schema::events::{Hub, StoredEvent};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Events sequenced per transaction.
const BATCH: i64 = 500;
/// How long a woken relay waits for more commits before a pass: one pass
/// per burst of writes instead of one per write.
const BATCH_WINDOW: Duration = Duration::from_millis(2);

pub struct Relay {
    pub pool: Pool,
    pub hub: Arc<Hub>,
    pub bus: Option<Arc<RedisBus>>,
    pub wake: Arc<Notify>,
    pub poll: Duration,
    /// A sequencing pass that has not finished by then is abandoned: its
    /// connection, still in its transaction, is discarded by the pool, which
    /// rolls the pass back, and the next pass starts afresh. A pass takes
    /// milliseconds; one stuck behind a lock or a plan gone bad would
    /// otherwise hold up every live delivery of the instance for as long as
    /// it lasts, and now costs at most this long.
    pub pass_timeout: Duration,
    /// events this instance sequenced
    pub relayed: Arc<AtomicU64>,
}

impl Relay {
    pub async fn run(self, stop: CancellationToken) {
        loop {
            if let Err(e) = self.drain().await {
                tracing::warn!(error = %e, "relay pass failed; retrying");
            }
            tokio::select! {
                _ = stop.cancelled() => {
                    // Flush what is committed before going away.
                    if let Err(e) = self.drain().await {
                        tracing::warn!(error = %e, "final relay pass failed");
                    }
                    return;
                }
                _ = self.wake.notified() => {
                    // Let the commits of the next moment join this pass.
                    tokio::time::sleep(BATCH_WINDOW).await;
                }
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Sequences and publishes until nothing is left.
    pub async fn drain(&self) -> ApiResult<()> {
        loop {
            let events = self.sequence().await?;
            let n = events.len();
            if n == 0 {
                return Ok(());
            }
            self.relayed.fetch_add(n as u64, Ordering::Relaxed);
            metrics::counter!("stafett_events_relayed_total").increment(n as u64);
            // This instance's subscribers need not wait for the Redis round trip.
            let publish = async {
                if let Some(bus) = &self.bus {
                    bus.publish(&events).await;
                }
            };
            let ((), offered) = tokio::join!(publish, self.hub.offer(events.clone()));
            offered?;
            if (n as i64) < BATCH {
                return Ok(());
            }
        }
    }

    async fn sequence(&self) -> ApiResult<Vec<StoredEvent>> {
        match tokio::time::timeout(self.pass_timeout, self.sequence_pass()).await {
            Ok(events) => events,
            Err(_) => {
                metrics::counter!("stafett_relay_passes_abandoned_total").increment(1);
                Err(stafett_schema::ApiError::internal("relay pass timed out; abandoned"))
            }
        }
    }

    async fn sequence_pass(&self) -> ApiResult<Vec<StoredEvent>> {
        let mut pooled = self.pool.get().await?;
        let conn: &mut AsyncPgConnection = &mut pooled;
        AnsiTransactionManager::begin_transaction(conn).await?;
        match sequence_batch(conn, BATCH).await {
            Ok(rows) => {
                AnsiTransactionManager::commit_transaction(conn).await?;
                rows.into_iter().map(StoredEvent::from_row).collect()
            }
            Err(e) => {
                AnsiTransactionManager::rollback_transaction(conn).await.ok();
                Err(e.into())
            }
        }
    }
}

/// Compares the hub with PostgreSQL now and then: events whose doorbell was
/// lost (Redis down, a publisher that died) arrive late but arrive.
pub async fn catch_up(hub: Arc<Hub>, every: Duration, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        if let Err(e) = hub.catch_up().await {
            tracing::warn!(error = %e, "catch-up from PostgreSQL failed");
        }
    }
}
