//! The application: one `App` holds the pool, the schema, the authenticator
//! and the configuration; `AppState` is its handle in axum.

use crate::auth::Authenticator;
use crate::config::Config;
use crate::db;
use anyhow::Result;
use stafett_schema::db::Pool;
use stafett_schema::{ApiConfig, StafettSchema, build_schema};
use std::sync::Arc;

pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub schema: StafettSchema,
    pub auth: Authenticator,
    pub api_config: Arc<ApiConfig>,
    /// SQL statements sent since start
    pub queries: db::QueryCounter,
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
        Ok(Self::with_pool(config, pool, queries))
    }

    /// Builds the app on an existing pool (tests).
    pub fn with_pool(config: Config, pool: Pool, queries: db::QueryCounter) -> AppState {
        let api_config = Arc::new(ApiConfig {
            default_page_size: config.limits.default_page_size,
            max_page_size: config.limits.max_page_size,
            ..ApiConfig::default()
        });
        let schema = schema(&config);
        let auth = Authenticator::new(config.dev_auth.enabled || config.demo);
        AppState(Arc::new(App {
            config,
            pool,
            schema,
            auth,
            api_config,
            queries,
        }))
    }
}

/// The schema with the limits of `config`. Introspection and suggestions
/// are for development: on in demo mode, off in `serve`.
pub fn schema(config: &Config) -> StafettSchema {
    let l = &config.limits;
    let mut builder = build_schema()
        .limit_depth(l.max_depth)
        .limit_complexity(l.max_complexity)
        .limit_directives(l.max_directives)
        .limit_recursive_depth(32);
    if !config.demo {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}
