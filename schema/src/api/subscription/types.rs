//! What subscriptions deliver. Every event carries its `cursor`.

use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::api::scalars::Date;
use crate::api::types::consent::Consent;
use crate::api::types::goal::{Comment, Evaluation, Goal, Measure};
use crate::api::types::log::Log;
use crate::api::types::meeting::Meeting;
use crate::api::types::message::Message;
use crate::api::types::people::{Participant, Person};
use crate::api::types::requests::Handover;
use crate::context::rc;
use crate::db::enums::{EventKind, LogStatus};
use crate::db::{messages, participants};
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::policy::{ReadField, read};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};
use std::sync::Arc;

fn event_cursor(key: &cursor::CursorKey, e: &StoredEvent) -> String {
    cursor::encode_seq(key, "e", e.seq)
}

/// A new message.
#[derive(SimpleObject)]
pub struct MessageEvent {
    /// pass it as `after` to resume after this event
    pub cursor: String,
    /// the message
    pub message: Message,
}

impl MessageEvent {
    pub fn new(
        key: &cursor::CursorKey,
        event: &StoredEvent,
        row: messages::MessageRow,
        access: Arc<LogAccess>,
    ) -> Self {
        MessageEvent { cursor: event_cursor(key, event), message: Message { row, access } }
    }
}

pub struct MessageReadEvent {
    event: Arc<StoredEvent>,
    access: Arc<LogAccess>,
}

impl MessageReadEvent {
    pub fn new(event: Arc<StoredEvent>, access: Arc<LogAccess>) -> Self {
        MessageReadEvent { event, access }
    }
}

/// Someone marked a message read for the first time.
#[Object]
impl MessageReadEvent {
    /// Pass it as `after` to resume after this event.
    async fn cursor(&self, ctx: &Context<'_>) -> String {
        event_cursor(&rc(ctx).config.cursor_key, &self.event)
    }

    /// The log of the message.
    async fn log_id(&self) -> ID {
        id(self.event.log_id)
    }

    /// The log of the message, as an object.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<Log> {
        Log::of(ctx, &self.access).await
    }

    /// Who read it: you, when you read it on another device. Null only when
    /// they no longer have a place in the log.
    async fn reader(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        let Some(reader) = self.event.payload.actor_id else { return Ok(None) };
        Person::in_log(ctx, &self.access, reader).await
    }

    /// When they marked it read.
    async fn read_at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    /// The message as it is now, `readBy` included; null when it has since
    /// been purged.
    async fn message(&self, ctx: &Context<'_>) -> ApiResult<Option<Message>> {
        let Some(message_id) = self.event.payload.message_id else { return Ok(None) };
        let row = rc(ctx).loaders.message().load_one(message_id).await?;
        Ok(row.map(|row| Message { row, access: self.access.clone() }))
    }
}

pub struct LogEvent {
    event: Arc<StoredEvent>,
    access: Arc<LogAccess>,
}

impl LogEvent {
    pub fn new(event: Arc<StoredEvent>, access: Arc<LogAccess>) -> Self {
        LogEvent { event, access }
    }
}

/// A section of a log's text.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LogTextSection {
    /// presentasjon
    Presentation,
    /// om meg
    AboutMe,
    /// barnets stemme
    ChildVoice,
    /// bakgrunn
    Initiative,
}

/// The text sections a TEXT_CHANGED changed; their text as it is now is on
/// `LogEvent.log`.
#[derive(SimpleObject)]
pub struct LogTextChange {
    /// the sections that changed
    pub sections: Vec<LogTextSection>,
}

/// What an event is about, as it is now: one type per kind of object, so a
/// client updates what it shows from the event without a query of its own.
#[derive(Union)]
pub enum LogEventSubject {
    /// GOAL_ADDED, GOAL_CHANGED
    Goal(Goal),
    /// MEASURE_CREATED, MEASURE_UPDATED and the deadline kinds
    Measure(Measure),
    /// MEASURE_EVALUATED, GOAL_EVALUATED
    Evaluation(Evaluation),
    /// COMMENT_ADDED
    Comment(Comment),
    /// MEETING_SCHEDULED, MINUTES_RECORDED
    Meeting(Meeting),
    /// PARTICIPANT_JOINED, PARTICIPANT_LEFT
    Participant(Participant),
    /// CONSENT_GIVEN, CONSENT_WITHDRAWN
    Consent(Consent),
    /// HANDOVER_PROPOSED, HANDOVER_DECLINED, HANDOVER_CANCELLED, COORDINATOR_HANDED_OVER
    Handover(Handover),
    /// TEXT_CHANGED
    LogTextChange(LogTextChange),
}

