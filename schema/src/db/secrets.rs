//! Secrets every instance shares, made by a migration.

use super::schema::server_secret;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The key of the opaque sequence cursors (`api::cursor`).
pub async fn cursor_key(conn: &mut AsyncPgConnection) -> QueryResult<Vec<u8>> {
    server_secret::table.find("cursor_key").select(server_secret::value).first(conn).await
}
