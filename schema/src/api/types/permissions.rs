//! `Log.viewerPermissions`: what the viewer may read and do in a log, asked
//! before the request instead of learnt from its error. Every flag is the
//! policy's own answer ([`read::best`], [`write::may`] and the state rules
//! in `policy/write.rs` that the mutations call), so the schema cannot say
//! yes where the request would say no. `tests/e2e/authz_write.rs` and
//! `authz_read.rs` check each flag against the permission tables.
//!
//! A flag is about the log's state now (a pending request, its status), not
//! about an input a form has yet to fill in: `canGiveConsent` is true for an
//! owner even though consent to a unit nobody proposed is BAD_USER_INPUT.

use crate::api::guard::LogAccess;
use crate::context::rc;
use crate::db::enums::GoalArea;
use crate::error::ApiResult;
use crate::policy::write::{self, WriteAction};
use crate::policy::{Grant, ReadField, read};
use async_graphql::{Context, SimpleObject};
use chrono::Utc;

/// What the viewer may read and do in this log, from the same rules the
/// server applies when the request comes. Ask for it first and show only the
/// fields and buttons it allows: asking for a field the viewer may not read
/// adds a FORBIDDEN error, and most GraphQL clients then drop the whole answer.
#[derive(SimpleObject)]
pub struct LogPermissions {
    /// `presentation`, `aboutMe`, `childVoice` and `initiative`
    pub can_read_texts: bool,
    /// `goals`, with their measures, evaluations and comments
    pub can_read_goals: bool,
    /// `meetings`, with agendas and minutes
    pub can_read_meetings: bool,
    /// `messages` addressed to the viewer or to all
    pub can_read_messages: bool,
    /// `child.birthDate`
    pub can_read_child_birth_date: bool,
    /// `child.nationalId`
    pub can_read_child_national_id: bool,
    /// participants' `phone` and `email`
    pub can_read_participant_contact: bool,
    /// `guardians` and their names
    pub can_read_guardians: bool,
    /// guardians' `nationalId`, `phone`, `email` and `address`; a guardian reads only her own
    pub can_read_guardian_private: bool,
    /// `consents` and `unitProposals`; a participant reads only her own unit's
    pub can_read_consents: bool,
    /// `accessLog`: who read and changed what
    pub can_read_access_log: bool,
    /// `snapshots`, the archive copies
    pub can_read_snapshots: bool,
    /// a snapshot's `content`; the municipal admin reads only unrestricted snapshots
    pub can_read_snapshot_content: bool,
    /// the family's reason in a deletion request
    pub can_read_deletion_reason: bool,
    /// why the log was closed (`closedReason`, `closedReasonDetails`)
    pub can_read_closed_reason: bool,

    /// `postMessage`
    pub can_post_message: bool,
    /// `addGoal` in each of these areas (owners: home and leisure only)
    pub can_add_goal_in: Vec<GoalArea>,
    /// `updateLogText` of `presentation`, `aboutMe` and `childVoice`
    pub can_update_family_text: bool,
    /// `updateLogText` of `initiative`
    pub can_update_initiative: bool,
    /// `scheduleMeeting`
    pub can_schedule_meeting: bool,
    /// `proposeUnit`
    pub can_propose_unit: bool,
    /// `addParticipant`
    pub can_add_participant: bool,
    /// `proposeHandover` (none may be waiting); the successor, a current
    /// participant whose unit has consent, is the request's input
    pub can_propose_handover: bool,
    /// `reassignCoordinator`: the log's unit leader or admin appoints a
    /// coordinator without a handover (the new one is the request's input)
    pub can_reassign_coordinator: bool,
    /// `addGuardian` and `removeGuardian` (a custody change): the coordinator
    pub can_change_guardians: bool,
    /// `giveConsent`, to the log or to a unit the coordinator proposed: false
    /// when the viewer's own consent to the log and to every proposed unit holds
    pub can_give_consent: bool,
    /// `registerPaperConsent` on an owner's behalf. Whether the owner still
    /// lacks the consent the form gives is not looked at: the coordinator
    /// without content access may register one but may not read consents
    pub can_register_paper_consent: bool,
    /// `closeLog`
    pub can_close: bool,
    /// `requestReopen` (the log is closed and no request waits)
    pub can_request_reopen: bool,
    /// `approveReopen` (a request waits and the viewer has not approved it)
    pub can_approve_reopen: bool,
    /// `requestDeletion` (none waits)
    pub can_request_deletion: bool,
    /// `processDeletion` of the waiting deletion request
    pub can_process_deletion: bool,
}

