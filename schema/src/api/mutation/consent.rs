//! Consent: given, registered on paper, withdrawn; and proposing units
//! (DESIGN.md §2: 2, 3, 7).

use super::payload::{answer, payload};
use super::tx::{Lock, ScopedFutureExt, Write, with_log};
use crate::api::guard::LogAccess;
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::scalars::Date;
use crate::api::types::consent::{Consent, UnitProposal};
use crate::context::rc;
use crate::db::consents::{self, ConsentRow, UnitProposalRow};
use crate::db::enums::{
    AccessAction, ConsentMethod, ConsentScope, EventKind, HandoverStatus, ObjectType, ParticipantLeftReason,
    WithdrawalReason,
};
use crate::db::lifecycle::{self, Transition};
use crate::db::{is_unique_violation, logs, org, participants};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::policy::organization::NewToUnit;
use crate::policy::relation::ObjectRef;
use crate::policy::{Acting, WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// How far ahead a consent may be set to expire: until a newborn's log could
/// end (18 years), with room; a later year is a mistyped one.
const CONSENT_YEARS: u32 = 20;

/// Your consent to a log or to a unit proposed for it.
#[derive(InputObject)]
pub struct GiveConsentInput {
    /// the log
    pub log_id: ID,
    /// consent to this proposed unit; omit to consent to the log itself
    pub unit_id: Option<ID>,
    /// the consent stops granting access after this moment, which must be in
    /// the future and within 20 years; omit for a consent that does not expire
    pub expires_at: Option<DateTime<Utc>>,
}

/// A signed paper consent, registered by the coordinator on an owner's behalf.
#[derive(InputObject)]
pub struct PaperConsentInput {
    /// the log
    pub log_id: ID,
    /// the guardian's id, or the child's id for a youth at consent age
    pub owner_id: ID,
    /// consent to this proposed unit; omit for consent to the log itself
    pub unit_id: Option<ID>,
    /// where the signed form is archived, at most 200 characters
    pub document_reference: String,
    /// the day the owner signed the form; refused (CONFLICT) when it is not
    /// after the family's latest choice in this scope (a consent given,
    /// withdrawn or ended by closing) or before the log or the unit's proposal;
    /// never in the future
    pub signed_on: Date,
    /// the consent stops granting access after this moment, which must be in
    /// the future and within 20 years; omit for a consent that does not expire
    pub expires_at: Option<DateTime<Utc>>,
}

/// A unit to bring into a log.
#[derive(InputObject)]
pub struct ProposeUnitInput {
    /// a unit of the log's municipality other than its home unit (see `units`)
    pub unit_id: ID,
    /// why the unit should take part, at most 2,000 characters
    pub reason: Option<String>,
}

payload! {
    /// The answer of `giveConsent`.
    GiveConsentPayload {
        /// your consent
        consent: Consent,
    } with log
}

payload! {
    /// The answer of `registerPaperConsent`.
    RegisterPaperConsentPayload {
        /// the consent registered on the owner's behalf
        consent: Consent,
    } with log
}

payload! {
    /// The answer of `withdrawConsent`.
    WithdrawConsentPayload {
        /// the withdrawn consent
        consent: Consent,
    } with log
}

payload! {
    /// The answer of `proposeUnit`.
    ProposeUnitPayload {
        /// the proposal, waiting for the family's consent
        unit_proposal: UnitProposal,
    } with log
}

#[derive(Default)]
pub struct ConsentMutations;

#[Object]
impl ConsentMutations {
    /// An owner consents to the log, or to a unit the coordinator proposed.
    /// The log becomes ACTIVE when every owner has consented to it.
    async fn give_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What you consent to.")] input: GiveConsentInput,
    ) -> ApiResult<GiveConsentPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&input.log_id, "logId")?;
            let unit_id = input.unit_id.as_ref().map(|u| ids::parse(u, "unitId")).transpose()?;
            let expires_at = input.expires_at.map(|e| input::future(e, "expiresAt", CONSENT_YEARS)).transpose()?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::GiveConsent)?;
                    let given_by = w.actor;
                    record(conn, &w, acting, given_by, unit_id, expires_at, None).await
                }
                .scope_boxed()
            })
            .await?;
            Ok(GiveConsentPayload {
                log_id: Some(log_id),
                consent: Some(consent_object(ctx, row).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator registers a signed paper consent on an owner's behalf.
    /// It is marked PAPER with its document reference and signing date, and
    /// audited. A form signed on or before the day of the family's latest
    /// choice in this scope (a consent given, withdrawn or ended by closing)
    /// cannot override it (CONFLICT): a withdrawal holds until the owner
    /// consents again. The family is told at once by a
    /// NOTICE message from the coordinator, besides the access-log entry.
    async fn register_paper_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signed form.")] input: PaperConsentInput,
    ) -> ApiResult<RegisterPaperConsentPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&input.log_id, "logId")?;
            let owner_id = ids::parse(&input.owner_id, "ownerId")?;
            let unit_id = input.unit_id.as_ref().map(|u| ids::parse(u, "unitId")).transpose()?;
            let expires_at = input.expires_at.map(|e| input::future(e, "expiresAt", CONSENT_YEARS)).transpose()?;
            let reference = input::required(&input.document_reference, "documentReference", limits::SHORT)?;
            let signed_on = input::not_future(input.signed_on.0, "signedOn")?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RegisterPaperConsent)?;
                    let owner = owner_person(conn, w.log_id(), owner_id).await?;
                    if let Some(chosen) = consents::latest_family_choice(conn, w.log_id(), owner, unit_id).await?
                        && signed_on <= oslo_date(chosen)
                    {
                        // The day is the family's: only a reader of consents is told it
                        // (the attack on issue 17 read withdrawal dates from this message
                        // as the coordinator of a passive log, who may read metadata only).
                        return Err(ApiError::conflict(if w.access().may_mention_consents() {
                            words!("error-paper-after-choice-on", date = oslo_date(chosen))
                        } else {
                            words!("error-paper-after-choice")
                        }));
                    }
                    // Nor can a form predate what it consents to: the log, or the unit's proposal.
                    let (created, proposed) = consents::consent_subject_dates(conn, w.log_id(), unit_id).await?;
                    // (Its UTC day, the earlier of the two days it may have been in Norway.)
                    let subject = proposed.unwrap_or(created).date_naive();
                    if signed_on < subject {
                        // The log's creation is metadata; the day of a unit's
                        // proposal is told only to a reader of the proposals.
                        return Err(ApiError::conflict(match unit_id {
                            None => words!("error-form-before-log", date = subject),
                            Some(_) if w.access().may_mention_consents() => {
                                words!("error-form-before-proposal-on", date = subject)
                            }
                            Some(_) => words!("error-form-before-proposal"),
                        }));
                    }
                    let paper = Paper { reference, signed_on };
                    let row = record(conn, &w, acting, owner, unit_id, expires_at, Some(paper)).await?;
                    tell_family(conn, &w, &row).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RegisterPaperConsentPayload {
                log_id: Some(log_id),
                consent: Some(consent_object(ctx, row).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// Withdraws a consent. Withdrawing one's consent to the log makes it
    /// PASSIVE: professionals lose access at once. Withdrawing a unit's
    /// consent (any owner may) removes that unit's participants only.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consent (`Log.consents`).")] consent_id: ID,
    ) -> ApiResult<WithdrawConsentPayload> {
        answer(&["consentId"], async move {
            let rc = rc(ctx);
            let consent_id = ids::parse(&consent_id, "consentId")?;
            let log_id = locate(rc, ObjectRef::Consent(consent_id)).await?;
            let row = with_log(rc, log_id, Lock::Exclusive, "Consent", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::WithdrawConsent)?;
                    let consent = consents::by_id(conn, consent_id).await?.ok_or(ApiError::NotFound("Consent"))?;
                    if consent.withdrawn_at.is_some() {
                        return Err(ApiError::conflict(words!("error-consent-withdrawn")));
                    }
                    match consent.scope {
                        ConsentScope::Log => {
                            write::withdraw_log_consent(w.actor, consent.given_by)?;
                            withdraw_log_consent(conn, &w, &consent).await?
                        }
                        ConsentScope::Unit => withdraw_unit_consent(conn, &w, &consent).await?,
                    }
                    w.audit(conn, acting, ObjectType::Consent, consent.id, AccessAction::Update).await?;
                    consents::by_id(conn, consent_id).await?.ok_or(ApiError::NotFound("Consent"))
                }
                .scope_boxed()
            })
            .await?;
            Ok(WithdrawConsentPayload {
                log_id: Some(log_id),
                consent: Some(consent_object(ctx, row).await?),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator proposes bringing a unit into the log; it gets access
    /// only when the family consents to it.
    async fn propose_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log.")] log_id: ID,
        #[graphql(desc = "The unit and why.")] input: ProposeUnitInput,
    ) -> ApiResult<ProposeUnitPayload> {
        answer(&["logId"], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&log_id, "logId")?;
            let unit_id = ids::parse(&input.unit_id, "unitId")?;
            let reason = input::optional(input.reason.as_deref(), "reason", limits::REASON)?;
            let (row, access) = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ProposeUnit)?;
                    let unit = crate::db::organization::unit_by_id(conn, unit_id).await?;
                    if unit.as_ref().map(|u| u.municipality_id) != Some(w.rel.municipality_id) {
                        return Err(ApiError::bad_field("unitId", words!("error-unit-unknown")));
                    }
                    let deactivated = unit.is_some_and(|u| u.deactivated_at.is_some());
                    crate::policy::organization::unit_takes(deactivated, NewToUnit::Proposal, "unitId")?;
                    if unit_id == w.rel.unit_id {
                        return Err(ApiError::bad_field("unitId", words!("error-unit-own")));
                    }
                    // Told even to a coordinator who may not read the proposals
                    // (a log that is not ACTIVE): the proposals are the
                    // coordinators' own acts, and without it a second proposal
                    // would fail with no reason given.
                    if consents::proposal(conn, w.log_id(), unit_id).await?.is_some() {
                        return Err(ApiError::conflict(words!("error-unit-proposed")));
                    }
                    let row = UnitProposalRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        unit_id,
                        proposed_by: w.actor,
                        reason,
                        proposed_at: Utc::now(),
                    };
                    // Two proposals racing past the check above: the second
                    // meets the unique index, and is the same CONFLICT (the
                    // attack on issue 17 got INTERNAL here).
                    consents::insert_proposal(conn, &row).await.map_err(|e| {
                        if is_unique_violation(&e) {
                            ApiError::conflict(words!("error-unit-proposed"))
                        } else {
                            e.into()
                        }
                    })?;
                    w.audit(conn, acting, ObjectType::UnitProposal, row.id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::UnitProposed,
                        EventPayload { unit_id: Some(unit_id), ..Default::default() },
                    )
                    .await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            // Answered with the writer's access: the coordinator of a log that is
            // not ACTIVE reads only its id.
            Ok(ProposeUnitPayload {
                log_id: Some(log_id),
                unit_proposal: Some(UnitProposal { row, consented: false, access }),
                ..Default::default()
            })
        })
        .await
    }
}

