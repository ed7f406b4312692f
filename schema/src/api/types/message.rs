//! Secure messages. Only messages addressed to the reader (or to all) are
//! ever loaded; every field but the id asks [`LogAccess::content`], so a
//! message a mutation answers with is read under the same policy and access
//! log as one read through the log's `Messages` guard.

use super::meeting::Meeting;
use super::people::Person;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::MessageKind;
use crate::db::messages;
use crate::error::{ApiError, ApiResult};
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Message {
    pub row: messages::MessageRow,
    pub access: Arc<LogAccess>,
}

impl Message {
    /// The message's cursor in `Log.messages` (newest first).
    pub fn cursor(key: &crate::api::cursor::CursorKey, row: &messages::MessageRow) -> String {
        crate::api::cursor::encode_time_id(key, "m", row.created_at, row.id)
    }

    /// The message as an edge of `Log.messages`.
    pub fn edge(self, key: &crate::api::cursor::CursorKey) -> MessageEdge {
        MessageEdge { cursor: Self::cursor(key, &self.row), node: self }
    }
}

/// A secure message in a log, addressed to everyone or to some. You only
/// ever get messages addressed to you or to all. Every field but `id` is
/// content: Readable by: guardians, the youth, the coordinator, participants.
#[Object]
impl Message {
    /// The message's id.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The log the message is in.
    async fn log_id(&self, ctx: &Context<'_>) -> ApiResult<ID> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(id(self.row.log_id))
    }

    /// The log the message is in, as an object (for a notification list
    /// across logs: `log { child { name } }`). Its fields are guarded as on
    /// `Query.log`.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<super::log::Log> {
        self.access.content(ctx, ReadField::Messages).await?;
        super::log::Log::of(ctx, &self.access).await
    }

    /// Whether the viewer wrote this message ("is this mine?" without
    /// comparing ids of different kinds).
    async fn viewer_did_author(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.author_id == self.access.viewer)
    }

    /// Whether the viewer may `markMessageRead` this message (for your own
    /// message it records nothing: you have read it).
    async fn viewer_can_mark_read(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(write::may(&self.access.rel, WriteAction::MarkMessageRead))
    }

    /// MESSAGE when posted with `postMessage`; INVITATION, MINUTES and NOTICE
    /// are sent by the server when a meeting is scheduled, minutes are
    /// recorded or a paper consent is registered.
    async fn kind(&self, ctx: &Context<'_>) -> ApiResult<MessageKind> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.kind)
    }

    /// The text, at most 10,000 characters. A text the service wrote
    /// (INVITATION, MINUTES, NOTICE, MEETING_CHANGED) is in your language
    /// (`Me.language`); a MESSAGE is as its author wrote it.
    async fn body(&self, ctx: &Context<'_>) -> ApiResult<String> {
        self.access.content(ctx, ReadField::Messages).await?;
        if self.row.kind == MessageKind::Message {
            return Ok(self.row.body.clone());
        }
        let rc = rc(ctx);
        let translated = rc.loaders.translations().load_one((self.row.id, rc.language().await?)).await?;
        Ok(translated.unwrap_or_else(|| self.row.body.clone()))
    }

    /// Who wrote it (for INVITATION, MINUTES and NOTICE, the coordinator
    /// whose action sent it); null if their person record cannot be found.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Messages).await?;
        Person::in_log(ctx, &self.access, self.row.author_id).await
    }

    /// True when addressed to everyone in the log.
    async fn to_all(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.to_all)
    }

    /// The addressees; empty when the message is to all.
    async fn recipients(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        self.access.content(ctx, ReadField::Messages).await?;
        let ids = rc(ctx).loaders.recipients().load_one(self.row.id).await?.unwrap_or_default();
        Person::many_in_log(ctx, &self.access, &ids).await
    }

    /// When it was posted.
    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.created_at)
    }

    /// The meeting an invitation or minutes message is about; null for other kinds.
    async fn meeting(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
        self.access.content(ctx, ReadField::Messages).await?;
        let Some(meeting_id) = self.row.meeting_id else {
            return Ok(None);
        };
        let meetings = rc(ctx).loaders.meetings().load_one(self.row.log_id).await?.unwrap_or_default();
        Ok(meetings
            .iter()
            .find(|m| m.id == meeting_id)
            .cloned()
            .map(|row| Meeting { row, access: self.access.clone() }))
    }

    /// Whether you have marked it read (`markMessageRead`); true for your
    /// own messages, as `unreadCount` does not count them.
    async fn read_by_me(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        if self.row.author_id == self.access.viewer {
            return Ok(true);
        }
        let reads = rc(ctx).loaders.reads().load_one(self.row.id).await?.unwrap_or_default();
        Ok(reads.iter().any(|(p, _)| *p == self.access.viewer))
    }

    /// Who has marked the message read, and when, in that order.
    async fn read_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<ReadReceipt>> {
        self.access.content(ctx, ReadField::Messages).await?;
        let reads = rc(ctx).loaders.reads().load_one(self.row.id).await?.unwrap_or_default();
        let ids: Vec<_> = reads.iter().map(|(p, _)| *p).collect();
        let people = Person::aligned_in_log(ctx, &self.access, &ids).await?;
        Ok(people
            .into_iter()
            .zip(reads)
            .filter_map(|(reader, (_, read_at))| Some(ReadReceipt { reader: reader?, read_at }))
            .collect())
    }
}

/// That someone has read a message.
#[derive(async_graphql::SimpleObject)]
pub struct ReadReceipt {
    /// who read it
    pub reader: Person,
    /// when they marked it read
    pub read_at: DateTime<Utc>,
}

super::connection::connection!(
    /// A page of a log's messages to you or to all, newest first, with the
    /// counts a badge needs.
    #[graphql(complex)]
    MessageConnection,
    /// A message in a page, with its cursor.
    MessageEdge,
    Message,
    scope: Arc<LogAccess>
);

/// The counts are of the whole list, not of the page, and are read in one
/// statement for every log of a request (`logs { messages { unreadCount } }`).
#[async_graphql::ComplexObject]
impl MessageConnection {
    /// How many messages to you or to all (or yours) the log has, on every page.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        Ok(self.counts(ctx).await?.total as i32)
    }

    /// How many of them, written by someone else, you have not marked read
    /// (`markMessageRead`); `messageRead` tells when it changes.
    async fn unread_count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        Ok(self.counts(ctx).await?.unread as i32)
    }
}

impl MessageConnection {
    async fn counts(&self, ctx: &Context<'_>) -> ApiResult<messages::MessageCounts> {
        let access = self.scope.as_ref().ok_or_else(|| ApiError::internal("message counts without their log"))?;
        access.content(ctx, ReadField::Messages).await?;
        Ok(rc(ctx).loaders.message_counts().load_one(access.log_id()).await?.unwrap_or_default())
    }
}
