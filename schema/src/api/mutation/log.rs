//! Creating, editing, closing, reopening and deleting logs (DESIGN.md §2: 1, 8, 9, 10).

use super::payload::{answer, payload};
use super::tx::{Lock, ScopedFutureExt, in_transaction, with_log};
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::scalars::Date;
use crate::api::types::requests::{DeletionRequest, ReopenRequest};
use crate::context::rc;
use crate::db::enums::{
    AccessAction, ClosingReason, ConsentMethod, ConsentScope, EventKind, GoalArea, HandoverStatus, LogStatus,
    ObjectType, ParticipantLeftReason, ReopenStatus, SnapshotReason, WithdrawalReason,
};
use crate::db::lifecycle::{self, Transition};
use crate::db::logs::{ChildRow, LogRow, LogTextChanges};
use crate::db::{consents, logs, org, participants, requests, snapshots, templates};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::national_id;
use crate::policy::organization::NewToUnit;
use crate::policy::relation::{self, ObjectRef};
use crate::policy::{WriteAction, admin, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::{NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// At most this many guardians on one log.
const MAX_GUARDIANS: usize = 4;

/// The child a new log is about: under 18, or unborn.
#[derive(InputObject)]
pub struct ChildInput {
    /// the child's name, at most 200 characters
    pub name: String,
    /// fødselsnummer or D-nummer (11 digits); omit for an unborn child. A
    /// child who already has an open log you can see is a CONFLICT
    pub national_id: Option<String>,
    /// the date of birth: needed without a national id (an unborn child's due
    /// date, at most a year ahead) and with a number issued under the 2032
    /// rules, which does not give the century; never after today with a national id
    pub birth_date: Option<Date>,
}

/// A guardian of the child, an owner of the new log.
#[derive(InputObject)]
pub struct GuardianInput {
    /// fødselsnummer or D-nummer (11 digits); not the child's, and each guardian once
    pub national_id: String,
    /// the guardian's name, at most 200 characters
    pub name: String,
    /// at most 40 characters
    pub phone: Option<String>,
    /// postal address, at most 400 characters
    pub address: Option<String>,
}

/// A new log.
#[derive(InputObject)]
pub struct CreateLogInput {
    /// the unit creating the log; you must be its unit admin or leader
    pub unit_id: ID,
    /// the child the log is about
    pub child: ChildInput,
    /// the child's guardians, 1 to 4; the log becomes ACTIVE when every owner has consented
    pub guardians: Vec<GuardianInput>,
    /// the first coordinator: a staff member of the unit
    pub coordinator_id: ID,
    /// a plan template of the unit's municipality (`createTemplate`)
    pub template_id: Option<ID>,
    /// bakgrunn: why the log is started, at most 20,000 characters
    pub initiative: Option<String>,
}

/// Text sections. Omitted fields are unchanged and `null` clears one: the
/// one way to clear a value in every input (as `UpdateMeasureInput.deadline`).
/// A blank string is refused (BAD_USER_INPUT), so that an emptied text box is
/// sent as a deliberate `null`, not stored as an invisible blank.
#[derive(InputObject, Default)]
pub struct LogTextInput {
    /// presentasjon, at most 20,000 characters; owners and the coordinator write it
    pub presentation: MaybeUndefined<String>,
    /// om meg, at most 20,000 characters; owners and the coordinator write it
    pub about_me: MaybeUndefined<String>,
    /// barnets stemme, at most 20,000 characters; owners and the coordinator write it
    pub child_voice: MaybeUndefined<String>,
    /// bakgrunn, at most 20,000 characters; only the coordinator writes it
    pub initiative: MaybeUndefined<String>,
}

/// Why a log closes.
#[derive(InputObject)]
pub struct CloseLogInput {
    /// why it closes; moving to an individual plan tells the family in a notice
    pub reason: ClosingReason,
    /// in the coordinator's words, at most 2,000 characters; required for OTHER
    pub details: Option<String>,
}

/// Why the family asks for deletion.
#[derive(InputObject, Default)]
pub struct RequestDeletionInput {
    /// the family's reason, at most 2,000 characters
    pub reason: Option<String>,
}

payload! {
    /// The answer of `createLog`.
    CreateLogPayload {} with log
}

payload! {
    /// The answer of `updateLogText`.
    UpdateLogTextPayload {} with log
}

payload! {
    /// The answer of `closeLog`.
    CloseLogPayload {} with log
}

payload! {
    /// The answer of `requestReopen`.
    RequestReopenPayload {
        /// the request the family is asked to approve
        reopen_request: ReopenRequest,
    } with log
}

payload! {
    /// The answer of `approveReopen`.
    ApproveReopenPayload {} with log
}

payload! {
    /// The answer of `requestDeletion`.
    RequestDeletionPayload {
        /// the request, open until the municipal admin processes it
        deletion_request: DeletionRequest,
    } with log
}

payload! {
    /// The answer of `processDeletion`.
    ProcessDeletionPayload {} with log
}

#[derive(Default)]
pub struct LogMutations;

#[Object]
impl LogMutations {
    /// Creates a DRAFT log for a child, with its guardians and first coordinator.
    async fn create_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new log.")] input: CreateLogInput,
    ) -> ApiResult<CreateLogPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let unit_id = ids::parse(&input.unit_id, "unitId")?;
            let acting = admin::create_log(&rc.principal, unit_id)?;
            let coordinator_id = ids::parse(&input.coordinator_id, "coordinatorId")?;
            let template_id = input.template_id.as_ref().map(|t| ids::parse(t, "templateId")).transpose()?;
            let child_name = input::required(&input.child.name, "child.name", limits::NAME)?;
            let child_nid = input.child.national_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let birth_date = child_birth_date(child_nid, input.child.birth_date.map(|d| d.0), Utc::now().date_naive())?;
            // A stafettlogg is for children and young people (0–18, or unborn):
            // a log for an adult's number would only be a way to look them up.
            if birth_date.is_some_and(|b| b <= Utc::now().date_naive() - chrono::Months::new(12 * 18)) {
                return Err(ApiError::bad_field("child.birthDate", words!("error-child-adult")));
            }
            let guardians = validate_guardians(&input.guardians, child_nid)?;
            let initiative = input::optional(input.initiative.as_deref(), "initiative", limits::LOG_TEXT)?;
            let actor = rc.principal.person_id();
            let child_nid = child_nid.map(str::to_owned);

            let log_id = in_transaction(rc, move |conn| {
                async move {
                    let unit = crate::db::organization::unit_by_id(conn, unit_id).await?;
                    let unit = unit.ok_or(ApiError::NotFound("Unit"))?;
                    let deactivated = unit.deactivated_at.is_some();
                    crate::policy::organization::unit_takes(deactivated, NewToUnit::Log, "unitId")?;
                    let municipality_id = unit.municipality_id;
                    if !org::has_unit_role(conn, coordinator_id, unit_id).await? {
                        return Err(ApiError::bad_field("coordinatorId", words!("error-coordinator-not-staff")));
                    }
                    let template = match template_id {
                        None => None,
                        Some(t) => {
                            let row = templates::of_municipality(conn, t, municipality_id, false).await?;
                            let row =
                                row.ok_or_else(|| ApiError::bad_field("templateId", words!("error-template-unknown")))?;
                            if row.retired_at.is_some() {
                                return Err(ApiError::bad_field("templateId", words!("error-template-retired-pick")));
                            }
                            Some(row)
                        }
                    };
                    // The child of a new log is a row of its own, with exactly what
                    // the caller supplied: nothing stored about the child is returned
                    // to someone who did not supply it. A duplicate is refused only
                    // when the caller can see the log it duplicates, so the answer
                    // never depends on a log the caller cannot see (issue 14).
                    if let Some(nid) = child_nid.as_deref()
                        && let Some(existing) =
                            relation::visible_open_logs_of_child(conn, actor, nid).await?.into_iter().next()
                    {
                        return Err(ApiError::conflict(words!(
                            "error-child-has-log",
                            log = ids::id(existing).as_str()
                        )));
                    }
                    let now = Utc::now();
                    let child = ChildRow {
                        id: Uuid::new_v4(),
                        municipality_id,
                        name: child_name,
                        national_id: child_nid,
                        birth_date,
                        created_at: now,
                    };
                    logs::insert_child(conn, &child).await?;
                    let row = LogRow {
                        id: Uuid::new_v4(),
                        municipality_id,
                        unit_id,
                        child_id: child.id,
                        template_id,
                        status: LogStatus::Draft,
                        presentation: None,
                        about_me: None,
                        child_voice: None,
                        initiative,
                        created_by: actor,
                        created_at: now,
                        updated_at: now,
                        closed_at: None,
                        closed_reason: None,
                        deleted_at: None,
                    };
                    logs::insert(conn, &row).await?;
                    for g in &guardians {
                        let citizen = org::ensure_citizen(
                            conn,
                            &g.national_id,
                            &g.name,
                            g.phone.as_deref(),
                            g.address.as_deref(),
                        )
                        .await?;
                        let recorded = logs::RecordedGuardian {
                            name: &g.name,
                            phone: g.phone.as_deref(),
                            address: g.address.as_deref(),
                        };
                        logs::insert_guardian(conn, row.id, citizen, actor, &recorded).await?;
                    }
                    let participant = participants::ParticipantRow {
                        id: Uuid::new_v4(),
                        log_id: row.id,
                        staff_id: coordinator_id,
                        unit_id,
                        title: None,
                        added_by: actor,
                        joined_at: now,
                        left_at: None,
                        left_reason: None,
                    };
                    participants::insert(conn, &participant).await?;
                    participants::start_term(conn, row.id, &participant).await?;
                    let entry =
                        crate::audit::entry(actor, acting, row.id, ObjectType::Log, Some(row.id), AccessAction::Create);
                    crate::audit::record_write(conn, &entry).await?;
                    if let Some(t) = &template {
                        from_template(conn, &row, t, actor, acting).await?;
                    }
                    crate::events::emit(
                        conn,
                        row.id,
                        EventKind::StatusChanged,
                        EventPayload { actor_id: Some(actor), status: Some(LogStatus::Draft), ..Default::default() },
                    )
                    .await?;
                    Ok(row.id)
                }
                .scope_boxed()
            })
            .await?;
            Ok(CreateLogPayload { log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// Edits the text sections. Owners and the coordinator write the
    /// presentation, aboutMe and childVoice; the coordinator the initiative.
    async fn update_log_text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log to edit.")] log_id: ID,
        #[graphql(desc = "The sections to change; at least one.")] input: LogTextInput,
    ) -> ApiResult<UpdateLogTextPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let text = |v: &MaybeUndefined<String>, f: &str| -> ApiResult<Option<Option<String>>> {
                match v {
                    MaybeUndefined::Undefined => Ok(None),
                    MaybeUndefined::Null => Ok(Some(None)),
                    MaybeUndefined::Value(s) => match input::optional(Some(s), f, limits::LOG_TEXT)? {
                        Some(t) => Ok(Some(Some(t))),
                        None => Err(ApiError::bad_field(f, words!("error-blank-clear", field = f))),
                    },
                }
            };
            let changes = LogTextChanges {
                presentation: text(&input.presentation, "presentation")?,
                about_me: text(&input.about_me, "aboutMe")?,
                child_voice: text(&input.child_voice, "childVoice")?,
                initiative: text(&input.initiative, "initiative")?,
            };
            let sections: Vec<String> = [
                ("PRESENTATION", changes.presentation.is_some()),
                ("ABOUT_ME", changes.about_me.is_some()),
                ("CHILD_VOICE", changes.child_voice.is_some()),
                ("INITIATIVE", changes.initiative.is_some()),
            ]
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(name, _)| name.to_owned())
            .collect();
            let family = changes.presentation.is_some() || changes.about_me.is_some() || changes.child_voice.is_some();
            let initiative = changes.initiative.is_some();
            if !family && !initiative {
                return Err(ApiError::bad_input(words!("error-nothing-to-change")));
            }
            with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let mut acting = None;
                    if family {
                        acting = Some(w.authorize(WriteAction::EditFamilyText)?);
                    }
                    if initiative {
                        acting = Some(w.authorize(WriteAction::EditInitiative)?);
                    }
                    let acting = acting.ok_or_else(|| ApiError::bad_input(words!("error-nothing-to-change")))?;
                    logs::update_texts(conn, w.log_id(), changes).await?;
                    w.audit(conn, acting, ObjectType::Log, w.log_id(), AccessAction::Update).await?;
                    w.emit(conn, EventKind::TextChanged, EventPayload { sections, ..Default::default() }).await
                }
                .scope_boxed()
            })
            .await?;
            Ok(UpdateLogTextPayload { log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// Closes the log: an owner's demand, or the coordinator when the goals
    /// are met. The log is frozen, a final snapshot is taken, every consent
    /// ends and professionals lose access.
    async fn close_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log to close.")] log_id: ID,
        #[graphql(desc = "Why it closes.")] input: CloseLogInput,
    ) -> ApiResult<CloseLogPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let details = input::optional(input.details.as_deref(), "details", limits::REASON)?;
            let reason = input.reason;
            write::closing_details(reason, details.is_some())?;
            with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::CloseLog)?;
                    let closing = lifecycle::Closing { reason, details: details.as_deref(), by: Some(w.actor) };
                    close(conn, &w, closing, WithdrawalReason::LogClosed).await?;
                    if reason == ClosingReason::IndividualPlan {
                        // A hand-off: the family is told where the work goes on.
                        let owners = super::consent::owners_of(conn, w.log_id()).await?;
                        super::message::notice(conn, &w, &owners, |language| {
                            let body = i18n::text(language, "notice-individual-plan", &[]);
                            match &details {
                                Some(d) => format!("{body} {d}"),
                                None => body,
                            }
                        })
                        .await?;
                    }
                    w.audit(conn, acting, ObjectType::Log, w.log_id(), AccessAction::Update).await
                }
                .scope_boxed()
            })
            .await?;
            Ok(CloseLogPayload { log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// Asks the family to reopen a closed log (the coordinator of the closed log).
    async fn request_reopen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The closed log.")] log_id: ID,
    ) -> ApiResult<RequestReopenPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RequestReopen)?;
                    write::request_reopen(&w.rel, requests::pending_reopen(conn, w.log_id()).await?.is_some())?;
                    let row = requests::ReopenRequestRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        requested_by: w.actor,
                        requested_at: Utc::now(),
                        status: ReopenStatus::Pending,
                        decided_at: None,
                    };
                    requests::insert_reopen(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::ReopenRequest, row.id, AccessAction::Create).await?;
                    w.emit(conn, EventKind::ReopenRequested, EventPayload::default()).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RequestReopenPayload {
                log_id: Some(log_id),
                reopen_request: Some(ReopenRequest(row)),
                ..Default::default()
            })
        })
        .await
    }

    /// An owner approves reopening; this is also their consent to the log.
    /// The log is ACTIVE again once every owner has approved. Units must be
    /// consented again before their participants regain access.
    async fn approve_reopen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The closed log.")] log_id: ID,
    ) -> ApiResult<ApproveReopenPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ApproveReopen)?;
                    let request = requests::pending_reopen(conn, w.log_id()).await?;
                    let consented = consents::valid_of(conn, w.log_id(), w.actor, None).await?.is_some();
                    write::approve_reopen(request.is_some(), consented)?;
                    let request =
                        request.ok_or_else(|| ApiError::internal("a checked reopening request is missing"))?;
                    let consent = consents::ConsentRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        scope: ConsentScope::Log,
                        unit_id: None,
                        given_by: w.actor,
                        method: ConsentMethod::Digital,
                        document_reference: None,
                        registered_by: None,
                        given_at: Utc::now(),
                        expires_at: None,
                        withdrawn_at: None,
                        withdrawn_by: None,
                        withdrawal_reason: None,
                        signed_on: None,
                        withdrawal_reported_on: None,
                        withdrawal_reported_how: None,
                    };
                    consents::insert(conn, &consent).await?;
                    w.audit(conn, acting, ObjectType::Consent, consent.id, AccessAction::Create).await?;
                    if logs::consent_complete(conn, w.log_id()).await?
                        && let Some(status) =
                            lifecycle::apply(conn, w.log_id(), Transition::Reopen, None, Utc::now()).await?
                    {
                        requests::decide_reopen(conn, request.id, ReopenStatus::Approved).await?;
                        w.emit(
                            conn,
                            EventKind::StatusChanged,
                            EventPayload { status: Some(status), ..Default::default() },
                        )
                        .await?;
                    }
                    Ok(())
                }
                .scope_boxed()
            })
            .await?;
            Ok(ApproveReopenPayload { log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// An owner asks the municipality to delete the log.
    async fn request_deletion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log to delete.")] log_id: ID,
        #[graphql(desc = "Why the family asks.", default)] input: RequestDeletionInput,
    ) -> ApiResult<RequestDeletionPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let reason = input::optional(input.reason.as_deref(), "reason", limits::REASON)?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RequestDeletion)?;
                    write::request_deletion(requests::open_deletion(conn, w.log_id()).await?.is_some())?;
                    let row = requests::DeletionRequestRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        requested_by: w.actor,
                        reason,
                        requested_at: Utc::now(),
                        processed_by: None,
                        processed_at: None,
                    };
                    requests::insert_deletion(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::DeletionRequest, row.id, AccessAction::Create).await?;
                    w.emit(conn, EventKind::DeletionRequested, EventPayload::default()).await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(RequestDeletionPayload {
                log_id: Some(log_id),
                deletion_request: Some(DeletionRequest::in_log(row, access)),
                ..Default::default()
            })
        })
        .await
    }

    /// The municipal admin processes a deletion request: the log is closed
    /// (with a final snapshot) if it was not, live content is purged, and
    /// archive snapshots are kept but restricted.
    async fn process_deletion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deletion request (`openDeletionRequests`).")] request_id: ID,
    ) -> ApiResult<ProcessDeletionPayload> {
        answer(&["requestId"], async move {
            let rc = rc(ctx);
            let request_id = ids::parse(&request_id, "requestId")?;
            let log_id = locate(rc, ObjectRef::DeletionRequest(request_id)).await?;
            with_log(rc, log_id, Lock::Exclusive, "DeletionRequest", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ProcessDeletion)?;
                    let request = requests::deletion_by_id(conn, request_id)
                        .await?
                        .ok_or(ApiError::NotFound("DeletionRequest"))?;
                    write::process_deletion(request.processed_at.is_some())?;
                    if w.rel.status != LogStatus::Closed {
                        let closing = lifecycle::Closing {
                            reason: ClosingReason::FamilyDemanded,
                            details: Some("slettet etter krav fra familien"),
                            by: Some(w.actor),
                        };
                        close(conn, &w, closing, WithdrawalReason::LogDeleted).await?;
                    }
                    purge(conn, w.log_id()).await?;
                    // A request waiting on the log would otherwise outlive it.
                    if let Some(reopen) = requests::pending_reopen(conn, w.log_id()).await? {
                        requests::decide_reopen(conn, reopen.id, ReopenStatus::Cancelled).await?;
                    }
                    requests::mark_deletion_processed(conn, request_id, w.actor).await?;
                    w.audit(conn, acting, ObjectType::Log, w.log_id(), AccessAction::Delete).await?;
                    w.emit(conn, EventKind::LogDeleted, EventPayload::default()).await
                }
                .scope_boxed()
            })
            .await?;
            Ok(ProcessDeletionPayload { log_id: Some(log_id), ..Default::default() })
        })
        .await
    }
}

