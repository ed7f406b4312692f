//! The log (stafettlogg). Every field is guarded by the read table; denied
//! fields are null with a FORBIDDEN error and the log itself survives.

use super::access_log::AccessLogEntry;
use super::child::Child;
use super::consent::{Consent, UnitProposal};
use super::goal::Goal;
use super::meeting::{Meeting, MeetingConnection};
use super::message::Message;
use super::people::{Guardian, Participant, Unit};
use super::permissions::LogPermissions;
use super::requests::{CoordinatorTerm, DeletionRequest, Handover, ReopenRequest};
use super::snapshot::{ArchiveSnapshot, ArchiveSnapshotConnection};
use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{ClosingReason, ConsentScope, LogStatus};
use crate::db::logs::LogRow;
use crate::error::{ApiError, ApiResult};
use crate::events::Hub;
use crate::loaders::{AccessLogPageKey, MessagePageKey};
use crate::policy::{ReadField, Role, read};
use crate::words;
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Log {
    pub row: LogRow,
    pub access: Arc<LogAccess>,
    /// the last event this instance had delivered when the log was looked
    /// up, before any of its content was read (see `eventCursor`)
    event_seq: i64,
}

impl Log {
    /// The log if the viewer may see it; `None` otherwise (as if absent).
    pub async fn load(ctx: &Context<'_>, log_id: uuid::Uuid) -> ApiResult<Option<Log>> {
        let Some(access) = LogAccess::load(ctx, log_id).await? else {
            return Ok(None);
        };
        Self::with_access(ctx, access).await
    }

    pub async fn with_access(ctx: &Context<'_>, access: Arc<LogAccess>) -> ApiResult<Option<Log>> {
        let row = rc(ctx).loaders.log().load_one(access.log_id()).await?;
        Ok(row.map(|row| Log::new(ctx, row, access)))
    }

    /// The log an object the viewer reads is in: a reference as an object
    /// rather than a bare id. The viewer's access was loaded with the object.
    pub async fn of(ctx: &Context<'_>, access: &Arc<LogAccess>) -> ApiResult<Log> {
        Self::with_access(ctx, access.clone()).await?.ok_or(crate::error::ApiError::NotFound("Log"))
    }

    /// A log found by a list query, with the viewer's access to it.
    pub fn new(ctx: &Context<'_>, row: LogRow, access: Arc<LogAccess>) -> Log {
        // Every event up to the hub's last one is committed, so content read
        // from now on includes it; a subscription `after` it misses nothing.
        let event_seq = ctx.data::<Arc<Hub>>().map(|hub| hub.last_seq()).unwrap_or(0);
        Log { row, access, event_seq }
    }
}

/// The viewer's own role in this log now, for frontends that adapt to it:
/// the standing roles (`UnitRoleKind`, `MunicipalRoleKind`) and the log's own
/// relations (guardian, participant) combined, and whether that role gives
/// content now (COORDINATOR or COORDINATOR_METADATA_ONLY). `viewerPermissions`
/// says exactly what it allows.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LogRole {
    /// a guardian of the child (foresatt), an owner of the log
    Guardian,
    /// the child at the municipality's consent age, an owner of the log
    Youth,
    /// the coordinator (stafettholder) while the log is ACTIVE and their unit has consent
    Coordinator,
    /// a participant (plandeltaker) while the log is ACTIVE and their unit has consent
    Participant,
    /// the coordinator while the log is not active or their unit lacks consent
    CoordinatorMetadataOnly,
    /// an admin or leader of the log's home unit: metadata only
    UnitAdmin,
    /// an admin of the log's municipality: metadata, the access log and snapshots
    MunicipalAdmin,
}

impl From<Role> for LogRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Guardian => LogRole::Guardian,
            Role::Youth => LogRole::Youth,
            Role::Coordinator => LogRole::Coordinator,
            Role::Participant => LogRole::Participant,
            Role::CoordinatorMetadata => LogRole::CoordinatorMetadataOnly,
            Role::UnitAdmin => LogRole::UnitAdmin,
            Role::MunicipalAdmin => LogRole::MunicipalAdmin,
        }
    }
}

