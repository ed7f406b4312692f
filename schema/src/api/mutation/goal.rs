//! Goals, measures, evaluations and comments (DESIGN.md §2: 4).

use super::payload::{answer, payload};
use super::people;
use super::tx::{Lock, ScopedFutureExt, Write, with_log};
use crate::api::guard::locate;
use crate::api::ids;
use crate::api::input::{self, limits};
use crate::api::scalars::Date;
use crate::api::types::goal::{Comment, Evaluation, Goal, Measure};
use crate::context::rc;
use crate::db::consents;
use crate::db::enums::{AccessAction, EventKind, GoalArea, GoalStatus, MeasureStatus, ObjectType};
use crate::db::goals::{self, CommentRow, EvaluationRow, GoalChanges, GoalRow, MeasureChanges, MeasureRow};
use crate::db::participants;
use crate::error::{ApiError, ApiResult};
use crate::events::EventPayload;
use crate::policy::relation::ObjectRef;
use crate::policy::{WriteAction, write};
use crate::words;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::{NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// A new goal.
#[derive(InputObject)]
pub struct AddGoalInput {
    /// the log
    pub log_id: ID,
    /// the goal's area; owners may add HOME_LEISURE goals only
    pub area: GoalArea,
    /// BTI level 1–3
    pub bti_level: i32,
    /// what the goal is, at most 4,000 characters
    pub description: String,
}

/// Changes to a goal; omitted fields are unchanged, and at least one is needed.
#[derive(InputObject)]
pub struct UpdateGoalInput {
    /// BTI level 1–3
    pub bti_level: Option<i32>,
    /// at most 4,000 characters
    pub description: Option<String>,
    /// the goal's new status
    pub status: Option<GoalStatus>,
}

/// A new measure under a goal.
#[derive(InputObject)]
pub struct AddMeasureInput {
    /// the goal
    pub goal_id: ID,
    /// what is to be done, at most 4,000 characters
    pub description: String,
    /// a participant's id, a guardian's id, or the child's id (youth owner); a
    /// participant's unit must have consent
    pub responsible_id: ID,
    /// the day it is due; not in the past
    pub deadline: Option<Date>,
}

/// Omitted fields are unchanged; `deadline: null` removes the deadline. At
/// least one field is needed.
#[derive(InputObject)]
pub struct UpdateMeasureInput {
    /// at most 4,000 characters
    pub description: Option<String>,
    /// a new responsible person (as in `addMeasure`); only the coordinator,
    /// and owners for HOME_LEISURE measures, may reassign
    pub responsible_id: Option<ID>,
    /// the day it is due, not in the past; null removes it, omitted leaves it
    /// (no default: a tool that fills in defaults must not remove deadlines)
    pub deadline: MaybeUndefined<Date>,
    /// the measure's new status
    pub status: Option<MeasureStatus>,
}

/// Evaluate either a measure or a goal.
#[derive(InputObject)]
pub struct AddEvaluationInput {
    /// the measure to evaluate; give this or `goalId`, not both
    pub measure_id: Option<ID>,
    /// the goal to evaluate; give this or `measureId`, not both
    pub goal_id: Option<ID>,
    /// the assessment, at most 10,000 characters
    pub body: String,
    /// defaults to today; not in the future
    pub evaluated_on: Option<Date>,
}

/// Comment on either a measure or a goal.
#[derive(InputObject)]
pub struct AddCommentInput {
    /// the measure to comment on; give this or `goalId`, not both
    pub measure_id: Option<ID>,
    /// the goal to comment on; give this or `measureId`, not both
    pub goal_id: Option<ID>,
    /// the comment, at most 10,000 characters
    pub body: String,
}

payload! {
    /// The answer of `addGoal`.
    AddGoalPayload {
        /// the new goal
        goal: Goal,
    } with log
}

payload! {
    /// The answer of `updateGoal`.
    UpdateGoalPayload {
        /// the goal as changed
        goal: Goal,
    } with log
}

payload! {
    /// The answer of `addMeasure`.
    AddMeasurePayload {
        /// the new measure (under the goal `measure.goalId`; `log { goals }` has it in place)
        measure: Measure,
    } with log
}

payload! {
    /// The answer of `updateMeasure`.
    UpdateMeasurePayload {
        /// the measure as changed
        measure: Measure,
    } with log
}

payload! {
    /// The answer of `addEvaluation`.
    AddEvaluationPayload {
        /// the new evaluation
        evaluation: Evaluation,
    } with log
}

payload! {
    /// The answer of `addComment`.
    AddCommentPayload {
        /// the new comment
        comment: Comment,
    } with log
}

#[derive(Default)]
pub struct GoalMutations;

#[Object]
impl GoalMutations {
    /// Adds a goal. Owners may add home/leisure goals; the coordinator any.
    async fn add_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new goal.")] input: AddGoalInput,
    ) -> ApiResult<AddGoalPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let log_id = ids::parse(&input.log_id, "logId")?;
            let bti_level = bti_level(input.bti_level)?;
            let description = input::required(&input.description, "description", limits::DESCRIPTION)?;
            let row = with_log(rc, log_id, Lock::Share, "Log", move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::EditGoal(input.area))?;
                    let now = Utc::now();
                    let row = GoalRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        area: input.area,
                        bti_level,
                        description,
                        status: GoalStatus::Active,
                        created_by: w.actor,
                        created_at: now,
                        updated_at: now,
                    };
                    goals::insert_goal(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::Goal, row.id, AccessAction::Create).await?;
                    w.emit(conn, EventKind::GoalAdded, EventPayload { goal_id: Some(row.id), ..Default::default() })
                        .await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(AddGoalPayload { log_id: Some(row.log_id), goal: Some(Goal { row, access }), ..Default::default() })
        })
        .await
    }

    /// Changes a goal's level, description or status (its area is fixed).
    async fn update_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal.")] goal_id: ID,
        #[graphql(desc = "What to change.")] input: UpdateGoalInput,
    ) -> ApiResult<UpdateGoalPayload> {
        answer(&["goalId"], async move {
            let rc = rc(ctx);
            let goal_id = ids::parse(&goal_id, "goalId")?;
            let changes = GoalChanges {
                bti_level: input.bti_level.map(bti_level).transpose()?,
                description: input
                    .description
                    .as_deref()
                    .map(|d| input::required(d, "description", limits::DESCRIPTION))
                    .transpose()?,
                status: input.status,
            };
            if changes.bti_level.is_none() && changes.description.is_none() && changes.status.is_none() {
                return Err(ApiError::bad_input(words!("error-nothing-to-change")));
            }
            let log_id = log_of(ctx, Target::Goal(goal_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Goal", move |conn, w| {
                async move {
                    let g = goals::goal_by_id(conn, goal_id).await?.ok_or(ApiError::NotFound("Goal"))?;
                    let acting = w.authorize(WriteAction::EditGoal(g.area))?;
                    let row = goals::update_goal(conn, goal_id, &changes).await?;
                    w.audit(conn, acting, ObjectType::Goal, goal_id, AccessAction::Update).await?;
                    w.emit(conn, EventKind::GoalChanged, EventPayload { goal_id: Some(goal_id), ..Default::default() })
                        .await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(UpdateGoalPayload { log_id: Some(row.log_id), goal: Some(Goal { row, access }), ..Default::default() })
        })
        .await
    }

    /// Adds a measure with a responsible person and, usually, a deadline.
    async fn add_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new measure.")] input: AddMeasureInput,
    ) -> ApiResult<AddMeasurePayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let goal_id = ids::parse(&input.goal_id, "goalId")?;
            let responsible = ids::parse(&input.responsible_id, "responsibleId")?;
            let description = input::required(&input.description, "description", limits::DESCRIPTION)?;
            let deadline = input.deadline.map(|d| input::not_past(d.0, "deadline")).transpose()?;
            let log_id = log_of(ctx, Target::Goal(goal_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Goal", move |conn, w| {
                async move {
                    let g = goals::goal_by_id(conn, goal_id).await?.ok_or(ApiError::NotFound("Goal"))?;
                    let acting = w.authorize(WriteAction::EditMeasure(g.area))?;
                    let responsible_id = responsible_person(conn, &w, responsible).await?;
                    let now = Utc::now();
                    let row = MeasureRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        goal_id,
                        description,
                        responsible_id,
                        deadline,
                        status: MeasureStatus::Planned,
                        created_by: w.actor,
                        created_at: now,
                        updated_at: now,
                        overdue_emitted_for: None,
                        due_soon_emitted_for: None,
                        needs_responsible_since: None,
                    };
                    goals::insert_measure(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::Measure, row.id, AccessAction::Create).await?;
                    w.emit(conn, EventKind::MeasureCreated, EventPayload::measure(&row, None)).await?;
                    if deadline.is_some() {
                        w.emit(conn, EventKind::DeadlineSet, EventPayload::measure(&row, None)).await?;
                    }
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(AddMeasurePayload {
                log_id: Some(row.log_id),
                measure: Some(Measure { row, access }),
                ..Default::default()
            })
        })
        .await
    }

    /// Updates a measure. Its responsible person may change its status,
    /// description and deadline; the coordinator (and owners, for home and
    /// leisure measures) may also change who is responsible.
    async fn update_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure.")] measure_id: ID,
        #[graphql(desc = "What to change.")] input: UpdateMeasureInput,
    ) -> ApiResult<UpdateMeasurePayload> {
        answer(&["measureId"], async move {
            let rc = rc(ctx);
            let measure_id = ids::parse(&measure_id, "measureId")?;
            let description = input
                .description
                .as_deref()
                .map(|d| input::required(d, "description", limits::DESCRIPTION))
                .transpose()?;
            let responsible = input.responsible_id.as_ref().map(|r| ids::parse(r, "responsibleId")).transpose()?;
            let deadline: Option<Option<NaiveDate>> = match input.deadline {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(d) => Some(Some(input::not_past(d.0, "deadline")?)),
            };
            if description.is_none() && responsible.is_none() && deadline.is_none() && input.status.is_none() {
                return Err(ApiError::bad_input(words!("error-nothing-to-change")));
            }
            let log_id = log_of(ctx, Target::Measure(measure_id)).await?;
            let row = with_log(rc, log_id, Lock::Share, "Measure", move |conn, w| {
                async move {
                    let before = goals::measure_by_id(conn, measure_id).await?.ok_or(ApiError::NotFound("Measure"))?;
                    let area =
                        goals::goal_by_id(conn, before.goal_id).await?.ok_or(ApiError::NotFound("Measure"))?.area;
                    let acting =
                        write::change_measure(&w.rel, before.responsible_id == w.actor, responsible.is_some(), area)
                            .map_err(|e| e.for_object("Measure"))?;
                    let responsible_id = match responsible {
                        Some(r) => Some(responsible_person(conn, &w, r).await?),
                        None => None,
                    };
                    // A new responsible person takes the flag of a deactivated one with them.
                    let needs_responsible_since = responsible_id.map(|_| None);
                    let changes = MeasureChanges {
                        description,
                        responsible_id,
                        deadline,
                        status: input.status,
                        needs_responsible_since,
                    };
                    let after = goals::update_measure(conn, measure_id, &changes).await?;
                    w.audit(conn, acting, ObjectType::Measure, measure_id, AccessAction::Update).await?;
                    emit_measure_changes(conn, &w, &before, &after).await?;
                    Ok((after, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(UpdateMeasurePayload {
                log_id: Some(row.log_id),
                measure: Some(Measure { row, access }),
                ..Default::default()
            })
        })
        .await
    }

    /// Adds a dated evaluation of a measure (by its responsible person or the
    /// coordinator) or of a goal (by the coordinator; owners for home/leisure).
    async fn add_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation and what it is of.")] input: AddEvaluationInput,
    ) -> ApiResult<AddEvaluationPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let target = target(input.measure_id.as_ref(), input.goal_id.as_ref())?;
            let body = input::required(&input.body, "body", limits::BODY)?;
            let today = Utc::now().date_naive();
            let evaluated_on = input.evaluated_on.map_or(today, |d| d.0);
            if evaluated_on > today {
                return Err(ApiError::bad_field("evaluatedOn", words!("error-future", field = "evaluatedOn")));
            }
            let log_id = log_of(ctx, target).await?;
            let row = with_log(rc, log_id, Lock::Share, target.name(), move |conn, w| {
                async move {
                    let (area, responsible, measure_id, goal_id) = resolve_target(conn, target).await?;
                    let acting =
                        w.authorize(WriteAction::Evaluate { responsible: responsible == Some(w.actor), area })?;
                    let row = EvaluationRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        measure_id,
                        goal_id,
                        body,
                        evaluated_on,
                        author_id: w.actor,
                        created_at: Utc::now(),
                    };
                    goals::insert_evaluation(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::Evaluation, row.id, AccessAction::Create).await?;
                    let kind =
                        if measure_id.is_some() { EventKind::MeasureEvaluated } else { EventKind::GoalEvaluated };
                    let payload =
                        EventPayload { measure_id, goal_id, evaluation_id: Some(row.id), ..Default::default() };
                    w.emit(conn, kind, payload).await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(AddEvaluationPayload {
                log_id: Some(row.log_id),
                evaluation: Some(Evaluation { row, access }),
                ..Default::default()
            })
        })
        .await
    }

    /// Comments on a measure or a goal.
    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment and what it is on.")] input: AddCommentInput,
    ) -> ApiResult<AddCommentPayload> {
        answer(&[], async move {
            let rc = rc(ctx);
            let target = target(input.measure_id.as_ref(), input.goal_id.as_ref())?;
            let body = input::required(&input.body, "body", limits::BODY)?;
            let log_id = log_of(ctx, target).await?;
            let row = with_log(rc, log_id, Lock::Share, target.name(), move |conn, w| {
                async move {
                    let acting = w.authorize(WriteAction::Comment)?;
                    let (_, _, measure_id, goal_id) = resolve_target(conn, target).await?;
                    let row = CommentRow {
                        id: Uuid::new_v4(),
                        log_id: w.log_id(),
                        measure_id,
                        goal_id,
                        body,
                        author_id: w.actor,
                        created_at: Utc::now(),
                    };
                    goals::insert_comment(conn, &row).await?;
                    w.audit(conn, acting, ObjectType::Comment, row.id, AccessAction::Create).await?;
                    w.emit(
                        conn,
                        EventKind::CommentAdded,
                        EventPayload { measure_id, goal_id, comment_id: Some(row.id), ..Default::default() },
                    )
                    .await?;
                    Ok((row, w.access()))
                }
                .scope_boxed()
            })
            .await?;
            let (row, access) = row;
            Ok(AddCommentPayload {
                log_id: Some(row.log_id),
                comment: Some(Comment { row, access }),
                ..Default::default()
            })
        })
        .await
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Goal(Uuid),
    Measure(Uuid),
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Goal(_) => "Goal",
            Target::Measure(_) => "Measure",
        }
    }
}