/// What a template gives a new log: the version it was made from (its
/// guidance, read through `Log.template`), and one empty goal for each of
/// its default areas at BTI level 1 (universal), for the first meeting to
/// fill in ("the goal is written at the first meeting", in the family's
/// language). Each goal is an access-log write like any other.
async fn from_template(
    conn: &mut diesel_async::AsyncPgConnection,
    log: &LogRow,
    template: &templates::TemplateRow,
    actor: Uuid,
    acting: crate::policy::Acting,
) -> ApiResult<()> {
    templates::record_origin(conn, log.id, template.id, template.version).await?;
    let words = i18n::text(super::message::family_language(conn, log.id).await?, "template-goal", &[]);
    for area in &template.default_goal_areas {
        let Ok(area) = area.parse::<GoalArea>() else { continue };
        let goal = crate::db::goals::GoalRow {
            id: Uuid::new_v4(),
            log_id: log.id,
            area,
            bti_level: 1,
            description: words.clone(),
            status: crate::db::enums::GoalStatus::Active,
            created_by: actor,
            created_at: log.created_at,
            updated_at: log.created_at,
        };
        crate::db::goals::insert_goal(conn, &goal).await?;
        let entry = crate::audit::entry(actor, acting, log.id, ObjectType::Goal, Some(goal.id), AccessAction::Create);
        crate::audit::record_write(conn, &entry).await?;
    }
    Ok(())
}

