//! Loaders for logs and what hangs directly off them.

use super::{list_loader, row_loader};
use crate::db::Pool;
use crate::db::consents::{self, ConsentRow, UnitProposalRow};
use crate::db::lifecycle::{self, ClosureRow};
use crate::db::logs::{self, ChildRow, GuardianView, LogRow};
use crate::db::participants::{self, CoordinatorTermRow, HandoverRow};
use crate::db::requests::{self, DeletionRequestRow, ReopenRequestRow};
use crate::db::snapshots::{self, SnapshotMetaRow};
use crate::error::ApiError;
use crate::policy::{LogRelation, relation};
use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use uuid::Uuid;

/// The viewer's relation to each log: the policy's input.
pub struct RelationLoader {
    pub pool: Pool,
    pub viewer: Uuid,
}

impl Loader<Uuid> for RelationLoader {
    type Value = LogRelation;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, LogRelation>, ApiError> {
        let mut conn = self.pool.get().await?;
        let rows = relation::load(&mut conn, self.viewer, keys).await?;
        Ok(rows.into_iter().map(|r| (r.log_id, r)).collect())
    }
}

row_loader!(LogLoader, LogRow, logs::by_ids, |r| r.id);
row_loader!(ChildLoader, ChildRow, logs::children_by_ids, |r| r.id);
row_loader!(ClosureByLog, ClosureRow, lifecycle::closures_of, |r| r.log_id);
list_loader!(GuardiansByLog, GuardianView, logs::guardians_of, |r| r.log_id);
list_loader!(ConsentsByLog, ConsentRow, consents::of_logs, |r| r.log_id);
list_loader!(ProposalsByLog, UnitProposalRow, consents::proposals_of, |r| r.log_id);
row_loader!(PendingHandoverByLog, HandoverRow, participants::pending_handovers_of, |r| r.log_id);
row_loader!(PendingReopenByLog, ReopenRequestRow, requests::pending_reopens_of, |r| r.log_id);
row_loader!(OpenDeletionByLog, DeletionRequestRow, requests::open_deletions_of, |r| r.log_id);
list_loader!(TermsByLog, CoordinatorTermRow, participants::terms_of, |r| r.log_id);
list_loader!(SnapshotsByLog, SnapshotMetaRow, snapshots::of_logs, |r| r.log_id);
row_loader!(
    /// The template version each log was made from, with its template's current version.
    TemplateByLog,
    (Uuid, crate::db::templates::VersionRow, i32),
    crate::db::templates::origins_of,
    |r| r.0
);

/// Snapshot content, loaded only when a reader asks for it and may see it.
pub struct SnapshotContent(pub Pool);

impl Loader<Uuid> for SnapshotContent {
    type Value = serde_json::Value;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, serde_json::Value>, ApiError> {
        let mut conn = self.0.get().await?;
        Ok(snapshots::contents(&mut conn, keys).await?.into_iter().collect())
    }
}
