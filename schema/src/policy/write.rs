//! The write table of DESIGN.md §3 and the status rules of §2.
//!
//! Order of refusal, so that nothing leaks:
//! 1. no relation to the log → NOT_FOUND (as for a log that does not exist);
//! 2. the log is deleted → CONFLICT, whatever the action; the log is CLOSED
//!    and the action is not one that applies to closed logs → CONFLICT (frozen);
//! 3. no role of the principal may do it → FORBIDDEN;
//! 4. the action needs an ACTIVE log and the log is DRAFT/PASSIVE → CONFLICT.

use super::{Acting, LogRelation, Role, Roles};
use crate::db::enums::{ClosingReason, GoalArea, LogStatus};
use crate::error::ApiError;
use crate::words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteAction {
    /// consent to the log or to a proposed unit
    GiveConsent,
    WithdrawConsent,
    /// a signed paper consent, registered on an owner's behalf
    RegisterPaperConsent,
    ProposeUnit,
    AddParticipant,
    RemoveParticipant,
    ProposeHandover,
    CancelHandover,
    /// accept or decline a handover proposed to oneself
    RespondToHandover,
    /// appoint a new coordinator without a handover (the coordinator is
    /// absent or deactivated): the home unit's leader or admin
    ReassignCoordinator,
    /// add or remove a guardian (a custody change): the coordinator
    ChangeGuardians,
    /// correct a guardian's contact details: the coordinator, or the
    /// guardian their own ([`edit_guardian_contact`])
    EditGuardianContact,
    /// register a withdrawal the family reported: the coordinator
    RegisterWithdrawal,
    /// add or change a goal in an area
    EditGoal(GoalArea),
    /// add a measure, or change any field of one
    EditMeasure(GoalArea),
    /// change the status, deadline or description of a measure one is responsible for
    UpdateOwnMeasure,
    /// evaluate a measure one is responsible for, or (coordinator) any measure or goal
    Evaluate {
        responsible: bool,
        area: GoalArea,
    },
    Comment,
    ScheduleMeeting,
    /// reschedule or cancel a meeting
    ChangeMeeting,
    /// put an item on a meeting's agenda
    AddAgendaItem,
    RecordMinutes,
    PostMessage,
    MarkMessageRead,
    /// presentation, aboutMe, childVoice
    EditFamilyText,
    /// initiative (the background for the log)
    EditInitiative,
    /// a guardian's demand, or the coordinator when goals are met
    CloseLog,
    RequestReopen,
    ApproveReopen,
    RequestDeletion,
    ProcessDeletion,
}

use WriteAction::*;

impl WriteAction {
    /// Actions that still apply to a CLOSED log.
    fn allowed_when_closed(self) -> bool {
        matches!(self, RequestReopen | ApproveReopen | RequestDeletion | ProcessDeletion)
    }

    /// Actions on the log's content, which need it ACTIVE.
    fn needs_active(self) -> bool {
        !matches!(
            self,
            GiveConsent
                | WithdrawConsent
                | RegisterPaperConsent
                | ProposeUnit
                | ReassignCoordinator
                | ChangeGuardians
                | EditGuardianContact
                | RegisterWithdrawal
                | CloseLog
                | RequestReopen
                | ApproveReopen
                | RequestDeletion
                | ProcessDeletion
        )
    }
}

/// The write table: may `role` do `action`?
pub fn allowed(role: Role, action: WriteAction) -> bool {
    use Role::*;
    match role {
        Guardian | Youth => matches!(
            action,
            GiveConsent
                | WithdrawConsent
                | UpdateOwnMeasure
                | EditGoal(GoalArea::HomeLeisure)
                | EditMeasure(GoalArea::HomeLeisure)
                | Evaluate { area: GoalArea::HomeLeisure, .. }
                | Evaluate { responsible: true, .. }
                | Comment
                | AddAgendaItem
                | PostMessage
                | MarkMessageRead
                | EditFamilyText
                | CloseLog
                | ApproveReopen
                | RequestDeletion
                | EditGuardianContact
        ),
        Coordinator => matches!(
            action,
            RegisterPaperConsent
                | ProposeUnit
                | AddParticipant
                | RemoveParticipant
                | ProposeHandover
                | CancelHandover
                | EditGoal(_)
                | EditMeasure(_)
                | UpdateOwnMeasure
                | Evaluate { .. }
                | Comment
                | ScheduleMeeting
                | ChangeMeeting
                | AddAgendaItem
                | RecordMinutes
                | PostMessage
                | MarkMessageRead
                | EditFamilyText
                | EditInitiative
                | CloseLog
                | RequestReopen
                | ChangeGuardians
                | EditGuardianContact
                | RegisterWithdrawal
        ),
        // Outside an ACTIVE, consented log the coordinator keeps the steps that
        // bring it (back) to life, and may ask to reopen a closed one.
        CoordinatorMetadata => {
            matches!(
                action,
                RegisterPaperConsent
                    | ProposeUnit
                    | CancelHandover
                    | RequestReopen
                    | ChangeGuardians
                    | EditGuardianContact
                    | RegisterWithdrawal
            )
        }
        Participant => matches!(
            action,
            UpdateOwnMeasure
                | Evaluate { responsible: true, .. }
                | Comment
                | AddAgendaItem
                | PostMessage
                | MarkMessageRead
                | RespondToHandover
        ),
        // Lund's guideline: the unit leader picks the coordinator.
        UnitAdmin => matches!(action, ReassignCoordinator),
        MunicipalAdmin => matches!(action, ProcessDeletion),
    }
}