/// A stafettlogg: the shared plan for one child, kept by a coordinator with
/// the family and the services taking part. A log you have no relation to is
/// NOT_FOUND, exactly like one that does not exist. A field your role may not
/// read is null with a FORBIDDEN error (ask `viewerPermissions` first). The
/// coordinator reads content only while the log is ACTIVE and their unit has
/// consent, otherwise what the home unit's admins read; participants see the
/// log only while it is ACTIVE and their unit has consent. The log itself
/// (id, status, dates): Readable by: guardians, the youth, the coordinator,
/// participants, the home unit's admins and leaders, the municipal admin.
#[Object]
impl Log {
    /// The log's id.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// DRAFT, ACTIVE, PASSIVE or CLOSED. An active log whose consents lapsed
    /// (expired, or a youth who has not consented) reads PASSIVE.
    async fn status(&self) -> LogStatus {
        self.access.rel.status
    }

    /// When the log was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// When the log was closed; null unless it is CLOSED (reopening clears it).
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.row.closed_at
    }

    /// The version of the municipality's template the log was made from,
    /// as it was then, with its guidance for each section; null when it was
    /// made from none. Whoever sees the log reads it (it holds no personal
    /// data), the family included: it writes `aboutMe` by that guidance.
    async fn template(&self, ctx: &Context<'_>) -> ApiResult<Option<super::template::TemplateVersion>> {
        let origin = rc(ctx).loaders.templates().load_one(self.row.id).await?;
        Ok(origin.map(|(_, row, current)| super::template::TemplateVersion { row, current }))
    }

    /// Why the log was closed; null unless it is CLOSED. Readable by:
    /// guardians, the youth, the coordinator, the municipal admin.
    async fn closed_reason(&self, ctx: &Context<'_>) -> ApiResult<Option<ClosingReason>> {
        if !self.access.allows(ctx, ReadField::ClosedReason).await? {
            return Ok(None);
        }
        Ok(rc(ctx).loaders.closures().load_one(self.row.id).await?.map(|c| c.reason))
    }

    /// Why the log was closed, in the coordinator's words; null when none
    /// were given or it is not CLOSED. Readable by: guardians, the youth,
    /// the coordinator, the municipal admin.
    async fn closed_reason_details(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::ClosedReason).await? {
            return Ok(None);
        }
        Ok(self.row.closed_reason.clone())
    }

    /// Set when a deletion request was processed: content is purged,
    /// archive snapshots are kept restricted.
    async fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.row.deleted_at
    }

    /// Your roles in this log.
    async fn my_roles(&self) -> Vec<LogRole> {
        self.access.roles.iter().map(LogRole::from).collect()
    }

    /// The unit that created the log; the consent to the log covers it.
    async fn unit(&self, ctx: &Context<'_>) -> ApiResult<Option<Unit>> {
        Ok(rc(ctx).loaders.unit().load_one(self.row.unit_id).await?.map(Unit))
    }

    /// The child the log is about; each of its fields says who may read it.
    async fn child(&self, ctx: &Context<'_>) -> ApiResult<Child> {
        let child = rc(ctx).loaders.child().load_one(self.row.child_id).await?;
        let child = child.ok_or_else(|| ApiError::internal(format_args!("log {} has no child row", self.row.id)))?;
        Ok(Child::new(child, self.access.clone()))
    }

    /// The current coordinator (stafettholder); null once the log is
    /// deleted. Readable by: guardians, the youth, the coordinator,
    /// participants, the home unit's admins and leaders, the municipal admin.
    async fn coordinator(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        if !self.access.allows(ctx, ReadField::LogMetadata).await? {
            return Ok(None);
        }
        let participants = rc(ctx).loaders.participants().load_one(self.row.id).await?.unwrap_or_default();
        Ok(participants.iter().find(|p| p.is_coordinator).cloned().map(|p| Participant::new(p, self.access.clone())))
    }

    /// The professionals taking part now, the coordinator included, in the
    /// order they joined. Readable by: guardians, the youth, the
    /// coordinator, participants, the home unit's admins and leaders, the
    /// municipal admin.
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participant>> {
        self.access.require(ctx, ReadField::ParticipantBasics).await?;
        let participants = rc(ctx).loaders.participants().load_one(self.row.id).await?.unwrap_or_default();
        Ok(participants.iter().cloned().map(|p| Participant::new(p, self.access.clone())).collect())
    }

    /// Where this answer stands in the log's events. Pass it as `after` to
    /// `messageAdded`, `logActivity` or `deadlineChanges` to go from this
    /// first load to live updates with no gap: every change made after the
    /// answer arrives there. A change made while the answer was being read
    /// can come both here and there, so drop what you already have by id.
    async fn event_cursor(&self, ctx: &Context<'_>) -> String {
        cursor::encode_seq_unlinkable(&rc(ctx).config.cursor_key, "e", self.event_seq)
    }

    /// What the viewer may read and do in this log (see `LogPermissions`).
    async fn viewer_permissions(&self, ctx: &Context<'_>) -> ApiResult<LogPermissions> {
        LogPermissions::of(ctx, &self.access).await
    }

    /// The proposed handover waiting for its successor; null when none waits.
    /// Readable by: guardians, the youth, the coordinator, participants, the
    /// home unit's admins and leaders, the municipal admin.
    async fn pending_handover(&self, ctx: &Context<'_>) -> ApiResult<Option<Handover>> {
        if !self.access.allows(ctx, ReadField::ParticipantBasics).await? {
            return Ok(None);
        }
        let row = rc(ctx).loaders.handovers().load_one(self.row.id).await?;
        Ok(row.map(|row| Handover { row, access: self.access.clone() }))
    }

    /// Everyone who has held the baton, oldest first. Readable by: guardians,
    /// the youth, the coordinator, participants, the home unit's admins and
    /// leaders, the municipal admin.
    async fn coordinator_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<CoordinatorTerm>> {
        self.access.require(ctx, ReadField::ParticipantBasics).await?;
        let terms = rc(ctx).loaders.terms().load_one(self.row.id).await?;
        Ok(self.access.objects(terms, |row, access| CoordinatorTerm { row, access }))
    }

    /// The child's guardians (foresatte) on this log. Readable by: guardians,
    /// the youth, the coordinator, participants.
    async fn guardians(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<Guardian>>> {
        if !self.access.allows(ctx, ReadField::GuardianName).await? {
            return Ok(None);
        }
        let rows = rc(ctx).loaders.guardians().load_one(self.row.id).await?;
        Ok(Some(self.access.objects(rows, |row, access| Guardian { row, access })))
    }

    /// All consents, withdrawn and expired ones included. Readable by:
    /// guardians, the youth, the coordinator, participants (their own unit's only).
    async fn consents(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<Consent>>> {
        let Some(grant) = self.access.grant(ctx, ReadField::Consents).await? else { return Ok(None) };
        let rows = rc(ctx).loaders.consents().load_one(self.row.id).await?.unwrap_or_default();
        let own_unit = self.access.own_unit();
        Ok(Some(
            rows.iter()
                .filter(|c| read::sees_unit_item(grant, own_unit, c.unit_id))
                .cloned()
                .map(|row| Consent { row, access: self.access.clone() })
                .collect(),
        ))
    }

    /// Units proposed by the coordinator, and whether they have consent.
    /// Readable by: guardians, the youth, the coordinator, participants (their
    /// own unit's only).
    async fn unit_proposals(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<UnitProposal>>> {
        let Some(grant) = self.access.grant(ctx, ReadField::Consents).await? else { return Ok(None) };
        let rc = rc(ctx);
        let proposals = rc.loaders.proposals().load_one(self.row.id).await?.unwrap_or_default();
        let consents = rc.loaders.consents().load_one(self.row.id).await?.unwrap_or_default();
        let own_unit = self.access.own_unit();
        let now = Utc::now();
        Ok(Some(
            proposals
                .iter()
                .filter(|p| read::sees_unit_item(grant, own_unit, Some(p.unit_id)))
                .cloned()
                .map(|row| {
                    let consented = consents
                        .iter()
                        .any(|c| c.scope == ConsentScope::Unit && c.unit_id == Some(row.unit_id) && c.is_valid(now));
                    UnitProposal { row, consented, access: self.access.clone() }
                })
                .collect(),
        ))
    }

    /// Presentasjon: written by the family. Null when not written. At most 20,000
    /// characters. Readable by: guardians, the youth, the coordinator, participants.
    async fn presentation(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::LogText).await? {
            return Ok(None);
        }
        Ok(self.row.presentation.clone())
    }

    /// Om meg: the child's own section. Null when not written. At most 20,000
    /// characters. Readable by: guardians, the youth, the coordinator, participants.
    async fn about_me(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::LogText).await? {
            return Ok(None);
        }
        Ok(self.row.about_me.clone())
    }

    /// Barnets stemme: the child's voice. Null when not written. At most 20,000
    /// characters. Readable by: guardians, the youth, the coordinator, participants.
    async fn child_voice(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::LogText).await? {
            return Ok(None);
        }
        Ok(self.row.child_voice.clone())
    }

    /// Bakgrunn: why the log was started. Null when not written. At most 20,000
    /// characters. Readable by: guardians, the youth, the coordinator, participants.
    async fn initiative(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if !self.access.allows(ctx, ReadField::LogText).await? {
            return Ok(None);
        }
        Ok(self.row.initiative.clone())
    }

    /// Goals, oldest first, with their measures, evaluations and comments.
    /// Readable by: guardians, the youth, the coordinator, participants.
    async fn goals(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<Goal>>> {
        if !self.access.allows(ctx, ReadField::Goals).await? {
            return Ok(None);
        }
        let rows = rc(ctx).loaders.goals().load_one(self.row.id).await?;
        Ok(Some(self.access.objects(rows, |row, access| Goal { row, access })))
    }

    /// Meetings by start time, earliest first, with `totalCount`.
    /// Readable by: guardians, the youth, the coordinator, participants.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many meetings to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<MeetingConnection>> {
        if !self.access.allows(ctx, ReadField::Meetings).await? {
            return Ok(None);
        }
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let key = &rc.config.cursor_key;
        let after = after.as_deref().map(|c| Meeting::decode_cursor(key, c)).transpose()?;
        let rows = rc.loaders.meetings().load_one(self.row.id).await?.unwrap_or_default();
        Ok(Some(MeetingConnection::from_list(
            &rows,
            limit,
            |m| after.is_none_or(|k| (m.starts_at, m.id) > k),
            |m| Meeting::cursor(key, m),
            |row| Meeting { row, access: self.access.clone() },
        )))
    }

    /// Messages addressed to you or to all, newest first. Readable by:
    /// guardians, the youth, the coordinator, participants.
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many messages to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<super::message::MessageConnection>> {
        if !self.access.allows(ctx, ReadField::Messages).await? {
            return Ok(None);
        }
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let before = after.as_deref().map(|c| cursor::decode_time_id(&rc.config.cursor_key, "m", c)).transpose()?;
        let key = MessagePageKey { log_id: self.row.id, before, limit: limit + 1 };
        let rows = rc.loaders.messages().load_one(key).await?.unwrap_or_default();
        let mut page = super::message::MessageConnection::from_rows(
            rows,
            limit,
            |r| Message::cursor(&rc.config.cursor_key, r),
            |row| Message { row, access: self.access.clone() },
        );
        page.scope = Some(self.access.clone());
        Ok(Some(page))
    }

    /// Who has read or changed the log, newest first (tilgangslogg).
    /// Readable by: guardians, the youth, the municipal admin.
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many entries to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<super::access_log::AccessLogConnection>> {
        if !self.access.allows(ctx, ReadField::AccessLog).await? {
            return Ok(None);
        }
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let cursor_key = &rc.config.cursor_key;
        let before = after.as_deref().map(|c| cursor::decode_seq(cursor_key, "a", c)).transpose()?;
        let key = AccessLogPageKey { log_id: self.row.id, before, limit: limit + 1 };
        let rows = rc.loaders.access_log().load_one(key).await?.unwrap_or_default();
        Ok(Some(super::access_log::AccessLogConnection::from_rows(
            rows,
            limit,
            |e| cursor::encode_seq(cursor_key, "a", e.id),
            |row| AccessLogEntry { row, access: self.access.clone() },
        )))
    }

    /// Archive snapshots, newest first, with `totalCount`. Readable by:
    /// guardians, the youth, the coordinator, the municipal admin.
    async fn snapshots(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many snapshots to return: 0 to 100 (the server's limit); 20 when omitted.")]
        first: Option<i32>,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<ArchiveSnapshotConnection>> {
        if !self.access.allows(ctx, ReadField::Snapshots).await? {
            return Ok(None);
        }
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let key = &rc.config.cursor_key;
        let after = after.as_deref().map(|c| ArchiveSnapshot::decode_cursor(key, c)).transpose()?;
        let rows = rc.loaders.snapshots().load_one(self.row.id).await?.unwrap_or_default();
        Ok(Some(ArchiveSnapshotConnection::from_list(
            &rows,
            limit,
            |s| after.is_none_or(|k| (s.taken_at, s.id) < k),
            |s| ArchiveSnapshot::cursor(key, s),
            |row| ArchiveSnapshot { row, access: self.access.clone() },
        )))
    }

    /// A request to reopen the closed log, waiting for the owners' approval;
    /// null when none waits. Readable by: guardians, the youth, the
    /// coordinator, participants, the home unit's admins and leaders, the
    /// municipal admin.
    async fn pending_reopen_request(&self, ctx: &Context<'_>) -> ApiResult<Option<ReopenRequest>> {
        if !self.access.allows(ctx, ReadField::LogMetadata).await? {
            return Ok(None);
        }
        Ok(rc(ctx).loaders.reopens().load_one(self.row.id).await?.map(ReopenRequest))
    }

    /// A deletion request waiting for the municipal admin; null when none
    /// waits. Readable by: guardians, the youth, the coordinator,
    /// participants, the home unit's admins and leaders, the municipal admin.
    async fn open_deletion_request(&self, ctx: &Context<'_>) -> ApiResult<Option<DeletionRequest>> {
        if !self.access.allows(ctx, ReadField::LogMetadata).await? {
            return Ok(None);
        }
        Ok(rc(ctx)
            .loaders
            .deletions()
            .load_one(self.row.id)
            .await?
            .map(|row| DeletionRequest::in_log(row, self.access.clone())))
    }
}

/// What `logs` narrows the logs you may see to; every part given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct LogFilter {
    /// part of the child's name, in any case: 1 to 100 characters
    pub child_name: Option<String>,
    /// the log's (effective) status
    pub status: Option<LogStatus>,
    /// the unit that created the log (its home unit)
    pub unit_id: Option<ID>,
    /// the staff member (person id) who holds the baton
    pub coordinator_id: Option<ID>,
    /// only logs with an open measure past its deadline, among those whose
    /// goals you may read (overdue measures are content)
    #[graphql(default)]
    pub overdue_only: bool,
}

