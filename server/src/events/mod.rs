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

/// Doubles a delay up to a ceiling: reconnect backoff.
pub fn backoff(current: Duration) -> Duration {
    (current * 2).min(Duration::from_secs(5))
}