/// Decides a write and returns the role it is done in, for the access log.
pub fn authorize(rel: &LogRelation, action: WriteAction) -> Result<Acting, ApiError> {
    authorize_with(rel, &Roles::of(rel), action)
}

fn authorize_with(rel: &LogRelation, roles: &Roles, action: WriteAction) -> Result<Acting, ApiError> {
    if roles.is_outsider() {
        return Err(ApiError::NotFound("Log"));
    }
    // A deleted log's content is purged and its requests are cancelled; nothing
    // may act on it any more (issue 14: approving a reopening once created a
    // consent on a deleted log).
    if rel.deleted {
        return Err(ApiError::conflict(words!("error-log-deleted")));
    }
    if rel.status == LogStatus::Closed && !action.allowed_when_closed() {
        return Err(ApiError::conflict(words!("error-log-closed")));
    }
    let Some(role) = roles.iter().find(|r| allowed(*r, action)) else {
        return Err(ApiError::forbidden(format!("your role in this log does not allow {}", describe(action))));
    };
    if action.needs_active() && rel.status != LogStatus::Active {
        return Err(ApiError::conflict(words!("error-log-not-active", status = rel.status.as_str())));
    }
    Ok(Acting::new(role, rel))
}

fn describe(action: WriteAction) -> &'static str {
    match action {
        GiveConsent => "giving consent",
        WithdrawConsent => "withdrawing consent",
        RegisterPaperConsent => "registering a paper consent",
        ProposeUnit => "proposing a unit",
        AddParticipant => "adding participants",
        RemoveParticipant => "removing participants",
        ProposeHandover => "proposing a handover",
        CancelHandover => "cancelling a handover",
        RespondToHandover => "responding to a handover",
        ReassignCoordinator => "appointing a coordinator (the unit leader or admin of the log's unit may)",
        ChangeGuardians => "adding or removing guardians (the coordinator may)",
        EditGuardianContact => "changing a guardian's contact details",
        RegisterWithdrawal => "registering a withdrawal on the family's behalf (the coordinator may)",
        EditGoal(_) => "editing goals in this area",
        EditMeasure(_) => "editing measures in this area",
        UpdateOwnMeasure => "updating this measure (only its responsible person may)",
        Evaluate { .. } => "evaluating this",
        Comment => "commenting",
        ScheduleMeeting => "scheduling meetings",
        ChangeMeeting => "rescheduling or cancelling meetings (the coordinator may)",
        AddAgendaItem => "adding to a meeting's agenda",
        RecordMinutes => "recording minutes",
        PostMessage => "posting messages",
        MarkMessageRead => "marking messages read",
        EditFamilyText => "editing the family's texts",
        EditInitiative => "editing the initiative",
        CloseLog => "closing the log",
        RequestReopen => "requesting reopening",
        ApproveReopen => "approving reopening",
        RequestDeletion => "requesting deletion",
        ProcessDeletion => "processing deletion requests",
    }
}

// Rules about the object of a write, checked after `authorize` once the
// object is loaded: the facts are the caller's, the decision is here.

/// Whether `authorize` would let the principal do `action` now: the answer a
/// frontend reads in `viewerPermissions` before it shows the button.
pub fn may(rel: &LogRelation, action: WriteAction) -> bool {
    authorize(rel, action).is_ok()
}

