//! Secure messages (DESIGN.md §2: 4–5).

use super::payload::{answer, payload};
use super::people;
use super::tx::{Lock, ScopedFutureExt, with_log};
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::types::message::{Message, MessageEdge};
use crate::context::rc;
use crate::db::enums::{AccessAction, EventKind, Language, MessageKind, ObjectType};
use crate::db::messages::{self, MessageRow};
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::i18n;
use crate::policy::WriteAction;
use crate::policy::relation::ObjectRef;
use crate::words;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// At most this many recipients on one message.
const MAX_RECIPIENTS: usize = 50;

/// A message to post.
#[derive(InputObject)]
pub struct PostMessageInput {
    /// the log
    pub log_id: ID,
    /// the text, at most 10,000 characters
    pub body: String,
    /// participants', guardians' or the child's (youth owner's) ids, at most
    /// 50, besides yourself; empty sends to everyone
    #[graphql(default)]
    pub recipient_ids: Vec<ID>,
}

payload! {
    /// The answer of `postMessage`.
    PostMessagePayload {
        /// the posted message
        message: Message,
        /// the message as an edge of `Log.messages`, to add to a list a
        /// client already shows
        message_edge: MessageEdge,
    } with log
}

payload! {
    /// The answer of `markMessageRead`.
    MarkMessageReadPayload {
        /// the message, with your read receipt
        message: Message,
    } with log
}

#[derive(Default)]
pub struct MessageMutations;

#[Object]
impl MessageMutations {
    /// Posts a message to everyone in the log or to some of them.
    async fn post_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message and who it is to.")] input: PostMessageInput,
    ) -> ApiResult<PostMessagePayload> {
        answer(&[], post_message(ctx, input)).await
    }

    /// Records that you have read a message addressed to you.
    async fn mark_message_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message.")] message_id: ID,
    ) -> ApiResult<MarkMessageReadPayload> {
        answer(&["messageId"], mark_message_read(ctx, message_id)).await
    }
}

async fn post_message(ctx: &Context<'_>, input: PostMessageInput) -> ApiResult<PostMessagePayload> {
    let rc = rc(ctx);
    let log_id = ids::parse(&input.log_id, "logId")?;
    let body = input::required(&input.body, "body", limits::BODY)?;
    if input.recipient_ids.len() > MAX_RECIPIENTS {
        return Err(ApiError::bad_field("recipientIds", words!("error-recipients-too-many", max = MAX_RECIPIENTS)));
    }
    let recipient_ids = ids::parse_all(&input.recipient_ids, "recipientIds")?;
    let row = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
        async move {
            let acting = w.authorize(WriteAction::PostMessage)?;
            let mut to = people::resolve(conn, w.log_id(), &recipient_ids, "recipientIds").await?;
            to.retain(|p| *p != w.actor);
            if !recipient_ids.is_empty() && to.is_empty() {
                return Err(ApiError::bad_field("recipientIds", words!("error-recipients-self")));
            }
            let row = MessageRow {
                id: Uuid::new_v4(),
                log_id: w.log_id(),
                author_id: w.actor,
                kind: MessageKind::Message,
                meeting_id: None,
                body,
                to_all: to.is_empty(),
                created_at: Utc::now(),
            };
            // Pipelined: three round trips' wait becomes one, on the
            // busiest write. If one fails, the transaction rolls back.
            let conn: &AsyncPgConnection = conn;
            futures_util::try_join!(
                async { messages::insert(conn, &row, &to).await.map_err(ApiError::from) },
                w.audit(conn, acting, ObjectType::Message, row.id, AccessAction::Create),
                w.emit(conn, EventKind::MessagePosted, payload(&row, &to)),
            )?;
            Ok((row, w.access()))
        }
        .scope_boxed()
    })
    .await?;
    let (row, access) = row;
    let message_edge = Message { row: row.clone(), access: access.clone() }.edge(&rc.config.cursor_key);
    Ok(PostMessagePayload {
        log_id: Some(row.log_id),
        message: Some(Message { row, access }),
        message_edge: Some(message_edge),
        ..Default::default()
    })
}

