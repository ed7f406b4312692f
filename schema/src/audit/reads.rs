//! Read entries written in batches.
//!
//! Every professional's page read appends one access-log entry, and a
//! statement and a commit of its own per read was about a fifth of
//! PostgreSQL's work for a log page (bench, 10,000 logs). Reads that arrive
//! while a batch is being written wait for the next one, which stores them
//! all in one statement and one commit: under load batches grow, and a lone
//! read is written at once. A request still gets its answer only after its
//! own entry is committed.
//!
//! When a batch fails, its entries are written one by one, so an entry the
//! database refuses fails only the request that made it.

use crate::db::Pool;
use crate::db::access_log::{self, NewAccessLogEntry};
use crate::error::{ApiError, ApiResult};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The most entries written in one statement.
const MAX_BATCH: usize = 500;

struct Pending {
    entry: NewAccessLogEntry<'static>,
    /// how long the request may wait for a pooled connection
    wait: Option<Duration>,
    done: oneshot::Sender<bool>,
}

/// The writer of read entries; one per app, started on first use.
#[derive(Default)]
pub struct ReadLogWriter {
    queue: OnceLock<mpsc::UnboundedSender<Pending>>,
}

impl std::fmt::Debug for ReadLogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadLogWriter")
    }
}

impl ReadLogWriter {
    /// Stores `entry`, returning once it is committed.
    pub async fn store(&self, pool: &Pool, wait: Option<Duration>, entry: NewAccessLogEntry<'static>) -> ApiResult<()> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(pool.clone(), rx));
            tx
        });
        let (done, stored) = oneshot::channel();
        let log_id = entry.log_id;
        let failed = || ApiError::internal(format_args!("access log entry for log {log_id} could not be stored"));
        queue.send(Pending { entry, wait, done }).map_err(|_| failed())?;
        match stored.await {
            Ok(true) => Ok(()),
            _ => Err(failed()),
        }
    }
}

/// Runs until every sender is gone (the app is dropped).
async fn write_batches(pool: Pool, mut rx: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let stored = write(&pool, &batch).await;
        for (pending, ok) in batch.drain(..).zip(stored) {
            // A request that went away no longer listens; its entry is stored all the same.
            let _ = pending.done.send(ok);
        }
    }
}

/// Whether each entry was stored.
async fn write(pool: &Pool, batch: &[Pending]) -> Vec<bool> {
    let wait = batch.iter().filter_map(|p| p.wait).max();
    let mut conn = match crate::db::conn_within(pool, wait).await {
        Ok(conn) => conn,
        Err(e) => {
            crate::db::note_checkout_error(&e);
            tracing::warn!(error = %e, entries = batch.len(), "no connection for access-log reads");
            return vec![false; batch.len()];
        }
    };
    let entries: Vec<_> = batch.iter().map(|p| p.entry.clone()).collect();
    if access_log::append_all(&mut conn, &entries).await.is_ok() {
        return vec![true; batch.len()];
    }
    let mut stored = Vec::with_capacity(batch.len());
    for entry in &entries {
        let result = access_log::append(&conn, entry).await;
        if let Err(e) = &result {
            tracing::warn!(error = %e, log_id = %entry.log_id, "access-log read entry refused");
        }
        stored.push(result.is_ok());
    }
    stored
}
