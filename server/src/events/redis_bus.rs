//! Redis as the doorbell between instances: one connection publishes, one
//! subscription per process listens, whatever the number of websocket
//! clients. Pub/sub is at-most-once; PostgreSQL stays the truth, and the hub
//! catches up from it after every reconnect.

use super::backoff;
use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use stafett_schema::events::{Hub, StoredEvent};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

use crate::auth::access::AccessWatch;

pub const CHANNEL: &str = "stafett:events";

pub struct RedisBus {
    client: redis::Client,
    /// redis's own reconnecting connection: connects on first use, and after
    /// a failure reconnects in the background while calls fail fast
    publisher: ConnectionManager,
    /// whether the subscription is up (for /readyz)
    connected: AtomicBool,
}

impl RedisBus {
    pub fn new(url: &str) -> anyhow::Result<Arc<RedisBus>> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        let publisher = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Arc::new(RedisBus { client, publisher, connected: AtomicBool::new(false) }))
    }

    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// Rings the doorbell. A failure is logged, not returned: subscribers
    /// still get the events from PostgreSQL when they catch up.
    pub async fn publish(&self, events: &[StoredEvent]) {
        let payload = match serde_json::to_string(events) {
            Ok(p) => p,
            Err(e) => return tracing::error!(error = %e, "cannot encode events"),
        };
        let mut conn = self.publisher.clone();
        // Bounded however the manager retries: the relay must not stall on Redis.
        let sent = tokio::time::timeout(Duration::from_secs(2), conn.publish::<_, _, i64>(CHANNEL, payload)).await;
        if !matches!(sent, Ok(Ok(_))) {
            tracing::warn!("Redis publish failed; events will be caught up from PostgreSQL");
        }
    }

    /// Tells the other instances that a person's access changed (see
    /// `auth::access`; a lost message is caught by its poll).
    pub async fn publish_access(&self, person: uuid::Uuid) {
        let mut conn = self.publisher.clone();
        let sent = tokio::time::timeout(
            Duration::from_secs(2),
            conn.publish::<_, _, i64>(crate::auth::access::CHANNEL, person.to_string()),
        )
        .await;
        if !matches!(sent, Ok(Ok(_))) {
            tracing::warn!("Redis publish of an access change failed; other instances poll for it");
        }
    }

    /// The process's one subscription: feeds the hub and the access watch,
    /// reconnects with backoff.
    pub async fn subscribe(self: Arc<Self>, hub: Arc<Hub>, access: Arc<AccessWatch>, stop: CancellationToken) {
        let mut delay = Duration::from_millis(100);
        while !stop.is_cancelled() {
            match self.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&[CHANNEL, crate::auth::access::CHANNEL]).await {
                    Ok(()) => {
                        self.connected.store(true, Ordering::Relaxed);
                        delay = Duration::from_millis(100);
                        tracing::info!("subscribed to Redis");
                        // What was published while we were away is in PostgreSQL.
                        if let Err(e) = hub.catch_up().await {
                            tracing::warn!(error = %e, "catch-up after reconnect failed");
                        }
                        let mut messages = pubsub.into_on_message();
                        loop {
                            tokio::select! {
                                _ = stop.cancelled() => return,
                                msg = messages.next() => match msg {
                                    Some(msg) if msg.get_channel_name() == crate::auth::access::CHANNEL => {
                                        match msg.get_payload::<String>().ok().and_then(|p| p.parse().ok()) {
                                            Some(person) => access.changed(person),
                                            None => tracing::warn!("ignoring a malformed access change"),
                                        }
                                    }
                                    Some(msg) => self.deliver(&hub, msg).await,
                                    None => break,
                                },
                            }
                        }
                        self.connected.store(false, Ordering::Relaxed);
                        tracing::warn!("Redis subscription lost; reconnecting");
                    }
                    Err(e) => tracing::warn!(error = %e, "Redis SUBSCRIBE failed"),
                },
                Err(e) => tracing::warn!(error = %e, "cannot connect to Redis"),
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            delay = backoff(delay);
        }
    }

    async fn deliver(&self, hub: &Hub, msg: redis::Msg) {
        let events: Vec<StoredEvent> = match msg.get_payload::<String>().map(|p| serde_json::from_str(&p)) {
            Ok(Ok(events)) => events,
            _ => return tracing::warn!("ignoring a malformed message on {CHANNEL}"),
        };
        if let Err(e) = hub.offer(events).await {
            tracing::warn!(error = %e, "could not deliver events from Redis");
        }
    }
}