async fn mark_message_read(ctx: &Context<'_>, message_id: ID) -> ApiResult<MarkMessageReadPayload> {
    let rc = rc(ctx);
    let message_id = ids::parse(&message_id, "messageId")?;
    let log_id = locate(rc, ObjectRef::Message(message_id)).await?;
    let row = with_log(rc, log_id, Lock::Share, "Message", move |conn, w| {
        async move {
            let acting = w.authorize(WriteAction::MarkMessageRead)?;
            let row = messages::visible_by_id(conn, w.actor, message_id).await?.ok_or(ApiError::NotFound("Message"))?;
            // An author has read her own message: marking it records nothing
            // (no receipt in `readBy`, no event, no access-log entry).
            if row.author_id != w.actor && messages::mark_read(conn, message_id, w.actor).await? {
                w.audit(conn, acting, ObjectType::Message, message_id, AccessAction::Update).await?;
                // Only a first read is news: marking again changes nothing.
                let to: Vec<Uuid> =
                    messages::recipients_of(conn, &[message_id]).await?.into_iter().map(|(_, p)| p).collect();
                w.emit(conn, EventKind::MessageRead, read_payload(&row, &to)).await?;
            }
            Ok((row, w.access()))
        }
        .scope_boxed()
    })
    .await?;
    let (row, access) = row;
    Ok(MarkMessageReadPayload {
        log_id: Some(row.log_id),
        message: Some(Message { row, access }),
        ..Default::default()
    })
}

/// Posts a NOTICE from the writer to `to` in the write's transaction: the
/// service telling people of something done on their behalf (a paper
/// consent, a new coordinator, a guardian added, a withdrawal registered).
pub(super) async fn notice(
    conn: &mut AsyncPgConnection,
    w: &super::tx::Write,
    to: &[Uuid],
    body: impl Fn(Language) -> String,
) -> ApiResult<()> {
    service_text(conn, w, MessageKind::Notice, None, to, body).await
}

/// Posts a text the service writes (a notice; a meeting's invitation,
/// change or minutes) to `to`, or to everyone in the log when `to` is
/// empty, with its event. It is one message with one audience, written by
/// `body` in every language (`message_translation`), and each reader reads
/// it in her own (`Message.body`). So no reader learns who shares her
/// language, as copies per language once told (the attack on issue 19),
/// and a text to everyone is in each reader's language too. The row's own
/// body is the family's language, for snapshots and archives.
pub(super) async fn service_text(
    conn: &mut AsyncPgConnection,
    w: &super::tx::Write,
    kind: MessageKind,
    meeting_id: Option<Uuid>,
    to: &[Uuid],
    body: impl Fn(Language) -> String,
) -> ApiResult<()> {
    let family = family_language(conn, w.log_id()).await?;
    let texts: Vec<(Language, String)> =
        i18n::LANGUAGES.iter().map(|l| (*l, body(*l).chars().take(limits::BODY).collect())).collect();
    let message = MessageRow {
        id: Uuid::new_v4(),
        log_id: w.log_id(),
        author_id: w.actor,
        kind,
        meeting_id,
        body: texts.iter().find(|(l, _)| *l == family).map(|(_, b)| b.clone()).unwrap_or_default(),
        to_all: to.is_empty(),
        created_at: Utc::now(),
    };
    messages::insert(conn, &message, to).await?;
    messages::insert_translations(conn, message.id, &texts).await?;
    w.emit(conn, EventKind::MessagePosted, payload(&message, to)).await
}

/// The language of a log's shared texts (its archived body, a template's
/// empty goals): the owners' common choice, else bokmål.
pub(super) async fn family_language(conn: &mut AsyncPgConnection, log_id: Uuid) -> ApiResult<Language> {
    let owners = super::consent::owners_of(conn, log_id).await?;
    Ok(i18n::common(&crate::db::languages::of(conn, &owners).await?))
}

/// The event of a posted message, with its audience so subscriptions can
/// authorize each delivery without a query.
pub(super) fn payload(m: &MessageRow, to: &[Uuid]) -> EventPayload {
    EventPayload {
        message_id: Some(m.id),
        author_id: Some(m.author_id),
        message: Some(m.clone()),
        to_all: Some(m.to_all),
        recipients: to.to_vec(),
        meeting_id: m.meeting_id,
        ..Default::default()
    }
}

/// The event of a first read: the message's audience, without its body (the
/// subscriber's `message` is loaded as it is now, read receipts included).
fn read_payload(m: &MessageRow, to: &[Uuid]) -> EventPayload {
    EventPayload {
        message_id: Some(m.id),
        author_id: Some(m.author_id),
        to_all: Some(m.to_all),
        recipients: to.to_vec(),
        meeting_id: m.meeting_id,
        ..Default::default()
    }
}
