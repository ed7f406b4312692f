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
use crate::error::ApiResult;
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Message {
    pub row: messages::MessageRow,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Message {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn log_id(&self, ctx: &Context<'_>) -> ApiResult<ID> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(id(self.row.log_id))
    }

    /// Whether the viewer wrote this message ("is this mine?" without
    /// comparing ids of different kinds).
    async fn viewer_did_author(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.author_id == self.access.viewer)
    }

    /// Whether the viewer may `markMessageRead` this message.
    async fn viewer_can_mark_read(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(write::may(&self.access.rel, WriteAction::MarkMessageRead))
    }

    async fn kind(&self, ctx: &Context<'_>) -> ApiResult<MessageKind> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.kind)
    }

    async fn body(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(&self.row.body)
    }

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

    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Messages).await?;
        Ok(self.row.created_at)
    }

    /// The meeting an invitation or minutes message is about.
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

    async fn read_by_me(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Messages).await?;
        let reads = rc(ctx).loaders.reads().load_one(self.row.id).await?.unwrap_or_default();
        Ok(reads.iter().any(|(p, _)| *p == self.access.viewer))
    }

    /// Who has read the message, and when.
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

#[derive(async_graphql::SimpleObject)]
pub struct ReadReceipt {
    pub reader: Person,
    pub read_at: DateTime<Utc>,
}

super::connection::connection!(MessageConnection, MessageEdge, Message);