/// The objects an event is about, shared by its fields and `subject`.
impl LogEvent {
    async fn goal_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Goal>> {
        let Some(goal_id) = self.event.payload.goal_id else { return Ok(None) };
        if !self.access.allows(ctx, ReadField::Goals).await? {
            return Ok(None);
        }
        let goals = rc(ctx).loaders.goals().load_one(self.event.log_id).await?.unwrap_or_default();
        Ok(goals.iter().find(|g| g.id == goal_id).cloned().map(|row| Goal { row, access: self.access.clone() }))
    }

    async fn measure_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Measure>> {
        measure(ctx, &self.event, &self.access).await
    }

    async fn meeting_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
        let Some(meeting_id) = self.event.payload.meeting_id else { return Ok(None) };
        if !self.access.allows(ctx, ReadField::Meetings).await? {
            return Ok(None);
        }
        let meetings = rc(ctx).loaders.meetings().load_one(self.event.log_id).await?.unwrap_or_default();
        Ok(meetings
            .iter()
            .find(|m| m.id == meeting_id)
            .cloned()
            .map(|row| Meeting { row, access: self.access.clone() }))
    }

    async fn participant_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let Some(participant_id) = self.event.payload.participant_id else { return Ok(None) };
        let p = rc(ctx).loaders.participant().load_one(participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
    }

    async fn consent_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Consent>> {
        let Some(consent_id) = self.event.payload.consent_id else { return Ok(None) };
        let Some(grant) = self.access.grant(ctx, ReadField::Consents).await? else { return Ok(None) };
        let rows = rc(ctx).loaders.consents().load_one(self.event.log_id).await?.unwrap_or_default();
        Ok(rows
            .iter()
            .find(|c| c.id == consent_id)
            .filter(|c| read::sees_unit_item(grant, self.access.own_unit(), c.unit_id))
            .cloned()
            .map(|row| Consent { row, access: self.access.clone() }))
    }

    async fn handover_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Handover>> {
        let Some(handover_id) = self.event.payload.handover_id else { return Ok(None) };
        if !self.access.allows(ctx, ReadField::ParticipantBasics).await? {
            return Ok(None);
        }
        let mut conn = rc(ctx).conn().await?;
        let row = participants::handover_by_id(&mut conn, handover_id).await?;
        Ok(row.map(|row| Handover { row, access: self.access.clone() }))
    }

    async fn comment_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Comment>> {
        let loaders = &rc(ctx).loaders;
        let row = self
            .on_measure_or_goal(
                ctx,
                self.event.payload.comment_id,
                loaders.measure_comments(),
                loaders.goal_comments(),
                |c| c.id,
            )
            .await?;
        Ok(row.map(|row| Comment { row, access: self.access.clone() }))
    }

    async fn evaluation_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Evaluation>> {
        let loaders = &rc(ctx).loaders;
        let row = self
            .on_measure_or_goal(
                ctx,
                self.event.payload.evaluation_id,
                loaders.measure_evaluations(),
                loaders.goal_evaluations(),
                |e| e.id,
            )
            .await?;
        Ok(row.map(|row| Evaluation { row, access: self.access.clone() }))
    }

    /// The row `id` names among those of the event's measure (or, for an
    /// event without one, its goal), if the viewer may read goals now.
    async fn on_measure_or_goal<R, M, G>(
        &self,
        ctx: &Context<'_>,
        id: Option<uuid::Uuid>,
        of_measure: &DataLoader<M, HashMapCache>,
        of_goal: &DataLoader<G, HashMapCache>,
        row_id: impl Fn(&R) -> uuid::Uuid,
    ) -> ApiResult<Option<R>>
    where
        R: Clone + Send + Sync + 'static,
        M: Loader<uuid::Uuid, Value = Arc<[R]>, Error = ApiError>,
        G: Loader<uuid::Uuid, Value = Arc<[R]>, Error = ApiError>,
    {
        let Some(id) = id else { return Ok(None) };
        if !self.access.allows(ctx, ReadField::Goals).await? {
            return Ok(None);
        }
        let p = &self.event.payload;
        let rows = match (p.measure_id, p.goal_id) {
            (Some(m), _) => of_measure.load_one(m).await?,
            (None, Some(g)) => of_goal.load_one(g).await?,
            (None, None) => None,
        };
        Ok(rows.unwrap_or_default().iter().find(|r| row_id(r) == id).cloned())
    }

    async fn text_change_of(&self, ctx: &Context<'_>) -> ApiResult<Option<LogTextChange>> {
        if self.event.kind != EventKind::TextChanged || !self.access.allows(ctx, ReadField::LogText).await? {
            return Ok(None);
        }
        let sections = self
            .event
            .payload
            .sections
            .iter()
            .filter_map(|s| match s.as_str() {
                "PRESENTATION" => Some(LogTextSection::Presentation),
                "ABOUT_ME" => Some(LogTextSection::AboutMe),
                "CHILD_VOICE" => Some(LogTextSection::ChildVoice),
                "INITIATIVE" => Some(LogTextSection::Initiative),
                _ => None,
            })
            .collect();
        Ok(Some(LogTextChange { sections }))
    }
}

