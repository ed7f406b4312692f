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

/// Per-log channels kept before those without receivers are swept.
const SWEEP_ABOVE: usize = 50_000;

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
        if per_log.len() > SWEEP_ABOVE {
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

/// The fan-out itself, without a database: the hub's pool points at a port
/// nobody listens on, so anything that would read PostgreSQL (a gap fill, a
/// replay) fails, and a test sees whether the hub tried. What does read the
/// database (catch-up, replay pages) is exercised end to end (realtime.rs,
/// faults.rs, instances.rs).
#[cfg(test)]
mod tests {
    use super::*;
    use diesel_async::AsyncPgConnection;
    use diesel_async::pooled_connection::AsyncDieselConnectionManager;

    fn hub(delivered: i64) -> Hub {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new("postgres://127.0.0.1:1/nowhere");
        Hub {
            pool: Pool::builder(manager).build().expect("a pool connects lazily"),
            tx: broadcast::channel(16).0,
            per_log: Default::default(),
            capacity: 16,
            delivered: Mutex::new(delivered),
            last: AtomicI64::new(delivered),
        }
    }

    fn event(seq: i64, log: u128) -> StoredEvent {
        StoredEvent {
            seq,
            log_id: Uuid::from_u128(log),
            kind: EventKind::MessagePosted,
            payload: EventPayload::default(),
            created_at: Utc::now(),
        }
    }

    fn seqs(rx: &mut broadcast::Receiver<Arc<StoredEvent>>) -> Vec<i64> {
        std::iter::from_fn(|| rx.try_recv().ok()).map(|e| e.seq).collect()
    }

    #[tokio::test]
    async fn new_events_go_out_once_in_seq_order_to_all_and_to_their_log() {
        let hub = hub(10);
        let (mut all, after) = hub.subscribe();
        let (mut one, _) = hub.subscribe_log(Uuid::from_u128(1));
        assert_eq!(after, 10, "a subscription starts after the last delivered event");
        // Out of order, one already delivered, one offered twice: no database needed.
        hub.offer(vec![event(12, 2), event(11, 1), event(10, 1), event(11, 1)]).await.unwrap();
        hub.offer(vec![event(13, 1)]).await.unwrap();
        assert_eq!(seqs(&mut all), [11, 12, 13]);
        assert_eq!(seqs(&mut one), [11, 13], "log 1's channel has only log 1's events");
        assert_eq!(hub.last_seq(), 13);
        assert_eq!(hub.subscribe_log(Uuid::from_u128(2)).1, 13);
    }

    #[tokio::test]
    async fn a_gap_is_filled_from_the_database_before_anything_after_it() {
        let hub = hub(10);
        let (mut all, _) = hub.subscribe();
        assert!(hub.offer(vec![event(12, 1)]).await.is_err(), "event 11 is missing: the hub reads PostgreSQL");
        assert_eq!(seqs(&mut all), Vec::<i64>::new(), "nothing after the gap is delivered before it");
        assert_eq!(hub.last_seq(), 10);
        assert!(hub.catch_up().await.is_err(), "catching up reads PostgreSQL");
        assert!(hub.replay_log(0, Uuid::from_u128(1), 10).await.is_err());
    }

    #[tokio::test]
    async fn listeners_count_both_kinds_of_subscription_and_idle_channels_are_dropped() {
        let hub = hub(0);
        assert_eq!(hub.listeners(), 0);
        let (all, _) = hub.subscribe();
        let (a, _) = hub.subscribe_log(Uuid::from_u128(1));
        let (b, _) = hub.subscribe_log(Uuid::from_u128(1));
        let (c, _) = hub.subscribe_log(Uuid::from_u128(2));
        assert_eq!(hub.listeners(), 4);
        drop((a, b));
        assert_eq!(hub.listeners(), 2);
        // Log 1's channel has no receivers left: its next event drops it.
        hub.offer(vec![event(1, 1)]).await.unwrap();
        assert!(!hub.per_log.lock().unwrap().contains_key(&Uuid::from_u128(1)));
        assert!(hub.per_log.lock().unwrap().contains_key(&Uuid::from_u128(2)));
        drop((all, c));
        assert_eq!(hub.listeners(), 0);
    }

    #[test]
    fn channels_nobody_follows_are_swept_only_above_the_limit() {
        let hub = hub(0);
        let (_live, _) = hub.subscribe_log(Uuid::from_u128(0));
        for log in 1..SWEEP_ABOVE as u128 {
            drop(hub.subscribe_log(Uuid::from_u128(log)));
        }
        let channels = || hub.per_log.lock().unwrap().len();
        assert_eq!(channels(), SWEEP_ABOVE);
        // At the limit nothing is swept; one above it, the idle ones go.
        drop(hub.subscribe_log(Uuid::from_u128(u128::MAX)));
        assert_eq!(channels(), SWEEP_ABOVE + 1);
        let (_new, _) = hub.subscribe_log(Uuid::from_u128(u128::MAX - 1));
        assert_eq!(channels(), 2, "the live channel and the new one are kept");
        assert!(hub.per_log.lock().unwrap().contains_key(&Uuid::from_u128(0)));
        assert_eq!(hub.listeners(), 2);
    }
}
