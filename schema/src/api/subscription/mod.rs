//! Subscriptions (DESIGN.md §5): live messages, log activity and deadline
//! changes, each resumable from an event cursor.
//!
//! Delivery is at-least-once across reconnects: every event carries its
//! cursor; a client that resubscribes with `after: <last cursor>` gets
//! everything it missed, in order, and should drop any cursor it has seen.
//!
//! (No `diesel_async::RunQueryDsl` in this module tree: with it in scope the
//! `#[Subscription]` macro resolves `.execute` to diesel's.)

pub mod feed;
pub mod types;

use self::feed::{Feed, Scope};
use self::types::{DeadlineEvent, LogEvent, MessageEvent, MessageReadEvent};
use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids;
use crate::context::RequestContext;
use crate::db::enums::{EventKind, ObjectType};
use crate::error::{ApiError, ApiResult};
use crate::events::{Hub, StoredEvent};
use crate::policy::{ReadField, Role, read};
use crate::words;
use async_graphql::{Context, Enum, ID, InputObject, Subscription as SubscriptionMacro};
use futures_util::{Stream, StreamExt};
use std::sync::Arc;

pub struct Subscription;

/// Which deadlines a dashboard follows.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeadlineScopeKind {
    /// measures you are responsible for, in every log you may read
    Mine,
    /// every measure in the logs where you hold the baton
    Coordinated,
    /// every measure in one log (`logId`)
    Log,
}

/// Which deadlines `myDeadlines` returns and `deadlineChanges` follows.
#[derive(InputObject)]
pub struct DeadlineScope {
    /// MINE, COORDINATED or LOG
    pub kind: DeadlineScopeKind,
    /// required with kind LOG, refused (BAD_USER_INPUT) with the others
    pub log_id: Option<ID>,
}

impl DeadlineScope {
    /// The one log of kind LOG; `None` for the others. A `logId` with
    /// MINE or COORDINATED is refused rather than ignored, so a dashboard
    /// that meant one log does not silently get all of them.
    pub fn log(&self) -> ApiResult<Option<uuid::Uuid>> {
        match (self.kind, &self.log_id) {
            (DeadlineScopeKind::Log, Some(id)) => ids::parse(id, "scope.logId").map(Some),
            (DeadlineScopeKind::Log, None) => Err(ApiError::bad_input(words!("error-scope-log-required"))),
            (_, None) => Ok(None),
            (_, Some(_)) => Err(ApiError::bad_input(words!("error-scope-log-only"))),
        }
    }
}

impl DeadlineScopeKind {
    /// Whether a measure belongs to this scope: the one audience rule of
    /// `myDeadlines` and `deadlineChanges`. `responsible` are the measure's
    /// responsible people (after and, for an event, before the change), so
    /// the one who was taken off a measure hears that it left them.
    pub fn wants(self, responsible: &[Option<uuid::Uuid>], access: &crate::api::guard::LogAccess) -> bool {
        match self {
            DeadlineScopeKind::Mine => responsible.contains(&Some(access.viewer)),
            DeadlineScopeKind::Coordinated => access.roles.contains(Role::Coordinator),
            DeadlineScopeKind::Log => true,
        }
    }
}

fn context(ctx: &Context<'_>) -> ApiResult<(Arc<RequestContext>, Arc<Hub>)> {
    let rc = ctx.data_unchecked::<Arc<RequestContext>>().clone();
    let hub = ctx.data::<Arc<Hub>>().map_err(|_| ApiError::internal("subscriptions need the event hub"))?.clone();
    Ok((rc, hub))
}

fn after(rc: &RequestContext, after: Option<&str>) -> ApiResult<Option<i64>> {
    after.map(|c| cursor::decode_seq(&rc.config.cursor_key, "e", c)).transpose()
}

fn is_message(kind: EventKind) -> bool {
    kind == EventKind::MessagePosted
}

fn is_read(kind: EventKind) -> bool {
    kind == EventKind::MessageRead
}

/// Who hears of a message, posted or read: its audience, as `Log.messages` lists it.
fn message_audience(e: &StoredEvent, access: &LogAccess) -> bool {
    let p = &e.payload;
    read::addressed_to(access.viewer, p.to_all == Some(true), p.author_id.or(p.actor_id), &p.recipients)
}

/// The feed of a message subscription, posted or read: one log (`logId`)
/// or every log the subscriber may read, to the message's audience.
async fn message_feed(
    ctx: &Context<'_>,
    log_id: Option<&ID>,
    after: Option<&str>,
    kinds: fn(EventKind) -> bool,
) -> ApiResult<impl Stream<Item = ApiResult<feed::Item>> + use<>> {
    let (rc, hub) = context(ctx)?;
    let after = self::after(&rc, after)?;
    let (scope, checked) = match log_id {
        Some(id) => {
            let id = ids::parse(id, "logId")?;
            (Scope::Log(id), Some(feed::check_start(&rc, id, ReadField::Messages).await?))
        }
        None => (Scope::AllMyLogs, None),
    };
    let feed = Feed {
        scope,
        needs: ReadField::Messages,
        kinds,
        audience: Box::new(message_audience),
        object: ObjectType::Message,
        checked,
    };
    Ok(feed::start(rc, hub, feed, after))
}

fn is_activity(kind: EventKind) -> bool {
    !matches!(kind, EventKind::MessagePosted | EventKind::MessageRead)
}

pub fn is_deadline(kind: EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        DeadlineSet
            | DeadlineMoved
            | DeadlineRemoved
            | MeasureDone
            | MeasureOverdue
            | MeasureDueSoon
            | ResponsibleDeactivated
            | ResponsibleReactivated
    )
}