fn target(measure_id: Option<&ID>, goal_id: Option<&ID>) -> ApiResult<Target> {
    match (measure_id, goal_id) {
        (Some(m), None) => Ok(Target::Measure(ids::parse(m, "measureId")?)),
        (None, Some(g)) => Ok(Target::Goal(ids::parse(g, "goalId")?)),
        _ => Err(ApiError::bad_input(words!("error-measure-or-goal"))),
    }
}

/// The log of a goal or measure the principal may see; NOT_FOUND otherwise.
async fn log_of(ctx: &Context<'_>, target: Target) -> ApiResult<Uuid> {
    let object = match target {
        Target::Goal(id) => ObjectRef::Goal(id),
        Target::Measure(id) => ObjectRef::Measure(id),
    };
    locate(rc(ctx), object).await
}

/// (area, responsible person, measure id, goal id) of a target.
async fn resolve_target(
    conn: &mut AsyncPgConnection,
    target: Target,
) -> ApiResult<(GoalArea, Option<Uuid>, Option<Uuid>, Option<Uuid>)> {
    match target {
        Target::Goal(id) => {
            let g = goals::goal_by_id(conn, id).await?.ok_or(ApiError::NotFound("Goal"))?;
            Ok((g.area, None, None, Some(id)))
        }
        Target::Measure(id) => {
            let m = goals::measure_by_id(conn, id).await?.ok_or(ApiError::NotFound("Measure"))?;
            let g = goals::goal_by_id(conn, m.goal_id).await?.ok_or(ApiError::NotFound("Measure"))?;
            Ok((g.area, Some(m.responsible_id), Some(id), None))
        }
    }
}

