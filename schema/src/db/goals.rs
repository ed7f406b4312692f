//! Goals, measures, evaluations and comments.

use super::enums::{GoalArea, GoalStatus, MeasureStatus};
use super::schema::{comment, evaluation, goal, measure};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = goal, check_for_backend(diesel::pg::Pg))]
pub struct GoalRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub area: GoalArea,
    pub bti_level: i32,
    pub description: String,
    pub status: GoalStatus,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = goal)]
pub struct GoalChanges {
    pub bti_level: Option<i32>,
    pub description: Option<String>,
    pub status: Option<GoalStatus>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = measure, check_for_backend(diesel::pg::Pg))]
pub struct MeasureRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub goal_id: Uuid,
    pub description: String,
    pub responsible_id: Uuid,
    pub deadline: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub overdue_emitted_for: Option<NaiveDate>,
    pub due_soon_emitted_for: Option<NaiveDate>,
    /// set while the responsible person is deactivated (`Measure.needsNewResponsible`)
    pub needs_responsible_since: Option<DateTime<Utc>>,
}

/// Changes to a measure. `deadline: Some(None)` removes the deadline.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = measure)]
pub struct MeasureChanges {
    pub description: Option<String>,
    pub responsible_id: Option<Uuid>,
    pub deadline: Option<Option<NaiveDate>>,
    pub status: Option<MeasureStatus>,
    /// `Some(None)` when the measure gets a new responsible person (the flag
    /// of a deactivated one's measure goes with them)
    pub needs_responsible_since: Option<Option<DateTime<Utc>>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = evaluation, check_for_backend(diesel::pg::Pg))]
pub struct EvaluationRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub measure_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    pub body: String,
    pub evaluated_on: NaiveDate,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = comment, check_for_backend(diesel::pg::Pg))]
pub struct CommentRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub measure_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    pub body: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
}

pub async fn goals_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<GoalRow>> {
    goal::table
        .filter(goal::log_id.eq_any(log_ids))
        .order((goal::log_id, goal::created_at, goal::id))
        .select(GoalRow::as_select())
        .load(conn)
        .await
}

pub async fn goal_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<GoalRow>> {
    goal::table.find(id).select(GoalRow::as_select()).first(conn).await.optional()
}

pub async fn measures_of_goals(conn: &mut AsyncPgConnection, goal_ids: &[Uuid]) -> QueryResult<Vec<MeasureRow>> {
    measure::table
        .filter(measure::goal_id.eq_any(goal_ids))
        .order((measure::goal_id, measure::created_at, measure::id))
        .select(MeasureRow::as_select())
        .load(conn)
        .await
}

pub async fn measures_by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<MeasureRow>> {
    measure::table.filter(measure::id.eq_any(ids)).select(MeasureRow::as_select()).load(conn).await
}

pub async fn measure_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<MeasureRow>> {
    measure::table.find(id).select(MeasureRow::as_select()).first(conn).await.optional()
}

