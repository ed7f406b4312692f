//! Archive snapshots (arkivversjoner).

use crate::api::guard::{LogAccess, deny};
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::SnapshotReason;
use crate::db::snapshots::SnapshotMeta;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Grant, ReadField};
use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct ArchiveSnapshot {
    pub row: SnapshotMeta,
    pub access: Arc<LogAccess>,
}

#[Object]
impl ArchiveSnapshot {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// MEETING (after a meeting's minutes) or CLOSING (when the log closed).
    async fn reason(&self) -> SnapshotReason {
        self.row.reason
    }

    async fn taken_at(&self) -> DateTime<Utc> {
        self.row.taken_at
    }

    /// Set after a deletion request: the snapshot is kept for the archive,
    /// and only its owners may read its content.
    async fn restricted(&self) -> bool {
        self.row.restricted
    }

    /// The log as it was: texts, goals, measures, evaluations, meetings and
    /// participants (messages are not archived here).
    async fn content(&self, ctx: &Context<'_>) -> ApiResult<Option<Json<serde_json::Value>>> {
        match self.access.grant(ctx, ReadField::SnapshotContent).await? {
            None => return Ok(None),
            Some(Grant::Full) => {}
            Some(Grant::Unrestricted) if !self.row.restricted => {}
            Some(_) => {
                return deny(ctx, ApiError::forbidden("this snapshot is restricted; only its metadata may be read"));
            }
        }
        Ok(rc(ctx).loaders.snapshot_content().load_one(self.row.id).await?.map(Json))
    }
}
