//! Participants and the relay of the baton (DESIGN.md §2: 3, 6).

use super::payload::{answer, payload};
use super::tx::{Lock, ScopedFutureExt, with_log};
use crate::api::guard::LogAccess;
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::people::Participant;
use crate::api::types::requests::Handover;
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, HandoverStatus, ObjectType, ParticipantLeftReason};
use crate::db::participants::{self, HandoverRow, ParticipantRow};
use crate::db::{consents, is_unique_violation, org};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::policy::organization::NewToUnit;
use crate::policy::relation::ObjectRef;
use crate::policy::{WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use uuid::Uuid;

/// A staff member to add to a log.
#[derive(InputObject)]
pub struct AddParticipantInput {
    /// the log
    pub log_id: ID,
    /// the staff member (see `unitStaff`)
    pub staff_id: ID,
    /// the unit they take part for; the family must have consented to it
    pub unit_id: ID,
    /// their role in the log, e.g. "helsesykepleier", at most 200 characters
    pub title: Option<String>,
}

/// The successor a coordinator proposes.
#[derive(InputObject)]
pub struct ProposeHandoverInput {
    /// a current participant of a consented unit (`Participant.id`, their person id)
    pub participant_id: ID,
}

/// The participant to remove.
#[derive(InputObject)]
pub struct RemoveParticipantInput {
    /// a current participant other than the coordinator (`Participant.id`, their person id)
    pub participant_id: ID,
}

payload! {
    /// The answer of `addParticipant`.
    AddParticipantPayload {
        /// the new participant
        participant: Participant,
    } with log
}

payload! {
    /// The answer of `removeParticipant`.
    RemoveParticipantPayload {
        /// the participant, who has now left
        participant: Participant,
    } with log
}

payload! {
    /// The answer of `proposeHandover`.
    ProposeHandoverPayload {
        /// the pending handover
        handover: Handover,
    } with log
}

payload! {
    /// The answer of `acceptHandover`: the same shape as declining and cancelling.
    AcceptHandoverPayload {
        /// the handover, now ACCEPTED
        handover: Handover,
    } with log
}

payload! {
    /// The answer of `declineHandover`: the same shape as accepting and cancelling.
    DeclineHandoverPayload {
        /// the handover, now DECLINED
        handover: Handover,
    } with log
}

payload! {
    /// The answer of `cancelHandover`: the same shape as accepting and declining.
    CancelHandoverPayload {
        /// the handover, now CANCELLED
        handover: Handover,
    } with log
}

#[derive(Default)]
pub struct ParticipantMutations;

#[Object]
impl ParticipantMutations {
    /// The coordinator adds a staff member of a consented unit.
    async fn add_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to add, and for which unit.")] input: AddParticipantInput,
    ) -> ApiResult<AddParticipantPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&input.log_id, "logId")?;
            let staff_id = ids::parse(&input.staff_id, "staffId")?;
            let unit_id = ids::parse(&input.unit_id, "unitId")?;
            let title = input::optional(input.title.as_deref(), "title", limits::SHORT)?;
            let id = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::AddParticipant)?;
                    if !org::has_unit_role(conn, staff_id, unit_id).await? {
                        return Err(ApiError::bad_field("staffId", words!("error-staff-not-in-unit")));
                    }
                    crate::policy::staff::takes_new_work(
                        crate::db::staff::is_active(conn, staff_id).await?,
                        "staffId",
                    )?;
                    let unit = crate::db::organization::unit_by_id(conn, unit_id).await?;
                    let deactivated = unit.is_some_and(|u| u.deactivated_at.is_some());
                    crate::policy::organization::unit_takes(deactivated, NewToUnit::Participant, "unitId")?;
                    if !consents::unit_consented(conn, w.log_id(), unit_id).await? {
                        return Err(ApiError::bad_field("unitId", words!("error-unit-no-consent")));
                    }
                    let row = ParticipantRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        staff_id,
                        unit_id,
                        title,
                        added_by: w.actor,
                        joined_at: Utc::now(),
                        left_at: None,
                        left_reason: None,
                    };
                    participants::insert(conn, &row).await.map_err(|e| {
                        if is_unique_violation(&e) {
                            ApiError::conflict(words!("error-already-participant"))
                        } else {
                            e.into()
                        }
                    })?;
                    // The access log names a participant as the API does: by person id.
                    w.audit(conn, acting, ObjectType::Participant, row.staff_id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::ParticipantJoined,
                        EventPayload {
                            participant_id: Some(row.id),
                            staff_id: Some(staff_id),
                            unit_id: Some(unit_id),
                            ..Default::default()
                        },
                    )
                    .await?;
                    Ok(row.id)
                }
                .scope_boxed()
            })
            .await?;
            Ok(AddParticipantPayload {
                log_id: Some(log_id),
                participant: Some(participant_object(ctx, log_id, id).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator removes a participant (not themself: hand over first).
    async fn remove_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "Who leaves.")] input: RemoveParticipantInput,
    ) -> ApiResult<RemoveParticipantPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let staff_id = ids::parse(&input.participant_id, "participantId")?;
            let participation = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RemoveParticipant)?;
                    let p = participants::latest_by_staff(conn, w.log_id(), staff_id)
                        .await?
                        .ok_or_else(|| ApiError::bad_field("participantId", words!("error-not-participant")))?;
                    let coordinator = participants::current_term_of(conn, w.log_id()).await?.participant_id == p.id;
                    write::remove_participant(p.left_at.is_some(), coordinator)?;
                    if let Some(h) = participants::pending_handover(conn, w.log_id()).await?
                        && h.to_participant_id == p.id
                    {
                        participants::decide_handover(conn, h.id, HandoverStatus::Cancelled).await?;
                    }
                    participants::leave(conn, w.log_id(), None, Some(p.id), ParticipantLeftReason::Removed).await?;
                    w.audit(conn, acting, ObjectType::Participant, p.staff_id, AccessAction::Delete).await?;
                    w.emit(
                        conn,
                        EventKind::ParticipantLeft,
                        EventPayload {
                            participant_id: Some(p.id),
                            staff_id: Some(p.staff_id),
                            unit_id: Some(p.unit_id),
                            ..Default::default()
                        },
                    )
                    .await?;
                    Ok(p.id)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RemoveParticipantPayload {
                log_id: Some(log_id),
                participant: Some(participant_object(ctx, log_id, participation).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator proposes a participant as successor. The baton moves
    /// only when the successor accepts.
    async fn propose_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "The successor.")] input: ProposeHandoverInput,
    ) -> ApiResult<ProposeHandoverPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let participant_id = ids::parse(&input.participant_id, "participantId")?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ProposeHandover)?;
                    let target = participants::active_by_staff(conn, w.log_id(), participant_id).await?;
                    let consented = match &target {
                        Some(t) => consents::unit_consented(conn, w.log_id(), t.unit_id).await?,
                        None => false,
                    };
                    write::hand_baton_to(target.is_some(), consented)?;
                    let target = target.ok_or_else(|| ApiError::internal("a checked successor is missing"))?;
                    if target.staff_id == w.actor {
                        return Err(ApiError::bad_field("participantId", words!("error-you-hold-baton")));
                    }
                    write::propose_handover(participants::pending_handover(conn, w.log_id()).await?.is_some())?;
                    let row = HandoverRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        from_staff_id: w.actor,
                        to_participant_id: target.id,
                        to_staff_id: target.staff_id,
                        status: HandoverStatus::Pending,
                        proposed_at: Utc::now(),
                        decided_at: None,
                    };
                    participants::insert_handover(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::Handover, row.id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::HandoverProposed,
                        EventPayload {
                            handover_id: Some(row.id),
                            participant_id: Some(target.id),
                            staff_id: Some(target.staff_id),
                            ..Default::default()
                        },
                    )
                    .await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(ProposeHandoverPayload {
                log_id: Some(log_id),
                handover: Some(handover_object(ctx, row).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// The proposed successor accepts and becomes the coordinator.
    async fn accept_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending handover (`Log.pendingHandover`).")] handover_id: ID,
    ) -> ApiResult<AcceptHandoverPayload> {
        answer(&["handoverId"], async move {
            let (log_id, handover) = respond(ctx, handover_id, true).await?;
            Ok(AcceptHandoverPayload { log_id: Some(log_id), handover: Some(handover), ..Default::default() })
        })
        .await
    }

    /// The proposed successor declines; the coordinator keeps the baton.
    async fn decline_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending handover (`Log.pendingHandover`).")] handover_id: ID,
    ) -> ApiResult<DeclineHandoverPayload> {
        answer(&["handoverId"], async move {
            let (log_id, handover) = respond(ctx, handover_id, false).await?;
            Ok(DeclineHandoverPayload { log_id: Some(log_id), handover: Some(handover), ..Default::default() })
        })
        .await
    }

    /// The coordinator withdraws a proposed handover.
    async fn cancel_handover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending handover (`Log.pendingHandover`).")] handover_id: ID,
    ) -> ApiResult<CancelHandoverPayload> {
        answer(&["handoverId"], async move {
            let rc = rc(ctx);
            let handover_id = ids::parse(&handover_id, "handoverId")?;
            let log_id = log_of_handover(ctx, handover_id).await?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Handover", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::CancelHandover)?;
                    let h = pending(conn, handover_id).await?;
                    participants::decide_handover(conn, h.id, HandoverStatus::Cancelled).await?;
                    w.audit(conn, acting, ObjectType::Handover, h.id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::HandoverCancelled,
                        EventPayload { handover_id: Some(h.id), ..Default::default() },
                    )
                    .await?;
                    participants::handover_by_id(conn, h.id).await?.ok_or(ApiError::NotFound("Handover"))
                }
                .scope_boxed()
            })
            .await?;
            Ok(CancelHandoverPayload {
                log_id: Some(log_id),
                handover: Some(handover_object(ctx, row).await?),
                ..Default::default()
            })
        })
        .await
    }
}