/// Something that happened in a log. `subject` is what it is about, typed;
/// the fields `goal` … `textChange` are the same objects one by one, and
/// which are set depends on `kind`.
#[Object]
impl LogEvent {
    /// Pass it as `after` to resume after this event.
    async fn cursor(&self, ctx: &Context<'_>) -> String {
        event_cursor(&rc(ctx).config.cursor_key, &self.event)
    }

    /// What happened.
    async fn kind(&self) -> EventKind {
        self.event.kind
    }

    /// The log it happened in.
    async fn log_id(&self) -> ID {
        id(self.event.log_id)
    }

    /// The log it happened in, as an object.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<Log> {
        Log::of(ctx, &self.access).await
    }

    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    /// Who caused it; null for events of the server's own (a deadline passing).
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        let Some(actor) = self.event.payload.actor_id else { return Ok(None) };
        Person::in_log(ctx, &self.access, actor).await
    }

    /// The log's status after a STATUS_CHANGED; null for other kinds.
    async fn status(&self) -> Option<LogStatus> {
        self.event.payload.status
    }

    /// The goal the event is about, as it is now; null when it is about none.
    /// Readable by: guardians, the youth, the coordinator, participants.
    async fn goal(&self, ctx: &Context<'_>) -> ApiResult<Option<Goal>> {
        self.goal_of(ctx).await
    }

    /// The measure the event is about, as it is now; null when it is about
    /// none. Readable by: guardians, the youth, the coordinator, participants.
    async fn measure(&self, ctx: &Context<'_>) -> ApiResult<Option<Measure>> {
        self.measure_of(ctx).await
    }

    /// The meeting the event is about, as it is now; null when it is about
    /// none. Readable by: guardians, the youth, the coordinator, participants.
    async fn meeting(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
        self.meeting_of(ctx).await
    }

    /// The participant who joined, left, or took over the baton.
    async fn participant(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        self.participant_of(ctx).await
    }

    /// The consent given or withdrawn, as it is now. Readable by:
    /// guardians, the youth, the coordinator, participants (their own
    /// unit's only).
    async fn consent(&self, ctx: &Context<'_>) -> ApiResult<Option<Consent>> {
        self.consent_of(ctx).await
    }

    /// The handover proposed, declined, cancelled or accepted, as it is now.
    async fn handover(&self, ctx: &Context<'_>) -> ApiResult<Option<Handover>> {
        self.handover_of(ctx).await
    }

    /// The comment added. Readable by: guardians, the youth, the
    /// coordinator, participants.
    async fn comment(&self, ctx: &Context<'_>) -> ApiResult<Option<Comment>> {
        self.comment_of(ctx).await
    }

    /// The evaluation added. Readable by: guardians, the youth, the
    /// coordinator, participants.
    async fn evaluation(&self, ctx: &Context<'_>) -> ApiResult<Option<Evaluation>> {
        self.evaluation_of(ctx).await
    }

    /// The sections a TEXT_CHANGED changed. Readable by: guardians, the
    /// youth, the coordinator, participants.
    async fn text_change(&self, ctx: &Context<'_>) -> ApiResult<Option<LogTextChange>> {
        self.text_change_of(ctx).await
    }

    /// What the event is about, as it is now, typed by kind (see
    /// `LogEventSubject`); null for events about the log itself (its
    /// status, requests) and for what you may not read.
    async fn subject(&self, ctx: &Context<'_>) -> ApiResult<Option<LogEventSubject>> {
        use EventKind::*;
        Ok(match self.event.kind {
            GoalAdded | GoalChanged => self.goal_of(ctx).await?.map(LogEventSubject::Goal),
            MeasureEvaluated | GoalEvaluated => self.evaluation_of(ctx).await?.map(LogEventSubject::Evaluation),
            CommentAdded => self.comment_of(ctx).await?.map(LogEventSubject::Comment),
            MeasureCreated
            | MeasureUpdated
            | DeadlineSet
            | DeadlineMoved
            | DeadlineRemoved
            | MeasureDone
            | MeasureOverdue
            | MeasureDueSoon
            | ResponsibleDeactivated
            | ResponsibleReactivated => self.measure_of(ctx).await?.map(LogEventSubject::Measure),
            MeetingScheduled | MinutesRecorded | MeetingRescheduled | MeetingCancelled | AgendaItemAdded => {
                self.meeting_of(ctx).await?.map(LogEventSubject::Meeting)
            }
            ParticipantJoined | ParticipantLeft => self.participant_of(ctx).await?.map(LogEventSubject::Participant),
            ConsentGiven | ConsentWithdrawn => self.consent_of(ctx).await?.map(LogEventSubject::Consent),
            HandoverProposed | HandoverDeclined | HandoverCancelled | CoordinatorHandedOver => {
                self.handover_of(ctx).await?.map(LogEventSubject::Handover)
            }
            TextChanged => self.text_change_of(ctx).await?.map(LogEventSubject::LogTextChange),
            _ => None,
        })
    }
}

