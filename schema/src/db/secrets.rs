//! Secrets every instance shares, made by a migration.

use super::schema::{legacy_cursor, server_secret};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The key of the opaque sequence cursors (`api::cursor`).
pub async fn cursor_key(conn: &mut AsyncPgConnection) -> QueryResult<Vec<u8>> {
    server_secret::table.find("cursor_key").select(server_secret::value).first(conn).await
}

/// The last position of each kind that a readable (first-version) cursor may name.
pub async fn legacy_cursor_limits(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(String, i64)>> {
    legacy_cursor::table.select((legacy_cursor::kind, legacy_cursor::max_seq)).load(conn).await
}
