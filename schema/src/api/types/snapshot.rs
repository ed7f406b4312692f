//! Archive snapshots (arkivversjoner).

use super::snapshot_content::SnapshotContent;
use crate::api::cursor;
use crate::api::guard::{LogAccess, deny};
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::SnapshotReason;
use crate::db::snapshots::SnapshotMetaRow;
use crate::error::{ApiError, ApiResult};
use crate::policy::ReadField;
use crate::policy::read::{self, SnapshotView};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct ArchiveSnapshot {
    pub row: SnapshotMetaRow,
    pub access: Arc<LogAccess>,
}

impl ArchiveSnapshot {
    /// A snapshot's place in `Log.snapshots`: when it was taken, then its id.
    pub fn cursor(key: &cursor::CursorKey, row: &SnapshotMetaRow) -> String {
        cursor::encode_time_id(key, "s", row.taken_at, row.id)
    }

    pub fn decode_cursor(key: &cursor::CursorKey, after: &str) -> ApiResult<(DateTime<Utc>, uuid::Uuid)> {
        cursor::decode_time_id(key, "s", after)
    }
}

super::connection::counted_connection!(
    /// A page of a log's archive snapshots, newest first.
    ArchiveSnapshotConnection,
    /// A snapshot in a page, with its cursor.
    ArchiveSnapshotEdge,
    ArchiveSnapshot
);

/// An immutable copy of the log for the archive (arkivversjon), taken when
/// minutes are recorded and when the log closes.
#[Object]
impl ArchiveSnapshot {
    /// The snapshot's id (see `Query.snapshot`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// MEETING (after a meeting's minutes) or CLOSING (when the log closed).
    async fn reason(&self) -> SnapshotReason {
        self.row.reason
    }

    /// When the snapshot was taken.
    async fn taken_at(&self) -> DateTime<Utc> {
        self.row.taken_at
    }

    /// Set after a deletion request: the snapshot is kept for the archive,
    /// and only its owners may read its content.
    async fn restricted(&self) -> bool {
        self.row.restricted
    }

    /// Whether you may read this snapshot's `content`: as
    /// `viewerPermissions.canReadSnapshotContent`, and for the municipal
    /// admin only while the snapshot is not `restricted`.
    async fn viewer_can_read_content(&self) -> bool {
        self.access.may_read_snapshot(self.row.restricted)
    }

    /// The log as it was: its texts, the child, the staff taking part,
    /// the guardians, the goals with their measures and evaluations, and the
    /// meetings with their minutes; messages are not archived. The municipal
    /// admin's copy has the child's date of birth, the guardians, measures'
    /// responsible people and evaluations' authors null.
    /// Readable by: guardians, the youth, the coordinator, the municipal
    /// admin (unrestricted snapshots only).
    async fn content(&self, ctx: &Context<'_>) -> ApiResult<Option<SnapshotContent>> {
        match self.access.grant(ctx, ReadField::SnapshotContent).await? {
            None => return Ok(None),
            Some(grant) if read::sees_snapshot(grant, self.row.restricted) => {}
            Some(_) => {
                return deny(ctx, ApiError::forbidden("this snapshot is restricted; only its metadata may be read"));
            }
        }
        let Some(stored) = rc(ctx).loaders.snapshot_content().load_one(self.row.id).await? else {
            return Ok(None);
        };
        let content: SnapshotContent = serde_json::from_value(stored)
            .map_err(|e| ApiError::internal(format_args!("snapshot {} does not read as its type: {e}", self.row.id)))?;
        Ok(Some(match read::snapshot_view(&self.access.roles) {
            SnapshotView::Whole => content,
            SnapshotView::Archive => content.archive_view(),
        }))
    }
}
