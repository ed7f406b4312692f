//! Meetings: invitations, changes (reschedule, cancel), agenda items and
//! minutes with attendance, and an archive snapshot after each meeting
//! (DESIGN.md §2: 5). Every change is told to the invitees by a message and
//! to `logActivity` by an event.

use super::payload::{answer, payload};
use super::people;
use super::tx::{Lock, ScopedFutureExt, Write, with_log};
use crate::api::guard::LogAccess;
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::meeting::{AgendaItem, Meeting};
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, Language, MeetingStatus, MessageKind, ObjectType, SnapshotReason};
use crate::db::meetings::{self, AgendaItemRow, MeetingRow};
use crate::db::snapshots;
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::policy::relation::ObjectRef;
use crate::policy::{WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// At most this many invitees on one meeting, and attendees recorded.
const MAX_INVITEES: usize = 50;

/// At most this many items on one meeting's agenda: a meeting of an hour or
/// two gets through a dozen, 50 bounds the work of a page that lists them.
const MAX_AGENDA_ITEMS: i64 = 50;

/// An agenda item is a point, not a document: at most 500 characters.
const AGENDA_ITEM: usize = 500;

/// A meeting to schedule.
#[derive(InputObject)]
pub struct ScheduleMeetingInput {
    /// the log
    pub log_id: ID,
    /// at most 200 characters
    pub title: String,
    /// when it starts; must be in the future and within 5 years, and not a
    /// leap second
    pub starts_at: DateTime<Utc>,
    /// where it is held, at most 200 characters
    pub location: Option<String>,
    /// the agenda (saksliste), at most 10,000 characters
    pub agenda: Option<String>,
    /// participants', guardians' or the child's (youth owner's) ids, at most
    /// 50; empty invites everyone
    #[graphql(default)]
    pub invitee_ids: Vec<ID>,
}

/// The minutes of a meeting.
#[derive(InputObject)]
pub struct RecordMinutesInput {
    /// the minutes (referat), at most 50,000 characters
    pub minutes: String,
    /// who came (participants', guardians' or the youth owner's ids), at
    /// most 50; empty when attendance is not recorded
    #[graphql(default)]
    pub attendee_ids: Vec<ID>,
}

/// A meeting's new time.
#[derive(InputObject)]
pub struct RescheduleMeetingInput {
    /// when it now starts; in the future, within 5 years, and not when it
    /// already starts
    pub starts_at: DateTime<Utc>,
    /// where it is now held, at most 200 characters; unchanged when omitted
    pub location: Option<String>,
}

/// Why a meeting is called off.
#[derive(InputObject)]
pub struct CancelMeetingInput {
    /// told to the invitees, at most 2,000 characters; optional
    pub reason: Option<String>,
}

/// A point for a meeting's agenda.
#[derive(InputObject)]
pub struct AddAgendaItemInput {
    /// the point, 1–500 characters
    pub text: String,
}

payload! {
    /// The answer of `scheduleMeeting`.
    ScheduleMeetingPayload {
        /// the scheduled meeting
        meeting: Meeting,
    } with log
}

payload! {
    /// The answer of `rescheduleMeeting`.
    RescheduleMeetingPayload {
        /// the meeting at its new time
        meeting: Meeting,
    } with log
}

payload! {
    /// The answer of `cancelMeeting`.
    CancelMeetingPayload {
        /// the meeting, now CANCELLED
        meeting: Meeting,
    } with log
}

payload! {
    /// The answer of `addAgendaItem`.
    AddAgendaItemPayload {
        /// the new item
        agenda_item: AgendaItem,
        /// the meeting with its agenda
        meeting: Meeting,
    } with log
}

payload! {
    /// The answer of `recordMinutes`.
    RecordMinutesPayload {
        /// the meeting, now HELD with its minutes
        meeting: Meeting,
    } with log
}

#[derive(Default)]
pub struct MeetingMutations;

#[Object]
impl MeetingMutations {
    /// The coordinator schedules a meeting; the invitation goes out as a message.
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] input: ScheduleMeetingInput,
    ) -> ApiResult<ScheduleMeetingPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&input.log_id, "logId")?;
            let title = input::required(&input.title, "title", limits::SHORT)?;
            // Meetings are planned weeks or months ahead: 5 years catches a mistyped year.
            let starts_at = input::future(input.starts_at, "startsAt", 5)?;
            let location = input::optional(input.location.as_deref(), "location", limits::SHORT)?;
            let agenda = input::optional(input.agenda.as_deref(), "agenda", limits::BODY)?;
            if input.invitee_ids.len() > MAX_INVITEES {
                return Err(ApiError::bad_field("inviteeIds", words!("error-invitees-too-many", max = MAX_INVITEES)));
            }
            let invitee_ids = ids::parse_all(&input.invitee_ids, "inviteeIds")?;
            let row = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ScheduleMeeting)?;
                    let invitees = people::resolve(conn, w.log_id(), &invitee_ids, "inviteeIds").await?;
                    let row = MeetingRow::scheduled(w.log_id(), title, starts_at, location, agenda, w.actor);
                    meetings::insert(conn, &row, &invitees).await?;
                    w.audit(conn, acting, ObjectType::Meeting, row.id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::MeetingScheduled,
                        EventPayload { meeting_id: Some(row.id), ..Default::default() },
                    )
                    .await?;
                    send(conn, &w, MessageKind::Invitation, row.id, |l| invitation_text(&row, l), &invitees).await?;
                    Ok(row)
                }
                .scope_boxed()
            })
            .await?;
            Ok(ScheduleMeetingPayload {
                log_id: Some(row.log_id),
                meeting: Some(Meeting { access: access(ctx, row.log_id).await?, row }),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator records the minutes (referat). The meeting is marked
    /// held, the minutes go to everyone as a message, and the log is archived
    /// as an immutable snapshot.
    async fn record_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting; its minutes must not be recorded yet.")] meeting_id: ID,
        #[graphql(desc = "The minutes.")] input: RecordMinutesInput,
    ) -> ApiResult<RecordMinutesPayload> {
        answer(&["meetingId"], async move {
            let rc = rc(ctx);
            let meeting_id = ids::parse(&meeting_id, "meetingId")?;
            let minutes = input::required(&input.minutes, "minutes", limits::MINUTES)?;
            if input.attendee_ids.len() > MAX_INVITEES {
                return Err(ApiError::bad_field("attendeeIds", words!("error-attendees-too-many", max = MAX_INVITEES)));
            }
            let attendee_ids = ids::parse_all(&input.attendee_ids, "attendeeIds")?;
            let log_id = locate(rc, ObjectRef::Meeting(meeting_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Meeting", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RecordMinutes)?;
                    let meeting =
                        meetings::by_id_for_update(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    write::record_minutes(meeting.minutes.is_some(), meeting.status == MeetingStatus::Cancelled)?;
                    let attendees = people::resolve(conn, w.log_id(), &attendee_ids, "attendeeIds").await?;
                    meetings::record_minutes(conn, meeting_id, &minutes, w.actor, &attendees).await?;
                    w.audit(conn, acting, ObjectType::Meeting, meeting_id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::MinutesRecorded,
                        EventPayload { meeting_id: Some(meeting_id), ..Default::default() },
                    )
                    .await?;
                    let header = |l| {
                        let time = i18n::time(l, meeting.starts_at);
                        i18n::text(l, "meeting-minutes", &[("title", &meeting.title), ("time", &time)])
                    };
                    send(conn, &w, MessageKind::Minutes, meeting_id, |l| format!("{}\n\n{minutes}", header(l)), &[])
                        .await?;
                    let snapshot =
                        snapshots::take(conn, w.log_id(), SnapshotReason::Meeting, Some(meeting_id), w.actor).await?;
                    w.emit(
                        conn,
                        EventKind::SnapshotTaken,
                        EventPayload { snapshot_id: Some(snapshot), ..Default::default() },
                    )
                    .await?;
                    meetings::by_id(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))
                }
                .scope_boxed()
            })
            .await?;
            Ok(RecordMinutesPayload {
                log_id: Some(row.log_id),
                meeting: Some(Meeting { access: access(ctx, row.log_id).await?, row }),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator moves a meeting that is still ahead to a new time
    /// (and place). Its invitees are told by a message, `logActivity` gets
    /// MEETING_RESCHEDULED, and its calendar file's SEQUENCE goes one up so
    /// calendar programs replace their copy.
    async fn reschedule_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting; SCHEDULED, not held or cancelled.")] meeting_id: ID,
        #[graphql(desc = "The new time.")] input: RescheduleMeetingInput,
    ) -> ApiResult<RescheduleMeetingPayload> {
        answer(&["meetingId"], async move {
            let rc = rc(ctx);
            let meeting_id = ids::parse(&meeting_id, "meetingId")?;
            let starts_at = input::future(input.starts_at, "startsAt", 5)?;
            let location = input::optional(input.location.as_deref(), "location", limits::SHORT)?;
            let log_id = locate(rc, ObjectRef::Meeting(meeting_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Meeting", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ChangeMeeting)?;
                    let before =
                        meetings::by_id_for_update(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    write::change_meeting(
                        before.status == MeetingStatus::Held,
                        before.status == MeetingStatus::Cancelled,
                    )?;
                    if before.starts_at == starts_at
                        && location.as_ref().is_none_or(|l| before.location.as_ref() == Some(l))
                    {
                        return Err(ApiError::bad_field("startsAt", words!("error-meeting-same-time")));
                    }
                    meetings::reschedule(conn, meeting_id, starts_at, location.as_deref()).await?;
                    w.audit(conn, acting, ObjectType::Meeting, meeting_id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::MeetingRescheduled,
                        EventPayload { meeting_id: Some(meeting_id), ..Default::default() },
                    )
                    .await?;
                    let after = meetings::by_id(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    if let Some(to) = invitees(conn, w.log_id(), meeting_id).await? {
                        let body = |l| rescheduled_text(&before, &after, l);
                        send(conn, &w, MessageKind::MeetingChanged, meeting_id, body, &to).await?;
                    }
                    Ok(after)
                }
                .scope_boxed()
            })
            .await?;
            Ok(RescheduleMeetingPayload {
                log_id: Some(row.log_id),
                meeting: Some(Meeting { access: access(ctx, row.log_id).await?, row }),
                ..Default::default()
            })
        })
        .await
    }

    /// The coordinator calls off a meeting that is still ahead. Its
    /// invitees are told by a message (with the reason, when given),
    /// `logActivity` gets MEETING_CANCELLED, and its calendar file becomes a
    /// cancellation (METHOD:CANCEL).
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting; SCHEDULED, not held or cancelled.")] meeting_id: ID,
        #[graphql(desc = "Why, for the invitees; may be left out.")] input: Option<CancelMeetingInput>,
    ) -> ApiResult<CancelMeetingPayload> {
        answer(&["meetingId"], async move {
            let rc = rc(ctx);
            let meeting_id = ids::parse(&meeting_id, "meetingId")?;
            let reason = input.and_then(|i| i.reason);
            let reason = input::optional(reason.as_deref(), "reason", limits::REASON)?;
            let log_id = locate(rc, ObjectRef::Meeting(meeting_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Meeting", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ChangeMeeting)?;
                    let meeting =
                        meetings::by_id_for_update(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    write::change_meeting(
                        meeting.status == MeetingStatus::Held,
                        meeting.status == MeetingStatus::Cancelled,
                    )?;
                    meetings::cancel(conn, meeting_id, reason.as_deref()).await?;
                    w.audit(conn, acting, ObjectType::Meeting, meeting_id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::MeetingCancelled,
                        EventPayload { meeting_id: Some(meeting_id), ..Default::default() },
                    )
                    .await?;
                    if let Some(to) = invitees(conn, w.log_id(), meeting_id).await? {
                        let body = |l| cancelled_text(&meeting, reason.as_deref(), l);
                        send(conn, &w, MessageKind::MeetingChanged, meeting_id, body, &to).await?;
                    }
                    meetings::by_id(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))
                }
                .scope_boxed()
            })
            .await?;
            Ok(CancelMeetingPayload {
                log_id: Some(row.log_id),
                meeting: Some(Meeting { access: access(ctx, row.log_id).await?, row }),
                ..Default::default()
            })
        })
        .await
    }

    /// Puts a point on a meeting's agenda before it is held: the family,
    /// the coordinator and the participants may, as they may write
    /// messages. `logActivity` gets AGENDA_ITEM_ADDED. At most 50 items
    /// per meeting.
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting; SCHEDULED, not held or cancelled.")] meeting_id: ID,
        #[graphql(desc = "The point.")] input: AddAgendaItemInput,
    ) -> ApiResult<AddAgendaItemPayload> {
        answer(&["meetingId"], async move {
            let rc = rc(ctx);
            let meeting_id = ids::parse(&meeting_id, "meetingId")?;
            let text = input::required(&input.text, "text", AGENDA_ITEM)?;
            let log_id = locate(rc, ObjectRef::Meeting(meeting_id)).await?;
            let (item, row) = with_log(rc, log_id, Lock::Share, "Meeting", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::AddAgendaItem)?;
                    let meeting =
                        meetings::by_id_for_update(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    write::add_agenda_item(
                        meeting.status == MeetingStatus::Held,
                        meeting.status == MeetingStatus::Cancelled,
                    )?;
                    if meetings::agenda_item_count(conn, meeting_id).await? >= MAX_AGENDA_ITEMS {
                        return Err(ApiError::conflict(words!("error-agenda-full", max = MAX_AGENDA_ITEMS)));
                    }
                    let item = AgendaItemRow {
                        id: Uuid::new_v4(),
                        meeting_id,
                        log_id: w.log_id(),
                        body: text,
                        added_by: w.actor,
                        added_at: Utc::now(),
                    };
                    meetings::add_agenda_item(conn, &item).await?;
                    w.audit(conn, acting, ObjectType::Meeting, meeting_id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::AgendaItemAdded,
                        EventPayload { meeting_id: Some(meeting_id), ..Default::default() },
                    )
                    .await?;
                    Ok((item, meeting))
                }
                .scope_boxed()
            })
            .await?;
            let access = access(ctx, row.log_id).await?;
            Ok(AddAgendaItemPayload {
                log_id: Some(row.log_id),
                agenda_item: Some(AgendaItem { row: item, access: access.clone() }),
                meeting: Some(Meeting { access, row }),
                ..Default::default()
            })
        })
        .await
    }
}

