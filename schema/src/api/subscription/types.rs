//! What subscriptions deliver. Every event carries its `cursor`.

use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::api::scalars::Date;
use crate::api::types::goal::{Goal, Measure};
use crate::api::types::log::Log;
use crate::api::types::meeting::Meeting;
use crate::api::types::message::Message;
use crate::api::types::people::{Participant, Person};
use crate::context::rc;
use crate::db::enums::{EventKind, LogStatus};
use crate::db::messages;
use crate::error::ApiResult;
use crate::events::StoredEvent;
use crate::policy::ReadField;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
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

/// Something that happened in a log. Which of `goal`, `measure`, `meeting`,
/// `participant` and `status` are set depends on `kind`.
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
        let Some(goal_id) = self.event.payload.goal_id else { return Ok(None) };
        if !self.access.allows(ctx, ReadField::Goals).await? {
            return Ok(None);
        }
        let goals = rc(ctx).loaders.goals().load_one(self.event.log_id).await?.unwrap_or_default();
        Ok(goals.iter().find(|g| g.id == goal_id).cloned().map(|row| Goal { row, access: self.access.clone() }))
    }

    /// The measure the event is about, as it is now; null when it is about
    /// none. Readable by: guardians, the youth, the coordinator, participants.
    async fn measure(&self, ctx: &Context<'_>) -> ApiResult<Option<Measure>> {
        measure(ctx, &self.event, &self.access).await
    }

    /// The meeting the event is about, as it is now; null when it is about
    /// none. Readable by: guardians, the youth, the coordinator, participants.
    async fn meeting(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
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

    /// The participant who joined, left, or took over the baton.
    async fn participant(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let Some(participant_id) = self.event.payload.participant_id else { return Ok(None) };
        let p = rc(ctx).loaders.participant().load_one(participant_id).await?;
        Ok(p.map(|p| Participant::new(p, self.access.clone())))
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
}

impl DeadlineEventKind {
    fn of(kind: EventKind) -> DeadlineEventKind {
        match kind {
            EventKind::DeadlineMoved => DeadlineEventKind::Moved,
            EventKind::DeadlineRemoved => DeadlineEventKind::Removed,
            EventKind::MeasureDone => DeadlineEventKind::Done,
            EventKind::MeasureOverdue => DeadlineEventKind::Overdue,
            EventKind::MeasureDueSoon => DeadlineEventKind::DueSoon,
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
