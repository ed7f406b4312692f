//! The application: one `App` holds the pool, the schema, the authenticator,
//! the event hub and the configuration; `AppState` is its handle in axum.

use crate::auth::Authenticator;
use crate::config::Config;
use crate::db;
use crate::events::redis_bus::RedisBus;
use crate::events::{deadlines, relay};
use anyhow::{Context, Result};
use stafett_schema::api::limits::DocumentLimits;
use stafett_schema::db::Pool;
use stafett_schema::events::Hub;
use stafett_schema::{ApiConfig, StafettSchema, build_schema};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub schema: StafettSchema,
    pub auth: Authenticator,
    pub api_config: Arc<ApiConfig>,
    /// SQL statements sent since start
    pub queries: db::QueryCounter,
    /// this instance's fan-out of committed events
    pub hub: Arc<Hub>,
    /// Redis between instances; `None` runs on the in-process bus alone
    pub redis: Option<Arc<RedisBus>>,
    /// events this instance has sequenced
    pub relayed: Arc<AtomicU64>,
    /// cancelled when shutdown begins: websockets close with 1001
    pub shutdown: CancellationToken,
    /// cancelled once requests have finished: background tasks flush and stop
    pub background: CancellationToken,
    /// requests per principal
    pub rate: crate::limits::RateLimiter,
    /// live subscriptions per principal
    pub subscriptions: Arc<crate::limits::SubscriptionCounts>,
    pub principals: crate::auth::principals::PrincipalCache,
    /// drops cached principals and ends websockets when a staff member's
    /// access changes, on every instance
    pub access: Arc<crate::auth::access::AccessWatch>,
    /// checked on every request before it runs
    pub document_limits: DocumentLimits,
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl App {
    /// Connects (creating and migrating the database when needed) and builds the app.
    pub async fn start(config: Config) -> Result<AppState> {
        db::create_if_missing(&config.database.url).await?;
        let ran = db::migrate(&config.database.url).await?;
        if ran > 0 {
            tracing::info!(migrations = ran, "database migrated");
        }
        let queries = db::QueryCounter::default();
        let pool = db::pool(&config.database, queries.clone())?;
        Self::with_pool(config, pool, queries).await
    }

    /// Builds the app on an existing pool (tests).
    pub async fn with_pool(config: Config, pool: Pool, queries: db::QueryCounter) -> Result<AppState> {
        let cursor_key = {
            let mut conn = pool.get().await.context("a connection to read the cursor key")?;
            let bytes = stafett_schema::db::secrets::cursor_key(&mut conn).await.context("reading the cursor key")?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| anyhow::anyhow!("the cursor key is not 32 bytes"))?;
            let legacy =
                stafett_schema::db::secrets::legacy_cursor_limits(&mut conn).await.context("legacy cursors")?;
            legacy.iter().fold(stafett_schema::api::cursor::CursorKey::new(&bytes), |key, (kind, max)| {
                key.with_legacy(kind, *max)
            })
        };
        let principals = crate::auth::principals::PrincipalCache::new(config.principal_cache);
        let forget = principals.clone();
        let api_config = Arc::new(ApiConfig {
            cursor_key,
            max_page_size: config.limits.max_page_size,
            forget_principals: stafett_schema::context::ForgetPrincipals(Arc::new(move || forget.invalidate_all())),
            ..ApiConfig::default()
        });
        crate::metrics::handle();
        let config_limits = config.limits.clone();
        let document_limits = DocumentLimits {
            max_fields: config.limits.max_fields,
            max_aliases: config.limits.max_aliases,
            max_directives: config.limits.max_directives,
            max_spreads: config.limits.max_spreads,
            max_cost: config.limits.max_cost,
            default_page: 20,
            max_page: u64::try_from(config.limits.max_page_size).unwrap_or(100),
        };
        let hub = Hub::start(pool.clone(), config.events.hub_capacity).await?;
        let redis = config.redis_url.as_deref().map(RedisBus::new).transpose()?;
        let schema = schema(&config, hub.clone());
        let auth = Authenticator::new(config.dev_auth.enabled || config.demo, &config.oidc)?;
        auth.prefetch().await;
        let access = Arc::new(crate::auth::access::AccessWatch::new(principals.clone()));
        Ok(AppState(Arc::new(App {
            config,
            pool,
            schema,
            auth,
            api_config,
            queries,
            hub,
            redis,
            relayed: Arc::new(AtomicU64::new(0)),
            shutdown: CancellationToken::new(),
            background: CancellationToken::new(),
            rate: crate::limits::RateLimiter::new(&config_limits),
            subscriptions: Default::default(),
            principals,
            access,
            document_limits,
        })))
    }

    /// Starts the background work of an instance: the relay (woken by this
    /// instance's commits, and polling for what another left behind), the
    /// Redis subscription (or none), catch-up, and the deadline sweep.
    pub fn spawn_background(&self) -> Vec<JoinHandle<()>> {
        let stop = self.background.clone();
        let events = &self.config.events;
        let wake = self.api_config.outbox_written.clone();
        let relay = relay::Relay {
            pool: self.pool.clone(),
            hub: self.hub.clone(),
            bus: self.redis.clone(),
            wake: wake.clone(),
            poll: events.relay_poll,
            pass_timeout: events.relay_pass_timeout,
            relayed: self.relayed.clone(),
        };
        let mut tasks = vec![
            tokio::spawn(relay.run(stop.clone())),
            tokio::spawn(relay::catch_up(self.hub.clone(), events.catch_up, stop.clone())),
            tokio::spawn(deadlines::run(
                self.pool.clone(),
                events.deadline_sweep,
                events.due_soon_days,
                wake,
                stop.clone(),
            )),
        ];
        tasks.push(tokio::spawn(crate::auth::access::poll(
            self.access.clone(),
            self.pool.clone(),
            events.catch_up,
            stop.clone(),
        )));
        tasks.push(tokio::spawn(forward_access_changes(
            self.api_config.access_changed.subscribe(),
            self.access.clone(),
            self.redis.clone(),
            stop.clone(),
        )));
        if let Some(bus) = &self.redis {
            tasks.push(tokio::spawn(bus.clone().subscribe(self.hub.clone(), self.access.clone(), stop)));
        }
        tasks
    }
}

/// The schema with the limits of `config`. Introspection and suggestions
/// are for development: on in demo mode, off in `serve`.
pub fn schema(config: &Config, hub: Arc<Hub>) -> StafettSchema {
    let l = &config.limits;
    let mut builder = build_schema()
        .data(hub)
        .limit_depth(l.max_depth)
        .limit_complexity(l.max_complexity)
        .limit_directives(l.max_directives)
        .limit_recursive_depth(stafett_schema::api::limits::MAX_RECURSION);
    if !config.demo {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// This instance's committed access changes: acted on here at once, and
/// rung to the other instances through Redis.
async fn forward_access_changes(
    mut changes: tokio::sync::broadcast::Receiver<uuid::Uuid>,
    access: Arc<crate::auth::access::AccessWatch>,
    bus: Option<Arc<RedisBus>>,
    stop: CancellationToken,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let person = tokio::select! {
            _ = stop.cancelled() => return,
            received = changes.recv() => match received {
                Ok(person) => person,
                // Missed ones are in staff.access_changed_at: the poll finds them.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
        };
        access.changed(person);
        if let Some(bus) = &bus {
            bus.publish_access(person).await;
        }
    }
}
