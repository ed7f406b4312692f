//! People in a log: participants, guardians and the child, and the `Person`
//! interface that authors, recipients and responsible people resolve to.

use super::child::Child;
use crate::api::guard::{LogAccess, deny};
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{PersonKind, ServiceKind};
use crate::db::logs::GuardianView;
use crate::db::org;
use crate::db::participants::ParticipantView;
use crate::error::{ApiError, ApiResult};
use crate::policy::write::{self, WriteAction};
use crate::policy::{Grant, ReadField};
use async_graphql::{Context, Enum, ID, Interface, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// Someone in a log: a participant (staff), a guardian, or the child.
#[derive(Interface)]
#[graphql(
    field(
        name = "id",
        ty = "ID",
        desc = "The person's id: for staff and guardians the same in every log and as `Me.id`; for the child, the child's id in this log (see `Child.id`)."
    ),
    field(name = "name", ty = "String", desc = "The person's name.")
)]
pub enum Person {
    Participant(Participant),
    Guardian(Guardian),
    Child(Child),
}

impl Person {
    /// The person `person_id` as they appear in this log: a participant (the
    /// latest participation, even one that ended), a guardian, or the child
    /// as youth. `None` for someone with no place in the log.
    pub async fn in_log(ctx: &Context<'_>, access: &Arc<LogAccess>, person_id: Uuid) -> ApiResult<Option<Person>> {
        Ok(Self::aligned_in_log(ctx, access, &[person_id]).await?.pop().flatten())
    }

    /// Like [`in_log`](Self::in_log) for several people, in a constant number
    /// of loads, leaving out anyone with no place in the log.
    pub async fn many_in_log(
        ctx: &Context<'_>,
        access: &Arc<LogAccess>,
        person_ids: &[Uuid],
    ) -> ApiResult<Vec<Person>> {
        Ok(Self::aligned_in_log(ctx, access, person_ids).await?.into_iter().flatten().collect())
    }

    /// One entry per id, in order.
    pub async fn aligned_in_log(
        ctx: &Context<'_>,
        access: &Arc<LogAccess>,
        person_ids: &[Uuid],
    ) -> ApiResult<Vec<Option<Person>>> {
        let rc = rc(ctx);
        let log_id = access.log_id();
        let persons = rc.loaders.person().load_many(person_ids.iter().copied()).await?;
        let participants = rc.loaders.participants().load_one(log_id).await?.unwrap_or_default();
        let guardians = rc.loaders.guardians().load_one(log_id).await?.unwrap_or_default();
        let mut out = Vec::with_capacity(person_ids.len());
        for person_id in person_ids {
            let Some(person) = persons.get(person_id) else {
                out.push(None);
                continue;
            };
            let found = match person.kind {
                PersonKind::Staff => {
                    Person::Participant(match participants.iter().find(|p| p.participant.staff_id == *person_id) {
                        Some(p) => Participant::new(p.clone(), access.clone()),
                        None => Participant::former(person.clone(), access.clone()),
                    })
                }
                PersonKind::Citizen => match guardians.iter().find(|g| g.person_id == *person_id) {
                    Some(g) => Person::Guardian(Guardian { row: g.clone(), access: access.clone() }),
                    None => {
                        let log = rc.loaders.log().load_one(log_id).await?;
                        let child = match log {
                            Some(log) => rc.loaders.child().load_one(log.child_id).await?,
                            None => None,
                        };
                        match child {
                            Some(child) => Person::Child(Child::new(child, access.clone())),
                            None => {
                                out.push(None);
                                continue;
                            }
                        }
                    }
                },
            };
            out.push(Some(found));
        }
        Ok(out)
    }
}

/// What a participant is in the log: a fact about them, the same for every
/// viewer (unlike `LogRole`, the viewer's own role).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ParticipantRole {
    /// stafettholder: holds the baton
    Coordinator,
    /// plandeltaker / tjenesteyter: any other participant
    Participant,
}

