//! Entries of the access log (tilgangslogg), as owners and auditors see them.

use super::people::Unit;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::access_log;
use crate::db::enums::{AccessAction, ActorRole, ObjectType};
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

pub struct AccessLogEntry(pub access_log::AccessLogEntry);

#[Object]
impl AccessLogEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who looked or wrote.
    async fn actor_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let person = rc(ctx).loaders.person().load_one(self.0.actor_id).await?;
        Ok(person.map(|p| p.name).unwrap_or_default())
    }

    async fn actor_role(&self) -> ActorRole {
        self.0.actor_role
    }

    /// The unit they acted for.
    async fn actor_unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        let Some(unit_id) = self.0.actor_unit_id else {
            return Ok(None);
        };
        Ok(rc(ctx).loaders.unit().load_one(unit_id).await?.map(Unit))
    }

    async fn action(&self) -> AccessAction {
        self.0.action
    }

    async fn object_type(&self) -> ObjectType {
        self.0.object_type
    }

    async fn object_id(&self) -> Option<ID> {
        self.0.object_id.map(id)
    }
}

super::connection::connection!(AccessLogConnection, AccessLogEdge, AccessLogEntry);
