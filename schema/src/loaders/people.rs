//! Loaders for persons, units and participants.

use super::{list_loader, row_loader};
use crate::db::org::{PersonRow, UnitRow};
use crate::db::participants::{self, ParticipantView};
use crate::db::schema::{person, unit};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

async fn persons(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<PersonRow>> {
    person::table.filter(person::id.eq_any(ids)).select(PersonRow::as_select()).load(conn).await
}

async fn units(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<UnitRow>> {
    unit::table.filter(unit::id.eq_any(ids)).select(UnitRow::as_select()).load(conn).await
}

row_loader!(PersonLoader, PersonRow, persons, |r| r.id);
row_loader!(UnitLoader, UnitRow, units, |r| r.id);
list_loader!(
    /// The roles held in each unit, by name.
    StaffByUnit,
    crate::db::org::UnitStaff,
    crate::db::org::staff_of_units,
    |r| r.unit_id
);
row_loader!(
    /// How many logs each unit created (a unit with none is absent).
    UnitLogCounts,
    (Uuid, i64),
    crate::db::organization::log_counts,
    |r| r.0
);
list_loader!(ParticipantsByLog, ParticipantView, participants::active_of, |r| r.participant.log_id);
row_loader!(ParticipantLoader, ParticipantView, participants::by_ids, |r| r.participant.id);

/// Each person's language (`person_language`; bokmål when none is chosen):
/// a page of meetings asks it for every calendar file, in one statement.
pub struct LanguageLoader(pub crate::db::Pool);

impl async_graphql::dataloader::Loader<Uuid> for LanguageLoader {
    type Value = crate::db::enums::Language;
    type Error = crate::error::ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Self::Value>, Self::Error> {
        let mut conn = self.0.get().await?;
        let languages = crate::db::languages::of(&mut conn, keys).await?;
        Ok(keys.iter().copied().zip(languages).collect())
    }
}
