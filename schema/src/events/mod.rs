//! Events: what a mutation records in the outbox, and the hub that hands
//! committed events to subscriptions.
//!
//! What an outbox event carries. One payload shape for every kind (fields
//! unused by a kind are absent), written by mutations and read by the
//! subscription layer, which authorizes each event from it without another
//! query where it can.

pub mod adulthood;
pub mod deadlines;
pub mod hub;

pub use hub::{Hub, StoredEvent};

use crate::db::enums::{ConsentScope, EventKind, LogStatus, MeasureStatus};
use crate::db::events;
use crate::error::ApiError;
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventPayload {
    /// who caused it (absent for the overdue sweeper)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
    /// for messages: who wrote it. A MESSAGE_READ's actor is the reader, so
    /// its audience (the message's) needs the author apart; absent from
    /// MESSAGE_POSTED events stored before it was added, where the actor is
    /// the author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<Uuid>,
    /// the posted message itself, so a live delivery to thousands of
    /// subscribers needs no query per subscriber
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<crate::db::messages::MessageRow>,
    /// for messages: addressed to all, or to `recipients` (plus the author)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_all: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_id: Option<Uuid>,
    /// set when a measure changed hands
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_responsible_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_deadline: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_status: Option<MeasureStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_scope: Option<ConsentScope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<LogStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_id: Option<Uuid>,
    /// the text sections a TEXT_CHANGED changed (`LogTextSection` names)
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
}

/// Appends an event in the caller's transaction.
pub async fn emit(
    conn: &AsyncPgConnection,
    log_id: Uuid,
    kind: EventKind,
    payload: EventPayload,
) -> Result<(), ApiError> {
    let value = serde_json::to_value(&payload)?;
    Ok(events::append(conn, log_id, kind, value).await?)
}

impl StoredEvent {
    /// A sequenced outbox row as the hub hands it out.
    pub fn from_row(row: events::EventRow) -> Result<StoredEvent, ApiError> {
        Ok(StoredEvent {
            seq: row.seq.ok_or_else(|| crate::error::ApiError::internal("event without seq"))?,
            log_id: row.log_id,
            kind: row.kind,
            payload: serde_json::from_value(row.payload)?,
            created_at: row.created_at,
        })
    }
}

impl EventPayload {
    /// The payload of an event about a measure: enough for a deadline
    /// dashboard to decide whether it is theirs without a query.
    pub fn measure(m: &crate::db::goals::MeasureRow, previous_deadline: Option<NaiveDate>) -> EventPayload {
        EventPayload {
            goal_id: Some(m.goal_id),
            measure_id: Some(m.id),
            responsible_id: Some(m.responsible_id),
            deadline: m.deadline,
            previous_deadline,
            measure_status: Some(m.status),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::goals::MeasureRow;
    use chrono::Utc;

    fn row(seq: Option<i64>, payload: serde_json::Value) -> events::EventRow {
        events::EventRow {
            id: 7,
            seq,
            log_id: Uuid::from_u128(1),
            kind: EventKind::MessagePosted,
            payload,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_sequenced_row_becomes_the_event_it_stores() {
        let message = Uuid::from_u128(2);
        let r = row(Some(42), serde_json::json!({ "messageId": message }));
        let e = StoredEvent::from_row(r.clone()).unwrap();
        assert_eq!((e.seq, e.log_id, e.kind, e.created_at), (42, r.log_id, r.kind, r.created_at));
        assert_eq!(e.payload, EventPayload { message_id: Some(message), ..Default::default() });
    }

    #[test]
    fn a_row_not_yet_sequenced_or_with_a_foreign_payload_is_refused() {
        assert!(StoredEvent::from_row(row(None, serde_json::json!({}))).is_err(), "not sequenced yet");
        assert!(StoredEvent::from_row(row(Some(1), serde_json::json!({ "messageId": 3 }))).is_err());
    }

    #[test]
    fn a_measure_event_carries_what_a_deadline_dashboard_needs() {
        let now = Utc::now();
        let m = MeasureRow {
            id: Uuid::from_u128(1),
            log_id: Uuid::from_u128(2),
            goal_id: Uuid::from_u128(3),
            description: "Leksehjelp".into(),
            responsible_id: Uuid::from_u128(4),
            deadline: NaiveDate::from_ymd_opt(2026, 12, 24),
            status: MeasureStatus::InProgress,
            created_by: Uuid::from_u128(5),
            created_at: now,
            updated_at: now,
            overdue_emitted_for: None,
            due_soon_emitted_for: None,
            needs_responsible_since: None,
        };
        let previous = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert_eq!(
            EventPayload::measure(&m, previous),
            EventPayload {
                goal_id: Some(m.goal_id),
                measure_id: Some(m.id),
                responsible_id: Some(m.responsible_id),
                deadline: m.deadline,
                previous_deadline: previous,
                measure_status: Some(MeasureStatus::InProgress),
                ..Default::default()
            }
        );
    }
}
