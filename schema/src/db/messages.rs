//! Messages, their recipients and read receipts.

use super::enums::{Language, MessageKind};
use super::prepared::prepared;
use super::schema::{message, message_read, message_recipient, message_translation};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(
    Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = message, check_for_backend(diesel::pg::Pg))]
pub struct MessageRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub author_id: Uuid,
    pub kind: MessageKind,
    pub meeting_id: Option<Uuid>,
    pub body: String,
    pub to_all: bool,
    pub created_at: DateTime<Utc>,
}

/// The position of a message in a log's history, newest first.
pub type MessageKey = (DateTime<Utc>, Uuid);

/// One page of messages, newest first, for each log in `log_ids`, counting
/// only messages addressed to `viewer` (or to all, or written by them).
/// One statement for any number of logs.
pub async fn pages(
    conn: &mut AsyncPgConnection,
    viewer: Uuid,
    log_ids: &[Uuid],
    before: Option<MessageKey>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    prepared(
        "SELECT m.* FROM unnest($1::uuid[]) AS k(log_id)
         CROSS JOIN LATERAL (
             SELECT * FROM message m
              WHERE m.log_id = k.log_id
                AND (m.to_all OR m.author_id = $2
                     OR EXISTS (SELECT 1 FROM message_recipient r WHERE r.message_id = m.id AND r.person_id = $2))
                AND ($3::timestamptz IS NULL OR (m.created_at, m.id) < ($3, $4))
              ORDER BY m.created_at DESC, m.id DESC
              LIMIT $5) m",
    )
    .bind::<Array<SqlUuid>, _>(log_ids)
    .bind::<SqlUuid, _>(viewer)
    .bind::<Nullable<Timestamptz>, _>(before.map(|b| b.0))
    .bind::<SqlUuid, _>(before.map(|b| b.1).unwrap_or_default())
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// How many messages of a log `viewer` may read, and how many of those,
/// written by someone else, they have not marked read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct MessageCounts {
    #[diesel(sql_type = SqlUuid)]
    pub log_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(sql_type = BigInt)]
    pub unread: i64,
}

/// [`MessageCounts`] for each of `log_ids` that has messages for `viewer`,
/// in one statement (the same audience as [`pages`]).
pub async fn counts(conn: &mut AsyncPgConnection, viewer: Uuid, log_ids: &[Uuid]) -> QueryResult<Vec<MessageCounts>> {
    prepared(
        "SELECT m.log_id, count(*) AS total,
                count(*) FILTER (WHERE m.author_id <> $2 AND NOT EXISTS
                    (SELECT 1 FROM message_read r WHERE r.message_id = m.id AND r.person_id = $2)) AS unread
           FROM message m
          WHERE m.log_id = ANY($1)
            AND (m.to_all OR m.author_id = $2
                 OR EXISTS (SELECT 1 FROM message_recipient r WHERE r.message_id = m.id AND r.person_id = $2))
          GROUP BY m.log_id",
    )
    .bind::<Array<SqlUuid>, _>(log_ids)
    .bind::<SqlUuid, _>(viewer)
    .load(conn)
    .await
}

/// A message if `viewer` may read it (addressed to them or to all, or theirs).
pub async fn visible_by_id(conn: &mut AsyncPgConnection, viewer: Uuid, id: Uuid) -> QueryResult<Option<MessageRow>> {
    let addressed = message_recipient::table
        .filter(message_recipient::message_id.eq(message::id))
        .filter(message_recipient::person_id.eq(viewer));
    message::table
        .filter(message::id.eq(id))
        .filter(message::to_all.or(message::author_id.eq(viewer)).or(diesel::dsl::exists(addressed)))
        .select(MessageRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<MessageRow>> {
    message::table.filter(message::id.eq_any(ids)).select(MessageRow::as_select()).load(conn).await
}

pub async fn recipients_of(conn: &mut AsyncPgConnection, message_ids: &[Uuid]) -> QueryResult<Vec<(Uuid, Uuid)>> {
    message_recipient::table
        .filter(message_recipient::message_id.eq_any(message_ids))
        .select((message_recipient::message_id, message_recipient::person_id))
        .load(conn)
        .await
}

pub async fn reads_of(
    conn: &mut AsyncPgConnection,
    message_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, Uuid, DateTime<Utc>)>> {
    message_read::table
        .filter(message_read::message_id.eq_any(message_ids))
        .order(message_read::read_at)
        .select((message_read::message_id, message_read::person_id, message_read::read_at))
        .load(conn)
        .await
}

/// Takes a shared connection so a write can pipeline it with its other
/// statements; the recipients follow the message they refer to.
pub async fn insert(mut conn: &AsyncPgConnection, m: &MessageRow, recipients: &[Uuid]) -> QueryResult<()> {
    diesel::insert_into(message::table).values(m).execute(&mut conn).await?;
    if !recipients.is_empty() {
        let rows: Vec<_> = recipients
            .iter()
            .map(|p| (message_recipient::message_id.eq(m.id), message_recipient::person_id.eq(*p)))
            .collect();
        diesel::insert_into(message_recipient::table).values(rows).on_conflict_do_nothing().execute(&mut conn).await?;
    }
    Ok(())
}

/// Stores a service text's rendering in each language, so each reader
/// reads the one message in her own (`i18n`).
pub async fn insert_translations(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
    texts: &[(Language, String)],
) -> QueryResult<()> {
    let rows: Vec<_> = texts
        .iter()
        .map(|(language, body)| {
            (
                message_translation::message_id.eq(message_id),
                message_translation::language.eq(*language),
                message_translation::body.eq(body),
            )
        })
        .collect();
    diesel::insert_into(message_translation::table).values(rows).execute(conn).await.map(drop)
}

/// The renderings of `message_ids` in `language`: (message id, body).
pub async fn translations_of(
    conn: &mut AsyncPgConnection,
    message_ids: &[Uuid],
    language: Language,
) -> QueryResult<Vec<(Uuid, String)>> {
    message_translation::table
        .filter(message_translation::message_id.eq_any(message_ids))
        .filter(message_translation::language.eq(language))
        .select((message_translation::message_id, message_translation::body))
        .load(conn)
        .await
}

/// Records a read receipt; reading twice keeps the first time. Returns whether it was new.
pub async fn mark_read(conn: &mut AsyncPgConnection, message_id: Uuid, person_id: Uuid) -> QueryResult<bool> {
    diesel::insert_into(message_read::table)
        .values((message_read::message_id.eq(message_id), message_read::person_id.eq(person_id)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}
