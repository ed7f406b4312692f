//! Limits against abuse, each configurable (`config::Settings`, with the
//! defaults; the README's Security section lists them). Query shape limits are enforced by the schema (depth,
//! complexity, directives), sizes by the transport, and the per-principal
//! rate and subscription caps here.

use governor::{DefaultKeyedRateLimiter, Quota};
use stafett_schema::ApiError;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_directives: usize,
    /// field selections in a document, duplicates included and fragments expanded
    pub max_fields: usize,
    pub max_aliases: usize,
    /// fragment spreads in a document, counted where each is expanded
    pub max_spreads: usize,
    /// values a response may hold, lists counted as their pages (`api::limits`)
    pub max_cost: u64,
    pub max_body_bytes: usize,
    /// how long an HTTP request may take to be answered (`None`: unbounded)
    pub request_timeout: Option<std::time::Duration>,
    pub max_page_size: i64,
    /// sustained requests per second per principal
    pub rate_per_second: u32,
    /// requests a principal may make at once before the rate applies
    pub rate_burst: u32,
    pub max_subscriptions_per_connection: usize,
    pub max_subscriptions_per_principal: usize,
}

/// A token bucket per principal (per instance).
pub struct RateLimiter {
    limiter: DefaultKeyedRateLimiter<Uuid>,
    per_second: u32,
}

impl RateLimiter {
    pub fn new(limits: &Limits) -> RateLimiter {
        let rate = NonZeroU32::new(limits.rate_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limits.rate_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        RateLimiter {
            limiter: governor::RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            per_second: rate.get(),
        }
    }

    /// RATE_LIMITED when the principal has used up its burst.
    pub fn check(&self, principal: Uuid) -> Result<(), ApiError> {
        self.limiter.check_key(&principal).map_err(|_| {
            // At the sustained rate a new request is allowed within a second.
            ApiError::RateLimited { retry_after_secs: u64::from(self.per_second > 0) }
        })?;
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        Ok(())
    }
}

/// Live subscriptions per principal, across this instance's connections.
#[derive(Default)]
pub struct SubscriptionCounts {
    counts: Mutex<HashMap<Uuid, usize>>,
}

/// Releases its subscription's place when dropped.
pub struct SubscriptionSlot {
    counts: Arc<SubscriptionCounts>,
    principal: Uuid,
}

impl SubscriptionCounts {
    /// Takes a place for `principal`, or says no when it has `max` already.
    pub fn take(self: &Arc<Self>, principal: Uuid, max: usize) -> Option<SubscriptionSlot> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let n = counts.entry(principal).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        metrics::gauge!("stafett_subscriptions_active").increment(1.0);
        Some(SubscriptionSlot { counts: self.clone(), principal })
    }
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.principal) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.principal);
            }
        }
        metrics::gauge!("stafett_subscriptions_active").decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_is_the_edge() {
        let defaults = crate::config::Config::from_environment().unwrap().limits;
        let limits = Limits { rate_per_second: 1, rate_burst: 3, ..defaults };
        let limiter = RateLimiter::new(&limits);
        let who = Uuid::new_v4();
        for _ in 0..3 {
            assert!(limiter.check(who).is_ok());
        }
        assert!(matches!(limiter.check(who), Err(ApiError::RateLimited { .. })));
        assert!(limiter.check(Uuid::new_v4()).is_ok(), "another principal has its own bucket");
    }

    #[test]
    fn subscription_places_are_returned() {
        let counts = Arc::new(SubscriptionCounts::default());
        let who = Uuid::new_v4();
        let a = counts.take(who, 2).unwrap();
        let _b = counts.take(who, 2).unwrap();
        assert!(counts.take(who, 2).is_none());
        drop(a);
        assert!(counts.take(who, 2).is_some());
    }
}