impl LogPermissions {
    pub async fn of(ctx: &Context<'_>, access: &LogAccess) -> ApiResult<LogPermissions> {
        let loaders = &rc(ctx).loaders;
        let log_id = access.log_id();
        let (rel, roles) = (&access.rel, &access.roles);
        let reads = |field| read::best(roles, field).0 != Grant::Denied;
        let may = |action| write::may(rel, action);
        // The facts the state rules need; each is one batched load per request.
        let pending_handover =
            may(WriteAction::ProposeHandover) && loaders.handovers().load_one(log_id).await?.is_some();
        let pending_reopen = loaders.reopens().load_one(log_id).await?.is_some();
        let open_deletion = loaders.deletions().load_one(log_id).await?.is_some();
        // Owners only (they read consents and proposals): whether the viewer
        // holds a valid consent to the log, and whether a proposed unit waits
        // for consent. Asked for nobody else, so no flag tells a role that
        // may not read consents anything about them.
        let owner = may(WriteAction::ApproveReopen) || may(WriteAction::GiveConsent);
        let (consented, unit_waits) = if owner {
            let now = Utc::now();
            let consents = loaders.consents().load_one(log_id).await?.unwrap_or_default();
            let proposals = loaders.proposals().load_one(log_id).await?.unwrap_or_default();
            // The viewer's own valid consent to the log (`None`) or a unit, as `giveConsent` checks.
            let given = |unit: Option<uuid::Uuid>| {
                consents.iter().any(|c| c.given_by == access.viewer && c.unit_id == unit && c.is_valid(now))
            };
            (given(None), proposals.iter().any(|p| !given(Some(p.unit_id))))
        } else {
            (false, false)
        };
        Ok(LogPermissions {
            can_read_texts: reads(ReadField::LogText),
            can_read_goals: reads(ReadField::Goals),
            can_read_meetings: reads(ReadField::Meetings),
            can_read_messages: reads(ReadField::Messages),
            can_read_child_birth_date: reads(ReadField::ChildBirthDate),
            can_read_child_national_id: reads(ReadField::ChildNationalId),
            can_read_participant_contact: reads(ReadField::ParticipantContact),
            can_read_guardians: reads(ReadField::GuardianName),
            can_read_guardian_private: reads(ReadField::GuardianPrivate),
            can_read_consents: reads(ReadField::Consents),
            can_read_access_log: reads(ReadField::AccessLog),
            can_read_snapshots: reads(ReadField::Snapshots),
            can_read_snapshot_content: reads(ReadField::SnapshotContent),
            can_read_deletion_reason: reads(ReadField::DeletionReason),
            can_read_closed_reason: reads(ReadField::ClosedReason),
            can_post_message: may(WriteAction::PostMessage),
            can_add_goal_in: GoalArea::ALL.iter().copied().filter(|area| may(WriteAction::EditGoal(*area))).collect(),
            can_update_family_text: may(WriteAction::EditFamilyText),
            can_update_initiative: may(WriteAction::EditInitiative),
            can_schedule_meeting: may(WriteAction::ScheduleMeeting),
            can_propose_unit: may(WriteAction::ProposeUnit),
            can_add_participant: may(WriteAction::AddParticipant),
            can_propose_handover: may(WriteAction::ProposeHandover)
                && write::propose_handover(pending_handover).is_ok(),
            can_reassign_coordinator: may(WriteAction::ReassignCoordinator),
            can_change_guardians: may(WriteAction::ChangeGuardians),
            can_give_consent: may(WriteAction::GiveConsent) && (!consented || unit_waits),
            can_register_paper_consent: may(WriteAction::RegisterPaperConsent),
            can_close: may(WriteAction::CloseLog),
            can_request_reopen: may(WriteAction::RequestReopen) && write::request_reopen(rel, pending_reopen).is_ok(),
            can_approve_reopen: may(WriteAction::ApproveReopen)
                && write::approve_reopen(pending_reopen, consented).is_ok(),
            can_request_deletion: may(WriteAction::RequestDeletion) && write::request_deletion(open_deletion).is_ok(),
            can_process_deletion: may(WriteAction::ProcessDeletion) && open_deletion,
        })
    }
}
