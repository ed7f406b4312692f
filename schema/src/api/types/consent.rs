//! Consents (samtykker) and unit proposals.

use super::people::{Person, Unit};
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::api::scalars::Date;
use crate::context::rc;
use crate::db::consents;
use crate::db::enums::{ConsentMethod, ConsentScope, WithdrawalReason};
use crate::error::ApiResult;
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Consent {
    pub row: consents::ConsentRow,
    pub access: Arc<LogAccess>,
}

/// An owner's consent (samtykke) to the log or to one more unit. Every
/// field but `id` is content: Readable by: guardians, the youth, the
/// coordinator, participants (their own unit's only).
#[Object]
impl Consent {
    /// The consent's id (for `withdrawConsent`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// Whether the viewer may `withdrawConsent` this consent now: an owner
    /// may withdraw any unit's consent, and her own consent to the log,
    /// while it holds.
    async fn viewer_can_withdraw(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Consents).await?;
        let own = match self.row.scope {
            ConsentScope::Log => write::withdraw_log_consent(self.access.viewer, self.row.given_by).is_ok(),
            ConsentScope::Unit => true,
        };
        let holds = self.row.withdrawn_at.is_none();
        Ok(holds && own && write::may(&self.access.rel, WriteAction::WithdrawConsent))
    }

    /// LOG: consent to the log (and its home unit); UNIT: to one more unit.
    async fn scope(&self, ctx: &Context<'_>) -> ApiResult<ConsentScope> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.scope)
    }

    /// The unit consented to; null for consent to the log.
    async fn unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        self.access.content(ctx, ReadField::Consents).await?;
        let Some(unit_id) = self.row.unit_id else {
            return Ok(None);
        };
        Ok(rc(ctx).loaders.unit().load_one(unit_id).await?.map(Unit))
    }

    /// The owner whose consent this is: a guardian or the youth; null if
    /// their person record cannot be found.
    async fn given_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Person::in_log(ctx, &self.access, self.row.given_by).await
    }

    /// DIGITAL, or PAPER when registered by the coordinator from a signed form.
    async fn method(&self, ctx: &Context<'_>) -> ApiResult<ConsentMethod> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.method)
    }

    /// Where the signed paper form is archived; null for digital consents.
    async fn document_reference(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.document_reference.as_deref())
    }

    /// The coordinator who registered a paper consent; null for digital consents.
    async fn registered_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Consents).await?;
        let Some(staff) = self.row.registered_by else {
            return Ok(None);
        };
        Person::in_log(ctx, &self.access, staff).await
    }

    /// The day a paper consent's form was signed; null for digital consents
    /// (and for paper consents registered before the date was recorded).
    async fn signed_on(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.signed_on.map(Date))
    }

    /// When the consent was given or registered.
    async fn given_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.given_at)
    }

    /// After this moment the consent no longer grants access; null when it
    /// does not expire.
    async fn expires_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.expires_at)
    }

    /// When the consent was withdrawn, or ended by closing or deleting the
    /// log; null until then.
    async fn withdrawn_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.withdrawn_at)
    }

    /// Why it ended: withdrawn, or the log was closed or deleted; null while
    /// it has not ended.
    async fn withdrawal_reason(&self, ctx: &Context<'_>) -> ApiResult<Option<WithdrawalReason>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.withdrawal_reason)
    }

    /// Whether the viewer may `registerConsentWithdrawal` of this consent
    /// now (the coordinator, while it holds).
    async fn viewer_can_register_withdrawal(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.withdrawn_at.is_none() && write::may(&self.access.rel, WriteAction::RegisterWithdrawal))
    }

    /// Who withdrew it: the owner, or the coordinator who registered what
    /// the family reported; null while it holds, or when it ended with the log.
    async fn withdrawn_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Consents).await?;
        let Some(person) = self.row.withdrawn_by else {
            return Ok(None);
        };
        Person::in_log(ctx, &self.access, person).await
    }

    /// For a withdrawal the coordinator registered: the day the family reported it.
    async fn withdrawal_reported_on(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.withdrawal_reported_on.map(Date))
    }

    /// For a withdrawal the coordinator registered: how the family reported
    /// it (by phone, in a meeting…).
    async fn withdrawal_reported_how(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.withdrawal_reported_how.as_deref())
    }

    /// Not withdrawn and not expired, now.
    async fn valid(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.is_valid(Utc::now()))
    }
}

pub struct UnitProposal {
    pub row: consents::UnitProposalRow,
    pub consented: bool,
    pub access: Arc<LogAccess>,
}

/// A unit the coordinator proposes to bring into the log; it gets access
/// only when an owner consents to it. Every field but `id` is read like the
/// consents: Readable by: guardians, the youth, the coordinator,
/// participants (their own unit's only). So the coordinator of a log that is
/// not ACTIVE, who may propose a unit, gets only the new proposal's `id` back.
#[Object]
impl UnitProposal {
    /// The proposal's id.
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The proposed unit; consent to it is `giveConsent` with this unit's id as `unitId`.
    async fn unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(rc(ctx).loaders.unit().load_one(self.row.unit_id).await?.map(Unit))
    }

    /// Why the coordinator proposes it, at most 2,000 characters; null when not given.
    async fn reason(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.reason.as_deref())
    }

    /// When it was proposed.
    async fn proposed_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.row.proposed_at)
    }

    /// Whether a valid consent to the unit exists.
    async fn consented(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Consents).await?;
        Ok(self.consented)
    }
}
