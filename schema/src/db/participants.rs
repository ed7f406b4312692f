//! Participants, the coordinator's terms, and handovers.

use super::enums::{HandoverStatus, ParticipantLeftReason};
use super::schema::{coordinator_term, handover, participant, person, unit};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = participant, check_for_backend(diesel::pg::Pg))]
pub struct ParticipantRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub staff_id: Uuid,
    pub unit_id: Uuid,
    pub title: Option<String>,
    pub added_by: Uuid,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    pub left_reason: Option<ParticipantLeftReason>,
}

/// A participant with their name and contact details and whether they hold the baton.
#[derive(Debug, Clone, Queryable)]
pub struct ParticipantView {
    #[diesel(embed)]
    pub participant: ParticipantRow,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub unit_name: String,
    pub is_coordinator: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coordinator_term, check_for_backend(diesel::pg::Pg))]
pub struct CoordinatorTermRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub participant_id: Uuid,
    pub staff_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// why the unit leader or admin appointed them (`reassignCoordinator`);
    /// null for a term that began with the log or a handover
    pub reason: Option<String>,
    /// who appointed them without a handover
    pub appointed_by: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = handover, check_for_backend(diesel::pg::Pg))]
pub struct HandoverRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub from_staff_id: Uuid,
    pub to_participant_id: Uuid,
    pub to_staff_id: Uuid,
    pub status: HandoverStatus,
    pub proposed_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Participants with their person and unit: the rows both `ParticipantView`
/// queries read.
#[diesel::dsl::auto_type]
fn with_names() -> _ {
    participant::table
        .inner_join(person::table.on(person::id.eq(participant::staff_id)))
        .inner_join(unit::table.on(unit::id.eq(participant::unit_id)))
}

/// Whether the participant holds the log's current coordinator term. A
/// correlated scalar subquery, not a join or EXISTS: it is one lookup in the
/// one-current-term-per-log index for any plan, where the generic plans the
/// server runs (see `server::db::pool`) of a join or of EXISTS hashed every
/// term of every log (10 ms per page at 10,000 logs).
#[diesel::dsl::auto_type]
fn is_coordinator() -> _ {
    coordinator_term::table
        .filter(coordinator_term::log_id.eq(participant::log_id))
        .filter(coordinator_term::participant_id.eq(participant::id))
        .filter(coordinator_term::ended_at.is_null())
        .select(coordinator_term::id)
        .single_value()
        .is_not_null()
}

/// Active participants of the logs (joined with person and unit), oldest first.
pub async fn active_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<ParticipantView>> {
    with_names()
        .filter(participant::log_id.eq_any(log_ids))
        .filter(participant::left_at.is_null())
        .order((participant::log_id, participant::joined_at, participant::id))
        .select((ParticipantRow::as_select(), person::name, person::phone, person::email, unit::name, is_coordinator()))
        .load(conn)
        .await
}

/// The participant rows (any, even those who left) with these ids, with names.
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<ParticipantView>> {
    with_names()
        .filter(participant::id.eq_any(ids))
        .select((ParticipantRow::as_select(), person::name, person::phone, person::email, unit::name, is_coordinator()))
        .load(conn)
        .await
}

/// A staff member's current participation in a log.
pub async fn active_by_staff(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    staff_id: Uuid,
) -> QueryResult<Option<ParticipantRow>> {
    Ok(latest_by_staff(conn, log_id, staff_id).await?.filter(|p| p.left_at.is_none()))
}

