//! Meetings (samarbeidsmøter). Every field but the id asks
//! [`LogAccess::content`] (see `message.rs`).

use super::people::Person;
use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::MeetingStatus;
use crate::db::meetings;
use crate::error::ApiResult;
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Meeting {
    pub row: meetings::MeetingRow,
    pub access: Arc<LogAccess>,
}

impl Meeting {
    /// A meeting's place in `Log.meetings`: its start, then its id.
    pub fn cursor(key: &cursor::CursorKey, row: &meetings::MeetingRow) -> String {
        cursor::encode_time_id(key, "t", row.starts_at, row.id)
    }

    pub fn decode_cursor(key: &cursor::CursorKey, after: &str) -> ApiResult<(DateTime<Utc>, uuid::Uuid)> {
        cursor::decode_time_id(key, "t", after)
    }
}

super::connection::counted_connection!(
    /// A page of a log's meetings, earliest first.
    MeetingConnection,
    /// A meeting in a page, with its cursor.
    MeetingEdge,
    Meeting
);

/// A collaboration meeting (samarbeidsmøte) of the log. Every field but
/// `id` is content: Readable by: guardians, the youth, the coordinator,
/// participants.
#[Object]
impl Meeting {
    /// The meeting's id.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// Whether the viewer may `recordMinutes` of this meeting: not yet
    /// recorded, not cancelled.
    async fn viewer_can_record_minutes(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let state = write::record_minutes(self.row.minutes.is_some(), self.row.status == MeetingStatus::Cancelled);
        Ok(write::may(&self.access.rel, WriteAction::RecordMinutes) && state.is_ok())
    }

    /// The meeting's title, at most 200 characters.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(&self.row.title)
    }

    /// When the meeting starts.
    async fn starts_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.starts_at)
    }

    /// Where it is held, at most 200 characters; null when not given.
    async fn location(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.location.as_deref())
    }

    /// The agenda (saksliste), at most 10,000 characters; null when not given.
    async fn agenda(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.agenda.as_deref())
    }

    /// SCHEDULED until minutes are recorded, then HELD.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<MeetingStatus> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.status)
    }

    /// Referat, at most 50,000 characters; null until recorded.
    async fn minutes(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.minutes.as_deref())
    }

    /// When the minutes were recorded; null until then.
    async fn minutes_recorded_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.minutes_recorded_at)
    }

    /// Who was invited; empty when everyone in the log was.
    async fn invitees(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let ids = rc(ctx).loaders.invitees().load_one(self.row.id).await?.unwrap_or_default();
        Person::many_in_log(ctx, &self.access, &ids).await
    }
}
