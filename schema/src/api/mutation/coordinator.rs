//! Appointing a coordinator without the coordinator (issue 18, point 4):
//! when the coordinator is absent or deactivated, the unit leader or unit
//! admin of the log's unit appoints a participant of a consented unit. A
//! handover needs the coordinator to propose it; this does not.
//!
//! Decided where the guidelines are silent:
//! - "the coordinating unit" is the log's unit (`Log.unit`, where it was
//!   created): Lund's guideline has its leader pick the coordinator, and its
//!   leader and admin are the ones who see the log's metadata. The logs in
//!   their queue (`logsWithoutCoordinator`) are those of their units;
//! - the leader may appoint at any time, not only once the coordinator is
//!   deactivated (an absence is the leader's judgement); the reason is
//!   required and shown in `coordinatorHistory`;
//! - a DRAFT log has no consent yet, so its coordinator may come from the
//!   log's own unit; otherwise from a consented unit, as for a handover;
//! - a pending handover is cancelled: the appointment decides it;
//! - the family is told in a NOTICE, as for a paper consent.

use super::consent::owners_of;
use super::payload::{answer, payload};
use super::tx::{Lock, ScopedFutureExt, with_log};
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, HandoverStatus, ObjectType};
use crate::db::{consents, org, participants, staff};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::policy::{WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, Object};

/// The new coordinator.
#[derive(InputObject)]
pub struct ReassignCoordinatorInput {
    /// a current participant (`Participant.id`, their person id) of a
    /// consented unit, or of the log's unit while it is a DRAFT
    pub participant_id: ID,
    /// why (the coordinator is on leave, has left…), at most 2,000
    /// characters; shown in `coordinatorHistory` and to the family
    pub reason: String,
}

payload! {
    /// The answer of `reassignCoordinator`.
    ReassignCoordinatorPayload {
        /// the new coordinator's person id
        coordinator_id: ID,
    } with log
}

#[derive(Default)]
pub struct CoordinatorMutations;

#[Object]
impl CoordinatorMutations {
    /// Appoints a new coordinator without a handover, when the coordinator
    /// is absent or deactivated: the unit leader or unit admin of the log's
    /// unit. Recorded in `coordinatorHistory` with the reason; the family
    /// gets a NOTICE, and `logActivity` a COORDINATOR_REASSIGNED event. A
    /// pending handover is cancelled. CONFLICT when the log is closed or the
    /// participant already holds the baton.
    async fn reassign_coordinator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "Who, and why.")] input: ReassignCoordinatorInput,
    ) -> ApiResult<ReassignCoordinatorPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let staff_id = ids::parse(&input.participant_id, "participantId")?;
            let reason = input::required(&input.reason, "reason", limits::REASON)?;
            let log_id = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ReassignCoordinator)?;
                    let target = participants::active_by_staff(conn, w.log_id(), staff_id).await?;
                    let consented = match &target {
                        Some(t) => write::successor_unit_consented(
                            w.rel.status,
                            t.unit_id == w.rel.unit_id,
                            consents::unit_consented(conn, w.log_id(), t.unit_id).await?,
                        ),
                        None => false,
                    };
                    write::hand_baton_to(target.is_some(), consented)?;
                    let target = target.ok_or_else(|| ApiError::internal("a checked successor is missing"))?;
                    crate::policy::staff::takes_new_work(
                        staff::is_active(conn, target.staff_id).await?,
                        "participantId",
                    )?;
                    let current = participants::current_term_of(conn, w.log_id()).await.ok();
                    if current.as_ref().is_some_and(|t| t.staff_id == target.staff_id) {
                        return Err(ApiError::conflict(words!("error-holds-baton")));
                    }
                    if let Some(h) = participants::pending_handover(conn, w.log_id()).await? {
                        participants::decide_handover(conn, h.id, HandoverStatus::Cancelled).await?;
                        let payload = EventPayload { handover_id: Some(h.id), ..Default::default() };
                        w.emit(conn, EventKind::HandoverCancelled, payload).await?;
                    }
                    participants::start_term_with(conn, w.log_id(), &target, Some((w.actor, &reason))).await?;
                    w.audit(conn, acting, ObjectType::Participant, target.staff_id, AccessAction::Update).await?;
                    let payload = EventPayload {
                        participant_id: Some(target.id),
                        staff_id: Some(target.staff_id),
                        ..Default::default()
                    };
                    w.emit(conn, EventKind::CoordinatorReassigned, payload).await?;
                    // The family is told who holds the baton now, and why.
                    let owners = owners_of(conn, w.log_id()).await?;
                    let names = org::person_names(conn, &[target.staff_id]).await?;
                    let name = names.first().map(|(_, n)| n.clone());
                    let unit = org::unit_name(conn, target.unit_id).await?;
                    super::message::notice(conn, &w, &owners, |language| {
                        let name = name.clone().unwrap_or_else(|| i18n::text(language, "notice-someone", &[]));
                        let args = [("name", name.as_str()), ("unit", unit.as_str()), ("reason", reason.as_str())];
                        i18n::text(language, "notice-new-coordinator", &args)
                    })
                    .await?;
                    Ok(w.log_id())
                }
                .scope_boxed()
            })
            .await?;
            Ok(ReassignCoordinatorPayload {
                coordinator_id: Some(ids::id(staff_id)),
                log_id: Some(log_id),
                ..Default::default()
            })
        })
        .await
    }
}
