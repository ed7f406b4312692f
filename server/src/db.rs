//! The database at start-up: create it when missing, run the embedded
//! migrations, and build the pool with per-connection session settings.

use crate::config::DatabaseConfig;
use anyhow::{Context, Result};
use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;
use stafett_schema::db::Pool;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Creates the database named in `url` when it does not exist, connecting
/// to the server's `postgres` database to do so.
pub async fn create_if_missing(url: &str) -> Result<()> {
    if AsyncPgConnection::establish(url).await.is_ok() {
        return Ok(());
    }
    let (server, name) = split_database(url)?;
    let mut conn = AsyncPgConnection::establish(&format!("{server}/postgres"))
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {server}"))?;
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result(&mut conn)
        .await?;
    if !found.exists {
        tracing::info!(database = %name, "creating database");
        let quoted = name.replace('"', "\"\"");
        conn.batch_execute(&format!("CREATE DATABASE \"{quoted}\"")).await?;
    }
    Ok(())
}

/// `postgres://host/db?x` → (`postgres://host`, `db`).
fn split_database(url: &str) -> Result<(String, String)> {
    let without_query = url.split('?').next().unwrap_or(url);
    let (server, name) = without_query.rsplit_once('/').context("DATABASE_URL has no database name")?;
    anyhow::ensure!(server.contains("://") && !name.is_empty(), "DATABASE_URL has no database name");
    Ok((server.to_owned(), name.to_owned()))
}

/// Runs pending migrations; returns how many ran.
pub async fn migrate(url: &str) -> Result<usize> {
    let mut conn = AsyncPgConnection::establish(url).await.context("connecting to run migrations")?;
    let version: ServerVersion = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT current_setting('server_version_num')::int AS version"),
        &mut conn,
    )
    .await
    .context("reading PostgreSQL's version")?;
    supported(version.version)?;
    let url = url.to_owned();
    // The harness blocks on the async connection; keep it off the runtime's workers.
    tokio::task::spawn_blocking(move || -> Result<usize> {
        let mut harness = AsyncMigrationHarness::new(conn);
        let ran = harness
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migrations failed on {}: {e}", redact(&url)))?;
        Ok(ran.len())
    })
    .await?
}

#[derive(diesel::QueryableByName)]
struct ServerVersion {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    version: i32,
}

/// The oldest PostgreSQL Stafett runs on: 14, for `client_connection_check_interval`
/// (which stops statements whose client went away). An older server is
/// refused at start with this message rather than failing on the setting later.
const MIN_POSTGRES: i32 = 140_000;

fn supported(version_num: i32) -> Result<()> {
    anyhow::ensure!(
        version_num >= MIN_POSTGRES,
        "Stafett needs PostgreSQL 14 or newer; this server is version {}.{}",
        version_num / 10_000,
        version_num % 10_000
    );
    Ok(())
}

/// A URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}

/// Counts SQL statements sent through the pool: the round-trip bound of a
/// request is tested with it, and it is exported as a metric.
#[derive(Clone, Default)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn get(&self) -> u64 {
        AtomicU64::load(&self.0, Ordering::Relaxed)
    }
}

/// The connection pool. Every new connection gets a statement timeout, so
/// no request can hold a connection or a lock forever, and runs its prepared
/// statements with generic plans.
///
/// Why generic plans: the API's statements are short index lookups whose
/// plan does not depend on the values bound, but PostgreSQL's default
/// (`auto`) kept re-planning them for every execution because it judged the
/// generic plan dearer: under load planning took more time than executing
/// (the access-check statement 1.0 ms planning to 1.0 ms execution; all the
/// log page's statements together 21 s planning to 15 s executing in one
/// benchmark run). A statement whose generic plan is poor is rewritten so
/// that it has a good one (see `db::participants::is_coordinator`). A
/// connection keeps a generic plan until PostgreSQL invalidates it, which
/// autovacuum's ANALYZE does as a table grows; the outbox grows faster than
/// that and is planned per execution (`db::events::outbox_query`).
///
/// Connections are closed once older than `max_connection_lifetime` (ten
/// minutes by default), so no connection keeps a plan made when a table was
/// much smaller for longer than that, whatever autovacuum does.
///
/// `client_connection_check_interval`: a statement whose client went away
/// (a request or relay pass abandoned on a timeout, its connection dropped)
/// stops within a second instead of running to its end holding its locks.
pub fn pool(config: &DatabaseConfig, counter: QueryCounter) -> Result<Pool> {
    let timeout_ms = config.statement_timeout.as_millis();
    let mut manager_config = ManagerConfig::<AsyncPgConnection>::default();
    // Verified recycling pings the server on every checkout: a round trip per
    // loader per request. A dead connection fails its first query instead,
    // and the pool drops it.
    manager_config.recycling_method = diesel_async::pooled_connection::RecyclingMethod::Fast;
    manager_config.custom_setup = Box::new(move |url| {
        let counter = counter.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    counter.0.fetch_add(1, Ordering::Relaxed);
                    // RUST_LOG=stafett::sql=trace shows every statement (for profiling round trips).
                    tracing::trace!(target: "stafett::sql", "{query}");
                }
            });
            conn.batch_execute(&format!(
                "SET statement_timeout = {timeout_ms}; SET idle_in_transaction_session_timeout = {}; \
                 SET plan_cache_mode = force_generic_plan; SET client_connection_check_interval = 1000",
                timeout_ms * 2
            ))
            .await
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(&config.url, manager_config);
    let lifetime = config.max_connection_lifetime;
    Ok(Pool::builder(manager)
        .pre_recycle(deadpool::managed::Hook::sync_fn(move |_, metrics| {
            if metrics.age() > lifetime {
                Err(deadpool::managed::HookError::message("past its lifetime"))
            } else {
                Ok(())
            }
        }))
        .max_size(config.pool_size)
        .wait_timeout(Some(config.acquire_timeout))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn postgres_older_than_14_is_refused_with_its_version() {
        assert!(super::supported(140_000).is_ok());
        assert!(super::supported(170_002).is_ok());
        let err = super::supported(130_016).unwrap_err().to_string();
        assert!(err.contains("PostgreSQL 14 or newer") && err.contains("13.16"), "{err}");
    }

    use super::*;

    #[test]
    fn splits_the_database_name_off() {
        assert_eq!(
            split_database("postgres://u:p@localhost:5432/stafett?sslmode=disable").unwrap(),
            ("postgres://u:p@localhost:5432".into(), "stafett".into())
        );
        assert!(split_database("postgres://localhost/").is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://***@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