/// A staff member's participation in a log: the current one, else the
/// latest they left.
pub async fn latest_by_staff(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    staff_id: Uuid,
) -> QueryResult<Option<ParticipantRow>> {
    participant::table
        .filter(participant::log_id.eq(log_id))
        .filter(participant::staff_id.eq(staff_id))
        .order((participant::left_at.is_not_null(), participant::joined_at.desc()))
        .select(ParticipantRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ParticipantRow>> {
    participant::table.find(id).select(ParticipantRow::as_select()).first(conn).await.optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, p: &ParticipantRow) -> QueryResult<()> {
    diesel::insert_into(participant::table).values(p).execute(conn).await.map(drop)
}

/// Marks participants as having left; returns the staff ids that left.
pub async fn leave(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    filter_unit: Option<Uuid>,
    filter_id: Option<Uuid>,
    reason: ParticipantLeftReason,
) -> QueryResult<Vec<Uuid>> {
    let mut q = diesel::update(participant::table)
        .filter(participant::log_id.eq(log_id))
        .filter(participant::left_at.is_null())
        .into_boxed();
    if let Some(u) = filter_unit {
        q = q.filter(participant::unit_id.eq(u));
    }
    if let Some(id) = filter_id {
        q = q.filter(participant::id.eq(id));
    }
    q.set((participant::left_at.eq(diesel::dsl::now), participant::left_reason.eq(reason)))
        .returning(participant::staff_id)
        .get_results(conn)
        .await
}

pub async fn current_term_of(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<CoordinatorTermRow> {
    coordinator_term::table
        .filter(coordinator_term::log_id.eq(log_id))
        .filter(coordinator_term::ended_at.is_null())
        .select(CoordinatorTermRow::as_select())
        .first(conn)
        .await
}

pub async fn start_term(conn: &mut AsyncPgConnection, log_id: Uuid, participant: &ParticipantRow) -> QueryResult<()> {
    start_term_with(conn, log_id, participant, None).await
}

/// Ends the current term and starts `participant`'s; `appointed` is (who
/// appointed them, why) for a reassignment without a handover.
pub async fn start_term_with(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    participant: &ParticipantRow,
    appointed: Option<(Uuid, &str)>,
) -> QueryResult<()> {
    diesel::update(
        coordinator_term::table
            .filter(coordinator_term::log_id.eq(log_id))
            .filter(coordinator_term::ended_at.is_null()),
    )
    .set(coordinator_term::ended_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    diesel::insert_into(coordinator_term::table)
        .values(CoordinatorTermRow {
            id: Uuid::new_v4(),
            log_id,
            participant_id: participant.id,
            staff_id: participant.staff_id,
            started_at: Utc::now(),
            ended_at: None,
            reason: appointed.map(|(_, why)| why.to_owned()),
            appointed_by: appointed.map(|(by, _)| by),
        })
        .execute(conn)
        .await
        .map(drop)
}

/// The coordinator history of the logs, oldest first.
pub async fn terms_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<CoordinatorTermRow>> {
    coordinator_term::table
        .filter(coordinator_term::log_id.eq_any(log_ids))
        .order((coordinator_term::log_id, coordinator_term::started_at))
        .select(CoordinatorTermRow::as_select())
        .load(conn)
        .await
}

pub async fn pending_handover(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<Option<HandoverRow>> {
    handover::table
        .filter(handover::log_id.eq(log_id))
        .filter(handover::status.eq(HandoverStatus::Pending))
        .select(HandoverRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn pending_handovers_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<HandoverRow>> {
    handover::table
        .filter(handover::log_id.eq_any(log_ids))
        .filter(handover::status.eq(HandoverStatus::Pending))
        .select(HandoverRow::as_select())
        .load(conn)
        .await
}

pub async fn handover_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<HandoverRow>> {
    handover::table.find(id).select(HandoverRow::as_select()).first(conn).await.optional()
}

pub async fn insert_handover(conn: &mut AsyncPgConnection, h: &HandoverRow) -> QueryResult<()> {
    diesel::insert_into(handover::table).values(h).execute(conn).await.map(drop)
}

pub async fn decide_handover(conn: &mut AsyncPgConnection, id: Uuid, status: HandoverStatus) -> QueryResult<()> {
    diesel::update(handover::table.find(id))
        .set((handover::status.eq(status), handover::decided_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await
        .map(drop)
}

/// The logs of the units where `person` is unit leader or unit admin that
/// wait for a coordinator: not closed or deleted, and their coordinator is
/// deactivated (or they have none). Oldest first, at most `limit`.
pub async fn without_coordinator(conn: &mut AsyncPgConnection, person: Uuid, limit: i64) -> QueryResult<Vec<Uuid>> {
    use diesel::sql_types::{BigInt, Uuid as SqlUuid};
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let rows: Vec<Row> = super::prepared::prepared(
        "SELECT l.id FROM log l
          WHERE l.unit_id IN (SELECT r.unit_id FROM staff_unit_role r
                               WHERE r.staff_id = $1 AND r.role IN ('UNIT_ADMIN', 'UNIT_LEADER'))
            AND l.deleted_at IS NULL AND l.status <> 'CLOSED'
            AND NOT EXISTS (SELECT 1 FROM coordinator_term ct JOIN staff s ON s.person_id = ct.staff_id
                             WHERE ct.log_id = l.id AND ct.ended_at IS NULL AND s.deactivated_at IS NULL)
          ORDER BY l.created_at, l.id LIMIT $2",
    )
    .bind::<SqlUuid, _>(person)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
