//! GraphQL object types. Objects inside a log carry the viewer's
//! `LogAccess`, so guarded fields can ask the policy.

pub mod access_log;
pub mod child;
pub mod connection;
pub mod consent;
pub mod goal;
pub mod log;
pub mod me;
pub mod meeting;
pub mod message;
pub mod node;
pub mod notification;
pub mod organization;
pub mod people;
pub mod permissions;
pub mod requests;
pub mod snapshot;
pub mod snapshot_content;
pub mod staff;
pub mod statistics;
pub mod template;