async fn measure(ctx: &Context<'_>, event: &StoredEvent, access: &Arc<LogAccess>) -> ApiResult<Option<Measure>> {
    let Some(measure_id) = event.payload.measure_id else { return Ok(None) };
    if !access.allows(ctx, ReadField::Goals).await? {
        return Ok(None);
    }
    let row = rc(ctx).loaders.measure().load_one(measure_id).await?;
    Ok(row.map(|row| Measure { row, access: access.clone() }))
}

/// What happened to a deadline.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeadlineEventKind {
    /// a deadline was given to a measure, or the measure got a new responsible person
    Set,
    /// the deadline changed
    Moved,
    /// the deadline was removed
    Removed,
    /// the measure was marked done
    Done,
    /// the deadline passed with the measure still open
    Overdue,
    /// the deadline is within the configured horizon (default 7 days)
    DueSoon,
    /// the measure's responsible person was deactivated: the coordinator
    /// gives it a new one (`Measure.needsNewResponsible`)
    NeedsResponsible,
    /// the measure's responsible person was reactivated and carries it again
    ResponsibleReturned,
}

impl DeadlineEventKind {
    fn of(kind: EventKind) -> DeadlineEventKind {
        match kind {
            EventKind::DeadlineMoved => DeadlineEventKind::Moved,
            EventKind::DeadlineRemoved => DeadlineEventKind::Removed,
            EventKind::MeasureDone => DeadlineEventKind::Done,
            EventKind::MeasureOverdue => DeadlineEventKind::Overdue,
            EventKind::MeasureDueSoon => DeadlineEventKind::DueSoon,
            EventKind::ResponsibleDeactivated => DeadlineEventKind::NeedsResponsible,
            EventKind::ResponsibleReactivated => DeadlineEventKind::ResponsibleReturned,
            _ => DeadlineEventKind::Set,
        }
    }
}

pub struct DeadlineEvent {
    event: Arc<StoredEvent>,
    access: Arc<LogAccess>,
}

impl DeadlineEvent {
    pub fn new(event: Arc<StoredEvent>, access: Arc<LogAccess>) -> Self {
        DeadlineEvent { event, access }
    }
}

/// A change to a measure's deadline, or to whether it is met.
#[Object]
impl DeadlineEvent {
    /// Pass it as `after` to resume after this event.
    async fn cursor(&self, ctx: &Context<'_>) -> String {
        event_cursor(&rc(ctx).config.cursor_key, &self.event)
    }

    /// What happened to the deadline.
    async fn kind(&self) -> DeadlineEventKind {
        DeadlineEventKind::of(self.event.kind)
    }

    /// The log of the measure.
    async fn log_id(&self) -> ID {
        id(self.event.log_id)
    }

    /// The log of the measure, as an object (`log { child { name } }`).
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<Log> {
        Log::of(ctx, &self.access).await
    }

    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    /// The deadline after the change (null when removed).
    async fn deadline(&self) -> Option<Date> {
        self.event.payload.deadline.map(Date)
    }

    /// The deadline before a change someone made; null when there was none,
    /// and for OVERDUE and DUE_SOON.
    async fn previous_deadline(&self) -> Option<Date> {
        self.event.payload.previous_deadline.map(Date)
    }

    /// The measure as it is now; null when it is gone. Readable by:
    /// guardians, the youth, the coordinator, participants.
    async fn measure(&self, ctx: &Context<'_>) -> ApiResult<Option<Measure>> {
        measure(ctx, &self.event, &self.access).await
    }
}
