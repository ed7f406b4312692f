//! The in-process fan-out of committed events. Every server instance has
//! one hub. The relay (server crate) feeds it events as they are sequenced,
//! from this instance directly or from others through Redis; the hub hands
//! them to subscriptions strictly in `seq` order, filling any gap from
//! PostgreSQL, which is the truth (Redis pub/sub is only the doorbell).
//!
//! A subscription takes a receiver *before* replaying from PostgreSQL, so
//! every event is either replayed or received live, never missed; it skips
//! what it has already seen, so none is delivered twice.

use super::EventPayload;
use crate::db::Pool;
use crate::db::enums::EventKind;
use crate::db::events::{EventRow, outbox_query};
use crate::db::schema::event;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::{Mutex, broadcast};
use uuid::Uuid;

/// A committed, sequenced event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub log_id: Uuid,
    pub kind: EventKind,
    pub payload: EventPayload,
    pub created_at: DateTime<Utc>,
}

pub struct Hub {
    pool: Pool,
    /// every event, for subscriptions to all of a principal's logs
    tx: broadcast::Sender<Arc<StoredEvent>>,
    /// each log's events, for subscriptions to one log: with thousands of
    /// those, an event wakes only its own log's subscribers
    per_log: std::sync::Mutex<HashMap<Uuid, broadcast::Sender<Arc<StoredEvent>>>>,
    capacity: usize,
    /// the last seq handed out; the lock orders deliveries
    delivered: Mutex<i64>,
    /// a copy of `delivered` readable without the lock
    last: AtomicI64,
}

/// Events a replay or gap fill reads at a time.
pub const PAGE: i64 = 500;

impl Hub {
    /// A hub starting at the newest sequenced event: new subscriptions
    /// without a cursor begin from now.
    pub async fn start(pool: Pool, capacity: usize) -> Result<Arc<Hub>, ApiError> {
        let mut conn = pool.get().await?;
        let newest: Option<i64> = event::table.select(diesel::dsl::max(event::seq)).first(&mut conn).await?;
        drop(conn);
        let newest = newest.unwrap_or(0);
        let (tx, _) = broadcast::channel(capacity);
        Ok(Arc::new(Hub {
            pool,
            tx,
            per_log: Default::default(),
            capacity,
            delivered: Mutex::new(newest),
            last: AtomicI64::new(newest),
        }))
    }

    /// A receiver of live events and the seq it starts after.
    pub fn subscribe(&self) -> (broadcast::Receiver<Arc<StoredEvent>>, i64) {
        let rx = self.tx.subscribe();
        (rx, AtomicI64::load(&self.last, Ordering::SeqCst))
    }

    /// A receiver of one log's live events and the seq it starts after.
    pub fn subscribe_log(&self, log_id: Uuid) -> (broadcast::Receiver<Arc<StoredEvent>>, i64) {
        let mut per_log = self.per_log.lock().unwrap_or_else(|p| p.into_inner());
        // Channels of logs nobody follows any more are dropped when their log
        // next has an event; logs that never have one are swept here.
        if per_log.len() > 50_000 {
            per_log.retain(|_, tx| tx.receiver_count() > 0);
        }
        let rx = per_log.entry(log_id).or_insert_with(|| broadcast::channel(self.capacity.min(1024)).0).subscribe();
        (rx, AtomicI64::load(&self.last, Ordering::SeqCst))
    }

    /// The last seq this hub delivered.
    pub fn last_seq(&self) -> i64 {
        AtomicI64::load(&self.last, Ordering::SeqCst)
    }

    /// How many subscriptions are listening.
    pub fn listeners(&self) -> usize {
        let per_log = self.per_log.lock().unwrap_or_else(|p| p.into_inner());
        self.tx.receiver_count() + per_log.values().map(|tx| tx.receiver_count()).sum::<usize>()
    }

    /// Offers events (in any order, possibly seen before); delivers the new
    /// ones in seq order, fetching any that are missing in between.
    pub async fn offer(&self, mut events: Vec<StoredEvent>) -> Result<(), ApiError> {
        events.sort_by_key(|e| e.seq);
        let mut delivered = self.delivered.lock().await;
        for e in events {
            if e.seq <= *delivered {
                continue;
            }
            if e.seq > *delivered + 1 {
                self.fill(&mut delivered, e.seq - 1).await?;
            }
            self.deliver(&mut delivered, e);
        }
        Ok(())
    }

    /// Delivers everything sequenced in PostgreSQL that this hub has not
    /// delivered yet: after a Redis outage, or when a doorbell was lost.
    pub async fn catch_up(&self) -> Result<(), ApiError> {
        let mut delivered = self.delivered.lock().await;
        self.fill(&mut delivered, i64::MAX).await
    }

    async fn fill(&self, delivered: &mut i64, through: i64) -> Result<(), ApiError> {
        loop {
            let batch = self.replay(*delivered, Some(through), PAGE).await?;
            let done = (batch.len() as i64) < PAGE;
            for e in batch {
                self.deliver(delivered, e);
            }
            if done {
                return Ok(());
            }
        }
    }

    fn deliver(&self, delivered: &mut i64, e: StoredEvent) {
        *delivered = e.seq;
        self.last.store(e.seq, Ordering::SeqCst);
        let e = Arc::new(e);
        {
            let mut per_log = self.per_log.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(tx) = per_log.get(&e.log_id) {
                if tx.receiver_count() == 0 {
                    per_log.remove(&e.log_id);
                } else {
                    let _ = tx.send(e.clone());
                }
            }
        }
        // No receivers is fine: nobody is listening.
        let _ = self.tx.send(e);
    }

    /// Sequenced events after `after` (and through `through`), oldest first.
    pub async fn replay(&self, after: i64, through: Option<i64>, limit: i64) -> Result<Vec<StoredEvent>, ApiError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<EventRow> =
            outbox_query("SELECT * FROM event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3")
                .bind::<BigInt, _>(after)
                .bind::<BigInt, _>(through.unwrap_or(i64::MAX))
                .bind::<BigInt, _>(limit)
                .load(&mut conn)
                .await?;
        rows.into_iter().map(StoredEvent::from_row).collect()
    }
}

impl Hub {
    /// Sequenced events of one log after `after`, oldest first.
    pub async fn replay_log(&self, after: i64, log_id: Uuid, limit: i64) -> Result<Vec<StoredEvent>, ApiError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<EventRow> =
            outbox_query("SELECT * FROM event WHERE log_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                .bind::<diesel::sql_types::Uuid, _>(log_id)
                .bind::<BigInt, _>(after)
                .bind::<BigInt, _>(limit)
                .load(&mut conn)
                .await?;
        rows.into_iter().map(StoredEvent::from_row).collect()
    }
}