pub struct Participant {
    /// the person id: a participant's only id in the API
    staff_id: Uuid,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    unit_id: Option<Uuid>,
    title: Option<String>,
    is_coordinator: bool,
    joined_at: Option<DateTime<Utc>>,
    left_at: Option<DateTime<Utc>>,
    access: Arc<LogAccess>,
}

impl Participant {
    pub fn new(v: ParticipantView, access: Arc<LogAccess>) -> Participant {
        Participant {
            staff_id: v.participant.staff_id,
            name: v.name,
            phone: v.phone,
            email: v.email,
            unit_id: Some(v.participant.unit_id),
            title: v.participant.title,
            is_coordinator: v.is_coordinator,
            joined_at: Some(v.participant.joined_at),
            left_at: v.participant.left_at,
            access,
        }
    }

    /// Staff who once acted in the log but no longer take part in it (or
    /// never did: an admin). Their contact details are not the log's to
    /// give (the attack on issue 15 read a unit admin's phone and e-mail
    /// through the actor of an event).
    fn former(p: org::PersonRow, access: Arc<LogAccess>) -> Participant {
        Participant {
            staff_id: p.id,
            name: p.name,
            phone: None,
            email: None,
            unit_id: None,
            title: None,
            is_coordinator: false,
            joined_at: None,
            left_at: None,
            access,
        }
    }

    pub fn staff_id(&self) -> Uuid {
        self.staff_id
    }
}

/// A professional taking part in the log (plandeltaker).
#[Object]
impl Participant {
    /// The staff member's person id: the same in every log and as `Me.id`
    /// (one id per person). Use it for `proposeHandover`,
    /// `removeParticipant`, recipients, invitees and `responsibleId`.
    pub async fn id(&self) -> ID {
        id(self.staff_id)
    }

    /// The staff member's name.
    pub async fn name(&self) -> String {
        self.name.clone()
    }

    /// Whether the viewer may `removeParticipant` this participant: a
    /// current participant other than the coordinator.
    async fn viewer_can_remove(&self) -> bool {
        self.joined_at.is_some()
            && write::may(&self.access.rel, WriteAction::RemoveParticipant)
            && write::remove_participant(self.left_at.is_some(), self.is_coordinator).is_ok()
    }

    /// The unit they take part for; null for staff who no longer take part.
    async fn unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        let Some(unit_id) = self.unit_id else {
            return Ok(None);
        };
        Ok(rc(ctx).loaders.unit().load_one(unit_id).await?.map(Unit))
    }

    /// COORDINATOR for the current coordinator, PARTICIPANT otherwise.
    async fn role(&self) -> ParticipantRole {
        if self.is_coordinator { ParticipantRole::Coordinator } else { ParticipantRole::Participant }
    }

    /// Job title in the log, e.g. "kontaktlærer"; null when not given.
    async fn title(&self) -> Option<String> {
        self.title.clone()
    }

    /// When they joined the log; null for staff who no longer take part.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        self.joined_at
    }

    /// When the participant left the log; null while they take part (and
    /// for staff shown as an author or actor only).
    async fn left_at(&self) -> Option<DateTime<Utc>> {
        self.left_at
    }

    /// Phone number registered for the staff member; null when none, and
    /// for staff who no longer take part. Readable by: guardians, the
    /// youth, the coordinator, participants.
    async fn phone(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::ParticipantContact).await? {
            return Ok(None);
        }
        Ok(self.phone.clone())
    }

    /// E-mail address registered for the staff member; null when none, and
    /// for staff who no longer take part. Readable by: guardians, the
    /// youth, the coordinator, participants.
    async fn email(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::ParticipantContact).await? {
            return Ok(None);
        }
        Ok(self.email.clone())
    }
}

pub struct Guardian {
    pub row: GuardianView,
    pub access: Arc<LogAccess>,
}

impl Guardian {
    /// Personal details: the coordinator sees them, a guardian only their own.
    async fn private<T: Clone>(&self, ctx: &Context<'_>, value: &Option<T>) -> ApiResult<Option<T>> {
        match self.access.grant(ctx, ReadField::GuardianPrivate).await? {
            None => Ok(None),
            Some(Grant::Full) => Ok(value.clone()),
            Some(Grant::OwnRecord) if self.row.person_id == self.access.viewer => Ok(value.clone()),
            Some(_) => deny(ctx, ApiError::forbidden("only the coordinator and the guardian themself may read this")),
        }
    }
}

