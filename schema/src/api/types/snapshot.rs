//! Archive snapshots (arkivversjoner).

use crate::api::guard::{LogAccess, deny};
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::SnapshotReason;
use crate::db::snapshots::SnapshotMetaRow;
use crate::error::{ApiError, ApiResult};
use crate::policy::ReadField;
use crate::policy::read::{self, SnapshotView};
use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct ArchiveSnapshot {
    pub row: SnapshotMetaRow,
    pub access: Arc<LogAccess>,
}

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

    /// The log as it was, as a JSON object: `logId`, `status`, `child`,
    /// `presentation`, `aboutMe`, `childVoice`, `initiative`, `participants`,
    /// `guardians`, `goals` (with `measures` and `evaluations`) and `meetings`;
    /// messages are not archived. The municipal admin's copy leaves out the
    /// child's date of birth, the guardians, measures' responsible people and
    /// evaluations' authors.
    /// Readable by: guardians, the youth, the coordinator, the municipal
    /// admin (unrestricted snapshots only).
    async fn content(&self, ctx: &Context<'_>) -> ApiResult<Option<Json<serde_json::Value>>> {
        match self.access.grant(ctx, ReadField::SnapshotContent).await? {
            None => return Ok(None),
            Some(grant) if read::sees_snapshot(grant, self.row.restricted) => {}
            Some(_) => {
                return deny(ctx, ApiError::forbidden("this snapshot is restricted; only its metadata may be read"));
            }
        }
        let content = rc(ctx).loaders.snapshot_content().load_one(self.row.id).await?;
        Ok(content
            .map(|c| match read::snapshot_view(&self.access.roles) {
                SnapshotView::Whole => c,
                SnapshotView::Archive => archive_view(c),
            })
            .map(Json))
    }
}

/// The content without what [`SnapshotView::Archive`] leaves out.
fn archive_view(mut content: serde_json::Value) -> serde_json::Value {
    if let Some(child) = content.get_mut("child").and_then(|c| c.as_object_mut()) {
        child.retain(|k, _| k == "name");
    }
    if let Some(all) = content.as_object_mut() {
        all.remove("guardians");
    }
    let goals = content.get_mut("goals").and_then(|g| g.as_array_mut()).map(std::mem::take).unwrap_or_default();
    let redacted: Vec<serde_json::Value> = goals
        .into_iter()
        .map(|mut goal| {
            strip_authors(goal.get_mut("evaluations"));
            if let Some(measures) = goal.get_mut("measures").and_then(|m| m.as_array_mut()) {
                for m in measures {
                    if let Some(m) = m.as_object_mut() {
                        m.remove("responsible");
                    }
                    strip_authors(m.get_mut("evaluations"));
                }
            }
            goal
        })
        .collect();
    if let Some(all) = content.as_object_mut()
        && all.contains_key("goals")
    {
        all.insert("goals".into(), serde_json::Value::Array(redacted));
    }
    content
}

fn strip_authors(evaluations: Option<&mut serde_json::Value>) {
    for e in evaluations.and_then(|e| e.as_array_mut()).into_iter().flatten() {
        if let Some(e) = e.as_object_mut() {
            e.remove("author");
        }
    }
}