fn invitation_text(m: &MeetingRow, language: Language) -> String {
    let time = i18n::time(language, m.starts_at);
    let mut text = i18n::text(language, "meeting-invitation", &[("title", &m.title), ("time", &time)]);
    if let Some(l) = &m.location {
        text.push('\n');
        text.push_str(&i18n::text(language, "meeting-place", &[("place", l)]));
    }
    if let Some(a) = &m.agenda {
        text.push_str("\n\n");
        text.push_str(&i18n::text(language, "meeting-agenda", &[]));
        text.push('\n');
        text.push_str(a);
    }
    text
}

/// Whom a change of a meeting is told to: everyone when everyone was
/// invited (`Some(empty)`), else the invitees still in the log; `None` when
/// none of them is (a participant who left is told nothing more).
async fn invitees(conn: &mut AsyncPgConnection, log_id: Uuid, meeting_id: Uuid) -> ApiResult<Option<Vec<Uuid>>> {
    let invited: Vec<Uuid> = meetings::invitees_of(conn, &[meeting_id]).await?.into_iter().map(|(_, p)| p).collect();
    if invited.is_empty() {
        return Ok(Some(invited));
    }
    let present = people::still_in_log(conn, log_id, &invited).await?;
    Ok((!present.is_empty()).then_some(present))
}

