//! Loaders for persons, units and participants.

use super::{list_loader, row_loader};
use crate::db::org::{Person, Unit};
use crate::db::participants::{self, ParticipantView};
use crate::db::schema::{person, unit};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

async fn persons(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Person>> {
    person::table.filter(person::id.eq_any(ids)).select(Person::as_select()).load(conn).await
}

async fn units(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Unit>> {
    unit::table.filter(unit::id.eq_any(ids)).select(Unit::as_select()).load(conn).await
}

row_loader!(PersonLoader, Person, persons, |r| r.id);
row_loader!(UnitLoader, Unit, units, |r| r.id);
list_loader!(ParticipantsByLog, ParticipantView, participants::active_of, |r| r.participant.log_id);
row_loader!(ParticipantLoader, ParticipantView, participants::by_ids, |r| r.participant.id);
