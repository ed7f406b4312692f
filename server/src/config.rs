//! The one configuration: every setting is a flag of `stafett serve` (and
//! `demo`, `migrate`) with its environment variable and default, declared
//! once in [`Settings`]. `stafett serve --help` lists them all; the
//! README's configuration table says the same, and
//! `tests/e2e/config_help.rs` fails when the two disagree.
//!
//! [`Settings`] is what an operator writes; [`Config`] is what the service
//! runs with, grouped by concern and checked ([`Settings::into_config`]).

use crate::auth::{OidcConfig, oidc};
use crate::events::EventsConfig;
use crate::limits::Limits;
use anyhow::{Context, Result};
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

fn millis(v: &str) -> Result<Duration, String> {
    v.trim().parse::<u64>().map(Duration::from_millis).map_err(|e| format!("{v:?}: {e} (milliseconds)"))
}

fn seconds(v: &str) -> Result<Duration, String> {
    v.trim().parse::<u64>().map(Duration::from_secs).map_err(|e| format!("{v:?}: {e} (seconds)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Every setting, as a flag or its environment variable. Environment values
/// are hidden from `--help` (a database URL may hold a password).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Settings (each also read from its environment variable)")]
pub struct Settings {
    /// PostgreSQL; the database is created when missing and migrated at start-up
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = "postgres://localhost/stafett")]
    pub database_url: String,
    /// Redis for events across instances; unset: an in-process bus (one instance)
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// listen address
    #[arg(long, env = "STAFETT_ADDR", hide_env_values = true, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// listen address of `/metrics` (Prometheus), apart from the public one; unset: no metrics endpoint
    #[arg(long, env = "STAFETT_METRICS_ADDR", hide_env_values = true)]
    pub metrics_addr: Option<SocketAddr>,
    /// accept development tokens; `serve` refuses to start with it unless STAFETT_DEV_AUTH_FORCE=true
    #[arg(long, env = "STAFETT_DEV_AUTH", hide_env_values = true, action = ArgAction::Set, value_parser = BoolishValueParser::new(), default_value = "false", num_args = 0..=1, default_missing_value = "true")]
    pub dev_auth: bool,
    /// run `serve` with development tokens anyway (logs a loud warning)
    #[arg(long, env = "STAFETT_DEV_AUTH_FORCE", hide_env_values = true, action = ArgAction::Set, value_parser = BoolishValueParser::new(), default_value = "false", num_args = 0..=1, default_missing_value = "true")]
    pub dev_auth_force: bool,
    /// ID-porten's issuer URL (citizens)
    #[arg(long, env = "STAFETT_CITIZEN_ISSUER", hide_env_values = true)]
    pub citizen_issuer: Option<String>,
    /// required with the citizen issuer: the `aud` Stafett's tokens carry
    #[arg(long, env = "STAFETT_CITIZEN_AUDIENCE", hide_env_values = true)]
    pub citizen_audience: Option<String>,
    /// the lowest acceptable `acr`
    #[arg(long, env = "STAFETT_CITIZEN_ACR", hide_env_values = true, default_value = "idporten-loa-high")]
    pub citizen_acr: String,
    /// the municipality's identity provider (staff)
    #[arg(long, env = "STAFETT_STAFF_ISSUER", hide_env_values = true)]
    pub staff_issuer: Option<String>,
    /// required with the staff issuer
    #[arg(long, env = "STAFETT_STAFF_AUDIENCE", hide_env_values = true)]
    pub staff_audience: Option<String>,
    /// the claim matched against staff external ids (`oid` for Entra ID)
    #[arg(long, env = "STAFETT_STAFF_ID_CLAIM", hide_env_values = true, default_value = "sub")]
    pub staff_id_claim: String,
    /// at most one key refresh per issuer in this interval (ms)
    #[arg(long = "jwks-min-refresh-ms", env = "STAFETT_JWKS_MIN_REFRESH_MS", hide_env_values = true, default_value = "30000", value_parser = millis)]
    pub jwks_min_refresh: Duration,
    /// connections in the pool
    #[arg(long, env = "STAFETT_DB_POOL_SIZE", hide_env_values = true, default_value_t = 16)]
    pub db_pool_size: usize,
    /// `statement_timeout` on every connection (ms)
    #[arg(long = "db-statement-timeout-ms", env = "STAFETT_DB_STATEMENT_TIMEOUT_MS", hide_env_values = true, default_value = "5000", value_parser = millis)]
    pub db_statement_timeout: Duration,
    /// how long a request waits for a connection (ms)
    #[arg(long = "db-acquire-timeout-ms", env = "STAFETT_DB_ACQUIRE_TIMEOUT_MS", hide_env_values = true, default_value = "5000", value_parser = millis)]
    pub db_acquire_timeout: Duration,
    /// a pooled connection older than this is closed instead of reused (s)
    #[arg(long = "db-max-connection-lifetime-s", env = "STAFETT_DB_MAX_CONNECTION_LIFETIME_S", hide_env_values = true, default_value = "600", value_parser = seconds)]
    pub db_max_connection_lifetime: Duration,
    /// maximum query depth (GraphiQL's introspection query needs 13–15)
    #[arg(long, env = "STAFETT_MAX_DEPTH", hide_env_values = true, default_value_t = 15)]
    pub max_depth: usize,
    /// maximum query complexity (every field, aliases included, counts)
    #[arg(long, env = "STAFETT_MAX_COMPLEXITY", hide_env_values = true, default_value_t = 1_000)]
    pub max_complexity: usize,
    /// directives per selection and per operation, fragment or variable definition
    #[arg(long, env = "STAFETT_MAX_DIRECTIVES", hide_env_values = true, default_value_t = 4)]
    pub max_directives: usize,
    /// field selections per document, fragments expanded
    #[arg(long, env = "STAFETT_MAX_FIELDS", hide_env_values = true, default_value_t = 250)]
    pub max_fields: usize,
    /// aliases per document
    #[arg(long, env = "STAFETT_MAX_ALIASES", hide_env_values = true, default_value_t = 30)]
    pub max_aliases: usize,
    /// fragment spreads per document, counted where each is expanded
    #[arg(long, env = "STAFETT_MAX_FRAGMENT_SPREADS", hide_env_values = true, default_value_t = 100)]
    pub max_fragment_spreads: usize,
    /// the most values a response may hold, each list counted as its page
    /// (`first`) times what it selects; checked before the query runs
    #[arg(long, env = "STAFETT_MAX_RESPONSE_VALUES", hide_env_values = true, default_value_t = 20_000)]
    pub max_response_values: u64,
    /// an HTTP request not answered by then gets 503 (ms; 0: off); websockets are not bounded
    #[arg(long = "request-timeout-ms", env = "STAFETT_REQUEST_TIMEOUT_MS", hide_env_values = true, default_value = "30000", value_parser = millis)]
    pub request_timeout: Duration,
    /// request body size (bytes)
    #[arg(long, env = "STAFETT_MAX_BODY_BYTES", hide_env_values = true, default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,
    /// largest `first` on connections (the default page is 20)
    #[arg(long, env = "STAFETT_MAX_PAGE_SIZE", hide_env_values = true, default_value_t = 100)]
    pub max_page_size: i64,
    /// sustained requests per second per principal
    #[arg(long, env = "STAFETT_RATE_PER_SECOND", hide_env_values = true, default_value_t = 50)]
    pub rate_per_second: u32,
    /// requests a principal may make at once before the rate applies
    #[arg(long, env = "STAFETT_RATE_BURST", hide_env_values = true, default_value_t = 200)]
    pub rate_burst: u32,
    /// operations per websocket
    #[arg(long, env = "STAFETT_WS_MAX_SUBSCRIPTIONS", hide_env_values = true, default_value_t = 50)]
    pub ws_max_subscriptions: usize,
    /// live subscriptions per principal, across one instance's websockets
    #[arg(long, env = "STAFETT_MAX_SUBSCRIPTIONS_PER_PRINCIPAL", hide_env_values = true, default_value_t = 200)]
    pub max_subscriptions_per_principal: usize,
    /// how often an instance compares its event stream with PostgreSQL (ms)
    #[arg(long = "catch-up-ms", env = "STAFETT_CATCH_UP_MS", hide_env_values = true, default_value = "1000", value_parser = millis)]
    pub catch_up: Duration,
    /// how often the relay looks for events when nothing woke it (ms)
    #[arg(long = "relay-poll-ms", env = "STAFETT_RELAY_POLL_MS", hide_env_values = true, default_value = "1000", value_parser = millis)]
    pub relay_poll: Duration,
    /// a sequencing pass not finished by then is abandoned (rolled back) (ms)
    #[arg(long = "relay-pass-timeout-ms", env = "STAFETT_RELAY_PASS_TIMEOUT_MS", hide_env_values = true, default_value = "10000", value_parser = millis)]
    pub relay_pass_timeout: Duration,
    /// how often passed and near deadlines are announced (ms)
    #[arg(long = "deadline-sweep-ms", env = "STAFETT_DEADLINE_SWEEP_MS", hide_env_values = true, default_value = "60000", value_parser = millis)]
    pub deadline_sweep: Duration,
    /// the horizon of "due soon" deadline events (days)
    #[arg(long, env = "STAFETT_DUE_SOON_DAYS", hide_env_values = true, default_value_t = 7)]
    pub due_soon_days: i32,
    /// events a slow subscription may fall behind before it re-reads from PostgreSQL
    #[arg(long, env = "STAFETT_HUB_CAPACITY", hide_env_values = true, default_value_t = 8_192)]
    pub hub_capacity: usize,
    /// how long a websocket may stay open without `connection_init` (ms; then 4408)
    #[arg(long = "ws-init-timeout-ms", env = "STAFETT_WS_INIT_TIMEOUT_MS", hide_env_values = true, default_value = "3000", value_parser = millis)]
    pub ws_init_timeout: Duration,
    /// how long who a token's subject is (person, units, roles) is cached per instance (ms; 0: off)
    #[arg(long = "principal-cache-ms", env = "STAFETT_PRINCIPAL_CACHE_MS", hide_env_values = true, default_value = "10000", value_parser = millis)]
    pub principal_cache: Duration,
    /// log format on stderr
    #[arg(long, env = "STAFETT_LOG_FORMAT", hide_env_values = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// export traces over OTLP/HTTP (JSON) to this collector (`/v1/traces` is added); unset: no export.
    /// The SDK's other OTEL_* variables (headers, timeouts, batch sizes) apply as documented by OpenTelemetry
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", hide_env_values = true)]
    pub otel_exporter_otlp_endpoint: Option<String>,
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

#[derive(Debug, Clone)]
pub struct DevAuthConfig {
    /// development tokens (`stafett token`) are accepted
    pub enabled: bool,
    /// `serve` may run with development tokens (loudly)
    pub forced: bool,
}

#[derive(Debug, Clone)]
pub struct WsConfig {
    /// how long a websocket may stay open without `connection_init`
    pub init_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// where `/metrics` is served; `None`: nowhere
    pub metrics_addr: Option<SocketAddr>,
    pub database: DatabaseConfig,
    pub redis_url: Option<String>,
    pub dev_auth: DevAuthConfig,
    /// demo mode: GraphiQL, introspection, suggestions, development tokens
    pub demo: bool,
    pub limits: Limits,
    pub log_format: LogFormat,
    pub events: EventsConfig,
    pub ws: WsConfig,
    pub oidc: OidcConfig,
    /// how long a principal's roles are cached
    pub principal_cache: Duration,
}

/// Only the settings, to read them without a subcommand (the defaults).
#[derive(Parser)]
struct SettingsOnly {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    /// The settings `stafett serve` runs with when given no flags: the
    /// environment's, else the defaults.
    pub fn from_environment() -> Result<Settings> {
        Ok(SettingsOnly::try_parse_from(["stafett"])?.settings)
    }

    /// Groups and checks the settings.
    pub fn into_config(self) -> Result<Config> {
        let issuer = |name: &str,
                      issuer: Option<String>,
                      audience: Option<String>,
                      kind: oidc::Kind|
         -> Result<Option<oidc::IssuerConfig>> {
            let Some(issuer) = issuer else { return Ok(None) };
            let audience = audience
                .with_context(|| format!("STAFETT_{name}_ISSUER is set, so STAFETT_{name}_AUDIENCE must be too"))?;
            let config = oidc::IssuerConfig { issuer, audience, kind, min_refresh: self.jwks_min_refresh };
            config.check()?;
            Ok(Some(config))
        };
        let oidc = OidcConfig {
            citizen: issuer(
                "CITIZEN",
                self.citizen_issuer.clone(),
                self.citizen_audience.clone(),
                oidc::Kind::Citizen { acr: self.citizen_acr.clone() },
            )?,
            staff: issuer(
                "STAFF",
                self.staff_issuer.clone(),
                self.staff_audience.clone(),
                oidc::Kind::Staff { id_claim: self.staff_id_claim.clone() },
            )?,
        };
        Ok(Config {
            addr: self.addr,
            metrics_addr: self.metrics_addr,
            database: DatabaseConfig {
                url: self.database_url,
                pool_size: self.db_pool_size,
                statement_timeout: self.db_statement_timeout,
                acquire_timeout: self.db_acquire_timeout,
                max_connection_lifetime: self.db_max_connection_lifetime,
            },
            redis_url: self.redis_url,
            dev_auth: DevAuthConfig { enabled: self.dev_auth, forced: self.dev_auth_force },
            demo: false,
            limits: Limits {
                max_depth: self.max_depth,
                max_complexity: self.max_complexity,
                max_directives: self.max_directives,
                max_fields: self.max_fields,
                max_aliases: self.max_aliases,
                max_spreads: self.max_fragment_spreads,
                max_cost: self.max_response_values,
                max_body_bytes: self.max_body_bytes,
                request_timeout: Some(self.request_timeout).filter(|t| !t.is_zero()),
                max_page_size: self.max_page_size,
                rate_per_second: self.rate_per_second,
                rate_burst: self.rate_burst,
                max_subscriptions_per_connection: self.ws_max_subscriptions,
                max_subscriptions_per_principal: self.max_subscriptions_per_principal,
            },
            log_format: self.log_format,
            events: EventsConfig {
                relay_poll: self.relay_poll,
                relay_pass_timeout: self.relay_pass_timeout,
                catch_up: self.catch_up,
                deadline_sweep: self.deadline_sweep,
                due_soon_days: self.due_soon_days,
                hub_capacity: self.hub_capacity,
            },
            ws: WsConfig { init_timeout: self.ws_init_timeout },
            oidc,
            principal_cache: self.principal_cache,
        })
    }
}

impl Config {
    /// What `stafett serve` would run with here, given no flags (tests and
    /// benchmarks start from this and change what they need).
    pub fn from_environment() -> Result<Config> {
        Settings::from_environment()?.into_config()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, clap::Error> {
        SettingsOnly::try_parse_from(std::iter::once("stafett").chain(args.iter().copied())).map(|s| s.settings)
    }

    #[test]
    fn flags_parse_and_bad_values_are_refused_with_the_name() {
        let s = parse(&["--db-statement-timeout-ms", "250", "--dev-auth", "--max-fields", "10"]).unwrap();
        assert_eq!(s.db_statement_timeout, Duration::from_millis(250));
        assert!(s.dev_auth);
        assert_eq!(s.max_fields, 10);
        let e = parse(&["--max-fields", "ten"]).unwrap_err().to_string();
        assert!(e.contains("--max-fields"), "{e}");
        assert!(parse(&["--dev-auth", "maybe"]).is_err());
    }

    #[test]
    fn metrics_are_off_and_requests_bounded_unless_said_otherwise() {
        let config = parse(&[]).unwrap().into_config().unwrap();
        assert_eq!(config.metrics_addr, None);
        assert_eq!(config.limits.request_timeout, Some(Duration::from_secs(30)));
        let config =
            parse(&["--metrics-addr", "127.0.0.1:9100", "--request-timeout-ms", "0"]).unwrap().into_config().unwrap();
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
        assert_eq!(config.limits.request_timeout, None, "0 turns the timeout off");
    }

    #[test]
    fn an_issuer_needs_its_audience() {
        let mut s = parse(&[]).unwrap();
        s.staff_issuer = Some("https://idp.example".into());
        let e = s.into_config().unwrap_err().to_string();
        assert!(e.contains("STAFETT_STAFF_AUDIENCE"), "{e}");
    }
}
