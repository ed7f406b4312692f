//! Each person's choices of how to be told of things outside the app
//! (`notification_setting`, issue 20); a kind with no row has the default.

use super::enums::{NotificationChannel, NotificationKind, NotificationTiming};
use super::schema::notification_setting;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// One chosen setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct Chosen {
    pub kind: NotificationKind,
    pub channel: NotificationChannel,
    pub timing: NotificationTiming,
}

/// What the person chose, by kind (kinds not chosen are absent).
pub async fn chosen(conn: &mut AsyncPgConnection, person_id: Uuid) -> QueryResult<Vec<Chosen>> {
    notification_setting::table
        .filter(notification_setting::person_id.eq(person_id))
        .select((notification_setting::kind, notification_setting::channel, notification_setting::timing))
        .load(conn)
        .await
}

/// Stores the person's choices for these kinds (others stay as they were).
pub async fn choose(conn: &mut AsyncPgConnection, person_id: Uuid, settings: &[Chosen]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    let rows: Vec<_> = settings
        .iter()
        .map(|s| {
            (
                notification_setting::person_id.eq(person_id),
                notification_setting::kind.eq(s.kind),
                notification_setting::channel.eq(s.channel),
                notification_setting::timing.eq(s.timing),
            )
        })
        .collect();
    diesel::insert_into(notification_setting::table)
        .values(rows)
        .on_conflict((notification_setting::person_id, notification_setting::kind))
        .do_update()
        .set((
            notification_setting::channel.eq(excluded(notification_setting::channel)),
            notification_setting::timing.eq(excluded(notification_setting::timing)),
            notification_setting::chosen_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(drop)
}
