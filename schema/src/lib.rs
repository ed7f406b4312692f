//! Stafett's GraphQL API as a library: types, resolvers, the policy that
//! decides access, DataLoaders, and data access. The `stafett` binary
//! (server crate) wraps it in HTTP, websockets, authentication and the
//! event relay.

pub mod api;
pub mod audit;
pub mod bootstrap;
pub mod calendar;
pub mod context;
pub mod db;
pub mod error;
pub mod events;
pub mod i18n;
pub mod loaders;
pub mod national_id;
pub mod policy;
pub mod principal;
pub mod staff_import;

pub use api::{StafettSchema, build_schema};
pub use context::{ApiConfig, RequestContext};
pub use error::{ApiError, ApiResult};
pub use principal::{Identity, Principal};
