//! Loaders for pages of messages and of the access log, and for what hangs
//! off a message. Pages are keyed by (log, position, size); keys that share a
//! position and size are fetched in one statement.

use crate::db::Pool;
use crate::db::access_log::{self, AccessLogEntryRow};
use crate::db::messages::{self, MessageCounts, MessageKey, MessageRow};
use crate::error::ApiError;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessagePageKey {
    pub log_id: Uuid,
    pub before: Option<MessageKey>,
    /// rows to fetch: the page size plus one, to know whether there is a next page
    pub limit: i64,
}

/// Messages addressed to the viewer (or to all, or theirs), newest first.
pub struct MessagePages {
    pub pool: Pool,
    pub viewer: Uuid,
}

impl Loader<MessagePageKey> for MessagePages {
    type Value = Vec<MessageRow>;
    type Error = ApiError;

    async fn load(&self, keys: &[MessagePageKey]) -> Result<HashMap<MessagePageKey, Vec<MessageRow>>, ApiError> {
        let mut conn = self.pool.get().await?;
        let mut out = HashMap::new();
        for ((before, limit), logs) in group_keys(keys, |k| ((k.before, k.limit), k.log_id)) {
            let rows = messages::pages(&mut conn, self.viewer, &logs, before, limit).await?;
            let mut by_log = crate::db::group_by(rows, |m| m.log_id);
            for log_id in logs {
                let page = by_log.remove(&log_id).unwrap_or_default();
                out.insert(MessagePageKey { log_id, before, limit }, page);
            }
        }
        Ok(out)
    }
}

/// The viewer's message counts per log (total and unread), for badges on a
/// list of logs in one statement.
pub struct MessageCountsByLog {
    pub pool: Pool,
    pub viewer: Uuid,
}

impl Loader<Uuid> for MessageCountsByLog {
    type Value = MessageCounts;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, MessageCounts>, ApiError> {
        let mut conn = self.pool.get().await?;
        let rows = messages::counts(&mut conn, self.viewer, keys).await?;
        Ok(rows.into_iter().map(|c| (c.log_id, c)).collect())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccessLogPageKey {
    pub log_id: Uuid,
    pub before: Option<i64>,
    pub limit: i64,
}

pub struct AccessLogPages(pub Pool);

impl Loader<AccessLogPageKey> for AccessLogPages {
    type Value = Vec<AccessLogEntryRow>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AccessLogPageKey],
    ) -> Result<HashMap<AccessLogPageKey, Vec<AccessLogEntryRow>>, ApiError> {
        let mut conn = self.0.get().await?;
        let mut out = HashMap::new();
        for ((before, limit), logs) in group_keys(keys, |k| ((k.before, k.limit), k.log_id)) {
            let rows = access_log::pages(&mut conn, &logs, before, limit).await?;
            let mut by_log = crate::db::group_by(rows, |e| e.log_id);
            for log_id in logs {
                let page = by_log.remove(&log_id).unwrap_or_default();
                out.insert(AccessLogPageKey { log_id, before, limit }, page);
            }
        }
        Ok(out)
    }
}

fn group_keys<K, G: std::hash::Hash + Eq>(keys: &[K], split: impl Fn(&K) -> (G, Uuid)) -> HashMap<G, Vec<Uuid>> {
    let mut groups: HashMap<G, Vec<Uuid>> = HashMap::new();
    for k in keys {
        let (g, id) = split(k);
        groups.entry(g).or_default().push(id);
    }
    groups
}

super::row_loader!(MessageLoader, MessageRow, messages::by_ids, |r| r.id);

/// The persons each message is addressed to (empty for messages to all).
pub struct RecipientsByMessage(pub Pool);

impl Loader<Uuid> for RecipientsByMessage {
    type Value = Vec<Uuid>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
        let mut conn = self.0.get().await?;
        let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (message, person) in messages::recipients_of(&mut conn, keys).await? {
            map.entry(message).or_default().push(person);
        }
        Ok(map)
    }
}

/// Read receipts: (reader, when) per message.
pub struct ReadsByMessage(pub Pool);

impl Loader<Uuid> for ReadsByMessage {
    type Value = Vec<(Uuid, chrono::DateTime<chrono::Utc>)>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, ApiError> {
        let mut conn = self.0.get().await?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for (message, person, at) in messages::reads_of(&mut conn, keys).await? {
            map.entry(message).or_default().push((person, at));
        }
        Ok(map)
    }
}

/// A service text in one language: (message, language).
pub type TranslationKey = (Uuid, crate::db::enums::Language);

/// The rendering of a service text (an invitation, a notice, minutes) in
/// the reader's language; absent for messages people wrote, which are read
/// as written.
pub struct TranslationByMessage(pub Pool);

impl Loader<TranslationKey> for TranslationByMessage {
    type Value = String;
    type Error = ApiError;

    async fn load(&self, keys: &[TranslationKey]) -> Result<HashMap<TranslationKey, String>, ApiError> {
        let mut conn = self.0.get().await?;
        let mut map = HashMap::new();
        // A request has one reader, so one language: one statement.
        let mut languages: Vec<_> = keys.iter().map(|(_, l)| *l).collect();
        languages.dedup();
        for language in languages {
            let ids: Vec<Uuid> = keys.iter().filter(|(_, l)| *l == language).map(|(m, _)| *m).collect();
            for (message, body) in messages::translations_of(&mut conn, &ids, language).await? {
                map.insert((message, language), body);
            }
        }
        Ok(map)
    }
}