fn rescheduled_text(before: &MeetingRow, after: &MeetingRow, language: Language) -> String {
    let (time, earlier) = (i18n::time(language, after.starts_at), i18n::time(language, before.starts_at));
    let args = [("title", after.title.as_str()), ("time", &time), ("before", &earlier)];
    let mut text = i18n::text(language, "meeting-moved", &args);
    if let Some(l) = &after.location {
        text.push('\n');
        text.push_str(&i18n::text(language, "meeting-place", &[("place", l)]));
    }
    text
}

fn cancelled_text(m: &MeetingRow, reason: Option<&str>, language: Language) -> String {
    let time = i18n::time(language, m.starts_at);
    let mut text = i18n::text(language, "meeting-cancelled", &[("title", &m.title), ("time", &time)]);
    if let Some(r) = reason {
        text.push('\n');
        text.push_str(&i18n::text(language, "meeting-cancel-reason", &[("reason", r)]));
    }
    text
}

/// Sends a meeting's message and its event: to `to`, or to everyone in
/// the log when `to` is empty, in each reader's language
/// ([`service_text`](super::message::service_text)).
async fn send(
    conn: &mut AsyncPgConnection,
    w: &Write,
    kind: MessageKind,
    meeting_id: Uuid,
    body: impl Fn(Language) -> String,
    to: &[Uuid],
) -> ApiResult<()> {
    super::message::service_text(conn, w, kind, Some(meeting_id), to, body).await
}