/// Decides a change to a measure: its responsible person updates it
/// (status, deadline, description) if her role lets her; anything more, or
/// anyone else, edits it, which the goal's area decides. (A coordinator who
/// is also responsible may do both.)
pub fn change_measure(
    rel: &LogRelation,
    responsible: bool,
    reassigns: bool,
    area: GoalArea,
) -> Result<Acting, ApiError> {
    if responsible && !reassigns {
        match authorize(rel, UpdateOwnMeasure) {
            Err(ApiError::Forbidden(_)) => {}
            decided => return decided,
        }
    }
    authorize(rel, EditMeasure(area))
}

/// Reopening is asked of a closed log, one request at a time.
pub fn request_reopen(rel: &LogRelation, pending: bool) -> Result<(), ApiError> {
    if rel.status != LogStatus::Closed {
        return Err(ApiError::conflict(words!("error-reopen-not-closed")));
    }
    if pending {
        return Err(ApiError::conflict(words!("error-reopen-waiting")));
    }
    Ok(())
}

/// An owner approves a waiting request to reopen, once.
pub fn approve_reopen(pending: bool, already_consented: bool) -> Result<(), ApiError> {
    if !pending {
        return Err(ApiError::conflict(words!("error-reopen-none")));
    }
    if already_consented {
        return Err(ApiError::conflict(words!("error-reopen-approved")));
    }
    Ok(())
}

/// Minutes are recorded once, for a meeting that was not cancelled.
pub fn record_minutes(recorded: bool, cancelled: bool) -> Result<(), ApiError> {
    if recorded {
        return Err(ApiError::conflict(words!("error-minutes-recorded")));
    }
    if cancelled {
        return Err(ApiError::conflict(words!("error-meeting-cancelled")));
    }
    Ok(())
}

/// A meeting is rescheduled or cancelled while it is still ahead: not once
/// its minutes are recorded (it was held), and not after it was called off.
pub fn change_meeting(held: bool, cancelled: bool) -> Result<(), ApiError> {
    if held {
        return Err(ApiError::conflict(words!("error-meeting-held")));
    }
    if cancelled {
        return Err(ApiError::conflict(words!("error-meeting-cancelled")));
    }
    Ok(())
}

/// The agenda takes items until the meeting's minutes are recorded (a point
/// raised as it starts is still welcome), not for a cancelled meeting.
pub fn add_agenda_item(held: bool, cancelled: bool) -> Result<(), ApiError> {
    change_meeting(held, cancelled)
}

/// One deletion request waits at a time.
pub fn request_deletion(open_request: bool) -> Result<(), ApiError> {
    if open_request {
        return Err(ApiError::conflict(words!("error-deletion-waiting")));
    }
    Ok(())
}

/// A deletion request is processed once.
pub fn process_deletion(processed: bool) -> Result<(), ApiError> {
    if processed {
        return Err(ApiError::conflict(words!("error-deletion-processed")));
    }
    Ok(())
}

/// One handover waits at a time.
pub fn propose_handover(pending: bool) -> Result<(), ApiError> {
    if pending {
        return Err(ApiError::conflict(words!("error-handover-waiting")));
    }
    Ok(())
}

/// A current participant other than the coordinator can be removed.
pub fn remove_participant(left: bool, is_coordinator: bool) -> Result<(), ApiError> {
    if left {
        return Err(ApiError::conflict(words!("error-participant-left")));
    }
    if is_coordinator {
        return Err(ApiError::conflict(words!("error-coordinator-not-removable")));
    }
    Ok(())
}

/// A guardian corrects only her own contact details; the coordinator anyone's.
pub fn edit_guardian_contact(rel: &LogRelation, actor: uuid::Uuid, guardian: uuid::Uuid) -> Result<(), ApiError> {
    if rel.is_coordinator || actor == guardian {
        Ok(())
    } else {
        Err(ApiError::forbidden("a guardian may change only her own contact details"))
    }
}

/// A consent to the log is withdrawn only by the owner who gave it (a unit
/// consent, by any owner).
pub fn withdraw_log_consent(actor: uuid::Uuid, given_by: uuid::Uuid) -> Result<(), ApiError> {
    if actor != given_by {
        return Err(ApiError::forbidden("only the owner who gave a consent to the log may withdraw it"));
    }
    Ok(())
}

/// A log closed for OTHER reasons says which in words (issue 19): a
/// closing the family and the archive read should not be a bare "other".
pub fn closing_details(reason: ClosingReason, has_details: bool) -> Result<(), ApiError> {
    if reason == ClosingReason::Other && !has_details {
        return Err(ApiError::bad_field("details", words!("error-close-details")));
    }
    Ok(())
}

