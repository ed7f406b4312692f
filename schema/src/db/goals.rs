//! Goals, measures, evaluations and comments.

use super::enums::{GoalArea, GoalStatus, MeasureStatus};
use super::schema::{comment, evaluation, goal, measure};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = goal, check_for_backend(diesel::pg::Pg))]
pub struct Goal {
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
pub struct Measure {
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
}

/// Changes to a measure. `deadline: Some(None)` removes the deadline.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = measure)]
pub struct MeasureChanges {
    pub description: Option<String>,
    pub responsible_id: Option<Uuid>,
    pub deadline: Option<Option<NaiveDate>>,
    pub status: Option<MeasureStatus>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = evaluation, check_for_backend(diesel::pg::Pg))]
pub struct Evaluation {
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
pub struct Comment {
    pub id: Uuid,
    pub log_id: Uuid,
    pub measure_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    pub body: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
}

pub async fn goals_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<Goal>> {
    goal::table
        .filter(goal::log_id.eq_any(log_ids))
        .order((goal::log_id, goal::created_at, goal::id))
        .select(Goal::as_select())
        .load(conn)
        .await
}

pub async fn goal_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Goal>> {
    goal::table.find(id).select(Goal::as_select()).first(conn).await.optional()
}

pub async fn measures_of_goals(conn: &mut AsyncPgConnection, goal_ids: &[Uuid]) -> QueryResult<Vec<Measure>> {
    measure::table
        .filter(measure::goal_id.eq_any(goal_ids))
        .order((measure::goal_id, measure::created_at, measure::id))
        .select(Measure::as_select())
        .load(conn)
        .await
}

pub async fn measures_by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Measure>> {
    measure::table.filter(measure::id.eq_any(ids)).select(Measure::as_select()).load(conn).await
}

pub async fn measure_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Measure>> {
    measure::table.find(id).select(Measure::as_select()).first(conn).await.optional()
}

pub async fn evaluations_of_measures(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Evaluation>> {
    evaluation::table
        .filter(evaluation::measure_id.eq_any(ids))
        .order((evaluation::evaluated_on, evaluation::created_at))
        .select(Evaluation::as_select())
        .load(conn)
        .await
}

pub async fn evaluations_of_goals(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Evaluation>> {
    evaluation::table
        .filter(evaluation::goal_id.eq_any(ids))
        .order((evaluation::evaluated_on, evaluation::created_at))
        .select(Evaluation::as_select())
        .load(conn)
        .await
}

pub async fn comments_of_measures(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Comment>> {
    comment::table
        .filter(comment::measure_id.eq_any(ids))
        .order(comment::created_at)
        .select(Comment::as_select())
        .load(conn)
        .await
}

pub async fn comments_of_goals(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Comment>> {
    comment::table
        .filter(comment::goal_id.eq_any(ids))
        .order(comment::created_at)
        .select(Comment::as_select())
        .load(conn)
        .await
}

/// Open measures with a deadline on or before `until` (all when `None`) that
/// `person` is responsible for or coordinates, soonest first. The caller
/// still filters by the policy: a lapsed log's deadlines are not shown.
pub async fn open_deadlines_for(
    conn: &mut AsyncPgConnection,
    person: Uuid,
    until: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<Measure>> {
    use super::schema::coordinator_term;
    let coordinated = coordinator_term::table
        .filter(coordinator_term::log_id.eq(measure::log_id))
        .filter(coordinator_term::staff_id.eq(person))
        .filter(coordinator_term::ended_at.is_null());
    let mut q = measure::table
        .filter(measure::status.eq_any([MeasureStatus::Planned, MeasureStatus::InProgress]))
        .filter(measure::deadline.is_not_null())
        .filter(measure::responsible_id.eq(person).or(diesel::dsl::exists(coordinated)))
        .order((measure::deadline, measure::id))
        .limit(limit)
        .select(Measure::as_select())
        .into_boxed();
    if let Some(until) = until {
        q = q.filter(measure::deadline.le(until));
    }
    q.load(conn).await
}