pub async fn evaluations_of_measures(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<EvaluationRow>> {
    evaluation::table
        .filter(evaluation::measure_id.eq_any(ids))
        .order((evaluation::evaluated_on, evaluation::created_at))
        .select(EvaluationRow::as_select())
        .load(conn)
        .await
}

pub async fn evaluations_of_goals(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<EvaluationRow>> {
    evaluation::table
        .filter(evaluation::goal_id.eq_any(ids))
        .order((evaluation::evaluated_on, evaluation::created_at))
        .select(EvaluationRow::as_select())
        .load(conn)
        .await
}

pub async fn comments_of_measures(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<CommentRow>> {
    comment::table
        .filter(comment::measure_id.eq_any(ids))
        .order((comment::created_at, comment::id))
        .select(CommentRow::as_select())
        .load(conn)
        .await
}

pub async fn comments_of_goals(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<CommentRow>> {
    comment::table
        .filter(comment::goal_id.eq_any(ids))
        .order((comment::created_at, comment::id))
        .select(CommentRow::as_select())
        .load(conn)
        .await
}

/// Whose open deadlines [`open_deadlines_for`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlinesOf {
    /// measures the person is responsible for
    Responsible,
    /// every measure of the logs the person coordinates
    Coordinated,
    /// either
    Both,
}

/// Open measures with a deadline on or before `until` (all when `None`) that
/// `person` is responsible for or coordinates, soonest first, after those
/// with no deadline that need a new responsible person. The caller
/// still filters by the policy: a lapsed log's deadlines are not shown.
///
/// Both conditions are index lookups PostgreSQL can OR together (the logs
/// coordinated are an array, not a sub-select), and the CTE keeps the
/// planner from walking every open deadline in order and testing each, as
/// it chose to for the LIMIT: 12–17 s at 100,000 logs, now 40–100 ms for the
/// bench's busiest people.
pub async fn open_deadlines_for(
    conn: &mut AsyncPgConnection,
    person: Uuid,
    of: DeadlinesOf,
    until: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<MeasureRow>> {
    use diesel::sql_types::{BigInt, Bool, Date, Nullable, Uuid as SqlUuid};
    let responsible = matches!(of, DeadlinesOf::Responsible | DeadlinesOf::Both);
    let coordinated = matches!(of, DeadlinesOf::Coordinated | DeadlinesOf::Both);
    super::prepared::prepared(
        "WITH mine AS MATERIALIZED (
             SELECT m.* FROM measure m
              WHERE m.status IN ('PLANNED', 'IN_PROGRESS')
                AND (m.deadline <= $2 OR ($2::date IS NULL AND m.deadline IS NOT NULL)
                     OR (m.deadline IS NULL AND m.needs_responsible_since IS NOT NULL))
                AND (($4 AND m.responsible_id = $1)
                     OR ($5 AND m.log_id = ANY (ARRAY(SELECT ct.log_id FROM coordinator_term ct
                                                       WHERE ct.staff_id = $1 AND ct.ended_at IS NULL)))))
         SELECT * FROM mine ORDER BY deadline NULLS FIRST, id LIMIT $3",
    )
    .bind::<SqlUuid, _>(person)
    .bind::<Nullable<Date>, _>(until)
    .bind::<BigInt, _>(limit)
    .bind::<Bool, _>(responsible)
    .bind::<Bool, _>(coordinated)
    .load(conn)
    .await
}

/// The open measures with a deadline in one log, soonest first.
pub async fn open_deadlines_in_log(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    until: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<MeasureRow>> {
    use diesel::sql_types::{BigInt, Date, Nullable, Uuid as SqlUuid};
    super::prepared::prepared(
        "SELECT * FROM measure m
          WHERE m.log_id = $1 AND m.status IN ('PLANNED', 'IN_PROGRESS')
            AND (m.deadline <= $2 OR ($2::date IS NULL AND m.deadline IS NOT NULL)
                 OR (m.deadline IS NULL AND m.needs_responsible_since IS NOT NULL))
          ORDER BY deadline NULLS FIRST, id LIMIT $3",
    )
    .bind::<SqlUuid, _>(log_id)
    .bind::<Nullable<Date>, _>(until)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Stores a new goal.
pub async fn insert_goal(conn: &mut AsyncPgConnection, row: &GoalRow) -> QueryResult<()> {
    diesel::insert_into(goal::table).values(row).execute(conn).await.map(drop)
}

/// Applies changes to a goal and returns it as stored.
pub async fn update_goal(conn: &mut AsyncPgConnection, id: Uuid, changes: &GoalChanges) -> QueryResult<GoalRow> {
    diesel::update(goal::table.find(id))
        .set((changes, goal::updated_at.eq(diesel::dsl::now)))
        .returning(GoalRow::as_returning())
        .get_result(conn)
        .await
}

/// Stores a new measure.
pub async fn insert_measure(conn: &mut AsyncPgConnection, row: &MeasureRow) -> QueryResult<()> {
    diesel::insert_into(measure::table).values(row).execute(conn).await.map(drop)
}

/// Applies changes to a measure and returns it as stored.
pub async fn update_measure(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &MeasureChanges,
) -> QueryResult<MeasureRow> {
    diesel::update(measure::table.find(id))
        .set((changes, measure::updated_at.eq(diesel::dsl::now)))
        .returning(MeasureRow::as_returning())
        .get_result(conn)
        .await
}

/// Stores a new evaluation of a measure or a goal.
pub async fn insert_evaluation(conn: &mut AsyncPgConnection, row: &EvaluationRow) -> QueryResult<()> {
    diesel::insert_into(evaluation::table).values(row).execute(conn).await.map(drop)
}

/// Stores a new comment on a measure or a goal.
pub async fn insert_comment(conn: &mut AsyncPgConnection, row: &CommentRow) -> QueryResult<()> {
    diesel::insert_into(comment::table).values(row).execute(conn).await.map(drop)
}
