//! The command line: `serve` (default), `migrate`, `demo`, `token <persona>`,
//! `import-staff`.

use crate::app::{App, AppState};
use crate::auth::dev::DevKeys;
use crate::config::{Config, LogFormat, Settings};
use crate::demo::{self, Persona};
use crate::{db, http};
use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use diesel_async::AsyncConnection;
use std::net::SocketAddr;
use tokio::task::JoinHandle;

#[derive(Parser)]
#[command(name = "stafett", version, about = "Stafett: an open stafettlogg service (GraphQL)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the service (the default).
    Serve(Settings),
    /// Create the database if missing and run pending migrations.
    Migrate(Settings),
    /// Seed the demo municipality (idempotent) and serve it with development tokens.
    Demo(Settings),
    /// Import staff into a unit from a CSV file (header row; columns: external id, name,
    /// title, e-mail, phone, role). Idempotent; `--dry-run` prints what would change;
    /// nothing is written when a row is invalid unless `--skip-invalid`.
    ImportStaff {
        #[command(flatten)]
        import: crate::import::ImportArgs,
        #[command(flatten)]
        settings: Settings,
    },
    /// Make the first system owner of an installation (creating the municipality that runs
    /// the service when missing). Idempotent.
    AddSystemOwner {
        #[command(flatten)]
        owner: crate::bootstrap::SystemOwnerArgs,
        #[command(flatten)]
        settings: Settings,
    },
    /// Print a development bearer token for a demo persona.
    Token {
        /// one of: guardian, guardian2, youth, outsider, coordinator, participant,
        /// unconsented, unitadmin, municipaladmin, systemowner, othermunicipality
        persona: String,
        /// lifetime in seconds
        #[arg(long, default_value_t = 12 * 3600)]
        ttl: i64,
    },
}

impl Cli {
    /// The command to run (`serve` when none is named).
    pub fn command(self) -> Result<Command> {
        Ok(match self.command {
            Some(command) => command,
            None => Command::Serve(Settings::from_environment()?),
        })
    }
}

impl Command {
    /// Where the command exports traces, if anywhere (`token` exports none).
    pub fn otlp_endpoint(&self) -> Option<&str> {
        match self {
            Command::Serve(s) | Command::Migrate(s) | Command::Demo(s) => s.otel_exporter_otlp_endpoint.as_deref(),
            Command::ImportStaff { .. } | Command::AddSystemOwner { .. } | Command::Token { .. } => None,
        }
    }

    /// How the command logs (`token` prints only its token).
    pub fn log_format(&self) -> LogFormat {
        match self {
            Command::Serve(s) | Command::Migrate(s) | Command::Demo(s) => s.log_format,
            Command::ImportStaff { .. } | Command::AddSystemOwner { .. } | Command::Token { .. } => LogFormat::Text,
        }
    }
}

pub async fn run(command: Command) -> Result<()> {
    match command {
        Command::Serve(settings) => {
            let config = settings.into_config()?;
            if config.dev_auth.enabled {
                if !config.dev_auth.forced {
                    bail!(
                        "STAFETT_DEV_AUTH is on: development tokens would let anyone act as anyone. \
                         Use `stafett demo` for demos, or set STAFETT_DEV_AUTH_FORCE=true to run serve with them anyway."
                    );
                }
                tracing::warn!(
                    "!!! DEVELOPMENT AUTH IS ON: anyone can mint tokens for any demo persona. Never do this in production. !!!"
                );
            }
            serve(config).await
        }
        Command::Migrate(settings) => {
            let config = settings.into_config()?;
            db::create_if_missing(&config.database.url).await?;
            let ran = db::migrate(&config.database.url).await?;
            println!("{ran} migration(s) run on {}", db::redact(&config.database.url));
            Ok(())
        }
        Command::Demo(settings) => {
            let mut config = settings.into_config()?;
            config.demo = true;
            db::create_if_missing(&config.database.url).await?;
            db::migrate(&config.database.url).await?;
            let mut conn = diesel_async::AsyncPgConnection::establish(&config.database.url).await?;
            if demo::seed(&mut conn).await? {
                tracing::info!("demo data created");
            } else {
                tracing::info!("demo data already present; nothing changed");
            }
            drop(conn);
            println!("Stafett demo on http://{}/graphql — get a token with `stafett token guardian`", config.addr);
            serve(config).await
        }
        Command::ImportStaff { import, settings } => {
            let config = settings.into_config()?;
            db::migrate(&config.database.url).await?;
            crate::import::command(&config.database.url, import).await
        }
        Command::AddSystemOwner { owner, settings } => {
            let config = settings.into_config()?;
            db::create_if_missing(&config.database.url).await?;
            db::migrate(&config.database.url).await?;
            crate::bootstrap::command(&config.database.url, owner).await
        }
        Command::Token { persona, ttl } => {
            let Some(p) = Persona::find(&persona) else {
                let known: Vec<_> = demo::PERSONAS.iter().map(|p| p.handle).collect();
                bail!("unknown persona {persona:?}; known: {}", known.join(", "));
            };
            println!("{}", DevKeys::default().issue(&p.identity(), ttl));
            Ok(())
        }
    }
}

async fn serve(config: Config) -> Result<()> {
    let addr = config.addr;
    let metrics_addr = config.metrics_addr;
    let state = App::start(config).await?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    let mut tasks = match metrics_addr {
        Some(addr) => vec![serve_metrics(&state, addr).await?],
        None => Vec::new(),
    };
    tasks.extend(state.spawn_background());
    tracing::info!(%addr, metrics = ?metrics_addr, redis = state.redis.is_some(), "listening");
    let stop = state.shutdown.clone();
    axum::serve(listener, http::router(state.clone()))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Websockets close with 1001 and the relay flushes once more.
            stop.cancel();
        })
        .await?;
    // Every request has been answered: now the relay sequences what they
    // wrote, and the background tasks stop.
    state.shutdown.cancel();
    state.background.cancel();
    for task in tasks {
        let _ = task.await;
    }
    Ok(())
}

/// `/metrics` on its own listener, answering until the background tasks
/// stop (so the last scrape sees the shutdown's flush).
async fn serve_metrics(state: &AppState, addr: SocketAddr) -> Result<JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr} (metrics)"))?;
    let stop = state.background.clone();
    let router = http::metrics::router(state.clone());
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await {
            tracing::error!(error = %e, "the metrics listener failed");
        }
    }))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
