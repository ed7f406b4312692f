//! Writing the access log (tilgangslogg).
//!
//! Writes are recorded in the mutation's own transaction. Reads of log
//! content by professionals are recorded once per request and log, before
//! the first content field is returned: if the entry cannot be stored, the
//! field fails and the request is marked failed, so nothing is shown that
//! the family could not later see was shown. Read entries of concurrent
//! requests share a statement and a commit ([`reads`]).

mod reads;
pub use reads::ReadLogWriter;

use crate::context::RequestContext;
use crate::db::access_log::{self, NewAccessLogEntry};
use crate::db::enums::{AccessAction, ObjectType};
use crate::error::{ApiError, ApiResult};
use crate::policy::Acting;
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Records a write (an [`entry`]) in the caller's transaction.
pub async fn record_write(conn: &AsyncPgConnection, entry: &NewAccessLogEntry<'_>) -> ApiResult<()> {
    access_log::append(conn, entry).await.map_err(ApiError::from)
}

/// The entry of `actor_id`'s `action` on an object of a log, as `acting`.
pub fn entry(
    actor_id: Uuid,
    acting: Acting,
    log_id: Uuid,
    object_type: ObjectType,
    object_id: Option<Uuid>,
    action: AccessAction,
) -> NewAccessLogEntry<'static> {
    NewAccessLogEntry {
        actor_id,
        actor_role: acting.role,
        actor_unit_id: acting.unit_id,
        log_id,
        object_type,
        object_id,
        action,
        detail: None,
    }
}

/// One request's read entries, at most one per log.
#[derive(Default)]
pub struct ReadAudit {
    per_log: Mutex<HashMap<Uuid, Arc<OnceCell<bool>>>>,
    failed: AtomicBool,
}

impl ReadAudit {
    /// Ensures this request's read of `log_id` is in the access log.
    /// Concurrent fields of the same log wait for the one entry.
    pub async fn record_read(
        &self,
        rc: &RequestContext,
        actor_id: Uuid,
        acting: Acting,
        log_id: Uuid,
        object_type: ObjectType,
    ) -> ApiResult<()> {
        let cell = {
            let mut map = self.per_log.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(log_id).or_default().clone()
        };
        let stored = *cell
            .get_or_init(|| async {
                let entry = entry(actor_id, acting, log_id, object_type, Some(log_id), AccessAction::Read);
                rc.config.read_log.store(&rc.pool, rc.pool_wait(), entry).await.is_ok()
            })
            .await;
        if stored {
            Ok(())
        } else {
            self.failed.store(true, Ordering::SeqCst);
            Err(ApiError::internal(format_args!("access log entry for log {log_id} could not be stored")))
        }
    }

    /// True when some read could not be recorded: the transport then fails the whole request.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }
}