/// A signed paper form: where it is archived and the day it was signed.
struct Paper {
    reference: String,
    signed_on: NaiveDate,
}

/// The calendar day in Norway of a moment (Europe/Oslo without a time-zone
/// database: UTC+1, +2 in summer time from the last Sunday of March to the
/// last Sunday of October, switching at 01:00 UTC).
fn oslo_date(at: DateTime<Utc>) -> NaiveDate {
    use chrono::Datelike;
    let last_sunday = |month: u32| {
        let end = NaiveDate::from_ymd_opt(at.year(), month, 31).unwrap_or_default();
        end - chrono::Duration::days(i64::from(end.weekday().num_days_from_sunday()))
    };
    let switch = |d: NaiveDate| d.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc();
    let summer = at >= switch(last_sunday(3)) && at < switch(last_sunday(10));
    (at + chrono::Duration::hours(if summer { 2 } else { 1 })).date_naive()
}

/// Tells the owners, in a NOTICE from the coordinator who registered it, that
/// a paper consent was registered on their behalf: a consent they did not
/// give in the service must not take effect unseen (issue 14).
async fn tell_family(conn: &mut AsyncPgConnection, w: &Write, consent: &ConsentRow) -> ApiResult<()> {
    let owners = owners_of(conn, w.log_id()).await?;
    // The registrar's own name only: the owner's stored name would tell the
    // registrar (who reads their own message) what the register holds about
    // a person they only named by national identity number.
    let registrar = org::person_names(conn, &[w.actor]).await?.pop().map(|(_, n)| n).unwrap_or_default();
    let unit = match consent.unit_id {
        None => None,
        Some(unit_id) => Some(org::unit_name(conn, unit_id).await?),
    };
    let signed = consent.signed_on.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default();
    let document = consent.document_reference.clone().unwrap_or_default();
    super::message::notice(conn, w, &owners, |language| {
        let scope = match &unit {
            None => i18n::text(language, "notice-paper-consent-log", &[]),
            Some(unit) => i18n::text(language, "notice-paper-consent-unit", &[("unit", unit)]),
        };
        let args = [("registrar", registrar.as_str()), ("scope", &scope), ("signed", &signed), ("document", &document)];
        i18n::text(language, "notice-paper-consent", &args)
    })
    .await
}