fn bti_level(level: i32) -> ApiResult<i32> {
    if (1..=3).contains(&level) { Ok(level) } else { Err(ApiError::bad_field("btiLevel", words!("error-bti-level"))) }
}

/// The responsible person for an id; a participant must belong to a
/// consented unit, or they could not see the measure they carry out.
async fn responsible_person(conn: &mut AsyncPgConnection, w: &Write, id: Uuid) -> ApiResult<Uuid> {
    let person = people::resolve_one(conn, w.log_id(), id, "responsibleId").await?;
    crate::policy::staff::takes_new_work(crate::db::staff::is_active(conn, person).await?, "responsibleId")?;
    if let Some(p) = participants::active_by_staff(conn, w.log_id(), person).await?
        && !consents::unit_consented(conn, w.log_id(), p.unit_id).await?
    {
        return Err(ApiError::bad_field("responsibleId", words!("error-responsible-no-consent")));
    }
    Ok(person)
}

/// MEASURE_UPDATED, plus the deadline events a dashboard follows.
async fn emit_measure_changes(
    conn: &mut AsyncPgConnection,
    w: &Write,
    before: &MeasureRow,
    after: &MeasureRow,
) -> ApiResult<()> {
    w.emit(conn, EventKind::MeasureUpdated, EventPayload::measure(after, before.deadline)).await?;
    let deadline_kind = match (before.deadline, after.deadline) {
        (None, Some(_)) => Some(EventKind::DeadlineSet),
        (Some(a), Some(b)) if a != b => Some(EventKind::DeadlineMoved),
        (Some(_), None) => Some(EventKind::DeadlineRemoved),
        _ => None,
    };
    if let Some(kind) = deadline_kind {
        w.emit(conn, kind, EventPayload::measure(after, before.deadline)).await?;
    }
    if before.status != MeasureStatus::Done && after.status == MeasureStatus::Done {
        w.emit(conn, EventKind::MeasureDone, EventPayload::measure(after, before.deadline)).await?;
    }
    if before.responsible_id != after.responsible_id && after.deadline.is_some() {
        // The deadline moves from one person's dashboard to another's.
        let payload = EventPayload {
            previous_responsible_id: Some(before.responsible_id),
            ..EventPayload::measure(after, before.deadline)
        };
        w.emit(conn, EventKind::DeadlineSet, payload).await?;
    }
    Ok(())
}