/// The child's date of birth: the one the national id encodes, else the one
/// stated, which must fit the id. A number issued under the 2032 rules may
/// not give its century (national_id.rs); its date must then be stated, so
/// that the under-18 rule still holds. A child with a national id is born:
/// the date is not after `today`. Without one (an unborn child) the stated
/// date is the due date, at most a year ahead.
fn child_birth_date(nid: Option<&str>, stated: Option<NaiveDate>, today: NaiveDate) -> ApiResult<Option<NaiveDate>> {
    let Some(nid) = nid else {
        if stated.is_some_and(|d| d > today + chrono::Months::new(12)) {
            return Err(ApiError::bad_field("child.birthDate", words!("error-due-date")));
        }
        return Ok(stated);
    };
    let encoded = match national_id::birth_date(nid) {
        Ok(date) => Some(date),
        Err(national_id::NationalIdError::CenturyUnknown) => None,
        Err(e) => return Err(ApiError::bad_field("child.nationalId", e.text("child.nationalId"))),
    };
    if stated.is_some_and(|b| !national_id::fits_birth_date(nid, b)) {
        return Err(ApiError::bad_field("child.birthDate", words!("error-birth-date-mismatch")));
    }
    match encoded.or(stated) {
        Some(date) if date > today => Err(ApiError::bad_field("child.birthDate", words!("error-born-future"))),
        Some(date) => Ok(Some(date)),
        None => Err(ApiError::bad_field("child.birthDate", words!("error-birth-date-century"))),
    }
}