/// A guardian (foresatt), an owner of the log.
#[Object]
impl Guardian {
    /// The guardian's person id: use it as `ownerId`, `responsibleId`, a
    /// recipient or an invitee.
    pub async fn id(&self) -> ID {
        id(self.row.person_id)
    }

    /// The guardian's name as recorded on this log.
    pub async fn name(&self) -> String {
        self.row.name.clone()
    }

    /// Fødselsnummer or D-nummer (11 digits). Readable by: guardians (their
    /// own only), the coordinator.
    async fn national_id(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        self.private(ctx, &Some(self.row.national_id.clone())).await
    }

    /// Phone number recorded on this log; null when none. Readable by:
    /// guardians (their own only), the coordinator.
    async fn phone(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        self.private(ctx, &self.row.phone).await
    }

    /// E-mail address recorded on this log; null when none (`createLog`
    /// takes none). Readable by: guardians (their own only), the coordinator.
    async fn email(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        self.private(ctx, &self.row.email).await
    }

    /// Postal address recorded on this log; null when none. Readable by:
    /// guardians (their own only), the coordinator.
    async fn address(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        self.private(ctx, &self.row.address).await
    }

    /// Whether the viewer may `updateGuardianContact` of this guardian: the
    /// guardian herself, or the coordinator.
    async fn viewer_can_edit_contact(&self) -> bool {
        write::may(&self.access.rel, WriteAction::EditGuardianContact)
            && write::edit_guardian_contact(&self.access.rel, self.access.viewer, self.row.person_id).is_ok()
    }
}

pub struct Unit(pub org::UnitRow);

/// A unit (enhet): a kindergarten, school, health station, …
#[Object]
impl Unit {
    /// The unit's id.
    pub async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// The unit's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The kind of service the unit provides.
    async fn service_kind(&self) -> ServiceKind {
        self.0.service_kind
    }

    /// Enhetsregisteret's organization number (nine digits); null when not given.
    async fn organization_number(&self) -> Option<&str> {
        self.0.organization_number.as_deref()
    }

    /// Whether the unit is active. A deactivated unit keeps its history,
    /// participants and consents, and is proposed for no new log.
    async fn active(&self) -> bool {
        self.0.deactivated_at.is_none()
    }

    /// When the unit was deactivated; null while it is active.
    async fn deactivated_at(&self) -> Option<DateTime<Utc>> {
        self.0.deactivated_at
    }

    /// The roles held in the unit, by name, with `totalCount`. For staff of
    /// a unit of the same municipality and its municipal admin (not the
    /// system owner, who reads no personal data, nor citizens); for anyone
    /// else null with FORBIDDEN (`policy::admin::list_unit_staff`). One
    /// statement for every unit of a list (`units { staff }`).
    async fn staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many roles to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<super::staff::StaffConnection>> {
        match crate::policy::admin::list_unit_staff(&rc(ctx).principal, self.0.municipality_id) {
            Ok(()) => super::staff::page(ctx, self.0.id, false, first, after).await.map(Some),
            Err(e) => deny(ctx, e),
        }
    }

    /// How many logs the unit created (it is their home unit). For its unit
    /// admins and leaders, the municipal admin and the system owner of its
    /// municipality; for anyone else null with FORBIDDEN.
    async fn log_count(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        let principal = &rc(ctx).principal;
        if !crate::policy::organization::read_unit_figures(principal, self.0.id, self.0.municipality_id) {
            return deny(
                ctx,
                ApiError::forbidden(
                    "only the unit's admins and leaders and the municipality's admins may read its figures",
                ),
            );
        }
        let count = rc(ctx).loaders.unit_log_counts().load_one(self.0.id).await?.map_or(0, |(_, n)| n);
        Ok(Some(i32::try_from(count).unwrap_or(i32::MAX)))
    }
}
