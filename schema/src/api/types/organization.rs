//! The organization: municipalities and the admin log of their changes.

use super::people::Unit;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{AccessAction, ActorRole, OrgObjectType};
use crate::db::org::MunicipalityRow;
use crate::db::organization::AdminLogRow;
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

pub struct Municipality(pub MunicipalityRow);

/// A municipality (kommune): its units, staff and logs belong to it.
#[Object]
impl Municipality {
    /// The municipality's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The age (15 or 16) at which a child becomes an owner of their log.
    async fn consent_age(&self) -> i32 {
        self.0.consent_age
    }
}

pub struct AdminLogEntry(pub AdminLogRow);

/// One change to the organization: a municipality, a unit, or a staff
/// member's registration or roles, by whom and when.
#[Object]
impl AdminLogEntry {
    /// When it was done.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who did it: their person id.
    async fn actor_id(&self) -> ID {
        id(self.0.actor_id)
    }

    /// The role that permitted it.
    async fn actor_role(&self) -> ActorRole {
        self.0.actor_role
    }

    /// What it was about.
    async fn object_type(&self) -> OrgObjectType {
        self.0.object_type
    }

    /// The id of the municipality, unit or staff member.
    async fn object_id(&self) -> ID {
        id(self.0.object_id)
    }

    /// CREATE, UPDATE or DELETE.
    async fn action(&self) -> AccessAction {
        self.0.action
    }

    /// What changed, when it says more than the action (e.g. "deactivated",
    /// "role MUNICIPAL_ADMIN"); null otherwise.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// The unit it was about; null for other kinds.
    async fn unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        if self.0.object_type != OrgObjectType::Unit {
            return Ok(None);
        }
        Ok(rc(ctx).loaders.unit().load_one(self.0.object_id).await?.map(Unit))
    }
}

super::connection::connection!(
    /// A page of a municipality's admin log, newest first.
    AdminLogConnection,
    /// An entry in a page, with its cursor.
    AdminLogEdge,
    AdminLogEntry
);