/// Live updates over a websocket (graphql-transport-ws). Each event carries
/// a `cursor`; resubscribe with `after` set to the last one you received to
/// get everything you missed, in order, and drop cursors you have seen.
#[SubscriptionMacro]
impl Subscription {
    /// New messages addressed to you or to all. With `logId`, one log (the
    /// subscription ends with FORBIDDEN if you lose access to it); without,
    /// every log you may read. Readable by: guardians, the youth, the
    /// coordinator, participants.
    async fn message_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One log to follow; every log you may read when omitted.")] log_id: Option<ID>,
        #[graphql(
            desc = "An event's `cursor` or `Log.eventCursor`: events after it are replayed first. Without it, only events from now on."
        )]
        after: Option<String>,
    ) -> Result<impl Stream<Item = ApiResult<MessageEvent>>, ApiError> {
        let loader_rc = ctx.data_unchecked::<Arc<RequestContext>>().clone();
        let feed = message_feed(ctx, log_id.as_ref(), after.as_deref(), is_message).await?;
        Ok(feed.filter_map(move |item| {
            let rc = loader_rc.clone();
            async move {
                let (event, access) = match item {
                    Ok(i) => i,
                    Err(e) => return Some(Err(e)),
                };
                if let Some(row) = event.payload.message.clone() {
                    return Some(Ok(MessageEvent::new(&rc.config.cursor_key, &event, row, access)));
                }
                let message_id = event.payload.message_id?;
                match rc.loaders.message().load_one(message_id).await {
                    // A message purged after it was posted is simply gone.
                    Ok(row) => row.map(|row| Ok(MessageEvent::new(&rc.config.cursor_key, &event, row, access))),
                    Err(e) => Some(Err(e)),
                }
            }
        }))
    }

    /// Read receipts: someone marked a message addressed to you (or to all,
    /// or written by you) read for the first time, so unread badges and
    /// "read by" lists update live, on every device of the reader too. With
    /// `logId`, one log (ends with FORBIDDEN if you lose access to it);
    /// without, every log you may read. Readable by: guardians, the youth,
    /// the coordinator, participants.
    async fn message_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One log to follow; every log you may read when omitted.")] log_id: Option<ID>,
        #[graphql(
            desc = "An event's `cursor` or `Log.eventCursor`: events after it are replayed first. Without it, only events from now on."
        )]
        after: Option<String>,
    ) -> Result<impl Stream<Item = ApiResult<MessageReadEvent>>, ApiError> {
        let feed = message_feed(ctx, log_id.as_ref(), after.as_deref(), is_read).await?;
        Ok(feed.map(|item| item.map(|(event, access)| MessageReadEvent::new(event, access))))
    }

    /// Everything that happens in a log except messages: goals, measures,
    /// evaluations, meetings and minutes, participants, the baton, consents
    /// and status. Ends with FORBIDDEN when you lose access to the log.
    /// Readable by: guardians, the youth, the coordinator, participants.
    async fn log_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The log to follow.")] log_id: ID,
        #[graphql(
            desc = "An event's `cursor` or `Log.eventCursor`: events after it are replayed first. Without it, only events from now on."
        )]
        after: Option<String>,
    ) -> Result<impl Stream<Item = ApiResult<LogEvent>>, ApiError> {
        let (rc, hub) = context(ctx)?;
        let after = self::after(&rc, after.as_deref())?;
        let log_id = ids::parse(&log_id, "logId")?;
        let checked = feed::check_start(&rc, log_id, ReadField::Goals).await?;
        let feed = Feed {
            scope: Scope::Log(log_id),
            needs: ReadField::Goals,
            kinds: is_activity,
            audience: Box::new(|event, access| match event.kind {
                EventKind::ConsentGiven | EventKind::ConsentWithdrawn | EventKind::UnitProposed => {
                    read::sees_consent_event(&access.roles, access.own_unit(), event.payload.unit_id)
                }
                _ => true,
            }),
            object: ObjectType::Log,
            checked: Some(checked),
        };
        Ok(feed::start(rc, hub, feed, after).map(|item| item.map(|(event, access)| LogEvent::new(event, access))))
    }

    /// Deadlines set, moved or removed, measures done, overdue or due soon,
    /// in the logs whose goals you may read. With kind LOG it ends with
    /// FORBIDDEN when you lose access to the log. Readable by: guardians, the
    /// youth, the coordinator, participants.
    async fn deadline_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which measures to follow (the scope `myDeadlines` takes).")] scope: DeadlineScope,
        #[graphql(
            desc = "An event's `cursor` or `Log.eventCursor`: events after it are replayed first. Without it, only events from now on."
        )]
        after: Option<String>,
    ) -> Result<impl Stream<Item = ApiResult<DeadlineEvent>>, ApiError> {
        let (rc, hub) = context(ctx)?;
        let after = self::after(&rc, after.as_deref())?;
        let mut checked = None;
        let (scope, audience): (Scope, feed::Audience) = match scope.log()? {
            Some(id) => {
                checked = Some(feed::check_start(&rc, id, ReadField::Goals).await?);
                (Scope::Log(id), Box::new(|_, _| true))
            }
            None => {
                let kind = scope.kind;
                (
                    Scope::AllMyLogs,
                    Box::new(move |e, access| {
                        kind.wants(&[e.payload.responsible_id, e.payload.previous_responsible_id], access)
                    }),
                )
            }
        };
        let feed =
            Feed { scope, needs: ReadField::Goals, kinds: is_deadline, audience, object: ObjectType::Measure, checked };
        Ok(feed::start(rc, hub, feed, after).map(|item| item.map(|(event, access)| DeadlineEvent::new(event, access))))
    }
}
