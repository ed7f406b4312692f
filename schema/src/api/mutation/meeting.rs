//! Meetings: invitations and minutes, with an archive snapshot after each
//! meeting (DESIGN.md §2: 5).

use super::payload::{answer, payload};
use super::people;
use super::tx::{Lock, ScopedFutureExt, Write, with_log};
use crate::api::guard::LogAccess;
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::meeting::Meeting;
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, MeetingStatus, MessageKind, ObjectType, SnapshotReason};
use crate::db::meetings::{self, MeetingRow};
use crate::db::messages::{self, MessageRow};
use crate::db::snapshots;
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::policy::relation::ObjectRef;
use crate::policy::{WriteAction, write};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// At most this many invitees on one meeting.
const MAX_INVITEES: usize = 50;

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
}

payload! {
    /// The answer of `scheduleMeeting`.
    ScheduleMeetingPayload {
        /// the scheduled meeting
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
                return Err(ApiError::bad_field("inviteeIds", format!("at most {MAX_INVITEES} invitees")));
            }
            let invitee_ids = ids::parse_all(&input.invitee_ids, "inviteeIds")?;
            let row = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::ScheduleMeeting)?;
                    let invitees = people::resolve(conn, w.log_id(), &invitee_ids, "inviteeIds").await?;
                    let row = MeetingRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        title,
                        starts_at,
                        location,
                        agenda,
                        status: MeetingStatus::Scheduled,
                        minutes: None,
                        minutes_recorded_at: None,
                        minutes_recorded_by: None,
                        created_by: w.actor,
                        created_at: Utc::now(),
                    };
                    meetings::insert(conn, &row, &invitees).await?;
                    w.audit(conn, acting, ObjectType::Meeting, row.id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::MeetingScheduled,
                        EventPayload { meeting_id: Some(row.id), ..Default::default() },
                    )
                    .await?;
                    let body = invitation_text(&row);
                    send(conn, &w, MessageKind::Invitation, row.id, body, &invitees).await?;
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
            let log_id = locate(rc, ObjectRef::Meeting(meeting_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Meeting", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::RecordMinutes)?;
                    let meeting = meetings::by_id(conn, meeting_id).await?.ok_or(ApiError::NotFound("Meeting"))?;
                    write::record_minutes(meeting.minutes.is_some(), meeting.status == MeetingStatus::Cancelled)?;
                    meetings::record_minutes(conn, meeting_id, &minutes, w.actor).await?;
                    w.audit(conn, acting, ObjectType::Meeting, meeting_id, AccessAction::Update).await?;
                    w.emit(
                        conn,
                        EventKind::MinutesRecorded,
                        EventPayload { meeting_id: Some(meeting_id), ..Default::default() },
                    )
                    .await?;
                    let body = format!("Referat fra «{}»:\n\n{}", meeting.title, minutes);
                    let body: String = body.chars().take(limits::BODY).collect();
                    send(conn, &w, MessageKind::Minutes, meeting_id, body, &[]).await?;
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
}

fn invitation_text(m: &MeetingRow) -> String {
    let mut text = format!("Invitasjon til samarbeidsmøte: {}\nTid: {}", m.title, oslo_time(m.starts_at));
    if let Some(l) = &m.location {
        text.push_str(&format!("\nSted: {l}"));
    }
    if let Some(a) = &m.agenda {
        text.push_str(&format!("\n\nSaksliste:\n{a}"));
    }
    text.chars().take(limits::BODY).collect()
}

/// A time as people in Norway read it: Europe/Oslo local time (CET in
/// winter, CEST in summer), as "29.03.2026 kl. 03:00".
fn oslo_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Oslo).format("%d.%m.%Y kl. %H:%M").to_string()
}

/// Sends a meeting message (to `to`, or to all when empty) and its event.
async fn send(
    conn: &mut AsyncPgConnection,
    w: &Write,
    kind: MessageKind,
    meeting_id: Uuid,
    body: String,
    to: &[Uuid],
) -> ApiResult<()> {
    let m = MessageRow {
        id: Uuid::new_v4(),
        log_id: w.log_id(),
        author_id: w.actor,
        kind,
        meeting_id: Some(meeting_id),
        body,
        to_all: to.is_empty(),
        created_at: Utc::now(),
    };
    messages::insert(conn, &m, to).await?;
    w.emit(conn, EventKind::MessagePosted, super::message::payload(&m, to)).await
}

async fn access(ctx: &Context<'_>, log_id: Uuid) -> ApiResult<std::sync::Arc<LogAccess>> {
    LogAccess::load(ctx, log_id).await?.ok_or(ApiError::NotFound("Log"))
}

#[cfg(test)]
mod tests {
    use super::oslo_time;
    use chrono::{TimeZone, Utc};

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
