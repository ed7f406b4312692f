//! Configuration from the environment, split by concern. Every variable is
//! listed in the README's configuration table.

use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::time::Duration;

/// Reads a variable; `Ok(None)` when unset or empty.
pub fn var(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e) => Err(e).with_context(|| format!("{name} is not valid unicode")),
    }
}

/// Reads and parses a variable, with a default when unset.
pub fn parsed<T>(name: &str, default: T) -> Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match var(name)? {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e| anyhow::anyhow!("{name}={v:?}: {e}")),
    }
}

fn flag(name: &str) -> Result<bool> {
    match var(name)?.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(other) => bail!("{name}={other:?}: expected true or false"),
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: String,
    pub pool_size: usize,
    /// applied to every connection, so no query can hold a connection forever
    pub statement_timeout: Duration,
    /// how long a request waits for a pooled connection
    pub acquire_timeout: Duration,
    /// a pooled connection older than this is closed instead of reused
    pub max_connection_lifetime: Duration,
}

impl DatabaseConfig {
    pub fn from_environment() -> Result<Self> {
        Ok(DatabaseConfig {
            url: var("DATABASE_URL")?.unwrap_or_else(|| "postgres://localhost/stafett".into()),
            pool_size: parsed("STAFETT_DB_POOL_SIZE", 16)?,
            statement_timeout: Duration::from_millis(parsed("STAFETT_DB_STATEMENT_TIMEOUT_MS", 5_000)?),
            acquire_timeout: Duration::from_millis(parsed("STAFETT_DB_ACQUIRE_TIMEOUT_MS", 5_000)?),
            max_connection_lifetime: Duration::from_secs(parsed("STAFETT_DB_MAX_CONNECTION_LIFETIME_S", 600)?),
        })
    }
}

#[derive(Debug, Clone)]
pub struct DevAuthConfig {
    /// development tokens (`stafett token`) are accepted
    pub enabled: bool,
    /// `serve` may run with development tokens (loudly)
    pub forced: bool,
}

impl DevAuthConfig {
    pub fn from_environment() -> Result<Self> {
        Ok(DevAuthConfig { enabled: flag("STAFETT_DEV_AUTH")?, forced: flag("STAFETT_DEV_AUTH_FORCE")? })
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database: DatabaseConfig,
    pub redis_url: Option<String>,
    pub dev_auth: DevAuthConfig,
    /// demo mode: GraphiQL, introspection, suggestions, development tokens
    pub demo: bool,
    pub limits: crate::limits::Limits,
    pub json_logs: bool,
    pub events: crate::events::EventsConfig,
    pub ws: WsConfig,
    pub oidc: crate::auth::OidcConfig,
    /// how long a principal's roles are cached
    pub principal_cache: Duration,
}

#[derive(Debug, Clone)]
pub struct WsConfig {
    /// how long a websocket may stay open without `connection_init`
    pub init_timeout: Duration,
}

impl WsConfig {
    pub fn from_environment() -> Result<Self> {
        Ok(WsConfig { init_timeout: Duration::from_millis(parsed("STAFETT_WS_INIT_TIMEOUT_MS", 3_000)?) })
    }
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig { init_timeout: Duration::from_secs(3) }
    }
}

impl Config {
    pub fn from_environment() -> Result<Self> {
        Ok(Config {
            addr: parsed("STAFETT_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            database: DatabaseConfig::from_environment()?,
            redis_url: var("REDIS_URL")?,
            dev_auth: DevAuthConfig::from_environment()?,
            demo: false,
            limits: crate::limits::Limits::from_environment()?,
            json_logs: var("STAFETT_LOG_FORMAT")?.as_deref() == Some("json"),
            events: crate::events::EventsConfig::from_environment()?,
            ws: WsConfig::from_environment()?,
            oidc: crate::auth::OidcConfig::from_environment()?,
            principal_cache: Duration::from_millis(parsed("STAFETT_PRINCIPAL_CACHE_MS", 10_000)?),
        })
    }
}
