//! The periodic deadline sweep: "overdue" and "due soon" events, each
//! emitted once per deadline across all instances; with it, the
//! announcement of youths who turned 18 (`stafett_schema::events::adulthood`,
//! once per log: the rule itself is read at request time).

use stafett_schema::db::Pool;
use stafett_schema::events::deadlines::sweep;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub async fn run(pool: Pool, every: Duration, due_soon_days: i32, wake_relay: Arc<Notify>, stop: CancellationToken) {
    loop {
        match sweep(&pool, due_soon_days).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(events = n, "deadline events emitted");
                wake_relay.notify_one();
            }
            Err(e) => tracing::warn!(error = %e, "deadline sweep failed"),
        }
        match stafett_schema::events::adulthood::sweep(&pool, None).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(logs = n, "youths who turned 18 announced");
                wake_relay.notify_one();
            }
            Err(e) => tracing::warn!(error = %e, "coming-of-age sweep failed"),
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
