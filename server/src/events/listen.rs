//! PostgreSQL's notification that the outbox grew (sent at commit by a
//! trigger), forwarded to the relay: how this instance hears of other
//! instances' writes at once.

use super::backoff;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub async fn run(url: String, wake: Arc<Notify>, stop: CancellationToken) {
    let mut delay = Duration::from_millis(100);
    while !stop.is_cancelled() {
        match AsyncPgConnection::establish(&url).await {
            Ok(mut conn) => {
                if let Err(e) = conn.batch_execute("LISTEN stafett_outbox").await {
                    tracing::warn!(error = %e, "LISTEN failed");
                } else {
                    delay = Duration::from_millis(100);
                    // Anything committed while we were away is picked up now.
                    wake.notify_one();
                    let mut notifications = std::pin::pin!(conn.notifications_stream());
                    loop {
                        tokio::select! {
                            _ = stop.cancelled() => return,
                            n = notifications.next() => match n {
                                Some(Ok(_)) => wake.notify_one(),
                                Some(Err(e)) => {
                                    tracing::warn!(error = %e, "outbox notifications lost; reconnecting");
                                    break;
                                }
                                None => break,
                            },
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect to listen for outbox notifications"),
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
        delay = backoff(delay);
    }
}
