//! The shape of every write to a log: one transaction that locks the log
//! row, loads the writer's relation to it, asks the policy, changes data,
//! appends the access-log entry and the outbox event, and commits — or
//! changes nothing.

use crate::context::RequestContext;
use crate::db::enums::{AccessAction, EventKind, ObjectType};
use crate::error::{ApiError, ApiResult};
use crate::events::{self, EventPayload};
use crate::policy::{Acting, LogRelation, WriteAction, relation, write};
use crate::{audit, db};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
pub use scoped_futures::{ScopedBoxFuture, ScopedFutureExt};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// content writes: many may run at once, none while the status changes
    Share,
    /// status changes (consent, closing, handover, deletion)
    Exclusive,
}

/// A write in progress: the writer's relation to the log, as of the lock.
pub struct Write {
    pub rel: LogRelation,
    pub actor: Uuid,
    /// what NOT_FOUND names, so a hidden log's objects read like absent ones
    what: &'static str,
}

impl Write {
    pub fn log_id(&self) -> Uuid {
        self.rel.log_id
    }

    /// The writer's access to the log as of the lock. Content writes do not
    /// change access, so their answers are read with it (no reload).
    pub fn access(&self) -> std::sync::Arc<crate::api::guard::LogAccess> {
        crate::api::guard::LogAccess::new(self.rel.clone(), self.actor)
    }

    pub fn authorize(&self, action: WriteAction) -> ApiResult<Acting> {
        write::authorize(&self.rel, action).map_err(|e| e.for_object(self.what))
    }

    /// Appends the access-log entry of this write. Like [`emit`](Self::emit)
    /// it takes a shared connection, so a write can pipeline both with its
    /// own statements (`futures_util::try_join!`, see `post_message`).
    pub async fn audit(
        &self,
        conn: &AsyncPgConnection,
        acting: Acting,
        object: ObjectType,
        object_id: Uuid,
        action: AccessAction,
    ) -> ApiResult<()> {
        let entry = audit::entry(self.actor, acting, self.rel.log_id, object, Some(object_id), action);
        audit::record_write(conn, &entry).await
    }

    pub async fn emit(&self, conn: &AsyncPgConnection, kind: EventKind, mut payload: EventPayload) -> ApiResult<()> {
        payload.actor_id.get_or_insert(self.actor);
        events::emit(conn, self.rel.log_id, kind, payload).await
    }
}

/// Runs `body` in a transaction on the locked log. A log that does not
/// exist is NOT_FOUND named `what`, like one the writer may not see.
pub async fn with_log<'a, T, F>(
    rc: &'a RequestContext,
    log_id: Uuid,
    lock: Lock,
    what: &'static str,
    body: F,
) -> ApiResult<T>
where
    T: Send + 'a,
    F: for<'c> FnOnce(&'c mut AsyncPgConnection, Write) -> ScopedBoxFuture<'a, 'c, ApiResult<T>> + Send + 'a,
{
    let actor = rc.principal.person_id();
    in_transaction(rc, move |conn| {
        async move {
            let rel = relation::load_locked(conn, actor, log_id, lock == Lock::Exclusive)
                .await?
                .ok_or(ApiError::NotFound(what))?;
            body(conn, Write { rel, actor, what }).await
        }
        .scope_boxed()
    })
    .await
}

/// Runs `body` in a transaction: commits on `Ok`, rolls back on `Err`.
pub async fn in_transaction<'a, T, F>(rc: &'a RequestContext, body: F) -> ApiResult<T>
where
    T: Send + 'a,
    F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'c, ApiResult<T>> + Send + 'a,
{
    transaction(rc, body, true).await
}

/// Runs reads that must see one moment (`statistics`) in a transaction.
/// They wrote nothing, so the relay is not woken and the request's loaders
/// keep what they hold.
pub async fn read_transaction<'a, T, F>(rc: &'a RequestContext, body: F) -> ApiResult<T>
where
    T: Send + 'a,
    F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'c, ApiResult<T>> + Send + 'a,
{
    transaction(rc, body, false).await
}

async fn transaction<'a, T, F>(rc: &'a RequestContext, body: F, wrote: bool) -> ApiResult<T>
where
    T: Send + 'a,
    F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'c, ApiResult<T>> + Send + 'a,
{
    let mut pooled: db::PooledConn = rc.conn().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    AnsiTransactionManager::begin_transaction(conn).await?;
    match body(conn).await {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(conn).await?;
            if wrote {
                rc.config.outbox_written.notify_one();
                // What this request loaded before the write may no longer be true.
                rc.loaders.clear();
            }
            Ok(value)
        }
        Err(e) => {
            // The error the client sees is the body's; a failed rollback
            // breaks the connection, and the pool discards it.
            if let Err(rollback) = AnsiTransactionManager::rollback_transaction(conn).await {
                tracing::warn!(%rollback, "rollback failed");
            }
            Err(e)
        }
    }
}
