//! Handovers, coordinator terms, and requests to reopen or delete a log.

use super::people::{Participant, Person};
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{HandoverStatus, ReopenStatus};
use crate::db::participants::{CoordinatorTermRow, HandoverRow};
use crate::db::requests::{DeletionRequestRow, ReopenRequestRow};
use crate::error::ApiResult;
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A proposed handover of the baton; it happens when the successor accepts.
pub struct Handover {
    pub row: HandoverRow,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Handover {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn log_id(&self) -> ID {
        id(self.row.log_id)
    }

    async fn from(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Person::in_log(ctx, &self.access, self.row.from_staff_id).await
    }

    async fn to(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let p = rc(ctx).loaders.participant().load_one(self.row.to_participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
    }

    async fn status(&self) -> HandoverStatus {
        self.row.status
    }

    /// Whether the viewer may `acceptHandover` or `declineHandover`: she
    /// is the proposed successor and it still waits.
    async fn viewer_can_respond(&self) -> bool {
        self.row.status == HandoverStatus::Pending
            && write::may(&self.access.rel, WriteAction::RespondToHandover)
            && write::respond_to_handover(self.access.viewer, self.row.to_staff_id).is_ok()
    }

    /// Whether the viewer may `cancelHandover` while it waits.
    async fn viewer_can_cancel(&self) -> bool {
        self.row.status == HandoverStatus::Pending && write::may(&self.access.rel, WriteAction::CancelHandover)
    }

    async fn proposed_at(&self) -> DateTime<Utc> {
        self.row.proposed_at
    }

    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.row.decided_at
    }
}

/// One coordinator's time holding the baton.
pub struct CoordinatorTerm {
    pub row: CoordinatorTermRow,
    pub access: Arc<LogAccess>,
}

#[Object]
impl CoordinatorTerm {
    async fn coordinator(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let p = rc(ctx).loaders.participant().load_one(self.row.participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
    }

    async fn started_at(&self) -> DateTime<Utc> {
        self.row.started_at
    }

    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.row.ended_at
    }
}

pub struct ReopenRequest(pub ReopenRequestRow);

#[Object]
impl ReopenRequest {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    async fn log_id(&self) -> ID {
        id(self.0.log_id)
    }

    async fn status(&self) -> ReopenStatus {
        self.0.status
    }

    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }

    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}

pub struct DeletionRequest {
    row: DeletionRequestRow,
    /// the reader's access to the log; `None` in the municipal admin's
    /// queue (`openDeletionRequests`), which only municipal admins of the
    /// log's municipality reach
    access: Option<Arc<LogAccess>>,
}

impl DeletionRequest {
    pub fn in_log(row: DeletionRequestRow, access: Arc<LogAccess>) -> Self {
        DeletionRequest { row, access: Some(access) }
    }

    /// A request in the municipal admin's queue.
    pub fn queued(row: DeletionRequestRow) -> Self {
        DeletionRequest { row, access: None }
    }
}

#[Object]
impl DeletionRequest {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn log_id(&self) -> ID {
        id(self.row.log_id)
    }

    /// The family's own words: for the owners and the municipal admin only.
    async fn reason(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        if let Some(access) = &self.access
            && !access.allows(ctx, ReadField::DeletionReason).await?
        {
            return Ok(None);
        }
        Ok(self.row.reason.as_deref())
    }

    async fn requested_at(&self) -> DateTime<Utc> {
        self.row.requested_at
    }

    async fn processed_at(&self) -> Option<DateTime<Utc>> {
        self.row.processed_at
    }
}