/// Records a consent by `given_by` and activates the log when it completes
/// the required consents.
async fn record(
    conn: &mut AsyncPgConnection,
    w: &Write,
    acting: Acting,
    given_by: Uuid,
    unit_id: Option<Uuid>,
    expires_at: Option<DateTime<Utc>>,
    paper: Option<Paper>,
) -> ApiResult<ConsentRow> {
    let log_id = w.log_id();
    if let Some(unit_id) = unit_id
        && consents::proposal(conn, log_id, unit_id).await?.is_none()
    {
        return Err(ApiError::bad_field("unitId", words!("error-unit-not-proposed")));
    }
    if consents::valid_of(conn, log_id, given_by, unit_id).await?.is_some() {
        return Err(ApiError::conflict(words!("error-consent-exists")));
    }
    let registered_by = paper.is_some().then_some(w.actor);
    let row = ConsentRow {
        id: Uuid::new_v4(),
        log_id,
        scope: if unit_id.is_some() { ConsentScope::Unit } else { ConsentScope::Log },
        unit_id,
        given_by,
        method: if paper.is_some() { ConsentMethod::Paper } else { ConsentMethod::Digital },
        signed_on: paper.as_ref().map(|p| p.signed_on),
        withdrawal_reported_on: None,
        withdrawal_reported_how: None,
        document_reference: paper.map(|p| p.reference),
        registered_by,
        given_at: Utc::now(),
        expires_at,
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawal_reason: None,
    };
    consents::insert(conn, &row).await?;
    if row.scope == ConsentScope::Log {
        // A guardian added to a running log counts as an owner whose consent
        // the log needs once they have given it (migration 000016).
        consents::require_guardian_consent(conn, log_id, given_by).await?;
    }
    w.audit(conn, acting, ObjectType::Consent, row.id, AccessAction::Create).await?;
    w.emit(
        conn,
        EventKind::ConsentGiven,
        EventPayload { consent_id: Some(row.id), consent_scope: Some(row.scope), unit_id, ..Default::default() },
    )
    .await?;
    // The last owner's consent makes a DRAFT or PASSIVE log ACTIVE.
    if row.scope == ConsentScope::Log
        && logs::consent_complete(conn, log_id).await?
        && let Some(status) = lifecycle::apply(conn, log_id, Transition::Activate, None, Utc::now()).await?
    {
        w.emit(conn, EventKind::StatusChanged, EventPayload { status: Some(status), ..Default::default() }).await?;
    }
    Ok(row)
}

