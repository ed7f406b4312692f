//! Each person's language for the texts the server writes to them
//! (`person_language`; bokmål for whoever has not chosen).

use super::enums::Language;
use super::schema::person_language;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// The language of each of `people`, in order; bokmål where none is chosen.
pub async fn of(conn: &mut AsyncPgConnection, people: &[Uuid]) -> QueryResult<Vec<Language>> {
    let chosen: Vec<(Uuid, Language)> = person_language::table
        .filter(person_language::person_id.eq_any(people))
        .select((person_language::person_id, person_language::language))
        .load(conn)
        .await?;
    Ok(people.iter().map(|p| chosen.iter().find(|(c, _)| c == p).map_or(Language::Nb, |(_, l)| *l)).collect())
}

/// Sets a person's language.
pub async fn set(conn: &mut AsyncPgConnection, person_id: Uuid, language: Language) -> QueryResult<()> {
    diesel::insert_into(person_language::table)
        .values((person_language::person_id.eq(person_id), person_language::language.eq(language)))
        .on_conflict(person_language::person_id)
        .do_update()
        .set((person_language::language.eq(language), person_language::chosen_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await
        .map(drop)
}