/// Whether a participant's unit counts as consented for taking the baton
/// by reassignment: a DRAFT log has no consent yet, so its coordinator may
/// come from the log's own unit; otherwise only from a consented unit, as
/// for a handover (issue 18's decision, `reassignCoordinator`).
pub fn successor_unit_consented(status: LogStatus, from_logs_unit: bool, unit_consented: bool) -> bool {
    (status == LogStatus::Draft && from_logs_unit) || unit_consented
}

/// A guardian is removed (custody change) unless they are the last of a
/// child under 18: a minor's log always has someone with parental
/// responsibility, so the new guardian is added first. An adult child's
/// guardians may all go (they read nothing any more).
pub fn remove_guardian(guardians: usize, child_adult: bool) -> Result<(), ApiError> {
    if guardians <= 1 && !child_adult {
        return Err(ApiError::conflict(words!("error-guardian-last")));
    }
    Ok(())
}

/// The baton goes only to a current participant of the log whose unit the
/// family has consented to. A wrong successor is the proposer's choice, not
/// a lack of right: BAD_USER_INPUT, as for a measure's responsible person
/// (FORBIDDEN would read as "you may not propose a handover").
pub fn hand_baton_to(is_current_participant: bool, unit_consented: bool) -> Result<(), ApiError> {
    if !is_current_participant {
        return Err(ApiError::bad_field("participantId", words!("error-handover-not-participant")));
    }
    if !unit_consented {
        return Err(ApiError::bad_field("participantId", words!("error-handover-no-consent")));
    }
    Ok(())
}