fn validate_guardians(input: &[GuardianInput], child_nid: Option<&str>) -> ApiResult<Vec<GuardianInput>> {
    if input.is_empty() || input.len() > MAX_GUARDIANS {
        return Err(ApiError::bad_field("guardians", words!("error-guardian-count", max = MAX_GUARDIANS)));
    }
    let mut out: Vec<GuardianInput> = Vec::with_capacity(input.len());
    for (i, g) in input.iter().enumerate() {
        let nid = g.national_id.trim();
        national_id::validate(nid).map_err(|e| {
            ApiError::bad_field(format!("guardians[{i}].nationalId"), e.text(&format!("guardians[{i}].nationalId")))
        })?;
        if Some(nid) == child_nid {
            return Err(ApiError::bad_field(format!("guardians[{i}].nationalId"), words!("error-guardian-is-child")));
        }
        if out.iter().any(|o| o.national_id == nid) {
            return Err(ApiError::bad_field(
                format!("guardians[{i}].nationalId"),
                words!("error-guardian-twice", index = i),
            ));
        }
        out.push(GuardianInput {
            national_id: nid.to_owned(),
            name: input::required(&g.name, &format!("guardians[{i}].name"), limits::NAME)?,
            phone: input::optional(g.phone.as_deref(), &format!("guardians[{i}].phone"), 40)?,
            address: input::optional(g.address.as_deref(), &format!("guardians[{i}].address"), 400)?,
        });
    }
    Ok(out)
}

