//! Per-request state: who is asking, the pool, the request's loaders and
//! its access-log reads. The transport builds one per request (or per
//! websocket connection) and inserts it as `Arc<RequestContext>`.

use crate::api::cursor::CursorKey;
use crate::audit::{ReadAudit, ReadLogWriter};
use crate::db::{Pool, PooledConn};
use crate::error::ApiResult;
use crate::loaders::Loaders;
use crate::principal::Principal;
use async_graphql::Context;
use std::sync::Arc;
use std::time::Duration;

/// Settings of the API that operators may change.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// `first` when a connection is asked for without one
    pub default_page_size: i64,
    /// the largest `first` a connection accepts
    pub max_page_size: i64,
    /// signalled after every commit, so the relay sequences new events
    /// without waiting for PostgreSQL's notification
    pub outbox_written: Arc<tokio::sync::Notify>,
    /// stores professionals' read entries in batches
    pub read_log: Arc<ReadLogWriter>,
    /// makes event and access-log cursors opaque; the app reads it from the
    /// database (`db::secrets`) so that every instance shares it
    pub cursor_key: CursorKey,
    /// told, after the commit, of every staff member whose principal changed
    /// (deactivated, reactivated, roles changed); the server drops what it
    /// cached of them, tells the other instances, and ends their websockets
    pub access_changed: tokio::sync::broadcast::Sender<uuid::Uuid>,
    /// drops this instance's cached principals at once, before the answer
    /// of the change goes out: the broadcast above is acted on by a task,
    /// and the attack on issue 19 sent its next request (appoint the new
    /// municipality's admin) before that task ran, 6 times in 40
    pub forget_principals: ForgetPrincipals,
}

/// A synchronous hook to the server's principal cache (a no-op where there
/// is none, as in the schema's own tests).
#[derive(Clone)]
pub struct ForgetPrincipals(pub Arc<dyn Fn() + Send + Sync>);

impl Default for ForgetPrincipals {
    fn default() -> Self {
        ForgetPrincipals(Arc::new(|| {}))
    }
}

impl std::fmt::Debug for ForgetPrincipals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForgetPrincipals")
    }
}

impl ApiConfig {
    /// Announces committed access changes (a send with no listener is fine:
    /// the server polls `staff.access_changed_at` as well).
    pub fn announce_access_changes(&self, people: &[uuid::Uuid]) {
        if !people.is_empty() {
            (self.forget_principals.0)();
        }
        for person in people {
            let _ = self.access_changed.send(*person);
        }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            default_page_size: 20,
            max_page_size: 100,
            outbox_written: Arc::new(tokio::sync::Notify::new()),
            read_log: Arc::default(),
            cursor_key: CursorKey::random(),
            access_changed: tokio::sync::broadcast::channel(1024).0,
            forget_principals: ForgetPrincipals::default(),
        }
    }
}

pub struct RequestContext {
    pub principal: Principal,
    pub pool: Pool,
    pub config: Arc<ApiConfig>,
    pub audit: ReadAudit,
    pub loaders: Loaders,
    /// how long to wait for a pooled connection; `None`: the pool's own
    /// (short) timeout
    wait: Option<Duration>,
}

/// How long a subscription waits for a pooled connection. When thousands of
/// clients reconnect at once (after a restart, say), their subscriptions
/// queue for the database instead of failing after the short timeout meant
/// for HTTP requests, whose callers are waiting on a response.
pub const SUBSCRIPTION_WAIT: Duration = Duration::from_secs(60);

impl RequestContext {
    pub fn new(principal: Principal, pool: Pool, config: Arc<ApiConfig>) -> Arc<RequestContext> {
        Self::with_wait(principal, pool, config, None)
    }

    /// The context of a websocket's subscriptions (see [`SUBSCRIPTION_WAIT`]).
    pub fn for_subscriptions(principal: Principal, pool: Pool, config: Arc<ApiConfig>) -> Arc<RequestContext> {
        Self::with_wait(principal, pool, config, Some(SUBSCRIPTION_WAIT))
    }

    fn with_wait(principal: Principal, pool: Pool, config: Arc<ApiConfig>, wait: Option<Duration>) -> Arc<Self> {
        let loaders = Loaders::new(&pool, principal.person_id());
        Arc::new(RequestContext { principal, pool, config, audit: ReadAudit::default(), loaders, wait })
    }

    /// How long this request waits for a pooled connection (`None`: the pool's own timeout).
    pub fn pool_wait(&self) -> Option<Duration> {
        self.wait
    }

    pub async fn conn(&self) -> ApiResult<PooledConn> {
        Ok(crate::db::conn_within(&self.pool, self.wait).await?)
    }

    /// The language the service writes to the viewer in (`Me.language`;
    /// bokmål until chosen).
    pub async fn language(&self) -> ApiResult<crate::db::enums::Language> {
        let chosen = self.loaders.language().load_one(self.principal.person_id()).await?;
        Ok(chosen.unwrap_or(crate::db::enums::Language::Nb))
    }
}

/// The request's context; every resolver runs inside one.
pub fn rc<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<Arc<RequestContext>>()
}
