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

/// An agenda item as read through its log's access.
pub struct AgendaItem {
    pub row: meetings::AgendaItemRow,
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
        let state = write::record_minutes(self.row.minutes.is_some(), self.cancelled());
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

    /// Whether the viewer may `rescheduleMeeting` or `cancelMeeting`: the
    /// coordinator, while the meeting is neither held nor cancelled.
    async fn viewer_can_change(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let state = write::change_meeting(self.held(), self.cancelled());
        Ok(write::may(&self.access.rel, WriteAction::ChangeMeeting) && state.is_ok())
    }

    /// Whether the viewer may `addAgendaItem` to this meeting: the family,
    /// the coordinator and participants, while it is neither held nor
    /// cancelled.
    async fn viewer_can_add_agenda_item(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let state = write::add_agenda_item(self.held(), self.cancelled());
        Ok(write::may(&self.access.rel, WriteAction::AddAgendaItem) && state.is_ok())
    }

    /// SCHEDULED until minutes are recorded, then HELD; CANCELLED when the
    /// coordinator called it off.
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

    /// Who came, as recorded with the minutes; empty until then, or when
    /// attendance was not recorded.
    async fn attendees(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let ids = rc(ctx).loaders.attendees().load_one(self.row.id).await?.unwrap_or_default();
        Person::many_in_log(ctx, &self.access, &ids).await
    }

    /// The points put on the agenda with `addAgendaItem`, in the order they
    /// were added (at most 50); the `agenda` text is the coordinator's own.
    async fn agenda_items(&self, ctx: &Context<'_>) -> ApiResult<Vec<AgendaItem>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        let rows = rc(ctx).loaders.agenda().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().map(|row| AgendaItem { row: row.clone(), access: self.access.clone() }).collect())
    }

    /// How many times the meeting was rescheduled or cancelled: the
    /// iCalendar SEQUENCE, 0 as scheduled.
    async fn sequence(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.sequence)
    }

    /// When it was last rescheduled or cancelled; null when never.
    async fn changed_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.changed_at)
    }

    /// Why it was cancelled, as the coordinator told the invitees; null when
    /// not cancelled or no reason was given.
    async fn cancellation_reason(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.cancel_reason.as_deref())
    }

    /// The meeting as an iCalendar file (RFC 5545, `text/calendar`) for a
    /// work calendar, in your language (`Me.language`), also served at
    /// `GET /calendar/meetings/{id}.ics` with the bearer token. It carries the time (with a VTIMEZONE for
    /// Europe/Oslo), the SEQUENCE and, once cancelled, METHOD:CANCEL; never
    /// the title, location, agenda or any person, which stay in Stafett.
    async fn icalendar(&self, ctx: &Context<'_>) -> ApiResult<String> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(crate::calendar::meeting(&self.row, rc(ctx).language().await?))
    }
}

impl Meeting {
    fn held(&self) -> bool {
        self.row.status == MeetingStatus::Held
    }

    fn cancelled(&self) -> bool {
        self.row.status == MeetingStatus::Cancelled
    }
}

/// A point on a meeting's agenda, added before the meeting. Readable by:
/// guardians, the youth, the coordinator, participants.
#[Object]
impl AgendaItem {
    /// The item's id.
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The point, 1–500 characters.
    async fn text(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(&self.row.body)
    }

    /// Who added it; null when they have no place in the log any more.
    async fn added_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Person::in_log(ctx, &self.access, self.row.added_by).await
    }

    /// When it was added.
    async fn added_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Meetings).await?;
        Ok(self.row.added_at)
    }
}