/// Closes the locked log: status, consents, pending handover, final snapshot, event.
async fn close(
    conn: &mut AsyncPgConnection,
    w: &super::tx::Write,
    closing: lifecycle::Closing<'_>,
    withdrawal: WithdrawalReason,
) -> ApiResult<()> {
    let log_id = w.log_id();
    let Some(status) = lifecycle::apply(conn, log_id, Transition::Close, Some(closing), Utc::now()).await? else {
        return Err(ApiError::conflict(words!("error-log-already-closed")));
    };
    let snapshot_id = snapshots::take(conn, log_id, SnapshotReason::Closing, None, w.actor).await?;
    let open = consents::in_force(conn, log_id).await?;
    consents::withdraw(conn, &open, None, withdrawal).await?;
    if let Some(h) = participants::pending_handover(conn, log_id).await? {
        participants::decide_handover(conn, h.id, HandoverStatus::Cancelled).await?;
    }
    // The status first: subscriptions check access again at the event that
    // changes it, so one whose subscriber the closing shuts out ends there,
    // before the snapshot's event reaches it.
    w.emit(conn, EventKind::StatusChanged, EventPayload { status: Some(status), ..Default::default() }).await?;
    w.emit(conn, EventKind::SnapshotTaken, EventPayload { snapshot_id: Some(snapshot_id), ..Default::default() }).await
}

