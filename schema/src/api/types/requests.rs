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

pub struct Handover {
    pub row: HandoverRow,
    pub access: Arc<LogAccess>,
}

/// A proposed handover of the baton; it happens when the successor accepts.
#[Object]
impl Handover {
    /// The handover's id (for `acceptHandover`, `declineHandover`, `cancelHandover`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The log whose baton is handed over.
    async fn log_id(&self) -> ID {
        id(self.row.log_id)
    }

    /// The coordinator who proposed it; null if their person record cannot be found.
    async fn from(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Person::in_log(ctx, &self.access, self.row.from_staff_id).await
    }

    /// The proposed successor, a participant of the log.
    async fn to(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let p = rc(ctx).loaders.participant().load_one(self.row.to_participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
    }

    /// PENDING until the successor accepts or declines, or it is cancelled (by
    /// the coordinator, or when the log closes or the successor leaves).
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

    /// When it was proposed.
    async fn proposed_at(&self) -> DateTime<Utc> {
        self.row.proposed_at
    }

    /// When it stopped being PENDING; null while it waits.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.row.decided_at
    }
}

pub struct CoordinatorTerm {
    pub row: CoordinatorTermRow,
    pub access: Arc<LogAccess>,
}

/// One coordinator's time holding the baton.
#[Object]
impl CoordinatorTerm {
    /// Who held the baton.
    async fn coordinator(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let p = rc(ctx).loaders.participant().load_one(self.row.participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
    }

    /// When they took it over.
    async fn started_at(&self) -> DateTime<Utc> {
        self.row.started_at
    }

    /// When they handed it on; null for the current coordinator.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.row.ended_at
    }

    /// Why the log's unit leader or admin appointed them without a handover
    /// (`reassignCoordinator`); null for a term that began with the log or
    /// a handover.
    async fn reason(&self) -> Option<&str> {
        self.row.reason.as_deref()
    }

    /// The person id of the unit leader or admin who appointed them without
    /// a handover; null for a term that began with the log or a handover.
    async fn appointed_by_id(&self) -> Option<ID> {
        self.row.appointed_by.map(id)
    }
}

pub struct ReopenRequest(pub ReopenRequestRow);

/// The coordinator's request to reopen a closed log; the owners approve it
/// with `approveReopen`.
#[Object]
impl ReopenRequest {
    /// The request's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// The closed log to reopen.
    async fn log_id(&self) -> ID {
        id(self.0.log_id)
    }

    /// PENDING until every owner has approved (APPROVED) or the log is
    /// deleted (CANCELLED).
    async fn status(&self) -> ReopenStatus {
        self.0.status
    }

    /// When it was requested.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }

    /// When it stopped being PENDING; null while it waits.
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

/// An owner's request that the municipality delete the log; a municipal
/// admin processes it with `processDeletion`.
#[Object]
impl DeletionRequest {
    /// The request's id (for `processDeletion`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The log to delete.
    async fn log_id(&self) -> ID {
        id(self.row.log_id)
    }

    /// The family's own words, at most 2,000 characters; null when not given.
    /// Readable by: guardians, the youth, the municipal admin.
    async fn reason(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        if let Some(access) = &self.access
            && !access.allows(ctx, ReadField::DeletionReason).await?
        {
            return Ok(None);
        }
        Ok(self.row.reason.as_deref())
    }

    /// When it was requested.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.row.requested_at
    }

    /// When the municipal admin processed it; null while it waits.
    async fn processed_at(&self) -> Option<DateTime<Utc>> {
        self.row.processed_at
    }
}