/// Accepts or declines a handover: its log and the handover as decided.
async fn respond(ctx: &Context<'_>, handover_id: ID, accept: bool) -> ApiResult<(Uuid, Handover)> {
    let rc = rc(ctx);
    let handover_id = ids::parse(&handover_id, "handoverId")?;
    let log_id = log_of_handover(ctx, handover_id).await?;
    let row = with_log(rc, log_id, Lock::Exclusive, "Handover", move |conn, w| {
        async move {
            let acting = w.authorize(WriteAction::RespondToHandover)?;
            let h = pending(conn, handover_id).await?;
            write::respond_to_handover(w.actor, h.to_staff_id)?;
            if accept {
                let successor =
                    participants::by_id(conn, h.to_participant_id).await?.ok_or(ApiError::NotFound("Handover"))?;
                // The rule of proposing holds when accepting: the successor still
                // takes part, through a unit the family has consented to.
                let consented = consents::unit_consented(conn, w.log_id(), successor.unit_id).await?;
                // What changed since the proposal is a conflict with the
                // log's state, not the successor's input.
                write::hand_baton_to(successor.left_at.is_none(), consented)
                    .map_err(|_| ApiError::conflict(words!("error-successor-gone")))?;
                participants::start_term(conn, w.log_id(), &successor).await?;
                participants::decide_handover(conn, h.id, HandoverStatus::Accepted).await?;
                w.emit(
                    conn,
                    EventKind::CoordinatorHandedOver,
                    EventPayload {
                        handover_id: Some(h.id),
                        participant_id: Some(successor.id),
                        staff_id: Some(successor.staff_id),
                        ..Default::default()
                    },
                )
                .await?;
            } else {
                participants::decide_handover(conn, h.id, HandoverStatus::Declined).await?;
                w.emit(
                    conn,
                    EventKind::HandoverDeclined,
                    EventPayload { handover_id: Some(h.id), ..Default::default() },
                )
                .await?;
            }
            w.audit(conn, acting, ObjectType::Handover, h.id, AccessAction::Update).await?;
            participants::handover_by_id(conn, h.id).await?.ok_or(ApiError::NotFound("Handover"))
        }
        .scope_boxed()
    })
    .await?;
    Ok((log_id, handover_object(ctx, row).await?))
}

async fn pending(conn: &mut diesel_async::AsyncPgConnection, id: Uuid) -> ApiResult<HandoverRow> {
    let h = participants::handover_by_id(conn, id).await?.ok_or(ApiError::NotFound("Handover"))?;
    if h.status != HandoverStatus::Pending {
        return Err(ApiError::conflict(words!("error-handover-not-pending")));
    }
    Ok(h)
}

async fn log_of_handover(ctx: &Context<'_>, id: Uuid) -> ApiResult<Uuid> {
    locate(rc(ctx), ObjectRef::Handover(id)).await
}

async fn participant_object(ctx: &Context<'_>, log_id: Uuid, id: Uuid) -> ApiResult<Participant> {
    let access = LogAccess::load(ctx, log_id).await?.ok_or(ApiError::NotFound("Log"))?;
    let view = rc(ctx).loaders.participant().load_one(id).await?.ok_or(ApiError::NotFound("Participant"))?;
    Ok(Participant::new(view, access))
}

async fn handover_object(ctx: &Context<'_>, row: HandoverRow) -> ApiResult<Handover> {
    let access = LogAccess::load(ctx, row.log_id).await?.ok_or(ApiError::NotFound("Log"))?;
    Ok(Handover { row, access })
}