/// Deletes a log's live content. Kept: the log row (status, dates), the
/// child's name, guardians (the owners still see their log and its access
/// log), participants as history, consents, the access log, and the
/// snapshots, now restricted.
async fn purge(conn: &mut AsyncPgConnection, log_id: Uuid) -> ApiResult<()> {
    logs::delete_content(conn, log_id).await?;
    participants::leave(conn, log_id, None, None, ParticipantLeftReason::LogDeleted).await?;
    snapshots::restrict_all(conn, log_id).await?;
    if lifecycle::apply(conn, log_id, Transition::Delete, None, Utc::now()).await?.is_none() {
        return Err(ApiError::conflict(words!("error-log-already-deleted")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::child_birth_date;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

    #[test]
    fn a_classic_child_number_gives_the_birth_date() {
        assert_eq!(child_birth_date(Some("01010750160"), None, TODAY).ok(), Some(day(2007, 1, 1)));
        assert!(child_birth_date(Some("01010750160"), day(1907, 1, 1), TODAY).is_err());
    }

    #[test]
    fn a_child_number_without_century_needs_a_fitting_stated_birth_date_in_the_past() {
        // Skatteetaten's example of a number under the 2032 rules (born 30.10.82).
        assert!(child_birth_date(Some("30108299939"), None, TODAY).is_err());
        assert!(child_birth_date(Some("30108299939"), day(2082, 10, 31), TODAY).is_err());
        // The century that fits the number but lies ahead is no birth date
        // (the attack on issue 15: an adult's number made a "child" of 2082).
        assert!(child_birth_date(Some("30108299939"), day(2082, 10, 30), TODAY).is_err());
        let later = NaiveDate::from_ymd_opt(2083, 1, 1).unwrap();
        assert_eq!(child_birth_date(Some("30108299939"), day(2082, 10, 30), later).ok(), Some(day(2082, 10, 30)));
    }

    #[test]
    fn a_due_date_is_at_most_a_year_ahead() {
        assert_eq!(child_birth_date(None, day(2027, 12, 1), TODAY).ok(), Some(day(2027, 12, 1)));
        assert!(child_birth_date(None, day(2027, 12, 2), TODAY).is_err());
        assert_eq!(child_birth_date(None, None, TODAY).ok(), Some(None));
    }
}