/// Only the proposed successor answers a handover.
pub fn respond_to_handover(actor: uuid::Uuid, successor: uuid::Uuid) -> Result<(), ApiError> {
    if actor != successor {
        return Err(ApiError::forbidden("only the proposed successor may respond to this handover"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn active() -> LogRelation {
        LogRelation::outsider(Uuid::nil(), Uuid::nil(), Uuid::nil(), LogStatus::Active)
    }

    #[test]
    fn outsiders_get_not_found_even_for_closed_logs() {
        let rel = LogRelation { status: LogStatus::Closed, ..active() };
        assert!(matches!(authorize(&rel, PostMessage), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn closed_logs_are_frozen_before_roles_are_considered() {
        let rel = LogRelation { status: LogStatus::Closed, is_unit_admin: true, ..active() };
        assert!(matches!(authorize(&rel, PostMessage), Err(ApiError::Conflict(_))));
    }

    #[test]
    fn deleted_logs_refuse_every_action_even_those_for_closed_logs() {
        let rel = LogRelation { status: LogStatus::Closed, deleted: true, is_guardian: true, ..active() };
        for action in [ApproveReopen, RequestReopen, RequestDeletion, GiveConsent, PostMessage] {
            assert!(matches!(authorize(&rel, action), Err(ApiError::Conflict(_))), "{action:?}");
        }
        let municipal = LogRelation { is_municipal_admin: true, ..rel };
        assert!(matches!(authorize(&municipal, ProcessDeletion), Err(ApiError::Conflict(_))));
        let outsider = LogRelation { is_guardian: false, ..rel };
        assert!(matches!(authorize(&outsider, ApproveReopen), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn a_guardian_may_not_edit_a_school_goal() {
        let rel = LogRelation { is_guardian: true, ..active() };
        assert!(matches!(authorize(&rel, EditGoal(GoalArea::KindergartenSchool)), Err(ApiError::Forbidden(_))));
        assert!(authorize(&rel, EditGoal(GoalArea::HomeLeisure)).is_ok());
    }

    #[test]
    fn a_closed_log_still_takes_reopening_and_deletion() {
        let closed = LogRelation { status: LogStatus::Closed, ..active() };
        let guardian = LogRelation { is_guardian: true, ..closed.clone() };
        assert!(authorize(&guardian, RequestDeletion).is_ok());
        assert!(authorize(&guardian, ApproveReopen).is_ok());
        let coordinator = LogRelation { is_coordinator: true, ..closed };
        assert!(authorize(&coordinator, RequestReopen).is_ok());
    }

    #[test]
    fn a_refusal_names_what_was_refused() {
        let unit_admin = LogRelation { is_unit_admin: true, ..active() };
        match authorize(&unit_admin, PostMessage) {
            Err(ApiError::Forbidden(msg)) => assert!(msg.ends_with("does not allow posting messages"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn object_rules_hold_for_their_own_person_only() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(withdraw_log_consent(me, me).is_ok());
        assert!(matches!(withdraw_log_consent(me, other), Err(ApiError::Forbidden(_))));
        assert!(respond_to_handover(me, me).is_ok());
        assert!(matches!(respond_to_handover(me, other), Err(ApiError::Forbidden(_))));
        assert!(hand_baton_to(true, true).is_ok());
        assert!(matches!(hand_baton_to(false, true), Err(ApiError::BadUserInput { .. })), "not a participant");
        assert!(matches!(hand_baton_to(true, false), Err(ApiError::BadUserInput { .. })), "no consent for her unit");
    }

    #[test]
    fn may_is_what_authorize_decides() {
        let guardian = LogRelation { is_guardian: true, ..active() };
        assert!(may(&guardian, PostMessage));
        assert!(!may(&guardian, ScheduleMeeting), "forbidden");
        assert!(!may(&LogRelation { status: LogStatus::Passive, ..guardian.clone() }, PostMessage), "conflict");
        assert!(!may(&active(), PostMessage), "not found");
    }

    #[test]
    fn a_responsible_person_updates_her_measure_and_only_editors_reassign_it() {
        let nurse =
            LogRelation { participant_id: Some(Uuid::from_u128(1)), participant_unit_consented: true, ..active() };
        let school = GoalArea::KindergartenSchool;
        let acting = change_measure(&nurse, true, false, school).expect("her own measure");
        assert_eq!(acting.role, crate::db::enums::ActorRole::Participant);
        assert!(matches!(change_measure(&nurse, true, true, school), Err(ApiError::Forbidden(_))), "reassigning");
        assert!(matches!(change_measure(&nurse, false, false, school), Err(ApiError::Forbidden(_))), "not hers");
        // A coordinator who is responsible may also reassign; a refusal for the
        // log's state is not turned into another action's answer.
        let coordinator = LogRelation { is_coordinator: true, ..nurse.clone() };
        assert!(change_measure(&coordinator, true, true, school).is_ok());
        let passive = LogRelation { is_guardian: true, status: LogStatus::Passive, ..active() };
        assert!(matches!(change_measure(&passive, true, false, school), Err(ApiError::Conflict(_))));
        let guardian = LogRelation { is_guardian: true, ..active() };
        assert!(change_measure(&guardian, false, false, GoalArea::HomeLeisure).is_ok(), "owners edit home measures");
    }

    #[test]
    fn requests_wait_one_at_a_time_and_in_the_right_state() {
        let closed = LogRelation { status: LogStatus::Closed, ..active() };
        assert!(request_reopen(&closed, false).is_ok());
        assert!(matches!(request_reopen(&closed, true), Err(ApiError::Conflict(_))));
        assert!(matches!(request_reopen(&active(), false), Err(ApiError::Conflict(_))));
        assert!(approve_reopen(true, false).is_ok());
        assert!(matches!(approve_reopen(false, false), Err(ApiError::Conflict(_))));
        assert!(matches!(approve_reopen(true, true), Err(ApiError::Conflict(_))));
        assert!(record_minutes(false, false).is_ok());
        assert!(matches!(record_minutes(true, false), Err(ApiError::Conflict(_))), "recorded already");
        assert!(matches!(record_minutes(false, true), Err(ApiError::Conflict(_))), "cancelled");
        assert!(change_meeting(false, false).is_ok());
        assert!(matches!(change_meeting(true, false), Err(ApiError::Conflict(_))), "held");
        assert!(matches!(change_meeting(false, true), Err(ApiError::Conflict(_))), "cancelled");
        assert!(request_deletion(false).is_ok());
        assert!(matches!(request_deletion(true), Err(ApiError::Conflict(_))));
        assert!(process_deletion(false).is_ok());
        assert!(matches!(process_deletion(true), Err(ApiError::Conflict(_))));
        assert!(propose_handover(false).is_ok());
        assert!(matches!(propose_handover(true), Err(ApiError::Conflict(_))));
        assert!(remove_participant(false, false).is_ok());
        assert!(matches!(remove_participant(true, false), Err(ApiError::Conflict(_))));
        assert!(matches!(remove_participant(false, true), Err(ApiError::Conflict(_))));
    }

    #[test]
    fn owners_content_writes_wait_for_an_active_log() {
        let rel = LogRelation { is_guardian: true, status: LogStatus::Passive, ..active() };
        assert!(matches!(authorize(&rel, PostMessage), Err(ApiError::Conflict(_))));
        assert!(authorize(&rel, GiveConsent).is_ok());
    }
}
