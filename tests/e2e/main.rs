//! End-to-end tests against the real PostgreSQL (and Redis where needed).
//! One binary, many modules: linking is the slow part of a build.

mod acceptance;
mod access_log;
mod adulthood;
mod auth;
mod authz_existence;
mod authz_inputs;
mod authz_random;
mod authz_read;
mod authz_write;
mod bad_input;
mod body_refusals;
mod browser;
mod clients;
mod config_help;
mod consent_edges;
mod deadlines;
mod deploy;
mod faults;
mod frontend;
mod fuzz;
mod hub;
mod import;
mod instances;
mod lifecycle;
mod limits;
mod listing;
mod ops;
mod organization;
mod protocol;
mod realtime;
mod receipts;
mod roundtrips;
mod security;
mod snapshots;
mod staff;
