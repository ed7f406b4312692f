//! Entries of the access log (tilgangslogg), as owners and auditors see them.

use super::people::Unit;
use crate::api::cursor;
use crate::api::guard::{LogAccess, deny};
use crate::api::ids::id;
use crate::context::rc;
use crate::db::access_log;
use crate::db::enums::{AccessAction, ActorRole, ObjectType};
use crate::error::{ApiError, ApiResult};
use crate::policy::read;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct AccessLogEntry {
    pub row: access_log::AccessLogEntryRow,
    pub access: Arc<LogAccess>,
}

/// One entry of a log's access log: who read or changed what, when, and in
/// which role. Reached through `Log.accessLog`.
#[Object]
impl AccessLogEntry {
    /// Opaque: entries are numbered across all logs, and the numbers would
    /// show how busy other logs are.
    async fn id(&self, ctx: &Context<'_>) -> ID {
        ID(cursor::encode_seq(&rc(ctx).config.cursor_key, "i", self.row.id))
    }

    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.row.at
    }

    /// Who looked or wrote. A guardian's name (or the youth's) is null with
    /// FORBIDDEN for a reader the read table denies it: the municipal admin
    /// audits professionals' access, not the family's names.
    async fn actor_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let role = self.row.actor_role;
        if !read::may_name_actor(&self.access.roles, role == ActorRole::Guardian, role == ActorRole::Youth) {
            return deny(ctx, ApiError::forbidden("your role in this log may not read the family's names"));
        }
        // The family as this log records them (the guardians' names of the
        // log, the child's for the youth), not the register's names.
        let rc = rc(ctx);
        let log_id = self.row.log_id;
        let recorded = match role {
            ActorRole::Guardian => rc
                .loaders
                .guardians()
                .load_one(log_id)
                .await?
                .unwrap_or_default()
                .iter()
                .find(|g| g.person_id == self.row.actor_id)
                .map(|g| g.name.clone()),
            ActorRole::Youth => match rc.loaders.log().load_one(log_id).await? {
                Some(log) => rc.loaders.child().load_one(log.child_id).await?.map(|c| c.name),
                None => None,
            },
            _ => None,
        };
        if let Some(name) = recorded {
            return Ok(Some(name));
        }
        let person = rc.loaders.person().load_one(self.row.actor_id).await?;
        Ok(Some(person.map(|p| p.name).unwrap_or_default()))
    }

    /// The role they acted in.
    async fn actor_role(&self) -> ActorRole {
        self.row.actor_role
    }

    /// The unit they acted for; null for owners and the municipal admin.
    async fn actor_unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        let Some(unit_id) = self.row.actor_unit_id else {
            return Ok(None);
        };
        Ok(rc(ctx).loaders.unit().load_one(unit_id).await?.map(Unit))
    }

    /// READ, CREATE, UPDATE or DELETE.
    async fn action(&self) -> AccessAction {
        self.row.action
    }

    /// What kind of thing was read or changed.
    async fn object_type(&self) -> ObjectType {
        self.row.object_type
    }

    /// The id of what was changed; for reads, the log's id. Null when the
    /// entry names no object.
    async fn object_id(&self) -> Option<ID> {
        self.row.object_id.map(id)
    }
}

super::connection::connection!(
    /// A page of a log's access log, newest first.
    AccessLogConnection,
    /// An access-log entry in a page, with its cursor.
    AccessLogEdge,
    AccessLogEntry
);
