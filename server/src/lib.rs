//! The `stafett` service: configuration, HTTP and websocket transport,
//! authentication, the event relay and start-up. The API itself is the
//! `stafett-schema` crate.

pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod events;
pub mod http;
pub mod import;
pub mod limits;
pub mod metrics;
pub mod telemetry;

pub use app::{App, AppState};
pub use config::Config;
