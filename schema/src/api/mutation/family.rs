//! Family changes (issue 18, point 5): the coordinator adds or removes a
//! guardian when custody changes, a guardian (or the coordinator) corrects
//! contact details, and the coordinator registers a consent withdrawal the
//! family reported to them. Each in the shape of every log write
//! (`tx::with_log`), recorded in the access log.
//!
//! Decided where the guidelines are silent:
//! - a guardian added to a log past its DRAFT sees it at once and is asked
//!   for consent in a NOTICE, but the log stays as it is on the consents it
//!   has: their consent is required only once they have given one (then
//!   their withdrawal counts as any owner's). A DRAFT waits for every
//!   guardian, the newcomer included, as at creation;
//! - a child under 18 keeps at least one guardian; at 18 there is nobody to
//!   add (the youth is the only owner);
//! - a removed guardian's consents stop counting with them; the reason is
//!   in the access-log entry (`detail`), which the family and coordinator read;
//! - a registered withdrawal has the same effect as the family's own (a
//!   consent to the log makes it PASSIVE); the consent shows who registered
//!   it (`withdrawnBy`), the day the family reported it and how.

use super::consent::{owners_of, withdraw_log_consent, withdraw_unit_consent};
use super::payload::{answer, payload};
use super::tx::{Lock, ScopedFutureExt, with_log};
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::scalars::Date;
use crate::api::types::consent::Consent;
use crate::api::types::people::Guardian;
use crate::audit;
use crate::context::rc;
use crate::db::enums::{AccessAction, ConsentScope, EventKind, LogStatus, ObjectType};
use crate::db::logs::{self, GuardianContact, RecordedGuardian};
use crate::db::{consents, org};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::national_id;
use crate::policy::relation::ObjectRef;
use crate::policy::{WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use uuid::Uuid;

/// A guardian to add.
#[derive(InputObject)]
pub struct AddGuardianInput {
    /// fødselsnummer or D-nummer (11 digits); not the child's
    pub national_id: String,
    /// their name, at most 200 characters
    pub name: String,
    /// at most 40 characters
    pub phone: Option<String>,
    /// at most 200 characters
    pub email: Option<String>,
    /// postal address, at most 400 characters
    pub address: Option<String>,
    /// why (the custody change), at most 2,000 characters; in the access log
    pub reason: String,
}

/// A guardian to remove.
#[derive(InputObject)]
pub struct RemoveGuardianInput {
    /// the guardian (`Guardian.id`)
    pub guardian_id: ID,
    /// why (the custody change), at most 2,000 characters; in the access log
    pub reason: String,
}

/// A guardian's contact details on this log: an omitted field is left,
/// `null` clears it.
#[derive(InputObject)]
pub struct GuardianContactInput {
    /// the guardian (`Guardian.id`): yourself, unless you are the coordinator
    pub guardian_id: ID,
    /// at most 40 characters
    pub phone: MaybeUndefined<String>,
    /// at most 200 characters
    pub email: MaybeUndefined<String>,
    /// postal address, at most 400 characters
    pub address: MaybeUndefined<String>,
}

/// A withdrawal the family reported to the coordinator.
#[derive(InputObject)]
pub struct ReportedWithdrawalInput {
    /// the day the family reported it; not in the future
    pub reported_on: Date,
    /// how it was reported (by phone, in a meeting, by letter…), at most 200 characters
    pub how: String,
}

payload! {
    /// The answer of `addGuardian` and `updateGuardianContact`.
    GuardianPayload {
        /// the guardian as recorded on the log now
        guardian: Guardian,
    } with log
}

payload! {
    /// The answer of `removeGuardian`.
    RemoveGuardianPayload {
        /// the guardian who was removed
        guardian_id: ID,
    } with log
}

payload! {
    /// The answer of `registerConsentWithdrawal`.
    RegisterConsentWithdrawalPayload {
        /// the consent, withdrawn
        consent: Consent,
    } with log
}

#[derive(Default)]
pub struct FamilyMutations;

#[Object]
impl FamilyMutations {
    /// Adds a guardian to the log after a custody change (the coordinator).
    /// They see the log at once and are asked for consent in a NOTICE; a log
    /// past its DRAFT stays as it is on the consents it has. CONFLICT when
    /// they are a guardian already, or the child is 18 (the only owner).
    async fn add_guardian(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "The guardian and why.")] input: AddGuardianInput,
    ) -> ApiResult<GuardianPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let nid = input.national_id.trim().to_owned();
            national_id::validate(&nid).map_err(|e| ApiError::bad_field("nationalId", e.text("nationalId")))?;
            let name = input::required(&input.name, "name", limits::NAME)?;
            let phone = input::optional(input.phone.as_deref(), "phone", 40)?;
            let email = input::optional(input.email.as_deref(), "email", limits::SHORT)?;
            let address = input::optional(input.address.as_deref(), "address", 400)?;
            let reason = input::required(&input.reason, "reason", limits::REASON)?;
            let (row, access) = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ChangeGuardians)?;
                    let (_, _, child_nid) = logs::child_of(conn, w.log_id()).await?;
                    if child_nid.as_deref() == Some(nid.as_str()) {
                        return Err(ApiError::bad_field("nationalId", words!("error-guardian-is-child")));
                    }
                    if logs::child_adult(conn, w.log_id()).await? {
                        return Err(ApiError::conflict(words!("error-child-adult-owner")));
                    }
                    let citizen = org::ensure_citizen(conn, &nid, &name, phone.as_deref(), address.as_deref()).await?;
                    let recorded =
                        RecordedGuardian { name: &name, phone: phone.as_deref(), address: address.as_deref() };
                    let required = w.rel.status == LogStatus::Draft;
                    let added =
                        logs::add_guardian(conn, w.log_id(), citizen, w.actor, &recorded, email.as_deref(), required)
                            .await?;
                    if !added {
                        return Err(ApiError::conflict(words!("error-already-guardian")));
                    }
                    let mut entry = audit::entry(
                        w.actor,
                        acting,
                        w.log_id(),
                        ObjectType::Guardian,
                        Some(citizen),
                        AccessAction::Create,
                    );
                    entry.detail = Some(&reason);
                    audit::record_write(conn, &entry).await?;
                    w.emit(conn, EventKind::GuardianAdded, EventPayload::default()).await?;
                    // Asked for consent, in a notice from the coordinator.
                    super::message::notice(conn, &w, &[citizen], |language| {
                        i18n::text(language, "notice-guardian-added", &[])
                    })
                    .await?;
                    let row = guardian_row(conn, w.log_id(), citizen).await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            Ok(GuardianPayload { guardian: Some(Guardian { row, access }), log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// Removes a guardian from the log after a custody change (the
    /// coordinator): their access ends at once and their consents stop
    /// counting. CONFLICT when they are the last guardian of a child under 18.
    async fn remove_guardian(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "The guardian and why.")] input: RemoveGuardianInput,
    ) -> ApiResult<RemoveGuardianPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let guardian = ids::parse(&input.guardian_id, "guardianId")?;
            let reason = input::required(&input.reason, "reason", limits::REASON)?;
            with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ChangeGuardians)?;
                    let known = logs::guardians_of(conn, &[w.log_id()]).await?;
                    if !known.iter().any(|g| g.person_id == guardian) {
                        return Err(ApiError::bad_field("guardianId", words!("error-not-guardian")));
                    }
                    write::remove_guardian(known.len(), logs::child_adult(conn, w.log_id()).await?)?;
                    logs::remove_guardian(conn, w.log_id(), guardian).await?;
                    let mut entry = audit::entry(
                        w.actor,
                        acting,
                        w.log_id(),
                        ObjectType::Guardian,
                        Some(guardian),
                        AccessAction::Delete,
                    );
                    entry.detail = Some(&reason);
                    audit::record_write(conn, &entry).await?;
                    w.emit(conn, EventKind::GuardianRemoved, EventPayload::default()).await?;
                    // Without them, the remaining owners' consents may now be complete.
                    if logs::consent_complete(conn, w.log_id()).await?
                        && let Some(status) = crate::db::lifecycle::apply(
                            conn,
                            w.log_id(),
                            crate::db::lifecycle::Transition::Activate,
                            None,
                            Utc::now(),
                        )
                        .await?
                    {
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
            Ok(RemoveGuardianPayload {
                guardian_id: Some(ids::id(guardian)),
                log_id: Some(log_id),
                ..Default::default()
            })
        })
        .await
    }

    /// Changes a guardian's contact details on the log: a guardian her own,
    /// the coordinator anyone's.
    async fn update_guardian_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "The guardian and what changes.")] input: GuardianContactInput,
    ) -> ApiResult<GuardianPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let guardian = ids::parse(&input.guardian_id, "guardianId")?;
            let contact = GuardianContact {
                phone: input::clearable(input.phone, "phone", 40)?,
                email: input::clearable(input.email, "email", limits::SHORT)?,
                address: input::clearable(input.address, "address", 400)?,
            };
            if contact.phone.is_none() && contact.email.is_none() && contact.address.is_none() {
                return Err(ApiError::bad_input(words!("error-nothing-to-change")));
            }
            let (row, access) = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::EditGuardianContact)?;
                    write::edit_guardian_contact(&w.rel, w.actor, guardian)?;
                    if !logs::update_guardian_contact(conn, w.log_id(), guardian, &contact).await? {
                        return Err(ApiError::bad_field("guardianId", words!("error-not-guardian")));
                    }
                    w.audit(conn, acting, ObjectType::Guardian, guardian, AccessAction::Update).await?;
                    let row = guardian_row(conn, w.log_id(), guardian).await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            Ok(GuardianPayload { guardian: Some(Guardian { row, access }), log_id: Some(log_id), ..Default::default() })
        })
        .await
    }

    /// Registers a consent withdrawal the family reported to you (the
    /// coordinator), with the same effect as their own: a consent to the log
    /// makes it PASSIVE, a unit's consent takes that unit's participants
    /// out. The consent shows who registered it, when it was reported and
    /// how. CONFLICT when it is withdrawn already.
    async fn register_consent_withdrawal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consent (`Log.consents`).")] consent_id: ID,
        #[graphql(desc = "When and how the family reported it.")] input: ReportedWithdrawalInput,
    ) -> ApiResult<RegisterConsentWithdrawalPayload> {
        answer(&["consentId"], async move {
            let rc = rc(ctx);
            let consent_id = ids::parse(&consent_id, "consentId")?;
            let reported_on = input::not_future(input.reported_on.0, "reportedOn")?;
            let how = input::required(&input.how, "how", limits::SHORT)?;
            let log_id = locate(rc, ObjectRef::Consent(consent_id)).await?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Consent", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RegisterWithdrawal)?;
                    let consent = consents::by_id(conn, consent_id).await?.ok_or(ApiError::NotFound("Consent"))?;
                    if consent.withdrawn_at.is_some() {
                        return Err(ApiError::conflict(words!("error-consent-withdrawn")));
                    }
                    match consent.scope {
                        ConsentScope::Log => withdraw_log_consent(conn, &w, &consent).await?,
                        ConsentScope::Unit => withdraw_unit_consent(conn, &w, &consent).await?,
                    }
                    consents::note_reported_withdrawal(conn, consent.id, reported_on, &how).await?;
                    w.audit(conn, acting, ObjectType::Consent, consent.id, AccessAction::Update).await?;
                    // The owners are told who registered it, and may object.
                    let owners = owners_of(conn, w.log_id()).await?;
                    let reported = reported_on.format("%d.%m.%Y").to_string();
                    super::message::notice(conn, &w, &owners, |language| {
                        let args = [("reported", reported.as_str()), ("how", how.as_str())];
                        i18n::text(language, "notice-withdrawal-registered", &args)
                    })
                    .await?;
                    consents::by_id(conn, consent_id).await?.ok_or(ApiError::NotFound("Consent"))
                }
                .scope_boxed()
            })
            .await?;
            Ok(RegisterConsentWithdrawalPayload {
                consent: Some(super::consent::consent_object(ctx, row).await?),
                log_id: Some(log_id),
                ..Default::default()
            })
        })
        .await
    }
}

/// The guardian as recorded on the log.
async fn guardian_row(
    conn: &mut diesel_async::AsyncPgConnection,
    log_id: Uuid,
    citizen: Uuid,
) -> ApiResult<logs::GuardianView> {
    logs::guardians_of(conn, &[log_id])
        .await?
        .into_iter()
        .find(|g| g.person_id == citizen)
        .ok_or_else(|| ApiError::internal("a guardian just written is missing"))
}