/// The longest name part a search takes: a child's name is at most 200
/// characters, and a search by more than a name is a mistake (or an attack
/// on the matching).
pub const MAX_NAME_SEARCH: usize = 100;

impl LogFilter {
    /// The filter as the policy's list query takes it; `status` is the
    /// older argument of `logs`, which must agree with `filter.status`.
    pub fn parse(self, status: Option<LogStatus>) -> ApiResult<crate::policy::relation::ListFilter> {
        use crate::api::ids;
        let child_name = match self.child_name {
            Some(name) => {
                let name = name.trim().to_owned();
                let len = name.chars().count();
                if len == 0 || len > MAX_NAME_SEARCH {
                    return Err(ApiError::bad_input(words!("error-name-search", len, max = MAX_NAME_SEARCH)));
                }
                Some(name)
            }
            None => None,
        };
        let status = match (status, self.status) {
            (Some(a), Some(b)) if a != b => {
                return Err(ApiError::bad_input(words!("error-status-twice")));
            }
            (a, b) => a.or(b),
        };
        Ok(crate::policy::relation::ListFilter {
            status,
            child_name,
            unit_id: self.unit_id.map(|id| ids::parse(&id, "filter.unitId")).transpose()?,
            coordinator_id: self.coordinator_id.map(|id| ids::parse(&id, "filter.coordinatorId")).transpose()?,
            overdue_only: self.overdue_only,
        })
    }
}

super::connection::connection!(
    /// A page of the logs you may see, newest first.
    LogConnection,
    /// A log in a page, with its cursor.
    LogEdge,
    Log
);

super::connection::counted_connection!(
    /// A page of `logsWithoutCoordinator`, oldest first.
    LogQueueConnection,
    /// A log waiting for a coordinator, with its cursor.
    LogQueueEdge,
    Log
);
