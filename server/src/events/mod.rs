//! The event relay: sequencing committed outbox rows, publishing them to
//! every instance (through Redis, or in-process without it), and the
//! background sweep that notices deadlines passing.

pub mod deadlines;
pub mod redis_bus;
pub mod relay;

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EventsConfig {
    /// how often the relay looks for unsequenced events when nothing woke it
    pub relay_poll: Duration,
    /// a sequencing pass not finished by then is abandoned and rolled back
    pub relay_pass_timeout: Duration,
    /// how often the hub compares itself with PostgreSQL (covers lost doorbells)
    pub catch_up: Duration,
    /// how often deadlines are swept
    pub deadline_sweep: Duration,
    /// the horizon of "due soon"
    pub due_soon_days: i32,
    /// events a subscription may fall behind before it re-reads from PostgreSQL
    pub hub_capacity: usize,
}

impl EventsConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        use crate::config::parsed;
        Ok(EventsConfig {
            relay_poll: Duration::from_millis(parsed("STAFETT_RELAY_POLL_MS", 1_000)?),
            relay_pass_timeout: Duration::from_millis(parsed("STAFETT_RELAY_PASS_TIMEOUT_MS", 10_000)?),
            catch_up: Duration::from_millis(parsed("STAFETT_CATCH_UP_MS", 1_000)?),
            deadline_sweep: Duration::from_millis(parsed("STAFETT_DEADLINE_SWEEP_MS", 60_000)?),
            due_soon_days: parsed("STAFETT_DUE_SOON_DAYS", 7)?,
            hub_capacity: parsed("STAFETT_HUB_CAPACITY", 8_192)?,
        })
    }
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            relay_poll: Duration::from_millis(1_000),
            relay_pass_timeout: Duration::from_millis(10_000),
            catch_up: Duration::from_millis(1_000),
            deadline_sweep: Duration::from_millis(60_000),
            due_soon_days: 7,
            hub_capacity: 8_192,
        }
    }
}

/// Doubles a delay up to a ceiling: reconnect backoff.
pub fn backoff(current: Duration) -> Duration {
    (current * 2).min(Duration::from_secs(5))
}