async fn access(ctx: &Context<'_>, log_id: Uuid) -> ApiResult<std::sync::Arc<LogAccess>> {
    LogAccess::load(ctx, log_id).await?.ok_or(ApiError::NotFound("Log"))
}

#[cfg(test)]
mod tests {
    use crate::db::enums::Language;
    use crate::i18n;
    use chrono::{TimeZone, Utc};

    fn oslo_time(at: chrono::DateTime<Utc>) -> String {
        i18n::time(Language::Nb, at)
    }

    #[test]
    fn times_are_norwegian_local_time_across_both_dst_changes() {
        let utc = |y, mo, d, h, mi| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
        // Winter: UTC+1.
        assert_eq!(oslo_time(utc(2026, 1, 15, 9, 30)), "15.01.2026 kl. 10:30");
        // The last Sunday of March 2026: 01:00 UTC is 02:00 CET becoming 03:00 CEST.
        assert_eq!(oslo_time(utc(2026, 3, 29, 0, 59)), "29.03.2026 kl. 01:59");
        assert_eq!(oslo_time(utc(2026, 3, 29, 1, 0)), "29.03.2026 kl. 03:00");
        // Summer: UTC+2.
        assert_eq!(oslo_time(utc(2026, 6, 1, 8, 0)), "01.06.2026 kl. 10:00");
        // The last Sunday of October 2026: 01:00 UTC is 03:00 CEST becoming 02:00 CET,
        // so 02:30 local happens twice, an hour apart.
        assert_eq!(oslo_time(utc(2026, 10, 25, 0, 30)), "25.10.2026 kl. 02:30");
        assert_eq!(oslo_time(utc(2026, 10, 25, 1, 30)), "25.10.2026 kl. 02:30");
        assert_eq!(oslo_time(utc(2026, 10, 25, 2, 0)), "25.10.2026 kl. 03:00");
    }
}