/// Ends a consent to the log and makes the log PASSIVE; whether the writer
/// may (its owner, or the coordinator registering what the family
/// reported) is the caller's question.
pub(super) async fn withdraw_log_consent(
    conn: &mut AsyncPgConnection,
    w: &Write,
    consent: &ConsentRow,
) -> ApiResult<()> {
    consents::withdraw(conn, &[consent.id], Some(w.actor), WithdrawalReason::Withdrawn).await?;
    w.emit(
        conn,
        EventKind::ConsentWithdrawn,
        EventPayload { consent_id: Some(consent.id), consent_scope: Some(ConsentScope::Log), ..Default::default() },
    )
    .await?;
    if let Some(status) = lifecycle::apply(conn, w.log_id(), Transition::Passivate, None, Utc::now()).await? {
        w.emit(conn, EventKind::StatusChanged, EventPayload { status: Some(status), ..Default::default() }).await?;
    }
    Ok(())
}

pub(super) async fn withdraw_unit_consent(
    conn: &mut AsyncPgConnection,
    w: &Write,
    consent: &ConsentRow,
) -> ApiResult<()> {
    let unit_id = consent.unit_id.ok_or_else(|| ApiError::internal("unit consent without a unit"))?;
    let in_force = consents::in_force_for_unit(conn, w.log_id(), unit_id).await?;
    consents::withdraw(conn, &in_force, Some(w.actor), WithdrawalReason::Withdrawn).await?;
    w.emit(
        conn,
        EventKind::ConsentWithdrawn,
        EventPayload {
            consent_id: Some(consent.id),
            consent_scope: Some(ConsentScope::Unit),
            unit_id: Some(unit_id),
            ..Default::default()
        },
    )
    .await?;
    // The coordinator keeps the baton (and metadata access) even when their
    // unit's consent goes; everyone else from the unit leaves the log, and a
    // baton on its way to one of them stays where it is (the attack on issue
    // 15: the handover outlived its successor and was accepted later).
    let coordinator = participants::current_term_of(conn, w.log_id()).await?.staff_id;
    let left = participants::active_of(conn, &[w.log_id()]).await?;
    if let Some(h) = participants::pending_handover(conn, w.log_id()).await?
        && left.iter().any(|p| p.participant.id == h.to_participant_id && p.participant.unit_id == unit_id)
    {
        participants::decide_handover(conn, h.id, HandoverStatus::Cancelled).await?;
    }
    for p in left.iter().filter(|p| p.participant.unit_id == unit_id && p.participant.staff_id != coordinator) {
        participants::leave(
            conn,
            w.log_id(),
            None,
            Some(p.participant.id),
            ParticipantLeftReason::UnitConsentWithdrawn,
        )
        .await?;
        w.emit(
            conn,
            EventKind::ParticipantLeft,
            EventPayload {
                participant_id: Some(p.participant.id),
                staff_id: Some(p.participant.staff_id),
                unit_id: Some(unit_id),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// The citizen an owner id stands for: a guardian of the log, or the child
/// (a youth at consent age), whose citizen record is created if needed.
///
/// Every other id gets the same answer: the coordinator of a log that is not
/// ACTIVE registers paper consents but may read neither the guardians nor
/// the child's birth date, and two messages would tell which ids are
/// guardians and whether the child is below the consent age.
async fn owner_person(conn: &mut AsyncPgConnection, log_id: Uuid, owner_id: Uuid) -> ApiResult<Uuid> {
    let not_an_owner = || ApiError::bad_field("ownerId", words!("error-not-owner"));
    let (child_id, name, nid) = logs::child_of(conn, log_id).await?;
    if owner_id == child_id {
        return super::people::youth(conn, log_id, &name, nid.as_deref()).await?.ok_or_else(not_an_owner);
    }
    let is_guardian = logs::guardians_of(conn, &[log_id]).await?.iter().any(|g| g.person_id == owner_id);
    if !is_guardian {
        return Err(not_an_owner());
    }
    Ok(owner_id)
}

pub(super) async fn consent_object(ctx: &Context<'_>, row: ConsentRow) -> ApiResult<Consent> {
    let access = LogAccess::load(ctx, row.log_id).await?.ok_or(ApiError::NotFound("Log"))?;
    Ok(Consent { row, access })
}

/// The log's owners: its guardians, and the child once at consent age.
pub(super) async fn owners_of(conn: &mut AsyncPgConnection, log_id: Uuid) -> ApiResult<Vec<Uuid>> {
    // At 18 the youth is the only owner.
    let mut owners: Vec<Uuid> = match logs::child_adult(conn, log_id).await? {
        true => Vec::new(),
        false => logs::guardians_of(conn, &[log_id]).await?.iter().map(|g| g.person_id).collect(),
    };
    if logs::child_at_consent_age(conn, log_id).await? {
        owners.extend(logs::youth_citizen(conn, log_id).await?);
    }
    Ok(owners)
}

#[cfg(test)]
mod tests {
    use super::oslo_date;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn the_norwegian_day_follows_summer_time() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 23:30 UTC is the next day in Oslo, an hour or two ahead.
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 1, 10, 23, 30, 0).unwrap()), day(2026, 1, 11));
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 7, 10, 22, 30, 0).unwrap()), day(2026, 7, 11));
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 7, 10, 21, 30, 0).unwrap()), day(2026, 7, 10));
        // Summer time 2026: from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 3, 28, 22, 30, 0).unwrap()), day(2026, 3, 28));
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap()), day(2026, 3, 30));
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 10, 24, 22, 30, 0).unwrap()), day(2026, 10, 25));
        assert_eq!(oslo_date(Utc.with_ymd_and_hms(2026, 10, 25, 22, 30, 0).unwrap()), day(2026, 10, 25));
    }
}
