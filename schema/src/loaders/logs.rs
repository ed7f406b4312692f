//! Loaders for logs and what hangs directly off them.

use super::{list_loader, row_loader};
use crate::db::Pool;
use crate::db::consents::{self, Consent, UnitProposal};
use crate::db::logs::{self, Child, GuardianView, LogRow};
use crate::db::participants::{self, CoordinatorTerm, Handover};
use crate::db::requests::{self, DeletionRequest, ReopenRequest};
use crate::db::snapshots::{self, SnapshotMeta};
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
row_loader!(ChildLoader, Child, logs::children_by_ids, |r| r.id);
list_loader!(GuardiansByLog, GuardianView, logs::guardians_of, |r| r.log_id);
list_loader!(ConsentsByLog, Consent, consents::of_logs, |r| r.log_id);
list_loader!(ProposalsByLog, UnitProposal, consents::proposals_of, |r| r.log_id);
row_loader!(PendingHandoverByLog, Handover, participants::pending_handovers_of, |r| r.log_id);
row_loader!(PendingReopenByLog, ReopenRequest, requests::pending_reopens_of, |r| r.log_id);
row_loader!(OpenDeletionByLog, DeletionRequest, requests::open_deletions_of, |r| r.log_id);
list_loader!(TermsByLog, CoordinatorTerm, participants::terms_of, |r| r.log_id);
list_loader!(SnapshotsByLog, SnapshotMeta, snapshots::of_logs, |r| r.log_id);

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
